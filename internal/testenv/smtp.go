package testenv

import (
	"crypto/tls"
	"encoding/base64"
	"io"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"
)

// SMTPMessage is one message the test server accepted.
type SMTPMessage struct {
	Helo, From string
	Rcpt       []string
	Data       []byte
	Auth       string // decoded AUTH PLAIN response
	TLS        bool
}

// SMTPServer is a minimal RFC 5321 server for tests, on 127.0.0.1:0:
// greeting, EHLO, optional STARTTLS and AUTH PLAIN, MAIL, RCPT, DATA, RSET,
// NOOP, QUIT. It keeps every message it accepts.
type SMTPServer struct {
	TLSConfig *tls.Config // non-nil: offer STARTTLS
	Auth      bool        // offer AUTH PLAIN
	RejectTo  string      // RCPT for this address gets 550
	Silent    bool        // accept connections but never greet

	ln net.Listener

	mu   sync.Mutex
	msgs []SMTPMessage
	wg   sync.WaitGroup
}

// StartSMTP serves s on ln (nil: a new plain listener on 127.0.0.1:0)
// until the test ends.
func StartSMTP(t testing.TB, s *SMTPServer, ln net.Listener) *SMTPServer {
	t.Helper()
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
	}
	s.ln = ln
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(10 * time.Second))
				s.serve(c)
			}()
		}
	}()
	t.Cleanup(func() { _ = ln.Close(); s.wg.Wait() })
	return s
}

// Port is the port the server listens on.
func (s *SMTPServer) Port() string { _, p, _ := net.SplitHostPort(s.ln.Addr().String()); return p }

// Messages returns the messages accepted so far.
func (s *SMTPServer) Messages() []SMTPMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SMTPMessage(nil), s.msgs...)
}

func (s *SMTPServer) serve(c net.Conn) {
	if s.Silent {
		_, _ = io.Copy(io.Discard, c)
		return
	}
	tp := textproto.NewConn(c)
	reply := func(lines ...string) {
		for _, l := range lines {
			_ = tp.PrintfLine("%s", l)
		}
	}
	reply("220 test.local ESMTP ready")
	var cur SMTPMessage
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			cur.Helo = arg
			ext := []string{"250-test.local", "250-8BITMIME"}
			if s.TLSConfig != nil && !cur.TLS {
				ext = append(ext, "250-STARTTLS")
			}
			if s.Auth {
				ext = append(ext, "250-AUTH PLAIN")
			}
			ext = append(ext, "250 HELP")
			reply(ext...)
		case "STARTTLS":
			reply("220 go ahead")
			tc := tls.Server(c, s.TLSConfig)
			if tc.Handshake() != nil {
				return
			}
			c, tp, cur = tc, textproto.NewConn(tc), SMTPMessage{TLS: true}
			reply = func(lines ...string) {
				for _, l := range lines {
					_ = tp.PrintfLine("%s", l)
				}
			}
		case "AUTH":
			mech, resp, _ := strings.Cut(arg, " ")
			dec, err := base64.StdEncoding.DecodeString(resp)
			if mech != "PLAIN" || err != nil {
				reply("504 unsupported")
				continue
			}
			cur.Auth = string(dec)
			reply("235 ok")
		case "MAIL":
			cur.From = strings.Trim(strings.TrimPrefix(strings.Fields(arg + " ")[0], "FROM:"), "<>")
			reply("250 ok")
		case "RCPT":
			to := strings.Trim(strings.TrimPrefix(arg, "TO:"), "<> ")
			if to == s.RejectTo {
				reply("550 mailbox <" + to + "> unavailable")
				continue
			}
			cur.Rcpt = append(cur.Rcpt, to)
			reply("250 ok")
		case "DATA":
			reply("354 end with .")
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			cur.Data = data
			s.mu.Lock()
			s.msgs = append(s.msgs, cur)
			s.mu.Unlock()
			cur = SMTPMessage{Helo: cur.Helo, TLS: cur.TLS}
			reply("250 queued")
		case "RSET":
			cur = SMTPMessage{Helo: cur.Helo, TLS: cur.TLS}
			reply("250 ok")
		case "NOOP":
			reply("250 ok")
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply("502 not implemented")
		}
	}
}
