package services

import (
	"context"
	"strconv"
	"time"
)

// Event types of the sweep.
const (
	EventOverdue    EventType = "overdue"     // a clock passed its due date (system)
	EventAutoClosed EventType = "auto_closed" // closed 30 days after conclusion without a rating
)

// Sweep defaults.
const (
	// NearDeadline is how long before a due date staff are warned.
	NearDeadline = 48 * time.Hour
	// AutoCloseAfter is how long a concluded report waits for the
	// citizen's rating before the system closes it (docs/workflow.md, "The deadline sweep").
	AutoCloseAfter = 30 * 24 * time.Hour
	// DigestHour is the hour (Vietnam time) from which monitors' daily
	// overdue digest is sent.
	DigestHour = 7
	sweepBatch = 200
)

// SweepStore finds the reports the sweep acts on.
type SweepStore interface {
	// FindDueCases returns up to limit reports whose next due date is before
	// t and whose mark (overdue: OverdueFlagged, else NearNotified) is not
	// set, nearest due first.
	FindDueCases(ctx context.Context, t time.Time, overdue bool, limit int) ([]Case, error)
	// FindConcludedBefore returns up to limit concluded reports concluded
	// before t.
	FindConcludedBefore(ctx context.Context, t time.Time, limit int) ([]Case, error)
	// NotificationQueued tells whether the notification with this dedup
	// key was ever queued (and not yet removed).
	NotificationQueued(ctx context.Context, dedupKey string) (bool, error)
}

// Sweeper marks overdue reports, warns of near deadlines, closes concluded
// reports nobody rated, and sends monitors their daily digest. Run it from a
// leased job (internal/job) so one process sweeps at a time; every notification
// also carries a dedup key, so even a sweep run twice queues it once.
type Sweeper struct {
	cases  CaseStore
	store  SweepStore
	queue  QueueStore
	users  UserStore
	outbox OutboxStore
	book   *DeadlineBook
	vault  *IdentityVault
	now    func() time.Time
}

// SweeperOptions are what the Sweeper needs.
type SweeperOptions struct {
	Cases  CaseStore // the audited store: what the sweep does is chained
	Store  SweepStore
	Queue  QueueStore
	Users  UserStore
	Outbox OutboxStore
	Book   *DeadlineBook
	Vault  *IdentityVault   // for the citizen e-mail on auto-close (nil: none)
	Now    func() time.Time // time.Now when nil
}

// NewSweeper makes the deadline sweep.
func NewSweeper(o SweeperOptions) *Sweeper {
	return &Sweeper{cases: o.Cases, store: o.Store, queue: o.Queue, users: o.Users, outbox: o.Outbox, book: o.Book,
		vault: o.Vault, now: clockOrNow(o.Now)}
}

// SweepResult counts what one sweep did.
type SweepResult struct {
	Overdue, Near, Closed, Digests int
}

// Sweep runs every part once.
func (s *Sweeper) Sweep(ctx context.Context) (SweepResult, error) {
	var r SweepResult
	var err error
	if r.Overdue, err = s.markDue(ctx, true); err != nil {
		return r, err
	}
	if r.Near, err = s.markDue(ctx, false); err != nil {
		return r, err
	}
	if r.Closed, err = s.autoClose(ctx); err != nil {
		return r, err
	}
	r.Digests, err = s.Digest(ctx)
	return r, err
}

// staffToTell is who hears about a report's deadline: its assignee, or the
// unit's leads when nobody is assigned (or the assignee left).
func staffToTell(users []User, c Case) []string {
	var to []string
	for _, u := range users {
		if u.Active && u.ID == c.AssigneeID && u.UnitID == c.UnitID {
			return []string{u.Email}
		}
	}
	for _, u := range users {
		if u.Active && u.UnitID == c.UnitID && u.Role == RoleLead {
			to = append(to, u.Email)
		}
	}
	return to
}

// runningClock is the running clock due at the report's next due date.
func runningClock(clocks []Clock, due time.Time) string {
	for _, k := range clocks {
		if k.Stopped.IsZero() && k.Due.Equal(due) {
			return k.Name
		}
	}
	return ClockResolve
}

func (s *Sweeper) enqueue(ctx context.Context, n Notification, now time.Time) error {
	n.CreatedAt, n.NextAttempt = now, now
	_, err := s.outbox.EnqueueNotification(ctx, n)
	return err
}

