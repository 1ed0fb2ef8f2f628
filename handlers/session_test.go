package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
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
