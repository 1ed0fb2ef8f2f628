package services

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// Event types of case work.
const (
	EventAssigned EventType = "assigned"
	EventNote     EventType = "note" // internal: never shown to the citizen or the Front
	EventRerouted EventType = "rerouted"
)

// MaxNoteChars bounds internal notes and staff messages.
const MaxNoteChars = 10000

// AddNote adds an internal note (never shown to the citizen).
// It returns the report's page as the actor sees it after the note.
func (w *Workflow) AddNote(ctx context.Context, actor Actor, caseID, text string) (CasePage, error) {
	c, err := w.reports.handling(ctx, actor, caseID)
	if err != nil {
		return CasePage{}, err
	}
	text = strings.TrimSpace(text)
	f := FieldErrors{}
	checkText(f, "text", text, MaxNoteChars, true)
	if err := f.Err(); err != nil {
		return CasePage{}, err
	}
	now := stamp(w.now)
	updated, err := w.reports.add(ctx, c, CaseChange{At: now, Events: []Event{{Type: EventNote, At: now, Actor: actor.UserID, Note: text}}})
	if err != nil {
		return CasePage{}, err
	}
	return w.page(ctx, actor, updated)
}

// SendMessage writes to the citizen (shown in tracking).
func (w *Workflow) SendMessage(ctx context.Context, actor Actor, caseID, text string) (Message, error) {
	c, err := w.reports.handling(ctx, actor, caseID)
	if err != nil {
		return Message{}, err
	}
	text = strings.TrimSpace(text)
	f := FieldErrors{}
	checkText(f, "text", text, MaxMessageChars, true)
	if err := f.Err(); err != nil {
		return Message{}, err
	}
	now := stamp(w.now)
	m := Message{ID: newMessageID(), From: MessageFromStaff, AuthorID: actor.UserID, Text: text, At: now}
	updated, err := w.reports.add(ctx, c, CaseChange{At: now, Messages: []Message{m},
		Events: []Event{{Type: EventMessage, At: now, Actor: actor.UserID, Public: true, Ref: m.ID}}})
	if err == nil {
		w.notifyCitizen(ctx, updated)
	}
	return m, err
}

// Assign gives the report to an inspector or lead of its unit, and returns
// its page as the actor sees it after the assignment.
func (w *Workflow) Assign(ctx context.Context, actor Actor, caseID, assigneeID string) (CasePage, error) {
	c, err := w.reports.visible(ctx, actor, caseID)
	if err != nil {
		return CasePage{}, err
	}
	if err := mayAssign(actor, c); err != nil {
		return CasePage{}, err
	}
	if w.users == nil {
		return CasePage{}, Errorf(ReasonNotConfigured, "Assignment is not available.")
	}
	u, err := w.users.FindUserByID(ctx, assigneeID)
	if IsCode(err, CodeNotFound) || (err == nil && (!u.Active || u.UnitID != c.UnitID || (u.Role != RoleInspector && u.Role != RoleLead))) {
		return CasePage{}, &Error{Code: CodeInvalid, Reason: ReasonAssigneeInvalid, Message: "Assign the report to an inspector or lead of its unit.", Fields: map[string]string{"assigneeId": FieldInvalid}}
	}
	if err != nil {
		return CasePage{}, err
	}
	now := stamp(w.now)
	updated, err := w.reports.apply(ctx, c, func(c Case) (CaseChange, error) {
		if err := mayAssign(actor, c); err != nil {
			return CaseChange{}, err
		}
		return CaseChange{At: now, AssigneeID: &u.ID, Events: []Event{{Type: EventAssigned, At: now, Actor: actor.UserID, Ref: u.ID}}}, nil
	})
	if err != nil {
		return CasePage{}, err
	}
	w.notify(ctx, NotifyAssigned(u.Email, c.ID, c.TrackingCode))
	return w.page(ctx, actor, updated)
}

