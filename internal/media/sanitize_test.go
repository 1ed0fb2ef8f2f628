package media

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"runtime"
	"testing"

	"golang.org/x/image/webp"
)

// sanitize runs Sanitize on b and reads the whole copy, checking that the
// announced length is right and that b is left as it was.
func sanitize(t *testing.T, typ Type, b []byte) []byte {
	t.Helper()
	orig := bytes.Clone(b)
	r, n, err := Sanitize(typ, bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("Sanitize: %v", err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("reading the copy: %v", err)
	}
	if int64(len(out)) != n {
		t.Errorf("Sanitize announced %d bytes, produced %d", n, len(out))
	}
	if !bytes.Equal(b, orig) {
		t.Error("Sanitize changed the original")
	}
	if got, _, err := Sniff(out, testMaxPixels); err != nil || got != typ {
		t.Errorf("the copy sniffs as %+v, %v", got, err)
	}
	return out
}

// mustContain checks that every needle is in b: the input of a test must
// really carry what the test expects to see removed.
func mustContain(t *testing.T, what string, b []byte, needles ...string) {
	t.Helper()
	for _, n := range needles {
		if !bytes.Contains(b, []byte(n)) {
			t.Errorf("%s lacks %q", what, n)
		}
	}
}

func mustNotContain(t *testing.T, what string, b []byte, needles ...string) {
	t.Helper()
	for _, n := range needles {
		if bytes.Contains(b, []byte(n)) {
			t.Errorf("%s still contains %q", what, n)
		}
	}
}

func samePixels(t *testing.T, a, b image.Image) {
	t.Helper()
	if a.Bounds() != b.Bounds() {
		t.Fatalf("bounds %v, want %v", b.Bounds(), a.Bounds())
	}
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, a1 := a.At(x, y).RGBA()
			r2, g2, b2, a2 := b.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
				t.Fatalf("pixel (%d,%d) differs", x, y)
			}
		}
	}
}

func decodeWith(t *testing.T, decode func(io.Reader) (image.Image, error), b []byte) image.Image {
	t.Helper()
	m, err := decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	return m
}

// Metadata that must not survive, as it appears in the samples.
var secrets = []string{
	"GPS-CAM", string(gpsLatitude), string(gpsLongitude), "GPSLatitude",
	"http://ns.adobe.com/xap", "Photoshop 3.0", "Ha Noi", "secret", "TNX", "MPF\x00", "TRAILER",
}

func TestSanitizeJPEG(t *testing.T) {
	base := makeJPEG(t, 64, 48)
	in := insertAfterSOI(base, segJFIFThumb, segExif, segXMP, segIPTC, segICC, segMPF, segAdobe, segCOM)
	in = append(in, "TRAILER: a second image would be here in an MPF file"...)
	mustContain(t, "input", in, secrets...)

	out := sanitize(t, JPEG, in)
	mustNotContain(t, "copy", out, secrets...)
	mustContain(t, "copy", out, "JFIF\x00", "ICC_PROFILE\x00\x01\x01fake-icc-profile-bytes", "Adobe\x00\x64",
		string(orientationSegment(6)))
	if !bytes.HasSuffix(out, []byte{0xFF, 0xD9}) {
		t.Error("the copy does not end with EOI")
	}
	// SOI, the four kept or rewritten segments, then the encoder's output
	// byte for byte.
	want := len(base) + 18 + 36 + len(segICC) + 16
	if len(out) != want {
		t.Errorf("copy is %d bytes, want %d", len(out), want)
	}
	if !bytes.HasSuffix(out, base[2:]) {
		t.Error("tables and entropy-coded data were not copied verbatim")
	}
	samePixels(t, decodeWith(t, jpeg.Decode, in), decodeWith(t, jpeg.Decode, out))
}

