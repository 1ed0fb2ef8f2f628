package logverify

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"minhbach/internal/translog"
)

func init() { retryWait = time.Millisecond }

// testSizes are the batches of the test logs: a tree of one entry, a
// partial first tile, a full one, a partial second, and three tiles with
// a partial third (level 1 then has a partial tile of two hashes).
var testSizes = []int64{1, 5, 256, 300, 700}

func TestVerifyPasses(t *testing.T) {
	key, witness := newKey(t, testOrigin), newKey(t, "witness.example")
	dir := t.TempDir()
	l := buildLog(t, dir, key, testSizes, testEntry)
	// The latest checkpoint carries a witness's cosignature, as the portal
	// serves it; the log's signature is what is checked.
	writeObject(t, dir, translog.PathCheckpoint, cosign(t, l.checkpoints[700], key, witness))
	ctx := context.Background()
	for name, src := range map[string]translog.Source{"dir": translog.DirSource{Dir: dir}, "http": translog.HTTPSource{Base: serveLog(t, dir)}} {
		var last Progress
		calls := 0
		rep, err := Verify(ctx, src, testOrigin, key.verifier, Options{Progress: func(p Progress) { last = p; calls++ }})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		root, _ := translog.TreeHash(700, l.hashes)
		if rep.Checkpoints != 5 || rep.Entries != 700 || rep.Size != 700 || rep.Root != root || rep.Witnessed != -1 {
			t.Errorf("%s: report %+v", name, rep)
		}
		var total int64
		for ev, n := range rep.Events {
			total += n
			if n == 0 || ev == "" {
				t.Errorf("%s: event %q counted %d", name, ev, n)
			}
		}
		if total != 700 || len(rep.Events) != len(translog.Events()) || rep.Events[translog.EventFiled] != 54 {
			t.Errorf("%s: events %v", name, rep.Events)
		}
		if calls < 8 || last != (Progress{Entries: 700, Size: 700, Checkpoints: 5, CheckpointsTotal: 5}) {
			t.Errorf("%s: %d progress calls, the last %+v", name, calls, last)
		}
		// The origin defaults to the key's name.
		if _, err := Verify(ctx, src, "", key.verifier, Options{}); err != nil {
			t.Errorf("%s: without an origin: %v", name, err)
		}
		// Every checkpoint the log issued, cosigned or not, is extended.
		for _, size := range testSizes {
			rep, err := Verify(ctx, src, testOrigin, key.verifier, Options{Witness: cosign(t, l.checkpoints[size], key, witness)})
			if err != nil || rep.Witnessed != size {
				t.Errorf("%s: witness of size %d: %+v, %v", name, size, rep, err)
			}
		}
	}
	if _, err := Verify(ctx, translog.DirSource{Dir: dir}, "other.example/log", key.verifier, Options{}); err == nil {
		t.Error("a key named for another origin was accepted")
	}
}

func TestVerifyEmptyLog(t *testing.T) {
	key := newKey(t, testOrigin)
	_, err := Verify(context.Background(), translog.DirSource{Dir: t.TempDir()}, testOrigin, key.verifier, Options{})
	var inc *Inconsistency
	if !errors.As(err, &inc) || inc.Object != "checkpoint" {
		t.Fatalf("a log with nothing published: %v", err)
	}
	// A log of size 0 is a log: the empty tree, no tiles.
	dir := t.TempDir()
	buildLog(t, dir, key, []int64{0}, testEntry)
	if rep, err := Verify(context.Background(), translog.DirSource{Dir: dir}, testOrigin, key.verifier, Options{}); err != nil || rep.Size != 0 || rep.Root != translog.EmptyRoot() {
		t.Fatalf("the empty log: %+v, %v", rep, err)
	}
}

