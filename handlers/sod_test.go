package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"minhbach/services"
)

// Separation of duties around complainant identity custody
// (docs/privacy.md, "Separation of duties"): no single account, an
// administrator included, reaches a complainant's identity, and every step
// that prepares it is shown at once to the unit's leads and the Front's
// monitors.

// staffJSON sends a JSON request with a bearer token.
func (f *fixture) staffJSON(token, method, path, body string) *httptest.ResponseRecorder {
	return f.do(method, path, "application/json", strings.NewReader(body), "Authorization", "Bearer "+token)
}

// signIn signs in with a password and returns the answer, whatever it is.
func (f *fixture) signIn(email, password string) (w *httptest.ResponseRecorder, out struct {
	AccessToken            string
	PasswordChangeRequired bool `json:"passwordChangeRequired"`
	PasswordToken          string
}) {
	w = f.postAuth("/api/v1/auth/login", map[string]string{"email": email, "password": password}, nil)
	json.Unmarshal(w.Body.Bytes(), &out)
	return w, out
}

// takeOver signs in with a temporary or chosen password, which opens only
// the change of password, changes it to next and signs in again: what an
// administrator does with an account whose password it set.
func (f *fixture) takeOver(t *testing.T, email, password, next string) string {
	t.Helper()
	w, first := f.signIn(email, password)
	if w.Code != http.StatusOK || !first.PasswordChangeRequired || first.PasswordToken == "" || first.AccessToken != "" || refreshCookieOf(w) != nil {
		t.Fatalf("%s: first sign-in with a password set by an admin must only open the change of password: %d %s", email, w.Code, w.Body)
	}
	// The password token opens nothing else.
	for _, path := range []string{"/api/v1/cases", "/api/v1/custody", "/api/v1/auth/me"} {
		if w := f.staffGet(first.PasswordToken, path); w.Code != http.StatusUnauthorized {
			t.Fatalf("%s: the password token opened %s: %d", email, path, w.Code)
		}
	}
	// The temporary password cannot be kept.
	if w := f.staffJSON(first.PasswordToken, http.MethodPost, "/api/v1/auth/password",
		`{"currentPassword":"`+password+`","newPassword":"`+password+`"}`); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "same_password") {
		t.Fatalf("%s: kept the temporary password: %d %s", email, w.Code, w.Body)
	}
	if w := f.staffJSON(first.PasswordToken, http.MethodPost, "/api/v1/auth/password",
		`{"currentPassword":"`+password+`","newPassword":"`+next+`"}`); w.Code != http.StatusNoContent {
		t.Fatalf("%s: change of password: %d %s", email, w.Code, w.Body)
	}
	// Used once: the change ends it.
	if w := f.staffJSON(first.PasswordToken, http.MethodPost, "/api/v1/auth/password",
		`{"currentPassword":"`+next+`","newPassword":"`+next+`-2"}`); w.Code != http.StatusUnauthorized {
		t.Fatalf("%s: the password token worked twice: %d", email, w.Code)
	}
	w, again := f.signIn(email, next)
	if w.Code != http.StatusOK || again.AccessToken == "" {
		t.Fatalf("%s: sign-in with the new password: %d %s", email, w.Code, w.Body)
	}
	return again.AccessToken
}

type staffingEntry struct {
	Kind, Email, ActorEmail string
	Cooling                 bool
}

func (f *fixture) staffingFeed(t *testing.T, token string) []staffingEntry {
	t.Helper()
	w := f.staffGet(token, "/api/v1/staffing")
	if w.Code != http.StatusOK {
		t.Fatalf("staffing feed: %d %s", w.Code, w.Body)
	}
	var out []staffingEntry
	json.Unmarshal(w.Body.Bytes(), &out)
	return out
}

// feedHas reports whether the feed has an entry of the kind about the account.
func feedHas(feed []staffingEntry, kind, email string) bool {
	for _, e := range feed {
		if e.Kind == kind && e.Email == email {
			return true
		}
	}
	return false
}

func hasEntry(feed []staffingEntry, kind, email string) bool {
	for _, e := range feed {
		if e.Kind == kind && e.Email == email && e.Cooling {
			return true
		}
	}
	return false
}

