package services

import (
	"context"
	"testing"
)

// countingGrants and countingUsers count the reads the gate makes.
type countingGrants struct {
	CustodyStore
	reads int
}

func (s *countingGrants) ListCaseGrants(_ context.Context, caseID, userID string, _ int) ([]CustodyGrant, error) {
	s.reads++
	return []CustodyGrant{{ID: "g1", CaseID: caseID, RequesterID: userID}}, nil
}

type countingUsers struct {
	UserStore
	reads int
}

func (s *countingUsers) FindUserByID(_ context.Context, id string) (User, error) {
	s.reads++
	if id == "gone" {
		return User{}, Errorf(ReasonAccountNotFound, "no such account")
	}
	return User{ID: id, Active: true}, nil
}

// A report's page asks the gate several questions in one request: the copy
// it uses reads each grant list and each account once, never keeps an
// error, and leaves the gate itself re-reading at every call.
func TestGateForOneRequestReadsOnce(t *testing.T) {
	ctx := context.Background()
	grants, users := &countingGrants{}, &countingUsers{}
	gate := &CustodyGate{Grants: grants, Users: users}
	once := gate.forOneRequest()
	for range 3 {
		gs, err := once.Grants.ListCaseGrants(ctx, "c1", "u1", maxCaseGrants)
		if err != nil || len(gs) != 1 {
			t.Fatal(gs, err)
		}
		gs[0].ID = "changed by the caller"
		if _, err := once.Users.FindUserByID(ctx, "u1"); err != nil {
			t.Fatal(err)
		}
		if _, err := once.Users.FindUserByID(ctx, "gone"); err == nil {
			t.Fatal("a missing account was found")
		}
	}
	if gs, _ := once.Grants.ListCaseGrants(ctx, "c1", "u1", maxCaseGrants); gs[0].ID != "g1" {
		t.Fatalf("the kept list was changed through a caller's copy: %q", gs[0].ID)
	}
	if grants.reads != 1 || users.reads != 4 {
		t.Fatalf("%d grant reads, %d account reads; want 1 and 4 (u1 once, the missing account every time)", grants.reads, users.reads)
	}
	gate.Grants.ListCaseGrants(ctx, "c1", "u1", maxCaseGrants)
	gate.Grants.ListCaseGrants(ctx, "c1", "u1", maxCaseGrants)
	if grants.reads != 3 {
		t.Fatalf("the gate itself kept a list: %d reads", grants.reads)
	}
}
