package services

import "time"

// Who may do what to a report. Each rule is one function that both the
// action and the report page use: the action refuses with the rule's error,
// and the page offers the action (Capabilities) exactly when the rule
// passes, so the web app never re-implements a rule. Every rule assumes the
// actor may see the report (reports.visible): seeing is decided once, there.

// mayHandle admits the inspectors and leads of the report's unit.
func mayHandle(a Actor, c Case) error {
	if (a.Role != RoleInspector && a.Role != RoleLead) || a.UnitID == "" || a.UnitID != c.UnitID {
		return Errorf(CodeForbidden, "Only the handling unit may do this.")
	}
	return nil
}

// mayLead admits the leads of the report's unit.
func mayLead(a Actor, c Case, msg string) error {
	if err := mayHandle(a, c); err != nil {
		return err
	}
	if a.Role != RoleLead {
		return Errorf(CodeForbidden, "%s", msg)
	}
	return nil
}

// mayAssign: the unit, while the report is being handled.
func mayAssign(a Actor, c Case) error {
	if err := mayHandle(a, c); err != nil {
		return err
	}
	if !c.Status.Open() {
		return Errorf(CodeConflict, "Only a report still being handled can be assigned.")
	}
	return nil
}

// mayReroute: a lead of the unit, while the report is being handled (a
// finished report stays with the unit that finished it).
func mayReroute(a Actor, c Case) error {
	if err := mayLead(a, c, "Only a lead may re-route a report."); err != nil {
		return err
	}
	if !c.Status.Open() {
		return Errorf(CodeConflict, "Only a report still being handled can be re-routed.")
	}
	return nil
}

// mayPropose: the unit, while the report is being investigated.
func mayPropose(a Actor, c Case) error {
	if err := mayHandle(a, c); err != nil {
		return err
	}
	if c.Status != StatusInvestigating {
		return Errorf(CodeConflict, "A conclusion can be proposed only while the report is being investigated.")
	}
	return nil
}

// mayPublish: a lead of the unit, for a concluded report whose summary is
// not yet published.
func mayPublish(a Actor, c Case) error {
	if err := mayLead(a, c, "Only a lead may approve a public summary."); err != nil {
		return err
	}
	if c.Outcome == nil || (c.Status != StatusConcluded && c.Status != StatusClosed && c.Status != StatusAppealed) {
		return Errorf(CodeConflict, "Only a concluded report's summary can be published.")
	}
	if c.Outcome.Published {
		return Errorf(CodeConflict, "This summary is already published.")
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
		return Errorf(CodeConflict, "Only a report being resolved (accepted or under investigation) can have its deadline extended.")
	}
	return nil
}

// mayDecideExtension: a lead of the unit.
func mayDecideExtension(a Actor, c Case) error {
	return mayLead(a, c, "Only a lead may decide on an extension.")
}

// mayRecommend: the monitors of the report's Front committee.
func mayRecommend(a Actor, c Case) error {
	if a.Role != RoleMonitor || a.UnitID == "" || a.UnitID != c.FrontUnitID {
		return Errorf(CodeForbidden, "Only monitors of the Front committee file recommendations.")
	}
	return nil
}

// mayRequestCustody: the unit, for a named report.
func mayRequestCustody(a Actor, c Case) error {
	if err := mayHandle(a, c); err != nil {
		return Errorf(CodeForbidden, "Only inspectors of the handling unit may ask to see an identity.")
	}
	if !c.HasIdentity {
		return Errorf(CodeConflict, "This report was filed anonymously: there is no identity to see.")
	}
	return nil
}

// holdsCustody: an inspector or lead of the report's unit holding an
// approved, unexpired grant on it (g is the actor's latest approved grant).
func holdsCustody(a Actor, c Case, g CustodyGrant, now time.Time) bool {
	return mayHandle(a, c) == nil && g.ID != "" && g.CaseID == c.ID && g.RequesterID == a.UserID &&
		g.Status == GrantApproved && !g.Expired(now) && g.UnitID == c.UnitID
}

// citizenMayWrite: the citizen may write to the unit and add evidence until
// the report is withdrawn or closed.
func citizenMayWrite(c Case) error {
	if c.Status == StatusWithdrawn || c.Status == StatusClosed {
		return Errorf(CodeConflict, "This report is %s: nothing more can be added to it. File a new report if needed.", c.Status)
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
	Originals             bool // download original evidence (holds custody)
}