// staffingMails counts the staffing e-mails queued to a recipient.
func (f *fixture) staffingMails(t *testing.T, to string) int64 {
	t.Helper()
	n, err := f.env.Client.Database(f.env.Database).Collection("outbox").CountDocuments(context.Background(),
		bson.D{{Key: "kind", Value: "staffing"}, {Key: "to", Value: to}})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// wantStaffingMails fails unless exactly want staffing e-mails are queued to a recipient.
func (f *fixture) wantStaffingMails(t *testing.T, to string, want int64) {
	t.Helper()
	if n := f.staffingMails(t, to); n != want {
		t.Fatalf("%d staffing e-mails to %s, want %d", n, to, want)
	}
}

// setActive has the administrator disable or enable an account.
func (f *fixture) setActive(t *testing.T, adminToken, userID string, active bool) {
	t.Helper()
	body := `{"active":false}`
	if active {
		body = `{"active":true}`
	}
	if w := f.staffJSON(adminToken, http.MethodPatch, "/api/v1/admin/users/"+userID, body); w.Code != http.StatusOK {
		t.Fatalf("%s active=%v: %d %s", userID, active, w.Code, w.Body)
	}
}

// TestAdminCannotUnmaskAComplainantAlone plays an administrator's attack on
// a complainant's identity step by step, through HTTP, and shows where each
// step stops and that the unit's lead and the Front's monitor see the trail
// at once.
func TestAdminCannotUnmaskAComplainantAlone(t *testing.T) {
	f := newFixture(t)
	unitA := f.unit(t, "unit-a")
	f.mkUser(t, "admin@x.test", services.RoleAdmin, "")
	f.mkUser(t, "admin2@x.test", services.RoleAdmin, "")
	realLead := f.mkUser(t, "lead@a.test", services.RoleLead, "unit-a")
	f.mkUser(t, "insp@a.test", services.RoleInspector, "unit-a")
	f.mkUser(t, "mon@front-a.test", services.RoleMonitor, "front-a")
	admin, admin2 := f.staffLogin(t, "admin@x.test", ""), f.staffLogin(t, "admin2@x.test", "")
	lead, mon := f.staffLogin(t, "lead@a.test", ""), f.staffLogin(t, "mon@front-a.test", "")
	_, caseID := f.routedReport(t, "unit-a", "front-a")
	base := "/api/v1/cases/" + caseID
	chosen := "Mật-khẩu-do-quản-trị-chọn-2026"

	// Step 1: the administrator creates an inspector and a lead in the
	// handling unit with passwords it chooses. Both are created — but the
	// accounts must change their password first, and they are cooling.
	for _, acct := range []struct{ email, role string }{{"fake.insp@a.test", "inspector"}, {"fake.lead@a.test", "lead"}} {
		w := f.staffJSON(admin.access, http.MethodPost, "/api/v1/admin/users",
			`{"email":"`+acct.email+`","name":"Giả","role":"`+acct.role+`","unitId":"`+unitA+`","password":"`+chosen+`"}`)
		if w.Code != http.StatusCreated || !strings.Contains(w.Body.String(), `"mustChangePassword":true`) {
			t.Fatalf("create %s: %d %s", acct.email, w.Code, w.Body)
		}
	}
	// The trail is there at once, for the lead and the monitor.
	for who, s := range map[string]session{"lead": lead, "monitor": mon} {
		feed := f.staffingFeed(t, s.access)
		if !hasEntry(feed, services.StaffingAccountCreated, "fake.insp@a.test") || !hasEntry(feed, services.StaffingAccountCreated, "fake.lead@a.test") {
			t.Fatalf("the %s does not see the new accounts: %+v", who, feed)
		}
		if feed[0].ActorEmail != "admin@x.test" {
			t.Fatalf("the %s's feed does not name the administrator: %+v", who, feed[0])
		}
	}

	// Step 2: the administrator tries to take a unit role itself, or have
	// another administrator give it one. Refused.
	adminID := admin.user.ID
	for name, tc := range map[string]struct{ token, body string }{
		"itself a lead":          {admin.access, `{"role":"lead","unitId":"` + unitA + `"}`},
		"itself a unit":          {admin.access, `{"unitId":"` + unitA + `"}`},
		"by another admin, lead": {admin2.access, `{"role":"lead","unitId":"` + unitA + `"}`},
	} {
		if w := f.staffJSON(tc.token, http.MethodPatch, "/api/v1/admin/users/"+adminID, tc.body); w.Code != http.StatusForbidden {
			t.Fatalf("admin %s: %d %s", name, w.Code, w.Body)
		}
	}
	if u, _ := f.env.Store.FindUserByID(context.Background(), adminID); u.Role != services.RoleAdmin || u.UnitID != "" {
		t.Fatalf("the admin's role changed: %s", u)
	}

	// Step 3: the administrator signs in to its accounts: the chosen
	// password opens only its change; it sets new ones.
	fakeInsp := f.takeOver(t, "fake.insp@a.test", chosen, "Mật-khẩu-mới-của-thanh-tra-2026")
	fakeLead := f.takeOver(t, "fake.lead@a.test", chosen, "Mật-khẩu-mới-của-lãnh-đạo-2026")

	// Step 4: the fake inspector asks for custody: refused, cooling.
	w := f.staffJSON(fakeInsp, http.MethodPost, base+"/custody", `{"reason":"Xác minh"}`)
	if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), `"custody":"cooling"`) {
		t.Fatalf("a cooling inspector asked for custody: %d %s", w.Code, w.Body)
	}
	// The real inspector asks (legitimately); the fake lead approves:
	// refused, cooling.
	insp := f.staffLogin(t, "insp@a.test", "")
	w = f.staffJSON(insp.access, http.MethodPost, base+"/custody", `{"reason":"Cần xác minh với người khiếu nại"}`)
	var g struct{ ID string }
	json.Unmarshal(w.Body.Bytes(), &g)
	if w.Code != http.StatusCreated {
		t.Fatalf("the real inspector's request: %d %s", w.Code, w.Body)
	}
	if w := f.staffJSON(fakeLead, http.MethodPost, "/api/v1/custody/"+g.ID+"/decision", `{"approve":true}`); w.Code != http.StatusForbidden ||
		!strings.Contains(w.Body.String(), `"custody":"cooling"`) {
		t.Fatalf("a cooling lead approved: %d %s", w.Code, w.Body)
	}

	// Step 5: the administrator resets the real lead's password and learns
	// the temporary one: it opens only the change, and the lead is now
	// cooling too (and sees it: their sessions end, and the feed shows it).
	w = f.staffJSON(admin.access, http.MethodPost, "/api/v1/admin/users/"+realLead.ID+"/reset-password", ``)
	var reset struct{ TemporaryPassword string }
	json.Unmarshal(w.Body.Bytes(), &reset)
	if w.Code != http.StatusOK || reset.TemporaryPassword == "" {
		t.Fatalf("reset: %d %s", w.Code, w.Body)
	}
	stolenLead := f.takeOver(t, "lead@a.test", reset.TemporaryPassword, "Mật-khẩu-quản-trị-biết-2026")
	if w := f.staffJSON(stolenLead, http.MethodPost, "/api/v1/custody/"+g.ID+"/decision", `{"approve":true}`); w.Code != http.StatusForbidden ||
		!strings.Contains(w.Body.String(), `"custody":"cooling"`) {
		t.Fatalf("a lead whose password was just reset approved: %d %s", w.Code, w.Body)
	}
	// Step 6: moving an account into the unit cools it as well.
	f.mkUser(t, "lead@b.test", services.RoleLead, "unit-b")
	movedID := ""
	if u, err := f.env.Store.FindUserByEmail(context.Background(), "lead@b.test"); err == nil {
		movedID = u.ID
	}
	if w := f.staffJSON(admin.access, http.MethodPatch, "/api/v1/admin/users/"+movedID, `{"unitId":"`+unitA+`"}`); w.Code != http.StatusOK {
		t.Fatalf("move: %d %s", w.Code, w.Body)
	}
	moved := f.staffLogin(t, "lead@b.test", "")
	if w := f.staffJSON(moved.access, http.MethodPost, "/api/v1/custody/"+g.ID+"/decision", `{"approve":true}`); w.Code != http.StatusForbidden ||
		!strings.Contains(w.Body.String(), `"custody":"cooling"`) {
		t.Fatalf("a lead just moved into the unit approved: %d %s", w.Code, w.Body)
	}
	// Nobody could approve: nobody reads.
	for _, tok := range []string{insp.access, fakeInsp, fakeLead, stolenLead} {
		if w := f.staffGet(tok, base+"/identity"); w.Code != http.StatusForbidden {
			t.Fatalf("identity read without an approved grant: %d %s", w.Code, w.Body)
		}
	}
	if w := f.staffGet(admin.access, base+"/identity"); w.Code != http.StatusNotFound {
		t.Fatalf("the admin reads the identity: %d", w.Code)
	}

	// The whole trail is in the staffing feed of the unit's lead (the new
	// password is theirs now) and of the Front's monitor, and mailed to both.
	for who, tok := range map[string]string{"lead": stolenLead, "monitor": mon.access} {
		feed := f.staffingFeed(t, tok)
		for _, want := range []struct{ kind, email string }{
			{services.StaffingAccountCreated, "fake.insp@a.test"}, {services.StaffingAccountCreated, "fake.lead@a.test"},
			{services.StaffingPasswordReset, "lead@a.test"}, {services.StaffingRoleChanged, "lead@b.test"},
		} {
			if !hasEntry(feed, want.kind, want.email) {
				t.Errorf("the %s's feed lacks %s of %s: %+v", who, want.kind, want.email, feed)
			}
		}
	}
	for _, to := range []string{"lead@a.test", "mon@front-a.test"} {
		if n := f.staffingMails(t, to); n != 4 {
			t.Errorf("%d staffing e-mails queued to %s, want 4", n, to)
		}
	}
	// The lead who was moved is told of their own move (they lead in unit
	// A now), and of nothing before it.
	if n := f.staffingMails(t, "lead@b.test"); n != 1 {
		t.Errorf("%d staffing e-mails to the moved lead, want 1", n)
	}
	// The admin log names every change.
	w = f.staffGet(admin.access, "/api/v1/admin/audit")
	for _, action := range []string{"user.create", "user.resetPassword", "user.update"} {
		if !strings.Contains(w.Body.String(), action) {
			t.Fatalf("audit lacks %s", action)
		}
	}

	// The cooling period protects while the people who can stop the
	// attack look; once it is over without anybody acting, the accounts
	// are ordinary staff again, still two of them (see docs/privacy.md).
	f.clock.advance(services.DefaultCoolingPeriod + time.Hour)
	if feed := f.staffingFeed(t, f.staffLogin(t, "mon@front-a.test", "").access); len(feed) != 4 || feed[0].Cooling {
		t.Fatalf("after the period the feed still shows cooling: %+v", feed)
	}
}

