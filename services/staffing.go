package services

import (
	"context"
	"slices"
	"time"
)

// Staffing changes (docs/privacy.md, "Separation of duties"): every change
// an administrator makes to who may take part in identity custody — a new
// account, a password or second-factor reset, a new role or unit, an account
// enabled again — starts a
// cooling period during which the account takes no part in custody, and is
// shown at once to the leads of the unit concerned and the monitors of the
// Front committees that supervise it, in the unit's staffing feed and by
// e-mail; disabling an account is shown the same way. An administrator
// alone can therefore prepare an unmasking only in plain sight of the
// people who can stop it.

// DefaultCoolingPeriod is the cooling period when none is configured.
const DefaultCoolingPeriod = 72 * time.Hour

// The kinds of staffing change.
const (
	StaffingAccountCreated = "account_created"
	StaffingPasswordReset  = "password_reset"
	StaffingTOTPReset      = "totp_reset"
	StaffingRoleChanged    = "role_changed"
	// Disabling an account is announced too: an administrator who
	// disables a unit's leads must not leave the Front's monitors the only
	// ones told, silently. Enabling it again starts a cooling period.
	StaffingAccountDisabled = "account_disabled"
	StaffingAccountEnabled  = "account_enabled"
)

// MaxStaffingEvents caps a staffing feed.
const MaxStaffingEvents = 200

// StaffingEvent is one staffing change, as the feed shows it.
type StaffingEvent struct {
	ID   string
	At   time.Time
	Kind string // one of the Staffing* kinds
	// The account changed, as it is after the change.
	UserID   string
	Email    string
	Role     Role
	UnitID   string
	UnitName string
	// What it was before a role or unit change (empty otherwise).
	FromRole     Role
	FromUnitID   string
	FromUnitName string
	// The administrator who made the change ("" for the command line).
	ActorID      string
	ActorEmail   string
	CoolingUntil time.Time
	// Cooling is set on the events the feed returns while the period
	// runs (it is not stored).
	Cooling bool
	// Watchers are the units whose leads (inspection units) or monitors
	// (Front committees) see the change.
	Watchers []string
}

// StaffingStore keeps the staffing feed. Events are only ever added.
type StaffingStore interface {
	InsertStaffingEvent(ctx context.Context, e *StaffingEvent) error
	// ListStaffingEvents returns the newest limit events watched by
	// unitID, newest first.
	ListStaffingEvents(ctx context.Context, unitID string, limit int) ([]StaffingEvent, error)
}

// Cooling reports whether the account is in a cooling period at now.
func (u User) Cooling(now time.Time) bool { return now.Before(u.CoolingUntil) }

// coolingEnd is when a cooling period starting now ends.
func (s *Staff) coolingEnd() time.Time {
	return s.now().UTC().Truncate(time.Millisecond).Add(s.cooling)
}

// StaffingFeed returns the staffing changes the actor watches: a lead
// those of their unit, a monitor those of the units their Front committee
// supervises.
func (s *Staff) StaffingFeed(ctx context.Context, actor Actor) ([]StaffingEvent, error) {
	if !actor.IsStaff() {
		return nil, Errorf(ReasonSignInFirst, "Sign in first.")
	}
	if (actor.Role != RoleLead && actor.Role != RoleMonitor) || actor.UnitID == "" {
		return nil, Errorf(ReasonStaffingForbidden, "Only the leads of a unit and the Front's monitors see its staffing changes.")
	}
	if s.staffing == nil {
		return []StaffingEvent{}, nil
	}
	events, err := s.staffing.ListStaffingEvents(ctx, actor.UnitID, MaxStaffingEvents)
	now := s.now()
	for i := range events {
		events[i].Cooling = now.Before(events[i].CoolingUntil)
	}
	return events, err
}

