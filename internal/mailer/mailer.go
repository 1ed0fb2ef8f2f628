// Package mailer words the portal's notifications and sends them over SMTP
// with net/smtp. It implements services.Mailer: services queue typed
// notifications (services.Notification), and Render words them from the
// embedded templates in templates/, in Vietnamese or English.
package mailer

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"net/url"
	"os"
	"strings"
	"time"

	"minhbach/services"
)

var _ services.Mailer = (*SMTP)(nil)

// DefaultTimeout bounds one Send when ctx has no earlier deadline.
const DefaultTimeout = 30 * time.Second

// SMTP sends mail through one SMTP server.
type SMTP struct {
	addr     string // host:port
	host     string
	implicit bool // smtps://: TLS from the first byte
	user     string
	pass     string
	from     string
	// TLSConfig overrides the TLS settings (tests: a private CA); nil
	// verifies the server's certificate for its host name.
	TLSConfig *tls.Config
	// Now is the clock for the Date header; nil means time.Now.
	Now func() time.Time
}

// New parses smtp://user:pass@host:port?from=portal@example.org (STARTTLS
// whenever the server offers it; port 587 by default) or smtps://… (TLS
// from the start; port 465 by default). User and password are optional;
// from is required.
func New(rawURL string) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, errors.New("mailer: invalid SMTP URL") // the URL may hold a password: not echoed
	}
	s := &SMTP{host: u.Hostname()}
	port := u.Port()
	switch u.Scheme {
	case "smtp":
		if port == "" {
			port = "587"
		}
	case "smtps":
		s.implicit = true
		if port == "" {
			port = "465"
		}
	default:
		return nil, fmt.Errorf("mailer: SMTP URL scheme must be smtp or smtps, not %q", u.Scheme)
	}
	if s.host == "" {
		return nil, errors.New("mailer: SMTP URL has no host")
	}
	s.addr = net.JoinHostPort(s.host, port)
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
	}
	from := u.Query().Get("from")
	a, err := mail.ParseAddress(from)
	if from == "" || err != nil || a.Name != "" {
		return nil, errors.New("mailer: SMTP URL needs ?from=<address>")
	}
	s.from = a.Address
	return s, nil
}

// From returns the sender address.
func (s *SMTP) From() string { return s.from }

// Send words notification n (Render) and delivers it to to. It gives up
// when ctx is done, or after DefaultTimeout.
func (s *SMTP) Send(ctx context.Context, to string, n services.Notification) error {
	m, err := Render(n)
	if err != nil {
		return err
	}
	return s.SendMessage(ctx, to, m)
}

// SendMessage delivers one UTF-8 message to to: plain text, or
// multipart/alternative when m has an HTML part. It gives up when ctx is
// done, or after DefaultTimeout.
func (s *SMTP) SendMessage(ctx context.Context, to string, m Message) (err error) {
	rcpt, err := mail.ParseAddress(to)
	if err != nil || strings.ContainsAny(to, "\r\n") {
		return errors.New("mailer: invalid recipient address")
	}
	msg, err := s.message(rcpt.Address, m)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, DefaultTimeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return fmt.Errorf("mailer: connect: %w", err)
	}
	defer conn.Close()
	// Every read and write is bounded by the deadline, and cancelling ctx
	// unblocks them at once.
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	defer func() {
		if err == nil {
			return
		}
		// The connection deadline is ctx's and may fire a moment before
		// ctx reports it: name the cause either way.
		if cerr := ctx.Err(); cerr != nil {
			err = fmt.Errorf("mailer: %w (%v)", cerr, err)
		} else if errors.Is(err, os.ErrDeadlineExceeded) {
			err = fmt.Errorf("mailer: %w (%v)", context.DeadlineExceeded, err)
		}
	}()

	if s.implicit {
		conn = tls.Client(conn, s.tlsConfig())
	}
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		return fmt.Errorf("mailer: greeting: %w", err)
	}
	defer c.Close()
	if err := c.Hello(helloName(s.from)); err != nil {
		return fmt.Errorf("mailer: EHLO: %w", err)
	}
	if !s.implicit {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(s.tlsConfig()); err != nil {
				return fmt.Errorf("mailer: STARTTLS: %w", err)
			}
		}
	}
	if s.user != "" {
		// PlainAuth refuses to send the password over an unencrypted
		// connection except to localhost.
		if err := c.Auth(smtp.PlainAuth("", s.user, s.pass, s.host)); err != nil {
			return fmt.Errorf("mailer: AUTH: %w", err)
		}
	}
	if err := c.Mail(s.from); err != nil {
		return fmt.Errorf("mailer: MAIL FROM: %w", err)
	}
	if err := c.Rcpt(rcpt.Address); err != nil {
		return fmt.Errorf("mailer: RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("mailer: DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("mailer: DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("mailer: DATA: %w", err)
	}
	// The message is accepted; a failed QUIT does not undo that.
	_ = c.Quit()
	return nil
}

func (s *SMTP) tlsConfig() *tls.Config {
	if s.TLSConfig != nil {
		c := s.TLSConfig.Clone()
		if c.ServerName == "" {
			c.ServerName = s.host
		}
		return c
	}
	return &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}
}

