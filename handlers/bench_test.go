package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

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
			f := newFixture(b, func(o *fixtureOptions) { o.argon = services.DefaultArgon2 })
			fileA := append(samplePDF(), bytes.Repeat([]byte("a"), 256<<10-len(samplePDF()))...)
			fileB := append(samplePDF(), bytes.Repeat([]byte("b"), 256<<10-len(samplePDF()))...)
			hasher := services.NewSecretHasher(services.DefaultArgon2, 4)
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
