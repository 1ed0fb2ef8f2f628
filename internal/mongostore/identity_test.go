package mongostore_test

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minhbach/internal/testenv"
	"minhbach/services"
)

// TestIdentitiesKeyedByReport: a sealed identity is stored under the
// report's id (_id = caseId), so that reading it is a lookup by _id, which
// the embedded server answers without reading every identity; identities
// stored before with a generated _id are re-keyed once at start-up
// (EnsureIndexes), with nothing lost, and the migration is recorded.
func TestIdentitiesKeyedByReport(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	db := env.Client.Database(env.Database)
	col := db.Collection("identities")
	now := time.Now().UTC().Truncate(time.Millisecond)

	caseID := env.Store.NewID()
	if err := env.Store.InsertIdentity(ctx, services.SealedIdentity{CaseID: caseID, KeyID: "k1", Sealed: []byte("sealed-1"), CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	var raw bson.M
	if err := col.FindOne(ctx, bson.D{{Key: "caseId", Value: caseID}}).Decode(&raw); err != nil {
		t.Fatal(err)
	}
	if raw["_id"] != caseID {
		t.Fatalf("identity stored under _id %v (%T), want the report's id %s", raw["_id"], raw["_id"], caseID)
	}
	// A second identity for the same report is refused.
	if err := env.Store.InsertIdentity(ctx, services.SealedIdentity{CaseID: caseID, KeyID: "k1", Sealed: []byte("other"), CreatedAt: now}); !services.IsCode(err, services.CodeConflict) {
		t.Fatalf("second identity of one report: %v, want a conflict", err)
	}

	// Identities as stored before: a generated _id and a unique caseId index.
	if _, err := db.Collection("migrations").DeleteOne(ctx, bson.D{{Key: "_id", Value: "identities-by-case"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := col.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "caseId", Value: 1}},
		Options: options.Index().SetName("caseId_unique").SetUnique(true)}); err != nil {
		t.Fatal(err)
	}
	old := map[string][]byte{env.Store.NewID(): []byte("sealed-old-1"), env.Store.NewID(): []byte("sealed-old-2")}
	for id, sealed := range old {
		if _, err := col.InsertOne(ctx, bson.D{{Key: "_id", Value: bson.NewObjectID()}, {Key: "caseId", Value: id},
			{Key: "keyId", Value: "k0"}, {Key: "sealed", Value: sealed}, {Key: "createdAt", Value: now}}); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 { // the second start finds the migration done
		if err := env.Store.EnsureIndexes(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for id, sealed := range old {
		got, err := env.Store.FindIdentity(ctx, id)
		if err != nil || string(got.Sealed) != string(sealed) || got.KeyID != "k0" || got.CaseID != id || !got.CreatedAt.Equal(now) {
			t.Fatalf("re-keyed identity of %s: %+v %v", id, got, err)
		}
	}
	if n, err := col.CountDocuments(ctx, bson.D{}); err != nil || n != 3 {
		t.Fatalf("identities after the migration: %d %v, want 3", n, err)
	}
	if n, err := col.CountDocuments(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$type", Value: "objectId"}}}}); err != nil || n != 0 {
		t.Fatalf("identities still under a generated _id: %d %v", n, err)
	}
	if n, err := db.Collection("migrations").CountDocuments(ctx, bson.D{{Key: "_id", Value: "identities-by-case"}}); err != nil || n != 1 {
		t.Fatalf("the migration is not recorded: %d %v", n, err)
	}
	specs, err := col.Indexes().ListSpecifications(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range specs {
		if s.Name == "caseId_unique" {
			t.Fatal("the old caseId index is still there")
		}
	}
	if err := env.Store.DeleteIdentity(ctx, caseID); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Store.FindIdentity(ctx, caseID); !services.IsCode(err, services.CodeNotFound) {
		t.Fatalf("deleted identity: %v", err)
	}
}
