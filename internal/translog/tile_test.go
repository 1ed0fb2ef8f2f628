package translog

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

func TestTilePaths(t *testing.T) {
	for _, c := range []struct {
		tile Tile
		path string
	}{
		{Tile{Level: 0, N: 0, W: 256}, "tile/0/000"},
		{Tile{Level: 0, N: 0, W: 1}, "tile/0/000.p/1"},
		{Tile{Level: 1, N: 999, W: 256}, "tile/1/999"},
		{Tile{Level: 0, N: 1000, W: 256}, "tile/0/x001/000"},
		{Tile{Level: 2, N: 1234067, W: 255}, "tile/2/x001/x234/067.p/255"},
		{Tile{Level: 63, N: 1234067, W: 256}, "tile/63/x001/x234/067"},
		{Tile{Entries: true, N: 0, W: 256}, "tile/entries/000"},
		{Tile{Entries: true, N: 1234067, W: 8}, "tile/entries/x001/x234/067.p/8"},
		{Tile{Level: 0, N: 1<<63 - 1, W: 256}, "tile/0/x009/x223/x372/x036/x854/x775/807"},
	} {
		if got := c.tile.Path(); got != c.path {
			t.Errorf("%+v: path %q, want %q", c.tile, got, c.path)
		}
		got, err := ParseTilePath(c.path)
		if err != nil || got != c.tile {
			t.Errorf("%q: parsed %+v, %v; want %+v", c.path, got, err, c.tile)
		}
	}
	for _, bad := range []Tile{{Level: 64, W: 256}, {Level: -1, W: 256}, {N: -1, W: 256}, {W: 0}, {W: 257}, {Entries: true, Level: 1, W: 256}} {
		if p := bad.Path(); p != "" {
			t.Errorf("%+v has a path: %q", bad, p)
		}
	}
}

// The C2SP form is x/mod's sumdb form without the height, with "entries"
// for "data"; checking the two against each other over many tiles checks
// the three-digit grouping against an implementation not written here.
func TestTilePathsMatchSumdbLayout(t *testing.T) {
	ns := []int64{0, 1, 9, 10, 99, 100, 999, 1000, 1001, 999999, 1000000, 1234067, 1<<40 + 7, 1<<63 - 1}
	for _, n := range ns {
		for _, w := range []int{1, 2, 17, 128, 255, 256} {
			for _, l := range []int{-1, 0, 1, 5, 63} {
				s := tlog.Tile{H: TileHeight, L: l, N: n, W: w}
				ours := Tile{Entries: l == -1, Level: max(l, 0), N: n, W: w}
				want := strings.Replace(strings.TrimPrefix(s.Path(), "tile/8/"), "data/", "entries/", 1)
				if got := strings.TrimPrefix(ours.Path(), "tile/"); got != want {
					t.Fatalf("%+v: %q, x/mod's layout gives %q", ours, got, want)
				}
				back, err := ParseTilePath(ours.Path())
				if err != nil || back != ours {
					t.Fatalf("%q: %+v, %v", ours.Path(), back, err)
				}
				if ours.sumdb() != s {
					t.Fatalf("%+v in x/mod's terms: %+v", ours, ours.sumdb())
				}
			}
		}
	}
}

func TestParseTilePathRefuses(t *testing.T) {
	for _, p := range []string{
		"", "tile", "tile/", "tile/0", "tile/0/", "/tile/0/000", "tile/0/000/", "tiles/0/000",
		"tile/8/0/000",               // the sumdb form, with the height
		"tile/data/000",              // the sumdb name for entries
		"tile/00/000", "tile/01/000", // leading zeroes in the level
		"tile/64/000", "tile/-1/000", "tile/+1/000", "tile/ 1/000", "tile/1a/000",
		"tile/0/0", "tile/0/00", "tile/0/0000", "tile/0/-01", "tile/0/+01", "tile/0/1e2", "tile/0/abc",
		"tile/0/x000/001", // not canonical: a leading empty group
		"tile/0/x001",     // the last group has no x
		"tile/0/001/000",  // an inner group without x
		"tile/0/x001/x000",
		"tile/0/xx01/000", "tile/0/x01/000", "tile/0/x0001/000",
		"tile/0/000.p/0", "tile/0/000.p/256", "tile/0/000.p/300", "tile/0/000.p/01", "tile/0/000.p/",
		"tile/0/000.p", "tile/0/000.p/1/", "tile/0/000.p/1.p/2", "tile/0/000.p/+1", "tile/0/000.p/ 1",
		"tile/0/x001.p/1/000",
		"tile/0/x009/x223/x372/x036/x854/x775/808",      // one past the largest int64
		"tile/0/x001/x000/x000/x000/x000/x000/x000/000", // eight groups
		"tile/0/x999/x999/x999/x999/x999/x999/999",
		"tile/entries/000.p/256", "tile/entries/", "tile/entries", "tile/0/entries/000",
		"tile/0/000\n", "tile/0/٠٠٠",
	} {
		if got, err := ParseTilePath(p); !errors.Is(err, ErrTilePath) {
			t.Errorf("%q: accepted as %+v (%v)", p, got, err)
		}
	}
}

