// Package logverify checks the portal's public transparency log from its
// published objects alone (docs/transparency-log.md, "What the verifiers
// check"): every checkpoint the log issued, every entry bundle up to the
// latest checkpoint, every hash tile those checkpoints need, and optionally
// a witness's checkpoint that the log must extend. It is what `portal log
// verify` runs, against the portal's public endpoints, a mirror directory
// or the portal's own bucket (translog.Source).
//
// It trusts nothing it reads but the log's public key: the tree is rebuilt
// from the entries, and every checkpoint, tile and bundle is compared with
// the rebuilt tree. It stops at the first inconsistency and names the
// object, so that whoever runs it can show exactly what was altered.
package logverify

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"minhbach/internal/translog"
)

// Options are Verify's optional inputs.
type Options struct {
	// Witness is a checkpoint a witness cosigned (or any checkpoint of the
	// log someone kept), as its signed-note text. It must carry the log's
	// signature; the witnesses' cosignatures on it are not checked here. The
	// log must extend it: its size no larger than the latest checkpoint's,
	// and its root the rebuilt tree's root at its size. A log rolled back
	// or rewritten consistently, checkpoints re-signed, passes every other
	// check; only a checkpoint kept outside the operator's hands shows it.
	Witness []byte
	// Progress, when set, is called after each entry bundle and each
	// checkpoint checked.
	Progress func(Progress)
}

// Progress is how far Verify has come.
type Progress struct {
	// Entries is the number of entries read and hashed so far, of Size.
	Entries, Size int64
	// Checkpoints is the number of checkpoints checked so far, of
	// CheckpointsTotal.
	Checkpoints, CheckpointsTotal int
}

// Report is what Verify checked, when every check passed.
type Report struct {
	// Checkpoints is the number of checkpoints/<size> objects checked.
	Checkpoints int
	// Entries is the number of entries read, parsed and hashed: the latest
	// checkpoint's size.
	Entries int64
	// Size and Root are the latest checkpoint's.
	Size int64
	Root translog.Hash
	// Events counts the entries by event.
	Events map[translog.Event]int64
	// Witnessed is the size of the witness's checkpoint the log was found
	// to extend, or -1 without one.
	Witnessed int64
}

// Inconsistency is a published object that contradicts the log's own
// checkpoints or the tree rebuilt from its entries, or that is missing.
// Verify returns it as the first inconsistency found; any other error means
// the log could not be read (a network or disk error), not that it is
// inconsistent.
type Inconsistency struct {
	// Object is the path of the object at fault, relative to the log's
	// root: "checkpoint", "checkpoints/300", "tile/0/001",
	// "tile/entries/001.p/44".
	Object string
	// Index is the log index of the entry concerned (for an entry bundle),
	// or the position of the first wrong hash in a hash tile; -1 when the
	// inconsistency concerns no single entry or hash.
	Index int64
	// Reason says what is wrong, in words.
	Reason string
}

func (e *Inconsistency) Error() string { return e.Object + ": " + e.Reason }

func inconsistent(object string, index int64, format string, args ...any) *Inconsistency {
	return &Inconsistency{Object: object, Index: index, Reason: fmt.Sprintf(format, args...)}
}

// checkpointAt is a checkpoints/<size> object, opened.
type checkpointAt struct {
	path string
	cp   translog.Checkpoint
}

type verifier struct {
	ctx    context.Context
	src    translog.Source
	origin string
	key    note.Verifier
	opts   Options

	size   int64 // the latest checkpoint's size: how far the entries are read
	n      int64 // entries hashed so far
	hashes translog.MemoryHashes
	events map[translog.Event]int64
	done   int // checkpoints checked
	total  int

	// The entry bundle the next entries come from: only one is held at a
	// time, so memory is the stored hashes alone.
	bundleN       int64
	bundlePath    string
	bundleEntries [][]byte
}

