package services

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// StatsFeed hands the folder the reports the writes touch
// (docs/statistics.md, "Keeping up"): the store tells it each write
// (Notify), and the process that holds the statistics' lease folds them
// (Serve). A catch-up also folds every report written since the last one,
// less a margin, which repairs a fold lost with a crash or written by
// another process.
type StatsFeed struct {
	folder *StatsFolder
	store  StatsStore
	now    func() time.Time
	log    func(msg string, args ...any)

	mu      sync.Mutex
	pending map[string]bool
	wake    chan struct{}
	// folding is held by each fold of this process (Flush, CatchUp).
	folding sync.Mutex
	// standby is set while this process must not fold: a portal that does
	// not hold the statistics' lease (another process folds).
	standby atomic.Bool
}

// SetStandby says whether this process must leave folding to another
// (cmd/portal sets it until it holds the lease; Serve clears it while it
// runs).
func (f *StatsFeed) SetStandby(on bool) { f.standby.Store(on) }

// Fresh folds the reports this process wrote and has not folded yet, so
// that a page read right after a write counts it (read-your-writes). It
// does nothing on standby, and does not wait for a fold already running:
// the counters then lag by that fold, at most.
func (f *StatsFeed) Fresh(ctx context.Context) error {
	if f.standby.Load() || !f.folding.TryLock() {
		return nil
	}
	defer f.folding.Unlock()
	return f.flush(ctx)
}

// Tuning of the feed.
const (
	// statsMaxPending bounds the reports waiting for a fold; beyond it a
	// notification is dropped and the catch-up finds the report.
	statsMaxPending = 100_000
	// statsBatch is how many reports one fold takes.
	statsBatch = 500
	// statsGather is how long Serve lets notifications gather before a
	// fold, so that a busy minute folds in a few commands per batch
	// rather than per report.
	statsGather = 250 * time.Millisecond
	// StatsCatchUpMargin is how far before the last catch-up the next one
	// looks: a write's time is taken just before it is sent, and a write
	// takes far less than this to land.
	StatsCatchUpMargin = 2 * time.Minute
)

// NewStatsFeed makes the feed of folder; log (nil: none) hears each
// catch-up that folded reports.
func NewStatsFeed(folder *StatsFolder, store StatsStore, now func() time.Time, log func(msg string, args ...any)) *StatsFeed {
	if log == nil {
		log = func(string, ...any) {}
	}
	f := &StatsFeed{folder: folder, store: store, now: clockOrNow(now), log: log, pending: map[string]bool{}, wake: make(chan struct{}, 1)}
	folder.now = f.now
	return f
}

// Notify queues the reports ids for folding; it never blocks. On standby
// it keeps nothing: another process folds, and its catch-up finds these
// reports (or this process's own, when it takes the lease).
func (f *StatsFeed) Notify(ids ...string) {
	if f.standby.Load() {
		return
	}
	f.mu.Lock()
	for _, id := range ids {
		if len(f.pending) < statsMaxPending {
			f.pending[id] = true
		}
	}
	f.mu.Unlock()
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// take removes up to statsBatch queued reports.
func (f *StatsFeed) take() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ids []string
	for id := range f.pending {
		if len(ids) == statsBatch {
			break
		}
		ids = append(ids, id)
		delete(f.pending, id)
	}
	return ids
}

// Flush folds every queued report, and returns the first failure (the
// reports of a failed fold are queued again).
func (f *StatsFeed) Flush(ctx context.Context) error {
	f.folding.Lock()
	defer f.folding.Unlock()
	return f.flush(ctx)
}

func (f *StatsFeed) flush(ctx context.Context) error {
	for {
		ids := f.take()
		if len(ids) == 0 {
			return nil
		}
		if err := f.folder.Fold(ctx, ids); err != nil {
			f.Notify(ids...)
			return err
		}
	}
}

