package services

import (
	"time"
)

// Kind is the legal regime of a report.
type Kind string

// The kinds of report (DESIGN.md §2).
const (
	KindFeedback     Kind = "feedback"
	KindComplaint    Kind = "complaint"
	KindDenunciation Kind = "denunciation"
)

// Kinds lists every kind in display order.
var Kinds = []Kind{KindFeedback, KindComplaint, KindDenunciation}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	switch k {
	case KindFeedback, KindComplaint, KindDenunciation:
		return true
	}
	return false
}

// RequiresIdentity reports whether a report of this kind must be named.
func (k Kind) RequiresIdentity() bool { return k == KindComplaint || k == KindDenunciation }

// Status is where a report stands in the workflow.
type Status string

// The statuses of DESIGN.md §2.
const (
	StatusReceived      Status = "received"
	StatusAccepted      Status = "accepted"
	StatusRejected      Status = "rejected"
	StatusTransferred   Status = "transferred"
	StatusInvestigating Status = "investigating"
	StatusConcluded     Status = "concluded"
	StatusClosed        Status = "closed"
	StatusAppealed      Status = "appealed"
	StatusWithdrawn     Status = "withdrawn"
)

// Case is a report as the portal stores it. The complainant's identity is
// never part of it: it lives encrypted in a separate record.
type Case struct {
	ID           string
	TrackingCode string
	// ReceiptHash is the argon2id hash of the citizen's secret receipt.
	ReceiptHash string
	Kind        Kind
	// AnonymousDenunciation marks a denunciation filed without a name, which
	// the law handles as feedback (Law on Denunciations 2018, Art. 25).
	AnonymousDenunciation bool
	Category              string
	Title                 string
	Description           string
	IncidentDate          string // YYYY-MM-DD, Vietnam time; empty when not given
	AreaCode              string
	Place                 string
	Office                string
	Counter               string
	Procedure             string
	DossierNumber         string
	Officials             string
	Language              string
	Anonymous             bool
	HasIdentity           bool
	Status                Status
	ContentHash           string
	Version               int64
	CreatedAt             time.Time
	UpdatedAt             time.Time
	// CreatedDay and CreatedMonth are Vietnam-time buckets (2026-11-27,
	// 2026-11) stored at write time because the embedded database cannot
	// compute them in aggregations.
	CreatedDay     string
	CreatedMonth   string
	IdempotencyKey string
	Timeline       []Event
}

// Event is one entry of a report's timeline.
type Event struct {
	Type   string
	At     time.Time
	Actor  string // "citizen", "system" or a staff user id
	Status Status
	Public bool
}

// Event types.
const (
	EventSubmitted = "submitted"
)
