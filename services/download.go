package services

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"time"
)

// EventEvidenceDownloaded records that staff downloaded an evidence file:
// Ref is the attachment, Note which copy (CopyOriginal or CopySanitized).
// Never public; monitors see it.
const EventEvidenceDownloaded EventType = "evidence_downloaded"

// EventEvidenceIntegrityFailed records that a download was refused because
// the stored object is missing or no longer has the SHA-256 (or size)
// recorded at upload, or changed while it streamed: Ref is the attachment,
// Note which copy. The actor is who asked. Never public; `portal check`
// finds the same objects (docs/storage.md, "Checking the evidence").
const EventEvidenceIntegrityFailed EventType = "evidence_integrity_failed"

// The copies of an evidence file a download may serve.
const (
	CopyOriginal  = "original"
	CopySanitized = "sanitized"
)

// Downloads serves evidence files to staff (docs/privacy.md, "Evidence:
// sanitized copies and sealed originals"): the sanitized copy to whoever may
// see the report, the sealed original only to an inspector or lead of the
// report's unit who holds a current custody grant (of the originals or of the identity). Every file is re-hashed before a byte leaves, and every download
// is an event on the report's timeline (and so in its audit chain).
type Downloads struct {
	reports reports
	gate    *CustodyGate
	blobs   BlobStore
	names   *IdentityVault
	now     func() time.Time
}

// DownloadsOptions are what Downloads needs.
type DownloadsOptions struct {
	// Cases reads the reports and records each download (through the
	// audited store, so that downloads are in the chain).
	Cases CaseStore
	// Gate decides who holds custody (nil: nobody gets an original).
	Gate  *CustodyGate
	Blobs BlobStore
	// Vault opens the citizen's file name for the original's download.
	Vault *IdentityVault
	Now   func() time.Time // time.Now when nil
}

// NewDownloads makes the evidence download service.
func NewDownloads(o DownloadsOptions) *Downloads {
	return &Downloads{reports: reports{o.Cases}, gate: o.Gate, blobs: o.Blobs, names: o.Vault, now: clockOrNow(o.Now)}
}

// Download is an evidence file that has been verified and is ready to
// stream. Read it once, then Close it.
type Download struct {
	AttachmentID string
	Name         string // the neutral file name; the citizen's for an original
	Type         string // the MIME type decided at upload
	Size         int64
	// SHA256 is the hex SHA-256 the bytes were verified against; empty when
	// no hash was recorded for this copy (nothing to verify against).
	SHA256 string
	Copy   string // CopyOriginal or CopySanitized
	body   io.Reader
	closer io.Closer
}

// Read streams the file. When the stored object turns out to differ from
// what was verified, the final chunk is withheld and an error returned, so
// that the client sees a short body, never a complete wrong one.
func (d *Download) Read(p []byte) (int, error) { return d.body.Read(p) }

// Close releases the object.
func (d *Download) Close() error { return d.closer.Close() }

// ErrEvidenceChanged is returned while streaming when the object changed
// after it was verified.
var ErrEvidenceChanged = errors.New("evidence object changed after verification")

