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
	EventProposed         EventType = "conclusion_proposed"
	EventSummaryPublished EventType = "summary_published"
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
	c, err := w.reports.visible(ctx, actor, caseID)
	if err != nil {
		return Case{}, err
	}
	if err := mayPropose(actor, c); err != nil {
		return Case{}, err
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
	now := stamp(w.now)
	p.ProposedAt = now
	updated, err := w.reports.apply(ctx, c, func(c Case) (CaseChange, error) {
		if err := mayPropose(actor, c); err != nil {
			return CaseChange{}, err
		}
		return CaseChange{FromStatus: []Status{StatusInvestigating}, At: now, Proposal: &p,
			Events: []Event{{Type: EventProposed, At: now, Actor: actor.UserID, Note: p.Result}}}, nil
	})
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
		return &Error{Code: CodeInvalid, Reason: ReasonSummaryRequired, Message: "Write the public summary to publish.", Fields: map[string]string{"publicSummary": FieldRequired}}
	}
	if w.vault == nil {
		return Errorf(ReasonNotConfigured, "Publishing summaries is not available.")
	}
	var id Identity
	if c.HasIdentity {
		var err error
		if id, _, err = w.vault.Open(ctx, c.ID); err != nil {
			return err
		}
	}
	if words := IdentityMatches(summary, id); len(words) > 0 {
		// The words are the lead's own; naming them helps rewrite the
		// summary (docs/privacy.md, "Public outcomes").
		return &Error{Code: CodeInvalid, Reason: ReasonSummaryPersonal,
			Message: "The public summary contains personal data (a name, address, phone, e-mail or ID number). Remove the flagged words before publishing.",
			Fields:  map[string]string{"publicSummary": "identity"}, Details: map[string][]string{"publicSummary": words}}
	}
	return nil
}

// PublishSummary approves the public summary of a concluded report after
// the fact (a lead of its unit): summary replaces the stored one when not
// empty. It must pass the identity check; a published summary stays
// published.
func (w *Workflow) PublishSummary(ctx context.Context, actor Actor, caseID, summary string) (Case, error) {
	c, err := w.reports.visible(ctx, actor, caseID)
	if err != nil {
		return Case{}, err
	}
	if err := mayPublish(actor, c); err != nil {
		return Case{}, err
	}
	summary = strings.TrimSpace(summary)
	if summary != "" {
		f := FieldErrors{}
		checkText(f, "publicSummary", summary, MaxSummaryChars, true)
		if err := f.Err(); err != nil {
			return Case{}, err
		}
	}
	now := stamp(w.now)
	return w.reports.apply(ctx, c, func(c Case) (CaseChange, error) {
		if err := mayPublish(actor, c); err != nil {
			return CaseChange{}, err
		}
		o := *c.Outcome
		if summary != "" {
			o.PublicSummary = summary
		}
		if err := w.checkSummary(ctx, c, o.PublicSummary); err != nil {
			return CaseChange{}, err
		}
		o.Published, o.PublishedAt, o.PublicID = true, now, newMessageID()
		return CaseChange{At: now, Outcome: &o, Events: []Event{{Type: EventSummaryPublished, At: now, Actor: actor.UserID}}}, nil
	})
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
	// Status is the report's status; SecondRoundStatus is the status of the
	// round-2 report opened by an appeal ("" when there is none).
	Status            Status
	SecondRoundStatus Status
}

// Appeal states of a published outcome (docs/workflow.md, "After the
// conclusion: rating and appeal").
const (
	OutcomeUnderReview = "under_review" // appealed; the second round is still being handled
	OutcomeDecided     = "decided"      // appealed; the second round is no longer open
)

// AppealState says whether the outcome was appealed and how far the second
// round has gone: "" (not appealed), OutcomeUnderReview or OutcomeDecided.
func (o PublishedOutcome) AppealState() string {
	switch {
	case o.Status != StatusAppealed:
		return ""
	case o.SecondRoundStatus == "" || o.SecondRoundStatus.Open():
		// An appealed report whose round 2 cannot be read is still under review: the appeal was lodged.
		return OutcomeUnderReview
	default:
		return OutcomeDecided
	}
}

// OutcomeCursor continues the feed after (PublishedAt, public ID).
type OutcomeCursor = QueueCursor

// OutcomeStore lists published outcomes, newest first.
type OutcomeStore interface {
	FindPublishedOutcomes(ctx context.Context, after *OutcomeCursor, limit int) ([]PublishedOutcome, error)
}

// MaxOutcomePage caps a page of the public feed.
const MaxOutcomePage = 50

// Outcomes is the public feed of published outcomes.
type Outcomes struct {
	store OutcomeStore
}

// NewOutcomes makes the public feed; a nil store makes an empty one.
func NewOutcomes(store OutcomeStore) *Outcomes { return &Outcomes{store: store} }

// Page returns a page of the public feed, newest first, and the cursor of
// the next page (nil at the end).
func (o *Outcomes) Page(ctx context.Context, after *OutcomeCursor, limit int) ([]PublishedOutcome, *OutcomeCursor, error) {
	if o == nil || o.store == nil {
		return []PublishedOutcome{}, nil, nil
	}
	if limit <= 0 || limit > MaxOutcomePage {
		limit = 20
	}
	items, err := o.store.FindPublishedOutcomes(ctx, after, limit+1)
	if err != nil {
		return nil, nil, err
	}
	if len(items) <= limit {
		return items, nil, nil
	}
	items = items[:limit]
	last := items[limit-1]
	return items, &OutcomeCursor{At: last.PublishedAt, ID: last.ID}, nil
}
