package services

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// FileType is an allowed evidence type, decided from the content.
type FileType struct {
	MIME        string
	Ext         string
	Class       string // image, document, audio, video
	Sanitizable bool
}

// Errors a FileChecker returns for files the portal refuses.
var (
	ErrFileUnsupported   = errors.New("file type not allowed")
	ErrFileTooManyPixels = errors.New("image has too many pixels")
	ErrFileCorrupt       = errors.New("file is corrupt")
	// ErrFileTooLargeForCopy is a document larger than the checker makes
	// safe copies of: it is stored without one (docs/privacy.md).
	ErrFileTooLargeForCopy = errors.New("file too large for a safe copy")
	// ErrFileActivePDF is a PDF refused for active content: scripts,
	// actions, embedded files, encryption, links other than web or e-mail
	// (docs/privacy.md, "What the content checks refuse").
	ErrFileActivePDF = errors.New("PDF with active content")
)

// FileChecker decides file types from content and makes metadata-free
// copies (implemented by internal/media).
type FileChecker interface {
	// HeadSize is how many leading bytes Sniff wants.
	HeadSize() int
	// Sniff decides the type from the first bytes. needsContainerCheck is
	// true for ZIP containers and PDFs, which CheckContainer must confirm.
	Sniff(head []byte) (t FileType, needsContainerCheck bool, err error)
	CheckContainer(r io.ReaderAt, size int64) (FileType, error)
	// Sanitize returns the metadata-free copy (the safe copy) of a file
	// and its length.
	Sanitize(t FileType, r io.ReaderAt, size int64) (io.Reader, int64, error)
	// AllowedTypes lists what Sniff accepts, for clients.
	AllowedTypes() []FileType
}

// Scanner scans files for malware (clamd).
type Scanner interface {
	Scan(ctx context.Context, r io.Reader) (infected bool, signature string, err error)
}

// BlobReader is an opened object: streamed, or read at offsets (ranged
// reads), which is how ZIP directories and images are inspected without
// holding the whole file.
type BlobReader interface {
	io.Reader
	io.ReaderAt
	io.Closer
}

// UploadIntent records that a request is writing evidence objects for a
// report, so that a reaper can remove them if the report never references
// them (the request failed half-way, the process died, the database was
// down at the insert).
type UploadIntent struct {
	ID        string
	CaseID    string
	CreatedAt time.Time
}

// UploadStore keeps upload intents.
type UploadStore interface {
	InsertUploadIntent(ctx context.Context, u UploadIntent) error
	DeleteUploadIntents(ctx context.Context, ids []string) error
	FindStaleUploadIntents(ctx context.Context, before time.Time, limit int) ([]UploadIntent, error)
}

// Upload is one request's evidence: the attachments it stored and the
// intent that covers them until they are committed.
type Upload struct {
	CaseID      string
	IntentID    string
	Attachments []Attachment
}

// FilePart is one uploaded file as it arrives.
type FilePart struct {
	Name string
	Body io.Reader
}

// FileSource yields the files of a request one after the other; Next
// returns io.EOF after the last.
type FileSource interface {
	Next() (FilePart, error)
}

// Evidence runs the evidence pipeline: sniff, stream to the object store
// with SHA-256, confirm containers, make sanitized copies, scan.
type Evidence struct {
	blobs   BlobStore
	uploads UploadStore
	files   FileChecker
	scanner Scanner // nil: files are recorded as not scanned
	names   *IdentityVault
	log     func(msg string, args ...any)
	// observer hears of each file committed.
	observer Observer
	now      func() time.Time
}

// EvidenceOptions are what the evidence pipeline needs; Scanner may be nil
// (files are recorded as not scanned).
type EvidenceOptions struct {
	Blobs   BlobStore
	Uploads UploadStore
	Files   FileChecker
	Scanner Scanner
	// Vault seals the citizen's file names (nil: they are dropped, and
	// only the neutral names are kept).
	Vault *IdentityVault
	// Log hears why a file got no safe copy (ids and a reason, never
	// content); nil discards it.
	Log func(msg string, args ...any)
	// Observer hears of each file a report now references (nil: nobody).
	Observer Observer
	Now      func() time.Time // time.Now when nil
}

