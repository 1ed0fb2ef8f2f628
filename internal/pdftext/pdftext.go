// Package pdftext reads back the text a PDF draws on its pages, for tests: the oracle that shows
// a renderer draws what it states, Vietnamese letters included (the proof of filing's tests and
// the period report's). Only tests import it, so it is not compiled into the portal. It is a
// minimal reader for files like the ones fpdf writes: objects written one after another with a
// single cross-reference table (no object streams, no encryption), content streams
// plain or FlateDecode, fonts either Type0 with two-byte codes or simple one-byte fonts, with
// their ToUnicode CMap when present. On anything else it returns an error rather than a wrong
// text.
package pdftext

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
)

// Limits that keep a broken file, from a bug in the renderer or a hand-made fixture, from
// hanging a test.
const (
	maxNesting      = 32      // arrays and dictionaries inside each other
	maxDecodedBytes = 8 << 20 // all decompressed streams of one file together
	maxPages        = 2000
)

var errSyntax = errors.New("pdftext: PDF syntax not understood")

type (
	pdfName    string
	pdfKeyword string
	pdfString  []byte
	pdfArray   []any
	pdfDict    map[string]any
	pdfRef     struct{ num, gen int }
)

// pdfObject is an indirect object: a value and, for streams, the raw stream data.
type pdfObject struct {
	value  any
	stream []byte
}

// lexer reads PDF tokens and objects from b.
type lexer struct {
	b    []byte
	pos  int
	refs bool // whether "n g R" is read as a reference (in files, not in content streams)
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelim(c byte) bool {
	return strings.IndexByte("()<>[]{}/%", c) >= 0
}

func (l *lexer) skipSpace() {
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		switch {
		case isSpace(c):
			l.pos++
		case c == '%':
			for l.pos < len(l.b) && l.b[l.pos] != '\n' && l.b[l.pos] != '\r' {
				l.pos++
			}
		default:
			return
		}
	}
}

// value reads one object. Closing delimiters come back as keywords "]" and ">>".
func (l *lexer) value(depth int) (any, error) {
	if depth > maxNesting {
		return nil, errSyntax
	}
	l.skipSpace()
	if l.pos >= len(l.b) {
		return nil, io.EOF
	}
	c := l.b[l.pos]
	switch {
	case c == '/':
		l.pos++
		start := l.pos
		for l.pos < len(l.b) && !isSpace(l.b[l.pos]) && !isDelim(l.b[l.pos]) {
			l.pos++
		}
		return pdfName(l.b[start:l.pos]), nil
	case c == '(':
		return l.literal()
	case c == '<' && l.pos+1 < len(l.b) && l.b[l.pos+1] == '<':
		l.pos += 2
		d := pdfDict{}
		for {
			k, err := l.value(depth + 1)
			if err != nil {
				return nil, err
			}
			if k == pdfKeyword(">>") {
				return d, nil
			}
			name, ok := k.(pdfName)
			if !ok {
				return nil, errSyntax
			}
			v, err := l.value(depth + 1)
			if err != nil {
				return nil, err
			}
			d[string(name)] = v
		}
	case c == '<':
		return l.hex()
	case c == '>' && l.pos+1 < len(l.b) && l.b[l.pos+1] == '>':
		l.pos += 2
		return pdfKeyword(">>"), nil
	case c == '[':
		l.pos++
		var a pdfArray
		for {
			v, err := l.value(depth + 1)
			if err != nil {
				return nil, err
			}
			if v == pdfKeyword("]") {
				return a, nil
			}
			a = append(a, v)
		}
	case c == ']':
		l.pos++
		return pdfKeyword("]"), nil
	case isDelim(c):
		return nil, errSyntax
	}
	start := l.pos
	for l.pos < len(l.b) && !isSpace(l.b[l.pos]) && !isDelim(l.b[l.pos]) {
		l.pos++
	}
	word := string(l.b[start:l.pos])
	if n, err := strconv.ParseFloat(word, 64); err == nil && (word[0] == '-' || word[0] == '+' || word[0] == '.' || (word[0] >= '0' && word[0] <= '9')) {
		if l.refs && !strings.ContainsAny(word, ".+-") {
			if ref, ok := l.ref(word); ok {
				return ref, nil
			}
		}
		return n, nil
	}
	switch word {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "null":
		return nil, nil
	}
	return pdfKeyword(word), nil
}

