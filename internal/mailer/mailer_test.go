package mailer_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"io"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"minhbach/internal/mailer"
)

// received is one message the test server accepted.
type received struct {
	helo, from string
	rcpt       []string
	data       []byte
	auth       string // decoded AUTH PLAIN response
	tls        bool
}

// smtpServer is a minimal RFC 5321 server on 127.0.0.1:0: greeting, EHLO,
// optional STARTTLS and AUTH PLAIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT.
type smtpServer struct {
	ln       net.Listener
	tlsConf  *tls.Config // non-nil: offer STARTTLS
	auth     bool        // offer AUTH PLAIN
	rejectTo string      // RCPT for this address gets 550
	silent   bool        // accept connections but never greet

	mu   sync.Mutex
	msgs []received
	wg   sync.WaitGroup
}

func startServer(t *testing.T, s *smtpServer) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
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

func (s *smtpServer) port() string { _, p, _ := net.SplitHostPort(s.ln.Addr().String()); return p }

func (s *smtpServer) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...)
}

func (s *smtpServer) serve(c net.Conn) {
	if s.silent {
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
	var cur received
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			cur.helo = arg
			ext := []string{"250-test.local", "250-8BITMIME"}
			if s.tlsConf != nil && !cur.tls {
				ext = append(ext, "250-STARTTLS")
			}
			if s.auth {
				ext = append(ext, "250-AUTH PLAIN")
			}
			ext = append(ext, "250 HELP")
			reply(ext...)
		case "STARTTLS":
			reply("220 go ahead")
			tc := tls.Server(c, s.tlsConf)
			if tc.Handshake() != nil {
				return
			}
			c, tp, cur = tc, textproto.NewConn(tc), received{tls: true}
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
			cur.auth = string(dec)
			reply("235 ok")
		case "MAIL":
			cur.from = strings.Trim(strings.TrimPrefix(strings.Fields(arg + " ")[0], "FROM:"), "<>")
			reply("250 ok")
		case "RCPT":
			to := strings.Trim(strings.TrimPrefix(arg, "TO:"), "<> ")
			if to == s.rejectTo {
				reply("550 mailbox <" + to + "> unavailable")
				continue
			}
			cur.rcpt = append(cur.rcpt, to)
			reply("250 ok")
		case "DATA":
			reply("354 end with .")
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			cur.data = data
			s.mu.Lock()
			s.msgs = append(s.msgs, cur)
			s.mu.Unlock()
			cur = received{helo: cur.helo, tls: cur.tls}
			reply("250 queued")
		case "RSET":
			cur = received{helo: cur.helo, tls: cur.tls}
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

func newMailer(t *testing.T, url string) *mailer.SMTP {
	t.Helper()
	m, err := mailer.New(url)
	if err != nil {
		t.Fatalf("New(%q): %v", url, err)
	}
	return m
}

// parse reads a received message and decodes its subject and body.
func parse(t *testing.T, data []byte) (*mail.Message, string, string) {
	t.Helper()
	// textproto's ReadDotBytes has already undone dot-stuffing and turned
	// CRLF into LF.
	for _, l := range strings.Split(string(data), "\n") {
		if len(l) > 998 || (!strings.HasPrefix(l, "Subject:") && !strings.HasPrefix(l, " ") && len(l) > 78) {
			t.Errorf("line too long: %q", l)
		}
		for _, w := range strings.Fields(l) {
			if strings.HasPrefix(w, "=?") && len(w) > 75 {
				t.Errorf("encoded word longer than 75: %q", w)
			}
		}
	}
	msg, err := mail.ReadMessage(strings.NewReader(string(data)))
	if err != nil {
		t.Fatalf("ReadMessage: %v\n%s", err, data)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("subject: %v", err)
	}
	if msg.Header.Get("Content-Transfer-Encoding") != "quoted-printable" {
		t.Fatalf("Content-Transfer-Encoding = %q", msg.Header.Get("Content-Transfer-Encoding"))
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatalf("body: %v", err)
	}
	return msg, subject, string(body)
}

func TestMailerSendsVietnamese(t *testing.T) {
	srv := startServer(t, &smtpServer{})
	m := newMailer(t, "smtp://127.0.0.1:"+srv.port()+"?from=portal@example.org")
	fixed := time.Date(2026, 11, 27, 15, 4, 5, 0, time.FixedZone("ICT", 7*3600))
	m.Now = func() time.Time { return fixed }
	subject := "[Minh Bạch] Hồ sơ MB-2345-6789: quá hạn giải quyết / resolve deadline passed — thông báo dài"
	body := "Phản ánh của bạn đã có thay đổi: hãy đăng nhập bằng mã theo dõi để xem.\n" +
		".dòng bắt đầu bằng dấu chấm\n" + strings.Repeat("Đường dài ", 20) + "\n\nHết.\n"
	if err := m.Send(context.Background(), "Cán Bộ <can.bo@example.org>", subject, body); err != nil {
		t.Fatal(err)
	}
	msgs := srv.messages()
	if len(msgs) != 1 {
		t.Fatalf("server got %d messages", len(msgs))
	}
	r := msgs[0]
	if r.from != "portal@example.org" || len(r.rcpt) != 1 || r.rcpt[0] != "can.bo@example.org" || r.helo != "example.org" {
		t.Fatalf("envelope: helo=%q from=%q rcpt=%q", r.helo, r.from, r.rcpt)
	}
	msg, gotSubject, gotBody := parse(t, r.data)
	if gotSubject != subject {
		t.Errorf("subject = %q, want %q", gotSubject, subject)
	}
	if gotBody != body {
		t.Errorf("body = %q, want %q", gotBody, body)
	}
	if strings.Contains(msg.Header.Get("Subject"), "ạ") {
		t.Errorf("raw Subject is not RFC 2047 encoded: %q", msg.Header.Get("Subject"))
	}
	h := msg.Header
	for k, want := range map[string]string{
		"From": "<portal@example.org>", "To": "<can.bo@example.org>", "MIME-Version": "1.0",
		"Content-Type": "text/plain; charset=UTF-8", "Date": "Fri, 27 Nov 2026 15:04:05 +0700",
	} {
		if got := h.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if d, err := h.Date(); err != nil || !d.Equal(fixed) {
		t.Errorf("Date: %v %v", d, err)
	}
	id := h.Get("Message-ID")
	if !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@example.org>") || len(id) < 30 {
		t.Errorf("Message-ID = %q", id)
	}
	// A second message gets a different Message-ID.
	if err := m.Send(context.Background(), "x@example.org", "a", "b"); err != nil {
		t.Fatal(err)
	}
	// SMTP ends every message with a line break.
	msg2, sub2, body2 := parse(t, srv.messages()[1].data)
	if msg2.Header.Get("Message-ID") == id || sub2 != "a" || body2 != "b\n" {
		t.Errorf("second message: id %q subject %q body %q", msg2.Header.Get("Message-ID"), sub2, body2)
	}
}

func TestMailerSubjectCannotInjectHeaders(t *testing.T) {
	srv := startServer(t, &smtpServer{})
	m := newMailer(t, "smtp://127.0.0.1:"+srv.port()+"?from=portal@example.org")
	if err := m.Send(context.Background(), "a@example.org", "Hi\r\nBcc: evil@example.org", "x"); err != nil {
		t.Fatal(err)
	}
	msg, subject, _ := parse(t, srv.messages()[0].data)
	if msg.Header.Get("Bcc") != "" || subject != "Hi Bcc: evil@example.org" {
		t.Fatalf("Bcc=%q subject=%q", msg.Header.Get("Bcc"), subject)
	}
	for _, to := range []string{"not an address", "a@example.org\r\nRCPT TO:<b@example.org>", ""} {
		if err := m.Send(context.Background(), to, "s", "b"); err == nil {
			t.Errorf("Send to %q: no error", to)
		}
	}
	if n := len(srv.messages()); n != 1 {
		t.Fatalf("server got %d messages, want 1", n)
	}
}

func TestMailerAuthPlain(t *testing.T) {
	srv := startServer(t, &smtpServer{auth: true})
	m := newMailer(t, "smtp://us%40er:p%C3%A0ss%3Aw@127.0.0.1:"+srv.port()+"?from=portal@example.org")
	if err := m.Send(context.Background(), "a@example.org", "s", "b"); err != nil {
		t.Fatal(err)
	}
	if got := srv.messages()[0].auth; got != "\x00us@er\x00pàss:w" {
		t.Fatalf("AUTH PLAIN = %q", got)
	}
}

func TestMailerRecipientRejected(t *testing.T) {
	srv := startServer(t, &smtpServer{rejectTo: "gone@example.org"})
	m := newMailer(t, "smtp://127.0.0.1:"+srv.port()+"?from=portal@example.org")
	err := m.Send(context.Background(), "gone@example.org", "s", "b")
	if err == nil || !strings.Contains(err.Error(), "550") {
		t.Fatalf("err = %v, want the 550", err)
	}
	if len(srv.messages()) != 0 {
		t.Fatal("message accepted")
	}
}

func TestMailerTimeoutViaContext(t *testing.T) {
	srv := startServer(t, &smtpServer{silent: true})
	m := newMailer(t, "smtp://127.0.0.1:"+srv.port()+"?from=portal@example.org")
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := m.Send(ctx, "a@example.org", "s", "b")
	if err == nil || !strings.Contains(err.Error(), "deadline") {
		t.Fatalf("err = %v, want a deadline error", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Send took %v after a 200ms deadline", d)
	}
	// Cancellation, too.
	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	if err := m.Send(ctx, "a@example.org", "s", "b"); err == nil || !strings.Contains(err.Error(), "canceled") {
		t.Fatalf("err = %v, want canceled", err)
	}
}

// testTLS returns a server config with a fresh self-signed certificate for
// 127.0.0.1 and a client config trusting it.
func testTLS(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}},
		&tls.Config{RootCAs: pool}
}

func TestMailerSTARTTLS(t *testing.T) {
	serverConf, clientConf := testTLS(t)
	srv := startServer(t, &smtpServer{tlsConf: serverConf, auth: true})
	m := newMailer(t, "smtp://u:p@127.0.0.1:"+srv.port()+"?from=portal@example.org")
	// Untrusted certificate: refused, nothing sent.
	if err := m.Send(context.Background(), "a@example.org", "s", "b"); err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("untrusted certificate: err = %v", err)
	}
	m.TLSConfig = clientConf
	if err := m.Send(context.Background(), "a@example.org", "Chào", "Xin chào"); err != nil {
		t.Fatal(err)
	}
	msgs := srv.messages()
	if len(msgs) != 1 || !msgs[0].tls || msgs[0].auth != "\x00u\x00p" {
		t.Fatalf("messages: %+v", msgs)
	}
	if _, s, b := parse(t, msgs[0].data); s != "Chào" || b != "Xin chào\n" {
		t.Fatalf("subject %q body %q", s, b)
	}
}

