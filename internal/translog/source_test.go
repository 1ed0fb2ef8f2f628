package translog

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/mod/sumdb/note"
)

func TestCheckpointList(t *testing.T) {
	sizes := []int64{0, 1, 7, 300, 70000}
	b := MarshalCheckpointList(sizes)
	if string(b) != "0\n1\n7\n300\n70000\n" {
		t.Fatalf("list = %q", b)
	}
	got, err := ParseCheckpointList(b)
	if err != nil || !slices.Equal(got, sizes) {
		t.Fatalf("parse = %v, %v", got, err)
	}
	if got, err := ParseCheckpointList(nil); err != nil || got != nil {
		t.Fatalf("empty list = %v, %v", got, err)
	}
	for _, bad := range []string{"1", "1\n1\n", "2\n1\n", "01\n", "-1\n", "1\n\n", "a\n", " 1\n", "99999999999999999999\n"} {
		if _, err := ParseCheckpointList([]byte(bad)); err == nil {
			t.Errorf("ParseCheckpointList(%q) accepted", bad)
		}
	}
}

func TestSourcePaths(t *testing.T) {
	for _, ok := range []string{"checkpoint", "checkpoints/0", "checkpoints/12", "tile/0/000", "tile/entries/x001/234.p/7", "tile/1/000.p/2"} {
		if !validSourcePath(ok) {
			t.Errorf("%q refused", ok)
		}
	}
	for _, bad := range []string{"", "checkpoints", "checkpoints/", "checkpoints/01", "checkpoints/../x", "../checkpoint", "tile/8/0/000", "tile/0/000/", "/checkpoint", "tile/0/../../etc/passwd"} {
		if validSourcePath(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestDirAndHTTPSources(t *testing.T) {
	dir := t.TempDir()
	write := func(p, s string) {
		f := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("checkpoint", "latest")
	write("checkpoints/3", "three")
	write("checkpoints/10", "ten")
	write("checkpoints/junk", "not a checkpoint")
	write("tile/0/000.p/3", "tile")
	ds := DirSource{Dir: dir}
	srv := httptest.NewServer(http.StripPrefix("/log/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "checkpoints" {
			sizes, _ := ds.Checkpoints(r.Context())
			_, _ = w.Write(MarshalCheckpointList(sizes))
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
	ctx := context.Background()
	for name, src := range map[string]Source{"dir": ds, "http": HTTPSource{Base: srv.URL + "/log"}} {
		sizes, err := src.Checkpoints(ctx)
		if err != nil || !slices.Equal(sizes, []int64{3, 10}) {
			t.Errorf("%s: checkpoints = %v, %v", name, sizes, err)
		}
		for p, want := range map[string]string{"checkpoint": "latest", CheckpointPath(10): "ten", "tile/0/000.p/3": "tile"} {
			if b, err := src.Fetch(ctx, p); err != nil || string(b) != want {
				t.Errorf("%s: Fetch(%s) = %q, %v", name, p, b, err)
			}
		}
		if _, err := src.Fetch(ctx, CheckpointPath(4)); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: missing checkpoint: %v, want ErrNotFound", name, err)
		}
		if _, err := src.Fetch(ctx, "../checkpoint"); err == nil || errors.Is(err, ErrNotFound) {
			t.Errorf("%s: a path outside the log was not refused: %v", name, err)
		}
	}
	empty := DirSource{Dir: t.TempDir()}
	if sizes, err := empty.Checkpoints(ctx); err != nil || len(sizes) != 0 {
		t.Errorf("empty dir: %v, %v", sizes, err)
	}
}

func TestEd25519Key(t *testing.T) {
	seed := make([]byte, 32)
	seed[0] = 7
	signer, vkey, err := Ed25519Key("portal.example/log", seed)
	if err != nil {
		t.Fatal(err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := SignCheckpoint(Checkpoint{Origin: "portal.example/log", Size: 1, Root: LeafHash([]byte("x"))}, signer)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := OpenCheckpoint(msg, "portal.example/log", v); err != nil {
		t.Fatal(err)
	}
	again, vkey2, _ := Ed25519Key("portal.example/log", seed)
	if vkey2 != vkey || again.KeyHash() != signer.KeyHash() {
		t.Fatal("the same seed gave another key")
	}
	if _, _, err := Ed25519Key("x", seed[:31]); err == nil {
		t.Fatal("a short seed was accepted")
	}
}
