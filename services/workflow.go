package services

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Who may move a report: staff roles, and the two non-staff parties.
const (
	PartyCitizen = "citizen"
	PartySystem  = "system"
)

// Outcomes of a concluded report.
const (
	OutcomeSubstantiated   = "substantiated"
	OutcomePartly          = "partly_substantiated"
	OutcomeUnsubstantiated = "unsubstantiated"
)

// Transition is one allowed move of the status machine (DESIGN.md §2).
type Transition struct {
	From, To Status
	By       []string // roles or parties
}

// Transitions is the status machine. Anything not listed is refused.
var Transitions = []Transition{
	{StatusReceived, StatusAccepted, []string{string(RoleInspector), string(RoleLead)}},
	{StatusReceived, StatusRejected, []string{string(RoleInspector), string(RoleLead)}},
	{StatusReceived, StatusTransferred, []string{string(RoleInspector), string(RoleLead)}},
	{StatusAccepted, StatusInvestigating, []string{string(RoleInspector), string(RoleLead)}},
	// An inspector proposes a conclusion; only a lead concludes.
	{StatusInvestigating, StatusConcluded, []string{string(RoleLead)}},
	{StatusConcluded, StatusClosed, []string{PartySystem, PartyCitizen}},
	{StatusConcluded, StatusAppealed, []string{PartyCitizen}},
	{StatusClosed, StatusAppealed, []string{PartyCitizen}},
	{StatusReceived, StatusWithdrawn, []string{PartyCitizen}},
	{StatusAccepted, StatusWithdrawn, []string{PartyCitizen}},
	{StatusInvestigating, StatusWithdrawn, []string{PartyCitizen}},
}

// AllowedTransitions lists where who may move a report in status from.
func AllowedTransitions(from Status, who string) []Status {
	var out []Status
	for _, t := range Transitions {
		if t.From == from && slices.Contains(t.By, who) {
			out = append(out, t.To)
		}
	}
	return out
}

// TransitionInput is a requested move with the fields it needs.
type TransitionInput struct {
	To            Status
	Reason        string // rejection, transfer
	TransferTo    string // the competent body outside the portal
	Outcome       string // conclusion
	Actions       string // conclusion: actions taken
	Reply         string // conclusion: the answer to the citizen
	PublicSummary string // conclusion: optional, published after a lead's approval
	// Complex (acceptance) marks a complex matter: the longer legal
	// resolution period applies.
	Complex bool
	// PublishSummary (conclusion, by a lead) approves publishing the public
	// summary; it must pass the identity check.
	PublishSummary bool
}

// CheckTransition decides whether who may move a report from status from
// as in says. A move the machine does not allow is a conflict whose error
// lists what is allowed; a missing field is invalid.
func CheckTransition(from Status, who string, in TransitionInput) error {
	allowed := AllowedTransitions(from, who)
	if !slices.Contains(allowed, in.To) {
		names := make([]string, len(allowed))
		for i, s := range allowed {
			names[i] = string(s)
		}
		msg := "This report cannot move from " + string(from) + " to " + string(in.To) + "."
		if len(names) > 0 {
			msg += " Allowed: " + strings.Join(names, ", ") + "."
		}
		return &Error{Code: CodeConflict, Message: msg, Allowed: names}
	}
	f := FieldErrors{}
	switch in.To {
	case StatusRejected:
		checkText(f, "reason", strings.TrimSpace(in.Reason), MaxReasonChars, true)
	case StatusTransferred:
		checkText(f, "transferTo", strings.TrimSpace(in.TransferTo), 500, true)
		checkText(f, "reason", strings.TrimSpace(in.Reason), MaxReasonChars, false)
	case StatusConcluded:
		switch in.Outcome {
		case OutcomeSubstantiated, OutcomePartly, OutcomeUnsubstantiated:
		case "":
			f.Add("outcome", FieldRequired)
		default:
			f.Add("outcome", FieldInvalid)
		}
		checkText(f, "actions", strings.TrimSpace(in.Actions), 10000, true)
		checkText(f, "reply", strings.TrimSpace(in.Reply), 10000, false)
		checkText(f, "publicSummary", strings.TrimSpace(in.PublicSummary), MaxSummaryChars, in.PublishSummary)
	}
	return f.Err()
}

// Workflow moves reports through the status machine for staff.
type Workflow struct {
	Cases CaseStore
	Users UserStore  // for assignment
	Units UnitLookup // for re-routing
	// Deadlines computes the clocks shown with a report (nil: none).
	Deadlines *DeadlineBook
	// Audit is the per-report hash chain (nil: no trail to show).
	Audit *AuditLog
	// Outbox queues staff notifications (nil: none).
	Outbox OutboxStore
	// Vault opens identities for the public-summary check and the citizen
	// e-mail (nil: summaries cannot be published, citizens are not told).
	Vault *IdentityVault
	Now   func() time.Time
}

// Transition moves a report the actor can see. Two concurrent moves of one
// report: one wins, the other is a conflict (the version check). A lead
// concluding a report with a pending proposal and no outcome of their own
// approves the proposal as it stands.
func (w *Workflow) Transition(ctx context.Context, actor Actor, caseID string, in TransitionInput) (Case, error) {
	c, err := w.visible(ctx, actor, caseID)
	if err != nil {
		return Case{}, err
	}
	if in.To == StatusConcluded && in.Outcome == "" && c.Proposal != nil {
		p := c.Proposal
		in.Outcome, in.Actions, in.Reply = p.Result, p.Actions, p.Reply
		if strings.TrimSpace(in.PublicSummary) == "" {
			in.PublicSummary = p.PublicSummary
		}
	}
	if err := CheckTransition(c.Status, string(actor.Role), in); err != nil {
		return Case{}, err
	}
	now := w.Now().UTC().Truncate(time.Millisecond)
	if in.To == StatusConcluded && in.PublishSummary {
		if err := w.checkSummary(ctx, c, in.PublicSummary); err != nil {
			return Case{}, err
		}
	}
	e := Event{Type: "status_" + string(in.To), At: now, Actor: actor.UserID, Status: in.To, Public: true}
	switch in.To {
	case StatusRejected:
		e.Note = strings.TrimSpace(in.Reason)
	case StatusTransferred:
		e.Note = strings.TrimSpace(in.TransferTo)
	case StatusConcluded:
		e.Note = strings.TrimSpace(in.Reply)
	}
	ch := CaseChange{FromStatus: []Status{c.Status}, Status: in.To, At: now, Events: []Event{e}}
	if in.To == StatusAccepted && in.Complex {
		complex := true
		ch.Complex = &complex
	}
	if in.To == StatusConcluded {
		ch.Outcome = &Outcome{Result: in.Outcome, Actions: strings.TrimSpace(in.Actions), Reply: strings.TrimSpace(in.Reply),
			PublicSummary: strings.TrimSpace(in.PublicSummary), ConcludedBy: actor.UserID, ConcludedAt: now}
		if in.PublishSummary {
			ch.Outcome.Published, ch.Outcome.PublishedAt, ch.Outcome.PublicID = true, now, newMessageID()
			ch.Events = append(ch.Events, Event{Type: EventSummaryPublished, At: now, Actor: actor.UserID})
		}
		ch.ClearProposal = c.Proposal != nil
	}
	updated, err := w.Cases.UpdateCase(ctx, c.ID, c.Version, ch)
	if err == nil {
		w.notifyCitizen(ctx, updated)
	}
	return updated, err
}