// ref reads " g R" after the object number num, or leaves the lexer where it was.
func (l *lexer) ref(num string) (pdfRef, bool) {
	save := l.pos
	fields := make([]string, 0, 2)
	for range 2 {
		l.skipSpace()
		start := l.pos
		for l.pos < len(l.b) && !isSpace(l.b[l.pos]) && !isDelim(l.b[l.pos]) {
			l.pos++
		}
		fields = append(fields, string(l.b[start:l.pos]))
	}
	n, err1 := strconv.Atoi(num)
	g, err2 := strconv.Atoi(fields[0])
	if err1 != nil || err2 != nil || fields[1] != "R" || n < 0 || g < 0 {
		l.pos = save
		return pdfRef{}, false
	}
	return pdfRef{n, g}, true
}

func (l *lexer) literal() (pdfString, error) {
	l.pos++ // (
	var out []byte
	nest := 1
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		switch c {
		case '(':
			nest++
		case ')':
			nest--
			if nest == 0 {
				return out, nil
			}
		case '\r':
			// An unescaped end of line in a string is read as a line feed.
			if l.pos < len(l.b) && l.b[l.pos] == '\n' {
				l.pos++
			}
			c = '\n'
		case '\\':
			if l.pos >= len(l.b) {
				return nil, errSyntax
			}
			e := l.b[l.pos]
			l.pos++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if l.pos < len(l.b) && l.b[l.pos] == '\n' {
					l.pos++
				}
				continue
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for k := 0; k < 2 && l.pos < len(l.b) && l.b[l.pos] >= '0' && l.b[l.pos] <= '7'; k++ {
						v = v*8 + int(l.b[l.pos]-'0')
						l.pos++
					}
					c = byte(v)
				} else {
					c = e // \( \) \\ and unknown escapes stand for the character itself
				}
			}
		}
		out = append(out, c)
	}
	return nil, errSyntax
}

func (l *lexer) hex() (pdfString, error) {
	l.pos++ // <
	var digits []byte
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		switch {
		case c == '>':
			if len(digits)%2 == 1 {
				digits = append(digits, '0')
			}
			out := make([]byte, len(digits)/2)
			for i := range out {
				out[i] = unhex(digits[2*i])<<4 | unhex(digits[2*i+1])
			}
			return out, nil
		case isSpace(c):
		case unhex(c) != 0xFF:
			digits = append(digits, c)
		default:
			return nil, errSyntax
		}
	}
	return nil, errSyntax
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10
	}
	return 0xFF
}

// pdfFile is a parsed PDF: its objects by number and its trailer.
type pdfFile struct {
	objects map[int]pdfObject
	trailer pdfDict
	decoded int // bytes decompressed so far, against maxDecodedBytes
}

// parseFile reads the objects of a PDF written in one piece, in file order.
func parseFile(b []byte) (*pdfFile, error) {
	start := bytes.Index(b, []byte("%PDF-"))
	if start < 0 {
		return nil, errSyntax
	}
	f := &pdfFile{objects: map[int]pdfObject{}}
	l := &lexer{b: b, pos: start, refs: true}
	for {
		tok, err := l.value(0)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch tok := tok.(type) {
		case float64: // "n g obj"
			if err := f.object(l, tok); err != nil {
				return nil, err
			}
		case pdfKeyword:
			switch tok {
			case "xref":
				i := bytes.Index(b[l.pos:], []byte("trailer"))
				if i < 0 {
					return nil, errSyntax
				}
				l.pos += i
			case "trailer":
				t, err := l.value(0)
				if err != nil {
					return nil, err
				}
				d, ok := t.(pdfDict)
				if !ok || f.trailer != nil {
					return nil, errSyntax
				}
				f.trailer = d
			case "startxref":
				if _, err := l.value(0); err != nil {
					return nil, err
				}
			default:
				return nil, errSyntax
			}
		default:
			return nil, errSyntax
		}
	}
	if f.trailer == nil {
		return nil, errSyntax
	}
	return f, nil
}

