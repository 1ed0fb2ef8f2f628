package handlers_test

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

// Real sample files, built in the tests.

func samplePNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 7), uint8(y * 13), 90, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func sampleJPEG(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 32, 24))
	for y := range 24 {
		for x := range 32 {
			img.Set(x, y, color.RGBA{uint8(x * 8), uint8(y * 10), 120, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// gpsMarker is recognisable GPS content inside the EXIF block.
const gpsMarker = "GPSLatitude 10.7769 N GPSLongitude 106.7009 E"

// jpegWithGPS inserts an APP1 Exif segment carrying GPS data (a TIFF header
// with a GPS IFD pointer tag 0x8825 and the coordinates as text) right
// after the SOI marker of a real JPEG.
func jpegWithGPS(t testing.TB) []byte {
	t.Helper()
	return withGPS(sampleJPEG(t))
}

// withGPS is the JPEG base with an APP1 Exif segment carrying GPS data
// right after its SOI marker.
func withGPS(base []byte) []byte {
	var tiff bytes.Buffer
	tiff.WriteString("MM\x00\x2a\x00\x00\x00\x08") // big-endian TIFF, IFD at 8
	binary.Write(&tiff, binary.BigEndian, uint16(1))
	binary.Write(&tiff, binary.BigEndian, uint16(0x8825)) // GPSInfo IFD pointer
	binary.Write(&tiff, binary.BigEndian, uint16(4))      // LONG
	binary.Write(&tiff, binary.BigEndian, uint32(1))
	binary.Write(&tiff, binary.BigEndian, uint32(26))
	binary.Write(&tiff, binary.BigEndian, uint32(0))
	tiff.WriteString(gpsMarker)
	payload := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	seg = append(seg, payload...)
	out := append([]byte{}, base[:2]...)
	out = append(out, seg...)
	return append(out, base[2:]...)
}

func samplePDF() []byte {
	return []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n" +
		"trailer<</Root 1 0 R>>\n%%EOF\n")
}

// pngHeaderClaiming returns a PNG signature and IHDR chunk (with a correct
// CRC) claiming w×h pixels, followed by junk instead of image data.
func pngHeaderClaiming(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6
	binary.Write(&b, binary.BigEndian, uint32(13))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	b.Write(bytes.Repeat([]byte{0}, 256))
	return b.Bytes()
}

func zipWith(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, content := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(content))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func sampleDOCX(t testing.TB) []byte {
	return zipWith(t, map[string]string{
		"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
		"word/document.xml":   `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>`,
	})
}

// refusedSamples are files the portal must never accept, whatever their name.
func refusedSamples(t testing.TB) map[string][]byte {
	pe := make([]byte, 512)
	copy(pe, "MZ")
	binary.LittleEndian.PutUint32(pe[0x3c:], 0x80)
	copy(pe[0x80:], "PE\x00\x00")
	elf := append([]byte("\x7fELF\x02\x01\x01\x00"), make([]byte, 120)...)
	return map[string][]byte{
		"invoice.pdf":    pe,
		"photo.jpg":      elf,
		"page.png":       []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"),
		"drawing.png":    []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`),
		"run.pdf":        []byte("#!/bin/sh\nrm -rf /\n"),
		"archive.docx":   zipWith(t, map[string]string{"readme.txt": "not an office file"}),
		"huge-image.png": pngHeaderClaiming(10000, 6000),
		"notes.txt.mp3":  []byte("just some plain text, not audio at all"),
	}
}
