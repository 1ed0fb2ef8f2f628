package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minhbach/internal/mongostore"
	"minhbach/services"
)

// cmdRecorder keeps the commands a client sends while it is on.
type cmdRecorder struct {
	mu   sync.Mutex
	on   bool
	cmds []recordedCmd
}

type recordedCmd struct {
	name string
	cmd  bson.Raw
}

func (r *cmdRecorder) monitor() *event.CommandMonitor {
	return &event.CommandMonitor{Started: func(_ context.Context, e *event.CommandStartedEvent) {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.on {
			r.cmds = append(r.cmds, recordedCmd{e.CommandName, slices.Clone(e.Command)})
		}
	}}
}

// record runs fn and returns the commands sent meanwhile.
func (r *cmdRecorder) record(fn func()) []recordedCmd {
	r.mu.Lock()
	r.on, r.cmds = true, nil
	r.mu.Unlock()
	fn()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.on = false
	return r.cmds
}

// costScale is one archive size's measurements: the median time of each
// operation, in ns.
type costScale struct {
	n      int
	median map[string]float64
}

// costOps are the operations BenchmarkCostAtScale times, in order.
var costOps = []string{"file", "move", "note", "message", "assign", "track-session", "track-view", "case-page", "sweep-per-flagged"}

// BenchmarkCostAtScale fills the embedded store (or the servers the tests
// use) with N reports shaped like filed ones and times, through the HTTP
// layer, the operations whose cost must not grow with the archive: filing
// without files, a move, a note, a message to the citizen, an assignment, a
// tracking session and the tracking page, the case page, and one sweep
// pass's cost per report it flags. It reports each operation's median (of
// costReps runs) at 100 reports and at the large size (1,000; 20,000 with
// PORTAL_BENCH_LARGE=1, any size above 100 with PORTAL_BENCH_REPORTS=N),
// and the ratio large/small ("ratio" sub-benchmark).
// PORTAL_BENCH_COMMANDS=1 also logs the commands each operation sends.
func BenchmarkCostAtScale(b *testing.B) {
	large := 1000
	if os.Getenv("PORTAL_BENCH_LARGE") == "1" {
		large = 20000
	}
	if n, err := strconv.Atoi(os.Getenv("PORTAL_BENCH_REPORTS")); err == nil && n > 100 {
		large = n
	}
	results := map[int]*costScale{}
	for _, n := range []int{100, large} {
		b.Run(fmt.Sprintf("reports=%d", n), func(b *testing.B) {
			r := results[n]
			if r == nil {
				r = measureCostAtScale(b, n, os.Getenv("PORTAL_BENCH_COMMANDS") == "1")
				results[n] = r
			}
			for b.Loop() {
			}
			for _, op := range costOps {
				b.ReportMetric(r.median[op], op+"-ns")
			}
		})
	}
	b.Run("ratio", func(b *testing.B) {
		small, big := results[100], results[large]
		if small == nil || big == nil {
			b.Skip("a size did not run")
		}
		for b.Loop() {
		}
		for _, op := range costOps {
			b.ReportMetric(big.median[op]/small.median[op], op+"-ratio")
		}
	})
}

// costReps is how many times each operation is timed, after one run that
// is not (the first of each warms caches and connections): a median of 21
// is steadier than one of 7, which a single GC pause or background job
// could move by a third on a two-core machine.
const costReps = 21

// costBody is a realistic report of about 1.3–3.2 KB once stored.
func costBody(rng *rand.Rand, named bool) string {
	words := strings.Fields("cán bộ tiếp nhận hồ sơ yêu cầu nộp thêm tiền bồi dưỡng để giải quyết nhanh, nếu không thì hẹn lại nhiều lần " +
		"và trả hồ sơ vì thiếu giấy tờ không có trong quy định; tôi đã chờ hơn ba tuần tại bộ phận một cửa của phường")
	var d strings.Builder
	for d.Len() < 200+rng.IntN(2000) {
		d.WriteString(words[rng.IntN(len(words))])
		d.WriteByte(' ')
	}
	in := map[string]any{"kind": "feedback", "category": "bribe", "title": "Cán bộ đòi tiền bồi dưỡng khi nộp hồ sơ",
		"description": strings.TrimSpace(d.String()), "incidentDate": "2026-11-20", "areaCode": "26743",
		"place": "Bộ phận một cửa", "office": "UBND phường Bến Thành", "counter": fmt.Sprintf("Quầy số %d", 1+rng.IntN(9)),
		"procedure": "Cấp giấy phép xây dựng", "dossierNumber": fmt.Sprintf("HS-2026-%06d", rng.IntN(1000000)),
		"officials": "Ông Nguyễn Văn A (cán bộ tiếp nhận), bà Trần Thị B (phó trưởng bộ phận)", "language": "vi", "anonymous": !named}
	if named {
		in["identity"] = map[string]string{"name": "Trần Thị Bích", "phone": "0912345678", "email": "bich.tran@example.org", "nationalId": "079188004455"}
		if rng.IntN(2) == 0 {
			in["kind"] = "complaint"
		}
	}
	out, _ := json.Marshal(in)
	return string(out)
}

