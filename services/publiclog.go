package services

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"minhbach/internal/translog"
)

// The public transparency log (docs/transparency-log.md): every report's
// public facts and every admin-log change become entries of an append-only
// Merkle log whose tiles and signed checkpoints anyone can read and whose
// checkpoints the Fatherland Front's witnesses co-sign. This file turns the
// portal's events into entries and queues them; the Sequencer
// (publiclogseq.go) integrates the queue in batches, off the citizen's
// critical path.

// LogPending is an entry waiting for the log.
type LogPending struct {
	// ID names the event the entry records: "<caseId>:<seq, 10 digits>" for
	// a report's event (the audit event's seq), "admin:<id>" for an admin
	// change. Queuing the same event twice stores it once.
	ID    string
	Entry []byte // translog.Entry.Marshal
	// NeedsCase holds the entry back until that report exists: the round-2
	// report of an appeal, so that an appeal that fails before its report is
	// stored never reaches the public log.
	NeedsCase string
	QueuedAt  time.Time
}

// LogBatch is a batch of entries being integrated: recorded in the log's
// state before any tile is written, so a sequencer that dies mid-way is
// succeeded by one that writes exactly the same tiles.
type LogBatch struct {
	From    int64    // the index of the first entry
	IDs     []string // LogPending ids, in order
	Entries [][]byte
}

// LogState is the sequencer's state, one document.
type LogState struct {
	Size int64
	Root translog.Hash
	// Checkpoint is the latest signed checkpoint (the log's signature only).
	Checkpoint []byte
	// Version guards every change of the state (optimistic concurrency).
	Version int64
	// Batch is the batch being integrated; nil between batches.
	Batch *LogBatch
	// Done holds the ids of the last batch integrated, recorded with the
	// state that integrates it: when the answer to that write is lost, the
	// batch's queued entries are still there, and must not be taken again.
	Done []string
}

// LogEntryRef is where one entry of a commitment is in the log.
type LogEntryRef struct {
	Index int64
	ID    string // the LogPending id of the event it records
}

// LogCosignature is a witness's cosignature of one checkpoint, or its
// signed refusal.
type LogCosignature struct {
	Witness string // the witness's key name
	Size    int64  // the checkpoint's size (for a refusal: the size it was shown, -1 for none)
	// Line is the cosignature's signature line ("— name base64\n"); empty
	// for a refusal.
	Line string
	// Refusal is the witness's signed refusal note; empty for a cosignature.
	Refusal string
	Reason  string // a refusal's reason
	At      time.Time
}

// LogStore keeps the sequencing state in the database.
type LogStore interface {
	// QueueLogEntries stores entries waiting for the log; an id already
	// queued is kept as it is.
	QueueLogEntries(ctx context.Context, ps []LogPending) error
	// PendingLogEntries returns up to limit queued entries, oldest first.
	PendingLogEntries(ctx context.Context, limit int) ([]LogPending, error)
	// DeleteLogPending removes queued entries once integrated.
	DeleteLogPending(ctx context.Context, ids []string) error
	// LogState returns the state; a zero state (size 0) when there is none.
	LogState(ctx context.Context) (LogState, error)
	// SetLogState replaces the state if it is still at version; conflict
	// otherwise. The stored version becomes version+1.
	SetLogState(ctx context.Context, version int64, s LogState) error
	// IndexLogEntries records where entries are, by commitment; recording
	// the same reference twice keeps one.
	IndexLogEntries(ctx context.Context, refs map[translog.Hash][]LogEntryRef) error
	// LogEntriesOf returns the entries of a commitment, by index.
	LogEntriesOf(ctx context.Context, c translog.Hash) ([]LogEntryRef, error)
	// AddLogCosignature records a witness's cosignature or refusal; the
	// same witness and size twice keeps the first.
	AddLogCosignature(ctx context.Context, c LogCosignature) error
	// LogCosignatures returns the cosignatures of a checkpoint size.
	LogCosignatures(ctx context.Context, size int64) ([]LogCosignature, error)
	// LatestLogWitnessing returns, per witness, its latest cosignature and
	// its latest refusal.
	LatestLogWitnessing(ctx context.Context) (cosigned, refused map[string]LogCosignature, err error)
}

// logEventID names a report's audit event as a LogPending id.
func logEventID(caseID string, seq int64) string { return fmt.Sprintf("%s:%010d", caseID, seq) }

// logEventOf returns the public log event a timeline event of c is, or ""
// when it stays out of the log (messages, notes, assignment, evidence,
// custody: private, covered by the audit chains).
func logEventOf(e Event, c *Case) translog.Event {
	switch e.Type {
	case EventSubmitted:
		return translog.EventFiled
	case EventWithdrawn:
		return translog.EventWithdrawn
	case EventAppealed:
		return translog.EventAppealed
	case EventDeadlineExtended:
		return translog.EventExtended
	case StatusEvent(StatusAccepted):
		return translog.EventAccepted
	case StatusEvent(StatusRejected):
		return translog.EventRejected
	case StatusEvent(StatusTransferred):
		return translog.EventTransferred
	case StatusEvent(StatusClosed):
		return translog.EventClosed
	case StatusEvent(StatusConcluded):
		if c.Outcome == nil {
			return ""
		}
		switch c.Outcome.Result {
		case OutcomeSubstantiated:
			return translog.EventConcludedSubstantiated
		case OutcomePartly:
			return translog.EventConcludedPartlySubstantiated
		case OutcomeUnsubstantiated:
			return translog.EventConcludedUnsubstantiated
		}
	}
	return ""
}