// helloName is the sender's domain, a stable name that is not this host's.
func helloName(from string) string {
	if i := strings.LastIndexByte(from, '@'); i >= 0 && i < len(from)-1 {
		return from[i+1:]
	}
	return "localhost"
}

// message renders the RFC 5322 message (smtp's DATA writer dot-stuffs it
// and ends it with CRLF): CRLF line ends, an RFC 2047 (base64, UTF-8)
// subject, and quoted-printable UTF-8 text — one part, or a
// multipart/alternative of the text and the HTML.
func (s *SMTP) message(to string, m Message) ([]byte, error) {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	id := make([]byte, 16)
	_, _ = rand.Read(id)
	// Encoded words are at most 75 characters; fold between them so no
	// header line grows past the 78-character recommendation.
	encSubject := strings.ReplaceAll(mime.BEncoding.Encode("UTF-8", oneLine(m.Subject)), "?= =?", "?=\r\n =?")

	var b bytes.Buffer
	b.WriteString("From: " + (&mail.Address{Address: s.from}).String() + "\r\n")
	b.WriteString("To: " + (&mail.Address{Address: to}).String() + "\r\n")
	b.WriteString("Subject: " + encSubject + "\r\n")
	b.WriteString("Date: " + now().Format(time.RFC1123Z) + "\r\n")
	b.WriteString("Message-ID: <" + hex.EncodeToString(id) + "@" + helloName(s.from) + ">\r\n")
	b.WriteString("MIME-Version: 1.0\r\n")
	if m.HTML == "" {
		b.WriteString("Content-Type: text/plain; charset=UTF-8\r\n")
		b.WriteString("Content-Transfer-Encoding: quoted-printable\r\n")
		b.WriteString("\r\n")
		if err := writeQP(&b, m.Text); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}
	mw := multipart.NewWriter(&b)
	// The random boundary is 60 characters: the parameter gets a line of
	// its own to stay within 78.
	b.WriteString("Content-Type: multipart/alternative;\r\n boundary=" + mw.Boundary() + "\r\n")
	b.WriteString("\r\n")
	// Plain text first: a client shows the last alternative it supports.
	for _, p := range []struct{ typ, body string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		w, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {p.typ + "; charset=UTF-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, err
		}
		if err := writeQP(w, p.body); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// writeQP writes body quoted-printable with CRLF line ends.
func writeQP(w io.Writer, body string) error {
	qp := quotedprintable.NewWriter(w)
	body = strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\r", "\n")
	// quotedprintable keeps "\r\n" as a hard line break.
	if _, err := qp.Write([]byte(strings.ReplaceAll(body, "\n", "\r\n"))); err != nil {
		return err
	}
	return qp.Close()
}
