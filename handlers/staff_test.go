package handlers_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base32"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"minhbach/internal/totp"
	"minhbach/services"
)

const staffPassword = "Thanh-tra-2026-an-toàn"

// unit returns the id of the test unit with code (created on first use):
// a Front committee when the code starts with "front", else an inspection
// unit.
func (f *fixture) unit(t testing.TB, code string) string {
	t.Helper()
	ctx := context.Background()
	sys := services.Actor{UserID: "test", Role: services.RoleAdmin}
	units, err := f.Org.ListUnits(ctx, sys)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range units {
		if u.Code == code {
			return u.ID
		}
	}
	typ := services.UnitInspection
	if strings.HasPrefix(code, "front") {
		typ = services.UnitFront
	}
	u, err := f.Org.CreateUnit(ctx, sys, services.Unit{Code: code, Name: services.Text{VI: code, EN: code}, Type: typ, AreaCodes: []string{"79"}, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// mkUser creates a staff account in the test unit with code unit.
func (f *fixture) mkUser(t testing.TB, email string, role services.Role, unit string) services.User {
	t.Helper()
	if unit != "" {
		unit = f.unit(t, unit)
	}
	u, err := f.Staff.CreateUser(context.Background(), nil, services.CreateUserInput{Email: email, Name: email, Role: role, UnitID: unit, Password: staffPassword})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

type session struct {
	access  string
	refresh *http.Cookie
	user    struct {
		ID, Role, UnitID string
	}
}

func (f *fixture) postAuth(path string, body any, cookie *http.Cookie, hdr ...string) *httptest.ResponseRecorder {
	b, _ := json.Marshal(body)
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if cookie != nil {
		req.AddCookie(cookie)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, req)
	return w
}

func refreshCookieOf(w *httptest.ResponseRecorder) *http.Cookie {
	for _, c := range w.Result().Cookies() {
		if c.Name == "mb_refresh" {
			return c
		}
	}
	return nil
}

func (f *fixture) staffLogin(t testing.TB, email, totp string) session {
	t.Helper()
	w := f.postAuth("/api/v1/auth/login", map[string]string{"email": email, "password": staffPassword, "totp": totp}, nil)
	if w.Code != http.StatusOK {
		t.Fatalf("login %s: %d %s", email, w.Code, w.Body)
	}
	var out struct {
		AccessToken string
		User        struct{ ID, Role, UnitID string }
	}
	json.Unmarshal(w.Body.Bytes(), &out)
	if out.AccessToken == "" {
		t.Fatalf("login %s gave no access token: %s", email, w.Body)
	}
	return session{access: out.AccessToken, refresh: refreshCookieOf(w), user: out.User}
}

func (f *fixture) staffGet(token, path string) *httptest.ResponseRecorder {
	return f.do(http.MethodGet, path, "", nil, "Authorization", "Bearer "+token)
}

func TestStaffLoginAndPasswordPolicy(t *testing.T) {
	f := newFixture(t)
	f.mkUser(t, "thanhtra@unit.test", services.RoleInspector, "unit-a")
	unknown := f.postAuth("/api/v1/auth/login", map[string]string{"email": "nobody@unit.test", "password": staffPassword}, nil)
	wrong := f.postAuth("/api/v1/auth/login", map[string]string{"email": "thanhtra@unit.test", "password": "not the password"}, nil)
	if unknown.Code != http.StatusUnauthorized || wrong.Code != http.StatusUnauthorized || unknown.Body.String() != wrong.Body.String() {
		t.Fatalf("unknown %d %s / wrong %d %s", unknown.Code, unknown.Body, wrong.Code, wrong.Body)
	}
	s := f.staffLogin(t, "THANHTRA@unit.test", "")
	if s.user.Role != "inspector" || s.user.UnitID != f.unit(t, "unit-a") || s.refresh == nil {
		t.Fatalf("session = %+v", s)
	}
	c := s.refresh
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/api/v1/auth" || !c.Secure {
		t.Fatalf("refresh cookie attributes: %+v", c)
	}
	if w := f.staffGet(s.access, "/api/v1/auth/me"); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "thanhtra@unit.test") {
		t.Fatalf("me: %d %s", w.Code, w.Body)
	}
	for _, bad := range []string{"short", "password1234", "matkhau123456", "Qwertyuiop12"} {
		_, err := f.Staff.CreateUser(context.Background(), nil, services.CreateUserInput{Email: "x@unit.test", Name: "X", Role: services.RoleInspector, UnitID: f.unit(t, "unit-a"), Password: bad})
		if !services.IsCode(err, services.CodeInvalid) {
			t.Errorf("password %q accepted: %v", bad, err)
		}
	}
	if strings.Contains(f.logs.String(), staffPassword) {
		t.Fatal("a password was logged")
	}
}

func TestLoginBackoff(t *testing.T) {
	f := newFixture(t)
	f.mkUser(t, "lead@unit.test", services.RoleLead, "unit-a")
	for i := range services.AccountClientThrottlePolicy.Free {
		if w := f.postAuth("/api/v1/auth/login", map[string]string{"email": "lead@unit.test", "password": "wrong-password-123"}, nil); w.Code != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i, w.Code)
		}
	}
	w := f.postAuth("/api/v1/auth/login", map[string]string{"email": "lead@unit.test", "password": "wrong-password-123"}, nil)
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" {
		t.Fatalf("past the free failures: %d", w.Code)
	}
	if w := f.postAuth("/api/v1/auth/login", map[string]string{"email": "lead@unit.test", "password": staffPassword}, nil); w.Code != http.StatusTooManyRequests {
		t.Fatalf("right password while locked: %d", w.Code)
	}
}

