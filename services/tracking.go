package services

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Limits of the tracking side.
const (
	MaxMessageFiles = 5
	MaxMessageChars = 5000
	MaxReasonChars  = 2000
)

// Default throttles for tracking logins. Nothing is ever locked: a
// tracking code is known to everyone in the unit that handles the report,
// and one client address may stand for a whole carrier NAT, so a lock on
// either would be a lock one person could hold against others. Failures are
// counted instead. Once a client has had 20 wrong receipts its challenges
// grow harder (GuessCost: more proof-of-work bits as its failures go on),
// and once a code has had 5, every further wrong guess at it costs the
// guessing client HotCodePenalty failures instead of one. The correct
// receipt is always checked and always opens the report (docs/privacy.md,
// "Guessing a receipt").
var (
	CodeThrottlePolicy   = ThrottlePolicy{Free: 5, Base: 2 * time.Second, Max: 15 * time.Minute, Window: time.Hour}
	ClientThrottlePolicy = ThrottlePolicy{Free: 20, Base: 2 * time.Second, Max: 15 * time.Minute, Window: time.Hour}
)

// HotCodePenalty is how many client failures one wrong receipt counts for
// once its tracking code has used up its free failures.
const HotCodePenalty = 5

// Tracking is the citizen's side after filing: sessions opened with the
// tracking code and receipt, the report as the citizen sees it, messages,
// more evidence, withdrawal, rating and the proof of filing.
type Tracking struct {
	reports  reports
	evidence *Evidence
	hasher   Hasher
	tokens   *Tokens
	codes    Throttle // failures per tracking code
	clients  Throttle // failures per client (keyed hash of the address, in memory)
	prover   Prover
	// deadlines computes the clocks shown to the citizen (nil: none).
	deadlines *DeadlineBook
	limits    Limits
	now       func() time.Time

	dummyHash string
}

// TrackingOptions are what Tracking needs. Deadlines and Prover may be nil
// (no clocks; no proofs of filing).
type TrackingOptions struct {
	Cases     CaseStore
	Evidence  *Evidence
	Hasher    Hasher
	Tokens    *Tokens
	Codes     Throttle // failures per tracking code
	Clients   Throttle // failures per client
	Prover    Prover
	Deadlines *DeadlineBook
	Limits    Limits
	Now       func() time.Time // time.Now when nil
}

// NewTracking makes the citizen's side and prepares the hash verified for
// unknown codes, so that a wrong code and a wrong receipt take the same
// time.
func NewTracking(ctx context.Context, o TrackingOptions) (*Tracking, error) {
	t := &Tracking{reports: reports{o.Cases}, evidence: o.Evidence, hasher: o.Hasher, tokens: o.Tokens, codes: o.Codes,
		clients: o.Clients, prover: o.Prover, deadlines: o.Deadlines, limits: o.Limits, now: clockOrNow(o.Now)}
	h, err := hashSecret(ctx, t.hasher, "0000-0000-0000-0000")
	t.dummyHash = h
	return t, err
}

var errBadPair = Errorf(ReasonTrackPairWrong, "The tracking code or the receipt is wrong.")

// OpenSession checks a tracking code and receipt and returns a token that
// opens that one report. clientAddr is used only for in-memory throttling.
// The code's failures never refuse a check: they only make wrong guesses at
// a much-guessed code cost the guessing client more.
func (t *Tracking) OpenSession(ctx context.Context, code, receipt, clientAddr string) (string, time.Time, error) {
	code, receipt = NormalizeTrackingCode(code), NormalizeReceipt(receipt)
	codeKey, clientKey := "code:"+code, t.clients.ClientKey(clientAddr)
	hash, caseID, receiptVersion := t.dummyHash, "", int64(0)
	if code != "" {
		c, err := t.reports.store.FindCaseByTrackingCode(ctx, code)
		switch {
		case err == nil:
			hash, caseID, receiptVersion = c.ReceiptHash, c.ID, c.ReceiptVersion
		case !IsCode(err, CodeNotFound):
			return "", time.Time{}, err
		}
	}
	ok, err := verifySecret(ctx, t.hasher, receipt, hash)
	if err != nil && IsCode(err, CodeUnavailable) {
		return "", time.Time{}, err
	}
	if !ok || caseID == "" || receipt == "" {
		t.clients.Fail(clientKey)
		if t.codes.Fail(codeKey) > 0 { // a hot code: the guesser pays more
			for range HotCodePenalty - 1 {
				t.clients.Fail(clientKey)
			}
		}
		return "", time.Time{}, errBadPair
	}
	t.codes.Reset(codeKey)
	return t.tokens.IssueCitizenAt(caseID, receiptVersion)
}

