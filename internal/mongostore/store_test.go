package mongostore_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"minhbach/internal/testenv"
	"minhbach/services"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func sampleCase(id, code string) *services.Case {
	now := time.Date(2026, 11, 27, 3, 4, 5, 6_000_000, time.UTC)
	return &services.Case{
		ID: id, TrackingCode: code, ReceiptHash: "$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA", Kind: services.KindComplaint,
		Category: "delay", Title: "Hồ sơ bị chậm", Description: "Mô tả", IncidentDate: "2026-11-01", AreaCode: "26743",
		Place: "Một cửa", Office: "UBND phường", Counter: "Quầy 2", Procedure: "Cấp GCN", DossierNumber: "HS-1",
		Officials: "Ông A", Language: "vi", HasIdentity: true, Status: services.StatusReceived, ContentHash: "ab",
		Version: 1, CreatedAt: now, UpdatedAt: now, CreatedDay: "2026-11-27", CreatedMonth: "2026-11",
		Timeline: []services.Event{{Type: services.EventSubmitted, At: now, Actor: "citizen", Status: services.StatusReceived, Public: true}},
	}
}

func TestInsertAndFindCase(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	c := sampleCase(env.Store.NewID(), "MB-2345-6789")
	if err := env.Store.InsertCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	byID, err := env.Store.FindCaseByID(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&byID, c) {
		t.Fatalf("round trip differs:\n got %+v\nwant %+v", byID, *c)
	}
	byCode, err := env.Store.FindCaseByTrackingCode(ctx, "MB-2345-6789")
	if err != nil || byCode.ID != c.ID {
		t.Fatalf("by code: %v %+v", err, byCode)
	}
	for _, id := range []string{env.Store.NewID(), "not-an-id", ""} {
		if _, err := env.Store.FindCaseByID(ctx, id); !services.IsCode(err, services.CodeNotFound) {
			t.Fatalf("FindCaseByID(%q) = %v, want not_found", id, err)
		}
	}
	if _, err := env.Store.FindCaseByTrackingCode(ctx, "MB-XXXX-XXXX"); !services.IsCode(err, services.CodeNotFound) {
		t.Fatalf("unknown code: %v", err)
	}
}

func TestDuplicateTrackingCodeIsConflict(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	if err := env.Store.InsertCase(ctx, sampleCase(env.Store.NewID(), "MB-AAAA-BBBB")); err != nil {
		t.Fatal(err)
	}
	err := env.Store.InsertCase(ctx, sampleCase(env.Store.NewID(), "MB-AAAA-BBBB"))
	if !services.IsCode(err, services.CodeConflict) {
		t.Fatalf("duplicate code: %v, want conflict", err)
	}
	if n, _ := env.Store.CountCases(ctx); n != 1 {
		t.Fatalf("%d reports stored", n)
	}
}

func TestIdentityStore(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)
	in := services.SealedIdentity{CaseID: "c1", KeyID: "k1", Sealed: []byte{1, 2, 3, 250}, CreatedAt: now}
	if err := env.Store.InsertIdentity(ctx, in); err != nil {
		t.Fatal(err)
	}
	if err := env.Store.InsertIdentity(ctx, in); !services.IsCode(err, services.CodeConflict) {
		t.Fatalf("second identity for one report: %v, want conflict", err)
	}
	got, err := env.Store.FindIdentity(ctx, "c1")
	if err != nil || !reflect.DeepEqual(got, in) {
		t.Fatalf("find: %v %+v", err, got)
	}
	if err := env.Store.DeleteIdentity(ctx, "c1"); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Store.FindIdentity(ctx, "c1"); !services.IsCode(err, services.CodeNotFound) {
		t.Fatalf("after delete: %v", err)
	}
}

