package media

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
)

// The safe copies of audio and video (docs/privacy.md, "What each safe copy
// removes"). Both are plans over the original, like the images': what is
// kept is copied byte for byte, and nothing is decoded.
//
//   - MP3: the ID3v2 tags at the start (footer and extended header
//     included, being inside the tag's size), and the ID3v1, enhanced
//     ID3v1, APEv2, Lyrics3v2 and appended ID3v2.4 tags at the end, are
//     dropped; the MPEG frames between them are kept.
//   - M4A/MP4: every udta, meta and uuid box under the top level, moov,
//     trak, mdia, minf, dinf, edts, mvex, moof and traf becomes a free box
//     of the same size with a zeroed payload, free and skip boxes are
//     zeroed, and the creation and modification times of mvhd, tkhd and
//     mdhd are zeroed. Nothing moves, so the chunk offsets of the sample
//     tables stay valid.

const (
	// maxMP3Tags bounds the tags skipped at either end.
	maxMP3Tags = 16
	// maxISODepth and maxISOBoxes bound the box walk.
	maxISODepth = 16
	maxISOBoxes = 100_000
)

// readAt reads exactly len(b) bytes at off, or fails.
func readAt(src io.ReaderAt, b []byte, off int64) error {
	n, err := src.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == nil || err == io.EOF {
		return corruptf("unexpected end of file at %d", off+int64(n))
	}
	return fmt.Errorf("media: reading source: %w", err)
}

func syncsafe(b []byte) (int64, bool) {
	var v int64
	for _, c := range b[:4] {
		if c&0x80 != 0 {
			return 0, false
		}
		v = v<<7 | int64(c)
	}
	return v, true
}

// planMP3 keeps the audio between the leading and trailing tags.
func planMP3(src io.ReaderAt, size int64, p *plan) error {
	start, end := int64(0), size
	var h [10]byte
	for tags := 0; start+10 <= end; tags++ {
		if err := readAt(src, h[:], start); err != nil {
			return err
		}
		if string(h[:3]) != "ID3" {
			break
		}
		if tags == maxMP3Tags {
			return corruptf("MP3: too many ID3 tags")
		}
		n, ok := syncsafe(h[6:])
		if !ok || h[3] < 2 || h[3] > 4 {
			return corruptf("MP3: bad ID3v2 header")
		}
		n += 10
		if h[3] == 4 && h[5]&0x10 != 0 {
			n += 10 // the footer
		}
		if n > end-start {
			return corruptf("MP3: ID3 tag longer than the file")
		}
		start += n
	}
	for tags := 0; ; tags++ {
		if tags == maxMP3Tags {
			return corruptf("MP3: too many tags at the end")
		}
		n, err := trailingTag(src, start, end)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
		end -= n
	}
	if end-start < 4 {
		return corruptf("MP3: no audio between the tags")
	}
	var sync [2]byte
	if err := readAt(src, sync[:], start); err != nil {
		return err
	}
	if sync[0] != 0xFF || sync[1]&0xE0 != 0xE0 {
		return corruptf("MP3: no MPEG frame after the tags")
	}
	return p.copy(start, end-start)
}

// trailingTag returns the length of the tag that ends at end (0 if none),
// never reaching before start.
func trailingTag(src io.ReaderAt, start, end int64) (int64, error) {
	room := end - start
	var b [32]byte
	tail := func(n int64) ([]byte, error) {
		if n > room {
			return nil, nil
		}
		return b[:n], readAt(src, b[:n], end-n)
	}
	// ID3v1: "TAG" and 125 bytes; an enhanced tag ("TAG+", 227 bytes)
	// may precede it.
	if room >= 128 {
		var t [3]byte
		if err := readAt(src, t[:], end-128); err != nil {
			return 0, err
		}
		if string(t[:]) == "TAG" {
			n := int64(128)
			if room >= 128+227 {
				var e [4]byte
				if err := readAt(src, e[:], end-128-227); err != nil {
					return 0, err
				}
				if string(e[:]) == "TAG+" {
					n += 227
				}
			}
			return n, nil
		}
	}
	// APEv2: a 32-byte footer "APETAGEX", version, size (items and footer),
	// count, flags (bit 31: a header precedes the items).
	if f, err := tail(32); err != nil {
		return 0, err
	} else if f != nil && string(f[:8]) == "APETAGEX" {
		n := int64(binary.LittleEndian.Uint32(f[12:]))
		if binary.LittleEndian.Uint32(f[20:])&(1<<31) != 0 {
			n += 32
		}
		if n < 32 || n > room {
			return 0, corruptf("MP3: bad APE tag size")
		}
		return n, nil
	}
	// Lyrics3v2: six digits of size, then "LYRICS200".
	if f, err := tail(15); err != nil {
		return 0, err
	} else if f != nil && string(f[6:]) == "LYRICS200" {
		var n int64
		for _, c := range f[:6] {
			if c < '0' || c > '9' {
				return 0, corruptf("MP3: bad Lyrics3 size")
			}
			n = n*10 + int64(c-'0')
		}
		if n+15 > room {
			return 0, corruptf("MP3: bad Lyrics3 size")
		}
		return n + 15, nil
	}
	// An appended ID3v2.4 tag ends with a footer, "3DI".
	if f, err := tail(10); err != nil {
		return 0, err
	} else if f != nil && string(f[:3]) == "3DI" {
		n, ok := syncsafe(f[6:])
		if !ok || n+20 > room {
			return 0, corruptf("MP3: bad ID3v2 footer")
		}
		return n + 20, nil
	}
	return 0, nil
}

