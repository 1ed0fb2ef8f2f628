package services

import (
	"context"
	"crypto/rand"
	"encoding/hex"
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

// Default throttles for tracking logins: a tracking code is locked for a
// growing time after 5 failures, a client after 20.
var (
	CodeThrottlePolicy   = ThrottlePolicy{Free: 5, Base: 2 * time.Second, Max: 15 * time.Minute, Window: time.Hour}
	ClientThrottlePolicy = ThrottlePolicy{Free: 20, Base: 2 * time.Second, Max: 15 * time.Minute, Window: time.Hour}
)

// Tracking is the citizen's side after filing: sessions opened with the
// tracking code and receipt, the report as the citizen sees it, messages,
// more evidence and withdrawal.
type Tracking struct {
	Cases    CaseStore
	Evidence *Evidence
	Hasher   Hasher
	Tokens   *Tokens
	Codes    Throttle // failures per tracking code
	Clients  Throttle // failures per client (keyed hash of the address, in memory)
	Prover   Prover
	// Deadlines computes the clocks shown to the citizen (nil: none).
	Deadlines *DeadlineBook
	Limits    Limits
	Now       func() time.Time

	dummyHash string
}

// Init prepares the hash verified for unknown codes, so that a wrong code
// and a wrong receipt take the same time.
func (t *Tracking) Init(ctx context.Context) error {
	h, err := hashSecret(ctx, t.Hasher, "0000-0000-0000-0000")
	t.dummyHash = h
	return err
}

var errBadPair = Errorf(CodeUnauthorized, "The tracking code or the receipt is wrong.")

// OpenSession checks a tracking code and receipt and returns a token that
// opens that one report. clientAddr is used only for in-memory throttling.
func (t *Tracking) OpenSession(ctx context.Context, code, receipt, clientAddr string) (string, time.Time, error) {
	code, receipt = NormalizeTrackingCode(code), NormalizeReceipt(receipt)
	codeKey, clientKey := "code:"+code, t.Clients.ClientKey(clientAddr)
	if wait := max(t.Codes.Check(codeKey), t.Clients.Check(clientKey)); wait > 0 {
		return "", time.Time{}, rateLimited(wait)
	}
	hash, caseID := t.dummyHash, ""
	if code != "" {
		c, err := t.Cases.FindCaseByTrackingCode(ctx, code)
		switch {
		case err == nil:
			hash, caseID = c.ReceiptHash, c.ID
		case !IsCode(err, CodeNotFound):
			return "", time.Time{}, err
		}
	}
	ok, err := verifySecret(ctx, t.Hasher, receipt, hash)
	if err != nil && IsCode(err, CodeUnavailable) {
		return "", time.Time{}, err
	}
	if !ok || caseID == "" || receipt == "" {
		wait := max(t.Codes.Fail(codeKey), t.Clients.Fail(clientKey))
		if wait > 0 {
			return "", time.Time{}, rateLimited(wait)
		}
		return "", time.Time{}, errBadPair
	}
	t.Codes.Reset(codeKey)
	return t.Tokens.IssueCitizen(caseID)
}

func rateLimited(wait time.Duration) error {
	secs := (wait + time.Second - 1) / time.Second * time.Second
	return &Error{Code: CodeRateLimited, Message: "Too many failed attempts; please wait before trying again.", RetryAfter: secs}
}

// Authenticate returns the report a citizen token opens.
func (t *Tracking) Authenticate(token string) (string, error) { return t.Tokens.VerifyCitizen(token) }

// IssueToken opens a session for a report just filed.
func (t *Tracking) IssueToken(caseID string) (string, time.Time, error) {
	return t.Tokens.IssueCitizen(caseID)
}

// View returns the report for its citizen.
func (t *Tracking) View(ctx context.Context, caseID string) (Case, error) {
	return t.Cases.FindCaseByID(ctx, caseID)
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
	c, err := t.Cases.FindCaseByID(ctx, caseID)
	if err != nil {
		return Message{}, nil, err
	}
	var up Upload
	if files != nil {
		up, err = t.Evidence.StoreFiles(ctx, caseID, files, SourceMessage, MaxMessageFiles, t.Limits.MaxFileBytes, t.Limits.MaxReportBytes)
		if err != nil {
			return Message{}, nil, err
		}
	}
	atts := up.Attachments
	now := t.Now().UTC().Truncate(time.Millisecond)
	m := Message{ID: newMessageID(), From: "citizen", Text: text, At: now}
	for i := range atts {
		atts[i].MessageID = m.ID
		m.AttachmentIDs = append(m.AttachmentIDs, atts[i].ID)
	}
	change := CaseChange{Messages: []Message{m}, Attachments: atts, At: now,
		Events: []Event{{Type: EventMessage, At: now, Actor: "citizen", Public: true, Ref: m.ID}}}
	if _, err := t.append(ctx, c, change); err != nil {
		t.Evidence.Discard(context.WithoutCancel(ctx), up)
		return Message{}, nil, err
	}
	t.Evidence.Commit(context.WithoutCancel(ctx), up)
	return m, atts, nil
}

// AddEvidence adds files to the report.
func (t *Tracking) AddEvidence(ctx context.Context, caseID string, files FileSource) ([]Attachment, error) {
	c, err := t.Cases.FindCaseByID(ctx, caseID)
	if err != nil {
		return nil, err
	}
	up, err := t.Evidence.StoreFiles(ctx, caseID, files, SourceAddition, t.Limits.MaxFiles, t.Limits.MaxFileBytes, t.Limits.MaxReportBytes)
	if err != nil {
		return nil, err
	}
	atts := up.Attachments
	if len(atts) == 0 {
		return nil, &Error{Code: CodeInvalid, Message: "Choose at least one file.", Fields: map[string]string{"files": FieldRequired}}
	}
	now := t.Now().UTC().Truncate(time.Millisecond)
	var events []Event
	for _, a := range atts {
		events = append(events, Event{Type: EventEvidenceAdded, At: now, Actor: "citizen", Public: true, Ref: a.ID})
	}
	if _, err := t.append(ctx, c, CaseChange{Attachments: atts, Events: events, At: now}); err != nil {
		t.Evidence.Discard(context.WithoutCancel(ctx), up)
		return nil, err
	}
	t.Evidence.Commit(context.WithoutCancel(ctx), up)
	return atts, nil
}

// append adds to a report, re-reading it when a concurrent change won the
// race (appends do not depend on the report's state).
func (t *Tracking) append(ctx context.Context, c Case, change CaseChange) (Case, error) {
	for range 10 {
		updated, err := t.Cases.UpdateCase(ctx, c.ID, c.Version, change)
		if !IsCode(err, CodeConflict) {
			return updated, err
		}
		if c, err = t.Cases.FindCaseByID(ctx, c.ID); err != nil {
			return Case{}, err
		}
	}
	return Case{}, Errorf(CodeConflict, "The report is changing too often; please try again.")
}

// Withdraw withdraws an open report at the citizen's request.
func (t *Tracking) Withdraw(ctx context.Context, caseID, reason string) (Case, error) {
	reason = strings.TrimSpace(reason)
	f := FieldErrors{}
	checkText(f, "reason", reason, MaxReasonChars, true)
	if err := f.Err(); err != nil {
		return Case{}, err
	}
	c, err := t.Cases.FindCaseByID(ctx, caseID)
	if err != nil {
		return Case{}, err
	}
	if !c.Status.Open() {
		return Case{}, Errorf(CodeConflict, "This report can no longer be withdrawn (it is %s).", c.Status)
	}
	now := t.Now().UTC().Truncate(time.Millisecond)
	return t.Cases.UpdateCase(ctx, c.ID, c.Version, CaseChange{
		FromStatus: []Status{StatusReceived, StatusAccepted, StatusInvestigating}, Status: StatusWithdrawn,
		WithdrawReason: reason, At: now,
		Events: []Event{{Type: EventWithdrawn, At: now, Actor: "citizen", Status: StatusWithdrawn, Public: true, Note: reason}},
	})
}

// Rating is the citizen's verdict on how the report was handled.
type Rating struct {
	Stars   int
	Comment string
	At      time.Time
}

// EventRated is the citizen's rating (which closes the report).
const EventRated = "rated"

// Rate records the citizen's rating of a concluded report and closes it.
func (t *Tracking) Rate(ctx context.Context, caseID string, stars int, comment string) (Case, error) {
	comment = strings.TrimSpace(comment)
	f := FieldErrors{}
	if stars < 1 || stars > 5 {
		f.Add("rating", FieldInvalid)
	}
	checkText(f, "comment", comment, MaxReasonChars, false)
	if err := f.Err(); err != nil {
		return Case{}, err
	}
	c, err := t.Cases.FindCaseByID(ctx, caseID)
	if err != nil {
		return Case{}, err
	}
	if err := CheckTransition(c.Status, PartyCitizen, TransitionInput{To: StatusClosed}); err != nil {
		return Case{}, err
	}
	now := t.Now().UTC().Truncate(time.Millisecond)
	r := Rating{Stars: stars, Comment: comment, At: now}
	return t.Cases.UpdateCase(ctx, c.ID, c.Version, CaseChange{FromStatus: []Status{c.Status}, Status: StatusClosed, Rating: &r, At: now,
		Events: []Event{{Type: EventRated, At: now, Actor: PartyCitizen, Status: StatusClosed, Public: true, Note: strconv.Itoa(stars)}}})
}
