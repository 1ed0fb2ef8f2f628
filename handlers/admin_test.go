package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"minhbach/services"
)

// adminTest drives the administration API of a whole portal (a fixture),
// signed in as an admin and, when asked, as staff of the other roles.
type adminTest struct {
	t       *testing.T
	f       *fixture
	tokens  map[services.Role]string
	adminID string
	users   map[services.Role]services.User
}

// newAdminTest signs in an admin and one member of each of the other roles
// given (their units are created, with their events, before the test).
func newAdminTest(t *testing.T, others ...services.Role) *adminTest {
	t.Helper()
	f := newFixture(t)
	a := &adminTest{t: t, f: f, tokens: map[services.Role]string{}, users: map[services.Role]services.User{}}
	units := map[services.Role]string{services.RoleInspector: "unit-a", services.RoleLead: "unit-a", services.RoleMonitor: "front-a"}
	for _, role := range append([]services.Role{services.RoleAdmin}, others...) {
		email := string(role) + "@admin.test"
		a.users[role] = f.mkUser(t, email, role, units[role])
		a.tokens[role] = f.staffLogin(t, email, "").access
	}
	a.adminID = a.users[services.RoleAdmin].ID
	return a
}

// do sends a request with the token of role ("": none, "forged": one that
// is not a token).
func (a *adminTest) do(role services.Role, method, path, body string) *httptest.ResponseRecorder {
	a.t.Helper()
	var hdr []string
	switch tok := a.tokens[role]; {
	case role == "forged":
		hdr = []string{"Authorization", "Bearer not-a-token"}
	case tok != "":
		hdr = []string{"Authorization", "Bearer " + tok}
	case role != "":
		a.t.Fatalf("no session for role %q", role)
	}
	ct := ""
	if body != "" {
		ct = "application/json"
	}
	return a.f.do(method, path, ct, strings.NewReader(body), hdr...)
}

func (a *adminTest) admin(method, path, body string) *httptest.ResponseRecorder {
	a.t.Helper()
	return a.do(services.RoleAdmin, method, path, body)
}

type adminList[T any] struct {
	Items []T `json:"items"`
}

type adminEvent struct {
	At         time.Time      `json:"at"`
	ActorID    string         `json:"actorId"`
	ActorName  string         `json:"actorName"`
	Action     string         `json:"action"`
	Target     string         `json:"target"`
	TargetName *services.Text `json:"targetName"`
	Summary    string         `json:"summary"`
}

type adminUnit struct {
	ID        string        `json:"id"`
	Code      string        `json:"code"`
	Name      services.Text `json:"name"`
	Type      string        `json:"type"`
	AreaCodes []string      `json:"areaCodes"`
	Active    bool          `json:"active"`
	Version   int64         `json:"version"`
	CreatedAt time.Time     `json:"createdAt"`
	UpdatedAt time.Time     `json:"updatedAt"`
}

type adminHoliday struct {
	Date string        `json:"date"`
	Name services.Text `json:"name"`
}

// events returns the admin audit log, newest first.
func (a *adminTest) events() []adminEvent {
	a.t.Helper()
	w := a.admin(http.MethodGet, "/api/v1/admin/audit?limit=500", "")
	if w.Code != http.StatusOK {
		a.t.Fatalf("audit: %d %s", w.Code, w.Body)
	}
	var out adminList[adminEvent]
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		a.t.Fatal(err)
	}
	return out.Items
}

