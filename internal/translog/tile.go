package translog

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/tlog"
)

// TileHeight is the height of every tile (C2SP tlog-tiles): a full tile
// holds 2^8 = 256 hashes, or a full entry bundle 256 entries.
const TileHeight = 8

// TileWidth is the width of a full tile or entry bundle.
const TileWidth = 1 << TileHeight

// MaxEntrySize is the largest entry an entry bundle can carry: its length is
// a big-endian uint16.
const MaxEntrySize = 1<<16 - 1

// maxLevel is the highest tile level C2SP allows.
const maxLevel = 63

// Tile names a tile of hashes or an entry bundle, as C2SP tlog-tiles lays
// them out: tile/<L>/<N>[.p/<W>] and tile/entries/<N>[.p/<W>].
type Tile struct {
	// Entries is true for an entry bundle, false for a tile of hashes.
	Entries bool
	// Level is the tile's level, 0 to 63; 0 for an entry bundle.
	Level int
	// N is the tile's index within its level.
	N int64
	// W is the tile's width, 1 to TileWidth; TileWidth is a full tile.
	W int
}

// ErrTilePath is returned for a path that is not a C2SP tile path.
var ErrTilePath = errors.New("translog: not a tile path")

func (t Tile) valid() bool {
	return t.N >= 0 && t.W >= 1 && t.W <= TileWidth && t.Level >= 0 && t.Level <= maxLevel && !(t.Entries && t.Level != 0)
}

// Path returns the tile's C2SP path, for example tile/0/x001/x234/067.p/8
// or tile/entries/000. It returns "" for a tile outside the ranges above.
//
// x/mod's Tile.Path writes the checksum database's form, with the height
// after "tile/" and "data" for entries; C2SP fixes the height at 8 and
// leaves it out.
func (t Tile) Path() string {
	if !t.valid() {
		return ""
	}
	var b strings.Builder
	b.WriteString("tile/")
	if t.Entries {
		b.WriteString("entries")
	} else {
		b.WriteString(strconv.Itoa(t.Level))
	}
	// The index in groups of three digits, most significant first.
	var groups []int64
	for n := t.N; ; n /= 1000 {
		groups = append(groups, n%1000)
		if n < 1000 {
			break
		}
	}
	for i := len(groups) - 1; i >= 0; i-- {
		b.WriteByte('/')
		if i > 0 {
			b.WriteByte('x')
		}
		fmt.Fprintf(&b, "%03d", groups[i])
	}
	if t.W != TileWidth {
		b.WriteString(".p/")
		b.WriteString(strconv.Itoa(t.W))
	}
	return b.String()
}

