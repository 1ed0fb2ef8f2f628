package media

import (
	"bytes"
	"errors"
	"io"
	"os"
	"testing"
)

func sampleImages(f *testing.F) [][]byte {
	f.Helper()
	seeds := [][]byte{
		insertAfterSOI(makeJPEG(f, 8, 8), segJFIFThumb, segExif, segXMP, segICC, segAdobe, segCOM),
		append(makeJPEG(f, 4, 4), "trailer"...),
		insertAfterIHDR(makePNG(f, 4, 4), pngChunk("tEXt", []byte("a\x00b")), pngChunk("gAMA", []byte{0, 0, 0xB1, 0x8F})),
		makeWebP(3, 3),
		makeWebPWithMetadata(5, 2),
		rawPNG(f, 3, 2, 8, 2, 1, 40),
		rawPNG(f, 3, 2, 8, 2, 0, 1<<16, pngChunk("iCCP", append([]byte("p\x00\x00"), deflated(f, make([]byte, 1<<16))...))),
		makeRIFF(vp8xChunk(0, 4, 4), riffChunk("VP8L", makeVP8L(8, 8, checker))),
	}
	for _, name := range []string{"testdata/progressive.jpg", "testdata/restart.jpg", "testdata/lossy-exif.webp"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	return seeds
}

func FuzzSniff(f *testing.F) {
	for _, b := range sampleImages(f) {
		f.Add(b)
	}
	f.Add([]byte(minimalPDF))
	f.Add(makeZip(f, docxEntries()...))
	f.Add(append(id3Tag(), mp3Frames(2)...))
	f.Add(mp3Frames(2))
	f.Add(isoFile("isom", "isom", "M4A "))
	f.Add(pngIHDR(10000, 6000, 8, 2))
	f.Add([]byte("\xEF\xBB\xBF  <!doctype html>"))
	f.Fuzz(func(t *testing.T, head []byte) {
		typ, needsCheck, err := Sniff(head, 1_000_000)
		if err != nil {
			if typ != (Type{}) || needsCheck {
				t.Fatalf("error %v with type %+v, %v", err, typ, needsCheck)
			}
			if !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrTooManyPixels) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if needsCheck != (typ == ZIP || typ == PDF) {
			t.Fatalf("type %+v with needsContainerCheck %v", typ, needsCheck)
		}
		if _, ok := TypeByMIME(typ.MIME); !ok && typ != ZIP {
			t.Fatalf("type %+v is not on the allowlist", typ)
		}
	})
}

func FuzzCheckOffice(f *testing.F) {
	f.Add(makeZip(f, docxEntries()...))
	f.Add(makeZip(f, xlsxEntries()...))
	f.Add(makeStoredZip(f, docxEntries()...))
	f.Add(toZip64(f, makeZip(f, xlsxEntries()...), 0))
	f.Add(makeZip(f, zipEntry{"a/../b", "x"}))
	f.Add(zipWithZeros(f, 2<<20, "word/media/bomb.bin"))
	f.Fuzz(func(t *testing.T, b []byte) {
		typ, err := CheckOffice(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			if !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrCorrupt) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if typ != DOCX && typ != XLSX {
			t.Fatalf("CheckOffice returned %+v", typ)
		}
	})
}

func FuzzSanitize(f *testing.F) {
	for _, b := range sampleImages(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, typ := range []Type{JPEG, PNG, WebP} {
			r, n, err := Sanitize(typ, bytes.NewReader(b), int64(len(b)))
			if err != nil {
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("%s: unexpected error %v", typ.Ext, err)
				}
				continue
			}
			out, err := io.ReadAll(r)
			if err != nil {
				t.Fatalf("%s: reading: %v", typ.Ext, err)
			}
			if int64(len(out)) != n {
				t.Fatalf("%s: announced %d bytes, produced %d", typ.Ext, n, len(out))
			}
			if n > int64(len(b))+1 {
				t.Fatalf("%s: copy of %d bytes from %d", typ.Ext, n, len(b))
			}
			// A sanitized copy has nothing left to remove.
			r2, n2, err := Sanitize(typ, bytes.NewReader(out), n)
			if err != nil {
				t.Fatalf("%s: sanitizing the copy: %v", typ.Ext, err)
			}
			again, _ := io.ReadAll(r2)
			if n2 != n || !bytes.Equal(again, out) {
				t.Fatalf("%s: sanitizing the copy changed it", typ.Ext)
			}
		}
	})
}

