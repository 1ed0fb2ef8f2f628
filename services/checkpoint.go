package services

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"path"
	"slices"
	"strings"
	"time"
)

// A checkpoint is a signed list of the heads (last seq and hash) of every
// report's audit chain, kept in object storage. A chain verifies on its own
// only from its first event to its last; a checkpoint also catches chains
// that were cut short, rewritten from the start with recomputed hashes, or
// deleted after it was taken.
//
// # Stored form
//
// One JSON object per checkpoint, under
//
//	audit/checkpoints/YYYY/MM/DD/YYYY-MM-DDTHH-MM-SS.mmmZ.json   (UTC)
//
// written once (the object store refuses to overwrite a key):
//
//	{"payload":{…},"alg":"Ed25519","signature":"<base64, standard, padded>"}
//
// payload is the canonical encoding of the Checkpoint (CanonicalCheckpoint):
// compact JSON with the fields in the order
//
//	{"version":1,"createdAt":"2026-11-27T03:04:05.006Z","keyId":"ed25519-…",
//	 "count":2,"root":"<hex>","heads":[{"caseId":…,"seq":…,"hash":…},…]}
//
// with heads sorted by caseId (bytewise) and createdAt in UTC, RFC 3339 with
// up to millisecond precision (trailing zeros dropped). root is the hex
// SHA-256 of the canonical heads array alone (CheckpointRoot), count its
// length. The signature is Ed25519 over
//
//	"minhbach audit checkpoint\n" ‖ payload bytes exactly as stored
//
// (the prefix keeps these signatures apart from the proofs of filing made
// with the same key). A verifier checks the signature over the stored
// payload bytes, then that they are canonical, then count and root.

// CheckpointVersion is the payload version this code writes and reads.
const CheckpointVersion = 1

// CheckpointPrefix is where checkpoints are stored in object storage.
const CheckpointPrefix = "audit/checkpoints/"

// checkpointSigContext is signed before the payload (domain separation).
const checkpointSigContext = "minhbach audit checkpoint\n"

const (
	// CheckpointMaxHeads is the most chains one checkpoint covers. The heads
	// are read with one ListAuditHeads call (it has no cursor to page
	// with); with more chains than this Write refuses rather than sign a
	// checkpoint that silently leaves reports out.
	CheckpointMaxHeads = 100_000
	// checkpointMaxBytes bounds the document read back (100,000 heads take
	// about 13 MB).
	checkpointMaxBytes = 64 << 20
	// checkpointMonthsBack is how many months Latest lists, one month at a
	// time, before it lists the whole prefix (which the store caps).
	checkpointMonthsBack = 24
	// checkpointKeyTime is the file name of a checkpoint, without ".json":
	// RFC 3339 with "-" for ":" so that keys are safe file names everywhere
	// and sort in time order.
	checkpointKeyTime = "2006-01-02T15-04-05.000Z"
)

// CheckpointHead is one chain's last event when the checkpoint was taken.
type CheckpointHead struct {
	CaseID string `json:"caseId"`
	Seq    int64  `json:"seq"`
	Hash   string `json:"hash"`
}

// Checkpoint is the signed content of a checkpoint; its JSON field order is
// the canonical order (see CanonicalCheckpoint).
type Checkpoint struct {
	Version   int              `json:"version"`
	CreatedAt time.Time        `json:"createdAt"`
	KeyID     string           `json:"keyId"`
	Count     int              `json:"count"`
	Root      string           `json:"root"`
	Heads     []CheckpointHead `json:"heads"`
}

// CanonicalCheckpoint returns the payload bytes that are signed: compact
// JSON, fields in the order of Checkpoint, createdAt in UTC (RFC 3339,
// nanosecond precision as time.Time encodes it, trailing zeros dropped),
// heads as given ([] when none), encoding/json string escaping.
func CanonicalCheckpoint(cp Checkpoint) []byte {
	cp.CreatedAt = cp.CreatedAt.UTC()
	if cp.Heads == nil {
		cp.Heads = []CheckpointHead{}
	}
	b, err := json.Marshal(cp)
	if err != nil {
		// Strings, ints and a UTC time within years 0–9999 cannot fail.
		panic("services: canonical checkpoint: " + err.Error())
	}
	return b
}

