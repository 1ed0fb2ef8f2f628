package media

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Sanitize returns a reader producing a copy of the file in src (size
// bytes, random access) without its metadata, and the exact length of that
// copy. t must be a Sanitizable type. PDF (pdfsafe.go), DOCX and XLSX
// (officesafe.go), MP3, M4A and MP4 (avsafe.go) are described where they are
// made; what follows is about images.
//
// Sanitize reads src twice: once now, to plan the copy, and again while the
// returned reader is read. It holds at most a 64 KiB buffer and the plan (a
// bounded list of byte ranges), never the image, and it never re-encodes:
// what it keeps is copied byte for byte.
//
//   - JPEG: keeps the frame, tables, scans (the entropy-coded data verbatim)
//     and EOI; keeps APP2 ICC_PROFILE; rewrites APP0 JFIF and APP14 Adobe to
//     their fixed fields (dropping the JFIF thumbnail); replaces the EXIF
//     APP1 with one holding only its Orientation tag, when that is not 1
//     (phones store portrait photos sideways and rely on it); drops every
//     other APP1 (XMP), APP13 (IPTC, Photoshop), COM, every other APPn and
//     anything after EOI (such as the second image of an MPF file).
//   - PNG: keeps the critical chunks and PLTE, tRNS, gAMA, cHRM, sRGB, iCCP,
//     sBIT, pHYs, bKGD, cICP, mDCv and cLLi; drops tEXt, zTXt, iTXt, eXIf,
//     tIME, APNG animation chunks, every other chunk and anything after IEND.
//     Kept chunks are copied whole after their CRC is checked.
//   - WebP: keeps VP8X (with its EXIF and XMP flags cleared), ICCP, ANIM,
//     ANMF, ALPH, VP8 and VP8L; drops EXIF, XMP and unknown chunks, and
//     writes a RIFF header with the new size.
//
// Sanitize also refuses (ErrCorrupt) what would make a viewer of the copy or
// of the original use far more memory than the header Sniff checked
// promises: a second JPEG frame header; a WebP image or animation frame
// larger than its canvas, or a second image in a simple WebP; PNG image data
// inflating beyond what IHDR's size, colour type, depth and interlacing need
// (the IDAT stream is inflated once, through a bounded reader, to check);
// and iCCP, zTXt or iTXt chunks inflating beyond 4 MiB.
//
// The copy is never longer than the original plus one byte (a RIFF pad
// byte the original lacked). Errors wrap ErrUnsupported for a type that
// cannot be sanitized (and for a PDF, DOCX or XLSX over MaxSafeCopyBytes,
// wrapping ErrTooLargeForCopy too, or with content refused) and ErrCorrupt
// for a broken structure; a failure to read src is returned as such. The returned reader reports
// io.ErrUnexpectedEOF if src has shrunk since.
func Sanitize(t Type, src io.ReaderAt, size int64) (io.Reader, int64, error) {
	if size < 0 {
		return nil, 0, errors.New("media: negative size")
	}
	c := func() *cursor { return &cursor{src: src, size: size, buf: make([]byte, 64<<10)} }
	var p plan
	var err error
	switch t {
	case JPEG:
		err = planJPEG(c(), &p)
	case PNG:
		err = planPNG(c(), &p)
	case WebP:
		err = planWebP(c(), &p)
	case DOCX, XLSX:
		b, err := sanitizeOffice(t, src, size)
		if err != nil {
			return nil, 0, err
		}
		return bytes.NewReader(b), int64(len(b)), nil
	case MP3:
		err = planMP3(src, size, &p)
	case M4A, MP4:
		err = planISO(src, size, &p)
	case PDF:
		b, err := sanitizePDF(src, size)
		if err != nil {
			return nil, 0, err
		}
		return bytes.NewReader(b), int64(len(b)), nil
	default:
		return nil, 0, unsupported(fmt.Sprintf("cannot sanitize %s", t.MIME))
	}
	if err != nil {
		return nil, 0, err
	}
	return &planReader{src: src, parts: p.parts}, p.n, nil
}

// maxParts bounds the plan. Real images need a handful of ranges: kept
// pieces next to each other merge into one.
const maxParts = 4096

// part is a piece of the output: n bytes of src at off, or lit, or n zero
// bytes.
type part struct {
	off, n int64
	lit    []byte
	zero   bool
}

type plan struct {
	parts []part
	n     int64
}

func (p *plan) copy(off, n int64) error {
	if n <= 0 {
		return nil
	}
	if k := len(p.parts); k > 0 && p.parts[k-1].lit == nil && !p.parts[k-1].zero && p.parts[k-1].off+p.parts[k-1].n == off {
		p.parts[k-1].n += n
		p.n += n
		return nil
	}
	return p.add(part{off: off, n: n})
}

func (p *plan) literal(b []byte) error {
	return p.add(part{n: int64(len(b)), lit: b})
}

// zeros adds n zero bytes, merged with zeros just before.
func (p *plan) zeros(n int64) error {
	if n <= 0 {
		return nil
	}
	if k := len(p.parts); k > 0 && p.parts[k-1].zero {
		p.parts[k-1].n += n
		p.n += n
		return nil
	}
	return p.add(part{n: n, zero: true})
}

func (p *plan) add(x part) error {
	if len(p.parts) >= maxParts {
		return corruptf("too many pieces to keep")
	}
	p.parts = append(p.parts, x)
	p.n += x.n
	return nil
}

// planReader streams a plan.
type planReader struct {
	src   io.ReaderAt
	parts []part
	done  int64 // bytes of parts[0] already read
}

func (r *planReader) Read(b []byte) (int, error) {
	for len(r.parts) > 0 {
		p := &r.parts[0]
		if r.done == p.n {
			r.parts, r.done = r.parts[1:], 0
			continue
		}
		if len(b) == 0 {
			return 0, nil
		}
		if rem := p.n - r.done; int64(len(b)) > rem {
			b = b[:rem]
		}
		if p.zero {
			clear(b)
			r.done += int64(len(b))
			return len(b), nil
		}
		if p.lit != nil {
			n := copy(b, p.lit[r.done:])
			r.done += int64(n)
			return n, nil
		}
		n, err := r.src.ReadAt(b, p.off+r.done)
		r.done += int64(n)
		if n == len(b) {
			return n, nil
		}
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return n, err
	}
	return 0, io.EOF
}

// cursor reads src forward through a fixed buffer, and skips without
// reading.
type cursor struct {
	src    io.ReaderAt
	size   int64
	pos    int64
	buf    []byte
	bufOff int64 // offset of buf[0] in src
	bufLen int
}

// window returns the bytes from pos to the end of the buffer, refilling it
// when pos is outside, and at least 1 byte. It is ErrCorrupt to call it at
// the end of src.
func (c *cursor) window() ([]byte, error) {
	if c.pos >= c.size {
		return nil, corruptf("unexpected end of file at %d", c.pos)
	}
	if c.pos < c.bufOff || c.pos >= c.bufOff+int64(c.bufLen) {
		if err := c.fill(); err != nil {
			return nil, err
		}
	}
	return c.buf[c.pos-c.bufOff : c.bufLen], nil
}

// peek returns the n bytes at pos (n ≤ len(buf)) without moving.
func (c *cursor) peek(n int) ([]byte, error) {
	if c.pos+int64(n) > c.size {
		return nil, corruptf("unexpected end of file at %d", c.pos)
	}
	if c.pos < c.bufOff || c.pos+int64(n) > c.bufOff+int64(c.bufLen) {
		if err := c.fill(); err != nil {
			return nil, err
		}
	}
	i := c.pos - c.bufOff
	return c.buf[i : i+int64(n)], nil
}

func (c *cursor) fill() error {
	want := int(min(int64(len(c.buf)), c.size-c.pos))
	n, err := c.src.ReadAt(c.buf[:want], c.pos)
	if n < want {
		c.bufLen = 0
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return fmt.Errorf("media: reading source: %w", err)
	}
	c.bufOff, c.bufLen = c.pos, want
	return nil
}

// skip moves n bytes forward, failing past the end of src.
func (c *cursor) skip(n int64) error {
	if n < 0 || n > c.size-c.pos {
		return corruptf("unexpected end of file at %d", c.pos)
	}
	c.pos += n
	return nil
}

// feed passes the next n bytes to fn in pieces and moves past them.
func (c *cursor) feed(n int64, fn func([]byte)) error {
	if n < 0 || n > c.size-c.pos {
		return corruptf("unexpected end of file at %d", c.pos)
	}
	for n > 0 {
		w, err := c.window()
		if err != nil {
			return err
		}
		if int64(len(w)) > n {
			w = w[:n]
		}
		fn(w)
		c.pos += int64(len(w))
		n -= int64(len(w))
	}
	return nil
}

// hasPrefix is bytes.HasPrefix for a string prefix.
func hasPrefix(b []byte, s string) bool { return bytes.HasPrefix(b, []byte(s)) }
