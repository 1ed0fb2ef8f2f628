package media

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"html"
	"io"
	"strings"
)

// The safe copy of a DOCX or XLSX (docs/privacy.md, "What each safe copy
// removes"): the ZIP is rewritten part by part. The document properties
// (core, extended and custom: author, last editor, company, template,
// dates, editing time) are replaced by empty ones; the authors, initials
// and dates of tracked changes and comments are blanked; editing-session
// ids (rsid) go; the people and persons parts lose their names and
// accounts; links to local files (an attached template's path names the
// user) are emptied, and so are connection strings and data-source paths;
// Word's document variables go; ZIP entry times, extra fields and the
// archive comment are not copied. JPEG, PNG and WebP images (up to maxEmbeddedImage) lose
// their metadata as uploaded photos do. Every other part is copied byte for
// byte, compressed as it was.

const (
	// maxXMLTag bounds one tag of a rewritten part; real tags are far
	// shorter (a long attribute value is a few KiB).
	maxXMLTag = 1 << 20
	// The empty property parts. An empty element is valid for each schema,
	// so the relationships and content types that name them stay true.
	emptyCoreProps = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ` +
		`xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ` +
		`xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"></cp:coreProperties>`
	emptyAppProps = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" ` +
		`xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"></Properties>`
	emptyCustomProps = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" ` +
		`xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"></Properties>`
	emptyPeople = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"></w15:people>`
)

// The property parts, by content type.
var officePropsByType = map[string]string{
	"application/vnd.openxmlformats-package.core-properties+xml":                      emptyCoreProps,
	"application/vnd.openxmlformats-officedocument.extended-properties+xml":           emptyAppProps,
	"application/vnd.openxmlformats-officedocument.custom-properties+xml":             emptyCustomProps,
	"application/vnd.openxmlformats-officedocument.wordprocessingml.people+xml":       emptyPeople,
	"application/vnd.openxmlformats-officedocument.spreadsheetml.person+xml":          "",
	"application/vnd.ms-excel.person+xml":                                             "",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.revisionHeaders+xml": "",
}

// ...and by their usual names, when the content types do not say.
var officePropsByName = map[string]string{
	"docprops/core.xml":   emptyCoreProps,
	"docprops/app.xml":    emptyAppProps,
	"docprops/custom.xml": emptyCustomProps,
	"word/people.xml":     emptyPeople,
}

// Attributes blanked (value emptied) or removed wherever they appear, by
// local name: Word's and Excel's names for who made a change or comment,
// their accounts, and when.
var (
	officeBlankAttrs  = map[string]bool{"author": true, "userId": true, "providerId": true, "displayName": true, "userName": true}
	officeRemoveAttrs = map[string]bool{"initials": true, "dateUtc": true}
	// date is removed only on revision and comment elements (elsewhere it
	// may be content, such as a date field's value).
	officeDatedElements = map[string]bool{"ins": true, "del": true, "comment": true, "moveFrom": true, "moveTo": true,
		"rPrChange": true, "pPrChange": true, "sectPrChange": true, "tblPrChange": true, "trPrChange": true, "tcPrChange": true,
		"tblGridChange": true, "numberingChange": true, "cellIns": true, "cellDel": true, "cellMerge": true,
		"moveFromRangeStart": true, "moveToRangeStart": true, "customXmlInsRangeStart": true, "customXmlDelRangeStart": true,
		"customXmlMoveFromRangeStart": true, "customXmlMoveToRangeStart": true}
	// Elements dropped with their content: Word's list of editing
	// sessions and its document variables (macros and add-ins keep data,
	// names included, there).
	officeDropElements = map[string]bool{"rsids": true, "docVars": true}
	// Attributes blanked on one element: paths and connection strings
	// that name the user's account, server or files (a workbook's saved
	// path, a data connection, a mail merge's data source), and who last
	// refreshed a pivot table.
	officeBlankOn = map[string]map[string]bool{
		"absPath":              {"url": true},
		"dbPr":                 {"connection": true},
		"connection":           {"sourceFile": true, "odcFile": true},
		"connectString":        {"val": true},
		"query":                {"val": true},
		"pivotCacheDefinition": {"refreshedBy": true},
	}
	// Elements whose text is dropped: the author list of Excel comments.
	officeBlankText = map[string]bool{"author": true}
)