// adminRouteSamples is one request per admin route; TestAdminRoutesRefuse-
// NonAdmins fails when a route under /api/v1/admin/ has none.
var adminRouteSamples = []struct{ method, path, body string }{
	{"GET", "/api/v1/admin/users", ""},
	{"POST", "/api/v1/admin/users", `{"email":"x@admin.test","name":"X","role":"inspector","unitId":":unit","password":"Thanh-tra-2026-an-toàn"}`},
	{"PATCH", "/api/v1/admin/users/:id", `{"active":false}`},
	{"POST", "/api/v1/admin/users/:id/reset-password", ""},
	{"POST", "/api/v1/admin/users/:id/reset-totp", ""},
	{"GET", "/api/v1/admin/units", ""},
	{"POST", "/api/v1/admin/units", `{"code":"x-unit","name":{"vi":"X","en":"X"},"type":"inspection"}`},
	{"PATCH", "/api/v1/admin/units/:id", `{"active":false}`},
	{"GET", "/api/v1/admin/areas", ""},
	{"POST", "/api/v1/admin/areas", `{"code":"98","level":"province","name":{"vi":"X","en":"X"}}`},
	{"PATCH", "/api/v1/admin/areas/:code", `{"name":{"vi":"X","en":"X"}}`},
	{"GET", "/api/v1/admin/categories", ""},
	{"POST", "/api/v1/admin/categories", `{"code":"x_cat","name":{"vi":"X","en":"X"},"order":1}`},
	{"PATCH", "/api/v1/admin/categories/:code", `{"active":false}`},
	{"GET", "/api/v1/admin/routing-rules", ""},
	{"POST", "/api/v1/admin/routing-rules", `{"inspectionUnitId":":unit"}`},
	{"DELETE", "/api/v1/admin/routing-rules/:id", ""},
	{"GET", "/api/v1/admin/holidays", ""},
	{"POST", "/api/v1/admin/holidays", `{"date":"2026-11-24","name":{"vi":"X","en":"X"}}`},
	{"DELETE", "/api/v1/admin/holidays/:date", ""},
	{"GET", "/api/v1/admin/deadline-policies", ""},
	{"PUT", "/api/v1/admin/deadline-policies/:kind", `{"acceptDays":1,"resolveDays":1}`},
	{"GET", "/api/v1/admin/audit", ""},
	{"GET", "/api/v1/admin/api-keys", ""},
	{"POST", "/api/v1/admin/api-keys", `{"name":"x","ratePerMinute":5}`},
	{"PATCH", "/api/v1/admin/api-keys/:id", `{"name":"y"}`},
	{"POST", "/api/v1/admin/api-keys/:id/revoke", ""},
}

// TestAdminRoutesRefuseNonAdmins sends every admin route, through the
// portal's own routing and authentication, requests from callers who are
// not admins — with the sample body, a body with an unknown field and a
// body that is not JSON — and expects 401 or 403 before anything reads the
// body; then an admin's requests get through.
func TestAdminRoutesRefuseNonAdmins(t *testing.T) {
	a := newAdminTest(t, services.RoleInspector, services.RoleLead, services.RoleMonitor)
	ctx := context.Background()
	sys := services.Actor{UserID: "test", Role: services.RoleAdmin}
	inspector := a.users[services.RoleInspector]
	params := strings.NewReplacer(":unit", inspector.UnitID, ":id", inspector.ID, ":code", "bribe", ":date", "2026-01-01", ":kind", "complaint")
	registered := map[string]bool{}
	for _, r := range a.f.srv.Routes() {
		if _, path, _ := strings.Cut(r, " "); strings.HasPrefix(path, "/api/v1/admin/") {
			registered[r] = true
		}
	}
	samples := map[string]bool{}
	for _, s := range adminRouteSamples {
		samples[s.method+" "+s.path] = true
		if !registered[s.method+" "+s.path] {
			t.Errorf("sample %s %s is not a registered route", s.method, s.path)
		}
	}
	for r := range registered {
		if !samples[r] {
			t.Errorf("route %s has no sample", r)
		}
	}

	unitsBefore, _ := a.f.Org.ListUnits(ctx, sys)
	eventsBefore := len(a.events())
	callers := map[services.Role]int{"": http.StatusUnauthorized, "forged": http.StatusUnauthorized,
		services.RoleInspector: http.StatusForbidden, services.RoleLead: http.StatusForbidden, services.RoleMonitor: http.StatusForbidden}
	for _, s := range adminRouteSamples {
		path := params.Replace(s.path)
		bodies := []string{""}
		if s.method != http.MethodGet && s.method != http.MethodDelete {
			// Authorization comes first: a body the route would refuse
			// changes nothing.
			bodies = []string{params.Replace(s.body), `{"bogus":1}`, `{"code":`}
		}
		for role, want := range callers {
			for _, body := range bodies {
				w := a.do(role, s.method, path, body)
				if w.Code != want {
					t.Errorf("%s %s as %q with %q: %d %s, want %d", s.method, s.path, role, body, w.Code, w.Body, want)
					continue
				}
				if e := decodeError(t, w).Error; e.Code != map[int]string{401: "unauthorized", 403: "forbidden"}[want] {
					t.Errorf("%s %s as %q: code %q", s.method, s.path, role, e.Code)
				}
			}
		}
	}
	// Nothing was changed or recorded.
	if ev := a.events(); len(ev) != eventsBefore {
		t.Fatalf("refused requests left events: %+v", ev[:len(ev)-eventsBefore])
	}
	units, _ := a.f.Org.ListUnits(ctx, sys)
	hs, _ := a.f.env.Store.FindHolidays(ctx)
	cat, _ := a.f.env.Store.FindCategory(ctx, "bribe")
	u, _ := a.f.env.Store.FindUserByEmail(ctx, inspector.Email)
	if _, err := a.f.env.Store.FindUserByEmail(ctx, "x@admin.test"); !services.IsCode(err, services.CodeNotFound) {
		t.Errorf("refused request created a user: %v", err)
	}
	if len(units) != len(unitsBefore) || len(hs) != len(services.DefaultHolidays) || !cat.Active || !u.Active || u.MustChangePassword {
		t.Fatalf("refused requests changed data: %d units, %d holidays, bribe active %v, inspector %+v", len(units), len(hs), cat.Active, u)
	}

	// An admin gets through: a body that is not JSON is refused as such,
	// and the other requests are not refused for the caller.
	for _, s := range adminRouteSamples {
		path := params.Replace(s.path)
		if s.body != "" {
			w := a.admin(s.method, path, `{"code":`)
			if w.Code != http.StatusBadRequest || decodeError(t, w).Error.Code != "invalid" {
				t.Errorf("%s %s as admin with malformed JSON: %d %s, want 400 invalid", s.method, s.path, w.Code, w.Body)
			}
		}
		if w := a.admin(s.method, path, params.Replace(s.body)); w.Code == http.StatusUnauthorized || w.Code == http.StatusForbidden {
			t.Errorf("%s %s as admin: %d %s", s.method, s.path, w.Code, w.Body)
		}
	}
}

