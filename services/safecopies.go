package services

import (
	"context"
	"time"
)

// Making the safe copies missing from files stored before every type had
// one (docs/storage.md, "Safe copies of older files"): until then only
// images got a metadata-free copy, so a PDF, DOCX, XLSX, MP3, M4A or MP4
// sent earlier could be opened by custody holders only. SafeCopyMigration
// makes each missing copy as a new upload's, reading the original from the
// store by ranges; memory is what one copy takes (the checker's bounds).
// It is idempotent: a file with a copy is skipped, a file the sanitizer
// cannot rewrite is logged (ids and a reason, never content) and left, and
// the migration is recorded as done after a full pass. Each report is
// rewritten by one update guarded by its version; a copy whose record lost
// that race is deleted, since each copy has its own object key.

// SafeCopyMigrationName names the migration in the store's record of
// finished migrations.
const SafeCopyMigrationName = "make-safe-copies"

// SafeCopyMigration makes the safe copies that files stored before all
// types had one lack.
type SafeCopyMigration struct {
	store FileNameStore
	blobs BlobStore
	files FileChecker
	log   func(msg string, args ...any)
	now   func() time.Time
}

// NewSafeCopyMigration returns the migration; store, blobs or files nil
// make Run a no-op. log hears the files left without a copy (nil discards).
func NewSafeCopyMigration(store FileNameStore, blobs BlobStore, files FileChecker, log func(msg string, args ...any), now func() time.Time) *SafeCopyMigration {
	if log == nil {
		log = func(string, ...any) {}
	}
	return &SafeCopyMigration{store: store, blobs: blobs, files: files, log: log, now: clockOrNow(now)}
}

// Run makes every missing safe copy it can and returns how many it made.
// Once a run has finished, later runs return at once.
func (m *SafeCopyMigration) Run(ctx context.Context) (int, error) {
	if m == nil || m.store == nil || m.blobs == nil || m.files == nil {
		return 0, nil
	}
	if done, err := m.store.MigrationDone(ctx, SafeCopyMigrationName); err != nil || done {
		return 0, err
	}
	made, after := 0, ""
	for {
		batch, err := m.store.CasesWithFiles(ctx, after, fileNameBatch)
		if err != nil {
			return made, err
		}
		for _, c := range batch {
			n, err := m.copyCase(ctx, c)
			made += n
			if err != nil {
				return made, err
			}
			after = c.ID
		}
		if len(batch) < fileNameBatch {
			break
		}
	}
	return made, m.store.MarkMigrationDone(ctx, SafeCopyMigrationName, m.now().UTC())
}

// wantsCopy reports whether a is a file the migration should copy: no
// safe copy, not quarantined, of a type that has one.
func (m *SafeCopyMigration) wantsCopy(a Attachment) (FileType, bool) {
	if a.SanitizedKey != "" || a.Quarantined() || a.OriginalKey == "" {
		return FileType{}, false
	}
	for _, t := range m.files.AllowedTypes() {
		if t.MIME == a.Type && t.Sanitizable {
			return t, true
		}
	}
	return FileType{}, false
}

// copyCase makes the missing copies of report c's files and records them.
func (m *SafeCopyMigration) copyCase(ctx context.Context, c Case) (int, error) {
	made := map[string]Attachment{} // attachment id → with its new copy
	for _, a := range c.Attachments {
		ft, ok := m.wantsCopy(a)
		if !ok {
			continue
		}
		done, err := m.copyOne(ctx, c.ID, a, ft)
		if err != nil {
			m.discard(ctx, made)
			return 0, err
		}
		if done.SanitizedKey != "" {
			made[a.ID] = done
		}
	}
	if len(made) == 0 {
		return 0, nil
	}
	for attempt := 0; ; attempt++ {
		atts := make([]Attachment, len(c.Attachments))
		n := 0
		for i, a := range c.Attachments {
			if x, ok := made[a.ID]; ok && a.SanitizedKey == "" {
				a.SanitizedKey, a.SanitizedSize, a.SanitizedSHA256 = x.SanitizedKey, x.SanitizedSize, x.SanitizedSHA256
				delete(made, a.ID)
				n++
			}
			atts[i] = a
		}
		// Copies no longer wanted (another run recorded one first, or the
		// file is gone) are removed.
		m.discard(ctx, made)
		if n == 0 {
			return 0, nil
		}
		ok, err := m.store.ReplaceAttachments(ctx, c.ID, c.Version, atts)
		if err != nil || ok {
			if err != nil {
				m.discard(ctx, recorded(atts, c.Attachments))
			}
			return map[bool]int{true: n}[ok], err
		}
		made = recorded(atts, c.Attachments)
		if attempt == 10 {
			m.discard(ctx, made)
			return 0, Errorf(ReasonBusyRetry, "The report changed too often while its safe copies were recorded; start again.")
		}
		if c, err = m.store.FindCaseByID(ctx, c.ID); err != nil {
			m.discard(ctx, made)
			return 0, err
		}
	}
}

// recorded returns the attachments of atts that gained a copy over old.
func recorded(atts, old []Attachment) map[string]Attachment {
	out := map[string]Attachment{}
	for i, a := range atts {
		if a.SanitizedKey != "" && old[i].SanitizedKey == "" {
			out[a.ID] = a
		}
	}
	return out
}

// copyOne makes and stores the safe copy of a, under a key of its own. A
// file the sanitizer refuses is logged and returned unchanged; a failure
// to read or store is returned.
func (m *SafeCopyMigration) copyOne(ctx context.Context, caseID string, a Attachment, ft FileType) (Attachment, error) {
	r, _, err := m.blobs.Get(ctx, a.OriginalKey)
	if IsCode(err, CodeNotFound) {
		m.log("safe copies: original missing from storage", "caseId", caseID, "attachmentId", a.ID)
		return a, nil
	}
	if err != nil {
		return a, err
	}
	defer r.Close()
	e := &Evidence{blobs: m.blobs, files: m.files}
	key := EvidenceKeyPrefix(caseID) + a.ID + "/sanitized-" + newAttachmentID()[:8]
	if err := e.storeSafeCopy(ctx, &a, ft, r, key); err != nil {
		if noSafeCopy(err) {
			m.log("safe copies: file left without a safe copy", "caseId", caseID, "attachmentId", a.ID, "type", ft.MIME,
				"reason", safeCopyReason(err))
			return a, nil
		}
		return a, err
	}
	return a, nil
}

// discard removes copies that will not be recorded; what it cannot remove
// stays as an unreferenced object.
func (m *SafeCopyMigration) discard(ctx context.Context, copies map[string]Attachment) {
	for id, a := range copies {
		_ = m.blobs.Delete(context.WithoutCancel(ctx), a.SanitizedKey)
		delete(copies, id)
	}
}
