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
	// OriginalNames are the citizen's file names by attachment id, for a
	// custody holder (Can.Originals) only; everyone else sees the neutral
	// names of Case.Attachments.
	OriginalNames map[string]string
	// CustodyUntil is when the caller's custody grant ends, for a custody
	// holder (Can.Originals) only; the zero time otherwise.
	CustodyUntil time.Time
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
	if p.Can, p.CustodyUntil, err = w.capabilities(ctx, actor, c, p); err != nil {
		return CasePage{}, err
	}
	if p.Can.Originals && w.vault != nil {
		p.OriginalNames = map[string]string{}
		for i, a := range stored {
			p.OriginalNames[a.ID] = w.vault.OriginalFileName(c.ID, a, i+1)
		}
	}
	return p, nil
}

// capabilities are the rules of capabilities.go applied to report c for
// actor, now, with the end of the caller's custody grant when they hold one.
func (w *Workflow) capabilities(ctx context.Context, actor Actor, c Case, p CasePage) (Capabilities, time.Time, error) {
	handles := mayHandle(actor, c) == nil
	can := Capabilities{
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
			return Capabilities{}, time.Time{}, err
		}
		can.Extend = more
	}
	if handles && w.gate != nil {
		now := w.now().UTC()
		err := w.gate.mayRequest(ctx, actor, c, now)
		if err != nil && !IsCode(err, CodeForbidden) && !IsCode(err, CodeConflict) {
			return Capabilities{}, time.Time{}, err
		}
		can.RequestCustody = err == nil
		g, err := w.gate.holder(ctx, actor, c, now, Errorf(ReasonCustodyNoGrant, "no grant"))
		if err != nil && !IsCode(err, CodeForbidden) {
			return Capabilities{}, time.Time{}, err
		}
		if can.Originals = err == nil; can.Originals {
			return can, g.ExpiresAt, nil
		}
	}
	return can, time.Time{}, nil
}