// loginFrom signs in from the client address remote.
func (f *fixture) loginFrom(email, password, remote string) *httptest.ResponseRecorder {
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	r := httptest.NewRequest(http.MethodPost, "/api/v1/auth/login", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.RemoteAddr = remote
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, r)
	return w
}

// TestLoginFailuresBehindSharedNATLockOutNoColleague: thirty failed
// sign-ins from one address (a carrier NAT, an office proxy) on other
// accounts do not lock out a colleague behind the same address.
func TestLoginFailuresBehindSharedNATLockOutNoColleague(t *testing.T) {
	f := newFixture(t)
	f.mkUser(t, "lead@unit.test", services.RoleLead, "unit-a")
	const nat = "198.51.100.7:4000"
	for i := range 30 {
		w := f.loginFrom(fmt.Sprintf("someone%d@unit.test", i%10), "wrong-password-123", nat)
		if w.Code != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d %s", i, w.Code, w.Body)
		}
	}
	if w := f.loginFrom("lead@unit.test", staffPassword, nat); w.Code != http.StatusOK {
		t.Fatalf("a colleague behind the same address: %d %s", w.Code, w.Body)
	}
}

// TestLoginAccountLockedAcrossClients: a guesser spreading over many
// addresses still meets the account's own lock.
func TestLoginAccountLockedAcrossClients(t *testing.T) {
	f := newFixture(t)
	f.mkUser(t, "lead@unit.test", services.RoleLead, "unit-a")
	for i := range services.AccountThrottlePolicy.Free {
		if w := f.loginFrom("lead@unit.test", "wrong-password-123", fmt.Sprintf("198.51.100.%d:1", i+1)); w.Code != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i, w.Code)
		}
	}
	if w := f.loginFrom("lead@unit.test", "wrong-password-123", "198.51.100.99:1"); w.Code != http.StatusTooManyRequests {
		t.Fatalf("past the account's free failures: %d", w.Code)
	}
}