// C2SP's example: a tree of 70,000 entries is 273 full level-0 tiles, one
// partial level-0 tile of width 112, one full level-1 tile, one partial
// level-1 tile of width 17 and one partial level-2 tile of width 1.
func TestNewTiles(t *testing.T) {
	var full0, full1 int
	partial := map[int]int{}
	for _, tl := range NewTiles(0, 70000) {
		switch {
		case tl.W == TileWidth && tl.Level == 0:
			full0++
		case tl.W == TileWidth && tl.Level == 1:
			full1++
		case tl.W < TileWidth:
			if _, dup := partial[tl.Level]; dup {
				t.Fatalf("two partial tiles at level %d", tl.Level)
			}
			partial[tl.Level] = tl.W
		default:
			t.Fatalf("unexpected tile %+v", tl)
		}
	}
	if full0 != 273 || full1 != 1 || len(partial) != 3 || partial[0] != 112 || partial[1] != 17 || partial[2] != 1 {
		t.Fatalf("70,000 entries: %d full level-0, %d full level-1, partial %v", full0, full1, partial)
	}
	// A size of 256: one full level-0 tile and a level-1 tile of width 1.
	if got := NewTiles(0, 256); len(got) != 2 || got[0] != (Tile{Level: 0, N: 0, W: 256}) || got[1] != (Tile{Level: 1, N: 0, W: 1}) {
		t.Fatalf("256 entries: %+v", got)
	}
	// Growing from 300 to 600 publishes level-0 tiles 1 (now full) and 2
	// (partial, 88 wide) and the level-1 tile of width 2; tile 0 is unchanged.
	want := []Tile{{Level: 0, N: 1, W: 256}, {Level: 0, N: 2, W: 88}, {Level: 1, N: 0, W: 2}}
	got := NewTiles(300, 600)
	if len(got) != len(want) {
		t.Fatalf("300 to 600: %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("300 to 600: %+v, want %+v", got, want)
		}
	}
	if got[1].EntryBundle() != (Tile{Entries: true, N: 2, W: 88}) {
		t.Fatalf("bundle of %+v: %+v", got[1], got[1].EntryBundle())
	}
	if NewTiles(5, 5) != nil || NewTiles(6, 5) != nil {
		t.Fatal("tiles for a tree that did not grow")
	}
}

// Tile contents follow C2SP: a level-0 tile is the leaf hashes, a level-1
// tile the roots of full level-0 tiles.
func TestReadTileData(t *testing.T) {
	d := entries(2*TileWidth + 3)
	m := build(t, d)
	l0, err := ReadTileData(Tile{Level: 0, N: 2, W: 3}, m)
	if err != nil {
		t.Fatal(err)
	}
	var want []byte
	for _, e := range d[2*TileWidth:] {
		h := LeafHash(e)
		want = append(want, h[:]...)
	}
	if !bytes.Equal(l0, want) {
		t.Fatal("level-0 tile is not the leaf hashes")
	}
	l1, err := ReadTileData(Tile{Level: 1, N: 0, W: 2}, m)
	if err != nil {
		t.Fatal(err)
	}
	r0, r1 := refMTH(d[:TileWidth]), refMTH(d[TileWidth:2*TileWidth])
	if !bytes.Equal(l1, append(r0[:], r1[:]...)) {
		t.Fatal("level-1 tile is not the roots of the full level-0 tiles")
	}
	if _, err := ReadTileData(Tile{Entries: true, W: 1}, m); err == nil {
		t.Fatal("read an entry bundle as hashes")
	}
}