// NewEvidence makes the evidence pipeline.
func NewEvidence(o EvidenceOptions) *Evidence {
	log := o.Log
	if log == nil {
		log = func(string, ...any) {}
	}
	return &Evidence{blobs: o.Blobs, uploads: o.Uploads, files: o.Files, scanner: o.Scanner, names: o.Vault, log: log,
		observer: observerOr(o.Observer), now: clockOrNow(o.Now)}
}

// AllowedTypes lists the file types the pipeline accepts, for clients.
func (e *Evidence) AllowedTypes() []FileType { return e.files.AllowedTypes() }

// DefaultMaxPixels is the pixel-flood guard: 50 megapixels.
const DefaultMaxPixels = 50_000_000

// EvidenceKeyPrefix is where a report's objects live.
func EvidenceKeyPrefix(caseID string) string { return "evidence/" + caseID + "/" }

func newAttachmentID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// fileError is a refusal of one file, reported against its field.
func fileError(reason Reason, index int, problem, msg string) error {
	return &Error{Code: reason.Code(), Reason: reason, Message: msg, Fields: map[string]string{fmt.Sprintf("files[%d]", index): problem}}
}

// File problem codes.
const (
	FileUnsupportedType = "unsupported_type"
	FileTooLarge        = "too_large"
	FileTooManyPixels   = "too_many_pixels"
	FileTooMany         = "too_many"
	// FileActivePDF: a PDF with active content; printing it to a new PDF
	// or photographing it gives a file that is accepted.
	FileActivePDF = "active_pdf"
)

// SmallFileBytes is the size under which a file is held in memory so that
// it is stored with one request of known size: every file of an upload
// takes a buffer of this size while its first bytes arrive (the upload
// memory budget counts it, docs/architecture.md "Memory of uploads").
const SmallFileBytes = 1 << 20

const smallFile = SmallFileBytes

// limitedReader fails once more than max bytes have been read, so that an
// oversized file is refused while it streams.
type limitedReader struct {
	r   io.Reader
	n   int64
	max int64
	h   hash.Hash
	// err is the first failure of the request body itself, kept because
	// the object store may report it wrapped beyond recognition.
	err error
}

var errFileTooLarge = errors.New("file over the size limit")

func (l *limitedReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.n += int64(n)
	l.h.Write(p[:n])
	if l.n > l.max {
		return n, errFileTooLarge
	}
	if err != nil && !errors.Is(err, io.EOF) && l.err == nil {
		l.err = err
	}
	return n, err
}

// StoreFiles stores every file of src for the report caseID, at most
// maxFiles of them, each at most maxFileBytes and together at most
// maxTotalBytes. On any failure the objects it wrote are removed and the
// error names the file. The caller commits the returned attachments into
// the report and then calls Commit.
func (e *Evidence) StoreFiles(ctx context.Context, caseID string, src FileSource, source string, maxFiles int, maxFileBytes, maxTotalBytes int64) (Upload, error) {
	up := Upload{CaseID: caseID}
	var total int64
	fail := func(err error) (Upload, error) {
		e.Discard(context.WithoutCancel(ctx), up)
		return Upload{}, err
	}
	for i := 0; ; i++ {
		part, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fail(err)
		}
		if i >= maxFiles {
			return fail(fileError(ReasonFileTooMany, i, FileTooMany, fmt.Sprintf("At most %d files may be attached.", maxFiles)))
		}
		if up.IntentID == "" {
			up.IntentID = newAttachmentID()
			now := stamp(e.now)
			if err := e.uploads.InsertUploadIntent(ctx, UploadIntent{ID: up.IntentID, CaseID: caseID, CreatedAt: now}); err != nil {
				up.IntentID = ""
				return fail(err)
			}
		}
		a, err := e.storeOne(ctx, caseID, i, part, source, min(maxFileBytes, maxTotalBytes-total))
		if a.ID != "" {
			up.Attachments = append(up.Attachments, a)
		}
		if err != nil {
			if total+a.Size > maxTotalBytes && IsCode(err, CodeTooLarge) {
				err = fileError(ReasonFilesTooLarge, i, FileTooLarge, "The files together are larger than allowed.")
			}
			return fail(err)
		}
		total += a.Size
	}
	return up, nil
}

