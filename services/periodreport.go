package services

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The period review report (báo cáo sơ kết / tổng kết, docs/period-report.md):
// a unit's, a committee's or the whole portal's figures over whole months,
// read from the statistics' counters — never from the reports — with one
// exception, the list of actions the conclusions took, which reads the
// scope's reports concluded in the range through one indexed, projected and
// bounded query. The wording and the files are internal/periodreport's.

// The scopes a period report covers.
const (
	PeriodScopeUnit  = "unit"  // an inspection unit
	PeriodScopeFront = "front" // a Front committee
	PeriodScopeAll   = "all"   // every unit (administrators only)
)

// PeriodScope is what a period report covers: a unit or committee (by id),
// or everything.
type PeriodScope struct {
	Kind string `json:"kind"`
	ID   string `json:"id,omitempty"`
}

// String is the scope as the query names it: "unit:<id>", "front:<id>" or
// "all".
func (s PeriodScope) String() string {
	if s.Kind == PeriodScopeAll {
		return PeriodScopeAll
	}
	return s.Kind + ":" + s.ID
}

// ParsePeriodScope reads "unit:<id>", "front:<id>" or "all".
func ParsePeriodScope(s string) (PeriodScope, bool) {
	if s == PeriodScopeAll {
		return PeriodScope{Kind: PeriodScopeAll}, true
	}
	kind, id, ok := strings.Cut(s, ":")
	if !ok || id == "" || len(id) > 64 || (kind != PeriodScopeUnit && kind != PeriodScopeFront) || strings.ContainsAny(id, ":/\\ \t\r\n") {
		return PeriodScope{}, false
	}
	return PeriodScope{Kind: kind, ID: id}, true
}

// PeriodQuery asks for a period report: a scope and whole months From to
// To (YYYY-MM, Vietnam time, both included).
type PeriodQuery struct {
	Scope    string
	From, To string
}

// MaxPeriodActions bounds the actions a report lists (the newest): each is
// read from its report, which on the embedded default costs a decoded
// document (0.4 ms), so the bound is what keeps a report's time the same
// at any number of reports (docs/period-report.md).
const MaxPeriodActions = 200

// ConcludedQuery selects the reports of a unit, a committee or (both
// empty) every unit concluded in [From, To), newest first, at most Limit.
type ConcludedQuery struct {
	Unit, Front string
	From, To    time.Time
	Limit       int
}

// ConcludedAction is what one conclusion decided: when, about what kind
// and category of report, its outcome and the actions taken. It carries no
// tracking code, no name and nothing of the identity.
type ConcludedAction struct {
	ConcludedAt time.Time `json:"concludedAt"`
	Kind        Kind      `json:"kind"`
	Category    string    `json:"category"`
	Round       int       `json:"round"`
	Result      string    `json:"result"`
	Actions     string    `json:"actions"`
}

// PeriodActionStore reads the conclusions of a scope's reports.
type PeriodActionStore interface {
	FindConcludedActions(ctx context.Context, q ConcludedQuery) ([]ConcludedAction, error)
}

// PeriodRow is one slice of a breakdown (a kind, a channel, a category, a
// commune, a province) and its figures over the range (open and overdue:
// now).
type PeriodRow struct {
	Key  string `json:"key"`
	Name Text   `json:"name"`
	// Parent is a commune's province.
	Parent string `json:"parent,omitempty"`
	Figures
}

