package services

import (
	"context"
	"encoding/json"
	"strings"
	"time"
)

// CanSeeCase is the one rule of who may see a report: inspectors and leads
// of the unit handling it, monitors of the Front committee supervising it.
// Admins configure the portal and see no report.
func (a Actor) CanSeeCase(c Case) bool {
	switch a.Role {
	case RoleInspector, RoleLead:
		return a.UnitID != "" && c.UnitID == a.UnitID
	case RoleMonitor:
		return a.UnitID != "" && c.FrontUnitID == a.UnitID
	}
	return false
}

// errNoCase hides reports the actor may not see: no existence oracle.
var errNoCase = Errorf(CodeNotFound, "No such report.")

// Custody grant states.
const (
	GrantPending  = "pending"
	GrantApproved = "approved"
	GrantDenied   = "denied"
)

// CustodyTTL is how long an approved grant lets its holder read the identity.
const CustodyTTL = 24 * time.Hour

// CustodyGrant is a request to see a report's complainant identity.
type CustodyGrant struct {
	ID             string
	CaseID         string
	TrackingCode   string
	UnitID         string
	RequesterID    string
	RequesterEmail string
	Reason         string
	Status         string
	DecidedBy      string
	Note           string
	CreatedAt      time.Time
	DecidedAt      time.Time
	ExpiresAt      time.Time
}

// Expired reports whether an approved grant has run out at now.
func (g CustodyGrant) Expired(now time.Time) bool {
	return g.Status == GrantApproved && !now.Before(g.ExpiresAt)
}

// CustodyStore keeps custody grants.
type CustodyStore interface {
	InsertGrant(ctx context.Context, g *CustodyGrant) error
	FindGrant(ctx context.Context, id string) (CustodyGrant, error)
	// DecideGrant moves a pending grant to approved or denied; a grant that
	// is no longer pending is a conflict.
	DecideGrant(ctx context.Context, id string, g CustodyGrant) (CustodyGrant, error)
	ListGrantsByRequester(ctx context.Context, userID string, limit int) ([]CustodyGrant, error)
	ListGrantsByUnit(ctx context.Context, unitID string, limit int) ([]CustodyGrant, error)
	// FindApprovedGrant returns the requester's latest approved grant on a report.
	FindApprovedGrant(ctx context.Context, caseID, userID string) (CustodyGrant, error)
}

// Custody runs identity custody (DESIGN.md §2): an inspector asks with a
// reason, a lead of the unit decides, an approved holder may read the
// identity for 24 hours. Every step is an event on the report's timeline.
type Custody struct {
	Cases      CaseStore
	Grants     CustodyStore
	Identities IdentityStore
	Sealer     Sealer
	Now        func() time.Time
}

func (s *Custody) visibleCase(ctx context.Context, actor Actor, caseID string) (Case, error) {
	if !actor.IsStaff() {
		return Case{}, Errorf(CodeUnauthorized, "Sign in first.")
	}
	c, err := s.Cases.FindCaseByID(ctx, caseID)
	if IsCode(err, CodeNotFound) || (err == nil && !actor.CanSeeCase(c)) {
		return Case{}, errNoCase
	}
	return c, err
}

func (s *Custody) record(ctx context.Context, c Case, e Event) error {
	for range 10 {
		_, err := s.Cases.UpdateCase(ctx, c.ID, c.Version, CaseChange{Events: []Event{e}, At: e.At})
		if !IsCode(err, CodeConflict) {
			return err
		}
		if c, err = s.Cases.FindCaseByID(ctx, c.ID); err != nil {
			return err
		}
	}
	return Errorf(CodeConflict, "The report is changing too often; please try again.")
}

// Request asks for access to a report's identity.
func (s *Custody) Request(ctx context.Context, actor Actor, caseID, reason string) (CustodyGrant, error) {
	c, err := s.visibleCase(ctx, actor, caseID)
	if err != nil {
		return CustodyGrant{}, err
	}
	if actor.Role != RoleInspector && actor.Role != RoleLead {
		return CustodyGrant{}, Errorf(CodeForbidden, "Only inspectors of the handling unit may ask to see an identity.")
	}
	if !c.HasIdentity {
		return CustodyGrant{}, Errorf(CodeConflict, "This report was filed anonymously: there is no identity to see.")
	}
	reason = strings.TrimSpace(reason)
	f := FieldErrors{}
	checkText(f, "reason", reason, MaxReasonChars, true)
	if err := f.Err(); err != nil {
		return CustodyGrant{}, err
	}
	now := s.Now().UTC().Truncate(time.Millisecond)
	g := &CustodyGrant{CaseID: c.ID, TrackingCode: c.TrackingCode, UnitID: c.UnitID, RequesterID: actor.UserID,
		RequesterEmail: actor.Email, Reason: reason, Status: GrantPending, CreatedAt: now}
	if err := s.Grants.InsertGrant(ctx, g); err != nil {
		return CustodyGrant{}, err
	}
	err = s.record(ctx, c, Event{Type: EventCustodyRequested, At: now, Actor: actor.UserID, Note: reason, Ref: g.ID})
	return *g, err
}

