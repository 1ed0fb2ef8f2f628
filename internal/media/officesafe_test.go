package media

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"image/jpeg"
	"io"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

const (
	xmlHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
	nsW     = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`
	coreXML = xmlHead + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ` +
		`xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<dc:creator>Nguyen Van A</dc:creator><cp:lastModifiedBy>Tran Thi B</cp:lastModifiedBy>` +
		`<dcterms:created xsi:type="dcterms:W3CDTF">2024-05-01T08:00:00Z</dcterms:created></cp:coreProperties>`
	appXML = xmlHead + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">` +
		`<Template>Normal.dotm</Template><Company>So Tai chinh Ha Noi</Company><TotalTime>42</TotalTime></Properties>`
	customXML = xmlHead + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" ` +
		`xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Phong ban">` +
		`<vt:lpwstr>Phong Ke toan</vt:lpwstr></property></Properties>`
	propsRels = xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="%MAIN%"/>` +
		`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
		`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>` +
		`<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml"/>` +
		`</Relationships>`
)

var officeSecrets = []string{"Nguyen Van A", "nguyenvana", "Tran Thi B", "NVA", "So Tai chinh", "Phong Ke toan", "Phong ban",
	"00AB12CD", "2024-05-01", "Normal.dotm", "TotalTime"}

var propsTypes = []string{
	"/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml",
	"/docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml",
	"/docProps/custom.xml", "application/vnd.openxmlformats-officedocument.custom-properties+xml",
}

var pngBytes = "\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR-not-really-an-image-but-binary-\x00\xff"

// identifyingDOCX is a Word document with document properties, tracked
// changes and a comment by a named author, a people part with an account,
// editing-session ids, a template path naming the user, a web link and an
// image.
func identifyingDOCX() []zipEntry {
	return []zipEntry{
		{"[Content_Types].xml", contentTypesXML(append([]string{"/word/document.xml", docxMain,
			"/word/comments.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml",
			"/word/people.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.people+xml",
			"/word/settings.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"}, propsTypes...)...)},
		{"_rels/.rels", strings.Replace(propsRels, "%MAIN%", "word/document.xml", 1)},
		{"docProps/core.xml", coreXML},
		{"docProps/app.xml", appXML},
		{"docProps/custom.xml", customXML},
		{"word/document.xml", xmlHead + `<w:document ` + nsW + ` xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" ` +
			`xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" mc:Ignorable="w14"><w:body>` +
			`<!-- a comment the copy keeps -->` +
			`<w:p w:rsidR="00AB12CD" w:rsidRDefault="00AB12CD" w14:paraId="1A2B3C4D"><w:r><w:t>Đơn phản ánh &amp; w:author="Text stays"</w:t></w:r>` +
			`<w:ins w:id="1" w:author="Nguyen Van A" w:date="2024-05-01T08:00:00Z"><w:r><w:t xml:space="preserve"> thêm</w:t></w:r></w:ins>` +
			`<w:del w:id='2' w:author='Tran Thi B' w:date='2024-05-01T09:00:00Z'><w:r><w:delText>bớt</w:delText></w:r></w:del>` +
			`<w:commentRangeStart w:id="0"/><w:r><w:commentReference w:id="0"/></w:r>` +
			`<w:hyperlink r:id="rId9" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:r><w:t>link</w:t></w:r></w:hyperlink>` +
			`</w:p><w:sectPr w:rsidR="00AB12CD"/></w:body></w:document>`},
		{"word/_rels/document.xml.rels", xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://example.org/page" TargetMode="External"/>` +
			`<Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image1.png"/>` +
			`</Relationships>`},
		{"word/comments.xml", xmlHead + `<w:comments ` + nsW + `><w:comment w:id="0" w:author="Nguyen Van A" w:date="2024-05-01T10:00:00Z" w:initials="NVA">` +
			`<w:p><w:r><w:t>Ghi chú của người khiếu nại</w:t></w:r></w:p></w:comment></w:comments>`},
		{"word/people.xml", xmlHead + `<w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml">` +
			`<w15:person w15:author="Nguyen Van A"><w15:presenceInfo w15:providerId="AD" w15:userId="nguyenvana@sotaichinh.gov.vn"/></w15:person></w15:people>`},
		{"word/settings.xml", xmlHead + `<w:settings ` + nsW + ` xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
			`<w:attachedTemplate r:id="rId1"/><w:mailMerge><w:mainDocumentType w:val="formLetters"/>` +
			`<w:connectString w:val="Provider=Microsoft.ACE.OLEDB.12.0;User ID=Admin;Data Source=C:\Users\nguyenvana\ds.xlsx"/>` +
			`<w:query w:val="SELECT * FROM 'C:\Users\nguyenvana\ds.xlsx'"/></w:mailMerge>` +
			`<w:docVars><w:docVar w:name="owner" w:val="Tran Thi B"/></w:docVars><w:rsids><w:rsidRoot w:val="00AB12CD"/><w:rsid w:val="00AB12CD"/></w:rsids><w:zoom w:percent="100"/></w:settings>`},
		{"word/_rels/settings.xml.rels", xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" ` +
			`Target="file:///C:\Users\nguyenvana\AppData\Roaming\Microsoft\Templates\Normal.dotm" TargetMode="External"/></Relationships>`},
		{"word/media/image1.png", pngBytes},
	}
}

