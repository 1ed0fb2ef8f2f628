package services_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"minhbach/services"
)

type fakeNow struct{ t time.Time }

func (f *fakeNow) Now() time.Time { return f.t }

func TestTokensRoundTripAndRefusals(t *testing.T) {
	clock := &fakeNow{t: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}
	key := bytes.Repeat([]byte{0x42}, 32)
	tokens, err := services.NewTokens("hs-1", key, clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := services.NewTokens("hs-1", key[:31], nil); err == nil {
		t.Fatal("a 31-byte key was accepted")
	}
	tok, exp, err := tokens.IssueCitizen("case-1")
	if err != nil || !exp.Equal(clock.t.Add(services.CitizenTokenTTL)) {
		t.Fatalf("issue: %v %v", err, exp)
	}
	if id, _, err := tokens.VerifyCitizen(tok); err != nil || id != "case-1" {
		t.Fatalf("verify: %q %v", id, err)
	}
	sign := func(method jwt.SigningMethod, k any, claims jwt.MapClaims, kid string) string {
		tk := jwt.NewWithClaims(method, claims)
		if kid != "" {
			tk.Header["kid"] = kid
		}
		s, err := tk.SignedString(k)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	good := func() jwt.MapClaims {
		return jwt.MapClaims{"iss": "minhbach", "aud": "citizen", "sub": "case-1", "exp": clock.t.Add(time.Minute).Unix(), "iat": clock.t.Unix()}
	}
	with := func(k string, v any) jwt.MapClaims { c := good(); c[k] = v; return c }
	without := func(k string) jwt.MapClaims { c := good(); delete(c, k); return c }
	none := sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, good(), "hs-1")
	refused := map[string]string{
		"alg none":        none,
		"HS512":           sign(jwt.SigningMethodHS512, key, good(), "hs-1"),
		"other key":       sign(jwt.SigningMethodHS256, bytes.Repeat([]byte{1}, 32), good(), "hs-1"),
		"unknown kid":     sign(jwt.SigningMethodHS256, key, good(), "hs-2"),
		"no exp":          sign(jwt.SigningMethodHS256, key, without("exp"), "hs-1"),
		"expired":         sign(jwt.SigningMethodHS256, key, with("exp", clock.t.Add(-time.Minute).Unix()), "hs-1"),
		"wrong issuer":    sign(jwt.SigningMethodHS256, key, with("iss", "elsewhere"), "hs-1"),
		"staff audience":  sign(jwt.SigningMethodHS256, key, with("aud", "staff"), "hs-1"),
		"no subject":      sign(jwt.SigningMethodHS256, key, without("sub"), "hs-1"),
		"issued later":    sign(jwt.SigningMethodHS256, key, with("iat", clock.t.Add(time.Hour).Unix()), "hs-1"),
		"tampered":        tok[:len(tok)-2] + strings.Map(func(r rune) rune { return r ^ 1 }, tok[len(tok)-2:]),
		"empty":           "",
		"three dots only": "..",
	}
	for name, s := range refused {
		if _, _, err := tokens.VerifyCitizen(s); !services.IsCode(err, services.CodeUnauthorized) {
			t.Errorf("%s: %v, want unauthorized", name, err)
		}
	}
	clock.t = clock.t.Add(services.CitizenTokenTTL + 10*time.Second)
	if _, _, err := tokens.VerifyCitizen(tok); !services.IsCode(err, services.CodeUnauthorized) {
		t.Fatalf("a token past its 30 minutes: %v", err)
	}
}

// FuzzVerifyToken: arbitrary strings never panic the verifier; nothing is
// accepted as a staff token, and only tokens the key signed as citizen ones.
func FuzzVerifyToken(f *testing.F) {
	tokens, _ := services.NewTokens("hs-1", bytes.Repeat([]byte{7}, 32), nil)
	good, _, _ := tokens.IssueCitizen("case-1")
	f.Add(good)
	f.Add(good[:len(good)-1])
	f.Add("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, s string) {
		if _, err := tokens.VerifyStaff(s, services.AudienceStaff); err == nil {
			t.Fatalf("accepted as staff: %q", s)
		}
		// Only tokens this key signed verify; the one the seed holds is for case-1.
		if id, _, err := tokens.VerifyCitizen(s); err == nil && id != "case-1" {
			t.Fatalf("accepted a token it did not issue: %q (%s)", s, id)
		}
	})
}
