package services

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
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

// maxRuleNoteChars bounds the admin's note on a rule.
const maxRuleNoteChars = 500

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

// ListRoutingRules returns the rules, oldest first.
func (o *Org) ListRoutingRules(ctx context.Context, actor Actor) ([]RoutingRule, error) {
	if err := actor.RequireAdmin(); err != nil {
		return nil, err
	}
	return o.store.FindRoutingRules(ctx)
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
		if _, err := o.catalog.FindCategory(ctx, r.Category); IsCode(err, CodeNotFound) {
			f.Add("category", FieldUnknown)
		} else if err != nil {
			return RoutingRule{}, err
		}
	}
	if r.AreaCode != "" {
		if _, err := o.catalog.FindArea(ctx, r.AreaCode); IsCode(err, CodeNotFound) {
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
	r.ID, r.CreatedAt = o.store.NewID(), o.now()
	if err := o.store.InsertRoutingRule(ctx, r); err != nil {
		return RoutingRule{}, err
	}
	o.forgetRules()
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
	rules, err := o.store.FindRoutingRules(ctx)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(rules, func(r RoutingRule) bool { return r.ID == id })
	if i < 0 {
		return Errorf(ReasonRoutingRuleNotFound, "No such routing rule.")
	}
	if err := o.store.DeleteRoutingRule(ctx, id); err != nil {
		return err
	}
	o.forgetRules()
	return o.record(ctx, actor, "routingRule.delete", id, ruleSummary(rules[i]))
}

// Router decides, at submission, which inspection unit handles a report
// and which Front committee supervises it.
type Router interface {
	RouteReport(ctx context.Context, category, areaCode string) (unitID, frontUnitID string, err error)
}

// RuleRouter is the Router of the portal: it applies the routing rules
// (see Route), reading rules and areas at most every TTL.
type RuleRouter struct {
	store   OrgStore
	catalog CatalogStore
	ttl     time.Duration
	clock   func() time.Time

	mu     sync.Mutex
	loaded time.Time
	rules  []RoutingRule
	areas  []Area
}

// RuleRouterOptions are the dependencies of a RuleRouter.
type RuleRouterOptions struct {
	Store   OrgStore     // reads the routing rules
	Catalog CatalogStore // reads the area tree
	// TTL is how long rules and areas are kept (0: read for every report).
	TTL time.Duration
	Now func() time.Time // nil: time.Now
}

// NewRuleRouter returns a RuleRouter over the given stores.
func NewRuleRouter(opts RuleRouterOptions) *RuleRouter {
	return &RuleRouter{store: opts.Store, catalog: opts.Catalog, ttl: opts.TTL, clock: clockOrNow(opts.Now)}
}

// Forget drops the cached rules and areas: the next report reads them again.
func (r *RuleRouter) Forget() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rules = nil
}

// RouteReport returns the units for a report; both are empty when no rule
// matches (then no unit sees the report until a lead re-routes it).
func (r *RuleRouter) RouteReport(ctx context.Context, category, areaCode string) (string, string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if now := r.clock(); r.rules == nil || now.Sub(r.loaded) >= r.ttl {
		rules, err := r.store.FindRoutingRules(ctx)
		if err != nil {
			return "", "", err
		}
		areas, err := r.catalog.ListAreas(ctx)
		if err != nil {
			return "", "", err
		}
		if rules == nil {
			rules = []RoutingRule{}
		}
		r.rules, r.areas, r.loaded = rules, areas, now
	}
	unit, front, _ := Route(r.rules, r.areas, category, areaCode)
	return unit, front, nil
}
