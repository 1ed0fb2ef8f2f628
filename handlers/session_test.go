package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"minhbach/services"
)

// TestLogoutEndsAccessTokenAtOnce: after a logout, the access token of that
// sign-in is refused at once, not when it expires 15 minutes later; other
// sign-ins of the same person go on.
func TestLogoutEndsAccessTokenAtOnce(t *testing.T) {
	f := newFixture(t)
	f.mkUser(t, "a@unit.test", services.RoleInspector, "unit-a")
	s := f.staffLogin(t, "a@unit.test", "")
	other := f.staffLogin(t, "a@unit.test", "")
	if w := f.staffGet(s.access, "/api/v1/cases"); w.Code != http.StatusOK {
		t.Fatalf("before logout: %d", w.Code)
	}
	if w := f.postAuth("/api/v1/auth/logout", map[string]any{}, s.refresh); w.Code != http.StatusNoContent {
		t.Fatalf("logout: %d %s", w.Code, w.Body)
	}
	for _, path := range []string{"/api/v1/cases", "/api/v1/auth/me"} {
		if w := f.staffGet(s.access, path); w.Code != http.StatusUnauthorized {
			t.Errorf("access token after logout on %s: %d", path, w.Code)
		}
	}
	if w := f.staffGet(other.access, "/api/v1/cases"); w.Code != http.StatusOK {
		t.Fatalf("another sign-in of the same person was ended too: %d", w.Code)
	}
}

// TestRefreshReuseEndsAccessTokens: presenting a used refresh token ends
// the whole sign-in, including every access token it issued (the thief's
// and the victim's), at once.
func TestRefreshReuseEndsAccessTokens(t *testing.T) {
	f := newFixture(t)
	f.mkUser(t, "a@unit.test", services.RoleInspector, "unit-a")
	s := f.staffLogin(t, "a@unit.test", "")
	w := f.postAuth("/api/v1/auth/refresh", map[string]any{}, s.refresh)
	if w.Code != http.StatusOK {
		t.Fatalf("refresh: %d %s", w.Code, w.Body)
	}
	rotated := sessionOf(t, w)
	if w := f.staffGet(rotated.access, "/api/v1/cases"); w.Code != http.StatusOK {
		t.Fatalf("rotated access token: %d", w.Code)
	}
	if w := f.postAuth("/api/v1/auth/refresh", map[string]any{}, s.refresh); w.Code != http.StatusUnauthorized {
		t.Fatalf("reused refresh token: %d", w.Code)
	}
	for name, tok := range map[string]string{"first": s.access, "rotated": rotated.access} {
		if w := f.staffGet(tok, "/api/v1/cases"); w.Code != http.StatusUnauthorized {
			t.Errorf("%s access token after reuse was detected: %d", name, w.Code)
		}
	}
}

// TestLogoutOnOneInstanceEndsTokenOnAnother: two portal processes on one
// database; a token just used on the first is refused there right after
// the sign-in ended on the second (no cache lets it through).
func TestLogoutOnOneInstanceEndsTokenOnAnother(t *testing.T) {
	a := newFixture(t)
	b := newFixture(t, func(o *fixtureOptions) { o.store = a.env.Store })
	a.mkUser(t, "a@unit.test", services.RoleInspector, "unit-a")
	s := a.staffLogin(t, "a@unit.test", "")
	if w := a.staffGet(s.access, "/api/v1/auth/me"); w.Code != http.StatusOK {
		t.Fatalf("instance a: %d", w.Code)
	}
	if w := b.staffGet(s.access, "/api/v1/auth/me"); w.Code != http.StatusOK {
		t.Fatalf("instance b: %d", w.Code)
	}
	if w := b.postAuth("/api/v1/auth/logout", map[string]any{}, s.refresh); w.Code != http.StatusNoContent {
		t.Fatalf("logout on b: %d", w.Code)
	}
	if w := a.staffGet(s.access, "/api/v1/auth/me"); w.Code != http.StatusUnauthorized {
		t.Fatalf("instance a still honours a token whose sign-in ended on b: %d", w.Code)
	}
}