// MaxGuessBits is the most proof-of-work bits GuessCost adds: 6 bits make
// a challenge 64 times harder (about 20 s in a phone's browser at the
// default 16 bits), a cost, never a lock.
const MaxGuessBits = 6

// GuessCost is how many proof-of-work bits a client must add to its
// challenges for its wrong receipts: none within ClientThrottlePolicy's
// free failures, then one more bit each time the back-off it would have
// earned doubles, up to MaxGuessBits.
func (t *Tracking) GuessCost(clientAddr string) int {
	wait := t.clients.Check(t.clients.ClientKey(clientAddr))
	if wait <= 0 {
		return 0
	}
	base := ClientThrottlePolicy.Base
	return min(MaxGuessBits, bits.Len64(uint64((wait+base-1)/base)))
}

func rateLimited(wait time.Duration) error {
	secs := (wait + time.Second - 1) / time.Second * time.Second
	return &Error{Code: CodeRateLimited, Reason: ReasonTooManyAttempts, Message: "Too many failed attempts; please wait before trying again.", RetryAfter: secs}
}

// Authenticate returns the report a citizen token opens. A token issued
// under a receipt the citizen has since replaced is refused: the one read
// of the report this costs is what makes a change of receipt end every
// session opened with the old one at once.
func (t *Tracking) Authenticate(ctx context.Context, token string) (string, error) {
	id, version, err := t.tokens.VerifyCitizen(token)
	if err != nil {
		return "", err
	}
	c, err := t.reports.byID(ctx, id)
	switch {
	case IsCode(err, CodeNotFound):
		return "", errTokenInvalid
	case err != nil:
		return "", err
	case c.ReceiptVersion != version:
		return "", errTokenInvalid
	}
	return id, nil
}

// ChangeReceipt replaces the citizen's receipt with a new one, returned
// this once with a session under it; the old receipt and every session
// opened with it stop working at once. A citizen whose report was keyed in
// by staff (docs/intake.md), or who fears someone saw the slip, changes it
// so that nobody else can act as them.
func (t *Tracking) ChangeReceipt(ctx context.Context, caseID string) (receipt, token string, expires time.Time, err error) {
	c, err := t.reports.byID(ctx, caseID)
	if err != nil {
		return "", "", time.Time{}, err
	}
	if receipt, err = NewReceipt(); err != nil {
		return "", "", time.Time{}, Wrap(err, ReasonInternal, "Could not create a receipt.")
	}
	hash, err := hashSecret(ctx, t.hasher, receipt)
	if err != nil {
		return "", "", time.Time{}, err
	}
	now := stamp(t.now)
	updated, err := t.reports.apply(ctx, c, func(c Case) (CaseChange, error) {
		return CaseChange{Receipt: &ReceiptChange{Hash: hash, Version: c.ReceiptVersion + 1}, At: now,
			Events: []Event{{Type: EventReceiptChanged, At: now, Actor: string(PartyCitizen), Public: true}}}, nil
	})
	if err != nil {
		return "", "", time.Time{}, err
	}
	token, expires, err = t.tokens.IssueCitizenAt(caseID, updated.ReceiptVersion)
	return receipt, token, expires, err
}

// IssueToken opens a session for a report just filed.
func (t *Tracking) IssueToken(caseID string) (string, time.Time, error) {
	return t.tokens.IssueCitizen(caseID)
}

