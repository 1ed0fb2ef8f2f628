package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"minhbach/services"
)

// mkNamedUser creates a staff account whose display name differs from its
// e-mail address, so that a test can tell which one an answer shows.
func (f *fixture) mkNamedUser(t *testing.T, email, name string, role services.Role, unit string) services.User {
	t.Helper()
	u, err := f.Staff.CreateUser(context.Background(), nil, services.CreateUserInput{Email: email, Name: name, Role: role,
		UnitID: f.unit(t, unit), Password: staffPassword})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// routedAnonymousReport files an anonymous report with files and routes it
// to an inspection unit and a Front committee.
func (f *fixture) routedAnonymousReport(t *testing.T, unit, front string, files ...upload) (createdReport, services.Case) {
	t.Helper()
	w, r := f.submitFiles(t, validFeedback, files...) // validFeedback is anonymous
	if w.Code != http.StatusCreated {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	ctx := context.Background()
	c, err := f.env.Store.FindCaseByTrackingCode(ctx, r.TrackingCode)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.env.Client.Database(f.env.Database).Collection("cases").UpdateByID(ctx, mustOID(t, c.ID),
		map[string]any{"$set": map[string]any{"unitId": f.unit(t, unit), "frontUnitId": f.unit(t, front)}}); err != nil {
		t.Fatal(err)
	}
	if c, err = f.env.Store.FindCaseByID(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if c.HasIdentity {
		t.Fatal("the report is not anonymous")
	}
	return r, c
}

// originalsPage is what a report's page says about custody to its caller.
type originalsPage struct {
	Can                  map[string]bool
	CustodyUntil         *string
	OriginalsUntil       *string
	OriginalsRequestedAt *string
	Attachments          []struct{ ID, Name, OriginalName string }
	Timeline             []struct {
		Type, Actor, Note, Ref string
		Public                 bool
	}
}

// TestAnonymousPDFIsReadableThroughAnOriginalsGrant is issue 11's finding:
// originals needed an identity custody grant, which cannot be asked for on
// an anonymous report, so a PDF sent anonymously was never readable by
// anyone. Now the unit asks for custody of the originals; once another
// lead approves, the requester alone downloads the original PDF, exactly as
// sent, under its neutral name (the grant never opens the identity), until
// the grant expires. Every step is on the report's timeline, which the
// Front's monitors see.
func TestAnonymousPDFIsReadableThroughAnOriginalsGrant(t *testing.T) {
	f := newFixture(t)
	insp := f.mkNamedUser(t, "tra.nguyen@a.test", "Nguyễn Văn Trà", services.RoleInspector, "unit-a")
	lead := f.mkNamedUser(t, "lan.pham@a.test", "Phạm Thị Lan", services.RoleLead, "unit-a")
	f.mkUser(t, "insp2@a.test", services.RoleInspector, "unit-a")
	f.mkUser(t, "mon@a.test", services.RoleMonitor, "front-a")
	f.mkUser(t, "insp@b.test", services.RoleInspector, "unit-b")
	f.mkUser(t, "admin@x.test", services.RoleAdmin, "")
	si, sl, si2 := f.staffLogin(t, insp.Email, ""), f.staffLogin(t, lead.Email, ""), f.staffLogin(t, "insp2@a.test", "")
	sm, sb, sa := f.staffLogin(t, "mon@a.test", ""), f.staffLogin(t, "insp@b.test", ""), f.staffLogin(t, "admin@x.test", "")
	pdf := samplePDF()
	r, c := f.routedAnonymousReport(t, "unit-a", "front-a", upload{"đơn tố cáo Trần Văn Bảy.pdf", pdf})
	doc := attachmentByType(t, c, "application/pdf")
	base := "/api/v1/cases/" + c.ID
	page := func(s session) originalsPage {
		t.Helper()
		var p originalsPage
		f.call(t, s.access, http.MethodGet, base, "", http.StatusOK, &p)
		return p
	}

	// Before: nobody opens the original, and identity custody cannot be
	// asked for (there is no identity), but the originals can.
	wantRefusal(t, f.download(si, c.ID, doc.ID, "?original=1"), http.StatusForbidden, "forbidden", "request custody")
	if w := f.staffJSON(si.access, http.MethodPost, base+"/custody", `{"reason":"Đọc đơn"}`); w.Code != http.StatusConflict {
		t.Fatalf("identity request on an anonymous report: %d %s", w.Code, w.Body)
	}
	for name, s := range map[string]session{"inspector": si, "lead": sl, "monitor": sm} {
		p := page(s)
		if p.Can["requestCustody"] || p.Can["originals"] || p.Can["identity"] || p.Can["requestOriginals"] != (name != "monitor") {
			t.Errorf("%s's page before any request: %v", name, p.Can)
		}
	}

	// The request: a known kind, a reason, by the unit only.
	w := f.staffJSON(si.access, http.MethodPost, base+"/custody", `{"kind":"everything","reason":"Đọc đơn"}`)
	if e := decodeError(t, w); w.Code != http.StatusBadRequest || e.Error.Fields["kind"] != "invalid" {
		t.Fatalf("unknown kind: %d %s", w.Code, w.Body)
	}
	if w := f.staffJSON(si.access, http.MethodPost, base+"/custody", `{"kind":"originals","reason":" "}`); w.Code != http.StatusBadRequest {
		t.Fatalf("no reason: %d %s", w.Code, w.Body)
	}
	if w := f.staffJSON(sm.access, http.MethodPost, base+"/custody", `{"kind":"originals","reason":"x"}`); w.Code != http.StatusForbidden {
		t.Fatalf("monitor asking: %d %s", w.Code, w.Body)
	}
	for _, s := range []session{sb, sa} {
		if w := f.staffJSON(s.access, http.MethodPost, base+"/custody", `{"kind":"originals","reason":"x"}`); w.Code != http.StatusNotFound {
			t.Fatalf("%s asking: %d %s", s.user.Role, w.Code, w.Body)
		}
	}
	w = f.staffJSON(si.access, http.MethodPost, base+"/custody", `{"kind":"originals","reason":"Đọc đơn tố cáo gửi kèm"}`)
	var g struct {
		ID, Kind, Status, RequesterName, DeciderName, ExpiresAt string
	}
	if json.Unmarshal(w.Body.Bytes(), &g); w.Code != http.StatusCreated || g.Kind != "originals" || g.Status != "pending" ||
		g.RequesterName != insp.Name || strings.Contains(w.Body.String(), insp.Email) {
		t.Fatalf("originals request: %d %s", w.Code, w.Body)
	}
	if p := page(si); p.Can["requestOriginals"] || p.OriginalsRequestedAt == nil || p.Can["originals"] {
		t.Fatalf("the requester's page while pending: %+v", p.Can)
	}
	if w := f.staffJSON(si.access, http.MethodPost, base+"/custody", `{"kind":"originals","reason":"again"}`); w.Code != http.StatusConflict ||
		!strings.Contains(w.Body.String(), `"custody":"pending"`) {
		t.Fatalf("a second pending request: %d %s", w.Code, w.Body)
	}
	wantRefusal(t, f.download(si, c.ID, doc.ID, "?original=1"), http.StatusForbidden, "forbidden", "request custody")

	// The decision: a lead other than the requester.
	if w := f.staffJSON(si2.access, http.MethodPost, "/api/v1/custody/"+g.ID+"/decision", `{"approve":true}`); w.Code != http.StatusForbidden {
		t.Fatalf("an inspector deciding: %d", w.Code)
	}
	w = f.staffJSON(sl.access, http.MethodPost, "/api/v1/custody/"+g.ID+"/decision", `{"approve":true,"note":"Đồng ý"}`)
	if json.Unmarshal(w.Body.Bytes(), &g); w.Code != http.StatusOK || g.Status != "approved" || g.DeciderName != lead.Name || g.ExpiresAt == "" {
		t.Fatalf("approval: %d %s", w.Code, w.Body)
	}

	// The holder downloads the very PDF the citizen sent, under its neutral
	// name; the grant does not open the identity or the citizen's file name.
	neutral := doc
	neutral.Name = "bang-chung-1.pdf"
	wantDownload(t, f.download(si, c.ID, doc.ID, "?original=1"), neutral, pdf)
	wantRefusal(t, f.staffGet(si.access, base+"/identity"), http.StatusForbidden, "forbidden", "identity custody")
	p := page(si)
	if !p.Can["originals"] || p.Can["identity"] || p.Can["requestOriginals"] || p.CustodyUntil != nil ||
		p.OriginalsUntil == nil || *p.OriginalsUntil != g.ExpiresAt || p.OriginalsRequestedAt != nil {
		t.Fatalf("the holder's page: %+v until %v", p.Can, p.OriginalsUntil)
	}
	for _, a := range p.Attachments {
		if a.OriginalName != "" || strings.Contains(a.Name, "Bảy") {
			t.Fatalf("an originals grant shows the citizen's file name: %+v", a)
		}
	}
	if w := f.staffJSON(si.access, http.MethodPost, base+"/custody", `{"kind":"originals","reason":"again"}`); w.Code != http.StatusConflict ||
		!strings.Contains(w.Body.String(), `"custody":"held"`) {
		t.Fatalf("asking again while holding: %d %s", w.Code, w.Body)
	}
	// Only the holder: not another inspector, the lead who approved, or the monitor.
	for _, s := range []session{si2, sl} {
		wantRefusal(t, f.download(s, c.ID, doc.ID, "?original=1"), http.StatusForbidden, "forbidden", "request custody")
		if p := page(s); p.Can["originals"] {
			t.Fatalf("%s offered the originals", s.user.Role)
		}
	}
	wantRefusal(t, f.download(sm, c.ID, doc.ID, "?original=1"), http.StatusForbidden, "forbidden", "custody holders")

	// The custody list names people, never by e-mail, and says the kind.
	w = f.staffGet(sl.access, "/api/v1/custody")
	var list []struct{ ID, Kind, RequesterName, DeciderName, Status string }
	if json.Unmarshal(w.Body.Bytes(), &list); w.Code != http.StatusOK || len(list) != 1 || list[0].Kind != "originals" ||
		list[0].RequesterName != insp.Name || list[0].DeciderName != lead.Name || strings.Contains(w.Body.String(), "@a.test") {
		t.Fatalf("the lead's custody list: %d %s", w.Code, w.Body)
	}

	// Every step is on the timeline, never public; the monitor sees it.
	want := []string{"originals_requested:" + insp.ID, "originals_decided:" + lead.ID, "evidence_downloaded:" + insp.ID}
	var got []string
	for _, e := range page(sm).Timeline {
		if e.Type == string(services.EventSubmitted) || e.Type == string(services.EventEvidenceAdded) {
			continue
		}
		if e.Public {
			t.Fatalf("%s is public", e.Type)
		}
		got = append(got, e.Type+":"+e.Actor)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("the monitor's timeline: %v, want %v", got, want)
	}
	for _, e := range f.view(t, f.login(t, r.TrackingCode, r.Receipt)).Timeline {
		if strings.HasPrefix(e.Type, "originals_") || e.Type == string(services.EventEvidenceDownloaded) {
			t.Fatalf("the citizen sees %s", e.Type)
		}
	}

	// Until it expires.
	f.clock.advance(services.CustodyTTL + time.Minute)
	si = f.staffLogin(t, insp.Email, "")
	wantRefusal(t, f.download(si, c.ID, doc.ID, "?original=1"), http.StatusForbidden, "forbidden", "request custody")
	if p := page(si); p.Can["originals"] || !p.Can["requestOriginals"] || p.OriginalsUntil != nil {
		t.Fatalf("the page after expiry: %+v", p.Can)
	}
	if w := f.staffGet(si.access, "/api/v1/custody"); !strings.Contains(w.Body.String(), `"status":"expired"`) {
		t.Fatalf("the grant is not shown as expired: %s", w.Body)
	}
}

// TestOriginalsGrantStopsWhenItsApproverIsReset: the originals grant is
// under the same rule as identity custody, read again at every download:
// an administrator resetting the approving lead's password (a cooling
// period) stops it at once.
func TestOriginalsGrantStopsWhenItsApproverIsReset(t *testing.T) {
	f := newFixture(t)
	f.mkUser(t, "insp@a.test", services.RoleInspector, "unit-a")
	lead := f.mkUser(t, "lead@a.test", services.RoleLead, "unit-a")
	f.mkUser(t, "admin@x.test", services.RoleAdmin, "")
	si, sl, sa := f.staffLogin(t, "insp@a.test", ""), f.staffLogin(t, "lead@a.test", ""), f.staffLogin(t, "admin@x.test", "")
	_, c := f.routedAnonymousReport(t, "unit-a", "front-a", upload{"đơn.pdf", samplePDF()})
	doc := attachmentByType(t, c, "application/pdf")
	var g struct{ ID string }
	f.call(t, si.access, http.MethodPost, "/api/v1/cases/"+c.ID+"/custody", `{"kind":"originals","reason":"Đọc đơn"}`, http.StatusCreated, &g)
	f.call(t, sl.access, http.MethodPost, "/api/v1/custody/"+g.ID+"/decision", `{"approve":true}`, http.StatusOK, nil)
	if w := f.download(si, c.ID, doc.ID, "?original=1"); w.Code != http.StatusOK {
		t.Fatalf("download with the grant: %d %s", w.Code, w.Body)
	}
	if w := f.staffJSON(sa.access, http.MethodPost, "/api/v1/admin/users/"+lead.ID+"/reset-password", ``); w.Code != http.StatusOK {
		t.Fatalf("reset: %d %s", w.Code, w.Body)
	}
	if w := f.download(si, c.ID, doc.ID, "?original=1"); w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), `"custody":"cooling"`) {
		t.Fatalf("download after the approver's reset: %d %s", w.Code, w.Body)
	}
}

// TestOriginalsCustodyMatrix: for every kind of caller, what asking for
// custody of the originals, deciding such a request and downloading an
// original under such a grant answer (the routes' rows in TestRouteMatrix
// try an identity request; this is the originals kind, on an anonymous
// report).
func TestOriginalsCustodyMatrix(t *testing.T) {
	f := newFixture(t)
	tokens := map[string]string{}
	for _, w := range everyone[2:] {
		unit := map[services.Role]string{services.RoleInspector: "unit-a", services.RoleLead: "unit-a", services.RoleMonitor: "front-a"}[w.role]
		if !w.own && w.role != services.RoleAdmin {
			unit = strings.Replace(unit, "-a", "-b", 1)
		}
		email := strings.ReplaceAll(w.name, "/", ".") + "@originals.test"
		f.mkUser(t, email, w.role, unit)
		tokens[w.name] = f.staffLogin(t, email, "").access
	}
	f.mkUser(t, "holder@originals.test", services.RoleInspector, "unit-a")
	f.mkUser(t, "asker@originals.test", services.RoleInspector, "unit-a")
	f.mkUser(t, "approver@originals.test", services.RoleLead, "unit-a")
	holder, asker := f.staffLogin(t, "holder@originals.test", ""), f.staffLogin(t, "asker@originals.test", "")
	approver := f.staffLogin(t, "approver@originals.test", "")
	r, c := f.routedAnonymousReport(t, "unit-a", "front-a", upload{"đơn.pdf", samplePDF()})
	tokens["citizen"] = r.Token
	doc := attachmentByType(t, c, "application/pdf")
	base := "/api/v1/cases/" + c.ID
	var held, pending struct{ ID string }
	f.call(t, holder.access, http.MethodPost, base+"/custody", `{"kind":"originals","reason":"Đọc đơn"}`, http.StatusCreated, &held)
	f.call(t, approver.access, http.MethodPost, "/api/v1/custody/"+held.ID+"/decision", `{"approve":true}`, http.StatusOK, nil)
	f.call(t, asker.access, http.MethodPost, base+"/custody", `{"kind":"originals","reason":"Đọc đơn"}`, http.StatusCreated, &pending)
	if w := f.download(holder, c.ID, doc.ID, "?original=1"); w.Code != http.StatusOK {
		t.Fatalf("the holder's download: %d %s", w.Code, w.Body)
	}

	unitStaff := func(w who) bool { return w.own && (w.role == services.RoleInspector || w.role == services.RoleLead) }
	rows := []struct {
		name, method, path, body string
		want                     func(w who) []int
	}{
		{"ask", http.MethodPost, base + "/custody", `{"kind":"originals","reason":""}`, func(w who) []int {
			switch {
			case w.role == "":
				return unauth
			case w.role == services.RoleAdmin || !w.own:
				return hidden
			case w.role == services.RoleMonitor:
				return forbidden
			}
			return []int{http.StatusBadRequest} // past the rights check: the reason is missing
		}},
		{"decide", http.MethodPost, "/api/v1/custody/" + pending.ID + "/decision", `{"approve":false,"note":"Chưa cần"}`, func(w who) []int {
			switch {
			case w.role == "":
				return unauth
			case w.role == services.RoleLead && w.own:
				return decided
			case w.role == services.RoleInspector && w.own:
				return forbidden
			}
			return hidden
		}},
		{"download", http.MethodGet, base + "/attachments/" + doc.ID + "?original=1", "", func(w who) []int {
			switch {
			case w.role == "":
				return unauth
			case w.role == services.RoleAdmin || !w.own:
				return hidden
			}
			return forbidden // the grant is the holder's alone
		}},
		{"page", http.MethodGet, base, "", func(w who) []int { return seeCase(w) }},
	}
	for _, row := range rows {
		for _, caller := range everyone {
			var hdr []string
			if tok := tokens[caller.name]; tok != "" {
				hdr = []string{"Authorization", "Bearer " + tok}
			}
			w := f.do(row.method, row.path, "application/json", strings.NewReader(row.body), hdr...)
			want := row.want(caller)
			ok := false
			for _, s := range want {
				ok = ok || s == w.Code || (s == -1 && w.Code < 400)
			}
			if !ok {
				t.Errorf("%s as %s: %d, want %s: %s", row.name, caller.name, w.Code, describe(want), w.Body)
			}
			if row.name == "page" && w.Code == http.StatusOK {
				var p originalsPage
				json.Unmarshal(w.Body.Bytes(), &p)
				if p.Can["originals"] || p.Can["identity"] || p.Can["requestOriginals"] != unitStaff(caller) {
					t.Errorf("page as %s: %v", caller.name, p.Can)
				}
			}
		}
	}
}
