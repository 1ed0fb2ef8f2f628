package mongostore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"minhbach/internal/mongostore"
	"minhbach/internal/testenv"
	"minhbach/services"
)

// The queue index (docs/storage.md, "The queue index") must answer exactly
// what the store's database query answers. Each test writes through a
// store with the index (as the embedded portal does) and compares its
// answers with those of a second store on the same database without one
// (the query MongoDB would run).

// indexedPair is a store with a queue index and a plain one on the same
// database.
func indexedPair(t *testing.T, env *testenv.Env) (indexed, plain *mongostore.Store) {
	t.Helper()
	indexed = mongostore.New(env.Client, env.Database)
	if _, err := indexed.UseQueueIndex(context.Background()); err != nil {
		t.Fatal(err)
	}
	return indexed, env.Store
}

var (
	truthUnits   = []string{"unit-a", "unit-b", "unit-c"}
	truthFronts  = []string{"front-a", "front-b"}
	truthUsers   = []string{"u-1", "u-2", "u-3"}
	truthOffices = []string{"UBND phường Bến Nghé", "Công an quận 1", "Phòng Tài nguyên và Môi trường", "Chi cục Thuế", ""}
	truthTitles  = []string{"Hồ sơ đất đai bị chậm", "Đòi tiền ngoài quy định", "Cán bộ gây khó dễ", "Thái độ không đúng mực (lần 2)", "Giấy phép xây dựng"}
	truthFilters = []services.QueueFilter{
		{}, {Status: services.StatusReceived}, {Status: services.StatusInvestigating}, {Kind: services.KindComplaint},
		{Category: "fee"}, {AreaCode: "26740"}, {AssigneeID: "u-1"}, {Office: "ubnd"}, {Overdue: true},
		{Text: "hồ sơ"}, {Text: "ĐÒI TIỀN"}, {Text: "(lần 2)"}, {Text: "hs-1"}, {Text: "thuế"},
		{Status: services.StatusAccepted, Overdue: true}, {AssigneeID: "u-2", Text: "cán bộ"},
	}
	truthSorts = func() []services.QueueSort {
		var out []services.QueueSort
		for _, k := range []services.QueueSortKey{services.SortDue, services.SortSubmitted, services.SortStatus} {
			out = append(out, services.QueueSort{Key: k}, services.QueueSort{Key: k, Desc: true})
		}
		return out
	}()
)

// truthWorld is the random workload's state: the reports as the workload
// last wrote them (the version it must send), and the clock.
type truthWorld struct {
	t       *testing.T
	rng     *rand.Rand
	indexed *mongostore.Store
	plain   *mongostore.Store
	now     time.Time
	ids     []string
	n       int
}

func (w *truthWorld) newCase() *services.Case {
	w.n++
	r := w.rng
	c := &services.Case{ID: w.indexed.NewID(), TrackingCode: fmt.Sprintf("MB-TR%02d-%04d", w.n/10000, w.n%10000),
		ReceiptHash: "h", Kind: []services.Kind{services.KindFeedback, services.KindComplaint, services.KindDenunciation}[r.IntN(3)],
		Category: []string{"delay", "fee", "attitude"}[r.IntN(3)], Title: truthTitles[r.IntN(len(truthTitles))],
		Description: strings.Repeat("Mô tả sự việc. ", 20), AreaCode: []string{"26740", "26743", ""}[r.IntN(3)],
		Office: truthOffices[r.IntN(len(truthOffices))], Officials: []string{"Ông Trần Hùng", "chị Lan, anh Tuấn", "ong tran hung; Lan", ""}[r.IntN(4)],
		Procedure:     []string{"Cấp GCN quyền sử dụng đất", "Đăng ký hộ khẩu", ""}[r.IntN(3)],
		DossierNumber: []string{"HS-1", "HS-12", "hs-2", ""}[r.IntN(4)], Language: "vi", Anonymous: true,
		Status: services.StatusReceived, UnitID: truthUnits[r.IntN(len(truthUnits))], FrontUnitID: truthFronts[r.IntN(len(truthFronts))],
		// Few distinct instants, so that every sort has ties the id breaks.
		DueAt: w.now.Add(time.Duration(r.IntN(6)-2) * 24 * time.Hour), ContentHash: "x", Version: 1,
		CreatedAt: w.now.Add(-time.Duration(r.IntN(4)) * time.Hour).Add(time.Duration(r.IntN(1000)) * time.Microsecond),
		Timeline:  []services.Event{{Type: services.EventSubmitted, At: w.now, Actor: "citizen", Status: services.StatusReceived, Public: true}}}
	c.UpdatedAt = c.CreatedAt
	if r.IntN(4) == 0 {
		c.AssigneeID = truthUsers[r.IntN(len(truthUsers))]
	}
	return c
}

