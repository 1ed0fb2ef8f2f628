package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func checkOffice(b []byte) (Type, error) {
	return CheckOffice(bytes.NewReader(b), int64(len(b)))
}

func TestCheckOfficeAccepts(t *testing.T) {
	for name, tt := range map[string]struct {
		zip  []byte
		want Type
	}{
		"docx":       {makeZip(t, docxEntries()...), DOCX},
		"xlsx":       {makeZip(t, xlsxEntries()...), XLSX},
		"docx zip64": {toZip64(t, makeZip(t, docxEntries()...), 0), DOCX},
		"docx with main type as Default": {makeZip(t,
			zipEntry{"[Content_Types].xml", strings.Replace(contentTypesXML(), `ContentType="application/xml"`, `ContentType="`+docxMain+`"`, 1)},
			docxEntries()[2]), DOCX},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := checkOffice(tt.zip)
			if err != nil || got != tt.want {
				t.Fatalf("CheckOffice = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func TestCheckOfficeRefuses(t *testing.T) {
	docx := docxEntries()
	docm := []zipEntry{
		{"[Content_Types].xml", contentTypesXML("/word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml",
			"/word/vbaProject.bin", "application/vnd.ms-office.vbaProject")},
		docx[1], docx[2],
		{"word/vbaProject.bin", "\xd0\xcf\x11\xe0 fake OLE"},
	}
	manyEntries := docxEntries()
	for i := range maxZipEntries {
		manyEntries = append(manyEntries, zipEntry{fmt.Sprintf("word/media/i%d.png", i), ""})
	}
	longNames := docxEntries()
	for i := range 4000 {
		longNames = append(longNames, zipEntry{fmt.Sprintf("word/%0250d", i), ""})
	}
	tests := []struct {
		name string
		zip  []byte
	}{
		{"other content", makeZip(t, zipEntry{"photos/a.jpg", "x"}, zipEntry{"readme.txt", "hello"})},
		{"renamed zip lacking word/document.xml", makeZip(t, docx[0], docx[1], zipEntry{"word/styles.xml", "<styles/>"})},
		{"no content types", makeZip(t, docx[1], docx[2])},
		{"docm", makeZip(t, docm...)},
		{"macro type hidden by a character reference", makeZip(t,
			zipEntry{"[Content_Types].xml", contentTypesXML("/word/document.xml", "application/vnd.ms-word.document.macro&#69;nabled.main+xml")},
			docx[1], docx[2])},
		{"vbaProject part with clean content types", makeZip(t, append(docxEntries(), zipEntry{"word/vbaProject.bin", "x"})...)},
		{"activeX content type", makeZip(t,
			zipEntry{"[Content_Types].xml", contentTypesXML("/word/document.xml", docxMain, "/word/activeX/activeX1.bin", "application/vnd.ms-office.activeX")},
			docx[1], docx[2])},
		{"xlsm", makeZip(t,
			zipEntry{"[Content_Types].xml", contentTypesXML("/xl/workbook.xml", "application/vnd.ms-excel.sheet.macroEnabled.main+xml")},
			xlsxEntries()[2])},
		{"dotx template", makeZip(t,
			zipEntry{"[Content_Types].xml", contentTypesXML("/word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml")},
			docx[1], docx[2])},
		{"main part typed as plain xml", makeZip(t, zipEntry{"[Content_Types].xml", contentTypesXML()}, docx[1], docx[2])},
		{"both word and excel", makeZip(t, append(docxEntries(), xlsxEntries()[2])...)},
		{"dot-dot name", makeZip(t, append(docxEntries(), zipEntry{"word/../../etc/passwd", "x"})...)},
		{"absolute name", makeZip(t, append(docxEntries(), zipEntry{"/tmp/x", "x"})...)},
		{"duplicate name", makeZip(t, append(docxEntries(), zipEntry{"word/document.xml", "<other/>"})...)},
		{"duplicate name differing in case", makeZip(t, append(docxEntries(), zipEntry{"[content_types].XML", contentTypesXML()})...)},
		{"more than 10,000 entries", makeStoredZip(t, manyEntries...)},
		{"central directory over budget", makeStoredZip(t, longNames...)},
		{"zip64 claiming a billion entries", toZip64(t, makeZip(t, docxEntries()...), 1e9)},
		{"eocd claiming 60,000 entries", patchEOCDCount(makeZip(t, docxEntries()...), 60000)},
		{"content types over 1 MiB", makeZip(t,
			zipEntry{"[Content_Types].xml", strings.Replace(contentTypesXML("/word/document.xml", docxMain), "<Types", strings.Repeat(" ", 1<<20)+"<Types", 1)},
			docx[1], docx[2])},
	}
	// The reason each is refused for, so that an earlier check cannot make
	// a test pass for the wrong reason.
	why := map[string]string{
		"other content":                         "not a DOCX or XLSX",
		"renamed zip lacking word/document.xml": "not a DOCX or XLSX",
		"no content types":                      "without [Content_Types].xml",
		"docm":                                  "macro-enabled",
		"macro type hidden by a character reference": "macro-enabled",
		"vbaProject part with clean content types":   "macro-enabled",
		"activeX content type":                       "macro-enabled",
		"xlsm":                                       "macro-enabled",
		"dotx template":                              "template.main+xml",
		"main part typed as plain xml":               `content type "application/xml"`,
		"both word and excel":                        "both a Word and an Excel",
		"dot-dot name":                               "entry name",
		"absolute name":                              "entry name",
		"duplicate name":                             "duplicate entry",
		"duplicate name differing in case":           "duplicate entry",
		"more than 10,000 entries":                   "10003 entries",
		"central directory over budget":              "central directory too large",
		"zip64 claiming a billion entries":           "1000000000 entries",
		"eocd claiming 60,000 entries":               "60000 entries",
		"content types over 1 MiB":                   "[Content_Types].xml too large",
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := checkOffice(tt.zip)
			if !errors.Is(err, ErrUnsupported) {
				t.Fatalf("CheckOffice = %+v, %v; want ErrUnsupported", got, err)
			}
			if w := why[tt.name]; w == "" || !strings.Contains(err.Error(), w) {
				t.Errorf("refused with %q, want a reason containing %q", err, w)
			}
		})
	}
}

func TestCheckOfficeCorrupt(t *testing.T) {
	z := makeZip(t, docxEntries()...)
	// Stored, not deflated, so that a byte of [Content_Types].xml can be
	// changed in place.
	stored := makeStoredZip(t, docxEntries()...)
	if _, err := checkOffice(stored); err != nil {
		t.Fatalf("stored docx: %v", err)
	}
	badCRC := bytes.Replace(stored, []byte("word/document.xml\" ContentType"), []byte("word/document.xml\"  ContentTyp"), 1)
	if bytes.Equal(badCRC, stored) {
		t.Fatal("content types not found in the archive")
	}
	for name, b := range map[string][]byte{
		"truncated":      z[:len(z)/2],
		"tiny":           []byte("PK\x03\x04"),
		"no end record":  z[:len(z)-22],
		"crc mismatch":   badCRC,
		"not a zip":      bytes.Repeat([]byte("A"), 100),
		"directory gone": append(append([]byte(nil), z[:30]...), z[len(z)-22:]...),
	} {
		t.Run(name, func(t *testing.T) {
			got, err := checkOffice(b)
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("CheckOffice = %+v, %v; want ErrCorrupt", got, err)
			}
		})
	}
}

