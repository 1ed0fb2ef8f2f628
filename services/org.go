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
	users        UserDirectory
	clock        func() time.Time
	rulesChanged func()
	changed      func()
}

// OrgOptions are the dependencies of an Org.
type OrgOptions struct {
	Store OrgStore
	// Catalog reads areas and categories. Give it the store itself, not a
	// CatalogCache, so that admins see their own changes at once.
	Catalog CatalogStore
	// Audit keeps the admin audit log.
	Audit AdminAuditStore
	// Users names the accounts in the audit log (nil: accounts are shown
	// by id only).
	Users UserDirectory
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// RulesChanged is called after a routing rule is created or deleted,
	// so that this process's router applies it to the next report (nil:
	// nothing to tell; other processes see it within their cache TTL).
	RulesChanged func()
	// Changed is called after any change is saved, so that what this
	// process keeps of the catalogue (the public figures' names) is read
	// again (nil: nothing kept).
	Changed func()
}

// NewOrg returns the Org service over the given stores.
func NewOrg(opts OrgOptions) *Org {
	return &Org{store: opts.Store, catalog: opts.Catalog, audit: opts.Audit, users: opts.Users, clock: clockOrNow(opts.Now), rulesChanged: opts.RulesChanged,
		changed: opts.Changed}
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
	if o.changed != nil {
		o.changed()
	}
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

// UserDirectory finds staff accounts by id, to name them in the audit log.
type UserDirectory interface {
	FindUserByID(ctx context.Context, id string) (User, error)
}

// AdminEntry is an admin audit event with the names an administrator reads
// instead of ids (docs/architecture.md, "Admin audit log").
type AdminEntry struct {
	AdminEvent
	// ActorName is the account's name (its e-mail when it has none); ""
	// when the account is unknown or the actor is "system".
	ActorName string
	// TargetName is the display name of what was changed, in both
	// languages; empty when it has none (a holiday's date, a routing rule,
	// a deadline policy's kind: the client puts those in words) or is gone.
	TargetName Text
}

// ListAdminEvents returns the newest configuration changes, at most limit
// (DefaultAdminEvents when limit ≤ 0, never more than MaxAdminEvents), with
// the names of the accounts, units, areas and categories they mention.
func (o *Org) ListAdminEvents(ctx context.Context, actor Actor, limit int) ([]AdminEntry, error) {
	if err := actor.RequireAdmin(); err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = DefaultAdminEvents
	}
	es, err := o.audit.ListAdminEvents(ctx, min(limit, MaxAdminEvents))
	if err != nil {
		return nil, err
	}
	names, err := o.adminNames(ctx, es)
	if err != nil {
		return nil, err
	}
	out := make([]AdminEntry, len(es))
	for i, e := range es {
		out[i] = AdminEntry{AdminEvent: e, ActorName: names.users[e.ActorID]}
		switch kind, _, _ := strings.Cut(e.Action, "."); kind {
		case "user":
			out[i].TargetName = names.user(e.Target)
		case "unit":
			out[i].TargetName = names.units[e.Target]
		case "area":
			out[i].TargetName = names.areas[e.Target]
		case "category":
			out[i].TargetName = names.categories[e.Target]
		}
	}
	return out, nil
}

// adminNameBook holds the names ListAdminEvents puts next to ids.
type adminNameBook struct {
	users                    map[string]string
	units, areas, categories map[string]Text
}

func (b adminNameBook) user(id string) Text {
	n := b.users[id]
	return Text{VI: n, EN: n}
}

// adminNames reads the names of the accounts (one lookup per distinct id)
// and of the units, areas and categories (one listing each, only when an
// event mentions one). A removed account or thing keeps its id only.
func (o *Org) adminNames(ctx context.Context, es []AdminEvent) (adminNameBook, error) {
	b := adminNameBook{users: map[string]string{}, units: map[string]Text{}, areas: map[string]Text{}, categories: map[string]Text{}}
	kinds := map[string]bool{}
	for _, e := range es {
		kind, _, _ := strings.Cut(e.Action, ".")
		kinds[kind] = true
		ids := []string{e.ActorID}
		if kind == "user" {
			ids = append(ids, e.Target)
		}
		for _, id := range ids {
			if _, seen := b.users[id]; seen || id == "" || id == "system" || o.users == nil {
				continue
			}
			u, err := o.users.FindUserByID(ctx, id)
			switch {
			case ErrorCode(err) == CodeNotFound:
				b.users[id] = ""
			case err != nil:
				return b, err
			case u.Name != "":
				b.users[id] = u.Name
			default:
				b.users[id] = u.Email
			}
		}
	}
	if kinds["unit"] {
		us, err := o.store.FindUnits(ctx)
		if err != nil {
			return b, err
		}
		for _, u := range us {
			b.units[u.ID] = u.Name
		}
	}
	if kinds["area"] {
		as, err := o.catalog.ListAreas(ctx)
		if err != nil {
			return b, err
		}
		for _, a := range as {
			b.areas[a.Code] = a.Name
		}
	}
	if kinds["category"] {
		cs, err := o.catalog.ListCategories(ctx)
		if err != nil {
			return b, err
		}
		for _, c := range cs {
			b.categories[c.Code] = c.Name
		}
	}
	return b, nil
}
