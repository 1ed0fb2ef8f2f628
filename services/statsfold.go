package services

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"strings"
	"sync"
	"time"
)

// StatsMark is what the counters hold of one report: the version counted
// and its contribution then, and, while a fold is applying a change, that
// change (docs/statistics.md, "Folding").
type StatsMark struct {
	ReportID string
	Version  int64
	Counts   Contribution
	Pending  *StatsPending
}

// StatsPending is a change a fold is applying: under sequence number Seq,
// the report's counts move by Delta to Counts, its version Version.
type StatsPending struct {
	Seq     int64
	Version int64
	Counts  Contribution
	Delta   Contribution
}

// StatsStore keeps the counters and the marks.
type StatsStore interface {
	// FindCasesByIDs reads the reports of ids (those still stored).
	FindCasesByIDs(ctx context.Context, ids []string) ([]Case, error)
	// FindStatsMarks reads the marks of ids (a report never counted has
	// none).
	FindStatsMarks(ctx context.Context, ids []string) (map[string]StatsMark, error)
	// PendingStatsMarks lists the marks that carry a change, by its Seq.
	PendingStatsMarks(ctx context.Context) ([]StatsMark, error)
	// NextStatsSeq returns a sequence number greater than every one
	// returned before.
	NextStatsSeq(ctx context.Context) (int64, error)
	// PutStatsPending records each mark's Pending on the report's mark.
	PutStatsPending(ctx context.Context, marks []StatsMark) error
	// ApplyStatsDelta adds d to the counters, each cell at most once for
	// seq: a cell that already took seq (or a later one) is left alone.
	ApplyStatsDelta(ctx context.Context, seq int64, d Contribution) error
	// SettleStatsMarks makes each mark's pending change its counted
	// state, if the mark still carries that change.
	SettleStatsMarks(ctx context.Context, marks []StatsMark) error
	// CasesChangedSince lists the reports last written at or after t (all
	// when limit <= 0), with their versions.
	CasesChangedSince(ctx context.Context, t time.Time, limit int) ([]CaseVersion, error)
	// StatsState reads the folds' state (zero before the first).
	StatsState(ctx context.Context) (StatsState, error)
	// SetStatsUpTo records that every write before t is folded.
	SetStatsUpTo(ctx context.Context, t time.Time, definition int) error
	// StatsCells reads every counter.
	StatsCells(ctx context.Context) (Contribution, error)
	// The rebuild: BeginStatsRebuild marks the counters not built and
	// removes every counter and mark, PutStatsMarks writes marks, and
	// FinishStatsRebuild writes the counters, taken as of fold seq, and
	// records upTo and that they are built.
	BeginStatsRebuild(ctx context.Context) error
	PutStatsMarks(ctx context.Context, marks []StatsMark) error
	FinishStatsRebuild(ctx context.Context, cells Contribution, seq int64, upTo time.Time) error
	// EachReportID reads every report's id once.
	EachReportID(ctx context.Context, fn func(caseID string) error) error
}

// goneVersion is the version a mark records for a report no longer
// stored.
const goneVersion = -1

// CaseVersion is a report's id and version.
type CaseVersion struct {
	ID      string
	Version int64
}

// StatsState is the folds' state: the last sequence number taken, the time
// before which every report's writes are folded, and whether the counters
// were ever built in full (by the first catch-up or a rebuild).
type StatsState struct {
	Seq   int64
	UpTo  time.Time
	Built bool
	// Definition is the StatsDefinition the counters were folded under.
	Definition int
}

// StatsFolder moves the counters by the reports' changes, each change
// exactly once. One folder runs at a time (the caller holds the job lease
// on a shared database; one process owns the embedded one).
type StatsFolder struct {
	store   StatsStore
	late    func(ctx context.Context, c Case) (bool, error)
	now     func() time.Time
	mu      sync.Mutex
	settled bool // no change is left half-applied
	// counted remembers the version each recently folded report is counted
	// at, so that the catch-up skips what is already counted without
	// reading it; entries older than the catch-up's window are dropped.
	counted map[string]countedAt
}

type countedAt struct {
	version int64
	at      time.Time
}

// NewStatsFolder makes the folder. late says whether a concluded report's
// resolution ran past its due date (nil: never).
func NewStatsFolder(store StatsStore, late func(ctx context.Context, c Case) (bool, error)) *StatsFolder {
	if late == nil {
		late = func(context.Context, Case) (bool, error) { return false, nil }
	}
	return &StatsFolder{store: store, late: late, now: time.Now, counted: map[string]countedAt{}}
}

// Fold brings the counters up to date with the reports of ids: each report
// whose version differs from its mark's moves the counters by the
// difference between what it counts for now and what was counted.
func (f *StatsFolder) Fold(ctx context.Context, ids []string) error {
	return f.fold(ctx, ids, false)
}

// Recount is Fold for reports whose mark may hold what an older
// definition counted (StatsDefinition): each is counted again whatever
// its version.
func (f *StatsFolder) Recount(ctx context.Context, ids []string) error {
	return f.fold(ctx, ids, true)
}

