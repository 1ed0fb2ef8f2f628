package mongostore_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"minhbach/internal/mongostore"
	"minhbach/internal/testenv"
	"minhbach/services"
)

// failingStats fails the n-th write it is asked for (counting from 1) and
// every later one of the same kind while armed: a fold that stops half-way,
// as a crash or a lost database would leave it.
type failingStats struct {
	*mongostore.Store
	mu    sync.Mutex
	armed map[string]int // method → writes left before it fails
}

var errInjected = errors.New("injected failure")

func (f *failingStats) fail(method string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	n, ok := f.armed[method]
	if !ok {
		return false
	}
	if n <= 0 {
		return true
	}
	f.armed[method] = n - 1
	return false
}

func (f *failingStats) arm(method string, after int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.armed[method] = after
}

func (f *failingStats) disarm() {
	f.mu.Lock()
	defer f.mu.Unlock()
	clear(f.armed)
}

// PutStatsPending and SettleStatsMarks write the marks one by one, so
// that a failure can cut a fold between two of them.
func (f *failingStats) PutStatsPending(ctx context.Context, marks []services.StatsMark) error {
	for _, m := range marks {
		if f.fail("put") {
			return errInjected
		}
		if err := f.Store.PutStatsPending(ctx, []services.StatsMark{m}); err != nil {
			return err
		}
	}
	return nil
}

func (f *failingStats) ApplyStatsDelta(ctx context.Context, seq int64, d services.Contribution) error {
	if f.fail("apply") {
		// Half of the cells are written before the failure.
		half := services.Contribution{}
		for i, cell := range d.Cells() {
			if i%2 == 0 {
				half[cell] = d[cell]
			}
		}
		if err := f.Store.ApplyStatsDelta(ctx, seq, half); err != nil {
			return err
		}
		return errInjected
	}
	return f.Store.ApplyStatsDelta(ctx, seq, d)
}

func (f *failingStats) SettleStatsMarks(ctx context.Context, marks []services.StatsMark) error {
	for _, m := range marks {
		if f.fail("settle") {
			return errInjected
		}
		if err := f.Store.SettleStatsMarks(ctx, []services.StatsMark{m}); err != nil {
			return err
		}
	}
	return nil
}

// sumOfContributions is what the counters must hold: every stored report's
// contribution, summed afresh.
func sumOfContributions(t *testing.T, s *mongostore.Store, ids []string, late func(services.Case) bool) services.Contribution {
	t.Helper()
	cases, err := s.FindCasesByIDs(context.Background(), ids)
	if err != nil {
		t.Fatal(err)
	}
	sum := services.Contribution{}
	for _, c := range cases {
		sum.Add(services.Contribute(c, late(c)))
	}
	return sum
}

func assertCellsEqual(t *testing.T, step string, got, want services.Contribution) {
	t.Helper()
	for cell, m := range want {
		if !equalCounts(got[cell], m) {
			t.Fatalf("%s: cell %s holds %v, the reports sum to %v", step, cell.Key(), got[cell], m)
		}
	}
	for cell, m := range got {
		if _, ok := want[cell]; !ok {
			t.Fatalf("%s: cell %s holds %v, which no report counts for", step, cell.Key(), m)
		}
	}
}