func TestRefreshRotationAndReuse(t *testing.T) {
	f := newFixture(t)
	f.mkUser(t, "a@unit.test", services.RoleInspector, "unit-a")
	s := f.staffLogin(t, "a@unit.test", "")
	first := s.refresh
	w := f.postAuth("/api/v1/auth/refresh", nil, first)
	if w.Code != http.StatusOK {
		t.Fatalf("refresh: %d %s", w.Code, w.Body)
	}
	second := refreshCookieOf(w)
	if second == nil || second.Value == first.Value {
		t.Fatal("the refresh token was not rotated")
	}
	// The first token again: reuse. The whole family is revoked.
	if w := f.postAuth("/api/v1/auth/refresh", nil, first); w.Code != http.StatusUnauthorized {
		t.Fatalf("reused refresh token: %d", w.Code)
	}
	if w := f.postAuth("/api/v1/auth/refresh", nil, second); w.Code != http.StatusUnauthorized {
		t.Fatalf("the rotated token survived a reuse of its family: %d", w.Code)
	}
	if !strings.Contains(f.logs.String(), "refresh token reused") || strings.Contains(f.logs.String(), first.Value) {
		t.Fatalf("reuse not logged (or token logged): %s", f.logs.String())
	}
	// Logout ends the sign-in.
	s = f.staffLogin(t, "a@unit.test", "")
	if w := f.postAuth("/api/v1/auth/logout", nil, s.refresh); w.Code != http.StatusNoContent {
		t.Fatalf("logout: %d", w.Code)
	}
	if w := f.postAuth("/api/v1/auth/refresh", nil, s.refresh); w.Code != http.StatusUnauthorized {
		t.Fatalf("refresh after logout: %d", w.Code)
	}
}

func TestRevocationTakesEffectAtOnce(t *testing.T) {
	f := newFixture(t)
	admin := f.mkUser(t, "admin@unit.test", services.RoleAdmin, "")
	insp := f.mkUser(t, "insp@unit.test", services.RoleInspector, "unit-a")
	ctx := context.Background()
	// A report routed to unit-a.
	_, a := f.submitFiles(t, validFeedback)
	c, _ := f.env.Store.FindCaseByTrackingCode(ctx, a.TrackingCode)
	if _, err := f.env.Client.Database(f.env.Database).Collection("cases").UpdateByID(ctx, mustOID(t, c.ID),
		map[string]any{"$set": map[string]any{"unitId": f.unit(t, "unit-a")}}); err != nil {
		t.Fatal(err)
	}
	s := f.staffLogin(t, "insp@unit.test", "")
	if w := f.staffGet(s.access, "/api/v1/cases"); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), a.TrackingCode) {
		t.Fatalf("own unit's queue: %d %s", w.Code, w.Body)
	}
	adminActor := services.Actor{UserID: admin.ID, Role: services.RoleAdmin}
	unitB := f.unit(t, "unit-b")
	if _, err := f.Staff.UpdateUser(ctx, adminActor, insp.ID, services.UpdateUserInput{UnitID: &unitB}); err != nil {
		t.Fatal(err)
	}
	if w := f.staffGet(s.access, "/api/v1/cases"); w.Code != http.StatusUnauthorized {
		t.Fatalf("token issued before the unit change: %d", w.Code)
	}
	s = f.staffLogin(t, "insp@unit.test", "")
	if w := f.staffGet(s.access, "/api/v1/cases"); w.Code != http.StatusOK || strings.Contains(w.Body.String(), a.TrackingCode) {
		t.Fatalf("queue after moving to unit-b: %d %s", w.Code, w.Body)
	}
	off := false
	if _, err := f.Staff.UpdateUser(ctx, adminActor, insp.ID, services.UpdateUserInput{Active: &off}); err != nil {
		t.Fatal(err)
	}
	if w := f.staffGet(s.access, "/api/v1/auth/me"); w.Code != http.StatusUnauthorized {
		t.Fatalf("disabled user: %d", w.Code)
	}
	if w := f.postAuth("/api/v1/auth/refresh", nil, s.refresh); w.Code != http.StatusUnauthorized {
		t.Fatalf("disabled user's refresh: %d", w.Code)
	}
	if w := f.postAuth("/api/v1/auth/login", map[string]string{"email": "insp@unit.test", "password": staffPassword}, nil); w.Code != http.StatusUnauthorized {
		t.Fatalf("disabled user's login: %d", w.Code)
	}
}

func totpNow(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		t.Fatal(err)
	}
	return totp.Code(raw, at)
}