func TestSanitizeJPEGFromLibjpeg(t *testing.T) {
	for _, tt := range []struct {
		file  string
		scans int // at least
		rst   int // at least
	}{
		{"testdata/progressive.jpg", 5, 0},
		{"testdata/restart.jpg", 1, 10},
	} {
		t.Run(tt.file, func(t *testing.T) {
			in, err := os.ReadFile(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			mustContain(t, "input", in, "GPS-CAM", string(gpsLatitude), "http://ns.adobe.com/xap", "secret comment")
			out := sanitize(t, JPEG, in)
			mustNotContain(t, "copy", out, "GPS-CAM", string(gpsLatitude), "http://ns.adobe.com/xap", "secret comment")
			rst := 0
			for m := byte(0xD0); m <= 0xD7; m++ {
				c, d := bytes.Count(in, []byte{0xFF, m}), bytes.Count(out, []byte{0xFF, m})
				if c != d {
					t.Errorf("restart marker %02X: %d in the input, %d in the copy", m, c, d)
				}
				rst += d
			}
			if rst < tt.rst {
				t.Errorf("%d restart markers, want at least %d", rst, tt.rst)
			}
			if n := bytes.Count(out, []byte{0xFF, 0xDA}); n < tt.scans {
				t.Errorf("%d scans, want at least %d", n, tt.scans)
			}
			samePixels(t, decodeWith(t, jpeg.Decode, in), decodeWith(t, jpeg.Decode, out))
		})
	}
}

func TestSanitizeJPEGOrientation(t *testing.T) {
	base := makeJPEG(t, 8, 8)
	for _, tt := range []struct {
		name string
		exif []byte
		want []byte // the APP1 segment in the copy
	}{
		{"little-endian 6", exifTIFFOrientation(6), orientationSegment(6)},
		{"little-endian 8", exifTIFFOrientation(8), orientationSegment(8)},
		{"big-endian 3", []byte("MM\x00*\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x03\x00\x00\x00\x00\x00\x00"), orientationSegment(3)},
		{"orientation 1 is the default", exifTIFFOrientation(1), nil},
		{"no orientation", exifTIFFOrientation(0), nil},
		{"orientation out of range", exifTIFFOrientation(9), nil},
		{"IFD past the end", []byte("II*\x00\xff\x00\x00\x00"), nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := sanitize(t, JPEG, insertAfterSOI(base, jpegSegment(0xE1, append([]byte("Exif\x00\x00"), tt.exif...))))
			want := insertAfterSOI(base, tt.want)
			if !bytes.Equal(out, want) {
				t.Errorf("copy is %d bytes, want %d (orientation segment %x)", len(out), len(want), tt.want)
			}
		})
	}
}

func TestSanitizeJPEGWithoutMetadataIsUnchanged(t *testing.T) {
	in := makeJPEG(t, 32, 32)
	if out := sanitize(t, JPEG, in); !bytes.Equal(out, in) {
		t.Error("a JPEG without metadata changed")
	}
}

func TestSanitizeJPEGCorrupt(t *testing.T) {
	j := makeJPEG(t, 16, 16)
	sos := bytes.Index(j, []byte{0xFF, 0xDA})
	for name, in := range map[string][]byte{
		"no EOI":              j[:len(j)-2],
		"cut in a segment":    j[:sos-3],
		"scan before frame":   append([]byte{0xFF, 0xD8}, j[sos:]...),
		"unknown marker":      insertAfterSOI(j, jpegSegment(0xC8, []byte("JPG"))),
		"no SOI":              j[2:],
		"segment length 1":    insertAfterSOI(j, []byte{0xFF, 0xE1, 0x00, 0x01}),
		"EOI before any scan": {0xFF, 0xD8, 0xFF, 0xD9},
		"png bytes":           makePNG(t, 4, 4),
	} {
		t.Run(name, func(t *testing.T) {
			if _, _, err := Sanitize(JPEG, bytes.NewReader(in), int64(len(in))); !errors.Is(err, ErrCorrupt) {
				t.Errorf("Sanitize: %v, want ErrCorrupt", err)
			}
		})
	}
}