// Decide approves or denies a pending request; only a lead of the report's
// unit, and never for their own request.
func (s *Custody) Decide(ctx context.Context, actor Actor, grantID string, approve bool, note string) (CustodyGrant, error) {
	if !actor.IsStaff() {
		return CustodyGrant{}, Errorf(CodeUnauthorized, "Sign in first.")
	}
	g, err := s.Grants.FindGrant(ctx, grantID)
	if IsCode(err, CodeNotFound) || (err == nil && g.UnitID != actor.UnitID) || (err == nil && actor.Role == RoleAdmin) {
		return CustodyGrant{}, Errorf(CodeNotFound, "No such request.")
	}
	if err != nil {
		return CustodyGrant{}, err
	}
	if actor.Role != RoleLead {
		return CustodyGrant{}, Errorf(CodeForbidden, "Only a lead of the unit may decide.")
	}
	if g.RequesterID == actor.UserID {
		return CustodyGrant{}, Errorf(CodeForbidden, "A request must be decided by another lead.")
	}
	c, err := s.visibleCase(ctx, actor, g.CaseID)
	if err != nil {
		return CustodyGrant{}, err
	}
	now := s.Now().UTC().Truncate(time.Millisecond)
	d := CustodyGrant{Status: GrantDenied, DecidedBy: actor.UserID, Note: strings.TrimSpace(note), DecidedAt: now}
	if approve {
		d.Status, d.ExpiresAt = GrantApproved, now.Add(CustodyTTL)
	}
	g, err = s.Grants.DecideGrant(ctx, grantID, d)
	if err != nil {
		return CustodyGrant{}, err
	}
	err = s.record(ctx, c, Event{Type: EventCustodyDecided, At: now, Actor: actor.UserID, Status: "", Note: g.Status, Ref: g.ID})
	return g, err
}

// List returns the custody requests an actor deals with: an inspector's own,
// a lead's unit's.
func (s *Custody) List(ctx context.Context, actor Actor) ([]CustodyGrant, error) {
	switch {
	case !actor.IsStaff():
		return nil, Errorf(CodeUnauthorized, "Sign in first.")
	case actor.Role == RoleInspector:
		return s.Grants.ListGrantsByRequester(ctx, actor.UserID, 200)
	case actor.Role == RoleLead:
		return s.Grants.ListGrantsByUnit(ctx, actor.UnitID, 200)
	}
	return nil, Errorf(CodeForbidden, "Identity custody is for inspection units only.")
}

// Identity is a complainant's identity, decrypted for a grant holder.
type Identity = IdentityInput

// ReadIdentity returns the identity of a report to the holder of an
// approved, unexpired grant, and records the reading. Monitors and admins
// are always refused. The identity is decrypted only here.
func (s *Custody) ReadIdentity(ctx context.Context, actor Actor, caseID string) (Identity, error) {
	c, err := s.visibleCase(ctx, actor, caseID)
	if err != nil {
		return Identity{}, err
	}
	if actor.Role != RoleInspector && actor.Role != RoleLead {
		return Identity{}, Errorf(CodeForbidden, "Only a custody holder of the handling unit may see the identity.")
	}
	g, err := s.Grants.FindApprovedGrant(ctx, c.ID, actor.UserID)
	now := s.Now().UTC()
	if IsCode(err, CodeNotFound) || (err == nil && g.Expired(now)) {
		return Identity{}, Errorf(CodeForbidden, "You hold no current custody grant for this report.")
	}
	if err != nil {
		return Identity{}, err
	}
	sealed, err := s.Identities.FindIdentity(ctx, c.ID)
	if err != nil {
		return Identity{}, err
	}
	// Record the reading before the identity leaves the service.
	if err := s.record(ctx, c, Event{Type: EventIdentityRead, At: now.Truncate(time.Millisecond), Actor: actor.UserID, Ref: g.ID}); err != nil {
		return Identity{}, err
	}
	plain, err := s.Sealer.Open(sealed.Sealed, []byte(c.ID))
	if err != nil {
		return Identity{}, Wrap(err, CodeInternal, "The identity could not be opened.")
	}
	var id Identity
	if err := json.Unmarshal(plain, &id); err != nil {
		return Identity{}, Wrap(err, CodeInternal, "The identity could not be read.")
	}
	return id, nil
}
