package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"minhbach/handlers"
	"minhbach/internal/blobstore"
)

// newLatencyProxy is a testProxy that delivers every chunk, in both
// directions, delay after it arrived: a slow link (seconds of latency), not
// a narrow one, since chunks in flight overlap.
func newLatencyProxy(t *testing.T, target string, delay time.Duration) *testProxy {
	t.Helper()
	return newTestProxy(t, target, func(c, up net.Conn) {
		go latePipe(up, c, delay)
		latePipe(c, up, delay)
	})
}

// latePipe copies src to dst, each chunk delay late.
func latePipe(dst, src net.Conn, delay time.Duration) {
	type chunk struct {
		b  []byte
		at time.Time
	}
	line := make(chan chunk, 1024)
	go func() {
		defer close(line)
		for {
			buf := make([]byte, 32<<10)
			n, err := src.Read(buf)
			if n > 0 {
				line <- chunk{buf[:n], time.Now().Add(delay)}
			}
			if err != nil {
				return
			}
		}
	}()
	for c := range line {
		time.Sleep(time.Until(c.at))
		if _, err := dst.Write(c.b); err != nil {
			src.Close()
			break
		}
	}
	for range line { // let the reader end once src is closed
	}
	if tc, ok := dst.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	}
}

// uploadCost is the cost of one upload in these tests' budgets.
const uploadCost = 4 << 20

// bigMP4 is a recording of about n bytes: larger than the evidence
// pipeline's small-file buffer, so that it streams to the store in parts.
func bigMP4(n int) []byte {
	return append(identifyingMP4(), isoBox("free", make([]byte, n))...)
}

type answer struct {
	code       int
	retryAfter string
	reason     string
}

func answerOf(t *testing.T, w *httptest.ResponseRecorder) answer {
	a := answer{code: w.Code, retryAfter: w.Header().Get("Retry-After")}
	if w.Code >= 400 {
		a.reason = decodeError(t, w).Error.Reason
	}
	return a
}

// TestSlowObjectStoreFillsTheUploadBudget (issue 12): the object store is
// slow (a proxy adds a second of latency each way) and 24 citizens send a
// recording at once. The budget holds two uploads and lets two more wait:
// the other twenty are told at once that the portal is busy (503,
// Retry-After, portal_busy), while the two admitted are still talking to
// the store, and the two waiting get the same answer when their brief wait
// ends; the two admitted are filed. Goroutines do not pile up with the
// requests, and nothing of the refused requests is written. Before, all
// 24 were admitted and each held its part buffer until the store answered.
func TestSlowObjectStoreFillsTheUploadBudget(t *testing.T) {
	f := newFixture(t, withAdmission(handlers.Admission{UploadMemory: 2 * uploadCost, UploadCost: uploadCost}))
	proxy := newLatencyProxy(t, f.env.S3.Endpoint, time.Second)
	opts := f.env.S3
	opts.Endpoint = proxy.Addr()
	slow, err := blobstore.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	f.blobs.use(slow)
	body, ct := multipartBody(t, "complaint", validFeedback, upload{"video.mp4", bigMP4(2 << 20)})
	raw := body.Bytes()

	base := runtime.NumGoroutine()
	const n, admitted, waiting = 24, 2, 2
	answers := make(chan answer, n)
	for i := range n {
		go func() {
			// 24 citizens, each from an address of their own.
			r := httptest.NewRequest(http.MethodPost, "/api/v1/complaints", bytes.NewReader(raw))
			r.Header.Set("Content-Type", ct)
			r.RemoteAddr = fmt.Sprintf("198.51.100.%d:4000", i+1)
			w := httptest.NewRecorder()
			f.srv.ServeHTTP(w, r)
			answers <- answerOf(t, w)
		}()
	}
	// A generous bound that only catches a hang: the admitted uploads need
	// several round trips of two seconds each.
	hang := time.After(2 * time.Minute)
	next := func() answer {
		select {
		case a := <-answers:
			return a
		case <-hang:
			t.Fatal("no answer within two minutes")
			return answer{}
		}
	}
	busy := func(a answer) bool {
		return a.code == http.StatusServiceUnavailable && a.retryAfter != "" && a.reason == "portal_busy"
	}
	for i := range n - admitted - waiting {
		if a := next(); !busy(a) {
			t.Fatalf("answer %d of the requests over the budget: %+v, want 503 portal_busy with Retry-After", i+1, a)
		}
	}
	// The refused requests are gone: what is left grows with the budget,
	// not with the number of requests.
	grown := runtime.NumGoroutine() - base
	t.Logf("%d more goroutines than before the %d requests, %d of them answered", grown, n, n-admitted-waiting)
	if grown >= n {
		t.Errorf("%d more goroutines than before the %d requests, with %d of them answered", grown, n, n-admitted-waiting)
	}
	var filed, refused int
	for range admitted + waiting {
		switch a := next(); {
		case a.code == http.StatusCreated:
			filed++
		case busy(a):
			refused++
		default:
			t.Fatalf("answer %+v", a)
		}
	}
	if filed != admitted || refused != waiting {
		t.Fatalf("%d filed and %d refused after waiting, want %d and %d", filed, refused, admitted, waiting)
	}
	if got := f.countCases(t); got != admitted {
		t.Fatalf("%d reports stored, want %d", got, admitted)
	}
	// Nothing half-written: every object belongs to a filed report (the
	// recording and its safe copy), and no upload is left for the reaper.
	if keys := f.objectKeys(t); len(keys) != 2*admitted {
		t.Fatalf("objects %v, want the %d of the filed reports", keys, 2*admitted)
	}
	f.blobs.use(f.env.Blob)
	if n, err := f.Evidence.ReapStale(context.Background(), f.env.Store, time.Now().Add(2*time.Hour)); err != nil || n != 0 {
		t.Fatalf("reaper removed %d (%v)", n, err)
	}
}

