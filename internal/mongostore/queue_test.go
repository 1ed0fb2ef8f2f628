package mongostore_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"minhbach/internal/mongostore"
	"minhbach/internal/testenv"
	"minhbach/services"
)

// queueFixture stores reports in two units and two committees, with ties in
// every sort key (same due date, same filing time, same status) so that
// paging must use the id to break them, and reports with no running clock.
func queueFixture(t *testing.T, env *testenv.Env, assignee string) (now time.Time, cases []services.Case) {
	t.Helper()
	ctx := context.Background()
	now = time.Date(2026, 12, 4, 8, 0, 0, 0, time.UTC)
	statuses := []services.Status{services.StatusReceived, services.StatusInvestigating, services.StatusClosed,
		services.StatusAccepted, services.StatusReceived, services.StatusConcluded, services.StatusWithdrawn}
	for i := range 17 {
		c := sampleCase(env.Store.NewID(), fmt.Sprintf("MB-QS%02d-0000", i))
		c.UnitID, c.FrontUnitID = "unit-a", "front-a"
		if i%5 == 4 {
			c.UnitID, c.FrontUnitID = "unit-b", "front-b"
		}
		c.Status = statuses[i%len(statuses)]
		c.DueAt = now.Add(time.Duration(i%4-1) * 24 * time.Hour) // four due dates, one of them past
		if c.Status == services.StatusClosed || c.Status == services.StatusWithdrawn {
			c.DueAt = services.NoDue
		}
		c.CreatedAt = now.Add(-time.Duration(i%6) * time.Hour) // six filing times
		if i%3 == 0 {
			c.AssigneeID = assignee
		}
		if err := env.Store.InsertCase(ctx, c); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, *c)
	}
	return now, cases
}

// expectedOrder sorts the reports a unit field selects as the queue sort
// says: its keys in order, all in the sort's direction, ties by id.
func expectedOrder(cases []services.Case, keep func(services.Case) bool, sort services.QueueSort) []string {
	var sel []services.Case
	for _, c := range cases {
		if keep(c) {
			sel = append(sel, c)
		}
	}
	slices.SortFunc(sel, func(a, b services.Case) int {
		var n int
		switch sort.Key {
		case services.SortSubmitted:
			n = a.CreatedAt.Compare(b.CreatedAt)
		case services.SortStatus:
			n = cmp.Or(cmp.Compare(services.StatusRank(a.Status), services.StatusRank(b.Status)), a.DueAt.Compare(b.DueAt))
		default:
			n = a.DueAt.Compare(b.DueAt)
		}
		n = cmp.Or(n, cmp.Compare(a.ID, b.ID))
		if sort.Desc {
			n = -n
		}
		return n
	})
	ids := make([]string, len(sel))
	for i, c := range sel {
		ids[i] = c.ID
	}
	return ids
}

// TestQueueSortsPageAcrossPages: for each sort key and direction, pages of
// 4 walk the actor's reports in exactly the sort's order, each once, for an
// inspector (its unit's reports) and a monitor (its committee's), and a
// cursor made in one sort is refused in another.
func TestQueueSortsPageAcrossPages(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	now, cases := queueFixture(t, env, "user-1")
	q := services.NewQueue(env.Store, env.Store, countedView(env.Store), func() time.Time { return now })
	actors := map[string]struct {
		actor services.Actor
		keep  func(services.Case) bool
	}{
		"inspector": {services.Actor{UserID: "user-1", Role: services.RoleInspector, UnitID: "unit-a"}, func(c services.Case) bool { return c.UnitID == "unit-a" }},
		"monitor":   {services.Actor{UserID: "user-9", Role: services.RoleMonitor, UnitID: "front-b"}, func(c services.Case) bool { return c.FrontUnitID == "front-b" }},
	}
	for name, a := range actors {
		for _, key := range []services.QueueSortKey{services.SortDue, services.SortSubmitted, services.SortStatus} {
			for _, desc := range []bool{false, true} {
				sort := services.QueueSort{Key: key, Desc: desc}
				t.Run(name+"/"+sort.String(), func(t *testing.T) {
					want := expectedOrder(cases, a.keep, sort)
					var got []string
					var after *services.QueueCursor
					for pages := 0; ; pages++ {
						if pages > len(want) {
							t.Fatalf("paging does not end: %d pages", pages)
						}
						p, err := q.List(ctx, a.actor, services.QueueFilter{}, sort, after, 4)
						if err != nil {
							t.Fatal(err)
						}
						if p.Sort != sort {
							t.Fatalf("page sort %v, want %v", p.Sort, sort)
						}
						for _, e := range p.Items {
							got = append(got, e.ID)
						}
						if p.Next == nil {
							break
						}
						// The cursor travels as a string, as it does to clients.
						if after, err = services.DecodeQueueCursor(p.Next.Encode()); err != nil {
							t.Fatal(err)
						}
					}
					if !slices.Equal(got, want) {
						t.Fatalf("order over pages:\n got %v\nwant %v", got, want)
					}
				})
			}
		}
	}
	// A cursor is good for the sort it was made in only.
	insp := actors["inspector"].actor
	p, err := q.List(ctx, insp, services.QueueFilter{}, services.QueueSort{Key: services.SortSubmitted}, nil, 2)
	if err != nil || p.Next == nil {
		t.Fatalf("first page: %v %+v", err, p.Next)
	}
	for _, other := range []services.QueueSort{{Key: services.SortSubmitted, Desc: true}, {Key: services.SortDue}, {Key: services.SortStatus}} {
		if _, err := q.List(ctx, insp, services.QueueFilter{}, other, p.Next, 2); !services.IsCode(err, services.CodeInvalid) {
			t.Errorf("cursor of 'submitted' used with %v: %v", other, err)
		}
	}
}

