package handlers_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"minhbach/services"
)

// The name every identifying sample below hides outside its content.
const hiddenAuthor = "Nguyen Van Hung"

// identifyingPDF is a one-page PDF with an author in its Info dictionary
// and XMP, and a note annotation signed with the same name.
func identifyingPDF() []byte {
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R /Metadata 5 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Annots [6 0 R] >>",
		pdfStream("", "BT /F1 12 Tf 72 720 Td (Bien ban nhan tien) Tj ET"),
		pdfStream("/Type /Metadata /Subtype /XML", "<x:xmpmeta xmlns:x='adobe:ns:meta/'><dc:creator>"+hiddenAuthor+"</dc:creator></x:xmpmeta>"),
		"<< /Type /Annot /Subtype /Text /Rect [0 0 10 10] /T (" + hiddenAuthor + ") /Contents (note) >>",
		"<< /Author (" + hiddenAuthor + ") /Producer (Microsoft Word) >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Info 7 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

func pdfStream(dict, data string) string {
	return fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(data), data)
}

// identifyingDOCX has the name as the document's creator and as the author
// of a tracked insertion.
func identifyingDOCX(t testing.TB) []byte {
	return zipWith(t, map[string]string{
		"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
			`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>`,
		"word/document.xml": `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p>` +
			`<w:ins w:id="1" w:author="` + hiddenAuthor + `" w:date="2026-11-20T08:00:00Z"><w:r><w:t>Biên bản</w:t></w:r></w:ins></w:p></w:body></w:document>`,
		"docProps/core.xml": `<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ` +
			`xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>` + hiddenAuthor + `</dc:creator></cp:coreProperties>`,
	})
}

// identifyingMP3 has the name in an ID3v2 artist frame.
func identifyingMP3() []byte {
	frame := append([]byte("TPE1\x00\x00\x00\x10\x00\x00\x00"), hiddenAuthor...)
	n := len(frame)
	b := append([]byte{'I', 'D', '3', 3, 0, 0, 0, 0, byte(n >> 7), byte(n & 0x7f)}, frame...)
	for range 4 {
		f := make([]byte, 417)
		copy(f, []byte{0xFF, 0xFB, 0x90, 0x64})
		b = append(b, f...)
	}
	return b
}

func isoBox(typ string, payload ...[]byte) []byte {
	body := bytes.Join(payload, nil)
	return append(binary.BigEndian.AppendUint32(nil, uint32(8+len(body))), append([]byte(typ), body...)...)
}

// identifyingMP4 has the name as the movie's author, in udta.
func identifyingMP4() []byte {
	return bytes.Join([][]byte{
		isoBox("ftyp", []byte("isom\x00\x00\x02\x00isommp41")),
		isoBox("moov", isoBox("udta", isoBox("\xa9aut", []byte(hiddenAuthor)))),
		isoBox("mdat", []byte("SAMPLES")),
	}, nil)
}

// wantSafeCopy checks that the unit's inspector and the monitor, neither
// holding custody, download a copy of a that lacks the hidden name and
// keeps keep, verified against its recorded hash.
func (f *fixture) wantSafeCopy(t *testing.T, c services.Case, a services.Attachment, keep string, who ...session) {
	t.Helper()
	if a.SanitizedKey == "" {
		t.Fatalf("%s has no safe copy", a.Type)
	}
	for _, s := range who {
		w := f.download(s, c.ID, a.ID, "")
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", a.Type, w.Code, w.Body)
		}
		if bytes.Contains(w.Body.Bytes(), []byte(hiddenAuthor)) || !bytes.Contains(w.Body.Bytes(), []byte(keep)) {
			t.Fatalf("%s: the safe copy keeps the name or lost %q", a.Type, keep)
		}
		if w.Header().Get("X-Content-SHA256") != a.SanitizedSHA256 {
			t.Fatalf("%s: served bytes are not the recorded copy", a.Type)
		}
	}
}

// TestEveryEvidenceTypeHasASafeCopy (issue 11): a PDF, a Word document,
// an MP3 and an MP4 sent anonymously are readable by the handling unit and
// the monitor without any custody grant, through copies that no longer
// carry the author's name hidden in their metadata. Before, only images
// had a copy, and an anonymous PDF could be opened by nobody.
func TestEveryEvidenceTypeHasASafeCopy(t *testing.T) {
	f := newFixture(t)
	si, _, sm := f.unitAStaff(t)
	_, c := f.routedAnonymousReport(t, "unit-a", "front-a", upload{"bien-ban.pdf", identifyingPDF()}, upload{"bien-ban.docx", identifyingDOCX(t)},
		upload{"ghi-am.mp3", identifyingMP3()}, upload{"video.mp4", identifyingMP4()})
	f.wantSafeCopy(t, c, attachmentByType(t, c, "application/pdf"), "%PDF-", si, sm)
	f.wantSafeCopy(t, c, attachmentByType(t, c, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), "word/document.xml", si, sm)
	f.wantSafeCopy(t, c, attachmentByType(t, c, "audio/mpeg"), "\xFF\xFB\x90\x64", si, sm)
	f.wantSafeCopy(t, c, attachmentByType(t, c, "video/mp4"), "SAMPLES", si, sm)
}