// TestStatsFoldCountsEachChangeOnce runs a random workload of filings,
// moves, conclusions, ratings, recommendations and re-routings on real
// reports, folds them (some twice, some concurrently, some cut off by a
// failure at each of a fold's writes), and after every step finds the
// counters exactly equal to the sum of every report's contribution.
func TestStatsFoldCountsEachChangeOnce(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	// The folds go through a store with the cell cache (the embedded
	// default's), which must answer as the database does after each step,
	// failed writes included; plain reads the database.
	env.Store.UseStatsCache()
	plain := mongostore.New(env.Client, env.Database)
	store := &failingStats{Store: env.Store, armed: map[string]int{}}
	late := func(c services.Case) bool {
		return c.Outcome != nil && c.Outcome.ConcludedAt.Sub(c.CreatedAt) > 20*24*time.Hour
	}
	folder := services.NewStatsFolder(store, func(_ context.Context, c services.Case) (bool, error) { return late(c), nil })
	rng := rand.New(rand.NewPCG(13, 13))
	t0 := time.Date(2026, 9, 1, 9, 0, 0, 0, services.VietnamTime)
	units, areas, cats := []string{"u1", "u2", "u3"}, []string{"26734", "26737", ""}, []string{"fee", "delay", "attitude"}
	offices := []string{"Chị Lan – bộ phận một cửa", "chi lan (Bo phan mot cua)", "UBND phường 1", ""}
	var ids []string
	version := map[string]int64{}

	file := func(i int) string {
		at := t0.Add(time.Duration(rng.IntN(90*24)) * time.Hour)
		c := &services.Case{ID: env.Store.NewID(), TrackingCode: fmt.Sprintf("MB-ST%02d-%04d", i%100, i), Kind: []services.Kind{services.KindFeedback, services.KindComplaint, services.KindDenunciation}[rng.IntN(3)],
			Category: cats[rng.IntN(3)], AreaCode: areas[rng.IntN(3)], UnitID: units[rng.IntN(3)], FrontUnitID: "f1", Office: offices[rng.IntN(4)],
			Procedure: "Cấp giấy chứng nhận", Title: "t", Description: "d", Status: services.StatusReceived, Version: 1, CreatedAt: at, UpdatedAt: at,
			Timeline: []services.Event{{Type: services.EventSubmitted, At: at, Status: services.StatusReceived}}}
		if err := env.Store.InsertCase(ctx, c); err != nil {
			t.Fatal(err)
		}
		version[c.ID] = 1
		return c.ID
	}
	move := func(id string) {
		c, err := env.Store.FindCaseByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		at := c.UpdatedAt.Add(time.Duration(1+rng.IntN(30*24)) * time.Hour)
		ch := services.CaseChange{At: at}
		switch {
		case c.Status == services.StatusReceived && rng.IntN(4) == 0:
			ch.Status = []services.Status{services.StatusRejected, services.StatusTransferred, services.StatusWithdrawn}[rng.IntN(3)]
		case c.Status == services.StatusReceived:
			ch.Status = services.StatusAccepted
		case c.Status == services.StatusAccepted:
			ch.Status = services.StatusInvestigating
			if rng.IntN(3) == 0 {
				u := units[rng.IntN(3)]
				ch.UnitID = &u
			}
		case c.Status == services.StatusInvestigating && rng.IntN(3) == 0:
			ch.Recommendations = []services.Recommendation{{ID: fmt.Sprint(rng.Int()), Text: "r", AnswerBy: at.AddDate(0, 0, 5).In(services.VietnamTime).Format("2006-01-02"), CreatedAt: at}}
			flag := rng.IntN(2) == 0
			ch.OverdueFlagged = &flag
		case c.Status == services.StatusInvestigating:
			ch.Status = services.StatusConcluded
			ch.Outcome = &services.Outcome{Result: []string{services.OutcomeSubstantiated, services.OutcomePartly, services.OutcomeUnsubstantiated}[rng.IntN(3)], ConcludedAt: at}
			if len(c.Recommendations) > 0 {
				recs := append([]services.Recommendation(nil), c.Recommendations...)
				recs[0].Answer, recs[0].AnsweredAt = "a", at
				ch.ReplaceRecommendations = recs
			}
		case c.Status == services.StatusConcluded:
			ch.Status = services.StatusClosed
			ch.Rating = &services.Rating{Stars: 1 + rng.IntN(5), At: at}
		default:
			return
		}
		if ch.Status != "" {
			ch.Events = []services.Event{{Type: "status", At: at, Status: ch.Status}}
		}
		if _, err := env.Store.UpdateCase(ctx, id, version[id], ch); err != nil {
			t.Fatalf("move %s from %s: %v", id, c.Status, err)
		}
		version[id]++
	}
	fold := func(step string, some []string) {
		t.Helper()
		if err := folder.Fold(ctx, some); err != nil {
			t.Fatalf("%s: fold: %v", step, err)
		}
	}
	check := func(step string) {
		t.Helper()
		got, err := env.Store.StatsCells(ctx)
		if err != nil {
			t.Fatal(err)
		}
		assertCellsEqual(t, step, got, sumOfContributions(t, env.Store, ids, late))
		compareStatsCache(t, step, env.Store, plain)
	}

	for i := range 60 {
		ids = append(ids, file(i))
	}
	fold("first fold", ids)
	check("first fold")
	fold("the same again", ids) // nothing changed: nothing counted twice
	check("the same again")

	faults := []struct {
		method string
		after  int
	}{{"put", 0}, {"put", 3}, {"apply", 0}, {"settle", 0}, {"settle", 2}}
	for step := range 40 {
		touched := []string{}
		for range 1 + rng.IntN(12) {
			id := ids[rng.IntN(len(ids))]
			move(id)
			touched = append(touched, id)
		}
		if rng.IntN(4) == 0 {
			ids = append(ids, file(100+step))
			touched = append(touched, ids[len(ids)-1])
		}
		name := fmt.Sprintf("step %d", step)
		switch step % 4 {
		case 0: // a fold cut off, then the next one settles it first
			f := faults[(step/4)%len(faults)]
			store.arm(f.method, f.after)
			// (A fold with fewer writes than the fault's point succeeds.)
			if err := folder.Fold(ctx, touched); err != nil && !errors.Is(err, errInjected) {
				t.Fatalf("%s: fold with %s failing: %v", name, f.method, err)
			}
			store.disarm()
			fold(name+" after the failure", touched) // the folder retries what failed
		case 1: // concurrent folds of overlapping reports
			var wg sync.WaitGroup
			errs := make(chan error, 3)
			for k := range 3 {
				wg.Go(func() { errs <- folder.Fold(ctx, touched[k*len(touched)/3:]) })
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
			}
		case 2: // a fold cut off, settled by the sweep's Settle
			store.arm("apply", 0)
			_ = folder.Fold(ctx, touched)
			store.disarm()
			if err := folder.Settle(ctx); err != nil {
				t.Fatal(err)
			}
			fold(name, touched)
		default:
			fold(name, append(touched, touched...))
		}
		check(name)
	}
	// A report deleted from the database (by an operator: the portal
	// deletes none) counts for nothing once folded.
	gone, err := bson.ObjectIDFromHex(ids[2])
	if err != nil {
		t.Fatal(err)
	}
	if res, err := env.Client.Database(env.Database).Collection("cases").DeleteOne(ctx, bson.D{{Key: "_id", Value: gone}}); err != nil || res.DeletedCount != 1 {
		t.Fatalf("delete: %v %+v", err, res)
	}
	fold("a report deleted", ids[2:3])
	check("a report deleted")
	fold("a report deleted, again", ids[2:3])
	check("a report deleted, again")

	// A new folder (a restart) settles what the last one left pending.
	store.arm("settle", 1)
	move(ids[0])
	move(ids[1])
	_ = folder.Fold(ctx, ids[:2])
	store.disarm()
	restarted := services.NewStatsFolder(store, func(_ context.Context, c services.Case) (bool, error) { return late(c), nil })
	if err := restarted.Fold(ctx, nil); err != nil {
		t.Fatal(err)
	}
	check("after a restart")
	if p, err := env.Store.PendingStatsMarks(ctx); err != nil || len(p) != 0 {
		t.Fatalf("pending after settling: %d, %v", len(p), err)
	}
}