// PeriodReport is the model every format renders.
type PeriodReport struct {
	Scope PeriodScope `json:"scope"`
	// ScopeCode and ScopeName name the unit or committee ("" and the
	// portal's name for every unit).
	ScopeCode   string    `json:"scopeCode"`
	ScopeName   Text      `json:"scopeName"`
	From        string    `json:"from"`
	To          string    `json:"to"`
	Months      []string  `json:"months"`
	GeneratedAt time.Time `json:"generatedAt"`
	// Total is what GET /api/v1/stats answers for the scope and range.
	Total Figures `json:"total"`
	// SatisfiedShare is the share of the ratings of 4 or 5 stars
	// (Total.Satisfied) among the ratings (nil without any).
	SatisfiedShare *float64 `json:"satisfiedShare"`
	// RecOnTimeShare is the share of the answered recommendations answered
	// by their date (nil without any).
	RecOnTimeShare *float64    `json:"recOnTimeShare"`
	ByKind         []PeriodRow `json:"byKind"`
	ByChannel      []PeriodRow `json:"byChannel"`
	ByCategory     []PeriodRow `json:"byCategory"`
	ByProvince     []PeriodRow `json:"byProvince"`
	ByCommune      []PeriodRow `json:"byCommune"`
	// ByOffice and ByProcedure are every folded name received in the
	// range (the most reported first, at most 100; Cut when the list may
	// have been cut there).
	ByOffice     []Hotspot `json:"byOffice"`
	OfficesCut   bool      `json:"officesCut"`
	ByProcedure  []Hotspot `json:"byProcedure"`
	ProcedureCut bool      `json:"procedureCut"`
	// Hotspots are StatsView.Hotspots' names with at least HotspotMin
	// reports, per dimension (HotspotDims).
	HotspotMin int                  `json:"hotspotMin"`
	Hotspots   map[string][]Hotspot `json:"hotspots"`
	// Actions are the newest conclusions of the range (at most
	// MaxPeriodActions; ActionsCut when there were more).
	Actions    []ConcludedAction `json:"actions"`
	ActionsCut bool              `json:"actionsCut"`
}

// PeriodReports builds period reports and records their downloads.
type PeriodReports struct {
	view    *StatsView
	cells   StatsCellStore
	dims    StatsDimStore
	catalog CatalogStore
	units   interface {
		FindUnits(ctx context.Context) ([]Unit, error)
	}
	actions PeriodActionStore
	audit   AdminAuditStore
	now     func() time.Time
}

// PeriodReportStore is what the period reports read and write.
type PeriodReportStore interface {
	StatsCellStore
	StatsDimStore
	CatalogStore
	PeriodActionStore
	AdminAuditStore
	FindUnits(ctx context.Context) ([]Unit, error)
}

// NewPeriodReports makes the service over the view the staff figures come
// from.
func NewPeriodReports(store PeriodReportStore, view *StatsView, now func() time.Time) *PeriodReports {
	return &PeriodReports{view: view, cells: store, dims: store, catalog: store, units: store, actions: store, audit: store,
		now: clockOrNow(now)}
}

