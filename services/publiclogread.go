package services

import (
	"context"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/note"

	"minhbach/internal/translog"
)

// PublicLog answers the public log's readers: its checkpoints with the
// witnesses' cosignatures, its tiles, and proofs for the citizen's browser
// (docs/transparency-log.md, "Public endpoints"). Everything it serves is
// public; nothing names a report.
type PublicLog struct {
	store       LogStore
	blobs       BlobStore
	origin      string
	verifierKey string
	verifier    note.Verifier
	// witnesses are the registered witnesses' verifiers, by key name.
	witnesses map[string]WitnessKey
	now       func() time.Time

	// sizes caches the list of checkpoint sizes for a moment: listing
	// walks every checkpoint key, and the route is public.
	sizesMu sync.Mutex
	sizes   []int64
	sizesAt time.Time
}

// checkpointListTTL is how long the list of checkpoint sizes is reused; a
// checkpoint is issued at most every few seconds.
const checkpointListTTL = 2 * time.Second

// WitnessKey is a registered witness: its cosignature verifier (C2SP
// tlog-cosignature) and its verifier key string.
type WitnessKey struct {
	Name        string
	VerifierKey string
	Verifier    note.Verifier
	// RefusalKey verifies the witness's signed refusals (ParseWitnessKeys).
	RefusalKey      string
	RefusalVerifier note.Verifier
}

// PublicLogOptions configure a PublicLog.
type PublicLogOptions struct {
	Store       LogStore
	Blobs       BlobStore
	Origin      string
	VerifierKey string // the log's note verifier key
	Witnesses   []WitnessKey
	Now         func() time.Time
}

// NewPublicLog returns the public log's reader.
func NewPublicLog(o PublicLogOptions) (*PublicLog, error) {
	v, err := note.NewVerifier(o.VerifierKey)
	if err != nil || v.Name() != o.Origin {
		return nil, Errorf(ReasonNotConfigured, "The log's verifier key is not a key named for its origin.")
	}
	ws := map[string]WitnessKey{}
	for _, w := range o.Witnesses {
		ws[w.Name] = w
	}
	return &PublicLog{store: o.Store, blobs: o.Blobs, origin: o.Origin, verifierKey: o.VerifierKey, verifier: v, witnesses: ws, now: clockOrNow(o.Now)}, nil
}

// LogWitnessStatus is what the public and the monitors see of a witness.
type LogWitnessStatus struct {
	Name        string   `json:"name"`
	VerifierKey string   `json:"verifierKey"`
	Cosigned    *LogSeen `json:"cosigned"` // its latest cosignature; nil: none yet
	Refused     *LogSeen `json:"refused"`  // its latest refusal; nil: none
	Alarm       bool     `json:"alarm"`    // refused after its latest cosignature, or silent too long
}

// LogSeen is one cosignature or refusal of a witness.
type LogSeen struct {
	Size   int64     `json:"size"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason,omitempty"`
	Detail string    `json:"detail,omitempty"`
}

// LogInfo is the log's public description.
type LogInfo struct {
	Origin      string             `json:"origin"`
	VerifierKey string             `json:"verifierKey"`
	Size        int64              `json:"size"`
	Witnesses   []LogWitnessStatus `json:"witnesses"`
}

// witnessSilence is how long a witness may go without cosigning before
// monitors see an alarm: two of its usual five-minute periods and margin.
const witnessSilence = 30 * time.Minute

// Info returns the log's origin, key, size and each witness's state.
func (l *PublicLog) Info(ctx context.Context) (LogInfo, error) {
	st, err := l.store.LogState(ctx)
	if err != nil {
		return LogInfo{}, err
	}
	cos, refs, err := l.store.LatestLogWitnessing(ctx)
	if err != nil {
		return LogInfo{}, err
	}
	out := LogInfo{Origin: l.origin, VerifierKey: l.verifierKey, Size: st.Size, Witnesses: []LogWitnessStatus{}}
	names := make([]string, 0, len(l.witnesses))
	for n := range l.witnesses {
		names = append(names, n)
	}
	slices.Sort(names)
	now := l.now()
	for _, n := range names {
		w := LogWitnessStatus{Name: n, VerifierKey: l.witnesses[n].VerifierKey}
		if c, ok := cos[n]; ok {
			w.Cosigned = &LogSeen{Size: c.Size, At: c.At}
		}
		if r, ok := refs[n]; ok {
			w.Refused = &LogSeen{Size: r.Size, At: r.At, Reason: r.Reason, Detail: refusalDetail(r.Refusal)}
		}
		switch {
		case w.Refused != nil && (w.Cosigned == nil || !w.Refused.At.Before(w.Cosigned.At)):
			w.Alarm = true
		case st.Size > 0 && (w.Cosigned == nil || now.Sub(w.Cosigned.At) > witnessSilence):
			w.Alarm = true
		}
		out.Witnesses = append(out.Witnesses, w)
	}
	return out, nil
}

