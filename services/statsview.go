package services

import (
	"context"
	"slices"
	"strings"
	"time"
)

// StatsCellStore reads the counters of some months.
type StatsCellStore interface {
	// FindStatsCells reads the base cells (no office or procedure
	// breakdown) of months, of the unit and the committee when given.
	FindStatsCells(ctx context.Context, months []string, unit, front string) (Contribution, error)
}

// StatsQuery asks for figures: the months From to To (YYYY-MM, Vietnam
// time), by month or in total, of reports matching the filters. Area is a
// commune's code or a province's (its communes).
type StatsQuery struct {
	From, To string
	Monthly  bool
	Unit     string
	Front    string
	Area     string
	Kind     Kind
	Category string
	// Channel keeps the reports that came in by one channel (docs/intake.md).
	Channel Channel
}

// StatsRow is the figures of one month.
type StatsRow struct {
	Month string `json:"month"`
	Figures
}

// StatsAnswer is the figures a query asked for: each month's (when
// monthly) and the whole range's, whose open and overdue counts are those
// of now.
type StatsAnswer struct {
	From  string     `json:"from"`
	To    string     `json:"to"`
	Unit  string     `json:"unit,omitempty"`
	Front string     `json:"front,omitempty"`
	Rows  []StatsRow `json:"rows,omitempty"`
	Total Figures    `json:"total"`
}

// MaxStatsMonths bounds a query's range.
const MaxStatsMonths = 36

// StatsView answers figures from the counters (docs/statistics.md,
// "Figures"): reading them costs the same at any number of reports.
type StatsView struct {
	cells   StatsCellStore
	dims    StatsDimStore
	areas   CatalogStore
	catalog publicCatalogStore
	// k is the smallest count the public figures show.
	k   int64
	now func() time.Time
	// fresh folds this process's unfolded writes (nil: none).
	fresh func(ctx context.Context) error
	// names keeps the names of the public figures' slices.
	names publicNameCache
	// memo keeps the protected tables of recent months.
	memo publicTableMemo
}

// StatsViewStore is what the view reads: the counters and the catalogs.
type StatsViewStore interface {
	StatsCellStore
	StatsDimStore
	CatalogStore
	FindUnits(ctx context.Context) ([]Unit, error)
}

// NewStatsView makes the view; the public figures show counts of at
// least k reports (DefaultPublicStatsK when k < 2).
func NewStatsView(store StatsViewStore, k int, now func() time.Time) *StatsView {
	if k < 2 {
		k = DefaultPublicStatsK
	}
	return &StatsView{cells: store, dims: store, areas: store, catalog: store, k: int64(k), now: clockOrNow(now)}
}

// StaffFigures answers exact figures within the caller's scope: an
// inspector's or lead's unit, a monitor's committee, the whole portal for
// an administrator. Asking for another unit or committee is refused.
func (v *StatsView) StaffFigures(ctx context.Context, actor Actor, q StatsQuery) (StatsAnswer, error) {
	if err := staffScope(actor, &q.Unit, &q.Front); err != nil {
		return StatsAnswer{}, err
	}
	return v.figures(ctx, q)
}

// staffScope narrows a staff query to the caller's scope: an inspector's
// or lead's unit, a monitor's committee; an administrator may ask for any.
// Asking for another unit or committee is refused.
func staffScope(actor Actor, unit, front *string) error {
	if !actor.IsStaff() {
		return Errorf(ReasonSignInFirst, "Sign in first.")
	}
	switch actor.Role {
	case RoleInspector, RoleLead:
		if *unit != "" && *unit != actor.UnitID || *front != "" {
			return Errorf(ReasonStatsOutOfScope, "Staff see the figures of their own unit only.")
		}
		*unit = actor.UnitID
	case RoleMonitor:
		if *front != "" && *front != actor.UnitID || *unit != "" {
			return Errorf(ReasonStatsOutOfScope, "Monitors see the figures of their own committee only.")
		}
		*front = actor.UnitID
	}
	return nil
}

// StatusCounts counts the reports per status now, of a unit or (front) a
// committee, from the counters (the staff queue's counts): one indexed
// read of the unit's or committee's "now" cells, whatever the number of
// reports. The reports this process wrote are folded first, so that the
// page a write leads to counts it.
func (v *StatsView) StatusCounts(ctx context.Context, unitID string, front bool) (map[Status]int, error) {
	if v.fresh != nil {
		if err := v.fresh(ctx); err != nil {
			return nil, err
		}
	}
	unit, committee := unitID, ""
	if front {
		unit, committee = "", unitID
	}
	cells, err := v.cells.FindStatsCells(ctx, []string{NowMonth}, unit, committee)
	if err != nil {
		return nil, err
	}
	out := map[Status]int{}
	for cell, m := range cells {
		if cell.Month != NowMonth || cell.Dim != "" || (front && cell.Front != unitID) || (!front && cell.Unit != unitID) {
			continue
		}
		for k, n := range m {
			if s, ok := strings.CutPrefix(k, MeasureStatusPrefix); ok && n > 0 {
				out[Status(s)] += int(n)
			}
		}
	}
	return out, nil
}

