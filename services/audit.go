package services

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math/rand/v2"
	"regexp"
	"sync"
	"time"
	"unicode/utf8"
)

// AuditEvent is one link of a report's append-only, hash-chained audit log.
// Seq runs 1, 2, 3… per report; PrevHash is the Hash of the event before it
// ("" for seq 1); Hash is ComputeAuditHash(PrevHash, event).
type AuditEvent struct {
	CaseID   string
	Seq      int64
	At       time.Time
	Actor    string
	Type     string
	Data     map[string]string // small; never identity values or complaint text
	PrevHash string            // hex; "" for seq 1
	Hash     string            // hex SHA-256, see ComputeAuditHash
}

// AuditStore keeps audit events. Uniqueness of (caseId, seq) is what makes
// concurrent appends safe without transactions.
type AuditStore interface {
	// AppendAuditEvent inserts e; conflict when the report already has an
	// event with e.Seq.
	AppendAuditEvent(ctx context.Context, e AuditEvent) error
	// LastAuditEvent returns the event with the highest seq; not_found when
	// the report has none.
	LastAuditEvent(ctx context.Context, caseID string) (AuditEvent, error)
	// ListAuditEvents returns up to limit events of a report by seq ascending.
	ListAuditEvents(ctx context.Context, caseID string, limit int) ([]AuditEvent, error)
	// ListAuditHeads returns the last event of up to limit reports.
	ListAuditHeads(ctx context.Context, limit int) ([]AuditEvent, error)
}

// auditCanonical fixes the field order of the canonical encoding.
type auditCanonical struct {
	V        int               `json:"v"`
	CaseID   string            `json:"caseId"`
	Seq      int64             `json:"seq"`
	At       string            `json:"at"`
	Actor    string            `json:"actor"`
	Type     string            `json:"type"`
	Data     map[string]string `json:"data"`
	PrevHash string            `json:"prevHash"`
}

// CanonicalAuditEvent returns the bytes the hash covers: a compact JSON
// object with the fields in this fixed order
//
//	{"v":1,"caseId":…,"seq":…,"at":…,"actor":…,"type":…,"data":{…},"prevHash":…}
//
// where "v" is the encoding version (1), "at" is At in UTC formatted with
// time.RFC3339Nano (trailing zeros of the fraction dropped, "Z" suffix),
// "data" has its keys sorted bytewise (encoding/json sorts map keys) and is
// {} when Data is nil or empty, and strings use encoding/json escaping
// (including \u003c, \u003e, \u0026 for <, >, &). Hash is not part of it.
// Invalid UTF-8 would be replaced by U+FFFD, so AuditLog.Append refuses it.
func CanonicalAuditEvent(e AuditEvent) []byte {
	data := e.Data
	if data == nil {
		data = map[string]string{}
	}
	b, err := json.Marshal(auditCanonical{
		V: 1, CaseID: e.CaseID, Seq: e.Seq, At: e.At.UTC().Format(time.RFC3339Nano),
		Actor: e.Actor, Type: e.Type, Data: data, PrevHash: e.PrevHash,
	})
	if err != nil {
		// Strings, an int and a map of strings cannot fail to marshal.
		panic("services: canonical audit event: " + err.Error())
	}
	return b
}

// ComputeAuditHash returns hex(SHA-256(prev ‖ CanonicalAuditEvent(e))),
// where prev is the hex-decoded previous hash (no bytes for the first
// event; the raw string bytes if it is not valid hex, which Verify rejects
// anyway). e.Hash is ignored; e.PrevHash is covered by the canonical form.
func ComputeAuditHash(prev string, e AuditEvent) string {
	p, err := hex.DecodeString(prev)
	if err != nil {
		p = []byte(prev)
	}
	h := sha256.New()
	h.Write(p)
	h.Write(CanonicalAuditEvent(e))
	return hex.EncodeToString(h.Sum(nil))
}

