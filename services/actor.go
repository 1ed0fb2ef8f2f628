package services

import (
	"context"
	"time"
)

// Role is a staff member's role.
type Role string

// The staff roles (docs/workflow.md, "Units, roles, categories and routing").
const (
	RoleAdmin     Role = "admin"
	RoleLead      Role = "lead"
	RoleInspector Role = "inspector"
	RoleMonitor   Role = "monitor"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	switch r {
	case RoleAdmin, RoleLead, RoleInspector, RoleMonitor:
		return true
	}
	return false
}

// Actor is who performs an action: a staff member (from a verified access
// token, checked against the current user record) or nobody.
type Actor struct {
	UserID string
	Email  string
	Role   Role
	UnitID string // the inspection unit (inspector, lead) or Front committee (monitor); empty for admins
}

// IsStaff reports whether the actor is a signed-in staff member.
func (a Actor) IsStaff() bool { return a.UserID != "" && a.Role.Valid() }

// RequireAdmin refuses anyone but an admin. Admin routes are not secret,
// so this is a 403, not a 404.
func (a Actor) RequireAdmin() error {
	if !a.IsStaff() {
		return Errorf(ReasonSignInFirst, "Sign in first.")
	}
	if a.Role != RoleAdmin {
		return Errorf(ReasonAdminOnly, "Only administrators may do this.")
	}
	return nil
}

// AdminEvent is one recorded change to the portal's configuration.
type AdminEvent struct {
	// ID is given by LoggedAdminEvents (NewAdminEventID), which binds the
	// event to its public log entry; the store assigns one when empty.
	ID      string
	At      time.Time
	ActorID string
	Action  string // e.g. "unit.create", "user.update"
	Target  string // the id or code changed
	Summary string // what changed, without secrets
}

// AdminAuditStore records configuration changes.
type AdminAuditStore interface {
	InsertAdminEvent(ctx context.Context, e AdminEvent) error
	ListAdminEvents(ctx context.Context, limit int) ([]AdminEvent, error)
	// EachAdminEvent calls fn with every admin event, oldest first.
	EachAdminEvent(ctx context.Context, fn func(AdminEvent) error) error
}
