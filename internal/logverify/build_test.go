package logverify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"minhbach/internal/translog"
	"minhbach/internal/translog/logtest"
)

// testOrigin is the origin of the logs the tests build.
const testOrigin = "portal.example/log"

// testKey is a log key pair.
type testKey struct {
	signer   note.Signer
	verifier note.Verifier
}

func newKey(t testing.TB, name string) testKey {
	t.Helper()
	s, v := logtest.KeyPair(t, name)
	return testKey{s, v}
}

// testEntry is entry i of a test log: the events in turn, report events
// with a report commitment and admin events with an admin commitment.
func testEntry(i int64) []byte {
	events := translog.Events()
	ev := events[i%int64(len(events))]
	var c translog.Hash
	if ev.Admin() {
		c = translog.AdminCommitment([]byte(fmt.Sprintf("admin event %d", i)))
	} else {
		content := sha256.Sum256([]byte(fmt.Sprintf("report %d", i/3)))
		var err error
		if c, err = translog.ReportCommitment(fmt.Sprintf("MB-%04d-TEST", i/3), hex.EncodeToString(content[:])); err != nil {
			panic(err)
		}
	}
	day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(i/50))
	b, err := translog.Entry{Event: ev, Date: translog.Day(day, time.UTC), Commitment: c}.Marshal()
	if err != nil {
		panic(err)
	}
	return b
}

// testLog is a log built by buildLog, as a sequencer would publish it.
type testLog struct {
	dir         string
	key         testKey
	sizes       []int64
	checkpoints map[int64][]byte // the signed checkpoint of each size
	hashes      translog.MemoryHashes
}

func writeObject(t testing.TB, dir, p string, b []byte) {
	t.Helper()
	f := filepath.Join(dir, filepath.FromSlash(p))
	if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(f, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readObject(t testing.TB, dir, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func removeObject(t testing.TB, dir, p string) {
	t.Helper()
	if err := os.Remove(filepath.Join(dir, filepath.FromSlash(p))); err != nil {
		t.Fatal(err)
	}
}

// buildLog publishes into dir a log grown in batches to each of sizes, the
// layout the sequencer writes (docs/transparency-log.md, "Where the log
// lives"): for each batch, the hash tiles and entry bundles translog.NewTiles
// names (full ones once, the partial ones of every size), then
// checkpoints/<size> and checkpoint. entry gives each entry's bytes.
func buildLog(t testing.TB, dir string, key testKey, sizes []int64, entry func(int64) []byte) *testLog {
	t.Helper()
	l := &testLog{dir: dir, key: key, sizes: sizes, checkpoints: map[int64][]byte{}}
	var entries [][]byte
	old := int64(0)
	for _, size := range sizes {
		for i := old; i < size; i++ {
			e := entry(i)
			entries = append(entries, e)
			var err error
			if l.hashes, err = l.hashes.Append(e); err != nil {
				t.Fatal(err)
			}
		}
		for _, tile := range translog.NewTiles(old, size) {
			data, err := translog.ReadTileData(tile, l.hashes)
			if err != nil {
				t.Fatal(err)
			}
			writeObject(t, dir, tile.Path(), data)
			if tile.Level == 0 {
				first := tile.N * translog.TileWidth
				bundle, err := translog.MarshalBundle(entries[first : first+int64(tile.W)])
				if err != nil {
					t.Fatal(err)
				}
				writeObject(t, dir, tile.EntryBundle().Path(), bundle)
			}
		}
		root, err := translog.TreeHash(size, l.hashes)
		if err != nil {
			t.Fatal(err)
		}
		signed, err := translog.SignCheckpoint(translog.Checkpoint{Origin: testOrigin, Size: size, Root: root}, key.signer)
		if err != nil {
			t.Fatal(err)
		}
		l.checkpoints[size] = signed
		writeObject(t, dir, translog.CheckpointPath(size), signed)
		writeObject(t, dir, translog.PathCheckpoint, signed)
		old = size
	}
	return l
}

// cosign adds a witness's signature to a signed checkpoint, as the latest
// checkpoint carries its cosignatures (here a plain note signature: what
// matters is that Verify keeps and ignores signatures it cannot verify).
func cosign(t testing.TB, signed []byte, log, witness testKey) []byte {
	t.Helper()
	n, err := note.Open(signed, note.VerifierList(log.verifier))
	if err != nil {
		t.Fatal(err)
	}
	out, err := note.Sign(&note.Note{Text: n.Text}, log.signer, witness.signer)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// serveLog serves a directory as the portal serves its log under /log/,
// with the list of checkpoint sizes at /log/checkpoints, and returns the
// log's base address.
func serveLog(t testing.TB, dir string) string {
	t.Helper()
	ds := translog.DirSource{Dir: dir}
	srv := httptest.NewServer(http.StripPrefix("/log/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "checkpoints" {
			sizes, err := ds.Checkpoints(r.Context())
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
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
	t.Cleanup(srv.Close)
	return srv.URL + "/log"
}

// extraListed is a source whose list of checkpoints names sizes it does
// not hold, as a listing can (an object removed between list and read, or
// a portal listing what it lost).
type extraListed struct {
	translog.Source
	extra []int64
}

func (s extraListed) Checkpoints(ctx context.Context) ([]int64, error) {
	sizes, err := s.Source.Checkpoints(ctx)
	if err != nil {
		return nil, err
	}
	out := append(append([]int64{}, s.extra...), sizes...)
	slices.Sort(out) // ascending, as sources return their lists
	return out, nil
}

// alterEntry changes the last hex digit of the commitment of the entry at
// position i in the bundle at p, keeping the entry well-formed.
func alterEntry(t testing.TB, dir, p string, width, i int) {
	t.Helper()
	b := readObject(t, dir, p)
	entries, err := translog.ParseBundle(b, width)
	if err != nil {
		t.Fatal(err)
	}
	e := entries[i] // shares b's memory
	if e[len(e)-1] == '0' {
		e[len(e)-1] = '1'
	} else {
		e[len(e)-1] = '0'
	}
	writeObject(t, dir, p, b)
}

func mustContain(t testing.TB, err error, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("error %v lacks %q", err, p)
		}
	}
}