// TestAdminFlow runs an admin through every route, checking statuses,
// Location headers, error fields and that each change — and only a
// change — leaves exactly one AdminEvent.
func TestAdminFlow(t *testing.T) {
	a := newAdminTest(t)
	// The admin's own account was created before: its event is not a step's.
	baseline := len(a.events())
	vars := map[string]string{}
	steps := []struct {
		method, path, body string
		status             int
		fields             map[string]string // for 400s
		event              string            // the action recorded, "" for none
		save               string            // remember the created id under this name
		location           string            // the expected Location prefix on 201
	}{
		// Units.
		{"POST", "/units", `{"code":"thanh-tra-tp","name":{"vi":"Thanh tra TP","en":"City Inspectorate"},"type":"inspection","areaCodes":["79"]}`,
			201, nil, "unit.create", "insp", "/api/v1/admin/units/"},
		{"POST", "/units", `{"code":"mttq-tp","name":{"vi":"Ủy ban MTTQ TP","en":"City Front Committee"},"type":"front","areaCodes":[]}`,
			201, nil, "unit.create", "front", "/api/v1/admin/units/"},
		{"POST", "/units", `{"code":"thanh-tra-tp","name":{"vi":"A","en":"B"},"type":"inspection"}`, 409, nil, "", "", ""},
		{"POST", "/units", `{"code":"X","name":{"vi":"","en":"B"},"type":"police","areaCodes":["79","79"]}`, 400,
			map[string]string{"code": "invalid", "name.vi": "required", "type": "invalid", "areaCodes": "invalid"}, "", "", ""},
		{"POST", "/units", `{"code":"a-unit","name":{"vi":"A","en":"B"},"type":"inspection","areaCodes":["12345"]}`, 400,
			map[string]string{"areaCodes": "unknown"}, "", "", ""},
		{"PATCH", "/units/{insp}", `{"name":{"vi":"Thanh tra Thành phố","en":"City Inspectorate"}}`, 200, nil, "unit.update", "", ""},
		{"PATCH", "/units/{insp}", `{}`, 200, nil, "", "", ""},
		{"PATCH", "/units/0123456789abcdef01234567", `{"active":false}`, 404, nil, "", "", ""},
		{"PATCH", "/units/not-an-id", `{"active":false}`, 404, nil, "", "", ""},
		{"GET", "/units", "", 200, nil, "", "", ""},
		// Areas.
		{"POST", "/areas", `{"code":"99154","parent":"79","level":"commune","name":{"vi":"Phường Bàn Cờ","en":"Ban Co Ward"}}`,
			201, nil, "area.create", "", "/api/v1/admin/areas/99154"},
		{"POST", "/areas", `{"code":"99154","parent":"79","level":"commune","name":{"vi":"Phường Bàn Cờ","en":"Ban Co Ward"}}`, 409, nil, "", "", ""},
		{"POST", "/areas", `{"code":"27155","parent":"26743","level":"commune","name":{"vi":"A","en":"B"}}`, 400,
			map[string]string{"parent": "invalid"}, "", "", ""},
		{"POST", "/areas", `{"code":"27155","parent":"11","level":"commune","name":{"vi":"A","en":"B"}}`, 400,
			map[string]string{"parent": "unknown"}, "", "", ""},
		{"POST", "/areas", `{"code":"27155","level":"district","name":{"vi":"A"}}`, 400,
			map[string]string{"level": "invalid", "name.en": "required"}, "", "", ""},
		{"PATCH", "/areas/99154", `{"name":{"vi":"Phường Bàn Cờ","en":"Ban Co"}}`, 200, nil, "area.update", "", ""},
		{"PATCH", "/areas/99154", `{"remote":true}`, 200, nil, "area.update", "", ""},
		{"PATCH", "/areas/99154", `{"remote":true}`, 200, nil, "", "", ""}, // no change, nothing audited
		{"PATCH", "/areas/99154", `{"remote":"yes"}`, 400, nil, "", "", ""},
		{"PATCH", "/areas/79", `{"level":"commune","parent":"99154"}`, 400, map[string]string{"parent": "invalid"}, "", "", ""},
		{"PATCH", "/areas/99999", `{"name":{"vi":"A","en":"B"}}`, 404, nil, "", "", ""},
		{"GET", "/areas", "", 200, nil, "", "", ""},
		// Categories.
		{"POST", "/categories", `{"code":"fake_fees","name":{"vi":"Thu phí sai","en":"Wrong fees"},"order":65}`,
			201, nil, "category.create", "", "/api/v1/admin/categories/fake_fees"},
		{"POST", "/categories", `{"code":"fake_fees","name":{"vi":"Thu phí sai","en":"Wrong fees"},"order":65}`, 409, nil, "", "", ""},
		{"POST", "/categories", `{"code":"fake-fees","name":{"vi":"A","en":"B"},"order":-1}`, 400,
			map[string]string{"code": "invalid", "order": "invalid"}, "", "", ""},
		{"PATCH", "/categories/fake_fees", `{"active":false,"order":66}`, 200, nil, "category.update", "", ""},
		{"PATCH", "/categories/nope", `{"active":false}`, 404, nil, "", "", ""},
		{"GET", "/categories", "", 200, nil, "", "", ""},
		// Routing rules.
		{"POST", "/routing-rules", `{"inspectionUnitId":"{insp}","frontUnitId":"{front}","note":"mặc định"}`,
			201, nil, "routingRule.create", "rule", "/api/v1/admin/routing-rules/"},
		{"POST", "/routing-rules", `{"category":"nope","areaCode":"99154","inspectionUnitId":"{front}","frontUnitId":"{insp}"}`, 400,
			map[string]string{"category": "unknown", "inspectionUnitId": "invalid", "frontUnitId": "invalid"}, "", "", ""},
		{"POST", "/routing-rules", `{"category":"bribe"}`, 400, map[string]string{"inspectionUnitId": "required"}, "", "", ""},
		{"PATCH", "/units/{insp}", `{"active":false}`, 409, nil, "", "", ""},
		{"GET", "/routing-rules", "", 200, nil, "", "", ""},
		{"DELETE", "/routing-rules/{rule}", "", 204, nil, "routingRule.delete", "", ""},
		{"DELETE", "/routing-rules/{rule}", "", 404, nil, "", "", ""},
		{"PATCH", "/units/{insp}", `{"active":false}`, 200, nil, "unit.update", "", ""},
		// Holidays.
		{"POST", "/holidays", `{"date":"2026-11-24","name":{"vi":"Ngày Văn hóa Việt Nam","en":"Vietnam Culture Day"}}`,
			201, nil, "holiday.create", "", "/api/v1/admin/holidays/2026-11-24"},
		{"POST", "/holidays", `{"date":"2026-11-24","name":{"vi":"A","en":"B"}}`, 409, nil, "", "", ""},
		{"POST", "/holidays", `{"date":"2026-02-30","name":{"vi":"A","en":"B"}}`, 400, map[string]string{"date": "invalid"}, "", "", ""},
		{"DELETE", "/holidays/2026-11-24", "", 204, nil, "holiday.delete", "", ""},
		{"DELETE", "/holidays/2026-11-24", "", 404, nil, "", "", ""},
		{"GET", "/holidays", "", 200, nil, "", "", ""},
		// Deadline policies.
		{"PUT", "/deadline-policies/feedback", `{"acceptDays":3,"acceptWorkingDays":true,"resolveDays":15,"resolveWorkingDays":true}`,
			200, nil, "deadlinePolicy.update", "", ""},
		{"PUT", "/deadline-policies/complaint", `{"acceptDays":10,"resolveDays":30,"complexResolveDays":20}`, 400,
			map[string]string{"complexResolveDays": "invalid"}, "", "", ""},
		{"PUT", "/deadline-policies/denunciation", `{"acceptDays":7,"resolveDays":30,"maxExtensions":2}`, 400,
			map[string]string{"extensionDays": "required"}, "", "", ""},
		{"PUT", "/deadline-policies/petition", `{"acceptDays":1,"resolveDays":1}`, 404, nil, "", "", ""},
		{"GET", "/deadline-policies", "", 200, nil, "", "", ""},
		// Bodies that are not what the route takes.
		{"POST", "/units", `not json`, 400, nil, "", "", ""},
		{"POST", "/holidays", `{"date":"2026-11-25","name":{"vi":"A","en":"B"}} {}`, 400, nil, "", "", ""},
		{"GET", "/audit?limit=0", "", 400, map[string]string{"limit": "invalid"}, "", "", ""},
		{"GET", "/audit?limit=abc", "", 400, map[string]string{"limit": "invalid"}, "", "", ""},
	}
	var actions []string
	for _, s := range steps {
		path, body := s.path, s.body
		for k, v := range vars {
			path = strings.ReplaceAll(path, "{"+k+"}", v)
			body = strings.ReplaceAll(body, "{"+k+"}", v)
		}
		before := len(a.events())
		w := a.admin(s.method, "/api/v1/admin"+path, body)
		name := s.method + " " + path + " " + body
		if w.Code != s.status {
			t.Fatalf("%s: %d %s, want %d", name, w.Code, w.Body, s.status)
		}
		switch {
		case s.status >= 400:
			if e := decodeError(t, w).Error; s.fields != nil && !reflect.DeepEqual(e.Fields, s.fields) {
				t.Fatalf("%s: fields %v, want %v", name, e.Fields, s.fields)
			}
		case s.status == http.StatusNoContent:
			if w.Body.Len() != 0 {
				t.Fatalf("%s: 204 with a body %q", name, w.Body)
			}
		case s.status == http.StatusCreated:
			if loc := w.Header().Get("Location"); !strings.HasPrefix(loc, s.location) || loc == "/api/v1/admin"+path+"/" {
				t.Fatalf("%s: Location %q", name, loc)
			}
		}
		if s.save != "" {
			var out struct {
				ID string `json:"id"`
			}
			_ = json.Unmarshal(w.Body.Bytes(), &out)
			if out.ID == "" || w.Header().Get("Location") != "/api/v1/admin"+path+"/"+out.ID {
				t.Fatalf("%s: id %q, Location %q", name, out.ID, w.Header().Get("Location"))
			}
			vars[s.save] = out.ID
		}
		after := a.events()
		switch {
		case s.event == "" && len(after) != before:
			t.Fatalf("%s: recorded %+v", name, after[0])
		case s.event != "" && (len(after) != before+1 || after[0].Action != s.event || after[0].ActorID != a.adminID):
			t.Fatalf("%s: events %+v, want one %q", name, after[:min(len(after), 2)], s.event)
		}
		if s.event != "" {
			actions = append(actions, s.event)
		}
	}
	if got := a.events(); len(got)-baseline != len(actions) {
		t.Fatalf("%d events for %d changes", len(got)-baseline, len(actions))
	}
	w := a.admin("GET", "/api/v1/admin/audit?limit=2", "")
	var page adminList[adminEvent]
	if err := json.Unmarshal(w.Body.Bytes(), &page); err != nil || len(page.Items) != 2 || page.Items[0].Action != "deadlinePolicy.update" {
		t.Fatalf("audit page: %s", w.Body)
	}
	// The log names the acting admin (docs/architecture.md, "Admin audit log").
	if want := a.users[services.RoleAdmin].Name; page.Items[0].ActorName != want || want == "" {
		t.Fatalf("audit actor name %q, want %q", page.Items[0].ActorName, want)
	}
}