func newMessageID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// SendMessage adds the citizen's message (text and up to 5 files).
func (t *Tracking) SendMessage(ctx context.Context, caseID, text string, files FileSource) (Message, []Attachment, error) {
	text = strings.TrimSpace(text)
	f := FieldErrors{}
	checkText(f, "text", text, MaxMessageChars, true)
	if err := f.Err(); err != nil {
		return Message{}, nil, err
	}
	c, err := t.reports.byID(ctx, caseID)
	if err != nil {
		return Message{}, nil, err
	}
	if err := citizenMayWrite(c); err != nil {
		return Message{}, nil, err
	}
	var up Upload
	if files != nil {
		up, err = t.storeFiles(ctx, c, files, SourceMessage, MaxMessageFiles)
		if err != nil {
			return Message{}, nil, err
		}
	}
	atts := up.Attachments
	now := stamp(t.now)
	m := Message{ID: newMessageID(), From: MessageFromCitizen, Text: text, At: now}
	for i := range atts {
		atts[i].MessageID = m.ID
		m.AttachmentIDs = append(m.AttachmentIDs, atts[i].ID)
	}
	change := CaseChange{Messages: []Message{m}, Attachments: atts, At: now,
		Events: []Event{{Type: EventMessage, At: now, Actor: string(PartyCitizen), Public: true, Ref: m.ID}}}
	updated, err := t.reports.apply(ctx, c, t.citizenWrite(change))
	if err != nil {
		t.evidence.Discard(context.WithoutCancel(ctx), up)
		return Message{}, nil, err
	}
	t.evidence.Commit(context.WithoutCancel(ctx), up)
	return m, shownFiles(updated, atts), nil
}

// storeFiles stores the citizen's files for report c within what is left
// of its caps (docs/storage.md, "Evidence caps"): at most perRequest files,
// and the report's files and bytes so far count against its per-report
// caps. citizenWrite checks the caps again against the report it is written
// over, so that concurrent uploads cannot overshoot them together.
func (t *Tracking) storeFiles(ctx context.Context, c Case, files FileSource, source string, perRequest int) (Upload, error) {
	n, size := evidenceHeld(c)
	// A full report still takes a message without files: StoreFiles
	// refuses only a file that arrives.
	up, err := t.evidence.StoreFiles(ctx, c.ID, files, source, max(0, min(perRequest, t.limits.MaxFiles-n)),
		t.limits.MaxFileBytes, max(0, t.limits.MaxReportBytes-size))
	if err != nil && n > 0 && IsCode(err, CodeTooLarge) {
		var e *Error
		if errors.As(err, &e) {
			e.Message += " " + errReportFull(t.limits).Message
		}
	}
	return up, err
}

// shownFiles are the files atts as stored on report c, under their
// neutral names by position in the report (ShownAttachments).
func shownFiles(c Case, atts []Attachment) []Attachment {
	out := make([]Attachment, 0, len(atts))
	for _, s := range ShownAttachments(c.Attachments) {
		if slices.ContainsFunc(atts, func(a Attachment) bool { return a.ID == s.ID }) {
			out = append(out, s)
		}
	}
	return out
}

// evidenceHeld is how many files and bytes report c holds.
func evidenceHeld(c Case) (files int, size int64) {
	for _, a := range c.Attachments {
		size += a.Size
	}
	return len(c.Attachments), size
}

// errReportFull refuses evidence beyond the report's caps.
func errReportFull(l Limits) *Error {
	return &Error{Code: CodeTooLarge, Reason: ReasonReportFull, Fields: map[string]string{"files": FileTooMany},
		Message: fmt.Sprintf("A report holds at most %d files and %d MiB of evidence in all, counting what was filed, added and sent with messages.",
			l.MaxFiles, l.MaxReportBytes>>20)}
}

// citizenWrite builds the citizen's change ch over the report as it is
// when written: refused once the report is withdrawn or closed (even if
// that happened while the files were uploading) or when its attachments
// would exceed the report's caps.
func (t *Tracking) citizenWrite(ch CaseChange) func(Case) (CaseChange, error) {
	return func(c Case) (CaseChange, error) {
		if err := citizenMayWrite(c); err != nil {
			return CaseChange{}, err
		}
		if len(ch.Attachments) > 0 {
			n, size := evidenceHeld(c)
			add, addSize := evidenceHeld(Case{Attachments: ch.Attachments})
			if n+add > t.limits.MaxFiles || size+addSize > t.limits.MaxReportBytes {
				return CaseChange{}, errReportFull(t.limits)
			}
		}
		return ch, nil
	}
}