// TestIdentityReadRechecksBothPeople: an approved grant lets its holder read
// only while both people still stand: a reset of the approving lead, or the
// holder's move to another unit, stops the reading at once.
func TestIdentityReadRechecksBothPeople(t *testing.T) {
	f := newFixture(t)
	f.mkUser(t, "admin@x.test", services.RoleAdmin, "")
	lead := f.mkUser(t, "lead@a.test", services.RoleLead, "unit-a")
	f.mkUser(t, "insp@a.test", services.RoleInspector, "unit-a")
	admin, insp, leadS := f.staffLogin(t, "admin@x.test", ""), f.staffLogin(t, "insp@a.test", ""), f.staffLogin(t, "lead@a.test", "")
	_, caseID := f.routedReport(t, "unit-a", "front-a")
	base := "/api/v1/cases/" + caseID
	w := f.staffJSON(insp.access, http.MethodPost, base+"/custody", `{"reason":"Xác minh"}`)
	var g struct{ ID string }
	json.Unmarshal(w.Body.Bytes(), &g)
	if w := f.staffJSON(leadS.access, http.MethodPost, "/api/v1/custody/"+g.ID+"/decision", `{"approve":true}`); w.Code != http.StatusOK {
		t.Fatalf("approve: %d %s", w.Code, w.Body)
	}
	if w := f.staffGet(insp.access, base+"/identity"); w.Code != http.StatusOK {
		t.Fatalf("read: %d %s", w.Code, w.Body)
	}
	// The approving lead's password is reset: the grant no longer opens.
	if w := f.staffJSON(admin.access, http.MethodPost, "/api/v1/admin/users/"+lead.ID+"/reset-password", ``); w.Code != http.StatusOK {
		t.Fatalf("reset: %d", w.Code)
	}
	w = f.staffGet(insp.access, base+"/identity")
	if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), `"custody":"cooling"`) {
		t.Fatalf("read after the approver's reset: %d %s", w.Code, w.Body)
	}
}

