package translog

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"
)

// FuzzParseEntry: whatever a mirror or a tile store hands over as an entry,
// ParseEntry either refuses it with ErrEntry or accepts exactly the one
// encoding of what it parsed (never a panic, never a second form).
func FuzzParseEntry(f *testing.F) {
	c, _ := ReportCommitment(testCode, testContent)
	for _, ev := range Events() {
		b, _ := Entry{Event: ev, Date: "2026-12-05", Commitment: c}.Marshal()
		f.Add(b)
	}
	f.Add([]byte("minhbach-log/1 filed 2026-02-29 " + hex.EncodeToString(c[:])))
	f.Add([]byte("minhbach-log/1  filed 2026-12-05 "))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := ParseEntry(b)
		if err != nil {
			if !errors.Is(err, ErrEntry) {
				t.Fatalf("refused with %v", err)
			}
			return
		}
		again, err := e.Marshal()
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("%q parsed to %+v, which encodes as %q (%v)", b, e, again, err)
		}
	})
}

// FuzzParseTilePath: a requested path is either refused with ErrTilePath or
// is exactly the path of the tile it names.
func FuzzParseTilePath(f *testing.F) {
	for _, p := range []string{"tile/0/000", "tile/entries/x001/x234/067.p/8", "tile/63/x009/x223/x372/x036/x854/x775/807", "tile/0/x000/001", "tile/00/000.p/01"} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) {
		tl, err := ParseTilePath(p)
		if err != nil {
			if !errors.Is(err, ErrTilePath) {
				t.Fatalf("refused with %v", err)
			}
			return
		}
		if !tl.valid() || tl.Path() != p {
			t.Fatalf("%q parsed to %+v, whose path is %q", p, tl, tl.Path())
		}
	})
}

// FuzzParseCheckpoint: a checkpoint's text from anywhere is either refused
// with ErrCheckpoint or re-encodes to exactly the same bytes.
func FuzzParseCheckpoint(f *testing.F) {
	root := LeafHash(nil)
	for _, c := range []Checkpoint{{Origin: testOrigin, Size: 0, Root: EmptyRoot()}, {Origin: testOrigin, Size: 20852163, Root: root, Extensions: []string{"x"}}} {
		b, _ := c.Marshal()
		f.Add(b)
	}
	f.Add([]byte("a\n01\n\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseCheckpoint(b)
		if err != nil {
			if !errors.Is(err, ErrCheckpoint) {
				t.Fatalf("refused with %v", err)
			}
			return
		}
		again, err := c.Marshal()
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("%q parsed to %+v, which encodes as %q (%v)", b, c, again, err)
		}
	})
}

// FuzzParseRefusal: a refusal posted to the portal is either refused with
// ErrRefusal or re-encodes to exactly the same bytes.
func FuzzParseRefusal(f *testing.F) {
	r := Refusal{Origin: testOrigin, Reason: ReasonFork, Seen: &TreeHead{Size: 3, Root: LeafHash(nil)},
		Got: &TreeHead{Size: 3, Root: EmptyRoot()}, Time: 1764979200, Detail: "two roots for size 3"}
	b, _ := r.Marshal()
	f.Add(b)
	r.Seen, r.Got, r.Reason, r.Detail = nil, nil, ReasonUnavailable, "checkpoint: not found"
	b, _ = r.Marshal()
	f.Add(b)
	f.Add([]byte("minhbach-witness-refusal/1\norigin a\nreason fork\nseen none\ngot 01 x\ntime 0\ndetail \n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseRefusal(b)
		if err != nil {
			if !errors.Is(err, ErrRefusal) {
				t.Fatalf("refused with %v", err)
			}
			return
		}
		again, err := r.Marshal()
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("%q parsed to %+v, which encodes as %q (%v)", b, r, again, err)
		}
	})
}

// FuzzParseCheckpointList: the list of checkpoint sizes a log serves is
// either refused or is exactly the encoding of the sizes it parsed.
func FuzzParseCheckpointList(f *testing.F) {
	for _, s := range []string{"", "0\n", "1\n7\n300\n", "1\n1\n", "2\n1\n", "01\n", "1", "\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		sizes, err := ParseCheckpointList(b)
		if err != nil {
			return
		}
		if again := MarshalCheckpointList(sizes); !bytes.Equal(again, b) {
			t.Fatalf("%q parsed to %v, which encodes as %q", b, sizes, again)
		}
	})
}