// Limits of an audit event's Data, which is metadata (ids, statuses), never
// content or identity values.
const (
	auditMaxDataEntries = 32
	auditMaxValueBytes  = 1024
	auditMaxTextBytes   = 128 // caseID, actor, type
	// auditMaxAttempts bounds Append's read-compute-insert retries when
	// concurrent appends (from another portal process) take the next seq
	// first. Another process appending back to back can win many rounds in
	// a row while this one backs off, more so on a loaded database: 40
	// attempts with backoff capped at 256 ms give about 5 s before "busy".
	auditMaxAttempts = 40
	// auditVerifyLimit is the longest chain Verify reads.
	auditVerifyLimit = 100_000
)

// auditDataKey keeps keys safe as MongoDB field names (no "." or leading "$").
var auditDataKey = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// AuditLog appends to and verifies the per-report audit chains.
// The zero value of its unexported fields is ready; do not copy an AuditLog
// after first use.
type AuditLog struct {
	store AuditStore
	now   func() time.Time

	mu    sync.Mutex
	locks map[string]*auditLock // per report, while someone appends
}

// NewAuditLog appends to and verifies the chains kept in store; now is the
// clock (time.Now when nil).
func NewAuditLog(store AuditStore, now func() time.Time) *AuditLog {
	return &AuditLog{store: store, now: clockOrNow(now)}
}

// Events returns up to limit events of a report's chain, oldest first.
func (l *AuditLog) Events(ctx context.Context, caseID string, limit int) ([]AuditEvent, error) {
	return l.store.ListAuditEvents(ctx, caseID, limit)
}

// auditLock serializes one process's appends to one report, so they never
// race each other at the database; n counts holders and waiters.
type auditLock struct {
	sem chan struct{}
	n   int
}

// lock waits for caseID's turn in this process and returns the release.
func (l *AuditLog) lock(ctx context.Context, caseID string) (func(), error) {
	l.mu.Lock()
	if l.locks == nil {
		l.locks = map[string]*auditLock{}
	}
	k := l.locks[caseID]
	if k == nil {
		k = &auditLock{sem: make(chan struct{}, 1)}
		l.locks[caseID] = k
	}
	k.n++
	l.mu.Unlock()
	done := func() {
		l.mu.Lock()
		if k.n--; k.n == 0 {
			delete(l.locks, caseID)
		}
		l.mu.Unlock()
	}
	select {
	case k.sem <- struct{}{}:
		return func() { <-k.sem; done() }, nil
	case <-ctx.Done():
		done()
		return nil, Wrap(ctx.Err(), ReasonCancelled, "The request was cancelled.")
	}
}

// Append adds an event at the end of caseID's chain and returns it. It reads
// the last event, computes the next seq and hash and inserts; when a
// concurrent append took that seq first (conflict) it reads again and
// retries, up to 20 times with jittered backoff, then returns conflict.
// Appends through one AuditLog to one report take turns, so only appends
// from other processes (other AuditLogs) can conflict: optimistic retries
// alone let a writer that keeps losing starve.
func (l *AuditLog) Append(ctx context.Context, caseID, actor, typ string, data map[string]string) (AuditEvent, error) {
	if err := validateAudit(caseID, actor, typ, data); err != nil {
		return AuditEvent{}, err
	}
	now := clockOrNow(l.now)
	var copied map[string]string
	if len(data) > 0 {
		copied = make(map[string]string, len(data))
		for k, v := range data {
			copied[k] = v
		}
	}
	release, err := l.lock(ctx, caseID)
	if err != nil {
		return AuditEvent{}, err
	}
	defer release()
	for attempt := 0; attempt < auditMaxAttempts; attempt++ {
		if attempt > 0 {
			// Exponential backoff with full jitter spreads contending
			// writers apart, so one writer is unlikely to lose every race.
			t := time.NewTimer(rand.N(auditBackoff(attempt)))
			select {
			case <-ctx.Done():
				t.Stop()
				return AuditEvent{}, Wrap(ctx.Err(), ReasonCancelled, "The request was cancelled.")
			case <-t.C:
			}
		}
		e := AuditEvent{CaseID: caseID, Seq: 1, Actor: actor, Type: typ, Data: copied,
			// The database keeps milliseconds; hash what will be read back.
			At: now().UTC().Truncate(time.Millisecond)}
		last, err := l.store.LastAuditEvent(ctx, caseID)
		switch {
		case err == nil:
			e.Seq, e.PrevHash = last.Seq+1, last.Hash
		case !IsCode(err, CodeNotFound):
			return AuditEvent{}, err
		}
		e.Hash = ComputeAuditHash(e.PrevHash, e)
		err = l.store.AppendAuditEvent(ctx, e)
		if err == nil {
			return e, nil
		}
		if !IsCode(err, CodeConflict) {
			return AuditEvent{}, err
		}
	}
	return AuditEvent{}, Errorf(ReasonBusyRetry, "The audit log is busy; please try again.")
}