func identifyingXLSX() []zipEntry {
	return []zipEntry{
		{"[Content_Types].xml", contentTypesXML(append([]string{"/xl/workbook.xml", xlsxMain,
			"/xl/worksheets/sheet1.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml",
			"/xl/comments1.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml",
			"/xl/persons/person.xml", "application/vnd.ms-excel.person+xml",
			"/xl/threadedComments/threadedComment1.xml", "application/vnd.ms-excel.threadedcomments+xml"}, propsTypes...)...)},
		{"_rels/.rels", strings.Replace(propsRels, "%MAIN%", "xl/workbook.xml", 1)},
		{"docProps/core.xml", coreXML},
		{"docProps/app.xml", appXML},
		{"docProps/custom.xml", customXML},
		{"xl/workbook.xml", xmlHead + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
			`xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac">` +
			`<mc:AlternateContent><mc:Choice Requires="x15"><x15ac:absPath url="C:\Users\nguyenvana\Documents\" xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac"/></mc:Choice></mc:AlternateContent>` +
			`<sheets><sheet name="Thu chi" sheetId="1"/></sheets></workbook>`},
		{"xl/worksheets/sheet1.xml", `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
			`<row r="1"><c r="A1" t="inlineStr"><is><t>Khoản chi 5.000.000</t></is></c></row></sheetData></worksheet>`},
		{"xl/comments1.xml", xmlHead + `<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><authors><author>Nguyen Van A</author>` +
			`<author>tc={7A2B}</author></authors><commentList><comment ref="A1" authorId="0"><text><r><t>Số liệu sai</t></r></text></comment></commentList></comments>`},
		{"xl/connections.xml", xmlHead + `<connections xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
			`<connection id="1" name="ds" type="5" refreshedVersion="6" sourceFile="C:\Users\nguyenvana\ds.accdb">` +
			`<dbPr connection="Provider=SQLOLEDB;Data Source=sotaichinh-srv;User ID=nguyenvana" command="Sheet1$" commandType="3"/></connection></connections>`},
		{"xl/pivotCache/pivotCacheDefinition1.xml", xmlHead + `<pivotCacheDefinition xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
			`refreshedBy="Tran Thi B" refreshedDate="45000.5" recordCount="0"><cacheFields count="0"/></pivotCacheDefinition>`},
		{"xl/persons/person.xml", xmlHead + `<personList xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments">` +
			`<person displayName="Nguyen Van A" id="{7A2B}" userId="nguyenvana@sotaichinh.gov.vn" providerId="AD"/></personList>`},
		{"xl/threadedComments/threadedComment1.xml", xmlHead + `<ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments">` +
			`<threadedComment ref="A1" dT="2024-05-01T11:00:00.00" personId="{7A2B}" id="{1}"><text>Số liệu sai</text></threadedComment></ThreadedComments>`},
	}
}