// step makes one random write through the indexed store, and says what.
func (w *truthWorld) step(ctx context.Context) string {
	r := w.rng
	if len(w.ids) == 0 || r.IntN(6) == 0 {
		if r.IntN(8) == 0 {
			batch := []services.Case{*w.newCase(), *w.newCase(), *w.newCase()}
			if err := w.indexed.BulkInsertCases(ctx, batch); err != nil {
				w.t.Fatal(err)
			}
			for _, c := range batch {
				w.ids = append(w.ids, c.ID)
			}
			return "bulk insert 3"
		}
		c := w.newCase()
		if err := w.indexed.InsertCase(ctx, c); err != nil {
			w.t.Fatal(err)
		}
		w.ids = append(w.ids, c.ID)
		return "file " + c.ID
	}
	id := w.ids[r.IntN(len(w.ids))]
	cur, err := w.plain.FindCaseByID(ctx, id)
	if err != nil {
		w.t.Fatal(err)
	}
	ch := services.CaseChange{At: w.now}
	what := ""
	switch k := r.IntN(11); k {
	case 0, 1: // a move of the status machine, with its next due date
		var next []services.Status
		for _, tr := range services.Transitions {
			if tr.From == cur.Status {
				next = append(next, tr.To)
			}
		}
		if len(next) == 0 {
			return "no move from " + string(cur.Status)
		}
		to := next[r.IntN(len(next))]
		if r.IntN(3) == 0 {
			// Straight to a conclusion (the store takes any move; the
			// status machine is the services' rule), so that the
			// workload holds concluded reports for the sweep's auto-close.
			to = services.StatusConcluded
		}
		due := w.now.Add(time.Duration(r.IntN(5)-1) * 24 * time.Hour)
		if to == services.StatusClosed || to == services.StatusWithdrawn || to == services.StatusRejected || to == services.StatusTransferred {
			due = services.NoDue
		}
		ch.FromStatus, ch.Status, ch.DueAt = []services.Status{cur.Status}, to, &due
		if to == services.StatusConcluded {
			// Concluded some days ago or just now: the sweep's auto-close
			// selects by this time.
			ch.Outcome = &services.Outcome{Result: services.OutcomeUnsubstantiated, Actions: "Xác minh",
				ConcludedBy: "u-1", ConcludedAt: w.now.Add(-time.Duration(r.IntN(4)) * 10 * 24 * time.Hour)}
		}
		if to == services.StatusWithdrawn {
			ch.WithdrawReason = "rút đơn"
		}
		ch.Events = []services.Event{{Type: services.StatusEvent(to), At: w.now, Actor: "u-1", Status: to}}
		what = "move " + string(cur.Status) + "→" + string(to)
	case 2: // assignment, or taking it back
		a := ""
		if r.IntN(3) > 0 {
			a = truthUsers[r.IntN(len(truthUsers))]
		}
		ch.AssigneeID = &a
		what = "assign " + a
	case 3: // transfer to another unit (it leaves one queue, enters another)
		u := truthUnits[r.IntN(len(truthUnits))]
		none := ""
		ch.UnitID, ch.AssigneeID = &u, &none
		if r.IntN(2) == 0 {
			f := truthFronts[r.IntN(len(truthFronts))]
			ch.FrontUnitID = &f
		}
		what = "transfer to " + u
	case 4: // a new due date (an extension, a clock)
		due := w.now.Add(time.Duration(r.IntN(7)-3) * 12 * time.Hour)
		ch.DueAt = &due
		what = "due " + due.Format(time.RFC3339)
	case 5: // the sweep's marks: overdue (and so warned), warned only, or
		// cleared (as a new due date clears them)
		over, near := true, true
		switch r.IntN(3) {
		case 1:
			over = false
		case 2:
			over, near = false, false
		}
		ch.OverdueFlagged, ch.NearNotified = &over, &near
		what = fmt.Sprintf("sweep marks overdue=%v near=%v", over, near)
	case 6: // a note or a message: nothing the queue shows, a new version
		ch.Events = []services.Event{{Type: services.EventNote, At: w.now, Actor: "u-2", Note: "ghi chú"}}
		what = "note"
	case 7: // a write that loses the version race changes nothing
		if _, err := w.indexed.UpdateCase(ctx, id, cur.Version-1, services.CaseChange{At: w.now, AssigneeID: &w.ids[0]}); !services.IsCode(err, services.CodeConflict) {
			w.t.Fatalf("stale version: %v", err)
		}
		return "stale write " + id
	case 8: // files rewritten (the file-name migration's write)
		if _, err := w.indexed.ReplaceAttachments(ctx, id, cur.Version, nil); err != nil {
			w.t.Fatal(err)
		}
		return "replace files " + id
	case 10: // a committee's recommendation, or the list rewritten (emptied:
		// the report no longer carries any)
		if r.IntN(3) == 0 {
			ch.ReplaceRecommendations = []services.Recommendation{}
			what = "recommendations emptied"
		} else {
			ch.Recommendations = []services.Recommendation{{ID: w.indexed.NewID(), AuthorID: "u-3", Text: "Đề nghị làm rõ",
				AnswerBy: w.now.AddDate(0, 0, r.IntN(5)-2).Format(time.DateOnly), CreatedAt: w.now}}
			what = "recommendation"
		}
	case 9: // time passes: due dates fall behind
		w.now = w.now.Add(time.Duration(r.IntN(20)) * time.Hour)
		return "time passes to " + w.now.Format(time.RFC3339)
	}
	if _, err := w.indexed.UpdateCase(ctx, id, cur.Version, ch); err != nil {
		w.t.Fatalf("%s on %s: %v", what, id, err)
	}
	return what + " " + id
}

// cursorAt is the cursor after report c in sort (as services makes it).
func cursorAt(sort services.QueueSort, c services.Case) *services.QueueCursor {
	cur := &services.QueueCursor{Sort: sort, At: c.DueAt, ID: c.ID}
	switch sort.Key {
	case services.SortSubmitted:
		cur.At = c.CreatedAt
	case services.SortStatus:
		cur.Rank = services.StatusRank(c.Status)
	}
	return cur
}