// TestAdminResponses checks the shapes of the answers.
func TestAdminResponses(t *testing.T) {
	a := newAdminTest(t)
	w := a.admin("POST", "/api/v1/admin/units", `{"code":"thanh-tra-q1","name":{"vi":" Thanh tra ","en":"Inspectorate"},"type":"inspection","areaCodes":["26743"]}`)
	var u adminUnit
	if err := json.Unmarshal(w.Body.Bytes(), &u); err != nil || w.Code != 201 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	if u.ID == "" || u.Code != "thanh-tra-q1" || u.Name.VI != "Thanh tra" || u.Type != "inspection" || !u.Active || u.Version != 1 ||
		!reflect.DeepEqual(u.AreaCodes, []string{"26743"}) || u.CreatedAt.IsZero() || !u.UpdatedAt.Equal(u.CreatedAt) {
		t.Fatalf("created unit %+v", u)
	}
	w = a.admin("PATCH", "/api/v1/admin/units/"+u.ID, `{"active":false,"areaCodes":[]}`)
	var p adminUnit
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || p.Active || p.Version != 2 || p.AreaCodes == nil || len(p.AreaCodes) != 0 ||
		p.Name != u.Name {
		t.Fatalf("patched unit %d %s", w.Code, w.Body)
	}
	var raw map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &raw)
	for _, k := range []string{"id", "code", "name", "type", "areaCodes", "active", "version", "createdAt", "updatedAt"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("unit answer lacks %q: %s", k, w.Body)
		}
	}

	w = a.admin("GET", "/api/v1/admin/deadline-policies", "")
	var ps adminList[map[string]any]
	if err := json.Unmarshal(w.Body.Bytes(), &ps); err != nil || len(ps.Items) != 3 || ps.Items[1]["kind"] != "complaint" ||
		ps.Items[1]["round2ComplexResolveDays"] != float64(60) || ps.Items[2]["maxExtensions"] != float64(2) {
		t.Fatalf("policies %s", w.Body)
	}
	w = a.admin("GET", "/api/v1/admin/holidays", "")
	var hs adminList[adminHoliday]
	if err := json.Unmarshal(w.Body.Bytes(), &hs); err != nil || len(hs.Items) != len(services.DefaultHolidays) ||
		hs.Items[0] != (adminHoliday{Date: "2026-01-01", Name: services.DefaultHolidays[0].Name}) {
		t.Fatalf("holidays %s", w.Body)
	}
	w = a.admin("GET", "/api/v1/admin/routing-rules", "")
	if w.Code != 200 || strings.TrimSpace(w.Body.String()) != `{"items":[]}` {
		t.Fatalf("empty list must be [] not null: %s", w.Body)
	}
}

