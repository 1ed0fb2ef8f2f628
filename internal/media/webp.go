package media

import (
	"encoding/binary"
	"fmt"
)

// planWebP walks the chunks of a RIFF WebP container.
func planWebP(c *cursor, p *plan) error {
	b, err := c.peek(12)
	if err != nil {
		return err
	}
	if string(b[:4]) != "RIFF" || string(b[8:12]) != "WEBP" {
		return corruptf("WebP: bad RIFF header")
	}
	end := 8 + int64(binary.LittleEndian.Uint32(b[4:]))
	if end > c.size {
		return corruptf("WebP: RIFF size %d beyond the file", end-8)
	}
	header := append([]byte(nil), b[:12]...)
	if err := p.literal(header); err != nil {
		return err
	}
	c.pos = 12
	var sawImage bool
	var canvasW, canvasH int64 // from VP8X; 0 for a simple WebP
	for first := true; c.pos < end; first = false {
		if end-c.pos < 8 {
			return corruptf("WebP: truncated chunk header")
		}
		h, err := c.peek(8)
		if err != nil {
			return err
		}
		id := string(h[:4])
		n := int64(binary.LittleEndian.Uint32(h[4:]))
		if n > end-c.pos-8 {
			return corruptf("WebP: %q chunk runs past the RIFF end", id)
		}
		padded := n + n&1
		missingPad := padded > end-c.pos-8 // some writers omit the last pad byte
		if missingPad {
			padded = n
		}
		start := c.pos
		switch id {
		case "VP8X":
			if !first || n != 10 {
				return corruptf("WebP: misplaced or bad VP8X chunk")
			}
			x, err := c.peek(18)
			if err != nil {
				return err
			}
			x = append([]byte(nil), x...)
			canvasW = int64(uint32(x[12])|uint32(x[13])<<8|uint32(x[14])<<16) + 1
			canvasH = int64(uint32(x[15])|uint32(x[16])<<8|uint32(x[17])<<16) + 1
			x[8] &^= 0x08 | 0x04 // EXIF and XMP present
			err = p.literal(x)
			if err != nil {
				return err
			}
		case "VP8 ", "VP8L", "ANMF":
			// Sniff checked the first header's size against the pixel
			// budget: every frame must fit in it.
			if sawImage && canvasW == 0 {
				return corruptf("WebP: second image in a simple file")
			}
			if err := checkWebPFrame(c, id, n, canvasW, canvasH); err != nil {
				return err
			}
			sawImage = true
			fallthrough
		case "ALPH", "ICCP", "ANIM":
			if err := p.copy(start, 8+padded); err != nil {
				return err
			}
			if missingPad {
				if err := p.literal([]byte{0}); err != nil {
					return err
				}
			}
		default:
			if first {
				return corruptf("WebP: unexpected first chunk %q", id)
			}
			// EXIF, XMP and unknown chunks: dropped.
		}
		if err := c.skip(8 + padded); err != nil {
			return err
		}
	}
	if !sawImage {
		return corruptf("WebP: no image data")
	}
	if p.n-8 > 1<<32-1 {
		return fmt.Errorf("%w: WebP too large", ErrCorrupt)
	}
	binary.LittleEndian.PutUint32(header[4:], uint32(p.n-8))
	return nil
}

// checkWebPFrame refuses an image chunk of an extended file whose size
// exceeds the canvas, which Sniff checked against the pixel budget. (A
// simple file's one image is what Sniff checked.)
func checkWebPFrame(c *cursor, id string, n, canvasW, canvasH int64) error {
	if need := map[string]int64{"VP8 ": 10, "VP8L": 5, "ANMF": 16}[id]; n < need {
		return corruptf("WebP: %q chunk too short", id)
	}
	b, err := c.peek(8 + int(min(n, 16)))
	if err != nil {
		return err
	}
	d := b[8:]
	var w, h int64
	switch id {
	case "VP8 ":
		if d[3] != 0x9d || d[4] != 0x01 || d[5] != 0x2a {
			return corruptf("WebP: bad VP8 start code")
		}
		w = int64(binary.LittleEndian.Uint16(d[6:]) & 0x3fff)
		h = int64(binary.LittleEndian.Uint16(d[8:]) & 0x3fff)
	case "VP8L":
		if d[0] != 0x2f {
			return corruptf("WebP: bad VP8L signature")
		}
		v := binary.LittleEndian.Uint32(d[1:])
		w, h = int64(v&0x3fff)+1, int64(v>>14&0x3fff)+1
	case "ANMF":
		if n < 16 || canvasW == 0 {
			return corruptf("WebP: misplaced or short ANMF chunk")
		}
		x := int64(uint32(d[0])|uint32(d[1])<<8|uint32(d[2])<<16) * 2
		y := int64(uint32(d[3])|uint32(d[4])<<8|uint32(d[5])<<16) * 2
		w = int64(uint32(d[6])|uint32(d[7])<<8|uint32(d[8])<<16) + 1
		h = int64(uint32(d[9])|uint32(d[10])<<8|uint32(d[11])<<16) + 1
		if x+w > canvasW || y+h > canvasH {
			return corruptf("WebP: animation frame %d×%d at %d,%d outside the %d×%d canvas", w, h, x, y, canvasW, canvasH)
		}
		return nil
	}
	if canvasW > 0 && (w > canvasW || h > canvasH) {
		return corruptf("WebP: %d×%d image on a %d×%d canvas", w, h, canvasW, canvasH)
	}
	return nil
}
