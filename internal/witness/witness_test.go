package witness

import (
	"context"
	"encoding/base64"
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
	"time"

	"golang.org/x/mod/sumdb/note"

	"minhbach/internal/translog"
	"minhbach/internal/translog/logtest"
)

const origin = "portal.example/log"

// testLog is a log published into a directory with the portal's layout
// (internal/translog/source.go): checkpoint, checkpoints/<size>, hash tiles
// and entry bundles, built with internal/translog as the sequencer will.
type testLog struct {
	t       *testing.T
	dir     string
	signer  note.Signer
	entries [][]byte
	hashes  translog.MemoryHashes
}

func newKeyPair(t *testing.T, name string) (note.Signer, note.Verifier) {
	t.Helper()
	return logtest.KeyPair(t, name)
}

func newTestLog(t *testing.T, signer note.Signer) *testLog {
	return &testLog{t: t, dir: t.TempDir(), signer: signer}
}

func (l *testLog) write(path string, b []byte) {
	l.t.Helper()
	p := filepath.Join(l.dir, filepath.FromSlash(path))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		l.t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		l.t.Fatal(err)
	}
}

func (l *testLog) remove(path string) {
	l.t.Helper()
	if err := os.RemoveAll(filepath.Join(l.dir, filepath.FromSlash(path))); err != nil {
		l.t.Fatal(err)
	}
}

func (l *testLog) read(path string) []byte {
	l.t.Helper()
	b, err := os.ReadFile(filepath.Join(l.dir, filepath.FromSlash(path)))
	if err != nil {
		l.t.Fatal(err)
	}
	return b
}

// grow appends n entries named tag-<index>, publishes the new tiles and
// bundles, and signs and publishes a checkpoint of the new size.
func (l *testLog) grow(n int, tag string) {
	l.t.Helper()
	old := int64(len(l.entries))
	for i := 0; i < n; i++ {
		e := []byte(fmt.Sprintf("%s-%d", tag, len(l.entries)))
		h, err := l.hashes.Append(e)
		if err != nil {
			l.t.Fatal(err)
		}
		l.hashes, l.entries = h, append(l.entries, e)
	}
	size := int64(len(l.entries))
	for _, tile := range translog.NewTiles(old, size) {
		data, err := translog.ReadTileData(tile, l.hashes)
		if err != nil {
			l.t.Fatal(err)
		}
		l.write(tile.Path(), data)
		if tile.Level == 0 {
			start := tile.N * translog.TileWidth
			b, err := translog.MarshalBundle(l.entries[start : start+int64(tile.W)])
			if err != nil {
				l.t.Fatal(err)
			}
			l.write(tile.EntryBundle().Path(), b)
		}
	}
	l.sign(size)
}

// sign publishes a signed checkpoint of the log's first size entries.
func (l *testLog) sign(size int64) []byte {
	l.t.Helper()
	root, err := translog.TreeHash(size, l.hashes)
	if err != nil {
		l.t.Fatal(err)
	}
	cp, err := translog.SignCheckpoint(translog.Checkpoint{Origin: origin, Size: size, Root: root}, l.signer)
	if err != nil {
		l.t.Fatal(err)
	}
	l.write(translog.CheckpointPath(size), cp)
	l.write(translog.PathCheckpoint, cp)
	return cp
}

// portal records the bodies posted to its cosignature route.
type portal struct {
	mu    sync.Mutex
	posts []PostBody
	down  bool
}

func (p *portal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down {
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	if r.Method != http.MethodPost || r.URL.Path != "/api/v1/log/cosignatures" || r.Header.Get("Content-Type") != "application/json" {
		http.Error(w, "no", http.StatusNotFound)
		return
	}
	var b PostBody
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	p.posts = append(p.posts, b)
	w.WriteHeader(http.StatusNoContent)
}

func (p *portal) last(t *testing.T) PostBody {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.posts) == 0 {
		t.Fatal("nothing posted")
	}
	return p.posts[len(p.posts)-1]
}

