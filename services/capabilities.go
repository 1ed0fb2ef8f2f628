package services

import (
	"context"
	"slices"
	"time"
)

// Who may do what to a report. Each rule is one function that both the
// action and the report page use: the action refuses with the rule's error,
// and the page offers the action (Capabilities) exactly when the rule
// passes, so the web app never re-implements a rule. Every rule assumes the
// actor may see the report (reports.visible): seeing is decided once, there.

// mayHandle admits the inspectors and leads of the report's unit.
func mayHandle(a Actor, c Case) error {
	if (a.Role != RoleInspector && a.Role != RoleLead) || a.UnitID == "" || a.UnitID != c.UnitID {
		return Errorf(ReasonHandlingUnitOnly, "Only the handling unit may do this.")
	}
	return nil
}

// mayLead admits the leads of the report's unit.
func mayLead(a Actor, c Case, reason Reason, msg string) error {
	if err := mayHandle(a, c); err != nil {
		return err
	}
	if a.Role != RoleLead {
		return Errorf(reason, "%s", msg)
	}
	return nil
}

// mayAssign: the unit, while the report is being handled.
func mayAssign(a Actor, c Case) error {
	if err := mayHandle(a, c); err != nil {
		return err
	}
	if !c.Status.Open() {
		return Errorf(ReasonAssignClosed, "Only a report still being handled can be assigned.")
	}
	return nil
}

// mayReroute: a lead of the unit, while the report is being handled (a
// finished report stays with the unit that finished it).
func mayReroute(a Actor, c Case) error {
	if err := mayLead(a, c, ReasonLeadOnlyReroute, "Only a lead may re-route a report."); err != nil {
		return err
	}
	if !c.Status.Open() {
		return Errorf(ReasonRerouteClosed, "Only a report still being handled can be re-routed.")
	}
	return nil
}

// mayPropose: the unit, while the report is being investigated.
func mayPropose(a Actor, c Case) error {
	if err := mayHandle(a, c); err != nil {
		return err
	}
	if c.Status != StatusInvestigating {
		return Errorf(ReasonProposeNotInvestigating, "A conclusion can be proposed only while the report is being investigated.")
	}
	return nil
}

// mayPublish: a lead of the unit, for a concluded report whose summary is
// not yet published.
func mayPublish(a Actor, c Case) error {
	if err := mayLead(a, c, ReasonLeadOnlyPublish, "Only a lead may approve a public summary."); err != nil {
		return err
	}
	if c.Outcome == nil || (c.Status != StatusConcluded && c.Status != StatusClosed && c.Status != StatusAppealed) {
		return Errorf(ReasonPublishNotConcluded, "Only a concluded report's summary can be published.")
	}
	if c.Outcome.Published {
		return Errorf(ReasonSummaryPublished, "This summary is already published.")
	}
	return nil
}

// resolving reports whether the report's resolution clock runs (its
// deadline can be extended).
func resolving(c Case) bool { return c.Status == StatusAccepted || c.Status == StatusInvestigating }

// mayExtend: the unit, while the report is being resolved.
func mayExtend(a Actor, c Case) error {
	if err := mayHandle(a, c); err != nil {
		return err
	}
	if !resolving(c) {
		return Errorf(ReasonExtensionNotResolving, "Only a report being resolved (accepted or under investigation) can have its deadline extended.")
	}
	return nil
}

// mayDecideExtension: a lead of the unit.
func mayDecideExtension(a Actor, c Case) error {
	return mayLead(a, c, ReasonLeadOnlyExtension, "Only a lead may decide on an extension.")
}

// mayRecommend: the monitors of the report's Front committee.
func mayRecommend(a Actor, c Case) error {
	if a.Role != RoleMonitor || a.UnitID == "" || a.UnitID != c.FrontUnitID {
		return Errorf(ReasonMonitorOnly, "Only monitors of the Front committee file recommendations.")
	}
	return nil
}

// mayRequestCustody: the unit, for a named report.
func mayRequestCustody(a Actor, c Case) error {
	if err := mayHandle(a, c); err != nil {
		return Errorf(ReasonIdentityInspectorsOnly, "Only inspectors of the handling unit may ask to see an identity.")
	}
	if !c.HasIdentity {
		return Errorf(ReasonAnonymousNoIdentity, "This report was filed anonymously: there is no identity to see.")
	}
	return nil
}

