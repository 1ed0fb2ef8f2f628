package proof

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

func pageLines(t *testing.T, pdf []byte) []string {
	t.Helper()
	pages, err := extractText(pdf)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, p := range pages {
		lines = append(lines, strings.Split(p, "\n")...)
	}
	return lines
}

// pageStates reports whether the text drawn on the pages of pdf states f's tracking code, content
// hash and the SHA-256 of every attachment: the facts a reader compares with their own records.
func pageStates(t *testing.T, pdf []byte, f Filing) bool {
	t.Helper()
	pages, err := extractText(pdf)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(pages, "\n")
	want := []string{f.TrackingCode, f.ContentHash}
	for _, a := range f.Attachments {
		want = append(want, a.SHA256)
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return len(pages) > 0
}

func wantLines(t *testing.T, lines []string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !slices.Contains(lines, w) {
			t.Errorf("no line %q in the page text:\n%s", w, strings.Join(lines, "\n"))
		}
	}
}

func TestPageTextStatesTheFilingInVietnamese(t *testing.T) {
	t.Parallel()
	s := testSigner(t, testKeyID, 1)
	f := sampleFiling()
	f.Attachments = append(f.Attachments,
		Attachment{Name: norm.NFD.String("Đơn khiếu nại lần 2.docx"), Size: 2_500_000_000, SHA256: sha("đơn")},
		Attachment{Name: "ảnh 😀.jpg", Size: 999, SHA256: sha("ảnh")},
	)
	pdf := render(t, s, f)
	sig := extractSignature(t, pdf)
	lines := pageLines(t, pdf)
	wantLines(t, lines,
		"MINH BẠCH",
		"Giấy xác nhận đã gửi phản ánh",
		"Proof of filing",
		"Mã theo dõi", " · Tracking code",
		"MB-7K3M-9QX2",
		"Khiếu nại", "Complaint",
		"27/11/2026 20:37 (giờ Việt Nam)",
		"27/11/2026 20:37 (Vietnam time) · UTC 2026-11-27T13:37:05Z",
		f.ContentHash,
		"Tệp đính kèm (4)",
		"1. Biên nhận hồ sơ.pdf",
		"    1,2 MB (1.234.567 byte)",
		"    SHA-256: "+f.Attachments[0].SHA256,
		"2. "+vietnameseName,
		"    532 byte",
		"    SHA-256: "+f.Attachments[1].SHA256,
		"3. Đơn khiếu nại lần 2.docx", // decomposed input, composed on the page
		"    2,5 GB (2.500.000.000 byte)",
		"4. ảnh \uFFFD.jpg", // fpdf cannot draw characters beyond the BMP
		"    999 byte",
		"Mã khóa ký · Key id: mb-2026-1     Thuật toán · Algorithm: Ed25519",
		sig[:44], sig[44:],
		"Minh Bạch · MB-7K3M-9QX2",
		"Trang 1/1",
	)
	text := strings.Join(lines, " ")
	for _, w := range []string{"không chứa mã bí mật", "nor the secret code"} {
		if !strings.Contains(text, w) {
			t.Errorf("the page does not say %q", w)
		}
	}
	// The statement keeps the names exactly as given.
	res, err := verifier(s).Verify(pdf)
	if err != nil || !res.Valid {
		t.Fatalf("Verify = %+v, %v", res, err)
	}
	if got := res.Filing.Attachments[2].Name; got != norm.NFD.String("Đơn khiếu nại lần 2.docx") || got == "Đơn khiếu nại lần 2.docx" {
		t.Errorf("name in the statement = %q, want the decomposed original", got)
	}
	if got := res.Filing.Attachments[3].Name; got != "ảnh 😀.jpg" {
		t.Errorf("name in the statement = %q", got)
	}
}

func extractSignature(t *testing.T, pdf []byte) string {
	t.Helper()
	pf, reason := extractFields(pdf)
	if reason != "" {
		t.Fatal(reason)
	}
	return b64.EncodeToString(pf.signature)
}

