package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"minhbach/services"
)

// who is one row of the matrix's columns: a kind of caller, in the unit
// that handles (or the committee that supervises) the test report, or not.
type who struct {
	name string
	role services.Role // empty: anonymous or citizen
	own  bool
}

var everyone = []who{
	{name: "anonymous"}, {name: "citizen"},
	{"inspector/own", services.RoleInspector, true}, {"inspector/other", services.RoleInspector, false},
	{"lead/own", services.RoleLead, true}, {"lead/other", services.RoleLead, false},
	{"monitor/own", services.RoleMonitor, true}, {"monitor/other", services.RoleMonitor, false},
	{"admin", services.RoleAdmin, false},
}

// Expectations: exact statuses, or classes.
var (
	anyStatus = []int{}                                   // not an access decision (public, or the same answer for all)
	allowed   = []int{-1}                                 // passes authorization: anything but 401, 403, 404
	unauth    = []int{http.StatusUnauthorized}            //
	forbidden = []int{http.StatusForbidden}               //
	hidden    = []int{http.StatusNotFound}                // exists, but not for this caller
	decided   = []int{http.StatusOK, http.StatusConflict} // a lead's decision (first 200, then 409)
)

func staffOnly(w who, ok []int) []int {
	if w.role == "" {
		return unauth
	}
	return ok
}

// routeMatrix says, for every route registered in handlers/routes.go, what
// each caller gets. TestRouteMatrix fails when a route has no row.
// matrixQueries completes a route's query where the route answers nothing
// without one, so that its row tests the answer, not the refusal of the
// query.
var matrixQueries = map[string]string{
	"GET /api/v1/stats/public/chart.svg": "?chart=flow",
	"GET /api/v1/log/inclusion":          "?commitment=" + strings.Repeat("ab", 32),
	"GET /api/v1/log/consistency":        "?from=0&to=0",
}

