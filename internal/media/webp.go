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
			x[8] &^= 0x08 | 0x04 // EXIF and XMP present
			err = p.literal(x)
			if err != nil {
				return err
			}
		case "VP8 ", "VP8L", "ANMF":
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
