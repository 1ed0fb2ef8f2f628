package media

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"strings"
)

// PDFs are refused, not neutralised, when they carry active content: a
// neutralised copy would need a PDF rewriter (object graph, cross-reference
// rebuild), a large parser of untrusted input, and the original kept for
// custody would still be active. Refusing keeps every stored PDF, original
// included, passive. docs/privacy.md ("What the content checks refuse")
// lists what is refused and what a citizen can do instead.

const (
	// maxPDFStreamInflated bounds what one compressed stream may inflate
	// to, and maxPDFInflated what all of a file's scanned streams may
	// together (images and fonts are not inflated).
	maxPDFStreamInflated = 64 << 20
	maxPDFInflated       = 256 << 20
	// maxPDFString is how much of a string is kept to check a link target.
	maxPDFString = 4096
	// maxPDFName is the longest name compared; PDF's own limit is 127.
	maxPDFName = 128
	// pdfTail is how much of the end is checked for a ZIP directory: ZIP
	// readers look that far (a 64 KiB comment and the 22-byte record).
	pdfTail = 64<<10 + 22
)

// pdfForbidden are the names that make a PDF active: scripts, actions that
// run or open something outside the document, embedded files, rich media,
// forms that submit or run scripts, and encryption (which hides streams and
// strings from this check). Names are compared after #xx escapes are decoded.
var pdfForbidden = map[string]string{
	"JS":             "JavaScript",
	"JavaScript":     "JavaScript",
	"AA":             "automatic actions",
	"Launch":         "a launch action",
	"GoToR":          "a link to another file",
	"GoToE":          "a link into an embedded file",
	"SubmitForm":     "a form that submits data",
	"ImportData":     "a form that imports data",
	"EmbeddedFile":   "an embedded file",
	"EF":             "an embedded file",
	"FileAttachment": "a file attachment",
	"RichMedia":      "rich media",
	"Rendition":      "a media rendition",
	"Movie":          "a movie",
	"Sound":          "a sound",
	"XFA":            "an XFA form",
	"Encrypt":        "encryption",
}

// CheckPDF refuses a PDF that is not passive. It reads the whole file in
// order through a bounded buffer, tokenizing it, and refuses (ErrUnsupported)
// when it finds a name of pdfForbidden, a link (/URI) whose target is not
// http, https or mailto, a stream it cannot decode to check (filters other
// than FlateDecode, predictors) unless it is an image or a font, an object
// hidden inside another stream's data, a compressed stream inflating beyond
// 64 MiB or all of them beyond 256 MiB, or the end of a polyglot (HTML in the
// last KiB, a ZIP directory at the end). Compressed streams (object streams included) are inflated and
// their content checked the same way.
func CheckPDF(r io.ReaderAt, size int64) error {
	return checkPDF(r, size, pdfLimits{stream: maxPDFStreamInflated, total: maxPDFInflated})
}

// pdfLimits are the inflation caps, smaller in tests.
type pdfLimits struct{ stream, total int64 }

func checkPDF(r io.ReaderAt, size int64, lim pdfLimits) error {
	if size < 8 {
		return corruptf("PDF: too short")
	}
	head := make([]byte, min(size, 1024))
	if _, err := r.ReadAt(head, 0); err != nil && err != io.EOF {
		return fmt.Errorf("media: reading PDF: %w", err)
	}
	if !bytes.HasPrefix(head, []byte("%PDF-")) {
		return unsupported("not a PDF")
	}
	if _, _, err := sniffPDF(head); err != nil {
		return err
	}
	if err := checkPDFTail(r, size); err != nil {
		return err
	}
	budget := lim.total
	s := &pdfScanner{src: r, size: size, budget: &budget, lim: lim, raw: true}
	s.br = bufio.NewReaderSize(io.NewSectionReader(r, 0, size), 64<<10)
	return s.run()
}

// checkPDFTail refuses the end of a polyglot: HTML in the last KiB (where a
// file's second personality sits when appended), or a ZIP end-of-directory
// record within reach of ZIP readers (a PDF that is also a ZIP or a JAR).
// Other trailing bytes are common in real files and harmless: viewers read a
// PDF from its cross-reference table.
func checkPDFTail(r io.ReaderAt, size int64) error {
	tail := make([]byte, min(size, pdfTail))
	if _, err := r.ReadAt(tail, size-int64(len(tail))); err != nil && err != io.EOF {
		return fmt.Errorf("media: reading PDF: %w", err)
	}
	if bytes.Contains(tail, []byte("PK\x05\x06")) {
		return unsupported("PDF that is also a ZIP archive")
	}
	if html := htmlTag(tail[max(0, len(tail)-1024):]); html != "" {
		return unsupported("PDF with HTML at its end")
	}
	return nil
}

