package media

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
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

// benchPDF is a PDF of about 5 MB: 120 pages, each with a text content
// stream and its own 200×200 grey image (random, so it does not compress),
// plus an Info dictionary and XMP.
func benchPDF(b *testing.B) []byte {
	b.Helper()
	const pages = 120
	rnd := rand.New(rand.NewPCG(1, 2))
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R /Metadata 3 0 R >>",
		"", // the page tree, below
		stream("/Type /Metadata /Subtype /XML", []byte(xmpPacket)),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		"<< /Author (Nguyen Van A) >>",
	}
	var kids strings.Builder
	for i := range pages {
		page := len(objs) + 1
		fmt.Fprintf(&kids, "%d 0 R ", page)
		img := make([]byte, 200*200)
		for j := range img {
			img[j] = byte(rnd.Uint32())
		}
		text := strings.Repeat(fmt.Sprintf("BT /F1 10 Tf 72 %d Td (Trang %d: bien ban) Tj ET\n", 700-i%50, i), 40)
		objs = append(objs,
			fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R /Resources << /Font << /F1 4 0 R >> /XObject << /Im %d 0 R >> >> >>", page+1, page+2),
			stream("", []byte(text+"q 200 0 0 200 72 72 cm /Im Do Q")),
			stream("/Type /XObject /Subtype /Image /Width 200 /Height 200 /ColorSpace /DeviceGray /BitsPerComponent 8", img))
	}
	objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", kids.String(), pages)
	return buildPDFTrailer("/Info 5 0 R", objs...)
}

func benchSanitize(b *testing.B, typ Type, in []byte) {
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		r, _, err := Sanitize(typ, bytes.NewReader(in), int64(len(in)))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSanitizePDF5MB(b *testing.B) {
	benchSanitize(b, PDF, benchPDF(b))
}

// BenchmarkSanitizeDOCX: a document of about 1 MB of paragraphs with
// tracked changes, a comment, properties, and a 1 MB image copied as it is.
func BenchmarkSanitizeDOCX(b *testing.B) {
	entries := identifyingDOCX()
	var body strings.Builder
	for i := range 4000 {
		fmt.Fprintf(&body, `<w:p w:rsidR="00AB12CD"><w:ins w:id="%d" w:author="Nguyen Van A" w:date="2024-05-01T08:00:00Z"><w:r><w:t>Đoạn %d của biên bản</w:t></w:r></w:ins></w:p>`, i, i)
	}
	for i, e := range entries {
		if e.name == "word/document.xml" {
			entries[i].body = strings.Replace(e.body, "<w:body>", "<w:body>"+body.String(), 1)
		}
	}
	img := make([]byte, 1<<20)
	rnd := rand.New(rand.NewPCG(3, 4))
	for j := range img {
		img[j] = byte(rnd.Uint32())
	}
	entries = append(entries, zipEntry{"word/media/image2.jpeg", string(img)})
	benchSanitize(b, DOCX, makeZip(b, entries...))
}

// BenchmarkSanitizeMP4: an identifying MP4 with 5 MB of samples.
func BenchmarkSanitizeMP4(b *testing.B) {
	in, _ := identifyingMP4()
	benchSanitize(b, MP4, append(in[:len(in)-len("AUDIO-AND-VIDEO-SAMPLES")-8], box("mdat", make([]byte, 5<<20))...))
}
