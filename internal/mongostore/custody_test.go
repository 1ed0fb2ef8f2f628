package mongostore_test

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"minhbach/internal/testenv"
	"minhbach/services"
)

// TestCustodyGrantKinds: a grant keeps its kind; one stored before grants
// had kinds (no "kind" field) reads as an identity grant; ListCaseGrants
// returns one person's grants on one report, every kind and status,
// newest first.
func TestCustodyGrantKinds(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	at := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	insert := func(kind, caseID, user string, minutes int) string {
		t.Helper()
		g := &services.CustodyGrant{Kind: kind, CaseID: caseID, UnitID: "u1", RequesterID: user, Reason: "r",
			Status: services.GrantPending, CreatedAt: at.Add(time.Duration(minutes) * time.Minute)}
		if err := env.Store.InsertGrant(ctx, g); err != nil {
			t.Fatal(err)
		}
		return g.ID
	}
	identity := insert(services.CustodyIdentity, "c1", "i1", 0)
	originals := insert(services.CustodyOriginals, "c1", "i1", 1)
	insert(services.CustodyOriginals, "c2", "i1", 2) // another report
	insert(services.CustodyOriginals, "c1", "i2", 3) // another person
	legacy := bson.NewObjectID()
	if _, err := env.Client.Database(env.Database).Collection("custody").InsertOne(ctx, bson.D{{Key: "_id", Value: legacy},
		{Key: "caseId", Value: "c1"}, {Key: "unitId", Value: "u1"}, {Key: "requesterId", Value: "i1"}, {Key: "reason", Value: "r"},
		{Key: "status", Value: services.GrantPending}, {Key: "createdAt", Value: at.Add(-time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	gs, err := env.Store.ListCaseGrants(ctx, "c1", "i1", 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range gs {
		got = append(got, g.ID+":"+g.Kind)
	}
	want := []string{originals + ":originals", identity + ":identity", legacy.Hex() + ":identity"}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("grants = %v, want %v", got, want)
	}
	if g, err := env.Store.FindGrant(ctx, legacy.Hex()); err != nil || g.Kind != services.CustodyIdentity {
		t.Fatalf("a grant without a kind: %v %+v", err, g)
	}
}
