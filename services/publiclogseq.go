package services

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"time"

	"golang.org/x/mod/sumdb/note"

	"minhbach/internal/translog"
)

// LogObjectPrefix is where the public log's objects live in the bucket:
// log/checkpoints/<size>, log/tile/... (translog's paths under "log/").
const LogObjectPrefix = "log/"

// Defaults of the sequencer.
const (
	// DefaultLogBatch is the most entries one run integrates.
	DefaultLogBatch = 1000
	// logAppealWait is how long an appeal's entry waits for its round-2
	// report before the appeal is taken as failed and its entry dropped.
	logAppealWait = time.Hour
)

// SequencerOptions configure a Sequencer.
type SequencerOptions struct {
	Store  LogStore
	Blobs  BlobStore
	Cases  CaseStore // to hold an appeal's entry until its report exists
	Signer note.Signer
	Origin string
	Now    func() time.Time
	Batch  int // DefaultLogBatch when 0
}

// Sequencer integrates queued entries into the public log: it writes the
// new entry bundles and tiles to the bucket (write-once), signs a
// checkpoint, indexes the entries by commitment and moves the log's state
// on. One runs at a time, under the "log-sequencer" lease; the state's
// version guards every step besides, so a second sequencer that slipped in
// would fail, not fork the log (docs/transparency-log.md).
type Sequencer struct{ o SequencerOptions }

// NewSequencer returns a sequencer; it needs every option but Now and Batch.
func NewSequencer(o SequencerOptions) (*Sequencer, error) {
	if o.Store == nil || o.Blobs == nil || o.Cases == nil || o.Signer == nil {
		return nil, Errorf(ReasonNotConfigured, "The public log needs its store, bucket, reports and signing key.")
	}
	if o.Signer.Name() != o.Origin {
		return nil, Errorf(ReasonNotConfigured, "The log's signing key must be named for its origin.")
	}
	if o.Batch <= 0 {
		o.Batch = DefaultLogBatch
	}
	o.Now = clockOrNow(o.Now)
	return &Sequencer{o: o}, nil
}

// Origin is the log's origin line.
func (s *Sequencer) Origin() string { return s.o.Origin }

// RunOnce integrates one batch: an unfinished batch first, else up to Batch
// queued entries. It returns how many entries it integrated.
func (s *Sequencer) RunOnce(ctx context.Context) (int, error) {
	_, n, err := s.RunBatch(ctx)
	return n, err
}

// RunBatch is RunOnce, also saying where the batch starts in the log.
func (s *Sequencer) RunBatch(ctx context.Context) (from int64, n int, err error) {
	st, err := s.o.Store.LogState(ctx)
	if err != nil {
		return 0, 0, err
	}
	if st.Batch == nil {
		b, err := s.nextBatch(ctx, st)
		if err != nil || b == nil {
			return 0, 0, err
		}
		st.Batch = b
		if err := s.o.Store.SetLogState(ctx, st.Version, st); err != nil {
			if IsCode(err, CodeConflict) {
				return 0, 0, nil // another sequencer took this batch
			}
			return 0, 0, err
		}
		st.Version++
	}
	n, err = s.integrate(ctx, st)
	return st.Batch.From, n, err
}

// nextBatch takes the queue's oldest entries; an appeal's entry waits for
// its round-2 report, and is dropped when the appeal failed. Entries of the
// batch integrated last (st.Done) are already in the log: their queue
// documents outlived a lost answer, and are removed, not taken again.
func (s *Sequencer) nextBatch(ctx context.Context, st LogState) (*LogBatch, error) {
	ps, err := s.o.Store.PendingLogEntries(ctx, s.o.Batch)
	if err != nil {
		return nil, err
	}
	done := make(map[string]bool, len(st.Done))
	for _, id := range st.Done {
		done[id] = true
	}
	b := &LogBatch{From: st.Size}
	var drop []string
	for _, p := range ps {
		if done[p.ID] {
			drop = append(drop, p.ID)
			continue
		}
		if p.NeedsCase != "" {
			if _, err := s.o.Cases.FindCaseByID(ctx, p.NeedsCase); IsCode(err, CodeNotFound) {
				if s.o.Now().Sub(p.QueuedAt) > logAppealWait {
					drop = append(drop, p.ID)
				}
				continue
			} else if err != nil {
				return nil, err
			}
		}
		if _, err := translog.ParseEntry(p.Entry); err != nil {
			return nil, Wrap(err, ReasonInternal, "A queued log entry is malformed.")
		}
		b.IDs = append(b.IDs, p.ID)
		b.Entries = append(b.Entries, p.Entry)
	}
	if err := s.o.Store.DeleteLogPending(ctx, drop); err != nil {
		return nil, err
	}
	if len(b.IDs) == 0 {
		return nil, nil
	}
	return b, nil
}