func TestBundles(t *testing.T) {
	in := [][]byte{{}, []byte("a"), bytes.Repeat([]byte{0xff}, MaxEntrySize)}
	b, err := MarshalBundle(in)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte{0, 0, 0, 1, 'a', 0xff, 0xff, 0xff}) || len(b) != 2+3+2+MaxEntrySize {
		t.Fatalf("bundle starts %x, %d bytes", b[:8], len(b))
	}
	out, err := ParseBundle(b, 3)
	if err != nil {
		t.Fatal(err)
	}
	for i := range in {
		if !bytes.Equal(in[i], out[i]) {
			t.Fatalf("entry %d changed", i)
		}
	}
	// Appending to a parsed entry must not write over the next one.
	_ = append(out[1], 'X')
	if out[2][0] != 0xff {
		t.Fatal("parsed entries alias each other")
	}
	if _, err := MarshalBundle([][]byte{make([]byte, MaxEntrySize+1)}); err == nil {
		t.Fatal("an entry too long for its length prefix")
	}
	if _, err := MarshalBundle(nil); err == nil {
		t.Fatal("an empty bundle")
	}
	if _, err := MarshalBundle(make([][]byte, TileWidth+1)); err == nil {
		t.Fatal("a bundle wider than a tile")
	}
	for _, c := range []struct {
		data  []byte
		width int
	}{
		{b, 2}, {b, 4}, {b[:len(b)-1], 3}, {append(append([]byte(nil), b...), 0), 3},
		{append(append([]byte(nil), b...), 0, 0), 3}, {nil, 1}, {[]byte{0}, 1}, {[]byte{0, 2, 'a'}, 1},
		{[]byte{0, 0}, 0}, {[]byte{0, 0}, 257},
	} {
		if _, err := ParseBundle(c.data, c.width); !errors.Is(err, ErrBundle) {
			t.Errorf("%d bytes as %d entries: %v", len(c.data), c.width, err)
		}
	}
}

// Proofs computed from tiles alone, as a witness or a monitor computes them,
// verify; a tile altered in storage is caught when it is read.
func TestTileHashReader(t *testing.T) {
	const size = 3*TileWidth + 17
	d := entries(size)
	m := build(t, d)
	// The published tiles, by path, as a store would hold them.
	store := map[string][]byte{}
	for _, tl := range NewTiles(0, size) {
		data, err := ReadTileData(tl, m)
		if err != nil {
			t.Fatal(err)
		}
		store[tl.Path()] = data
	}
	fetch := func(tiles []Tile) ([][]byte, error) {
		out := make([][]byte, len(tiles))
		for i, tl := range tiles {
			data, ok := store[tl.Path()]
			if !ok {
				return nil, errors.New("no tile " + tl.Path())
			}
			out[i] = data
		}
		return out, nil
	}
	root := refMTH(d)
	r := TileHashReader(size, root, fetch)
	for _, i := range []int64{0, 1, TileWidth - 1, TileWidth, 2*TileWidth + 5, size - 1} {
		p, err := InclusionProof(i, size, r)
		if err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
		if err := VerifyInclusion(p, i, size, LeafHash(d[i]), root); err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
	}
	for _, old := range []int64{1, TileWidth, TileWidth + 1, size - 1} {
		p, err := ConsistencyProof(old, size, r)
		if err != nil {
			t.Fatalf("from %d: %v", old, err)
		}
		if err := VerifyConsistency(p, old, refMTH(d[:old]), size, root); err != nil {
			t.Fatalf("from %d: %v", old, err)
		}
	}
	if got, err := TreeHash(size, r); err != nil || got != root {
		t.Fatalf("root from tiles %x, %v", got, err)
	}
	// A reader for another root refuses the genuine tiles.
	if _, err := InclusionProof(0, size, TileHashReader(size, refMTH(d[:size-1]), fetch)); err == nil {
		t.Fatal("tiles accepted for a root they do not make")
	}
	// One hash of a level-0 tile changed in storage.
	path := Tile{Level: 0, N: 1, W: TileWidth}.Path()
	store[path] = append([]byte(nil), store[path]...)
	store[path][5] ^= 1
	if _, err := InclusionProof(TileWidth+3, size, TileHashReader(size, root, fetch)); err == nil {
		t.Fatal("an altered tile was read without error")
	}
	// A tile gone.
	delete(store, path)
	if _, err := InclusionProof(TileWidth+3, size, TileHashReader(size, root, fetch)); err == nil {
		t.Fatal("a missing tile was not an error")
	}
}