// Build computes the period report of q for actor: inspectors and leads
// their unit, monitors their committee, administrators any unit, committee
// or everything; another scope is refused with stats_out_of_scope.
func (p *PeriodReports) Build(ctx context.Context, actor Actor, q PeriodQuery) (PeriodReport, error) {
	if !actor.IsStaff() {
		return PeriodReport{}, Errorf(ReasonSignInFirst, "Sign in first.")
	}
	f := FieldErrors{}
	scope, ok := ParsePeriodScope(q.Scope)
	switch {
	case q.Scope == "":
		f.Add("scope", FieldRequired)
	case !ok:
		f.Add("scope", FieldInvalid)
	}
	for field, v := range map[string]string{"from": q.From, "to": q.To} {
		if v == "" {
			f.Add(field, FieldRequired)
		} else if _, err := time.Parse("2006-01", v); err != nil || len(v) != 7 {
			f.Add(field, FieldInvalid)
		}
	}
	if err := f.Err(); err != nil {
		return PeriodReport{}, err
	}
	var unit, front string
	switch scope.Kind {
	case PeriodScopeAll:
		if actor.Role != RoleAdmin {
			return PeriodReport{}, Errorf(ReasonStatsOutOfScope, "Only administrators see the whole portal's figures.")
		}
	case PeriodScopeUnit:
		unit = scope.ID
	case PeriodScopeFront:
		front = scope.ID
	}
	if err := staffScope(actor, &unit, &front); err != nil {
		return PeriodReport{}, err
	}
	sq := StatsQuery{From: q.From, To: q.To, Unit: unit, Front: front}
	months, err := p.view.months(&sq)
	if err != nil {
		return PeriodReport{}, err
	}
	r := PeriodReport{Scope: scope, From: sq.From, To: sq.To, Months: months, GeneratedAt: p.now().UTC().Truncate(time.Second),
		ScopeName: Text{VI: "Toàn cổng Minh Bạch", EN: "The whole Minh Bạch portal"}, HotspotMin: DefaultHotspotMin}
	if scope.Kind != PeriodScopeAll {
		units, err := p.units.FindUnits(ctx)
		if err != nil {
			return PeriodReport{}, err
		}
		want := UnitInspection
		if scope.Kind == PeriodScopeFront {
			want = UnitFront
		}
		i := slices.IndexFunc(units, func(u Unit) bool { return u.ID == scope.ID && u.Type == want })
		if i < 0 {
			return PeriodReport{}, &Error{Code: CodeInvalid, Reason: ReasonFieldsInvalid, Message: "Unknown unit or committee.",
				Fields: map[string]string{"scope": FieldUnknown}}
		}
		r.ScopeCode, r.ScopeName = units[i].Code, units[i].Name
	}

	// The breakdowns: one read of the scope's cells of the months and now.
	cells, err := p.cells.FindStatsCells(ctx, append(slices.Clone(months), NowMonth), unit, front)
	if err != nil {
		return PeriodReport{}, err
	}
	inScope := func(c StatsCell) bool {
		return c.Dim == "" && (unit == "" || c.Unit == unit) && (front == "" || c.Front == front)
	}
	// The totals: what GET /api/v1/stats answers for the scope and range
	// (StatsView.StaffFigures sums the same cells with the same function).
	r.Total = SumFigures(cells, inScope)
	if a := r.Total.RecAnswered; a > 0 {
		share := float64(r.Total.RecOnTime) / float64(a)
		r.RecOnTimeShare = &share
	}
	if r.Total.Rated > 0 {
		share := float64(r.Total.Satisfied) / float64(r.Total.Rated)
		r.SatisfiedShare = &share
	}
	if err := p.breakdowns(ctx, &r, cells, inScope); err != nil {
		return PeriodReport{}, err
	}

	// Offices and procedures: every folded name received in the range (the
	// most reported first, at most maxHotspots); the hotspots are those of
	// at least DefaultHotspotMin, as StatsView.Hotspots lists them with
	// that minimum (the same order, so the same names).
	hot, err := p.view.Hotspots(ctx, actor, HotspotQuery{From: sq.From, To: sq.To, Unit: unit, Front: front, Min: 1})
	if err != nil {
		return PeriodReport{}, err
	}
	r.ByOffice, r.ByProcedure = hot.Dims[StatsDimOffice], hot.Dims[StatsDimProcedure]
	r.OfficesCut, r.ProcedureCut = len(r.ByOffice) >= maxHotspots, len(r.ByProcedure) >= maxHotspots
	r.Hotspots = map[string][]Hotspot{}
	for _, dim := range HotspotDims {
		r.Hotspots[dim] = slices.DeleteFunc(slices.Clone(hot.Dims[dim]), func(h Hotspot) bool { return h.Received < DefaultHotspotMin })
	}

	// The actions of the conclusions: the one read of reports.
	from, _ := time.ParseInLocation("2006-01", sq.From, VietnamTime)
	to, _ := time.ParseInLocation("2006-01", sq.To, VietnamTime)
	acts, err := p.actions.FindConcludedActions(ctx, ConcludedQuery{Unit: unit, Front: front, From: from.UTC(),
		To: to.AddDate(0, 1, 0).UTC(), Limit: MaxPeriodActions + 1})
	if err != nil {
		return PeriodReport{}, err
	}
	r.ActionsCut = len(acts) > MaxPeriodActions
	r.Actions = acts[:min(len(acts), MaxPeriodActions)]
	if r.Actions == nil {
		r.Actions = []ConcludedAction{}
	}
	return r, nil
}