// Verify checks the log published by src, whose checkpoints name origin
// and are signed by logKey (origin "" is logKey's name, which a log's key
// must carry). It returns a *Inconsistency for the first inconsistency.
//
// The checks, in order: the latest checkpoint and every checkpoints/<size>
// carry the log's signature, and the latest is the highest of them; the
// witness's checkpoint, if any, is not ahead of the latest; then, checkpoint
// after checkpoint in size order, the entries up to its size are read from
// the entry bundles and each must parse, the tree rebuilt from them must
// have the checkpoint's root, the checkpoint must be consistent with the
// previous one, each hash tile of its size (translog.NewTiles from the
// previous size) must equal the rebuilt tree's, its partial entry bundle
// must be the prefix of the entries read, and, once the tree reaches the
// witness's size, it must have the witness's root.
//
// The rebuilt tree is held in memory: about 64 bytes per entry.
func Verify(ctx context.Context, src translog.Source, origin string, logKey note.Verifier, opts Options) (Report, error) {
	if logKey == nil {
		return Report{}, errors.New("logverify: no log key")
	}
	if origin == "" {
		origin = logKey.Name()
	}
	if logKey.Name() != origin {
		return Report{}, fmt.Errorf("logverify: the log key is named %q, not the origin %q (a log's key carries its origin as its name)", logKey.Name(), origin)
	}
	v := &verifier{ctx: ctx, src: src, origin: origin, key: logKey, opts: opts, bundleN: -1, events: map[translog.Event]int64{}}
	return v.run()
}

func (v *verifier) run() (Report, error) {
	latest, latestNote, sizes, err := v.latestAndList()
	if err != nil {
		return Report{}, err
	}
	cps := make([]checkpointAt, 0, len(sizes))
	var highest *note.Note
	for i, size := range sizes {
		p := translog.CheckpointPath(size)
		if i > 0 && size <= sizes[i-1] {
			// The sources sort their lists; a list out of order is a
			// source's fault, reported as the log's since it is what the
			// log serves.
			return Report{}, inconsistent(translog.PathCheckpoints, -1, "the list of checkpoints is not in strictly increasing size order at %d", size)
		}
		b, err := v.fetch(p, "checkpoint", "listed but absent")
		if err != nil {
			return Report{}, err
		}
		c, n, err := v.open(p, b)
		if err != nil {
			return Report{}, err
		}
		if c.Size != size {
			return Report{}, inconsistent(p, -1, "holds a checkpoint of size %d", c.Size)
		}
		cps = append(cps, checkpointAt{path: p, cp: c})
		highest = n
	}
	switch {
	case len(cps) == 0 || latest.Size > cps[len(cps)-1].cp.Size:
		return Report{}, inconsistent(translog.CheckpointPath(latest.Size), -1,
			"missing checkpoint: the latest checkpoint has size %d but checkpoints/ holds none of that size", latest.Size)
	case latest.Size < cps[len(cps)-1].cp.Size:
		return Report{}, inconsistent(translog.PathCheckpoint, -1,
			"the latest checkpoint has size %d, behind %s: the latest was rolled back", latest.Size, cps[len(cps)-1].path)
	case latestNote.Text != highest.Text:
		return Report{}, inconsistent(translog.PathCheckpoint, -1,
			"its signed body differs from %s, of the same size: two different trees of size %d", cps[len(cps)-1].path, latest.Size)
	}
	v.size, v.total = latest.Size, len(cps)

	witness := translog.Checkpoint{Size: -1}
	if v.opts.Witness != nil {
		c, _, err := translog.OpenCheckpoint(v.opts.Witness, v.origin, v.key)
		if err != nil {
			return Report{}, fmt.Errorf("the witness checkpoint does not open with the log's key: %w", err)
		}
		witness = c
		if c.Size > latest.Size {
			return Report{}, v.notExtending(c, latest, fmt.Sprintf("the log's latest checkpoint has size %d: the log was rolled back or truncated", latest.Size))
		}
		if c.Size == 0 && c.Root != translog.EmptyRoot() {
			return Report{}, v.notExtending(c, latest, "a witness checkpoint of size 0 must have the empty tree's root")
		}
	}

	// The stored hashes are allocated once for the latest size (about 64
	// bytes an entry) when it is at most 2^21 entries (128 MiB), so that a
	// checkpoint claiming a huge size makes Verify allocate nothing before
	// the bundles show the entries exist; beyond, the slice grows as they
	// are read.
	if v.size <= 1<<21 {
		v.hashes = make(translog.MemoryHashes, 0, tlog.StoredHashCount(v.size))
	}
	prev := checkpointAt{path: "the empty tree", cp: translog.Checkpoint{Root: translog.EmptyRoot()}}
	for _, c := range cps {
		if err := v.checkCheckpoint(prev, c); err != nil {
			return Report{}, err
		}
		if witness.Size > prev.cp.Size && witness.Size <= c.cp.Size {
			if root, err := translog.TreeHash(witness.Size, v.hashes); err != nil {
				return Report{}, fmt.Errorf("the rebuilt tree at size %d: %w", witness.Size, err)
			} else if root != witness.Root {
				return Report{}, v.notExtending(witness, latest, fmt.Sprintf("the log's tree at size %d has root %s: the log was rewritten", witness.Size, b64(root)))
			}
		}
		v.done++
		v.progress()
		prev = c
	}
	return Report{Checkpoints: len(cps), Entries: v.n, Size: latest.Size, Root: latest.Root, Events: v.events, Witnessed: witness.Size}, nil
}

