// Package witness is the Fatherland Front's witness of the portal's public
// log (docs/transparency-log.md, "The Front as witness"): it polls the log's
// latest checkpoint, checks that it extends the last one it cosigned by
// computing the consistency proof itself from the log's published tiles, and
// either cosigns it (C2SP tlog-cosignature) or refuses, with a signed
// refusal, and posts either to the portal. It needs nothing of the portal
// but its public log objects and its cosignature route.
//
// Its state is a directory it alone writes (see the file names below); a
// refusal is sticky, so a log that misbehaved once cannot talk the witness
// back into cosigning: a person has to delete the REFUSED file.
package witness

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/mod/sumdb/note"

	"minhbach/internal/translog"
)

// The files of a witness's directory.
const (
	// KeyFile holds the witness's private key (translog.NewCosigner's
	// text), mode 0600.
	KeyFile = "witness.key"
	// LatestFile holds the last checkpoint the witness cosigned: the log's
	// signed note with the log's signature and the witness's cosignature.
	// Deleting it makes the witness trust the next checkpoint it sees as
	// if it were its first (to follow a log whose history was knowingly
	// replaced).
	LatestFile = "latest"
	// CosignedDir holds every checkpoint the witness cosigned, by size
	// (cosigned/<size>), as LatestFile does; a checkpoint cosigned again
	// with a fresher time replaces its file.
	CosignedDir = "cosigned"
	// RefusalsDir holds every refusal, as its signed note
	// (refusals/<unix time>-<reason>).
	RefusalsDir = "refusals"
	// RefusedFile exists once the witness has refused, and holds that
	// refusal's signed note. While it exists the witness cosigns nothing
	// and posts that refusal again at every run. A person resets the
	// witness by deleting it, after finding out what happened.
	RefusedFile = "REFUSED"
)

// Outcome is what a run did.
type Outcome string

// The outcomes of a run.
const (
	Cosigned Outcome = "cosigned"
	Refused  Outcome = "refused"
)

// Result is what RunOnce did.
type Result struct {
	Outcome Outcome
	// Seen is the last checkpoint cosigned before this run; nil for none.
	Seen *translog.TreeHead
	// Got is the checkpoint the log showed; nil when none was read.
	Got *translog.TreeHead
	// Unchanged: the log showed the checkpoint already cosigned, which
	// was cosigned again with the current time.
	Unchanged bool
	// Refusal is the refusal, when Outcome is Refused.
	Refusal *translog.Refusal
	// Sticky: refused because of an earlier refusal (RefusedFile); the log
	// was not read.
	Sticky bool
	// Note is what was posted: the cosigned checkpoint or the signed
	// refusal.
	Note []byte
	// Posted is true when the portal accepted the post; PostErr says why
	// not otherwise (nil with Posted false: no portal configured).
	Posted  bool
	PostErr error
}

// Witness checks one log. Its fields are set once; RunOnce may be called
// again and again, never by two goroutines or processes on one Dir at once.
type Witness struct {
	// Dir is the witness's state directory (the files above).
	Dir string
	// Key is the witness's key; its name is the witness's name.
	Key *translog.Cosigner
	// LogOrigin and LogVerifier are the log's origin and public key.
	LogOrigin   string
	LogVerifier note.Verifier
	// Source reads the log's published objects.
	Source translog.Source
	// Post sends a JSON body to the portal's cosignature route
	// (HTTPPoster); nil posts nothing.
	Post func(ctx context.Context, body []byte) error
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// Attempts is how many times an object is fetched before it counts as
	// missing (or the fetch as failed); 0 is 3. RetryDelay is the wait
	// between attempts.
	Attempts   int
	RetryDelay time.Duration
}

// PostBody is the JSON body posted to POST /api/v1/log/cosignatures: the
// witness's name and either its cosignature (the checkpoint's note with
// the log's signature and the witness's cosignature line only) or its
// signed refusal.
type PostBody struct {
	Witness     string `json:"witness"`
	Cosignature string `json:"cosignature,omitempty"`
	Refusal     string `json:"refusal,omitempty"`
}

func (w *Witness) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

// fetchError marks an error of the Source, as opposed to a proof or a tile
// that does not verify, when it comes back through x/mod's tile reader.
type fetchError struct{ err error }

func (e fetchError) Error() string { return e.err.Error() }
func (e fetchError) Unwrap() error { return e.err }