var routeMatrix = map[string]func(w who) []int{
	"GET /healthz":                       func(who) []int { return anyStatus },
	"GET /readyz":                        func(who) []int { return anyStatus },
	"GET /api/openapi.json":              func(who) []int { return []int{http.StatusOK} },
	"GET /api/v1/meta":                   func(who) []int { return anyStatus },
	"POST /api/v1/challenges":            func(who) []int { return anyStatus },
	"POST /api/v1/complaints":            func(who) []int { return anyStatus },
	"POST /api/v1/receipts/verify":       func(who) []int { return anyStatus },
	"POST /api/v1/track/session":         func(who) []int { return anyStatus },
	"POST /api/v1/auth/login":            func(who) []int { return anyStatus },
	"POST /api/v1/auth/refresh":          func(who) []int { return unauth }, // no refresh cookie in this test
	"POST /api/v1/auth/logout":           func(who) []int { return anyStatus },
	"GET /api/v1/track":                  citizenOnly,
	"POST /api/v1/track/messages":        citizenOnly,
	"POST /api/v1/track/attachments":     citizenOnly,
	"POST /api/v1/track/withdraw":        citizenOnly,
	"POST /api/v1/track/rating":          citizenOnly,
	"POST /api/v1/track/appeal":          citizenOnly,
	"POST /api/v1/track/receipt":         citizenOnly,
	"GET /api/v1/outcomes":               func(who) []int { return anyStatus },
	"GET /api/v1/stats/public":           func(who) []int { return []int{http.StatusOK} },
	"GET /api/v1/stats/public/chart.svg": func(who) []int { return []int{http.StatusOK} }, // chart=flow (matrixQueries)
	"GET /api/v1/log":                    func(who) []int { return []int{http.StatusOK} },
	"GET /api/v1/log/inclusion":          func(who) []int { return []int{http.StatusOK} }, // matrixQueries
	"GET /api/v1/log/consistency":        func(who) []int { return []int{http.StatusOK} }, // matrixQueries
	"POST /api/v1/log/cosignatures":      func(who) []int { return anyStatus },            // a witness's key, not an account
	"GET /log/checkpoint":                func(who) []int { return anyStatus },            // 404 while the log is empty
	"GET /log/checkpoints":               func(who) []int { return []int{http.StatusOK} },
	"GET /log/checkpoints/:size":         func(who) []int { return anyStatus },
	"GET /log/tile/*path":                func(who) []int { return anyStatus },
	"GET /api/v1/track/receipt.pdf":      citizenOnly,
	"GET /api/v1/auth/me":                func(w who) []int { return staffOnly(w, allowed) },
	"POST /api/v1/auth/password":         func(w who) []int { return staffOnly(w, allowed) },
	"POST /api/v1/auth/totp/setup":       func(w who) []int { return staffOnly(w, allowed) },
	"POST /api/v1/auth/totp/enable":      func(w who) []int { return staffOnly(w, allowed) },
	"GET /api/v1/cases": func(w who) []int {
		if w.role == services.RoleAdmin {
			return forbidden
		}
		return staffOnly(w, allowed)
	},
	"POST /api/v1/cases": func(w who) []int { // a report taken on a citizen's behalf
		switch w.role {
		case "":
			return unauth
		case services.RoleMonitor, services.RoleAdmin:
			return forbidden // the Front supervises; an admin runs the portal
		}
		return allowed // the body {} is refused as invalid: 400
	},
	"GET /api/v1/cases/:id/proof.pdf":        seeCase,
	"GET /api/v1/cases/:id/attachments/:aid": seeCase, // the sanitized copy; originals: TestEvidenceDownload
	"POST /api/v1/cases/:id/transitions": func(w who) []int {
		switch {
		case w.role == "":
			return unauth
		case w.role == services.RoleAdmin || !w.own:
			return hidden
		case w.role == services.RoleMonitor:
			return forbidden // the Front supervises; it never moves a report
		}
		return allowed // the body {} asks for no valid move: 409 with the allowed list
	},
	"GET /api/v1/cases/:id":           seeCase,
	"GET /api/v1/cases/:id/audit":     seeCase,
	"GET /api/v1/cases/:id/related":   seeCase,
	"POST /api/v1/cases/:id/notes":    unitWork,
	"POST /api/v1/cases/:id/messages": unitWork,
	"POST /api/v1/cases/:id/assign":   unitWork,
	"POST /api/v1/cases/:id/route": func(w who) []int {
		if w.role == services.RoleInspector && w.own {
			return forbidden // only a lead re-routes
		}
		return unitWork(w)
	},
	"POST /api/v1/cases/:id/recommendations": func(w who) []int {
		if w.own && (w.role == services.RoleInspector || w.role == services.RoleLead) {
			return forbidden // the unit answers; the Front recommends
		}
		return seeCase(w)
	},
	"POST /api/v1/cases/:id/recommendations/:rid/answer": unitWork,
	"POST /api/v1/cases/:id/proposal":                    unitWork,
	"POST /api/v1/cases/:id/extensions":                  unitWork,
	"POST /api/v1/cases/:id/publication":                 leadWork,
	"POST /api/v1/cases/:id/extensions/:eid/decision": func(w who) []int {
		if w.role == services.RoleLead && w.own {
			return decided
		}
		return leadWork(w)
	},
	"GET /api/v1/units":          func(w who) []int { return staffOnly(w, allowed) },
	"GET /api/v1/stats":          func(w who) []int { return staffOnly(w, allowed) }, // each within its scope: TestStaffStatsScope
	"GET /api/v1/stats/hotspots": func(w who) []int { return staffOnly(w, allowed) }, // each within its scope: TestHotspotsWithinScope
	"GET /api/v1/reports/period": func(w who) []int { return staffOnly(w, allowed) }, // each within its scope: TestPeriodReportScope
	"GET /api/v1/staffing": func(w who) []int {
		switch w.role {
		case "":
			return unauth
		case services.RoleLead, services.RoleMonitor:
			return allowed // their own unit's, or their committee's units'
		}
		return forbidden
	},
	"GET /api/v1/recommendations": func(w who) []int {
		if w.role == services.RoleAdmin {
			return forbidden
		}
		return staffOnly(w, allowed)
	},
	"GET /api/v1/recommendations/overdue": func(w who) []int {
		if w.role == services.RoleAdmin {
			return forbidden
		}
		return staffOnly(w, allowed)
	},
	"POST /api/v1/cases/:id/custody": func(w who) []int {
		switch {
		case w.role == "":
			return unauth
		case w.role == services.RoleAdmin || !w.own:
			return hidden
		case w.role == services.RoleMonitor:
			return forbidden
		}
		return allowed
	},
	"GET /api/v1/cases/:id/identity": func(w who) []int {
		switch {
		case w.role == "":
			return unauth
		case w.role == services.RoleAdmin || !w.own:
			return hidden
		}
		return forbidden // no grant held; with one, see TestIdentityCustody
	},
	"GET /api/v1/custody": func(w who) []int {
		switch w.role {
		case "":
			return unauth
		case services.RoleInspector, services.RoleLead:
			return allowed
		}
		return forbidden
	},
	// Open311 (docs/intake.md): public, or with an API key, never with a
	// staff or citizen token, so every caller gets the same answer.
	"GET /open311/v2/discovery.json": func(who) []int { return []int{http.StatusOK} },
	"GET /open311/v2/discovery.xml":  func(who) []int { return []int{http.StatusOK} },
	"GET /open311/v2/services.json":  func(who) []int { return []int{http.StatusOK} },
	"GET /open311/v2/services.xml":   func(who) []int { return []int{http.StatusOK} },
	"GET /open311/v2/services/:code": func(who) []int { return []int{http.StatusOK} }, // bribe.json
	"GET /open311/v2/requests.json":  func(who) []int { return []int{http.StatusOK} }, // published outcomes only
	"GET /open311/v2/requests.xml":   func(who) []int { return []int{http.StatusOK} },
	// The test report, by its tracking code: no key filed it, so nobody
	// reads it here, whatever token they carry.
	"GET /open311/v2/requests/:id":   func(who) []int { return hidden },
	"GET /open311/v2/tokens/:token":  func(who) []int { return hidden },
	"POST /open311/v2/requests.json": func(who) []int { return []int{http.StatusUnsupportedMediaType} }, // JSON body; a token is no API key
	"POST /open311/v2/requests.xml":  func(who) []int { return []int{http.StatusUnsupportedMediaType} },
	"POST /api/v1/custody/:gid/decision": func(w who) []int {
		switch {
		case w.role == "":
			return unauth
		case w.role == services.RoleLead && w.own:
			return decided
		case w.role == services.RoleInspector && w.own:
			return forbidden
		}
		return hidden
	},
}

