package handlers

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net"
	"net/http"
	"regexp"
	"strconv"

	"minhbach/services"
)

// MaxHeaderBytes caps a request's header block; cmd/portal sets it as
// http.Server.MaxHeaderBytes. Past it net/http answers 431 itself, which
// Listener turns into the usual error answer.
const MaxHeaderBytes = 64 << 10

// netHTTPError matches the answers net/http writes straight to the
// connection when it cannot read a request (net/http's conn.serve): a
// status line, exactly these two headers and a text body. An answer from a
// handler never has this shape: net/http writes its headers sorted (so
// Connection before Content-Type) and adds Date.
var netHTTPError = regexp.MustCompile(`\AHTTP/1\.1 ([0-9]{3}) [^\r\n]*\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n[^\r\n]*\z`)

// Listener wraps ln so that the errors net/http answers on its own, before
// any handler runs — headers too large (431), a malformed request or one
// without Host (400), an unknown transfer coding (501) — carry the JSON
// error shape, the security headers and a request id like every other
// answer (docs/architecture.md). hsts adds Strict-Transport-Security, as
// Config.HSTS does.
func Listener(ln net.Listener, hsts bool) net.Listener {
	return &edgeListener{Listener: ln, hsts: hsts}
}

type edgeListener struct {
	net.Listener
	hsts bool
}

func (l *edgeListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &edgeConn{Conn: c, hsts: l.hsts}, nil
}

type edgeConn struct {
	net.Conn
	hsts bool
}

// Write replaces net/http's own error answers and passes everything else.
func (c *edgeConn) Write(p []byte) (int, error) {
	if len(p) > 512 || !bytes.HasPrefix(p, []byte("HTTP/1.1 ")) {
		return c.Conn.Write(p)
	}
	m := netHTTPError.FindSubmatch(p)
	if m == nil {
		return c.Conn.Write(p)
	}
	status, _ := strconv.Atoi(string(m[1]))
	if _, err := c.Conn.Write(edgeAnswer(status, c.hsts)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// CloseWrite lets net/http half-close the connection after a 431, as it
// does on a bare TCP connection.
func (c *edgeConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// edgeAnswer is a whole HTTP/1.1 error answer for status.
func edgeAnswer(status int, hsts bool) []byte {
	reason, msg := services.ReasonMalformed, "The request is malformed."
	switch {
	case status == http.StatusRequestHeaderFieldsTooLarge:
		reason, msg = services.ReasonTooLarge, "The request headers are too large."
	case status == http.StatusNotImplemented:
		reason, msg = services.ReasonWrongType, "The request's transfer encoding is not supported."
	case status >= 500:
		reason, msg = services.ReasonInternal, "An unexpected error occurred."
	}
	body, _ := json.Marshal(errorBody{Error: errorDetail{Code: reason.Code(), Reason: reason, Message: msg}})
	h := http.Header{}
	setSecurityHeaders(h, hsts)
	id := make([]byte, 12)
	_, _ = rand.Read(id)
	h.Set("X-Request-ID", hex.EncodeToString(id))
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Connection", "close")
	var b bytes.Buffer
	b.WriteString("HTTP/1.1 " + strconv.Itoa(status) + " " + http.StatusText(status) + "\r\n")
	_ = h.Write(&b)
	b.WriteString("\r\n")
	b.Write(body)
	return b.Bytes()
}