// toZip64 rewrites a small archive's end record into the ZIP64 form, with
// the entry count replaced by count when count > 0.
func toZip64(t testing.TB, z []byte, count uint64) []byte {
	t.Helper()
	eocd := z[len(z)-22:]
	if string(eocd[:4]) != "PK\x05\x06" {
		t.Fatal("archive has a comment")
	}
	n := uint64(binary.LittleEndian.Uint16(eocd[10:]))
	if count > 0 {
		n = count
	}
	dirSize := uint64(binary.LittleEndian.Uint32(eocd[12:]))
	dirOff := uint64(binary.LittleEndian.Uint32(eocd[16:]))
	out := append([]byte(nil), z[:len(z)-22]...)
	recOff := uint64(len(out))
	rec := []byte("PK\x06\x06")
	rec = binary.LittleEndian.AppendUint64(rec, 44)
	rec = binary.LittleEndian.AppendUint16(rec, 45)
	rec = binary.LittleEndian.AppendUint16(rec, 45)
	rec = binary.LittleEndian.AppendUint32(rec, 0)
	rec = binary.LittleEndian.AppendUint32(rec, 0)
	rec = binary.LittleEndian.AppendUint64(rec, n)
	rec = binary.LittleEndian.AppendUint64(rec, n)
	rec = binary.LittleEndian.AppendUint64(rec, dirSize)
	rec = binary.LittleEndian.AppendUint64(rec, dirOff)
	out = append(out, rec...)
	out = append(out, "PK\x06\x07"...)
	out = binary.LittleEndian.AppendUint32(out, 0)
	out = binary.LittleEndian.AppendUint64(out, recOff)
	out = binary.LittleEndian.AppendUint32(out, 1)
	out = append(out, "PK\x05\x06\x00\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x00\x00"...)
	return out
}

func patchEOCDCount(z []byte, n uint16) []byte {
	out := append([]byte(nil), z...)
	binary.LittleEndian.PutUint16(out[len(out)-12:], n)
	binary.LittleEndian.PutUint16(out[len(out)-14:], n)
	return out
}