// refusalDetail returns the "detail" line of a refusal note, for display.
func refusalDetail(refusal string) string {
	for _, line := range strings.Split(refusal, "\n") {
		if d, ok := strings.CutPrefix(line, "detail "); ok {
			return d
		}
	}
	return ""
}

// withCosignatures appends to a signed checkpoint the cosignature lines
// recorded for its size.
func (l *PublicLog) withCosignatures(ctx context.Context, size int64, cp []byte) ([]byte, error) {
	cs, err := l.store.LogCosignatures(ctx, size)
	if err != nil {
		return nil, err
	}
	out := slices.Clone(cp)
	for _, c := range cs {
		if c.Line != "" {
			out = append(out, c.Line...)
		}
	}
	return out, nil
}

// Checkpoint returns the latest signed checkpoint with its cosignatures;
// not_found while the log is empty.
func (l *PublicLog) Checkpoint(ctx context.Context) ([]byte, error) {
	st, err := l.store.LogState(ctx)
	if err != nil {
		return nil, err
	}
	if len(st.Checkpoint) == 0 {
		return nil, Errorf(ReasonNotFound, "The public log has no checkpoint yet.")
	}
	return l.withCosignatures(ctx, st.Size, st.Checkpoint)
}

// CheckpointAt returns the checkpoint the log issued at size, with its
// cosignatures.
func (l *PublicLog) CheckpointAt(ctx context.Context, size int64) ([]byte, error) {
	b, err := ReadLogObject(ctx, l.blobs, translog.CheckpointPath(size))
	if err != nil {
		return nil, err
	}
	return l.withCosignatures(ctx, size, b)
}

// CheckpointSizes lists the sizes of every checkpoint in the bucket. A log
// issues a checkpoint every few seconds while it grows, so the listing
// walks every key where the store can (internal/blobstore) rather than
// stop at List's cap.
func (l *PublicLog) CheckpointSizes(ctx context.Context) ([]int64, error) {
	st, err := l.store.LogState(ctx)
	if err != nil {
		return nil, err
	}
	l.sizesMu.Lock()
	defer l.sizesMu.Unlock()
	// The cached list serves while it is young and ends with the latest
	// checkpoint's size, so a new checkpoint is listed at once.
	if now := l.now(); len(l.sizes) > 0 && l.sizes[len(l.sizes)-1] == st.Size && now.Sub(l.sizesAt) >= 0 && now.Sub(l.sizesAt) < checkpointListTTL {
		return l.sizes, nil
	}
	sizes, err := l.listCheckpointSizes(ctx)
	if err != nil {
		return nil, err
	}
	l.sizes, l.sizesAt = sizes, l.now()
	return sizes, nil
}

func (l *PublicLog) listCheckpointSizes(ctx context.Context) ([]int64, error) {
	dir := LogObjectPrefix + translog.PathCheckpoints
	var out []int64
	add := func(in BlobInfo) error {
		s := strings.TrimPrefix(in.Key, dir)
		if n, err := strconv.ParseInt(s, 10, 64); err == nil && translog.CheckpointPath(n) == translog.PathCheckpoints+s {
			out = append(out, n)
		}
		return nil
	}
	type walker interface {
		Walk(ctx context.Context, prefix string, fn func(BlobInfo) error) error
	}
	if w, ok := l.blobs.(walker); ok {
		if err := w.Walk(ctx, dir, add); err != nil {
			return nil, err
		}
	} else {
		infos, err := l.blobs.List(ctx, dir)
		if err != nil {
			return nil, err
		}
		for _, in := range infos {
			_ = add(in)
		}
	}
	slices.Sort(out)
	return out, nil
}

// Tile returns a tile or entry bundle; path must be a C2SP tile path.
func (l *PublicLog) Tile(ctx context.Context, path string) ([]byte, error) {
	if _, err := translog.ParseTilePath(path); err != nil {
		return nil, Errorf(ReasonNotFound, "No such tile.")
	}
	return ReadLogObject(ctx, l.blobs, path)
}