// integrate writes st.Batch into the log. Every write is repeatable: a
// write-once object that exists with the same bytes counts as written, so a
// sequencer that takes over a dead one's batch produces the same log.
func (s *Sequencer) integrate(ctx context.Context, st LogState) (int, error) {
	b := st.Batch
	if b.From != st.Size || len(b.IDs) != len(b.Entries) {
		return 0, Errorf(ReasonInternal, "The log's unfinished batch does not follow its state.")
	}
	old := translog.TileHashReader(st.Size, st.Root, logTiles(ctx, s.o.Blobs))
	hr := &appendHashes{old: old, oldCount: translog.StoredHashCount(st.Size)}
	for i, e := range b.Entries {
		hs, err := translog.StoredHashes(st.Size+int64(i), e, hr)
		if err != nil {
			return 0, Wrap(err, ReasonInternal, "Could not hash the log's new entries.")
		}
		hr.new = append(hr.new, hs...)
	}
	size := st.Size + int64(len(b.Entries))
	root, err := translog.TreeHash(size, hr)
	if err != nil {
		return 0, Wrap(err, ReasonInternal, "Could not compute the log's new root.")
	}
	for _, t := range translog.NewTiles(st.Size, size) {
		data, err := translog.ReadTileData(t, hr)
		if err != nil {
			return 0, Wrap(err, ReasonInternal, "Could not build a tile of the log.")
		}
		if err := s.putOnce(ctx, t.Path(), data); err != nil {
			return 0, err
		}
		if t.Level == 0 {
			if err := s.writeBundle(ctx, t, st.Size, b.Entries); err != nil {
				return 0, err
			}
		}
	}
	cp, err := translog.SignCheckpoint(translog.Checkpoint{Origin: s.o.Origin, Size: size, Root: root}, s.o.Signer)
	if err != nil {
		return 0, Wrap(err, ReasonInternal, "Could not sign the log's checkpoint.")
	}
	if err := s.putOnce(ctx, translog.CheckpointPath(size), cp); err != nil {
		return 0, err
	}
	refs := map[translog.Hash][]LogEntryRef{}
	for i, e := range b.Entries {
		en, err := translog.ParseEntry(e)
		if err != nil {
			return 0, Wrap(err, ReasonInternal, "A log entry is malformed.")
		}
		refs[en.Commitment] = append(refs[en.Commitment], LogEntryRef{Index: b.From + int64(i), ID: b.IDs[i]})
	}
	if err := s.o.Store.IndexLogEntries(ctx, refs); err != nil {
		return 0, err
	}
	if err := s.o.Store.SetLogState(ctx, st.Version, LogState{Size: size, Root: root, Checkpoint: cp, Done: b.IDs}); err != nil {
		return 0, err
	}
	if err := s.o.Store.DeleteLogPending(ctx, b.IDs); err != nil {
		return len(b.IDs), err
	}
	return len(b.IDs), nil
}

