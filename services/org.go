package services

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// This file is the portal's organisation data — the units cases are routed
// to, the area tree and categories, routing rules, the holiday calendar and
// deadline policies — and the Org service through which administrators edit
// it. Administrators configure; nothing here reads report content.

// UnitType says which kind of body a unit is.
type UnitType string

// The unit types of DESIGN.md §1.
const (
	UnitInspection UnitType = "inspection" // an inspection unit (Thanh tra): handles cases
	UnitFront      UnitType = "front"      // a Fatherland Front committee (Mặt trận Tổ quốc): supervises them
)

// Valid reports whether t is a known unit type.
func (t UnitType) Valid() bool { return t == UnitInspection || t == UnitFront }

// Unit is an inspection unit or a Front committee.
type Unit struct {
	ID        string
	Code      string // unique, [a-z0-9-]{2,40}; never changes
	Name      Text
	Type      UnitType // never changes: routing rules depend on it
	AreaCodes []string // the areas it covers; each must exist
	Active    bool
	// Version counts the changes; an update applies only to the version it
	// was computed from (optimistic concurrency).
	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// The levels of the area tree.
const (
	AreaProvince = "province"
	AreaCommune  = "commune"
)

// RoutingRule sends the cases of a category and area to an inspection unit
// and, optionally, a Front committee. Empty Category or AreaCode match any;
// a province AreaCode also matches its communes. See Route.
type RoutingRule struct {
	ID               string
	Category         string
	AreaCode         string
	InspectionUnitID string // required: an active inspection unit
	FrontUnitID      string // optional: an active Front committee
	Note             string
	CreatedAt        time.Time
}

// IsDefault reports whether r is a default rule: no category, no area.
func (r RoutingRule) IsDefault() bool { return r.Category == "" && r.AreaCode == "" }

// Holiday is a public holiday or compensatory day off: a day that is not a
// working day although it is a weekday.
type Holiday struct {
	Date string // YYYY-MM-DD, unique
	Name Text
}

// DeadlinePolicy holds the clocks of one kind of report, in days. Each
// "WorkingDays" flag says whether its clock counts working days (skipping
// weekends and holidays) or calendar days. Zero means the clock does not
// apply to the kind.
type DeadlinePolicy struct {
	Kind Kind
	// AcceptDays: from receipt to acceptance (thụ lý) or, for feedback, to
	// acknowledgement.
	AcceptDays        int
	AcceptWorkingDays bool
	// ResolveDays: from acceptance to conclusion; the variants apply to
	// complex cases, remote areas (vùng sâu, vùng xa) and second rounds.
	ResolveDays                    int
	ResolveWorkingDays             bool
	ComplexResolveDays             int
	RemoteResolveDays              int
	RemoteComplexResolveDays       int
	Round2ResolveDays              int
	Round2ComplexResolveDays       int
	RemoteRound2ResolveDays        int
	RemoteRound2ComplexResolveDays int
	// NotifyDays: from acceptance to notifying the parties.
	NotifyDays        int
	NotifyWorkingDays bool
	// MaxExtensions of ExtensionDays each may be granted on the resolution
	// deadline.
	MaxExtensions int
	ExtensionDays int
	UpdatedAt     time.Time
}

// Limits of the organisation data.
const (
	maxAdminNameChars = 200
	maxRuleNoteChars  = 500
	maxUnitAreas      = 1000
	maxPolicyDays     = 365
	maxPolicyExtends  = 5
	maxCategoryOrder  = 1_000_000
	maxEventSummary   = 500
	// DefaultAdminEvents and MaxAdminEvents bound the audit listing.
	DefaultAdminEvents = 100
	MaxAdminEvents     = 500
)

var (
	unitCodePattern     = regexp.MustCompile(`^[a-z0-9-]{2,40}$`)
	categoryCodePattern = regexp.MustCompile(`^[a-z0-9_]{2,40}$`)
	// Area codes are the official statistical codes (2 digits for a
	// province, 5 for a commune); letters and hyphens are allowed for
	// areas that have none.
	areaCodePattern = regexp.MustCompile(`^[a-z0-9-]{2,20}$`)
)

// checkName requires both languages of a display name, on one line.
func checkName(f FieldErrors, field string, t Text) {
	for lang, v := range map[string]string{"vi": t.VI, "en": t.EN} {
		name := field + "." + lang
		checkText(f, name, v, maxAdminNameChars, true)
		if strings.ContainsAny(v, "\r\n\t") {
			f.Add(name, FieldInvalid)
		}
	}
}

func checkCode(f FieldErrors, field, v string, pattern *regexp.Regexp) {
	switch {
	case v == "":
		f.Add(field, FieldRequired)
	case !pattern.MatchString(v):
		f.Add(field, FieldInvalid)
	}
}

func trimText(t Text) Text { return Text{VI: strings.TrimSpace(t.VI), EN: strings.TrimSpace(t.EN)} }

// Validate checks the unit's own fields; that its areas exist is checked by
// Org against the area tree.
func (u Unit) Validate() error {
	f := FieldErrors{}
	checkCode(f, "code", u.Code, unitCodePattern)
	checkName(f, "name", u.Name)
	switch {
	case u.Type == "":
		f.Add("type", FieldRequired)
	case !u.Type.Valid():
		f.Add("type", FieldInvalid)
	}
	if len(u.AreaCodes) > maxUnitAreas {
		f.Add("areaCodes", FieldTooLong)
	}
	seen := make(map[string]bool, len(u.AreaCodes))
	for _, c := range u.AreaCodes {
		if !areaCodePattern.MatchString(c) || seen[c] {
			f.Add("areaCodes", FieldInvalid)
		}
		seen[c] = true
	}
	return f.Err()
}

// Validate checks the area's own fields; that a commune's parent exists and
// is a province is checked by Org.
func (a Area) Validate() error {
	f := FieldErrors{}
	checkCode(f, "code", a.Code, areaCodePattern)
	checkName(f, "name", a.Name)
	switch a.Level {
	case "":
		f.Add("level", FieldRequired)
	case AreaProvince:
		if a.Parent != "" {
			f.Add("parent", FieldNotAllowed)
		}
	case AreaCommune:
		switch {
		case a.Parent == "":
			f.Add("parent", FieldRequired)
		case a.Parent == a.Code || !areaCodePattern.MatchString(a.Parent):
			f.Add("parent", FieldInvalid)
		}
	default:
		f.Add("level", FieldInvalid)
	}
	return f.Err()
}

// Validate checks a category.
func (c Category) Validate() error {
	f := FieldErrors{}
	checkCode(f, "code", c.Code, categoryCodePattern)
	checkName(f, "name", c.Name)
	if c.Order < 0 || c.Order > maxCategoryOrder {
		f.Add("order", FieldInvalid)
	}
	return f.Err()
}

// Validate checks the rule's own fields; that its category, area and units
// exist (and the units are active and of the right type) is checked by Org.
func (r RoutingRule) Validate() error {
	f := FieldErrors{}
	if r.Category != "" && !categoryCodePattern.MatchString(r.Category) {
		f.Add("category", FieldInvalid)
	}
	if r.AreaCode != "" && !areaCodePattern.MatchString(r.AreaCode) {
		f.Add("areaCode", FieldInvalid)
	}
	if r.InspectionUnitID == "" {
		f.Add("inspectionUnitId", FieldRequired)
	}
	if r.FrontUnitID != "" && r.FrontUnitID == r.InspectionUnitID {
		f.Add("frontUnitId", FieldInvalid)
	}
	checkText(f, "note", r.Note, maxRuleNoteChars, false)
	return f.Err()
}

// Validate checks a holiday: a real calendar date between 2000 and 2100 and
// a name in both languages.
func (h Holiday) Validate() error {
	f := FieldErrors{}
	if h.Date == "" {
		f.Add("date", FieldRequired)
	} else if d, err := time.Parse("2006-01-02", h.Date); !datePattern.MatchString(h.Date) || err != nil || d.Year() < 2000 || d.Year() > 2100 {
		f.Add("date", FieldInvalid)
	}
	checkName(f, "name", h.Name)
	return f.Err()
}

// Validate checks that the clocks are positive where they must be, within a
// year, and that each variant is at least as long as the clock it extends.
func (p DeadlinePolicy) Validate() error {
	f := FieldErrors{}
	if !p.Kind.Valid() {
		f.Add("kind", FieldInvalid)
	}
	days := func(field string, v int, required bool) {
		switch {
		case v == 0 && required:
			f.Add(field, FieldRequired)
		case v < 0 || v > maxPolicyDays:
			f.Add(field, FieldInvalid)
		}
	}
	// atLeast requires v, when set, to be no shorter than each base that is set.
	atLeast := func(field string, v int, bases ...int) {
		for _, b := range bases {
			if v != 0 && b != 0 && v < b {
				f.Add(field, FieldInvalid)
			}
		}
	}
	days("acceptDays", p.AcceptDays, true)
	days("resolveDays", p.ResolveDays, true)
	days("notifyDays", p.NotifyDays, false)
	days("complexResolveDays", p.ComplexResolveDays, false)
	days("remoteResolveDays", p.RemoteResolveDays, false)
	days("remoteComplexResolveDays", p.RemoteComplexResolveDays, false)
	days("round2ResolveDays", p.Round2ResolveDays, false)
	days("round2ComplexResolveDays", p.Round2ComplexResolveDays, false)
	days("remoteRound2ResolveDays", p.RemoteRound2ResolveDays, false)
	days("remoteRound2ComplexResolveDays", p.RemoteRound2ComplexResolveDays, false)
	atLeast("complexResolveDays", p.ComplexResolveDays, p.ResolveDays)
	atLeast("remoteResolveDays", p.RemoteResolveDays, p.ResolveDays)
	atLeast("remoteComplexResolveDays", p.RemoteComplexResolveDays, p.RemoteResolveDays, p.ComplexResolveDays)
	atLeast("round2ComplexResolveDays", p.Round2ComplexResolveDays, p.Round2ResolveDays)
	atLeast("remoteRound2ResolveDays", p.RemoteRound2ResolveDays, p.Round2ResolveDays)
	atLeast("remoteRound2ComplexResolveDays", p.RemoteRound2ComplexResolveDays, p.RemoteRound2ResolveDays, p.Round2ComplexResolveDays)
	if p.Round2ComplexResolveDays != 0 && p.Round2ResolveDays == 0 {
		f.Add("round2ResolveDays", FieldRequired)
	}
	switch {
	case p.MaxExtensions < 0 || p.MaxExtensions > maxPolicyExtends:
		f.Add("maxExtensions", FieldInvalid)
	case p.MaxExtensions > 0 && p.ExtensionDays == 0:
		f.Add("extensionDays", FieldRequired)
	case p.MaxExtensions == 0 && p.ExtensionDays != 0:
		f.Add("extensionDays", FieldNotAllowed)
	}
	days("extensionDays", p.ExtensionDays, false)
	return f.Err()
}

// DefaultDeadlinePolicies are the clocks of DESIGN.md §2, from Vietnamese
// law; Seed inserts them where missing and admins adjust them.
var DefaultDeadlinePolicies = []DeadlinePolicy{
	// Phản ánh, kiến nghị: acknowledge within 2 working days, resolve within
	// 10 working days.
	{Kind: KindFeedback, AcceptDays: 2, AcceptWorkingDays: true, ResolveDays: 10, ResolveWorkingDays: true},
	// Law on Complaints 2011: accept within 10 days (Art. 27); resolve within
	// 30 days of acceptance, 45 if complex, 45/60 in remote areas (Art. 28);
	// second round 45/60, remote 60/70 (Art. 37).
	{Kind: KindComplaint, AcceptDays: 10, ResolveDays: 30, ComplexResolveDays: 45,
		RemoteResolveDays: 45, RemoteComplexResolveDays: 60, Round2ResolveDays: 45, Round2ComplexResolveDays: 60,
		RemoteRound2ResolveDays: 60, RemoteRound2ComplexResolveDays: 70},
	// Law on Denunciations 2018: accept within 7 working days (Art. 29),
	// notify within 5 working days of acceptance, resolve within 30 days,
	// extendable once (complex) or twice (especially complex) by 30 days
	// (Art. 30).
	{Kind: KindDenunciation, AcceptDays: 7, AcceptWorkingDays: true, NotifyDays: 5, NotifyWorkingDays: true,
		ResolveDays: 30, MaxExtensions: 2, ExtensionDays: 30},
}

// DefaultHolidays are Vietnam's public holidays of 2026 and 2027, for the
// working-day clocks. The statutory days (Labour Code 2019, Art. 112) are:
// New Year's Day (1 Jan), five days of Tết Nguyên đán, the Hùng Kings'
// Commemoration (10th day of the 3rd lunar month), Reunification Day
// (30 Apr), Labour Day (1 May) and National Day (2 Sep plus the day before
// or after). Entries marked "nghỉ bù" are compensatory days off for a
// holiday falling on a weekend (Art. 111(3)), computed here as the next
// working days. Each year the government publishes the actual schedule
// (which Tết days, which adjacent National Day, any swapped or extra days):
// admins adjust this calendar then — the list is a starting point, not law.
//
// 2026: Tết Bính Ngọ is 17 Feb; the official break is 14–22 Feb, whose
// weekdays are exactly the five statutory days 16–20 Feb listed here.
// 2027: Tết Đinh Mùi is 6 Feb (a Saturday); the statutory days are 5–9 Feb.
var DefaultHolidays = []Holiday{
	{Date: "2026-01-01", Name: Text{VI: "Tết Dương lịch", EN: "New Year's Day"}},
	{Date: "2026-02-16", Name: Text{VI: "Tết Nguyên đán (ngày cuối năm Ất Tỵ)", EN: "Lunar New Year (New Year's Eve)"}},
	{Date: "2026-02-17", Name: Text{VI: "Tết Nguyên đán (mùng 1)", EN: "Lunar New Year (day 1)"}},
	{Date: "2026-02-18", Name: Text{VI: "Tết Nguyên đán (mùng 2)", EN: "Lunar New Year (day 2)"}},
	{Date: "2026-02-19", Name: Text{VI: "Tết Nguyên đán (mùng 3)", EN: "Lunar New Year (day 3)"}},
	{Date: "2026-02-20", Name: Text{VI: "Tết Nguyên đán (mùng 4)", EN: "Lunar New Year (day 4)"}},
	{Date: "2026-04-26", Name: Text{VI: "Giỗ Tổ Hùng Vương (10/3 âm lịch)", EN: "Hung Kings' Commemoration Day"}},
	{Date: "2026-04-27", Name: Text{VI: "Nghỉ bù Giỗ Tổ Hùng Vương", EN: "Hung Kings' Commemoration (compensatory day off)"}},
	{Date: "2026-04-30", Name: Text{VI: "Ngày Chiến thắng", EN: "Reunification Day"}},
	{Date: "2026-05-01", Name: Text{VI: "Ngày Quốc tế Lao động", EN: "International Labour Day"}},
	{Date: "2026-09-01", Name: Text{VI: "Quốc khánh (ngày liền kề)", EN: "National Day (adjacent day)"}},
	{Date: "2026-09-02", Name: Text{VI: "Quốc khánh", EN: "National Day"}},

	{Date: "2027-01-01", Name: Text{VI: "Tết Dương lịch", EN: "New Year's Day"}},
	{Date: "2027-02-05", Name: Text{VI: "Tết Nguyên đán (ngày cuối năm Bính Ngọ)", EN: "Lunar New Year (New Year's Eve)"}},
	{Date: "2027-02-06", Name: Text{VI: "Tết Nguyên đán (mùng 1)", EN: "Lunar New Year (day 1)"}},
	{Date: "2027-02-07", Name: Text{VI: "Tết Nguyên đán (mùng 2)", EN: "Lunar New Year (day 2)"}},
	{Date: "2027-02-08", Name: Text{VI: "Tết Nguyên đán (mùng 3)", EN: "Lunar New Year (day 3)"}},
	{Date: "2027-02-09", Name: Text{VI: "Tết Nguyên đán (mùng 4)", EN: "Lunar New Year (day 4)"}},
	{Date: "2027-02-10", Name: Text{VI: "Nghỉ bù Tết Nguyên đán", EN: "Lunar New Year (compensatory day off)"}},
	{Date: "2027-02-11", Name: Text{VI: "Nghỉ bù Tết Nguyên đán", EN: "Lunar New Year (compensatory day off)"}},
	{Date: "2027-04-16", Name: Text{VI: "Giỗ Tổ Hùng Vương (10/3 âm lịch)", EN: "Hung Kings' Commemoration Day"}},
	{Date: "2027-04-30", Name: Text{VI: "Ngày Chiến thắng", EN: "Reunification Day"}},
	{Date: "2027-05-01", Name: Text{VI: "Ngày Quốc tế Lao động", EN: "International Labour Day"}},
	{Date: "2027-05-03", Name: Text{VI: "Nghỉ bù Ngày Quốc tế Lao động", EN: "International Labour Day (compensatory day off)"}},
	{Date: "2027-09-02", Name: Text{VI: "Quốc khánh", EN: "National Day"}},
	{Date: "2027-09-03", Name: Text{VI: "Quốc khánh (ngày liền kề)", EN: "National Day (adjacent day)"}},
}

// Route picks the inspection unit and the Front committee for a report of
// category filed in areaCode. ok is false when no rule matches (there is no
// default rule).
//
// A rule matches when its Category is empty or equal to category, and its
// AreaCode is empty, equal to areaCode, or the province whose commune
// areaCode is. Among matching rules the most specific wins, in this order:
//
//  1. category + exact area
//  2. category + province of the area
//  3. category, any area
//  4. any category + exact area
//  5. any category + province of the area
//  6. the default rule (any category, any area)
//
// A category match outranks any area match: a category rule is a deliberate
// exception ("every bribery report goes to the city inspectorate"), while
// area rules describe the ordinary territorial split. Equally specific rules
// (the same category and area) are decided by the newest, so an admin can
// add a replacement before deleting the old rule without a gap.
//
// The Front committee is chosen the same way among the matching rules that
// name one, so it may come from a less specific rule than the inspection
// unit: committees follow areas, while categories usually only change the
// inspection unit. frontUnitID is empty when no matching rule names one.
func Route(rules []RoutingRule, areas []Area, category, areaCode string) (inspectionUnitID, frontUnitID string, ok bool) {
	province := ""
	for _, a := range areas {
		if a.Code == areaCode && a.Level == AreaCommune {
			province = a.Parent
			break
		}
	}
	var best, bestFront *RoutingRule
	bestScore, bestFrontScore := -1, -1
	for i := range rules {
		r := &rules[i]
		score, match := ruleScore(*r, category, areaCode, province)
		if !match {
			continue
		}
		if better(score, r, bestScore, best) {
			best, bestScore = r, score
		}
		if r.FrontUnitID != "" && better(score, r, bestFrontScore, bestFront) {
			bestFront, bestFrontScore = r, score
		}
	}
	if best == nil {
		return "", "", false
	}
	if bestFront != nil {
		frontUnitID = bestFront.FrontUnitID
	}
	return best.InspectionUnitID, frontUnitID, true
}

// ruleScore rates how specifically r matches: 3 for a category match plus
// 2 for the exact area or 1 for its province.
func ruleScore(r RoutingRule, category, areaCode, province string) (int, bool) {
	score := 0
	switch {
	case r.Category == "":
	case r.Category == category:
		score += 3
	default:
		return 0, false
	}
	switch {
	case r.AreaCode == "":
	case r.AreaCode == areaCode:
		score += 2
	case province != "" && r.AreaCode == province:
		score++
	default:
		return 0, false
	}
	return score, true
}

// better reports whether r (rated score) beats the best so far; ties go to
// the newer rule, then to the greater id so the answer never depends on the
// order of rules.
func better(score int, r *RoutingRule, bestScore int, best *RoutingRule) bool {
	switch {
	case best == nil || score > bestScore:
		return true
	case score < bestScore:
		return false
	case !r.CreatedAt.Equal(best.CreatedAt):
		return r.CreatedAt.After(best.CreatedAt)
	}
	return r.ID > best.ID
}

// OrgStore persists the organisation data. Areas and categories are read
// through CatalogStore and written here.
type OrgStore interface {
	NewID() string
	FindUnits(ctx context.Context) ([]Unit, error)
	FindUnitByID(ctx context.Context, id string) (Unit, error)
	// InsertUnit stores a new unit; conflict when its code exists.
	InsertUnit(ctx context.Context, u Unit) error
	// UpdateUnit writes the mutable fields of u (name, areas, active,
	// updatedAt) if the stored unit is still at version, and moves it to
	// version+1; conflict when it has changed since, not_found when gone.
	UpdateUnit(ctx context.Context, u Unit, version int64) error

	// InsertArea stores a new area; conflict when its code exists.
	InsertArea(ctx context.Context, a Area) error
	// UpdateArea replaces old by updated (same code) if the stored area
	// still equals old; conflict when it has changed since.
	UpdateArea(ctx context.Context, old, updated Area) error
	InsertCategory(ctx context.Context, c Category) error
	UpdateCategory(ctx context.Context, old, updated Category) error

	FindRoutingRules(ctx context.Context) ([]RoutingRule, error)
	InsertRoutingRule(ctx context.Context, r RoutingRule) error
	DeleteRoutingRule(ctx context.Context, id string) error // not_found when missing

	FindHolidays(ctx context.Context) ([]Holiday, error) // by date
	InsertHoliday(ctx context.Context, h Holiday) error  // conflict when the date exists
	DeleteHoliday(ctx context.Context, date string) error
	// SeedHolidays inserts the holidays whose dates are missing.
	SeedHolidays(ctx context.Context, hs []Holiday) error

	FindDeadlinePolicies(ctx context.Context) ([]DeadlinePolicy, error)
	// PutDeadlinePolicy inserts or replaces the policy of p.Kind.
	PutDeadlinePolicy(ctx context.Context, p DeadlinePolicy) error
	// SeedDeadlinePolicies inserts the policies whose kinds are missing.
	SeedDeadlinePolicies(ctx context.Context, ps []DeadlinePolicy) error
}

// Org lets administrators configure units, areas, categories, routing,
// holidays and deadlines. Every change is recorded as an AdminEvent.
type Org struct {
	Store OrgStore
	// Catalog reads areas and categories. Give it the store itself, not a
	// CatalogCache, so that admins see their own changes at once.
	Catalog CatalogStore
	Audit   AdminAuditStore
	Now     func() time.Time
}

func (o *Org) now() time.Time {
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	return now().UTC().Truncate(time.Millisecond)
}

// record writes the audit event of a change that has been saved. Without
// multi-document transactions the two writes cannot be one; a change whose
// event could not be written is reported as failed so the admin knows.
func (o *Org) record(ctx context.Context, actor Actor, action, target, summary string) error {
	if r := []rune(summary); len(r) > maxEventSummary {
		summary = string(r[:maxEventSummary-1]) + "…"
	}
	err := o.Audit.InsertAdminEvent(ctx, AdminEvent{At: o.now(), ActorID: actor.UserID, Action: action, Target: target, Summary: summary})
	if err != nil {
		return Wrap(err, CodeInternal, "The change was saved but could not be written to the audit log; tell the operator.")
	}
	return nil
}

// Seed inserts the default holidays and deadline policies that are missing.
// Holidays are seeded per year, and only for a year that has none yet, so
// an admin's deletion of a default day survives restarts. It is idempotent.
func (o *Org) Seed(ctx context.Context) error {
	have, err := o.Store.FindHolidays(ctx)
	if err != nil {
		return err
	}
	years := map[string]bool{}
	for _, h := range have {
		years[h.Date[:min(4, len(h.Date))]] = true
	}
	var missing []Holiday
	for _, h := range DefaultHolidays {
		if !years[h.Date[:4]] {
			missing = append(missing, h)
		}
	}
	if len(missing) > 0 {
		if err := o.Store.SeedHolidays(ctx, missing); err != nil {
			return err
		}
	}
	now := o.now()
	ps := make([]DeadlinePolicy, len(DefaultDeadlinePolicies))
	for i, p := range DefaultDeadlinePolicies {
		p.UpdatedAt = now
		ps[i] = p
	}
	return o.Store.SeedDeadlinePolicies(ctx, ps)
}

// UnitByID returns a unit for other services (no actor: callers check).
func (o *Org) UnitByID(ctx context.Context, id string) (Unit, error) {
	return o.Store.FindUnitByID(ctx, id)
}

var _ UnitLookup = (*Org)(nil)

// UnitName returns the Vietnamese name of the unit id, for Staff (no actor:
// callers check).
func (o *Org) UnitName(ctx context.Context, id string) (string, error) {
	u, err := o.Store.FindUnitByID(ctx, id)
	if err != nil {
		return "", err
	}
	return u.Name.VI, nil
}

// ListUnits returns every unit by code.
func (o *Org) ListUnits(ctx context.Context, actor Actor) ([]Unit, error) {
	if err := actor.RequireAdmin(); err != nil {
		return nil, err
	}
	return o.Store.FindUnits(ctx)
}

// ActiveUnits lists the active units for staff who handle or supervise
// reports (to name them, and for a lead to choose where to re-route a
// report): public bodies, so their codes and names only.
func (o *Org) ActiveUnits(ctx context.Context, actor Actor) ([]Unit, error) {
	if !actor.IsStaff() {
		return nil, Errorf(CodeUnauthorized, "Sign in first.")
	}
	all, err := o.Store.FindUnits(ctx)
	if err != nil {
		return nil, err
	}
	out := []Unit{}
	for _, u := range all {
		if u.Active {
			out = append(out, Unit{ID: u.ID, Code: u.Code, Name: u.Name, Type: u.Type, Active: true})
		}
	}
	return out, nil
}

// checkAreas adds field problems for area codes that are not in the tree.
func (o *Org) checkAreas(ctx context.Context, f FieldErrors, field string, codes []string) error {
	if len(codes) == 0 {
		return nil
	}
	areas, err := o.Catalog.ListAreas(ctx)
	if err != nil {
		return err
	}
	known := make(map[string]bool, len(areas))
	for _, a := range areas {
		known[a.Code] = true
	}
	for _, c := range codes {
		if !known[c] {
			f.Add(field, FieldUnknown)
		}
	}
	return nil
}

// CreateUnit adds a unit. Its id, version and timestamps are set here.
func (o *Org) CreateUnit(ctx context.Context, actor Actor, in Unit) (Unit, error) {
	if err := actor.RequireAdmin(); err != nil {
		return Unit{}, err
	}
	u := Unit{Code: in.Code, Name: trimText(in.Name), Type: in.Type, AreaCodes: slices.Clone(in.AreaCodes), Active: in.Active}
	if u.AreaCodes == nil {
		u.AreaCodes = []string{}
	}
	if err := u.Validate(); err != nil {
		return Unit{}, err
	}
	f := FieldErrors{}
	if err := o.checkAreas(ctx, f, "areaCodes", u.AreaCodes); err != nil {
		return Unit{}, err
	}
	if err := f.Err(); err != nil {
		return Unit{}, err
	}
	u.ID, u.Version = o.Store.NewID(), 1
	u.CreatedAt = o.now()
	u.UpdatedAt = u.CreatedAt
	if err := o.Store.InsertUnit(ctx, u); err != nil {
		return Unit{}, err
	}
	return u, o.record(ctx, actor, "unit.create", u.ID,
		fmt.Sprintf("code=%s type=%s active=%t areas=%s", u.Code, u.Type, u.Active, strings.Join(u.AreaCodes, ",")))
}

// UnitPatch changes some fields of a unit; nil fields stay as they are.
// Code and type never change.
type UnitPatch struct {
	Name      *Text
	AreaCodes *[]string
	Active    *bool
}

// Apply returns u with the patch applied and the names of the fields that
// actually changed.
func (p UnitPatch) Apply(u Unit) (Unit, []string) {
	var changed []string
	if p.Name != nil && trimText(*p.Name) != u.Name {
		u.Name = trimText(*p.Name)
		changed = append(changed, "name")
	}
	if p.AreaCodes != nil && !slices.Equal(*p.AreaCodes, u.AreaCodes) {
		u.AreaCodes = slices.Clone(*p.AreaCodes)
		if u.AreaCodes == nil {
			u.AreaCodes = []string{}
		}
		changed = append(changed, "areaCodes="+strings.Join(u.AreaCodes, ","))
	}
	if p.Active != nil && *p.Active != u.Active {
		u.Active = *p.Active
		changed = append(changed, "active="+strconv.FormatBool(u.Active))
	}
	return u, changed
}

// UpdateUnit applies p to the unit id. A unit that routing rules still
// send cases to cannot be deactivated: the rules must change first.
func (o *Org) UpdateUnit(ctx context.Context, actor Actor, id string, p UnitPatch) (Unit, error) {
	if err := actor.RequireAdmin(); err != nil {
		return Unit{}, err
	}
	old, err := o.Store.FindUnitByID(ctx, id)
	if err != nil {
		return Unit{}, err
	}
	u, changed := p.Apply(old)
	if len(changed) == 0 {
		return old, nil
	}
	if err := u.Validate(); err != nil {
		return Unit{}, err
	}
	f := FieldErrors{}
	if p.AreaCodes != nil {
		if err := o.checkAreas(ctx, f, "areaCodes", u.AreaCodes); err != nil {
			return Unit{}, err
		}
	}
	if err := f.Err(); err != nil {
		return Unit{}, err
	}
	if old.Active && !u.Active {
		rules, err := o.Store.FindRoutingRules(ctx)
		if err != nil {
			return Unit{}, err
		}
		for _, r := range rules {
			if r.InspectionUnitID == id || r.FrontUnitID == id {
				return Unit{}, Errorf(CodeConflict, "Routing rules still send reports to this unit; change them before deactivating it.")
			}
		}
	}
	u.UpdatedAt = o.now()
	if err := o.Store.UpdateUnit(ctx, u, old.Version); err != nil {
		return Unit{}, err
	}
	u.Version = old.Version + 1
	return u, o.record(ctx, actor, "unit.update", id, "code="+u.Code+" changed: "+strings.Join(changed, "; "))
}

// ListAreas returns the area tree.
func (o *Org) ListAreas(ctx context.Context, actor Actor) ([]Area, error) {
	if err := actor.RequireAdmin(); err != nil {
		return nil, err
	}
	return o.Catalog.ListAreas(ctx)
}

// checkParent adds a field problem unless a commune's parent is a stored
// province.
func (o *Org) checkParent(ctx context.Context, f FieldErrors, a Area) error {
	if a.Level != AreaCommune {
		return nil
	}
	p, err := o.Catalog.FindArea(ctx, a.Parent)
	switch {
	case IsCode(err, CodeNotFound):
		f.Add("parent", FieldUnknown)
	case err != nil:
		return err
	case p.Level != AreaProvince:
		f.Add("parent", FieldInvalid)
	}
	return nil
}

// CreateArea adds a province or a commune. Areas are never deleted: reports,
// units and rules refer to them.
func (o *Org) CreateArea(ctx context.Context, actor Actor, in Area) (Area, error) {
	if err := actor.RequireAdmin(); err != nil {
		return Area{}, err
	}
	a := Area{Code: in.Code, Parent: in.Parent, Level: in.Level, Name: trimText(in.Name), Remote: in.Remote}
	if err := a.Validate(); err != nil {
		return Area{}, err
	}
	f := FieldErrors{}
	if err := o.checkParent(ctx, f, a); err != nil {
		return Area{}, err
	}
	if err := f.Err(); err != nil {
		return Area{}, err
	}
	if err := o.Store.InsertArea(ctx, a); err != nil {
		return Area{}, err
	}
	return a, o.record(ctx, actor, "area.create", a.Code, fmt.Sprintf("level=%s parent=%s remote=%t", a.Level, a.Parent, a.Remote))
}

// AreaPatch changes some fields of an area; nil fields stay as they are.
type AreaPatch struct {
	Parent *string
	Level  *string
	Name   *Text
	Remote *bool
}

// Apply returns a with the patch applied and the names of the fields that
// actually changed. A province has no parent, so turning a commune into a
// province clears it.
func (p AreaPatch) Apply(a Area) (Area, []string) {
	var changed []string
	if p.Level != nil && *p.Level != a.Level {
		a.Level = *p.Level
		changed = append(changed, "level="+a.Level)
		if a.Level == AreaProvince && p.Parent == nil {
			a.Parent = ""
		}
	}
	if p.Parent != nil && *p.Parent != a.Parent {
		a.Parent = *p.Parent
		changed = append(changed, "parent="+a.Parent)
	}
	if p.Name != nil && trimText(*p.Name) != a.Name {
		a.Name = trimText(*p.Name)
		changed = append(changed, "name")
	}
	if p.Remote != nil && *p.Remote != a.Remote {
		a.Remote = *p.Remote
		changed = append(changed, fmt.Sprintf("remote=%t", a.Remote))
	}
	return a, changed
}

// UpdateArea applies p to the area code. A province that has communes
// cannot become a commune.
func (o *Org) UpdateArea(ctx context.Context, actor Actor, code string, p AreaPatch) (Area, error) {
	if err := actor.RequireAdmin(); err != nil {
		return Area{}, err
	}
	old, err := o.Catalog.FindArea(ctx, code)
	if err != nil {
		return Area{}, err
	}
	a, changed := p.Apply(old)
	if len(changed) == 0 {
		return old, nil
	}
	if err := a.Validate(); err != nil {
		return Area{}, err
	}
	f := FieldErrors{}
	if err := o.checkParent(ctx, f, a); err != nil {
		return Area{}, err
	}
	if err := f.Err(); err != nil {
		return Area{}, err
	}
	if old.Level == AreaProvince && a.Level != AreaProvince {
		areas, err := o.Catalog.ListAreas(ctx)
		if err != nil {
			return Area{}, err
		}
		for _, x := range areas {
			if x.Parent == code {
				return Area{}, Errorf(CodeConflict, "Communes belong to this province; it cannot become a commune.")
			}
		}
	}
	if err := o.Store.UpdateArea(ctx, old, a); err != nil {
		return Area{}, err
	}
	return a, o.record(ctx, actor, "area.update", code, "changed: "+strings.Join(changed, "; "))
}

// ListCategories returns every category, active or not, in display order.
func (o *Org) ListCategories(ctx context.Context, actor Actor) ([]Category, error) {
	if err := actor.RequireAdmin(); err != nil {
		return nil, err
	}
	return o.Catalog.ListCategories(ctx)
}

// CreateCategory adds a category.
func (o *Org) CreateCategory(ctx context.Context, actor Actor, in Category) (Category, error) {
	if err := actor.RequireAdmin(); err != nil {
		return Category{}, err
	}
	c := Category{Code: in.Code, Name: trimText(in.Name), Order: in.Order, Active: in.Active}
	if err := c.Validate(); err != nil {
		return Category{}, err
	}
	if err := o.Store.InsertCategory(ctx, c); err != nil {
		return Category{}, err
	}
	return c, o.record(ctx, actor, "category.create", c.Code, fmt.Sprintf("order=%d active=%t", c.Order, c.Active))
}

// CategoryPatch changes some fields of a category; nil fields stay as they
// are. Codes never change: reports refer to them.
type CategoryPatch struct {
	Name   *Text
	Order  *int
	Active *bool
}

// Apply returns c with the patch applied and the names of the fields that
// actually changed.
func (p CategoryPatch) Apply(c Category) (Category, []string) {
	var changed []string
	if p.Name != nil && trimText(*p.Name) != c.Name {
		c.Name = trimText(*p.Name)
		changed = append(changed, "name")
	}
	if p.Order != nil && *p.Order != c.Order {
		c.Order = *p.Order
		changed = append(changed, "order="+strconv.Itoa(c.Order))
	}
	if p.Active != nil && *p.Active != c.Active {
		c.Active = *p.Active
		changed = append(changed, "active="+strconv.FormatBool(c.Active))
	}
	return c, changed
}

// UpdateCategory applies p to the category code. A deactivated category is
// no longer offered to citizens; existing reports keep it.
func (o *Org) UpdateCategory(ctx context.Context, actor Actor, code string, p CategoryPatch) (Category, error) {
	if err := actor.RequireAdmin(); err != nil {
		return Category{}, err
	}
	old, err := o.Catalog.FindCategory(ctx, code)
	if err != nil {
		return Category{}, err
	}
	c, changed := p.Apply(old)
	if len(changed) == 0 {
		return old, nil
	}
	if err := c.Validate(); err != nil {
		return Category{}, err
	}
	if err := o.Store.UpdateCategory(ctx, old, c); err != nil {
		return Category{}, err
	}
	return c, o.record(ctx, actor, "category.update", code, "changed: "+strings.Join(changed, "; "))
}

// ListRoutingRules returns the rules, oldest first.
func (o *Org) ListRoutingRules(ctx context.Context, actor Actor) ([]RoutingRule, error) {
	if err := actor.RequireAdmin(); err != nil {
		return nil, err
	}
	return o.Store.FindRoutingRules(ctx)
}

// checkUnit adds a field problem unless id names an active unit of type want.
func (o *Org) checkUnit(ctx context.Context, f FieldErrors, field, id string, want UnitType) error {
	u, err := o.Store.FindUnitByID(ctx, id)
	switch {
	case IsCode(err, CodeNotFound):
		f.Add(field, FieldUnknown)
	case err != nil:
		return err
	case u.Type != want || !u.Active:
		f.Add(field, FieldInvalid)
	}
	return nil
}

// CreateRoutingRule adds a rule. Its category and area must exist, its
// inspection unit must be an active inspection unit and its Front unit, if
// any, an active Front committee.
func (o *Org) CreateRoutingRule(ctx context.Context, actor Actor, in RoutingRule) (RoutingRule, error) {
	if err := actor.RequireAdmin(); err != nil {
		return RoutingRule{}, err
	}
	r := RoutingRule{Category: in.Category, AreaCode: in.AreaCode, InspectionUnitID: in.InspectionUnitID,
		FrontUnitID: in.FrontUnitID, Note: strings.TrimSpace(in.Note)}
	if err := r.Validate(); err != nil {
		return RoutingRule{}, err
	}
	f := FieldErrors{}
	if r.Category != "" {
		if _, err := o.Catalog.FindCategory(ctx, r.Category); IsCode(err, CodeNotFound) {
			f.Add("category", FieldUnknown)
		} else if err != nil {
			return RoutingRule{}, err
		}
	}
	if r.AreaCode != "" {
		if _, err := o.Catalog.FindArea(ctx, r.AreaCode); IsCode(err, CodeNotFound) {
			f.Add("areaCode", FieldUnknown)
		} else if err != nil {
			return RoutingRule{}, err
		}
	}
	if err := o.checkUnit(ctx, f, "inspectionUnitId", r.InspectionUnitID, UnitInspection); err != nil {
		return RoutingRule{}, err
	}
	if r.FrontUnitID != "" {
		if err := o.checkUnit(ctx, f, "frontUnitId", r.FrontUnitID, UnitFront); err != nil {
			return RoutingRule{}, err
		}
	}
	if err := f.Err(); err != nil {
		return RoutingRule{}, err
	}
	r.ID, r.CreatedAt = o.Store.NewID(), o.now()
	if err := o.Store.InsertRoutingRule(ctx, r); err != nil {
		return RoutingRule{}, err
	}
	return r, o.record(ctx, actor, "routingRule.create", r.ID, ruleSummary(r))
}

func ruleSummary(r RoutingRule) string {
	cat, area := r.Category, r.AreaCode
	if cat == "" {
		cat = "*"
	}
	if area == "" {
		area = "*"
	}
	return fmt.Sprintf("category=%s area=%s inspection=%s front=%s", cat, area, r.InspectionUnitID, r.FrontUnitID)
}

// DeleteRoutingRule removes a rule.
func (o *Org) DeleteRoutingRule(ctx context.Context, actor Actor, id string) error {
	if err := actor.RequireAdmin(); err != nil {
		return err
	}
	rules, err := o.Store.FindRoutingRules(ctx)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(rules, func(r RoutingRule) bool { return r.ID == id })
	if i < 0 {
		return Errorf(CodeNotFound, "No such routing rule.")
	}
	if err := o.Store.DeleteRoutingRule(ctx, id); err != nil {
		return err
	}
	return o.record(ctx, actor, "routingRule.delete", id, ruleSummary(rules[i]))
}

// ListHolidays returns the holiday calendar by date.
func (o *Org) ListHolidays(ctx context.Context, actor Actor) ([]Holiday, error) {
	if err := actor.RequireAdmin(); err != nil {
		return nil, err
	}
	return o.Store.FindHolidays(ctx)
}

// CreateHoliday adds a day off to the calendar.
func (o *Org) CreateHoliday(ctx context.Context, actor Actor, in Holiday) (Holiday, error) {
	if err := actor.RequireAdmin(); err != nil {
		return Holiday{}, err
	}
	h := Holiday{Date: in.Date, Name: trimText(in.Name)}
	if err := h.Validate(); err != nil {
		return Holiday{}, err
	}
	if err := o.Store.InsertHoliday(ctx, h); err != nil {
		return Holiday{}, err
	}
	return h, o.record(ctx, actor, "holiday.create", h.Date, h.Name.VI)
}

// DeleteHoliday removes a day from the calendar.
func (o *Org) DeleteHoliday(ctx context.Context, actor Actor, date string) error {
	if err := actor.RequireAdmin(); err != nil {
		return err
	}
	if err := o.Store.DeleteHoliday(ctx, date); err != nil {
		return err
	}
	return o.record(ctx, actor, "holiday.delete", date, "")
}

// ListDeadlinePolicies returns the policy of every kind that has one, in
// the order of Kinds.
func (o *Org) ListDeadlinePolicies(ctx context.Context, actor Actor) ([]DeadlinePolicy, error) {
	if err := actor.RequireAdmin(); err != nil {
		return nil, err
	}
	ps, err := o.Store.FindDeadlinePolicies(ctx)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(ps, func(a, b DeadlinePolicy) int { return slices.Index(Kinds, a.Kind) - slices.Index(Kinds, b.Kind) })
	return ps, nil
}

// PutDeadlinePolicy replaces the policy of p.Kind. New clocks apply to
// deadlines computed from now on.
func (o *Org) PutDeadlinePolicy(ctx context.Context, actor Actor, p DeadlinePolicy) (DeadlinePolicy, error) {
	if err := actor.RequireAdmin(); err != nil {
		return DeadlinePolicy{}, err
	}
	if !p.Kind.Valid() {
		return DeadlinePolicy{}, Errorf(CodeNotFound, "No such kind of report.")
	}
	if err := p.Validate(); err != nil {
		return DeadlinePolicy{}, err
	}
	p.UpdatedAt = o.now()
	if err := o.Store.PutDeadlinePolicy(ctx, p); err != nil {
		return DeadlinePolicy{}, err
	}
	return p, o.record(ctx, actor, "deadlinePolicy.update", string(p.Kind), policySummary(p))
}

func policySummary(p DeadlinePolicy) string {
	unit := func(working bool) string {
		if working {
			return "wd"
		}
		return "d"
	}
	return fmt.Sprintf("accept=%d%s resolve=%d%s complex=%d remote=%d/%d round2=%d/%d remoteRound2=%d/%d notify=%d%s extensions=%dx%d",
		p.AcceptDays, unit(p.AcceptWorkingDays), p.ResolveDays, unit(p.ResolveWorkingDays), p.ComplexResolveDays,
		p.RemoteResolveDays, p.RemoteComplexResolveDays, p.Round2ResolveDays, p.Round2ComplexResolveDays,
		p.RemoteRound2ResolveDays, p.RemoteRound2ComplexResolveDays, p.NotifyDays, unit(p.NotifyWorkingDays),
		p.MaxExtensions, p.ExtensionDays)
}

// ListAdminEvents returns the newest configuration changes, at most limit
// (DefaultAdminEvents when limit ≤ 0, never more than MaxAdminEvents).
func (o *Org) ListAdminEvents(ctx context.Context, actor Actor, limit int) ([]AdminEvent, error) {
	if err := actor.RequireAdmin(); err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = DefaultAdminEvents
	}
	return o.Audit.ListAdminEvents(ctx, min(limit, MaxAdminEvents))
}
