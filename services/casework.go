package services

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// Event types of case work.
const (
	EventAssigned = "assigned"
	EventNote     = "note" // internal: never shown to the citizen or the Front
	EventRerouted = "rerouted"
)

// MaxNoteChars bounds internal notes and staff messages.
const MaxNoteChars = 10000

// CaseView returns a report for staff who may see it. Monitors get it
// without internal notes. The identity is never part of a Case.
func (w *Workflow) CaseView(ctx context.Context, actor Actor, caseID string) (Case, error) {
	c, err := w.visible(ctx, actor, caseID)
	if err != nil {
		return Case{}, err
	}
	if actor.Role == RoleMonitor {
		kept := c.Timeline[:0:0]
		for _, e := range c.Timeline {
			if e.Type != EventNote {
				kept = append(kept, e)
			}
		}
		c.Timeline = kept
	}
	return c, nil
}

func (w *Workflow) visible(ctx context.Context, actor Actor, caseID string) (Case, error) {
	if !actor.IsStaff() {
		return Case{}, Errorf(CodeUnauthorized, "Sign in first.")
	}
	c, err := w.Cases.FindCaseByID(ctx, caseID)
	if IsCode(err, CodeNotFound) || (err == nil && !actor.CanSeeCase(c)) {
		return Case{}, errNoCase
	}
	return c, err
}

// unitStaff admits inspectors and leads of the report's unit.
func (w *Workflow) unitStaff(ctx context.Context, actor Actor, caseID string) (Case, error) {
	c, err := w.visible(ctx, actor, caseID)
	if err != nil {
		return Case{}, err
	}
	if actor.Role != RoleInspector && actor.Role != RoleLead {
		return Case{}, Errorf(CodeForbidden, "Only the handling unit may do this.")
	}
	return c, nil
}

// appendTo adds to a report, re-reading it when a concurrent change won.
func (w *Workflow) appendTo(ctx context.Context, c Case, ch CaseChange) (Case, error) {
	for range 10 {
		updated, err := w.Cases.UpdateCase(ctx, c.ID, c.Version, ch)
		if !IsCode(err, CodeConflict) {
			return updated, err
		}
		if c, err = w.Cases.FindCaseByID(ctx, c.ID); err != nil {
			return Case{}, err
		}
	}
	return Case{}, Errorf(CodeConflict, "The report is changing too often; please try again.")
}

// AddNote adds an internal note (never shown to the citizen).
func (w *Workflow) AddNote(ctx context.Context, actor Actor, caseID, text string) (Case, error) {
	c, err := w.unitStaff(ctx, actor, caseID)
	if err != nil {
		return Case{}, err
	}
	text = strings.TrimSpace(text)
	f := FieldErrors{}
	checkText(f, "text", text, MaxNoteChars, true)
	if err := f.Err(); err != nil {
		return Case{}, err
	}
	now := w.Now().UTC().Truncate(time.Millisecond)
	return w.appendTo(ctx, c, CaseChange{At: now, Events: []Event{{Type: EventNote, At: now, Actor: actor.UserID, Note: text}}})
}

// SendMessage writes to the citizen (shown in tracking).
func (w *Workflow) SendMessage(ctx context.Context, actor Actor, caseID, text string) (Message, error) {
	c, err := w.unitStaff(ctx, actor, caseID)
	if err != nil {
		return Message{}, err
	}
	text = strings.TrimSpace(text)
	f := FieldErrors{}
	checkText(f, "text", text, MaxMessageChars, true)
	if err := f.Err(); err != nil {
		return Message{}, err
	}
	now := w.Now().UTC().Truncate(time.Millisecond)
	m := Message{ID: newMessageID(), From: "staff", AuthorID: actor.UserID, Text: text, At: now}
	updated, err := w.appendTo(ctx, c, CaseChange{At: now, Messages: []Message{m},
		Events: []Event{{Type: EventMessage, At: now, Actor: actor.UserID, Public: true, Ref: m.ID}}})
	if err == nil {
		w.notifyCitizen(ctx, updated)
	}
	return m, err
}

