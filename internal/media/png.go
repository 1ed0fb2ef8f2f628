package media

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// maxPNGChunkInflated bounds what one compressed ancillary chunk (iCCP,
// zTXt, iTXt) may inflate to; colour profiles are at most a few hundred KiB.
const maxPNGChunkInflated = 4 << 20

// pngKeep lists the chunks a sanitized PNG keeps: critical chunks and
// ancillary ones that only describe how to show the pixels. A size of -1
// accepts any length; others must match (they carry no free text).
var pngKeep = map[string]int64{
	"IHDR": 13, "PLTE": -1, "IDAT": -1, "IEND": 0,
	"tRNS": -1, "gAMA": 4, "cHRM": 32, "sRGB": 1, "iCCP": -1,
	"sBIT": -1, "pHYs": 9, "bKGD": -1, "cICP": 4, "mDCv": 24, "cLLi": 8,
}

// planPNG walks the chunks of a PNG up to IEND.
func planPNG(c *cursor, p *plan) error {
	b, err := c.peek(8)
	if err != nil {
		return err
	}
	if string(b) != string(pngSignature) {
		return corruptf("PNG: bad signature")
	}
	if err := p.copy(0, 8); err != nil {
		return err
	}
	c.pos = 8
	var sawIDAT bool
	var ihdr []byte
	for first := true; ; first = false {
		h, err := c.peek(8)
		if err != nil {
			return err
		}
		n := int64(binary.BigEndian.Uint32(h))
		typ := string(h[4:8])
		if n > 1<<31-1 {
			return corruptf("PNG: chunk length %d", n)
		}
		for _, ch := range []byte(typ) {
			if !(ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z') {
				return corruptf("PNG: bad chunk type %q", typ)
			}
		}
		if first != (typ == "IHDR") {
			return corruptf("PNG: IHDR is not the first chunk, or not the only one")
		}
		start := c.pos
		want, keep := pngKeep[typ]
		if keep && want >= 0 && n != want {
			if typ == "IHDR" || typ == "IEND" {
				return corruptf("PNG: %s chunk of length %d", typ, n)
			}
			keep = false // a malformed ancillary chunk is dropped
		}
		if !keep && typ[0] >= 'A' && typ[0] <= 'Z' {
			return corruptf("PNG: unknown critical chunk %q", typ)
		}
		if typ == "iCCP" || typ == "zTXt" || typ == "iTXt" {
			if err := checkPNGText(c.src, start+8, n, typ); err != nil {
				return err
			}
		}
		if typ == "IDAT" && !sawIDAT {
			// All the image data, up to the last IDAT, inflated once.
			if err := checkIDAT(c.src, c.size, start, ihdr); err != nil {
				return err
			}
		}
		if !keep {
			if err := c.skip(12 + n); err != nil {
				return err
			}
			continue
		}
		if typ == "IHDR" {
			b, err := c.peek(8 + 13)
			if err != nil {
				return err
			}
			ihdr = append([]byte(nil), b[8:]...)
		}
		// Check the CRC of what we keep, so the copy is a valid PNG.
		c.pos += 4
		crc := crc32.NewIEEE()
		if err := c.feed(4+n, func(b []byte) { crc.Write(b) }); err != nil {
			return err
		}
		sum, err := c.peek(4)
		if err != nil {
			return err
		}
		if binary.BigEndian.Uint32(sum) != crc.Sum32() {
			return corruptf("PNG: %s chunk checksum mismatch", typ)
		}
		c.pos += 4
		if err := p.copy(start, 12+n); err != nil {
			return err
		}
		switch typ {
		case "IDAT":
			sawIDAT = true
		case "IEND":
			if !sawIDAT {
				return corruptf("PNG: no image data")
			}
			return nil // anything after IEND is dropped
		}
	}
}

// pngRawSize is how many bytes the image data of a PNG with this IHDR
// inflates to: a filter byte and the packed pixels of each row, per Adam7
// pass when interlaced.
func pngRawSize(ihdr []byte) (uint64, error) {
	if len(ihdr) != 13 {
		return 0, corruptf("PNG: no IHDR")
	}
	w := uint64(binary.BigEndian.Uint32(ihdr[0:]))
	h := uint64(binary.BigEndian.Uint32(ihdr[4:]))
	depth, ct, interlace := uint64(ihdr[8]), ihdr[9], ihdr[12]
	channels := map[byte]uint64{0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ct]
	if channels == 0 || depth == 0 || depth > 16 || w == 0 || h == 0 || w > 1<<31-1 || h > 1<<31-1 || interlace > 1 {
		return 0, corruptf("PNG: invalid IHDR")
	}
	bits := channels * depth
	rows := func(w, h uint64) uint64 {
		if w == 0 || h == 0 {
			return 0
		}
		return h * (1 + (w*bits+7)/8)
	}
	if interlace == 0 {
		return rows(w, h), nil
	}
	// Adam7: starting column and row, and the step between them.
	var n uint64
	for _, p := range [7][4]uint64{{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}} {
		pw := (w + p[2] - 1 - p[0]) / p[2]
		if w <= p[0] {
			pw = 0
		}
		ph := (h + p[3] - 1 - p[1]) / p[3]
		if h <= p[1] {
			ph = 0
		}
		n += rows(pw, ph)
	}
	return n, nil
}