// notify queues a notification; a failure to queue does not undo the
// change it is about (it is logged by the caller's error path only when
// the change itself failed).
func (w *Workflow) notify(ctx context.Context, n Notification) {
	if w.outbox == nil || n.To == "" {
		return
	}
	n.CreatedAt = stamp(w.now)
	n.NextAttempt = n.CreatedAt
	_, _ = w.outbox.EnqueueNotification(context.WithoutCancel(ctx), n)
}

// notifyUnitLeads queues n for every active lead of a unit.
func (w *Workflow) notifyUnitLeads(ctx context.Context, unitID string, build func(to string) Notification) {
	if w.outbox == nil || w.users == nil {
		return
	}
	users, err := w.users.ListUsers(ctx, 1000)
	if err != nil {
		return
	}
	for _, u := range users {
		if u.Active && u.UnitID == unitID && u.Role == RoleLead {
			w.notify(ctx, build(u.Email))
		}
	}
}

// Reroute moves a report being handled to another inspection unit (and
// committee); a lead of the current unit does it, with a reason, and it is
// recorded.
func (w *Workflow) Reroute(ctx context.Context, actor Actor, caseID, unitID, frontUnitID, reason string) (Case, error) {
	c, err := w.reports.visible(ctx, actor, caseID)
	if err != nil {
		return Case{}, err
	}
	if err := mayReroute(actor, c); err != nil {
		return Case{}, err
	}
	reason = strings.TrimSpace(reason)
	f := FieldErrors{}
	checkText(f, "reason", reason, MaxReasonChars, true)
	if w.units == nil {
		return Case{}, Errorf(ReasonNotConfigured, "Re-routing is not available.")
	}
	if u, err := w.units.UnitByID(ctx, unitID); err != nil || !u.Active || u.Type != UnitInspection {
		f.Add("unitId", FieldInvalid)
	}
	if frontUnitID != "" {
		if u, err := w.units.UnitByID(ctx, frontUnitID); err != nil || !u.Active || u.Type != UnitFront {
			f.Add("frontUnitId", FieldInvalid)
		}
	}
	if err := f.Err(); err != nil {
		return Case{}, err
	}
	now := stamp(w.now)
	none := ""
	return w.reports.apply(ctx, c, func(c Case) (CaseChange, error) {
		if err := mayReroute(actor, c); err != nil {
			return CaseChange{}, err
		}
		front := frontUnitID
		if front == "" {
			front = c.FrontUnitID
		}
		return CaseChange{At: now, UnitID: &unitID, FrontUnitID: &front, AssigneeID: &none,
			Events: []Event{{Type: EventRerouted, At: now, Actor: actor.UserID, Note: reason, Ref: unitID}}}, nil
	})
}

// notifyCitizen queues the content-free "your report changed" e-mail.
func (w *Workflow) notifyCitizen(ctx context.Context, c Case) {
	queueCitizenUpdate(ctx, w.outbox, w.vault, c, w.now())
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

// people names the staff members a report mentions (actors of its events,
// its assignee, who proposed, decided, recommended or answered): staff
// names are shown to whoever sees the report, e-mail addresses never.
// Unknown ids are left out.
func (w *Workflow) people(ctx context.Context, c Case) (map[string]StaffName, error) {
	ids := map[string]bool{}
	add := func(id string) {
		if id != "" && id != string(PartyCitizen) && id != string(PartySystem) {
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
	if w.users == nil {
		return out, nil
	}
	for id := range ids {
		u, err := w.users.FindUserByID(ctx, id)
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

// assignable lists who the actor may assign the report to: the active
// inspectors and leads of its unit while it is being handled (nobody for
// monitors, nobody once it is finished).
func (w *Workflow) assignable(ctx context.Context, actor Actor, c Case) ([]StaffName, error) {
	out := []StaffName{}
	if w.users == nil || mayAssign(actor, c) != nil {
		return out, nil
	}
	users, err := w.users.ListUsers(ctx, 1000)
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