func (e *Evidence) storeOne(ctx context.Context, caseID string, index int, part FilePart, source string, maxBytes int64) (Attachment, error) {
	head := make([]byte, e.files.HeadSize())
	n, err := io.ReadFull(part.Body, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return Attachment{}, readError(err)
	}
	head = head[:n]
	if n == 0 {
		return Attachment{}, fileError(ReasonFileEmpty, index, FieldRequired, "An attached file is empty.")
	}
	ft, needsCheck, err := e.files.Sniff(head)
	if err != nil {
		return Attachment{}, sniffError(err, index)
	}
	now := stamp(e.now)
	a := Attachment{ID: newAttachmentID(), Name: NeutralFileName(index+1, "."+ft.Ext), Type: ft.MIME,
		Scan: ScanNotScanned, Source: source, UploadedAt: now}
	a.OriginalKey = EvidenceKeyPrefix(caseID) + a.ID + "/original"
	// A file that ends within the first smallFile bytes goes up in one PUT
	// of known size; a longer one streams in parts of bounded size, its
	// length unknown until the part ends.
	var body io.Reader
	var whole []byte // the file, when it is small enough to be held
	size := int64(-1)
	first := make([]byte, smallFile)
	copy(first, head)
	if k, err := io.ReadFull(part.Body, first[len(head):]); err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return a, readError(err)
	} else if len(head)+k < smallFile {
		whole = first[:len(head)+k]
		size = int64(len(whole))
		body = bytes.NewReader(whole)
	} else {
		body = io.MultiReader(bytes.NewReader(first), part.Body)
	}
	if size > maxBytes {
		return a, fileError(ReasonFileTooLarge, index, FileTooLarge, "A file is larger than allowed.")
	}
	lr := &limitedReader{r: body, max: maxBytes, h: sha256.New()}
	info, err := e.blobs.Put(ctx, a.OriginalKey, lr, size, ft.MIME, "")
	if err != nil {
		if errors.Is(err, errFileTooLarge) || lr.n > maxBytes {
			return a, fileError(ReasonFileTooLarge, index, FileTooLarge, "A file is larger than allowed.")
		}
		if lr.err != nil {
			return a, readError(lr.err)
		}
		var se *Error
		if errors.As(err, &se) && se.Code != CodeInternal {
			return a, err
		}
		return a, readError(err)
	}
	a.Size, a.SHA256 = info.Size, hex.EncodeToString(lr.h.Sum(nil))
	if info.SHA256 != "" && info.SHA256 != a.SHA256 {
		return a, Errorf(ReasonInternal, "The file changed while it was stored.")
	}
	if needsCheck || ft.Sanitizable {
		if whole != nil {
			// A small file is still in memory, exactly the bytes whose
			// SHA-256 was just recorded: it is inspected there rather than
			// read back from the store.
			ft, err = e.inspect(ctx, &a, ft, needsCheck, index, bytes.NewReader(whole))
		} else {
			ft, err = e.inspectStored(ctx, &a, ft, needsCheck, index)
		}
		if err != nil {
			return a, err
		}
		a.Type, a.Name = ft.MIME, NeutralFileName(index+1, "."+ft.Ext)
	}
	if e.names != nil {
		if a.SealedName, err = e.names.SealFileName(caseID, a.ID, CleanFileName(part.Name, ft.Ext, index)); err != nil {
			return a, err
		}
	}
	if e.scanner != nil {
		e.scan(ctx, &a)
	}
	return a, nil
}

// inspectStored inspects a file too large to be held in memory, reading
// the original back from the store by ranges.
func (e *Evidence) inspectStored(ctx context.Context, a *Attachment, ft FileType, needsCheck bool, index int) (ft2 FileType, err error) {
	obj, _, err := e.blobs.Get(ctx, a.OriginalKey)
	if err != nil {
		return ft, err
	}
	defer obj.Close()
	// A failure to read the object back is the store's, not the file's: it
	// is answered 503 (try again), never "the file could not be inspected".
	r := &storeReader{BlobReader: obj}
	defer func() {
		if err != nil && r.err != nil {
			err = Wrap(r.err, ReasonStorageUnavailable, "The file could not be read back from storage; please try again.")
		}
	}()
	return e.inspect(ctx, a, ft, needsCheck, index, r)
}