func equalCounts(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestStatsFoldOfManyReportsEnds folds hundreds of reports whose marks
// exist (a catch-up's batch): on the embedded FerretDB, one update command
// of more than about 100 statements on existing documents waits forever
// for a database connection, so the fold must split its bulk writes.
func TestStatsFoldOfManyReportsEnds(t *testing.T) {
	env := testenv.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	folder := services.NewStatsFolder(env.Store, nil)
	at := time.Date(2026, 11, 3, 9, 0, 0, 0, services.VietnamTime)
	var ids []string
	var batch []services.Case
	for i := range 300 {
		c := services.Case{ID: env.Store.NewID(), TrackingCode: fmt.Sprintf("MB-MANY-%04d", i), Kind: services.KindFeedback, Category: "fee",
			UnitID: "u1", Title: "t", Description: "d", Status: services.StatusReceived, Version: 1, CreatedAt: at, UpdatedAt: at,
			Timeline: []services.Event{{Type: services.EventSubmitted, At: at, Status: services.StatusReceived}}}
		batch = append(batch, c)
		ids = append(ids, c.ID)
	}
	if err := env.Store.BulkInsertCases(ctx, batch); err != nil {
		t.Fatal(err)
	}
	if err := folder.Fold(ctx, ids); err != nil {
		t.Fatalf("first fold: %v", err)
	}
	for _, id := range ids {
		if _, err := env.Store.UpdateCase(ctx, id, 1, services.CaseChange{At: at.Add(time.Hour), Status: services.StatusAccepted,
			Events: []services.Event{{Type: "status", At: at.Add(time.Hour), Status: services.StatusAccepted}}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := folder.Fold(ctx, ids); err != nil {
		t.Fatalf("second fold (every mark exists): %v", err)
	}
	got, err := env.Store.StatsCells(ctx)
	if err != nil {
		t.Fatal(err)
	}
	assertCellsEqual(t, "after the second fold", got, sumOfContributions(t, env.Store, ids, func(services.Case) bool { return false }))
}

// TestStatsMarkTakesAChangeOfNamesOnly folds a report, moves it to a
// status that changes only a measure's name in its counts (accepted:1 →
// investigating:1 in the "now" cell), and folds it again: the mark must
// hold the new counts. The embedded FerretDB skips a $set whose new value
// it finds equal to the old one, and it compares documents by their values
// without their field names, so the mark kept the old counts with the new
// version, and the counters drifted from the reports
// (TestStatsCountersEqualTheRebuild found it).
func TestStatsMarkTakesAChangeOfNamesOnly(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	folder := services.NewStatsFolder(env.Store, nil)
	at := time.Date(2026, 11, 3, 9, 0, 0, 0, services.VietnamTime)
	c := services.Case{ID: env.Store.NewID(), TrackingCode: "MB-NAMES-0001", Kind: services.KindFeedback, Category: "fee",
		UnitID: "u1", Title: "t", Description: "d", Status: services.StatusAccepted, Version: 1, CreatedAt: at, UpdatedAt: at,
		Timeline: []services.Event{{Type: services.EventSubmitted, At: at, Status: services.StatusReceived}, {Type: "status", At: at, Status: services.StatusAccepted}}}
	if err := env.Store.BulkInsertCases(ctx, []services.Case{c}); err != nil {
		t.Fatal(err)
	}
	if err := folder.Fold(ctx, []string{c.ID}); err != nil {
		t.Fatal(err)
	}
	moved, err := env.Store.UpdateCase(ctx, c.ID, c.Version, services.CaseChange{Status: services.StatusInvestigating, At: at.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if err := folder.Fold(ctx, []string{c.ID}); err != nil {
		t.Fatal(err)
	}
	marks, err := env.Store.FindStatsMarks(ctx, []string{c.ID})
	if err != nil {
		t.Fatal(err)
	}
	want := services.Contribute(moved, false)
	if m := marks[c.ID]; m.Version != moved.Version || len(m.Counts.Minus(want)) != 0 {
		t.Fatalf("mark v%d %v, want v%d %v", m.Version, m.Counts, moved.Version, want)
	}
	cells, err := env.Store.StatsCells(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := cells.Minus(want); len(d) != 0 {
		t.Fatalf("the counters differ from the report's counts by %v", d)
	}
}

// TestStatsCatchUpRefoldsUnderANewDefinition plays an upgrade: counters
// folded under an older definition of what a report counts for (here,
// without the "now" statuses), recorded as such; a fresh process's first
// catch-up folds every report again and the counters equal the rebuild's.
func TestStatsCatchUpRefoldsUnderANewDefinition(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 3, 9, 0, 0, 0, services.VietnamTime)
	var cases []services.Case
	for i, st := range []services.Status{services.StatusReceived, services.StatusAccepted, services.StatusRejected} {
		cases = append(cases, services.Case{ID: env.Store.NewID(), TrackingCode: fmt.Sprintf("MB-DEF-%04d", i), Kind: services.KindFeedback,
			Category: "fee", UnitID: "u1", Title: "t", Description: "d", Status: st, Version: 1, CreatedAt: at, UpdatedAt: at,
			Timeline: []services.Event{{Type: services.EventSubmitted, At: at, Status: services.StatusReceived}, {Type: "status", At: at, Status: st}}})
	}
	if err := env.Store.BulkInsertCases(ctx, cases); err != nil {
		t.Fatal(err)
	}
	// The old definition: no status measures.
	old := func(c services.Case) services.Contribution {
		ct := services.Contribute(c, false)
		for cell, m := range ct {
			for k := range m {
				if strings.HasPrefix(k, services.MeasureStatusPrefix) {
					delete(m, k)
				}
			}
			if len(m) == 0 {
				delete(ct, cell)
			}
		}
		return ct
	}
	if err := env.Store.BeginStatsRebuild(ctx); err != nil {
		t.Fatal(err)
	}
	total := services.Contribution{}
	var marks []services.StatsMark
	for _, c := range cases {
		total.Add(old(c))
		marks = append(marks, services.StatsMark{ReportID: c.ID, Version: c.Version, Counts: old(c)})
	}
	if err := env.Store.PutStatsMarks(ctx, marks); err != nil {
		t.Fatal(err)
	}
	if err := env.Store.FinishStatsRebuild(ctx, total, 0, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := env.Store.SetStatsUpTo(ctx, time.Now(), services.StatsDefinition-1); err != nil {
		t.Fatal(err)
	}
	feed := services.NewStatsFeed(services.NewStatsFolder(env.Store, func(context.Context, services.Case) (bool, error) { return false, nil }), env.Store, nil, nil)
	if err := feed.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	_, differ, err := services.RebuildStats(ctx, env.Store, func(context.Context, services.Case) (bool, error) { return false, nil }, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(differ) != 0 {
		t.Fatalf("after the catch-up, cells differ from the reports: %v", differ)
	}
	if st, err := env.Store.StatsState(ctx); err != nil || st.Definition != services.StatsDefinition {
		t.Fatalf("state %+v %v", st, err)
	}
}

// compareStatsCache finds the cached store's cell queries (the embedded
// default's cell cache) equal to the database's, for every unit and
// committee filter and every dimension, over all the months there are.
func compareStatsCache(t *testing.T, step string, cached, plain *mongostore.Store) {
	t.Helper()
	ctx := context.Background()
	all, err := plain.StatsCells(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ms []string
	for cell := range all {
		if !slices.Contains(ms, cell.Month) {
			ms = append(ms, cell.Month)
		}
	}
	for _, scope := range []struct{ unit, front string }{{"", ""}, {"u1", ""}, {"u3", ""}, {"", "f1"}} {
		for _, dim := range append([]string{""}, services.HotspotDims...) {
			read := func(s *mongostore.Store) services.Contribution {
				var c services.Contribution
				var err error
				if dim == "" {
					c, err = s.FindStatsCells(ctx, ms, scope.unit, scope.front)
				} else {
					c, err = s.FindStatsDims(ctx, ms, scope.unit, scope.front, dim)
				}
				if err != nil {
					t.Fatal(err)
				}
				return c
			}
			got, want := read(cached), read(plain)
			if d := got.Minus(want); len(d) != 0 || len(got) != len(want) {
				t.Fatalf("%s: for %+v %q the database holds %d cells, the cell cache %d, differing by %v", step, scope, dim, len(want), len(got), d)
			}
		}
	}
}