// object reads the rest of "num gen obj ... endobj".
func (f *pdfFile) object(l *lexer, num float64) error {
	gen, err := l.value(0)
	if _, ok := gen.(float64); err != nil || !ok {
		return errSyntax
	}
	if kw, err := l.value(0); err != nil || kw != pdfKeyword("obj") {
		return errSyntax
	}
	if num < 0 || num > 1e7 || num != float64(int(num)) {
		return errSyntax
	}
	if _, dup := f.objects[int(num)]; dup {
		return errSyntax
	}
	v, err := l.value(0)
	if err != nil {
		return errSyntax
	}
	obj := pdfObject{value: v}
	kw, err := l.value(0)
	if err != nil {
		return errSyntax
	}
	if kw == pdfKeyword("stream") {
		d, ok := v.(pdfDict)
		if !ok {
			return errSyntax
		}
		if l.pos < len(l.b) && l.b[l.pos] == '\r' {
			l.pos++
		}
		if l.pos < len(l.b) && l.b[l.pos] == '\n' {
			l.pos++
		}
		n, ok := d["Length"].(float64)
		if !ok || n < 0 || float64(l.pos)+n > float64(len(l.b)) {
			return errSyntax
		}
		obj.stream = l.b[l.pos : l.pos+int(n)]
		l.pos += int(n)
		if kw, err = l.value(0); err != nil || kw != pdfKeyword("endstream") {
			return errSyntax
		}
		if kw, err = l.value(0); err != nil {
			return errSyntax
		}
	}
	if kw != pdfKeyword("endobj") {
		return errSyntax
	}
	f.objects[int(num)] = obj
	return nil
}

// resolve follows a reference to its value (one level: a reference to a reference is not ours).
func (f *pdfFile) resolve(v any) any {
	if r, ok := v.(pdfRef); ok {
		return f.objects[r.num].value
	}
	return v
}

// streamData returns the decoded data of the stream that v refers to.
func (f *pdfFile) streamData(v any) ([]byte, error) {
	r, ok := v.(pdfRef)
	if !ok {
		return nil, errSyntax
	}
	obj, ok := f.objects[r.num]
	d, isDict := obj.value.(pdfDict)
	if !ok || !isDict || obj.stream == nil {
		return nil, errSyntax
	}
	filter := f.resolve(d["Filter"])
	if a, ok := filter.(pdfArray); ok && len(a) == 1 {
		filter = a[0]
	}
	switch filter {
	case nil:
		return obj.stream, nil
	case pdfName("FlateDecode"):
		zr, err := zlib.NewReader(bytes.NewReader(obj.stream))
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		room := maxDecodedBytes - f.decoded
		out, err := io.ReadAll(io.LimitReader(zr, int64(room)+1))
		if err != nil {
			return nil, err
		}
		if len(out) > room {
			return nil, errors.New("pdftext: PDF streams decompress to too much data")
		}
		f.decoded += len(out)
		return out, nil
	}
	return nil, fmt.Errorf("pdftext: PDF stream filter %v not supported", filter)
}

// Pages returns the text drawn on each page of pdf, one string per page, with a line
// break wherever the text position moves.
func Pages(pdf []byte) ([]string, error) {
	f, err := parseFile(pdf)
	if err != nil {
		return nil, err
	}
	root, _ := f.resolve(f.trailer["Root"]).(pdfDict)
	if root == nil {
		return nil, errSyntax
	}
	var pages []string
	var walk func(node any, inherited any, depth int) error
	walk = func(node any, inherited any, depth int) error {
		d, ok := f.resolve(node).(pdfDict)
		if !ok || depth > maxNesting || len(pages) >= maxPages {
			return errSyntax
		}
		res := inherited
		if r, ok := d["Resources"]; ok {
			res = r
		}
		switch d["Type"] {
		case pdfName("Pages"):
			kids, _ := f.resolve(d["Kids"]).(pdfArray)
			for _, k := range kids {
				if err := walk(k, res, depth+1); err != nil {
					return err
				}
			}
			return nil
		case pdfName("Page"):
			text, err := f.pageText(d, res)
			if err != nil {
				return err
			}
			pages = append(pages, text)
			return nil
		}
		return errSyntax
	}
	if err := walk(root["Pages"], nil, 0); err != nil {
		return nil, err
	}
	return pages, nil
}