// CatchUp settles what a fold left half-applied, then folds every report
// written since the last catch-up (less StatsCatchUpMargin), or every
// report when the counters were never built, and records how far it got.
func (f *StatsFeed) CatchUp(ctx context.Context) error {
	f.folding.Lock()
	defer f.folding.Unlock()
	start := f.now()
	if err := f.folder.settleIfNeeded(ctx); err != nil {
		return err
	}
	st, err := f.store.StatsState(ctx)
	if err != nil {
		return err
	}
	var since time.Time
	// Counters folded under another definition are counted again, every
	// report whatever its version.
	recount := st.Built && st.Definition != StatsDefinition
	if st.Built && !recount {
		since = st.UpTo.Add(-StatsCatchUpMargin)
	}
	vs, err := f.store.CasesChangedSince(ctx, since, 0)
	if err != nil {
		return err
	}
	var ids []string
	if recount {
		for _, v := range vs {
			ids = append(ids, v.ID)
		}
	} else {
		ids = f.folder.uncounted(vs)
	}
	read := len(ids)
	for len(ids) > 0 {
		n := min(len(ids), statsBatch)
		fold := f.folder.Fold
		if recount {
			fold = f.folder.Recount
		}
		if err := fold(ctx, ids[:n]); err != nil {
			return err
		}
		ids = ids[n:]
	}
	if err := f.store.SetStatsUpTo(ctx, start, StatsDefinition); err != nil {
		return err
	}
	f.folder.forget(start.Add(-2 * StatsCatchUpMargin))
	if read > 0 {
		f.log("statistics caught up", "reportsRead", read, "firstBuild", !st.Built, "newDefinition", recount)
	}
	return nil
}

// Serve folds while ctx lasts (the lease's term): a catch-up first and
// then every interval, and the notified reports as they come. It returns
// ctx's error, or the first failure (the caller tries again later).
func (f *StatsFeed) Serve(ctx context.Context, interval time.Duration) error {
	was := f.standby.Swap(false)
	defer f.standby.Store(was)
	if err := f.CatchUp(ctx); err != nil {
		return err
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := f.Flush(ctx); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-f.wake:
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(statsGather):
			}
		case <-t.C:
			if err := f.CatchUp(ctx); err != nil {
				return err
			}
		}
	}
}

// RebuildStats recomputes every counter from the reports (`portal stats
// rebuild`), with every report's mark, and returns the counters. With
// write false it only compares: it returns the counters as they should be
// and the cells that differ from the stored ones. It must run alone (the
// caller holds the statistics' lease, or the portal is stopped).
func RebuildStats(ctx context.Context, store StatsStore, late func(ctx context.Context, c Case) (bool, error), now func() time.Time, write bool) (Contribution, []StatsCell, error) {
	start := clockOrNow(now)()
	folder := NewStatsFolder(store, late)
	if err := folder.Settle(ctx); err != nil {
		return nil, nil, err
	}
	st, err := store.StatsState(ctx)
	if err != nil {
		return nil, nil, err
	}
	if write {
		if err := store.BeginStatsRebuild(ctx); err != nil {
			return nil, nil, err
		}
	}
	total := Contribution{}
	var ids []string
	flush := func() error {
		var marks []StatsMark
		cases, err := store.FindCasesByIDs(ctx, ids)
		if err != nil {
			return err
		}
		for _, c := range cases {
			ct, err := folder.contribute(ctx, c)
			if err != nil {
				return err
			}
			total.Add(ct)
			if write {
				marks = append(marks, StatsMark{ReportID: c.ID, Version: c.Version, Counts: ct})
			}
		}
		ids = ids[:0]
		if len(marks) > 0 {
			return store.PutStatsMarks(ctx, marks)
		}
		return nil
	}
	if err := store.EachReportID(ctx, func(id string) error {
		ids = append(ids, id)
		if len(ids) == statsBatch {
			return flush()
		}
		return nil
	}); err != nil {
		return nil, nil, err
	}
	if err := flush(); err != nil {
		return nil, nil, err
	}
	if write {
		return total, nil, store.FinishStatsRebuild(ctx, total, st.Seq, start)
	}
	stored, err := store.StatsCells(ctx)
	if err != nil {
		return nil, nil, err
	}
	return total, total.Minus(stored).Cells(), nil
}