// sessionOf reads the session a login or refresh answer grants.
func sessionOf(t *testing.T, w *httptest.ResponseRecorder) session {
	t.Helper()
	var out struct {
		AccessToken string
		User        struct{ ID, Role, UnitID string }
	}
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil || out.AccessToken == "" {
		t.Fatalf("no session in %s", w.Body)
	}
	return session{access: out.AccessToken, refresh: refreshCookieOf(w), user: out.User}
}

// TestUnitChangeOnOneInstanceRefusesTokenOnAnother: an inspector moved to
// another unit on one portal instance loses the old unit's queue on the
// other at once; no cached user record honours the old token meanwhile.
func TestUnitChangeOnOneInstanceRefusesTokenOnAnother(t *testing.T) {
	a := newFixture(t)
	b := newFixture(t, func(o *fixtureOptions) { o.store = a.env.Store })
	admin := a.mkUser(t, "admin@unit.test", services.RoleAdmin, "")
	insp := a.mkUser(t, "insp@unit.test", services.RoleInspector, "unit-a")
	s := a.staffLogin(t, "insp@unit.test", "")
	if w := a.staffGet(s.access, "/api/v1/cases"); w.Code != http.StatusOK {
		t.Fatalf("instance a: %d", w.Code)
	}
	unitB := a.unit(t, "unit-b")
	if _, err := b.Staff.UpdateUser(context.Background(), services.Actor{UserID: admin.ID, Role: services.RoleAdmin}, insp.ID,
		services.UpdateUserInput{UnitID: &unitB}); err != nil {
		t.Fatal(err)
	}
	if w := a.staffGet(s.access, "/api/v1/cases"); w.Code != http.StatusUnauthorized {
		t.Fatalf("instance a honours a token issued before the unit change made on b: %d", w.Code)
	}
}

// postCookie posts to a cookie route as a browser would, with the given
// Host, Content-Type (none when empty) and further headers.
func (f *fixture) postCookie(path string, cookie *http.Cookie, host, contentType string, hdr ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader("{}"))
	req.Host = host
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
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

// TestRefreshCookieSecureBehindProxy: behind a reverse proxy that sends
// Host: 127.0.0.1 (or localhost), the refresh cookie keeps its Secure flag:
// it is decided by the configuration, not by the client's Host header.
func TestRefreshCookieSecureBehindProxy(t *testing.T) {
	f := newFixture(t)
	f.mkUser(t, "a@unit.test", services.RoleInspector, "unit-a")
	s := f.staffLogin(t, "a@unit.test", "")
	for _, host := range []string{"127.0.0.1:8080", "localhost", "[::1]:8080"} {
		w := f.postCookie("/api/v1/auth/refresh", s.refresh, host, "application/json")
		c := refreshCookieOf(w)
		if w.Code != http.StatusOK || c == nil || !c.Secure {
			t.Fatalf("refresh with Host %s: %d, cookie %+v", host, w.Code, c)
		}
		s.refresh = c
		if w := f.postCookie("/api/v1/auth/logout", s.refresh, host, "application/json"); w.Code != http.StatusNoContent {
			t.Fatalf("logout with Host %s: %d", host, w.Code)
		} else if c := refreshCookieOf(w); c == nil || !c.Secure {
			t.Fatalf("logout with Host %s cleared the cookie without Secure: %+v", host, c)
		}
		s = f.staffLogin(t, "a@unit.test", "")
	}
}

