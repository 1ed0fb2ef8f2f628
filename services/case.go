package services

import (
	"context"
	"time"
)

// Kind is the legal regime of a report.
type Kind string

// The kinds of report (docs/workflow.md, "Kinds and their legal regimes").
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

// The statuses of docs/workflow.md, "The status machine".
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
	// ReceiptVersion counts the citizen's changes of receipt; tracking
	// sessions opened under an earlier receipt end (Tracking.ChangeReceipt).
	ReceiptVersion int64
	Kind           Kind
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
	// Channel is how the report came in (ChannelWeb when empty); FiledBy is
	// who keyed it in: the staff member who took it at a reception day, on
	// the hotline or from a letter, or "apikey:<id>" for an Open311 client.
	Channel Channel
	FiledBy string
	Status  Status
	// UnitID is the inspection unit handling the report and FrontUnitID
	// the Front committee supervising it (empty until routed).
	UnitID      string
	FrontUnitID string
	AssigneeID  string    // the inspector or lead working on it
	DueAt       time.Time // the earliest due date of the running clocks (NoDue when none)
	ContentHash string
	Version     int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// CreatedDay and CreatedMonth are Vietnam-time buckets (2026-11-27,
	// 2026-11) stored at write time because the embedded database cannot
	// compute them in aggregations.
	CreatedDay     string
	CreatedMonth   string
	WithdrawReason string
	// Round is 1, or 2 for an appeal (a second-round complaint or a
	// re-denunciation); AppealOf is the round-1 report it appeals and
	// AppealID the round-2 report opened by appealing this one.
	Round    int
	AppealOf string
	AppealID string
	// Complex marks a matter the unit judged complex when accepting it: the
	// longer legal resolution period applies.
	Complex bool
	// Extensions is the ledger of the resolution deadline's extensions.
	Extensions []CaseExtension
	// Proposal is an inspector's proposed conclusion awaiting a lead.
	Proposal *Proposal
	// OverdueFlagged and NearNotified record that the sweep has flagged the
	// report overdue, or announced its near deadline, for the current DueAt;
	// both are cleared whenever DueAt changes.
	OverdueFlagged  bool
	NearNotified    bool
	Outcome         *Outcome
	Rating          *Rating
	Recommendations []Recommendation
	Attachments     []Attachment
	Messages        []Message
	Timeline        []Event
}

// Outcome is how a report was concluded.
type Outcome struct {
	Result        string // OutcomeSubstantiated, OutcomePartly, OutcomeUnsubstantiated
	Actions       string
	Reply         string // to the citizen
	PublicSummary string // published only after a lead approves it
	ConcludedBy   string
	ConcludedAt   time.Time
	// Published is set when a lead approved the public summary and it passed
	// the identity check; it is then in the public feed of outcomes.
	Published   bool
	PublishedAt time.Time
	// PublicID names the outcome in the public feed: random, so that the
	// feed reveals nothing of the report's id (which encodes its filing
	// time).
	PublicID string
}

// Proposal is a conclusion an inspector proposes; a lead concludes.
type Proposal struct {
	Result        string
	Actions       string
	Reply         string
	PublicSummary string
	ProposedBy    string
	ProposedAt    time.Time
}

// Extension request states.
const (
	ExtensionPending  = "pending"
	ExtensionApproved = "approved"
	ExtensionRefused  = "refused"
)

// CaseExtension is one request to extend the resolution deadline.
type CaseExtension struct {
	ID          string
	Days        int
	Reason      string
	RequestedBy string
	RequestedAt time.Time
	Status      string
	DecidedBy   string
	DecidedAt   time.Time
	Note        string
}

// RoundOf is the report's round (1 unless it is an appeal).
func (c Case) RoundOf() int { return max(c.Round, 1) }

// approvedExtensions lists the granted extensions as the deadline engine
// counts them.
func (c Case) approvedExtensions() []Extension {
	var out []Extension
	for _, e := range c.Extensions {
		if e.Status == ExtensionApproved {
			out = append(out, Extension{Days: e.Days, ApprovedAt: e.DecidedAt, Reason: e.Reason})
		}
	}
	return out
}

// Open reports whether the report is still being handled (it can be
// withdrawn).
func (s Status) Open() bool {
	switch s {
	case StatusReceived, StatusAccepted, StatusInvestigating:
		return true
	}
	return false
}

// Scan states of an attachment.
const (
	ScanNotScanned = "not_scanned"
	ScanClean      = "clean"
	ScanInfected   = "infected"
	ScanError      = "error"
)

// Attachment sources.
const (
	SourceReport   = "report"   // filed with the report
	SourceAddition = "addition" // added later by the citizen
	SourceMessage  = "message"  // attached to a message
)