// compareQuery runs q on both stores (its first page, and pages after
// cursors) and fails on the first difference.
func (w *truthWorld) compareQuery(ctx context.Context, label string, q services.QueueQuery, walk bool) {
	w.t.Helper()
	want, err := w.plain.FindQueue(ctx, q)
	if err != nil {
		w.t.Fatal(err)
	}
	got, err := w.indexed.FindQueue(ctx, q)
	if err != nil {
		w.t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		w.t.Fatalf("%s: query %+v (after %+v):\nindex    %s\ndatabase %s", label, q, q.After, ids(got), ids(want))
	}
	if !walk || q.Limit == 0 || len(want) < q.Limit {
		return
	}
	next := q
	next.After = cursorAt(q.Sort, want[len(want)-1])
	w.compareQuery(ctx, label, next, true)
}

func ids(cs []services.Case) string {
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "%s(%s %s due=%s sub=%s v%d) ", c.ID[18:], c.UnitID, c.Status, c.DueAt.Format("01-02T15"), c.CreatedAt.Format("15:04:05.000"), c.Version)
	}
	return b.String()
}

// compareSweep compares the sweep's selections (FindDueCases overdue and
// near, FindConcludedBefore) at time t, whole and cut to limit. The
// database orders due reports by due date only, and concluded ones not at
// all, so a cut answer must hold the same due dates in the same order and
// only reports the whole answer holds.
func (w *truthWorld) compareSweep(ctx context.Context, label, which string, t time.Time, limit int) {
	w.t.Helper()
	find := func(s *mongostore.Store, limit int) []services.Case {
		var cs []services.Case
		var err error
		switch which {
		case "overdue", "near":
			cs, err = s.FindDueCases(ctx, t, which == "overdue", limit)
		default:
			cs, err = s.FindConcludedBefore(ctx, t, limit)
		}
		if err != nil {
			w.t.Fatal(err)
		}
		if s == w.indexed {
			// Nothing is written meanwhile: every report the index
			// selected is read and still matches.
			got := []string{}
			for _, c := range cs {
				got = append(got, c.ID)
			}
			if sel := mongostore.SweepSelection(s, which, t, limit); !slices.Equal(sel, got) {
				w.t.Fatalf("%s: sweep %s before %s, limit %d: the index selected %v, the reports read were %v", label, which, t.Format(time.RFC3339), limit, sel, got)
			}
		}
		return cs
	}
	key := func(cs []services.Case, withID bool) []string {
		var out []string
		for _, c := range cs {
			k := ""
			if which != "concluded" {
				k = c.DueAt.Format(time.RFC3339Nano)
			}
			if withID {
				k += fmt.Sprintf(" %s v%d", c.ID, c.Version)
			}
			out = append(out, k)
		}
		if which == "concluded" || withID {
			slices.Sort(out)
		}
		return out
	}
	w.compareWholeAndCut(fmt.Sprintf("%s: sweep %s before %s", label, which, t.Format(time.RFC3339)), limit, find, key)
}

// compareWholeAndCut compares a selection on both stores, whole and cut to
// limit: whole, the same reports (key with ids) in the same order of the
// database's sort keys (key without); cut, as many reports, the same sort
// keys in the same order, and only reports the whole answer holds (the
// database leaves ties in no order).
func (w *truthWorld) compareWholeAndCut(what string, limit int, find func(s *mongostore.Store, limit int) []services.Case,
	key func(cs []services.Case, withID bool) []string) {
	w.t.Helper()
	wholeWant, wholeGot := find(w.plain, 0), find(w.indexed, 0)
	if !slices.Equal(key(wholeGot, true), key(wholeWant, true)) || !slices.Equal(key(wholeGot, false), key(wholeWant, false)) {
		w.t.Fatalf("%s:\nindex    %s\ndatabase %s", what, ids(wholeGot), ids(wholeWant))
	}
	cutWant, cutGot := find(w.plain, limit), find(w.indexed, limit)
	whole := map[string]bool{}
	for _, c := range wholeWant {
		whole[c.ID] = true
	}
	if len(cutGot) != len(cutWant) || !slices.Equal(key(cutGot, false), key(cutWant, false)) ||
		slices.ContainsFunc(cutGot, func(c services.Case) bool { return !whole[c.ID] }) {
		w.t.Fatalf("%s, limit %d:\nindex    %s\ndatabase %s", what, limit, ids(cutGot), ids(cutWant))
	}
}

// compareRelated compares the reports of a unit (or committee) about the
// office or officials of a random report (FindRelatedCases), whole and
// cut to limit: both order them newest first, ties by id.
func (w *truthWorld) compareRelated(ctx context.Context, label, unitID string, front bool, limit int) {
	w.t.Helper()
	if len(w.ids) == 0 {
		return
	}
	of, err := w.plain.FindCaseByID(ctx, w.ids[w.rng.IntN(len(w.ids))])
	if err != nil {
		return // deleted by a step
	}
	keys := services.PlaceKeys(of.Office, of.Officials)
	find := func(s *mongostore.Store, limit int) []services.Case {
		cs, err := s.FindRelatedCases(ctx, unitID, front, keys, of.ID, limit)
		if err != nil {
			w.t.Fatal(err)
		}
		return cs
	}
	key := func(cs []services.Case, _ bool) []string {
		var out []string
		for _, c := range cs {
			out = append(out, fmt.Sprintf("%s v%d", c.ID, c.Version))
		}
		return out
	}
	w.compareWholeAndCut(fmt.Sprintf("%s: reports of %s about %v", label, unitID, keys), limit, find, key)
}