// auditBackoff is the longest wait before retry attempt: 2 ms doubling to
// 256 ms, so contention eases even when one round trip is slow (the
// embedded server on one connection, a loaded MongoDB).
func auditBackoff(attempt int) time.Duration {
	return 2 * time.Millisecond << min(attempt-1, 7)
}

func validateAudit(caseID, actor, typ string, data map[string]string) error {
	f := FieldErrors{}
	for name, v := range map[string]string{"caseId": caseID, "actor": actor, "type": typ} {
		switch {
		case v == "":
			f.Add(name, FieldRequired)
		case len(v) > auditMaxTextBytes:
			f.Add(name, FieldTooLong)
		case !utf8.ValidString(v):
			f.Add(name, FieldInvalid)
		}
	}
	if len(data) > auditMaxDataEntries {
		f.Add("data", FieldTooLong)
	}
	for k, v := range data {
		switch {
		case !auditDataKey.MatchString(k), !utf8.ValidString(v):
			f.Add("data", FieldInvalid)
		case len(v) > auditMaxValueBytes:
			f.Add("data", FieldTooLong)
		}
	}
	return f.Err()
}

// Reasons VerifyResult gives for a broken chain.
const (
	AuditHashMismatch     = "hash mismatch"
	AuditSequenceGap      = "sequence gap"
	AuditPrevHashMismatch = "prev hash mismatch"
	AuditDuplicateSeq     = "duplicate sequence"
)

// VerifyResult is the outcome of checking one report's chain.
type VerifyResult struct {
	Valid    bool
	Events   int
	BrokenAt int64  // seq of the first bad link; 0 when valid
	Reason   string // one of the Audit* reasons; "" when valid
}

// Verify reads caseID's chain and checks it. A report with no events is a
// valid empty chain; removing events from the end of a chain is not
// detectable here (that is what the signed checkpoints of the heads are
// for).
func (l *AuditLog) Verify(ctx context.Context, caseID string) (VerifyResult, error) {
	events, err := l.store.ListAuditEvents(ctx, caseID, auditVerifyLimit+1)
	if err != nil {
		return VerifyResult{}, err
	}
	if len(events) > auditVerifyLimit {
		return VerifyResult{}, Errorf(ReasonAuditTooLong, "The audit log of this report is too long to verify at once.")
	}
	return VerifyAuditChain(events), nil
}

// VerifyAuditChain checks events sorted by seq ascending: seqs must be
// 1..n without gaps or repeats, each PrevHash must equal the previous event's
// Hash ("" for seq 1), and each Hash must recompute. It reports the first
// failure, checking each event in that order.
func VerifyAuditChain(events []AuditEvent) VerifyResult {
	r := VerifyResult{Events: len(events)}
	prevHash := ""
	for i, e := range events {
		want := int64(i + 1)
		switch {
		case i > 0 && e.Seq == events[i-1].Seq:
			r.BrokenAt, r.Reason = e.Seq, AuditDuplicateSeq
		case e.Seq != want:
			r.BrokenAt, r.Reason = e.Seq, AuditSequenceGap
		case e.PrevHash != prevHash:
			r.BrokenAt, r.Reason = e.Seq, AuditPrevHashMismatch
		case ComputeAuditHash(e.PrevHash, e) != e.Hash:
			r.BrokenAt, r.Reason = e.Seq, AuditHashMismatch
		}
		if r.Reason != "" {
			return r
		}
		prevHash = e.Hash
	}
	r.Valid = true
	return r
}