// inspect confirms the container of the original r (a's) and writes its
// sanitized copy.
func (e *Evidence) inspect(ctx context.Context, a *Attachment, ft FileType, needsCheck bool, index int, r io.ReaderAt) (FileType, error) {
	var err error
	if needsCheck {
		if ft, err = e.files.CheckContainer(r, a.Size); err != nil {
			return ft, sniffError(err, index)
		}
	}
	if !ft.Sanitizable {
		return ft, nil
	}
	err = e.storeSafeCopy(ctx, a, ft, r, strings.TrimSuffix(a.OriginalKey, "original")+"sanitized")
	switch {
	case err == nil:
	case ft.Class == "image" || !noSafeCopy(err):
		// An image that cannot be cleaned is refused, as is any file when
		// storage fails.
		return ft, sniffError(err, index)
	default:
		// A document or recording whose structure the sanitizer cannot
		// rewrite is kept, without a safe copy: staff ask for custody of
		// the original (docs/privacy.md).
		e.log("evidence stored without a safe copy", "caseId", caseOfKey(a.OriginalKey), "attachmentId", a.ID, "type", ft.MIME,
			"reason", safeCopyReason(err))
	}
	return ft, nil
}

// storeReader remembers the first failure to read the stored object (end
// of file aside).
type storeReader struct {
	BlobReader
	err error
}

func (s *storeReader) Read(p []byte) (int, error) {
	n, err := s.BlobReader.Read(p)
	s.note(err)
	return n, err
}

func (s *storeReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := s.BlobReader.ReadAt(p, off)
	s.note(err)
	return n, err
}

func (s *storeReader) note(err error) {
	if err != nil && !errors.Is(err, io.EOF) && s.err == nil {
		s.err = err
	}
}

// storeSafeCopy makes the safe copy of the original r (a's) and stores it
// at key, recording it in a.
func (e *Evidence) storeSafeCopy(ctx context.Context, a *Attachment, ft FileType, r io.ReaderAt, key string) error {
	clean, size, err := e.files.Sanitize(ft, r, a.Size)
	if err != nil {
		return err
	}
	h := sha256.New()
	info, err := e.blobs.Put(ctx, key, io.TeeReader(clean, h), size, ft.MIME, "")
	if err != nil {
		return err
	}
	a.SanitizedKey, a.SanitizedSize, a.SanitizedSHA256 = key, info.Size, hex.EncodeToString(h.Sum(nil))
	return nil
}

// noSafeCopy reports whether err is the sanitizer's refusal of a file's
// structure (as opposed to a failure to read or store it).
func noSafeCopy(err error) bool {
	return errors.Is(err, ErrFileCorrupt) || errors.Is(err, ErrFileUnsupported)
}

// safeCopyReason says why a file has no safe copy, in words that quote
// nothing of the file.
func safeCopyReason(err error) string {
	switch {
	case errors.Is(err, ErrFileTooLargeForCopy):
		return "larger than the sanitizer rewrites"
	case errors.Is(err, ErrFileUnsupported):
		return "content the sanitizer refuses"
	case errors.Is(err, ErrFileCorrupt):
		return "a structure the sanitizer cannot read"
	}
	return "error"
}

// caseOfKey is the report id in an evidence object's key
// (EvidenceKeyPrefix).
func caseOfKey(key string) string {
	id, _, _ := strings.Cut(strings.TrimPrefix(key, "evidence/"), "/")
	return id
}

func (e *Evidence) scan(ctx context.Context, a *Attachment) {
	r, _, err := e.blobs.Get(ctx, a.OriginalKey)
	if err != nil {
		a.Scan = ScanError
		return
	}
	defer r.Close()
	infected, sig, err := e.scanner.Scan(ctx, r)
	switch {
	case err != nil:
		a.Scan = ScanError
	case infected:
		a.Scan, a.Signature = ScanInfected, sig
	default:
		a.Scan = ScanClean
	}
}

// Commit forgets the intent of an upload the report now references.
func (e *Evidence) Commit(ctx context.Context, up Upload) {
	for _, a := range up.Attachments {
		e.observer.FileKept(a.Source, a.Type, a.Scan, a.Size)
	}
	if up.IntentID == "" {
		return
	}
	// Best effort: an intent left behind is harmless, the reaper keeps
	// objects a report references.
	_ = e.uploads.DeleteUploadIntents(ctx, []string{up.IntentID})
}

