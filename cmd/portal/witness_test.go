package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"minhbach/internal/translog"
	"minhbach/internal/witness"
)

// publishLog writes a log of n entries, signed with signer, into dir with
// the layout the portal serves under /log/ (internal/translog/source.go).
func publishLog(t *testing.T, dir string, signer note.Signer, n int) {
	t.Helper()
	write := func(p string, b []byte) {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var hashes translog.MemoryHashes
	var entries [][]byte
	for i := 0; i < n; i++ {
		e := []byte(fmt.Sprintf("entry %d", i))
		h, err := hashes.Append(e)
		if err != nil {
			t.Fatal(err)
		}
		hashes, entries = h, append(entries, e)
	}
	for _, tile := range translog.NewTiles(0, int64(n)) {
		data, err := translog.ReadTileData(tile, hashes)
		if err != nil {
			t.Fatal(err)
		}
		write(tile.Path(), data)
		if tile.Level == 0 {
			start := tile.N * translog.TileWidth
			b, _ := translog.MarshalBundle(entries[start : start+int64(tile.W)])
			write(tile.EntryBundle().Path(), b)
		}
	}
	root, err := translog.TreeHash(int64(n), hashes)
	if err != nil {
		t.Fatal(err)
	}
	cp, err := translog.SignCheckpoint(translog.Checkpoint{Origin: signer.Name(), Size: int64(n), Root: root}, signer)
	if err != nil {
		t.Fatal(err)
	}
	write(translog.CheckpointPath(int64(n)), cp)
	write(translog.PathCheckpoint, cp)
}

// TestWitnessCommand runs `portal witness init` and `portal witness run
// --once` in-process against a log served over HTTP as the portal serves
// it, and a stand-in for the portal's cosignature route.
func TestWitnessCommand(t *testing.T) {
	const origin = "portal.example/log"
	skey, vkey, err := note.GenerateKey(rand.Reader, origin)
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := note.NewSigner(skey)
	logDir := t.TempDir()
	publishLog(t, logDir, signer, 300)
	logSrv := httptest.NewServer(http.StripPrefix("/log/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		src := translog.DirSource{Dir: logDir}
		if r.URL.Path == "checkpoints" {
			sizes, _ := src.Checkpoints(r.Context())
			w.Write(translog.MarshalCheckpointList(sizes))
			return
		}
		b, err := src.Fetch(r.Context(), r.URL.Path)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Write(b)
	})))
	defer logSrv.Close()
	var mu sync.Mutex
	var posts []witness.PostBody
	portalSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b witness.PostBody
		if r.Method != http.MethodPost || r.URL.Path != "/api/v1/log/cosignatures" || json.NewDecoder(r.Body).Decode(&b) != nil {
			http.Error(w, "no", http.StatusBadRequest)
			return
		}
		mu.Lock()
		posts = append(posts, b)
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer portalSrv.Close()

	runCmd := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		err := run(context.Background(), args, env(nil), strings.NewReader(""), &out, &errOut)
		return out.String() + errOut.String(), err
	}
	dir := filepath.Join(t.TempDir(), "witness")
	out, err := runCmd("witness", "init", "--dir", dir, "--name", "front.example/hanoi")
	if err != nil {
		t.Fatalf("init: %v\n%s", err, out)
	}
	var cosigKey string
	for _, line := range strings.Split(out, "\n") {
		if k, ok := strings.CutPrefix(line, "cosignature key: "); ok {
			cosigKey = k
		}
	}
	cosigV, err := translog.NewCosignatureVerifier(cosigKey)
	if err != nil {
		t.Fatalf("init printed no cosignature key (%v):\n%s", err, out)
	}
	if fi, err := os.Stat(filepath.Join(dir, witness.KeyFile)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v", err)
	}
	if out, err := runCmd("witness", "init", "--dir", dir, "--name", "front.example/hanoi"); err == nil {
		t.Fatalf("a second init replaced the key:\n%s", out)
	}

	args := []string{"witness", "run", "--dir", dir, "--log-url", logSrv.URL + "/log", "--log-key", vkey,
		"--portal-url", portalSrv.URL, "--once"}
	out, err = runCmd(args...)
	if err != nil || !strings.Contains(out, "cosigned size 300") || !strings.Contains(out, "posted to the portal") {
		t.Fatalf("run: %v\n%s", err, out)
	}
	mu.Lock()
	if len(posts) != 1 || posts[0].Witness != "front.example/hanoi" {
		t.Fatalf("posts %+v", posts)
	}
	logV, _ := note.NewVerifier(vkey)
	if n, err := note.Open([]byte(posts[0].Cosignature), note.VerifierList(logV, cosigV)); err != nil || len(n.Sigs) != 2 {
		t.Fatalf("posted cosignature: %v", err)
	}
	mu.Unlock()

	// The log is replaced by another history of the same size: refused,
	// and --once exits non-zero.
	other := t.TempDir()
	publishLog(t, other, signer, 150)
	b, _ := os.ReadFile(filepath.Join(other, "checkpoint"))
	os.WriteFile(filepath.Join(logDir, "checkpoint"), b, 0o644)
	out, err = runCmd(args...)
	if err == nil || !strings.Contains(out, "REFUSED (rollback)") {
		t.Fatalf("run: %v\n%s", err, out)
	}

	// From a mirror directory, with no portal: still refusing.
	out, err = runCmd("witness", "run", "--dir", dir, "--log-dir", logDir, "--log-key", vkey, "--once")
	if err == nil || !strings.Contains(out, "REFUSING since an earlier refusal") {
		t.Fatalf("run: %v\n%s", err, out)
	}

	for _, bad := range [][]string{
		{"witness"},
		{"witness", "init", "--dir", dir},
		{"witness", "run", "--dir", dir, "--log-key", vkey, "--once"},
		{"witness", "run", "--dir", dir, "--log-url", "ftp://x/log", "--log-key", vkey},
		{"witness", "run", "--dir", dir, "--log-url", logSrv.URL, "--log-key", "nonsense"},
		{"witness", "run", "--dir", dir, "--log-url", logSrv.URL, "--log-key", vkey, "--interval", "1s"},
	} {
		var u usageError
		if _, err := runCmd(bad...); !errors.As(err, &u) {
			t.Errorf("%q: %v, want a usage error", bad, err)
		}
	}
}
