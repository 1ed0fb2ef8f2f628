package services

import "context"

// QueueStore lists reports for a unit.
type QueueStore interface {
	// FindUnitCases returns up to limit reports handled (inspection) or
	// supervised (front) by unitID, newest first.
	FindUnitCases(ctx context.Context, unitID string, front bool, limit int) ([]Case, error)
}

// Queue is a unit's list of reports. The full queue (filters, cursors,
// counts, clocks) comes with case handling.
type Queue struct {
	Store QueueStore
}

// List returns the reports the actor's unit handles or supervises.
func (q *Queue) List(ctx context.Context, actor Actor) ([]Case, error) {
	switch {
	case !actor.IsStaff():
		return nil, Errorf(CodeUnauthorized, "Sign in first.")
	case actor.Role == RoleAdmin:
		return nil, Errorf(CodeForbidden, "Administrators do not handle reports.")
	}
	return q.Store.FindUnitCases(ctx, actor.UnitID, actor.Role == RoleMonitor, 100)
}