func TestTOTPEnrolmentAndLogin(t *testing.T) {
	f := newFixture(t, func(o *fixtureOptions) { o.require2FA = true })
	f.mkUser(t, "lead@unit.test", services.RoleLead, "unit-a")
	w := f.postAuth("/api/v1/auth/login", map[string]string{"email": "lead@unit.test", "password": staffPassword}, nil)
	var lr struct {
		AccessToken           string
		TOTPEnrolmentRequired bool `json:"totpEnrolmentRequired"`
		EnrolmentToken        string
	}
	json.Unmarshal(w.Body.Bytes(), &lr)
	if w.Code != http.StatusOK || !lr.TOTPEnrolmentRequired || lr.AccessToken != "" || refreshCookieOf(w) != nil {
		t.Fatalf("lead without 2FA: %d %s", w.Code, w.Body)
	}
	// The enrolment token opens nothing but enrolment.
	if w := f.staffGet(lr.EnrolmentToken, "/api/v1/cases"); w.Code != http.StatusUnauthorized {
		t.Fatalf("enrolment token on a staff route: %d", w.Code)
	}
	w = f.postAuth("/api/v1/auth/totp/setup", nil, nil, "Authorization", "Bearer "+lr.EnrolmentToken)
	var setup struct{ Secret, OtpauthURL, QrDataURL string }
	json.Unmarshal(w.Body.Bytes(), &setup)
	if w.Code != http.StatusOK || !strings.HasPrefix(setup.QrDataURL, "data:image/png;base64,") || !strings.HasPrefix(setup.OtpauthURL, "otpauth://totp/") {
		t.Fatalf("setup: %d %s", w.Code, w.Body)
	}
	if w := f.postAuth("/api/v1/auth/totp/enable", map[string]string{"code": "000000"}, nil, "Authorization", "Bearer "+lr.EnrolmentToken); w.Code != http.StatusBadRequest {
		t.Fatalf("wrong first code: %d", w.Code)
	}
	w = f.postAuth("/api/v1/auth/totp/enable", map[string]string{"code": totpNow(t, setup.Secret, f.clock.Now())}, nil, "Authorization", "Bearer "+lr.EnrolmentToken)
	var en struct {
		RecoveryCodes []string
		AccessToken   string
	}
	json.Unmarshal(w.Body.Bytes(), &en)
	if w.Code != http.StatusOK || len(en.RecoveryCodes) != 10 || en.AccessToken == "" || refreshCookieOf(w) == nil {
		t.Fatalf("enable: %d %s", w.Code, w.Body)
	}
	// From now on a code is required, used once.
	w = f.postAuth("/api/v1/auth/login", map[string]string{"email": "lead@unit.test", "password": staffPassword}, nil)
	if w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), `"totp":"required"`) {
		t.Fatalf("login without code: %d %s", w.Code, w.Body)
	}
	f.clock.advance(time.Minute) // the enrolment code's step is used
	code := totpNow(t, setup.Secret, f.clock.Now())
	f.staffLogin(t, "lead@unit.test", code)
	if w := f.postAuth("/api/v1/auth/login", map[string]string{"email": "lead@unit.test", "password": staffPassword, "totp": code}, nil); w.Code != http.StatusUnauthorized {
		t.Fatalf("replayed code: %d", w.Code)
	}
	// The previous step's code is still inside the drift window, but a step
	// not later than the last one used is refused; the next step's is not.
	earlier := totpNow(t, setup.Secret, f.clock.Now().Add(-30*time.Second))
	if w := f.postAuth("/api/v1/auth/login", map[string]string{"email": "lead@unit.test", "password": staffPassword, "totp": earlier}, nil); w.Code != http.StatusUnauthorized {
		t.Fatalf("code of the step before the last one used: %d", w.Code)
	}
	f.staffLogin(t, "lead@unit.test", totpNow(t, setup.Secret, f.clock.Now().Add(30*time.Second)))
	f.staffLogin(t, "lead@unit.test", en.RecoveryCodes[3])
	if w := f.postAuth("/api/v1/auth/login", map[string]string{"email": "lead@unit.test", "password": staffPassword, "totp": en.RecoveryCodes[3]}, nil); w.Code != http.StatusUnauthorized {
		t.Fatalf("recovery code used twice: %d", w.Code)
	}
}

