package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"minhbach/internal/clamd"
	"minhbach/services"
)

// routedFiledReport files a named complaint with files and routes it like
// routedReport does.
func (f *fixture) routedFiledReport(t *testing.T, unit, front string, files ...upload) (createdReport, services.Case) {
	t.Helper()
	named := strings.Replace(validFeedback, `"anonymous":true`, `"anonymous":false,"identity":{"name":"Lê Văn Tám","phone":"0987654321","nationalId":"079099001122"}`, 1)
	named = strings.Replace(named, `"kind":"feedback"`, `"kind":"complaint"`, 1)
	w, r := f.submitFiles(t, named, files...)
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
	c, err = f.env.Store.FindCaseByID(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return r, c
}

func (f *fixture) download(s session, caseID, aid, query string) *httptest.ResponseRecorder {
	return f.staffGet(s.access, "/api/v1/cases/"+caseID+"/attachments/"+aid+query)
}

func (f *fixture) readObject(t *testing.T, key string) []byte {
	t.Helper()
	rc, _, err := f.env.Blob.Get(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(rc); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// overwriteObject replaces an object behind the portal's back, as an
// attacker with access to the bucket would.
func (f *fixture) overwriteObject(t *testing.T, key string, data []byte) {
	t.Helper()
	ctx := context.Background()
	if err := f.env.Blob.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if _, err := f.env.Blob.Put(ctx, key, bytes.NewReader(data), int64(len(data)), "application/octet-stream", ""); err != nil {
		t.Fatal(err)
	}
}

// wantDownload checks a successful download's status, headers and bytes.
func wantDownload(t *testing.T, w *httptest.ResponseRecorder, a services.Attachment, body []byte) {
	t.Helper()
	if w.Code != http.StatusOK {
		t.Fatalf("download: %d %s", w.Code, w.Body)
	}
	if !bytes.Equal(w.Body.Bytes(), body) {
		t.Fatalf("downloaded %d bytes, not the expected %d", w.Body.Len(), len(body))
	}
	h := w.Header()
	if h.Get("Content-Type") != a.Type || h.Get("Content-Length") != strconv.Itoa(len(body)) ||
		h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Cache-Control") != "no-store" || h.Get("X-Content-SHA256") != hexSHA(body) {
		t.Fatalf("headers: %v", h)
	}
	wantSandboxed(t, h)
	cd, ok := strings.CutPrefix(h.Get("Content-Disposition"), "attachment; filename*=UTF-8''")
	if !ok || strings.ContainsAny(cd, " ;\"'\\,") {
		t.Fatalf("Content-Disposition %q", h.Get("Content-Disposition"))
	}
	if name, err := url.PathUnescape(cd); err != nil || name != a.Name {
		t.Fatalf("file name %q (%v), want %q", name, err, a.Name)
	}
}

// unitAStaff creates an inspector and a lead of unit-a and a monitor of
// front-a, and signs them in.
func (f *fixture) unitAStaff(t *testing.T) (inspector, lead, monitor session) {
	t.Helper()
	f.mkUser(t, "insp@a.test", services.RoleInspector, "unit-a")
	f.mkUser(t, "lead@a.test", services.RoleLead, "unit-a")
	f.mkUser(t, "mon@a.test", services.RoleMonitor, "front-a")
	return f.staffLogin(t, "insp@a.test", ""), f.staffLogin(t, "lead@a.test", ""), f.staffLogin(t, "mon@a.test", "")
}

// grantCustody has the inspector ask for custody of a case's identity and
// the lead approve it.
func (f *fixture) grantCustody(t *testing.T, inspector, lead session, caseID string) {
	t.Helper()
	w := f.do(http.MethodPost, "/api/v1/cases/"+caseID+"/custody", "application/json", strings.NewReader(`{"reason":"Đối chiếu bản gốc"}`),
		"Authorization", "Bearer "+inspector.access)
	if w.Code != http.StatusCreated {
		t.Fatalf("custody request: %d %s", w.Code, w.Body)
	}
	var g struct{ ID string }
	json.Unmarshal(w.Body.Bytes(), &g)
	if resp := f.staffPost(lead.access, "/api/v1/custody/"+g.ID+"/decision", `{"approve":true}`); resp.StatusCode != http.StatusOK {
		t.Fatalf("approve: %d", resp.StatusCode)
	}
}

// downloadName is the file name a download's Content-Disposition gives.
func downloadName(h http.Header) string {
	v, _ := strings.CutPrefix(h.Get("Content-Disposition"), "attachment; filename*=UTF-8''")
	n, _ := url.PathUnescape(v)
	return n
}

// seenAttachment is an attachment as the case page shows it to a member of staff.
type seenAttachment struct{ ID, Name, OriginalName string }

// attachmentsSeenBy is the case's attachments as the case page shows them to s.
func (f *fixture) attachmentsSeenBy(t *testing.T, s session, caseID string) []seenAttachment {
	t.Helper()
	var page struct{ Attachments []seenAttachment }
	if err := json.Unmarshal(f.staffGet(s.access, "/api/v1/cases/"+caseID).Body.Bytes(), &page); err != nil {
		t.Fatal(err)
	}
	return page.Attachments
}

// wantSandboxed checks that a download's answer is a sandboxed attachment:
// a browser that renders it anyway (a PDF viewer, an image opened in a tab)
// runs it in an opaque origin without scripts, never as the portal.
func wantSandboxed(t *testing.T, h http.Header) {
	t.Helper()
	csp := h.Get("Content-Security-Policy")
	var sandbox, noDefault bool
	for _, d := range strings.Split(csp, ";") {
		switch f := strings.Fields(d); {
		case len(f) == 1 && f[0] == "sandbox":
			sandbox = true
		case len(f) == 2 && f[0] == "default-src" && f[1] == "'none'":
			noDefault = true
		}
	}
	if !sandbox || !noDefault || !strings.HasPrefix(h.Get("Content-Disposition"), "attachment;") || h.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("a download is not a sandboxed attachment: CSP %q, disposition %q, nosniff %q", csp,
			h.Get("Content-Disposition"), h.Get("X-Content-Type-Options"))
	}
}

// TestEvidenceDownloadRendersOnlyInASandbox: a file a citizen uploaded and
// a staff member downloads cannot run as the portal even when a browser
// renders it in a tab: the answer carries Content-Security-Policy
// sandbox, for the sanitized copy and the original alike.
func TestEvidenceDownloadRendersOnlyInASandbox(t *testing.T) {
	f := newFixture(t)
	si, sl, sm := f.unitAStaff(t)
	_, c := f.routedFiledReport(t, "unit-a", "front-a", upload{"ảnh.png", samplePNG(t, 5, 5)}, upload{"đơn.pdf", samplePDF()})
	png, pdf := attachmentByType(t, c, "image/png"), attachmentByType(t, c, "application/pdf")
	if w := f.download(sm, c.ID, png.ID, ""); w.Code != http.StatusOK {
		t.Fatalf("monitor's download: %d %s", w.Code, w.Body)
	} else {
		wantSandboxed(t, w.Header())
	}
	f.grantCustody(t, si, sl, c.ID)
	for _, a := range []services.Attachment{png, pdf} {
		if w := f.download(si, c.ID, a.ID, "?original=1"); w.Code != http.StatusOK {
			t.Fatalf("original's download: %d %s", w.Code, w.Body)
		} else {
			wantSandboxed(t, w.Header())
		}
	}
}

func wantRefusal(t *testing.T, w *httptest.ResponseRecorder, status int, code, inMessage string) {
	t.Helper()
	if w.Code != status {
		t.Fatalf("status %d, want %d: %s", w.Code, status, w.Body)
	}
	e := decodeError(t, w)
	if e.Error.Code != code || !strings.Contains(e.Error.Message, inMessage) {
		t.Fatalf("error %+v, want code %s and %q", e.Error, code, inMessage)
	}
	if w.Header().Get("X-Content-SHA256") != "" || w.Header().Get("Content-Disposition") != "" {
		t.Fatalf("a refusal carries download headers: %v", w.Header())
	}
}

func attachmentByType(t *testing.T, c services.Case, mime string) services.Attachment {
	t.Helper()
	for _, a := range c.Attachments {
		if a.Type == mime {
			return a
		}
	}
	t.Fatalf("no %s attachment in %+v", mime, c.Attachments)
	return services.Attachment{}
}

// downloadEvents returns the report's evidence_downloaded events.
func (f *fixture) downloadEvents(t *testing.T, caseID string) []services.Event {
	t.Helper()
	c, err := f.env.Store.FindCaseByID(context.Background(), caseID)
	if err != nil {
		t.Fatal(err)
	}
	var out []services.Event
	for _, e := range c.Timeline {
		if e.Type == services.EventEvidenceDownloaded {
			out = append(out, e)
		}
	}
	return out
}

func TestEvidenceDownload(t *testing.T) {
	f := newFixture(t)
	insp := f.mkUser(t, "insp@a.test", services.RoleInspector, "unit-a")
	f.mkUser(t, "lead@a.test", services.RoleLead, "unit-a")
	mon := f.mkUser(t, "mon@a.test", services.RoleMonitor, "front-a")
	f.mkUser(t, "insp@b.test", services.RoleInspector, "unit-b")
	f.mkUser(t, "mon@b.test", services.RoleMonitor, "front-b")
	f.mkUser(t, "admin@x.test", services.RoleAdmin, "")
	si, sl, sm := f.staffLogin(t, "insp@a.test", ""), f.staffLogin(t, "lead@a.test", ""), f.staffLogin(t, "mon@a.test", "")
	sb, smb, sa := f.staffLogin(t, "insp@b.test", ""), f.staffLogin(t, "mon@b.test", ""), f.staffLogin(t, "admin@x.test", "")
	photo, pdf := jpegWithGPS(t), samplePDF()
	r, c := f.routedFiledReport(t, "unit-a", "front-a", upload{`ảnh "biên nhận"; bản 1.jpg`, photo}, upload{"quyết định.pdf", pdf})
	jpg, doc := attachmentByType(t, c, "image/jpeg"), attachmentByType(t, c, "application/pdf")
	if jpg.SanitizedKey == "" || doc.SanitizedKey != "" {
		t.Fatalf("attachments: %+v", c.Attachments)
	}
	clean := f.readObject(t, jpg.SanitizedKey)

	// The report says which files have a sanitized copy.
	var view struct {
		Attachments []struct {
			ID        string
			Sanitized bool
		}
	}
	json.Unmarshal(f.staffGet(sm.access, "/api/v1/cases/"+c.ID).Body.Bytes(), &view)
	if len(view.Attachments) != 2 {
		t.Fatalf("attachments in the view: %+v", view.Attachments)
	}
	for _, a := range view.Attachments {
		if a.Sanitized != (a.ID == jpg.ID) {
			t.Fatalf("sanitized flag: %+v", view.Attachments)
		}
	}

	type dl struct{ actor, ref, note string }
	var want []dl
	// The sanitized photo, to the unit and the committee: no EXIF, no GPS.
	for _, s := range []struct {
		sess session
		id   string
	}{{si, insp.ID}, {sm, mon.ID}} {
		w := f.download(s.sess, c.ID, jpg.ID, "")
		wantDownload(t, w, jpg, clean)
		if bytes.Contains(w.Body.Bytes(), []byte("Exif\x00\x00")) || bytes.Contains(w.Body.Bytes(), []byte(gpsMarker)) {
			t.Fatal("the sanitized download carries EXIF/GPS")
		}
		if w.Header().Get("X-Content-SHA256") != jpg.SanitizedSHA256 {
			t.Fatal("X-Content-SHA256 is not the recorded hash of the sanitized copy")
		}
		want = append(want, dl{s.id, jpg.ID, services.CopySanitized})
	}
	if w := f.download(si, c.ID, jpg.ID, "?original=0"); w.Code != http.StatusOK || !bytes.Equal(w.Body.Bytes(), clean) {
		t.Fatalf("original=0: %d", w.Code)
	}
	want = append(want, dl{insp.ID, jpg.ID, services.CopySanitized})

	// Refusals, none of which is recorded as a download.
	wantRefusal(t, f.download(si, c.ID, doc.ID, ""), http.StatusConflict, "conflict", "custody grant")
	wantRefusal(t, f.download(sm, c.ID, doc.ID, ""), http.StatusConflict, "conflict", "custody grant")
	wantRefusal(t, f.download(si, c.ID, jpg.ID, "?original=1"), http.StatusForbidden, "forbidden", "request custody")
	wantRefusal(t, f.download(si, c.ID, doc.ID, "?original=1"), http.StatusForbidden, "forbidden", "request custody")
	wantRefusal(t, f.download(sm, c.ID, jpg.ID, "?original=1"), http.StatusForbidden, "forbidden", "custody holders")
	wantRefusal(t, f.download(si, c.ID, jpg.ID, "?original=yes"), http.StatusBadRequest, "invalid", "original")
	wantRefusal(t, f.download(si, c.ID, "no-such-file", ""), http.StatusNotFound, "not_found", "No such file")
	// The web app words each refusal from its reason (services/reasons.go).
	for _, r := range []struct {
		w      *httptest.ResponseRecorder
		reason string
	}{
		{f.download(si, c.ID, doc.ID, ""), "original_needs_custody"},
		{f.download(si, c.ID, jpg.ID, "?original=1"), "custody_no_grant"},
		{f.download(sm, c.ID, jpg.ID, "?original=1"), "original_unit_only"},
		{f.download(si, c.ID, jpg.ID, "?original=yes"), "fields_invalid"},
		{f.download(si, c.ID, "no-such-file", ""), "file_not_found"},
	} {
		if got := decodeError(t, r.w).Error.Reason; got != r.reason {
			t.Errorf("reason %q, want %q", got, r.reason)
		}
	}
	for _, s := range []session{sb, smb, sa} { // another unit, another committee, an admin
		for _, q := range []string{"", "?original=1"} {
			wantRefusal(t, f.download(s, c.ID, jpg.ID, q), http.StatusNotFound, "not_found", "No such report")
		}
	}
	if w := f.do(http.MethodGet, "/api/v1/cases/"+c.ID+"/attachments/"+jpg.ID, "", nil); w.Code != http.StatusUnauthorized {
		t.Fatalf("anonymous: %d", w.Code)
	}
	if w := f.do(http.MethodGet, "/api/v1/cases/"+c.ID+"/attachments/"+jpg.ID, "", nil, "Authorization", "Bearer "+r.Token); w.Code != http.StatusUnauthorized {
		t.Fatalf("citizen token: %d", w.Code)
	}
	if got := f.downloadEvents(t, c.ID); len(got) != len(want) {
		t.Fatalf("%d downloads recorded, want %d", len(got), len(want))
	}

	// With an approved grant, the inspector gets the exact originals.
	w := f.do(http.MethodPost, "/api/v1/cases/"+c.ID+"/custody", "application/json", strings.NewReader(`{"reason":"Đối chiếu bản gốc"}`),
		"Authorization", "Bearer "+si.access)
	var g struct{ ID string }
	json.Unmarshal(w.Body.Bytes(), &g)
	if w.Code != http.StatusCreated {
		t.Fatalf("custody request: %d %s", w.Code, w.Body)
	}
	wantRefusal(t, f.download(si, c.ID, jpg.ID, "?original=1"), http.StatusForbidden, "forbidden", "request custody") // pending
	if resp := f.staffPost(sl.access, "/api/v1/custody/"+g.ID+"/decision", `{"approve":true}`); resp.StatusCode != http.StatusOK {
		t.Fatalf("approve: %d", resp.StatusCode)
	}
	// The original downloads under the citizen's own file name (cleaned).
	named := func(a services.Attachment, name string) services.Attachment { a.Name = name; return a }
	w = f.download(si, c.ID, jpg.ID, "?original=1")
	wantDownload(t, w, named(jpg, `ảnh "biên nhận"; bản 1.jpg`), photo)
	if w.Header().Get("X-Content-SHA256") != jpg.SHA256 || !bytes.Contains(w.Body.Bytes(), []byte(gpsMarker)) {
		t.Fatal("the original is not the sealed upload")
	}
	wantDownload(t, f.download(si, c.ID, doc.ID, "?original=1"), named(doc, "quyết định.pdf"), pdf)
	want = append(want, dl{insp.ID, jpg.ID, services.CopyOriginal}, dl{insp.ID, doc.ID, services.CopyOriginal})
	// The grant is the inspector's alone: the lead and the monitor still may not.
	wantRefusal(t, f.download(sl, c.ID, jpg.ID, "?original=1"), http.StatusForbidden, "forbidden", "request custody")
	wantRefusal(t, f.download(sm, c.ID, jpg.ID, "?original=1"), http.StatusForbidden, "forbidden", "custody holders")

	// 24 hours later the grant has run out.
	f.clock.advance(services.CustodyTTL + time.Minute)
	si, sm = f.staffLogin(t, "insp@a.test", ""), f.staffLogin(t, "mon@a.test", "")
	wantRefusal(t, f.download(si, c.ID, jpg.ID, "?original=1"), http.StatusForbidden, "forbidden", "request custody")

	// Every download is on the timeline: not public, with who, which file
	// and which copy; monitors see these events.
	got := f.downloadEvents(t, c.ID)
	if len(got) != len(want) {
		t.Fatalf("%d downloads recorded, want %d: %+v", len(got), len(want), got)
	}
	for i, e := range got {
		if e.Public || e.Actor != want[i].actor || e.Ref != want[i].ref || e.Note != want[i].note {
			t.Fatalf("download event %d = %+v, want %+v", i, e, want[i])
		}
	}
	var monView struct {
		Timeline []struct{ Type, Ref, Note string }
	}
	json.Unmarshal(f.staffGet(sm.access, "/api/v1/cases/"+c.ID).Body.Bytes(), &monView)
	n := 0
	for _, e := range monView.Timeline {
		if e.Type == string(services.EventEvidenceDownloaded) {
			n++
		}
	}
	if n != len(want) {
		t.Fatalf("the monitor sees %d downloads, want %d", n, len(want))
	}
	// ... and in the audit chain, which still verifies.
	w = f.staffGet(sm.access, "/api/v1/cases/"+c.ID+"/audit")
	var trail struct {
		Valid  bool
		Events []struct {
			Type, Actor string
			Data        map[string]string
		}
	}
	json.Unmarshal(w.Body.Bytes(), &trail)
	var chained []dl
	for _, e := range trail.Events {
		if e.Type == string(services.EventEvidenceDownloaded) {
			chained = append(chained, dl{e.Actor, e.Data["ref"], e.Data["noteSha256"]})
		}
	}
	if w.Code != http.StatusOK || !trail.Valid || len(chained) != len(want) {
		t.Fatalf("audit: %d valid=%v, %d downloads chained, want %d", w.Code, trail.Valid, len(chained), len(want))
	}
	for i, e := range chained {
		if e.actor != want[i].actor || e.ref != want[i].ref || e.note != hexSHA([]byte(want[i].note)) {
			t.Fatalf("chained download %d = %+v, want %+v", i, e, want[i])
		}
	}
	// The citizen sees none of it.
	for _, e := range f.view(t, f.login(t, r.TrackingCode, r.Receipt)).Timeline {
		if e.Type == string(services.EventEvidenceDownloaded) {
			t.Fatal("the citizen sees staff downloads")
		}
	}
}

// TestEvidenceDownloadTampered: an object changed in storage after upload
// is caught before a byte is sent, logged without identity data, and not
// recorded as a download.
func TestEvidenceDownloadTampered(t *testing.T) {
	f := newFixture(t)
	f.mkUser(t, "insp@a.test", services.RoleInspector, "unit-a")
	f.mkUser(t, "lead@a.test", services.RoleLead, "unit-a")
	si, sl := f.staffLogin(t, "insp@a.test", ""), f.staffLogin(t, "lead@a.test", "")
	photo := jpegWithGPS(t)
	_, c := f.routedFiledReport(t, "unit-a", "front-a", upload{"IMG_0042.jpg", photo}, upload{"quyết định.pdf", samplePDF()})
	jpg, doc := attachmentByType(t, c, "image/jpeg"), attachmentByType(t, c, "application/pdf")
	f.grantCustody(t, si, sl, c.ID)
	if w := f.download(si, c.ID, jpg.ID, "?original=1"); w.Code != http.StatusOK {
		t.Fatalf("before tampering: %d", w.Code)
	}
	before := len(f.downloadEvents(t, c.ID))

	// Same length, one byte changed: only the hash can tell.
	forged := bytes.Clone(photo)
	forged[len(forged)/2] ^= 0xFF
	f.overwriteObject(t, jpg.OriginalKey, forged)
	cleanForged := bytes.Clone(f.readObject(t, jpg.SanitizedKey))
	cleanForged[len(cleanForged)-3] ^= 0x01
	f.overwriteObject(t, jpg.SanitizedKey, cleanForged)
	f.overwriteObject(t, doc.OriginalKey, append(samplePDF(), "% appended"...)) // longer
	for _, tc := range []struct {
		aid, query string
		forged     []byte
	}{{jpg.ID, "?original=1", forged}, {jpg.ID, "", cleanForged}, {doc.ID, "?original=1", nil}} {
		w := f.download(si, c.ID, tc.aid, tc.query)
		wantRefusal(t, w, http.StatusInternalServerError, "internal", "integrity check")
		if tc.forged != nil && bytes.Contains(w.Body.Bytes(), tc.forged[:64]) {
			t.Fatal("forged bytes were sent")
		}
	}
	if n := len(f.downloadEvents(t, c.ID)); n != before {
		t.Fatalf("failed downloads recorded: %d, want %d", n, before)
	}
	logs := f.logs.String()
	if !strings.Contains(logs, "evidence integrity") || !strings.Contains(logs, jpg.ID) {
		t.Fatalf("the integrity failure is not logged: %s", logs)
	}
	for _, s := range []string{"Lê Văn Tám", "0987654321", "079099001122", "IMG_0042", "quyết định", "Cán bộ đòi tiền"} {
		if strings.Contains(logs, s) {
			t.Fatalf("the logs hold %q", s)
		}
	}
}

// TestEvidenceDownloadQuarantined: an infected file is never served, not
// even its original to a custody holder.
func TestEvidenceDownloadQuarantined(t *testing.T) {
	addr := startClamdResponder(t)
	f := newFixture(t, func(o *fixtureOptions) { o.scan = clamdScanner{clamd.New(addr, 10*time.Second)} })
	f.mkUser(t, "insp@a.test", services.RoleInspector, "unit-a")
	f.mkUser(t, "lead@a.test", services.RoleLead, "unit-a")
	si, sl := f.staffLogin(t, "insp@a.test", ""), f.staffLogin(t, "lead@a.test", "")
	infected := append(samplePDF(), []byte("\n"+eicar+"\n")...)
	_, c := f.routedFiledReport(t, "unit-a", "front-a", upload{"bad.pdf", infected})
	a := c.Attachments[0]
	if !a.Quarantined() {
		t.Fatalf("not quarantined: %+v", a)
	}
	f.grantCustody(t, si, sl, c.ID)
	for _, q := range []string{"", "?original=1"} {
		wantRefusal(t, f.download(si, c.ID, a.ID, q), http.StatusForbidden, "forbidden", "quarantined")
	}
	if n := len(f.downloadEvents(t, c.ID)); n != 0 {
		t.Fatalf("%d downloads recorded", n)
	}
}
