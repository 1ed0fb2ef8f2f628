package clamd

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// There is no clamd with virus signatures on the development and CI
// machines, so these tests run against fakeClamd: a responder speaking
// clamd's protocol that reports the EICAR test string and nothing else.

const eicar = `X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*`

type fakeClamd struct {
	// mode changes how INSTREAM is answered:
	// "" scans, "error" answers ERROR, "close-early" hangs up after the
	// first chunk, "limit" answers the size-limit ERROR after 100 KiB and
	// hangs up, "hang" reads everything and never answers, "stall" reads
	// nothing after the command, "bad-ping" answers PING wrongly.
	mode string

	quit chan struct{} // closed when the test ends

	mu      sync.Mutex
	chunks  []int  // sizes of the chunks of the last stream
	data    []byte // the last stream
	streams int
}

// start serves on a fresh listener until the test ends.
func (f *fakeClamd) start(t *testing.T, ln net.Listener) string {
	t.Helper()
	var wg sync.WaitGroup
	f.quit = make(chan struct{})
	t.Cleanup(func() {
		ln.Close()
		close(f.quit)
		wg.Wait()
	})
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer conn.Close()
				// Bounded even if a client or test misbehaves.
				conn.SetDeadline(time.Now().Add(10 * time.Second))
				f.serve(conn)
			})
		}
	})
	if ln.Addr().Network() == "unix" {
		return "unix:" + ln.Addr().String()
	}
	return ln.Addr().String()
}

func (f *fakeClamd) serve(conn net.Conn) {
	br := bufio.NewReader(conn)
	cmd, err := br.ReadString(0)
	if err != nil {
		return
	}
	switch cmd {
	case "zPING\x00":
		if f.mode == "bad-ping" {
			conn.Write([]byte("PING?\x00"))
			return
		}
		conn.Write([]byte("PONG\x00"))
		return
	case "zINSTREAM\x00":
	default:
		conn.Write([]byte("UNKNOWN COMMAND\x00"))
		return
	}
	if f.mode == "stall" {
		<-f.quit
		return
	}
	var chunks []int
	var data []byte
	for {
		var hdr [4]byte
		if _, err := io.ReadFull(br, hdr[:]); err != nil {
			return
		}
		n := binary.BigEndian.Uint32(hdr[:])
		if n == 0 {
			break
		}
		chunks = append(chunks, int(n))
		b := make([]byte, n)
		if _, err := io.ReadFull(br, b); err != nil {
			return
		}
		data = append(data, b...)
		if f.mode == "close-early" {
			return
		}
		if f.mode == "limit" && len(data) > 100<<10 {
			conn.Write([]byte("INSTREAM size limit exceeded. ERROR\x00"))
			return
		}
	}
	f.mu.Lock()
	f.chunks, f.data = chunks, data
	f.streams++
	f.mu.Unlock()
	switch {
	case f.mode == "hang":
		<-f.quit
	case f.mode == "error":
		conn.Write([]byte("stream: Can't allocate memory ERROR\x00"))
	case bytes.Contains(data, []byte(eicar)):
		conn.Write([]byte("stream: Eicar-Test-Signature FOUND\x00"))
	default:
		conn.Write([]byte("stream: OK\x00"))
	}
}

func (f *fakeClamd) last() ([]int, []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.chunks, f.data
}

func (f *fakeClamd) streamCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.streams
}

func newFake(t *testing.T, mode string) (*fakeClamd, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeClamd{mode: mode}
	return f, f.start(t, ln)
}

func TestScanClean(t *testing.T) {
	f, addr := newFake(t, "")
	res, err := New(addr, 5*time.Second).Scan(context.Background(), strings.NewReader("a harmless complaint"))
	if err != nil || res.Infected || res.Signature != "" {
		t.Fatalf("Scan = %+v, %v; want clean", res, err)
	}
	chunks, data := f.last()
	if len(chunks) != 1 || string(data) != "a harmless complaint" {
		t.Errorf("clamd got chunks %v, data %q", chunks, data)
	}
}

func TestScanEICAR(t *testing.T) {
	_, addr := newFake(t, "")
	res, err := New(addr, 5*time.Second).Scan(context.Background(), strings.NewReader(eicar))
	if err != nil || !res.Infected || res.Signature != "Eicar-Test-Signature" {
		t.Fatalf("Scan = %+v, %v; want Eicar-Test-Signature", res, err)
	}
}