// sanitizeOffice returns the safe copy of the DOCX or XLSX in src. It
// first runs CheckOffice, so every bound of that check (entries, sizes,
// ratios, macros) holds here too; rewritten parts are streamed through a
// bounded reader, and the copy is assembled in memory (at most
// MaxSafeCopyBytes of original, the copy at most twice that).
func sanitizeOffice(t Type, src io.ReaderAt, size int64) ([]byte, error) {
	if size > MaxSafeCopyBytes {
		return nil, tooLargeForCopy(size)
	}
	got, err := CheckOffice(src, size)
	if err != nil {
		return nil, err
	}
	if got != t {
		return nil, unsupported(fmt.Sprintf("a %s is not a %s", got.Ext, t.Ext))
	}
	zr, err := zip.NewReader(src, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, corruptf("ZIP: %v", err)
	}
	var types contentTypes
	for _, f := range zr.File {
		if strings.EqualFold(f.Name, "[Content_Types].xml") {
			if types, err = readContentTypes(f); err != nil {
				return nil, err
			}
		}
	}
	out := &cappedBuffer{max: 2 * MaxSafeCopyBytes}
	zw := zip.NewWriter(out)
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		if err := copyOfficePart(zw, f, types); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, officeWriteErr(err)
	}
	return out.Bytes(), nil
}

func officeWriteErr(err error) error {
	if errors.Is(err, errCopyTooLarge) {
		return unsupported("document whose copy would be too large")
	}
	return corruptf("ZIP: writing the copy: %v", err)
}

// copyOfficePart writes f's safe version into zw.
func copyOfficePart(zw *zip.Writer, f *zip.File, types contentTypes) error {
	lower := strings.ToLower(f.Name)
	replacement, isProps := officePropsByType[types.overrides["/"+lower]]
	if !isProps {
		replacement, isProps = officePropsByName[lower]
	}
	switch {
	case isProps && replacement != "":
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate})
		if err != nil {
			return officeWriteErr(err)
		}
		if _, err := io.WriteString(w, replacement); err != nil {
			return officeWriteErr(err)
		}
		return nil
	case isImagePart(lower) && f.UncompressedSize64 <= maxEmbeddedImage:
		return copyOfficeImage(zw, f)
	case lower == "[content_types].xml" || !(strings.HasSuffix(lower, ".xml") || strings.HasSuffix(lower, ".rels") || strings.HasSuffix(lower, ".vml")):
		return copyRawPart(zw, f)
	}
	// An XML part (the person and revision-header parts among them):
	// rewritten as it streams.
	rc, err := f.Open()
	if err != nil {
		return partError(f, err)
	}
	defer rc.Close()
	w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate})
	if err != nil {
		return officeWriteErr(err)
	}
	rw := &xmlRewriter{r: bufio.NewReaderSize(io.LimitReader(rc, maxPartInflated), 32<<10), rels: strings.HasSuffix(lower, ".rels")}
	bw := bufio.NewWriterSize(w, 32<<10)
	if err := rw.run(bw); err != nil {
		if errors.Is(err, ErrUnsupported) || errors.Is(err, ErrCorrupt) {
			return err
		}
		if errors.Is(err, errCopyTooLarge) {
			return officeWriteErr(err)
		}
		return corruptf("ZIP: %s: %v", f.Name, err)
	}
	if err := bw.Flush(); err != nil {
		return officeWriteErr(err)
	}
	return nil
}

// maxEmbeddedImage is the largest image inside a document whose metadata
// is removed; it is read whole. Larger ones are copied as they are.
const maxEmbeddedImage = 16 << 20

func isImagePart(lower string) bool {
	for _, ext := range []string{".jpg", ".jpeg", ".png", ".webp"} {
		if strings.HasSuffix(lower, ext) {
			return true
		}
	}
	return false
}

// copyOfficeImage writes an image part without its metadata (as an
// uploaded photo's), or as it is (copyRawPart) when the image sanitizer
// refuses it.
func copyOfficeImage(zw *zip.Writer, f *zip.File) error {
	rc, err := f.Open()
	if err != nil {
		return partError(f, err)
	}
	b, err := io.ReadAll(io.LimitReader(rc, maxEmbeddedImage+1))
	rc.Close()
	if err != nil {
		return partError(f, err)
	}
	if len(b) > maxEmbeddedImage {
		return unsupported("image part larger than its header says")
	}
	clean, ok := cleanEmbeddedImage(b)
	if !ok {
		return copyRawPart(zw, f)
	}
	// Stored: the image formats are compressed already.
	w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Store})
	if err != nil {
		return officeWriteErr(err)
	}
	if _, err := w.Write(clean); err != nil {
		return officeWriteErr(err)
	}
	return nil
}

