package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"minhbach/services"
)

// conclude takes a report through acceptance and investigation to a
// conclusion by the lead.
func (f *fixture) conclude(t *testing.T, lead session, caseID string) {
	t.Helper()
	base := "/api/v1/cases/" + caseID
	for _, to := range []string{"accepted", "investigating"} {
		f.call(t, lead.access, http.MethodPost, base+"/transitions", `{"to":"`+to+`"}`, http.StatusOK, nil)
	}
	f.call(t, lead.access, http.MethodPost, base+"/transitions", `{"to":"concluded","outcome":"unsubstantiated","actions":"Đã xác minh","reply":"Không có vi phạm."}`, http.StatusOK, nil)
}

// TestAppeal: the citizen of a concluded complaint appeals; a linked
// round-2 report with its own code, receipt, identity and clocks is opened,
// once, and the first report shows the link.
func TestAppeal(t *testing.T) {
	f := newFixture(t)
	st := f.storyStaff(t)
	ctx := context.Background()
	r, first := f.fileCase(t, "complaint")

	// Not before the conclusion.
	w := f.do(http.MethodPost, "/api/v1/track/appeal", "application/json", strings.NewReader(`{"reason":"Tôi không đồng ý"}`), "Authorization", "Bearer "+r.Token)
	if w.Code != http.StatusConflict {
		t.Fatalf("appeal while received: %d %s", w.Code, w.Body)
	}
	f.conclude(t, st.lead, first.ID)
	f.call(t, r.Token, http.MethodPost, "/api/v1/track/appeal", `{"reason":""}`, http.StatusBadRequest, nil)

	// Two appeals at once open one round-2 report.
	var wg sync.WaitGroup
	codes := make([]int, 2)
	var created createdReport
	var mu sync.Mutex
	for i := range codes {
		wg.Go(func() {
			w := f.do(http.MethodPost, "/api/v1/track/appeal", "application/json", strings.NewReader(`{"reason":"Kết luận chưa xem xét camera quầy số 3"}`),
				"Authorization", "Bearer "+r.Token)
			codes[i] = w.Code
			if w.Code == http.StatusCreated {
				mu.Lock()
				defer mu.Unlock()
				_ = json.Unmarshal(w.Body.Bytes(), &created)
			}
		})
	}
	wg.Wait()
	if !(codes[0] == http.StatusCreated) == !(codes[1] == http.StatusCreated) || created.TrackingCode == "" || created.Receipt == "" {
		t.Fatalf("concurrent appeals: %v %+v", codes, created)
	}
	second, err := f.env.Store.FindCaseByTrackingCode(ctx, created.TrackingCode)
	if err != nil {
		t.Fatal(err)
	}
	if second.Round != 2 || second.AppealOf != first.ID || second.Kind != services.KindComplaint || second.Status != services.StatusReceived ||
		second.UnitID != st.unitID || second.FrontUnitID != st.frontID || !second.HasIdentity {
		t.Fatalf("round 2: %+v", second)
	}
	// The identity went with it, sealed to the new report.
	id, ok, err := f.vault.Open(ctx, second.ID)
	if err != nil || !ok || id.Name != "Trần Thị Bích" {
		t.Fatalf("round-2 identity: %v %v", ok, err)
	}
	// The citizen sees the link on the first report; the new one opens with
	// its own receipt and has the round-2 clocks.
	var tv struct {
		Status    string
		Appeal    string
		CanAppeal bool
		Round     int
		AppealOf  string
		Clocks    []struct{ Name string }
		Timeline  []struct{ Type string }
	}
	f.call(t, r.Token, http.MethodGet, "/api/v1/track", "", http.StatusOK, &tv)
	if tv.Status != "appealed" || tv.Appeal != created.TrackingCode || tv.CanAppeal {
		t.Fatalf("round 1 as the citizen sees it: %+v", tv)
	}
	var sess struct{ Token string }
	f.call(t, "", http.MethodPost, "/api/v1/track/session", `{"trackingCode":"`+created.TrackingCode+`","receipt":"`+created.Receipt+`"}`, http.StatusOK, &sess)
	tv.Appeal = ""
	f.call(t, sess.Token, http.MethodGet, "/api/v1/track", "", http.StatusOK, &tv)
	if tv.Round != 2 || tv.AppealOf != r.TrackingCode || tv.Status != "received" || len(tv.Clocks) == 0 {
		t.Fatalf("round 2 as the citizen sees it: %+v", tv)
	}
	// Staff see both links.
	var c storyCase
	f.call(t, st.lead.access, http.MethodGet, "/api/v1/cases/"+second.ID, "", http.StatusOK, &c)
	if c.Round != 2 || c.AppealOf == nil || c.AppealOf.TrackingCode != r.TrackingCode {
		t.Fatalf("round 2 for staff: %+v", c)
	}
	// Round 2 resolves in 45 days (Law on Complaints, Art. 37), not 30.
	f.call(t, st.lead.access, http.MethodPost, "/api/v1/cases/"+second.ID+"/transitions", `{"to":"accepted"}`, http.StatusOK, nil)
	c = storyCase{}
	f.call(t, st.lead.access, http.MethodGet, "/api/v1/cases/"+second.ID, "", http.StatusOK, &c)
	for _, k := range c.Clocks {
		if k.Name == "resolve" && time.Until(k.Due) < 44*24*time.Hour {
			t.Fatalf("round-2 resolution due %v", k.Due)
		}
	}
	// A round-2 report cannot be appealed again here; nor can feedback.
	fb, fbCase := f.fileCase(t, "feedback")
	f.conclude(t, st.lead, fbCase.ID)
	w = f.do(http.MethodPost, "/api/v1/track/appeal", "application/json", strings.NewReader(`{"reason":"x"}`), "Authorization", "Bearer "+fb.Token)
	if w.Code != http.StatusConflict {
		t.Fatalf("feedback appeal: %d %s", w.Code, w.Body)
	}
}

