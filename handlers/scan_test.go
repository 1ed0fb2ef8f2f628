package handlers_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"minhbach/internal/clamd"
)

// eicar is the industry-standard antivirus test string.
const eicar = `X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*`

// startClamdResponder serves clamd's INSTREAM protocol on loopback and
// reports streams containing the EICAR string as infected. No real clamd
// with signatures can run on the machines this project is tested on; the
// real client (internal/clamd) speaks to this over TCP.
func startClamdResponder(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r := bufio.NewReader(c)
				cmd, err := r.ReadString(0)
				if err != nil {
					return
				}
				if cmd == "zPING\x00" {
					c.Write([]byte("PONG\x00"))
					return
				}
				var data bytes.Buffer
				for {
					var n uint32
					if binary.Read(r, binary.BigEndian, &n) != nil {
						return
					}
					if n == 0 {
						break
					}
					if _, err := io.CopyN(&data, r, int64(n)); err != nil {
						return
					}
				}
				if bytes.Contains(data.Bytes(), []byte(eicar)) {
					c.Write([]byte("stream: Eicar-Test-Signature FOUND\x00"))
				} else {
					c.Write([]byte("stream: OK\x00"))
				}
			}()
		}
	}()
	return ln.Addr().String()
}

type clamdScanner struct{ c *clamd.Client }

func (s clamdScanner) Scan(ctx context.Context, r io.Reader) (bool, string, error) {
	res, err := s.c.Scan(ctx, r)
	return res.Infected, res.Signature, err
}

func TestVirusScanQuarantines(t *testing.T) {
	addr := startClamdResponder(t)
	f := newFixture(t, func(o *fixtureOptions) { o.scan = clamdScanner{clamd.New(addr, 10*time.Second)} })
	infected := append(samplePDF(), []byte("\n"+eicar+"\n")...)
	w, out := f.submitFiles(t, validFeedback, upload{"clean.pdf", samplePDF()}, upload{"bad.pdf", infected})
	if w.Code != http.StatusCreated {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	if out.Attachments[0].Scan != "clean" || out.Attachments[1].Scan != "infected" {
		t.Fatalf("scan states = %+v", out.Attachments)
	}
	c, _ := f.env.Store.FindCaseByTrackingCode(context.Background(), out.TrackingCode)
	if !c.Attachments[1].Quarantined() || c.Attachments[1].Signature != "Eicar-Test-Signature" || c.Attachments[0].Quarantined() {
		t.Fatalf("stored = %+v", c.Attachments)
	}
}
