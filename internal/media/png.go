package media

import (
	"encoding/binary"
	"hash/crc32"
)

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
		if !keep {
			if err := c.skip(12 + n); err != nil {
				return err
			}
			continue
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