// compareRecommended compares the reports of a unit (or committee) carrying
// recommendations (FindRecommendedCases), whole and cut to limit. The
// database orders them by creation time only, so a cut answer must hold
// the same creation times in the same order and only reports the whole
// answer holds.
func (w *truthWorld) compareRecommended(ctx context.Context, label, unitID string, front bool, limit int) {
	w.t.Helper()
	find := func(s *mongostore.Store, limit int) []services.Case {
		cs, err := s.FindRecommendedCases(ctx, unitID, front, limit)
		if err != nil {
			w.t.Fatal(err)
		}
		return cs
	}
	key := func(cs []services.Case, withID bool) []string {
		var out []string
		for _, c := range cs {
			k := c.CreatedAt.Format(time.RFC3339Nano)
			if withID {
				k = fmt.Sprintf("%s v%d %d", c.ID, c.Version, len(c.Recommendations))
			}
			out = append(out, k)
		}
		if withID {
			slices.Sort(out)
		}
		return out
	}
	w.compareWholeAndCut(fmt.Sprintf("%s: recommended reports of %s", label, unitID), limit, find, key)
}

// compareChangedSince compares the reports written since t
// (CasesChangedSince, for the statistics' catch-up), with their versions:
// the same set, in no order; cut to limit, as many and only reports of the
// whole set.
func (w *truthWorld) compareChangedSince(ctx context.Context, label string, t time.Time, limit int) {
	w.t.Helper()
	find := func(s *mongostore.Store, limit int) []string {
		vs, err := s.CasesChangedSince(ctx, t, limit)
		if err != nil {
			w.t.Fatal(err)
		}
		var out []string
		for _, v := range vs {
			out = append(out, fmt.Sprintf("%s v%d", v.ID, v.Version))
		}
		slices.Sort(out)
		return out
	}
	want, got := find(w.plain, 0), find(w.indexed, 0)
	if !slices.Equal(got, want) {
		w.t.Fatalf("%s: written since %s:\nindex    %v\ndatabase %v", label, t.Format(time.RFC3339Nano), got, want)
	}
	cutWant, cutGot := find(w.plain, limit), find(w.indexed, limit)
	if len(cutGot) != len(cutWant) || slices.ContainsFunc(cutGot, func(k string) bool { return !slices.Contains(want, k) }) {
		w.t.Fatalf("%s: written since %s, limit %d:\nindex    %v\ndatabase %v", label, t.Format(time.RFC3339Nano), limit, cutGot, cutWant)
	}
}

// sweepChecks are the sweep's selections compareSweep checks, at the
// workload's clock give or take an hour.
func (w *truthWorld) sweepChecks() []func(ctx context.Context, label string, limit int) {
	now := w.now.Add(time.Duration(w.rng.IntN(5)-2) * 30 * time.Minute)
	return []func(context.Context, string, int){
		func(ctx context.Context, label string, limit int) { w.compareSweep(ctx, label, "overdue", now, limit) },
		func(ctx context.Context, label string, limit int) {
			w.compareSweep(ctx, label, "near", now.Add(services.NearDeadline), limit)
		},
		func(ctx context.Context, label string, limit int) {
			w.compareSweep(ctx, label, "concluded", now.Add(-15*24*time.Hour), limit)
		},
		func(ctx context.Context, label string, limit int) {
			w.compareSweep(ctx, label, "concluded", now, limit)
		},
		func(ctx context.Context, label string, limit int) { w.compareConcluded(ctx, label, now, limit) },
	}
}

// compareConcluded compares the period report's choice of conclusions
// (FindConcludedActions) for the portal, a random unit and a random
// committee, over the last 30 days to t and a range ending inside a day.
func (w *truthWorld) compareConcluded(ctx context.Context, label string, t time.Time, limit int) {
	w.t.Helper()
	unit, front := truthUnits[w.rng.IntN(len(truthUnits))], truthFronts[w.rng.IntN(len(truthFronts))]
	for _, q := range []services.ConcludedQuery{
		{From: t.AddDate(0, 0, -30), To: t, Limit: limit}, {Unit: unit, From: t.AddDate(0, 0, -30), To: t, Limit: limit},
		{Front: front, From: t.Add(-36 * time.Hour), To: t.Add(-13 * time.Hour), Limit: limit},
	} {
		want, err := w.plain.FindConcludedActions(ctx, q)
		if err != nil {
			w.t.Fatal(err)
		}
		got, err := w.indexed.FindConcludedActions(ctx, q)
		if err != nil {
			w.t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			w.t.Fatalf("%s: conclusions %+v:\nindex    %+v\ndatabase %+v", label, q, got, want)
		}
	}
}