func (f *pdfFile) pageText(page pdfDict, resources any) (string, error) {
	fonts := map[string]fontDecoder{}
	res, _ := f.resolve(resources).(pdfDict)
	fontDict, _ := f.resolve(res["Font"]).(pdfDict)
	for name, ref := range fontDict {
		fd, ok := f.resolve(ref).(pdfDict)
		if !ok {
			return "", errSyntax
		}
		dec := fontDecoder{twoByte: fd["Subtype"] == pdfName("Type0")}
		if tu, ok := fd["ToUnicode"]; ok {
			data, err := f.streamData(tu)
			if err != nil {
				return "", err
			}
			if dec.cmap, err = parseCMap(data); err != nil {
				return "", err
			}
		}
		fonts[name] = dec
	}
	var content []byte
	switch c := page["Contents"].(type) {
	case pdfRef:
		data, err := f.streamData(c)
		if err != nil {
			return "", err
		}
		content = data
	case pdfArray:
		for _, part := range c {
			data, err := f.streamData(part)
			if err != nil {
				return "", err
			}
			content = append(append(content, data...), '\n')
		}
	case nil:
	default:
		return "", errSyntax
	}
	lines, err := showText(content, fonts)
	return strings.Join(lines, "\n"), err
}

// fontDecoder turns the bytes of a shown string into text.
type fontDecoder struct {
	twoByte bool  // Type0 fonts: two-byte codes (Identity-H, as fpdf writes them)
	cmap    *cmap // the font's ToUnicode, if it has one
}

func (d fontDecoder) decode(s []byte) string {
	var b strings.Builder
	step := 1
	if d.twoByte {
		step = 2
	}
	for i := 0; i+step <= len(s); i += step {
		code := uint32(s[i])
		if d.twoByte {
			code = code<<8 | uint32(s[i+1])
		}
		switch {
		case d.cmap != nil:
			d.cmap.lookup(&b, code)
		case d.twoByte:
			b.WriteString(string(utf16.Decode([]uint16{uint16(code)})))
		default:
			b.WriteRune(rune(code)) // Latin-1, close enough for the standard fonts
		}
	}
	return b.String()
}

// cmap is the part of a ToUnicode CMap that maps codes to text.
type cmap struct {
	ranges []cmapRange
}

type cmapRange struct {
	lo, hi uint32
	dst    []byte   // UTF-16BE of lo's text; the last code unit counts up through the range
	each   [][]byte // or the UTF-16BE of each code's text
}

// lookup writes the text of code.
func (c *cmap) lookup(b *strings.Builder, code uint32) {
	for i := range c.ranges {
		r := &c.ranges[i]
		if code < r.lo || code > r.hi {
			continue
		}
		off := code - r.lo
		if r.each == nil {
			writeUTF16BE(b, r.dst, off)
			return
		}
		if int(off) < len(r.each) {
			writeUTF16BE(b, r.each[off], 0)
			return
		}
		break
	}
	b.WriteRune(unicode.ReplacementChar)
}

// writeUTF16BE writes the UTF-16BE text s with off added to its last code unit.
func writeUTF16BE(b *strings.Builder, s []byte, off uint32) {
	n := len(s) / 2
	if n == 0 {
		if len(s) == 1 { // not UTF-16; read as Latin-1
			b.WriteRune(rune(s[0] + byte(off)))
		}
		return
	}
	last := (uint16(s[2*n-2])<<8 | uint16(s[2*n-1])) + uint16(off)
	if n == 1 && !utf16.IsSurrogate(rune(last)) {
		b.WriteRune(rune(last))
		return
	}
	u := make([]uint16, n)
	for i := range u {
		u[i] = uint16(s[2*i])<<8 | uint16(s[2*i+1])
	}
	u[n-1] = last
	for _, r := range utf16.Decode(u) {
		b.WriteRune(r)
	}
}

