package services

import (
	"context"
	"strings"
	"time"
)

// MaxSummaryChars bounds a public summary.
const MaxSummaryChars = 5000

// Event types of conclusions.
const (
	EventProposed         = "conclusion_proposed"
	EventSummaryPublished = "summary_published"
)

// ProposalInput is a proposed conclusion.
type ProposalInput struct {
	Outcome       string
	Actions       string
	Reply         string
	PublicSummary string
}

// Propose records an inspector's (or lead's) proposed conclusion of a report
// under investigation; a lead concludes it (Transition to concluded),
// approving the proposal or writing their own. A later proposal replaces
// an earlier one.
func (w *Workflow) Propose(ctx context.Context, actor Actor, caseID string, in ProposalInput) (Case, error) {
	c, err := w.unitStaff(ctx, actor, caseID)
	if err != nil {
		return Case{}, err
	}
	if c.Status != StatusInvestigating {
		return Case{}, Errorf(CodeConflict, "A conclusion can be proposed only while the report is being investigated.")
	}
	// The same checks as the conclusion itself, except who may conclude.
	f := FieldErrors{}
	switch in.Outcome {
	case OutcomeSubstantiated, OutcomePartly, OutcomeUnsubstantiated:
	case "":
		f.Add("outcome", FieldRequired)
	default:
		f.Add("outcome", FieldInvalid)
	}
	p := Proposal{Result: in.Outcome, Actions: strings.TrimSpace(in.Actions), Reply: strings.TrimSpace(in.Reply),
		PublicSummary: strings.TrimSpace(in.PublicSummary), ProposedBy: actor.UserID}
	checkText(f, "actions", p.Actions, 10000, true)
	checkText(f, "reply", p.Reply, 10000, false)
	checkText(f, "publicSummary", p.PublicSummary, MaxSummaryChars, false)
	if err := f.Err(); err != nil {
		return Case{}, err
	}
	// A summary meant for the public is checked now, so the inspector
	// learns at once that it names someone (the lead's approval checks it
	// again).
	if p.PublicSummary != "" {
		if err := w.checkSummary(ctx, c, p.PublicSummary); err != nil {
			return Case{}, err
		}
	}
	now := w.Now().UTC().Truncate(time.Millisecond)
	p.ProposedAt = now
	updated, err := w.Cases.UpdateCase(ctx, c.ID, c.Version, CaseChange{FromStatus: []Status{StatusInvestigating}, At: now, Proposal: &p,
		Events: []Event{{Type: EventProposed, At: now, Actor: actor.UserID, Note: p.Result}}})
	if err == nil {
		w.notifyUnitLeads(ctx, c.UnitID, func(to string) Notification { return NotifyProposal(to, c.ID, c.TrackingCode) })
	}
	return updated, err
}

// checkSummary refuses a public summary that shows the complainant's
// identity, or anything that looks like contact or ID data.
func (w *Workflow) checkSummary(ctx context.Context, c Case, summary string) error {
	summary = strings.TrimSpace(summary)
	if summary == "" {
		return &Error{Code: CodeInvalid, Message: "Write the public summary to publish.", Fields: map[string]string{"publicSummary": FieldRequired}}
	}
	if w.Vault == nil {
		return Errorf(CodeUnavailable, "Publishing summaries is not available.")
	}
	var id Identity
	if c.HasIdentity {
		var err error
		if id, _, err = w.Vault.Open(ctx, c.ID); err != nil {
			return err
		}
	}
	if ContainsIdentity(summary, id) {
		return &Error{Code: CodeInvalid,
			Message: "The public summary contains personal data (a name, address, phone, e-mail or ID number). Remove it before publishing.",
			Fields:  map[string]string{"publicSummary": "identity"}}
	}
	return nil
}

// PublishSummary approves the public summary of a concluded report after
// the fact (a lead of its unit): summary replaces the stored one when not
// empty. It must pass the identity check; a published summary stays
// published.
func (w *Workflow) PublishSummary(ctx context.Context, actor Actor, caseID, summary string) (Case, error) {
	c, err := w.unitStaff(ctx, actor, caseID)
	if err != nil {
		return Case{}, err
	}
	if actor.Role != RoleLead {
		return Case{}, Errorf(CodeForbidden, "Only a lead may approve a public summary.")
	}
	if c.Outcome == nil || (c.Status != StatusConcluded && c.Status != StatusClosed && c.Status != StatusAppealed) {
		return Case{}, Errorf(CodeConflict, "Only a concluded report's summary can be published.")
	}
	if c.Outcome.Published {
		return Case{}, Errorf(CodeConflict, "This summary is already published.")
	}
	if s := strings.TrimSpace(summary); s != "" {
		f := FieldErrors{}
		checkText(f, "publicSummary", s, MaxSummaryChars, true)
		if err := f.Err(); err != nil {
			return Case{}, err
		}
		c.Outcome.PublicSummary = s
	}
	if err := w.checkSummary(ctx, c, c.Outcome.PublicSummary); err != nil {
		return Case{}, err
	}
	now := w.Now().UTC().Truncate(time.Millisecond)
	o := *c.Outcome
	o.Published, o.PublishedAt, o.PublicID = true, now, newMessageID()
	return w.Cases.UpdateCase(ctx, c.ID, c.Version, CaseChange{At: now, Outcome: &o,
		Events: []Event{{Type: EventSummaryPublished, At: now, Actor: actor.UserID}}})
}

// PublishedOutcome is one entry of the public feed of outcomes: what was
// found and the approved summary, never who complained or who handled it.
type PublishedOutcome struct {
	ID          string // the outcome's public id (random; not the report's id)
	Kind        Kind
	Category    string
	AreaCode    string
	UnitID      string
	Office      string
	Procedure   string
	Result      string
	Summary     string
	ConcludedAt time.Time
	PublishedAt time.Time
}

// OutcomeCursor continues the feed after (PublishedAt, public ID).
type OutcomeCursor = QueueCursor

// OutcomeStore lists published outcomes, newest first.
type OutcomeStore interface {
	FindPublishedOutcomes(ctx context.Context, after *OutcomeCursor, limit int) ([]PublishedOutcome, error)
}

// MaxOutcomePage caps a page of the public feed.
const MaxOutcomePage = 50

// PublishedOutcomes returns a page of the public feed, newest first, and
// the cursor of the next page (nil at the end).
func PublishedOutcomes(ctx context.Context, store OutcomeStore, after *OutcomeCursor, limit int) ([]PublishedOutcome, *OutcomeCursor, error) {
	if limit <= 0 || limit > MaxOutcomePage {
		limit = 20
	}
	items, err := store.FindPublishedOutcomes(ctx, after, limit+1)
	if err != nil {
		return nil, nil, err
	}
	if len(items) <= limit {
		return items, nil, nil
	}
	items = items[:limit]
	last := items[limit-1]
	return items, &OutcomeCursor{DueAt: last.PublishedAt, ID: last.ID}, nil
}
