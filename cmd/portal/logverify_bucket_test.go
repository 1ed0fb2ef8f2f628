//go:build !nodevstack

package main

// The bucket mode of `portal log verify` and `portal log mirror` needs the
// embedded servers, so this test is built only with them.

import (
	"bytes"
	"context"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLogVerifyCommandOnTheBucket publishes a log in the portal's own
// bucket (the embedded default's, in a fresh data directory), under log/
// as the sequencer writes it, and verifies and mirrors it from there.
func TestLogVerifyCommandOnTheBucket(t *testing.T) {
	// The embedded object store changes the working directory
	// (internal/devstack); t.Chdir puts it back when the test ends, for the
	// tests that read files relative to it.
	t.Chdir(".")
	dir := t.TempDir()
	key, _ := publishTestLog(t, dir, []int64{5, 260})
	getenv := env(map[string]string{"PORTAL_DATA_DIR": filepath.Join(t.TempDir(), "data")})
	ctx := context.Background()
	var errb bytes.Buffer
	if err := withApp(ctx, getenv, &errb, func(a *app, _ *slog.Logger) error {
		return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(dir, p)
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			_, err = a.blobs.Put(ctx, "log/"+filepath.ToSlash(rel), bytes.NewReader(b), int64(len(b)), "application/octet-stream", "")
			return err
		})
	}); err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"log", "verify", "--key", key}, getenv, strings.NewReader(""), &out, &errb); err != nil ||
		!strings.HasPrefix(out.String(), "log verified: 2 checkpoints, 260 entries, size 260") {
		t.Fatalf("verify the bucket: %q, %v\n%s", out.String(), err, errb.String())
	}
	out.Reset()
	mirror := t.TempDir()
	if err := run(ctx, []string{"log", "mirror", "--dir", mirror}, getenv, strings.NewReader(""), &out, &errb); err != nil {
		t.Fatalf("mirror the bucket: %v\n%s", err, errb.String())
	}
	if out, err := runPortal(t, "log", "verify", "--dir", mirror, "--key", key); err != nil || !strings.HasPrefix(out, "log verified: 2 checkpoints, 260 entries") {
		t.Errorf("verify the bucket's mirror: %q, %v", out, err)
	}
}
