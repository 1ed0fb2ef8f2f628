package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"
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

// BenchmarkIntakeVsRaw files a report with two files of about 190 KB each, as
// citizens send them (a phone photo with its EXIF and GPS, and a scanned
// page: a PDF holding a JPEG image), through the whole HTTP layer, and
// compares it at concurrency 1 and 16 (README "Capacity") with two
// baselines done directly with the drivers on the same servers, one after
// the other, each with one argon2id hash of the same parameters:
//   - raw: the least such a report needs (two PutObject, one InsertOne);
//   - same writes: exactly the writes the intake makes for it (sameWrites):
//     its seven database commands with the documents it sends (the
//     public log's logPending insert among them), under fresh ids, and four
//     PutObject (the originals and their safe copies).
//
// It reports each per report in wall time and in CPU time of the whole
// process (portal and embedded servers), and the ratios portal/raw
// ("ratio", goal ≤ 1.2) and portal/same writes ("ratio-same-writes").
func BenchmarkIntakeVsRaw(b *testing.B) {
	for _, conc := range []int{1, 16} {
		b.Run(fmt.Sprintf("c%d", conc), func(b *testing.B) {
			rec := &cmdRecorder{}
			f := newFixture(b, func(o *fixtureOptions) {
				o.argon, o.cacheTTL, o.monitor = passhash.Default, 30*time.Second, rec.monitor()
			})
			fileA, fileB := evidencePhoto(b), evidenceScan(b)
			file := func() {
				body, ct := multipartBody(b, "complaint", validFeedback, upload{"IMG_2041.jpg", fileA}, upload{"scan.pdf", fileB})
				req := httptest.NewRequest(http.MethodPost, "/api/v1/complaints", body)
				req.Header.Set("Content-Type", ct)
				w := httptest.NewRecorder()
				f.srv.ServeHTTP(w, req)
				if w.Code != http.StatusCreated {
					b.Errorf("status %d: %s", w.Code, w.Body)
				}
			}
			same := newSameWrites(b, f, rec, file)
			hasher := passhash.New(passhash.Default, 4)
			raw := f.env.Client.Database(f.env.Database).Collection("raw")
			const n = 32
			var portal, direct, sameWall, portalCPU, directCPU, sameCPU time.Duration
			for b.Loop() {
				cpu0 := processCPU()
				portal += runConcurrently(n, conc, func(int) { file() })
				cpu1 := processCPU()
				direct += runConcurrently(n, conc, func(i int) {
					ctx := context.Background()
					id := bson.NewObjectID().Hex()
					for j, data := range [][]byte{fileA, fileB} {
						if _, err := f.env.Blob.Put(ctx, fmt.Sprintf("raw/%s/%d", id, j), bytes.NewReader(data), int64(len(data)), http.DetectContentType(data), ""); err != nil {
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
				cpu2 := processCPU()
				sameWall += runConcurrently(n, conc, func(int) { same.run(b, hasher) })
				cpu3 := processCPU()
				portalCPU, directCPU, sameCPU = portalCPU+cpu1-cpu0, directCPU+cpu2-cpu1, sameCPU+cpu3-cpu2
			}
			per := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(b.N*n) }
			b.ReportMetric(per(portalCPU), "portal-cpu-ns/report")
			b.ReportMetric(per(directCPU), "raw-cpu-ns/report")
			b.ReportMetric(per(sameCPU), "same-writes-cpu-ns/report")
			b.ReportMetric(float64(len(fileA)), "photo-bytes")
			b.ReportMetric(float64(len(fileB)), "scan-bytes")
			b.ReportMetric(per(portal), "portal-ns/report")
			b.ReportMetric(per(direct), "raw-ns/report")
			b.ReportMetric(per(sameWall), "same-writes-ns/report")
			b.ReportMetric(float64(portal)/float64(direct), "ratio")
			b.ReportMetric(float64(portal)/float64(sameWall), "ratio-same-writes")
		})
	}
}

// sameWrites replays the writes one filing made: its database commands
// (inserts, and deletes by _id of what it inserted) with the documents it
// sent under fresh _ids, into collections named raw-<collection> (without
// the portal's unique indexes), and PUTs of the objects it stored.
type sameWrites struct {
	f       *fixture
	cmds    []recordedCmd
	objects [][]byte
}

// newSameWrites files a report with file, records what the next filing
// writes, and checks that it wrote only inserts and deletes, and four
// objects.
func newSameWrites(b *testing.B, f *fixture, rec *cmdRecorder, file func()) *sameWrites {
	file() // the first fills the catalogue caches
	cmds := rec.record(file)
	s := &sameWrites{f: f}
	for _, c := range cmds {
		if c.name != "insert" && c.name != "delete" {
			b.Fatalf("a filing sent %s, which the same-writes baseline does not replay", c.name)
		}
		s.cmds = append(s.cmds, c)
	}
	var id string
	for _, c := range cmds {
		if c.name == "insert" && c.cmd.Lookup("insert").StringValue() == "cases" {
			docs, _ := c.cmd.Lookup("documents").Array().Values()
			v := docs[0].Document().Lookup("_id")
			if oid, ok := v.ObjectIDOK(); ok {
				id = oid.Hex()
			} else {
				id = v.StringValue()
			}
		}
	}
	ctx := context.Background()
	stored, err := f.env.Store.FindCaseByID(ctx, id)
	if err != nil {
		b.Fatal(err)
	}
	for _, a := range stored.Attachments {
		for _, k := range []string{a.OriginalKey, a.SanitizedKey} {
			r, _, err := f.env.Blob.Get(ctx, k)
			if err != nil {
				b.Fatal(err)
			}
			data, err := io.ReadAll(r)
			r.Close()
			if err != nil {
				b.Fatal(err)
			}
			s.objects = append(s.objects, data)
		}
	}
	if len(s.objects) != 4 || len(s.cmds) != 7 {
		b.Fatalf("a filing wrote %d objects and sent %d commands; the baseline expects 4 and 7", len(s.objects), len(s.cmds))
	}
	var names []string
	for _, c := range s.cmds {
		names = append(names, c.name+" "+c.cmd.Lookup(c.name).StringValue())
	}
	if !slices.Contains(names, "insert logPending") {
		b.Fatalf("a filing sent %v; the baseline expects the public log's logPending insert among them", names)
	}
	return s
}

// run does one filing's writes, hashing a receipt before the last insert
// as the intake does (not alongside).
func (s *sameWrites) run(b *testing.B, hasher *passhash.Hasher) {
	ctx := context.Background()
	db := s.f.env.Client.Database(s.f.env.Database)
	fresh := map[string]bson.ObjectID{} // recorded _id → its replacement
	prefix := "raw/" + bson.NewObjectID().Hex() + "/"
	for i, data := range s.objects {
		if _, err := s.f.env.Blob.Put(ctx, fmt.Sprintf("%s%d", prefix, i), bytes.NewReader(data), int64(len(data)), http.DetectContentType(data), ""); err != nil {
			b.Error(err)
		}
	}
	if _, err := hasher.Hash(ctx, "1234-5678-9012-3456"); err != nil {
		b.Error(err)
	}
	for _, c := range s.cmds {
		coll := db.Collection("raw-" + c.cmd.Lookup(c.name).StringValue())
		switch c.name {
		case "insert":
			docs, _ := c.cmd.Lookup("documents").Array().Values()
			for _, d := range docs {
				var m bson.D
				if err := bson.Unmarshal(d.Document(), &m); err != nil {
					b.Fatal(err)
				}
				old := d.Document().Lookup("_id").String()
				fresh[old] = bson.NewObjectID()
				m[0] = bson.E{Key: "_id", Value: fresh[old]}
				if _, err := coll.InsertOne(ctx, m); err != nil {
					b.Error(err)
				}
			}
		case "delete":
			dels, _ := c.cmd.Lookup("deletes").Array().Values()
			for _, d := range dels {
				// {_id: x} or {_id: {$in: [x, ...]}}
				q := d.Document().Lookup("q", "_id")
				olds := []bson.RawValue{q}
				if in, ok := q.DocumentOK(); ok {
					olds, _ = in.Lookup("$in").Array().Values()
				}
				ids := bson.A{}
				for _, o := range olds {
					ids = append(ids, fresh[o.String()])
				}
				if _, err := coll.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}); err != nil {
					b.Error(err)
				}
			}
		}
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
			// The counters (the queue's counts) take the seeded reports
			// before anything is timed.
			if err := f.Stats.CatchUp(ctx); err != nil {
				b.Fatal(err)
			}
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
			q := services.NewQueue(indexed, f.env.Store, f.StatsView, nil)
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

// evidencePhoto is a phone photo of about 190 KB: a 960×720 JPEG of a
// noisy scene with an EXIF segment carrying GPS coordinates.
func evidencePhoto(t testing.TB) []byte {
	t.Helper()
	rnd := rand.New(rand.NewPCG(1, 2))
	img := image.NewRGBA(image.Rect(0, 0, 960, 720))
	for y := range 720 {
		for x := range 960 {
			n := uint8(rnd.IntN(32))
			img.Set(x, y, color.RGBA{uint8(x/4) + n, uint8(y/3) + n, 100 + n, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return withGPS(b.Bytes())
}

// evidenceScan is a scanned page of about 190 KB: a PDF written by fpdf
// holding a photo of the page as a JPEG, and a line of text.
func evidenceScan(t testing.TB) []byte {
	t.Helper()
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddPage()
	pdf.SetFont("Helvetica", "", 11)
	pdf.CellFormat(0, 8, "Giay hen tra ket qua - so HS-2026-000417", "", 1, "", false, 0, "")
	pdf.RegisterImageOptionsReader("scan", fpdf.ImageOptions{ImageType: "JPG"}, bytes.NewReader(evidencePhoto(t)))
	pdf.ImageOptions("scan", 10, 20, 190, 142, false, fpdf.ImageOptions{ImageType: "JPG"}, 0, "")
	var out bytes.Buffer
	if err := pdf.Output(&out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// processCPU is the CPU time this process (the portal and the embedded
// servers alike) has used, user and system.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