// mayRequestOriginals: the unit, for any report with a file that may be
// served (anonymous reports included: an originals grant never opens the
// identity).
func mayRequestOriginals(a Actor, c Case) error {
	if err := mayHandle(a, c); err != nil {
		return Errorf(ReasonOriginalsInspectorsOnly, "Only inspectors of the handling unit may ask to open the original files.")
	}
	for _, at := range c.Attachments {
		if !at.Quarantined() {
			return nil
		}
	}
	return Errorf(ReasonOriginalsNoFile, "This report has no file that can be opened.")
}

// holdsCustody: an inspector or lead of the report's unit holding an
// approved, unexpired grant on it that opens what kind asks for, decided by
// someone else (g is one of the actor's grants). Who the two people are now
// is the CustodyGate's to check.
func holdsCustody(a Actor, c Case, g CustodyGrant, kind string, now time.Time) bool {
	return mayHandle(a, c) == nil && g.ID != "" && g.CaseID == c.ID && g.RequesterID == a.UserID && g.Opens(kind) &&
		g.Status == GrantApproved && !g.Expired(now) && g.UnitID == c.UnitID && g.DecidedBy != "" && g.DecidedBy != g.RequesterID
}

// CustodyGate is the one rule of who takes part in custody of identities
// and of original files (docs/privacy.md, "Separation of duties"), used
// alike to ask, to decide, to read the identity, to download an original
// and to offer these on a report's page: two different people, one who asks and a lead who
// approves, each — at every step and again at every reading — an active
// inspector or lead of the report's current unit, out of any cooling
// period, and with a second factor where the portal requires one. It reads
// the accounts from the store, not from a token or a cache.
type CustodyGate struct {
	Grants     CustodyStore
	Users      UserStore
	Require2FA bool
}

// forOneRequest returns a copy of the gate that reads each person's grants
// on a report and each account at most once: a report's page asks the gate
// five questions about the same people and grants within one request, and
// each would otherwise read them again. Only for one request: the gate's
// rule is that accounts are re-read at every reading.
func (g *CustodyGate) forOneRequest() *CustodyGate {
	if g == nil || g.Grants == nil || g.Users == nil {
		return g
	}
	c := *g
	c.Grants = &grantsReadOnce{CustodyStore: g.Grants, lists: map[grantsKey][]CustodyGrant{}}
	c.Users = &usersReadOnce{UserStore: g.Users, users: map[string]User{}}
	return &c
}

// grantsReadOnce keeps the grant lists it has read (errors are not kept).
type grantsReadOnce struct {
	CustodyStore
	lists map[grantsKey][]CustodyGrant
}

type grantsKey struct {
	caseID, userID string
	limit          int
}

func (s *grantsReadOnce) ListCaseGrants(ctx context.Context, caseID, userID string, limit int) ([]CustodyGrant, error) {
	k := grantsKey{caseID, userID, limit}
	if gs, ok := s.lists[k]; ok {
		return slices.Clone(gs), nil
	}
	gs, err := s.CustodyStore.ListCaseGrants(ctx, caseID, userID, limit)
	if err == nil {
		s.lists[k] = slices.Clone(gs)
	}
	return gs, err
}

// usersReadOnce keeps the accounts it has read (errors are not kept).
type usersReadOnce struct {
	UserStore
	users map[string]User
}

func (s *usersReadOnce) FindUserByID(ctx context.Context, id string) (User, error) {
	if u, ok := s.users[id]; ok {
		return u, nil
	}
	u, err := s.UserStore.FindUserByID(ctx, id)
	if err == nil {
		s.users[id] = u
	}
	return u, err
}

func (g *CustodyGate) ready() error {
	if g == nil || g.Grants == nil || g.Users == nil {
		return Errorf(ReasonCustodyUnavailable, "Identity custody is not available here.")
	}
	return nil
}

