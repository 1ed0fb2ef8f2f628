package handlers_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// pageRights is what a report's page says its caller may do.
type pageRights struct {
	Status             string
	AllowedTransitions []string
	Can                map[string]bool
}

// probe is an action tried with a body that fails validation only after
// the caller's rights were checked, so that trying it changes nothing:
// allowed says whether the answer means the rights check passed.
type probe struct {
	flag, method, path, body string
	allowed                  func(status int) bool
}

func passedCheck(want int) func(int) bool { return func(status int) bool { return status == want } }

// TestCapabilitiesMatchTheServer walks a report through its statuses and,
// at each, checks for the inspector, the lead and the monitor that every
// flag of the page's "can" and its allowedTransitions say exactly what the
// server then allows: the web app shows the flags and nothing else, so a
// flag that disagrees with the server offers an action that fails, or
// hides one that is allowed.
func TestCapabilitiesMatchTheServer(t *testing.T) {
	f := newFixture(t)
	st := f.storyStaff(t)
	r, c := f.fileCase(t, "complaint")
	base := "/api/v1/cases/" + c.ID
	// A file, so that asking for the originals is possible.
	photo, photoType := multipartBody(t, "", "", upload{"a.png", samplePNG(t, 8, 8)})
	if w := f.do(http.MethodPost, "/api/v1/track/attachments", photoType, photo, "Authorization", "Bearer "+r.Token); w.Code != http.StatusOK && w.Code != http.StatusCreated {
		t.Fatalf("evidence: %d %s", w.Code, w.Body)
	}
	probes := []probe{
		{"assign", http.MethodPost, "/assign", `{"assigneeId":"nobody"}`, passedCheck(http.StatusBadRequest)},
		{"reroute", http.MethodPost, "/route", `{"unitId":"nowhere","reason":""}`, passedCheck(http.StatusBadRequest)},
		{"note", http.MethodPost, "/notes", `{"text":""}`, passedCheck(http.StatusBadRequest)},
		{"message", http.MethodPost, "/messages", `{"text":""}`, passedCheck(http.StatusBadRequest)},
		{"propose", http.MethodPost, "/proposal", `{"outcome":""}`, passedCheck(http.StatusBadRequest)},
		{"publish", http.MethodPost, "/publication", `{}`, passedCheck(http.StatusBadRequest)},
		{"extend", http.MethodPost, "/extensions", `{"days":0,"reason":""}`, passedCheck(http.StatusBadRequest)},
		{"decideExtensions", http.MethodPost, "/extensions/none/decision", `{"approve":false}`, passedCheck(http.StatusNotFound)},
		{"recommend", http.MethodPost, "/recommendations", `{"text":"","answerBy":""}`, passedCheck(http.StatusBadRequest)},
		{"answerRecommendations", http.MethodPost, "/recommendations/none/answer", `{"answer":"x"}`, passedCheck(http.StatusNotFound)},
		{"requestCustody", http.MethodPost, "/custody", `{"reason":""}`, passedCheck(http.StatusBadRequest)},
		{"requestOriginals", http.MethodPost, "/custody", `{"kind":"originals","reason":""}`, passedCheck(http.StatusBadRequest)},
	}
	who := map[string]session{"inspector": st.inspector, "lead": st.lead, "monitor": st.monitor}
	check := func(step string) {
		t.Helper()
		for name, s := range who {
			var p pageRights
			f.call(t, s.access, http.MethodGet, base, "", http.StatusOK, &p)
			for _, pr := range probes {
				w := f.do(pr.method, base+pr.path, "application/json", strings.NewReader(pr.body), "Authorization", "Bearer "+s.access)
				allowed := pr.allowed(w.Code)
				if pr.flag == "propose" && slices.Contains(p.AllowedTransitions, "concluded") {
					// A lead who may conclude is not offered a proposal.
					allowed = false
				}
				if p.Can[pr.flag] != allowed {
					t.Errorf("%s, %s: can.%s = %v, but the server answered %d: %s", step, name, pr.flag, p.Can[pr.flag], w.Code, w.Body)
				}
			}
			// The moves the page offers are the ones the server lists when it
			// refuses an impossible one; monitors may make none (403).
			w := f.do(http.MethodPost, base+"/transitions", "application/json", strings.NewReader(`{"to":"nowhere"}`),
				"Authorization", "Bearer "+s.access)
			var e struct {
				Error struct{ Allowed []string }
			}
			_ = json.Unmarshal(w.Body.Bytes(), &e)
			switch {
			case name == "monitor" && (w.Code != http.StatusForbidden || len(p.AllowedTransitions) != 0):
				t.Errorf("%s, monitor: transition %d, page offers %v", step, w.Code, p.AllowedTransitions)
			case name != "monitor" && (w.Code != http.StatusConflict || !slices.Equal(e.Error.Allowed, p.AllowedTransitions)):
				t.Errorf("%s, %s: page offers %v, server allows %v (%d)", step, name, p.AllowedTransitions, e.Error.Allowed, w.Code)
			}
			if p.Can["originals"] {
				t.Errorf("%s, %s: offered originals without custody", step, name)
			}
		}
	}
	move := func(body string) {
		t.Helper()
		f.call(t, st.lead.access, http.MethodPost, base+"/transitions", body, http.StatusOK, nil)
	}
	check("received")
	move(`{"to":"accepted"}`)
	check("accepted")
	move(`{"to":"investigating"}`)
	check("investigating")
	// Use up the extensions a complaint may have (none): extend stays off.
	move(`{"to":"concluded","outcome":"partly_substantiated","actions":"Đã nhắc nhở cán bộ"}`)
	check("concluded")

	// Custody: the holder is offered the originals, nobody else.
	var g struct{ ID string }
	f.call(t, st.inspector.access, http.MethodPost, base+"/custody", `{"reason":"Cần liên hệ người khiếu nại"}`, http.StatusCreated, &g)
	f.call(t, st.lead.access, http.MethodPost, "/api/v1/custody/"+g.ID+"/decision", `{"approve":true}`, http.StatusOK, nil)
	for name, s := range who {
		var p pageRights
		f.call(t, s.access, http.MethodGet, base, "", http.StatusOK, &p)
		if p.Can["originals"] != (name == "inspector") || p.Can["identity"] != (name == "inspector") {
			t.Errorf("after custody, %s: can.originals = %v, can.identity = %v", name, p.Can["originals"], p.Can["identity"])
		}
		// The holder's identity grant opens the originals; monitors never ask.
		if p.Can["requestOriginals"] != (name == "lead") {
			t.Errorf("after custody, %s: can.requestOriginals = %v", name, p.Can["requestOriginals"])
		}
	}
	// The citizen's page offers rating and appeal of the concluded
	// complaint, not withdrawal.
	type citizenRights struct{ CanWithdraw, CanRate, CanAppeal, CanMessage, CanAddEvidence bool }
	var track citizenRights
	f.call(t, r.Token, http.MethodGet, "/api/v1/track", "", http.StatusOK, &track)
	if track != (citizenRights{CanRate: true, CanAppeal: true, CanMessage: true, CanAddEvidence: true}) {
		t.Errorf("citizen page of the concluded report: %+v", track)
	}
	// Rated, the report is closed: it takes no more messages or files, and
	// its page says so.
	f.call(t, r.Token, http.MethodPost, "/api/v1/track/rating", `{"rating":4}`, http.StatusOK, &track)
	if track != (citizenRights{CanAppeal: true}) {
		t.Errorf("citizen page of the closed report: %+v", track)
	}
	f.call(t, r.Token, http.MethodPost, "/api/v1/track/messages", `{"text":"Còn một việc nữa"}`, http.StatusConflict, nil)
	body, ct := multipartBody(t, "", "", upload{"a.png", samplePNG(t, 8, 8)})
	if w := f.do(http.MethodPost, "/api/v1/track/attachments", ct, body, "Authorization", "Bearer "+r.Token); w.Code != http.StatusConflict {
		t.Errorf("evidence added to a closed report: %d %s", w.Code, w.Body)
	}
}