func TestSeedIsIdempotentAndKeepsEdits(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	if err := env.Store.SeedCategories(ctx, services.DefaultCategories); err != nil {
		t.Fatal(err)
	}
	// An admin renames a category; seeding again must not undo it.
	_, err := env.Client.Database(env.Database).Collection("categories").UpdateOne(ctx,
		bson.M{"code": "other"}, bson.M{"$set": bson.M{"name.en": "Something else"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Store.SeedCategories(ctx, services.DefaultCategories); err != nil {
		t.Fatal(err)
	}
	cats, err := env.Store.ListCategories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(cats) != len(services.DefaultCategories) {
		t.Fatalf("%d categories after seeding twice", len(cats))
	}
	for i, c := range cats {
		if c.Code != services.DefaultCategories[i].Code {
			t.Fatalf("order: %d is %s", i, c.Code)
		}
	}
	if got, _ := env.Store.FindCategory(ctx, "other"); got.Name.EN != "Something else" {
		t.Fatalf("seeding overwrote an edit: %+v", got)
	}
	if err := env.Store.SeedAreas(ctx, services.DefaultAreas); err != nil {
		t.Fatal(err)
	}
	if err := env.Store.SeedAreas(ctx, services.DefaultAreas); err != nil {
		t.Fatal(err)
	}
	areas, err := env.Store.ListAreas(ctx)
	if err != nil || len(areas) != len(services.DefaultAreas) || areas[0].Code != "79" {
		t.Fatalf("areas: %v %+v", err, areas)
	}
	if _, err := env.Store.FindArea(ctx, "00000"); !services.IsCode(err, services.CodeNotFound) {
		t.Fatalf("unknown area: %v", err)
	}
}

// TestEnsureIndexesIdempotent runs EnsureIndexes on a database where all,
// then only some, of the indexes exist, as happens at every restart and
// after an upgrade adds an index.
func TestEnsureIndexesIdempotent(t *testing.T) {
	env := testenv.New(t) // already ensured once
	ctx := context.Background()
	if err := env.Store.EnsureIndexes(ctx); err != nil {
		t.Fatalf("second run: %v", err)
	}
	if err := env.Client.Database(env.Database).Collection("cases").Indexes().DropOne(ctx, "status_createdAt"); err != nil {
		t.Fatal(err)
	}
	if err := env.Store.EnsureIndexes(ctx); err != nil {
		t.Fatalf("with one index missing: %v", err)
	}
	cur, err := env.Client.Database(env.Database).Collection("cases").Indexes().List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var specs []bson.M
	if err := cur.All(ctx, &specs); err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, s := range specs {
		names[s["name"].(string)] = true
	}
	for _, want := range []string{"trackingCode_unique", "status_createdAt", "createdMonth"} {
		if !names[want] {
			t.Fatalf("index %s missing: %v", want, names)
		}
	}
}

func TestPing(t *testing.T) {
	env := testenv.New(t)
	if err := env.Store.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestUpdateCaseIsConditional(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	c := sampleCase(env.Store.NewID(), "MB-2345-7777")
	if err := env.Store.InsertCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	at := c.CreatedAt.Add(time.Minute)
	att := services.Attachment{ID: "a1", Name: "ảnh.png", Size: 10, Type: "image/png", SHA256: "ab", OriginalKey: "evidence/x/a1/original",
		Scan: services.ScanNotScanned, Source: services.SourceAddition, UploadedAt: at}
	msg := services.Message{ID: "m1", From: "citizen", Text: "xin chào", At: at, AttachmentIDs: []string{"a1"}}
	got, err := env.Store.UpdateCase(ctx, c.ID, 1, services.CaseChange{Attachments: []services.Attachment{att},
		Messages: []services.Message{msg}, Events: []services.Event{{Type: services.EventMessage, At: at, Actor: "citizen", Public: true, Ref: "m1"}}, At: at})
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 2 || len(got.Attachments) != 1 || !reflect.DeepEqual(got.Attachments[0], att) ||
		len(got.Messages) != 1 || !reflect.DeepEqual(got.Messages[0], msg) || len(got.Timeline) != 2 || !got.UpdatedAt.Equal(at) {
		t.Fatalf("after update: %+v", got)
	}
	// A stale version is a conflict and changes nothing.
	if _, err := env.Store.UpdateCase(ctx, c.ID, 1, services.CaseChange{Status: services.StatusWithdrawn, At: at}); !services.IsCode(err, services.CodeConflict) {
		t.Fatalf("stale version: %v", err)
	}
	// A status guard that does not hold is a conflict.
	if _, err := env.Store.UpdateCase(ctx, c.ID, 2, services.CaseChange{FromStatus: []services.Status{services.StatusConcluded},
		Status: services.StatusClosed, At: at}); !services.IsCode(err, services.CodeConflict) {
		t.Fatalf("status guard: %v", err)
	}
	got, err = env.Store.UpdateCase(ctx, c.ID, 2, services.CaseChange{FromStatus: []services.Status{services.StatusReceived},
		Status: services.StatusWithdrawn, WithdrawReason: "xong", At: at})
	if err != nil || got.Status != services.StatusWithdrawn || got.WithdrawReason != "xong" || got.Version != 3 {
		t.Fatalf("withdraw: %v %+v", err, got)
	}
	if _, err := env.Store.UpdateCase(ctx, env.Store.NewID(), 1, services.CaseChange{At: at}); !services.IsCode(err, services.CodeNotFound) {
		t.Fatalf("missing report: %v", err)
	}
}

func TestIdempotencyRecords(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)
	rec := services.IdempotencyRecord{Key: "k-12345678", State: services.IdemPending, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	if _, claimed, err := env.Store.ClaimIdempotencyKey(ctx, rec); err != nil || !claimed {
		t.Fatalf("first claim: %v %v", claimed, err)
	}
	existing, claimed, err := env.Store.ClaimIdempotencyKey(ctx, rec)
	if err != nil || claimed || existing.State != services.IdemPending {
		t.Fatalf("second claim: %v %v %+v", claimed, err, existing)
	}
	if err := env.Store.CompleteIdempotencyKey(ctx, rec.Key, "fp", []byte{1, 2}); err != nil {
		t.Fatal(err)
	}
	got, err := env.Store.FindIdempotencyKey(ctx, rec.Key)
	if err != nil || got.State != services.IdemDone || got.Fingerprint != "fp" || len(got.Sealed) != 2 {
		t.Fatalf("completed: %v %+v", err, got)
	}
	// Releasing only removes a pending claim.
	if err := env.Store.ReleaseIdempotencyKey(ctx, rec.Key, now); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Store.FindIdempotencyKey(ctx, rec.Key); err != nil {
		t.Fatalf("a done record was released: %v", err)
	}
	// Past its expiry the key can be claimed afresh, and expired records are swept.
	later := rec
	later.CreatedAt, later.ExpiresAt = now.Add(2*time.Hour), now.Add(3*time.Hour)
	if _, claimed, err := env.Store.ClaimIdempotencyKey(ctx, later); err != nil || !claimed {
		t.Fatalf("claim after expiry: %v %v", claimed, err)
	}
	other := services.IdempotencyRecord{Key: "k-old-0001", State: services.IdemPending, CreatedAt: now, ExpiresAt: now.Add(time.Minute)}
	if _, _, err := env.Store.ClaimIdempotencyKey(ctx, other); err != nil {
		t.Fatal(err)
	}
	if n, err := env.Store.DeleteExpiredIdempotencyKeys(ctx, now.Add(time.Hour)); err != nil || n != 1 {
		t.Fatalf("swept %d (%v), want 1", n, err)
	}
}

func TestUploadIntents(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)
	for i, id := range []string{"a1", "a2", "a3"} {
		if err := env.Store.InsertUploadIntent(ctx, services.UploadIntent{ID: id, CaseID: "c1", CreatedAt: now.Add(time.Duration(i) * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	stale, err := env.Store.FindStaleUploadIntents(ctx, now.Add(90*time.Minute), 10)
	if err != nil || len(stale) != 2 || stale[0].ID != "a1" || stale[1].CaseID != "c1" {
		t.Fatalf("stale = %+v (%v)", stale, err)
	}
	if err := env.Store.DeleteUploadIntents(ctx, []string{"a1", "a2"}); err != nil {
		t.Fatal(err)
	}
	if stale, _ := env.Store.FindStaleUploadIntents(ctx, now.Add(10*time.Hour), 10); len(stale) != 1 || stale[0].ID != "a3" {
		t.Fatalf("after delete: %+v", stale)
	}
}