// htmlTag returns the first tag in b that makes browsers and mail scanners
// take content for HTML, or "".
func htmlTag(b []byte) string {
	lower := bytes.ToLower(b)
	for _, tag := range []string{"<html", "<head", "<body", "<script", "<iframe", "<svg", "<!doctype", "<meta", "<a ", "<img",
		"<object", "<embed", "<form", "<style"} {
		if bytes.Contains(lower, []byte(tag)) {
			return tag
		}
	}
	return ""
}

// pdfScanner tokenizes PDF syntax: the file itself (raw), or the decoded
// content of one of its streams.
type pdfScanner struct {
	br     *bufio.Reader
	off    int64 // offset in src of the next byte of br (raw only)
	src    io.ReaderAt
	size   int64
	raw    bool
	budget *int64
	lim    pdfLimits

	// State of the current object (raw only), reset at each "obj".
	filters     []string
	filterRef   bool // /Filter is followed by something else than names
	names       map[string]bool
	inFilterArr bool

	prevName string // "S" or "Filter" when the token before was that name
	checkStr bool   // the next token is a link target to check
	tok      []byte // the current name or keyword
	str      []byte // the current string, up to maxPDFString bytes
}

func (s *pdfScanner) readByte() (byte, error) {
	c, err := s.br.ReadByte()
	if err == nil {
		s.off++
	}
	return c, err
}

func (s *pdfScanner) unread() {
	_ = s.br.UnreadByte()
	s.off--
}

// pdfClass sorts bytes: 1 white space, 2 delimiter, 0 regular.
var pdfClass = func() (t [256]byte) {
	for _, c := range []byte(" \t\r\n\f\x00") {
		t[c] = 1
	}
	for _, c := range []byte("()<>[]{}/%") {
		t[c] = 2
	}
	return t
}()

func isPDFSpace(c byte) bool { return pdfClass[c] == 1 }

func isPDFDelim(c byte) bool { return pdfClass[c] == 2 }

func (s *pdfScanner) run() error {
	for {
		c, err := s.readByte()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return readErr(err)
		}
		switch {
		case isPDFSpace(c):
		case c == '%':
			if err := s.skipLine(); err != nil {
				return err
			}
		case c == '(':
			str, err := s.literal()
			if err != nil {
				return err
			}
			if err := s.onString(str); err != nil {
				return err
			}
		case c == '<':
			n, err := s.readByte()
			if err == nil && n == '<' {
				// A dictionary may follow /URI: the catalog's, whose /Base
				// is then checked.
				s.checkStr, s.prevName = false, ""
				continue
			}
			if err == nil {
				s.unread()
			}
			str, err := s.hex()
			if err != nil {
				return err
			}
			if err := s.onString(str); err != nil {
				return err
			}
		case c == '/':
			if err := s.onName(s.name()); err != nil {
				return err
			}
		case c == ']':
			s.inFilterArr = false
			if err := s.onOther(); err != nil {
				return err
			}
		case isPDFDelim(c):
			if err := s.onOther(); err != nil {
				return err
			}
		default:
			kw := s.keyword(c)
			if err := s.onKeyword(kw); err != nil {
				return err
			}
		}
	}
}

func readErr(err error) error {
	if errors.Is(err, ErrUnsupported) || errors.Is(err, ErrCorrupt) {
		return err
	}
	return fmt.Errorf("media: reading PDF: %w", err)
}

func (s *pdfScanner) skipLine() error {
	for {
		c, err := s.readByte()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return readErr(err)
		}
		if c == '\r' || c == '\n' {
			return nil
		}
	}
}