// logServer serves a log directory as the portal serves /log/: its
// objects, 404 for a missing one, and the list of checkpoint sizes.
func logServer(dir string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := strings.CutPrefix(r.URL.Path, "/log/")
		if !ok {
			http.NotFound(w, r)
			return
		}
		if p == "checkpoints" {
			sizes, err := translog.DirSource{Dir: dir}.Checkpoints(r.Context())
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			w.Write(translog.MarshalCheckpointList(sizes))
			return
		}
		b, err := translog.DirSource{Dir: dir}.Fetch(r.Context(), p)
		if errors.Is(err, translog.ErrNotFound) {
			http.NotFound(w, r)
			return
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Write(b)
	})
}

type fixture struct {
	log     *testLog
	w       *Witness
	portal  *portal
	logV    note.Verifier
	cosigV  note.Verifier
	refuseV note.Verifier
	now     time.Time
}

// newFixture makes a log, a witness reading it (over HTTP when overHTTP,
// else from its directory) and a portal recording posts.
func newFixture(t *testing.T, overHTTP bool) *fixture {
	t.Helper()
	logS, logV := newKeyPair(t, origin)
	f := &fixture{log: newTestLog(t, logS), portal: &portal{}, logV: logV, now: time.Unix(1764979200, 0)}
	dir := t.TempDir()
	vkey, rvkey, err := Init(dir, "front.example/hanoi")
	if err != nil {
		t.Fatal(err)
	}
	key, err := LoadKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	if f.cosigV, err = translog.NewCosignatureVerifier(vkey); err != nil {
		t.Fatal(err)
	}
	if f.refuseV, err = note.NewVerifier(rvkey); err != nil {
		t.Fatal(err)
	}
	ps := httptest.NewServer(f.portal)
	t.Cleanup(ps.Close)
	post, err := HTTPPoster(ps.URL, ps.Client())
	if err != nil {
		t.Fatal(err)
	}
	var src translog.Source = translog.DirSource{Dir: f.log.dir}
	if overHTTP {
		ls := httptest.NewServer(logServer(f.log.dir))
		t.Cleanup(ls.Close)
		src = translog.HTTPSource{Base: ls.URL + "/log", Client: ls.Client()}
	}
	f.w = &Witness{Dir: dir, Key: key, LogOrigin: origin, LogVerifier: logV, Source: src, Post: post,
		Now: func() time.Time { return f.now }}
	return f
}