// compareAll compares the counts per status and the overdue counts, and
// queries. full: every unit and committee, every filter whole in two
// random sorts, and every sort walked page by page unfiltered and overdue
// only. Otherwise (after each step, where queries cost most of the test's
// time on the embedded server) two random units' counts and three random
// queries, half of them after a random cursor.
func (w *truthWorld) compareAll(ctx context.Context, label string, full bool) {
	w.t.Helper()
	type unit struct {
		id    string
		front bool
	}
	var units []unit
	for _, u := range truthUnits {
		units = append(units, unit{u, false})
	}
	for _, f := range truthFronts {
		units = append(units, unit{f, true})
	}
	r := w.rng
	if full {
		for _, check := range w.sweepChecks() {
			for _, limit := range []int{1, 3, 10} {
				check(ctx, label, limit)
			}
		}
	} else {
		checks := w.sweepChecks()
		checks[r.IntN(len(checks))](ctx, label, 1+r.IntN(5))
	}
	w.compareChangedSince(ctx, label, w.now.Add(-time.Duration(r.IntN(48))*time.Hour), 1+r.IntN(5))
	counted := units
	if !full {
		counted = []unit{units[r.IntN(len(units))], units[r.IntN(len(units))]}
	}
	for i, u := range counted {
		want, err := statusCounts(ctx, w.plain, u.id, u.front)
		if err != nil {
			w.t.Fatal(err)
		}
		got, err := statusCounts(ctx, w.indexed, u.id, u.front)
		if err != nil {
			w.t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			w.t.Fatalf("%s: counts of %s: index %v, database %v", label, u.id, got, want)
		}
		if !full && i > 0 {
			continue
		}
		w.compareRecommended(ctx, label, u.id, u.front, 1+r.IntN(3))
		w.compareRelated(ctx, label, u.id, u.front, 1+r.IntN(3))
		q := services.QueueQuery{UnitID: u.id, Front: u.front, Filter: services.QueueFilter{Overdue: true}, Now: w.now}
		wn, err := w.plain.CountQueue(ctx, q)
		if err != nil {
			w.t.Fatal(err)
		}
		if gn, err := w.indexed.CountQueue(ctx, q); err != nil || gn != wn {
			w.t.Fatalf("%s: overdue count of %s: index %d %v, database %d", label, u.id, gn, err, wn)
		}
	}
	if full {
		for _, u := range units {
			for _, f := range truthFilters {
				for range 2 {
					w.compareQuery(ctx, label, services.QueueQuery{UnitID: u.id, Front: u.front, Filter: f,
						Sort: truthSorts[r.IntN(len(truthSorts))], Now: w.now}, false)
				}
			}
			for _, s := range truthSorts {
				for _, f := range []services.QueueFilter{{}, {Overdue: true}} {
					w.compareQuery(ctx, label, services.QueueQuery{UnitID: u.id, Front: u.front, Filter: f, Sort: s, Limit: 4, Now: w.now}, true)
				}
			}
		}
		return
	}
	for range 3 {
		u := units[r.IntN(len(units))]
		q := services.QueueQuery{UnitID: u.id, Front: u.front, Filter: truthFilters[r.IntN(len(truthFilters))],
			Sort: truthSorts[r.IntN(len(truthSorts))], Limit: 1 + r.IntN(6), Now: w.now}
		if r.IntN(2) == 0 && len(w.ids) > 0 {
			// After a random report (maybe of another unit: a cursor is only
			// a position), or a position between reports.
			c, err := w.plain.FindCaseByID(ctx, w.ids[r.IntN(len(w.ids))])
			if err != nil {
				w.t.Fatal(err)
			}
			q.After = cursorAt(q.Sort, c)
			if r.IntN(3) == 0 {
				q.After.At = q.After.At.Add(time.Duration(r.IntN(5)-2) * time.Hour)
				q.After.Rank = max(0, q.After.Rank+r.IntN(3)-1)
			}
		}
		w.compareQuery(ctx, label, q, false)
	}
}

// TestQueueIndexOneTruth runs a seeded random workload (filing, moves of
// the status machine, assignment, transfers between units and committees,
// withdrawal, due dates passing, sweep marks, notes, lost version races,
// file rewrites, bulk imports, recommendations) through a store with the queue index, and
// after every step compares the index's answers with the database query's:
// pages in every sort after cursors, status counts, overdue counts, the
// sweep's selections (due, near, concluded before a time), the reports
// carrying recommendations. Then it
// restarts (a new index built from the database) and compares everything
// again. PORTAL_TEST_SEED replays a seed the log gave.
func TestQueueIndexOneTruth(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("PORTAL_TEST_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("seed %d (PORTAL_TEST_SEED=%d replays it)", seed, seed)
	indexed, plain := indexedPair(t, env)
	w := &truthWorld{t: t, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), indexed: indexed, plain: plain,
		now: time.Date(2026, 12, 4, 8, 0, 0, 0, time.UTC)}
	steps := 200
	if testing.Short() {
		steps = 60
	}
	for i := range steps {
		what := w.step(ctx)
		w.compareAll(ctx, fmt.Sprintf("seed %d step %d (%s)", seed, i, what), i%100 == 99)
	}
	w.compareAll(ctx, fmt.Sprintf("seed %d after %d steps", seed, steps), true)
	st := indexed.QueueIndexStats()
	if !st.Enabled || st.Entries != len(w.ids) || st.Stale != 0 || st.Fallbacks != 0 || st.Answers == 0 {
		t.Fatalf("the index did not answer every query itself: %+v (reports %d)", st, len(w.ids))
	}
	// A restart: the index is built again from what is stored.
	w.indexed, _ = indexedPair(t, env)
	w.compareAll(ctx, fmt.Sprintf("seed %d after a restart", seed), true)
	for i := range 30 {
		what := w.step(ctx)
		w.compareAll(ctx, fmt.Sprintf("seed %d step %d after the restart (%s)", seed, i, what), false)
	}
	if st := w.indexed.QueueIndexStats(); st.Entries != len(w.ids) || st.Fallbacks != 0 || st.Answers == 0 {
		t.Fatalf("after the restart: %+v (reports %d)", st, len(w.ids))
	}
}

// queueIDs is the first page of q's ids on s.
// statusCounts tallies a unit's (or committee's) whole queue by status,
// as the store answers it (the index, or the database).
func statusCounts(ctx context.Context, s *mongostore.Store, unit string, front bool) (map[services.Status]int, error) {
	cs, err := s.FindQueue(ctx, services.QueueQuery{UnitID: unit, Front: front, Limit: 1 << 20, Now: time.Now()})
	if err != nil {
		return nil, err
	}
	out := map[services.Status]int{}
	for _, c := range cs {
		out[c.Status]++
	}
	return out, nil
}