// Attachment is one evidence file. The original is sealed (write-once, its
// SHA-256 recorded at upload); each also has a metadata-free safe copy
// unless the sanitizer could not rewrite it (docs/privacy.md).
type Attachment struct {
	ID string
	// Name is the neutral name the file is stored under ("bang-chung-2.png",
	// NeutralFileName); files stored before names were sealed hold the
	// citizen's cleaned file name here (docs/storage.md, "File names").
	Name string
	// SealedName is the citizen's file name, sealed to the report and the
	// file (IdentityVault.SealFileName): only custody holders see it.
	SealedName      []byte
	Size            int64
	Type            string // MIME type decided by content
	SHA256          string
	OriginalKey     string
	SanitizedKey    string // the safe copy; empty when none could be made
	SanitizedSize   int64
	SanitizedSHA256 string
	Scan            string
	Signature       string // the virus name when Scan is infected
	Source          string
	MessageID       string
	UploadedAt      time.Time
}

// Quarantined reports whether the file must never be served.
func (a Attachment) Quarantined() bool { return a.Scan == ScanInfected }

// Who wrote a message.
const (
	MessageFromCitizen = "citizen"
	MessageFromStaff   = "staff"
)

// Message is one message between the citizen and the handling unit.
type Message struct {
	ID            string
	From          string // MessageFromCitizen or MessageFromStaff
	AuthorID      string // staff user id; empty for the citizen
	Text          string
	At            time.Time
	AttachmentIDs []string
}

// EventType names what an event of a report's timeline records.
type EventType string

// StatusEvent is the type of the event that moves a report to status to.
func StatusEvent(to Status) EventType { return EventType("status_" + string(to)) }

// Event is one entry of a report's timeline.
type Event struct {
	Type   EventType
	At     time.Time
	Actor  string // PartyCitizen, PartySystem or a staff user id
	Status Status
	Public bool
	Note   string // shown to the citizen when Public (e.g. a withdrawal reason)
	Ref    string // the message or attachment the event concerns
}

// Event types.
const (
	EventSubmitted     EventType = "submitted"
	EventMessage       EventType = "message"
	EventEvidenceAdded EventType = "evidence_added"
	EventWithdrawn     EventType = "withdrawn"
	// EventReceiptChanged: the citizen replaced the receipt (the old one,
	// and every session opened with it, stop working).
	EventReceiptChanged EventType = "receipt_changed"
	// Identity custody: who asked to see the complainant's identity, who
	// decided, and every reading. Never public.
	EventCustodyRequested EventType = "custody_requested"
	EventCustodyDecided   EventType = "custody_decided"
	EventIdentityRead     EventType = "identity_read"
	// Custody of the original files (any report, anonymous ones too): who
	// asked, and who decided. Each original's download is an
	// EventEvidenceDownloaded. Never public.
	EventOriginalsRequested EventType = "originals_requested"
	EventOriginalsDecided   EventType = "originals_decided"
)

// CaseStore persists reports.
type CaseStore interface {
	// NewID returns a fresh, unique report id.
	NewID() string
	// InsertCase stores a new report. A duplicate tracking code is a
	// conflict error.
	InsertCase(ctx context.Context, c *Case) error
	FindCaseByID(ctx context.Context, id string) (Case, error)
	FindCaseByTrackingCode(ctx context.Context, code string) (Case, error)
	// UpdateCase applies change to the report if it is still at version
	// (and, when change.FromStatus is set, in one of those statuses), and
	// returns the updated report; otherwise it is a conflict.
	UpdateCase(ctx context.Context, id string, version int64, change CaseChange) (Case, error)
}

// CaseChange is one atomic update of a report.
type CaseChange struct {
	FromStatus  []Status
	Outcome     *Outcome // set on conclusion
	Rating      *Rating  // set when the citizen rates
	UnitID      *string  // re-routing
	FrontUnitID *string
	AssigneeID  *string
	DueAt       *time.Time // the next due date (set by DueDates)
	Complex     *bool
	AppealID    *string
	Proposal    *Proposal // set (replaced) by a proposal
	// ClearProposal removes the pending proposal (on conclusion).
	ClearProposal bool
	// Extensions (when not nil) rewrites the extension ledger.
	Extensions     []CaseExtension
	OverdueFlagged *bool
	NearNotified   *bool
	// Recommendations are appended; ReplaceRecommendations (when not nil)
	// rewrites the whole list (to record an answer).
	Recommendations        []Recommendation
	ReplaceRecommendations []Recommendation
	Status                 Status // empty: unchanged
	WithdrawReason         string
	Attachments            []Attachment
	Messages               []Message
	Events                 []Event
	// Receipt (when not nil) replaces the receipt: its hash and version.
	Receipt *ReceiptChange
	At      time.Time
}

// ReceiptChange is a new receipt's hash and the receipt's new version.
type ReceiptChange struct {
	Hash    string
	Version int64
}
