package services

import (
	"context"
	"slices"
	"strconv"
	"strings"
)

// Event types of the extension ledger.
const (
	EventExtensionRequested EventType = "extension_requested"
	EventExtensionDecided   EventType = "extension_decided"
	// EventDeadlineExtended is the public event the citizen sees; its note
	// is the number of days added.
	EventDeadlineExtended EventType = "deadline_extended"
)

// Policy returns the deadline policy of a kind.
func (b *DeadlineBook) Policy(ctx context.Context, kind Kind) (DeadlinePolicy, bool, error) {
	d, err := b.load(ctx)
	if err != nil {
		return DeadlinePolicy{}, false, err
	}
	p, ok := d.policies[kind]
	return p, ok, nil
}

// Policies returns the deadline policies in force, in the order of Kinds.
func (b *DeadlineBook) Policies(ctx context.Context) ([]DeadlinePolicy, error) {
	d, err := b.load(ctx)
	if err != nil {
		return nil, err
	}
	out := []DeadlinePolicy{}
	for _, k := range Kinds {
		if p, ok := d.policies[k]; ok {
			out = append(out, p)
		}
	}
	return out, nil
}

// grantedAndPending counts what a new request competes with for the cap:
// approved extensions and requests still awaiting a decision.
func grantedAndPending(es []CaseExtension) []Extension {
	var out []Extension
	for _, e := range es {
		if e.Status == ExtensionApproved || e.Status == ExtensionPending {
			out = append(out, Extension{Days: e.Days, ApprovedAt: e.DecidedAt})
		}
	}
	return out
}

// RequestExtension asks to extend the resolution deadline of a report being
// handled. The kind's policy caps how many extensions (approved or pending)
// and how many days each. A lead's own request is approved at once (the
// lead is the approver); an inspector's awaits a lead's decision.
func (w *Workflow) RequestExtension(ctx context.Context, actor Actor, caseID string, days int, reason string) (CaseExtension, error) {
	c, err := w.reports.visible(ctx, actor, caseID)
	if err != nil {
		return CaseExtension{}, err
	}
	if err := mayExtend(actor, c); err != nil {
		return CaseExtension{}, err
	}
	if w.deadlines == nil {
		return CaseExtension{}, Errorf(ReasonNotConfigured, "Deadlines are not available.")
	}
	policy, _, err := w.deadlines.Policy(ctx, c.Kind)
	if err != nil {
		return CaseExtension{}, err
	}
	reason = strings.TrimSpace(reason)
	now := stamp(w.now)
	e := CaseExtension{ID: newMessageID(), Days: days, Reason: reason, RequestedBy: actor.UserID, RequestedAt: now, Status: ExtensionPending}
	events := []Event{{Type: EventExtensionRequested, At: now, Actor: actor.UserID, Note: reason, Ref: e.ID}}
	if actor.Role == RoleLead {
		e.Status, e.DecidedBy, e.DecidedAt = ExtensionApproved, actor.UserID, now
		events = append(events, Event{Type: EventExtensionDecided, At: now, Actor: actor.UserID, Note: ExtensionApproved, Ref: e.ID},
			Event{Type: EventDeadlineExtended, At: now, Actor: actor.UserID, Public: true, Note: strconv.Itoa(days), Ref: e.ID})
	}
	updated, err := w.reports.apply(ctx, c, func(c Case) (CaseChange, error) {
		if err := mayExtend(actor, c); err != nil {
			return CaseChange{}, err
		}
		// The cap first (no request can help then), then every field at once.
		f := FieldErrors{}
		if err := CheckExtension(policy, grantedAndPending(c.Extensions), Extension{Days: days}); IsCode(err, CodeConflict) {
			return CaseChange{}, err
		} else if err != nil {
			f.Add("days", FieldInvalid)
		}
		checkText(f, "reason", reason, MaxReasonChars, true)
		if err := f.Err(); err != nil {
			return CaseChange{}, err
		}
		ledger := append(append([]CaseExtension{}, c.Extensions...), e)
		return CaseChange{FromStatus: []Status{c.Status}, At: now, Extensions: ledger, Events: events}, nil
	})
	if err != nil {
		return CaseExtension{}, err
	}
	if e.Status == ExtensionPending {
		w.notifyUnitLeads(ctx, c.UnitID, func(to string) Notification { return NotifyExtension(to, c.ID, c.TrackingCode) })
	} else {
		w.notifyCitizen(ctx, updated)
	}
	return e, nil
}

// mayMoreExtensions reports whether the kind's policy leaves room for one
// more extension request of at least a day on report c.
func (w *Workflow) mayMoreExtensions(ctx context.Context, c Case) (bool, error) {
	if w.deadlines == nil {
		return false, nil
	}
	policy, _, err := w.deadlines.Policy(ctx, c.Kind)
	if err != nil {
		return false, err
	}
	return !IsCode(CheckExtension(policy, grantedAndPending(c.Extensions), Extension{Days: 1}), CodeConflict), nil
}

// DecideExtension approves or refuses a pending extension (a lead of the
// report's unit). An approval moves the resolution deadline.
func (w *Workflow) DecideExtension(ctx context.Context, actor Actor, caseID, extID string, approve bool, note string) (CaseExtension, error) {
	c, err := w.reports.visible(ctx, actor, caseID)
	if err != nil {
		return CaseExtension{}, err
	}
	if err := mayDecideExtension(actor, c); err != nil {
		return CaseExtension{}, err
	}
	note = strings.TrimSpace(note)
	f := FieldErrors{}
	checkText(f, "note", note, MaxReasonChars, false)
	if err := f.Err(); err != nil {
		return CaseExtension{}, err
	}
	now := stamp(w.now)
	var decided CaseExtension
	updated, err := w.reports.apply(ctx, c, func(c Case) (CaseChange, error) {
		ledger := append([]CaseExtension{}, c.Extensions...)
		i := slices.IndexFunc(ledger, func(e CaseExtension) bool { return e.ID == extID })
		if i < 0 {
			return CaseChange{}, Errorf(ReasonExtensionNotFound, "No such extension request.")
		}
		if ledger[i].Status != ExtensionPending {
			return CaseChange{}, Errorf(ReasonExtensionDecided, "This extension request has already been decided.")
		}
		if approve && !resolving(c) {
			return CaseChange{}, Errorf(ReasonExtensionNotResolving, "The report is no longer being resolved; its deadline cannot be extended.")
		}
		e := &ledger[i]
		e.DecidedBy, e.DecidedAt, e.Note = actor.UserID, now, note
		e.Status = ExtensionRefused
		events := []Event{{Type: EventExtensionDecided, At: now, Actor: actor.UserID, Note: ExtensionRefused, Ref: e.ID}}
		if approve {
			e.Status = ExtensionApproved
			events = []Event{{Type: EventExtensionDecided, At: now, Actor: actor.UserID, Note: ExtensionApproved, Ref: e.ID},
				{Type: EventDeadlineExtended, At: now, Actor: actor.UserID, Public: true, Note: strconv.Itoa(e.Days), Ref: e.ID}}
		}
		decided = *e
		return CaseChange{At: now, Extensions: ledger, Events: events}, nil
	})
	if err != nil {
		return CaseExtension{}, err
	}
	if approve {
		w.notifyCitizen(ctx, updated)
	}
	return decided, nil
}
