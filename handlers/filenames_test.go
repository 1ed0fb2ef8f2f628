package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestOriginalFileNamesOnlyForCustodyHolders: a file named after the
// complainant ("Pham-Thi-Thoa_CCCD_….png") is stored with a neutral name
// and its original name sealed; monitors, inspectors without custody and
// the citizen's tracking view see "bang-chung-N.ext"; only a custody
// holder sees the original name (on the page and on the original's
// download).
func TestOriginalFileNamesOnlyForCustodyHolders(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	si, sl, sm := f.unitAStaff(t)
	const secretName = "Pham-Thi-Thoa_CCCD_079184001234.png"
	r, c := f.routedFiledReport(t, "unit-a", "front-a", upload{"hoá đơn.pdf", samplePDF()}, upload{secretName, samplePNG(t, 5, 5)})
	png := attachmentByType(t, c, "image/png")

	// Stored: neither the cases collection nor anything else holds the name.
	var raw bson.M
	if err := f.env.Client.Database(f.env.Database).Collection("cases").FindOne(ctx, bson.M{}).Decode(&raw); err != nil {
		t.Fatal(err)
	}
	if b, _ := bson.Marshal(raw); strings.Contains(string(b), "Pham-Thi") || strings.Contains(string(b), "hoá đơn") {
		t.Fatal("an original file name is stored in the clear")
	}
	names := func(body []byte) []string {
		var v struct {
			Attachments []struct{ ID, Name string }
		}
		json.Unmarshal(body, &v)
		var out []string
		for _, a := range v.Attachments {
			out = append(out, a.Name)
		}
		return out
	}
	neutral := "bang-chung-1.pdf,bang-chung-2.png"
	for who, s := range map[string]session{"monitor": sm, "inspector": si, "lead": sl} {
		w := f.staffGet(s.access, "/api/v1/cases/"+c.ID)
		if got := strings.Join(names(w.Body.Bytes()), ","); got != neutral || strings.Contains(w.Body.String(), "Pham-Thi") {
			t.Fatalf("%s sees file names %s: %s", who, got, w.Body)
		}
	}
	if w := f.do(http.MethodGet, "/api/v1/track", "", nil, "Authorization", "Bearer "+r.Token); strings.Join(names(w.Body.Bytes()), ",") != neutral ||
		strings.Contains(w.Body.String(), "Pham-Thi") {
		t.Fatalf("the tracking view shows %s", w.Body)
	}
	// The sanitized copy downloads under the neutral name.
	if w := f.download(sm, c.ID, png.ID, ""); w.Code != http.StatusOK || downloadName(w.Header()) != "bang-chung-2.png" {
		t.Fatalf("monitor's download: %d %q", w.Code, downloadName(w.Header()))
	}

	// A custody holder sees the original names.
	f.grantCustody(t, si, sl, c.ID)
	if atts := f.attachmentsSeenBy(t, si, c.ID); len(atts) != 2 || atts[1].OriginalName != secretName || atts[0].OriginalName != "hoá đơn.pdf" ||
		atts[1].Name != "bang-chung-2.png" {
		t.Fatalf("the custody holder's page: %+v", atts)
	}
	if w := f.download(si, c.ID, png.ID, "?original=1"); w.Code != http.StatusOK || downloadName(w.Header()) != secretName {
		t.Fatalf("the original's download: %d %q", w.Code, downloadName(w.Header()))
	}
	// Still nobody else.
	for who, s := range map[string]session{"monitor": sm, "lead without a grant": sl} {
		if w := f.staffGet(s.access, "/api/v1/cases/"+c.ID); strings.Contains(w.Body.String(), "Pham-Thi") {
			t.Fatalf("%s sees the original name", who)
		}
	}
}

