package mongostore_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"minhbach/internal/testenv"
	"minhbach/services"
)

// TestFindConcludedActions: the period report's actions are a scope's
// reports concluded in [from, to), newest first, bounded, with only the
// fields the list shows; the queue index answers exactly what the
// database query answers.
func TestFindConcludedActions(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	indexed, plain := indexedPair(t, env)
	base := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for i := range 30 {
		c := &services.Case{ID: indexed.NewID(), TrackingCode: fmt.Sprintf("MB-ACT-%04d", i), ReceiptHash: "h",
			Kind: services.KindComplaint, Category: "fee", Title: "t", Description: "d", Language: "vi", Anonymous: true,
			Status: services.StatusConcluded, UnitID: []string{"unit-a", "unit-b"}[i%2], FrontUnitID: []string{"front-a", "front-b", "front-c"}[i%3],
			ContentHash: "x", Version: 1, CreatedAt: base, UpdatedAt: base, DueAt: base.AddDate(0, 1, 0), Round: 1 + i%2,
			Timeline: []services.Event{{Type: services.EventSubmitted, At: base, Actor: "citizen", Status: services.StatusReceived, Public: true}}}
		if i%5 == 4 {
			c.Status = services.StatusReceived // not concluded
		} else {
			// Ten days apart, two on each day.
			c.Outcome = &services.Outcome{Result: services.OutcomePartly, Actions: fmt.Sprintf("Biện pháp %d", i),
				Reply: "r", ConcludedBy: "u", ConcludedAt: base.AddDate(0, 0, (i/2)*10).Add(time.Duration(i%2) * time.Hour)}
		}
		if err := indexed.InsertCase(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	from, to := base.AddDate(0, 0, 20), base.AddDate(0, 0, 100)
	queries := []services.ConcludedQuery{
		{From: from, To: to, Limit: 100}, {Unit: "unit-a", From: from, To: to, Limit: 100}, {Front: "front-b", From: from, To: to, Limit: 100},
		{From: from, To: to, Limit: 3}, {Unit: "unit-c", From: from, To: to, Limit: 10}, {From: to, To: to.AddDate(1, 0, 0), Limit: 100},
		// Bounds inside a day (the index lists conclusions by day), a cut
		// between two conclusions of one day, and an empty range.
		{From: from.Add(30 * time.Minute), To: to.Add(30 * time.Minute), Limit: 100}, {From: from, To: to, Limit: 1},
		{Front: "front-a", From: from.Add(-time.Hour), To: to.Add(-time.Minute), Limit: 2}, {From: to, To: to, Limit: 10},
		{From: base.AddDate(-5, 0, 0), To: base.AddDate(5, 0, 0), Limit: 7},
	}
	// both answers q from the index and from the database, and fails
	// unless they agree.
	both := func(label string, q services.ConcludedQuery) []services.ConcludedAction {
		t.Helper()
		got, err := indexed.FindConcludedActions(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		want, err := plain.FindConcludedActions(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s %+v: the queue index answers\n%+v\nthe database\n%+v", label, q, got, want)
		}
		return got
	}
	compare := func(label string) {
		t.Helper()
		for _, q := range queries {
			both(label, q)
		}
	}
	for _, q := range queries[:6] {
		got := both("as filed", q)
		if len(got) > q.Limit {
			t.Errorf("%+v: %d actions", q, len(got))
		}
		for i, a := range got {
			if a.ConcludedAt.Before(q.From) || !a.ConcludedAt.Before(q.To) || a.Actions == "" || a.Kind != services.KindComplaint ||
				a.Category != "fee" || a.Result != services.OutcomePartly || a.Round < 1 || i > 0 && a.ConcludedAt.After(got[i-1].ConcludedAt) {
				t.Errorf("%+v: action %d %+v", q, i, a)
			}
		}
		if q.Limit == 100 && q.Unit == "" && q.Front == "" && q.From.Equal(from) && len(got) != 12 {
			t.Errorf("every unit: %d actions, want 12: %+v", len(got), got)
		}
	}
	compare("as filed")
	// A concluded report transferred to another unit and committee leaves
	// the lists of its conclusion's day under the old ones.
	queue, err := plain.FindQueue(ctx, services.QueueQuery{UnitID: "unit-a", Limit: 100, Now: base})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(queue, func(c services.Case) bool { return c.Status == services.StatusConcluded })
	if i < 0 {
		t.Fatalf("no concluded report in unit-a: %v", queue)
	}
	c, fc := "unit-c", "front-c"
	if _, err := indexed.UpdateCase(ctx, queue[i].ID, queue[i].Version, services.CaseChange{At: base, UnitID: &c, FrontUnitID: &fc}); err != nil {
		t.Fatal(err)
	}
	queries = append(queries, services.ConcludedQuery{Unit: "unit-a", From: base.AddDate(-1, 0, 0), To: base.AddDate(1, 0, 0), Limit: 100},
		services.ConcludedQuery{Front: "front-a", From: base.AddDate(-1, 0, 0), To: base.AddDate(1, 0, 0), Limit: 100},
		services.ConcludedQuery{Front: "front-b", From: base.AddDate(-1, 0, 0), To: base.AddDate(1, 0, 0), Limit: 100},
		services.ConcludedQuery{Unit: "unit-c", From: base.AddDate(-1, 0, 0), To: base.AddDate(1, 0, 0), Limit: 100},
		services.ConcludedQuery{Front: "front-c", From: base.AddDate(-1, 0, 0), To: base.AddDate(1, 0, 0), Limit: 100})
	compare("after a transfer")
}