// TestExtensions: an inspector asks, a lead decides, the resolution
// deadline moves, and the kind's cap holds.
// TestAppealLostClaimReleased: a round-1 report left claimed for an
// appeal whose round-2 report was never stored (the database went away
// between the two for longer than the appeal waited) answers a new try
// with 503 appeal_settling while the appeal may still be on its way, and
// after that is put back — recorded as an appeal that failed — and
// appealed afresh.
func TestAppealLostClaimReleased(t *testing.T) {
	f := newFixture(t)
	st := f.storyStaff(t)
	ctx := context.Background()
	r, c := f.fileCase(t, "complaint")
	f.conclude(t, st.lead, c.ID)
	concluded, err := f.store.FindCaseByID(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	lost, now := bson.NewObjectID().Hex(), f.clock.Now()
	if _, err := f.store.UpdateCase(ctx, c.ID, concluded.Version, services.CaseChange{FromStatus: []services.Status{services.StatusConcluded},
		Status: services.StatusAppealed, AppealID: &lost, At: now, Events: []services.Event{{Type: services.EventAppealed, At: now,
			Actor: string(services.PartyCitizen), Status: services.StatusAppealed, Public: true, Ref: lost}}}); err != nil {
		t.Fatal(err)
	}
	appeal := func() *httptest.ResponseRecorder {
		return f.do(http.MethodPost, "/api/v1/track/appeal", "application/json", strings.NewReader(`{"reason":"Kết luận chưa xem xét camera quầy số 3"}`),
			"Authorization", "Bearer "+r.Token)
	}
	if w := appeal(); w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "appeal_settling") {
		t.Fatalf("a try within the grace: %d %s", w.Code, w.Body)
	}
	f.clock.advance(3 * time.Minute)
	w := appeal()
	if w.Code != http.StatusCreated {
		t.Fatalf("a try after the grace: %d %s", w.Code, w.Body)
	}
	after, err := f.store.FindCaseByID(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.Status != services.StatusAppealed || after.AppealID == lost || after.AppealID == "" {
		t.Fatalf("after the new appeal: status %s appealId %s", after.Status, after.AppealID)
	}
	if _, err := f.store.FindCaseByID(ctx, after.AppealID); err != nil {
		t.Fatalf("the round-2 report: %v", err)
	}
	var failed []services.Status
	for _, e := range after.Timeline {
		if e.Type == services.EventAppealFailed {
			failed = append(failed, e.Status)
		}
	}
	if len(failed) != 1 || failed[0] != services.StatusConcluded {
		t.Fatalf("the release on the timeline: %v", failed)
	}
}

func TestExtensions(t *testing.T) {
	f := newFixture(t)
	st := f.storyStaff(t)
	r, c0 := f.fileCase(t, "denunciation")
	base := "/api/v1/cases/" + c0.ID
	// Not before acceptance.
	f.call(t, st.inspector.access, http.MethodPost, base+"/extensions", `{"days":30,"reason":"Phức tạp"}`, http.StatusConflict, nil)
	f.call(t, st.inspector.access, http.MethodPost, base+"/transitions", `{"to":"accepted"}`, http.StatusOK, nil)
	resolveDue := func() time.Time {
		var c storyCase
		f.call(t, st.lead.access, http.MethodGet, base, "", http.StatusOK, &c)
		for _, k := range c.Clocks {
			if k.Name == "resolve" {
				return k.Due
			}
		}
		t.Fatal("no resolution clock")
		return time.Time{}
	}
	due0 := resolveDue()
	f.call(t, st.inspector.access, http.MethodPost, base+"/extensions", `{"days":31,"reason":"Phức tạp"}`, http.StatusBadRequest, nil)
	w := f.do(http.MethodPost, base+"/extensions", "application/json", strings.NewReader(`{"days":0,"reason":""}`), "Authorization", "Bearer "+st.inspector.access)
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `"days":"invalid"`) || !strings.Contains(w.Body.String(), `"reason":"required"`) {
		t.Fatalf("both fields at once: %d %s", w.Code, w.Body)
	}
	var ext struct{ ID, Status string }
	f.call(t, st.inspector.access, http.MethodPost, base+"/extensions", `{"days":30,"reason":"Vụ việc phức tạp"}`, http.StatusCreated, &ext)
	if ext.Status != "pending" || !resolveDue().Equal(due0) {
		t.Fatalf("a pending extension moved the deadline: %+v", ext)
	}
	// Only a lead decides.
	f.call(t, st.inspector.access, http.MethodPost, base+"/extensions/"+ext.ID+"/decision", `{"approve":true}`, http.StatusForbidden, nil)
	f.call(t, st.lead.access, http.MethodPost, base+"/extensions/"+ext.ID+"/decision", `{"approve":true,"note":"Đồng ý"}`, http.StatusOK, &ext)
	f.call(t, st.lead.access, http.MethodPost, base+"/extensions/"+ext.ID+"/decision", `{"approve":false}`, http.StatusConflict, nil)
	if due1 := resolveDue(); due1.Sub(due0) < 29*24*time.Hour {
		t.Fatalf("approved extension: due %v → %v", due0, due1)
	}
	// A lead's own request is approved at once; then the cap (2) is reached.
	f.call(t, st.lead.access, http.MethodPost, base+"/extensions", `{"days":30,"reason":"Đặc biệt phức tạp"}`, http.StatusCreated, &ext)
	if ext.Status != "approved" {
		t.Fatalf("the lead's extension: %+v", ext)
	}
	f.call(t, st.inspector.access, http.MethodPost, base+"/extensions", `{"days":10,"reason":"Thêm nữa"}`, http.StatusConflict, nil)
	// The citizen sees that the deadline was extended, not by whom.
	var tv struct {
		Timeline []struct{ Type, Note, Actor string }
	}
	f.call(t, r.Token, http.MethodGet, "/api/v1/track", "", http.StatusOK, &tv)
	n := 0
	for _, e := range tv.Timeline {
		if e.Type == string(services.EventDeadlineExtended) {
			n++
			if e.Note != "30" || e.Actor != "staff" {
				t.Errorf("event %+v", e)
			}
		}
		if e.Type == string(services.EventExtensionRequested) {
			t.Errorf("the citizen sees the internal request")
		}
	}
	if n != 2 {
		t.Fatalf("deadline_extended events: %d", n)
	}
	// Complaints have no extensions (their complex period is chosen at
	// acceptance instead).
	_, cc := f.fileCase(t, "complaint")
	f.call(t, st.lead.access, http.MethodPost, "/api/v1/cases/"+cc.ID+"/transitions", `{"to":"accepted","complex":true}`, http.StatusOK, nil)
	f.call(t, st.lead.access, http.MethodPost, "/api/v1/cases/"+cc.ID+"/extensions", `{"days":10,"reason":"x"}`, http.StatusConflict, nil)
	var c storyCase
	f.call(t, st.lead.access, http.MethodGet, "/api/v1/cases/"+cc.ID, "", http.StatusOK, &c)
	for _, k := range c.Clocks {
		if k.Name == "resolve" && time.Until(k.Due) < 44*24*time.Hour {
			t.Fatalf("a complex complaint resolves in 45 days; due %v", k.Due)
		}
	}
}