func TestScanChunks(t *testing.T) {
	f, addr := newFake(t, "")
	// EICAR straddles the first chunk boundary: found only if the chunks
	// arrive whole and in order.
	in := bytes.Repeat([]byte("0123456789abcdef"), (3*chunkSize+8197)/16)
	in = append(in, "abcde"...)
	copy(in[chunkSize-10:], eicar)
	res, err := New(addr, 5*time.Second).Scan(context.Background(), bytes.NewReader(in))
	if err != nil || !res.Infected {
		t.Fatalf("Scan = %+v, %v; want infected", res, err)
	}
	chunks, data := f.last()
	if want := []int{chunkSize, chunkSize, chunkSize, len(in) - 3*chunkSize}; !equalInts(chunks, want) {
		t.Errorf("chunks %v, want %v", chunks, want)
	}
	if !bytes.Equal(data, in) {
		t.Error("clamd received different data")
	}
}

// oneByteReader returns at most one byte a read, like a slow network body.
type oneByteReader struct{ r io.Reader }

func (o oneByteReader) Read(p []byte) (int, error) { return o.r.Read(p[:min(1, len(p))]) }

func TestScanFillsChunksFromShortReads(t *testing.T) {
	f, addr := newFake(t, "")
	in := bytes.Repeat([]byte{'x'}, chunkSize+3)
	if _, err := New(addr, 5*time.Second).Scan(context.Background(), oneByteReader{bytes.NewReader(in)}); err != nil {
		t.Fatal(err)
	}
	if chunks, _ := f.last(); !equalInts(chunks, []int{chunkSize, 3}) {
		t.Errorf("chunks %v, want [%d 3]", chunks, chunkSize)
	}
}

func TestScanEmpty(t *testing.T) {
	f, addr := newFake(t, "")
	res, err := New(addr, 5*time.Second).Scan(context.Background(), strings.NewReader(""))
	if err != nil || res.Infected {
		t.Fatalf("Scan = %+v, %v", res, err)
	}
	if chunks, _ := f.last(); len(chunks) != 0 || f.streamCount() != 1 {
		t.Errorf("chunks %v, streams %d", chunks, f.streamCount())
	}
}

func TestScanErrorReply(t *testing.T) {
	_, addr := newFake(t, "error")
	res, err := New(addr, 5*time.Second).Scan(context.Background(), strings.NewReader(eicar))
	if !errors.Is(err, ErrScan) || res.Infected {
		t.Fatalf("Scan = %+v, %v; want ErrScan", res, err)
	}
	if !strings.Contains(err.Error(), "Can't allocate memory") {
		t.Errorf("error %q lacks clamd's message", err)
	}
}

func TestScanSizeLimit(t *testing.T) {
	_, addr := newFake(t, "limit")
	in := bytes.NewReader(make([]byte, 4<<20))
	res, err := New(addr, 5*time.Second).Scan(context.Background(), in)
	// clamd answers and hangs up while we are still sending; depending on
	// timing the answer arrives or the connection is reset first. Either
	// way the stream is not reported clean.
	if err == nil || res.Infected {
		t.Fatalf("Scan = %+v, %v; want an error", res, err)
	}
	t.Logf("error: %v (ErrScan: %v)", err, errors.Is(err, ErrScan))
}

func TestScanServerClosesEarly(t *testing.T) {
	_, addr := newFake(t, "close-early")
	res, err := New(addr, 5*time.Second).Scan(context.Background(), strings.NewReader("some evidence"))
	if err == nil || res.Infected {
		t.Fatalf("Scan = %+v, %v; want an error", res, err)
	}
	if !strings.Contains(err.Error(), "closed without a reply") && !strings.Contains(err.Error(), "reset") {
		t.Errorf("error %q", err)
	}
}

func TestScanContextCancelled(t *testing.T) {
	for _, mode := range []string{"hang", "stall"} {
		t.Run(mode, func(t *testing.T) {
			_, addr := newFake(t, mode)
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(100*time.Millisecond, cancel)
			// "stall" reads nothing: the client blocks sending an endless
			// stream until ctx ends. "hang" reads all and never answers.
			var in io.Reader = strings.NewReader("x")
			if mode == "stall" {
				in = zeros{}
			}
			res, err := New(addr, time.Minute).Scan(ctx, in)
			if !errors.Is(err, context.Canceled) || res.Infected {
				t.Fatalf("Scan = %+v, %v; want context.Canceled", res, err)
			}
		})
	}
}