// notExtending is the witness check's failure, naming both checkpoints.
func (v *verifier) notExtending(w, latest translog.Checkpoint, why string) *Inconsistency {
	return inconsistent(translog.PathCheckpoint, -1,
		"the log does not extend the witnessed checkpoint (size %d, root %s; the log's latest checkpoint: size %d, root %s): %s",
		w.Size, b64(w.Root), latest.Size, b64(latest.Root), why)
}

// retryWait is how long latestAndList waits before reading again; tests
// shorten it.
var retryWait = time.Second

// latestAndList reads the latest checkpoint and the list of checkpoints.
// The sequencer writes checkpoints/<size> and then checkpoint, so a log
// being written can be caught between the two, or between the two reads
// here: the pair is read again, a few times, until the latest checkpoint's
// size is the highest listed, before that is called an inconsistency.
func (v *verifier) latestAndList() (translog.Checkpoint, *note.Note, []int64, error) {
	var (
		c     translog.Checkpoint
		n     *note.Note
		sizes []int64
	)
	for attempt := 0; ; attempt++ {
		b, err := v.src.Fetch(v.ctx, translog.PathCheckpoint)
		if errors.Is(err, translog.ErrNotFound) {
			return c, nil, nil, inconsistent(translog.PathCheckpoint, -1, "missing checkpoint: the log has published no latest checkpoint")
		}
		if err != nil {
			return c, nil, nil, fmt.Errorf("reading %s: %w", translog.PathCheckpoint, err)
		}
		if c, n, err = v.open(translog.PathCheckpoint, b); err != nil {
			return c, nil, nil, err
		}
		if sizes, err = v.src.Checkpoints(v.ctx); err != nil {
			return c, nil, nil, fmt.Errorf("listing %s: %w", translog.PathCheckpoints, err)
		}
		if attempt == 2 || len(sizes) > 0 && sizes[len(sizes)-1] == c.Size {
			return c, n, sizes, nil
		}
		select {
		case <-v.ctx.Done():
			return c, nil, nil, v.ctx.Err()
		case <-time.After(retryWait):
		}
	}
}

// open opens a checkpoint object with the log's key.
func (v *verifier) open(path string, b []byte) (translog.Checkpoint, *note.Note, error) {
	c, n, err := translog.OpenCheckpoint(b, v.origin, v.key)
	if err != nil {
		return c, nil, inconsistent(path, -1, "not a checkpoint of %s signed by the log's key: %v", v.origin, err)
	}
	return c, n, nil
}