// breakdowns fills the report's rows by kind, channel, category, commune
// and province from the scope's cells.
func (p *PeriodReports) breakdowns(ctx context.Context, r *PeriodReport, cells Contribution, inScope func(StatsCell) bool) error {
	cats, err := p.catalog.ListCategories(ctx)
	if err != nil {
		return err
	}
	areas, err := p.catalog.ListAreas(ctx)
	if err != nil {
		return err
	}
	areaOf := map[string]Area{}
	for _, a := range areas {
		areaOf[a.Code] = a
	}
	seen := map[string]map[string]bool{"kind": {}, "channel": {}, "category": {}, "commune": {}, "province": {}}
	for c := range cells {
		if !inScope(c) {
			continue
		}
		seen["kind"][string(c.Kind)] = true
		seen["channel"][c.Channel] = true
		seen["category"][c.Category] = true
		seen["commune"][c.Area] = true
		seen["province"][areaOf[c.Area].Parent] = true
	}
	sum := func(keep func(StatsCell) bool) Figures {
		return SumFigures(cells, func(c StatsCell) bool { return inScope(c) && keep(c) })
	}
	notGiven := Text{VI: "(không ghi)", EN: "(not given)"}
	// Every kind, even without reports.
	for _, k := range []Kind{KindFeedback, KindComplaint, KindDenunciation} {
		r.ByKind = append(r.ByKind, PeriodRow{Key: string(k), Name: KindNames[k], Figures: sum(func(c StatsCell) bool { return c.Kind == k })})
		delete(seen["kind"], string(k))
	}
	for _, k := range sortedKeys(seen["kind"]) {
		r.ByKind = append(r.ByKind, PeriodRow{Key: k, Name: Text{VI: k, EN: k}, Figures: sum(func(c StatsCell) bool { return string(c.Kind) == k })})
	}
	// Every channel, even without reports, then any other counted.
	for _, ch := range Channels {
		r.ByChannel = append(r.ByChannel, PeriodRow{Key: ch, Name: ChannelNames[ch], Figures: sum(func(c StatsCell) bool { return c.Channel == ch })})
		delete(seen["channel"], ch)
	}
	for _, ch := range sortedKeys(seen["channel"]) {
		name := Text{VI: ch, EN: ch}
		r.ByChannel = append(r.ByChannel, PeriodRow{Key: ch, Name: name, Figures: sum(func(c StatsCell) bool { return c.Channel == ch })})
	}
	// The catalogue's categories in their order, then any other counted.
	slices.SortFunc(cats, func(a, b Category) int { return cmp.Or(cmp.Compare(a.Order, b.Order), strings.Compare(a.Code, b.Code)) })
	for _, cat := range cats {
		r.ByCategory = append(r.ByCategory, PeriodRow{Key: cat.Code, Name: cat.Name, Figures: sum(func(c StatsCell) bool { return c.Category == cat.Code })})
		delete(seen["category"], cat.Code)
	}
	for _, code := range sortedKeys(seen["category"]) {
		name := Text{VI: code, EN: code}
		if code == "" {
			name = notGiven
		}
		r.ByCategory = append(r.ByCategory, PeriodRow{Key: code, Name: name, Figures: sum(func(c StatsCell) bool { return c.Category == code })})
	}
	// The communes and provinces with reports, by name.
	named := func(code string) Text {
		if a, ok := areaOf[code]; ok {
			return a.Name
		}
		if code == "" {
			return notGiven
		}
		return Text{VI: code, EN: code}
	}
	for _, code := range sortedKeys(seen["province"]) {
		r.ByProvince = append(r.ByProvince, PeriodRow{Key: code, Name: named(code),
			Figures: sum(func(c StatsCell) bool { return areaOf[c.Area].Parent == code })})
	}
	for _, code := range sortedKeys(seen["commune"]) {
		r.ByCommune = append(r.ByCommune, PeriodRow{Key: code, Name: named(code), Parent: areaOf[code].Parent,
			Figures: sum(func(c StatsCell) bool { return c.Area == code })})
	}
	byName := func(a, b PeriodRow) int {
		return cmp.Or(strings.Compare(a.Parent, b.Parent), strings.Compare(a.Name.VI, b.Name.VI), strings.Compare(a.Key, b.Key))
	}
	slices.SortFunc(r.ByProvince, byName)
	slices.SortFunc(r.ByCommune, byName)
	return nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// The formats a period report is downloaded in.
const (
	PeriodFormatXLSX = "xlsx"
	PeriodFormatCSV  = "csv"
	PeriodFormatPDF  = "pdf"
)

// PeriodReportAction is the admin audit log's action code of a download.
const PeriodReportAction = "report.period"

// RecordDownload writes the download of r in format by actor to the admin
// audit log (who, scope, range, format). A download whose event cannot be
// written is refused: none goes unrecorded.
func (p *PeriodReports) RecordDownload(ctx context.Context, actor Actor, r PeriodReport, format string) error {
	summary := fmt.Sprintf("scope=%s from=%s to=%s format=%s", r.Scope, r.From, r.To, format)
	if err := p.audit.InsertAdminEvent(ctx, AdminEvent{At: p.now().UTC().Truncate(time.Millisecond), ActorID: actor.UserID,
		Action: PeriodReportAction, Target: r.Scope.String(), Summary: summary}); err != nil {
		return Wrap(err, ReasonInternal, "The download could not be written to the audit log.")
	}
	return nil
}