func TestSanitizePNG(t *testing.T) {
	base := makePNG(t, 40, 30)
	gama := pngChunk("gAMA", []byte{0, 0, 0xB1, 0x8F})
	phys := pngChunk("pHYs", []byte{0, 0, 0x0B, 0x13, 0, 0, 0x0B, 0x13, 1})
	in := insertAfterIHDR(base,
		gama,
		pngChunk("tEXt", []byte("Comment\x00secret: GPS-CAM")),
		pngChunk("zTXt", []byte("Raw profile type exif\x00\x00x\x9c\x03\x00\x00\x00\x00\x01")),
		pngChunk("iTXt", []byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00"+xmpPacket)),
		pngChunk("eXIf", exifTIFF()),
		pngChunk("tIME", []byte{0x07, 0xE9, 11, 27, 9, 30, 0}),
		phys,
		pngChunk("prVt", []byte("private ancillary chunk")),
		pngChunk("acTL", []byte{0, 0, 0, 1, 0, 0, 0, 0}),
	)
	in = insertBeforeIEND(in, pngChunk("tEXt", []byte("Author\x00TNX")))
	in = append(in, "TRAILER after IEND"...)
	mustContain(t, "input", in, "GPS-CAM", string(gpsLatitude), "exif:GPSLatitude", "TNX", "tIME", "prVt", "acTL", "TRAILER")

	out := sanitize(t, PNG, in)
	mustNotContain(t, "copy", out, "GPS-CAM", string(gpsLatitude), "exif:GPSLatitude", "TNX",
		"tEXt", "zTXt", "iTXt", "eXIf", "tIME", "prVt", "acTL", "TRAILER")
	if want := insertAfterIHDR(base, gama, phys); !bytes.Equal(out, want) {
		t.Errorf("copy is not the encoder's output plus gAMA and pHYs (%d bytes, want %d)", len(out), len(want))
	}
	samePixels(t, decodeWith(t, png.Decode, in), decodeWith(t, png.Decode, out))
}

func TestSanitizePNGCorrupt(t *testing.T) {
	p := makePNG(t, 8, 8)
	badIDAT := bytes.Clone(p)
	badIDAT[bytes.Index(p, []byte("IDAT"))+6] ^= 0xFF
	for name, in := range map[string][]byte{
		"IDAT checksum":        badIDAT,
		"no IEND":              p[:len(p)-12],
		"unknown critical":     insertAfterIHDR(p, pngChunk("ZZZZ", nil)),
		"second IHDR":          insertAfterIHDR(p, p[8:33]),
		"bad chunk type":       insertAfterIHDR(p, pngChunk("a1b2", nil)),
		"chunk past the end":   insertBeforeIEND(p, []byte{0, 0, 0x10, 0, 't', 'E', 'X', 't'}),
		"no image data":        append(bytes.Clone(p[:33]), pngChunk("IEND", nil)...),
		"bad signature":        append([]byte("\x89PNG\r\n\x1a\x00"), p[8:]...),
		"huge chunk length":    insertAfterIHDR(p, []byte{0x80, 0, 0, 0, 't', 'E', 'X', 't'}),
		"IHDR of wrong length": append(append(bytes.Clone(pngSignature), pngChunk("IHDR", make([]byte, 12))...), p[33:]...),
	} {
		t.Run(name, func(t *testing.T) {
			if _, _, err := Sanitize(PNG, bytes.NewReader(in), int64(len(in))); !errors.Is(err, ErrCorrupt) {
				t.Errorf("Sanitize: %v, want ErrCorrupt", err)
			}
		})
	}
}

// webpChunks lists the chunk ids of a WebP and checks its RIFF size.
func webpChunks(t *testing.T, b []byte) []string {
	t.Helper()
	if got := binary.LittleEndian.Uint32(b[4:]); int(got) != len(b)-8 {
		t.Errorf("RIFF size %d, want %d", got, len(b)-8)
	}
	var ids []string
	for pos := 12; pos+8 <= len(b); {
		n := int(binary.LittleEndian.Uint32(b[pos+4:]))
		ids = append(ids, string(b[pos:pos+4]))
		pos += 8 + n + n&1
	}
	return ids
}

func TestSanitizeWebP(t *testing.T) {
	lossy, err := os.ReadFile("testdata/lossy-exif.webp")
	if err != nil {
		t.Fatal(err)
	}
	for name, in := range map[string][]byte{
		"lossless built here": makeWebPWithMetadata(24, 10),
		"lossy made by cwebp": lossy,
	} {
		t.Run(name, func(t *testing.T) {
			mustContain(t, "input", in, "GPS-CAM", string(gpsLatitude), "exif:GPSLatitude")
			if in[20]&0x0C != 0x0C {
				t.Fatalf("input VP8X flags %02x lack EXIF and XMP", in[20])
			}
			out := sanitize(t, WebP, in)
			mustNotContain(t, "copy", out, "GPS-CAM", string(gpsLatitude), "exif:GPSLatitude")
			ids := webpChunks(t, out)
			if len(ids) != 2 || ids[0] != "VP8X" || (ids[1] != "VP8L" && ids[1] != "VP8 ") {
				t.Errorf("chunks %q, want VP8X and the bitstream", ids)
			}
			if out[20] != in[20]&^0x0C {
				t.Errorf("VP8X flags %02x, want %02x", out[20], in[20]&^0x0C)
			}
			samePixels(t, decodeWith(t, webp.Decode, in), decodeWith(t, webp.Decode, out))
		})
	}
}

func TestSanitizeWebPSimpleIsUnchanged(t *testing.T) {
	in := makeWebP(9, 7)
	if out := sanitize(t, WebP, in); !bytes.Equal(out, in) {
		t.Error("a WebP without metadata changed")
	}
}

func TestSanitizeWebPMissingPad(t *testing.T) {
	// Some writers omit the pad byte after an odd-sized last chunk; the
	// copy gets one, so its chunks stay aligned.
	vp8l := makeVP8L(5, 3, checker)
	if len(vp8l)%2 == 0 {
		vp8l = append(vp8l, 0)
	}
	in := makeRIFF(riffChunk("VP8L", vp8l))
	in = in[:len(in)-1]
	binary.LittleEndian.PutUint32(in[4:], uint32(len(in)-8))
	out := sanitize(t, WebP, in)
	if len(out) != len(in)+1 || len(out)%2 != 0 {
		t.Errorf("copy is %d bytes from %d", len(out), len(in))
	}
	webpChunks(t, out)
}

func TestSanitizeWebPCorrupt(t *testing.T) {
	w := makeWebP(4, 4)
	for name, in := range map[string][]byte{
		"riff size past the end": append(bytes.Clone(w[:4]), append([]byte{0xFF, 0xFF, 0, 0}, w[8:]...)...),
		"chunk past riff end":    makeRIFF(riffChunk("VP8L", makeVP8L(4, 4, checker)), []byte("EXIF\xff\x00\x00\x00")),
		"no image":               makeRIFF(vp8xChunk(0, 4, 4), riffChunk("EXIF", []byte("x"))),
		"vp8x not first":         makeRIFF(riffChunk("VP8L", makeVP8L(4, 4, checker)), vp8xChunk(0, 4, 4)),
		"not riff":               []byte("RIFX\x04\x00\x00\x00WEBP"),
	} {
		t.Run(name, func(t *testing.T) {
			if _, _, err := Sanitize(WebP, bytes.NewReader(in), int64(len(in))); !errors.Is(err, ErrCorrupt) {
				t.Errorf("Sanitize: %v, want ErrCorrupt", err)
			}
		})
	}
}

func TestEveryAllowedTypeHasASafeCopy(t *testing.T) {
	for _, typ := range Types() {
		if !typ.Sanitizable {
			t.Errorf("%s has no safe copy", typ.Ext)
		}
	}
}

func TestSanitizeUnsupportedType(t *testing.T) {
	for _, typ := range []Type{ZIP, {}} {
		b := []byte(minimalPDF)
		if _, _, err := Sanitize(typ, bytes.NewReader(b), int64(len(b))); !errors.Is(err, ErrUnsupported) {
			t.Errorf("Sanitize(%q): %v, want ErrUnsupported", typ.MIME, err)
		}
	}
}

// shrinkingReaderAt serves only the first limit bytes once limit is set,
// like an object replaced between the two passes.
type shrinkingReaderAt struct {
	b     []byte
	limit int
}

func (s *shrinkingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	b := s.b
	if s.limit > 0 {
		b = b[:s.limit]
	}
	return bytes.NewReader(b).ReadAt(p, off)
}

func TestSanitizeSourceShrinks(t *testing.T) {
	in := makePNG(t, 16, 16)
	src := &shrinkingReaderAt{b: in}
	r, _, err := Sanitize(PNG, src, int64(len(in)))
	if err != nil {
		t.Fatal(err)
	}
	src.limit = len(in) / 2
	if _, err := io.ReadAll(r); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("reading: %v, want io.ErrUnexpectedEOF", err)
	}
	// And a source shorter than the size given is a read error, not a
	// corrupt file.
	if _, _, err := Sanitize(PNG, bytes.NewReader(in[:20]), int64(len(in))); err == nil || errors.Is(err, ErrCorrupt) {
		t.Errorf("Sanitize of a short source: %v", err)
	}
}