// costCase is one report of the filled archive the operations act on.
type costCase struct{ id, code, receipt string }

// fillCostArchive files a few template reports through the API (with notes,
// a message and an assignment, so that they carry timelines and audit
// chains), then copies every document about them (the report, its tracking
// code, identity, audit events, outbox entries, staffing events…) with new
// ids and tracking codes until the archive holds n reports. It returns the
// copies (all still received, so that each can be moved once).
func fillCostArchive(b testing.TB, f *fixture, st storyStaff, n int) []costCase {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	const templates = 8
	type tmpl struct {
		id, code, receipt string
	}
	var ts []tmpl
	for i := range templates {
		var r createdReport
		f.call(b, "", http.MethodPost, "/api/v1/complaints", costBody(rng, i%2 == 0), http.StatusCreated, &r)
		c, err := f.env.Store.FindCaseByTrackingCode(ctx, r.TrackingCode)
		if err != nil {
			b.Fatal(err)
		}
		base := "/api/v1/cases/" + c.ID
		f.call(b, st.inspector.access, http.MethodPost, base+"/notes", `{"text":"Đã liên hệ bộ phận một cửa để xác minh hồ sơ số HS-2026."}`, http.StatusCreated, nil)
		f.call(b, st.lead.access, http.MethodPost, base+"/assign", `{"assigneeId":"`+st.inspector.user.ID+`"}`, http.StatusOK, nil)
		f.call(b, st.inspector.access, http.MethodPost, base+"/messages", `{"text":"Xin cảm ơn, chúng tôi đang xác minh phản ánh của anh/chị."}`, http.StatusCreated, nil)
		ts = append(ts, tmpl{c.ID, r.TrackingCode, r.Receipt})
	}
	db := f.env.Client.Database(f.env.Database)
	names, err := db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		b.Fatal(err)
	}
	// Every document that names a template report, by collection.
	type related struct {
		coll string
		json string
		id   string // the document's _id as it appears in its JSON
	}
	byTemplate := map[string][]related{}
	for _, coll := range names {
		cur, err := db.Collection(coll).Find(ctx, bson.D{})
		if err != nil {
			b.Fatal(err)
		}
		var docs []bson.Raw
		if err := cur.All(ctx, &docs); err != nil {
			b.Fatal(err)
		}
		for _, d := range docs {
			js, err := bson.MarshalExtJSON(d, true, false)
			if err != nil {
				b.Fatal(err)
			}
			for _, t := range ts {
				if strings.Contains(string(js), t.id) || strings.Contains(string(js), t.code) {
					var id string
					switch v := d.Lookup("_id"); v.Type {
					case bson.TypeObjectID:
						id = v.ObjectID().Hex()
					case bson.TypeString:
						id = v.StringValue()
					}
					byTemplate[t.id] = append(byTemplate[t.id], related{coll, string(js), id})
				}
			}
		}
	}
	batches := map[string][]any{}
	flush := func(force bool) {
		for coll, docs := range batches {
			if len(docs) >= 500 || (force && len(docs) > 0) {
				if _, err := db.Collection(coll).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false)); err != nil {
					b.Fatalf("fill %s: %v", coll, err)
				}
				batches[coll] = nil
			}
		}
	}
	var out []costCase
	for i := templates; i < n; i++ {
		t := ts[i%templates]
		code, err := services.NewTrackingCode()
		if err != nil {
			b.Fatal(err)
		}
		newID := bson.NewObjectID().Hex()
		repl := []string{t.id, newID, t.code, code}
		for _, r := range byTemplate[t.id] {
			if r.id != "" && r.id != t.id && r.id != t.code {
				fresh := bson.NewObjectID().Hex()
				if _, err := bson.ObjectIDFromHex(r.id); err != nil {
					fresh = r.id + "-" + fresh
				}
				repl = append(repl, r.id, fresh)
			}
		}
		rp := strings.NewReplacer(repl...)
		for _, r := range byTemplate[t.id] {
			var d bson.D
			if err := bson.UnmarshalExtJSON([]byte(rp.Replace(r.json)), true, &d); err != nil {
				b.Fatal(err)
			}
			batches[r.coll] = append(batches[r.coll], d)
		}
		out = append(out, costCase{newID, code, t.receipt})
		flush(false)
	}
	flush(true)
	// Notifications of an archive have long been sent.
	if _, err := db.Collection("outbox").UpdateMany(ctx, bson.D{}, bson.D{{Key: "$set", Value: bson.D{{Key: "sentAt", Value: time.Now().UTC()}}}}); err != nil {
		b.Fatal(err)
	}
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// costBench is an archive of n reports and the operations to time on it,
// each of which returns its own duration.
type costBench struct {
	rec *cmdRecorder
	ops map[string]func() time.Duration
}