// Discard removes the objects of an upload that will not be committed, then
// its intent. What it cannot remove, the reaper does.
func (e *Evidence) Discard(ctx context.Context, up Upload) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	ok := true
	for _, a := range up.Attachments {
		for _, k := range []string{a.OriginalKey, a.SanitizedKey} {
			if k != "" && e.blobs.Delete(ctx, k) != nil {
				ok = false
			}
		}
	}
	if ok && up.IntentID != "" {
		_ = e.uploads.DeleteUploadIntents(ctx, []string{up.IntentID})
	}
}

func sniffError(err error, index int) error {
	switch {
	case errors.Is(err, ErrFileTooManyPixels):
		return fileError(ReasonFileTooManyPixels, index, FileTooManyPixels, "An image has more pixels than allowed (50 megapixels).")
	case errors.Is(err, ErrFileActivePDF):
		return fileError(ReasonFileActivePDF, index, FileActivePDF,
			"This PDF contains active content (scripts, actions, embedded files or encryption) and is not accepted. "+
				"Print the document to a new PDF, or photograph it, and send that instead.")
	case errors.Is(err, ErrFileUnsupported), errors.Is(err, ErrFileCorrupt):
		return fileError(ReasonFileType, index, FileUnsupportedType,
			"This kind of file is not accepted. Allowed: JPEG, PNG, WebP, PDF, DOCX, XLSX, MP3, M4A, MP4.")
	}
	var se *Error
	if errors.As(err, &se) {
		return err
	}
	return Wrap(err, ReasonInternal, "The file could not be inspected.")
}

// readError classifies a failure to read the request body: the transport
// reports a body over its cap as a too_large *Error (handlers/multipart.go);
// anything else is an interrupted upload.
func readError(err error) error {
	var se *Error
	if errors.As(err, &se) {
		return err
	}
	return Wrap(err, ReasonUploadInterrupted, "The upload was interrupted.")
}

// CleanFileName keeps a file name displayable and harmless: its base name,
// no control or bidi characters, at most 200 characters, with the extension
// of the type decided from the content.
func CleanFileName(name, ext string, index int) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(name)
	name = strings.Map(func(r rune) rune {
		if forbiddenRune(r) || r == '\n' || r == '\r' || r == '\t' || r == '/' || !unicode.IsPrint(r) && r != ' ' {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(strings.Trim(name, "."))
	if !utf8.ValidString(name) {
		name = strings.ToValidUTF8(name, "")
	}
	stem := strings.TrimSuffix(name, path.Ext(name))
	if stem == "" {
		stem = fmt.Sprintf("file-%d", index+1)
	}
	if r := []rune(stem); len(r) > 200 {
		stem = string(r[:200])
	}
	return stem + "." + ext
}

// ReapStale handles upload intents older than before: it removes the
// objects under their reports' prefixes that are older than before and that
// no report references, then the intents. It returns how many attachments'
// objects were removed.
func (e *Evidence) ReapStale(ctx context.Context, cases CaseStore, before time.Time) (int, error) {
	removed := 0
	for {
		intents, err := e.uploads.FindStaleUploadIntents(ctx, before, 100)
		if err != nil || len(intents) == 0 {
			return removed, err
		}
		var done []string
		for _, in := range intents {
			var referenced map[string]bool
			c, err := cases.FindCaseByID(ctx, in.CaseID)
			switch {
			case err == nil:
				referenced = map[string]bool{}
				for _, a := range c.Attachments {
					referenced[a.ID] = true
				}
			case !IsCode(err, CodeNotFound):
				return removed, err
			}
			prefix := EvidenceKeyPrefix(in.CaseID)
			objs, err := e.blobs.List(ctx, prefix)
			if err != nil {
				return removed, err
			}
			gone := map[string]bool{}
			for _, o := range objs {
				attID, _, _ := strings.Cut(strings.TrimPrefix(o.Key, prefix), "/")
				// Objects newer than the cut-off may belong to an upload
				// still in progress.
				if referenced[attID] || o.LastModified.After(before) {
					continue
				}
				if err := e.blobs.Delete(ctx, o.Key); err != nil {
					return removed, err
				}
				gone[attID] = true
			}
			removed += len(gone)
			done = append(done, in.ID)
		}
		if err := e.uploads.DeleteUploadIntents(ctx, done); err != nil {
			return removed, err
		}
	}
}