func FuzzCheckPDF(f *testing.F) {
	f.Add([]byte(minimalPDF))
	f.Add(generatedPDF(f))
	f.Add(pdfWithCatalog("/OpenAction << /S /J#61vaScript /JS (x) >>"))
	f.Add(pdfWithCatalog("", objStm(f, "<< /S /URI /URI (https://example.org) >>", true)))
	f.Add(pdfWithCatalog("/URI << /Base <68747470733a2f2f612e6f7267> >>", stream("/Length1 3", []byte("abc"))))
	f.Fuzz(func(t *testing.T, b []byte) {
		err := checkPDF(bytes.NewReader(b), int64(len(b)), pdfLimits{stream: 1 << 20, total: 2 << 20})
		if err != nil && !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrCorrupt) {
			t.Fatalf("unexpected error %v", err)
		}
		if err == nil && !bytes.HasPrefix(b, []byte("%PDF-")) {
			t.Fatalf("accepted a file that does not start with %%PDF-")
		}
	})
}

// sanitizeTwice sanitizes b as typ, and the copy again; ok is false when
// b has no copy (with an error this package may return).
func sanitizeTwice(t *testing.T, typ Type, b []byte) (first, second []byte, ok bool) {
	r, n, err := Sanitize(typ, bytes.NewReader(b), int64(len(b)))
	if err != nil {
		if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrUnsupported) {
			t.Fatalf("%s: unexpected error %v", typ.Ext, err)
		}
		return nil, nil, false
	}
	first, err = io.ReadAll(r)
	if err != nil || int64(len(first)) != n {
		t.Fatalf("%s: announced %d bytes, produced %d (%v)", typ.Ext, n, len(first), err)
	}
	r2, n2, err := Sanitize(typ, bytes.NewReader(first), n)
	if err != nil {
		t.Fatalf("%s: sanitizing the copy: %v", typ.Ext, err)
	}
	second, _ = io.ReadAll(r2)
	if int64(len(second)) != n2 {
		t.Fatalf("%s: announced %d bytes, produced %d", typ.Ext, n2, len(second))
	}
	return first, second, true
}

// FuzzSanitizeAV: the MP3 and MP4 copies are never longer than the
// original (an MP4's is exactly as long), and have nothing left to remove.
func FuzzSanitizeAV(f *testing.F) {
	mp4, _ := identifyingMP4()
	f.Add(mp4)
	f.Add(isoFile("isom", "isom", "M4A "))
	f.Add(concat(id3Tag(), mp3Frames(2), apeTag(), id3v1()))
	f.Add(concat(id3v24(), mp3Frames(2), id3v24()))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, typ := range []Type{MP3, MP4} {
			out, again, ok := sanitizeTwice(t, typ, b)
			if !ok {
				continue
			}
			if len(out) > len(b) || (typ == MP4 && len(out) != len(b)) {
				t.Fatalf("%s: copy of %d bytes from %d", typ.Ext, len(out), len(b))
			}
			if !bytes.Equal(again, out) {
				t.Fatalf("%s: sanitizing the copy changed it", typ.Ext)
			}
		}
	})
}

// FuzzSanitizeOffice: a DOCX or XLSX copy passes CheckOffice as the same
// type, and sanitizing it again changes nothing.
func FuzzSanitizeOffice(f *testing.F) {
	f.Add(makeZip(f, identifyingDOCX()...))
	f.Add(makeZip(f, identifyingXLSX()...))
	f.Add(makeStoredZip(f, docxEntries()...))
	f.Add(makeZip(f, append(docxEntries(), zipEntry{"word/media/image1.jpeg", string(insertAfterSOI(makeJPEG(f, 8, 8), segExif))})...))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, typ := range []Type{DOCX, XLSX} {
			out, again, ok := sanitizeTwice(t, typ, b)
			if !ok {
				continue
			}
			if got, err := CheckOffice(bytes.NewReader(out), int64(len(out))); err != nil || got != typ {
				t.Fatalf("%s: the copy fails CheckOffice: %v, %v", typ.Ext, got, err)
			}
			if !bytes.Equal(again, out) {
				t.Fatalf("%s: sanitizing the copy changed it", typ.Ext)
			}
		}
	})
}

// FuzzSanitizePDF: pdfcpu runs under recover and a deadline; a copy is a
// PDF that can itself be copied.
func FuzzSanitizePDF(f *testing.F) {
	f.Add(identifyingPDF(f))
	f.Add([]byte(minimalPDF))
	f.Add(generatedPDF(f))
	f.Add(buildPDF("<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 9 9] /Resources << /XObject << /Im 4 0 R >> >> >>",
		stream("/Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode",
			insertAfterSOI(makeJPEG(f, 8, 8), segExif))))
	f.Fuzz(func(t *testing.T, b []byte) {
		out, _, ok := sanitizeTwice(t, PDF, b)
		if ok && !bytes.HasPrefix(out, []byte("%PDF-")) {
			t.Fatal("the copy is not a PDF")
		}
	})
}