// TestAdminReadOnlyFields proves ids, codes, types, versions and timestamps
// are not client-settable: a body that names them is refused whole.
func TestAdminReadOnlyFields(t *testing.T) {
	a := newAdminTest(t)
	baseline := len(a.events())
	w := a.admin("POST", "/api/v1/admin/units", `{"code":"thanh-tra-q1","name":{"vi":"A","en":"B"},"type":"inspection"}`)
	var u adminUnit
	_ = json.Unmarshal(w.Body.Bytes(), &u)
	tests := []struct{ method, path, body, field string }{
		{"POST", "/units", `{"id":"0123456789abcdef01234567","code":"u-2","name":{"vi":"A","en":"B"},"type":"front"}`, "id"},
		{"POST", "/units", `{"code":"u-2","name":{"vi":"A","en":"B"},"type":"front","version":7}`, "version"},
		{"POST", "/units", `{"code":"u-2","name":{"vi":"A","en":"B"},"type":"front","createdAt":"2020-01-01T00:00:00Z"}`, "createdAt"},
		{"PATCH", "/units/" + u.ID, `{"code":"renamed"}`, "code"},
		{"PATCH", "/units/" + u.ID, `{"type":"front"}`, "type"},
		{"PATCH", "/units/" + u.ID, `{"updatedAt":"2020-01-01T00:00:00Z"}`, "updatedAt"},
		{"PATCH", "/areas/26743", `{"code":"26744"}`, "code"},
		{"PATCH", "/categories/bribe", `{"code":"bribes"}`, "code"},
		{"POST", "/routing-rules", `{"id":"x","inspectionUnitId":"` + u.ID + `"}`, "id"},
		{"POST", "/routing-rules", `{"inspectionUnitId":"` + u.ID + `","createdAt":"2020-01-01T00:00:00Z"}`, "createdAt"},
		{"PUT", "/deadline-policies/feedback", `{"kind":"complaint","acceptDays":2,"resolveDays":10}`, "kind"},
		{"PUT", "/deadline-policies/feedback", `{"acceptDays":2,"resolveDays":10,"updatedAt":"2020-01-01T00:00:00Z"}`, "updatedAt"},
	}
	for _, tt := range tests {
		w := a.admin(tt.method, "/api/v1/admin"+tt.path, tt.body)
		if w.Code != http.StatusBadRequest {
			t.Errorf("%s %s %s: %d %s", tt.method, tt.path, tt.body, w.Code, w.Body)
			continue
		}
		if e := decodeError(t, w).Error; e.Fields[tt.field] != services.FieldNotAllowed {
			t.Errorf("%s %s: fields %v, want %s not_allowed", tt.method, tt.path, e.Fields, tt.field)
		}
	}
	got, err := a.f.env.Store.FindUnitByID(context.Background(), u.ID)
	if err != nil || got.Code != "thanh-tra-q1" || got.Type != services.UnitInspection || got.Version != 1 {
		t.Fatalf("unit changed: %+v %v", got, err)
	}
	if units, _ := a.f.env.Store.FindUnits(context.Background()); len(units) != 1 {
		t.Fatalf("%d units", len(units))
	}
	if ev := a.events(); len(ev)-baseline != 1 {
		t.Fatalf("%d events, want the one create", len(ev)-baseline)
	}
}