// newCostBench fills an archive of n reports (fillCostArchive) and
// prepares the operations.
func newCostBench(b testing.TB, n int) *costBench {
	rec := &cmdRecorder{}
	f := newFixture(b, func(o *fixtureOptions) { o.cacheTTL, o.monitor = 30*time.Second, rec.monitor() })
	st := f.storyStaff(b)
	start := time.Now()
	pool := fillCostArchive(b, f, st, n)
	ctx := context.Background()
	db := f.env.Client.Database(f.env.Database)
	fill := time.Since(start)
	cur, err := db.Collection("cases").Find(ctx, bson.D{})
	if err != nil {
		b.Fatal(err)
	}
	var docs []bson.Raw
	if err := cur.All(ctx, &docs); err != nil {
		b.Fatal(err)
	}
	minSize, maxSize, total := 1<<30, 0, 0
	for _, d := range docs {
		minSize, maxSize, total = min(minSize, len(d)), max(maxSize, len(d)), total+len(d)
	}
	fmt.Fprintf(os.Stderr, "reports=%d: archive filled in %v: %d reports of %d–%d bytes (mean %d)\n", n, fill.Round(time.Millisecond),
		len(docs), minSize, maxSize, total/max(1, len(docs)))
	docs = nil
	// The embedded portal answers the queue and the sweep's selections from
	// its queue index, built at start-up (docs/storage.md, "The queue
	// index"); so does the archive here, once filled.
	if f.env.Embedded {
		t0 := time.Now()
		st, err := f.store.UseQueueIndex(ctx)
		if err != nil {
			b.Fatal(err)
		}
		fmt.Fprintf(os.Stderr, "reports=%d: queue index of %d reports built in %v\n", n, st.Entries, time.Since(t0).Round(time.Millisecond))
	}
	// The staff sessions of the fill may have aged: sign in afresh.
	st.inspector = f.staffLogin(b, "inspector@story.test", "")
	st.lead = f.staffLogin(b, "lead@story.test", "")
	rng := rand.New(rand.NewPCG(2, uint64(n)))
	next := 0
	take := func() costCase {
		c := pool[next%len(pool)]
		next++
		return c
	}
	var trackToken string
	ops := map[string]func() time.Duration{
		"file": func() time.Duration {
			body := costBody(rng, true)
			t0 := time.Now()
			f.call(b, "", http.MethodPost, "/api/v1/complaints", body, http.StatusCreated, nil)
			return time.Since(t0)
		},
		"move": func() time.Duration {
			c := take()
			t0 := time.Now()
			f.call(b, st.inspector.access, http.MethodPost, "/api/v1/cases/"+c.id+"/transitions", `{"to":"accepted"}`, http.StatusOK, nil)
			return time.Since(t0)
		},
		"note": func() time.Duration {
			c := take()
			t0 := time.Now()
			f.call(b, st.inspector.access, http.MethodPost, "/api/v1/cases/"+c.id+"/notes", `{"text":"Đã gọi điện cho cán bộ phụ trách để xác minh."}`, http.StatusCreated, nil)
			return time.Since(t0)
		},
		"message": func() time.Duration {
			c := take()
			t0 := time.Now()
			f.call(b, st.inspector.access, http.MethodPost, "/api/v1/cases/"+c.id+"/messages", `{"text":"Đề nghị anh/chị cung cấp thêm số biên nhận hồ sơ."}`, http.StatusCreated, nil)
			return time.Since(t0)
		},
		"assign": func() time.Duration {
			c := take()
			t0 := time.Now()
			f.call(b, st.lead.access, http.MethodPost, "/api/v1/cases/"+c.id+"/assign", `{"assigneeId":"`+st.lead.user.ID+`"}`, http.StatusOK, nil)
			return time.Since(t0)
		},
		"track-session": func() time.Duration {
			c := take()
			body, _ := json.Marshal(map[string]string{"trackingCode": c.code, "receipt": c.receipt})
			t0 := time.Now()
			var s struct{ Token string }
			f.call(b, "", http.MethodPost, "/api/v1/track/session", string(body), http.StatusOK, &s)
			d := time.Since(t0)
			trackToken = s.Token
			return d
		},
		"track-view": func() time.Duration {
			t0 := time.Now()
			w := f.do(http.MethodGet, "/api/v1/track", "", nil, "Authorization", "Bearer "+trackToken)
			if w.Code != http.StatusOK {
				b.Fatalf("track: %d %s", w.Code, w.Body)
			}
			return time.Since(t0)
		},
		"case-page": func() time.Duration {
			c := take()
			t0 := time.Now()
			w := f.staffGet(st.inspector.access, "/api/v1/cases/"+c.id)
			if w.Code != http.StatusOK {
				b.Fatalf("case page: %d %s", w.Code, w.Body)
			}
			return time.Since(t0)
		},
		"sweep-per-flagged": func() time.Duration {
			const k = 5
			// k reports fall due an hour ago (written through the store, so
			// that its queue index sees them as the portal's writes are seen).
			due, no := f.clock.Now().Add(-time.Hour).UTC(), false
			for range k {
				c, err := f.store.FindCaseByID(ctx, take().id)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := f.store.UpdateCase(ctx, c.ID, c.Version, services.CaseChange{At: f.clock.Now(), DueAt: &due, OverdueFlagged: &no}); err != nil {
					b.Fatal(err)
				}
			}
			t0 := time.Now()
			res, err := f.Sweeper.Sweep(ctx)
			d := time.Since(t0)
			if err != nil || res.Overdue != k {
				b.Fatalf("sweep: %+v %v", res, err)
			}
			return d / k
		},
	}
	return &costBench{rec: rec, ops: ops}
}

