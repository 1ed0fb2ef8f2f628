package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"minhbach/internal/translog"
)

// publishTestLog writes into dir a log of the given batch sizes as the
// sequencer publishes it (a smaller version of the builder in
// internal/logverify's tests), and returns its verifier key and its signed
// checkpoints by size.
func publishTestLog(t *testing.T, dir string, sizes []int64) (string, map[int64][]byte) {
	t.Helper()
	skey, vkey, err := note.GenerateKey(rand.Reader, "portal.example/log")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	write := func(p string, b []byte) {
		f := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var hashes translog.MemoryHashes
	var entries [][]byte
	signed := map[int64][]byte{}
	old := int64(0)
	for _, size := range sizes {
		for i := old; i < size; i++ {
			e, err := translog.Entry{Event: translog.EventFiled, Date: "2026-03-01",
				Commitment: translog.AdminCommitment([]byte(fmt.Sprint(i)))}.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			entries = append(entries, e)
			if hashes, err = hashes.Append(e); err != nil {
				t.Fatal(err)
			}
		}
		for _, tile := range translog.NewTiles(old, size) {
			data, err := translog.ReadTileData(tile, hashes)
			if err != nil {
				t.Fatal(err)
			}
			write(tile.Path(), data)
			if tile.Level == 0 {
				first := tile.N * translog.TileWidth
				b, err := translog.MarshalBundle(entries[first : first+int64(tile.W)])
				if err != nil {
					t.Fatal(err)
				}
				write(tile.EntryBundle().Path(), b)
			}
		}
		root, err := translog.TreeHash(size, hashes)
		if err != nil {
			t.Fatal(err)
		}
		cp, err := translog.SignCheckpoint(translog.Checkpoint{Origin: "portal.example/log", Size: size, Root: root}, signer)
		if err != nil {
			t.Fatal(err)
		}
		signed[size] = cp
		write(translog.CheckpointPath(size), cp)
		write(translog.PathCheckpoint, cp)
		old = size
	}
	return vkey, signed
}

func runPortal(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, env(nil), strings.NewReader(""), &out, &errb)
	return out.String(), err
}

func TestLogVerifyCommand(t *testing.T) {
	dir := t.TempDir()
	key, signed := publishTestLog(t, dir, []int64{3, 256, 400})
	out, err := runPortal(t, "log", "verify", "--dir", dir, "--key", key)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "log verified: 3 checkpoints, 400 entries, size 400, root ") || !strings.HasSuffix(out, "; filed 400\n") ||
		strings.Count(out, "\n") != 1 {
		t.Errorf("output %q", out)
	}
	witness := filepath.Join(t.TempDir(), "witness")
	if err := os.WriteFile(witness, signed[256], 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := runPortal(t, "log", "verify", "-dir", dir, "-key", key, "-origin", "portal.example/log", "-witness", witness); err != nil ||
		!strings.Contains(out, "extends the witnessed checkpoint of size 256") {
		t.Errorf("with a witness: %q, %v", out, err)
	}

	// A hash altered in a tile: the first inconsistency, and a failure.
	p := filepath.Join(dir, "tile", "0", "000")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	b[32*9] ^= 1
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err = runPortal(t, "log", "verify", "--dir", dir, "--key", key)
	var u usageError
	if err == nil || errors.As(err, &u) || out != "" ||
		err.Error() != "the log is inconsistent: tile/0/000: hash 9 of the tile differs from the tree rebuilt from the entry bundles" {
		t.Errorf("an altered tile: %q, %v", out, err)
	}

	for _, args := range [][]string{
		{"log"},
		{"log", "frobnicate"},
		{"log", "verify", "--dir", dir},
		{"log", "verify", "--dir", dir, "--url", "http://x", "--key", key},
		{"log", "verify", "--dir", dir, "--key", "not a key"},
		{"log", "verify", "--dir", dir, "--key", key, "extra"},
		{"log", "verify", "--nope"},
		{"log", "mirror", "--url", "http://x"},
	} {
		if _, err := runPortal(t, args...); !errors.As(err, &u) {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
}

// TestLogMirrorCommand mirrors a log served over HTTP, as the portal
// serves it under /log/, and verifies the mirror: 2 checkpoints, 4 hash
// tiles (0/000.p/1, 0/000, 0/001.p/44, 1/000.p/1) and their 3 bundles.
func TestLogMirrorCommand(t *testing.T) {
	served := t.TempDir()
	key, _ := publishTestLog(t, served, []int64{1, 300})
	ds := translog.DirSource{Dir: served}
	srv := httptest.NewServer(http.StripPrefix("/log/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "checkpoints" {
			sizes, _ := ds.Checkpoints(r.Context())
			_, _ = w.Write(translog.MarshalCheckpointList(sizes))
			return
		}
		b, err := ds.Fetch(r.Context(), r.URL.Path)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(b)
	})))
	defer srv.Close()
	mirror := filepath.Join(t.TempDir(), "mirror")
	out, err := runPortal(t, "log", "mirror", "--url", srv.URL+"/log", "--dir", mirror)
	if err != nil || out != fmt.Sprintf("log mirrored into %s: 9 objects fetched, 0 already present, latest checkpoint size 300\n", mirror) {
		t.Fatalf("mirror: %q, %v", out, err)
	}
	if out, err := runPortal(t, "log", "mirror", "--url", srv.URL+"/log", "--dir", mirror); err != nil || !strings.Contains(out, "0 objects fetched, 9 already present") {
		t.Errorf("mirror again: %q, %v", out, err)
	}
	if out, err := runPortal(t, "log", "verify", "--dir", mirror, "--key", key); err != nil || !strings.HasPrefix(out, "log verified: 2 checkpoints, 300 entries") {
		t.Errorf("verify the mirror: %q, %v", out, err)
	}
	if out, err := runPortal(t, "log", "verify", "--url", srv.URL+"/log", "--key", key); err != nil || !strings.HasPrefix(out, "log verified: 2 checkpoints, 300 entries") {
		t.Errorf("verify over HTTP: %q, %v", out, err)
	}
}
