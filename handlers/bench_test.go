package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"minhbach/internal/passhash"
	"minhbach/services"
)

// runConcurrently runs n calls of fn with c at a time and returns the wall time.
func runConcurrently(n, c int, fn func(i int)) time.Duration {
	start := time.Now()
	var wg sync.WaitGroup
	sem := make(chan struct{}, c)
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			fn(i)
		}()
	}
	wg.Wait()
	return time.Since(start)
}

// BenchmarkIntakeVsRaw files a report with two 256 KB files through the
// whole HTTP layer, and does the irreducible work such a report implies
// directly with the drivers on the same servers (one InsertOne, two
// PutObject, one argon2id hash with the same parameters), and reports the
// ratio portal/raw at concurrency 1 and 16 (target ≤ 1.5).
func BenchmarkIntakeVsRaw(b *testing.B) {
	for _, conc := range []int{1, 16} {
		b.Run(fmt.Sprintf("c%d", conc), func(b *testing.B) {
			f := newFixture(b, func(o *fixtureOptions) { o.argon, o.cacheTTL = passhash.Default, 30*time.Second })
			fileA := append(samplePDF(), bytes.Repeat([]byte("a"), 256<<10-len(samplePDF()))...)
			fileB := append(samplePDF(), bytes.Repeat([]byte("b"), 256<<10-len(samplePDF()))...)
			hasher := passhash.New(passhash.Default, 4)
			raw := f.env.Client.Database(f.env.Database).Collection("raw")
			const n = 32
			var portal, direct time.Duration
			for b.Loop() {
				portal += runConcurrently(n, conc, func(int) {
					body, ct := multipartBody(b, "complaint", validFeedback, upload{"a.pdf", fileA}, upload{"b.pdf", fileB})
					req := httptest.NewRequest(http.MethodPost, "/api/v1/complaints", body)
					req.Header.Set("Content-Type", ct)
					w := httptest.NewRecorder()
					f.srv.ServeHTTP(w, req)
					if w.Code != http.StatusCreated {
						b.Errorf("status %d: %s", w.Code, w.Body)
					}
				})
				direct += runConcurrently(n, conc, func(i int) {
					ctx := context.Background()
					id := bson.NewObjectID().Hex()
					for j, data := range [][]byte{fileA, fileB} {
						if _, err := f.env.Blob.Put(ctx, fmt.Sprintf("raw/%s/%d", id, j), bytes.NewReader(data), int64(len(data)), "application/pdf", ""); err != nil {
							b.Error(err)
						}
					}
					h, err := hasher.Hash(ctx, "1234-5678-9012-3456")
					if err != nil {
						b.Error(err)
					}
					if _, err := raw.InsertOne(ctx, bson.M{"_id": id, "title": "Cán bộ đòi tiền", "receiptHash": h, "n": i}); err != nil {
						b.Error(err)
					}
				})
			}
			b.ReportMetric(float64(portal.Nanoseconds())/float64(b.N*n), "portal-ns/report")
			b.ReportMetric(float64(direct.Nanoseconds())/float64(b.N*n), "raw-ns/report")
			b.ReportMetric(float64(portal)/float64(direct), "ratio")
		})
	}
}

// BenchmarkQueueAtScale seeds N reports into one unit through the store and
// measures the first queue page (50, nearest due first, so overdue reports
// first), a tracking lookup
// by code and the case page, on whatever servers the tests use (the
// embedded default unless PORTAL_TEST_MONGODB_URI is set). 20,000 reports
// only with PORTAL_BENCH_LARGE=1 (seeding takes minutes on the embedded server).
func BenchmarkQueueAtScale(b *testing.B) {
	sizes := []int{500, 1000, 5000}
	if os.Getenv("PORTAL_BENCH_LARGE") == "1" {
		sizes = append(sizes, 20000)
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("reports=%d", n), func(b *testing.B) {
			f := newFixture(b, func(o *fixtureOptions) { o.cacheTTL = 30 * time.Second })
			ctx := context.Background()
			unit := "0123456789abcdef01234567"
			now := time.Now().UTC()
			var sampleID, sampleCode string
			batch := make([]services.Case, 0, 500)
			flush := func() {
				if len(batch) > 0 {
					if err := f.env.Store.BulkInsertCases(ctx, batch); err != nil {
						b.Fatal(err)
					}
					batch = batch[:0]
				}
			}
			for i := range n {
				c := services.Case{ID: f.env.Store.NewID(), TrackingCode: fmt.Sprintf("MB-%04d-%04d", i/10000, i%10000),
					Kind: services.KindFeedback, Category: "delay", Title: fmt.Sprintf("Hồ sơ chậm số %d", i),
					Description: "Mô tả", Place: "Một cửa", Office: "UBND phường", Language: "vi", Anonymous: true,
					Status: services.StatusReceived, Version: 1, UnitID: unit, CreatedAt: now, UpdatedAt: now,
					DueAt: now.Add(time.Duration(i%500-100) * time.Hour), ContentHash: "x", // a fifth overdue
					Timeline: []services.Event{{Type: services.EventSubmitted, At: now, Actor: "citizen", Status: services.StatusReceived, Public: true}}}
				if i == n/2 {
					sampleID, sampleCode = c.ID, c.TrackingCode
				}
				batch = append(batch, c)
				if len(batch) == cap(batch) {
					flush()
				}
			}
			flush()
			actor := services.Actor{UserID: "u", Role: services.RoleInspector, UnitID: unit}
			q := f.Queue
			b.Run("queue-page", func(b *testing.B) {
				for b.Loop() {
					p, err := q.List(ctx, actor, services.QueueFilter{}, services.QueueSort{}, nil, 50)
					if err != nil || len(p.Items) != 50 {
						b.Fatalf("%v %d", err, len(p.Items))
					}
				}
			})
			b.Run("tracking-lookup", func(b *testing.B) {
				for b.Loop() {
					if _, err := f.env.Store.FindCaseByTrackingCode(ctx, sampleCode); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("case-page", func(b *testing.B) {
				for b.Loop() {
					if _, err := f.Workflow.CasePage(ctx, actor, sampleID); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