func TestStaffTokenAttacks(t *testing.T) {
	f := newFixture(t)
	u := f.mkUser(t, "insp@unit.test", services.RoleInspector, "unit-a")
	s := f.staffLogin(t, "insp@unit.test", "")
	if w := f.staffGet(s.access, "/api/v1/cases"); w.Code != http.StatusOK {
		t.Fatalf("valid token: %d", w.Code)
	}
	key := bytes.Repeat([]byte{3, 5}, 16) // the fixture's key
	now := f.clock.Now()
	var issued jwt.MapClaims
	if _, _, err := jwt.NewParser().ParseUnverified(s.access, &issued); err != nil || issued["sid"] == nil {
		t.Fatalf("the access token names no sign-in: %v %v", issued, err)
	}
	claims := func() jwt.MapClaims {
		return jwt.MapClaims{"iss": "minhbach", "aud": "staff", "sub": u.ID, "role": "inspector", "unit": u.UnitID, "ver": 1,
			"sid": issued["sid"], "exp": now.Add(time.Minute).Unix(), "iat": now.Unix(), "nbf": now.Unix()}
	}
	sign := func(m jwt.SigningMethod, k any, c jwt.MapClaims) string {
		tk := jwt.NewWithClaims(m, c)
		tk.Header["kid"] = "hs-test"
		out, err := tk.SignedString(k)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if good := sign(jwt.SigningMethodHS256, key, claims()); f.staffGet(good, "/api/v1/cases").Code != http.StatusOK {
		t.Fatal("a correctly forged-by-us token is refused: the attack table below proves nothing")
	}
	_, edPriv, _ := ed25519.GenerateKey(nil)
	mod := func(k string, v any) jwt.MapClaims { c := claims(); c[k] = v; return c }
	del := func(k string) jwt.MapClaims { c := claims(); delete(c, k); return c }
	parts := strings.Split(s.access, ".")
	citizen, _, _ := f.tokens.IssueCitizen(u.ID)
	attacks := map[string]string{
		"alg none":               sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims()),
		"EdDSA-signed":           sign(jwt.SigningMethodEdDSA, edPriv, claims()),
		"HS256 with another key": sign(jwt.SigningMethodHS256, bytes.Repeat([]byte{9}, 32), claims()),
		"missing exp":            sign(jwt.SigningMethodHS256, key, del("exp")),
		"expired":                sign(jwt.SigningMethodHS256, key, mod("exp", now.Add(-time.Minute).Unix())),
		"wrong issuer":           sign(jwt.SigningMethodHS256, key, mod("iss", "other-portal")),
		"citizen audience":       sign(jwt.SigningMethodHS256, key, mod("aud", "citizen")),
		"role raised":            sign(jwt.SigningMethodHS256, key, mod("role", "admin")),
		"no sign-in":             sign(jwt.SigningMethodHS256, key, del("sid")),
		"unknown sign-in":        sign(jwt.SigningMethodHS256, key, mod("sid", "0123456789abcdef01234567")),
		"tampered payload":       parts[0] + "." + strings.TrimRight(parts[1], "=") + "x." + parts[2],
		"citizen token":          citizen,
	}
	for name, tok := range attacks {
		if w := f.staffGet(tok, "/api/v1/cases"); w.Code != http.StatusUnauthorized {
			t.Errorf("%s: %d", name, w.Code)
		}
	}
	// A staff token on a citizen route is refused too.
	if w := f.do(http.MethodGet, "/api/v1/track", "", nil, "Authorization", "Bearer "+s.access); w.Code != http.StatusUnauthorized {
		t.Fatalf("staff token on a citizen route: %d", w.Code)
	}
}

