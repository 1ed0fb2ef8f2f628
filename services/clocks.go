package services

import (
	"context"
	"sync"
	"time"
)

// DeadlineBook computes reports' clocks from the deadline policies and the
// holiday calendar, read at most every TTL.
type DeadlineBook struct {
	Store OrgStore
	TTL   time.Duration
	Now   func() time.Time

	mu       sync.Mutex
	loaded   time.Time
	policies map[Kind]DeadlinePolicy
	cal      *Calendar
}

func (b *DeadlineBook) load(ctx context.Context) (map[Kind]DeadlinePolicy, *Calendar, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.Now()
	if b.policies != nil && now.Sub(b.loaded) < b.TTL {
		return b.policies, b.cal, nil
	}
	ps, err := b.Store.FindDeadlinePolicies(ctx)
	if err != nil {
		return nil, nil, err
	}
	hs, err := b.Store.FindHolidays(ctx)
	if err != nil {
		return nil, nil, err
	}
	b.policies = map[Kind]DeadlinePolicy{}
	for _, p := range ps {
		b.policies[p.Kind] = p
	}
	b.cal, b.loaded = NewCalendar(hs), now
	return b.policies, b.cal, nil
}

// Clocks returns the report's clocks (accept, notify, resolve) at now.
// Acceptance and resolution times come from the report's timeline; the
// resolution period follows the report's complexity, its round and its
// approved extensions. (Remote areas' longer periods are in the policy table
// but no area is marked remote yet, so they never apply.)
func (b *DeadlineBook) Clocks(ctx context.Context, c Case) ([]Clock, error) {
	policies, cal, err := b.load(ctx)
	if err != nil {
		return nil, err
	}
	p, ok := policies[c.Kind]
	if !ok {
		return nil, nil
	}
	var accepted, resolved time.Time
	for _, e := range c.Timeline {
		switch e.Status {
		case StatusAccepted:
			if accepted.IsZero() {
				accepted = e.At
			}
		case StatusRejected, StatusTransferred, StatusConcluded, StatusWithdrawn:
			if resolved.IsZero() {
				resolved = e.At
			}
		}
	}
	return ClocksFor(c.Kind, p, cal, c.CreatedAt, accepted, resolved, c.Complex, false, c.RoundOf() == 2, c.approvedExtensions(), b.Now()), nil
}