// AddEvidence adds files to the report.
func (t *Tracking) AddEvidence(ctx context.Context, caseID string, files FileSource) ([]Attachment, error) {
	c, err := t.reports.byID(ctx, caseID)
	if err != nil {
		return nil, err
	}
	if err := citizenMayWrite(c); err != nil {
		return nil, err
	}
	up, err := t.storeFiles(ctx, c, files, SourceAddition, t.limits.MaxFiles)
	if err != nil {
		return nil, err
	}
	atts := up.Attachments
	if len(atts) == 0 {
		return nil, &Error{Code: CodeInvalid, Reason: ReasonFilesRequired, Message: "Choose at least one file.", Fields: map[string]string{"files": FieldRequired}}
	}
	now := stamp(t.now)
	var events []Event
	for _, a := range atts {
		events = append(events, Event{Type: EventEvidenceAdded, At: now, Actor: string(PartyCitizen), Public: true, Ref: a.ID})
	}
	updated, err := t.reports.apply(ctx, c, t.citizenWrite(CaseChange{Attachments: atts, Events: events, At: now}))
	if err != nil {
		t.evidence.Discard(context.WithoutCancel(ctx), up)
		return nil, err
	}
	t.evidence.Commit(context.WithoutCancel(ctx), up)
	return shownFiles(updated, atts), nil
}

// Withdraw withdraws an open report at the citizen's request, and returns
// the citizen's page of it.
func (t *Tracking) Withdraw(ctx context.Context, caseID, reason string) (CitizenPage, error) {
	reason = strings.TrimSpace(reason)
	f := FieldErrors{}
	checkText(f, "reason", reason, MaxReasonChars, true)
	if err := f.Err(); err != nil {
		return CitizenPage{}, err
	}
	c, err := t.reports.byID(ctx, caseID)
	if err != nil {
		return CitizenPage{}, err
	}
	now := stamp(t.now)
	updated, err := t.reports.apply(ctx, c, func(c Case) (CaseChange, error) {
		if !c.Status.Open() {
			return CaseChange{}, Errorf(ReasonWithdrawTooLate, "This report can no longer be withdrawn (it is %s).", c.Status)
		}
		return CaseChange{FromStatus: []Status{c.Status}, Status: StatusWithdrawn, WithdrawReason: reason, At: now,
			Events: []Event{{Type: EventWithdrawn, At: now, Actor: string(PartyCitizen), Status: StatusWithdrawn, Public: true, Note: reason}}}, nil
	})
	if err != nil {
		return CitizenPage{}, err
	}
	return t.page(ctx, updated)
}

// Rating is the citizen's verdict on how the report was handled.
type Rating struct {
	Stars   int
	Comment string
	At      time.Time
}

// EventRated is the citizen's rating (which closes the report).
const EventRated EventType = "rated"

// Rate records the citizen's rating of a concluded report, which closes
// it, and returns the citizen's page of it.
func (t *Tracking) Rate(ctx context.Context, caseID string, stars int, comment string) (CitizenPage, error) {
	comment = strings.TrimSpace(comment)
	f := FieldErrors{}
	if stars < 1 || stars > 5 {
		f.Add("rating", FieldInvalid)
	}
	checkText(f, "comment", comment, MaxReasonChars, false)
	if err := f.Err(); err != nil {
		return CitizenPage{}, err
	}
	c, err := t.reports.byID(ctx, caseID)
	if err != nil {
		return CitizenPage{}, err
	}
	now := stamp(t.now)
	r := Rating{Stars: stars, Comment: comment, At: now}
	updated, err := t.reports.apply(ctx, c, func(c Case) (CaseChange, error) {
		if err := CheckTransition(c.Status, PartyCitizen, TransitionInput{To: StatusClosed}); err != nil {
			return CaseChange{}, err
		}
		return CaseChange{FromStatus: []Status{c.Status}, Status: StatusClosed, Rating: &r, At: now,
			Events: []Event{{Type: EventRated, At: now, Actor: string(PartyCitizen), Status: StatusClosed, Public: true, Note: strconv.Itoa(stars)}}}, nil
	})
	if err != nil {
		return CitizenPage{}, err
	}
	return t.page(ctx, updated)
}