// literal reads a (string) after its opening parenthesis, keeping at most
// maxPDFString decoded bytes.
func (s *pdfScanner) literal() ([]byte, error) {
	s.str = s.str[:0]
	keep := func(b byte) {
		if len(s.str) < maxPDFString {
			s.str = append(s.str, b)
		}
	}
	depth := 1
	for {
		c, err := s.readByte()
		if err == io.EOF {
			return s.str, nil // an unterminated string ends the file
		}
		if err != nil {
			return nil, readErr(err)
		}
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return s.str, nil
			}
		case '\\':
			e, err := s.readByte()
			if err == io.EOF {
				return s.str, nil
			}
			if err != nil {
				return nil, readErr(err)
			}
			switch e {
			case 'n':
				keep('\n')
			case 'r':
				keep('\r')
			case 't':
				keep('\t')
			case 'b':
				keep('\b')
			case 'f':
				keep('\f')
			case '\r', '\n':
				// line continuation
			case '0', '1', '2', '3', '4', '5', '6', '7':
				v := int(e - '0')
				for i := 0; i < 2; i++ {
					d, err := s.readByte()
					if err != nil {
						break
					}
					if d < '0' || d > '7' {
						s.unread()
						break
					}
					v = v*8 + int(d-'0')
				}
				keep(byte(v))
			default:
				keep(e)
			}
			continue
		}
		keep(c)
	}
}