// LogCommitment is the commitment of a report's entries: whoever holds its
// proof of filing (tracking code and content hash) can recompute it.
func LogCommitment(c *Case) (translog.Hash, error) {
	return translog.ReportCommitment(c.TrackingCode, c.ContentHash)
}

// reportLogEntries returns the entries of the chained events of c that go
// into the public log.
func reportLogEntries(c *Case, events []Event, chained []AuditEvent, now time.Time) ([]LogPending, error) {
	var out []LogPending
	for i, e := range events {
		ev := logEventOf(e, c)
		if ev == "" || i >= len(chained) {
			continue
		}
		com, err := LogCommitment(c)
		if err != nil {
			return nil, err
		}
		b, err := translog.Entry{Event: ev, Date: translog.Day(e.At, VietnamTime), Commitment: com}.Marshal()
		if err != nil {
			return nil, err
		}
		p := LogPending{ID: logEventID(c.ID, chained[i].Seq), Entry: b, QueuedAt: now}
		if e.Type == EventAppealed {
			p.NeedsCase = e.Ref
		}
		out = append(out, p)
	}
	return out, nil
}

// adminCanonical fixes the encoding of an admin event for its commitment.
type adminCanonical struct {
	V       int    `json:"v"`
	ID      string `json:"id"`
	At      string `json:"at"`
	ActorID string `json:"actorId"`
	Action  string `json:"action"`
	Target  string `json:"target"`
	Summary string `json:"summary"`
}

// CanonicalAdminEvent returns the bytes an admin event's commitment covers:
// compact JSON with the fields in this fixed order, "at" in UTC with
// millisecond precision (what the database keeps).
func CanonicalAdminEvent(e AdminEvent) []byte {
	b, err := json.Marshal(adminCanonical{V: 1, ID: e.ID, At: e.At.UTC().Truncate(time.Millisecond).Format(time.RFC3339Nano),
		ActorID: e.ActorID, Action: e.Action, Target: e.Target, Summary: e.Summary})
	if err != nil {
		panic("services: canonical admin event: " + err.Error()) // strings and an int cannot fail
	}
	return b
}

// AdminLogEvent is the public log event of an admin change: staffing for
// accounts, roles and unit membership, configuration for the rest.
func AdminLogEvent(action string) translog.Event {
	if strings.HasPrefix(action, "user.") {
		return translog.EventStaffing
	}
	return translog.EventConfiguration
}

// adminLogEntry returns the queued entry of an admin change.
func adminLogEntry(e AdminEvent, now time.Time) (LogPending, error) {
	b, err := translog.Entry{Event: AdminLogEvent(e.Action), Date: translog.Day(e.At, VietnamTime),
		Commitment: translog.AdminCommitment(CanonicalAdminEvent(e))}.Marshal()
	if err != nil {
		return LogPending{}, err
	}
	return LogPending{ID: "admin:" + e.ID, Entry: b, QueuedAt: now}, nil
}

// NewAdminEventID returns an id for an admin event: 12 bytes in hex, the
// first four the time in seconds, the rest random (the shape of a MongoDB
// ObjectID, so the store keeps it as the document's _id).
func NewAdminEventID(now time.Time) string {
	var b [12]byte
	binary.BigEndian.PutUint32(b[:4], uint32(now.Unix()))
	_, _ = rand.Read(b[4:])
	return hex.EncodeToString(b[:])
}

// LoggedAdminEvents is an AdminAuditStore that also queues each admin
// change for the public log. The change's event is written first; an entry
// that could not be queued is reported through onError (the admin event
// stands; `portal audit verify` lists admin events without entries).
type LoggedAdminEvents struct {
	AdminAuditStore
	queue   LogStore
	now     func() time.Time
	onError func(err error)
}

// NewLoggedAdminEvents queues store's new admin events into queue.
func NewLoggedAdminEvents(store AdminAuditStore, queue LogStore, now func() time.Time, onError func(error)) *LoggedAdminEvents {
	return &LoggedAdminEvents{AdminAuditStore: store, queue: queue, now: clockOrNow(now), onError: onError}
}

// InsertAdminEvent writes the event, then queues its entry.
func (l *LoggedAdminEvents) InsertAdminEvent(ctx context.Context, e AdminEvent) error {
	if e.ID == "" {
		e.ID = NewAdminEventID(l.now())
	}
	e.At = e.At.UTC().Truncate(time.Millisecond)
	if err := l.AdminAuditStore.InsertAdminEvent(ctx, e); err != nil {
		return err
	}
	p, err := adminLogEntry(e, l.now())
	if err == nil {
		err = l.queue.QueueLogEntries(context.WithoutCancel(ctx), []LogPending{p})
	}
	if err != nil && l.onError != nil {
		l.onError(err)
	}
	return nil
}