func TestAdminManagesUsers(t *testing.T) {
	f := newFixture(t)
	f.mkUser(t, "admin@unit.test", services.RoleAdmin, "")
	admin := f.staffLogin(t, "admin@unit.test", "")
	inspection, front := f.unit(t, "unit-a"), f.unit(t, "front-a")
	post := func(body string) *httptest.ResponseRecorder {
		return f.do(http.MethodPost, "/api/v1/admin/users", "application/json", strings.NewReader(body), "Authorization", "Bearer "+admin.access)
	}
	for name, body := range map[string]string{
		"unknown unit":           `{"email":"x@unit.test","name":"X","role":"inspector","unitId":"nope","password":"` + staffPassword + `"}`,
		"monitor in a unit":      `{"email":"x@unit.test","name":"X","role":"monitor","unitId":"` + inspection + `","password":"` + staffPassword + `"}`,
		"inspector in the Front": `{"email":"x@unit.test","name":"X","role":"inspector","unitId":"` + front + `","password":"` + staffPassword + `"}`,
		"admin with a unit":      `{"email":"x@unit.test","name":"X","role":"admin","unitId":"` + inspection + `","password":"` + staffPassword + `"}`,
		"common password":        `{"email":"x@unit.test","name":"X","role":"inspector","unitId":"` + inspection + `","password":"password1234"}`,
	} {
		if w := post(body); w.Code != http.StatusBadRequest {
			t.Errorf("%s: %d %s", name, w.Code, w.Body)
		}
	}
	w := post(`{"email":"New.Inspector@Unit.test","name":"Thanh tra mới","role":"inspector","unitId":"` + inspection + `","password":"` + staffPassword + `"}`)
	if w.Code != http.StatusCreated || w.Header().Get("Location") == "" {
		t.Fatalf("create: %d %s", w.Code, w.Body)
	}
	var u struct{ ID, Email string }
	json.Unmarshal(w.Body.Bytes(), &u)
	if u.Email != "new.inspector@unit.test" {
		t.Fatalf("e-mail not normalised: %s", u.Email)
	}
	if w := post(`{"email":"new.inspector@unit.test","name":"X","role":"inspector","unitId":"` + inspection + `","password":"` + staffPassword + `"}`); w.Code != http.StatusConflict {
		t.Fatalf("duplicate e-mail: %d", w.Code)
	}
	w = f.do(http.MethodPost, "/api/v1/admin/users/"+u.ID+"/reset-password", "application/json", nil, "Authorization", "Bearer "+admin.access)
	var reset struct{ TemporaryPassword string }
	json.Unmarshal(w.Body.Bytes(), &reset)
	if w.Code != http.StatusOK || len(reset.TemporaryPassword) < 12 {
		t.Fatalf("reset: %d %s", w.Code, w.Body)
	}
	// The temporary password opens only the change of password
	// (TestAdminCannotUnmaskAComplainantAlone covers it step by step).
	w = f.postAuth("/api/v1/auth/login", map[string]string{"email": "new.inspector@unit.test", "password": reset.TemporaryPassword}, nil)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"passwordChangeRequired":true`) || strings.Contains(w.Body.String(), "accessToken") {
		t.Fatalf("login with the temporary password: %d %s", w.Code, w.Body)
	}
	var temp struct{ PasswordToken string }
	json.Unmarshal(w.Body.Bytes(), &temp)
	if w := f.staffGet(temp.PasswordToken, "/api/v1/cases"); w.Code != http.StatusUnauthorized {
		t.Fatalf("temporary password opened the queue: %d %s", w.Code, w.Body)
	}
	w = f.do(http.MethodPost, "/api/v1/auth/password", "application/json",
		strings.NewReader(`{"currentPassword":"`+reset.TemporaryPassword+`","newPassword":"Một-mật-khẩu-mới-2026"}`), "Authorization", "Bearer "+temp.PasswordToken)
	if w.Code != http.StatusNoContent {
		t.Fatalf("change after reset: %d %s", w.Code, w.Body)
	}
	if w := f.do(http.MethodPost, "/api/v1/auth/password", "application/json",
		strings.NewReader(`{"currentPassword":"Một-mật-khẩu-mới-2026","newPassword":"Một-mật-khẩu-mới-2027"}`), "Authorization", "Bearer "+temp.PasswordToken); w.Code != http.StatusUnauthorized {
		t.Fatalf("the password token after the change: %d", w.Code)
	}
	w = f.staffGet(admin.access, "/api/v1/admin/audit")
	for _, action := range []string{"user.create", "user.resetPassword"} {
		if !strings.Contains(w.Body.String(), action) {
			t.Fatalf("audit lacks %s: %s", action, w.Body)
		}
	}
	if strings.Contains(w.Body.String(), reset.TemporaryPassword) || strings.Contains(w.Body.String(), staffPassword) {
		t.Fatal("a password is in the audit log")
	}
}
