package logverify

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"slices"
	"testing"

	"minhbach/internal/testenv"
	"minhbach/internal/translog"
	"minhbach/services"
)

// TestMain stops the embedded servers TestBlobSource starts (the other
// tests need none, and start none).
func TestMain(m *testing.M) { testenv.Main(m) }

// listOnly hides the store's Walk, to test the capped List path.
type listOnly struct{ services.BlobStore }

func TestBlobSource(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	key := newKey(t, testOrigin)
	dir := t.TempDir()
	l := buildLog(t, dir, key, testSizes, testEntry)
	// Publish the log in the bucket as the sequencer does, under log/,
	// beside an evidence object the source must never read.
	if err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b := readObject(t, dir, filepath.ToSlash(rel))
		_, err = env.Blob.Put(ctx, BlobPrefix+filepath.ToSlash(rel), bytes.NewReader(b), int64(len(b)), "application/octet-stream", "")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Blob.Put(ctx, "sealed/evidence", bytes.NewReader([]byte("x")), 1, "", ""); err != nil {
		t.Fatal(err)
	}
	for name, src := range map[string]BlobSource{"walk": {Blobs: env.Blob}, "list": {Blobs: listOnly{env.Blob}, Prefix: "log/"}} {
		sizes, err := src.Checkpoints(ctx)
		if err != nil || !slices.Equal(sizes, testSizes) {
			t.Errorf("%s: checkpoints %v, %v", name, sizes, err)
		}
		rep, err := Verify(ctx, src, testOrigin, key.verifier, Options{Witness: l.checkpoints[300]})
		if err != nil || rep.Size != 700 || rep.Witnessed != 300 {
			t.Errorf("%s: verify %+v, %v", name, rep, err)
		}
		if _, err := src.Fetch(ctx, "tile/0/009"); !errors.Is(err, translog.ErrNotFound) {
			t.Errorf("%s: a missing tile: %v", name, err)
		}
		for _, bad := range []string{"../sealed/evidence", "checkpoints/007", "tile/8/0/000", ""} {
			if _, err := src.Fetch(ctx, bad); err == nil || errors.Is(err, translog.ErrNotFound) {
				t.Errorf("%s: %q was not refused: %v", name, bad, err)
			}
		}
	}
	// A mirror of the bucket verifies too.
	mirror := t.TempDir()
	if _, err := Mirror(ctx, BlobSource{Blobs: env.Blob}, mirror, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(ctx, translog.DirSource{Dir: mirror}, testOrigin, key.verifier, Options{}); err != nil {
		t.Fatal(err)
	}
}
