package services

import (
	"context"
	"time"
)

// CitizenPage is a report as its citizen sees it (docs/privacy.md, "Who
// may see what"): the public timeline only, staff never named (every
// staff member is "staff"), no internal notes, no identity, the outcome
// without the unit's internal actions, and what the citizen may do now.
// It is built from the report field by field, so nothing internal reaches
// it by accident.
type CitizenPage struct {
	TrackingCode          string
	Kind                  Kind
	AnonymousDenunciation bool
	Category              string
	Title                 string
	Description           string
	Status                Status
	SubmittedAt           time.Time
	UpdatedAt             time.Time
	ContentHash           string
	Timeline              []CitizenEvent
	Messages              []CitizenMessage
	Attachments           []Attachment
	Clocks                []Clock
	Outcome               *CitizenOutcome
	Rating                *Rating
	Round                 int
	// AppealOf and Appeal are the tracking codes of the linked rounds.
	AppealOf, Appeal string
	// What the citizen may do now: withdraw, rate, appeal, write to the
	// unit, add evidence.
	CanWithdraw, CanRate, CanAppeal, CanMessage, CanAddEvidence bool
}

// CitizenEvent is a public event of the timeline; Actor is PartyCitizen,
// PartySystem or PartyStaff, never a person.
type CitizenEvent struct {
	Type   EventType
	At     time.Time
	Status Status
	Actor  Party
	Note   string
}

// PartyStaff stands for any staff member on the citizen's page.
const PartyStaff Party = "staff"

// CitizenMessage is a message with its files.
type CitizenMessage struct {
	ID          string
	From        string // MessageFromCitizen or MessageFromStaff
	Text        string
	At          time.Time
	Attachments []Attachment
}

// CitizenOutcome is the conclusion as the citizen sees it: the result and
// the reply, not the unit's internal actions.
type CitizenOutcome struct {
	Result      string
	Reply       string
	ConcludedAt time.Time
}

// Page returns the citizen's page of their report.
func (t *Tracking) Page(ctx context.Context, caseID string) (CitizenPage, error) {
	c, err := t.reports.byID(ctx, caseID)
	if err != nil {
		return CitizenPage{}, err
	}
	return t.page(ctx, c)
}

func (t *Tracking) page(ctx context.Context, c Case) (CitizenPage, error) {
	p := citizenProjection(c)
	if t.deadlines != nil {
		clocks, err := t.deadlines.Clocks(ctx, c)
		if err != nil {
			return CitizenPage{}, err
		}
		p.Clocks = clocks
	}
	p.AppealOf, p.Appeal = t.reports.codeOf(ctx, c.AppealOf), t.reports.codeOf(ctx, c.AppealID)
	return p, nil
}

// citizenProjection is the part of the citizen's page that comes from the
// report alone.
func citizenProjection(c Case) CitizenPage {
	c.Attachments = ShownAttachments(c.Attachments)
	p := CitizenPage{TrackingCode: c.TrackingCode, Kind: c.Kind, AnonymousDenunciation: c.AnonymousDenunciation,
		Category: c.Category, Title: c.Title, Description: c.Description, Status: c.Status, SubmittedAt: c.CreatedAt,
		UpdatedAt: c.UpdatedAt, ContentHash: c.ContentHash, Attachments: c.Attachments, Round: c.RoundOf(),
		Timeline: []CitizenEvent{}, Messages: []CitizenMessage{}, Clocks: []Clock{},
		CanWithdraw: c.Status.Open(), CanRate: CheckTransition(c.Status, PartyCitizen, TransitionInput{To: StatusClosed}) == nil,
		CanAppeal: CanAppeal(c), CanMessage: citizenMayWrite(c) == nil, CanAddEvidence: citizenMayWrite(c) == nil}
	if p.Attachments == nil {
		p.Attachments = []Attachment{}
	}
	if r := c.Rating; r != nil {
		rating := *r
		p.Rating = &rating
	}
	if o := c.Outcome; o != nil {
		p.Outcome = &CitizenOutcome{Result: o.Result, Reply: o.Reply, ConcludedAt: o.ConcludedAt}
	}
	for _, e := range c.Timeline {
		if !e.Public {
			continue
		}
		actor := Party(e.Actor)
		if actor != PartyCitizen && actor != PartySystem {
			actor = PartyStaff
		}
		p.Timeline = append(p.Timeline, CitizenEvent{Type: e.Type, At: e.At, Status: e.Status, Actor: actor, Note: e.Note})
	}
	byID := map[string]Attachment{}
	for _, a := range c.Attachments {
		byID[a.ID] = a
	}
	for _, m := range c.Messages {
		atts := []Attachment{}
		for _, id := range m.AttachmentIDs {
			if a, ok := byID[id]; ok {
				atts = append(atts, a)
			}
		}
		p.Messages = append(p.Messages, CitizenMessage{ID: m.ID, From: m.From, Text: m.Text, At: m.At, Attachments: atts})
	}
	return p
}
