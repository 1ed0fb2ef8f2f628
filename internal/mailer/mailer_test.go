package mailer_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"testing"
	"time"

	"minhbach/internal/mailer"
	"minhbach/internal/testenv"
)

func newMailer(t *testing.T, url string) *mailer.SMTP {
	t.Helper()
	m, err := mailer.New(url)
	if err != nil {
		t.Fatalf("New(%q): %v", url, err)
	}
	return m
}

// parseHeader checks a received message's line lengths, reads it and
// decodes its subject.
func parseHeader(t *testing.T, data []byte) (*mail.Message, string) {
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
	return msg, subject
}

// parse reads a received plain-text message and decodes its subject and
// body.
func parse(t *testing.T, data []byte) (*mail.Message, string, string) {
	t.Helper()
	msg, subject := parseHeader(t, data)
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
	srv := testenv.StartSMTP(t, &testenv.SMTPServer{}, nil)
	m := newMailer(t, "smtp://127.0.0.1:"+srv.Port()+"?from=portal@example.org")
	fixed := time.Date(2026, 11, 27, 15, 4, 5, 0, time.FixedZone("ICT", 7*3600))
	m.Now = func() time.Time { return fixed }
	subject := "[Minh Bạch] Hồ sơ MB-2345-6789: quá hạn giải quyết / resolve deadline passed — thông báo dài"
	body := "Phản ánh của bạn đã có thay đổi: hãy đăng nhập bằng mã theo dõi để xem.\n" +
		".dòng bắt đầu bằng dấu chấm\n" + strings.Repeat("Đường dài ", 20) + "\n\nHết.\n"
	if err := m.SendMessage(context.Background(), "Cán Bộ <can.bo@example.org>", mailer.Message{Subject: subject, Text: body}); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("server got %d messages", len(msgs))
	}
	r := msgs[0]
	if r.From != "portal@example.org" || len(r.Rcpt) != 1 || r.Rcpt[0] != "can.bo@example.org" || r.Helo != "example.org" {
		t.Fatalf("envelope: helo=%q from=%q rcpt=%q", r.Helo, r.From, r.Rcpt)
	}
	msg, gotSubject, gotBody := parse(t, r.Data)
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
	if err := m.SendMessage(context.Background(), "x@example.org", mailer.Message{Subject: "a", Text: "b"}); err != nil {
		t.Fatal(err)
	}
	// SMTP ends every message with a line break.
	msg2, sub2, body2 := parse(t, srv.Messages()[1].Data)
	if msg2.Header.Get("Message-ID") == id || sub2 != "a" || body2 != "b\n" {
		t.Errorf("second message: id %q subject %q body %q", msg2.Header.Get("Message-ID"), sub2, body2)
	}
}

func TestMailerSubjectCannotInjectHeaders(t *testing.T) {
	srv := testenv.StartSMTP(t, &testenv.SMTPServer{}, nil)
	m := newMailer(t, "smtp://127.0.0.1:"+srv.Port()+"?from=portal@example.org")
	if err := m.SendMessage(context.Background(), "a@example.org", mailer.Message{Subject: "Hi\r\nBcc: evil@example.org", Text: "x"}); err != nil {
		t.Fatal(err)
	}
	msg, subject, _ := parse(t, srv.Messages()[0].Data)
	if msg.Header.Get("Bcc") != "" || subject != "Hi Bcc: evil@example.org" {
		t.Fatalf("Bcc=%q subject=%q", msg.Header.Get("Bcc"), subject)
	}
	for _, to := range []string{"not an address", "a@example.org\r\nRCPT TO:<b@example.org>", ""} {
		if err := m.SendMessage(context.Background(), to, mailer.Message{Subject: "s", Text: "b"}); err == nil {
			t.Errorf("Send to %q: no error", to)
		}
	}
	if n := len(srv.Messages()); n != 1 {
		t.Fatalf("server got %d messages, want 1", n)
	}
}

