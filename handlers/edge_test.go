package handlers_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"minhbach/handlers"
)

// serveReal runs the fixture's handler behind a real listener, wired as
// cmd/portal wires it (handlers.Listener around the socket), with a small
// header cap.
func serveReal(t *testing.T, f *fixture) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: f.srv, ReadHeaderTimeout: 5 * time.Second, MaxHeaderBytes: handlers.MaxHeaderBytes}
	go func() { _ = srv.Serve(handlers.Listener(ln, false)) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// rawRequest writes raw bytes to the server and reads one answer.
func rawRequest(t *testing.T, addr, raw string) (*http.Response, []byte) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the answer to %.60q: %v", raw, err)
	}
	body, _ := io.ReadAll(res.Body)
	return res, body
}

// TestErrorsBelowGinUseTheErrorShape: what net/http answers on its own —
// headers too large (431), a request without Host or malformed (400), an
// unknown transfer coding (501) — and a wrong method (405) carry the JSON
// error shape and the security headers like every other answer.
func TestErrorsBelowGinUseTheErrorShape(t *testing.T) {
	f := newFixture(t)
	addr := serveReal(t, f)
	for name, tc := range map[string]struct {
		raw    string
		status int
		code   string
	}{
		"headers too large": {"GET /api/v1/meta HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 2*handlers.MaxHeaderBytes) + "\r\n\r\n", 431, "too_large"},
		"no host":           {"GET /api/v1/meta HTTP/1.1\r\n\r\n", 400, "invalid"},
		"malformed":         {"GET /api/v1/meta HTTP/1.1\r\nHost: x\r\nBroken header line\r\n\r\n", 400, "invalid"},
		"bad request line":  {"NONSENSE\r\n\r\n", 400, "invalid"},
		"unknown coding":    {"POST /api/v1/complaints HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501, "unsupported"},
		"wrong method":      {"DELETE /api/v1/meta HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 405, "invalid"},
		"wrong method root": {"PUT /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 405, "invalid"},
	} {
		res, body := rawRequest(t, addr, tc.raw)
		if res.StatusCode != tc.status {
			t.Errorf("%s: %d %q", name, res.StatusCode, body)
			continue
		}
		var e struct {
			Error struct{ Code, Reason, Message string }
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") || json.Unmarshal(body, &e) != nil ||
			e.Error.Code != tc.code || e.Error.Message == "" || e.Error.Reason == "" {
			t.Errorf("%s: %s %q, want the JSON error shape with code %s and a reason", name, ct, body, tc.code)
		}
		for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options", "X-Request-ID"} {
			if res.Header.Get(h) == "" {
				t.Errorf("%s: no %s", name, h)
			}
		}
		if tc.status == http.StatusMethodNotAllowed && res.Header.Get("Allow") == "" {
			t.Errorf("%s: 405 without Allow", name)
		}
		if res.Header.Get("Cache-Control") != "no-store" && name != "wrong method root" {
			t.Errorf("%s: Cache-Control %q", name, res.Header.Get("Cache-Control"))
		}
	}
	// The socket still serves ordinary requests.
	if res, body := rawRequest(t, addr, "GET /api/v1/meta HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"); res.StatusCode != 200 || !json.Valid(body) {
		t.Fatalf("ordinary request: %d", res.StatusCode)
	}
}