// seeCase: staff of the unit and monitors of the committee see the report;
// everyone else is told it does not exist.
func seeCase(w who) []int {
	switch {
	case w.role == "":
		return unauth
	case w.role == services.RoleAdmin || !w.own:
		return hidden
	}
	return allowed
}

// unitWork: the handling unit's inspectors and leads; monitors may look but
// not act.
func unitWork(w who) []int {
	if w.role == services.RoleMonitor && w.own {
		return forbidden
	}
	return seeCase(w)
}

// leadWork: only a lead of the handling unit.
func leadWork(w who) []int {
	if w.role == services.RoleInspector && w.own {
		return forbidden
	}
	return unitWork(w)
}

func citizenOnly(w who) []int {
	if w.name == "citizen" {
		return allowed
	}
	return unauth
}

func adminOnly(w who) []int {
	switch w.role {
	case "":
		return unauth
	case services.RoleAdmin:
		return allowed
	}
	return forbidden
}

func TestRouteMatrix(t *testing.T) {
	f := newFixture(t)
	tokens := map[string]string{}
	for _, w := range everyone[2:] {
		unit := map[services.Role]string{services.RoleInspector: "unit-a", services.RoleLead: "unit-a", services.RoleMonitor: "front-a"}[w.role]
		if !w.own && w.role != services.RoleAdmin {
			unit = strings.Replace(unit, "-a", "-b", 1)
		}
		email := strings.ReplaceAll(w.name, "/", ".") + "@matrix.test"
		f.mkUser(t, email, w.role, unit)
		tokens[w.name] = f.staffLogin(t, email, "").access
	}
	// A requester for the custody decision row (not the deciding lead).
	f.mkUser(t, "requester@matrix.test", services.RoleInspector, "unit-a")
	requester := f.staffLogin(t, "requester@matrix.test", "")
	// The account the admin rows change (a reset cools an account, which
	// would stop the requester's custody row).
	target := f.mkUser(t, "target@matrix.test", services.RoleInspector, "unit-a")
	r, caseID := f.routedReport(t, "unit-a", "front-a")
	tokens["citizen"] = r.Token
	w := f.do(http.MethodPost, "/api/v1/cases/"+caseID+"/custody", "application/json", strings.NewReader(`{"reason":"matrix"}`),
		"Authorization", "Bearer "+requester.access)
	var grant struct{ ID string }
	json.Unmarshal(w.Body.Bytes(), &grant)
	if grant.ID == "" {
		t.Fatalf("custody request: %d %s", w.Code, w.Body)
	}
	// An accepted report with a pending extension, for the decision row
	// (denunciations may be extended).
	if _, err := f.env.Client.Database(f.env.Database).Collection("cases").UpdateByID(context.Background(), mustOID(t, caseID),
		map[string]any{"$set": map[string]any{"kind": "denunciation"}}); err != nil {
		t.Fatal(err)
	}
	var ext struct{ ID string }
	for _, step := range []struct{ path, body string }{
		{"/transitions", `{"to":"accepted"}`}, {"/extensions", `{"days":5,"reason":"matrix"}`},
	} {
		w = f.do(http.MethodPost, "/api/v1/cases/"+caseID+step.path, "application/json", strings.NewReader(step.body),
			"Authorization", "Bearer "+requester.access)
		json.Unmarshal(w.Body.Bytes(), &ext)
		if w.Code >= 300 {
			t.Fatalf("%s: %d %s", step.path, w.Code, w.Body)
		}
	}
	// A photo on the report, for the evidence download row.
	body, ct := multipartBody(t, "", "", upload{"photo.jpg", sampleJPEG(t)})
	w = f.do(http.MethodPost, "/api/v1/track/attachments", ct, body, "Authorization", "Bearer "+r.Token)
	var added struct{ Attachments []struct{ ID string } }
	json.Unmarshal(w.Body.Bytes(), &added)
	if len(added.Attachments) != 1 {
		t.Fatalf("evidence: %d %s", w.Code, w.Body)
	}
	sys := services.Actor{UserID: "matrix", Role: services.RoleAdmin}
	unit, err := f.Org.CreateUnit(context.Background(), sys, services.Unit{Code: "matrix-unit", Name: services.Text{VI: "Đơn vị", EN: "Unit"},
		Type: services.UnitInspection, AreaCodes: []string{"79"}, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	rule, err := f.Org.CreateRoutingRule(context.Background(), sys, services.RoutingRule{InspectionUnitID: unit.ID})
	if err != nil {
		t.Fatal(err)
	}
	apiKey, _, err := f.APIKeys.Issue(context.Background(), sys, services.APIKeyInput{Name: ptr("matrix"), RatePerMinute: ptr(1000)})
	if err != nil {
		t.Fatal(err)
	}
	trackingCode := r.TrackingCode
	params := map[string]string{":id": caseID, ":gid": grant.ID, ":rid": "no-such-recommendation", ":aid": added.Attachments[0].ID, ":code": "other", ":date": "2026-01-01", ":kind": "feedback", ":eid": ext.ID}

	for _, route := range f.srv.Routes() {
		expect, ok := routeMatrix[route]
		if !ok {
			for prefix := range map[string]bool{"/api/v1/admin/": true} {
				if strings.Contains(route, prefix) {
					expect, ok = adminOnly, true
				}
			}
		}
		if !ok {
			t.Errorf("route %s has no row in the authorization matrix", route)
			continue
		}
		method, path, _ := strings.Cut(route, " ")
		switch {
		case strings.HasPrefix(path, "/api/v1/admin/users/"):
			path = strings.ReplaceAll(path, ":id", target.ID)
		case strings.HasPrefix(path, "/api/v1/admin/units/"):
			path = strings.ReplaceAll(path, ":id", unit.ID)
		case strings.HasPrefix(path, "/api/v1/admin/routing-rules/"):
			path = strings.ReplaceAll(path, ":id", rule.ID)
		case strings.HasPrefix(path, "/api/v1/admin/areas/"):
			path = strings.ReplaceAll(path, ":code", "79")
		case strings.HasPrefix(path, "/api/v1/admin/api-keys/"):
			path = strings.ReplaceAll(path, ":id", apiKey.ID)
		case strings.HasPrefix(path, "/open311/"):
			path = strings.NewReplacer(":code", "bribe.json", ":id", trackingCode+".json", ":token", trackingCode+".xml").Replace(path)
		}
		for k, v := range params {
			path = strings.ReplaceAll(path, k, v)
		}
		path += matrixQueries[route]
		for _, caller := range everyone {
			want := expect(caller)
			if len(want) == 0 {
				continue
			}
			var hdr []string
			if tok := tokens[caller.name]; tok != "" {
				hdr = []string{"Authorization", "Bearer " + tok}
			}
			res := f.do(method, path, "application/json", strings.NewReader(`{}`), hdr...)
			got := res.Code
			if route == "POST /api/v1/track/receipt" && got == http.StatusOK {
				// A new receipt ends the citizen's session: go on with the
				// new one.
				var changed struct{ Token string }
				json.Unmarshal(res.Body.Bytes(), &changed)
				tokens[caller.name] = changed.Token
			}
			okStatus := slices.Contains(want, got)
			if slices.Equal(want, allowed) {
				okStatus = got != http.StatusUnauthorized && got != http.StatusForbidden && got != http.StatusNotFound
			}
			if !okStatus {
				t.Errorf("%s as %s: %d, want %s", route, caller.name, got, describe(want))
			}
		}
	}
}

func describe(want []int) string {
	if slices.Equal(want, allowed) {
		return "allowed (not 401/403/404)"
	}
	return fmt.Sprint(want)
}