func TestMailerAuthPlain(t *testing.T) {
	srv := testenv.StartSMTP(t, &testenv.SMTPServer{Auth: true}, nil)
	m := newMailer(t, "smtp://us%40er:p%C3%A0ss%3Aw@127.0.0.1:"+srv.Port()+"?from=portal@example.org")
	if err := m.SendMessage(context.Background(), "a@example.org", mailer.Message{Subject: "s", Text: "b"}); err != nil {
		t.Fatal(err)
	}
	if got := srv.Messages()[0].Auth; got != "\x00us@er\x00pàss:w" {
		t.Fatalf("AUTH PLAIN = %q", got)
	}
}

func TestMailerRecipientRejected(t *testing.T) {
	srv := testenv.StartSMTP(t, &testenv.SMTPServer{RejectTo: "gone@example.org"}, nil)
	m := newMailer(t, "smtp://127.0.0.1:"+srv.Port()+"?from=portal@example.org")
	err := m.SendMessage(context.Background(), "gone@example.org", mailer.Message{Subject: "s", Text: "b"})
	if err == nil || !strings.Contains(err.Error(), "550") {
		t.Fatalf("err = %v, want the 550", err)
	}
	if len(srv.Messages()) != 0 {
		t.Fatal("message accepted")
	}
}

func TestMailerTimeoutViaContext(t *testing.T) {
	srv := testenv.StartSMTP(t, &testenv.SMTPServer{Silent: true}, nil)
	m := newMailer(t, "smtp://127.0.0.1:"+srv.Port()+"?from=portal@example.org")
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := m.SendMessage(ctx, "a@example.org", mailer.Message{Subject: "s", Text: "b"})
	if err == nil || !strings.Contains(err.Error(), "deadline") {
		t.Fatalf("err = %v, want a deadline error", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Send took %v after a 200ms deadline", d)
	}
	// Cancellation, too.
	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	if err := m.SendMessage(ctx, "a@example.org", mailer.Message{Subject: "s", Text: "b"}); err == nil || !strings.Contains(err.Error(), "canceled") {
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
	srv := testenv.StartSMTP(t, &testenv.SMTPServer{TLSConfig: serverConf, Auth: true}, nil)
	m := newMailer(t, "smtp://u:p@127.0.0.1:"+srv.Port()+"?from=portal@example.org")
	// Untrusted certificate: refused, nothing sent.
	if err := m.SendMessage(context.Background(), "a@example.org", mailer.Message{Subject: "s", Text: "b"}); err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("untrusted certificate: err = %v", err)
	}
	m.TLSConfig = clientConf
	if err := m.SendMessage(context.Background(), "a@example.org", mailer.Message{Subject: "Chào", Text: "Xin chào"}); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 || !msgs[0].TLS || msgs[0].Auth != "\x00u\x00p" {
		t.Fatalf("messages: %+v", msgs)
	}
	if _, s, b := parse(t, msgs[0].Data); s != "Chào" || b != "Xin chào\n" {
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
	srv := testenv.StartSMTP(t, &testenv.SMTPServer{}, ln)
	m := newMailer(t, "smtps://127.0.0.1:"+srv.Port()+"?from=portal@example.org")
	m.TLSConfig = clientConf
	if err := m.SendMessage(context.Background(), "a@example.org", mailer.Message{Subject: "Tiêu đề", Text: "Nội dung"}); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("got %d messages", len(msgs))
	}
	if _, s, b := parse(t, msgs[0].Data); s != "Tiêu đề" || b != "Nội dung\n" {
		t.Fatalf("subject %q body %q", s, b)
	}
	// A plain smtp:// client cannot talk to the TLS port.
	plain := newMailer(t, "smtp://127.0.0.1:"+srv.Port()+"?from=portal@example.org")
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if err := plain.SendMessage(ctx, "a@example.org", mailer.Message{Subject: "s", Text: "b"}); err == nil {
		t.Fatal("plain client talked to the TLS port")
	}
}
