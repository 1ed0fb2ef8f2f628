package e2e

// The fault suite (docs/storage.md, "Faults"): the real portal binary on the
// embedded servers, run in this test process and reached through proxies
// the tests control, with the object store cut mid-upload, the database
// gone at each write of a filing and of a status change, and the portal
// killed during concurrent filings. After each: every acknowledged report is
// stored with evidence whose SHA-256 matches, an unacknowledged one is found
// by the citizen's retry with the same Idempotency-Key (or filed by it), no
// report is filed twice, the reaper leaves no orphan object (`portal check`)
// and every audit chain verifies (`portal audit verify`).

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	mrand "math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minhbach/internal/blobstore"
	"minhbach/internal/devstack"
)

// faultStack is a database and an object store started in the test
// process, a proxy in front of each, and the environment that points a
// portal at them through the proxies (serveEnv) or directly (cliEnv).
type faultStack struct {
	mongo    *devstack.Mongo
	s3       *devstack.S3
	db       *faultProxy
	obj      *faultProxy
	serveEnv []string
	cliEnv   []string
	raw      *mongo.Database
}

const faultDatabase = "faults"

func newFaultStack(t *testing.T) *faultStack {
	t.Helper()
	// The embedded object store changes the working directory; put it back.
	t.Chdir(moduleDir)
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	m, err := devstack.StartMongo(ctx, filepath.Join(dir, "mongo"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	s3, err := devstack.StartS3(ctx, filepath.Join(dir, "s3"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s3.Close)
	s := &faultStack{mongo: m, s3: s3}
	s.db = newFaultProxy(t, "unix", m.Socket)
	s.obj = newFaultProxy(t, "tcp", s3.Endpoint)
	key := func() string {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		return hex.EncodeToString(b)
	}
	common := []string{"PORTAL_DATA_DIR=" + filepath.Join(dir, "unused-data"), "PORTAL_MONGODB_DATABASE=" + faultDatabase,
		"PORTAL_S3_ACCESS_KEY=" + s3.AccessKey, "PORTAL_S3_SECRET_KEY=" + s3.SecretKey, "PORTAL_S3_BUCKET=faults",
		"PORTAL_IDENTITY_KEY=" + key(), "PORTAL_JWT_KEY=" + key(), "PORTAL_SIGNING_KEY=" + key(), "PORTAL_LOG_KEY=" + key(),
		"PORTAL_POW_BITS=0", "PORTAL_ANON_WRITES_PER_MINUTE=0", "PORTAL_HASH_CONCURRENCY=8", "PORTAL_ANON_IN_FLIGHT=64",
		"PORTAL_REAP_INTERVAL=24h", "PORTAL_REAP_AGE=1s", "PORTAL_LOG_FORMAT=json",
		// Each citizen comes through a trusted proxy from an address of
		// their own (filing.file), as behind a reverse proxy.
		"PORTAL_TRUSTED_PROXIES=127.0.0.1",
		"PORTAL_ARGON2_MEMORY_KIB=8192", "PORTAL_ARGON2_ITERATIONS=1"}
	// One connection, as the embedded server needs (docs/storage.md); fail
	// fast while the proxy is down.
	s.serveEnv = append([]string{
		"PORTAL_MONGODB_URI=mongodb://" + s.db.Addr() + "/?directConnection=true&maxPoolSize=1&serverSelectionTimeoutMS=1500&connectTimeoutMS=1500",
		"PORTAL_S3_ENDPOINT=" + s.obj.Addr()}, common...)
	s.cliEnv = append([]string{"PORTAL_MONGODB_URI=" + m.URI + "?maxPoolSize=1", "PORTAL_S3_ENDPOINT=" + s3.Endpoint}, common...)
	client, err := mongo.Connect(options.Client().ApplyURI(m.URI).SetMaxPoolSize(1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	s.raw = client.Database(faultDatabase)
	return s
}

// start runs the portal binary through the proxies.
func (s *faultStack) start(t *testing.T) *portal {
	t.Helper()
	return startBinary(t, portalBin, s.serveEnv...)
}

// cli runs a portal subcommand directly against the servers.
func (s *faultStack) cli(t *testing.T, args ...string) (string, int) {
	t.Helper()
	return runPortal(t, portalBin, s.cliEnv, nil, args...)
}

// evidenceFile is a file the test sends, with its SHA-256.
type evidenceFile struct {
	name string
	data []byte
	sum  string
}

func newEvidence(name string, data []byte) evidenceFile {
	s := sha256.Sum256(data)
	return evidenceFile{name: name, data: data, sum: hex.EncodeToString(s[:])}
}

// faultPNG is a real PNG of w×h noise pixels from seed, stored without
// compression so that its size is about 4·w·h bytes.
func faultPNG(t testing.TB, w, h int, seed uint64) []byte {
	t.Helper()
	rng := mrand.New(mrand.NewPCG(seed, 7))
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(rng.Uint32())
	}
	for y := range h {
		img.SetNRGBA(0, y, color.NRGBA{A: 255})
	}
	var b bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.NoCompression}).Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// filing is one citizen's report: a unique title (so that the test can
// count its copies), an Idempotency-Key, files.
type filing struct {
	key   string
	title string
	named bool   // with an identity (sealed in a write of its own)
	kind  string // feedback when empty
	files []evidenceFile
}

type filedAnswer struct {
	TrackingCode string `json:"trackingCode"`
	Token        string `json:"token"`
	Attachments  []struct {
		ID     string `json:"id"`
		SHA256 string `json:"sha256"`
		Size   int64  `json:"size"`
	} `json:"attachments"`
}

func (f filing) body(t testing.TB) (*bytes.Buffer, string) {
	t.Helper()
	identity := `"anonymous":true`
	if f.named {
		identity = `"anonymous":false,"identity":{"name":"Trần Thị Lan","phone":"0912345678"}`
	}
	kind := f.kind
	if kind == "" {
		kind = "feedback"
	}
	complaint := fmt.Sprintf(`{"kind":%q,"category":"delay","title":%q,
 "description":"Hồ sơ nộp từ tháng 9 nhưng đến nay chưa được giải quyết, cán bộ gợi ý nộp thêm tiền.",
 "place":"Bộ phận một cửa","office":"UBND phường Sài Gòn","language":"vi",%s}`, kind, f.title, identity)
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="complaint"`)
	h.Set("Content-Type", "application/json")
	w, _ := mw.CreatePart(h)
	_, _ = io.WriteString(w, complaint)
	for _, e := range f.files {
		w, _ := mw.CreateFormFile("files", e.name)
		_, _ = w.Write(e.data)
	}
	_ = mw.Close()
	return &b, mw.FormDataContentType()
}

// file sends f once; err is a transport failure (no answer).
func (f filing) file(t testing.TB, client *http.Client, base string) (int, filedAnswer, string, error) {
	t.Helper()
	body, ct := f.body(t)
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/complaints", body)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Idempotency-Key", f.key)
	sum := sha256.Sum256([]byte(f.key))
	req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.%d.%d", sum[0]%100, 1+sum[1]%250))
	resp, err := client.Do(req)
	if err != nil {
		return 0, filedAnswer{}, "", err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, filedAnswer{}, "", err
	}
	var out filedAnswer
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out, string(raw), nil
}

// retry files f again until it is acknowledged (a retry may wait while
// the key's first request is still settling), and returns the answer.
func (f filing) retry(t *testing.T, base string) filedAnswer {
	t.Helper()
	out, err := f.retryErr(t, base)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// retryErr is retry for goroutines.
func (f filing) retryErr(t testing.TB, base string) (filedAnswer, error) {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		status, out, raw, err := f.file(t, httpClient, base)
		if err == nil && status == http.StatusCreated {
			return out, nil
		}
		if time.Now().After(deadline) {
			return out, fmt.Errorf("retry of %s: %d %v %s", f.key, status, err, raw)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// storedCase is what the database holds of a report, read directly.
type storedCase struct {
	ID           bson.ObjectID `bson:"_id"`
	TrackingCode string        `bson:"trackingCode"`
	Title        string        `bson:"title"`
	Status       string        `bson:"status"`
	Version      int64         `bson:"version"`
	Attachments  []struct {
		ID          string `bson:"id"`
		SHA256      string `bson:"sha256"`
		OriginalKey string `bson:"originalKey"`
	} `bson:"attachments"`
}

// casesByTitle reads every report, by title.
func (s *faultStack) casesByTitle(t *testing.T) map[string][]storedCase {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	cur, err := s.raw.Collection("cases").Find(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	var all []storedCase
	if err := cur.All(ctx, &all); err != nil {
		t.Fatal(err)
	}
	out := map[string][]storedCase{}
	for _, c := range all {
		out[c.Title] = append(out[c.Title], c)
	}
	return out
}

// settle checks the invariants once every filing has an answer: each
// filing's report exists once, with the tracking code it was acknowledged
// with and each file's SHA-256; then the reaper runs, and `portal check`
// and `portal audit verify` find nothing wrong.
func (s *faultStack) settle(t *testing.T, filings []filing, answers map[string]filedAnswer) {
	t.Helper()
	byTitle := s.casesByTitle(t)
	for _, f := range filings {
		got := byTitle[f.title]
		if len(got) != 1 {
			t.Errorf("filing %s: %d reports stored, want exactly 1", f.key, len(got))
			continue
		}
		a, c := answers[f.key], got[0]
		if a.TrackingCode != c.TrackingCode {
			t.Errorf("filing %s: acknowledged as %s, stored as %s", f.key, a.TrackingCode, c.TrackingCode)
		}
		if len(c.Attachments) != len(f.files) || len(a.Attachments) != len(f.files) {
			t.Errorf("filing %s: %d files sent, %d acknowledged, %d stored", f.key, len(f.files), len(a.Attachments), len(c.Attachments))
			continue
		}
		for i, e := range f.files {
			if c.Attachments[i].SHA256 != e.sum || a.Attachments[i].SHA256 != e.sum {
				t.Errorf("filing %s file %d: sent sha256 %s, acknowledged %s, stored %s", f.key, i, e.sum, a.Attachments[i].SHA256, c.Attachments[i].SHA256)
			}
		}
	}
	// The reaper's age is 1 s here: every upload has ended.
	time.Sleep(1100 * time.Millisecond)
	if out, code := s.cli(t, "reap"); code != 0 {
		t.Fatalf("portal reap: exit %d\n%s", code, out)
	}
	if out, code := s.cli(t, "check"); code != 0 {
		t.Errorf("portal check: exit %d\n%s", code, out)
	} else if !strings.Contains(out, "0 problems") {
		t.Errorf("portal check: %s", out)
	}
	if out, code := s.cli(t, "audit", "verify"); code != 0 {
		t.Errorf("portal audit verify: exit %d\n%s", code, out)
	}
}

// TestFaultObjectStoreCutMidUpload cuts the object store's connection at 30
// random offsets (seeded; the seed is logged) of filings with a small file
// and one large enough to go up in several parts, then retries each
// filing with its key.
func TestFaultObjectStoreCutMidUpload(t *testing.T) {
	s := newFaultStack(t)
	p := s.start(t)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := mrand.New(mrand.NewPCG(seed, 1))
	small := newEvidence("anh.png", faultPNG(t, 40, 30, seed))
	small2 := newEvidence("anh2.png", faultPNG(t, 120, 90, seed+2))
	// Just over the 8 MiB part size of the object store client: it goes up
	// in two parts.
	large := newEvidence("lon.png", faultPNG(t, 1450, 1450, seed+1))
	if len(large.data) <= 8<<20 {
		t.Fatalf("the large file (%d bytes) is not over the part size", len(large.data))
	}
	shapes := [][]evidenceFile{{small, large}, {small, small2}, {large, small}}
	// A clean filing of each shape measures how many bytes it sends the
	// store; each cut falls at a random offset within that. The third
	// shape sends what the first does, in another order.
	answers := map[string]filedAnswer{}
	var filings []filing
	totals := make([]int64, len(shapes))
	for i, files := range shapes[:2] {
		s.obj.cutAfter(1 << 62)
		clean := filing{key: fmt.Sprintf("fault-s3-clean-%04d", i), title: fmt.Sprintf("Lỗi kho - sạch %d", i), files: files}
		status, out, raw, err := clean.file(t, httpClient, p.base)
		if err != nil || status != http.StatusCreated {
			t.Fatalf("clean filing: %d %v %s", status, err, raw)
		}
		totals[i] = s.obj.sent.Load()
		s.obj.comeUp()
		answers[clean.key] = out
		filings = append(filings, clean)
	}
	totals[2] = totals[0]
	t.Logf("a filing of each shape sends %v bytes to the object store", totals)
	for i := range 30 {
		shape := []int{0, 1, 1, 1, 2, 1, 1, 1}[i%8] // 8 of 30 with the large file
		f := filing{key: fmt.Sprintf("fault-s3-%04d", i), title: fmt.Sprintf("Lỗi kho %d", i), named: i%4 == 0, files: shapes[shape]}
		at := 1 + rng.Int64N(totals[shape])
		s.obj.cutAfter(at)
		status, out, raw, err := f.file(t, httpClient, p.base)
		s.obj.comeUp()
		if err == nil && status == http.StatusCreated {
			answers[f.key] = out
		} else if err == nil && status != http.StatusServiceUnavailable {
			t.Errorf("shape %d cut at byte %d: status %d, want 201 or 503: %s", shape, at, status, raw)
		}
		filings = append(filings, f)
	}
	// Every filing not acknowledged is retried, and one in three that were.
	for i, f := range filings {
		prev, acked := answers[f.key]
		if acked && i%3 != 0 {
			continue
		}
		a := f.retry(t, p.base)
		if acked && prev.TrackingCode != a.TrackingCode {
			t.Errorf("retry of acknowledged %s: %s, first %s", f.key, a.TrackingCode, prev.TrackingCode)
		}
		answers[f.key] = a
	}
	s.settle(t, filings, answers)
}

// TestFaultDatabaseDownAtEachWrite takes the database away at each write a
// filing makes (the idempotency key, the sealed identity, the upload
// intent, the audit chain, the tracking code, the report, the clean-up),
// either before the write reaches it or after it applied the write but
// before the portal hears back, for half a second; then the citizen retries.
func TestFaultDatabaseDownAtEachWrite(t *testing.T) {
	s := newFaultStack(t)
	trap := newWriteTrap(s)
	p := s.start(t)
	png := newEvidence("anh.png", faultPNG(t, 40, 30, 1))
	clean := filing{key: "fault-db-clean-0001", title: "Lỗi CSDL - sạch", named: true, files: []evidenceFile{png}}
	trap.record()
	status, out, raw, err := clean.file(t, httpClient, p.base)
	if err != nil || status != http.StatusCreated {
		t.Fatalf("clean filing: %d %v %s", status, err, raw)
	}
	n := trap.recorded(t, "one filing")
	answers := map[string]filedAnswer{clean.key: out}
	filings := []filing{clean}
	for i := 1; i <= n; i++ {
		for _, act := range []writeAction{dropWrite, loseReply} {
			f := filing{key: fmt.Sprintf("fault-db-%02d-%d", i, act), title: fmt.Sprintf("Lỗi CSDL %d/%d", i, act), named: true,
				files: []evidenceFile{png}}
			trap.arm(i, act)
			status, out, raw, err := f.file(t, httpClient, p.base)
			trap.arm(0, passWrite)
			time.Sleep(600 * time.Millisecond) // the database is back
			s.db.comeUp()
			switch {
			case err != nil:
				t.Errorf("write %d action %d: no answer: %v", i, act, err)
			case status == http.StatusCreated:
				answers[f.key] = out
			case status != http.StatusServiceUnavailable:
				t.Errorf("write %d action %d: status %d, want 201 or 503: %s", i, act, status, raw)
			}
			a := f.retry(t, p.base)
			if prev, ok := answers[f.key]; ok && prev.TrackingCode != a.TrackingCode {
				t.Errorf("write %d action %d: retry of an acknowledged filing got %s, first %s", i, act, a.TrackingCode, prev.TrackingCode)
			}
			answers[f.key] = a
			filings = append(filings, f)
		}
	}
	s.settle(t, filings, answers)
}

// TestFaultKilledDuringConcurrentFilings kills the portal (SIGKILL) once a
// third of 200 filings with evidence, sent 16 at a time, are acknowledged;
// restarts it; retries every filing not acknowledged, and some that were,
// with their keys.
func TestFaultKilledDuringConcurrentFilings(t *testing.T) {
	s := newFaultStack(t)
	p := s.start(t)
	const total, workers = 200, 16
	filings := make([]filing, total)
	for i := range filings {
		filings[i] = filing{key: fmt.Sprintf("fault-kill-%04d", i), title: fmt.Sprintf("Lỗi tắt %d", i), named: i%4 == 0,
			files: []evidenceFile{newEvidence("anh.png", faultPNG(t, 24+i%7, 16, uint64(i)))}}
	}
	var mu sync.Mutex
	answers := map[string]filedAnswer{}
	var refused []string
	var once sync.Once
	jobs := make(chan filing)
	var wg sync.WaitGroup
	client := &http.Client{Timeout: time.Minute}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range jobs {
				status, out, raw, err := f.file(t, client, p.base)
				if err != nil || status != http.StatusCreated {
					mu.Lock()
					if err == nil && len(refused) < 3 {
						refused = append(refused, fmt.Sprintf("%d %s", status, raw))
					}
					mu.Unlock()
					continue
				}
				mu.Lock()
				answers[f.key] = out
				n := len(answers)
				mu.Unlock()
				if n >= total/3 {
					once.Do(func() { _ = p.cmd.Process.Kill() })
				}
			}
		}()
	}
	for _, f := range filings {
		jobs <- f
	}
	close(jobs)
	wg.Wait()
	if len(answers) < total/3 {
		t.Fatalf("only %d filings acknowledged; refusals: %v\n%s", len(answers), refused, p.Logs())
	}
	select {
	case <-p.exited:
	case <-time.After(stopTimeout):
		t.Fatal("the portal did not die")
	}
	t.Logf("%d of %d filings acknowledged before the kill", len(answers), total)
	if len(answers) == total {
		t.Fatal("the portal was not killed during the filings")
	}

	stored := s.casesByTitle(t)
	inFlight := 0
	for _, f := range filings {
		if _, acked := answers[f.key]; !acked && len(stored[f.title]) > 0 {
			inFlight++
		}
	}
	t.Logf("%d filings were stored but not acknowledged when the portal died", inFlight)
	p2 := s.start(t)
	retries := make(chan filing)
	errs := make(chan error, total)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range retries {
				a, err := f.retryErr(t, p2.base)
				if err != nil {
					errs <- err
					continue
				}
				mu.Lock()
				if prev, ok := answers[f.key]; ok && prev.TrackingCode != a.TrackingCode {
					errs <- fmt.Errorf("retry of acknowledged %s: %s, first %s", f.key, a.TrackingCode, prev.TrackingCode)
				}
				answers[f.key] = a
				mu.Unlock()
			}
		}()
	}
	for i, f := range filings {
		mu.Lock()
		_, acked := answers[f.key]
		mu.Unlock()
		if !acked || i%10 == 0 {
			retries <- f
		}
	}
	close(retries)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	s.settle(t, filings, answers)
}

// TestFaultStatusChangeDatabaseDown takes the database away at each write
// of a status change (received → accepted), before the write reaches it or
// after it was applied with its answer lost; the lead retries. Each report
// ends accepted exactly once, and every chain verifies.
func TestFaultStatusChangeDatabaseDown(t *testing.T) {
	s, trap, p, lead := newDemoFaultStack(t)
	ctx := context.Background()
	// Reports in the lead's unit.
	report := func(i int) string {
		t.Helper()
		f := filing{key: fmt.Sprintf("fault-move-%04d", i), title: fmt.Sprintf("Lỗi chuyển %d", i)}
		return lead.route(t, f.retry(t, p.base).TrackingCode)
	}
	accept := func(id string) (int, string, error) {
		return postJSON(p.base+"/api/v1/cases/"+id+"/transitions", lead.token, `{"to":"accepted"}`)
	}
	clean := report(0)
	trap.record()
	if status, body, err := accept(clean); err != nil || status != http.StatusOK {
		t.Fatalf("clean move: %d %v %s", status, err, body)
	}
	n := trap.recorded(t, "one status change")
	ids := []string{clean}
	// The lead tries again: done, or already done.
	s.failEachWrite(t, trap, n, http.StatusOK, func() func() (int, string, error) {
		id := report(len(ids))
		ids = append(ids, id)
		return func() (int, string, error) { return accept(id) }
	}, func(status int, _ string) bool { return status == http.StatusOK || status == http.StatusConflict })
	for _, id := range ids {
		oid, _ := bson.ObjectIDFromHex(id)
		var c struct {
			Status   string `bson:"status"`
			Timeline []struct {
				Status string `bson:"status"`
			} `bson:"timeline"`
		}
		if err := s.raw.Collection("cases").FindOne(ctx, bson.D{{Key: "_id", Value: oid}}).Decode(&c); err != nil {
			t.Fatal(err)
		}
		accepted := 0
		for _, e := range c.Timeline {
			if e.Status == "accepted" {
				accepted++
			}
		}
		if c.Status != "accepted" || accepted != 1 {
			t.Errorf("report %s: status %s, %d acceptances on its timeline", id, c.Status, accepted)
		}
	}
	if out, code := s.cli(t, "audit", "verify"); code != 0 {
		t.Errorf("portal audit verify: exit %d\n%s", code, out)
	}
}

// failEachWrite makes each of the n writes of an action fail in each way
// (dropped, or applied with its answer lost), the database back half a
// second later, on a fresh subject each time (fresh gives the action on
// it). The action must answer ok or 503, and is then tried again until
// done says so, within a minute.
func (s *faultStack) failEachWrite(t *testing.T, trap *writeTrap, n, ok int, fresh func() func() (int, string, error),
	done func(status int, body string) bool) {
	t.Helper()
	for i := 1; i <= n; i++ {
		for _, act := range []writeAction{dropWrite, loseReply} {
			do := fresh()
			trap.arm(i, act)
			status, body, err := do()
			trap.arm(0, passWrite)
			time.Sleep(600 * time.Millisecond)
			s.db.comeUp()
			if err != nil || (status != ok && status != http.StatusServiceUnavailable) {
				t.Errorf("write %d action %d: %d %v %s", i, act, status, err, body)
			}
			deadline := time.Now().Add(time.Minute)
			for !done(status, body) {
				if time.Now().After(deadline) {
					t.Fatalf("write %d action %d: cannot be retried: %d %s", i, act, status, body)
				}
				time.Sleep(200 * time.Millisecond)
				status, body, _ = do()
			}
		}
	}
}

// demoLead is the seeded demo lead, signed in, and the unit it leads.
type demoLead struct {
	s      *faultStack
	token  string
	unitID string
}

// newDemoFaultStack is a fault stack seeded with the demo, its writes
// recorded by a trap, the portal started and the demo lead signed in.
func newDemoFaultStack(t *testing.T) (*faultStack, *writeTrap, *portal, demoLead) {
	t.Helper()
	s := newFaultStack(t)
	const password = "Mật-khẩu-thử-lỗi-2026!"
	s.cliEnv = append(s.cliEnv, "PORTAL_DEMO_PASSWORD="+password)
	if out, code := s.cli(t, "seed", "demo"); code != 0 {
		t.Fatalf("seed demo: exit %d\n%s", code, out)
	}
	trap := newWriteTrap(s)
	p := s.start(t)
	return s, trap, p, s.demoLead(t, p, password)
}

func (s *faultStack) demoLead(t *testing.T, p *portal, password string) demoLead {
	t.Helper()
	var u struct {
		UnitID string `bson:"unitId"`
	}
	if err := s.raw.Collection("users").FindOne(context.Background(), bson.D{{Key: "email", Value: "lead@demo.minhbach.vn"}}).Decode(&u); err != nil {
		t.Fatal(err)
	}
	resp, err := httpClient.Post(p.base+"/api/v1/auth/login", "application/json",
		strings.NewReader(`{"email":"lead@demo.minhbach.vn","password":"`+password+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	var login struct{ AccessToken string }
	_ = json.NewDecoder(resp.Body).Decode(&login)
	resp.Body.Close()
	if login.AccessToken == "" {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	return demoLead{s: s, token: login.AccessToken, unitID: u.UnitID}
}

// route puts the report of a tracking code in the lead's unit (directly
// in the database) and returns its id.
func (l demoLead) route(t *testing.T, code string) string {
	t.Helper()
	ctx := context.Background()
	res, err := l.s.raw.Collection("cases").UpdateOne(ctx, bson.D{{Key: "trackingCode", Value: code}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "unitId", Value: l.unitID}}}})
	if err != nil || res.MatchedCount != 1 {
		t.Fatalf("route the report: %v %+v", err, res)
	}
	var c storedCase
	if err := l.s.raw.Collection("cases").FindOne(ctx, bson.D{{Key: "trackingCode", Value: code}}).Decode(&c); err != nil {
		t.Fatal(err)
	}
	return c.ID.Hex()
}

// postJSON posts body with a bearer token; err is a transport failure.
func postJSON(url, token, body string) (int, string, error) {
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := httpClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), nil
}

// TestFaultAppealDatabaseDown: the database goes away at each write of a
// citizen's appeal — the claim on the round-1 report and its audit event,
// the round-2 report's sealed identity, audit chain, tracking code and the
// report itself — the write dropped, or applied with its answer lost. The
// citizen tries again until answered. Then every round-1 report is
// appealed once: exactly one round-2 report, linked both ways, carrying
// the sealed identity; and every audit chain verifies.
func TestFaultAppealDatabaseDown(t *testing.T) {
	s, trap, p, lead := newDemoFaultStack(t)
	ctx := context.Background()
	// A concluded named complaint in the lead's unit, and its citizen's
	// session.
	concluded := func(i int) (id, token string) {
		t.Helper()
		f := filing{key: fmt.Sprintf("fault-appeal-%04d", i), title: fmt.Sprintf("Lỗi khiếu nại tiếp %d", i), named: true, kind: "complaint"}
		a := f.retry(t, p.base)
		id = lead.route(t, a.TrackingCode)
		for _, move := range []string{`{"to":"accepted"}`, `{"to":"investigating"}`,
			`{"to":"concluded","outcome":"unsubstantiated","actions":"Đã xác minh","reply":"Không có vi phạm."}`} {
			if status, body, err := postJSON(p.base+"/api/v1/cases/"+id+"/transitions", lead.token, move); err != nil || status != http.StatusOK {
				t.Fatalf("%s: %d %v %s", move, status, err, body)
			}
		}
		return id, a.Token
	}
	appeal := func(token string) (int, string, error) {
		return postJSON(p.base+"/api/v1/track/appeal", token, `{"reason":"Kết luận chưa xem xét camera quầy số 3"}`)
	}
	id, token := concluded(0)
	trap.record()
	if status, body, err := appeal(token); err != nil || status != http.StatusCreated {
		t.Fatalf("clean appeal: %d %v %s", status, err, body)
	}
	n := trap.recorded(t, "one appeal")
	ids := []string{id}
	// The citizen tries again: appealed now, or already.
	s.failEachWrite(t, trap, n, http.StatusCreated, func() func() (int, string, error) {
		id, token := concluded(len(ids))
		ids = append(ids, id)
		return func() (int, string, error) { return appeal(token) }
	}, func(status int, body string) bool {
		return status == http.StatusCreated || (status == http.StatusConflict && strings.Contains(body, "appeal_not_allowed"))
	})
	for _, id := range ids {
		oid, _ := bson.ObjectIDFromHex(id)
		var parent struct {
			Status   string `bson:"status"`
			AppealID string `bson:"appealId"`
		}
		if err := s.raw.Collection("cases").FindOne(ctx, bson.D{{Key: "_id", Value: oid}}).Decode(&parent); err != nil {
			t.Fatal(err)
		}
		var children []struct {
			ID bson.ObjectID `bson:"_id"`
		}
		cur, err := s.raw.Collection("cases").Find(ctx, bson.D{{Key: "appealOf", Value: id}})
		if err != nil || cur.All(ctx, &children) != nil {
			t.Fatal(err)
		}
		if parent.Status != "appealed" || len(children) != 1 || children[0].ID.Hex() != parent.AppealID {
			t.Errorf("report %s: status %s, appealId %s, round-2 reports %v", id, parent.Status, parent.AppealID, children)
			continue
		}
		if n, err := s.raw.Collection("identities").CountDocuments(ctx, bson.D{{Key: "_id", Value: parent.AppealID}}); err != nil || n != 1 {
			t.Errorf("report %s: the round-2 report %s has %d sealed identities (%v)", id, parent.AppealID, n, err)
		}
	}
	if out, code := s.cli(t, "audit", "verify"); code != 0 {
		t.Errorf("portal audit verify: exit %d\n%s", code, out)
	}
}

// TestPortalCheckFindsFlippedByte: `portal check` exits 1 and lists, by
// report and attachment id, an object with one byte flipped behind the
// portal's back and an object no report references, and prints no
// tracking code.
func TestPortalCheckFindsFlippedByte(t *testing.T) {
	s := newFaultStack(t)
	p := s.start(t)
	f := filing{key: "check-flip-0001", title: "Kiểm tra", files: []evidenceFile{newEvidence("anh.png", faultPNG(t, 30, 20, 3))}}
	a := f.retry(t, p.base)
	p.stop(t)
	if out, code := s.cli(t, "check"); code != 0 || !strings.Contains(out, "1 reports and 2 evidence objects checked, 0 problems") {
		t.Fatalf("portal check before any change: exit %d\n%s", code, out)
	}
	blobs, err := blobstore.New(blobstore.Options{Endpoint: s.s3.Endpoint, AccessKey: s.s3.AccessKey, SecretKey: s.s3.SecretKey, Bucket: "faults"})
	if err != nil {
		t.Fatal(err)
	}
	c := s.casesByTitle(t)["Kiểm tra"][0]
	ctx := context.Background()
	key := c.Attachments[0].OriginalKey
	r, _, err := blobs.Get(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(r)
	r.Close()
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0x10
	if err := blobs.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if _, err := blobs.Put(ctx, key, bytes.NewReader(data), int64(len(data)), "image/png", ""); err != nil {
		t.Fatal(err)
	}
	stray := "evidence/" + c.ID.Hex() + "/aaaaaaaaaaaaaaaaaaaaaaaa/original"
	if _, err := blobs.Put(ctx, stray, strings.NewReader("stray"), 5, "image/png", ""); err != nil {
		t.Fatal(err)
	}
	out, code := s.cli(t, "check")
	if code != 1 {
		t.Fatalf("portal check: exit %d, want 1\n%s", code, out)
	}
	for _, want := range []string{"altered\treport " + c.ID.Hex() + "\tattachment " + c.Attachments[0].ID + "\toriginal",
		"unreferenced\treport " + c.ID.Hex() + "\tattachment aaaaaaaaaaaaaaaaaaaaaaaa", "2 problems"} {
		if !strings.Contains(out, want) {
			t.Errorf("portal check output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, a.TrackingCode) || strings.Contains(out, "Kiểm tra") {
		t.Errorf("portal check prints the tracking code or the report's text:\n%s", out)
	}
}

// writeTrap records the database writes of one request, or, armed, does
// something to the nth write from then on (drops it, or applies it and loses
// the answer) and brings the database back half a second later.
type writeTrap struct {
	mu           sync.Mutex
	writes       []string
	armed, count int
	action       writeAction
}

func newWriteTrap(s *faultStack) *writeTrap {
	w := &writeTrap{}
	s.db.setOnWrite(func(cmd string) writeAction {
		w.mu.Lock()
		defer w.mu.Unlock()
		if w.armed == 0 {
			w.writes = append(w.writes, cmd)
			return passWrite
		}
		w.count++
		if w.count == w.armed {
			w.armed = 0
			go func() { time.Sleep(500 * time.Millisecond); s.db.comeUp() }()
			return w.action
		}
		return passWrite
	})
	return w
}

// record starts recording the writes afresh.
func (w *writeTrap) record() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writes = nil
}

// recorded logs the writes recorded since record and returns how many.
func (w *writeTrap) recorded(t *testing.T, what string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	t.Logf("%s writes %d times: %v", what, len(w.writes), w.writes)
	return len(w.writes)
}

// arm makes the nth write from now get act (0: record again).
func (w *writeTrap) arm(n int, act writeAction) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.armed, w.count, w.action = n, 0, act
}