// retry calls f up to Attempts times while it fails.
func (w *Witness) retry(ctx context.Context, f func() error) error {
	attempts := w.Attempts
	if attempts <= 0 {
		attempts = 3
	}
	var err error
	for i := 0; i < attempts; i++ {
		if i > 0 && w.RetryDelay > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(w.RetryDelay):
			}
		}
		if err = f(); err == nil || ctx.Err() != nil {
			return err
		}
	}
	return err
}

func (w *Witness) fetch(ctx context.Context, path string) ([]byte, error) {
	var b []byte
	err := w.retry(ctx, func() error {
		var err error
		b, err = w.Source.Fetch(ctx, path)
		return err
	})
	if err != nil {
		return nil, fetchError{err}
	}
	return b, nil
}

// fetchTile fetches a tile of hashes. A partial tile the log no longer
// has is read from its full tile, which C2SP tlog-tiles allows a log to
// publish in its place once the tree has grown: its first W hashes are the
// partial tile's (TileHashReader checks them against the root anyway).
func (w *Witness) fetchTile(ctx context.Context, t translog.Tile) ([]byte, error) {
	b, err := w.fetch(ctx, t.Path())
	if err == nil || t.W == translog.TileWidth || !errors.Is(err, translog.ErrNotFound) {
		return b, err
	}
	full := t
	full.W = translog.TileWidth
	fb, ferr := w.fetch(ctx, full.Path())
	if ferr != nil || len(fb) < t.W*translog.HashSize {
		return nil, err // the partial tile's own error: it is what is missing
	}
	return fb[:t.W*translog.HashSize], nil
}

// refusal is a reason to refuse, found while checking.
type refusal struct {
	reason translog.RefusalReason
	detail string
}

func refuse(reason translog.RefusalReason, format string, args ...any) *refusal {
	return &refusal{reason, fmt.Sprintf(format, args...)}
}

// classify turns an error met while reading the log into a refusal (an
// object missing: unavailable; a tile or proof that does not verify:
// inconsistent) or, for a failure to reach the log, an error to return: a
// network failure is not the log's misbehaviour, and the next run tries
// again.
func classify(err error, what string) (*refusal, error) {
	var fe fetchError
	switch {
	case errors.Is(err, translog.ErrNotFound):
		return refuse(translog.ReasonUnavailable, "%s: %v", what, err), nil
	case errors.As(err, &fe):
		return nil, fmt.Errorf("witness: %s: %w", what, err)
	}
	return refuse(translog.ReasonInconsistent, "%s: %v", what, err), nil
}

// RunOnce checks the log's latest checkpoint once, cosigns or refuses it,
// keeps what it did in Dir and posts it. It returns an error, having
// cosigned and refused nothing, when the log cannot be reached or Dir
// cannot be read or written; a portal that cannot be reached is not an
// error (Result.PostErr).
func (w *Witness) RunOnce(ctx context.Context) (Result, error) {
	if w.Key == nil || w.LogVerifier == nil || w.Source == nil || w.Dir == "" {
		return Result{}, errors.New("witness: Dir, Key, LogVerifier and Source are required")
	}
	if sticky, err := os.ReadFile(filepath.Join(w.Dir, RefusedFile)); err == nil {
		rv, err := note.NewVerifier(w.Key.RefusalVerifierKey())
		if err != nil {
			return Result{}, fmt.Errorf("witness: %w", err)
		}
		r, err := translog.OpenRefusal(sticky, rv)
		if err != nil {
			return Result{}, fmt.Errorf("witness: %s: %w", RefusedFile, err)
		}
		res := Result{Outcome: Refused, Sticky: true, Refusal: &r, Seen: r.Seen, Got: r.Got, Note: sticky}
		w.post(ctx, &res, PostBody{Witness: w.Key.Name(), Refusal: string(sticky)})
		return res, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return Result{}, fmt.Errorf("witness: %w", err)
	}
	seen, err := w.latest()
	if err != nil {
		return Result{}, err
	}
	var res Result
	if seen != nil {
		res.Seen = &translog.TreeHead{Size: seen.Size, Root: seen.Root}
	}
	ref, signed, err := w.check(ctx, seen, &res)
	if err != nil {
		return Result{}, err
	}
	if ref != nil {
		return w.refuse(ctx, res, ref)
	}
	return w.cosign(ctx, res, signed)
}