func codeOf(s pdfString) (uint32, bool) {
	if len(s) == 0 || len(s) > 4 {
		return 0, false
	}
	var v uint32
	for _, c := range s {
		v = v<<8 | uint32(c)
	}
	return v, true
}

// parseCMap reads the bfchar and bfrange sections of a ToUnicode CMap.
func parseCMap(data []byte) (*cmap, error) {
	l := &lexer{b: data}
	c := &cmap{}
	var operands []any
	for {
		v, err := l.value(0)
		if err == io.EOF {
			return c, nil
		}
		if err != nil {
			return nil, err
		}
		kw, ok := v.(pdfKeyword)
		if !ok {
			operands = append(operands, v)
			continue
		}
		switch kw {
		case "endbfchar":
			for i := 0; i+1 < len(operands); i += 2 {
				src, ok1 := operands[i].(pdfString)
				dst, ok2 := operands[i+1].(pdfString)
				code, ok3 := codeOf(src)
				if !ok1 || !ok2 || !ok3 {
					return nil, errSyntax
				}
				c.ranges = append(c.ranges, cmapRange{lo: code, hi: code, dst: dst})
			}
		case "endbfrange":
			for i := 0; i+2 < len(operands); i += 3 {
				lo, ok1 := operands[i].(pdfString)
				hi, ok2 := operands[i+1].(pdfString)
				a, ok3 := codeOf(lo)
				b, ok4 := codeOf(hi)
				if !ok1 || !ok2 || !ok3 || !ok4 || b < a {
					return nil, errSyntax
				}
				r := cmapRange{lo: a, hi: b}
				switch dst := operands[i+2].(type) {
				case pdfString:
					r.dst = dst
				case pdfArray:
					for _, e := range dst {
						s, ok := e.(pdfString)
						if !ok {
							return nil, errSyntax
						}
						r.each = append(r.each, s)
					}
				default:
					return nil, errSyntax
				}
				c.ranges = append(c.ranges, r)
			}
		}
		operands = operands[:0]
	}
}

// showText runs the text operators of a content stream and returns the lines of text shown.
func showText(content []byte, fonts map[string]fontDecoder) ([]string, error) {
	l := &lexer{b: content}
	var (
		lines    []string
		line     strings.Builder
		font     fontDecoder
		operands []any
	)
	last := func() any {
		if len(operands) == 0 {
			return nil
		}
		return operands[len(operands)-1]
	}
	flush := func() {
		if line.Len() > 0 {
			lines = append(lines, line.String())
			line.Reset()
		}
	}
	show := func(v any) {
		if s, ok := v.(pdfString); ok {
			line.WriteString(font.decode(s))
		}
	}
	for {
		v, err := l.value(0)
		if err == io.EOF {
			flush()
			return lines, nil
		}
		if err != nil {
			return nil, err
		}
		op, ok := v.(pdfKeyword)
		if !ok {
			operands = append(operands, v)
			continue
		}
		switch op {
		case "BT", "ET", "Td", "TD", "Tm", "T*":
			flush()
		case "Tf":
			if len(operands) == 2 {
				if name, ok := operands[0].(pdfName); ok {
					font = fonts[string(name)]
				}
			}
		case "Tj":
			show(last())
		case "'", "\"":
			flush()
			show(last())
		case "TJ":
			arr, _ := last().(pdfArray)
			for _, e := range arr {
				if n, ok := e.(float64); ok && n < -200 {
					line.WriteByte(' ')
				}
				show(e)
			}
		case "BI":
			flush() // inline image data is binary; Render draws none, so stop here
			return lines, nil
		}
		operands = operands[:0]
	}
}