func (f *fixture) run(t *testing.T) Result {
	t.Helper()
	f.now = f.now.Add(time.Minute)
	res, err := f.w.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// cosigned checks that the run cosigned size and posted a cosignature that
// holds exactly the log's signature and a valid cosignature of the witness
// at the run's time.
func (f *fixture) cosigned(t *testing.T, res Result, size int64) {
	t.Helper()
	if res.Outcome != Cosigned || res.Got == nil || res.Got.Size != size {
		t.Fatalf("result %+v, want size %d cosigned (refusal %+v)", res, size, res.Refusal)
	}
	if !res.Posted || res.PostErr != nil {
		t.Fatalf("not posted: %v", res.PostErr)
	}
	p := f.portal.last(t)
	if p.Witness != "front.example/hanoi" || p.Refusal != "" || p.Cosignature != string(res.Note) {
		t.Fatalf("posted %+v", p)
	}
	n, err := note.Open([]byte(p.Cosignature), note.VerifierList(f.logV, f.cosigV))
	if err != nil {
		t.Fatal(err)
	}
	if len(n.Sigs) != 2 || len(n.UnverifiedSigs) != 0 || strings.Count(p.Cosignature, "\n— ") != 2 {
		t.Fatalf("the cosigned note has other signatures:\n%s", p.Cosignature)
	}
	if ts, err := translog.CosignatureTime(n.Sigs[1]); err != nil || !ts.Equal(f.now) {
		t.Fatalf("cosignature time %v (%v), want %v", ts, err, f.now)
	}
	kept, err := os.ReadFile(filepath.Join(f.w.Dir, CosignedDir, fmt.Sprint(size)))
	if err != nil || string(kept) != p.Cosignature {
		t.Fatalf("cosigned/%d: %v", size, err)
	}
	latest, _ := os.ReadFile(filepath.Join(f.w.Dir, LatestFile))
	if string(latest) != p.Cosignature {
		t.Fatal("latest is not the cosigned checkpoint")
	}
}

// refused checks that the run refused for reason and posted the signed
// refusal, kept in refusals/ and in REFUSED.
func (f *fixture) refused(t *testing.T, res Result, reason translog.RefusalReason) translog.Refusal {
	t.Helper()
	if res.Outcome != Refused || res.Refusal == nil || res.Refusal.Reason != reason {
		t.Fatalf("result %+v (refusal %+v), want a refusal for %s", res, res.Refusal, reason)
	}
	p := f.portal.last(t)
	if p.Witness != "front.example/hanoi" || p.Cosignature != "" || p.Refusal != string(res.Note) {
		t.Fatalf("posted %+v", p)
	}
	r, err := translog.OpenRefusal([]byte(p.Refusal), f.refuseV)
	if err != nil {
		t.Fatal(err)
	}
	if r.Reason != reason || r.Origin != origin || r.Time > f.now.Unix() {
		t.Fatalf("refusal %+v", r)
	}
	sticky, err := os.ReadFile(filepath.Join(f.w.Dir, RefusedFile))
	if err != nil || string(sticky) != p.Refusal {
		t.Fatalf("%s: %v", RefusedFile, err)
	}
	if !res.Sticky {
		kept, err := os.ReadFile(filepath.Join(f.w.Dir, RefusalsDir, fmt.Sprintf("%d-%s", r.Time, reason)))
		if err != nil || string(kept) != p.Refusal {
			t.Fatalf("refusals/: %v", err)
		}
	}
	return r
}

func TestCosignsAGrowingLog(t *testing.T) {
	for _, overHTTP := range []bool{false, true} {
		t.Run(fmt.Sprintf("http=%v", overHTTP), func(t *testing.T) {
			f := newFixture(t, overHTTP)
			f.log.grow(10, "a")
			res := f.run(t)
			f.cosigned(t, res, 10)
			if res.Seen != nil {
				t.Fatalf("first run saw %+v", res.Seen)
			}
			// Growth past a full tile, with another witness's cosignature
			// appended to the checkpoint by the portal: cosigned, with the
			// log's signature only beside the witness's.
			f.log.grow(300, "a")
			other, _, _ := translog.GenerateWitnessKey("other.example/w")
			otherKey, _ := translog.NewCosigner(other)
			cp := f.log.read(translog.PathCheckpoint)
			c, n, err := translog.OpenCheckpoint(cp, origin, f.logV)
			if err != nil {
				t.Fatal(err)
			}
			withOther, err := note.Sign(n, otherKey)
			if err != nil {
				t.Fatal(err)
			}
			f.log.write(translog.PathCheckpoint, withOther)
			res = f.run(t)
			f.cosigned(t, res, 310)
			if res.Seen == nil || res.Seen.Size != 10 || res.Got.Root != c.Root {
				t.Fatalf("result %+v", res)
			}
			// Nothing new: cosigned again with a fresh time.
			res = f.run(t)
			f.cosigned(t, res, 310)
			if !res.Unchanged {
				t.Fatal("an unchanged log not reported as such")
			}
			// The empty log and a checkpoint of size 0 work too.
			f.log.grow(1, "a")
			f.cosigned(t, f.run(t), 311)
		})
	}
}

func TestFirstCheckpointOfAnEmptyLog(t *testing.T) {
	f := newFixture(t, false)
	f.log.sign(0)
	f.cosigned(t, f.run(t), 0)
	f.log.grow(3, "a")
	f.cosigned(t, f.run(t), 3)
}

func TestRefusals(t *testing.T) {
	type tc struct {
		name   string
		reason translog.RefusalReason
		// tamper changes the log after the witness cosigned size 10 and
		// the log grew to 20.
		tamper func(t *testing.T, f *fixture)
	}
	other := func(t *testing.T, f *fixture, size int, tag string) *testLog {
		l := newTestLog(t, f.log.signer)
		l.grow(size, tag)
		return l
	}
	cases := []tc{
		{"rewritten", translog.ReasonInconsistent, func(t *testing.T, f *fixture) {
			// The same origin and key, entries 0-9 different, regrown to 20,
			// every checkpoint re-signed: replaces the whole published log.
			l := other(t, f, 20, "b")
			f.log.remove(".")
			if err := os.Rename(l.dir, f.log.dir); err != nil {
				t.Fatal(err)
			}
		}},
		{"truncated", translog.ReasonRollback, func(t *testing.T, f *fixture) {
			// The witness cosigns 20, then the log is restored from a
			// backup of size 10.
			f.cosigned(t, f.run(t), 20)
			f.log.write(translog.PathCheckpoint, f.log.read(translog.CheckpointPath(10)))
			f.log.remove(translog.CheckpointPath(20))
		}},
		{"forked", translog.ReasonFork, func(t *testing.T, f *fixture) {
			// Another tree of the cosigned size 10.
			l := other(t, f, 10, "b")
			f.log.write(translog.PathCheckpoint, l.read(translog.PathCheckpoint))
		}},
		{"old checkpoint deleted", translog.ReasonUnavailable, func(t *testing.T, f *fixture) {
			f.log.remove(translog.CheckpointPath(10))
		}},
		{"all old checkpoints deleted", translog.ReasonUnavailable, func(t *testing.T, f *fixture) {
			f.log.remove("checkpoints")
		}},
		{"old checkpoint replaced", translog.ReasonFork, func(t *testing.T, f *fixture) {
			l := other(t, f, 10, "b")
			f.log.write(translog.CheckpointPath(10), l.read(translog.CheckpointPath(10)))
		}},
		{"new checkpoint not kept", translog.ReasonUnavailable, func(t *testing.T, f *fixture) {
			f.log.remove(translog.CheckpointPath(20))
		}},
		{"tile deleted", translog.ReasonUnavailable, func(t *testing.T, f *fixture) {
			f.log.remove("tile/0/000.p/20")
		}},
		{"tile and its full tile deleted", translog.ReasonUnavailable, func(t *testing.T, f *fixture) {
			f.log.grow(300, "a") // now tile/0/000 is full too
			f.log.remove("tile/0/000.p/20")
			f.log.remove("tile/0/000")
		}},
		{"tile altered", translog.ReasonInconsistent, func(t *testing.T, f *fixture) {
			b := f.log.read("tile/0/000.p/20")
			b[5] ^= 1
			f.log.write("tile/0/000.p/20", b)
		}},
		{"another key", translog.ReasonBadSignature, func(t *testing.T, f *fixture) {
			s, _ := newKeyPair(t, origin)
			l := newTestLog(t, s)
			l.grow(20, "a")
			f.log.write(translog.PathCheckpoint, l.read(translog.PathCheckpoint))
		}},
		{"another origin", translog.ReasonBadSignature, func(t *testing.T, f *fixture) {
			s, _ := newKeyPair(t, "elsewhere.example/log")
			root, _ := translog.TreeHash(20, f.log.hashes)
			// SignCheckpoint insists on the key's name being the origin.
			cp, err := note.Sign(&note.Note{Text: "elsewhere.example/log\n20\n" + b64(root) + "\n"}, s)
			if err != nil {
				t.Fatal(err)
			}
			f.log.write(translog.PathCheckpoint, cp)
		}},
		{"garbage", translog.ReasonBadSignature, func(t *testing.T, f *fixture) {
			f.log.write(translog.PathCheckpoint, []byte("not a note"))
		}},
		{"latest checkpoint deleted", translog.ReasonUnavailable, func(t *testing.T, f *fixture) {
			f.log.remove(translog.PathCheckpoint)
		}},
	}
	for _, c := range cases {
		for _, overHTTP := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/http=%v", c.name, overHTTP), func(t *testing.T) {
				f := newFixture(t, overHTTP)
				f.log.grow(10, "a")
				f.cosigned(t, f.run(t), 10)
				f.log.grow(10, "a")
				c.tamper(t, f)
				res := f.run(t)
				r := f.refused(t, res, c.reason)
				if r.Seen == nil || r.Seen.Size != 10 && (c.reason != translog.ReasonRollback || r.Seen.Size != 20) {
					t.Errorf("seen %+v", r.Seen)
				}
				t.Logf("%s: %s", r.Reason, r.Detail)
			})
		}
	}
}