// ParseTilePath parses a C2SP tile path. It accepts only the canonical form
// Path writes: no leading zeroes in the level or width, no empty or extra
// groups in the index, a width of 1 to 255 after ".p/", an index that fits
// an int64.
func ParseTilePath(path string) (Tile, error) {
	bad := func() (Tile, error) { return Tile{}, fmt.Errorf("%w: %q", ErrTilePath, path) }
	rest, ok := strings.CutPrefix(path, "tile/")
	if !ok {
		return bad()
	}
	var t Tile
	first, rest, ok := strings.Cut(rest, "/")
	if !ok {
		return bad()
	}
	if first == "entries" {
		t.Entries = true
	} else {
		l, ok := decimal(first, maxLevel)
		if !ok {
			return bad()
		}
		t.Level = int(l)
	}
	t.W = TileWidth
	if nPart, w, ok := strings.Cut(rest, ".p/"); ok {
		width, ok := decimal(w, TileWidth-1)
		if !ok || width == 0 {
			return bad()
		}
		t.W, rest = int(width), nPart
	}
	groups := strings.Split(rest, "/")
	if len(groups) > 7 { // 7 groups of 3 digits hold every int64
		return bad()
	}
	for i, g := range groups {
		if i < len(groups)-1 {
			if g, ok = strings.CutPrefix(g, "x"); !ok {
				return bad()
			}
		}
		if len(g) != 3 || !isDigit(g[0]) || !isDigit(g[1]) || !isDigit(g[2]) {
			return bad()
		}
		d := int64(g[0]-'0')*100 + int64(g[1]-'0')*10 + int64(g[2]-'0')
		if t.N > (1<<63-1-d)/1000 {
			return bad()
		}
		t.N = t.N*1000 + d
	}
	// Only the canonical form: no leading x000 groups.
	if t.Path() != path {
		return bad()
	}
	return t, nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// decimal parses s as a decimal number from 0 to max with no sign and no
// leading zeroes ("0" itself is allowed); "" is 0 and not ok.
func decimal(s string, max int64) (int64, bool) {
	if s == "" || len(s) > 1 && s[0] == '0' {
		return 0, false
	}
	var n int64
	for _, c := range []byte(s) {
		if !isDigit(c) {
			return 0, false
		}
		d := int64(c - '0')
		if n > (max-d)/10 { // n*10+d > max, checked without overflowing
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}

// NewTiles returns the tiles of hashes to publish when the tree grows from
// oldSize to newSize entries, in the order x/mod's tlog.NewTiles gives: each
// level's new full tiles, then its partial tile. The entry bundles to publish
// are the level-0 tiles of the list, as bundles (EntryBundle).
func NewTiles(oldSize, newSize int64) []Tile {
	if oldSize < 0 || newSize <= oldSize {
		return nil
	}
	var out []Tile
	for _, t := range tlog.NewTiles(TileHeight, oldSize, newSize) {
		out = append(out, Tile{Level: t.L, N: t.N, W: t.W})
	}
	return out
}

// EntryBundle returns the entry bundle that goes with a level-0 tile.
func (t Tile) EntryBundle() Tile { return Tile{Entries: true, N: t.N, W: t.W} }

// sumdb is t in x/mod's terms, for its tile functions.
func (t Tile) sumdb() tlog.Tile {
	l := t.Level
	if t.Entries {
		l = -1
	}
	return tlog.Tile{H: TileHeight, L: l, N: t.N, W: t.W}
}

// ReadTileData returns the content of the tile of hashes t, read from r: its
// W hashes, concatenated.
func ReadTileData(t Tile, r HashReader) ([]byte, error) {
	if !t.valid() || t.Entries {
		return nil, fmt.Errorf("translog: %+v is not a tile of hashes", t)
	}
	return tlog.ReadTileData(t.sumdb(), r)
}

// MarshalBundle encodes entries as a C2SP entry bundle: each entry as its
// length, a big-endian uint16, followed by its bytes.
func MarshalBundle(entries [][]byte) ([]byte, error) {
	if len(entries) == 0 || len(entries) > TileWidth {
		return nil, fmt.Errorf("translog: a bundle holds 1 to %d entries, not %d", TileWidth, len(entries))
	}
	size := 0
	for i, e := range entries {
		if len(e) > MaxEntrySize {
			return nil, fmt.Errorf("translog: entry %d of the bundle has %d bytes, more than %d", i, len(e), MaxEntrySize)
		}
		size += 2 + len(e)
	}
	out := make([]byte, 0, size)
	for _, e := range entries {
		out = binary.BigEndian.AppendUint16(out, uint16(len(e)))
		out = append(out, e...)
	}
	return out, nil
}

// ErrBundle is returned for bytes that are not an entry bundle of the
// expected width.
var ErrBundle = errors.New("translog: malformed entry bundle")

// ParseBundle decodes an entry bundle that must hold exactly width entries
// and nothing after them. The entries share data's memory.
func ParseBundle(data []byte, width int) ([][]byte, error) {
	if width < 1 || width > TileWidth {
		return nil, fmt.Errorf("%w: width %d", ErrBundle, width)
	}
	entries := make([][]byte, 0, width)
	for len(data) > 0 {
		if len(entries) == width {
			return nil, fmt.Errorf("%w: bytes after entry %d", ErrBundle, width)
		}
		if len(data) < 2 {
			return nil, fmt.Errorf("%w: a truncated length", ErrBundle)
		}
		n := int(binary.BigEndian.Uint16(data))
		if len(data) < 2+n {
			return nil, fmt.Errorf("%w: entry %d is truncated", ErrBundle, len(entries))
		}
		entries = append(entries, data[2:2+n:2+n])
		data = data[2+n:]
	}
	if len(entries) != width {
		return nil, fmt.Errorf("%w: %d entries, want %d", ErrBundle, len(entries), width)
	}
	return entries, nil
}

// TileFetcher reads the content of tiles of hashes, from the object store,
// a mirror or the public endpoints: one data slice per tile, each W hashes
// long. Nothing it returns is trusted.
type TileFetcher func(tiles []Tile) ([][]byte, error)

// TileHashReader returns a HashReader that reads the hashes of the tree of
// size entries with root root from the tiles fetch returns. It checks every
// tile it reads against root (x/mod's tlog.TileHashReader), so the hashes it
// returns are proven to be in that tree, and a tile altered in storage is an
// error, not a wrong proof. It is what a witness, a monitor or `portal log
// verify` computes proofs with.
func TileHashReader(size int64, root Hash, fetch TileFetcher) HashReader {
	return tlog.TileHashReader(tlog.Tree{N: size, Hash: root}, tileReader{fetch})
}

// tileReader adapts a TileFetcher to x/mod's TileReader.
type tileReader struct{ fetch TileFetcher }

func (r tileReader) Height() int { return TileHeight }

func (r tileReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	ours := make([]Tile, len(tiles))
	for i, t := range tiles {
		if t.H != TileHeight || t.L < 0 {
			return nil, fmt.Errorf("translog: unexpected tile %v", t.Path())
		}
		ours[i] = Tile{Level: t.L, N: t.N, W: t.W}
	}
	data, err := r.fetch(ours)
	if err != nil {
		return nil, err
	}
	if len(data) != len(tiles) {
		return nil, fmt.Errorf("translog: %d tiles asked for, %d read", len(tiles), len(data))
	}
	for i, d := range data {
		if len(d) != tiles[i].W*HashSize {
			return nil, fmt.Errorf("translog: tile %s has %d bytes, want %d", ours[i].Path(), len(d), tiles[i].W*HashSize)
		}
	}
	return data, nil
}

// SaveTiles is where x/mod says a tile was checked; the caller's store of
// tiles is its own business.
func (r tileReader) SaveTiles([]tlog.Tile, [][]byte) {}