// TestVerifyFindsTampering alters a good log in each of the ways an
// operator (or an intruder) could, and checks that Verify names the object
// and index at fault, first.
func TestVerifyFindsTampering(t *testing.T) {
	key, other := newKey(t, testOrigin), newKey(t, testOrigin)
	// The log as first published, kept by a witness or a mirror.
	orig := buildLog(t, t.TempDir(), key, testSizes, testEntry)

	type tc struct {
		name   string
		sizes  []int64            // nil: testSizes
		entry  func(int64) []byte // nil: testEntry
		alter  func(t *testing.T, l *testLog)
		source func(translog.Source) translog.Source
		opts   Options
		// want: the object and index at fault and words of the reason; an
		// empty object means the log must pass.
		object string
		index  int64
		reason []string
	}
	signedOther := func(size int64, root translog.Hash) []byte {
		b, err := translog.SignCheckpoint(translog.Checkpoint{Origin: testOrigin, Size: size, Root: root}, other.signer)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	rewritten := func(from int64) func(int64) []byte {
		return func(i int64) []byte {
			if i >= from {
				return testEntry(i + 1000)
			}
			return testEntry(i)
		}
	}
	cases := []tc{
		{name: "a byte of a full entry bundle changed", alter: func(t *testing.T, l *testLog) {
			alterEntry(t, l.dir, "tile/entries/000", 256, 10)
		}, object: "tile/entries/000", index: 10, reason: []string{"entry 10 is not the entry checkpoints/256 commits to"}},
		{name: "a byte of an early entry changed", alter: func(t *testing.T, l *testLog) {
			alterEntry(t, l.dir, "tile/entries/000", 256, 3)
		}, object: "tile/entries/000", index: 3, reason: []string{"checkpoints/5"}},
		{name: "a byte of the last partial bundle changed", alter: func(t *testing.T, l *testLog) {
			alterEntry(t, l.dir, "tile/entries/002.p/188", 188, 88)
		}, object: "tile/entries/002.p/188", index: 600, reason: []string{"checkpoints/700"}},
		{name: "a byte of an older partial bundle changed", alter: func(t *testing.T, l *testLog) {
			alterEntry(t, l.dir, "tile/entries/001.p/44", 44, 40)
		}, object: "tile/entries/001.p/44", index: 296, reason: []string{"differs from the same entry in tile/entries/001"}},
		{name: "a hash of a full tile changed", alter: func(t *testing.T, l *testLog) {
			b := readObject(t, l.dir, "tile/0/001")
			b[7*32+5] ^= 1
			writeObject(t, l.dir, "tile/0/001", b)
		}, object: "tile/0/001", index: 7, reason: []string{"hash 7 of the tile differs"}},
		{name: "a hash of a level-1 partial tile changed", alter: func(t *testing.T, l *testLog) {
			b := readObject(t, l.dir, "tile/1/000.p/2")
			b[40] ^= 1
			writeObject(t, l.dir, "tile/1/000.p/2", b)
		}, object: "tile/1/000.p/2", index: 1},
		{name: "a tile truncated", alter: func(t *testing.T, l *testLog) {
			writeObject(t, l.dir, "tile/0/000", readObject(t, l.dir, "tile/0/000")[:100])
		}, object: "tile/0/000", index: 3, reason: []string{"tile of 100 bytes"}},
		{name: "a partial tile deleted", alter: func(t *testing.T, l *testLog) {
			removeObject(t, l.dir, "tile/0/001.p/44")
		}, object: "tile/0/001.p/44", index: -1, reason: []string{"missing tile", "checkpoints/300"}},
		{name: "a full entry bundle deleted", alter: func(t *testing.T, l *testLog) {
			removeObject(t, l.dir, "tile/entries/001")
		}, object: "tile/entries/001", index: -1, reason: []string{"missing entry bundle", "entries 256 to 511"}},
		{name: "a checkpoint listed but absent", source: func(s translog.Source) translog.Source {
			return extraListed{s, []int64{12}}
		}, object: "checkpoints/12", index: -1, reason: []string{"missing checkpoint", "listed but absent"}},
		{name: "a middle checkpoint removed: what remains is consistent", alter: func(t *testing.T, l *testLog) {
			removeObject(t, l.dir, "checkpoints/256")
		}},
		{name: "the latest checkpoints/<size> removed", alter: func(t *testing.T, l *testLog) {
			removeObject(t, l.dir, "checkpoints/700")
		}, object: "checkpoints/700", index: -1, reason: []string{"missing checkpoint", "size 700"}},
		{name: "the latest checkpoint rolled back alone", alter: func(t *testing.T, l *testLog) {
			writeObject(t, l.dir, "checkpoint", l.checkpoints[300])
		}, object: "checkpoint", index: -1, reason: []string{"size 300, behind checkpoints/700"}},
		{name: "rolled back to size 300, without a witness: undetectable", alter: func(t *testing.T, l *testLog) {
			removeObject(t, l.dir, "checkpoints/700")
			writeObject(t, l.dir, "checkpoint", l.checkpoints[300])
		}},
		{name: "rolled back to size 300, with a witness of size 700", alter: func(t *testing.T, l *testLog) {
			removeObject(t, l.dir, "checkpoints/700")
			writeObject(t, l.dir, "checkpoint", l.checkpoints[300])
		}, opts: Options{Witness: orig.checkpoints[700]}, object: "checkpoint", index: -1,
			reason: []string{"the log does not extend the witnessed checkpoint (size 700", "latest checkpoint: size 300", "rolled back or truncated"}},
		{name: "truncated to size 256, with a witness of size 300", sizes: []int64{1, 5, 256},
			opts: Options{Witness: orig.checkpoints[300]}, object: "checkpoint", index: -1,
			reason: []string{"the log does not extend the witnessed checkpoint (size 300", "latest checkpoint: size 256"}},
		{name: "rewritten from entry 200, everything re-signed, without a witness: undetectable", entry: rewritten(200)},
		{name: "rewritten from entry 200, everything re-signed, with a witness of size 300", entry: rewritten(200),
			opts: Options{Witness: orig.checkpoints[300]}, object: "checkpoint", index: -1,
			reason: []string{"the log does not extend the witnessed checkpoint (size 300", "the log's tree at size 300 has root", "rewritten"}},
		{name: "rewritten from entry 200, with the rewritten log's own older checkpoint as witness", entry: rewritten(200),
			opts: Options{Witness: orig.checkpoints[5]}},
		{name: "rewritten from entry 200, the older checkpoint of size 300 kept", entry: rewritten(200), alter: func(t *testing.T, l *testLog) {
			writeObject(t, l.dir, "checkpoints/300", orig.checkpoints[300])
		}, object: "checkpoints/300", index: -1, reason: []string{"is not the root", "entries up to 256 match checkpoints/256", "from 256 to 299"}},
		{name: "a checkpoint signed by another key", alter: func(t *testing.T, l *testLog) {
			root, _ := translog.TreeHash(256, l.hashes)
			writeObject(t, l.dir, "checkpoints/256", signedOther(256, root))
		}, object: "checkpoints/256", index: -1, reason: []string{"signed by the log's key"}},
		{name: "the latest checkpoint signed by another key", alter: func(t *testing.T, l *testLog) {
			root, _ := translog.TreeHash(700, l.hashes)
			writeObject(t, l.dir, "checkpoint", signedOther(700, root))
		}, object: "checkpoint", index: -1, reason: []string{"signed by the log's key"}},
		{name: "a witness checkpoint signed by another key", opts: Options{Witness: signedOther(300, translog.Hash{})},
			reason: []string{"the witness checkpoint does not open with the log's key"}},
		{name: "the latest checkpoint of another tree of the same size", alter: func(t *testing.T, l *testLog) {
			b, err := translog.SignCheckpoint(translog.Checkpoint{Origin: testOrigin, Size: 700, Root: translog.Hash{1}}, key.signer)
			if err != nil {
				t.Fatal(err)
			}
			writeObject(t, l.dir, "checkpoint", b)
		}, object: "checkpoint", index: -1, reason: []string{"signed body differs from checkpoints/700"}},
		{name: "a checkpoint under another size's name", alter: func(t *testing.T, l *testLog) {
			writeObject(t, l.dir, "checkpoints/301", l.checkpoints[300])
		}, object: "checkpoints/301", index: -1, reason: []string{"holds a checkpoint of size 300"}},
		{name: "a checkpoint signed by the log over a forked tree", alter: func(t *testing.T, l *testLog) {
			b, err := translog.SignCheckpoint(translog.Checkpoint{Origin: testOrigin, Size: 300, Root: translog.Hash{2}}, key.signer)
			if err != nil {
				t.Fatal(err)
			}
			writeObject(t, l.dir, "checkpoints/300", b)
		}, object: "checkpoints/300", index: -1, reason: []string{"signed over another tree"}},
		{name: "a signed checkpoint claiming a huge size", alter: func(t *testing.T, l *testLog) {
			b, err := translog.SignCheckpoint(translog.Checkpoint{Origin: testOrigin, Size: 1 << 40, Root: translog.Hash{3}}, key.signer)
			if err != nil {
				t.Fatal(err)
			}
			writeObject(t, l.dir, translog.CheckpointPath(1<<40), b)
			writeObject(t, l.dir, "checkpoint", b)
		}, object: "tile/entries/002", index: -1, reason: []string{"missing entry bundle", "entries 512 to 767 of checkpoint size 1099511627776"}},
		{name: "an unparseable entry, logged as such", entry: func(i int64) []byte {
			if i == 42 {
				return []byte("minhbach-log/1 filed 2026-02-30 " + fmt.Sprintf("%064x", 0))
			}
			return testEntry(i)
		}, object: "tile/entries/000", index: 42, reason: []string{"entry 42 does not parse", "date"}},
		{name: "a malformed bundle", alter: func(t *testing.T, l *testLog) {
			b := readObject(t, l.dir, "tile/entries/001")
			writeObject(t, l.dir, "tile/entries/001", b[:len(b)-1])
		}, object: "tile/entries/001", index: 256, reason: []string{"malformed entry bundle"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sizes, entry := c.sizes, c.entry
			if sizes == nil {
				sizes = testSizes
			}
			if entry == nil {
				entry = testEntry
			}
			l := buildLog(t, t.TempDir(), key, sizes, entry)
			if c.alter != nil {
				c.alter(t, l)
			}
			for name, src := range map[string]translog.Source{"dir": translog.DirSource{Dir: l.dir}, "http": translog.HTTPSource{Base: serveLog(t, l.dir)}} {
				if c.source != nil {
					src = c.source(src)
				}
				_, err := Verify(context.Background(), src, testOrigin, key.verifier, c.opts)
				var inc *Inconsistency
				switch {
				case c.object == "" && len(c.reason) == 0:
					if err != nil {
						t.Errorf("%s: %v", name, err)
					}
					continue
				case c.object == "":
					if errors.As(err, &inc) {
						t.Errorf("%s: %v is an inconsistency of the log, want another error", name, err)
					}
				case !errors.As(err, &inc):
					t.Errorf("%s: %v, want an inconsistency", name, err)
					continue
				case inc.Object != c.object || inc.Index != c.index:
					t.Errorf("%s: %v at object %q index %d, want %q index %d", name, err, inc.Object, inc.Index, c.object, c.index)
				}
				mustContain(t, err, c.reason...)
				if testing.Verbose() && name == "dir" {
					t.Logf("%v", err)
				}
			}
		})
	}
}

func TestVerifyStopsWithTheContext(t *testing.T) {
	key := newKey(t, testOrigin)
	dir := t.TempDir()
	buildLog(t, dir, key, testSizes, testEntry)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var inc *Inconsistency
	if _, err := Verify(ctx, translog.DirSource{Dir: dir}, testOrigin, key.verifier, Options{}); !errors.Is(err, context.Canceled) || errors.As(err, &inc) {
		t.Fatalf("a cancelled verification: %v", err)
	}
}