// checkIDAT inflates the image data, from the first IDAT chunk at off to the
// last one, and refuses data that inflates beyond what the header's
// dimensions, colour type and depth need: a decompression bomb for whoever
// views the image. Memory stays at the inflater's window and a buffer.
func checkIDAT(src io.ReaderAt, size, off int64, ihdr []byte) error {
	want, err := pngRawSize(ihdr)
	if err != nil {
		return err
	}
	data := &idatReader{src: src, size: size, pos: off}
	zr, err := zlib.NewReader(bufio.NewReaderSize(data, 32<<10))
	if err != nil {
		if data.err != nil {
			return data.err
		}
		return corruptf("PNG: image data: %v", err)
	}
	defer zr.Close()
	n, err := io.CopyBuffer(io.Discard, io.LimitReader(zr, int64(min(want, 1<<62))+1), make([]byte, 32<<10))
	switch {
	case data.err != nil:
		return data.err
	case uint64(n) > want:
		return corruptf("PNG: image data inflates beyond the %d bytes its %d×%d header allows", want,
			binary.BigEndian.Uint32(ihdr), binary.BigEndian.Uint32(ihdr[4:]))
	case err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, zlib.ErrChecksum):
		return corruptf("PNG: image data: %v", err)
	}
	// Short or unchecked data shows as a partly drawn image: harmless.
	return nil
}

// idatReader serves the data of consecutive IDAT chunks from pos, the
// first one's length field, walking chunk headers as it goes.
type idatReader struct {
	src  io.ReaderAt
	size int64
	pos  int64 // next chunk header, when left == 0
	left int64 // bytes of the current chunk's data not yet served
	done bool
	err  error // a failure to read src
}

func (r *idatReader) Read(p []byte) (int, error) {
	for r.left == 0 {
		if r.done {
			return 0, io.EOF
		}
		var h [8]byte
		if r.pos+8 > r.size {
			r.done = true
			return 0, io.EOF
		}
		if _, err := r.src.ReadAt(h[:], r.pos); err != nil {
			r.err = fmt.Errorf("media: reading source: %w", err)
			return 0, r.err
		}
		if string(h[4:]) != "IDAT" {
			r.done = true
			return 0, io.EOF
		}
		n := int64(binary.BigEndian.Uint32(h[:]))
		if n > r.size-r.pos-12 {
			r.done = true
			return 0, io.EOF
		}
		r.pos += 8
		r.left = n
		if n == 0 {
			r.pos += 4
		}
	}
	if int64(len(p)) > r.left {
		p = p[:r.left]
	}
	n, err := r.src.ReadAt(p, r.pos)
	r.pos += int64(n)
	r.left -= int64(n)
	if n < len(p) {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		r.err = fmt.Errorf("media: reading source: %w", err)
		return n, r.err
	}
	if r.left == 0 {
		r.pos += 4 // CRC
	}
	return n, nil
}

// checkPNGText refuses a compressed ancillary chunk (iCCP, zTXt, or a
// compressed iTXt) whose text or profile inflates beyond
// maxPNGChunkInflated. Chunks too short or malformed to hold compressed
// data are left to the rest of the walk.
func checkPNGText(src io.ReaderAt, off, n int64, typ string) error {
	head := make([]byte, min(n, 512))
	if _, err := src.ReadAt(head, off); err != nil && err != io.EOF {
		return fmt.Errorf("media: reading source: %w", err)
	}
	i := bytes.IndexByte(head, 0) // end of the keyword or profile name
	if i < 0 {
		return nil
	}
	skip := int64(i + 2) // NUL and compression method
	if typ == "iTXt" {
		if i+2 >= len(head) || head[i+1] == 0 {
			return nil // not compressed
		}
		// flag, method, language tag NUL, translated keyword NUL
		j := bytes.IndexByte(head[i+3:], 0)
		if j < 0 {
			return nil
		}
		k := bytes.IndexByte(head[i+3+j+1:], 0)
		if k < 0 {
			return nil
		}
		skip = int64(i + 3 + j + 1 + k + 1)
	}
	if skip >= n {
		return nil
	}
	zr, err := zlib.NewReader(io.NewSectionReader(src, off+skip, n-skip))
	if err != nil {
		return nil // not inflatable: no viewer inflates it either
	}
	defer zr.Close()
	m, _ := io.CopyBuffer(io.Discard, io.LimitReader(zr, maxPNGChunkInflated+1), make([]byte, 32<<10))
	if m > maxPNGChunkInflated {
		return corruptf("PNG: %s chunk inflating beyond %d bytes", typ, maxPNGChunkInflated)
	}
	return nil
}