func TestScanContextCancelledBeforehand(t *testing.T) {
	f, addr := newFake(t, "")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := New(addr, time.Minute).Scan(ctx, strings.NewReader("x")); !errors.Is(err, context.Canceled) {
		t.Fatalf("Scan: %v, want context.Canceled", err)
	}
	if f.streamCount() != 0 {
		t.Error("a stream was sent after cancellation")
	}
}

func TestScanTimeout(t *testing.T) {
	_, addr := newFake(t, "hang")
	_, err := New(addr, 200*time.Millisecond).Scan(context.Background(), strings.NewReader("x"))
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Scan: %v, want a deadline error", err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// failingReader fails after some data, like an object store read error.
type failingReader struct{ n int }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("storage went away")
	}
	k := min(f.n, len(p))
	clear(p[:k])
	f.n -= k
	return k, nil
}

func TestScanInputError(t *testing.T) {
	_, addr := newFake(t, "")
	_, err := New(addr, 5*time.Second).Scan(context.Background(), &failingReader{n: 100 << 10})
	if err == nil || !strings.Contains(err.Error(), "storage went away") {
		t.Fatalf("Scan: %v, want the reader's error", err)
	}
}

func TestPing(t *testing.T) {
	_, addr := newFake(t, "")
	if err := New(addr, 5*time.Second).Ping(context.Background()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	_, bad := newFake(t, "bad-ping")
	if err := New(bad, 5*time.Second).Ping(context.Background()); err == nil {
		t.Fatal("Ping accepted a wrong reply")
	}
}

func TestDialFailure(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c := New(addr, time.Second)
	if err := c.Ping(context.Background()); err == nil {
		t.Error("Ping succeeded with nothing listening")
	}
	if _, err := c.Scan(context.Background(), strings.NewReader("x")); err == nil {
		t.Error("Scan succeeded with nothing listening")
	}
}

func TestUnixSocket(t *testing.T) {
	dir, err := os.MkdirTemp("", "clamd") // t.TempDir paths can exceed the socket path limit
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	ln, err := net.Listen("unix", filepath.Join(dir, "clamd.sock"))
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeClamd{}
	addr := f.start(t, ln)
	if !strings.HasPrefix(addr, "unix:/") {
		t.Fatalf("address %q", addr)
	}
	c := New(addr, 5*time.Second)
	if err := c.Ping(context.Background()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	if res, err := c.Scan(context.Background(), strings.NewReader(eicar)); err != nil || !res.Infected {
		t.Fatalf("Scan = %+v, %v", res, err)
	}
}

func TestParseReply(t *testing.T) {
	for _, tt := range []struct {
		reply string
		want  Result
		err   bool
	}{
		{"stream: OK", Result{}, false},
		{"stream: OK\n", Result{}, false},
		{"stream: Eicar-Test-Signature FOUND", Result{true, "Eicar-Test-Signature"}, false},
		{"stream: Win.Trojan.Agent-123 FOUND\n", Result{true, "Win.Trojan.Agent-123"}, false},
		{"INSTREAM size limit exceeded. ERROR", Result{}, true},
		{"stream: Can't allocate memory ERROR", Result{}, true},
		{"stream:  FOUND", Result{}, true},
		{"stream: FOUND", Result{}, true}, // prefix and suffix overlap
		{"stream:   FOUND", Result{}, true},
		{"stream: \x1b[31mred FOUND", Result{}, true},
		{"OK", Result{}, true},
		{"stream: OKAY", Result{}, true},
		{"", Result{}, true},
		{"UNKNOWN COMMAND", Result{}, true},
		{"foo: stream: OK", Result{}, true},
	} {
		got, err := parseReply(tt.reply)
		if got != tt.want || (err != nil) != tt.err {
			t.Errorf("parseReply(%q) = %+v, %v", tt.reply, got, err)
		}
	}
}

func FuzzParseReply(f *testing.F) {
	for _, s := range []string{"stream: OK", "stream: Eicar-Test-Signature FOUND", "INSTREAM size limit exceeded. ERROR", "PONG", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, reply string) {
		res, err := parseReply(reply)
		if err != nil {
			if res != (Result{}) {
				t.Fatalf("error %v with result %+v", err, res)
			}
			return
		}
		if !res.Infected {
			// Clean only on exactly "stream: OK".
			if res.Signature != "" || strings.TrimRight(reply, "\x00\r\n ") != "stream: OK" {
				t.Fatalf("clean verdict from %q", reply)
			}
			return
		}
		if res.Signature == "" || strings.ContainsFunc(res.Signature, func(r rune) bool { return r < 0x20 || r > 0x7E }) {
			t.Fatalf("bad signature %q from %q", res.Signature, reply)
		}
	})
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
