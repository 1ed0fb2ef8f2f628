package services

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
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
// concurrent appends safe without transactions. Appending costs the same
// whatever the number of reports (docs/storage.md, "Audit chains").
type AuditStore interface {
	// AppendAuditEvents inserts events (consecutive seqs of one report) in
	// order, stopping at the first failure, and returns how many it
	// inserted; conflict when the report already has an event with the
	// seq of the next one.
	AppendAuditEvents(ctx context.Context, events []AuditEvent) (int, error)
	// AuditHead returns the recorded last event of a report's chain, which
	// may be behind the real last one (the next append then conflicts);
	// not_found when the report has none.
	AuditHead(ctx context.Context, caseID string) (AuditEvent, error)
	// LastAuditEvent returns the event with the highest seq; not_found when
	// the report has none.
	LastAuditEvent(ctx context.Context, caseID string) (AuditEvent, error)
	// ListAuditEvents returns up to limit events of a report by seq ascending.
	ListAuditEvents(ctx context.Context, caseID string, limit int) ([]AuditEvent, error)
	// ListAuditHeads returns the recorded last event of up to limit reports.
	ListAuditHeads(ctx context.Context, limit int) ([]AuditEvent, error)
	// EachAuditEvent calls fn with every event of every report, in no
	// particular order, reading them once.
	EachAuditEvent(ctx context.Context, fn func(AuditEvent) error) error
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

// AuditEntry is an event to append: who did what, with its metadata.
type AuditEntry struct {
	Actor string
	Type  string
	Data  map[string]string
}

// Append adds an event at the end of caseID's chain and returns it.
func (l *AuditLog) Append(ctx context.Context, caseID, actor, typ string, data map[string]string) (AuditEvent, error) {
	out, err := l.append(ctx, caseID, []AuditEntry{{Actor: actor, Type: typ, Data: data}}, false)
	if err != nil {
		return AuditEvent{}, err
	}
	return out[0], nil
}

// Start chains the first events of a new report without reading anything:
// they take seq 1, 2… and the store's uniqueness of (caseId, seq) refuses
// them if the chain exists after all, in which case they are appended at
// its end like any others.
func (l *AuditLog) Start(ctx context.Context, caseID string, entries []AuditEntry) ([]AuditEvent, error) {
	return l.append(ctx, caseID, entries, true)
}

// append adds entries at the end of caseID's chain. It takes the recorded
// head (none for a new chain), computes the next seqs and hashes and
// inserts; when a concurrent append took a seq first (conflict) it reads
// the real last event and retries the rest, up to auditMaxAttempts times
// with jittered backoff, then returns conflict. Appends through one
// AuditLog to one report take turns, so only appends from other processes
// (other AuditLogs), or a head left behind, can conflict: optimistic
// retries alone let a writer that keeps losing starve.
func (l *AuditLog) append(ctx context.Context, caseID string, entries []AuditEntry, fresh bool) ([]AuditEvent, error) {
	if len(entries) == 0 {
		return nil, nil
	}
	copied := make([]AuditEntry, len(entries))
	for i, en := range entries {
		if err := validateAudit(caseID, en.Actor, en.Type, en.Data); err != nil {
			return nil, err
		}
		copied[i] = AuditEntry{Actor: en.Actor, Type: en.Type}
		if len(en.Data) > 0 {
			copied[i].Data = make(map[string]string, len(en.Data))
			for k, v := range en.Data {
				copied[i].Data[k] = v
			}
		}
	}
	now := clockOrNow(l.now)
	release, err := l.lock(ctx, caseID)
	if err != nil {
		return nil, err
	}
	defer release()
	var done []AuditEvent
	for attempt := 0; attempt < auditMaxAttempts; attempt++ {
		if attempt > 0 {
			// Exponential backoff with full jitter spreads contending
			// writers apart, so one writer is unlikely to lose every race.
			t := time.NewTimer(rand.N(auditBackoff(attempt)))
			select {
			case <-ctx.Done():
				t.Stop()
				return done, Wrap(ctx.Err(), ReasonCancelled, "The request was cancelled.")
			case <-t.C:
			}
		}
		var last AuditEvent
		var err error
		switch {
		case attempt > 0:
			last, err = l.store.LastAuditEvent(ctx, caseID)
		case fresh:
			// A new report's chain starts at seq 1, with nothing to read.
		default:
			last, err = l.store.AuditHead(ctx, caseID)
		}
		if err != nil && !IsCode(err, CodeNotFound) {
			return done, err
		}
		// The database keeps milliseconds; hash what will be read back.
		at := now().UTC().Truncate(time.Millisecond)
		batch := make([]AuditEvent, 0, len(copied)-len(done))
		for _, en := range copied[len(done):] {
			e := AuditEvent{CaseID: caseID, Seq: last.Seq + 1, Actor: en.Actor, Type: en.Type, Data: en.Data, At: at, PrevHash: last.Hash}
			e.Hash = ComputeAuditHash(e.PrevHash, e)
			batch = append(batch, e)
			last = e
		}
		n, err := l.store.AppendAuditEvents(ctx, batch)
		done = append(done, batch[:n]...)
		if err == nil && len(done) == len(copied) {
			return done, nil
		}
		if err != nil && !IsCode(err, CodeConflict) {
			return done, err
		}
	}
	return done, Errorf(ReasonBusyRetry, "The audit log is busy; please try again.")
}

// adopt finds, in caseID's chain, events appended for entries whose
// answer was lost: the first entry's event (same type, actor and data,
// which holds the event's time to the millisecond and, for private events,
// a random salt) and the entries that follow it in order. It returns the
// events found, none when the first is not in the chain.
func (l *AuditLog) adopt(ctx context.Context, caseID string, entries []AuditEntry) ([]AuditEvent, error) {
	if len(entries) == 0 {
		return nil, nil
	}
	events, err := l.store.ListAuditEvents(ctx, caseID, auditVerifyLimit)
	if err != nil {
		return nil, err
	}
	same := func(e AuditEvent, en AuditEntry) bool {
		return e.Type == en.Type && e.Actor == en.Actor && maps.Equal(e.Data, en.Data)
	}
	for i := len(events) - 1; i >= 0; i-- {
		if !same(events[i], entries[0]) {
			continue
		}
		var out []AuditEvent
		for j := 0; j < len(entries) && i+j < len(events) && same(events[i+j], entries[j]); j++ {
			out = append(out, events[i+j])
		}
		return out, nil
	}
	return nil, nil
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
	_, r, err := l.read(ctx, caseID)
	return r, err
}

// read returns caseID's whole chain and its verification.
func (l *AuditLog) read(ctx context.Context, caseID string) ([]AuditEvent, VerifyResult, error) {
	events, err := l.store.ListAuditEvents(ctx, caseID, auditVerifyLimit+1)
	if err != nil {
		return nil, VerifyResult{}, err
	}
	if len(events) > auditVerifyLimit {
		return nil, VerifyResult{}, Errorf(ReasonAuditTooLong, "The audit log of this report is too long to verify at once.")
	}
	return events, VerifyAuditChain(events), nil
}

// VerifyAuditChain checks events sorted by seq ascending: seqs must be
// 1..n without gaps or repeats, each PrevHash must equal the previous event's
// Hash ("" for seq 1), and each Hash must recompute. It reports the first
// failure, checking each event in that order.
func VerifyAuditChain(events []AuditEvent) VerifyResult {
	links := make([]auditLink, len(events))
	for i, e := range events {
		links[i] = linkOf(e)
	}
	return verifyLinks(links)
}

// auditLink is what verification needs of an event: its seq, its links,
// and whether its hash recomputes (which depends on the event alone).
type auditLink struct {
	Seq      int64
	PrevHash string
	Hash     string
	HashOK   bool
}

func linkOf(e AuditEvent) auditLink {
	return auditLink{Seq: e.Seq, PrevHash: e.PrevHash, Hash: e.Hash, HashOK: ComputeAuditHash(e.PrevHash, e) == e.Hash}
}

// verifyLinks is VerifyAuditChain on the links of the events.
func verifyLinks(links []auditLink) VerifyResult {
	r := VerifyResult{Events: len(links)}
	prevHash := ""
	for i, e := range links {
		want := int64(i + 1)
		switch {
		case i > 0 && e.Seq == links[i-1].Seq:
			r.BrokenAt, r.Reason = e.Seq, AuditDuplicateSeq
		case e.Seq != want:
			r.BrokenAt, r.Reason = e.Seq, AuditSequenceGap
		case e.PrevHash != prevHash:
			r.BrokenAt, r.Reason = e.Seq, AuditPrevHashMismatch
		case !e.HashOK:
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

// AuditChains is every report's chain, read in one pass over the events
// (AuditStore.EachAuditEvent) and kept as links only: about 200 bytes per
// event, so 20,000 reports of ten events take some 40 MB.
type AuditChains struct {
	chains map[string][]auditLink
}

// ReadAuditChains reads every event once, in whatever order the store
// gives them, and sorts each chain by seq.
func ReadAuditChains(ctx context.Context, store AuditStore) (*AuditChains, error) {
	c := &AuditChains{chains: map[string][]auditLink{}}
	err := store.EachAuditEvent(ctx, func(e AuditEvent) error {
		c.chains[e.CaseID] = append(c.chains[e.CaseID], linkOf(e))
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, links := range c.chains {
		slices.SortStableFunc(links, func(a, b auditLink) int { return cmp.Compare(a.Seq, b.Seq) })
	}
	return c, nil
}

// Len is the number of chains.
func (c *AuditChains) Len() int { return len(c.chains) }

// Last returns the highest seq of a chain (0 when it has no event).
func (c *AuditChains) Last(caseID string) int64 {
	links := c.chains[caseID]
	if len(links) == 0 {
		return 0
	}
	return links[len(links)-1].Seq
}

// CaseIDs returns the reports that have a chain, by id descending (newest
// reports first, as report ids are ObjectIDs).
func (c *AuditChains) CaseIDs() []string {
	ids := make([]string, 0, len(c.chains))
	for id := range c.chains {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int { return strings.Compare(b, a) })
	return ids
}

// first returns the links of a chain's first n events.
func (c *AuditChains) first(caseID string, n int64) []auditLink {
	links := c.chains[caseID]
	if int64(len(links)) > n {
		links = links[:n]
	}
	return links
}

// Verify checks up to limit chains (by report id descending) and returns
// the broken ones and how many were checked.
func (c *AuditChains) Verify(limit int) (broken []ChainReport, checked int) {
	for _, id := range c.CaseIDs() {
		if checked >= limit {
			break
		}
		checked++
		if res := verifyLinks(c.chains[id]); !res.Valid {
			broken = append(broken, ChainReport{CaseID: id, VerifyResult: res})
		}
	}
	return broken, checked
}
