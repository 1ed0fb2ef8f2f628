package media

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

// Real sample files, built in memory.

// Coordinates of Hoàn Kiếm lake as EXIF rationals: 21°1'48.12" N,
// 105°51'15.12" E. Their bytes must not survive Sanitize.
var (
	gpsLatitude  = rationals(21, 1, 1, 1, 4812, 100)
	gpsLongitude = rationals(105, 1, 51, 1, 1512, 100)
)

func rationals(v ...uint32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], x)
	}
	return b
}

func testImage(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x ^ y) * 7), 255})
		}
	}
	return m
}

func makeJPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, testImage(w, h), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func makePNG(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, testImage(w, h)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// jpegSegment builds a marker segment with a length field.
func jpegSegment(marker byte, payload []byte) []byte {
	b := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(b[2:], uint16(len(payload)+2))
	return append(b, payload...)
}

// insertAfterSOI puts segments right after the SOI marker.
func insertAfterSOI(jpg []byte, segs ...[]byte) []byte {
	out := append([]byte(nil), jpg[:2]...)
	for _, s := range segs {
		out = append(out, s...)
	}
	return append(out, jpg[2:]...)
}

// exifTIFF is a little-endian TIFF structure as phones write it: IFD0 with
// Make, Orientation (6: rotate 90° clockwise to display) and a pointer to a
// GPS IFD holding latitude and longitude.
func exifTIFF() []byte { return exifTIFFOrientation(6) }

// exifTIFFOrientation is exifTIFF with the given orientation, or none if 0.
func exifTIFFOrientation(orientation uint16) []byte {
	entries := uint32(3)
	if orientation == 0 {
		entries = 2
	}
	ifd0 := uint32(8)
	gpsIFD := ifd0 + 2 + 12*entries + 4
	makeAt := gpsIFD + 2 + 4*12 + 4
	latAt := makeAt + 8
	lonAt := latAt + 24
	b := []byte("II*\x00")
	b = binary.LittleEndian.AppendUint32(b, ifd0)
	entry := func(tag, typ uint16, count, value uint32) {
		b = binary.LittleEndian.AppendUint16(b, tag)
		b = binary.LittleEndian.AppendUint16(b, typ)
		b = binary.LittleEndian.AppendUint32(b, count)
		b = binary.LittleEndian.AppendUint32(b, value)
	}
	b = binary.LittleEndian.AppendUint16(b, uint16(entries))
	entry(0x010F, 2, 8, makeAt) // Make
	if orientation != 0 {
		entry(0x0112, 3, 1, uint32(orientation)) // Orientation
	}
	entry(0x8825, 4, 1, gpsIFD) // GPSInfo IFD pointer
	b = binary.LittleEndian.AppendUint32(b, 0)
	b = binary.LittleEndian.AppendUint16(b, 4)
	entry(0x0001, 2, 2, 'N')   // GPSLatitudeRef
	entry(0x0002, 5, 3, latAt) // GPSLatitude
	entry(0x0003, 2, 2, 'E')   // GPSLongitudeRef
	entry(0x0004, 5, 3, lonAt) // GPSLongitude
	b = binary.LittleEndian.AppendUint32(b, 0)
	b = append(b, "GPS-CAM\x00"...)
	b = append(b, gpsLatitude...)
	return append(b, gpsLongitude...)
}

const xmpPacket = `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>` +
	`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
	`<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="21,1.802N" exif:GPSLongitude="105,51.252E"/>` +
	`</rdf:RDF></x:xmpmeta><?xpacket end="w"?>`

// Metadata segments a phone or editor leaves in a JPEG.
var (
	segJFIFThumb = jpegSegment(0xE0, append([]byte("JFIF\x00\x01\x02\x01\x00\x48\x00\x48\x01\x01"), "TNX"...)) // 1×1 thumbnail
	segExif      = jpegSegment(0xE1, append([]byte("Exif\x00\x00"), exifTIFF()...))
	segXMP       = jpegSegment(0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00"+xmpPacket))
	segICC       = jpegSegment(0xE2, []byte("ICC_PROFILE\x00\x01\x01fake-icc-profile-bytes"))
	segMPF       = jpegSegment(0xE2, []byte("MPF\x00MM\x00\x2a secret second image index"))
	segIPTC      = jpegSegment(0xED, []byte("Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x0c\x1c\x02\x78\x00\x07Ha Noi"))
	segAdobe     = jpegSegment(0xEE, []byte("Adobe\x00\x64\x00\x00\x00\x00\x01")) // transform 1: YCbCr
	segCOM       = jpegSegment(0xFE, []byte("secret comment: taken at the district office"))
)

// pngChunk builds a chunk with its CRC.
func pngChunk(typ string, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
}

// insertAfterIHDR puts chunks right after the IHDR chunk.
func insertAfterIHDR(p []byte, chunks ...[]byte) []byte {
	out := append([]byte(nil), p[:33]...)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return append(out, p[33:]...)
}

// insertBeforeIEND puts chunks right before the final IEND chunk.
func insertBeforeIEND(p []byte, chunks ...[]byte) []byte {
	out := append([]byte(nil), p[:len(p)-12]...)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return append(out, p[len(p)-12:]...)
}

func pngIHDR(w, h uint32, depth, colorType byte) []byte {
	d := binary.BigEndian.AppendUint32(nil, w)
	d = binary.BigEndian.AppendUint32(d, h)
	d = append(d, depth, colorType, 0, 0, 0)
	return append(append([]byte(nil), pngSignature...), pngChunk("IHDR", d)...)
}

// bitWriter writes the LSB-first bit stream of VP8L.
type bitWriter struct {
	b    []byte
	nbit uint
}

func (w *bitWriter) write(v uint32, n uint) {
	for i := range n {
		if w.nbit%8 == 0 {
			w.b = append(w.b, 0)
		}
		w.b[len(w.b)-1] |= byte((v>>i)&1) << (w.nbit % 8)
		w.nbit++
	}
}

// makeVP8L builds a lossless WebP bitstream by hand: no transforms, no
// colour cache, and "simple" prefix codes, green with two 1-bit symbols
// (so each pixel costs one bit from pattern) and red, blue and alpha with
// a single symbol each.
func makeVP8L(w, h int, pattern func(i int) uint32) []byte {
	bw := &bitWriter{}
	bw.write(0x2f, 8)
	bw.write(uint32(w-1), 14)
	bw.write(uint32(h-1), 14)
	bw.write(0, 1) // alpha hint
	bw.write(0, 3) // version
	bw.write(0, 1) // no transform
	bw.write(0, 1) // no colour cache
	bw.write(0, 1) // no meta prefix codes
	// green: simple, 2 symbols, first one 8 bits wide
	bw.write(1, 1)
	bw.write(1, 1)
	bw.write(1, 1)
	bw.write(0x20, 8)
	bw.write(0xC0, 8)
	for _, sym := range []uint32{0x80, 0x30, 0xFF} { // red, blue, alpha
		bw.write(1, 1)
		bw.write(0, 1)
		bw.write(1, 1)
		bw.write(sym, 8)
	}
	bw.write(1, 1) // distance: simple, 1 symbol, 1 bit wide
	bw.write(0, 1)
	bw.write(0, 1)
	bw.write(0, 1)
	for i := range w * h {
		bw.write(pattern(i), 1)
	}
	return bw.b
}

// riffChunk builds a RIFF chunk with its pad byte.
func riffChunk(id string, data []byte) []byte {
	b := append([]byte(id), 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(b[4:], uint32(len(data)))
	b = append(b, data...)
	if len(data)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

func makeRIFF(chunks ...[]byte) []byte {
	b := []byte("RIFF\x00\x00\x00\x00WEBP")
	for _, c := range chunks {
		b = append(b, c...)
	}
	binary.LittleEndian.PutUint32(b[4:], uint32(len(b)-8))
	return b
}

func vp8xChunk(flags byte, w, h int) []byte {
	d := []byte{flags, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	d[4], d[5], d[6] = byte(w-1), byte((w-1)>>8), byte((w-1)>>16)
	d[7], d[8], d[9] = byte(h-1), byte((h-1)>>8), byte((h-1)>>16)
	return riffChunk("VP8X", d)
}

func checker(i int) uint32 { return uint32((i/3 + i/7) % 2) }

// makeWebP is a simple-format lossless WebP.
func makeWebP(w, h int) []byte {
	return makeRIFF(riffChunk("VP8L", makeVP8L(w, h, checker)))
}

// makeWebPWithMetadata is an extended WebP carrying EXIF (odd length, so
// padded) and XMP chunks, flagged in VP8X.
func makeWebPWithMetadata(w, h int) []byte {
	return makeRIFF(
		vp8xChunk(0x08|0x04, w, h),
		riffChunk("VP8L", makeVP8L(w, h, checker)),
		riffChunk("EXIF", append(exifTIFF(), 'x')),
		riffChunk("XMP ", []byte(xmpPacket)),
	)
}

const minimalPDF = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" +
	"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" +
	"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n" +
	"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>\nendobj\n" +
	"xref\n0 4\n0000000000 65535 f \n0000000015 00000 n \n0000000064 00000 n \n0000000121 00000 n \n" +
	"trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n191\n%%EOF\n"

type zipEntry struct{ name, body string }

func makeZip(t testing.TB, entries ...zipEntry) []byte {
	t.Helper()
	return buildZip(t, zip.Deflate, entries)
}

func makeStoredZip(t testing.TB, entries ...zipEntry) []byte {
	t.Helper()
	return buildZip(t, zip.Store, entries)
}

func buildZip(t testing.TB, method uint16, entries []zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func contentTypesXML(overrides ...string) string {
	s := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>`
	for i := 0; i+1 < len(overrides); i += 2 {
		s += `<Override PartName="` + overrides[i] + `" ContentType="` + overrides[i+1] + `"/>`
	}
	return s + `</Types>`
}

const rootRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
	`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`</Relationships>`

func docxEntries() []zipEntry {
	return []zipEntry{
		{"[Content_Types].xml", contentTypesXML("/word/document.xml", docxMain)},
		{"_rels/.rels", rootRels},
		{"word/document.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Đơn phản ánh</w:t></w:r></w:p></w:body></w:document>`},
	}
}

func xlsxEntries() []zipEntry {
	return []zipEntry{
		{"[Content_Types].xml", contentTypesXML("/xl/workbook.xml", xlsxMain,
			"/xl/worksheets/sheet1.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml")},
		{"_rels/.rels", rootRels},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="Sheet1" sheetId="1"/></sheets></workbook>`},
		{"xl/worksheets/sheet1.xml", `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>`},
	}
}

// mp3Frames is n MPEG-1 Layer III frames, 128 kbit/s at 44.1 kHz
// (417 bytes each), with silent side information.
func mp3Frames(n int) []byte {
	var b []byte
	for range n {
		f := make([]byte, 417)
		copy(f, []byte{0xFF, 0xFB, 0x90, 0x64})
		b = append(b, f...)
	}
	return b
}

// id3Tag is an ID3v2.3 tag with a title frame and some padding.
func id3Tag() []byte {
	frame := append([]byte("TIT2\x00\x00\x00\x0c\x00\x00\x00"), "Ghi am buoi"...)
	body := append(frame, make([]byte, 100)...)
	n := len(body)
	return append([]byte{'I', 'D', '3', 3, 0, 0, byte(n >> 21 & 0x7f), byte(n >> 14 & 0x7f), byte(n >> 7 & 0x7f), byte(n & 0x7f)}, body...)
}

// isoFile is an ftyp box followed by a small mdat box.
func isoFile(major string, compat ...string) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(16+4*len(compat)))
	b = append(b, "ftyp"+major+"\x00\x00\x02\x00"...)
	for _, c := range compat {
		b = append(b, c...)
	}
	b = append(b, 0, 0, 0, 16)
	return append(b, "mdat\x00\x01\x02\x03\x04\x05\x06\x07"...)
}
