// Package media decides what an uploaded evidence file is and makes a
// metadata-free copy (a safe copy) of it: every allowed type has one
// (docs/privacy.md, "What each safe copy removes").
//
// Everything here works on untrusted bytes: nothing panics on malformed input,
// and no function holds a whole file in memory, but the PDF, DOCX and XLSX
// safe copies, made in memory from at most MaxSafeCopyBytes of original. Sniff looks at a bounded head
// of the upload; CheckOffice and Sanitize read the stored object through an
// io.ReaderAt, which the object store serves with ranged reads.
//
// The pipeline that uses the package is:
//
//  1. read HeadSize bytes of the upload and call Sniff; refuse on error;
//  2. store the upload;
//  3. if Sniff said needsContainerCheck, call CheckOffice (ZIP) or CheckPDF
//     (PDF) on the stored object and use the type it returns (or refuse and
//     delete);
//  4. call Sanitize and store the copy (every final type is Sanitizable);
//     for an image a failure refuses the file, for the other types it only
//     leaves the file without a safe copy (docs/privacy.md).
package media

import "errors"

// Type is an allowed evidence type. Types are compared with ==.
type Type struct {
	MIME        string // e.g. "image/jpeg"
	Ext         string // canonical extension without the dot, e.g. "jpg"
	Class       string // "image", "document", "audio", "video"; "container" only for ZIP
	Sanitizable bool   // Sanitize can make a metadata-free copy
}

// The allowed types. Treat them as constants.
var (
	JPEG = Type{MIME: "image/jpeg", Ext: "jpg", Class: "image", Sanitizable: true}
	PNG  = Type{MIME: "image/png", Ext: "png", Class: "image", Sanitizable: true}
	WebP = Type{MIME: "image/webp", Ext: "webp", Class: "image", Sanitizable: true}
	PDF  = Type{MIME: "application/pdf", Ext: "pdf", Class: "document", Sanitizable: true}
	DOCX = Type{MIME: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Ext: "docx", Class: "document", Sanitizable: true}
	XLSX = Type{MIME: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Ext: "xlsx", Class: "document", Sanitizable: true}
	MP3  = Type{MIME: "audio/mpeg", Ext: "mp3", Class: "audio", Sanitizable: true}
	M4A  = Type{MIME: "audio/mp4", Ext: "m4a", Class: "audio", Sanitizable: true}
	MP4  = Type{MIME: "video/mp4", Ext: "mp4", Class: "video", Sanitizable: true}
)

// ZIP is the provisional type Sniff returns for a ZIP container. It is never
// a final type: only CheckOffice turns it into DOCX or XLSX.
var ZIP = Type{MIME: "application/zip", Ext: "zip", Class: "container"}

// Types returns every final allowed type (ZIP is not one).
func Types() []Type {
	return []Type{JPEG, PNG, WebP, PDF, DOCX, XLSX, MP3, M4A, MP4}
}

// TypeByMIME returns the allowed type with the given MIME type, for callers
// that stored t.MIME and need the Type back (for example to call Sanitize).
func TypeByMIME(mime string) (Type, bool) {
	for _, t := range Types() {
		if t.MIME == mime {
			return t, true
		}
	}
	return Type{}, false
}

var (
	// ErrUnsupported means the content is not on the allowlist. Errors
	// returned by this package wrap it with the reason, for logs.
	ErrUnsupported = errors.New("media: unsupported file type")
	// ErrTooManyPixels means an image's header claims more pixels than
	// allowed (a decompression bomb guard).
	ErrTooManyPixels = errors.New("media: image has too many pixels")
	// ErrCorrupt means the content claims an allowed type but its structure
	// is broken.
	ErrCorrupt = errors.New("media: corrupt file")
)

// HeadSize is how many leading bytes Sniff wants. It works with fewer when
// the file is shorter. It is large because a JPEG's frame header (which
// holds the dimensions) follows its metadata segments, and phones put tens
// of kilobytes of EXIF, XMP and ICC data there.
const HeadSize = 256 << 10

// DefaultMaxPixels is the pixel limit Sniff applies when given a limit ≤ 0.
// It covers the default modes of common phone cameras (12–50 MP); the
// 108/200 MP modes of some phones need a higher limit from the caller.
const DefaultMaxPixels = 50_000_000