// fetch reads an object; a missing one is an inconsistency.
func (v *verifier) fetch(path, what, why string) ([]byte, error) {
	b, err := v.src.Fetch(v.ctx, path)
	if errors.Is(err, translog.ErrNotFound) {
		return nil, inconsistent(path, -1, "missing %s (%s)", what, why)
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return b, nil
}

// checkCheckpoint reads the entries up to c's size and checks c, its tiles
// and its partial entry bundle against the rebuilt tree. Everything up to
// prev's size has been checked.
func (v *verifier) checkCheckpoint(prev, c checkpointAt) error {
	if err := v.growTo(c.cp.Size); err != nil {
		return err
	}
	root, err := translog.TreeHash(c.cp.Size, v.hashes)
	if err != nil {
		return fmt.Errorf("the rebuilt tree at size %d: %w", c.cp.Size, err)
	}
	if root != c.cp.Root {
		return v.rootMismatch(prev, c, root)
	}
	// Both roots are now the rebuilt tree's, so this cannot fail unless
	// the arithmetic does; it is the check a witness makes, made here from
	// a tree nobody else computed.
	proof, err := translog.ConsistencyProof(prev.cp.Size, c.cp.Size, v.hashes)
	if err != nil {
		return fmt.Errorf("consistency proof from size %d to %d: %w", prev.cp.Size, c.cp.Size, err)
	}
	if err := translog.VerifyConsistency(proof, prev.cp.Size, prev.cp.Root, c.cp.Size, c.cp.Root); err != nil {
		return inconsistent(c.path, -1, "not consistent with %s: %v", prev.path, err)
	}
	for _, t := range translog.NewTiles(prev.cp.Size, c.cp.Size) {
		if err := v.checkTile(t, c); err != nil {
			return err
		}
		// The partial entry bundle of the latest size is where the last
		// entries were read from; an earlier checkpoint's must be a prefix.
		if t.Level == 0 && t.W < translog.TileWidth && c.cp.Size != v.size {
			if err := v.checkPartialBundle(t.EntryBundle(), c); err != nil {
				return err
			}
		}
	}
	return nil
}

// bundleTile is the entry bundle the entries of bundle n are read from:
// the full bundle, or the partial bundle of the latest checkpoint's size.
func (v *verifier) bundleTile(n int64) translog.Tile {
	w := translog.TileWidth
	if end := (n + 1) * translog.TileWidth; end > v.size {
		w = int(v.size - n*translog.TileWidth)
	}
	return translog.Tile{Entries: true, N: n, W: w}
}

// growTo reads, parses and hashes the entries up to size.
func (v *verifier) growTo(size int64) error {
	for v.n < size {
		if b := v.n / translog.TileWidth; b != v.bundleN {
			if err := v.ctx.Err(); err != nil {
				return err
			}
			t := v.bundleTile(b)
			p := t.Path()
			data, err := v.fetch(p, "entry bundle", fmt.Sprintf("entries %d to %d of checkpoint size %d", b*translog.TileWidth, b*translog.TileWidth+int64(t.W)-1, v.size))
			if err != nil {
				return err
			}
			entries, err := translog.ParseBundle(data, t.W)
			if err != nil {
				return inconsistent(p, b*translog.TileWidth, "malformed entry bundle: %v", err)
			}
			v.bundleN, v.bundlePath, v.bundleEntries = b, p, entries
			v.progress()
		}
		e := v.bundleEntries[v.n-v.bundleN*translog.TileWidth]
		entry, err := translog.ParseEntry(e)
		if err != nil {
			return inconsistent(v.bundlePath, v.n, "entry %d does not parse: %v", v.n, err)
		}
		v.events[entry.Event]++
		if v.hashes, err = v.hashes.Append(e); err != nil {
			return fmt.Errorf("hashing entry %d: %w", v.n, err)
		}
		v.n++
	}
	return nil
}

// rootMismatch explains a checkpoint whose root is not the rebuilt tree's.
// The tree up to prev's size is proven, so an entry from there to c's size
// or c itself is at fault. The published hash tiles, checked against c's
// root (translog.TileHashReader), tell which: if they prove c's leaf
// hashes, the first entry whose hash differs is named. If they do not (the
// tiles were recomputed too, or c was signed over another tree), c is.
func (v *verifier) rootMismatch(prev, c checkpointAt, rebuilt translog.Hash) error {
	r := translog.TileHashReader(c.cp.Size, c.cp.Root, translog.SourceTiles(v.ctx, v.src))
	for start := prev.cp.Size; start < c.cp.Size; start += translog.TileWidth {
		end := min(start+translog.TileWidth, c.cp.Size)
		idx := make([]int64, 0, end-start)
		for j := start; j < end; j++ {
			idx = append(idx, tlog.StoredHashIndex(0, j))
		}
		proven, err := r.ReadHashes(idx)
		if err != nil {
			break
		}
		for k, h := range proven {
			if h != v.hashes[idx[k]] {
				j := start + int64(k)
				return inconsistent(v.bundleTile(j/translog.TileWidth).Path(), j,
					"entry %d is not the entry %s commits to (its leaf hash, proven from the published hash tiles, is %s; this entry's is %s): the entry was altered",
					j, c.path, b64(h), b64(v.hashes[idx[k]]))
			}
		}
	}
	return inconsistent(c.path, -1,
		"its root %s is not the root %s of the tree rebuilt from the entry bundles at size %d; the entries up to %d match %s, so an entry from %d to %d was altered (with the hash tiles recomputed) or this checkpoint was signed over another tree",
		b64(c.cp.Root), b64(rebuilt), c.cp.Size, prev.cp.Size, prev.path, prev.cp.Size, c.cp.Size-1)
}

// checkTile compares a published hash tile with the rebuilt tree's.
func (v *verifier) checkTile(t translog.Tile, c checkpointAt) error {
	p := t.Path()
	got, err := v.fetch(p, "tile", "the tree of "+c.path+" has it")
	if err != nil {
		return err
	}
	want, err := translog.ReadTileData(t, v.hashes)
	if err != nil {
		return fmt.Errorf("the rebuilt tree's tile %s: %w", p, err)
	}
	if bytes.Equal(got, want) {
		return nil
	}
	for i := 0; i < t.W; i++ {
		lo, hi := i*translog.HashSize, (i+1)*translog.HashSize
		if hi > len(got) || !bytes.Equal(got[lo:hi], want[lo:hi]) {
			if hi > len(got) {
				return inconsistent(p, int64(i), "tile of %d bytes, want %d (%d hashes)", len(got), len(want), t.W)
			}
			return inconsistent(p, int64(i), "hash %d of the tile differs from the tree rebuilt from the entry bundles", i)
		}
	}
	return inconsistent(p, int64(t.W), "tile of %d bytes, want %d (%d hashes)", len(got), len(want), t.W)
}

// checkPartialBundle compares a checkpoint's partial entry bundle with the
// entries read for the same positions, which c's root has just proven.
func (v *verifier) checkPartialBundle(t translog.Tile, c checkpointAt) error {
	p := t.Path()
	data, err := v.fetch(p, "entry bundle", "the partial bundle of "+c.path)
	if err != nil {
		return err
	}
	first := t.N * translog.TileWidth
	entries, err := translog.ParseBundle(data, t.W)
	if err != nil {
		return inconsistent(p, first, "malformed entry bundle: %v", err)
	}
	if v.bundleN != t.N {
		return fmt.Errorf("logverify: bundle %d checked while bundle %d is held", t.N, v.bundleN)
	}
	for i, e := range entries {
		if !bytes.Equal(e, v.bundleEntries[i]) {
			return inconsistent(p, first+int64(i), "entry %d differs from the same entry in %s, which the checkpoints' roots commit to", first+int64(i), v.bundlePath)
		}
	}
	return nil
}

func (v *verifier) progress() {
	if v.opts.Progress != nil {
		v.opts.Progress(Progress{Entries: v.n, Size: v.size, Checkpoints: v.done, CheckpointsTotal: v.total})
	}
}

func b64(h translog.Hash) string { return base64.StdEncoding.EncodeToString(h[:]) }