func sanitizedOffice(t *testing.T, typ Type, z []byte) []byte {
	t.Helper()
	r, n, err := Sanitize(typ, bytes.NewReader(z), int64(len(z)))
	if err != nil {
		t.Fatalf("Sanitize: %v", err)
	}
	out, err := io.ReadAll(r)
	if err != nil || int64(len(out)) != n {
		t.Fatalf("read %d of %d bytes: %v", len(out), n, err)
	}
	return out
}

// officeParts opens every part of z, checking that each XML part parses,
// and returns their contents.
func officeParts(t *testing.T, z []byte) (map[string]string, *zip.Reader) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		parts[f.Name] = string(b)
		if strings.HasSuffix(f.Name, ".xml") || strings.HasSuffix(f.Name, ".rels") {
			dec := xml.NewDecoder(bytes.NewReader(b))
			dec.Strict = true
			for {
				if _, err := dec.Token(); err == io.EOF {
					break
				} else if err != nil {
					t.Fatalf("%s does not parse: %v\n%s", f.Name, err, b)
				}
			}
		}
	}
	return parts, zr
}

func checkOfficeCopy(t *testing.T, typ Type, entries []zipEntry, keep []string) map[string]string {
	t.Helper()
	in := makeZip(t, entries...)
	if got, err := CheckOffice(bytes.NewReader(in), int64(len(in))); err != nil || got != typ {
		t.Fatalf("the sample: CheckOffice %v, %v", got, err)
	}
	all := func(p map[string]string) string {
		var sb strings.Builder
		for _, v := range p {
			sb.WriteString(v)
		}
		return sb.String()
	}
	before, _ := officeParts(t, in)
	for _, s := range officeSecrets {
		if typ == XLSX && (s == "NVA" || s == "00AB12CD") {
			continue
		}
		if !strings.Contains(all(before), s) {
			t.Fatalf("the sample lacks %q", s)
		}
	}
	out := sanitizedOffice(t, typ, in)
	if got, err := CheckOffice(bytes.NewReader(out), int64(len(out))); err != nil || got != typ {
		t.Fatalf("the copy: CheckOffice %v, %v", got, err)
	}
	after, zr := officeParts(t, out)
	for _, s := range officeSecrets {
		if strings.Contains(all(after), s) {
			t.Errorf("the copy still holds %q", s)
		}
	}
	for _, s := range keep {
		if !strings.Contains(all(after), s) {
			t.Errorf("the copy lost %q", s)
		}
	}
	if len(after) != len(before) {
		t.Errorf("%d parts, want %d", len(after), len(before))
	}
	for _, f := range zr.File {
		if !f.Modified.IsZero() && f.Modified.Year() > 1980 || len(f.Extra) > 0 || f.Comment != "" {
			t.Errorf("%s keeps its time, extra field or comment", f.Name)
		}
	}
	return after
}

func TestSanitizeDOCXRemovesAuthorsAndProperties(t *testing.T) {
	after := checkOfficeCopy(t, DOCX, identifyingDOCX(), []string{"Đơn phản ánh &amp; w:author=\"Text stays\"", " thêm", "bớt",
		"Ghi chú của người khiếu nại", "https://example.org/page", "<!-- a comment the copy keeps -->", `mc:Ignorable="w14"`,
		`w14:paraId="1A2B3C4D"`, `<w:mainDocumentType w:val="formLetters"/>`, `<w:zoom w:percent="100"/>`, `w:author=""`})
	if after["word/media/image1.png"] != pngBytes {
		t.Error("the image changed")
	}
	if !strings.HasPrefix(after["word/document.xml"], xmlHead+`<w:document `+nsW) {
		t.Error("the main part's root element changed")
	}
}