// LogInclusionEntry is one entry of a commitment with its inclusion proof.
type LogInclusionEntry struct {
	Index int64    `json:"index"`
	Entry string   `json:"entry"`
	Proof []string `json:"proof"` // hex hashes, RFC 6962 order
}

// LogInclusion is what the citizen's browser verifies: the latest
// checkpoint and each entry of the commitment proved included in it.
type LogInclusion struct {
	Size       int64               `json:"size"`
	Checkpoint string              `json:"checkpoint"`
	Entries    []LogInclusionEntry `json:"entries"`
}

// Inclusion returns the entries of a commitment (hex) with their proofs in
// the latest checkpoint; no entries while none is integrated.
func (l *PublicLog) Inclusion(ctx context.Context, commitment string) (LogInclusion, error) {
	var c translog.Hash
	if b, err := hex.DecodeString(commitment); err != nil || len(b) != translog.HashSize || hex.EncodeToString(b) != commitment {
		return LogInclusion{}, Errorf(ReasonMalformed, "A commitment is 64 lower-case hexadecimal digits.")
	} else {
		copy(c[:], b)
	}
	st, err := l.store.LogState(ctx)
	if err != nil {
		return LogInclusion{}, err
	}
	out := LogInclusion{Size: st.Size, Entries: []LogInclusionEntry{}}
	if len(st.Checkpoint) == 0 {
		return out, nil
	}
	cp, err := l.withCosignatures(ctx, st.Size, st.Checkpoint)
	if err != nil {
		return LogInclusion{}, err
	}
	out.Checkpoint = string(cp)
	refs, err := l.store.LogEntriesOf(ctx, c)
	if err != nil {
		return LogInclusion{}, err
	}
	hr := translog.TileHashReader(st.Size, st.Root, logTiles(ctx, l.blobs))
	for _, r := range refs {
		if r.Index >= st.Size {
			continue // indexed by a batch whose state is not yet recorded
		}
		proof, err := translog.InclusionProof(r.Index, st.Size, hr)
		if err != nil {
			return LogInclusion{}, Wrap(err, ReasonInternal, "Could not prove an entry of the log.")
		}
		entry, err := l.entry(ctx, r.Index, st.Size)
		if err != nil {
			return LogInclusion{}, err
		}
		e := LogInclusionEntry{Index: r.Index, Entry: string(entry), Proof: make([]string, len(proof))}
		for i, h := range proof {
			e.Proof[i] = hex.EncodeToString(h[:])
		}
		out.Entries = append(out.Entries, e)
	}
	return out, nil
}

// entry reads entry index of the log of size from its bundle.
func (l *PublicLog) entry(ctx context.Context, index, size int64) ([]byte, error) {
	t := translog.Tile{Entries: true, N: index / translog.TileWidth, W: translog.TileWidth}
	if rest := size - t.N*translog.TileWidth; rest < translog.TileWidth {
		t.W = int(rest)
	}
	data, err := ReadLogObject(ctx, l.blobs, t.Path())
	if err != nil {
		return nil, err
	}
	es, err := translog.ParseBundle(data, t.W)
	if err != nil {
		return nil, Wrap(err, ReasonInternal, "An entry bundle of the log is malformed.")
	}
	return es[index%translog.TileWidth], nil
}

// LogConsistency is a proof that the tree of size From is a prefix of the
// tree of size To.
type LogConsistency struct {
	From  int64    `json:"from"`
	To    int64    `json:"to"`
	Proof []string `json:"proof"`
}

// Consistency proves the log of size from a prefix of the log of size to
// (both at most the latest size).
func (l *PublicLog) Consistency(ctx context.Context, from, to int64) (LogConsistency, error) {
	st, err := l.store.LogState(ctx)
	if err != nil {
		return LogConsistency{}, err
	}
	if from < 0 || from > to || to > st.Size {
		return LogConsistency{}, Errorf(ReasonMalformed, "The sizes must satisfy 0 ≤ from ≤ to ≤ %d.", st.Size)
	}
	out := LogConsistency{From: from, To: to, Proof: []string{}}
	if from == 0 || from == to {
		return out, nil
	}
	proof, err := translog.ConsistencyProof(from, to, translog.TileHashReader(st.Size, st.Root, logTiles(ctx, l.blobs)))
	if err != nil {
		return LogConsistency{}, Wrap(err, ReasonInternal, "Could not prove the log consistent.")
	}
	for _, h := range proof {
		out.Proof = append(out.Proof, hex.EncodeToString(h[:]))
	}
	return out, nil
}