// synthFile is a large file made of pieces generated on demand, so that a
// memory test does not itself hold the file.
type synthFile struct {
	pieces []synthPiece
	size   int64
}

type synthPiece struct {
	start, n int64
	fill     func(off int64, p []byte) // fills p with the piece's bytes from off
}

func (s *synthFile) add(n int64, fill func(off int64, p []byte)) {
	s.pieces = append(s.pieces, synthPiece{s.size, n, fill})
	s.size += n
}

func (s *synthFile) bytes(b []byte) {
	s.add(int64(len(b)), func(off int64, p []byte) { copy(p, b[off:]) })
}

func (s *synthFile) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	for _, pc := range s.pieces {
		if len(p) == 0 {
			break
		}
		if off >= pc.start+pc.n || off+int64(len(p)) <= pc.start {
			continue
		}
		k := min(int64(len(p)), pc.start+pc.n-off)
		pc.fill(off-pc.start, p[:k])
		p, off, n = p[k:], off+k, n+int(k)
	}
	if len(p) > 0 {
		return n, io.EOF
	}
	return n, nil
}

// allocDuring reports the bytes allocated while f runs.
func allocDuring(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

const memoryBound = 4 << 20 // loose; the inputs are 30 MB

func TestSanitizeMemoryJPEG(t *testing.T) {
	// 30 MB of APP1 segments between SOI and a real image.
	base := makeJPEG(t, 16, 16)
	var f synthFile
	f.bytes(base[:2])
	seg := jpegSegment(0xE1, []byte("Exif\x00\x00GPS-CAM"))
	for range 460 {
		f.add(2+65535, func(off int64, p []byte) {
			for i := range p {
				p[i] = 0
				if o := off + int64(i); o < 2 {
					p[i] = []byte{0xFF, 0xE1}[o]
				} else if o < 4 {
					p[i] = 0xFF
				} else if o-4 < int64(len(seg)-4) {
					p[i] = seg[o]
				}
			}
		})
	}
	f.bytes(base[2:])
	if f.size < 30e6 {
		t.Fatalf("input is only %d bytes", f.size)
	}
	var out bytes.Buffer
	alloc := allocDuring(func() {
		r, n, err := Sanitize(JPEG, &f, f.size)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(&out, r); err != nil {
			t.Fatal(err)
		}
		if n != int64(out.Len()) {
			t.Errorf("announced %d bytes, produced %d", n, out.Len())
		}
	})
	if !bytes.Equal(out.Bytes(), base) {
		t.Errorf("copy is %d bytes, want the %d-byte image without the segments", out.Len(), len(base))
	}
	if alloc > memoryBound {
		t.Errorf("allocated %d bytes for a %d-byte input", alloc, f.size)
	}
}

func TestSanitizeMemoryPNG(t *testing.T) {
	// A 65534×458 grey PNG whose IDAT is 30 MB of stored deflate blocks,
	// one per row, and a tEXt chunk to drop.
	const rows, rowLen = 458, 65535 // filter byte + 65534 pixels
	idatLen := int64(2 + rows*(5+rowLen) + 4)
	idatData := func(off int64, p []byte) {
		for i := range p {
			o := off + int64(i)
			switch {
			case o < 2:
				p[i] = []byte{0x78, 0x01}[o]
			case o >= idatLen-4: // Adler-32 of rows×rowLen zero bytes
				adler := uint32(rows*rowLen%65521)<<16 | 1
				p[i] = byte(adler >> (8 * (3 - (o - (idatLen - 4)))))
			default:
				j := (o - 2) % (5 + rowLen)
				p[i] = 0
				switch j {
				case 0:
					if (o-2)/(5+rowLen) == rows-1 {
						p[i] = 1 // final block
					}
				case 1, 2:
					p[i] = 0xFF // LEN
				}
			}
		}
	}
	text := pngChunk("tEXt", []byte("Comment\x00GPS-CAM"))
	var f synthFile
	f.bytes(pngIHDR(rowLen-1, rows, 8, 0))
	f.bytes(text)
	f.bytes(binary.BigEndian.AppendUint32(nil, uint32(idatLen)))
	f.bytes([]byte("IDAT"))
	idatStart := f.size
	f.add(idatLen, idatData)
	var crc [4]byte
	f.add(4, func(off int64, p []byte) { copy(p, crc[off:]) })
	f.bytes(pngChunk("IEND", nil))
	sum := crc32.NewIEEE()
	sum.Write([]byte("IDAT"))
	if _, err := io.Copy(sum, io.NewSectionReader(&f, idatStart, idatLen)); err != nil {
		t.Fatal(err)
	}
	binary.BigEndian.PutUint32(crc[:], sum.Sum32())

	// What the copy must be: the file less the tEXt chunk.
	want := sha256.New()
	io.Copy(want, io.NewSectionReader(&f, 0, 33))
	io.Copy(want, io.NewSectionReader(&f, 33+int64(len(text)), f.size))
	got := sha256.New()
	var n, copied int64
	alloc := allocDuring(func() {
		r, size, err := Sanitize(PNG, &f, f.size)
		if err != nil {
			t.Fatal(err)
		}
		n = size
		if copied, err = io.Copy(got, r); err != nil {
			t.Fatal(err)
		}
	})
	if n != copied || n != f.size-int64(len(text)) {
		t.Errorf("announced %d, copied %d, want %d", n, copied, f.size-int64(len(text)))
	}
	if !bytes.Equal(got.Sum(nil), want.Sum(nil)) {
		t.Error("copy differs from the input less its tEXt chunk")
	}
	if alloc > memoryBound {
		t.Errorf("allocated %d bytes for a %d-byte input", alloc, f.size)
	}
	// The generator makes a real PNG: the standard decoder reads a few rows
	// of it without complaint (a full decode would need 30 MB).
	if _, err := png.DecodeConfig(io.NewSectionReader(&f, 0, f.size)); err != nil {
		t.Fatal(err)
	}
}
