package media

import (
	"archive/zip"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

const (
	// maxZipEntries is the most entries CheckOffice accepts; real documents
	// have tens to hundreds.
	maxZipEntries = 10_000
	// maxZipDirectory bounds the bytes archive/zip may read while parsing
	// the central directory (tail search plus directory), and so the memory
	// its File list takes, whatever the archive claims.
	maxZipDirectory = 1 << 20
	// maxContentTypes bounds the decompressed size of [Content_Types].xml.
	maxContentTypes = 1 << 20
)

// The bounds on what a document's parts inflate to (zip bombs): a viewer
// inflates them all, so CheckOffice does too, counting what the data really
// gives, never the sizes the headers claim.
const (
	// maxPartInflated bounds one part; a spreadsheet's largest sheet of
	// real data is tens of MiB.
	maxPartInflated = 100 << 20
	// maxOfficeInflated bounds all parts together.
	maxOfficeInflated = 200 << 20
	// maxPartRatio bounds a part's inflated size over its compressed size,
	// for parts inflating beyond ratioFloor: XML compresses about 10:1,
	// repetitive sheets up to about 100:1, a bomb about 1000:1.
	maxPartRatio = 200
	ratioFloor   = 1 << 20
)

// officeLimits are the inflation bounds, smaller in tests.
type officeLimits struct{ part, total, ratio, floor int64 }

var defaultOfficeLimits = officeLimits{part: maxPartInflated, total: maxOfficeInflated, ratio: maxPartRatio, floor: ratioFloor}

const (
	docxMain = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
	xlsxMain = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
)

// CheckOffice decides whether the ZIP archive in r (size bytes, random
// access) is a DOCX or an XLSX document and returns that type. It reads only
// the central directory and [Content_Types].xml (at most 1 MiB of it,
// decompressed); memory stays bounded whatever the archive claims.
//
// A DOCX has [Content_Types].xml and word/document.xml, an XLSX
// [Content_Types].xml and xl/workbook.xml, and the content types must give
// that part its plain (not macro-enabled, not template) main content type.
// Refused, with an error wrapping ErrUnsupported: archives with more than
// 10,000 entries, entry names containing ".." or starting with a slash,
// duplicate names, macro-enabled content (vbaProject parts, content types
// declaring vbaProject, macroEnabled or ActiveX), parts that inflate beyond
// 100 MiB or 200 times their compressed size (past the first MiB), all parts
// together beyond 200 MiB, and anything else. Every part is inflated (and its
// checksum checked) through a bounded reader, with a 32 KiB buffer. Structural
// damage gives ErrCorrupt.
func CheckOffice(r io.ReaderAt, size int64) (Type, error) {
	return checkOfficeLimits(r, size, defaultOfficeLimits)
}

func checkOfficeLimits(r io.ReaderAt, size int64, lim officeLimits) (Type, error) {
	if size < 22 {
		return Type{}, corruptf("ZIP: too short")
	}
	n, err := zipEntryCount(r, size)
	if err != nil {
		return Type{}, err
	}
	if n > maxZipEntries {
		return Type{}, unsupported(fmt.Sprintf("ZIP with %d entries", n))
	}
	budget := &budgetReaderAt{r: r, left: maxZipDirectory}
	zr, err := zip.NewReader(budget, size)
	if errors.Is(err, errBudget) {
		return Type{}, unsupported("ZIP central directory too large")
	}
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return Type{}, corruptf("ZIP: %v", err)
	}
	if len(zr.File) > maxZipEntries {
		return Type{}, unsupported(fmt.Sprintf("ZIP with %d entries", len(zr.File)))
	}

	var ctFile *zip.File
	names := make(map[string]bool, len(zr.File))
	for _, f := range zr.File {
		name := f.Name
		if strings.Contains(name, "..") || strings.HasPrefix(name, "/") || strings.HasPrefix(name, `\`) || strings.ContainsRune(name, 0) {
			return Type{}, unsupported(fmt.Sprintf("ZIP entry name %q", name))
		}
		// OOXML part names are case-insensitive; two entries differing
		// only in case would let two readers see different documents.
		lower := strings.ToLower(name)
		if names[lower] {
			return Type{}, unsupported(fmt.Sprintf("ZIP with duplicate entry %q", name))
		}
		names[lower] = true
		if lower == "[content_types].xml" {
			ctFile = f
		}
		if strings.HasSuffix(lower, "vbaproject.bin") || strings.HasSuffix(lower, "vbadata.xml") {
			return Type{}, unsupported("macro-enabled document")
		}
	}
	var t Type
	var mainPart, mainType string
	switch hasDoc, hasBook := names["word/document.xml"], names["xl/workbook.xml"]; {
	case hasDoc && !hasBook:
		t, mainPart, mainType = DOCX, "/word/document.xml", docxMain
	case hasBook && !hasDoc:
		t, mainPart, mainType = XLSX, "/xl/workbook.xml", xlsxMain
	case hasBook && hasDoc:
		return Type{}, unsupported("ZIP with both a Word and an Excel main part")
	default:
		return Type{}, unsupported("ZIP that is not a DOCX or XLSX document")
	}
	if ctFile == nil {
		return Type{}, unsupported("ZIP without [Content_Types].xml")
	}
	budget.left = maxContentTypes + 64<<10 // the compressed part, plus its local header
	types, err := readContentTypes(ctFile)
	if err != nil {
		return Type{}, err
	}
	got := types.overrides[mainPart]
	if got == "" {
		got = types.defaults["xml"]
	}
	if got != mainType {
		return Type{}, unsupported(fmt.Sprintf("%s main part has content type %q", t.Ext, got))
	}
	// The parts' data lies within the file; reading it all is bounded by
	// the limits below, not by the budget.
	budget.left = 1<<63 - 1
	if err := inflateParts(zr.File, lim); err != nil {
		return Type{}, err
	}
	return t, nil
}

// inflateParts reads every part to its end through io.LimitReader, so that
// a part inflating beyond the limits is refused after at most limit+1 bytes,
// whatever its headers say.
func inflateParts(files []*zip.File, lim officeLimits) error {
	buf := make([]byte, 32<<10)
	var total int64
	for _, f := range files {
		if f.FileInfo().IsDir() {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			if errors.Is(err, zip.ErrAlgorithm) {
				return unsupported(fmt.Sprintf("ZIP entry %q compressed with method %d", f.Name, f.Method))
			}
			return partError(f, err)
		}
		limit := min(lim.part, lim.total-total)
		n, err := io.CopyBuffer(io.Discard, io.LimitReader(rc, limit+1), buf)
		rc.Close()
		total += n
		switch {
		case n > limit && limit < lim.part:
			return unsupported(fmt.Sprintf("ZIP whose parts inflate beyond %d bytes", lim.total))
		case n > limit:
			return unsupported(fmt.Sprintf("ZIP entry %q inflating beyond %d bytes", f.Name, lim.part))
		case err != nil:
			return partError(f, err)
		case n > lim.floor && uint64(n) > uint64(lim.ratio)*max(f.CompressedSize64, 1):
			return unsupported(fmt.Sprintf("ZIP entry %q inflating %d times its size", f.Name, uint64(n)/max(f.CompressedSize64, 1)))
		}
	}
	return nil
}

func partError(f *zip.File, err error) error {
	if errors.Is(err, errBudget) {
		return unsupported("ZIP read budget exhausted")
	}
	return corruptf("ZIP: %s: %v", f.Name, err)
}

type contentTypes struct {
	defaults  map[string]string // lower-case extension → content type
	overrides map[string]string // lower-case part name → content type
}

// readContentTypes parses [Content_Types].xml with a real XML decoder, since
// a substring search is defeated by character references such as
// "macro&#69;nabled", and refuses macro and ActiveX content types.
func readContentTypes(f *zip.File) (contentTypes, error) {
	ct := contentTypes{defaults: map[string]string{}, overrides: map[string]string{}}
	if f.UncompressedSize64 > maxContentTypes {
		return ct, unsupported("[Content_Types].xml too large")
	}
	rc, err := f.Open()
	if err != nil {
		return ct, contentTypesError(err)
	}
	defer rc.Close()
	dec := xml.NewDecoder(io.LimitReader(rc, maxContentTypes+1))
	dec.Strict = true
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return ct, contentTypesError(err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		var key, typ string
		for _, a := range se.Attr {
			switch a.Name.Local {
			case "Extension", "PartName":
				key = strings.ToLower(a.Value)
			case "ContentType":
				typ = a.Value
			}
		}
		lt := strings.ToLower(typ)
		if strings.Contains(lt, "macroenabled") || strings.Contains(lt, "vbaproject") || strings.Contains(lt, "activex") ||
			strings.Contains(strings.ToLower(key), "vbaproject") {
			return ct, unsupported("macro-enabled document")
		}
		switch se.Name.Local {
		case "Default":
			ct.defaults[key] = typ
		case "Override":
			ct.overrides[key] = typ
		}
	}
	// Reading to EOF made archive/zip check the CRC; make sure the limit,
	// not the end of the part, stopped us.
	if n, _ := io.Copy(io.Discard, io.LimitReader(rc, 1)); n > 0 {
		return ct, unsupported("[Content_Types].xml too large")
	}
	return ct, nil
}

func contentTypesError(err error) error {
	if errors.Is(err, errBudget) {
		return unsupported("[Content_Types].xml too large")
	}
	return corruptf("ZIP: [Content_Types].xml: %v", err)
}

var errBudget = errors.New("media: read budget exhausted")

// budgetReaderAt fails once more than left bytes have been read through it.
type budgetReaderAt struct {
	r    io.ReaderAt
	left int64
}

func (b *budgetReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if int64(len(p)) > b.left {
		return 0, errBudget
	}
	n, err := b.r.ReadAt(p, off)
	b.left -= int64(n)
	return n, err
}

// zipEntryCount reads the entry count from the end-of-central-directory
// record (or its ZIP64 form) the way archive/zip finds it, so that an
// absurd count is refused before archive/zip sizes its File list by it.
func zipEntryCount(r io.ReaderAt, size int64) (uint64, error) {
	tail := make([]byte, min(size, 65*1024))
	if _, err := r.ReadAt(tail, size-int64(len(tail))); err != nil && err != io.EOF {
		return 0, fmt.Errorf("media: reading ZIP: %w", err)
	}
	p := -1
	// archive/zip looks in the last 1 KiB first, then in the last 65 KiB;
	// the last signature whose comment fits wins in both.
	for _, window := range []int{1024, len(tail)} {
		b := tail[len(tail)-min(window, len(tail)):]
		for i := len(b) - 22; i >= 0; i-- {
			if string(b[i:i+4]) == "PK\x05\x06" {
				if i+22+int(binary.LittleEndian.Uint16(b[i+20:])) <= len(b) {
					p = len(tail) - len(b) + i
				}
				break
			}
		}
		if p >= 0 {
			break
		}
	}
	if p < 0 {
		return 0, corruptf("ZIP: no end of central directory")
	}
	eocd := tail[p:]
	count := uint64(binary.LittleEndian.Uint16(eocd[10:]))
	dirSize := binary.LittleEndian.Uint32(eocd[12:])
	dirOff := binary.LittleEndian.Uint32(eocd[16:])
	if count != 0xFFFF && dirSize != 0xFFFF && dirOff != 0xFFFFFFFF {
		return count, nil
	}
	// ZIP64: the locator sits right before the record.
	eocdOff := size - int64(len(tail)) + int64(p)
	if eocdOff < 20 {
		return count, nil
	}
	var loc [20]byte
	if _, err := r.ReadAt(loc[:], eocdOff-20); err != nil {
		return 0, fmt.Errorf("media: reading ZIP: %w", err)
	}
	if string(loc[:4]) != "PK\x06\x07" || binary.LittleEndian.Uint32(loc[4:]) != 0 || binary.LittleEndian.Uint32(loc[16:]) != 1 {
		return count, nil
	}
	off := binary.LittleEndian.Uint64(loc[8:])
	if off > uint64(size)-56 || size < 56 {
		return 0, corruptf("ZIP: bad ZIP64 locator")
	}
	var rec [56]byte
	if _, err := r.ReadAt(rec[:], int64(off)); err != nil {
		return 0, fmt.Errorf("media: reading ZIP: %w", err)
	}
	if string(rec[:4]) != "PK\x06\x06" {
		return 0, corruptf("ZIP: bad ZIP64 end record")
	}
	return binary.LittleEndian.Uint64(rec[32:]), nil
}