func TestMailerNewParsesURL(t *testing.T) {
	good := []string{
		"smtp://host.example?from=portal@example.org",
		"smtp://u:p@host.example:2525?from=portal@example.org",
		"smtps://u:p@host.example?from=portal@example.org",
	}
	for _, u := range good {
		m, err := mailer.New(u)
		if err != nil || m.From() != "portal@example.org" {
			t.Errorf("New(%q) = %v, %v", u, m, err)
		}
	}
	bad := []string{
		"http://host.example?from=portal@example.org",
		"smtp://host.example",
		"smtp://host.example?from=not-an-address",
		"smtp://?from=portal@example.org",
		"smtp://u:secret@host.example?from=Portal <portal@example.org>",
		"::",
	}
	for _, u := range bad {
		if _, err := mailer.New(u); err == nil {
			t.Errorf("New(%q): no error", u)
		} else if strings.Contains(err.Error(), "secret") {
			t.Errorf("New(%q) error leaks the password: %v", u, err)
		}
	}
}

func TestMailerSMTPSImplicitTLS(t *testing.T) {
	serverConf, clientConf := testTLS(t)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", serverConf)
	if err != nil {
		t.Fatal(err)
	}
	srv := &smtpServer{}
	srv.ln = ln
	srv.wg.Add(1)
	go func() {
		defer srv.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			srv.serve(c)
			c.Close()
		}
	}()
	t.Cleanup(func() { _ = ln.Close(); srv.wg.Wait() })
	m := newMailer(t, "smtps://127.0.0.1:"+srv.port()+"?from=portal@example.org")
	m.TLSConfig = clientConf
	if err := m.Send(context.Background(), "a@example.org", "Tiêu đề", "Nội dung"); err != nil {
		t.Fatal(err)
	}
	msgs := srv.messages()
	if len(msgs) != 1 {
		t.Fatalf("got %d messages", len(msgs))
	}
	if _, s, b := parse(t, msgs[0].data); s != "Tiêu đề" || b != "Nội dung\n" {
		t.Fatalf("subject %q body %q", s, b)
	}
	// A plain smtp:// client cannot talk to the TLS port.
	plain := newMailer(t, "smtp://127.0.0.1:"+srv.port()+"?from=portal@example.org")
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if err := plain.Send(ctx, "a@example.org", "s", "b"); err == nil {
		t.Fatal("plain client talked to the TLS port")
	}
}
