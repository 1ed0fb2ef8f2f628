package handlers_test

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"minhbach/services"
)

// TestFlippedByteFoundByDownloadAndCheck: one byte flipped in a stored
// original and in a safe copy, an object removed and one no report
// references. A staff download of each changed file fails and is recorded
// on the report's timeline and audit chain (who, which file, which copy);
// the storage check (`portal check`) lists the same objects, the missing
// one and the unreferenced one, and nothing else.
func TestFlippedByteFoundByDownloadAndCheck(t *testing.T) {
	f := newFixture(t)
	insp := f.mkUser(t, "insp@a.test", services.RoleInspector, "unit-a")
	f.mkUser(t, "lead@a.test", services.RoleLead, "unit-a")
	si, sl := f.staffLogin(t, "insp@a.test", ""), f.staffLogin(t, "lead@a.test", "")
	photo := jpegWithGPS(t)
	_, c := f.routedFiledReport(t, "unit-a", "front-a", upload{"IMG_0042.jpg", photo}, upload{"anh.png", samplePNG(t, 16, 16)})
	_, other := f.routedFiledReport(t, "unit-a", "front-a", upload{"b.png", samplePNG(t, 12, 12)})
	jpg, png := attachmentByType(t, c, "image/jpeg"), attachmentByType(t, c, "image/png")
	f.grantCustody(t, si, sl, c.ID)

	check := func() services.CheckResult {
		t.Helper()
		k := services.NewChecker(services.CheckOptions{Index: f.env.Store, Blobs: f.env.Blob, Walker: f.env.Blob, Uploads: f.env.Store})
		res, err := k.Check(context.Background(), time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := check(); len(res.Problems) != 0 || res.Reports != 2 || res.Objects != 6 {
		t.Fatalf("before any change: %+v", res)
	}

	forged := bytes.Clone(photo)
	forged[len(forged)/2] ^= 0x01
	f.overwriteObject(t, jpg.OriginalKey, forged)
	clean := bytes.Clone(f.readObject(t, png.SanitizedKey))
	clean[len(clean)/2] ^= 0x01
	f.overwriteObject(t, png.SanitizedKey, clean)
	if err := f.env.Blob.Delete(context.Background(), other.Attachments[0].SanitizedKey); err != nil {
		t.Fatal(err)
	}
	stray := services.EvidenceKeyPrefix(other.ID) + "0123456789abcdef01234567/original"
	if _, err := f.env.Blob.Put(context.Background(), stray, bytes.NewReader([]byte("stray")), 5, "image/png", ""); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct{ aid, query string }{{jpg.ID, "?original=1"}, {png.ID, ""}} {
		w := f.download(si, c.ID, tc.aid, tc.query)
		wantRefusal(t, w, http.StatusInternalServerError, "internal", "integrity check")
	}
	stored, err := f.env.Store.FindCaseByID(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range stored.Timeline {
		if e.Type == services.EventEvidenceIntegrityFailed {
			if e.Actor != insp.ID || e.Public {
				t.Errorf("integrity event %+v", e)
			}
			got = append(got, e.Ref+"/"+e.Note)
		}
	}
	want := []string{jpg.ID + "/original", png.ID + "/sanitized"}
	if !slices.Equal(got, want) {
		t.Fatalf("integrity failures on the timeline: %v, want %v", got, want)
	}
	events, err := f.env.Store.ListAuditEvents(context.Background(), c.ID, 1000)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range events {
		if e.Type == string(services.EventEvidenceIntegrityFailed) {
			n++
		}
	}
	if n != 2 {
		t.Fatalf("%d integrity failures in the audit chain, want 2", n)
	}

	res := check()
	var problems []string
	for _, p := range res.Problems {
		problems = append(problems, p.Problem+" "+p.CaseID+" "+p.AttachmentID+" "+p.Copy)
	}
	slices.Sort(problems)
	wantProblems := []string{
		"altered " + c.ID + " " + jpg.ID + " original",
		"altered " + c.ID + " " + png.ID + " sanitized",
		"missing " + other.ID + " " + other.Attachments[0].ID + " sanitized",
		"unreferenced " + other.ID + " 0123456789abcdef01234567 ",
	}
	slices.Sort(wantProblems)
	if !slices.Equal(problems, wantProblems) {
		t.Fatalf("check found:\n%v\nwant:\n%v", problems, wantProblems)
	}
}