func TestPageTextInEnglish(t *testing.T) {
	t.Parallel()
	s := testSigner(t, testKeyID, 1)
	f := sampleFiling()
	f.Language, f.Kind, f.AnonymousDenunciation, f.Attachments = "en", KindFeedback, true, nil
	// 17:30 UTC on New Year's Eve is already the next year in Vietnam.
	f.SubmittedAt = time.Date(2026, 12, 31, 17, 30, 0, 0, time.UTC)
	lines := pageLines(t, render(t, s, f))
	wantLines(t, lines,
		"Proof of filing",
		"Giấy xác nhận đã gửi phản ánh",
		"Tracking code", " · Mã theo dõi",
		"Feedback (anonymous denunciation, handled as feedback)",
		"Phản ánh, kiến nghị (tố cáo nặc danh, được xử lý như phản ánh)",
		"01/01/2027 00:30 (Vietnam time)",
		"01/01/2027 00:30 (giờ Việt Nam) · UTC 2026-12-31T17:30:00Z",
		"Attachments (0)",
		"None · Không có",
		"Page 1/1",
	)
}

func TestManyAttachmentsFlowOverPages(t *testing.T) {
	t.Parallel()
	s := testSigner(t, testKeyID, 1)
	f := sampleFiling()
	f.Attachments = nil
	for i := range 60 {
		f.Attachments = append(f.Attachments, Attachment{
			Name:   fmt.Sprintf("Ảnh hiện trường số %d — %s.jpg", i+1, strings.Repeat("rất dài ", 8)),
			Size:   int64(i) * 1000,
			SHA256: sha(fmt.Sprint(i)),
		})
	}
	pdf := render(t, s, f)
	pages, err := extractText(pdf)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) < 3 {
		t.Fatalf("%d pages for 60 attachments", len(pages))
	}
	last := fmt.Sprintf("Trang %d/%d", len(pages), len(pages))
	if !strings.Contains(pages[len(pages)-1], last) {
		t.Errorf("last page has no %q", last)
	}
	if res, err := verifier(s).Verify(pdf); err != nil || !res.Valid || len(res.Filing.Attachments) != 60 {
		t.Errorf("Verify = %v %s, %v", res.Valid, res.Reason, err)
	}
	t.Logf("60 attachments: %d pages, %d bytes", len(pages), len(pdf))
}