// stalledUpload is a filing whose file never finishes arriving, like a
// citizen on a slow line: it holds its place in the upload budget until
// finish.
type stalledUpload struct {
	pw   *io.PipeWriter
	mw   *multipart.Writer
	done chan *httptest.ResponseRecorder
}

func startStalledUpload(t *testing.T, f *fixture) *stalledUpload {
	t.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	s := &stalledUpload{pw: pw, mw: mw, done: make(chan *httptest.ResponseRecorder, 1)}
	go func() { s.done <- f.do(http.MethodPost, "/api/v1/complaints", mw.FormDataContentType(), pr) }()
	// The write returns once the handler reads the body: the upload has
	// been admitted.
	w, err := mw.CreateFormField("complaint")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(w, validFeedback); err != nil {
		t.Fatal(err)
	}
	fw, err := mw.CreateFormFile("files", "video.mp4")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(bigMP4(2 << 20)); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *stalledUpload) finish(t *testing.T) *httptest.ResponseRecorder {
	t.Helper()
	s.mw.Close()
	s.pw.Close()
	select {
	case w := <-s.done:
		return w
	case <-time.After(2 * time.Minute):
		t.Fatal("the stalled upload never ended")
		return nil
	}
}

// TestUploadBudgetCoversEveryUploadRoute (issue 12): while a slow upload
// holds the whole budget, files sent by filing, by a message and as added
// evidence are all refused with 503 and Retry-After, before their bodies
// are read; a message without files still goes through. Once the slow
// upload ends, files are accepted again. Before, only the number of
// anonymous filings was bounded, and added evidence had no bound at all.
func TestUploadBudgetCoversEveryUploadRoute(t *testing.T) {
	f := newFixture(t, withAdmission(handlers.Admission{UploadMemory: uploadCost, UploadCost: uploadCost}))
	var r createdReport
	if w := f.postJSON(validFeedback); w.Code != http.StatusCreated || json.Unmarshal(w.Body.Bytes(), &r) != nil {
		t.Fatalf("filing: %d %s", w.Code, w.Body)
	}
	auth := []string{"Authorization", "Bearer " + r.Token}
	video := bigMP4(2 << 20)

	held := startStalledUpload(t, f)
	for _, route := range []struct{ path, jsonPart, json string }{
		{"/api/v1/complaints", "complaint", validFeedback},
		{"/api/v1/track/messages", "message", `{"text":"Thêm một đoạn ghi hình"}`},
		{"/api/v1/track/attachments", "", ""},
	} {
		body, ct := multipartBody(t, route.jsonPart, route.json, upload{"video.mp4", video})
		w := f.do(http.MethodPost, route.path, ct, body, auth...)
		if a := answerOf(t, w); a.code != http.StatusServiceUnavailable || a.retryAfter == "" || a.reason != "portal_busy" {
			t.Fatalf("%s with the budget full: %+v %s", route.path, a, w.Body)
		}
	}
	w := f.do(http.MethodPost, "/api/v1/track/messages", "application/json", strings.NewReader(`{"text":"Không có tệp"}`), auth...)
	if w.Code != http.StatusCreated {
		t.Fatalf("a message without files with the budget full: %d %s", w.Code, w.Body)
	}
	if w := held.finish(t); w.Code != http.StatusCreated {
		t.Fatalf("the slow upload: %d %s", w.Code, w.Body)
	}
	body, ct := multipartBody(t, "", "", upload{"video.mp4", video})
	if w := f.do(http.MethodPost, "/api/v1/track/attachments", ct, body, auth...); w.Code != http.StatusCreated {
		t.Fatalf("added evidence once the budget is free: %d %s", w.Code, w.Body)
	}
	if got := f.countCases(t); got != 2 {
		t.Fatalf("%d reports, want 2", got)
	}
}

// TestOneClientCannotHoldTheUploadBudget (issue 12): one address with two
// slow uploads in flight is told its network is busy for a third (503,
// network_busy, Retry-After), while another citizen's upload still gets
// into the budget. Without the per-client bound, slow uploads from one
// address could hold the whole budget and shut everyone else out.
func TestOneClientCannotHoldTheUploadBudget(t *testing.T) {
	f := newFixture(t, withAdmission(handlers.Admission{UploadMemory: 4 * uploadCost, UploadCost: uploadCost}))
	video := bigMP4(2 << 20)
	held := []*stalledUpload{startStalledUpload(t, f), startStalledUpload(t, f)}
	from := func(remote string) answer {
		body, ct := multipartBody(t, "complaint", validFeedback, upload{"video.mp4", video})
		r := httptest.NewRequest(http.MethodPost, "/api/v1/complaints", body)
		r.Header.Set("Content-Type", ct)
		r.RemoteAddr = remote
		w := httptest.NewRecorder()
		f.srv.ServeHTTP(w, r)
		return answerOf(t, w)
	}
	// httptest's requests come from 192.0.2.1, like the two held uploads.
	if a := from("192.0.2.1:5000"); a.code != http.StatusServiceUnavailable || a.reason != "network_busy" || a.retryAfter == "" {
		t.Fatalf("a third upload from the same address: %+v", a)
	}
	if a := from("203.0.113.9:5000"); a.code != http.StatusCreated {
		t.Fatalf("an upload from another address: %+v", a)
	}
	for _, h := range held {
		if w := h.finish(t); w.Code != http.StatusCreated {
			t.Fatalf("a held upload: %d %s", w.Code, w.Body)
		}
	}
	if a := from("192.0.2.1:5000"); a.code != http.StatusCreated {
		t.Fatalf("the first address once its uploads ended: %+v", a)
	}
}
