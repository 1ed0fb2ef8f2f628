package media

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// The safe copy of a PDF (docs/privacy.md, "What each safe copy removes").
// Rendering pages to pixels, as Dangerzone does, needs a renderer (poppler,
// MuPDF) that a pure-Go binary cannot carry, so the copy is made with a PDF
// library, pdfcpu: the file is parsed, everything that is not page content
// is dropped from the object graph, and a fresh file is written from the
// catalog down. Objects no longer reachable (earlier revisions, removed
// annotations, metadata streams) are not written. JPEG images lose their
// metadata as uploaded photos do (cleanPDFImage).

// ErrTooLargeForCopy means a PDF, DOCX or XLSX is larger than
// MaxSafeCopyBytes: it is stored, without a safe copy. Errors wrapping it
// also wrap ErrUnsupported.
var ErrTooLargeForCopy = errors.New("media: too large for a safe copy")

func tooLargeForCopy(size int64) error {
	return fmt.Errorf("%w: %w: %d bytes, over %d", ErrUnsupported, ErrTooLargeForCopy, size, MaxSafeCopyBytes)
}

const (
	// MaxSafeCopyBytes is the largest PDF, DOCX or XLSX original a safe
	// copy is made of: both are rewritten in memory (pdfcpu parses the
	// whole file; the ZIP copy is assembled before it is stored), so this
	// bounds what one copy takes: pdfcpu allocates about eight times the
	// file's size in all (BenchmarkSanitizePDF5MB), a DOCX copy holds at
	// most twice it (cappedBuffer). The
	// default upload limit (25 MiB) is below it; larger originals have no
	// safe copy.
	MaxSafeCopyBytes = 32 << 20
	// pdfTimeout bounds the time pdfcpu may spend reading a file; its
	// reader checks the deadline between objects.
	pdfTimeout = 60 * time.Second
	// maxPDFDepth bounds the walk through nested direct dictionaries and
	// arrays, and maxPDFOutline the outline items visited.
	maxPDFDepth   = 64
	maxPDFOutline = 100_000
)

// pdfConfig is pdfcpu's configuration, built here rather than with
// model.NewDefaultConfiguration, which writes a configuration directory into
// the user's home and exits the process when it cannot.
func pdfConfig() *model.Configuration {
	return &model.Configuration{
		Version:           model.VersionStr,
		Reader15:          true,
		ValidationMode:    model.ValidationRelaxed,
		Eol:               types.EolLF,
		WriteObjectStream: true,
		WriteXRefStream:   true,
		TimestampFormat:   "2006-01-02 15:04",
		DateFormat:        "2006-01-02",
		Offline:           true,
		Cmd:               model.VALIDATE,
	}
}

// The catalog entries a copy keeps: the page tree and what a viewer needs
// to show it (labels, named destinations, layout, structure for screen
// readers, optional content, colour intents). Everything else goes:
// /Metadata, /OpenAction, /AA, /AcroForm, /PieceInfo, /SpiderInfo, /Perms,
// /Legal, /Collection, /Threads, /URI, /AF and any private entry.
var pdfCatalogKeep = map[string]bool{"Type": true, "Pages": true, "PageLabels": true, "Names": true, "Dests": true,
	"ViewerPreferences": true, "PageLayout": true, "PageMode": true, "Outlines": true, "MarkInfo": true, "Lang": true,
	"StructTreeRoot": true, "OCProperties": true, "OutputIntents": true, "Extensions": true}

// The page entries a copy keeps; /Annots (links, comments, form widgets,
// attached files), /AA, /Thumb (a thumbnail that may show an earlier
// version), /B, /PieceInfo, /Metadata, /LastModified, /AF and the rest go.
var pdfPageKeep = map[string]bool{"Type": true, "Parent": true, "Resources": true, "MediaBox": true, "CropBox": true,
	"BleedBox": true, "TrimBox": true, "ArtBox": true, "Contents": true, "Rotate": true, "Group": true,
	"StructParents": true, "Tabs": true, "UserUnit": true}

// pdfObjectDrop are removed from every dictionary of the file: XMP streams,
// application private data, additional actions, associated files.
var pdfObjectDrop = []string{"Metadata", "PieceInfo", "AA", "AF", "LastModified"}