// The boxes walked into, the boxes freed, and the boxes whose times are
// zeroed.
var (
	isoContainers = map[string]bool{"moov": true, "trak": true, "mdia": true, "minf": true, "dinf": true, "edts": true,
		"mvex": true, "moof": true, "traf": true}
	isoFreed = map[string]bool{"udta": true, "meta": true, "uuid": true, "free": true, "skip": true}
	isoTimed = map[string]bool{"mvhd": true, "tkhd": true, "mdhd": true}
)

// planISO copies an ISO base media file with its metadata boxes freed and
// its times zeroed.
func planISO(src io.ReaderAt, size int64, p *plan) error {
	var ft [8]byte
	if err := readAt(src, ft[:], 0); err != nil {
		return err
	}
	if string(ft[4:]) != "ftyp" {
		return corruptf("MP4: does not start with ftyp")
	}
	w := &isoWalker{src: src, p: p}
	if err := w.walk(0, size, 0); err != nil {
		return err
	}
	return p.copy(w.done, size-w.done)
}

type isoWalker struct {
	src   io.ReaderAt
	p     *plan
	done  int64 // everything before done is planned
	boxes int
}

// keepTo plans the original bytes up to off.
func (w *isoWalker) keepTo(off int64) error {
	err := w.p.copy(w.done, off-w.done)
	w.done = off
	return err
}

func (w *isoWalker) walk(off, end int64, depth int) error {
	if depth > maxISODepth {
		return corruptf("MP4: boxes nested too deep")
	}
	for off < end {
		if w.boxes++; w.boxes > maxISOBoxes {
			return corruptf("MP4: too many boxes")
		}
		if end-off < 8 {
			// Some writers pad the end; anything shorter than a box
			// header is copied as it is.
			return nil
		}
		var h [16]byte
		if err := readAt(w.src, h[:8], off); err != nil {
			return err
		}
		n, hdr := int64(binary.BigEndian.Uint32(h[:4])), int64(8)
		typ := string(h[4:8])
		switch n {
		case 1:
			if end-off < 16 {
				return corruptf("MP4: truncated box header")
			}
			if err := readAt(w.src, h[8:16], off+8); err != nil {
				return err
			}
			u := binary.BigEndian.Uint64(h[8:16])
			if u > uint64(end-off) {
				return corruptf("MP4: box %q longer than its parent", typ)
			}
			n, hdr = int64(u), 16
		case 0:
			n = end - off // to the end of the parent
		}
		if n < hdr || n > end-off {
			return corruptf("MP4: box %q of size %d at %d", typ, n, off)
		}
		switch {
		case isoFreed[typ]:
			if err := w.keepTo(off); err != nil {
				return err
			}
			free := bytes.Clone(h[:hdr])
			copy(free[4:8], "free")
			if err := w.p.literal(free); err != nil {
				return err
			}
			if err := w.p.zeros(n - hdr); err != nil {
				return err
			}
			w.done = off + n
		case isoTimed[typ]:
			var v [1]byte
			if n < hdr+4 {
				return corruptf("MP4: box %q too short", typ)
			}
			if err := readAt(w.src, v[:], off+hdr); err != nil {
				return err
			}
			tn := int64(8) // version 0: two 32-bit times
			if v[0] == 1 {
				tn = 16
			}
			if n < hdr+4+tn {
				return corruptf("MP4: box %q too short", typ)
			}
			if err := w.keepTo(off + hdr + 4); err != nil {
				return err
			}
			if err := w.p.zeros(tn); err != nil {
				return err
			}
			w.done = off + hdr + 4 + tn
		case isoContainers[typ]:
			if err := w.walk(off+hdr, off+n, depth+1); err != nil {
				return err
			}
		}
		off += n
	}
	return nil
}
