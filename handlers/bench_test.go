package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"minhbach/internal/mongostore"
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
// ratio portal/raw at concurrency 1 and 16 (goal ≤ 1.2, README "Capacity").
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

// realisticReport is report i of a benchmark's unit, shaped like a real
// one (1.3–3.2 KB stored): a description of a few hundred words, the
// officials, office, procedure and dossier number, a few timeline events
// and notes, and a spread of statuses, assignees and due dates (a fifth
// overdue).
func realisticReport(id string, i int, unit string, now time.Time) services.Case {
	statuses := []services.Status{services.StatusReceived, services.StatusReceived, services.StatusAccepted, services.StatusInvestigating,
		services.StatusConcluded, services.StatusClosed}
	st := statuses[i%len(statuses)]
	paragraph := "Tôi nộp hồ sơ cấp giấy chứng nhận quyền sử dụng đất tại bộ phận một cửa từ đầu tháng, đã quá hạn trả kết quả nhưng cán bộ tiếp nhận liên tục hẹn lại và gợi ý phải nộp thêm một khoản 'phí bồi dưỡng' ngoài quy định thì mới xử lý nhanh. "
	desc := strings.Repeat(paragraph, 2+i%6)
	c := services.Case{ID: id, TrackingCode: fmt.Sprintf("MB-%04d-%04d", i/10000, i%10000),
		Kind: []services.Kind{services.KindFeedback, services.KindComplaint, services.KindDenunciation}[i%3], Category: []string{"delay", "fee", "attitude"}[i%3],
		Title: fmt.Sprintf("Hồ sơ đất đai chậm trả kết quả, bị gợi ý bồi dưỡng (số %d)", i), Description: desc,
		IncidentDate: "2026-11-02", AreaCode: "26743", Place: "Bộ phận một cửa, tầng 1", Office: fmt.Sprintf("UBND phường %d, quận %d", i%13, i%5+1),
		Counter: "Quầy số 3", Procedure: "Cấp giấy chứng nhận quyền sử dụng đất lần đầu", DossierNumber: fmt.Sprintf("HS-2026-%06d", i),
		Officials: "Ông Nguyễn Văn A (cán bộ tiếp nhận), bà Trần Thị B (phó phòng)", Language: "vi", Anonymous: i%4 != 0, HasIdentity: i%4 == 0,
		Status: st, Version: 4, UnitID: unit, FrontUnitID: "front-" + unit, CreatedAt: now.Add(-time.Duration(i%900) * time.Hour), UpdatedAt: now,
		DueAt: now.Add(time.Duration(i%500-100) * time.Hour), ContentHash: "9f2c5a7e0b1d4c3a8e6f9b2d5c7a1e3f9f2c5a7e0b1d4c3a8e6f9b2d5c7a1e3f",
		CreatedDay: now.Format("2006-01-02"), CreatedMonth: now.Format("2006-01"),
		Timeline: []services.Event{{Type: services.EventSubmitted, At: now, Actor: "citizen", Status: services.StatusReceived, Public: true},
			{Type: services.EventAssigned, At: now, Actor: "lead-1", Note: "giao xử lý"},
			{Type: services.EventNote, At: now, Actor: "insp-1", Note: "Đã liên hệ bộ phận một cửa, chờ giải trình bằng văn bản của cán bộ tiếp nhận hồ sơ."}}}
	if st == services.StatusClosed {
		c.DueAt = services.NoDue
	}
	if i%3 != 0 {
		c.AssigneeID = fmt.Sprintf("insp-%d", i%7)
	}
	return c
}

// BenchmarkQueueAtScale seeds N reports into one unit through the store and
// measures the first queue page (50, nearest due first, so overdue reports
// first), a tracking lookup
// by code and the case page, on whatever servers the tests use (the
// embedded default unless PORTAL_TEST_MONGODB_URI is set). 20,000 reports
// only with PORTAL_BENCH_LARGE=1 (seeding takes minutes on the embedded server).
func BenchmarkQueueAtScale(b *testing.B) {
	sizes := []int{1000, 5000}
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
				c := realisticReport(f.env.Store.NewID(), i, unit, now)
				if i == n/2 {
					sampleID, sampleCode = c.ID, c.TrackingCode
				}
				batch = append(batch, c)
				if len(batch) == cap(batch) {
					flush()
				}
			}
			flush()
			actor := services.Actor{UserID: "insp-1", Role: services.RoleInspector, UnitID: unit}
			page := func(b *testing.B, q *services.Queue, f services.QueueFilter, sort services.QueueSort) {
				for b.Loop() {
					p, err := q.List(ctx, actor, f, sort, nil, 50)
					if err != nil || len(p.Items) == 0 {
						b.Fatalf("%v %d", err, len(p.Items))
					}
				}
			}
			// The store's database query (MongoDB's path; the embedded
			// default's before the queue index).
			b.Run("queue-page-database", func(b *testing.B) { page(b, f.Queue, services.QueueFilter{}, services.QueueSort{}) })
			// The queue index the embedded portal builds at start-up
			// (docs/storage.md, "The queue index"): its build, the memory
			// its entries hold, and the pages it answers.
			var indexed *mongostore.Store
			b.Run("index-build", func(b *testing.B) {
				var before, after runtime.MemStats
				var took time.Duration
				builds := 0
				for b.Loop() {
					indexed = nil
					runtime.GC()
					runtime.ReadMemStats(&before)
					start := time.Now()
					indexed = mongostore.New(f.env.Client, f.env.Database)
					if st, err := indexed.UseQueueIndex(ctx); err != nil || st.Entries != n {
						b.Fatalf("%v %+v", err, st)
					}
					took += time.Since(start)
					builds++
					runtime.GC()
					runtime.ReadMemStats(&after)
				}
				b.ReportMetric(float64(took.Milliseconds())/float64(builds), "build-ms")
				b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/float64(n), "heap-B/report")
			})
			q := services.NewQueue(indexed, f.env.Store, nil)
			b.Run("queue-page-index", func(b *testing.B) { page(b, q, services.QueueFilter{}, services.QueueSort{}) })
			b.Run("queue-page-index-status-sort", func(b *testing.B) {
				page(b, q, services.QueueFilter{}, services.QueueSort{Key: services.SortStatus, Desc: true})
			})
			b.Run("queue-page-index-mine-search", func(b *testing.B) {
				page(b, q, services.QueueFilter{Mine: true, Text: "hs-2026"}, services.QueueSort{Key: services.SortSubmitted})
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