func (f *StatsFolder) fold(ctx context.Context, ids []string, recount bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.settle(ctx); err != nil {
		return err
	}
	ids = uniqueStrings(ids)
	if len(ids) == 0 {
		return nil
	}
	cases, err := f.store.FindCasesByIDs(ctx, ids)
	if err != nil {
		return err
	}
	marks, err := f.store.FindStatsMarks(ctx, ids)
	if err != nil {
		return err
	}
	// A change another folder left pending (a process that stopped
	// mid-fold) is finished before these reports are counted again.
	for _, m := range marks {
		if m.Pending != nil {
			f.settled = false
			if err := f.settle(ctx); err != nil {
				return err
			}
			if marks, err = f.store.FindStatsMarks(ctx, ids); err != nil {
				return err
			}
			break
		}
	}
	// A report no longer stored (none is deleted today; an operator might)
	// counts for nothing: its mark's counts are taken back.
	stored := make(map[string]bool, len(cases))
	for _, c := range cases {
		stored[c.ID] = true
	}
	for _, id := range ids {
		if m, ok := marks[id]; ok && !stored[id] && (m.Version != goneVersion || len(m.Counts) > 0) {
			cases = append(cases, Case{ID: id, Version: goneVersion})
		}
	}
	var changed []StatsMark
	total := Contribution{}
	for _, c := range cases {
		m := marks[c.ID]
		if m.Version == c.Version && m.Counts != nil && !recount {
			f.counted[c.ID] = countedAt{c.Version, f.now()}
			continue
		}
		now, err := f.contribute(ctx, c)
		if err != nil {
			return err
		}
		d := now.Minus(m.Counts)
		if recount && m.Version == c.Version && len(d) == 0 {
			f.counted[c.ID] = countedAt{c.Version, f.now()}
			continue
		}
		m.ReportID = c.ID
		m.Pending = &StatsPending{Version: c.Version, Counts: now, Delta: d}
		changed = append(changed, m)
		total.Add(d)
	}
	if len(changed) == 0 {
		return nil
	}
	seq, err := f.store.NextStatsSeq(ctx)
	if err != nil {
		return err
	}
	// From the first pending change written until the last mark settled,
	// a failure leaves the change to settle() (the next fold, or the
	// sweep's): it applies what is pending again, which the cells take at
	// most once.
	f.settled = false
	for i := range changed {
		changed[i].Pending.Seq = seq
	}
	if err := f.store.PutStatsPending(ctx, changed); err != nil {
		return err
	}
	if err := f.store.ApplyStatsDelta(ctx, seq, total); err != nil {
		return err
	}
	if err := f.store.SettleStatsMarks(ctx, changed); err != nil {
		return err
	}
	for _, m := range changed {
		f.counted[m.ReportID] = countedAt{m.Pending.Version, f.now()}
	}
	f.settled = true
	return nil
}

// contribute is what c counts for, its lateness read from its clocks when
// it is concluded.
func (f *StatsFolder) contribute(ctx context.Context, c Case) (Contribution, error) {
	late := false
	if c.Outcome != nil {
		var err error
		if late, err = f.late(ctx, c); err != nil {
			return nil, err
		}
	}
	return Contribute(c, late), nil
}

// uncounted is the reports of vs whose version the folder has not
// counted recently (those it may need to fold).
func (f *StatsFolder) uncounted(vs []CaseVersion) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ids []string
	for _, v := range vs {
		if c, ok := f.counted[v.ID]; !ok || c.version != v.Version {
			ids = append(ids, v.ID)
		}
	}
	return ids
}

// forget drops what the folder remembers of folds before t.
func (f *StatsFolder) forget(t time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	maps.DeleteFunc(f.counted, func(_ string, c countedAt) bool { return c.at.Before(t) })
}

// Settle finishes every change a fold left half-applied (a crash, a
// failed write), reading every pending mark (one query by the p.seq
// index). A folder does it before its first fold and after one of its
// folds failed, and Fold does it when it meets a change another folder
// left; Settle forces it.
func (f *StatsFolder) Settle(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.settled = false
	return f.settle(ctx)
}

// settleIfNeeded finishes what this folder may have left half-applied.
func (f *StatsFolder) settleIfNeeded(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.settle(ctx)
}

func (f *StatsFolder) settle(ctx context.Context) error {
	if f.settled {
		return nil
	}
	pending, err := f.store.PendingStatsMarks(ctx)
	if err != nil {
		return err
	}
	for i := 0; i < len(pending); {
		seq := pending[i].Pending.Seq
		total := Contribution{}
		j := i
		for ; j < len(pending) && pending[j].Pending.Seq == seq; j++ {
			total.Add(pending[j].Pending.Delta)
		}
		if err := f.store.ApplyStatsDelta(ctx, seq, total); err != nil {
			return err
		}
		if err := f.store.SettleStatsMarks(ctx, pending[i:j]); err != nil {
			return err
		}
		i = j
	}
	f.settled = true
	return nil
}

func uniqueStrings(s []string) []string {
	seen := make(map[string]bool, len(s))
	out := s[:0:0]
	for _, v := range s {
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// ParseStatsKey is the cell a Key names.
func ParseStatsKey(key string) (StatsCell, error) {
	p := strings.Split(key, "|")
	if len(p) != 9 {
		return StatsCell{}, fmt.Errorf("stats: malformed cell key %q", key)
	}
	for i := range p {
		v, err := url.PathUnescape(p[i])
		if err != nil {
			return StatsCell{}, fmt.Errorf("stats: malformed cell key %q", key)
		}
		p[i] = v
	}
	return StatsCell{Month: p[0], Unit: p[1], Front: p[2], Area: p[3], Kind: Kind(p[4]), Category: p[5], Channel: p[6], Dim: p[7], Value: p[8]}, nil
}