// custodyParty is whose account a custody check is about; each has its own
// reasons, so the user reads whose account blocks the custody.
type custodyParty struct {
	who                             string
	gone, notInUnit, cooling, no2FA Reason
}

var (
	partySelf = custodyParty{"Your account",
		ReasonCustodySelfGone, ReasonCustodySelfNotInUnit, ReasonCustodySelfCooling, ReasonCustodySelfNo2FA}
	partyRequester = custodyParty{"The requester's account",
		ReasonCustodyRequesterGone, ReasonCustodyRequesterNotInUnit, ReasonCustodyRequesterCooling, ReasonCustodyRequesterNo2FA}
	partyApprover = custodyParty{"The account of the lead who approved the grant",
		ReasonCustodyApproverGone, ReasonCustodyApproverNotInUnit, ReasonCustodyApproverCooling, ReasonCustodyApproverNo2FA}
)

// custodian checks that account id (of party p) may take part in custody
// of report c at now; lead requires a lead.
func (g *CustodyGate) custodian(ctx context.Context, id string, c Case, now time.Time, lead bool, p custodyParty) error {
	who := p.who
	u, err := g.Users.FindUserByID(ctx, id)
	if IsCode(err, CodeNotFound) || IsCode(err, CodeInvalid) {
		return Errorf(p.gone, "%s no longer exists.", who)
	}
	if err != nil {
		return err
	}
	switch {
	case !u.Active || mayHandle(Actor{UserID: u.ID, Role: u.Role, UnitID: u.UnitID}, c) != nil || (lead && u.Role != RoleLead):
		return &Error{Code: CodeForbidden, Reason: p.notInUnit, Message: who + " is no longer " + map[bool]string{true: "a lead", false: "an inspector or lead"}[lead] +
			" of the unit handling this report.", Fields: map[string]string{"custody": "not_in_unit"}}
	case u.Cooling(now):
		return &Error{Code: CodeForbidden, Reason: p.cooling, Message: who + " was changed by an administrator recently (a new account, a reset, a new role or unit): " +
			"it takes no part in custody (of identities or original files) until " + u.CoolingUntil.UTC().Format("2006-01-02 15:04") + " UTC.",
			Fields: map[string]string{"custody": "cooling"}}
	case g.Require2FA && !u.TOTPEnabled:
		return &Error{Code: CodeForbidden, Reason: p.no2FA, Message: who + " has no second factor: custody of identities and original files requires one.",
			Fields: map[string]string{"custody": "second_factor"}}
	}
	return nil
}

// mayRequest: the unit, by someone in good standing, for a named report
// (identity) or a report with files (originals); not again while the
// actor's request of that kind waits for a decision, nor for originals
// the actor may already open.
func (g *CustodyGate) mayRequest(ctx context.Context, a Actor, c Case, kind string, now time.Time) error {
	rule := mayRequestCustody
	if kind == CustodyOriginals {
		rule = mayRequestOriginals
	}
	if err := rule(a, c); err != nil {
		return err
	}
	if err := g.ready(); err != nil {
		return err
	}
	if err := g.custodian(ctx, a.UserID, c, now, false, partySelf); err != nil {
		return err
	}
	if kind != CustodyOriginals {
		return nil
	}
	if _, pending, err := g.pendingOriginals(ctx, a, c); err != nil || pending {
		if err != nil {
			return err
		}
		return &Error{Code: CodeConflict, Reason: ReasonOriginalsPending, Message: "Your request to open the originals is waiting for a lead's decision.",
			Fields: map[string]string{"custody": "pending"}}
	}
	noGrant := Errorf(ReasonCustodyNoGrant, "no grant")
	_, err := g.holder(ctx, a, c, now, CustodyOriginals, noGrant)
	switch {
	case err == nil:
		return &Error{Code: CodeConflict, Reason: ReasonOriginalsHeld, Message: "You may already open the originals of this report.",
			Fields: map[string]string{"custody": "held"}}
	case IsCode(err, CodeForbidden):
		return nil // no usable grant: asking is what to do
	}
	return err
}

// maxCaseGrants caps the grants of one person on one report that are read
// at once (newest first); nobody asks that often.
const maxCaseGrants = 50

