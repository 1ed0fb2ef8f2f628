package handlers_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minhbach/internal/blobstore"
	"minhbach/internal/mongostore"
	"minhbach/services"
)

// testProxy forwards TCP connections to a real server (the embedded
// database's Unix socket, or a TCP address) through pipe, which moves the
// bytes of one connection both ways; Close closes every connection and
// stops listening, like a server that went down.
type testProxy struct {
	ln     net.Listener
	target string
	pipe   func(client, upstream net.Conn)
	mu     sync.Mutex
	conns  []net.Conn
	closed bool
}

func newTestProxy(t *testing.T, target string, pipe func(client, upstream net.Conn)) *testProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &testProxy{ln: ln, target: target, pipe: pipe}
	go p.serve()
	t.Cleanup(p.Close)
	return p
}

func (p *testProxy) Addr() string { return p.ln.Addr().String() }

func (p *testProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		// The embedded database listens on a Unix socket (docs/storage.md).
		network := "tcp"
		if strings.HasSuffix(p.target, ".sock") {
			network = "unix"
		}
		up, err := net.Dial(network, p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			c.Close()
			up.Close()
			return
		}
		p.conns = append(p.conns, c, up)
		p.mu.Unlock()
		go p.pipe(c, up)
	}
}

// Close closes every connection and stops listening.
func (p *testProxy) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.closed = true
	p.ln.Close()
	for _, c := range p.conns {
		c.Close()
	}
}

// cutProxy is a testProxy that can cut every connection: after a number of
// bytes sent upstream, or on demand (Cut). Once cut it refuses new
// connections.
type cutProxy struct {
	*testProxy
	cutAfter int64 // bytes client→server; 0: never by count
	sent     atomic.Int64
}

func newCutProxy(t *testing.T, target string, cutAfter int64) *cutProxy {
	t.Helper()
	p := &cutProxy{cutAfter: cutAfter}
	p.testProxy = newTestProxy(t, target, func(c, up net.Conn) {
		go func() { _, _ = io.Copy(c, up); c.Close() }()
		buf := make([]byte, 32<<10)
		for {
			n, err := c.Read(buf)
			if n > 0 {
				if _, werr := up.Write(buf[:n]); werr != nil {
					return
				}
				if p.cutAfter > 0 && p.sent.Add(int64(n)) > p.cutAfter {
					p.Cut()
					return
				}
			}
			if err != nil {
				up.Close()
				return
			}
		}
	})
	return p
}

// Cut closes every connection and stops listening.
func (p *cutProxy) Cut() { p.Close() }

func TestObjectStoreFailsMidUpload(t *testing.T) {
	f := newFixture(t)
	// The services reach the object store through a proxy that cuts the
	// connection 1 MB into the upload.
	proxy := newCutProxy(t, f.env.S3.Endpoint, 1<<20)
	opts := f.env.S3
	opts.Endpoint, opts.MaxRetries = proxy.Addr(), 1
	viaProxy, err := blobstore.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	f.blobs.use(viaProxy)
	big := append(samplePDF(), make([]byte, 3<<20)...)
	w, _ := f.submitFiles(t, validFeedback, upload{"a.png", samplePNG(t, 20, 20)}, upload{"big.pdf", big})
	if w.Code != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503: %s", w.Code, w.Body)
	}
	if e := decodeError(t, w); e.Error.Code != "unavailable" {
		t.Fatalf("error %+v", e)
	}
	if n := f.countCases(t); n != 0 {
		t.Fatalf("%d reports stored", n)
	}
	// The object store is back (direct connection); the reaper removes
	// whatever the failed request could not, once it is an hour old.
	f.blobs.use(f.env.Blob)
	if _, err := f.Evidence.ReapStale(context.Background(), f.env.Store, time.Now().Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if keys := f.objectKeys(t); len(keys) != 0 {
		t.Fatalf("objects left after the reaper: %v", keys)
	}
}

// cutAfterPut passes every call to the real object store and cuts the
// database proxy after the first object is stored: the database goes down
// between the evidence upload and the insert of the report.
type cutAfterPut struct {
	services.BlobStore
	once  sync.Once
	proxy *cutProxy
}