// TestRemoteArea: a complaint from an area the admin marks remote resolves
// in 45 days instead of 30 (Law on Complaints 2011, Art. 28).
func TestRemoteArea(t *testing.T) {
	f := newFixture(t)
	st := f.storyStaff(t)
	due := func(caseID string) time.Duration {
		var c storyCase
		f.call(t, st.lead.access, http.MethodGet, "/api/v1/cases/"+caseID, "", http.StatusOK, &c)
		for _, k := range c.Clocks {
			if k.Name == "resolve" {
				return time.Until(k.Due)
			}
		}
		t.Fatal("no resolution clock")
		return 0
	}
	_, plain := f.fileCase(t, "complaint")
	f.call(t, st.lead.access, http.MethodPost, "/api/v1/cases/"+plain.ID+"/transitions", `{"to":"accepted"}`, http.StatusOK, nil)
	if d := due(plain.ID); d > 35*24*time.Hour {
		t.Fatalf("an ordinary complaint resolves in 30 days; due in %v", d)
	}
	// The admin marks the commune's province remote: its communes count too.
	admin := services.Actor{UserID: "test", Role: services.RoleAdmin}
	area, err := f.Org.ListAreas(context.Background(), admin)
	if err != nil {
		t.Fatal(err)
	}
	province := ""
	for _, a := range area {
		if a.Code == "26743" {
			province = a.Parent
		}
	}
	yes := true
	if _, err := f.Org.UpdateArea(context.Background(), admin, province, services.AreaPatch{Remote: &yes}); err != nil {
		t.Fatal(err)
	}
	_, remote := f.fileCase(t, "complaint")
	f.call(t, st.lead.access, http.MethodPost, "/api/v1/cases/"+remote.ID+"/transitions", `{"to":"accepted"}`, http.StatusOK, nil)
	if d := due(remote.ID); d < 44*24*time.Hour {
		t.Fatalf("a complaint from a remote area resolves in 45 days; due in %v", d)
	}
}

