package media

import (
	"bytes"
	"fmt"
	"testing"
)

func BenchmarkCheckOffice(b *testing.B) {
	z := makeZip(b, docxEntries()...)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := CheckOffice(bytes.NewReader(z), int64(len(z))); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSniffJPEG(b *testing.B) {
	j := insertAfterSOI(makeJPEG(b, 64, 64), segExif, segXMP)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Sniff(j, testMaxPixels); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSanitizeJPEG(b *testing.B) {
	j := insertAfterSOI(makeJPEG(b, 256, 256), segExif, segXMP, segCOM)
	b.ReportAllocs()
	b.SetBytes(int64(len(j)))
	var buf [32 << 10]byte
	for b.Loop() {
		r, _, err := Sanitize(JPEG, bytes.NewReader(j), int64(len(j)))
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := r.Read(buf[:]); err != nil {
				break
			}
		}
	}
}

// BenchmarkCheckPDF checks a 25 MiB PDF: an fpdf document plus a
// compressed content stream of 25 MiB of text operators and a raw one.
func BenchmarkCheckPDF(b *testing.B) {
	var text bytes.Buffer
	for i := 0; text.Len() < 25<<20; i++ {
		fmt.Fprintf(&text, "BT /F1 12 Tf %d %d Td (Dòng %d của biên bản) Tj ET\n", i%500, i%700, i)
	}
	p := pdfWithCatalog("", stream("/Filter /FlateDecode", deflated(b, text.Bytes())), stream("", text.Bytes()[:4<<20]))
	b.SetBytes(int64(len(p)))
	b.ReportAllocs()
	for b.Loop() {
		if err := CheckPDF(bytes.NewReader(p), int64(len(p))); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckOfficeBomb refuses a DOCX whose one part inflates to 101 MiB.
func BenchmarkCheckOfficeBomb(b *testing.B) {
	z := zipWithZeros(b, maxPartInflated+1<<20, "word/media/image1.bin")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := CheckOffice(bytes.NewReader(z), int64(len(z))); err == nil {
			b.Fatal("accepted")
		}
	}
}

// BenchmarkCheckPDFBomb refuses a PDF whose one stream inflates to 65 MiB.
func BenchmarkCheckPDFBomb(b *testing.B) {
	p := pdfWithCatalog("", stream("/Filter /FlateDecode", deflated(b, make([]byte, maxPDFStreamInflated+1<<20))))
	b.ReportAllocs()
	for b.Loop() {
		if err := CheckPDF(bytes.NewReader(p), int64(len(p))); err == nil {
			b.Fatal("accepted")
		}
	}
}

// BenchmarkSanitizePNGBomb refuses a 100×100 PNG whose image data inflates
// to 1 GiB.
func BenchmarkSanitizePNGBomb(b *testing.B) {
	p := rawPNG(b, 100, 100, 8, 2, 0, 1<<30)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Sanitize(PNG, bytes.NewReader(p), int64(len(p))); err == nil {
			b.Fatal("accepted")
		}
	}
}
