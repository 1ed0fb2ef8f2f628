package media

import (
	"bytes"
	"encoding/binary"
)

// planJPEG walks the marker segments and scans of a JPEG (ITU T.81 B.1).
func planJPEG(c *cursor, p *plan) error {
	b, err := c.peek(2)
	if err != nil {
		return err
	}
	if b[0] != 0xFF || b[1] != 0xD8 {
		return corruptf("JPEG: no SOI")
	}
	if err := p.copy(0, 2); err != nil {
		return err
	}
	c.pos = 2
	var sawFrame, sawScan, sawJFIF, sawAdobe, sawExif bool
	for {
		m, err := nextMarker(c)
		if err != nil {
			return err
		}
		start := c.pos - 2
		switch {
		case m == 0xD9: // EOI: anything after it is dropped
			if !sawScan {
				return corruptf("JPEG: EOI before any scan")
			}
			return p.copy(start, 2)
		case m >= 0xD0 && m <= 0xD7:
			// A restart marker after the last scan; decoders ignore it.
			if err := p.copy(start, 2); err != nil {
				return err
			}
			continue
		case m == 0x01: // TEM, no payload
			continue
		case m == 0x00 || m == 0xD8:
			return corruptf("JPEG: unexpected marker 0x%02X at %d", m, start)
		}
		h, err := c.peek(2)
		if err != nil {
			return err
		}
		l := int64(binary.BigEndian.Uint16(h))
		if l < 2 {
			return corruptf("JPEG: segment length %d at %d", l, start)
		}
		// The first bytes of the payload say what an APPn segment is.
		var id []byte
		if l > 2 {
			if id, err = c.peek(int(min(l, 16))); err != nil {
				return err
			}
			id = id[2:]
		}
		switch {
		case isSOF(m):
			// Sniff checked the first frame header's size against the
			// pixel budget; a second one could claim any size.
			if sawFrame {
				return corruptf("JPEG: second frame header at %d", start)
			}
			sawFrame = true
			err = p.copy(start, 2+l)
		case m == 0xC4 || m == 0xCC || (m >= 0xDB && m <= 0xDF): // DHT, DAC, DQT, DNL, DRI, DHP, EXP
			err = p.copy(start, 2+l)
		case m == 0xDA: // SOS, then entropy-coded data
			if !sawFrame {
				return corruptf("JPEG: scan before frame header")
			}
			sawScan = true
			if err := p.copy(start, 2+l); err != nil {
				return err
			}
			if err := c.skip(l); err != nil {
				return err
			}
			if err := scanEntropy(c, p); err != nil {
				return err
			}
			continue
		case m == 0xE0: // APP0: keep JFIF's fixed fields, not its thumbnail
			if !sawJFIF && l >= 16 && hasPrefix(id, "JFIF\x00") {
				sawJFIF = true
				seg := append([]byte{0xFF, 0xE0, 0x00, 0x10}, id[:12]...)
				err = p.literal(append(seg, 0, 0))
			}
		case m == 0xE2: // APP2: keep only the ICC profile
			if l >= 16 && hasPrefix(id, "ICC_PROFILE\x00") {
				err = p.copy(start, 2+l)
			}
		case m == 0xEE: // APP14: keep Adobe's colour transform
			if !sawAdobe && l >= 14 && hasPrefix(id, "Adobe") {
				sawAdobe = true
				err = p.literal(append([]byte{0xFF, 0xEE, 0x00, 0x0E}, id[:12]...))
			}
		case m == 0xE1 && !sawExif && hasPrefix(id, "Exif\x00\x00"):
			// Keep only the orientation: without it, portrait photos from
			// phones show sideways.
			sawExif = true
			seg, err := c.peek(int(l))
			if err != nil {
				return err
			}
			if o := exifOrientation(seg[2+6:]); o > 1 && int64(len(orientationSegment(o))) <= 2+l {
				err = p.literal(orientationSegment(o))
			}
			if err != nil {
				return err
			}
		case m >= 0xE0 && m <= 0xEF, m == 0xFE:
			// Other APPn (EXIF, XMP, IPTC, MPF, maker data) and COM: dropped.
		default:
			return corruptf("JPEG: unsupported marker 0x%02X at %d", m, start)
		}
		if err != nil {
			return err
		}
		if err := c.skip(l); err != nil {
			return err
		}
	}
}

// nextMarker reads a marker at pos, skipping fill bytes, and leaves pos
// after it.
func nextMarker(c *cursor) (byte, error) {
	b, err := c.peek(2)
	if err != nil {
		return 0, err
	}
	if b[0] != 0xFF {
		return 0, corruptf("JPEG: expected a marker at %d", c.pos)
	}
	for {
		if b[1] != 0xFF {
			c.pos += 2
			return b[1], nil
		}
		c.pos++
		if b, err = c.peek(2); err != nil {
			return 0, err
		}
	}
}

// scanEntropy keeps entropy-coded data up to the next marker that is not a
// stuffed byte or a restart marker, and leaves pos on that marker.
func scanEntropy(c *cursor, p *plan) error {
	start := c.pos
	for {
		w, err := c.window()
		if err != nil {
			return err
		}
		i := bytes.IndexByte(w, 0xFF)
		if i < 0 {
			c.pos += int64(len(w))
			continue
		}
		c.pos += int64(i)
		b, err := c.peek(2)
		if err != nil {
			return err
		}
		if b[1] == 0x00 || (b[1] >= 0xD0 && b[1] <= 0xD7) {
			c.pos += 2
			continue
		}
		return p.copy(start, c.pos-start)
	}
}

// exifOrientation returns the Orientation tag (1–8) of IFD0 in an EXIF
// TIFF structure, or 0.
func exifOrientation(tiff []byte) uint16 {
	if len(tiff) < 8 {
		return 0
	}
	var bo binary.ByteOrder
	switch string(tiff[:4]) {
	case "II*\x00":
		bo = binary.LittleEndian
	case "MM\x00*":
		bo = binary.BigEndian
	default:
		return 0
	}
	ifd := int64(bo.Uint32(tiff[4:]))
	if ifd < 8 || ifd+2 > int64(len(tiff)) {
		return 0
	}
	n := int64(bo.Uint16(tiff[ifd:]))
	for i := range n {
		e := ifd + 2 + 12*i
		if e+12 > int64(len(tiff)) {
			return 0
		}
		if bo.Uint16(tiff[e:]) == 0x0112 && bo.Uint16(tiff[e+2:]) == 3 && bo.Uint32(tiff[e+4:]) == 1 {
			if o := bo.Uint16(tiff[e+8:]); o >= 1 && o <= 8 {
				return o
			}
			return 0
		}
	}
	return 0
}

// orientationSegment is an APP1 EXIF segment holding only an Orientation
// tag.
func orientationSegment(o uint16) []byte {
	return []byte{
		0xFF, 0xE1, 0x00, 0x22, 'E', 'x', 'i', 'f', 0, 0,
		'M', 'M', 0, '*', 0, 0, 0, 8, // TIFF header, IFD0 at 8
		0, 1, // one entry
		0x01, 0x12, 0, 3, 0, 0, 0, 1, byte(o >> 8), byte(o), 0, 0, // Orientation, SHORT, 1
		0, 0, 0, 0, // no next IFD
	}
}