// TestAppealedOutcomeInFeed: the public feed marks a published outcome whose
// report was appealed as under second-round review while the round-2 report
// is open, and as decided in a second round once it is no longer open.
func TestAppealedOutcomeInFeed(t *testing.T) {
	f := newFixture(t)
	st := f.storyStaff(t)
	r, first := f.fileCase(t, "complaint")
	base := "/api/v1/cases/" + first.ID
	for _, to := range []string{"accepted", "investigating"} {
		f.call(t, st.lead.access, http.MethodPost, base+"/transitions", `{"to":"`+to+`"}`, http.StatusOK, nil)
	}
	f.call(t, st.lead.access, http.MethodPost, base+"/transitions",
		`{"to":"concluded","outcome":"unsubstantiated","actions":"Đã xác minh","publishSummary":true,"publicSummary":"Không có vi phạm."}`, http.StatusOK, nil)
	appeal := func() string {
		t.Helper()
		var feed struct {
			Items []struct {
				Summary string
				Appeal  *string `json:"appeal"`
			}
		}
		f.call(t, "", http.MethodGet, "/api/v1/outcomes", "", http.StatusOK, &feed)
		if len(feed.Items) != 1 || feed.Items[0].Summary != "Không có vi phạm." {
			t.Fatalf("feed: %+v", feed.Items)
		}
		if feed.Items[0].Appeal == nil {
			return "(absent)"
		}
		return *feed.Items[0].Appeal
	}
	if got := appeal(); got != "(absent)" {
		t.Fatalf("before the appeal: appeal = %q", got)
	}
	var created createdReport
	f.call(t, r.Token, http.MethodPost, "/api/v1/track/appeal", `{"reason":"Kết luận chưa xem xét camera quầy số 3"}`, http.StatusCreated, &created)
	if got := appeal(); got != "under_review" {
		t.Fatalf("while round 2 is open: appeal = %q", got)
	}
	second, err := f.env.Store.FindCaseByTrackingCode(context.Background(), created.TrackingCode)
	if err != nil {
		t.Fatal(err)
	}
	f.conclude(t, st.lead, second.ID)
	if got := appeal(); got != "decided" {
		t.Fatalf("after round 2: appeal = %q", got)
	}
}