// watchers are the units that see a change to an account in units: each
// unit itself and, for an inspection unit, the Front committees that
// supervise it.
func (s *Staff) watchers(ctx context.Context, units ...string) ([]string, error) {
	var out []string
	add := func(id string) {
		if id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	for _, id := range units {
		if id == "" {
			continue
		}
		add(id)
		if s.units == nil {
			continue
		}
		u, err := s.units.UnitByID(ctx, id)
		if IsCode(err, CodeNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if u.Type != UnitInspection {
			continue
		}
		fronts, err := s.units.SupervisingCommittees(ctx, id)
		if err != nil {
			return nil, err
		}
		for _, f := range fronts {
			add(f)
		}
	}
	return out, nil
}

// announce records a staffing change to the account before→after in the
// feed of the units concerned and e-mails their leads and monitors. A
// change to an account outside any unit (an administrator) is in the admin
// log only.
func (s *Staff) announce(ctx context.Context, actor *Actor, kind string, before, after User) error {
	ws, err := s.watchers(ctx, after.UnitID, before.UnitID)
	if err != nil {
		return Wrap(err, ReasonSavedNotAnnounced, "The change was saved but could not be announced to the unit; tell the operator.")
	}
	if len(ws) == 0 || s.staffing == nil {
		return nil
	}
	e := &StaffingEvent{At: s.now().UTC().Truncate(time.Millisecond), Kind: kind, UserID: after.ID, Email: after.Email,
		Role: after.Role, UnitID: after.UnitID, UnitName: s.UnitName(ctx, after.UnitID), CoolingUntil: after.CoolingUntil, Watchers: ws}
	if kind == StaffingAccountDisabled {
		e.CoolingUntil = time.Time{} // a disabled account has no cooling period to show
	}
	if kind == StaffingRoleChanged {
		e.FromRole, e.FromUnitID, e.FromUnitName = before.Role, before.UnitID, s.UnitName(ctx, before.UnitID)
	}
	if actor != nil {
		e.ActorID, e.ActorEmail = actor.UserID, actor.Email
	}
	if err := s.staffing.InsertStaffingEvent(ctx, e); err != nil {
		return Wrap(err, ReasonSavedNotAnnounced, "The change was saved but could not be announced to the unit; tell the operator.")
	}
	s.mailWatchers(ctx, e)
	return nil
}

// mailWatchers queues the staffing e-mail for every active lead and
// monitor of the event's watching units. A failure to queue does not undo
// the change: the feed shows it. The monitors of the supervising Front
// committees are among them whatever happened to the unit's leads, so a
// change that leaves a unit without an active lead is still told.
func (s *Staff) mailWatchers(ctx context.Context, e *StaffingEvent) {
	if s.outbox == nil {
		return
	}
	users, err := s.users.ListUsers(ctx, 1000)
	if err != nil {
		s.log("staffing change not mailed", "event", e.ID, "error", err)
		return
	}
	for _, u := range users {
		if !u.Active || (u.Role != RoleLead && u.Role != RoleMonitor) || !slices.Contains(e.Watchers, u.UnitID) {
			continue
		}
		n := NotifyStaffing(u.Email, e)
		n.CreatedAt = e.At
		n.NextAttempt = e.At
		_, _ = s.outbox.EnqueueNotification(context.WithoutCancel(ctx), n)
	}
}

// SupervisingCommittees returns the Front committees that supervise the
// inspection unit id: those its routing rules name with it, or, when no
// rule names one, every active committee (no unit goes unwatched).
func (o *Org) SupervisingCommittees(ctx context.Context, id string) ([]string, error) {
	rules, err := o.store.FindRoutingRules(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, r := range rules {
		if r.InspectionUnitID == id && r.FrontUnitID != "" && !slices.Contains(out, r.FrontUnitID) {
			out = append(out, r.FrontUnitID)
		}
	}
	if len(out) > 0 {
		return out, nil
	}
	units, err := o.store.FindUnits(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		if u.Active && u.Type == UnitFront {
			out = append(out, u.ID)
		}
	}
	return out, nil
}
