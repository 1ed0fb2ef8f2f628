package services

import (
	"context"
	"regexp"
	"strings"
	"time"
)

// The portal's organisation data — the units reports are routed to
// (units.go), the area tree (areas.go) and categories (categories.go),
// routing rules (routing.go), the holiday calendar (calendar.go) and
// deadline policies (policies.go) — is edited by administrators through the
// Org service of this file, which records every change in the admin audit
// log. Administrators configure; nothing here reads report content.

// Limits of the organisation data shared by its entities.
const (
	maxAdminNameChars = 200
	maxEventSummary   = 500
	// DefaultAdminEvents and MaxAdminEvents bound the audit listing.
	DefaultAdminEvents = 100
	MaxAdminEvents     = 500
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
	store        OrgStore
	catalog      CatalogStore
	audit        AdminAuditStore
	clock        func() time.Time
	rulesChanged func()
}

// OrgOptions are the dependencies of an Org.
type OrgOptions struct {
	Store OrgStore
	// Catalog reads areas and categories. Give it the store itself, not a
	// CatalogCache, so that admins see their own changes at once.
	Catalog CatalogStore
	// Audit keeps the admin audit log.
	Audit AdminAuditStore
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// RulesChanged is called after a routing rule is created or deleted,
	// so that this process's router applies it to the next report (nil:
	// nothing to tell; other processes see it within their cache TTL).
	RulesChanged func()
}

// NewOrg returns the Org service over the given stores.
func NewOrg(opts OrgOptions) *Org {
	return &Org{store: opts.Store, catalog: opts.Catalog, audit: opts.Audit, clock: clockOrNow(opts.Now), rulesChanged: opts.RulesChanged}
}

// forgetRules tells the router that the routing rules changed.
func (o *Org) forgetRules() {
	if o.rulesChanged != nil {
		o.rulesChanged()
	}
}

func (o *Org) now() time.Time { return o.clock().UTC().Truncate(time.Millisecond) }

// record writes the audit event of a change that has been saved. Without
// multi-document transactions the two writes cannot be one; a change whose
// event could not be written is reported as failed so the admin knows.
func (o *Org) record(ctx context.Context, actor Actor, action, target, summary string) error {
	if r := []rune(summary); len(r) > maxEventSummary {
		summary = string(r[:maxEventSummary-1]) + "…"
	}
	err := o.audit.InsertAdminEvent(ctx, AdminEvent{At: o.now(), ActorID: actor.UserID, Action: action, Target: target, Summary: summary})
	if err != nil {
		return Wrap(err, ReasonSavedNotAudited, "The change was saved but could not be written to the audit log; tell the operator.")
	}
	return nil
}

// Seed inserts the default holidays and deadline policies that are missing
// (see seedHolidays and seedDeadlinePolicies). It is idempotent.
func (o *Org) Seed(ctx context.Context) error {
	if err := o.seedHolidays(ctx); err != nil {
		return err
	}
	return o.seedDeadlinePolicies(ctx)
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
	return o.audit.ListAdminEvents(ctx, min(limit, MaxAdminEvents))
}