// latest reads the last cosigned checkpoint, nil for none.
func (w *Witness) latest() (*translog.Checkpoint, error) {
	b, err := os.ReadFile(filepath.Join(w.Dir, LatestFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("witness: %w", err)
	}
	c, _, err := translog.OpenCheckpoint(b, w.LogOrigin, w.LogVerifier)
	if err != nil {
		return nil, fmt.Errorf("witness: %s does not open with the log's key (was the key changed?): %w", filepath.Join(w.Dir, LatestFile), err)
	}
	return &c, nil
}

// check reads the log and decides: a refusal, or the signed checkpoint to
// cosign (as opened, with the log's signature only).
func (w *Witness) check(ctx context.Context, seen *translog.Checkpoint, res *Result) (*refusal, *note.Note, error) {
	raw, err := w.fetch(ctx, translog.PathCheckpoint)
	if err != nil {
		ref, err := classify(err, "the latest checkpoint")
		return ref, nil, err
	}
	cp, n, err := translog.OpenCheckpoint(raw, w.LogOrigin, w.LogVerifier)
	if err != nil {
		res.Got = claimed(raw)
		return refuse(translog.ReasonBadSignature, "the latest checkpoint: %v", err), nil, nil
	}
	res.Got = &translog.TreeHead{Size: cp.Size, Root: cp.Root}

	// A smaller log or another root for the same size needs nothing more
	// than the checkpoint to be refused.
	if seen != nil {
		switch {
		case cp.Size < seen.Size:
			return refuse(translog.ReasonRollback, "the log shows size %d, smaller than the cosigned size %d", cp.Size, seen.Size), nil, nil
		case cp.Size == seen.Size && cp.Root != seen.Root:
			return refuse(translog.ReasonFork, "the log shows another root for the cosigned size %d", cp.Size), nil, nil
		}
	}
	tiles := translog.TileHashReader(cp.Size, cp.Root, func(ts []translog.Tile) ([][]byte, error) {
		out := make([][]byte, len(ts))
		for i, t := range ts {
			b, err := w.fetchTile(ctx, t)
			if err != nil {
				return nil, err
			}
			out[i] = b
		}
		return out, nil
	})
	// The consistency proof is computed here, from tiles TileHashReader
	// checks against the new root; the portal's proof route is not asked.
	if seen != nil && cp.Size > seen.Size {
		proof, err := translog.ConsistencyProof(seen.Size, cp.Size, tiles)
		if err != nil {
			ref, err := classify(err, fmt.Sprintf("the consistency proof from size %d to size %d, from the log's tiles", seen.Size, cp.Size))
			return ref, nil, err
		}
		if err := translog.VerifyConsistency(proof, seen.Size, seen.Root, cp.Size, cp.Root); err != nil {
			return refuse(translog.ReasonInconsistent, "size %d does not extend the cosigned size %d: %v", cp.Size, seen.Size, err), nil, nil
		}
	}
	// Whatever the comparison, the tiles of the tree the witness cosigns
	// must be there and agree with its root (TileHashReader checks every
	// tile it reads against it): a witness vouches for a log anyone can
	// check, not for a root alone.
	if cp.Size > 0 {
		root, err := translog.TreeHash(cp.Size, tiles)
		if err != nil {
			ref, err := classify(err, fmt.Sprintf("the tiles of size %d", cp.Size))
			return ref, nil, err
		}
		if root != cp.Root {
			return refuse(translog.ReasonInconsistent, "the tiles of size %d give another root", cp.Size), nil, nil
		}
	}
	// The log must keep what it published, even once it has grown past it:
	// the checkpoint of the size it shows, the one the witness last
	// cosigned, one earlier cosigned checkpoint at random, and every
	// cosigned size in its list. (A rewritten log whose old checkpoints
	// were re-signed too is refused above, as inconsistent.)
	if ref, err := w.checkStored(ctx, cp.Size, cp.Root, "the latest"); ref != nil || err != nil {
		return ref, nil, err
	}
	if seen != nil {
		if ref, err := w.checkStored(ctx, seen.Size, seen.Root, "the last cosigned"); ref != nil || err != nil {
			return ref, nil, err
		}
		if ref, err := w.checkHistory(ctx, seen.Size); ref != nil || err != nil {
			return ref, nil, err
		}
	}
	// Cosign the log's signature only: other witnesses' cosignatures the
	// portal appended are not this witness's to repeat.
	n.UnverifiedSigs = nil
	return nil, n, nil
}

// claimed is what a checkpoint that did not verify says of itself, nil if
// it says nothing readable.
func claimed(raw []byte) *translog.TreeHead {
	var une *note.UnverifiedNoteError
	text := ""
	if n, err := note.Open(raw, nil); errors.As(err, &une) {
		text = une.Note.Text
	} else if err == nil {
		text = n.Text
	} else if i := bytes.LastIndex(raw, []byte("\n\n")); i >= 0 {
		text = string(raw[:i+1])
	}
	c, err := translog.ParseCheckpoint([]byte(text))
	if err != nil {
		return nil
	}
	return &translog.TreeHead{Size: c.Size, Root: c.Root}
}

// checkStored checks that the log still publishes its checkpoint of size
// under checkpoints/, signed by its key, with root.
func (w *Witness) checkStored(ctx context.Context, size int64, root translog.Hash, which string) (*refusal, error) {
	what := translog.CheckpointPath(size) + " (" + which + ")"
	raw, err := w.fetch(ctx, translog.CheckpointPath(size))
	if err != nil {
		return classify(err, what)
	}
	c, _, err := translog.OpenCheckpoint(raw, w.LogOrigin, w.LogVerifier)
	if err != nil {
		return refuse(translog.ReasonBadSignature, "%s: %v", what, err), nil
	}
	if c.Size != size {
		return refuse(translog.ReasonInconsistent, "%s holds size %d", what, c.Size), nil
	}
	if c.Root != root {
		return refuse(translog.ReasonFork, "%s has another root than %s checkpoint", what, which), nil
	}
	return nil, nil
}

// checkHistory checks that the log's list of checkpoints still holds every
// size the witness cosigned, and that one of them, at random, is still the
// checkpoint it cosigned: deleted or replaced old checkpoints are refused
// sooner or later without fetching them all at every run.
func (w *Witness) checkHistory(ctx context.Context, latest int64) (*refusal, error) {
	mine, err := w.cosignedSizes()
	if err != nil {
		return nil, err
	}
	var listed []int64
	err = w.retry(ctx, func() error {
		var err error
		listed, err = w.Source.Checkpoints(ctx)
		return err
	})
	if err != nil {
		return classify(fetchError{err}, "the list of checkpoints")
	}
	for _, s := range mine {
		if _, found := slices.BinarySearch(listed, s); !found {
			return refuse(translog.ReasonUnavailable, "the cosigned checkpoint of size %d is no longer in the log's list", s), nil
		}
	}
	var earlier []int64
	for _, s := range mine {
		if s != latest {
			earlier = append(earlier, s)
		}
	}
	if len(earlier) == 0 {
		return nil, nil
	}
	s := earlier[rand.IntN(len(earlier))]
	b, err := os.ReadFile(filepath.Join(w.Dir, CosignedDir, strconv.FormatInt(s, 10)))
	if err != nil {
		return nil, fmt.Errorf("witness: %w", err)
	}
	c, _, err := translog.OpenCheckpoint(b, w.LogOrigin, w.LogVerifier)
	if err != nil {
		return nil, fmt.Errorf("witness: %s/%d: %w", CosignedDir, s, err)
	}
	return w.checkStored(ctx, c.Size, c.Root, "an earlier cosigned")
}

// cosignedSizes lists the sizes in CosignedDir, ascending.
func (w *Witness) cosignedSizes() ([]int64, error) {
	des, err := os.ReadDir(filepath.Join(w.Dir, CosignedDir))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("witness: %w", err)
	}
	var out []int64
	for _, de := range des {
		n, err := strconv.ParseInt(de.Name(), 10, 64)
		if err == nil && n >= 0 && strconv.FormatInt(n, 10) == de.Name() && de.Type().IsRegular() {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out, nil
}

// cosign signs n, keeps it and posts it.
func (w *Witness) cosign(ctx context.Context, res Result, n *note.Note) (Result, error) {
	key := *w.Key
	key.Now = w.now
	msg, err := note.Sign(n, &key)
	if err != nil {
		return Result{}, fmt.Errorf("witness: cosign: %w", err)
	}
	size := strconv.FormatInt(res.Got.Size, 10)
	if err := writeFile(filepath.Join(w.Dir, CosignedDir, size), msg); err != nil {
		return Result{}, err
	}
	if err := writeFile(filepath.Join(w.Dir, LatestFile), msg); err != nil {
		return Result{}, err
	}
	res.Outcome, res.Note = Cosigned, msg
	res.Unchanged = res.Seen != nil && *res.Seen == *res.Got
	w.post(ctx, &res, PostBody{Witness: w.Key.Name(), Cosignature: string(msg)})
	return res, nil
}

// refuse signs the refusal, keeps it (and RefusedFile, which makes it
// sticky) and posts it.
func (w *Witness) refuse(ctx context.Context, res Result, ref *refusal) (Result, error) {
	r := translog.Refusal{
		Origin: w.LogOrigin,
		Reason: ref.reason,
		Seen:   res.Seen,
		Got:    res.Got,
		Time:   w.now().Unix(),
		Detail: translog.RefusalDetail(ref.detail),
	}
	msg, err := translog.SignRefusal(r, w.Key.RefusalSigner())
	if err != nil {
		return Result{}, fmt.Errorf("witness: refusal: %w", err)
	}
	name := fmt.Sprintf("%d-%s", r.Time, r.Reason)
	if err := writeFile(filepath.Join(w.Dir, RefusalsDir, name), msg); err != nil {
		return Result{}, err
	}
	if err := writeFile(filepath.Join(w.Dir, RefusedFile), msg); err != nil {
		return Result{}, err
	}
	res.Outcome, res.Refusal, res.Note = Refused, &r, msg
	w.post(ctx, &res, PostBody{Witness: w.Key.Name(), Refusal: string(msg)})
	return res, nil
}

func (w *Witness) post(ctx context.Context, res *Result, body PostBody) {
	if w.Post == nil {
		return
	}
	b, err := json.Marshal(body)
	if err == nil {
		err = w.Post(ctx, b)
	}
	res.Posted, res.PostErr = err == nil, err
}

// writeFile replaces path with data atomically (a temporary file in the
// same directory, synced, then renamed), so a crash leaves the old file or
// the new one, never half of one.
func writeFile(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("witness: %w", err)
	}
	f, err := os.CreateTemp(dir, ".tmp-"+filepath.Base(path)+"-")
	if err != nil {
		return fmt.Errorf("witness: %w", err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("witness: write %s: %w", path, err)
	}
	return nil
}

// HTTPPoster posts bodies to POST <portal>/api/v1/log/cosignatures; client
// nil is a client with a 30-second timeout.
func HTTPPoster(portal string, client *http.Client) (func(ctx context.Context, body []byte) error, error) {
	u, err := url.JoinPath(portal, "/api/v1/log/cosignatures")
	if err != nil {
		return nil, fmt.Errorf("witness: portal address %q: %w", portal, err)
	}
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	return func(ctx context.Context, body []byte) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		if resp.StatusCode/100 != 2 {
			return fmt.Errorf("witness: POST %s: %s: %s", u, resp.Status, strings.TrimSpace(string(msg)))
		}
		return nil
	}, nil
}

// Init creates a witness directory with a new key named name, and returns
// the two verifier keys the log's operator registers: the cosignature key
// and the refusal key. It refuses a directory that already has a key.
func Init(dir, name string) (vkey, refusalVKey string, err error) {
	skey, vkey, err := translog.GenerateWitnessKey(name)
	if err != nil {
		return "", "", err
	}
	key, err := translog.NewCosigner(skey)
	if err != nil {
		return "", "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", "", fmt.Errorf("witness: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, KeyFile), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", "", fmt.Errorf("witness: %w", err)
	}
	_, err = f.WriteString(skey + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", "", fmt.Errorf("witness: %w", err)
	}
	return vkey, key.RefusalVerifierKey(), nil
}

// LoadKey reads the key of a witness directory, refusing a key file that
// others can read.
func LoadKey(dir string) (*translog.Cosigner, error) {
	path := filepath.Join(dir, KeyFile)
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("witness: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("witness: %s is readable by others (mode %v); chmod 600 it", path, fi.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("witness: %w", err)
	}
	return translog.NewCosigner(string(b))
}

// LockFile is the lock `portal witness run` holds on its directory.
const LockFile = "witness.lock"

// ErrLocked means another process is running the witness on the directory.
var ErrLocked = errors.New("witness: the directory is in use by another witness process")

// Lock takes an exclusive, non-blocking lock on dir/witness.lock, so that
// two witness processes never write one directory at once. The kernel
// releases it when the process exits: a crash leaves no stale lock. The
// returned function releases it.
func Lock(dir string) (func(), error) {
	f, err := os.OpenFile(filepath.Join(dir, LockFile), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("witness: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w (%s)", ErrLocked, dir)
		}
		return nil, fmt.Errorf("witness: lock %s: %w", dir, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