func (c *cutAfterPut) Put(ctx context.Context, key string, r io.Reader, size int64, ct, sum string) (services.BlobInfo, error) {
	info, err := c.BlobStore.Put(ctx, key, r, size, ct, sum)
	if err == nil && strings.HasSuffix(key, "/original") {
		c.once.Do(c.proxy.Cut)
	}
	return info, err
}

func TestDatabaseFailsAtInsert(t *testing.T) {
	env := newFixture(t).env // a database and bucket to share
	target, err := url.QueryUnescape(strings.TrimSuffix(strings.TrimPrefix(env.MongoURI, "mongodb://"), "/"))
	if err != nil {
		t.Fatal(err)
	}
	proxy := newCutProxy(t, target, 0)
	client, err := mongo.Connect(options.Client().SetHosts([]string{proxy.Addr()}).SetDirect(true).
		SetMaxPoolSize(1).SetServerSelectionTimeout(2 * time.Second).SetTimeout(5 * time.Second))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	viaProxy := mongostore.New(client, env.Database)
	blob := &cutAfterPut{BlobStore: env.Blob, proxy: proxy}
	f := newFixture(t, func(o *fixtureOptions) { o.store, o.blob = viaProxy, blob })
	// newFixture made its own database; point the checks at the shared one.
	f.env = env
	w, _ := f.submitFiles(t, validFeedback, upload{"a.png", samplePNG(t, 12, 12)})
	if w.Code != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503: %s", w.Code, w.Body)
	}
	if n := f.countCases(t); n != 0 {
		t.Fatalf("%d reports stored", n)
	}
	// The database went away with the insert on its way: the report might
	// have been stored, so its objects stay (docs/storage.md, "Faults")
	// until the reaper, with the database back, finds no report holding
	// them.
	if keys := f.objectKeys(t); len(keys) == 0 {
		t.Fatal("the objects of a report that may exist were removed")
	}
	reaper := services.NewEvidence(services.EvidenceOptions{Blobs: env.Blob, Uploads: env.Store})
	if _, err := reaper.ReapStale(context.Background(), env.Store, time.Now().Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if keys := f.objectKeys(t); len(keys) != 0 {
		t.Fatalf("objects left after the reaper: %v", keys)
	}
}

// TestClientGoneMidUpload: a citizen whose connection drops half-way
// through an upload is not answered 503 and is not logged as a server
// error; nothing of the report is kept.
func TestClientGoneMidUpload(t *testing.T) {
	f := newFixture(t)
	srv := httptest.NewServer(f.srv)
	t.Cleanup(srv.Close)
	big := append(samplePDF(), make([]byte, 4<<20)...)
	body, ct := multipartBody(t, "complaint", validFeedback, upload{"big.pdf", big})
	raw, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	head := fmt.Sprintf("POST /api/v1/complaints HTTP/1.1\r\nHost: portal\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", ct, len(raw))
	// Send the headers and the first 2 MB of the body, then go away.
	if _, err := conn.Write(append([]byte(head), raw[:2<<20]...)); err != nil {
		t.Fatal(err)
	}
	conn.Close()

	line := waitForLog(t, f, 30*time.Second, `"msg":"request"`, `"route":"/api/v1/complaints"`)
	if strings.Contains(line, `"status":503`) || !strings.Contains(line, `"status":499`) {
		t.Fatalf("access log: %s", line)
	}
	if strings.Contains(f.logs.String(), `"level":"ERROR"`) {
		t.Fatalf("a client going away was logged as an error:\n%s", f.logs.String())
	}
	if n := f.countCases(t); n != 0 {
		t.Fatalf("%d reports stored", n)
	}
	// The objects of the broken upload were removed (or are left to the
	// reaper with their upload intent).
	if _, err := f.Evidence.ReapStale(context.Background(), f.env.Store, time.Now().Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if keys := f.objectKeys(t); len(keys) != 0 {
		t.Fatalf("objects left: %v", keys)
	}
}

// waitForLog waits, at most d, for a log line containing every one of
// parts and returns it.
func waitForLog(t *testing.T, f *fixture, d time.Duration, parts ...string) string {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		for line := range strings.SplitSeq(f.logs.String(), "\n") {
			if !slices.ContainsFunc(parts, func(p string) bool { return !strings.Contains(line, p) }) {
				return line
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no log line with %q within %s:\n%s", parts, d, f.logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