// TestQueueEntriesNameAssigneeAndMarkDeadlines: "assigned to me" keeps the
// actor's reports only; each entry names its assignee and says whether its
// due date has passed or comes within NearDeadline; the counts per status
// are the actor's unit's (or committee's) only.
func TestQueueEntriesNameAssigneeAndMarkDeadlines(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	u := services.User{Email: "hoa@unit.test", Name: "Ngô Thị Hoa", Role: services.RoleInspector, UnitID: "unit-a", Active: true}
	if err := env.Store.InsertUser(ctx, &u); err != nil {
		t.Fatal(err)
	}
	now, cases := queueFixture(t, env, u.ID)
	q := services.NewQueue(env.Store, env.Store, countedView(env.Store), func() time.Time { return now })
	me := services.Actor{UserID: u.ID, Role: services.RoleInspector, UnitID: "unit-a"}
	p, err := q.List(ctx, me, services.QueueFilter{Mine: true}, services.QueueSort{}, nil, 100)
	if err != nil {
		t.Fatal(err)
	}
	mine, wantCounts := 0, map[services.Status]int{}
	for _, c := range cases {
		if c.UnitID == "unit-a" {
			wantCounts[c.Status]++
			if c.AssigneeID == u.ID {
				mine++
			}
		}
	}
	if len(p.Items) != mine || mine == 0 {
		t.Fatalf("assigned to me: %d reports, want %d", len(p.Items), mine)
	}
	if !maps(p.Counts, wantCounts) {
		t.Fatalf("counts %v, want %v", p.Counts, wantCounts)
	}
	all, err := q.List(ctx, me, services.QueueFilter{}, services.QueueSort{}, nil, 100)
	if err != nil {
		t.Fatal(err)
	}
	var overdue, soon, named int
	for _, e := range all.Items {
		switch {
		case e.DueAt.Equal(services.NoDue):
			if e.Overdue || e.DueSoon || !e.Due.IsZero() {
				t.Errorf("%s has no running clock: %+v", e.TrackingCode, e)
			}
		case e.DueAt.Before(now):
			overdue++
			if !e.Overdue || e.DueSoon {
				t.Errorf("%s due %v is overdue at %v: %+v", e.TrackingCode, e.DueAt, now, e)
			}
		case e.DueAt.Before(now.Add(services.NearDeadline)):
			soon++
			if e.Overdue || !e.DueSoon {
				t.Errorf("%s due %v is near at %v", e.TrackingCode, e.DueAt, now)
			}
		default:
			if e.Overdue || e.DueSoon {
				t.Errorf("%s due %v is neither overdue nor near", e.TrackingCode, e.DueAt)
			}
		}
		if e.AssigneeID == u.ID {
			named++
			if e.AssigneeName != u.Name {
				t.Errorf("%s: assignee name %q, want %q", e.TrackingCode, e.AssigneeName, u.Name)
			}
		} else if e.AssigneeName != "" {
			t.Errorf("%s: unassigned, named %q", e.TrackingCode, e.AssigneeName)
		}
	}
	if overdue == 0 || soon == 0 || named == 0 {
		t.Fatalf("fixture lacks a case: %d overdue, %d near, %d named", overdue, soon, named)
	}
	// A monitor's counts are its committee's.
	mon, err := q.List(ctx, services.Actor{UserID: "user-9", Role: services.RoleMonitor, UnitID: "front-b"}, services.QueueFilter{}, services.QueueSort{}, nil, 100)
	if err != nil {
		t.Fatal(err)
	}
	frontCounts := map[services.Status]int{}
	for _, c := range cases {
		if c.FrontUnitID == "front-b" {
			frontCounts[c.Status]++
		}
	}
	if !maps(mon.Counts, frontCounts) || len(mon.Items) != 3 {
		t.Fatalf("monitor: %d items, counts %v, want %v", len(mon.Items), mon.Counts, frontCounts)
	}
}

func maps(a, b map[services.Status]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// countedView is a statistics view of store whose counters are caught up
// before each read, as the portal's lease holder keeps them: the counts a
// Queue reads.
func countedView(s *mongostore.Store) *services.StatsView {
	v := services.NewStatsView(s, 0, nil)
	feed := services.NewStatsFeed(services.NewStatsFolder(s, nil), s, nil, nil)
	v.SetFresh(feed.CatchUp)
	return v
}