// Assign gives the report to an inspector or lead of its unit.
func (w *Workflow) Assign(ctx context.Context, actor Actor, caseID, assigneeID string) (Case, error) {
	c, err := w.unitStaff(ctx, actor, caseID)
	if err != nil {
		return Case{}, err
	}
	if w.Users == nil {
		return Case{}, Errorf(CodeUnavailable, "Assignment is not available.")
	}
	if !c.Status.Open() {
		return Case{}, Errorf(CodeConflict, "Only a report still being handled can be assigned.")
	}
	u, err := w.Users.FindUserByID(ctx, assigneeID)
	if IsCode(err, CodeNotFound) || (err == nil && (!u.Active || u.UnitID != c.UnitID || (u.Role != RoleInspector && u.Role != RoleLead))) {
		return Case{}, &Error{Code: CodeInvalid, Message: "Assign the report to an inspector or lead of its unit.", Fields: map[string]string{"assigneeId": FieldInvalid}}
	}
	if err != nil {
		return Case{}, err
	}
	now := w.Now().UTC().Truncate(time.Millisecond)
	updated, err := w.appendTo(ctx, c, CaseChange{At: now, AssigneeID: &u.ID,
		Events: []Event{{Type: EventAssigned, At: now, Actor: actor.UserID, Ref: u.ID}}})
	if err == nil {
		w.notify(ctx, NotifyAssigned(u.Email, c.ID, c.TrackingCode))
	}
	return updated, err
}

// notify queues a notification; a failure to queue does not undo the
// change it is about (it is logged by the caller's error path only when
// the change itself failed).
func (w *Workflow) notify(ctx context.Context, n Notification) {
	if w.Outbox == nil || n.To == "" {
		return
	}
	n.CreatedAt = w.Now().UTC().Truncate(time.Millisecond)
	n.NextAttempt = n.CreatedAt
	_, _ = w.Outbox.EnqueueNotification(context.WithoutCancel(ctx), n)
}

// notifyUnitLeads queues n for every active lead of a unit.
func (w *Workflow) notifyUnitLeads(ctx context.Context, unitID string, build func(to string) Notification) {
	if w.Outbox == nil || w.Users == nil {
		return
	}
	users, err := w.Users.ListUsers(ctx, 1000)
	if err != nil {
		return
	}
	for _, u := range users {
		if u.Active && u.UnitID == unitID && u.Role == RoleLead {
			w.notify(ctx, build(u.Email))
		}
	}
}

// Reroute moves a report to another inspection unit (and committee); a
// lead of the current unit does it, with a reason, and it is recorded.
func (w *Workflow) Reroute(ctx context.Context, actor Actor, caseID, unitID, frontUnitID, reason string) (Case, error) {
	c, err := w.unitStaff(ctx, actor, caseID)
	if err != nil {
		return Case{}, err
	}
	if actor.Role != RoleLead {
		return Case{}, Errorf(CodeForbidden, "Only a lead may re-route a report.")
	}
	reason = strings.TrimSpace(reason)
	f := FieldErrors{}
	checkText(f, "reason", reason, MaxReasonChars, true)
	if w.Units == nil {
		return Case{}, Errorf(CodeUnavailable, "Re-routing is not available.")
	}
	if u, err := w.Units.UnitByID(ctx, unitID); err != nil || !u.Active || u.Type != UnitInspection {
		f.Add("unitId", FieldInvalid)
	}
	if frontUnitID == "" {
		frontUnitID = c.FrontUnitID
	} else if u, err := w.Units.UnitByID(ctx, frontUnitID); err != nil || !u.Active || u.Type != UnitFront {
		f.Add("frontUnitId", FieldInvalid)
	}
	if err := f.Err(); err != nil {
		return Case{}, err
	}
	now := w.Now().UTC().Truncate(time.Millisecond)
	none := ""
	return w.appendTo(ctx, c, CaseChange{At: now, UnitID: &unitID, FrontUnitID: &frontUnitID, AssigneeID: &none,
		Events: []Event{{Type: EventRerouted, At: now, Actor: actor.UserID, Note: reason, Ref: unitID}}})
}

