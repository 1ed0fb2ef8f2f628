package services

import (
	"context"
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

// Custody grant states.
const (
	GrantPending  = "pending"
	GrantApproved = "approved"
	GrantDenied   = "denied"
)

// CustodyTTL is how long an approved grant lets its holder read the
// identity, or open the originals: one time limit for both kinds.
const CustodyTTL = 24 * time.Hour

// Custody grant kinds (docs/privacy.md, "Custody"): what an approved grant
// opens.
const (
	// CustodyIdentity opens the complainant's identity, the citizen's file
	// names and the original files. Named reports only. A stored grant
	// without a kind is one of these (every grant before kinds existed).
	CustodyIdentity = "identity"
	// CustodyOriginals opens the original files only (under their neutral
	// names), never the identity. Any report, anonymous ones included.
	CustodyOriginals = "originals"
)

// ParseCustodyKind reads the kind of a custody request: empty is an
// identity request (the request body before kinds existed); an unknown
// kind is invalid, with a field error on "kind".
func ParseCustodyKind(s string) (string, error) {
	switch strings.TrimSpace(s) {
	case "", CustodyIdentity:
		return CustodyIdentity, nil
	case CustodyOriginals:
		return CustodyOriginals, nil
	}
	return "", &Error{Code: CodeInvalid, Reason: ReasonFieldsInvalid, Message: "Unknown kind of custody request: ask for \"identity\" or \"originals\".",
		Fields: map[string]string{"kind": "invalid"}}
}

// CustodyGrant is a request to see a report's complainant identity, or its
// original files (Kind).
type CustodyGrant struct {
	ID             string
	Kind           string // CustodyIdentity or CustodyOriginals
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
	// Lapsed is set on the grants the service returns when an approved
	// grant has expired (it is not stored).
	Lapsed bool
	// RequesterName and DeciderName are the staff display names of the
	// requester and of the lead who decided, set on the grants the service
	// returns (not stored; empty for an account since removed).
	RequesterName, DeciderName string
}

// Opens reports whether a grant of this kind opens what a grant of kind
// want opens: an identity grant opens the originals too.
func (g CustodyGrant) Opens(want string) bool {
	return g.Kind == want || (g.Kind == CustodyIdentity && want == CustodyOriginals)
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
	// ListCaseGrants returns a requester's grants on one report, of every
	// kind and status, newest first.
	ListCaseGrants(ctx context.Context, caseID, userID string, limit int) ([]CustodyGrant, error)
}

// Custody runs custody of identities and of original files
// (docs/privacy.md, "Custody"): an inspector asks with a reason, another
// lead of the unit decides, an approved holder may read the identity (or
// open the originals) for 24 hours. Every step is an event on the
// report's timeline.
type Custody struct {
	reports reports
	grants  CustodyStore
	gate    *CustodyGate
	vault   *IdentityVault
	now     func() time.Time
}

// CustodyOptions are what Custody needs.
type CustodyOptions struct {
	Cases  CaseStore // the audited store: every step is chained
	Grants CustodyStore
	// Gate decides who takes part (nil: nobody).
	Gate  *CustodyGate
	Vault *IdentityVault
	Now   func() time.Time // time.Now when nil
}

// NewCustody makes the custody service.
func NewCustody(o CustodyOptions) *Custody {
	return &Custody{reports: reports{o.Cases}, grants: o.Grants, gate: o.Gate, vault: o.Vault, now: clockOrNow(o.Now)}
}

// withExpiry marks the approved grants that have run out by now.
func (s *Custody) withExpiry(gs ...CustodyGrant) []CustodyGrant {
	now := s.now()
	for i := range gs {
		gs[i].Lapsed = gs[i].Expired(now)
	}
	return gs
}

// Request asks for custody of kind (ParseCustodyKind: "identity" or
// "originals") of a report, with a reason.
func (s *Custody) Request(ctx context.Context, actor Actor, caseID, kind, reason string) (CustodyGrant, error) {
	c, err := s.reports.visible(ctx, actor, caseID)
	if err != nil {
		return CustodyGrant{}, err
	}
	if kind, err = ParseCustodyKind(kind); err != nil {
		return CustodyGrant{}, err
	}
	if err := s.gate.mayRequest(ctx, actor, c, kind, s.now().UTC()); err != nil {
		return CustodyGrant{}, err
	}
	reason = strings.TrimSpace(reason)
	f := FieldErrors{}
	checkText(f, "reason", reason, MaxReasonChars, true)
	if err := f.Err(); err != nil {
		return CustodyGrant{}, err
	}
	now := stamp(s.now)
	g := &CustodyGrant{Kind: kind, CaseID: c.ID, TrackingCode: c.TrackingCode, UnitID: c.UnitID, RequesterID: actor.UserID,
		RequesterEmail: actor.Email, Reason: reason, Status: GrantPending, CreatedAt: now}
	if err := s.grants.InsertGrant(ctx, g); err != nil {
		return CustodyGrant{}, err
	}
	_, err = s.reports.add(ctx, c, CaseChange{At: now, Events: []Event{{Type: eventsOf(kind).requested, At: now, Actor: actor.UserID, Note: reason, Ref: g.ID}}})
	if err != nil {
		return CustodyGrant{}, err
	}
	return s.named(ctx, s.withExpiry(*g)...)[0], nil
}

// custodyEvents are the timeline events of each kind of custody: a
// monitor reading the report sees which was asked for and decided.
var custodyEvents = map[string]struct{ requested, decided EventType }{
	CustodyIdentity:  {EventCustodyRequested, EventCustodyDecided},
	CustodyOriginals: {EventOriginalsRequested, EventOriginalsDecided},
}

func eventsOf(kind string) struct{ requested, decided EventType } {
	if ev, ok := custodyEvents[kind]; ok {
		return ev
	}
	return custodyEvents[CustodyIdentity]
}

// named fills in the requester's and decider's display names.
func (s *Custody) named(ctx context.Context, gs ...CustodyGrant) []CustodyGrant {
	if s.gate == nil || s.gate.Users == nil {
		return gs
	}
	names := map[string]string{}
	name := func(id string) string {
		if id == "" {
			return ""
		}
		n, ok := names[id]
		if !ok {
			// A removed account has no name; the grant is still listed.
			if u, err := s.gate.Users.FindUserByID(ctx, id); err == nil {
				n = u.Name
			}
			names[id] = n
		}
		return n
	}
	for i := range gs {
		gs[i].RequesterName, gs[i].DeciderName = name(gs[i].RequesterID), name(gs[i].DecidedBy)
	}
	return gs
}

// Decide approves or denies a pending request; only a lead of the report's
// unit, and never for their own request.
func (s *Custody) Decide(ctx context.Context, actor Actor, grantID string, approve bool, note string) (CustodyGrant, error) {
	if !actor.IsStaff() {
		return CustodyGrant{}, Errorf(ReasonSignInFirst, "Sign in first.")
	}
	g, err := s.grants.FindGrant(ctx, grantID)
	if IsCode(err, CodeNotFound) || (err == nil && g.UnitID != actor.UnitID) || (err == nil && actor.Role == RoleAdmin) {
		return CustodyGrant{}, Errorf(ReasonCustodyNotFound, "No such request.")
	}
	if err != nil {
		return CustodyGrant{}, err
	}
	if actor.Role != RoleLead {
		return CustodyGrant{}, Errorf(ReasonCustodyLeadOnly, "Only a lead of the unit may decide.")
	}
	if g.RequesterID == actor.UserID {
		return CustodyGrant{}, Errorf(ReasonCustodyOtherLead, "A request must be decided by another lead.")
	}
	c, err := s.reports.visible(ctx, actor, g.CaseID)
	if err != nil {
		return CustodyGrant{}, err
	}
	if approve {
		if err := s.gate.mayDecide(ctx, actor, g, c, s.now().UTC()); err != nil {
			return CustodyGrant{}, err
		}
	}
	now := stamp(s.now)
	d := CustodyGrant{Status: GrantDenied, DecidedBy: actor.UserID, Note: strings.TrimSpace(note), DecidedAt: now}
	if approve {
		d.Status, d.ExpiresAt = GrantApproved, now.Add(CustodyTTL)
	}
	g, err = s.grants.DecideGrant(ctx, grantID, d)
	if err != nil {
		return CustodyGrant{}, err
	}
	_, err = s.reports.add(ctx, c, CaseChange{At: now, Events: []Event{{Type: eventsOf(g.Kind).decided, At: now, Actor: actor.UserID, Note: g.Status, Ref: g.ID}}})
	if err != nil {
		return CustodyGrant{}, err
	}
	return s.named(ctx, s.withExpiry(g)...)[0], nil
}

// List returns the custody requests an actor deals with: an inspector's own,
// a lead's unit's.
func (s *Custody) List(ctx context.Context, actor Actor) ([]CustodyGrant, error) {
	gs, err := s.list(ctx, actor)
	if err != nil {
		return nil, err
	}
	return s.named(ctx, s.withExpiry(gs...)...), nil
}

func (s *Custody) list(ctx context.Context, actor Actor) ([]CustodyGrant, error) {
	switch {
	case !actor.IsStaff():
		return nil, Errorf(ReasonSignInFirst, "Sign in first.")
	case actor.Role == RoleInspector:
		return s.grants.ListGrantsByRequester(ctx, actor.UserID, 200)
	case actor.Role == RoleLead:
		return s.grants.ListGrantsByUnit(ctx, actor.UnitID, 200)
	}
	return nil, Errorf(ReasonCustodyUnitsOnly, "Identity custody is for inspection units only.")
}

// Identity is a complainant's identity, decrypted for a grant holder.
type Identity = IdentityInput

// ReadIdentity returns the identity of a report to the holder of an
// approved, unexpired grant, and records the reading. Monitors and admins
// are always refused. The identity is decrypted only here.
func (s *Custody) ReadIdentity(ctx context.Context, actor Actor, caseID string) (Identity, error) {
	c, err := s.reports.visible(ctx, actor, caseID)
	if err != nil {
		return Identity{}, err
	}
	if mayHandle(actor, c) != nil {
		return Identity{}, Errorf(ReasonIdentityHolderOnly, "Only a custody holder of the handling unit may see the identity.")
	}
	now := s.now().UTC()
	g, err := s.gate.holder(ctx, actor, c, now, CustodyIdentity, Errorf(ReasonCustodyNoGrant, "You hold no current identity custody grant for this report."))
	if err != nil {
		return Identity{}, err
	}
	if s.vault == nil {
		return Identity{}, Errorf(ReasonNotConfigured, "Identities cannot be opened here.")
	}
	// Record the reading before the identity leaves the service.
	at := now.Truncate(time.Millisecond)
	if _, err := s.reports.add(ctx, c, CaseChange{At: at, Events: []Event{{Type: EventIdentityRead, At: at, Actor: actor.UserID, Ref: g.ID}}}); err != nil {
		return Identity{}, err
	}
	id, ok, err := s.vault.Open(ctx, c.ID)
	if err != nil {
		return Identity{}, err
	}
	if !ok {
		return Identity{}, Errorf(ReasonIdentityGone, "The identity of this report is no longer kept.")
	}
	return id, nil
}