// TestCookieRoutesRefuseCrossSite: the routes that act on the refresh
// cookie alone refuse a request another site made (Origin, Sec-Fetch-Site)
// and any body that is not JSON (a form post needs no preflight), with the
// usual error shape; a same-origin JSON request still works.
func TestCookieRoutesRefuseCrossSite(t *testing.T) {
	f := newFixture(t)
	f.mkUser(t, "a@unit.test", services.RoleInspector, "unit-a")
	s := f.staffLogin(t, "a@unit.test", "")
	for _, path := range []string{"/api/v1/auth/refresh", "/api/v1/auth/logout"} {
		for name, tc := range map[string]struct {
			ctype  string
			hdr    []string
			status int
			code   string
		}{
			"cross-site origin":       {"application/json", []string{"Origin", "https://evil.example"}, http.StatusForbidden, "forbidden"},
			"null origin":             {"application/json", []string{"Origin", "null"}, http.StatusForbidden, "forbidden"},
			"origin of another port":  {"application/json", []string{"Origin", "https://portal.example:8443"}, http.StatusForbidden, "forbidden"},
			"sec-fetch-site cross":    {"application/json", []string{"Sec-Fetch-Site", "cross-site"}, http.StatusForbidden, "forbidden"},
			"sec-fetch-site sibling":  {"application/json", []string{"Sec-Fetch-Site", "same-site"}, http.StatusForbidden, "forbidden"},
			"form post":               {"application/x-www-form-urlencoded", nil, http.StatusUnsupportedMediaType, "unsupported"},
			"text/plain":              {"text/plain", []string{"Sec-Fetch-Site", "same-origin"}, http.StatusUnsupportedMediaType, "unsupported"},
			"multipart":               {"multipart/form-data; boundary=x", nil, http.StatusUnsupportedMediaType, "unsupported"},
			"no content type":         {"", nil, http.StatusUnsupportedMediaType, "unsupported"},
			"json lookalike":          {"application/jsonx", nil, http.StatusUnsupportedMediaType, "unsupported"},
			"same-origin but foreign": {"application/json", []string{"Sec-Fetch-Site", "same-origin", "Origin", "https://evil.example"}, http.StatusForbidden, "forbidden"},
		} {
			w := f.postCookie(path, s.refresh, "portal.example", tc.ctype, tc.hdr...)
			if w.Code != tc.status {
				t.Errorf("%s %s: %d, want %d", path, name, w.Code, tc.status)
				continue
			}
			if e := decodeError(t, w); e.Error.Code != tc.code {
				t.Errorf("%s %s: code %s", path, name, e.Error.Code)
			}
			if refreshCookieOf(w) != nil {
				t.Errorf("%s %s: the refused request touched the cookie", path, name)
			}
		}
	}
	// The refused requests neither rotated nor ended the sign-in.
	w := f.postCookie("/api/v1/auth/refresh", s.refresh, "portal.example", "application/json; charset=utf-8",
		"Origin", "https://portal.example", "Sec-Fetch-Site", "same-origin")
	if w.Code != http.StatusOK {
		t.Fatalf("same-origin refresh: %d %s", w.Code, w.Body)
	}
	if w := f.postCookie("/api/v1/auth/logout", refreshCookieOf(w), "portal.example", "application/json", "Origin", "https://portal.example"); w.Code != http.StatusNoContent {
		t.Fatalf("same-origin logout: %d %s", w.Code, w.Body)
	}
}

// TestRequestIDFromClientRefused: a client cannot choose the request id
// that the logs and the answer carry (log forging, correlation); only a
// trusted proxy's X-Request-ID is kept.
func TestRequestIDFromClientRefused(t *testing.T) {
	const chosen = "attacker-chosen-id-0001"
	f := newFixture(t)
	w := f.do(http.MethodGet, "/api/v1/meta", "", nil, "X-Request-ID", chosen)
	if got := w.Header().Get("X-Request-ID"); got == chosen || len(got) < 16 {
		t.Fatalf("untrusted client's request id: %q", got)
	}
	if strings.Contains(f.logs.String(), chosen) {
		t.Fatal("the client's request id reached the log")
	}
	p := newFixture(t, func(o *fixtureOptions) { o.trustedProxies = []string{"192.0.2.0/24"} }) // httptest's RemoteAddr
	if got := p.do(http.MethodGet, "/api/v1/meta", "", nil, "X-Request-ID", chosen).Header().Get("X-Request-ID"); got != chosen {
		t.Fatalf("trusted proxy's request id was replaced: %q", got)
	}
	q := newFixture(t, func(o *fixtureOptions) { o.trustedProxies = []string{"10.0.0.1"} })
	if got := q.do(http.MethodGet, "/api/v1/meta", "", nil, "X-Request-ID", chosen).Header().Get("X-Request-ID"); got == chosen {
		t.Fatal("a request id from an address that is not the trusted proxy was kept")
	}
}