// SetFresh gives the view the feed's Fresh (read-your-writes of the
// counts).
func (v *StatsView) SetFresh(fresh func(ctx context.Context) error) { v.fresh = fresh }

// figures sums the counters q selects.
func (v *StatsView) figures(ctx context.Context, q StatsQuery) (StatsAnswer, error) {
	months, err := v.months(&q)
	if err != nil {
		return StatsAnswer{}, err
	}
	if q.Channel != "" && !slices.Contains(Channels, q.Channel) {
		return StatsAnswer{}, &Error{Code: CodeInvalid, Reason: ReasonFieldsInvalid, Message: "Unknown channel.", Fields: map[string]string{"channel": FieldInvalid}}
	}
	inArea := func(string) bool { return true }
	if q.Area != "" {
		area, err := v.areas.FindArea(ctx, q.Area)
		if IsCode(err, CodeNotFound) {
			return StatsAnswer{}, &Error{Code: CodeInvalid, Reason: ReasonFieldsInvalid, Message: "Unknown area.", Fields: map[string]string{"area": FieldUnknown}}
		} else if err != nil {
			return StatsAnswer{}, err
		}
		if area.Level == AreaCommune {
			inArea = func(code string) bool { return code == area.Code }
		} else {
			all, err := v.areas.ListAreas(ctx)
			if err != nil {
				return StatsAnswer{}, err
			}
			communes := map[string]bool{}
			for _, a := range all {
				if a.Parent == area.Code {
					communes[a.Code] = true
				}
			}
			inArea = func(code string) bool { return communes[code] }
		}
	}
	cells, err := v.cells.FindStatsCells(ctx, append(months, NowMonth), q.Unit, q.Front)
	if err != nil {
		return StatsAnswer{}, err
	}
	match := func(c StatsCell) bool {
		return (q.Unit == "" || c.Unit == q.Unit) && (q.Front == "" || c.Front == q.Front) && inArea(c.Area) &&
			(q.Kind == "" || c.Kind == q.Kind) && (q.Category == "" || c.Category == q.Category) && (q.Channel == "" || c.Channel == q.Channel)
	}
	ans := StatsAnswer{From: q.From, To: q.To, Unit: q.Unit, Front: q.Front,
		Total: SumFigures(cells, match)}
	if q.Monthly {
		for _, m := range months {
			ans.Rows = append(ans.Rows, StatsRow{Month: m, Figures: SumFigures(cells, func(c StatsCell) bool { return c.Month == m && match(c) })})
		}
	}
	return ans, nil
}

// months checks q's range, filling the default (the twelve months to the
// current one), and lists its months.
func (v *StatsView) months(q *StatsQuery) ([]string, error) {
	if q.To == "" {
		q.To = vnMonth(v.now())
	}
	to, errTo := time.Parse("2006-01", q.To)
	if q.From == "" && errTo == nil {
		q.From = to.AddDate(0, -11, 0).Format("2006-01")
	}
	from, errFrom := time.Parse("2006-01", q.From)
	f := FieldErrors{}
	if errFrom != nil {
		f.Add("from", FieldInvalid)
	}
	if errTo != nil {
		f.Add("to", FieldInvalid)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	if from.After(to) || from.AddDate(0, MaxStatsMonths, 0).Before(to.AddDate(0, 1, 0)) {
		f.Add("from", FieldInvalid)
		return nil, f.Err()
	}
	var out []string
	for m := from; !m.After(to); m = m.AddDate(0, 1, 0) {
		out = append(out, m.Format("2006-01"))
	}
	return out, nil
}

// NowTotals reads how many reports are open and how many of them overdue
// now, across every unit, from the counters' "now" cells (for the metrics):
// a read of those cells only, whatever the number of reports. It does not
// fold first, so it lags the writes by as long as the folding does
// (docs/statistics.md, "Keeping up").
func (v *StatsView) NowTotals(ctx context.Context) (open, overdue int64, err error) {
	cells, err := v.cells.FindStatsCells(ctx, []string{NowMonth}, "", "")
	if err != nil {
		return 0, 0, err
	}
	for cell, m := range cells {
		if cell.Month != NowMonth || cell.Dim != "" {
			continue
		}
		open += m[MeasureOpen]
		overdue += m[MeasureOverdue]
	}
	return open, overdue, nil
}
