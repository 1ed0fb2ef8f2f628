package logverify

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"minhbach/internal/translog"
)

func TestMirror(t *testing.T) {
	key := newKey(t, testOrigin)
	ctx := context.Background()
	served := t.TempDir()
	buildLog(t, served, key, testSizes, testEntry)
	src := translog.HTTPSource{Base: serveLog(t, served)}
	mirror := filepath.Join(t.TempDir(), "mirror")

	rep, err := Mirror(ctx, src, mirror, nil)
	if err != nil {
		t.Fatal(err)
	}
	// 5 checkpoints; tiles: level 0 full 000 001, partials 000.p/1 000.p/5
	// 001.p/44 002.p/188; level 1: 000.p/1 000.p/2; and a bundle for each
	// level-0 tile.
	if rep.Fetched != 5+8+6 || rep.Present != 0 || rep.Size != 700 {
		t.Errorf("first mirror: %+v", rep)
	}
	if v, err := Verify(ctx, translog.DirSource{Dir: mirror}, testOrigin, key.verifier, Options{}); err != nil || v.Size != 700 || v.Checkpoints != 5 {
		t.Fatalf("verifying the mirror: %+v, %v", v, err)
	}
	if entries, _ := os.ReadDir(mirror); len(entries) != 3 {
		t.Errorf("the mirror's root holds %d entries, want checkpoint, checkpoints, tile (no temporary file left)", len(entries))
	}

	// The log grows; a second run fetches only what is new.
	grown := append(append([]int64{}, testSizes...), 1000)
	buildLog(t, served, key, grown, testEntry)
	if rep, err = Mirror(ctx, src, mirror, nil); err != nil {
		t.Fatal(err)
	}
	// checkpoints/1000, tiles 0/002 0/003.p/232 1/000.p/3 and their two
	// bundles.
	if rep.Fetched != 1+3+2 || rep.Present != 5+8+6 || rep.Size != 1000 {
		t.Errorf("second mirror: %+v", rep)
	}
	if v, err := Verify(ctx, translog.DirSource{Dir: mirror}, testOrigin, key.verifier, Options{}); err != nil || v.Size != 1000 {
		t.Fatalf("verifying the grown mirror: %+v, %v", v, err)
	}

	// A tile altered at the source after it was mirrored is not copied:
	// the mirror keeps the log as first published and still verifies,
	// while the source does not.
	b := readObject(t, served, "tile/0/001")
	b[0] ^= 1
	writeObject(t, served, "tile/0/001", b)
	if _, err = Mirror(ctx, src, mirror, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(ctx, translog.DirSource{Dir: mirror}, testOrigin, key.verifier, Options{}); err != nil {
		t.Errorf("the mirror after the source was altered: %v", err)
	}
	var inc *Inconsistency
	if _, err := Verify(ctx, src, testOrigin, key.verifier, Options{}); !errors.As(err, &inc) || inc.Object != "tile/0/001" {
		t.Errorf("the altered source: %v", err)
	}

	// The log rolled back: the mirror keeps its latest checkpoint.
	removeObject(t, served, "checkpoints/1000")
	writeObject(t, served, "checkpoint", readObject(t, served, "checkpoints/700"))
	if _, err = Mirror(ctx, src, mirror, nil); err == nil || !strings.Contains(err.Error(), "rolled back") {
		t.Errorf("mirroring a rolled-back log: %v", err)
	}
	if c, err := unverifiedCheckpoint(readObject(t, mirror, "checkpoint")); err != nil || c.Size != 1000 {
		t.Errorf("the mirror's checkpoint after a rollback: %+v, %v", c, err)
	}

	// An object the log lists but cannot serve stops the mirror, naming it.
	removeObject(t, served, "tile/entries/001.p/44")
	if _, err = Mirror(ctx, src, t.TempDir(), nil); err == nil || !strings.Contains(err.Error(), "tile/entries/001.p/44") {
		t.Errorf("mirroring with a bundle missing: %v", err)
	}
}
