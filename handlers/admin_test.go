package handlers

// An internal test: adminRoutes is unexported. It shares the test binary
// (and TestMain with testenv.Main) of the external handlers_test package.

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"minhbach/internal/testenv"
	"minhbach/services"
)

type adminTest struct {
	t   *testing.T
	env *testenv.Env
	org *services.Org
	e   *gin.Engine
}

// newAdminTest mounts the admin routes on a bare engine whose stand-in for
// staff authentication takes the caller's role from the X-Test-Role header
// (none: anonymous).
func newAdminTest(t *testing.T) *adminTest {
	t.Helper()
	env := testenv.New(t)
	ctx := context.Background()
	if err := (&services.Catalog{Store: env.Store}).Seed(ctx); err != nil {
		t.Fatal(err)
	}
	org := &services.Org{Store: env.Store, Catalog: env.Store, Audit: env.Store, Now: time.Now}
	if err := org.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	e := gin.New()
	e.Use(func(c *gin.Context) {
		if role := c.GetHeader("X-Test-Role"); role != "" {
			unit := ""
			if role != string(services.RoleAdmin) {
				unit = "unit-1"
			}
			c.Set(actorKey, services.Actor{UserID: "user-" + role, Email: role + "@example.vn", Role: services.Role(role), UnitID: unit})
		}
		c.Next()
	})
	srv.adminRoutes(e.Group("/api/v1/admin"), org)
	return &adminTest{t: t, env: env, org: org, e: e}
}

func (a *adminTest) do(role, method, path, body string) *httptest.ResponseRecorder {
	a.t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if role != "" {
		req.Header.Set("X-Test-Role", role)
	}
	w := httptest.NewRecorder()
	a.e.ServeHTTP(w, req)
	return w
}

func (a *adminTest) admin(method, path, body string) *httptest.ResponseRecorder {
	a.t.Helper()
	return a.do("admin", method, path, body)
}

// errorOf checks the error body has the one shape of CONVENTIONS.md.
func errorOf(t *testing.T, w *httptest.ResponseRecorder) errorDetail {
	t.Helper()
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(w.Body.Bytes(), &raw); err != nil || len(raw) != 1 || raw["error"] == nil {
		t.Fatalf("error body %q", w.Body)
	}
	var b errorBody
	if err := json.Unmarshal(w.Body.Bytes(), &b); err != nil || b.Error.Code == "" || b.Error.Message == "" {
		t.Fatalf("error body %q", w.Body)
	}
	return b.Error
}

func (a *adminTest) events() []adminEventDTO {
	a.t.Helper()
	w := a.admin(http.MethodGet, "/api/v1/admin/audit?limit=500", "")
	if w.Code != http.StatusOK {
		a.t.Fatalf("audit: %d %s", w.Code, w.Body)
	}
	var out adminList[adminEventDTO]
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		a.t.Fatal(err)
	}
	return out.Items
}

// adminRouteSamples is one request per admin route; TestAdminRoutesRefuse-
// NonAdmins fails when a registered route has none.
var adminRouteSamples = []struct{ method, path, body string }{
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
	{"POST", "/api/v1/admin/routing-rules", `{"inspectionUnitId":"000000000000000000000000"}`},
	{"DELETE", "/api/v1/admin/routing-rules/:id", ""},
	{"GET", "/api/v1/admin/holidays", ""},
	{"POST", "/api/v1/admin/holidays", `{"date":"2026-11-24","name":{"vi":"X","en":"X"}}`},
	{"DELETE", "/api/v1/admin/holidays/:date", ""},
	{"GET", "/api/v1/admin/deadline-policies", ""},
	{"PUT", "/api/v1/admin/deadline-policies/:kind", `{"acceptDays":1,"resolveDays":1}`},
	{"GET", "/api/v1/admin/audit", ""},
}

func TestAdminRoutesRefuseNonAdmins(t *testing.T) {
	a := newAdminTest(t)
	registered := map[string]bool{}
	for _, r := range a.e.Routes() {
		registered[r.Method+" "+r.Path] = true
	}
	params := strings.NewReplacer(":id", "0123456789abcdef01234567", ":code", "bribe", ":date", "2026-01-01", ":kind", "complaint")
	for _, s := range adminRouteSamples {
		if !registered[s.method+" "+s.path] {
			t.Errorf("sample %s %s is not a registered route", s.method, s.path)
		}
		delete(registered, s.method+" "+s.path)
		for role, want := range map[string]int{"": http.StatusUnauthorized, "inspector": http.StatusForbidden,
			"lead": http.StatusForbidden, "monitor": http.StatusForbidden, "nobody": http.StatusUnauthorized} {
			// Also with a body the route would refuse: authorization comes first.
			for _, body := range []string{s.body, `{"bogus":1}`} {
				if s.method == "GET" || s.method == "DELETE" {
					body = ""
				}
				w := a.do(role, s.method, params.Replace(s.path), body)
				if w.Code != want {
					t.Errorf("%s %s as %q: %d %s, want %d", s.method, s.path, role, w.Code, w.Body, want)
					continue
				}
				if e := errorOf(t, w); string(e.Code) != map[int]string{401: "unauthorized", 403: "forbidden"}[want] {
					t.Errorf("%s %s as %q: code %q", s.method, s.path, role, e.Code)
				}
			}
		}
	}
	for r := range registered {
		t.Errorf("route %s has no sample", r)
	}
	// Nothing was changed or recorded.
	if ev := a.events(); len(ev) != 0 {
		t.Fatalf("refused requests left events: %+v", ev)
	}
	ctx := context.Background()
	units, _ := a.env.Store.FindUnits(ctx)
	hs, _ := a.env.Store.FindHolidays(ctx)
	cat, _ := a.env.Store.FindCategory(ctx, "bribe")
	if len(units) != 0 || len(hs) != len(services.DefaultHolidays) || !cat.Active {
		t.Fatalf("refused requests changed data: %d units, %d holidays, bribe active %v", len(units), len(hs), cat.Active)
	}
}