// markDue flags reports past their due date (overdue) or within
// NearDeadline of it, queueing the notifications first: a crash between the
// two re-runs the report, and the dedup keys keep the mail single.
func (s *Sweeper) markDue(ctx context.Context, overdue bool) (int, error) {
	now := stamp(s.now)
	before := now
	if !overdue {
		before = now.Add(NearDeadline)
	}
	users, err := s.users.ListUsers(ctx, 10000)
	if err != nil {
		return 0, err
	}
	done := 0
	for {
		cases, err := s.store.FindDueCases(ctx, before, overdue, sweepBatch)
		if err != nil {
			return done, err
		}
		progressed := false
		for _, c := range cases {
			if !c.Status.Open() {
				continue
			}
			clocks, err := s.book.Clocks(ctx, c)
			if err != nil {
				return done, err
			}
			clock := runningClock(clocks, c.DueAt)
			dueKey := ":" + strconv.FormatInt(c.DueAt.UnixMilli(), 10)
			for _, to := range staffToTell(users, c) {
				var n Notification
				if overdue {
					n = NotifyOverdue(to, c.ID, c.TrackingCode, clock)
				} else {
					n = NotifyDeadlineNear(to, c.ID, c.TrackingCode, clock, c.DueAt)
				}
				n.DedupKey += dueKey
				if err := s.enqueue(ctx, n, now); err != nil {
					return done, err
				}
			}
			yes := true
			ch := CaseChange{At: now}
			if overdue {
				ch.OverdueFlagged = &yes
				ch.NearNotified = &yes // no warning after the fact
				ch.Events = []Event{{Type: EventOverdue, At: now, Actor: string(PartySystem), Note: clock}}
			} else {
				ch.NearNotified = &yes
			}
			_, err = s.cases.UpdateCase(ctx, c.ID, c.Version, ch)
			if IsCode(err, CodeConflict) {
				continue // changed meanwhile: the next sweep looks again
			}
			if err != nil {
				return done, err
			}
			done++
			progressed = true
		}
		if len(cases) < sweepBatch || !progressed {
			return done, nil
		}
	}
}

// autoClose closes reports concluded AutoCloseAfter ago that the citizen
// neither rated nor appealed.
func (s *Sweeper) autoClose(ctx context.Context) (int, error) {
	now := stamp(s.now)
	cases, err := s.store.FindConcludedBefore(ctx, now.Add(-AutoCloseAfter), sweepBatch)
	if err != nil {
		return 0, err
	}
	done := 0
	for _, c := range cases {
		if err := CheckTransition(c.Status, PartySystem, TransitionInput{To: StatusClosed}); err != nil {
			continue
		}
		closed, err := s.cases.UpdateCase(ctx, c.ID, c.Version, CaseChange{FromStatus: []Status{StatusConcluded}, Status: StatusClosed, At: now,
			Events: []Event{{Type: EventAutoClosed, At: now, Actor: string(PartySystem), Status: StatusClosed, Public: true}}})
		if IsCode(err, CodeConflict) {
			continue
		}
		if err != nil {
			return done, err
		}
		queueCitizenUpdate(ctx, s.outbox, s.vault, closed, now)
		done++
	}
	return done, nil
}

// Digest queues each active monitor's daily digest of their committee's
// overdue reports and overdue recommendations — counts only — once per
// Vietnam-time day, from DigestHour on, and only when there is something
// overdue.
func (s *Sweeper) Digest(ctx context.Context) (int, error) {
	now := stamp(s.now)
	vn := now.In(VietnamTime)
	if vn.Hour() < DigestHour {
		return 0, nil
	}
	day := vn.Format(time.DateOnly)
	users, err := s.users.ListUsers(ctx, 10000)
	if err != nil {
		return 0, err
	}
	byUnit := map[string]overdueCounts{}
	sent := 0
	for _, u := range users {
		if !u.Active || u.Role != RoleMonitor || u.UnitID == "" {
			continue
		}
		// Today's digest is counted once: later sweeps of the day look up
		// its key (by _id) instead of counting the committee's reports again.
		key := string(NotifyKindDigest) + ":" + u.ID + ":" + day
		if queued, err := s.store.NotificationQueued(ctx, key); err != nil {
			return sent, err
		} else if queued {
			continue
		}
		k, ok := byUnit[u.UnitID]
		if !ok {
			if k, err = s.countOverdue(ctx, u.UnitID, now); err != nil {
				return sent, err
			}
			byUnit[u.UnitID] = k
		}
		if k.reports == 0 && k.recs == 0 {
			continue
		}
		n := NotifyDigest(u.Email, k.reports, k.recs, day)
		n.DedupKey = key
		if err := s.enqueue(ctx, n, now); err != nil {
			return sent, err
		}
		sent++
	}
	return sent, nil
}

// overdueCounts is what a monitor's digest says.
type overdueCounts struct{ reports, recs int }

func (s *Sweeper) countOverdue(ctx context.Context, frontID string, now time.Time) (overdueCounts, error) {
	var out overdueCounts
	var err error
	if out.reports, err = s.queue.CountQueue(ctx, QueueQuery{UnitID: frontID, Front: true, Filter: QueueFilter{Overdue: true}, Now: now}); err != nil {
		return out, err
	}
	cases, err := s.queue.FindRecommendedCases(ctx, frontID, true, MaxRecommendedCases)
	if err != nil {
		return out, err
	}
	for _, c := range cases {
		for _, r := range c.Recommendations {
			if r.Overdue(now) {
				out.recs++
			}
		}
	}
	return out, nil
}