func b64(h translog.Hash) string { return base64.StdEncoding.EncodeToString(h[:]) }

// TestPartialTileFromFullTile: a log may drop a partial tile once its full
// tile exists; a witness reading a checkpoint of the smaller size (the log
// grew between its reads) takes the partial tile's hashes from the full one.
func TestPartialTileFromFullTile(t *testing.T) {
	f := newFixture(t, true)
	f.log.grow(10, "a")
	f.cosigned(t, f.run(t), 10)
	f.log.grow(20, "a")
	stale := f.log.read(translog.PathCheckpoint)
	f.log.grow(300, "a")
	f.log.remove("tile/0/000.p/10")
	f.log.remove("tile/0/000.p/30")
	f.log.write(translog.PathCheckpoint, stale)
	f.cosigned(t, f.run(t), 30)
	f.log.write(translog.PathCheckpoint, f.log.read(translog.CheckpointPath(330)))
	f.cosigned(t, f.run(t), 330)
}

func TestRefusalIsSticky(t *testing.T) {
	f := newFixture(t, true)
	f.log.grow(10, "a")
	f.cosigned(t, f.run(t), 10)
	good := f.log.read(translog.PathCheckpoint)
	// A fork, refused.
	l := newTestLog(t, f.log.signer)
	l.grow(10, "b")
	f.log.write(translog.PathCheckpoint, l.read(translog.PathCheckpoint))
	first := f.refused(t, f.run(t), translog.ReasonFork)
	// The log goes back to its good history and grows: still refused,
	// the same refusal posted again, nothing cosigned.
	f.log.write(translog.PathCheckpoint, good)
	f.log.grow(5, "a")
	for i := 0; i < 2; i++ {
		res := f.run(t)
		if !res.Sticky {
			t.Fatal("not sticky")
		}
		again := f.refused(t, res, translog.ReasonFork)
		if again != first && (again.Time != first.Time || again.Detail != first.Detail) {
			t.Fatalf("another refusal posted: %+v", again)
		}
	}
	if _, err := os.Stat(filepath.Join(f.w.Dir, CosignedDir, "15")); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("cosigned while refusing")
	}
	// A REFUSED file the witness did not sign stops it with an error, not
	// with a cosignature.
	refusedPath := filepath.Join(f.w.Dir, RefusedFile)
	kept, _ := os.ReadFile(refusedPath)
	if err := os.WriteFile(refusedPath, []byte("edited\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if res, err := f.w.RunOnce(context.Background()); err == nil {
		t.Fatalf("ran with an edited %s: %+v", RefusedFile, res)
	}
	os.WriteFile(refusedPath, kept, 0o600)
	// A person deletes REFUSED: the witness checks from its last cosigned
	// checkpoint again.
	if err := os.Remove(filepath.Join(f.w.Dir, RefusedFile)); err != nil {
		t.Fatal(err)
	}
	f.cosigned(t, f.run(t), 15)
}

