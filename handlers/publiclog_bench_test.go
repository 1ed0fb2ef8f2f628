package handlers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// BenchmarkFilingLogOverhead files the same report as BenchmarkIntakeVsRaw
// (a photo and a scanned PDF, through the whole HTTP layer, concurrency
// 1, the fixture's cheap test hash) on two portals on the same servers, one
// with the public log (each filing queues its entry: one logPending insert)
// and one without, one filing on each in turn, 32 each per iteration. It reports
// each per report, the difference (the log's overhead on a filing) and
// the ratio with ÷ without; BenchmarkLogQueueEntry (internal/mongostore)
// times the insert alone.
func BenchmarkFilingLogOverhead(b *testing.B) {
	with := newFixture(b, func(o *fixtureOptions) { o.cacheTTL = 30 * time.Second })
	without := newFixture(b, func(o *fixtureOptions) { o.cacheTTL, o.noPublicLog = 30*time.Second, true })
	fileA, fileB := evidencePhoto(b), evidenceScan(b)
	file := func(f *fixture) {
		body, ct := multipartBody(b, "complaint", validFeedback, upload{"IMG_2041.jpg", fileA}, upload{"scan.pdf", fileB})
		req := httptest.NewRequest(http.MethodPost, "/api/v1/complaints", body)
		req.Header.Set("Content-Type", ct)
		w := httptest.NewRecorder()
		f.srv.ServeHTTP(w, req)
		if w.Code != http.StatusCreated {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
	// The first filing of each fills the catalogue caches.
	file(with)
	file(without)
	const n = 32
	var tWith, tWithout time.Duration
	timed := func(f *fixture) time.Duration {
		start := time.Now()
		file(f)
		return time.Since(start)
	}
	for b.Loop() {
		// One filing on each in turn, the first of each pair alternating,
		// so that drift and the machine's other load fall on both alike.
		for i := range n {
			if i%2 == 0 {
				tWith += timed(with)
				tWithout += timed(without)
			} else {
				tWithout += timed(without)
				tWith += timed(with)
			}
		}
	}
	ctx := context.Background()
	if left, err := with.store.PendingLogEntries(ctx, 1000); err != nil || len(left) < n {
		b.Fatalf("the portal with the log queued %d entries (%v)", len(left), err)
	}
	if left, err := without.store.PendingLogEntries(ctx, 10); err != nil || len(left) != 0 {
		b.Fatalf("the portal without the log queued %d entries (%v)", len(left), err)
	}
	per := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(b.N*n) }
	b.ReportMetric(per(tWith), "with-log-ns/report")
	b.ReportMetric(per(tWithout), "without-log-ns/report")
	b.ReportMetric(per(tWith)-per(tWithout), "overhead-ns/report")
	b.ReportMetric(float64(tWith)/float64(tWithout), "ratio")
}