// sanitizePDF returns the safe copy of the PDF in src. It reads the whole
// file (at most MaxSafeCopyBytes) and runs pdfcpu under recover and a
// deadline. Its errors never quote pdfcpu's, which may quote the file.
func sanitizePDF(src io.ReaderAt, size int64) (_ []byte, err error) {
	if size > MaxSafeCopyBytes {
		return nil, tooLargeForCopy(size)
	}
	in := make([]byte, size)
	if n, err := src.ReadAt(in, 0); int64(n) < size {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("media: reading source: %w", err)
	}
	if !bytes.HasPrefix(in, []byte("%PDF-")) {
		return nil, unsupported("not a PDF")
	}
	in = pdfWithoutTrailer(in)
	defer func() {
		// pdfcpu is a large parser of untrusted input; a panic in it is a
		// file without a safe copy, not a crash.
		if r := recover(); r != nil {
			err = corruptf("PDF: pdfcpu failed on this file")
		}
	}()
	c, cancel := context.WithTimeout(context.Background(), pdfTimeout)
	defer cancel()
	ctx, err := pdfcpu.ReadWithContext(c, bytes.NewReader(in), pdfConfig())
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, unsupported("PDF that takes too long to read")
		}
		return nil, corruptf("PDF: pdfcpu cannot read this file")
	}
	if ctx.Encrypt != nil || ctx.E != nil {
		return nil, unsupported("encrypted PDF")
	}
	if err := ctx.EnsurePageCount(); err != nil {
		return nil, corruptf("PDF: no page tree pdfcpu can read")
	}
	pages := ctx.PageCount
	if err := stripPDF(ctx); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	ctx.Write.Writer = bufio.NewWriter(&out)
	if err := pdfcpu.WriteContext(ctx); err != nil {
		return nil, corruptf("PDF: pdfcpu cannot write the copy")
	}
	if err := ctx.Write.Flush(); err != nil {
		return nil, corruptf("PDF: pdfcpu cannot write the copy")
	}
	// The copy must open with the same pages: read it back.
	back, err := pdfcpu.ReadWithContext(c, bytes.NewReader(out.Bytes()), pdfConfig())
	if err != nil {
		return nil, corruptf("PDF: the copy does not read back")
	}
	if err := back.EnsurePageCount(); err != nil || back.PageCount != pages {
		return nil, corruptf("PDF: the copy has %d pages, the original %d", back.PageCount, pages)
	}
	// The copy must be a copy pdfcpu can make again: stripped and written
	// once more, it is written without error. A file whose first copy
	// pdfcpu reads but cannot rewrite has a structure it does not handle
	// (FuzzSanitizePDF found one); it keeps no safe copy.
	if err := stripPDF(back); err != nil {
		return nil, corruptf("PDF: the copy cannot be copied again")
	}
	back.Write.Writer = bufio.NewWriter(io.Discard)
	if err := pdfcpu.WriteContext(back); err != nil {
		return nil, corruptf("PDF: the copy cannot be copied again")
	}
	return out.Bytes(), nil
}

// pdfWithoutTrailer is in up to the %%EOF that ends its last revision (the
// first after the last "startxref"), or in when it has none. Bytes after it
// are not part of the document; pdfcpu would look for "startxref" through
// them half a kilobyte at a time, 2 ms for 256 KB, and would not copy
// them anyway.
func pdfWithoutTrailer(in []byte) []byte {
	i := lastIndex(in, []byte("startxref"))
	if i < 0 {
		return in
	}
	j := bytes.Index(in[i:], []byte("%%EOF"))
	if j < 0 {
		return in
	}
	return in[:i+j+len("%%EOF")]
}

// lastIndex is bytes.LastIndex(b, sep), looking first in the last 4 KB
// (where a PDF's last "startxref" is) and then forward through the whole
// of b, which bytes.Index does several times faster than LastIndex goes
// back.
func lastIndex(b, sep []byte) int {
	tail := b[max(0, len(b)-4096):]
	if i := bytes.LastIndex(tail, sep); i >= 0 {
		return len(b) - len(tail) + i
	}
	last := -1
	for off := 0; ; {
		j := bytes.Index(b[off:], sep)
		if j < 0 {
			return last
		}
		last = off + j
		off = last + 1
	}
}