// hex reads a <hex string> after its opening bracket.
func (s *pdfScanner) hex() ([]byte, error) {
	s.str = s.str[:0]
	var hi byte
	half := false
	for {
		c, err := s.readByte()
		if err == io.EOF {
			return s.str, nil
		}
		if err != nil {
			return nil, readErr(err)
		}
		if c == '>' {
			break
		}
		v, ok := unhex(c)
		if !ok {
			continue // whitespace, or junk a viewer skips too
		}
		if half {
			if len(s.str) < maxPDFString {
				s.str = append(s.str, hi<<4|v)
			}
		} else {
			hi = v
		}
		half = !half
	}
	if half && len(s.str) < maxPDFString {
		s.str = append(s.str, hi<<4)
	}
	return s.str, nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// name reads a name after its slash, decoding #xx escapes, into a buffer
// the next name reuses.
func (s *pdfScanner) name() []byte {
	b := s.tok[:0]
	defer func() { s.tok = b[:0] }()
	for {
		c, err := s.readByte()
		if err != nil {
			break
		}
		if isPDFSpace(c) || isPDFDelim(c) {
			s.unread()
			break
		}
		if c == '#' {
			// "#xx" is one byte; a "#" not followed by two hex digits is
			// kept as it is, as viewers do.
			if h1, err := s.readByte(); err == nil {
				v1, ok1 := unhex(h1)
				if !ok1 {
					s.unread()
				} else if h2, err := s.readByte(); err == nil {
					if v2, ok2 := unhex(h2); ok2 {
						c = v1<<4 | v2
					} else {
						s.unread()
						b = append(b, '#')
						c = h1
					}
				} else {
					b = append(b, '#')
					c = h1
				}
			}
		}
		if len(b) < maxPDFName {
			b = append(b, c)
		}
	}
	return b
}

// keyword reads a keyword or number, into the buffer name uses.
func (s *pdfScanner) keyword(first byte) []byte {
	b := append(s.tok[:0], first)
	defer func() { s.tok = b[:0] }()
	for {
		c, err := s.readByte()
		if err != nil {
			break
		}
		if isPDFSpace(c) || isPDFDelim(c) {
			s.unread()
			break
		}
		if len(b) < 32 {
			b = append(b, c)
		}
	}
	return b
}

// A link target is checked when /URI (or a base URI's /Base) is a key: its
// value must be a string with a web or mail scheme.
func (s *pdfScanner) linkKey(n []byte) bool {
	return (string(n) == "URI" && s.prevName != "S") || string(n) == "Base"
}

func (s *pdfScanner) onName(n []byte) error {
	if why, bad := pdfForbidden[string(n)]; bad {
		return unsupported("PDF with " + why)
	}
	if s.checkStr {
		return unsupported("PDF link target that is not a string")
	}
	if s.raw {
		if s.prevName == "Filter" || s.inFilterArr {
			s.filters = append(s.filters, string(n))
		}
		if pdfTracked[string(n)] && s.names != nil {
			s.names[string(n)] = true
		}
	}
	s.checkStr = s.linkKey(n)
	// Only these two matter for the next token; keeping just them saves
	// an allocation per name.
	switch string(n) {
	case "S":
		s.prevName = "S"
	case "Filter":
		s.prevName = "Filter"
	default:
		s.prevName = "-"
	}
	return nil
}

func (s *pdfScanner) onString(str []byte) error {
	if s.checkStr {
		if !webLink(str) {
			return unsupported("PDF with a link that is not to a web page or an e-mail address")
		}
		s.checkStr = false
	}
	s.prevName = ""
	return nil
}

// onOther is any other delimiter: a dictionary (a base URI's) may follow
// /URI; anything else where a link target should be is refused.
func (s *pdfScanner) onOther() error {
	if s.checkStr {
		return unsupported("PDF link target that is not a string")
	}
	if s.raw && s.prevName == "Filter" {
		s.inFilterArr = true
	}
	s.prevName = ""
	return nil
}

// webLink reports whether a link target is http, https or mailto. A
// relative target is refused too: resolved against a file: base, or by a
// viewer that opens it as a path, it reaches the local file system.
func webLink(str []byte) bool {
	// PDF text strings may be UTF-16BE with a BOM; links are ASCII.
	if bytes.HasPrefix(str, []byte{0xFE, 0xFF}) {
		var a []byte
		for i := 2; i+1 < len(str); i += 2 {
			if str[i] != 0 {
				return false
			}
			a = append(a, str[i+1])
		}
		str = a
	}
	l := strings.ToLower(strings.TrimLeft(string(str), " \t\r\n\f\x00"))
	for _, p := range []string{"http://", "https://", "mailto:"} {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}

func (s *pdfScanner) resetObject() {
	s.filters, s.filterRef, s.names, s.inFilterArr = nil, false, map[string]bool{}, false
}

func (s *pdfScanner) onKeyword(kw []byte) error {
	if s.raw && s.prevName == "Filter" {
		s.filterRef = true
	}
	if s.checkStr {
		// "/URI 12 0 R": the target is elsewhere, where it cannot be tied
		// to the link; a real writer puts the string inline.
		return unsupported("PDF link target that is not a string")
	}
	s.prevName = ""
	if !s.raw {
		return nil
	}
	switch string(kw) {
	case "obj", "endobj":
		s.resetObject()
	case "stream":
		if err := s.stream(); err != nil {
			return err
		}
		s.resetObject()
	}
	return nil
}

// stream handles a stream's data: it finds the end (the first "endstream",
// whatever /Length says, so that no bytes a viewer might parse go unread),
// refuses an object hidden in the data, checks the decoded data of every
// stream that is not an image or a font, and moves past it.
func (s *pdfScanner) stream() error {
	// The keyword is followed by CRLF or LF (a lone CR is tolerated).
	if c, err := s.readByte(); err == nil {
		if c == '\r' {
			if c2, err := s.readByte(); err == nil && c2 != '\n' {
				s.unread()
			}
		} else if c != '\n' {
			s.unread()
		}
	}
	start := s.off
	end, err := s.findEndStream(start)
	if err != nil {
		return err
	}
	if err := s.checkStreamData(start, end); err != nil {
		return err
	}
	s.off = end
	s.br.Reset(io.NewSectionReader(s.src, end, s.size-end))
	return nil
}

// findEndStream returns the offset of the first "endstream" at or after
// start, and refuses data holding "N G obj": a cross-reference entry could
// point a viewer into the data and have it read an object from there.
func (s *pdfScanner) findEndStream(start int64) (int64, error) {
	const chunk, overlap = 64 << 10, 64
	buf := make([]byte, chunk+overlap)
	carried := 0
	for pos := start; pos < s.size; {
		n, err := s.src.ReadAt(buf[carried:carried+int(min(chunk, s.size-pos))], pos)
		if n == 0 && err != nil && err != io.EOF {
			return 0, readErr(err)
		}
		if n == 0 {
			break
		}
		b := buf[:carried+n]
		base := pos - int64(carried)
		if i := bytes.Index(b, []byte("endstream")); i >= 0 {
			if hiddenObject(b[:i]) {
				return 0, unsupported("PDF with an object inside a stream")
			}
			return base + int64(i), nil
		}
		if hiddenObject(b) {
			return 0, unsupported("PDF with an object inside a stream")
		}
		pos += int64(n)
		carried = min(overlap, len(b))
		copy(buf, b[len(b)-carried:])
	}
	return 0, corruptf("PDF: stream without endstream")
}

// hiddenObject reports whether b holds "<digits> <digits> obj", with white
// space or comments between the three.
func hiddenObject(b []byte) bool {
	for off := 0; ; {
		i := bytes.Index(b[off:], []byte("obj"))
		if i < 0 {
			return false
		}
		i += off
		off = i + 1
		j := i
		ok := true
		for part := 0; part < 2 && ok; part++ {
			k := skipBackSpace(b, j)
			d := k
			for d > 0 && b[d-1] >= '0' && b[d-1] <= '9' {
				d--
			}
			ok = k < j && d < k
			j = d
		}
		if ok {
			return true
		}
	}
}

// skipBackSpace returns where the white space and comments that end at j
// start. A comment runs from a '%' to the end of its line, so a line break
// skipped may end one: it starts at the first '%' of that line.
func skipBackSpace(b []byte, j int) int {
	for {
		k := j
		sawEOL := false
		for k > 0 && isPDFSpace(b[k-1]) {
			sawEOL = sawEOL || b[k-1] == '\n' || b[k-1] == '\r'
			k--
		}
		if !sawEOL {
			return k
		}
		line := max(bytes.LastIndexAny(b[:k], "\r\n")+1, 0)
		pct := bytes.IndexByte(b[line:k], '%')
		if pct < 0 {
			return k
		}
		j = line + pct
	}
}

// pdfTracked are the names that decide how a stream's data is checked.
var pdfTracked = map[string]bool{"N": true, "First": true, "ObjStm": true, "Image": true, "XRef": true,
	"Length1": true, "Length2": true, "Length3": true, "Type1C": true, "CIDFontType0C": true, "OpenType": true,
	"DecodeParms": true, "DP": true}

var pdfImageFilters = map[string]bool{"DCTDecode": true, "DCT": true, "JPXDecode": true, "CCITTFaxDecode": true,
	"CCF": true, "JBIG2Decode": true, "FlateDecode": true, "Fl": true, "LZWDecode": true, "LZW": true,
	"RunLengthDecode": true, "RL": true, "ASCIIHexDecode": true, "AHx": true, "ASCII85Decode": true, "A85": true}

func (s *pdfScanner) checkStreamData(start, end int64) error {
	n := s.names
	// A stream with /N or /First can be read as an object stream, whatever
	// else its dictionary says: those are always checked.
	objStm := n["N"] || n["First"] || n["ObjStm"]
	binary := n["Image"] || n["XRef"] || n["Length1"] || n["Length2"] || n["Length3"] ||
		n["Type1C"] || n["CIDFontType0C"] || n["OpenType"]
	if binary && !objStm {
		for _, f := range s.filters {
			if !pdfImageFilters[f] {
				return unsupported(fmt.Sprintf("PDF image or font with filter %q", f))
			}
		}
		return nil // not PDF syntax to any viewer
	}
	if n["DecodeParms"] || n["DP"] || s.filterRef {
		return unsupported("PDF stream with decoding parameters or filters that cannot be checked")
	}
	data := &srcErrReader{r: io.NewSectionReader(s.src, start, end-start)}
	var content io.Reader
	switch {
	case len(s.filters) == 0:
		content = data
	case len(s.filters) == 1 && (s.filters[0] == "FlateDecode" || s.filters[0] == "Fl"):
		zr, err := zlib.NewReader(bufio.NewReaderSize(data, 32<<10))
		if data.err != nil {
			return readErr(data.err)
		}
		if err != nil {
			return corruptf("PDF: compressed stream: %v", err)
		}
		defer zr.Close()
		content = zr
	default:
		return unsupported(fmt.Sprintf("PDF stream with filters %q that cannot be checked", s.filters))
	}
	limit := min(s.lim.stream, *s.budget)
	lr := &io.LimitedReader{R: content, N: limit + 1}
	inner := &pdfScanner{br: bufio.NewReaderSize(lr, 32<<10), budget: s.budget}
	err := inner.run()
	used := limit + 1 - lr.N
	*s.budget -= min(used, *s.budget)
	switch {
	case data.err != nil:
		return readErr(data.err) // the store failed: nothing may pass unchecked
	case used > limit && limit < s.lim.stream:
		return unsupported(fmt.Sprintf("PDF whose streams inflate beyond %d bytes", s.lim.total))
	case used > limit:
		return unsupported(fmt.Sprintf("PDF stream inflating beyond %d bytes", s.lim.stream))
	case errors.Is(err, ErrUnsupported) || errors.Is(err, ErrCorrupt):
		return err
	}
	// Anything else is damaged compressed data (a bad checksum, a stream
	// cut short): it was checked as far as it decodes, which is as far as
	// a viewer gets too.
	return nil
}

// srcErrReader remembers a failure to read the source, to tell it from the
// decompressor's complaints about the data.
type srcErrReader struct {
	r   io.Reader
	err error
}

func (r *srcErrReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		r.err = err
	}
	return n, err
}