// TestCasePageTellsTheHolderWhenCustodyEnds: the report page gives the
// custody holder the end of their grant (for the time left on the identity
// panel), the same as the decision's, and nobody else any.
func TestCasePageTellsTheHolderWhenCustodyEnds(t *testing.T) {
	f := newFixture(t)
	st := f.storyStaff(t)
	_, c := f.fileCase(t, "complaint")
	base := "/api/v1/cases/" + c.ID
	type page struct {
		CustodyUntil *string
		Can          map[string]bool
	}
	who := map[string]session{"inspector": st.inspector, "lead": st.lead, "monitor": st.monitor}
	for name, s := range who {
		var p page
		f.call(t, s.access, http.MethodGet, base, "", http.StatusOK, &p)
		if p.CustodyUntil != nil {
			t.Errorf("before custody, %s: custodyUntil = %q", name, *p.CustodyUntil)
		}
	}
	var g struct{ ID, ExpiresAt string }
	f.call(t, st.inspector.access, http.MethodPost, base+"/custody", `{"reason":"Cần liên hệ người khiếu nại"}`, http.StatusCreated, &g)
	var p page
	f.call(t, st.inspector.access, http.MethodGet, base, "", http.StatusOK, &p)
	if p.CustodyUntil != nil {
		t.Errorf("pending request: custodyUntil = %q", *p.CustodyUntil)
	}
	f.call(t, st.lead.access, http.MethodPost, "/api/v1/custody/"+g.ID+"/decision", `{"approve":true}`, http.StatusOK, &g)
	if g.ExpiresAt == "" {
		t.Fatal("approved grant without expiresAt")
	}
	for name, s := range who {
		var p page
		f.call(t, s.access, http.MethodGet, base, "", http.StatusOK, &p)
		switch {
		case name == "inspector" && (p.CustodyUntil == nil || *p.CustodyUntil != g.ExpiresAt || !p.Can["originals"]):
			t.Errorf("holder: custodyUntil = %v, want %q (originals %v)", p.CustodyUntil, g.ExpiresAt, p.Can["originals"])
		case name != "inspector" && p.CustodyUntil != nil:
			t.Errorf("after custody, %s: custodyUntil = %q", name, *p.CustodyUntil)
		}
	}
}
