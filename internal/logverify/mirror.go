package logverify

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/mod/sumdb/note"

	"minhbach/internal/translog"
)

// MirrorReport is what Mirror did.
type MirrorReport struct {
	// Fetched is the number of immutable objects (checkpoints/<size>,
	// tiles, bundles) fetched and written; Present the number already in
	// the directory, left as they were.
	Fetched, Present int
	// Size is the size of the latest checkpoint written to the directory.
	Size int64
}

// Mirror copies every object the log at src publishes into dir, in the
// layout translog.DirSource reads, so that anyone can keep a copy of the
// whole log and verify it (Verify with a DirSource) or serve it.
//
// Every object but the latest checkpoint is immutable once published, so
// an object already in dir is neither fetched again nor overwritten: a
// mirror keeps what the log first published, and a log altered later no
// longer matches its mirror. Each object is written to a temporary file and
// linked into place, so an interrupted run leaves no half-written object
// that a later run would take as present. The latest checkpoint is written
// last, after every object it needs, by an atomic rename; it is never
// replaced by a smaller one (a log rolled back): Mirror then keeps the
// mirror's and returns an error saying so.
//
// Mirror checks no signature; Verify does.
func Mirror(ctx context.Context, src translog.Source, dir string, progress func(MirrorReport)) (MirrorReport, error) {
	var rep MirrorReport
	// The log may grow while it is mirrored: the latest checkpoint, read
	// after everything else, can be newer than the list read before (or,
	// the sequencer writing checkpoints/<size> first, older). The list is
	// then read again, and what it adds fetched, for up to three rounds.
	for round := 0; ; round++ {
		rep.Present = 0 // counted again each round; Fetched adds up
		sizes, err := src.Checkpoints(ctx)
		if err != nil {
			return rep, fmt.Errorf("listing %s: %w", translog.PathCheckpoints, err)
		}
		prev := int64(0)
		for _, size := range sizes {
			if err := mirrorObject(ctx, src, dir, translog.CheckpointPath(size), &rep); err != nil {
				return rep, err
			}
			for _, t := range translog.NewTiles(prev, size) {
				if err := mirrorObject(ctx, src, dir, t.Path(), &rep); err != nil {
					return rep, err
				}
				if t.Level == 0 {
					if err := mirrorObject(ctx, src, dir, t.EntryBundle().Path(), &rep); err != nil {
						return rep, err
					}
				}
				if progress != nil {
					progress(rep)
				}
			}
			prev = size
		}
		latest, err := src.Fetch(ctx, translog.PathCheckpoint)
		if err != nil {
			return rep, fmt.Errorf("reading %s: %w", translog.PathCheckpoint, err)
		}
		c, err := unverifiedCheckpoint(latest)
		if err != nil {
			return rep, fmt.Errorf("%s: %w", translog.PathCheckpoint, err)
		}
		if c.Size != prev && round < 2 {
			continue
		}
		local := filepath.Join(dir, translog.PathCheckpoint)
		if old, err := os.ReadFile(local); err == nil {
			if oc, err := unverifiedCheckpoint(old); err == nil && oc.Size > c.Size {
				return rep, fmt.Errorf("the log's latest checkpoint has size %d, smaller than the mirror's (%d): the log was rolled back; the mirror keeps its own", c.Size, oc.Size)
			}
		} else if !errors.Is(err, fs.ErrNotExist) {
			return rep, err
		}
		if err := writeFile(local, latest, true); err != nil {
			return rep, err
		}
		rep.Size = c.Size
		return rep, nil
	}
}

// unverifiedCheckpoint parses a signed checkpoint without checking its
// signatures: Mirror needs only its size.
func unverifiedCheckpoint(b []byte) (translog.Checkpoint, error) {
	_, err := note.Open(b, nil)
	var u *note.UnverifiedNoteError
	if !errors.As(err, &u) {
		return translog.Checkpoint{}, fmt.Errorf("not a signed note: %v", err)
	}
	return translog.ParseCheckpoint([]byte(u.Note.Text))
}

// mirrorObject fetches the object at p into dir unless it is there.
func mirrorObject(ctx context.Context, src translog.Source, dir, p string, rep *MirrorReport) error {
	local := filepath.Join(dir, filepath.FromSlash(p))
	if _, err := os.Lstat(local); err == nil {
		rep.Present++
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	b, err := src.Fetch(ctx, p)
	if err != nil {
		return fmt.Errorf("fetching %s: %w", p, err)
	}
	if err := writeFile(local, b, false); err != nil {
		return err
	}
	rep.Fetched++
	return nil
}

// writeFile writes b to a temporary file beside path, synced, then moves
// it into place: by a rename when replace is set, else by a hard link,
// which fails rather than overwrite an object already there (written by a
// concurrent run, which fetched the same immutable object).
func writeFile(path string, b []byte, replace bool) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".mirror-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if replace {
		return os.Rename(tmp, path)
	}
	if err := os.Link(tmp, path); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return nil
}
