package handlers_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"minhbach/services"
)

// realisticCase is report i of a unit as citizens file them: a title, a
// description of 300 to 1,800 bytes of Vietnamese text, the
// office, counter, procedure and dossier, the receipt hash, the submitted
// event and for every third report an accepted event; 1.3–3.2 KB stored
// (BenchmarkLookupByID logs the sizes it sees).
func realisticCase(id string, i int, unit string, now time.Time) services.Case {
	const para = "Tôi đến bộ phận một cửa nộp hồ sơ đăng ký đất đai từ tháng trước, cán bộ tiếp nhận hẹn trả kết quả sau mười ngày. " +
		"Đến hẹn tôi quay lại thì được bảo hồ sơ còn thiếu giấy tờ, nhưng không nói rõ thiếu gì và không có phiếu hướng dẫn. "
	desc := strings.Repeat(para, 10)[:300+(i*137)%1500]
	for !strings.HasSuffix(desc, " ") && len(desc) > 0 { // do not cut a character in half
		desc = desc[:len(desc)-1]
	}
	c := services.Case{ID: id, TrackingCode: fmt.Sprintf("MB-%04d-%04d", i/10000, i%10000),
		ReceiptHash: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0c2FsdA$" + strings.Repeat("h", 43),
		Kind:        services.KindFeedback, Category: "delay", Title: fmt.Sprintf("Hồ sơ đất đai bị hẹn lại nhiều lần không rõ lý do (%d)", i),
		Description: desc, IncidentDate: now.AddDate(0, 0, -i%60).Format("2006-01-02"), AreaCode: "79-760-26734",
		Place: "Bộ phận tiếp nhận và trả kết quả", Office: "UBND phường Bến Nghé", Counter: fmt.Sprintf("Quầy số %d", 1+i%6),
		Procedure: "Đăng ký biến động quyền sử dụng đất", DossierNumber: fmt.Sprintf("000.00.%02d.H29-%06d", i%30, i),
		Officials: "Cán bộ tiếp nhận quầy đất đai", Language: "vi", Anonymous: true,
		Status: services.StatusReceived, Version: 1, UnitID: unit, CreatedAt: now, UpdatedAt: now,
		CreatedDay: now.Format("2006-01-02"), CreatedMonth: now.Format("2006-01"),
		DueAt: now.Add(time.Duration(i%500-100) * time.Hour), ContentHash: strings.Repeat("ab", 32),
		Timeline: []services.Event{{Type: services.EventSubmitted, At: now, Actor: "citizen", Status: services.StatusReceived, Public: true}}}
	if i%3 == 0 {
		c.Status = services.StatusAccepted
		c.Timeline = append(c.Timeline, services.Event{Type: services.EventAssigned, At: now, Actor: "0123456789abcdef76543210", Ref: "0123456789abcdef76543210"})
	}
	return c
}

// BenchmarkLookupByID measures what a staff member does on one report — the
// case page (Workflow.CasePage: the report by id, its clocks, names and
// flags), an update by {_id, version} (Store.UpdateCase) and adding a note
// (Workflow.AddNote: the read, the update, the page again) — with 100, 1,000 and
// 5,000 realistic reports in the database (and 20,000 with
// PORTAL_BENCH_LARGE=1), on whatever servers the tests use. On the embedded
// default each costs the same at every size only because lookups by id use
// the _id index (the carried FerretDB patch, docs/storage.md). The reports
// are added size after size in one database, so the largest size is seeded
// once.
func BenchmarkLookupByID(b *testing.B) {
	sizes := []int{100, 1000, 5000}
	if os.Getenv("PORTAL_BENCH_LARGE") == "1" {
		sizes = append(sizes, 20000)
	}
	f := newFixture(b, func(o *fixtureOptions) { o.cacheTTL = 30 * time.Second })
	ctx := context.Background()
	unit := "0123456789abcdef01234567"
	actor := services.Actor{UserID: "0123456789abcdef76543210", Role: services.RoleInspector, UnitID: unit}
	now := time.Now().UTC().Truncate(time.Millisecond)
	var ids []string
	seeded := 0
	for _, n := range sizes {
		batch := make([]services.Case, 0, 500)
		for i := seeded; i < n; i++ {
			id := f.env.Store.NewID()
			batch = append(batch, realisticCase(id, i, unit, now))
			ids = append(ids, id)
			if len(batch) == cap(batch) || i == n-1 {
				if err := f.env.Store.BulkInsertCases(ctx, batch); err != nil {
					b.Fatal(err)
				}
				batch = batch[:0]
			}
		}
		if seeded == 0 {
			logStoredSizes(b, f, ids)
		}
		seeded = n
		// The reports worked on: spread over the collection, one per
		// iteration, so that notes do not pile up on one report.
		next := 0
		pick := func() string { next++; return ids[(next*7919)%n] }
		b.Run(fmt.Sprintf("reports=%d", n), func(b *testing.B) {
			b.Run("case-page", func(b *testing.B) {
				for b.Loop() {
					if _, err := f.Workflow.CasePage(ctx, actor, pick()); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("update-by-id", func(b *testing.B) {
				for b.Loop() {
					b.StopTimer()
					c, err := f.env.Store.FindCaseByID(ctx, pick())
					if err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					if _, err := f.env.Store.UpdateCase(ctx, c.ID, c.Version, services.CaseChange{At: time.Now().UTC()}); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("add-note", func(b *testing.B) {
				for b.Loop() {
					if _, err := f.Workflow.AddNote(ctx, actor, pick(), "Đã gọi điện cho bộ phận một cửa, hẹn làm việc thứ Năm."); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// logStoredSizes logs the smallest and largest stored size of the given
// reports, to keep realisticCase honest about the 1.3–3.2 KB it promises.
func logStoredSizes(b *testing.B, f *fixture, ids []string) {
	b.Helper()
	lo, hi := 1<<30, 0
	for _, id := range ids {
		oid, err := bson.ObjectIDFromHex(id)
		if err != nil {
			b.Fatal(err)
		}
		raw, err := f.env.Client.Database(f.env.Database).Collection("cases").FindOne(context.Background(), bson.D{{Key: "_id", Value: oid}}).Raw()
		if err != nil {
			b.Fatal(err)
		}
		lo, hi = min(lo, len(raw)), max(hi, len(raw))
	}
	b.Logf("stored reports: %d to %d bytes of BSON", lo, hi)
}