// TestQueueFilterNULAndInvalidUTF8 : a NUL byte or invalid UTF-8 in the
// queue's text or office filter is a 400 naming the field, not a 500 from
// the database, and the filter's text never reaches the log.
func TestQueueFilterNULAndInvalidUTF8(t *testing.T) {
	f := newFixture(t)
	f.mkUser(t, "a@unit.test", services.RoleInspector, "unit-a")
	s := f.staffLogin(t, "a@unit.test", "")
	for _, param := range []string{"q", "office"} {
		for name, value := range map[string]string{
			"NUL":            "secretmarker%00tail",
			"invalid UTF-8":  "secretmarker%FF%FE",
			"lone surrogate": "secretmarker%ED%A0%80",
		} {
			w := f.staffGet(s.access, "/api/v1/cases?"+param+"="+value)
			if w.Code != http.StatusBadRequest {
				t.Errorf("%s with %s: %d %s", param, name, w.Code, w.Body)
				continue
			}
			if e := decodeError(t, w); e.Error.Fields[param] != services.FieldInvalid {
				t.Errorf("%s with %s: %+v", param, name, e.Error)
			}
		}
	}
	if strings.Contains(f.logs.String(), "secretmarker") {
		t.Fatalf("the query text reached the log:\n%s", f.logs.String())
	}
}

// TestJSONBodyInvalidUTF8Refused: a JSON body with invalid UTF-8 in a
// string is refused (400), not stored with the bytes silently replaced.
func TestJSONBodyInvalidUTF8Refused(t *testing.T) {
	f := newFixture(t)
	before := f.countCases(t)
	for name, body := range map[string]string{
		"in a value": strings.Replace(validFeedback, "Cán bộ đòi", "Cán b\xff đòi", 1),
		"in a key":   "{\"ti\xfetle\":\"x\"}",
		"overlong":   "{\"title\":\"\xc0\xaf\"}",
		"surrogate":  "{\"title\":\"\xed\xa0\x80\"}",
	} {
		w := f.postJSON(body)
		if w.Code != http.StatusBadRequest {
			t.Errorf("%s: %d %s", name, w.Code, w.Body)
			continue
		}
		decodeError(t, w)
	}
	if f.countCases(t) != before {
		t.Fatal("a report was stored from a body with invalid UTF-8")
	}
}

// BenchmarkStaffAuthenticate measures a staff request that reads its
// sign-in and its account from the database (GET /api/v1/auth/me).
func BenchmarkStaffAuthenticate(b *testing.B) {
	f := newFixture(b)
	if _, err := f.Staff.CreateUser(context.Background(), nil, services.CreateUserInput{Email: "a@unit.test", Name: "A",
		Role: services.RoleAdmin, Password: staffPassword}); err != nil {
		b.Fatal(err)
	}
	w := f.postAuth("/api/v1/auth/login", map[string]string{"email": "a@unit.test", "password": staffPassword}, nil)
	var out struct{ AccessToken string }
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil || out.AccessToken == "" {
		b.Fatalf("login: %d %s", w.Code, w.Body)
	}
	for b.Loop() {
		if w := f.staffGet(out.AccessToken, "/api/v1/auth/me"); w.Code != http.StatusOK {
			b.Fatalf("me: %d", w.Code)
		}
	}
}

// BenchmarkCitizenAuthenticate measures what a citizen request's sign-in
// costs since a token must match the report's receipt version: the token's
// check and one read of the report (Tracking.Authenticate), beside the
// whole tracking page (GET /api/v1/track), which reads the report again.
func BenchmarkCitizenAuthenticate(b *testing.B) {
	f := newFixture(b)
	r := f.fileNamed(b, "feedback")
	ctx := context.Background()
	b.Run("authenticate", func(b *testing.B) {
		for b.Loop() {
			if _, err := f.Tracking.Authenticate(ctx, r.Token); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("track page", func(b *testing.B) {
		for b.Loop() {
			if w := f.do(http.MethodGet, "/api/v1/track", "", nil, "Authorization", "Bearer "+r.Token); w.Code != http.StatusOK {
				b.Fatalf("track: %d", w.Code)
			}
		}
	})
}
