package services

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
)

// AuditedCases is a CaseStore that appends every event written to a report
// (its submission, transitions, assignment, notes, messages, custody,
// recommendations, re-routing) to the report's hash chain. The chain holds
// what happened, when and by whom, and a SHA-256 of any free text (notes,
// reasons), never the text itself.
//
// Without multi-document transactions the case write and the chain append
// are two writes. A new report's first events are chained before it is
// inserted (a failure refuses the submission, nothing half-written; an
// insert that then fails leaves chain events of a report that never
// existed, which verify as a valid chain). A change's events are chained
// after the change is written: the change stands whatever happens, and a
// failure to chain is reported through OnChainError, because callers that
// treated it as a failed change would undo work the report now references.
type AuditedCases struct {
	caseStore
	log *AuditLog
	// queue (optional) receives the public log's entries of the chained
	// events (publiclog.go); set with LogTo.
	queue LogStore
	now   func() time.Time
	// onChainError hears of events that could not be chained.
	onChainError func(caseID string, err error)
}

// caseStore lets the store decorators embed the CaseStore they wrap
// without exporting it.
type caseStore = CaseStore

// NewAuditedCases chains the events written to store into log;
// onChainError (optional) hears of events that could not be chained.
func NewAuditedCases(store CaseStore, log *AuditLog, onChainError func(caseID string, err error)) *AuditedCases {
	return &AuditedCases{caseStore: store, log: log, onChainError: onChainError}
}

// LogTo makes a queue the public log's entries of the events chained from
// now on (docs/transparency-log.md): after a report is stored or changed,
// one small insert, never a wait for the log.
func (a *AuditedCases) LogTo(queue LogStore, now func() time.Time) {
	a.queue, a.now = queue, clockOrNow(now)
}

// InsertCase chains a report's first events, then stores it. They start
// its chain without reading the chain (AuditLog.Start). The report's
// entries are queued for the public log once it is stored.
func (a *AuditedCases) InsertCase(ctx context.Context, c *Case) error {
	chained, err := a.chain(ctx, c.ID, c.Timeline, true)
	if err != nil {
		return err
	}
	if err := a.caseStore.InsertCase(ctx, c); err != nil {
		return err
	}
	a.queueLog(ctx, c, c.Timeline, chained)
	return nil
}

// UpdateCase applies a change and chains its events. When the database
// went away and the change may have been applied with its answer lost, it
// reads the report back: a change found applied is chained and answered as
// done, so that the report's document never runs ahead of its chain
// (which `portal audit verify` reports).
func (a *AuditedCases) UpdateCase(ctx context.Context, id string, version int64, ch CaseChange) (Case, error) {
	c, err := a.caseStore.UpdateCase(ctx, id, version, ch)
	if err != nil && IsCode(err, CodeUnavailable) && len(ch.Events) > 0 {
		if applied, ok := a.appliedAnyway(context.WithoutCancel(ctx), id, version, ch.Events); ok {
			c, err = applied, nil
		}
	}
	if err != nil {
		return c, err
	}
	chained, err := a.chain(ctx, id, ch.Events, false)
	if err != nil && a.onChainError != nil {
		a.onChainError(id, err)
	}
	a.queueLog(ctx, &c, ch.Events, chained)
	return c, nil
}

// appliedAnyway reads the report until the database answers (within
// chainRetry) and says whether it holds the change made at version: the
// next version, ending with the change's events.
func (a *AuditedCases) appliedAnyway(ctx context.Context, id string, version int64, events []Event) (Case, bool) {
	deadline := time.Now().Add(chainRetry)
	for wait := 100 * time.Millisecond; time.Now().Before(deadline); wait = min(2*wait, time.Second) {
		time.Sleep(wait)
		c, err := a.caseStore.FindCaseByID(ctx, id)
		if IsCode(err, CodeUnavailable) {
			continue
		}
		if err != nil || c.Version != version+1 || len(c.Timeline) < len(events) {
			return Case{}, false
		}
		tail := c.Timeline[len(c.Timeline)-len(events):]
		for i, e := range events {
			if tail[i].Type != e.Type || tail[i].Actor != e.Actor || !tail[i].At.Equal(e.At.Truncate(time.Millisecond)) {
				return Case{}, false
			}
		}
		return c, true
	}
	return Case{}, false
}

// queueLog queues the public log's entries of the chained events. A
// failure is reported like a failure to chain: the change stands, and the
// missing entry is found again by `portal audit verify`.
func (a *AuditedCases) queueLog(ctx context.Context, c *Case, events []Event, chained []AuditEvent) {
	if a.queue == nil || len(chained) == 0 {
		return
	}
	ps, err := reportLogEntries(c, events, chained, a.now())
	if err == nil && len(ps) > 0 {
		err = a.queue.QueueLogEntries(context.WithoutCancel(ctx), ps)
	}
	if err != nil && a.onChainError != nil {
		a.onChainError(c.ID, fmt.Errorf("queuing the public log's entries: %w", err))
	}
}

