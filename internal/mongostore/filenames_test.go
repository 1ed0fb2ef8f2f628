package mongostore_test

import (
	"context"
	"testing"
	"time"

	"minhbach/internal/testenv"
	"minhbach/services"
)

// TestFileNameStorePagesAndGuardsTheRewrite: the store side of the
// file-name migration (docs/storage.md, "File names") lists only reports
// with files, in id order and by pages; rewrites a report's files only at
// the version read (a stale rewrite loses nothing a concurrent write added);
// and records a migration as done once, whoever records it twice.
func TestFileNameStorePagesAndGuardsTheRewrite(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	var withFiles []string
	for i, code := range []string{"MB-AAAA-0001", "MB-AAAA-0002", "MB-AAAA-0003", "MB-AAAA-0004"} {
		c := sampleCase(env.Store.NewID(), code)
		if i != 1 {
			c.Attachments = []services.Attachment{{ID: "a1", Name: "Nguyen-Van-A.png", Type: "image/png", Size: 3, SHA256: "ab",
				OriginalKey: "evidence/" + c.ID + "/a1/original", Scan: services.ScanNotScanned, Source: services.SourceReport, UploadedAt: c.CreatedAt}}
			withFiles = append(withFiles, c.ID)
		}
		if err := env.Store.InsertCase(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	var seen []string
	for after := ""; ; {
		page, err := env.Store.CasesWithFiles(ctx, after, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page {
			seen = append(seen, c.ID)
			after = c.ID
		}
		if len(page) < 2 {
			break
		}
	}
	if len(seen) != 3 || seen[0] != withFiles[0] || seen[1] != withFiles[1] || seen[2] != withFiles[2] {
		t.Fatalf("pages gave %v, want %v", seen, withFiles)
	}

	c, err := env.Store.FindCaseByID(ctx, withFiles[0])
	if err != nil {
		t.Fatal(err)
	}
	sealed := append([]services.Attachment(nil), c.Attachments...)
	sealed[0].Name, sealed[0].SealedName = "bang-chung-1.png", []byte{1, 2, 3}
	// A concurrent write moves the version on: the rewrite at the old
	// version is refused and changes nothing.
	if _, err := env.Store.UpdateCase(ctx, c.ID, c.Version, services.CaseChange{At: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	if ok, err := env.Store.ReplaceAttachments(ctx, c.ID, c.Version, sealed); err != nil || ok {
		t.Fatalf("a stale rewrite: %v, %v", ok, err)
	}
	if now, _ := env.Store.FindCaseByID(ctx, c.ID); now.Attachments[0].Name != "Nguyen-Van-A.png" {
		t.Fatalf("a stale rewrite changed the files: %+v", now.Attachments)
	}
	if ok, err := env.Store.ReplaceAttachments(ctx, c.ID, c.Version+1, sealed); err != nil || !ok {
		t.Fatalf("the rewrite at the current version: %v, %v", ok, err)
	}
	now, err := env.Store.FindCaseByID(ctx, c.ID)
	if err != nil || now.Attachments[0].Name != "bang-chung-1.png" || string(now.Attachments[0].SealedName) != "\x01\x02\x03" || now.Version != c.Version+2 {
		t.Fatalf("after the rewrite: %+v (%v)", now, err)
	}

	if done, err := env.Store.MigrationDone(ctx, "m"); err != nil || done {
		t.Fatalf("a migration never run is done: %v %v", done, err)
	}
	for range 2 {
		if err := env.Store.MarkMigrationDone(ctx, "m", time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
	}
	if done, err := env.Store.MigrationDone(ctx, "m"); err != nil || !done {
		t.Fatalf("a finished migration is not done: %v %v", done, err)
	}
}
