package services

import (
	"context"
	"slices"
	"time"
)

// CasePage is a report as a staff member or monitor sees it, with
// everything its page shows: never the complainant's identity (only
// whether there is one), evidence as metadata, and what the caller may do.
type CasePage struct {
	// Case is the report; for monitors without internal notes.
	Case Case
	// Clocks are the report's legal clocks; Overdue is set when a running
	// one is past its due date.
	Clocks  []Clock
	Overdue bool
	// UnitName and FrontUnitName name the handling unit and the
	// supervising committee (nil when unknown).
	UnitName, FrontUnitName *Text
	// AppealOfCode and AppealCode are the tracking codes of the linked
	// rounds (the caller may not see the other round when it went to
	// another unit, so it is named by its code).
	AppealOfCode, AppealCode string
	// People names the staff the report mentions, by id.
	People map[string]StaffName
	// Assignable lists whom the caller may assign the report to.
	Assignable []StaffName
	// Recommendations are the Front's recommendations with their overdue
	// state now.
	Recommendations []CaseRecommendation
	// AllowedTransitions are the status moves the caller may make now.
	AllowedTransitions []Status
	// Can is what else the caller may do now.
	Can Capabilities
	// OriginalNames are the citizen's file names by attachment id, for an
	// identity custody holder (Can.Identity) only; everyone else, a holder
	// of originals custody included, sees the neutral names of
	// Case.Attachments.
	OriginalNames map[string]string
	// CustodyUntil is when the caller's identity custody grant ends, for
	// an identity custody holder (Can.Identity) only; the zero time
	// otherwise.
	CustodyUntil time.Time
	// OriginalsUntil is when the caller's access to the original files
	// ends (the grant of either kind that lasts longest), for those who
	// may open them (Can.Originals) only; the zero time otherwise.
	OriginalsUntil time.Time
	// OriginalsRequestedAt is when the caller asked to open the originals,
	// while that request waits for a lead's decision; the zero time
	// otherwise.
	OriginalsRequestedAt time.Time
}

// CasePage returns a report's page for staff of its unit or monitors of its
// committee (docs/privacy.md, "Who may see what").
func (w *Workflow) CasePage(ctx context.Context, actor Actor, caseID string) (CasePage, error) {
	c, err := w.reports.visible(ctx, actor, caseID)
	if err != nil {
		return CasePage{}, err
	}
	return w.page(ctx, actor, c)
}

// hiddenFrom reports whether actor's views of a report — its page and its
// audit trail alike — leave out events of type t: monitors never see the
// unit's internal notes (docs/privacy.md, "Who may see what").
func hiddenFrom(actor Actor, t EventType) bool {
	return actor.Role == RoleMonitor && t == EventNote
}

// page assembles the page of report c for actor, who may see it.
func (w *Workflow) page(ctx context.Context, actor Actor, c Case) (CasePage, error) {
	now := w.now()
	c.Timeline = slices.DeleteFunc(slices.Clone(c.Timeline), func(e Event) bool { return hiddenFrom(actor, e.Type) })
	stored := c.Attachments
	c.Attachments = ShownAttachments(stored)
	p := CasePage{Case: c, Clocks: []Clock{}, AllowedTransitions: []Status{}, Recommendations: []CaseRecommendation{}}
	if w.deadlines != nil {
		clocks, err := w.deadlines.Clocks(ctx, c)
		if err != nil {
			return CasePage{}, err
		}
		p.Clocks = clocks
	}
	for _, k := range p.Clocks {
		p.Overdue = p.Overdue || (k.Overdue && k.Stopped.IsZero())
	}
	if w.units != nil {
		for _, u := range []struct {
			id   string
			name **Text
		}{{c.UnitID, &p.UnitName}, {c.FrontUnitID, &p.FrontUnitName}} {
			if u.id == "" {
				continue
			}
			if unit, err := w.units.UnitByID(ctx, u.id); err == nil {
				n := unit.Name
				*u.name = &n
			}
		}
	}
	p.AppealOfCode, p.AppealCode = w.reports.codeOf(ctx, c.AppealOf), w.reports.codeOf(ctx, c.AppealID)
	var err error
	if p.People, err = w.people(ctx, c); err != nil {
		return CasePage{}, err
	}
	if p.Assignable, err = w.assignable(ctx, actor, c); err != nil {
		return CasePage{}, err
	}
	for _, r := range c.Recommendations {
		p.Recommendations = append(p.Recommendations, CaseRecommendation{Recommendation: r, Overdue: r.Overdue(now)})
	}
	if mayHandle(actor, c) == nil {
		p.AllowedTransitions = AllowedTransitions(c.Status, Party(actor.Role))
	}
	if err = w.capabilities(ctx, actor, c, &p); err != nil {
		return CasePage{}, err
	}
	if p.Can.Identity && w.vault != nil {
		p.OriginalNames = map[string]string{}
		for i, a := range stored {
			p.OriginalNames[a.ID] = w.vault.OriginalFileName(c.ID, a, i+1)
		}
	}
	return p, nil
}

// capabilities sets p.Can, the rules of capabilities.go applied to report c
// for actor now, with the ends of the caller's custody grants when they
// hold them and the time of their pending request for the originals.
func (w *Workflow) capabilities(ctx context.Context, actor Actor, c Case, p *CasePage) error {
	handles := mayHandle(actor, c) == nil
	p.Can = Capabilities{
		Assign:                mayAssign(actor, c) == nil && len(p.Assignable) > 0,
		Reroute:               mayReroute(actor, c) == nil && w.units != nil,
		Note:                  handles,
		Message:               handles,
		Propose:               mayPropose(actor, c) == nil && !slices.Contains(p.AllowedTransitions, StatusConcluded),
		Publish:               mayPublish(actor, c) == nil && w.vault != nil,
		DecideExtensions:      mayDecideExtension(actor, c) == nil,
		Recommend:             mayRecommend(actor, c) == nil,
		AnswerRecommendations: handles,
	}
	if mayExtend(actor, c) == nil {
		more, err := w.mayMoreExtensions(ctx, c)
		if err != nil {
			return err
		}
		p.Can.Extend = more
	}
	if !handles || w.gate == nil {
		return nil
	}
	gate := w.gate.forOneRequest()
	now := w.now().UTC()
	// refused: the rule said no (the page does not offer it); any other
	// error is the store's, and the page fails with it.
	refused := func(err error) (bool, error) {
		if err == nil || IsCode(err, CodeForbidden) || IsCode(err, CodeConflict) {
			return err != nil, nil
		}
		return false, err
	}
	for _, x := range []struct {
		kind string
		can  *bool
	}{{CustodyIdentity, &p.Can.RequestCustody}, {CustodyOriginals, &p.Can.RequestOriginals}} {
		no, err := refused(gate.mayRequest(ctx, actor, c, x.kind, now))
		if err != nil {
			return err
		}
		*x.can = !no
	}
	for _, x := range []struct {
		kind  string
		can   *bool
		until *time.Time
	}{{CustodyIdentity, &p.Can.Identity, &p.CustodyUntil}, {CustodyOriginals, &p.Can.Originals, &p.OriginalsUntil}} {
		g, err := gate.holder(ctx, actor, c, now, x.kind, Errorf(ReasonCustodyNoGrant, "no grant"))
		no, err := refused(err)
		if err != nil {
			return err
		}
		if *x.can = !no; *x.can {
			*x.until = g.ExpiresAt
		}
	}
	pending, ok, err := gate.pendingOriginals(ctx, actor, c)
	if err != nil {
		return err
	}
	if ok {
		p.OriginalsRequestedAt = pending.CreatedAt
	}
	return nil
}
