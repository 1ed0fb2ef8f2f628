package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"minhbach/services"
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
	f.mkUser(t, "insp@a.test", services.RoleInspector, "unit-a")
	f.mkUser(t, "lead@a.test", services.RoleLead, "unit-a")
	f.mkUser(t, "mon@a.test", services.RoleMonitor, "front-a")
	si, sl, sm := f.staffLogin(t, "insp@a.test", ""), f.staffLogin(t, "lead@a.test", ""), f.staffLogin(t, "mon@a.test", "")
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
	cd := func(w interface{ Header() http.Header }) string {
		v, _ := strings.CutPrefix(w.Header().Get("Content-Disposition"), "attachment; filename*=UTF-8''")
		n, _ := url.PathUnescape(v)
		return n
	}
	if w := f.download(sm, c.ID, png.ID, ""); w.Code != http.StatusOK || cd(w) != "bang-chung-2.png" {
		t.Fatalf("monitor's download: %d %q", w.Code, cd(w))
	}

	// A custody holder sees the original names.
	w := f.do(http.MethodPost, "/api/v1/cases/"+c.ID+"/custody", "application/json", strings.NewReader(`{"reason":"Đối chiếu bản gốc"}`),
		"Authorization", "Bearer "+si.access)
	var g struct{ ID string }
	json.Unmarshal(w.Body.Bytes(), &g)
	if resp := f.staffPost(sl.access, "/api/v1/custody/"+g.ID+"/decision", `{"approve":true}`); resp.StatusCode != http.StatusOK {
		t.Fatalf("approve: %d", resp.StatusCode)
	}
	var page struct {
		Attachments []struct{ ID, Name, OriginalName string }
	}
	json.Unmarshal(f.staffGet(si.access, "/api/v1/cases/"+c.ID).Body.Bytes(), &page)
	if len(page.Attachments) != 2 || page.Attachments[1].OriginalName != secretName || page.Attachments[0].OriginalName != "hoá đơn.pdf" ||
		page.Attachments[1].Name != "bang-chung-2.png" {
		t.Fatalf("the custody holder's page: %+v", page.Attachments)
	}
	if w := f.download(si, c.ID, png.ID, "?original=1"); w.Code != http.StatusOK || cd(w) != secretName {
		t.Fatalf("the original's download: %d %q", w.Code, cd(w))
	}
	// Still nobody else.
	for who, s := range map[string]session{"monitor": sm, "lead without a grant": sl} {
		if w := f.staffGet(s.access, "/api/v1/cases/"+c.ID); strings.Contains(w.Body.String(), "Pham-Thi") {
			t.Fatalf("%s sees the original name", who)
		}
	}
}