// Open authorizes a download of attachment attID of report caseID, verifies
// the object's SHA-256 (reading it once, whole, without holding it in
// memory), records the download on the report's timeline and returns the
// file positioned at its start. original asks for the sealed original
// instead of the sanitized copy.
func (s *Downloads) Open(ctx context.Context, actor Actor, caseID, attID string, original bool) (*Download, error) {
	c, err := s.reports.visible(ctx, actor, caseID)
	if err != nil {
		return nil, err
	}
	var a Attachment
	found, pos := false, 0
	for i, x := range c.Attachments {
		if x.ID == attID {
			a, found, pos = x, true, i+1
			break
		}
	}
	if !found || attID == "" {
		return nil, Errorf(ReasonFileNotFound, "No such file on this report.")
	}
	if a.Quarantined() {
		return nil, Errorf(ReasonFileQuarantined, "This file was quarantined by the virus scanner and is never served.")
	}
	d, key, grant, err := s.choose(ctx, actor, c, a, original)
	if err != nil {
		return nil, err
	}
	// Only an identity custody holder learns the citizen's file name
	// (docs/privacy.md, "Evidence"); a holder of originals custody gets the
	// original under its neutral name.
	d.Name = NeutralFileName(pos, a.Name)
	if original && grant.Kind == CustodyIdentity && s.names != nil {
		d.Name = s.names.OriginalFileName(c.ID, a, pos)
	}
	if err := s.verify(ctx, c, a, d, key); err != nil {
		if se := (*Error)(nil); errors.As(err, &se) && (se.Reason == ReasonFileIntegrity || se.Reason == ReasonFileMissing) {
			s.recordIntegrityFailure(ctx, actor, c, a.ID, d.Copy)
		}
		return nil, err
	}
	if v, ok := d.body.(*verifyingReader); ok {
		v.changed = func() { s.recordIntegrityFailure(ctx, actor, c, a.ID, d.Copy) }
	}
	// Record the download before the bytes leave the service.
	now := stamp(s.now)
	if _, err := s.reports.add(ctx, c, CaseChange{At: now, Events: []Event{{Type: EventEvidenceDownloaded, At: now,
		Actor: actor.UserID, Ref: a.ID, Note: d.Copy}}}); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// recordIntegrityFailure puts a refused download on the report's timeline
// (and so its audit chain). The download fails whether or not this write
// succeeds; when it cannot be written, `portal check` still finds the object.
func (s *Downloads) recordIntegrityFailure(ctx context.Context, actor Actor, c Case, attID, which string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	now := stamp(s.now)
	ev := Event{Type: EventEvidenceIntegrityFailed, At: now, Actor: actor.UserID, Ref: attID, Note: which}
	_, _ = s.reports.add(ctx, c, CaseChange{At: now, Events: []Event{ev}})
}

// choose decides which copy of attachment a the actor gets and where it is
// stored; for an original, with the custody grant that opens it.
func (s *Downloads) choose(ctx context.Context, actor Actor, c Case, a Attachment, original bool) (*Download, string, CustodyGrant, error) {
	d := &Download{AttachmentID: a.ID, Name: a.Name, Type: a.Type}
	var key string
	var grant CustodyGrant
	if original {
		g, err := s.mayOpenOriginal(ctx, actor, c)
		if err != nil {
			return nil, "", CustodyGrant{}, err
		}
		grant = g
		d.Copy, key, d.Size, d.SHA256 = CopyOriginal, a.OriginalKey, a.Size, a.SHA256
	} else {
		if a.SanitizedKey == "" {
			return nil, "", CustodyGrant{}, Errorf(ReasonOriginalNeedsGrant, "This file has no safe copy (the sanitizer could not rewrite it). "+
				"Ask for access to the originals: only a holder of a custody grant on this report may open the original.")
		}
		d.Copy, key, d.Size, d.SHA256 = CopySanitized, a.SanitizedKey, a.SanitizedSize, a.SanitizedSHA256
	}
	if key == "" {
		return nil, "", CustodyGrant{}, Errorf(ReasonFileNotFound, "No such file on this report.")
	}
	if d.Type == "" {
		d.Type = "application/octet-stream"
	}
	return d, key, grant, nil
}

// verify opens the object at key, hashes it whole before anything is sent,
// and positions d at its start to stream it again, hashing as it goes.
func (s *Downloads) verify(ctx context.Context, c Case, a Attachment, d *Download, key string) error {
	r, info, err := s.blobs.Get(ctx, key)
	if IsCode(err, CodeNotFound) {
		return Wrap(err, ReasonFileMissing, "The file is missing from storage.")
	}
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			r.Close()
		}
	}()
	// First pass: hash the whole object before anything is sent.
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err != nil {
		return Wrap(err, ReasonStorageUnavailable, "The file could not be read from storage; please try again.")
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if (d.SHA256 != "" && sum != d.SHA256) || (d.Size > 0 && n != d.Size) {
		// Ids and hashes only: the file name and the report's content stay
		// out of the logs.
		return Wrap(fmt.Errorf("evidence integrity: report %s attachment %s %s copy: sha256 %s (%d bytes), recorded %s (%d bytes)",
			c.ID, a.ID, d.Copy, sum, n, d.SHA256, d.Size), ReasonFileIntegrity, "The file failed its integrity check and was not sent.")
	}
	d.Size = n
	if info.Size > 0 && info.Size != n {
		return Wrap(fmt.Errorf("evidence integrity: report %s attachment %s %s copy: read %d bytes of %d", c.ID, a.ID, d.Copy, n, info.Size),
			ReasonFileIntegrity, "The file failed its integrity check and was not sent.")
	}
	// Second pass: the same object from its start. The object store binds
	// the re-read to the version just hashed (If-Match), and the bytes are
	// hashed again as they stream.
	body, err := rewind(r, n)
	if err != nil {
		return Wrap(err, ReasonStorageUnavailable, "The file could not be read from storage; please try again.")
	}
	d.body = &verifyingReader{r: body, h: sha256.New(), want: sum, left: n}
	d.closer = r
	ok = true
	return nil
}

// mayOpenOriginal admits an inspector or lead of the report's unit who
// holds an approved, unexpired custody grant on it, of the originals or of
// the identity (which opens the originals too), and returns that grant.
func (s *Downloads) mayOpenOriginal(ctx context.Context, actor Actor, c Case) (CustodyGrant, error) {
	if mayHandle(actor, c) != nil {
		return CustodyGrant{}, Errorf(ReasonOriginalUnitOnly, "Originals are served only to custody holders of the handling unit.")
	}
	return s.gate.holder(ctx, actor, c, s.now().UTC(), CustodyOriginals,
		Errorf(ReasonCustodyNoGrant, "You hold no current custody grant for this report: request custody of the originals to open them."))
}

// rewind returns r read again from its start: seeking when it can (one
// request to the object store), else by ranged reads in large blocks.
func rewind(r BlobReader, size int64) (io.Reader, error) {
	if sk, ok := r.(io.Seeker); ok {
		_, err := sk.Seek(0, io.SeekStart)
		return r, err
	}
	return bufio.NewReaderSize(io.NewSectionReader(r, 0, size), 256<<10), nil
}

// verifyingReader passes exactly left bytes through, hashing them, and
// releases the final chunk only when the whole matches want.
type verifyingReader struct {
	r    io.Reader
	h    hash.Hash
	want string
	left int64
	err  error
	// changed, when set, hears once that the bytes did not match.
	changed func()
}

func (v *verifyingReader) Read(p []byte) (int, error) {
	if v.err != nil {
		return 0, v.err
	}
	if v.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > v.left {
		p = p[:v.left]
	}
	n, err := v.r.Read(p)
	v.h.Write(p[:n])
	v.left -= int64(n)
	if v.left == 0 {
		if hex.EncodeToString(v.h.Sum(nil)) != v.want {
			v.err = ErrEvidenceChanged
			if v.changed != nil {
				v.changed()
			}
			return 0, v.err
		}
		return n, io.EOF
	}
	if errors.Is(err, io.EOF) {
		v.err = io.ErrUnexpectedEOF
		return n, v.err
	}
	if err != nil {
		v.err = err
	}
	return n, err
}