// TestCustodyRequiresBothSecondFactors: where PORTAL_REQUIRE_2FA is on, an
// inspector without a second factor can neither ask nor read.
func TestCustodyRequiresBothSecondFactors(t *testing.T) {
	f := newFixture(t, func(o *fixtureOptions) { o.require2FA = true })
	f.mkUser(t, "insp@a.test", services.RoleInspector, "unit-a")
	insp := f.staffLogin(t, "insp@a.test", "")
	_, caseID := f.routedReport(t, "unit-a", "front-a")
	w := f.staffJSON(insp.access, http.MethodPost, "/api/v1/cases/"+caseID+"/custody", `{"reason":"Xác minh"}`)
	if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), `"custody":"second_factor"`) {
		t.Fatalf("request without a second factor: %d %s", w.Code, w.Body)
	}
	if w := f.staffGet(insp.access, "/api/v1/cases/"+caseID); !strings.Contains(w.Body.String(), `"requestCustody":false`) {
		t.Fatalf("the page offers custody: %s", w.Body)
	}
}

// TestTOTPEnrolmentAsksForPassword: a stolen access token alone cannot
// enrol a second factor of the thief's.
func TestTOTPEnrolmentAsksForPassword(t *testing.T) {
	f := newFixture(t)
	f.mkUser(t, "insp@a.test", services.RoleInspector, "unit-a")
	s := f.staffLogin(t, "insp@a.test", "")
	for name, body := range map[string]string{"none": ``, "empty": `{}`, "wrong": `{"password":"not-the-password-1234"}`} {
		w := f.staffJSON(s.access, http.MethodPost, "/api/v1/auth/totp/setup", body)
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `"password":"invalid"`) {
			t.Fatalf("setup with %s password: %d %s", name, w.Code, w.Body)
		}
	}
	if w := f.staffJSON(s.access, http.MethodPost, "/api/v1/auth/totp/setup", `{"password":"`+staffPassword+`"}`); w.Code != http.StatusOK ||
		!strings.Contains(w.Body.String(), "otpauth://") {
		t.Fatalf("setup with the password: %d %s", w.Code, w.Body)
	}
}

