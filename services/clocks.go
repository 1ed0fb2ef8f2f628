package services

import (
	"context"
	"sync"
	"time"
)

// DeadlineBook computes reports' clocks from the deadline policies and the
// holiday calendar, read at most every TTL.
type DeadlineBook struct {
	store OrgStore
	areas CatalogStore
	ttl   time.Duration
	now   func() time.Time

	mu     sync.Mutex
	loaded time.Time
	cur    *deadlineData
}

// DeadlineBookOptions are a DeadlineBook's sources.
type DeadlineBookOptions struct {
	Store OrgStore // deadline policies and holidays
	// Areas gives the area tree, for the remote areas' longer periods (nil:
	// no area is remote).
	Areas CatalogStore
	// TTL is how long what was read is used (0: read on every use).
	TTL time.Duration
	Now func() time.Time // time.Now when nil
}

// NewDeadlineBook makes a deadline book.
func NewDeadlineBook(o DeadlineBookOptions) *DeadlineBook {
	return &DeadlineBook{store: o.Store, areas: o.Areas, ttl: o.TTL, now: clockOrNow(o.Now)}
}

// deadlineData is what the book reads from storage; a loaded value is never
// changed, so callers use it without the lock.
type deadlineData struct {
	policies map[Kind]DeadlinePolicy
	cal      *Calendar
	remote   map[string]bool // area codes in a remote area
}

// Forget drops the kept policies, holidays and areas: the next use reads
// them (an administrator changed one).
func (b *DeadlineBook) Forget() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.cur = nil
}

func (b *DeadlineBook) load(ctx context.Context) (*deadlineData, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	if b.cur != nil && now.Sub(b.loaded) < b.ttl {
		return b.cur, nil
	}
	ps, err := b.store.FindDeadlinePolicies(ctx)
	if err != nil {
		return nil, err
	}
	hs, err := b.store.FindHolidays(ctx)
	if err != nil {
		return nil, err
	}
	d := &deadlineData{policies: map[Kind]DeadlinePolicy{}, cal: NewCalendar(hs), remote: map[string]bool{}}
	if b.areas != nil {
		areas, err := b.areas.ListAreas(ctx)
		if err != nil {
			return nil, err
		}
		d.remote = RemoteAreas(areas)
	}
	for _, p := range ps {
		d.policies[p.Kind] = p
	}
	b.cur, b.loaded = d, now
	return d, nil
}

// RemoteAreas returns the codes of the areas that count as remote: those
// marked so, and the communes of a province marked so.
func RemoteAreas(areas []Area) map[string]bool {
	out := map[string]bool{}
	for _, a := range areas {
		if a.Remote {
			out[a.Code] = true
		}
	}
	for _, a := range areas {
		if a.Level == AreaCommune && out[a.Parent] {
			out[a.Code] = true
		}
	}
	return out
}

// Clocks returns the report's clocks (accept, notify, resolve) at now.
// Acceptance and resolution times come from the report's timeline; the
// resolution period follows the report's complexity, whether its area is
// remote, its round and its approved extensions.
func (b *DeadlineBook) Clocks(ctx context.Context, c Case) ([]Clock, error) {
	d, err := b.load(ctx)
	if err != nil {
		return nil, err
	}
	p, ok := d.policies[c.Kind]
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
	return ClocksFor(c.Kind, p, d.cal, c.CreatedAt, accepted, resolved, c.Complex, d.remote[c.AreaCode], c.RoundOf() == 2,
		c.approvedExtensions(), b.now()), nil
}