// notifyCitizen queues the content-free "your report changed" e-mail.
func (w *Workflow) notifyCitizen(ctx context.Context, c Case) {
	queueCitizenUpdate(ctx, w.Outbox, w.Vault, c, w.Now())
}

// CitizenUpdateWindow groups a report's changes into one citizen e-mail:
// the e-mail is sent at the end of the window in which the first change
// happened, and further changes in that window add nothing.
const CitizenUpdateWindow = 15 * time.Minute

// queueCitizenUpdate queues the content-free "your report changed" e-mail
// when the citizen left an address, at most one per report per
// CitizenUpdateWindow (a burst of changes is one e-mail; a later change
// gets its own). The address is not copied into the outbox: the notifier
// opens the sealed identity when it delivers.
func queueCitizenUpdate(ctx context.Context, outbox OutboxStore, vault *IdentityVault, c Case, now time.Time) {
	if outbox == nil || vault == nil || !c.HasIdentity {
		return
	}
	id, ok, err := vault.Open(ctx, c.ID)
	if err != nil || !ok || strings.TrimSpace(id.Email) == "" {
		return
	}
	n := CitizenUpdate("", c.Language)
	n.CaseID = c.ID
	window := now.UTC().Truncate(CitizenUpdateWindow)
	n.DedupKey = string(NotifyKindCitizenUpdate) + ":" + c.ID + ":" + strconv.FormatInt(window.Unix(), 10)
	n.CreatedAt = now.UTC().Truncate(time.Millisecond)
	n.NextAttempt = window.Add(CitizenUpdateWindow)
	_, _ = outbox.EnqueueNotification(context.WithoutCancel(ctx), n)
}

// StaffName is a staff member as a report's page names them.
type StaffName struct {
	ID   string
	Name string
	Role Role
}

// People names the staff members a report mentions (actors of its events,
// its assignee, who proposed, decided, recommended or answered): staff
// names are shown to whoever sees the report, e-mail addresses never.
// Unknown ids are left out.
func (w *Workflow) People(ctx context.Context, c Case) (map[string]StaffName, error) {
	ids := map[string]bool{}
	add := func(id string) {
		if id != "" && id != PartyCitizen && id != PartySystem {
			ids[id] = true
		}
	}
	add(c.AssigneeID)
	for _, e := range c.Timeline {
		add(e.Actor)
		if e.Type == EventAssigned {
			add(e.Ref)
		}
	}
	for _, m := range c.Messages {
		add(m.AuthorID)
	}
	for _, r := range c.Recommendations {
		add(r.AuthorID)
		add(r.AnsweredBy)
	}
	for _, e := range c.Extensions {
		add(e.RequestedBy)
		add(e.DecidedBy)
	}
	if c.Proposal != nil {
		add(c.Proposal.ProposedBy)
	}
	if c.Outcome != nil {
		add(c.Outcome.ConcludedBy)
	}
	out := map[string]StaffName{}
	if w.Users == nil {
		return out, nil
	}
	for id := range ids {
		u, err := w.Users.FindUserByID(ctx, id)
		if IsCode(err, CodeNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[id] = StaffName{ID: u.ID, Name: u.Name, Role: u.Role}
	}
	return out, nil
}

// Assignable lists who the actor may assign the report to: the active
// inspectors and leads of its unit while it is being handled (nobody for
// monitors, nobody once it is finished).
func (w *Workflow) Assignable(ctx context.Context, actor Actor, c Case) ([]StaffName, error) {
	out := []StaffName{}
	if w.Users == nil || (actor.Role != RoleInspector && actor.Role != RoleLead) || actor.UnitID != c.UnitID || !c.Status.Open() {
		return out, nil
	}
	users, err := w.Users.ListUsers(ctx, 1000)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		if u.Active && u.UnitID == c.UnitID && (u.Role == RoleInspector || u.Role == RoleLead) {
			out = append(out, StaffName{ID: u.ID, Name: u.Name, Role: u.Role})
		}
	}
	return out, nil
}
