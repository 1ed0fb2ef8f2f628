package services_test

import (
	"errors"
	"testing"
	"time"

	"minhbach/services"
)

// TestHoldsCustodyNeedsTwoPeopleAndTheCurrentUnit: a grant opens only for
// its requester, in the report's current unit, while unexpired, and only
// when someone other than the requester decided it.
func TestHoldsCustodyNeedsTwoPeopleAndTheCurrentUnit(t *testing.T) {
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	c := services.Case{ID: "c1", UnitID: "u1"}
	insp := services.Actor{UserID: "i1", Role: services.RoleInspector, UnitID: "u1"}
	ok := services.CustodyGrant{ID: "g1", Kind: services.CustodyIdentity, CaseID: "c1", UnitID: "u1", RequesterID: "i1", DecidedBy: "l1", Status: services.GrantApproved,
		ExpiresAt: now.Add(time.Hour)}
	for name, tc := range map[string]struct {
		actor services.Actor
		c     services.Case
		g     func(g services.CustodyGrant) services.CustodyGrant
		want  bool
	}{
		"the holder":                   {insp, c, func(g services.CustodyGrant) services.CustodyGrant { return g }, true},
		"decided by the requester":     {insp, c, func(g services.CustodyGrant) services.CustodyGrant { g.DecidedBy = "i1"; return g }, false},
		"decided by nobody":            {insp, c, func(g services.CustodyGrant) services.CustodyGrant { g.DecidedBy = ""; return g }, false},
		"report moved to another unit": {insp, services.Case{ID: "c1", UnitID: "u2"}, func(g services.CustodyGrant) services.CustodyGrant { return g }, false},
		"grant of another unit":        {insp, c, func(g services.CustodyGrant) services.CustodyGrant { g.UnitID = "u2"; return g }, false},
		"someone else's grant":         {insp, c, func(g services.CustodyGrant) services.CustodyGrant { g.RequesterID = "i2"; return g }, false},
		"expired":                      {insp, c, func(g services.CustodyGrant) services.CustodyGrant { g.ExpiresAt = now; return g }, false},
		"pending":                      {insp, c, func(g services.CustodyGrant) services.CustodyGrant { g.Status = services.GrantPending; return g }, false},
		"an admin":                     {services.Actor{UserID: "i1", Role: services.RoleAdmin}, c, func(g services.CustodyGrant) services.CustodyGrant { return g }, false},
		"a monitor":                    {services.Actor{UserID: "i1", Role: services.RoleMonitor, UnitID: "u1"}, c, func(g services.CustodyGrant) services.CustodyGrant { return g }, false},
	} {
		for _, kind := range []string{services.CustodyIdentity, services.CustodyOriginals} {
			if got := services.HoldsCustody(tc.actor, tc.c, tc.g(ok), kind, now); got != tc.want {
				t.Errorf("%s, %s: %v, want %v", name, kind, got, tc.want)
			}
		}
	}
}

// TestOriginalsGrantNeverOpensTheIdentity: an identity grant opens the
// identity and the originals; an originals grant opens the originals only;
// a grant of a kind the portal does not know opens nothing.
func TestOriginalsGrantNeverOpensTheIdentity(t *testing.T) {
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	c := services.Case{ID: "c1", UnitID: "u1"}
	insp := services.Actor{UserID: "i1", Role: services.RoleInspector, UnitID: "u1"}
	for _, tc := range []struct {
		grant, want string
		opens       bool
	}{
		{services.CustodyIdentity, services.CustodyIdentity, true},
		{services.CustodyIdentity, services.CustodyOriginals, true},
		{services.CustodyOriginals, services.CustodyOriginals, true},
		{services.CustodyOriginals, services.CustodyIdentity, false},
		{"everything", services.CustodyOriginals, false},
		{"", services.CustodyIdentity, false},
	} {
		g := services.CustodyGrant{ID: "g1", Kind: tc.grant, CaseID: "c1", UnitID: "u1", RequesterID: "i1", DecidedBy: "l1",
			Status: services.GrantApproved, ExpiresAt: now.Add(time.Hour)}
		if got := services.HoldsCustody(insp, c, g, tc.want, now); got != tc.opens {
			t.Errorf("a %q grant opening %q: %v, want %v", tc.grant, tc.want, got, tc.opens)
		}
	}
}

// TestParseCustodyKind: no kind is an identity request (the body before
// kinds existed); an unknown kind is a field error on "kind".
func TestParseCustodyKind(t *testing.T) {
	for in, want := range map[string]string{"": services.CustodyIdentity, "identity": services.CustodyIdentity,
		" originals ": services.CustodyOriginals} {
		if got, err := services.ParseCustodyKind(in); err != nil || got != want {
			t.Errorf("%q: %q %v, want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"Originals", "identity,originals", "all", "original"} {
		_, err := services.ParseCustodyKind(in)
		var e *services.Error
		if !errors.As(err, &e) || e.Code != services.CodeInvalid || e.Fields["kind"] != "invalid" {
			t.Errorf("%q: %v, want an invalid kind", in, err)
		}
	}
}

// TestCoolingPeriod: an account cools until CoolingUntil, not after; the
// zero time (accounts from the command line) never cools.
func TestCoolingPeriod(t *testing.T) {
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		until time.Time
		want  bool
	}{{time.Time{}, false}, {now.Add(time.Second), true}, {now, false}, {now.Add(-time.Hour), false}} {
		if got := (services.User{CoolingUntil: tc.until}).Cooling(now); got != tc.want {
			t.Errorf("cooling until %v at %v: %v", tc.until, now, got)
		}
	}
}
