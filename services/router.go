package services

import (
	"context"
	"sync"
	"time"
)

// Router decides, at submission, which inspection unit handles a report
// and which Front committee supervises it.
type Router interface {
	RouteReport(ctx context.Context, category, areaCode string) (unitID, frontUnitID string, err error)
}

// RuleRouter applies the routing rules (see Route), reading rules and areas
// at most every TTL.
type RuleRouter struct {
	Store   OrgStore
	Catalog CatalogStore
	TTL     time.Duration
	Now     func() time.Time

	mu     sync.Mutex
	loaded time.Time
	rules  []RoutingRule
	areas  []Area
}

// RouteReport returns the units for a report; both are empty when no rule
// matches (then no unit sees the report until a lead re-routes it).
func (r *RuleRouter) RouteReport(ctx context.Context, category, areaCode string) (string, string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if now := r.Now(); r.rules == nil || now.Sub(r.loaded) >= r.TTL {
		rules, err := r.Store.FindRoutingRules(ctx)
		if err != nil {
			return "", "", err
		}
		areas, err := r.Catalog.ListAreas(ctx)
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