// cleanEmbeddedImage returns the JPEG, PNG or WebP in b without its
// metadata, when the pixel budget and the image sanitizer accept it.
func cleanEmbeddedImage(b []byte) ([]byte, bool) {
	t, _, err := Sniff(b[:min(len(b), HeadSize)], DefaultMaxPixels)
	if err != nil || (t != JPEG && t != PNG && t != WebP) {
		return nil, false
	}
	r, n, err := Sanitize(t, bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, false
	}
	out := make([]byte, n)
	if _, err := io.ReadFull(r, out); err != nil {
		return nil, false
	}
	return out, true
}

// copyRawPart copies f as it is, still compressed, without its time,
// extra fields or comment.
func copyRawPart(zw *zip.Writer, f *zip.File) error {
	raw, err := f.OpenRaw()
	if err != nil {
		return partError(f, err)
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: f.Name, Method: f.Method, CRC32: f.CRC32,
		CompressedSize64: f.CompressedSize64, UncompressedSize64: f.UncompressedSize64})
	if err != nil {
		return officeWriteErr(err)
	}
	if _, err := io.Copy(w, raw); err != nil {
		return officeWriteErr(err)
	}
	return nil
}

var errCopyTooLarge = errors.New("media: copy too large")

// cappedBuffer is a bytes.Buffer that refuses to grow beyond max.
type cappedBuffer struct {
	bytes.Buffer
	max int
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > b.max {
		return 0, errCopyTooLarge
	}
	return b.Buffer.Write(p)
}

// xmlRewriter copies an XML part, changing only tags that carry what
// officeBlankAttrs, officeRemoveAttrs and officeDatedElements name, and
// dropping the content of officeDropElements and the text of
// officeBlankText. Everything else is copied byte for byte, so the part's
// namespaces, prefixes and markup-compatibility declarations are untouched.
// It refuses document type declarations (which Office never writes).
type xmlRewriter struct {
	r    *bufio.Reader
	rels bool // a relationships part: links to local files are emptied
	drop int  // > 0: inside a dropped element, at this depth
	text int  // > 0: inside an element whose text is dropped, at this depth
	dep  int
	tag  []byte
}

func (x *xmlRewriter) run(w *bufio.Writer) error {
	for {
		c, err := x.r.ReadByte()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if c != '<' {
			if x.drop == 0 && x.text == 0 {
				if err := w.WriteByte(c); err != nil {
					return err
				}
			}
			continue
		}
		if err := x.markup(w); err != nil {
			return err
		}
	}
}

// markup handles what follows a '<'.
func (x *xmlRewriter) markup(w *bufio.Writer) error {
	head, _ := x.r.Peek(8)
	keep := x.drop == 0
	switch {
	case bytes.HasPrefix(head, []byte("!--")):
		return x.through(w, "<", "-->", keep)
	case bytes.HasPrefix(head, []byte("![CDATA[")):
		return x.through(w, "<", "]]>", keep && x.text == 0)
	case bytes.HasPrefix(head, []byte("?")):
		return x.through(w, "<", "?>", keep)
	case bytes.HasPrefix(head, []byte("!")):
		return unsupported("XML part with a document type declaration")
	}
	if err := x.readTag(); err != nil {
		return err
	}
	t := x.tag // without '<' and '>'
	if len(t) > 0 && t[0] == '/' {
		if x.drop > 0 {
			if x.dep == x.drop {
				x.drop = 0
			}
			x.dep--
			return nil
		}
		if x.text > 0 && x.dep == x.text {
			x.text = 0
		}
		x.dep--
		return writeTag(w, t)
	}
	selfClosing := len(t) > 0 && t[len(t)-1] == '/'
	name, attrs, ok := parseTag(t)
	if !ok {
		return corruptf("XML: malformed tag")
	}
	if !selfClosing {
		x.dep++
	}
	if x.drop > 0 {
		return nil
	}
	local := localName(name)
	if officeDropElements[local] {
		if !selfClosing {
			x.drop = x.dep
		}
		return nil
	}
	if officeBlankText[local] && !selfClosing && x.text == 0 {
		x.text = x.dep
	}
	if !x.changes(local, attrs) {
		return writeTag(w, t)
	}
	var b bytes.Buffer
	b.WriteString(name)
	external := false
	for _, a := range attrs {
		if localName(a.name) == "TargetMode" && html.UnescapeString(a.value) == "External" {
			external = true
		}
	}
	for _, a := range attrs {
		l := localName(a.name)
		v := a.value
		switch {
		case officeRemoveAttrs[l], l == "date" && officeDatedElements[local], strings.HasPrefix(l, "rsid"):
			continue
		case officeBlankAttrs[l]:
			v = ""
		case l == "dT" && local == "threadedComment":
			v = "1970-01-01T00:00:00.00"
		case officeBlankOn[local][l]:
			v = ""
		case x.rels && external && l == "Target" && !webLink([]byte(html.UnescapeString(v))):
			v = ""
		}
		b.WriteByte(' ')
		b.WriteString(a.name)
		b.WriteByte('=')
		b.WriteByte(a.quote)
		b.WriteString(v)
		b.WriteByte(a.quote)
	}
	if selfClosing {
		b.WriteByte('/')
	}
	return writeTag(w, b.Bytes())
}

