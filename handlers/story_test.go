package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"minhbach/internal/mailer"
	"minhbach/internal/testenv"
	"minhbach/services"
)

// call sends a JSON request with a bearer token and decodes the answer into
// out (when not nil), failing unless the status is want.
func (f *fixture) call(t testing.TB, token, method, path, body string, want int, out any) {
	t.Helper()
	var hdr []string
	if token != "" {
		hdr = []string{"Authorization", "Bearer " + token}
	}
	var rd *strings.Reader
	if body == "" {
		rd = strings.NewReader("")
	} else {
		rd = strings.NewReader(body)
	}
	ct := "application/json"
	if method == http.MethodGet {
		ct = ""
	}
	w := f.do(method, path, ct, rd, hdr...)
	if w.Code != want {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, w.Code, want, w.Body)
	}
	if out != nil {
		if err := json.Unmarshal(w.Body.Bytes(), out); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

// storyUnits sets up an inspection unit and a Front committee with a
// routing rule sending bribe reports in area 26743 to them, and one
// inspector, lead and monitor.
type storyStaff struct {
	unitID, frontID          string
	inspector, lead, monitor session
}

func (f *fixture) storyStaff(t testing.TB) storyStaff {
	t.Helper()
	s := storyStaff{unitID: f.unit(t, "unit-story"), frontID: f.unit(t, "front-story")}
	sys := services.Actor{UserID: "test", Role: services.RoleAdmin}
	if _, err := f.Org.CreateRoutingRule(context.Background(), sys, services.RoutingRule{Category: "bribe", AreaCode: "26743",
		InspectionUnitID: s.unitID, FrontUnitID: s.frontID}); err != nil {
		t.Fatal(err)
	}
	f.mkUser(t, "inspector@story.test", services.RoleInspector, "unit-story")
	f.mkUser(t, "lead@story.test", services.RoleLead, "unit-story")
	f.mkUser(t, "monitor@story.test", services.RoleMonitor, "front-story")
	s.inspector = f.staffLogin(t, "inspector@story.test", "")
	s.lead = f.staffLogin(t, "lead@story.test", "")
	s.monitor = f.staffLogin(t, "monitor@story.test", "")
	return s
}

const storyIdentity = `"anonymous":false,"identity":{"name":"Trần Thị Bích","phone":"0912345678","email":"bich.tran@example.org","nationalId":"079188004455"}`

// fileNamed files a named report of kind as a citizen.
func (f *fixture) fileNamed(t testing.TB, kind string) createdReport {
	t.Helper()
	body := strings.Replace(validFeedback, `"anonymous":true`, storyIdentity, 1)
	body = strings.Replace(body, `"kind":"feedback"`, `"kind":"`+kind+`"`, 1)
	var r createdReport
	f.call(t, "", http.MethodPost, "/api/v1/complaints", body, http.StatusCreated, &r)
	return r
}

// fileCase files a named report of kind and returns it as stored.
func (f *fixture) fileCase(t *testing.T, kind string) (createdReport, services.Case) {
	t.Helper()
	r := f.fileNamed(t, kind)
	c, err := f.env.Store.FindCaseByTrackingCode(context.Background(), r.TrackingCode)
	if err != nil {
		t.Fatal(err)
	}
	return r, c
}

type storyCase struct {
	ID                 string
	Status             string
	Version            int64
	AllowedTransitions []string
	Proposal           *struct{ Result, PublicSummary string }
	Outcome            *struct {
		Result, PublicSummary string
		Published             bool
	}
	Recommendations []struct{ ID, Answer string }
	Extensions      []struct {
		ID, Status string
		Days       int
	}
	Clocks []struct {
		Name    string
		Due     time.Time
		Overdue bool
	}
	Round         int
	UnitName      *struct{ VI, EN string }
	FrontUnitName *struct{ VI, EN string }
	People        map[string]struct{ Name, Role string }
	Assignable    []struct{ ID, Name string }
	Rating        *struct {
		Rating  int
		Comment string
	}
	AppealOf *struct{ ID, TrackingCode string }
	Appeal   *struct{ ID, TrackingCode string }
}

// TestWholeStory follows one report from filing to closing through the HTTP
// API, as docs/workflow.md tells it, and checks the audit chain and the e-mails
// that reached a real SMTP server.
func TestWholeStory(t *testing.T) {
	f := newFixture(t)
	st := f.storyStaff(t)
	ctx := context.Background()

	// A citizen files a named complaint; it is routed at submission.
	r := f.fileNamed(t, "complaint")
	var queue struct {
		Items []struct{ ID, TrackingCode string }
	}
	f.call(t, st.inspector.access, http.MethodGet, "/api/v1/cases", "", http.StatusOK, &queue)
	if len(queue.Items) != 1 || queue.Items[0].TrackingCode != r.TrackingCode {
		t.Fatalf("the unit's queue: %+v", queue.Items)
	}
	id := queue.Items[0].ID
	base := "/api/v1/cases/" + id

	// The lead assigns it; the inspector accepts and investigates.
	f.call(t, st.lead.access, http.MethodPost, base+"/assign", `{"assigneeId":"`+st.inspector.user.ID+`"}`, http.StatusOK, nil)
	f.call(t, st.inspector.access, http.MethodPost, base+"/transitions", `{"to":"accepted"}`, http.StatusOK, nil)
	f.call(t, st.inspector.access, http.MethodPost, base+"/transitions", `{"to":"investigating"}`, http.StatusOK, nil)

	// The Front's monitor sees it, without identity, and recommends.
	w := f.staffGet(st.monitor.access, base)
	if w.Code != http.StatusOK {
		t.Fatalf("monitor: %d %s", w.Code, w.Body)
	}
	for _, secret := range []string{"Trần Thị Bích", "0912345678", "bich.tran@example.org", "079188004455"} {
		if strings.Contains(w.Body.String(), secret) {
			t.Fatalf("the monitor's view shows %q", secret)
		}
	}
	answerBy := time.Now().In(services.VietnamTime).AddDate(0, 0, 10).Format(time.DateOnly)
	var rec struct{ ID string }
	f.call(t, st.monitor.access, http.MethodPost, base+"/recommendations", `{"text":"Đề nghị xác minh camera quầy số 3","answerBy":"`+answerBy+`"}`, http.StatusCreated, &rec)
	// The unit answers.
	f.call(t, st.inspector.access, http.MethodPost, base+"/recommendations/"+rec.ID+"/answer", `{"answer":"Đã trích xuất camera"}`, http.StatusOK, nil)
	var recs struct{ Items []struct{ ID, Answer string } }
	f.call(t, st.monitor.access, http.MethodGet, "/api/v1/recommendations?state=answered", "", http.StatusOK, &recs)
	if len(recs.Items) != 1 || recs.Items[0].Answer != "Đã trích xuất camera" {
		t.Fatalf("answered recommendations: %+v", recs.Items)
	}

	// The inspector cannot conclude, but proposes a conclusion; a summary
	// that names the complainant is refused at once.
	f.call(t, st.inspector.access, http.MethodPost, base+"/proposal", `{"outcome":"substantiated","actions":"x","publicSummary":"Bà Trần Thị Bích phản ánh đúng"}`, http.StatusBadRequest, nil)
	f.call(t, st.inspector.access, http.MethodPost, base+"/transitions", `{"to":"concluded","outcome":"substantiated","actions":"x"}`, http.StatusConflict, nil)
	summary := "Cán bộ tiếp nhận tại quầy số 3 đã yêu cầu khoản tiền ngoài quy định; đã kỷ luật khiển trách và hoàn trả."
	f.call(t, st.inspector.access, http.MethodPost, base+"/proposal", `{"outcome":"substantiated","actions":"Kỷ luật khiển trách cán bộ","reply":"Phản ánh của bạn là đúng.","publicSummary":"`+summary+`"}`, http.StatusOK, nil)
	var c storyCase
	f.call(t, st.lead.access, http.MethodGet, base, "", http.StatusOK, &c)
	if c.UnitName == nil || c.UnitName.VI != "unit-story" || c.FrontUnitName == nil || c.FrontUnitName.VI != "front-story" {
		t.Fatalf("unit names: %+v %+v", c.UnitName, c.FrontUnitName)
	}
	var units struct {
		Items []struct{ ID, Code, Type string }
	}
	f.call(t, st.monitor.access, http.MethodGet, "/api/v1/units", "", http.StatusOK, &units)
	if len(units.Items) < 2 {
		t.Fatalf("units: %+v", units.Items)
	}
	if c.People[st.inspector.user.ID].Name != "inspector@story.test" || len(c.Assignable) != 2 {
		t.Fatalf("names: %+v, assignable %+v", c.People, c.Assignable)
	}
	if c.Proposal == nil || c.Proposal.Result != "substantiated" || !slices.Contains(c.AllowedTransitions, "concluded") {
		t.Fatalf("the lead's view: proposal %+v, allowed %v", c.Proposal, c.AllowedTransitions)
	}
	// A summary naming the complainant is refused; the proposal is approved.
	w = f.do(http.MethodPost, base+"/transitions", "application/json",
		strings.NewReader(`{"to":"concluded","publishSummary":true,"publicSummary":"Bà Tran Thi Bich phản ánh đúng."}`), "Authorization", "Bearer "+st.lead.access)
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `"publicSummary":"identity"`) {
		t.Fatalf("a summary with the name: %d %s", w.Code, w.Body)
	}
	f.call(t, st.lead.access, http.MethodPost, base+"/transitions", `{"to":"concluded","publishSummary":true}`, http.StatusOK, nil)
	c = storyCase{}
	f.call(t, st.lead.access, http.MethodGet, base, "", http.StatusOK, &c)
	if c.Status != "concluded" || c.Outcome == nil || !c.Outcome.Published || c.Outcome.PublicSummary != summary || c.Proposal != nil {
		t.Fatalf("after conclusion: %+v outcome %+v", c.Status, c.Outcome)
	}
	// The public feed shows the outcome and nothing that names anyone.
	w = f.do(http.MethodGet, "/api/v1/outcomes", "", nil)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), summary) || strings.Contains(w.Body.String(), r.TrackingCode) ||
		strings.Contains(w.Body.String(), st.lead.user.ID) {
		t.Fatalf("outcomes: %d %s", w.Code, w.Body)
	}

	// The citizen sees the outcome and rates it, which closes the report.
	var tv struct {
		Status    string
		CanRate   bool
		CanAppeal bool
		Outcome   *struct{ Result, Reply string }
		Clocks    []struct{ Name string }
	}
	f.call(t, r.Token, http.MethodGet, "/api/v1/track", "", http.StatusOK, &tv)
	if tv.Outcome == nil || tv.Outcome.Result != "substantiated" || tv.Outcome.Reply != "Phản ánh của bạn là đúng." || !tv.CanRate || !tv.CanAppeal || len(tv.Clocks) == 0 {
		t.Fatalf("tracking: %+v", tv)
	}
	f.call(t, r.Token, http.MethodPost, "/api/v1/track/rating", `{"rating":5,"comment":"Cảm ơn"}`, http.StatusOK, &tv)
	if tv.Status != "closed" || tv.CanRate {
		t.Fatalf("after rating: %+v", tv)
	}

	// Staff and the Front see the rating and its comment.
	c = storyCase{}
	f.call(t, st.monitor.access, http.MethodGet, base, "", http.StatusOK, &c)
	if c.Rating == nil || c.Rating.Rating != 5 || c.Rating.Comment != "Cảm ơn" || len(c.Assignable) != 0 || c.People[st.monitor.user.ID].Name == "" {
		t.Fatalf("the monitor's view after rating: %+v %+v", c.Rating, c.People)
	}

	// The audit chain verifies and holds every step.
	var audit struct {
		Valid  bool
		Events []struct{ Type string }
	}
	f.call(t, st.monitor.access, http.MethodGet, base+"/audit", "", http.StatusOK, &audit)
	var types []string
	for _, e := range audit.Events {
		types = append(types, e.Type)
	}
	for _, want := range []string{"submitted", "assigned", "status_accepted", "status_investigating", "recommendation",
		"recommendation_answered", "conclusion_proposed", "status_concluded", "summary_published", "rated"} {
		if !slices.Contains(types, want) {
			t.Errorf("the audit trail lacks %s: %v", want, types)
		}
	}
	if !audit.Valid {
		t.Fatalf("the chain does not verify: %+v", audit)
	}
	broken, checked, err := services.VerifyAllChains(ctx, f.Audit, 1000)
	if err != nil || len(broken) != 0 || checked == 0 {
		t.Fatalf("VerifyAllChains: %v %v %d", err, broken, checked)
	}

	// The outbox delivers to a real SMTP server.
	smtp := testenv.StartSMTP(t, &testenv.SMTPServer{}, nil)
	m, err := mailer.New("smtp://127.0.0.1:" + smtp.Port() + "?from=portal@example.org")
	if err != nil {
		t.Fatal(err)
	}
	// The citizen's e-mail waits for the end of its quarter hour.
	f.clock.advance(services.CitizenUpdateWindow)
	n := services.NewNotifier(services.NotifierOptions{Outbox: f.env.Store, Mailer: m, Vault: f.vault, Now: f.clock.Now})
	if _, failed, err := n.DeliverDue(ctx); err != nil || failed != 0 {
		t.Fatalf("DeliverDue: failed %d, %v", failed, err)
	}
	got := map[string][]string{} // recipient → subjects
	for _, msg := range smtp.Messages() {
		body := string(msg.Data)
		leaks := []string{"Trần Thị Bích", "0912345678", "079188004455", summary, "Cán bộ đòi tiền"}
		if slices.Contains(msg.Rcpt, "bich.tran@example.org") {
			leaks = append(leaks, r.TrackingCode) // staff mail may name the code; the citizen's names nothing
		}
		for _, leak := range leaks {
			if strings.Contains(body, leak) {
				t.Errorf("an e-mail to %v carries %q", msg.Rcpt, leak)
			}
		}
		for _, to := range msg.Rcpt {
			got[to] = append(got[to], body)
		}
	}
	if len(got["inspector@story.test"]) != 1 {
		t.Errorf("the inspector got %d e-mails, want 1 (assignment)", len(got["inspector@story.test"]))
	}
	if len(got["lead@story.test"]) != 2 {
		t.Errorf("the lead got %d e-mails, want 2 (recommendation, proposal)", len(got["lead@story.test"]))
	}
	// The citizen: accepted, investigating, concluded within a second — one
	// content-free e-mail (two if a quarter hour began in between).
	if n := len(got["bich.tran@example.org"]); n < 1 || n > 2 {
		t.Errorf("the citizen got %d e-mails, want 1 (or 2)", n)
	}
	if len(got) != 3 {
		t.Errorf("e-mails went to %d addresses: %v", len(got), keys(got))
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestPublishLater: a lead publishes a concluded report's summary after the
// conclusion; the identity check applies, and it is published once.
func TestPublishLater(t *testing.T) {
	f := newFixture(t)
	st := f.storyStaff(t)
	_, c := f.fileCase(t, "complaint")
	base := "/api/v1/cases/" + c.ID
	f.conclude(t, st.lead, c.ID)
	var feed struct {
		Items []struct{ ID, Summary string }
	}
	f.call(t, "", http.MethodGet, "/api/v1/outcomes", "", http.StatusOK, &feed)
	if len(feed.Items) != 0 {
		t.Fatalf("published without approval: %+v", feed.Items)
	}
	f.call(t, st.inspector.access, http.MethodPost, base+"/publication", `{"publicSummary":"Không có vi phạm."}`, http.StatusForbidden, nil)
	f.call(t, st.lead.access, http.MethodPost, base+"/publication", `{}`, http.StatusBadRequest, nil) // no summary yet
	for leak, flagged := range map[string]string{"Liên hệ bà Bích qua bich.tran@example.org": "bich.tran@example.org",
		"SĐT 0912 345 678": "0912 345 678", "CCCD 079188004455": "079188004455", "Bà TRAN THI BICH": "TRAN THI BICH",
		"Bích (Trần Thị) được hoàn tiền": "Bích (Trần Thị", "Liên hệ 0912/345/678": "0912/345/678",
		"Gửi bich.tran [at] example [dot] org": "bich.tran [at] example [dot] org"} {
		w := f.do(http.MethodPost, base+"/publication", "application/json", strings.NewReader(`{"publicSummary":"`+leak+`"}`),
			"Authorization", "Bearer "+st.lead.access)
		var e struct {
			Error struct {
				Fields  map[string]string
				Details map[string][]string
			}
		}
		json.Unmarshal(w.Body.Bytes(), &e)
		// The refusal names the words of the summary that were flagged.
		if w.Code != http.StatusBadRequest || e.Error.Fields["publicSummary"] != "identity" || !slices.ContainsFunc(e.Error.Details["publicSummary"], func(w string) bool { return strings.Contains(w, flagged) }) {
			t.Errorf("%q: %d %s", leak, w.Code, w.Body)
		}
	}
	f.call(t, st.lead.access, http.MethodPost, base+"/publication", `{"publicSummary":"Đã xác minh: không có vi phạm."}`, http.StatusOK, nil)
	f.call(t, st.lead.access, http.MethodPost, base+"/publication", `{}`, http.StatusConflict, nil)
	f.call(t, "", http.MethodGet, "/api/v1/outcomes", "", http.StatusOK, &feed)
	if len(feed.Items) != 1 || feed.Items[0].Summary != "Đã xác minh: không có vi phạm." || len(feed.Items[0].ID) != 24 || feed.Items[0].ID == c.ID {
		t.Fatalf("feed (the public id must not be the report's): %+v", feed.Items)
	}
	// Two more, then page through two at a time, newest first.
	for i := range 2 {
		_, c := f.fileCase(t, "complaint")
		f.conclude(t, st.lead, c.ID)
		f.clock.advance(time.Second)
		f.call(t, st.lead.access, http.MethodPost, "/api/v1/cases/"+c.ID+"/publication", fmt.Sprintf(`{"publicSummary":"Kết luận %d"}`, i), http.StatusOK, nil)
	}
	var page struct {
		Items      []struct{ Summary string }
		NextCursor *string
	}
	f.call(t, "", http.MethodGet, "/api/v1/outcomes?limit=2", "", http.StatusOK, &page)
	if len(page.Items) != 2 || page.Items[0].Summary != "Kết luận 1" || page.NextCursor == nil {
		t.Fatalf("first page: %+v", page)
	}
	cursor := *page.NextCursor
	page.NextCursor = nil
	f.call(t, "", http.MethodGet, "/api/v1/outcomes?limit=2&cursor="+cursor, "", http.StatusOK, &page)
	if len(page.Items) != 1 || page.Items[0].Summary != "Đã xác minh: không có vi phạm." || page.NextCursor != nil {
		t.Fatalf("second page: %+v", page)
	}
	f.call(t, "", http.MethodGet, "/api/v1/outcomes?cursor=nonsense", "", http.StatusBadRequest, nil)
}