// CheckpointRoot returns hex(SHA-256(canonical JSON of heads)), the heads
// array encoded exactly as inside CanonicalCheckpoint ("[]" when empty).
func CheckpointRoot(heads []CheckpointHead) string {
	if heads == nil {
		heads = []CheckpointHead{}
	}
	b, err := json.Marshal(heads)
	if err != nil {
		panic("services: checkpoint root: " + err.Error())
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// CheckpointKey returns the object key of a checkpoint created at t.
func CheckpointKey(t time.Time) string {
	t = t.UTC()
	return CheckpointPrefix + t.Format("2006/01/02/") + t.Format(checkpointKeyTime) + ".json"
}

// checkpointKeyAt parses the time out of a checkpoint key; ok is false for
// keys that are not checkpoints.
func checkpointKeyAt(key string) (time.Time, bool) {
	if !strings.HasPrefix(key, CheckpointPrefix) || !strings.HasSuffix(key, ".json") {
		return time.Time{}, false
	}
	t, err := time.Parse(checkpointKeyTime, strings.TrimSuffix(path.Base(key), ".json"))
	if err != nil || CheckpointKey(t) != key {
		return time.Time{}, false
	}
	return t, true
}

// checkpointSigned is what the signature covers.
func checkpointSigned(payload []byte) []byte {
	return append([]byte(checkpointSigContext), payload...)
}

// CheckpointBlobs is the part of the object store checkpoints need
// (internal/blobstore.Store provides it).
type CheckpointBlobs interface {
	// Put stores size bytes from r under key, checking sha256Hex; it
	// refuses an existing key.
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType, sha256Hex string) (BlobInfo, error)
	Get(ctx context.Context, key string) (BlobReader, BlobInfo, error)
	// List returns the objects under prefix (capped by the store).
	List(ctx context.Context, prefix string) ([]BlobInfo, error)
}

// Checkpointer writes and verifies signed checkpoints of the audit chains.
type Checkpointer struct {
	audit   AuditStore
	blobs   CheckpointBlobs
	keyID   string
	key     ed25519.PrivateKey
	trusted map[string]ed25519.PublicKey
	clock   func() time.Time
}

// CheckpointerOptions are what a Checkpointer needs.
type CheckpointerOptions struct {
	Audit AuditStore
	Blobs CheckpointBlobs
	// KeyID names Key in the checkpoints it signs.
	KeyID string
	// Key signs new checkpoints; its public half verifies those signed
	// under KeyID.
	Key ed25519.PrivateKey
	// Trusted verifies checkpoints signed under other key ids (earlier
	// keys, after a rotation). Optional.
	Trusted map[string]ed25519.PublicKey
	Now     func() time.Time // time.Now when nil
}

// NewCheckpointer makes the checkpoint writer and verifier.
func NewCheckpointer(o CheckpointerOptions) *Checkpointer {
	return &Checkpointer{audit: o.Audit, blobs: o.Blobs, keyID: o.KeyID, key: o.Key, trusted: o.Trusted, clock: clockOrNow(o.Now)}
}

func (c *Checkpointer) now() time.Time { return c.clock() }

// Build reads every chain head and returns the checkpoint of them, not yet
// signed or stored.
func (c *Checkpointer) Build(ctx context.Context) (Checkpoint, error) {
	events, err := c.audit.ListAuditHeads(ctx, CheckpointMaxHeads+1)
	if err != nil {
		return Checkpoint{}, err
	}
	if len(events) > CheckpointMaxHeads {
		return Checkpoint{}, Errorf(ReasonTooManyChains, "There are more than %d audit chains; a checkpoint covers at most that many.", CheckpointMaxHeads)
	}
	heads := make([]CheckpointHead, 0, len(events))
	for _, e := range events {
		heads = append(heads, CheckpointHead{CaseID: e.CaseID, Seq: e.Seq, Hash: e.Hash})
	}
	slices.SortFunc(heads, func(a, b CheckpointHead) int { return strings.Compare(a.CaseID, b.CaseID) })
	return Checkpoint{Version: CheckpointVersion, CreatedAt: c.now().UTC().Truncate(time.Millisecond), KeyID: c.keyID,
		Count: len(heads), Root: CheckpointRoot(heads), Heads: heads}, nil
}

// Sign returns the stored form of cp (see the top of this file).
func (c *Checkpointer) Sign(cp Checkpoint) ([]byte, error) {
	if len(c.key) != ed25519.PrivateKeySize || c.keyID == "" || cp.KeyID != c.keyID {
		return nil, Errorf(ReasonInternal, "The checkpoint signing key is not configured.")
	}
	payload := CanonicalCheckpoint(cp)
	sig := ed25519.Sign(c.key, checkpointSigned(payload))
	var doc bytes.Buffer
	doc.Grow(len(payload) + 128)
	doc.WriteString(`{"payload":`)
	doc.Write(payload)
	doc.WriteString(`,"alg":"Ed25519","signature":"`)
	doc.WriteString(base64.StdEncoding.EncodeToString(sig))
	doc.WriteString("\"}\n")
	return doc.Bytes(), nil
}

// Write takes a checkpoint of every chain head now, signs it and stores it,
// returning its key.
func (c *Checkpointer) Write(ctx context.Context) (string, Checkpoint, error) {
	cp, err := c.Build(ctx)
	if err != nil {
		return "", Checkpoint{}, err
	}
	doc, err := c.Sign(cp)
	if err != nil {
		return "", Checkpoint{}, err
	}
	key := CheckpointKey(cp.CreatedAt)
	sum := sha256.Sum256(doc)
	if _, err := c.blobs.Put(ctx, key, bytes.NewReader(doc), int64(len(doc)), "application/json", hex.EncodeToString(sum[:])); err != nil {
		return "", Checkpoint{}, err
	}
	return key, cp, nil
}

// WriteIfDue writes a checkpoint unless one was already written in the
// current period (UTC time truncated to period, e.g. the current hour), so
// that any number of processes, restarts and on-demand checkpoints still
// make one per period.
func (c *Checkpointer) WriteIfDue(ctx context.Context, period time.Duration) (key string, cp Checkpoint, wrote bool, err error) {
	_, at, ok, err := c.Latest(ctx)
	if err != nil {
		return "", Checkpoint{}, false, err
	}
	if ok && !at.Truncate(period).Before(c.now().UTC().Truncate(period)) {
		return "", Checkpoint{}, false, nil
	}
	key, cp, err = c.Write(ctx)
	return key, cp, err == nil, err
}

// Latest returns the key and time of the newest checkpoint; ok is false
// when there is none. It lists one month at a time, from next month (clock
// skew between processes) back over two years, and then, when it found
// nothing, the whole prefix (of which the store lists a capped number).
func (c *Checkpointer) Latest(ctx context.Context) (key string, at time.Time, ok bool, err error) {
	now := c.now().UTC()
	for i := -1; i < checkpointMonthsBack; i++ {
		m := time.Date(now.Year(), now.Month()-time.Month(i), 1, 0, 0, 0, 0, time.UTC)
		if key, at, ok, err = c.newest(ctx, CheckpointPrefix+m.Format("2006/01/")); err != nil || ok {
			return key, at, ok, err
		}
	}
	return c.newest(ctx, CheckpointPrefix)
}

func (c *Checkpointer) newest(ctx context.Context, prefix string) (key string, at time.Time, ok bool, err error) {
	infos, err := c.blobs.List(ctx, prefix)
	if err != nil {
		return "", time.Time{}, false, err
	}
	for _, inf := range infos {
		if t, isCP := checkpointKeyAt(inf.Key); isCP && inf.Key > key {
			key, at, ok = inf.Key, t, true
		}
	}
	return key, at, ok, nil
}

// Reasons CheckpointVerification gives for a checkpoint that is not to be
// trusted (Invalid).
const (
	CheckpointMalformed     = "malformed document"
	CheckpointUnknownKey    = "signed with an unknown key"
	CheckpointBadSignature  = "signature does not verify"
	CheckpointNotCanonical  = "payload is not in canonical form"
	CheckpointBadVersion    = "unsupported version"
	CheckpointCountMismatch = "count does not match the heads"
	CheckpointRootMismatch  = "root does not match the heads"
	CheckpointBadHeads      = "heads are not sorted, unique and well-formed"
)

// Reasons CheckpointProblem gives for a chain that no longer matches.
const (
	CheckpointChainDeleted = "chain deleted"
	CheckpointEventMissing = "event missing"
	CheckpointHashChanged  = "hash differs"
	CheckpointChainBroken  = "chain broken"
)

// CheckpointProblem is a chain head recorded in a checkpoint that today's
// chain no longer has.
type CheckpointProblem struct {
	CaseID string
	Seq    int64
	Reason string // one of the CheckpointChain*/Event*/Hash* reasons
	// Detail is the chain's own verification failure, for CheckpointChainBroken.
	Detail VerifyResult
}

// CheckpointVerification is the outcome of checking one checkpoint.
type CheckpointVerification struct {
	Key        string
	Checkpoint Checkpoint // as stored; zero when it could not be read
	// Invalid is why the document itself is not trusted ("" when its
	// signature, encoding, count and root check out). The chains are only
	// compared with a trusted checkpoint.
	Invalid string
	// Problems lists the heads today's chains no longer match.
	Problems []CheckpointProblem
}

// Valid reports whether the checkpoint is trusted and every chain still
// has the head it recorded.
func (v CheckpointVerification) Valid() bool { return v.Invalid == "" && len(v.Problems) == 0 }

// VerifyLatest verifies the newest checkpoint; found is false when there is
// none (which is not a failure).
func (c *Checkpointer) VerifyLatest(ctx context.Context) (v CheckpointVerification, found bool, err error) {
	return c.verifyLatest(ctx, c.storeLinks)
}

// VerifyLatestAgainst is VerifyLatest comparing the checkpoint with chains
// already read (ReadAuditChains) instead of reading each chain again.
func (c *Checkpointer) VerifyLatestAgainst(ctx context.Context, chains *AuditChains) (v CheckpointVerification, found bool, err error) {
	return c.verifyLatest(ctx, func(_ context.Context, caseID string, n int64) ([]auditLink, error) {
		return chains.first(caseID, n), nil
	})
}

func (c *Checkpointer) verifyLatest(ctx context.Context, links chainLinks) (v CheckpointVerification, found bool, err error) {
	key, _, ok, err := c.Latest(ctx)
	if err != nil || !ok {
		return CheckpointVerification{}, false, err
	}
	v, err = c.verify(ctx, key, links)
	return v, true, err
}

// chainLinks returns the links of the first n events of a report's chain.
type chainLinks func(ctx context.Context, caseID string, n int64) ([]auditLink, error)

// storeLinks reads them from the audit store, one chain at a time.
func (c *Checkpointer) storeLinks(ctx context.Context, caseID string, n int64) ([]auditLink, error) {
	events, err := c.audit.ListAuditEvents(ctx, caseID, int(n))
	if err != nil {
		return nil, err
	}
	links := make([]auditLink, len(events))
	for i, e := range events {
		links[i] = linkOf(e)
	}
	return links, nil
}

// Verify reads the checkpoint under key, checks its signature and form, and
// then that for every head it records the chain today still has an event
// with that seq and exactly that hash, and is intact up to it. The error
// is for storage failures only; what is wrong with the checkpoint or the
// chains is in the result.
func (c *Checkpointer) Verify(ctx context.Context, key string) (CheckpointVerification, error) {
	return c.verify(ctx, key, c.storeLinks)
}

func (c *Checkpointer) verify(ctx context.Context, key string, links chainLinks) (CheckpointVerification, error) {
	r, _, err := c.blobs.Get(ctx, key)
	if err != nil {
		return CheckpointVerification{}, err
	}
	doc, err := io.ReadAll(io.LimitReader(r, checkpointMaxBytes+1))
	_ = r.Close()
	if err != nil {
		return CheckpointVerification{}, Wrap(err, ReasonUnavailable, "The checkpoint could not be read.")
	}
	v := CheckpointVerification{Key: key}
	if len(doc) > checkpointMaxBytes {
		v.Invalid = CheckpointMalformed
		return v, nil
	}
	v.Checkpoint, v.Invalid = c.Check(doc)
	if v.Invalid != "" {
		return v, nil
	}
	v.Problems, err = c.compare(ctx, v.Checkpoint.Heads, links)
	return v, err
}

// Check verifies a stored checkpoint document on its own (signature,
// canonical form, version, count, root, heads) and returns it, or the
// reason it is not to be trusted.
func (c *Checkpointer) Check(doc []byte) (Checkpoint, string) {
	var d struct {
		Payload   json.RawMessage `json:"payload"`
		Alg       string          `json:"alg"`
		Signature string          `json:"signature"`
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil || d.Alg != "Ed25519" || len(d.Payload) == 0 {
		return Checkpoint{}, CheckpointMalformed
	}
	if _, err := dec.Token(); err != io.EOF {
		return Checkpoint{}, CheckpointMalformed // something after the object
	}
	sig, err := base64.StdEncoding.DecodeString(d.Signature)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return Checkpoint{}, CheckpointMalformed
	}
	var cp Checkpoint
	pdec := json.NewDecoder(bytes.NewReader(d.Payload))
	pdec.DisallowUnknownFields()
	if err := pdec.Decode(&cp); err != nil {
		return Checkpoint{}, CheckpointMalformed
	}
	pub, ok := c.publicKey(cp.KeyID)
	if !ok {
		return cp, CheckpointUnknownKey
	}
	// The signature covers the payload bytes as stored, so it is checked
	// before anything read from them is relied on.
	if !ed25519.Verify(pub, checkpointSigned(d.Payload), sig) {
		return cp, CheckpointBadSignature
	}
	switch {
	case !bytes.Equal(CanonicalCheckpoint(cp), d.Payload):
		return cp, CheckpointNotCanonical
	case cp.Version != CheckpointVersion:
		return cp, CheckpointBadVersion
	case cp.Count != len(cp.Heads):
		return cp, CheckpointCountMismatch
	case cp.Root != CheckpointRoot(cp.Heads):
		return cp, CheckpointRootMismatch
	}
	for i, h := range cp.Heads {
		if h.CaseID == "" || h.Seq < 1 || len(h.Hash) != sha256.Size*2 || (i > 0 && cp.Heads[i-1].CaseID >= h.CaseID) {
			return cp, CheckpointBadHeads
		}
	}
	return cp, ""
}

func (c *Checkpointer) publicKey(keyID string) (ed25519.PublicKey, bool) {
	if keyID != "" && keyID == c.keyID && len(c.key) == ed25519.PrivateKeySize {
		return c.key.Public().(ed25519.PublicKey), true
	}
	pub, ok := c.trusted[keyID]
	return pub, ok && len(pub) == ed25519.PublicKeySize
}

// compare checks each recorded head against today's chain: its first seq
// events must exist, verify as a chain, and end in the recorded hash.
func (c *Checkpointer) compare(ctx context.Context, heads []CheckpointHead, chainLinks chainLinks) ([]CheckpointProblem, error) {
	var problems []CheckpointProblem
	for _, h := range heads {
		if h.Seq > auditVerifyLimit {
			return problems, Errorf(ReasonAuditTooLong, "The audit log of report %s is too long to verify at once.", h.CaseID)
		}
		events, err := chainLinks(ctx, h.CaseID, h.Seq)
		if err != nil {
			return problems, err
		}
		p := CheckpointProblem{CaseID: h.CaseID, Seq: h.Seq}
		switch {
		case len(events) == 0:
			p.Reason = CheckpointChainDeleted
		case int64(len(events)) < h.Seq || events[h.Seq-1].Seq != h.Seq:
			p.Reason = CheckpointEventMissing
		case events[h.Seq-1].Hash != h.Hash:
			p.Reason = CheckpointHashChanged
		default:
			if res := verifyLinks(events); !res.Valid {
				p.Reason, p.Detail = CheckpointChainBroken, res
			}
		}
		if p.Reason != "" {
			problems = append(problems, p)
		}
	}
	return problems, nil
}