// measureCostAtScale builds an archive of n reports and times each
// operation costReps times.
func measureCostAtScale(b *testing.B, n int, logCommands bool) *costScale {
	cb := newCostBench(b, n)
	rec, ops := cb.rec, cb.ops
	r := &costScale{n: n, median: map[string]float64{}}
	for _, op := range costOps {
		if logCommands {
			cmds := rec.record(func() { ops[op]() })
			var lines []string
			for _, c := range cmds {
				if shapes := mongostore.QueryShapes(c.name, c.cmd); len(shapes) > 0 {
					for _, s := range shapes {
						lines = append(lines, c.name+" "+s)
					}
				} else {
					lines = append(lines, c.name+" "+c.cmd.Lookup(c.name).String())
				}
			}
			fmt.Fprintf(os.Stderr, "reports=%d %s sends %d commands:\n  %s\n", n, op, len(cmds), strings.Join(lines, "\n  "))
		}
		ops[op]()
		var ds []float64
		for range costReps {
			ds = append(ds, float64(ops[op]().Nanoseconds()))
		}
		sort.Float64s(ds)
		r.median[op] = ds[len(ds)/2]
		// On stderr at once: a run cut short still shows what it measured.
		fmt.Fprintf(os.Stderr, "reports=%d %s: min %.2f ms, median %.2f ms, max %.2f ms\n", n, op, ds[0]/1e6, ds[len(ds)/2]/1e6, ds[len(ds)-1]/1e6)
	}
	return r
}

// TestPerReportQueriesExplained runs each operation of BenchmarkCostAtScale
// once on a small archive, records every command it sends, and fails when
// one of its queries is not among those TestQueriesUseIndexes explains on
// MongoDB (internal/mongostore/testdata/explained-queries.txt, kept equal
// to the explain test's list by TestExplainedQueriesFile): so the explain
// test covers every query these operations issue.
func TestPerReportQueriesExplained(t *testing.T) {
	// The path is taken from this file's, not the working directory: the
	// embedded S3 server changes the process's working directory to its root.
	_, self, _, _ := runtime.Caller(0)
	raw, err := os.ReadFile(filepath.Join(filepath.Dir(self), "..", "internal", "mongostore", "testdata", "explained-queries.txt"))
	if err != nil {
		t.Fatal(err)
	}
	explained := map[string]bool{}
	for _, line := range strings.Split(string(raw), "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			explained[line] = true
		}
	}
	cb := newCostBench(t, 20)
	queries := 0
	for _, op := range costOps {
		cmds := cb.rec.record(func() { cb.ops[op]() })
		for _, c := range cmds {
			for _, s := range mongostore.QueryShapes(c.name, c.cmd) {
				queries++
				if !explained[s] {
					t.Errorf("%s sends a query the explain test does not cover: %s", op, s)
				}
			}
		}
	}
	// Filing reads nothing (its writes are inserts), but the staff actions
	// and pages read: none at all means the recording sees nothing.
	if queries == 0 {
		t.Error("no operation sent a query: the recording sees nothing")
	}
}
