package media

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/validate"
)

// pdfSecrets are what the identifying sample holds outside page content.
var pdfSecrets = []string{"Nguyen Van A", "secret-title", "EarlierRevisionText", "example.org", "Private-app-data",
	"0123456789abcdef0123456789abcdef", "/Annots", "/Metadata", "/PieceInfo", "/OpenAction", "/Thumb", "/AcroForm"}

// identifyingPDF is a one-page PDF that passes CheckPDF and carries, outside
// its page content: an Info dictionary with an author, an XMP stream in the
// catalog and another on an image, a text annotation and a web link, an
// outline item with a web action, a thumbnail, private application data,
// an open action to a page, a file identifier, and an earlier revision
// (replaced by an incremental update) whose page said something else.
func identifyingPDF(t testing.TB) []byte {
	t.Helper()
	xmp := "<x:xmpmeta xmlns:x='adobe:ns:meta/'><dc:creator>Nguyen Van A</dc:creator></x:xmpmeta>"
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R /Metadata 5 0 R /Outlines 7 0 R /PageMode /UseOutlines " +
			"/PieceInfo << /App << /Private (Private-app-data) >> >> /OpenAction [3 0 R /Fit] /AcroForm << /Fields [] >> >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Annots [6 0 R 9 0 R] /Thumb 12 0 R " +
			"/Resources << /Font << /F1 10 0 R >> /XObject << /Im1 13 0 R >> >> >>",
		stream("", []byte("BT /F1 12 Tf 72 720 Td (EarlierRevisionText) Tj ET")),
		stream("/Type /Metadata /Subtype /XML", []byte(xmp)),
		"<< /Type /Annot /Subtype /Text /Rect [10 10 30 30] /Contents (note by Nguyen Van A) /T (Nguyen Van A) >>",
		"<< /Type /Outlines /First 8 0 R /Last 8 0 R /Count 1 >>",
		"<< /Title (Trang 1) /Parent 7 0 R /A << /S /URI /URI (https://example.org/outline) >> >>",
		"<< /Type /Annot /Subtype /Link /Rect [0 0 100 20] /A << /S /URI /URI (https://example.org/link) >> >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		"<< /Author (Nguyen Van A) /Title (secret-title) /Creator (Word) >>",
		stream("/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8", []byte{0x80}),
		stream("/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Metadata 14 0 R", []byte{0x40}),
		stream("/Type /Metadata /Subtype /XML", []byte(xmp)),
	}
	b := buildPDFTrailer("/Info 11 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>]", objs...)
	// The incremental update: object 4 (the page's content) replaced.
	prev := bytes.LastIndex(b, []byte("startxref\n")) + len("startxref\n")
	var prevXref int
	fmt.Sscanf(string(b[prev:]), "%d", &prevXref)
	off := len(b)
	upd := fmt.Sprintf("4 0 obj\n%s\nendobj\n", stream("", []byte("BT /F1 12 Tf 72 720 Td (Bang chung) Tj ET q 10 0 0 10 100 100 cm /Im1 Do Q")))
	b = append(b[:off], upd...)
	xref := len(b)
	b = fmt.Appendf(b, "xref\n0 1\n0000000000 65535 f \n4 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root 1 0 R /Info 11 0 R /Prev %d "+
		"/ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>] >>\nstartxref\n%d\n%%%%EOF\n",
		off, len(objs)+1, prevXref, xref)
	return b
}

// pdfDump is everything a reader of b can get at: the bytes, and every
// object pdfcpu finds, with streams decoded (object streams included).
func pdfDump(t *testing.T, b []byte) string {
	t.Helper()
	ctx, err := pdfcpu.Read(bytes.NewReader(b), pdfConfig())
	if err != nil {
		t.Fatalf("reading: %v", err)
	}
	var sb strings.Builder
	sb.Write(b)
	for nr, e := range ctx.Table {
		if e == nil || e.Free || e.Object == nil {
			continue
		}
		fmt.Fprintf(&sb, "\n%d: %s", nr, e.Object.PDFString())
		if sd, ok := e.Object.(types.StreamDict); ok {
			if err := sd.Decode(); err == nil {
				sb.Write(sd.Content)
			}
		}
	}
	return sb.String()
}