func TestAdminWrongContentType(t *testing.T) {
	a := newAdminTest(t)
	w := a.f.do("POST", "/api/v1/admin/holidays", "text/plain", strings.NewReader(`{"date":"2026-11-24","name":{"vi":"A","en":"B"}}`),
		"Authorization", "Bearer "+a.tokens[services.RoleAdmin])
	if w.Code != http.StatusUnsupportedMediaType {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
}

// metaDeadline is one kind's time limits as GET /api/v1/meta announces them.
type metaDeadline struct {
	Kind                           string `json:"kind"`
	AcceptDays                     int    `json:"acceptDays"`
	AcceptWorkingDays              bool   `json:"acceptWorkingDays"`
	NotifyDays                     int    `json:"notifyDays"`
	NotifyWorkingDays              bool   `json:"notifyWorkingDays"`
	ResolveDays                    int    `json:"resolveDays"`
	ResolveWorkingDays             bool   `json:"resolveWorkingDays"`
	ComplexResolveDays             int    `json:"complexResolveDays"`
	RemoteResolveDays              int    `json:"remoteResolveDays"`
	RemoteComplexResolveDays       int    `json:"remoteComplexResolveDays"`
	Round2ResolveDays              int    `json:"round2ResolveDays"`
	Round2ComplexResolveDays       int    `json:"round2ComplexResolveDays"`
	RemoteRound2ResolveDays        int    `json:"remoteRound2ResolveDays"`
	RemoteRound2ComplexResolveDays int    `json:"remoteRound2ComplexResolveDays"`
	MaxExtensions                  int    `json:"maxExtensions"`
	ExtensionDays                  int    `json:"extensionDays"`
}

func metaDeadlinesOf(ps []services.DeadlinePolicy) []metaDeadline {
	out := make([]metaDeadline, len(ps))
	for i, p := range ps {
		out[i] = metaDeadline{Kind: string(p.Kind), AcceptDays: p.AcceptDays, AcceptWorkingDays: p.AcceptWorkingDays,
			NotifyDays: p.NotifyDays, NotifyWorkingDays: p.NotifyWorkingDays, ResolveDays: p.ResolveDays,
			ResolveWorkingDays: p.ResolveWorkingDays, ComplexResolveDays: p.ComplexResolveDays, RemoteResolveDays: p.RemoteResolveDays,
			RemoteComplexResolveDays: p.RemoteComplexResolveDays, Round2ResolveDays: p.Round2ResolveDays,
			Round2ComplexResolveDays: p.Round2ComplexResolveDays, RemoteRound2ResolveDays: p.RemoteRound2ResolveDays,
			RemoteRound2ComplexResolveDays: p.RemoteRound2ComplexResolveDays, MaxExtensions: p.MaxExtensions, ExtensionDays: p.ExtensionDays}
	}
	return out
}

// TestMetaDeadlinesFollowAdminEdit: the public time limits are the ones the
// server counts with, so an admin's edit of a policy shows on the home page.
func TestMetaDeadlinesFollowAdminEdit(t *testing.T) {
	a := newAdminTest(t)
	w := a.admin("PUT", "/api/v1/admin/deadline-policies/feedback", `{"acceptDays":3,"acceptWorkingDays":true,"resolveDays":15,"resolveWorkingDays":false}`)
	if w.Code != 200 {
		t.Fatalf("PUT policy: %d %s", w.Code, w.Body)
	}
	w = a.do("", "GET", "/api/v1/meta", "")
	var m struct {
		Deadlines []metaDeadline `json:"deadlines"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil || w.Code != 200 {
		t.Fatalf("meta: %d %s %v", w.Code, w.Body, err)
	}
	if len(m.Deadlines) != 3 || m.Deadlines[0] != (metaDeadline{Kind: "feedback", AcceptDays: 3, AcceptWorkingDays: true, ResolveDays: 15}) {
		t.Fatalf("deadlines = %+v", m.Deadlines)
	}
}

// TestAdminChangesSeenAtOnce: what the portal keeps of the catalogue for a
// while (the filing form's areas and categories, the routing, the
// deadlines) is read again as soon as an administrator changes it, so a
// commune added now takes reports now.
func TestAdminChangesSeenAtOnce(t *testing.T) {
	f := newFixture(t, func(o *fixtureOptions) { o.cacheTTL = time.Hour })
	f.call(t, "", http.MethodPost, "/api/v1/complaints", validFeedback, http.StatusCreated, nil)
	f.mkUser(t, "admin@atonce.test", services.RoleAdmin, "")
	admin := f.staffLogin(t, "admin@atonce.test", "")
	f.call(t, admin.access, http.MethodPost, "/api/v1/admin/areas", `{"code":"99154","parent":"79","level":"commune","name":{"vi":"Phường Bàn Cờ","en":"Ban Co Ward"}}`,
		http.StatusCreated, nil)
	f.call(t, admin.access, http.MethodPost, "/api/v1/admin/categories", `{"code":"fake_fees","name":{"vi":"Thu phí sai","en":"Wrong fees"},"order":65}`,
		http.StatusCreated, nil)
	body := strings.Replace(strings.Replace(validFeedback, `"areaCode":"26743"`, `"areaCode":"99154"`, 1), `"category":"bribe"`, `"category":"fake_fees"`, 1)
	f.call(t, "", http.MethodPost, "/api/v1/complaints", body, http.StatusCreated, nil)
}