// stripPDF removes from ctx's object graph everything that is not page
// content (see pdfCatalogKeep, pdfPageKeep, pdfObjectDrop), empties the
// name trees but the destinations, and removes outline actions. The
// document information dictionary and the file identifier go too; pdfcpu
// writes a new Info holding only its name and the time of the copy, and a
// new random /ID.
func stripPDF(ctx *model.Context) error {
	x := ctx.XRefTable
	x.Info = nil
	x.ID = nil
	x.Names = nil // pdfcpu's cache of name trees, which it writes back
	root, err := x.Catalog()
	if err != nil || root == nil {
		return corruptf("PDF: no catalog")
	}
	for k := range root {
		if !pdfCatalogKeep[k] {
			root.Delete(k)
		}
	}
	if o, ok := root.Find("Names"); ok {
		names, err := x.DereferenceDict(o)
		if err != nil || names == nil {
			root.Delete("Names")
		} else {
			for k := range names {
				if k != "Dests" {
					names.Delete(k)
				}
			}
		}
	}
	for _, e := range x.Table {
		if e == nil || e.Free || e.Object == nil {
			continue
		}
		var d types.Dict
		switch o := e.Object.(type) {
		case types.Dict:
			d = o
		case types.StreamDict:
			d = o.Dict
			if cleaned, ok := cleanPDFImage(o); ok {
				e.Object = cleaned
			}
		default:
			stripPDFValue(e.Object, 0)
			continue
		}
		if t := d.NameEntry("Type"); t != nil && *t == "Page" {
			for k := range d {
				if !pdfPageKeep[k] {
					d.Delete(k)
				}
			}
		}
		stripPDFValue(d, 0)
	}
	stripOutlines(x, root)
	return nil
}

// cleanPDFImage returns an image XObject whose data is a JPEG (one
// DCTDecode filter) with that JPEG's metadata removed, as an uploaded
// photo's (EXIF, GPS, XMP; the JPEG sanitizer, which copies the scans byte
// for byte); ok is false for any other stream, or a JPEG it refuses.
func cleanPDFImage(sd types.StreamDict) (types.StreamDict, bool) {
	if st := sd.Subtype(); st == nil || *st != "Image" {
		return sd, false
	}
	if len(sd.FilterPipeline) != 1 || sd.FilterPipeline[0].Name != "DCTDecode" || sd.FilterPipeline[0].DecodeParms != nil {
		return sd, false
	}
	clean, ok := cleanEmbeddedImage(sd.Raw)
	if !ok || len(clean) == len(sd.Raw) && bytes.Equal(clean, sd.Raw) {
		return sd, false
	}
	l := int64(len(clean))
	sd.Raw, sd.StreamLength = clean, &l
	sd.Update("Length", types.Integer(l))
	return sd, true
}

// stripPDFValue drops pdfObjectDrop from o and the direct dictionaries
// within it; indirect ones are reached through the cross-reference table.
func stripPDFValue(o types.Object, depth int) {
	if depth > maxPDFDepth {
		return
	}
	switch v := o.(type) {
	case types.Dict:
		for _, k := range pdfObjectDrop {
			v.Delete(k)
		}
		for _, c := range v {
			stripPDFValue(c, depth+1)
		}
	case types.StreamDict:
		stripPDFValue(v.Dict, depth)
	case types.Array:
		for _, c := range v {
			stripPDFValue(c, depth+1)
		}
	}
}

// stripOutlines removes the actions of outline items (/A, /SE), keeping
// their titles and destinations inside the document.
func stripOutlines(x *model.XRefTable, root types.Dict) {
	o, ok := root.Find("Outlines")
	if !ok {
		return
	}
	top, err := x.DereferenceDict(o)
	if err != nil || top == nil {
		root.Delete("Outlines")
		return
	}
	seen := map[types.IndirectRef]bool{}
	stack := []types.Object{top["First"]}
	for n := 0; len(stack) > 0 && n < maxPDFOutline; n++ {
		cur := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		ref, ok := cur.(types.IndirectRef)
		if !ok || seen[ref] {
			continue
		}
		seen[ref] = true
		item, err := x.DereferenceDict(ref)
		if err != nil || item == nil {
			continue
		}
		if a, ok := item.Find("A"); ok {
			item.Delete("A")
			// A link to a place in the document keeps working as a
			// destination; any other action is dropped.
			if act, err := x.DereferenceDict(a); err == nil && act != nil {
				if s := act.NameEntry("S"); s != nil && *s == "GoTo" {
					if d, ok := act.Find("D"); ok {
						item.Insert("Dest", d)
					}
				}
			}
		}
		item.Delete("SE")
		stack = append(stack, item["Next"], item["First"])
	}
}