// TestUnreadablePDFIsKeptWithoutASafeCopy: a PDF that passes the content
// checks but that the sanitizer cannot rewrite is still accepted; it has
// no safe copy, the reason is logged with ids only, and staff are told to
// ask for access to the original.
func TestUnreadablePDFIsKeptWithoutASafeCopy(t *testing.T) {
	f := newFixture(t)
	si, _, _ := f.unitAStaff(t)
	_, c := f.routedFiledReport(t, "unit-a", "front-a", upload{"don.pdf", samplePDF()})
	a := attachmentByType(t, c, "application/pdf")
	if a.SanitizedKey != "" {
		t.Fatal("a PDF without pages got a safe copy")
	}
	logs := f.logs.String()
	if !strings.Contains(logs, "evidence stored without a safe copy") || !strings.Contains(logs, a.ID) ||
		!strings.Contains(logs, "a structure the sanitizer cannot read") {
		t.Fatalf("no log line says why the file has no safe copy:\n%s", logs)
	}
	if strings.Contains(logs, "Catalog") || strings.Contains(logs, "don.pdf") {
		t.Fatal("the log quotes the file")
	}
	wantRefusal(t, f.download(si, c.ID, a.ID, ""), http.StatusConflict, "conflict", "Ask for access to the original")
}

// TestSafeCopiesOfOlderFilesAreMadeAtStartUp: files stored before every
// type had a safe copy have none; the start-up migration makes them — run
// by two instances at once and again, each file gets one copy, recorded
// once, with no stray object — and leaves a file it cannot rewrite as it
// was.
func TestSafeCopiesOfOlderFilesAreMadeAtStartUp(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	si, _, sm := f.unitAStaff(t)
	_, c := f.routedFiledReport(t, "unit-a", "front-a", upload{"a.pdf", identifyingPDF()}, upload{"b.pdf", samplePDF()},
		upload{"c.mp4", identifyingMP4()}, upload{"d.png", samplePNG(t, 4, 4)})
	png := attachmentByType(t, c, "image/png")

	// Store the PDF and the MP4 the old way: no safe copy.
	cases := f.env.Client.Database(f.env.Database).Collection("cases")
	var raw struct {
		Attachments []bson.M `bson:"attachments"`
	}
	if err := cases.FindOne(ctx, bson.M{"_id": mustOID(t, c.ID)}).Decode(&raw); err != nil {
		t.Fatal(err)
	}
	for _, a := range raw.Attachments {
		if a["type"] == "application/pdf" || a["type"] == "video/mp4" {
			if k, ok := a["sanitizedKey"].(string); ok {
				if err := f.env.Blob.Delete(ctx, k); err != nil {
					t.Fatal(err)
				}
			}
			delete(a, "sanitizedKey")
			delete(a, "sanitizedSize")
			delete(a, "sanitizedSha256")
		}
	}
	if _, err := cases.UpdateByID(ctx, mustOID(t, c.ID), bson.M{"$set": bson.M{"attachments": raw.Attachments}}); err != nil {
		t.Fatal(err)
	}
	old, err := f.env.Store.FindCaseByID(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	pdf := attachmentByType(t, old, "application/pdf")
	if pdf.SanitizedKey != "" || attachmentByType(t, old, "video/mp4").SanitizedKey != "" {
		t.Fatal("the old-style files still have safe copies")
	}
	wantRefusal(t, f.download(si, c.ID, pdf.ID, ""), http.StatusConflict, "conflict", "Ask for access to the original")

	var made [2]int
	var errs [2]error
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Go(func() { made[i], errs[i] = f.SafeCopies.Run(ctx) })
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil || made[0]+made[1] != 2 {
		t.Fatalf("two migrations at once made %v copies (%v), want 2 in all", made, errs)
	}
	if n, err := f.SafeCopies.Run(ctx); err != nil || n != 0 {
		t.Fatalf("the migration run again made %d copies (%v)", n, err)
	}
	after, err := f.env.Store.FindCaseByID(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var unreadable services.Attachment
	for _, a := range after.Attachments {
		if a.Name == "bang-chung-2.pdf" {
			unreadable = a
		}
	}
	if unreadable.ID == "" || unreadable.SanitizedKey != "" || attachmentByType(t, after, "image/png").SanitizedKey != png.SanitizedKey {
		t.Fatalf("after the migration: %+v", after.Attachments)
	}
	f.wantSafeCopy(t, after, attachmentByType(t, after, "application/pdf"), "%PDF-", si, sm)
	f.wantSafeCopy(t, after, attachmentByType(t, after, "video/mp4"), "SAMPLES", si, sm)
	if !strings.Contains(f.logs.String(), "safe copies: file left without a safe copy") {
		t.Error("the file left without a copy is not logged")
	}
	// One object per copy: a run that lost the race removed its own.
	objs, err := f.env.Blob.List(ctx, services.EvidenceKeyPrefix(c.ID))
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 4+3 {
		var keys []string
		for _, o := range objs {
			keys = append(keys, o.Key)
		}
		t.Fatalf("objects after the migration: %v", keys)
	}
}