func sanitizedPDF(t *testing.T, b []byte) []byte {
	t.Helper()
	r, n, err := Sanitize(PDF, bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("Sanitize: %v", err)
	}
	out, err := io.ReadAll(r)
	if err != nil || int64(len(out)) != n {
		t.Fatalf("read %d of %d bytes: %v", len(out), n, err)
	}
	return out
}

// pageContents returns the page count and each page's content streams.
func pageContents(t *testing.T, b []byte) []string {
	t.Helper()
	ctx, err := pdfcpu.Read(bytes.NewReader(b), pdfConfig())
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.XRefTable(ctx); err != nil {
		t.Fatalf("pdfcpu validate: %v", err)
	}
	if err := ctx.EnsurePageCount(); err != nil {
		t.Fatal(err)
	}
	var pages []string
	for i := 1; i <= ctx.PageCount; i++ {
		d, _, _, err := ctx.PageDict(i, false)
		if err != nil {
			t.Fatal(err)
		}
		c, err := ctx.PageContent(d, i)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, string(c))
	}
	return pages
}

func TestSanitizePDFRemovesWhatIsNotPageContent(t *testing.T) {
	in := identifyingPDF(t)
	if err := checkPDFBytes(in); err != nil {
		t.Fatalf("the sample must pass CheckPDF: %v", err)
	}
	before := pdfDump(t, in)
	for _, s := range pdfSecrets {
		if !strings.Contains(before, s) {
			t.Fatalf("the sample lacks %q", s)
		}
	}
	out := sanitizedPDF(t, in)
	after := pdfDump(t, out)
	for _, s := range pdfSecrets {
		if strings.Contains(after, s) {
			t.Errorf("the copy still holds %q", s)
		}
	}
	for _, s := range []string{"Bang chung", "Trang 1", "/Helvetica", "/Im1"} {
		if !strings.Contains(after, s) {
			t.Errorf("the copy lost %q", s)
		}
	}
	if err := checkPDFBytes(out); err != nil {
		t.Errorf("the copy fails CheckPDF: %v", err)
	}
	want, got := pageContents(t, in), pageContents(t, out)
	if len(got) != len(want) || got[0] != want[0] {
		t.Fatalf("pages %q, want %q", got, want)
	}
	if bytes.Contains(out, []byte("%%EOF\nxref")) || bytes.Count(out, []byte("%%EOF")) != 1 {
		t.Error("the copy is not a single revision")
	}
}

func TestSanitizePDFKeepsGeneratedDocuments(t *testing.T) {
	in := generatedPDF(t)
	out := sanitizedPDF(t, in)
	want, got := pageContents(t, in), pageContents(t, out)
	if len(got) != len(want) {
		t.Fatalf("%d pages, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("page %d content changed", i+1)
		}
	}
	if d := pdfDump(t, out); strings.Contains(d, "example.org") || !strings.Contains(d, "/Image") {
		t.Error("the copy kept the link or lost the image")
	}
}

// TestSanitizePDFIgnoresTrailingBytes: bytes after the last revision's
// %%EOF (a scanner's padding, a file appended to the PDF) are not read
// through and not copied; the pages are.
func TestSanitizePDFIgnoresTrailingBytes(t *testing.T) {
	in := generatedPDF(t)
	padded := append(append(bytes.Clone(in), "\n"...), bytes.Repeat([]byte("appended-secret "), 16<<10)...)
	out := sanitizedPDF(t, padded)
	if got, want := len(pageContents(t, out)), len(pageContents(t, in)); got != want {
		t.Fatalf("%d pages, want %d", got, want)
	}
	if bytes.Contains(out, []byte("appended-secret")) {
		t.Error("the copy holds the appended bytes")
	}
	for name, c := range map[string]struct{ in, want string }{
		"appended":            {"%PDF-1.7 x startxref\n9\n%%EOF\njunk", "%PDF-1.7 x startxref\n9\n%%EOF"},
		"revisions":           {"%PDF startxref 1 %%EOF more startxref 2 %%EOF tail", "%PDF startxref 1 %%EOF more startxref 2 %%EOF"},
		"%%EOF only in junk":  {"%PDF startxref 1 %%EOF x %%EOF", "%PDF startxref 1 %%EOF"},
		"no startxref":        {"%PDF-1.7 %%EOF junk", "%PDF-1.7 %%EOF junk"},
		"startxref, no %%EOF": {"%PDF %%EOF startxref 7 junk", "%PDF %%EOF startxref 7 junk"},
		"ends at the %%EOF":   {"%PDF startxref 1 %%EOF", "%PDF startxref 1 %%EOF"},
	} {
		if got := string(pdfWithoutTrailer([]byte(c.in))); got != c.want {
			t.Errorf("%s: %q, want %q", name, got, c.want)
		}
	}
}