func TestSanitizeXLSXRemovesAuthorsAndProperties(t *testing.T) {
	after := checkOfficeCopy(t, XLSX, identifyingXLSX(), []string{"Khoản chi 5.000.000", "Số liệu sai", `<sheet name="Thu chi" sheetId="1"/>`,
		`authorId="0"`, `personId="{7A2B}"`, "<author></author>", `command="Sheet1$"`, `recordCount="0"`})
	if strings.Contains(after["xl/comments1.xml"], "tc={7A2B}") {
		t.Error("the second author is still named")
	}
}

func TestSanitizeOfficeRefuses(t *testing.T) {
	docx := makeZip(t, docxEntries()...)
	if _, _, err := Sanitize(XLSX, bytes.NewReader(docx), int64(len(docx))); !errors.Is(err, ErrUnsupported) {
		t.Errorf("a DOCX as XLSX: %v", err)
	}
	macro := makeZip(t, append(docxEntries(), zipEntry{"word/vbaProject.bin", "x"})...)
	if _, _, err := Sanitize(DOCX, bytes.NewReader(macro), int64(len(macro))); !errors.Is(err, ErrUnsupported) {
		t.Errorf("a macro document: %v", err)
	}
	dtd := makeZip(t, append(docxEntries()[:2], zipEntry{"word/document.xml", `<!DOCTYPE x [<!ENTITY a "b">]><w:document/>`})...)
	if _, _, err := Sanitize(DOCX, bytes.NewReader(dtd), int64(len(dtd))); !errors.Is(err, ErrUnsupported) {
		t.Errorf("a DTD: %v", err)
	}
	broken := makeZip(t, append(docxEntries()[:2], zipEntry{"word/document.xml", `<w:document a="1`})...)
	if _, _, err := Sanitize(DOCX, bytes.NewReader(broken), int64(len(broken))); !errors.Is(err, ErrCorrupt) {
		t.Errorf("an unterminated tag: %v", err)
	}
	big := &synthFile{}
	big.add(MaxSafeCopyBytes+1, func(int64, []byte) {})
	if _, _, err := Sanitize(DOCX, big, big.size); !errors.Is(err, ErrUnsupported) {
		t.Errorf("over the cap: %v", err)
	}
}

// TestSafeCopiesCleanPhotosInsideDocuments: a phone photo pasted into a
// Word document or a PDF keeps its EXIF and GPS there; the document's
// safe copy removes them as it does for an uploaded photo, and the photo
// still shows the same pixels.
func TestSafeCopiesCleanPhotosInsideDocuments(t *testing.T) {
	photo := insertAfterSOI(makeJPEG(t, 32, 24), segExif, segXMP, segCOM)
	gps := []string{"GPS-CAM", string(gpsLatitude), "http://ns.adobe.com/xap", "secret comment"}
	check := func(what string, clean []byte) {
		t.Helper()
		for _, s := range gps {
			if bytes.Contains(clean, []byte(s)) {
				t.Errorf("%s: the photo still holds %q", what, s)
			}
		}
		samePixels(t, decodeWith(t, jpeg.Decode, photo), decodeWith(t, jpeg.Decode, clean))
	}

	docx := sanitizedOffice(t, DOCX, makeZip(t, append(docxEntries(), zipEntry{"word/media/image1.jpeg", string(photo)})...))
	parts, _ := officeParts(t, docx)
	check("DOCX", []byte(parts["word/media/image1.jpeg"]))

	pdf := buildPDF("<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R /Resources << /XObject << /Im 4 0 R >> >> >>",
		stream("/Type /XObject /Subtype /Image /Width 32 /Height 24 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode", photo),
		stream("", []byte("q 320 0 0 240 72 72 cm /Im Do Q")))
	if err := checkPDFBytes(pdf); err != nil {
		t.Fatal(err)
	}
	ctx, err := pdfcpu.Read(bytes.NewReader(sanitizedPDF(t, pdf)), pdfConfig())
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range ctx.Table {
		if sd, ok := e.Object.(types.StreamDict); ok && sd.Subtype() != nil && *sd.Subtype() == "Image" {
			found = true
			check("PDF", sd.Raw)
		}
	}
	if !found {
		t.Fatal("the PDF lost its image")
	}
}