// changes reports whether a tag has something to rewrite.
func (x *xmlRewriter) changes(local string, attrs []xmlAttr) bool {
	for _, a := range attrs {
		l := localName(a.name)
		if officeBlankAttrs[l] || officeRemoveAttrs[l] || strings.HasPrefix(l, "rsid") ||
			(l == "date" && officeDatedElements[local]) || (l == "dT" && local == "threadedComment") ||
			officeBlankOn[local][l] || (x.rels && l == "TargetMode") {
			return true
		}
	}
	return false
}

func writeTag(w *bufio.Writer, t []byte) error {
	if err := w.WriteByte('<'); err != nil {
		return err
	}
	if _, err := w.Write(t); err != nil {
		return err
	}
	return w.WriteByte('>')
}

// through copies (or skips) from the current position to the end of
// terminator, writing open first.
func (x *xmlRewriter) through(w *bufio.Writer, open, terminator string, keep bool) error {
	if keep {
		if _, err := w.WriteString(open); err != nil {
			return err
		}
	}
	matched := 0
	for {
		c, err := x.r.ReadByte()
		if err != nil {
			return corruptf("XML: unterminated %q", terminator)
		}
		if keep {
			if err := w.WriteByte(c); err != nil {
				return err
			}
		}
		switch {
		case c == terminator[matched]:
			matched++
		case c == terminator[0]:
			matched = 1
		default:
			matched = 0
		}
		if matched == len(terminator) {
			return nil
		}
	}
}

// readTag reads a tag after its '<' up to its '>', into x.tag (without
// either), honouring quoted attribute values.
func (x *xmlRewriter) readTag() error {
	x.tag = x.tag[:0]
	var quote byte
	for {
		c, err := x.r.ReadByte()
		if err != nil {
			return corruptf("XML: unterminated tag")
		}
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return nil
		case c == '<':
			return corruptf("XML: '<' inside a tag")
		}
		if len(x.tag) >= maxXMLTag {
			return unsupported("XML tag too long")
		}
		x.tag = append(x.tag, c)
	}
}

type xmlAttr struct {
	name, value string
	quote       byte
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// parseTag splits a start tag (without '<' and '>') into its name and
// attributes.
func parseTag(t []byte) (string, []xmlAttr, bool) {
	t = bytes.TrimSuffix(t, []byte("/"))
	i := 0
	for i < len(t) && !isXMLSpace(t[i]) {
		i++
	}
	name := string(t[:i])
	if name == "" {
		return "", nil, false
	}
	var attrs []xmlAttr
	for {
		for i < len(t) && isXMLSpace(t[i]) {
			i++
		}
		if i == len(t) {
			return name, attrs, true
		}
		j := i
		for j < len(t) && t[j] != '=' && !isXMLSpace(t[j]) {
			j++
		}
		an := string(t[i:j])
		for j < len(t) && isXMLSpace(t[j]) {
			j++
		}
		if an == "" || j >= len(t) || t[j] != '=' {
			return "", nil, false
		}
		j++
		for j < len(t) && isXMLSpace(t[j]) {
			j++
		}
		if j >= len(t) || (t[j] != '"' && t[j] != '\'') {
			return "", nil, false
		}
		q := t[j]
		k := bytes.IndexByte(t[j+1:], q)
		if k < 0 {
			return "", nil, false
		}
		attrs = append(attrs, xmlAttr{name: an, value: string(t[j+1 : j+1+k]), quote: q})
		i = j + 1 + k + 1
	}
}

func localName(n string) string {
	if i := strings.IndexByte(n, ':'); i >= 0 {
		return n[i+1:]
	}
	return n
}