// TestAdminFlow runs an admin through every route, checking statuses,
// Location headers, error fields and that each change — and only a
// change — leaves exactly one AdminEvent.
func TestAdminFlow(t *testing.T) {
	a := newAdminTest(t)
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
			if e := errorOf(t, w); s.fields != nil && !reflect.DeepEqual(e.Fields, s.fields) {
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
		case s.event != "" && (len(after) != before+1 || after[0].Action != s.event || after[0].ActorID != "user-admin"):
			t.Fatalf("%s: events %+v, want one %q", name, after[:min(len(after), 2)], s.event)
		}
		if s.event != "" {
			actions = append(actions, s.event)
		}
	}
	if got := a.events(); len(got) != len(actions) {
		t.Fatalf("%d events for %d changes", len(got), len(actions))
	}
	w := a.admin("GET", "/api/v1/admin/audit?limit=2", "")
	var page adminList[adminEventDTO]
	if err := json.Unmarshal(w.Body.Bytes(), &page); err != nil || len(page.Items) != 2 || page.Items[0].Action != "deadlinePolicy.update" {
		t.Fatalf("audit page: %s", w.Body)
	}
}

// TestAdminResponses checks the shapes of the answers.
func TestAdminResponses(t *testing.T) {
	a := newAdminTest(t)
	w := a.admin("POST", "/api/v1/admin/units", `{"code":"thanh-tra-q1","name":{"vi":" Thanh tra ","en":"Inspectorate"},"type":"inspection","areaCodes":["26743"]}`)
	var u adminUnitDTO
	if err := json.Unmarshal(w.Body.Bytes(), &u); err != nil || w.Code != 201 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	if u.ID == "" || u.Code != "thanh-tra-q1" || u.Name.VI != "Thanh tra" || u.Type != "inspection" || !u.Active || u.Version != 1 ||
		!reflect.DeepEqual(u.AreaCodes, []string{"26743"}) || u.CreatedAt.IsZero() || !u.UpdatedAt.Equal(u.CreatedAt) {
		t.Fatalf("created unit %+v", u)
	}
	w = a.admin("PATCH", "/api/v1/admin/units/"+u.ID, `{"active":false,"areaCodes":[]}`)
	var p adminUnitDTO
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
	var hs adminList[adminHolidayDTO]
	if err := json.Unmarshal(w.Body.Bytes(), &hs); err != nil || len(hs.Items) != len(services.DefaultHolidays) ||
		hs.Items[0] != (adminHolidayDTO{Date: "2026-01-01", Name: services.DefaultHolidays[0].Name}) {
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
	w := a.admin("POST", "/api/v1/admin/units", `{"code":"thanh-tra-q1","name":{"vi":"A","en":"B"},"type":"inspection"}`)
	var u adminUnitDTO
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
		if e := errorOf(t, w); e.Fields[tt.field] != services.FieldNotAllowed {
			t.Errorf("%s %s: fields %v, want %s not_allowed", tt.method, tt.path, e.Fields, tt.field)
		}
	}
	got, err := a.env.Store.FindUnitByID(context.Background(), u.ID)
	if err != nil || got.Code != "thanh-tra-q1" || got.Type != services.UnitInspection || got.Version != 1 {
		t.Fatalf("unit changed: %+v %v", got, err)
	}
	if units, _ := a.env.Store.FindUnits(context.Background()); len(units) != 1 {
		t.Fatalf("%d units", len(units))
	}
	if ev := a.events(); len(ev) != 1 {
		t.Fatalf("%d events, want the one create", len(ev))
	}
}

func TestAdminWrongContentType(t *testing.T) {
	a := newAdminTest(t)
	req := httptest.NewRequest("POST", "/api/v1/admin/holidays", strings.NewReader(`{"date":"2026-11-24","name":{"vi":"A","en":"B"}}`))
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set("X-Test-Role", "admin")
	w := httptest.NewRecorder()
	a.e.ServeHTTP(w, req)
	if w.Code != http.StatusUnsupportedMediaType {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
}