// pendingOriginals returns the actor's request to open the originals of
// report c that waits for a decision (ok false when there is none).
func (g *CustodyGate) pendingOriginals(ctx context.Context, a Actor, c Case) (CustodyGrant, bool, error) {
	if g.ready() != nil || mayHandle(a, c) != nil {
		return CustodyGrant{}, false, nil
	}
	gs, err := g.Grants.ListCaseGrants(ctx, c.ID, a.UserID, maxCaseGrants)
	if err != nil {
		return CustodyGrant{}, false, err
	}
	for _, gr := range gs {
		if gr.Kind == CustodyOriginals && gr.Status == GrantPending && gr.UnitID == c.UnitID {
			return gr, true, nil
		}
	}
	return CustodyGrant{}, false, nil
}

// mayDecide: a lead of the unit other than the requester, both in good
// standing.
func (g *CustodyGate) mayDecide(ctx context.Context, a Actor, gr CustodyGrant, c Case, now time.Time) error {
	if err := g.ready(); err != nil {
		return err
	}
	if gr.RequesterID == a.UserID {
		return Errorf(ReasonCustodyOtherLead, "A request must be decided by another lead.")
	}
	if err := g.custodian(ctx, a.UserID, c, now, true, partySelf); err != nil {
		return err
	}
	return g.custodian(ctx, gr.RequesterID, c, now, false, partyRequester)
}

// holder returns the actor's current grant on report c that opens kind
// (an identity grant opens the originals too) when the actor may use it
// now: holdsCustody, and both the actor and the lead who approved still in
// good standing. Of several such grants it returns the one that lasts
// longest. noGrant is the error when the actor holds none.
func (g *CustodyGate) holder(ctx context.Context, a Actor, c Case, now time.Time, kind string, noGrant error) (CustodyGrant, error) {
	if err := g.ready(); err != nil {
		return CustodyGrant{}, err
	}
	gs, err := g.Grants.ListCaseGrants(ctx, c.ID, a.UserID, maxCaseGrants)
	if err != nil {
		return CustodyGrant{}, err
	}
	gs = slices.DeleteFunc(gs, func(gr CustodyGrant) bool { return !holdsCustody(a, c, gr, kind, now) })
	if len(gs) == 0 {
		return CustodyGrant{}, noGrant
	}
	if err := g.custodian(ctx, a.UserID, c, now, false, partySelf); err != nil {
		return CustodyGrant{}, err
	}
	slices.SortStableFunc(gs, func(x, y CustodyGrant) int { return y.ExpiresAt.Compare(x.ExpiresAt) })
	var refused error
	for _, gr := range gs {
		err := g.custodian(ctx, gr.DecidedBy, c, now, true, partyApprover)
		if err == nil {
			return gr, nil
		}
		if refused == nil {
			refused = err
		}
	}
	return CustodyGrant{}, refused
}

// citizenMayWrite: the citizen may write to the unit and add evidence until
// the report is withdrawn or closed.
func citizenMayWrite(c Case) error {
	if c.Status == StatusWithdrawn || c.Status == StatusClosed {
		return Errorf(ReasonReportClosed, "This report is %s: nothing more can be added to it. File a new report if needed.", c.Status)
	}
	return nil
}

// Capabilities are what the caller may do to a report now, as its page
// offers them. Status moves are listed apart (CasePage.AllowedTransitions).
type Capabilities struct {
	Assign                bool // assign it (to someone in CasePage.Assignable)
	Reroute               bool // send it to another unit
	Note                  bool // add an internal note
	Message               bool // write to the citizen
	Propose               bool // propose a conclusion for a lead to approve (the caller cannot conclude directly)
	Publish               bool // publish the approved public summary
	Extend                bool // ask to extend the resolution deadline
	DecideExtensions      bool // approve or refuse extension requests
	Recommend             bool // file a Front recommendation
	AnswerRecommendations bool // answer the Front's recommendations
	RequestCustody        bool // ask to see the complainant's identity
	Identity              bool // read the complainant's identity (holds identity custody)
	RequestOriginals      bool // ask to open the original files
	Originals             bool // download original evidence (holds identity or originals custody)
}
