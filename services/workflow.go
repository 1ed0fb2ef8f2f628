package services

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Party is who moves a report: a staff role, the citizen or the portal
// itself.
type Party string

// The non-staff parties. Staff roles are parties too: Party(RoleLead).
const (
	PartyCitizen Party = "citizen"
	PartySystem  Party = "system"
)

// Outcomes of a concluded report.
const (
	OutcomeSubstantiated   = "substantiated"
	OutcomePartly          = "partly_substantiated"
	OutcomeUnsubstantiated = "unsubstantiated"
)

// Transition is one allowed move of the status machine
// (docs/workflow.md, "The status machine").
type Transition struct {
	From, To Status
	By       []Party
}

var (
	unitParties = []Party{Party(RoleInspector), Party(RoleLead)}
	leads       = []Party{Party(RoleLead)}
)

// Transitions is the status machine. Anything not listed is refused.
var Transitions = []Transition{
	{StatusReceived, StatusAccepted, unitParties},
	{StatusReceived, StatusRejected, unitParties},
	{StatusReceived, StatusTransferred, unitParties},
	{StatusAccepted, StatusInvestigating, unitParties},
	// An inspector proposes a conclusion; only a lead concludes.
	{StatusInvestigating, StatusConcluded, leads},
	{StatusConcluded, StatusClosed, []Party{PartySystem, PartyCitizen}},
	{StatusConcluded, StatusAppealed, []Party{PartyCitizen}},
	{StatusClosed, StatusAppealed, []Party{PartyCitizen}},
	{StatusReceived, StatusWithdrawn, []Party{PartyCitizen}},
	{StatusAccepted, StatusWithdrawn, []Party{PartyCitizen}},
	{StatusInvestigating, StatusWithdrawn, []Party{PartyCitizen}},
}

// AllowedTransitions lists where who may move a report in status from.
func AllowedTransitions(from Status, who Party) []Status {
	out := []Status{}
	for _, t := range Transitions {
		if t.From == from && slices.Contains(t.By, who) {
			out = append(out, t.To)
		}
	}
	return out
}

// movesAny reports whether who makes any move of the machine at all.
func movesAny(who Party) bool {
	for _, t := range Transitions {
		if slices.Contains(t.By, who) {
			return true
		}
	}
	return false
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
// as in says. A party that makes no move of the machine at all (a monitor,
// an administrator) is forbidden; a move the machine does not allow from
// this status is a conflict whose error lists what is allowed; a missing
// field is invalid.
func CheckTransition(from Status, who Party, in TransitionInput) error {
	if !movesAny(who) {
		return Errorf(ReasonStatusRole, "Your role does not change the status of reports.")
	}
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
		return &Error{Code: CodeConflict, Reason: ReasonStatusMove, Message: msg, Allowed: names}
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

// Workflow is the staff side of a report: its page, status moves, case
// work (notes, messages, assignment, re-routing), conclusions, extensions,
// recommendations and the audit trail.
type Workflow struct {
	reports reports
	users   UserStore  // for assignment and names (nil: nobody to assign)
	units   UnitLookup // for re-routing and unit names (nil: not available)
	// deadlines computes the clocks shown with a report (nil: none).
	deadlines *DeadlineBook
	// audit is the per-report hash chain (nil: no trail to show).
	audit *AuditLog
	// outbox queues staff notifications (nil: none).
	outbox OutboxStore
	// vault opens identities for the public-summary check and the citizen
	// e-mail (nil: summaries cannot be published, citizens are not told).
	vault *IdentityVault
	// gate tells the page whether the caller may ask for or holds custody
	// (nil: never).
	gate *CustodyGate
	// queue lists the reports that carry recommendations.
	queue QueueStore
	now   func() time.Time
}

// WorkflowOptions are a Workflow's dependencies. Cases is required; the
// others may be nil, which turns off what needs them.
type WorkflowOptions struct {
	Cases     CaseStore
	Users     UserStore
	Units     UnitLookup
	Deadlines *DeadlineBook
	Audit     *AuditLog
	Outbox    OutboxStore
	Vault     *IdentityVault
	Gate      *CustodyGate
	Queue     QueueStore
	Now       func() time.Time // time.Now when nil
}

// NewWorkflow makes the staff workflow.
func NewWorkflow(o WorkflowOptions) *Workflow {
	return &Workflow{reports: reports{o.Cases}, users: o.Users, units: o.Units, deadlines: o.Deadlines, audit: o.Audit,
		outbox: o.Outbox, vault: o.Vault, gate: o.Gate, queue: o.Queue, now: clockOrNow(o.Now)}
}

// clockOrNow is the clock a service uses: now, or time.Now when nil.
func clockOrNow(now func() time.Time) func() time.Time {
	if now == nil {
		return time.Now
	}
	return now
}

// stamp is the time of a change: UTC, to the millisecond (what MongoDB keeps).
func stamp(now func() time.Time) time.Time { return now().UTC().Truncate(time.Millisecond) }

// Transition moves a report the actor can see. Two concurrent moves of one
// report: one wins; the other is checked again against the report the
// winner left, and refused when the move is no longer allowed. A lead
// concluding a report with a pending proposal and no outcome of their own
// approves the proposal as it stands.
func (w *Workflow) Transition(ctx context.Context, actor Actor, caseID string, in TransitionInput) (Case, error) {
	c, err := w.reports.visible(ctx, actor, caseID)
	if err != nil {
		return Case{}, err
	}
	updated, err := w.reports.apply(ctx, c, func(c Case) (CaseChange, error) { return w.transitionChange(ctx, actor, c, in) })
	if err == nil {
		w.notifyCitizen(ctx, updated)
	}
	return updated, err
}

// transitionChange checks a move of report c and makes its change.
func (w *Workflow) transitionChange(ctx context.Context, actor Actor, c Case, in TransitionInput) (CaseChange, error) {
	if in.To == StatusConcluded && in.Outcome == "" && c.Proposal != nil {
		p := c.Proposal
		in.Outcome, in.Actions, in.Reply = p.Result, p.Actions, p.Reply
		if strings.TrimSpace(in.PublicSummary) == "" {
			in.PublicSummary = p.PublicSummary
		}
	}
	if err := CheckTransition(c.Status, Party(actor.Role), in); err != nil {
		return CaseChange{}, err
	}
	now := stamp(w.now)
	if in.To == StatusConcluded && in.PublishSummary {
		if err := w.checkSummary(ctx, c, in.PublicSummary); err != nil {
			return CaseChange{}, err
		}
	}
	e := Event{Type: StatusEvent(in.To), At: now, Actor: actor.UserID, Status: in.To, Public: true}
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
	return ch, nil
}