// TestAdminResetsSecondFactor: an admin removes a lost second factor; it
// is in the admin log, the account is cooling, the feed shows it, and
// nobody resets their own.
func TestAdminResetsSecondFactor(t *testing.T) {
	f := newFixture(t)
	f.mkUser(t, "admin@x.test", services.RoleAdmin, "")
	insp := f.mkUser(t, "insp@a.test", services.RoleInspector, "unit-a")
	f.mkUser(t, "lead@a.test", services.RoleLead, "unit-a")
	admin, lead := f.staffLogin(t, "admin@x.test", ""), f.staffLogin(t, "lead@a.test", "")
	s := f.staffLogin(t, "insp@a.test", "")
	w := f.staffJSON(s.access, http.MethodPost, "/api/v1/auth/totp/setup", `{"password":"`+staffPassword+`"}`)
	var setup struct{ Secret string }
	json.Unmarshal(w.Body.Bytes(), &setup)
	if w := f.staffJSON(s.access, http.MethodPost, "/api/v1/auth/totp/enable", `{"code":"`+totpNow(t, setup.Secret, f.clock.Now())+`"}`); w.Code != http.StatusOK {
		t.Fatalf("enable: %d %s", w.Code, w.Body)
	}
	if w := f.staffJSON(admin.access, http.MethodPost, "/api/v1/admin/users/"+admin.user.ID+"/reset-totp", ``); w.Code != http.StatusForbidden {
		t.Fatalf("admin resets their own second factor: %d", w.Code)
	}
	if w := f.staffJSON(lead.access, http.MethodPost, "/api/v1/admin/users/"+insp.ID+"/reset-totp", ``); w.Code != http.StatusForbidden {
		t.Fatalf("a lead resets a second factor: %d", w.Code)
	}
	w = f.staffJSON(admin.access, http.MethodPost, "/api/v1/admin/users/"+insp.ID+"/reset-totp", ``)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"totpEnabled":false`) {
		t.Fatalf("reset: %d %s", w.Code, w.Body)
	}
	// The old session ended; the password alone signs in again.
	if w := f.staffGet(s.access, "/api/v1/cases"); w.Code != http.StatusUnauthorized {
		t.Fatalf("the session survived the reset: %d", w.Code)
	}
	f.staffLogin(t, "insp@a.test", "")
	if w := f.staffGet(admin.access, "/api/v1/admin/audit"); !strings.Contains(w.Body.String(), "user.resetTOTP") {
		t.Fatalf("audit: %s", w.Body)
	}
	if feed := f.staffingFeed(t, lead.access); !hasEntry(feed, services.StaffingTOTPReset, "insp@a.test") {
		t.Fatalf("feed: %+v", feed)
	}
	u, _ := f.env.Store.FindUserByID(context.Background(), insp.ID)
	if !u.Cooling(f.clock.Now()) {
		t.Fatal("the account is not cooling")
	}
}

// TestAdminRoleRules: an admin account never takes a unit role; nobody
// changes their own role or unit; a unit account may become an admin (it
// leaves the unit, and the unit sees it).
func TestAdminRoleRules(t *testing.T) {
	f := newFixture(t)
	unitA := f.unit(t, "unit-a")
	f.mkUser(t, "admin@x.test", services.RoleAdmin, "")
	other := f.mkUser(t, "admin2@x.test", services.RoleAdmin, "")
	insp := f.mkUser(t, "insp@a.test", services.RoleInspector, "unit-a")
	f.mkUser(t, "lead@a.test", services.RoleLead, "unit-a")
	admin, lead := f.staffLogin(t, "admin@x.test", ""), f.staffLogin(t, "lead@a.test", "")
	if w := f.staffJSON(admin.access, http.MethodPatch, "/api/v1/admin/users/"+other.ID, `{"role":"inspector","unitId":"`+unitA+`"}`); w.Code != http.StatusForbidden {
		t.Fatalf("admin to inspector: %d %s", w.Code, w.Body)
	}
	if w := f.staffJSON(admin.access, http.MethodPatch, "/api/v1/admin/users/"+admin.user.ID, `{"role":"monitor","unitId":"`+unitA+`"}`); w.Code != http.StatusForbidden {
		t.Fatalf("own role: %d %s", w.Code, w.Body)
	}
	if w := f.staffJSON(admin.access, http.MethodPatch, "/api/v1/admin/users/"+admin.user.ID, `{"name":"Quản trị"}`); w.Code != http.StatusOK {
		t.Fatalf("own name: %d %s", w.Code, w.Body)
	}
	if w := f.staffJSON(admin.access, http.MethodPatch, "/api/v1/admin/users/"+insp.ID, `{"role":"admin","unitId":""}`); w.Code != http.StatusOK {
		t.Fatalf("inspector to admin: %d %s", w.Code, w.Body)
	}
	if feed := f.staffingFeed(t, lead.access); !hasEntry(feed, services.StaffingRoleChanged, "insp@a.test") {
		t.Fatalf("the unit does not see its inspector leave: %+v", feed)
	}
	// And back is refused: once an admin, never in a unit.
	if w := f.staffJSON(admin.access, http.MethodPatch, "/api/v1/admin/users/"+insp.ID, `{"role":"inspector","unitId":"`+unitA+`"}`); w.Code != http.StatusForbidden {
		t.Fatalf("back to inspector: %d %s", w.Code, w.Body)
	}
}

// TestAdminDisablesTheLeadsThenEnablesOneSilently plays an administrator
// who first disables a unit's real leads — so that nobody in the unit gets
// the staffing e-mail any more — and then enables a lead account again
// (one whose password it knows, say). Each step is in the unit's staffing
// feed and mailed to the supervising committee's monitors, even once the
// unit has no active lead left, and the account enabled again is cooling.
func TestAdminDisablesTheLeadsThenEnablesOneSilently(t *testing.T) {
	f := newFixture(t)
	f.unit(t, "unit-a")
	f.mkUser(t, "admin@x.test", services.RoleAdmin, "")
	lead1 := f.mkUser(t, "lead1@a.test", services.RoleLead, "unit-a")
	lead2 := f.mkUser(t, "lead2@a.test", services.RoleLead, "unit-a")
	f.mkUser(t, "insp@a.test", services.RoleInspector, "unit-a")
	f.mkUser(t, "mon@front-a.test", services.RoleMonitor, "front-a")
	admin, mon := f.staffLogin(t, "admin@x.test", ""), f.staffLogin(t, "mon@front-a.test", "")
	lead1s := f.staffLogin(t, "lead1@a.test", "")
	_, caseID := f.routedReport(t, "unit-a", "front-a")

	// Step 1: lead 2 is disabled. Lead 1 and the monitor see it and are
	// mailed.
	f.setActive(t, admin.access, lead2.ID, false)
	for who, tok := range map[string]string{"lead 1": lead1s.access, "monitor": mon.access} {
		if feed := f.staffingFeed(t, tok); !feedHas(feed, services.StaffingAccountDisabled, "lead2@a.test") {
			t.Fatalf("the %s does not see lead 2 disabled: %+v", who, feed)
		}
	}
	f.wantStaffingMails(t, "lead1@a.test", 1)
	f.wantStaffingMails(t, "mon@front-a.test", 1)

	// Step 2: lead 1, the last active lead, is disabled: the unit has no
	// active lead left, and the Front's monitor is still told.
	f.setActive(t, admin.access, lead1.ID, false)
	if feed := f.staffingFeed(t, mon.access); !feedHas(feed, services.StaffingAccountDisabled, "lead1@a.test") {
		t.Fatalf("the monitor does not see the last lead disabled: %+v", feed)
	}
	f.wantStaffingMails(t, "mon@front-a.test", 2)
	f.wantStaffingMails(t, "lead1@a.test", 1) // disabled now: no new e-mail

	// Step 3: lead 2 is enabled again. The monitor sees it and is mailed;
	// lead 2 is cooling, so it cannot approve the inspector's request.
	f.setActive(t, admin.access, lead2.ID, true)
	if feed := f.staffingFeed(t, mon.access); !hasEntry(feed, services.StaffingAccountEnabled, "lead2@a.test") {
		t.Fatalf("the monitor does not see lead 2 enabled again, cooling: %+v", feed)
	}
	f.wantStaffingMails(t, "mon@front-a.test", 3)
	f.wantStaffingMails(t, "lead2@a.test", 1) // its own enabling
	insp, lead2s := f.staffLogin(t, "insp@a.test", ""), f.staffLogin(t, "lead2@a.test", "")
	w := f.staffJSON(insp.access, http.MethodPost, "/api/v1/cases/"+caseID+"/custody", `{"reason":"Cần xác minh với người khiếu nại"}`)
	var g struct{ ID string }
	json.Unmarshal(w.Body.Bytes(), &g)
	if w.Code != http.StatusCreated {
		t.Fatalf("the inspector's request: %d %s", w.Code, w.Body)
	}
	if w := f.staffJSON(lead2s.access, http.MethodPost, "/api/v1/custody/"+g.ID+"/decision", `{"approve":true}`); w.Code != http.StatusForbidden ||
		!strings.Contains(w.Body.String(), `"custody":"cooling"`) {
		t.Fatalf("a lead just enabled again approved: %d %s", w.Code, w.Body)
	}
	// A change that sets active to what it already is changes nothing.
	f.setActive(t, admin.access, lead2.ID, true)
	f.wantStaffingMails(t, "mon@front-a.test", 3)
}