func TestPortalUnreachable(t *testing.T) {
	f := newFixture(t, false)
	f.log.grow(10, "a")
	f.portal.down = true
	res := f.run(t)
	if res.Outcome != Cosigned || res.Posted || res.PostErr == nil {
		t.Fatalf("result %+v", res)
	}
	if _, err := os.Stat(filepath.Join(f.w.Dir, CosignedDir, "10")); err != nil {
		t.Fatal("not kept while the portal was down")
	}
	// The next run posts again.
	f.portal.down = false
	f.cosigned(t, f.run(t), 10)
	// No portal at all.
	f.w.Post = nil
	if res := f.run(t); res.Outcome != Cosigned || res.Posted || res.PostErr != nil {
		t.Fatalf("result %+v", res)
	}
}

// flaky is a Source that fails every other fetch, with an error that is
// not ErrNotFound, like a network that drops connections.
type flaky struct {
	translog.Source
	mu sync.Mutex
	n  int
}

func (s *flaky) Fetch(ctx context.Context, p string) ([]byte, error) {
	s.mu.Lock()
	s.n++
	fail := s.n%2 == 1
	s.mu.Unlock()
	if fail {
		return nil, errors.New("connection reset")
	}
	return s.Source.Fetch(ctx, p)
}

func TestUnreachableLogIsNotARefusal(t *testing.T) {
	f := newFixture(t, false)
	f.log.grow(10, "a")
	// Retries ride over a flaky network.
	f.w.Source = &flaky{Source: f.w.Source}
	f.cosigned(t, f.run(t), 10)
	// A log that cannot be reached at all is an error, not a refusal:
	// nothing is signed, nothing kept, the next run tries again.
	ls := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "busy", http.StatusServiceUnavailable)
	}))
	defer ls.Close()
	f.w.Source = translog.HTTPSource{Base: ls.URL + "/log", Client: ls.Client()}
	f.log.grow(10, "a")
	if res, err := f.w.RunOnce(context.Background()); err == nil {
		t.Fatalf("no error: %+v", res)
	}
	if _, err := os.Stat(filepath.Join(f.w.Dir, RefusedFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("refused an unreachable log")
	}
}

func TestInitAndLoadKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "w")
	vkey, rvkey, err := Init(dir, "front.example/hanoi")
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, KeyFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file %v, %v", fi, err)
	}
	k, err := LoadKey(dir)
	if err != nil || k.VerifierKey() != vkey || k.RefusalVerifierKey() != rvkey {
		t.Fatalf("loaded %v", err)
	}
	if _, _, err := Init(dir, "front.example/hanoi"); err == nil {
		t.Fatal("Init replaced an existing key")
	}
	if err := os.Chmod(filepath.Join(dir, KeyFile), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadKey(dir); err == nil {
		t.Fatal("a key readable by others was loaded")
	}
	unlock, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Lock(dir); !errors.Is(err, ErrLocked) {
		t.Fatalf("locked twice: %v", err)
	}
	unlock()
	if unlock, err := Lock(dir); err != nil {
		t.Fatalf("after unlock: %v", err)
	} else {
		unlock()
	}
	if _, _, err := Init(t.TempDir(), "bad name"); err == nil {
		t.Fatal("a name with a space")
	}
}

// TestEarlierCheckpoints: an older cosigned checkpoint deleted is refused
// at once (the list of sizes); one replaced is refused by the random check
// of an earlier cosigned checkpoint, here within a few runs.
func TestEarlierCheckpoints(t *testing.T) {
	setup := func(t *testing.T) *fixture {
		f := newFixture(t, false)
		for _, size := range []int64{10, 20, 30} {
			f.log.grow(10, "a")
			f.cosigned(t, f.run(t), size)
		}
		return f
	}
	t.Run("deleted", func(t *testing.T) {
		f := setup(t)
		f.log.remove(translog.CheckpointPath(10))
		r := f.refused(t, f.run(t), translog.ReasonUnavailable)
		if !strings.Contains(r.Detail, "size 10") {
			t.Fatalf("detail %q", r.Detail)
		}
	})
	t.Run("replaced", func(t *testing.T) {
		f := setup(t)
		l := newTestLog(t, f.log.signer)
		l.grow(10, "b")
		f.log.write(translog.CheckpointPath(10), l.read(translog.CheckpointPath(10)))
		for i := 0; i < 60; i++ {
			if res := f.run(t); res.Outcome == Refused {
				f.refused(t, res, translog.ReasonFork)
				return
			}
		}
		t.Fatal("a replaced earlier checkpoint was never found")
	})
}
