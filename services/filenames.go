package services

import (
	"context"
	"time"
)

// Sealing the file names stored before names were sealed (docs/storage.md,
// "File names"): an attachment without a sealed name still holds the
// citizen's file name in the clear. FileNameMigration seals each such name
// with IdentityVault.SealFileName, as a new upload's, and replaces it with
// the neutral name. It is idempotent and safe to run from several
// processes at once: each report is rewritten by one update guarded by its
// version, and a report that changed in between is read again, so a name is
// sealed once and nothing else a concurrent write added is lost.

// FileNameMigrationName names the migration in the store's record of
// finished migrations.
const FileNameMigrationName = "seal-file-names"

// FileNameStore is what the migration needs from the store.
type FileNameStore interface {
	// CasesWithFiles returns up to limit reports that have files, in id
	// order, after the report with id after ("" for the first).
	CasesWithFiles(ctx context.Context, after string, limit int) ([]Case, error)
	// ReplaceAttachments rewrites the files of report id when its version
	// is still version (and bumps it); false when the report changed.
	ReplaceAttachments(ctx context.Context, id string, version int64, atts []Attachment) (bool, error)
	// MigrationDone reports whether the named migration has finished;
	// MarkMigrationDone records that it has.
	FindCaseByID(ctx context.Context, id string) (Case, error)
	MigrationDone(ctx context.Context, name string) (bool, error)
	MarkMigrationDone(ctx context.Context, name string, at time.Time) error
}

// FileNameMigration seals the original names of files stored before names
// were sealed.
type FileNameMigration struct {
	vault *IdentityVault
	store FileNameStore
	types []FileType
	now   func() time.Time
}

// NewFileNameMigration returns the migration; store nil makes Run a no-op.
// types are the accepted file types, whose extensions the neutral names
// take.
func NewFileNameMigration(vault *IdentityVault, store FileNameStore, types []FileType, now func() time.Time) *FileNameMigration {
	return &FileNameMigration{vault: vault, store: store, types: types, now: clockOrNow(now)}
}

// fileNameBatch is how many reports the migration reads at a time.
const fileNameBatch = 100

// Run seals every file name still in the clear and returns how many it
// sealed. Once a run has finished, later runs return at once.
func (m *FileNameMigration) Run(ctx context.Context) (int, error) {
	if m == nil || m.store == nil || m.vault == nil {
		return 0, nil
	}
	if done, err := m.store.MigrationDone(ctx, FileNameMigrationName); err != nil || done {
		return 0, err
	}
	sealed, after := 0, ""
	for {
		batch, err := m.store.CasesWithFiles(ctx, after, fileNameBatch)
		if err != nil {
			return sealed, err
		}
		for _, c := range batch {
			n, err := m.sealCase(ctx, c)
			sealed += n
			if err != nil {
				return sealed, err
			}
			after = c.ID
		}
		if len(batch) < fileNameBatch {
			break
		}
	}
	return sealed, m.store.MarkMigrationDone(ctx, FileNameMigrationName, m.now().UTC())
}

// sealCase seals the clear names of report c, reading it again when a
// concurrent write (another instance's migration, a citizen's upload) wins
// the version race.
func (m *FileNameMigration) sealCase(ctx context.Context, c Case) (int, error) {
	for attempt := 0; ; attempt++ {
		atts, n, err := m.sealed(c)
		if err != nil || n == 0 {
			return 0, err
		}
		ok, err := m.store.ReplaceAttachments(ctx, c.ID, c.Version, atts)
		if err != nil || ok {
			return map[bool]int{true: n}[ok], err
		}
		if attempt == 10 {
			return 0, Errorf(ReasonBusyRetry, "The report changed too often while its file names were sealed; start again.")
		}
		if c, err = m.store.FindCaseByID(ctx, c.ID); err != nil {
			return 0, err
		}
	}
}

// sealed returns c's files with every clear name sealed, and how many.
func (m *FileNameMigration) sealed(c Case) ([]Attachment, int, error) {
	out := make([]Attachment, len(c.Attachments))
	n := 0
	for i, a := range c.Attachments {
		if len(a.SealedName) == 0 {
			s, err := m.vault.SealFileName(c.ID, a.ID, a.Name)
			if err != nil {
				return nil, 0, err
			}
			a.SealedName, a.Name = s, NeutralFileName(i+1, typeExt(m.types, a.Type))
			n++
		}
		out[i] = a
	}
	return out, n, nil
}

// typeExt is the extension of the accepted type mime ("" when none is):
// the neutral name of a legacy file keeps nothing of its clear name, whose
// "extension" may be part of a person's name ("Phạm Thị.Thoa").
func typeExt(types []FileType, mime string) string {
	for _, t := range types {
		if t.MIME == mime && t.Ext != "" {
			return "." + t.Ext
		}
	}
	return ""
}