// writeBundle writes the entry bundle of level-0 tile t: the entries of
// the log before oldSize in it (read from the previous partial bundle), then
// the batch's.
func (s *Sequencer) writeBundle(ctx context.Context, t translog.Tile, oldSize int64, batch [][]byte) error {
	start := t.N * translog.TileWidth
	var entries [][]byte
	if k := oldSize - start; k > 0 {
		prev := translog.Tile{Entries: true, N: t.N, W: int(k)}
		data, err := s.get(ctx, prev.Path())
		if err != nil {
			return err
		}
		if entries, err = translog.ParseBundle(data, int(k)); err != nil {
			return Wrap(err, ReasonInternal, "An entry bundle of the log is malformed.")
		}
	}
	from := max(start, oldSize) - oldSize
	entries = append(entries, batch[from:from+int64(t.W)-int64(len(entries))]...)
	data, err := translog.MarshalBundle(entries)
	if err != nil {
		return Wrap(err, ReasonInternal, "Could not build an entry bundle of the log.")
	}
	return s.putOnce(ctx, t.EntryBundle().Path(), data)
}

// logTiles reads the log's tiles from the bucket, for
// translog.TileHashReader (which checks them against a root).
func logTiles(ctx context.Context, blobs BlobStore) translog.TileFetcher {
	return func(ts []translog.Tile) ([][]byte, error) {
		out := make([][]byte, len(ts))
		for i, t := range ts {
			b, err := ReadLogObject(ctx, blobs, t.Path())
			if err != nil {
				return nil, err
			}
			out[i] = b
		}
		return out, nil
	}
}

// maxLogObject bounds an object of the log read back from the bucket.
const maxLogObject = 1 << 20

func (s *Sequencer) get(ctx context.Context, path string) ([]byte, error) {
	return ReadLogObject(ctx, s.o.Blobs, path)
}

// ReadLogObject reads the log's object at path (translog's paths) from the
// bucket.
func ReadLogObject(ctx context.Context, blobs BlobStore, path string) ([]byte, error) {
	r, _, err := blobs.Get(ctx, LogObjectPrefix+path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	b, err := io.ReadAll(io.LimitReader(r, maxLogObject+1))
	if err != nil {
		return nil, Wrap(err, ReasonUnavailable, "Could not read the log from the bucket.")
	}
	if len(b) > maxLogObject {
		return nil, Errorf(ReasonInternal, "An object of the log is too large.")
	}
	return b, nil
}

// putOnce writes an object of the log once. An object already there with
// the same bytes is a replay after a crash; with other bytes it is an alarm
// (the log in the bucket is not the log the state describes), never an
// overwrite.
func (s *Sequencer) putOnce(ctx context.Context, path string, data []byte) error {
	sum := sha256.Sum256(data)
	_, err := s.o.Blobs.Put(ctx, LogObjectPrefix+path, bytes.NewReader(data), int64(len(data)), "application/octet-stream", hex.EncodeToString(sum[:]))
	if err == nil || !IsCode(err, CodeConflict) {
		return err
	}
	have, gerr := s.get(ctx, path)
	if gerr != nil {
		return gerr
	}
	if !bytes.Equal(have, data) {
		return Errorf(ReasonInternal, "The log's object %s exists with other content: the bucket and the log's state disagree.", path)
	}
	return nil
}

// appendHashes reads the stored hashes of a growing log: the old ones from
// its tiles (checked against the old root), the new ones from memory.
type appendHashes struct {
	old      translog.HashReader
	oldCount int64
	new      []translog.Hash
}

func (a *appendHashes) ReadHashes(indexes []int64) ([]translog.Hash, error) {
	out := make([]translog.Hash, len(indexes))
	var olds []int64
	for _, x := range indexes {
		if x < a.oldCount {
			olds = append(olds, x)
		}
	}
	var oh []translog.Hash
	if len(olds) > 0 {
		var err error
		if oh, err = a.old.ReadHashes(olds); err != nil {
			return nil, err
		}
	}
	j := 0
	for i, x := range indexes {
		switch {
		case x < a.oldCount:
			out[i] = oh[j]
			j++
		case x-a.oldCount < int64(len(a.new)):
			out[i] = a.new[x-a.oldCount]
		default:
			return nil, fmt.Errorf("services: no stored hash %d", x)
		}
	}
	return out, nil
}