// Files that pass CheckPDF cannot hold these; the copy drops them anyway,
// for a file stored before the check or refused by a later version of it.
func TestSanitizePDFRemovesActiveContent(t *testing.T) {
	in := buildPDFTrailer("",
		"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 4 0 R /JavaScript 6 0 R >> /OpenAction 7 0 R /AcroForm << /Fields [] >> "+
			"/AA << /WC 7 0 R >> >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /AA << /O 7 0 R >> >>",
		"<< /Names [(a.txt) << /Type /Filespec /F (a.txt) /EF << /F 5 0 R >> >>] >>",
		stream("/Type /EmbeddedFile", []byte("attached-secret")),
		"<< /Names [(x) 7 0 R] >>",
		"<< /S /JavaScript /JS (app.alert('script-secret')) >>",
	)
	if err := checkPDFBytes(in); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("CheckPDF: %v, want a refusal", err)
	}
	d := pdfDump(t, sanitizedPDF(t, in))
	for _, s := range []string{"attached-secret", "script-secret", "/EmbeddedFiles", "/JavaScript", "/AA", "/AcroForm", "/OpenAction"} {
		if strings.Contains(d, s) {
			t.Errorf("the copy still holds %q", s)
		}
	}
}

func TestSanitizePDFFailsCleanly(t *testing.T) {
	good := identifyingPDF(t)
	for name, b := range map[string][]byte{
		"truncated":  good[:40],
		"not a pdf":  []byte("hello world, this is not a PDF file"),
		"no catalog": buildPDF("<< /Type /Pages /Kids [] /Count 0 >>"),
		"garbage":    append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("<< [ ( /"), 2000)...),
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := Sanitize(PDF, bytes.NewReader(b), int64(len(b)))
			if err == nil {
				t.Fatal("made a copy")
			}
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrUnsupported) {
				t.Fatalf("error %v", err)
			}
		})
	}
	big := &synthFile{}
	big.bytes([]byte("%PDF-1.7\n"))
	big.add(MaxSafeCopyBytes, func(int64, []byte) {})
	if _, _, err := Sanitize(PDF, big, big.size); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("a PDF over the cap: %v", err)
	}
}

// TestCheckerCopiesInMemoryOneAtATime: with room for one in-memory copy,
// concurrent PDF and DOCX copies wait their turn and all complete (a slot
// not given back would block the second for ever).
func TestCheckerCopiesInMemoryOneAtATime(t *testing.T) {
	c := &Checker{MaxCopiesInMemory: 1}
	pdf, docx := identifyingPDF(t), makeZip(t, identifyingDOCX()...)
	errs := make(chan error, 8)
	for i := range 8 {
		go func() {
			typ, b := fileType(PDF), pdf
			if i%2 == 1 {
				typ, b = fileType(DOCX), docx
			}
			r, n, err := c.Sanitize(typ, bytes.NewReader(b), int64(len(b)))
			if err == nil {
				var got int64
				got, err = io.Copy(io.Discard, r)
				if err == nil && got != n {
					err = fmt.Errorf("read %d of %d bytes", got, n)
				}
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if len(c.copies) != 0 || cap(c.copies) != 1 {
		t.Fatalf("%d of %d slots still taken", len(c.copies), cap(c.copies))
	}
}

func TestLastIndex(t *testing.T) {
	sep := []byte("startxref")
	for _, b := range [][]byte{
		nil, sep, []byte("xx startxref yy startxref zz"),
		append(append([]byte("a startxref b"), bytes.Repeat([]byte("x"), 10000)...), "startxre"...),
		append([]byte("startxref"), bytes.Repeat([]byte("s"), 5000)...),
		append(bytes.Repeat([]byte("s"), 5000), "startxref"...),
		append(append(bytes.Repeat([]byte("q"), 4090), "startxref"...), bytes.Repeat([]byte("q"), 3)...),
	} {
		if got, want := lastIndex(b, sep), bytes.LastIndex(b, sep); got != want {
			t.Errorf("lastIndex of %d bytes: %d, want %d", len(b), got, want)
		}
	}
}