func queueIDs(t *testing.T, s *mongostore.Store, q services.QueueQuery) []string {
	t.Helper()
	cs, err := s.FindQueue(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

// TestQueueIndexFollowsTransfer: a report transferred to another unit (and
// committee) leaves the first unit's queue and counts and enters the
// other's, at once.
func TestQueueIndexFollowsTransfer(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	indexed, _ := indexedPair(t, env)
	c := sampleCase(env.Store.NewID(), "MB-TRAN-0001")
	c.UnitID, c.FrontUnitID, c.AssigneeID, c.DueAt = "unit-a", "front-a", "u-1", time.Now().Add(time.Hour).UTC()
	if err := indexed.InsertCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	qa := services.QueueQuery{UnitID: "unit-a", Limit: 10, Now: time.Now()}
	if got := queueIDs(t, indexed, qa); len(got) != 1 {
		t.Fatalf("filed report not in its unit's queue: %v", got)
	}
	b, fb, none := "unit-b", "front-b", ""
	if _, err := indexed.UpdateCase(ctx, c.ID, c.Version, services.CaseChange{At: time.Now(), UnitID: &b, FrontUnitID: &fb, AssigneeID: &none}); err != nil {
		t.Fatal(err)
	}
	if got := queueIDs(t, indexed, qa); len(got) != 0 {
		t.Fatalf("transferred report still in unit-a's queue: %v", got)
	}
	if got := queueIDs(t, indexed, services.QueueQuery{UnitID: "unit-b", Limit: 10, Now: time.Now()}); len(got) != 1 || got[0] != c.ID {
		t.Fatalf("transferred report not in unit-b's queue: %v", got)
	}
	if got := queueIDs(t, indexed, services.QueueQuery{UnitID: "front-b", Front: true, Limit: 10, Now: time.Now()}); len(got) != 1 {
		t.Fatalf("transferred report not in front-b's queue: %v", got)
	}
	if got := queueIDs(t, indexed, services.QueueQuery{UnitID: "unit-b", Filter: services.QueueFilter{AssigneeID: "u-1"}, Limit: 10, Now: time.Now()}); len(got) != 0 {
		t.Fatalf("the former assignee still holds it: %v", got)
	}
	for unit, want := range map[string]int{"unit-a": 0, "unit-b": 1} {
		n, err := statusCounts(ctx, indexed, unit, false)
		if err != nil || n[services.StatusReceived] != want {
			t.Fatalf("counts of %s: %v %v, want %d received", unit, n, err, want)
		}
	}
}

// TestQueueIndexIgnoresWritesThatFail: a write that loses the version race
// and a filing refused for its duplicate tracking code leave the index as
// the database is.
func TestQueueIndexIgnoresWritesThatFail(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	indexed, plain := indexedPair(t, env)
	c := sampleCase(env.Store.NewID(), "MB-FAIL-0001")
	c.UnitID = "unit-a"
	if err := indexed.InsertCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	b := "unit-b"
	if _, err := indexed.UpdateCase(ctx, c.ID, c.Version+5, services.CaseChange{At: time.Now(), UnitID: &b}); !services.IsCode(err, services.CodeConflict) {
		t.Fatalf("stale write: %v", err)
	}
	dup := sampleCase(env.Store.NewID(), "MB-FAIL-0001")
	dup.UnitID = "unit-c"
	if err := indexed.InsertCase(ctx, dup); !services.IsCode(err, services.CodeConflict) {
		t.Fatalf("duplicate code: %v", err)
	}
	for _, u := range []string{"unit-a", "unit-b", "unit-c"} {
		q := services.QueueQuery{UnitID: u, Limit: 10, Now: time.Now()}
		if got, want := queueIDs(t, indexed, q), queueIDs(t, plain, q); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: index %v, database %v", u, got, want)
		}
	}
	if st := indexed.QueueIndexStats(); st.Entries != 1 || st.Stale != 0 {
		t.Fatalf("index %+v, want the one stored report", st)
	}
}

// TestQueueIndexConcurrentWritesKeepTheLatest: many writers assigning the
// same reports at once, each retrying on a lost version race; afterwards
// the index holds each report as stored (an older read applied after a
// newer one would leave an assignee the database no longer has).
func TestQueueIndexConcurrentWritesKeepTheLatest(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	indexed, plain := indexedPair(t, env)
	var cases []*services.Case
	for i := range 3 {
		c := sampleCase(env.Store.NewID(), fmt.Sprintf("MB-CONC-%04d", i))
		c.UnitID = "unit-a"
		if err := indexed.InsertCase(ctx, c); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, c)
	}
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Go(func() {
			for i := range 8 {
				c := cases[(g+i)%len(cases)]
				who := fmt.Sprintf("u-%d-%d", g, i)
				for {
					cur, err := indexed.FindCaseByID(ctx, c.ID)
					if err != nil {
						t.Error(err)
						return
					}
					_, err = indexed.UpdateCase(ctx, c.ID, cur.Version, services.CaseChange{At: time.Now(), AssigneeID: &who})
					if err == nil {
						break
					}
					if !services.IsCode(err, services.CodeConflict) {
						t.Error(err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	q := services.QueueQuery{UnitID: "unit-a", Limit: 10, Now: time.Now()}
	got, err := indexed.FindQueue(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	want, err := plain.FindQueue(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("after concurrent writes:\nindex    %+v\ndatabase %+v", got, want)
	}
}

// TestRankReportsMigration: reports stored before the status sort existed
// (no statusRank) sort as the database sorts a missing field, in the index
// built at start-up too; the recorded one-time migration ranks them in
// batches through the store's writes (so the index sees the new ranks),
// and a second run only reads its record.
func TestRankReportsMigration(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	now, cases := queueFixture(t, env, "user-1")
	col := env.Client.Database(env.Database).Collection("cases")
	// Two of unit-a's reports keep their rank: old and new side by side.
	var keep []bson.ObjectID
	for _, c := range cases[:2] {
		oid, _ := bson.ObjectIDFromHex(c.ID)
		keep = append(keep, oid)
	}
	if _, err := col.UpdateMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$nin", Value: keep}}}},
		bson.D{{Key: "$unset", Value: bson.D{{Key: "statusRank", Value: ""}}}}); err != nil {
		t.Fatal(err)
	}
	defer mongostore.SetRankBatch(4)() // several batches
	// The index is built from the unranked reports, as at the first start
	// after an upgrade; it answers as the database does before and after
	// the migration, in every sort, after cursors.
	indexed, plain := indexedPair(t, env)
	w := &truthWorld{t: t, rng: rand.New(rand.NewPCG(1, 2)), indexed: indexed, plain: plain, now: now}
	compare := func(label string) {
		for _, u := range []struct {
			id    string
			front bool
		}{{"unit-a", false}, {"unit-b", false}, {"front-a", true}} {
			for _, s := range truthSorts {
				for _, f := range []services.QueueFilter{{}, {Status: services.StatusReceived}} {
					w.compareQuery(ctx, label, services.QueueQuery{UnitID: u.id, Front: u.front, Filter: f, Sort: s, Limit: 3, Now: now}, true)
				}
			}
		}
	}
	compare("before the migration")
	n, err := indexed.RankReports(ctx)
	if err != nil || n != len(cases)-2 {
		t.Fatalf("ranked %d %v, want %d", n, err, len(cases)-2)
	}
	if left, err := col.CountDocuments(ctx, bson.D{{Key: "statusRank", Value: bson.D{{Key: "$exists", Value: false}}}}); err != nil || left != 0 {
		t.Fatalf("unranked left: %d %v", left, err)
	}
	compare("after the migration")
	q := services.NewQueue(indexed, nil, countedView(indexed), func() time.Time { return now })
	sort := services.QueueSort{Key: services.SortStatus}
	p, err := q.List(ctx, services.Actor{UserID: "u", Role: services.RoleLead, UnitID: "unit-a"}, services.QueueFilter{}, sort, nil, 100)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range p.Items {
		got = append(got, e.ID)
	}
	if want := expectedOrder(cases, func(c services.Case) bool { return c.UnitID == "unit-a" }, sort); !reflect.DeepEqual(got, want) {
		t.Fatalf("after the migration:\n got %v\nwant %v", got, want)
	}
	if done, err := indexed.MigrationDone(ctx, mongostore.StatusRankMigrationName); err != nil || !done {
		t.Fatalf("migration not recorded: %v %v", done, err)
	}
	// Recorded: a later run changes nothing, even on a report unranked since.
	if _, err := col.UpdateOne(ctx, bson.D{{Key: "_id", Value: keep[0]}}, bson.D{{Key: "$unset", Value: bson.D{{Key: "statusRank", Value: ""}}}}); err != nil {
		t.Fatal(err)
	}
	if n, err := indexed.RankReports(ctx); err != nil || n != 0 {
		t.Fatalf("second run: %d %v", n, err)
	}
	if left, err := col.CountDocuments(ctx, bson.D{{Key: "statusRank", Value: bson.D{{Key: "$exists", Value: false}}}}); err != nil || left != 1 {
		t.Fatalf("a recorded migration ran again: %d unranked %v", left, err)
	}
}

// TestQueueIndexReadsStaleEntriesAgain: a report written while its read
// after the write failed (marked stale) is read again before the next
// answer, which then shows it as stored.
func TestQueueIndexReadsStaleEntriesAgain(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	indexed, _ := indexedPair(t, env)
	c := sampleCase(env.Store.NewID(), "MB-STAL-0001")
	c.UnitID = "unit-a"
	if err := indexed.InsertCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	// The write the index did not hear of, and the mark its failed read
	// leaves.
	oid, _ := bson.ObjectIDFromHex(c.ID)
	if _, err := env.Client.Database(env.Database).Collection("cases").UpdateOne(ctx, bson.D{{Key: "_id", Value: oid}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "unitId", Value: "unit-b"}}}}); err != nil {
		t.Fatal(err)
	}
	mongostore.MarkQueueStale(indexed, c.ID, false)
	if st := indexed.QueueIndexStats(); st.Stale != 1 {
		t.Fatalf("stats %+v", st)
	}
	if got := queueIDs(t, indexed, services.QueueQuery{UnitID: "unit-a", Limit: 10, Now: time.Now()}); len(got) != 0 {
		t.Fatalf("stale entry answered: %v", got)
	}
	if got := queueIDs(t, indexed, services.QueueQuery{UnitID: "unit-b", Limit: 10, Now: time.Now()}); len(got) != 1 {
		t.Fatalf("report not found where it is: %v", got)
	}
	if st := indexed.QueueIndexStats(); st.Stale != 0 || st.Fallbacks != 0 {
		t.Fatalf("stats %+v", st)
	}
}

// TestQueueIndexBuiltWhileWritten: the portal builds its index while it
// already serves (the database answers until then), so reports are filed,
// moved and transferred during the build; afterwards the index answers as
// the database does (a write during the build wins over what the build
// read).
func TestQueueIndexBuiltWhileWritten(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	plain := env.Store
	w := &truthWorld{t: t, rng: rand.New(rand.NewPCG(7, 9)), indexed: plain, plain: plain, now: time.Date(2026, 12, 4, 8, 0, 0, 0, time.UTC)}
	var batch []services.Case
	for range 60 {
		batch = append(batch, *w.newCase())
	}
	if err := plain.BulkInsertCases(ctx, batch); err != nil {
		t.Fatal(err)
	}
	for _, c := range batch {
		w.ids = append(w.ids, c.ID)
	}
	indexed := mongostore.New(env.Client, env.Database)
	w.indexed = indexed
	// Many round trips, so that writes land between them.
	defer mongostore.SetQueueBuildBatch(5)()
	built := make(chan error, 1)
	go func() {
		_, err := indexed.UseQueueIndex(ctx)
		built <- err
	}()
	writes := 0
	for done := false; !done; {
		select {
		case err := <-built:
			if err != nil {
				t.Fatal(err)
			}
			done = true
		default:
			w.step(ctx)
			writes++
		}
	}
	if writes == 0 {
		t.Fatal("no write happened during the build")
	}
	t.Logf("%d writes during the build", writes)
	for _, u := range []struct {
		id    string
		front bool
	}{{"unit-a", false}, {"unit-b", false}, {"unit-c", false}, {"front-a", true}, {"front-b", true}} {
		for _, s := range truthSorts {
			w.compareQuery(ctx, "after a build with writes", services.QueueQuery{UnitID: u.id, Front: u.front, Sort: s, Now: w.now}, false)
		}
		want, _ := statusCounts(ctx, plain, u.id, u.front)
		if got, err := statusCounts(ctx, indexed, u.id, u.front); err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("counts of %s: index %v %v, database %v", u.id, got, err, want)
		}
	}
	if st := indexed.QueueIndexStats(); st.Entries != len(w.ids) || st.Fallbacks != 0 {
		t.Fatalf("%+v, %d reports", st, len(w.ids))
	}
}

// TestQueueIndexRereadsDoubtfulWrites: after a write that failed in a way
// that may still take effect (a timeout: the server may apply it later),
// the report is read again before every answer for a while, so a write
// the server applies late is still seen.
func TestQueueIndexRereadsDoubtfulWrites(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	indexed, _ := indexedPair(t, env)
	c := sampleCase(env.Store.NewID(), "MB-DOUB-0001")
	c.UnitID = "unit-a"
	if err := indexed.InsertCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	mongostore.MarkQueueStale(indexed, c.ID, true)
	oid, _ := bson.ObjectIDFromHex(c.ID)
	col := env.Client.Database(env.Database).Collection("cases")
	for i, unit := range []string{"unit-b", "unit-c"} {
		// The late write lands after an answer was already given.
		if _, err := col.UpdateOne(ctx, bson.D{{Key: "_id", Value: oid}}, bson.D{{Key: "$set", Value: bson.D{{Key: "unitId", Value: unit}}}}); err != nil {
			t.Fatal(err)
		}
		if got := queueIDs(t, indexed, services.QueueQuery{UnitID: unit, Limit: 10, Now: time.Now()}); len(got) != 1 {
			t.Fatalf("late write %d: report not found in %s: %v", i, unit, got)
		}
		if st := indexed.QueueIndexStats(); st.Stale != 1 {
			t.Fatalf("the doubtful mark went away: %+v", st)
		}
	}
}

// TestPlaceKeysMigration: reports stored before the place keys existed are
// found by no related-reports query until the migration gives them their
// keys; then the index and the database find them alike, and a recorded
// migration does not run again.
func TestPlaceKeysMigration(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	var cases []services.Case
	for i, o := range []struct{ office, officials string }{{"UBND phường Bến Nghé", "Ông Trần Hùng"}, {"ubnd phuong ben nghe", ""},
		{"Công an quận 1", "ong tran hung, chị Lan"}, {"", ""}} {
		cases = append(cases, services.Case{ID: env.Store.NewID(), TrackingCode: fmt.Sprintf("MB-PK-%04d", i), Kind: services.KindFeedback,
			Category: "fee", UnitID: "unit-a", FrontUnitID: "front-a", Title: "t", Description: "d", Office: o.office, Officials: o.officials,
			Status: services.StatusReceived, Version: 1, CreatedAt: at.Add(time.Duration(i) * time.Minute), UpdatedAt: at})
	}
	if err := env.Store.BulkInsertCases(ctx, cases); err != nil {
		t.Fatal(err)
	}
	col := env.Client.Database(env.Database).Collection("cases")
	if _, err := col.UpdateMany(ctx, bson.D{}, bson.D{{Key: "$unset", Value: bson.D{{Key: "placeKeys", Value: ""}}}}); err != nil {
		t.Fatal(err)
	}
	defer mongostore.SetRankBatch(2)() // several batches
	indexed, plain := indexedPair(t, env)
	keys := services.PlaceKeys(cases[0].Office, cases[0].Officials)
	related := func(s *mongostore.Store) []string {
		cs, err := s.FindRelatedCases(ctx, "unit-a", false, keys, cases[0].ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, c := range cs {
			ids = append(ids, c.ID)
		}
		return ids
	}
	if a, b := related(indexed), related(plain); len(a) != 0 || len(b) != 0 {
		t.Fatalf("before the migration: %v %v", a, b)
	}
	n, err := indexed.MigratePlaceKeys(ctx)
	if err != nil || n != len(cases) {
		t.Fatalf("migrated %d %v, want %d", n, err, len(cases))
	}
	want := []string{cases[2].ID, cases[1].ID} // newest first: the official, then the office
	if a, b := related(indexed), related(plain); !slices.Equal(a, want) || !slices.Equal(b, want) {
		t.Fatalf("after the migration: index %v, database %v, want %v", a, b, want)
	}
	if done, err := indexed.MigrationDone(ctx, mongostore.PlaceKeysMigrationName); err != nil || !done {
		t.Fatalf("not recorded: %v %v", done, err)
	}
	if n, err := indexed.MigratePlaceKeys(ctx); err != nil || n != 0 {
		t.Fatalf("second run: %d %v", n, err)
	}
}