// TestClearFileNamesStoredBeforeSealingAreSealedAtStartUp: a report filed
// before file names were sealed keeps the citizen's file name in the clear
// in the database, where anyone with a copy of it reads it. The start-up
// migration seals it like a new upload's — run by two instances at once and
// again, it seals each name once — and leaves it readable by a custody
// holder only.
func TestClearFileNamesStoredBeforeSealingAreSealedAtStartUp(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	si, sl, sm := f.unitAStaff(t)
	const secretName = "Nguyen-Van-Hung_CMND_025123456.png"
	_, c := f.routedFiledReport(t, "unit-a", "front-a", upload{"ảnh.png", samplePNG(t, 5, 5)}, upload{"đơn mới.pdf", samplePDF()})
	png := attachmentByType(t, c, "image/png")

	// Store the first file the old way: its clear name, no sealed name (the
	// second file, added after sealing, keeps its sealed name).
	cases := f.env.Client.Database(f.env.Database).Collection("cases")
	var raw struct {
		Attachments []bson.M `bson:"attachments"`
	}
	if err := cases.FindOne(ctx, bson.M{"_id": mustOID(t, c.ID)}).Decode(&raw); err != nil {
		t.Fatal(err)
	}
	atts := raw.Attachments
	old := atts[0]
	if old["id"] != png.ID {
		t.Fatalf("the PNG is not the first file: %v", old["id"])
	}
	old["name"] = secretName
	delete(old, "sealedName")
	if _, err := cases.UpdateByID(ctx, mustOID(t, c.ID), bson.M{"$set": bson.M{"attachments": atts}}); err != nil {
		t.Fatal(err)
	}
	inClear := func() bool {
		var doc bson.M
		if err := cases.FindOne(ctx, bson.M{"_id": mustOID(t, c.ID)}).Decode(&doc); err != nil {
			t.Fatal(err)
		}
		b, _ := bson.Marshal(doc)
		return strings.Contains(string(b), "Nguyen-Van-Hung") || strings.Contains(string(b), "đơn mới")
	}
	if !inClear() {
		t.Fatal("the old-style report does not hold the clear name")
	}

	// Two instances start at once, then one starts again.
	var sealed [2]int
	var errs [2]error
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Go(func() { sealed[i], errs[i] = f.FileNames.Run(ctx) })
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil || sealed[0]+sealed[1] != 1 {
		t.Fatalf("two migrations at once sealed %v names (%v), want 1 in all", sealed, errs)
	}
	if n, err := f.FileNames.Run(ctx); err != nil || n != 0 {
		t.Fatalf("the migration run again sealed %d names (%v)", n, err)
	}
	if inClear() {
		t.Fatal("a file name is still in the clear after the migration")
	}
	after, err := f.env.Store.FindCaseByID(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(after.Attachments) != 2 || len(after.Attachments[0].SealedName) == 0 || after.Attachments[0].Name != "bang-chung-1.png" ||
		after.ContentHash != c.ContentHash || len(after.Attachments[1].SealedName) == 0 {
		t.Fatalf("after the migration: %+v (hash %s, was %s)", after.Attachments, after.ContentHash, c.ContentHash)
	}

	// Nobody without custody sees it; a custody holder does.
	for who, s := range map[string]session{"monitor": sm, "inspector": si, "lead": sl} {
		if w := f.staffGet(s.access, "/api/v1/cases/"+c.ID); w.Code != http.StatusOK || strings.Contains(w.Body.String(), "Nguyen-Van") {
			t.Fatalf("%s: %d %s", who, w.Code, w.Body)
		}
	}
	f.grantCustody(t, si, sl, c.ID)
	if atts := f.attachmentsSeenBy(t, si, c.ID); len(atts) != 2 || atts[0].OriginalName != secretName || atts[0].Name != "bang-chung-1.png" ||
		atts[1].OriginalName != "đơn mới.pdf" {
		t.Fatalf("the custody holder's page: %+v", atts)
	}
	if w := f.download(si, c.ID, png.ID, "?original=1"); w.Code != http.StatusOK || downloadName(w.Header()) != secretName {
		t.Fatalf("the original's download: %d %q", w.Code, downloadName(w.Header()))
	}
}