// buildPDF writes a PDF from object bodies (object i+1 is objs[i]) with a correct xref table.
func buildPDF(objs ...string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<</Size %d /Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

func stream(dict, data string) string {
	return fmt.Sprintf("<<%s /Length %d>>\nstream\n%s\nendstream", dict, len(data), data)
}

func flate(s string) string {
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

const cmapHead = "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n" +
	"/CIDSystemInfo <</Registry (Adobe) /Ordering (UCS) /Supplement 0>> def /CMapName /T def /CMapType 2 def\n"

// handmadePDF has two pages: a simple font and a Type0 font, each mapping its codes to text
// through a ToUnicode CMap that is not the identity, fonts inherited from the page tree, and page
// content split over a plain and a compressed stream.
func handmadePDF() []byte {
	cmap1 := cmapHead + "1 begincodespacerange <00> <FF> endcodespacerange\n" +
		"2 beginbfchar <01> <1EA3> <02> <0111> endbfchar\n" +
		"2 beginbfrange <03> <05> <1EC5> <06> <07> [<01A1> <01B0>] endbfrange\n" +
		"endcmap CMapName currentdict /CMap defineresource pop end end"
	cmap2 := cmapHead + "1 begincodespacerange <0000> <FFFF> endcodespacerange\n" +
		"2 beginbfchar <0001> <004700691EA5> <0002> <0079> endbfchar\n" +
		"endcmap CMapName currentdict /CMap defineresource pop end end"
	return buildPDF(
		"<</Type /Catalog /Pages 2 0 R>>",
		"<</Type /Pages /Kids [3 0 R 4 0 R] /Count 2 /Resources <</Font <</F1 5 0 R /F2 7 0 R>> >> >>",
		"<</Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 9 0 R>>",
		"<</Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents [10 0 R 11 0 R]>>",
		"<</Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R>>",
		stream("", cmap1),
		"<</Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H /ToUnicode 8 0 R>>",
		stream("", cmap2),
		stream("", "BT /F1 12 Tf 10 150 Td <0102> Tj (\\003\\004\\005) Tj ET\n"+
			"BT /F1 12 Tf 10 130 Td [<06> -50 <07> -300 (\\001)] TJ ET"),
		stream("", "BT /F2 10 Tf 10 100 Td <00010002> Tj ET"),
		stream("/Filter /FlateDecode", flate("BT /F2 10 Tf 10 80 Td <0002> Tj T* (\\000\\001) Tj ET")),
	)
}

func TestExtractTextFollowsToUnicode(t *testing.T) {
	t.Parallel()
	pages, err := extractText(handmadePDF())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"ảđễỆệ\nơư ả", "Giấy\ny\nGiấ"}
	if !slices.Equal(pages, want) {
		t.Errorf("pages = %q\nwant    %q", pages, want)
	}
}

func TestExtractTextRefusesWhatItCannotRead(t *testing.T) {
	t.Parallel()
	good := handmadePDF()
	for name, in := range map[string][]byte{
		"empty":            nil,
		"no trailer":       good[:bytes.Index(good, []byte("xref"))],
		"unknown filter":   bytes.Replace(good, []byte("/FlateDecode"), []byte("/LZWDecode"), 1),
		"length too long":  bytes.Replace(good, []byte("/Length 39>>"), []byte("/Length 99999>>"), 1),
		"duplicate object": bytes.Replace(good, []byte("2 0 obj"), []byte("1 0 obj"), 1),
		"page tree loop":   bytes.Replace(good, []byte("/Kids [3 0 R 4 0 R]"), []byte("/Kids [2 0 R]"), 1),
		"unclosed string":  bytes.Replace(good, []byte("(\\003"), []byte("((\\003"), 1),
	} {
		if bytes.Equal(in, good) && name != "empty" {
			t.Fatalf("%s: the edit changed nothing", name)
		}
		if pages, err := extractText(in); err == nil {
			t.Errorf("%s: read %q", name, pages)
		}
	}
}

// TestHowToVerifyNamesThePage: the how-to-verify text sends people to the
// verification page by its full address, in both languages, and no longer
// to an API; an address that is not one of the page refuses to render.
func TestHowToVerifyNamesThePage(t *testing.T) {
	t.Parallel()
	s := testSigner(t, testKeyID, 1)
	const addr = "https://gopy.example.gov.vn/verify"
	pdf, err := s.RenderFor(sampleFiling(), addr)
	if err != nil {
		t.Fatal(err)
	}
	lines := pageLines(t, pdf)
	n := 0
	for _, l := range lines {
		if l == addr {
			n++
		}
	}
	if n != 2 {
		t.Errorf("the address is on %d lines, want 2 (one per language):\n%s", n, strings.Join(lines, "\n"))
	}
	text := strings.Join(lines, " ")
	for _, w := range []string{"mở trang dưới đây và chọn (hoặc kéo thả) nguyên tệp PDF này", "open the page below and choose (or drop) this PDF file"} {
		if !strings.Contains(text, w) {
			t.Errorf("the page does not say %q", w)
		}
	}
	for _, w := range []string{"/api/", "POST", "Content-Type"} {
		if strings.Contains(text, w) {
			t.Errorf("the page still tells people about the API: %q", w)
		}
	}
	if res, err := verifier(s).Verify(pdf); err != nil || !res.Valid {
		t.Fatalf("Verify = %+v, %v", res, err)
	}
	// Without an address, the page is named by its path.
	if !slices.Contains(pageLines(t, render(t, s, sampleFiling())), VerifyPagePath) {
		t.Error("Render does not name the verification page")
	}
	for _, bad := range []string{"gopy.example.gov.vn/verify", "ftp://gopy.example.gov.vn/verify", "https://gopy.example.gov.vn/other",
		"https://a b/verify", "https://gopy.example.gov.vn/verify?x=1", "https://" + strings.Repeat("a", 90) + "/verify", "javascript:alert(1)//x/verify"} {
		if _, err := s.RenderFor(sampleFiling(), bad); err == nil {
			t.Errorf("address %q rendered", bad)
		}
	}
}