func (a *AuditedCases) chain(ctx context.Context, caseID string, events []Event, start bool) ([]AuditEvent, error) {
	entries := make([]AuditEntry, 0, len(events))
	for _, e := range events {
		data := map[string]string{"at": e.At.UTC().Format(chainTimeLayout)}
		if e.Status != "" {
			data["status"] = string(e.Status)
		}
		if e.Ref != "" {
			data["ref"] = e.Ref
		}
		if e.Note != "" {
			sum := sha256.Sum256([]byte(e.Note))
			data["noteSha256"] = hex.EncodeToString(sum[:])
		}
		if e.Public {
			data["public"] = "true"
		}
		if hiddenFrom(Actor{Role: RoleMonitor}, e.Type) {
			// Monitors see this link's hash but not its content: a random
			// salt keeps the hash from confirming a guessed text, author
			// and time (docs/privacy.md, "Checking instead of trusting").
			data["salt"] = newAuditSalt()
		}
		entries = append(entries, AuditEntry{Actor: e.Actor, Type: string(e.Type), Data: data})
	}
	// One append for the change's events: one head read, their inserts,
	// one head write.
	ctx = context.WithoutCancel(ctx)
	chained, err := a.log.append(ctx, caseID, entries, start)
	// The database went away mid-way: try again for a little while, so
	// that a blip (a failover, a restart) does not leave the report's
	// document ahead of its chain, which `portal audit verify` reports.
	// An insert applied whose answer was lost is found in the chain and
	// adopted, not appended twice.
	deadline := time.Now().Add(chainRetry)
	for wait := 100 * time.Millisecond; err != nil && IsCode(err, CodeUnavailable) && time.Now().Before(deadline); wait = min(2*wait, time.Second) {
		time.Sleep(wait)
		var found []AuditEvent
		if found, err = a.log.adopt(ctx, caseID, entries[len(chained):]); err != nil {
			continue
		}
		chained = append(chained, found...)
		if len(chained) == len(entries) {
			break
		}
		var more []AuditEvent
		more, err = a.log.append(ctx, caseID, entries[len(chained):], false)
		chained = append(chained, more...)
	}
	return chained, err // already in the services vocabulary (unavailable when the database is down)
}

// chainTimeLayout is how a chained event's data records the time of the
// report's event ("at"), to the millisecond the database keeps.
const chainTimeLayout = "2006-01-02T15:04:05.000Z07:00"

// chainRetry bounds the retries of a change's events while the database
// is unavailable (the request waits that long at most).
const chainRetry = 10 * time.Second

// newAuditSalt returns 128 random bits in hex.
func newAuditSalt() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// AuditRedacted is the Type of a link whose event the caller may not see
// (an internal note, for a monitor): only its Seq, PrevHash and Hash are
// kept, so the chain still links from one visible event to the next.
const AuditRedacted = "redacted"

// redactAudit keeps of e only what links the chain.
func redactAudit(e AuditEvent) AuditEvent {
	return AuditEvent{CaseID: e.CaseID, Seq: e.Seq, Type: AuditRedacted, PrevHash: e.PrevHash, Hash: e.Hash}
}

// AuditTrail returns a report's chained events and their verification, to
// staff of its unit and monitors of its committee. The events a caller's
// page of the report leaves out (hiddenFrom) are redacted links; the
// verification is of the whole chain, done here.
func (w *Workflow) AuditTrail(ctx context.Context, actor Actor, caseID string) ([]AuditEvent, VerifyResult, error) {
	c, err := w.reports.visible(ctx, actor, caseID)
	if err != nil {
		return nil, VerifyResult{}, err
	}
	if w.audit == nil {
		return nil, VerifyResult{}, Errorf(ReasonNotConfigured, "The audit trail is not available.")
	}
	// One read of the chain serves the verification and the page.
	events, res, err := w.audit.read(ctx, c.ID)
	if err != nil {
		return nil, VerifyResult{}, err
	}
	if len(events) > auditTrailLimit {
		events = events[:auditTrailLimit]
	}
	for i, e := range events {
		if hiddenFrom(actor, EventType(e.Type)) {
			events[i] = redactAudit(e)
		}
	}
	return events, res, nil
}

// auditTrailLimit is the most events AuditTrail returns.
const auditTrailLimit = 10000

// ChainReport is the verification of one report's chain.
type ChainReport struct {
	CaseID string
	VerifyResult
}

// VerifyAllChains checks the chain of every report that has one (up to
// limit reports), returning the broken ones and how many were checked. It
// reads every event once (ReadAuditChains).
func VerifyAllChains(ctx context.Context, log *AuditLog, limit int) (broken []ChainReport, checked int, err error) {
	chains, err := ReadAuditChains(ctx, log.store)
	if err != nil {
		return nil, 0, err
	}
	broken, checked = chains.Verify(limit)
	return broken, checked, nil
}
