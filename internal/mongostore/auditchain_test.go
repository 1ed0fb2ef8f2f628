package mongostore_test

// The layout of the audit chains (docs/storage.md, "Audit chains"): events
// under deterministic _ids, a head document per chain that is a hint, and
// chains written before either (ObjectID _ids, no head), which keep
// verifying and being appended to, before and after the start-up migration
// that records their heads.

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"minhbach/internal/mongostore"
	"minhbach/services"
)

func entries(n int) []services.AuditEntry {
	out := make([]services.AuditEntry, n)
	for i := range out {
		out[i] = services.AuditEntry{Actor: "citizen", Type: "submitted", Data: map[string]string{"i": fmt.Sprint(i)}}
	}
	return out
}

func verifyChain(t *testing.T, l *services.AuditLog, caseID string, events int) {
	t.Helper()
	r, err := l.Verify(context.Background(), caseID)
	if want := (services.VerifyResult{Valid: true, Events: events}); err != nil || r != want {
		t.Fatalf("verify %s: %v %+v, want %+v", caseID, err, r, want)
	}
}

func TestAuditStartReadsNothing(t *testing.T) {
	env, col := auditEnv(t)
	ctx := context.Background()
	cs := &countingStore{AuditStore: env.Store}
	l := services.NewAuditLog(cs, nil)
	started, err := l.Start(ctx, "n", entries(3))
	if err != nil || len(started) != 3 || started[2].Seq != 3 {
		t.Fatalf("start: %v %+v", err, started)
	}
	if r, i := cs.reads.Load(), cs.inserts.Load(); r != 0 || i != 1 {
		t.Fatalf("starting a chain read it %d times with %d insert calls, want 0 reads and 1 insert call", r, i)
	}
	// The events are under their deterministic _ids.
	var raw bson.M
	if err := col.FindOne(ctx, bson.D{{Key: "_id", Value: "n:0000000002"}}).Decode(&raw); err != nil || raw["seq"] != int64(2) {
		t.Fatalf("event n:0000000002: %v %v", err, raw)
	}
	// An append to the chain reads its recorded head once.
	if e, err := l.Append(ctx, "n", "u1", "note", nil); err != nil || e.Seq != 4 || e.PrevHash != started[2].Hash {
		t.Fatalf("append: %v %+v", err, e)
	}
	if r, i := cs.reads.Load(), cs.inserts.Load(); r != 1 || i != 2 {
		t.Fatalf("one append: %d reads and %d insert calls in all, want 1 and 2", r, i)
	}
	// Starting a chain that exists after all appends at its end.
	again, err := l.Start(ctx, "n", entries(2))
	if err != nil || len(again) != 2 || again[0].Seq != 5 || again[1].Seq != 6 {
		t.Fatalf("start of an existing chain: %v %+v", err, again)
	}
	verifyChain(t, l, "n", 6)
	if last, err := env.Store.LastAuditEvent(ctx, "n"); err != nil || !reflect.DeepEqual(last, again[1]) {
		t.Fatalf("last: %v %+v", err, last)
	}
}

func TestAuditHeadLeftBehindIsRepaired(t *testing.T) {
	env, _ := auditEnv(t)
	ctx := context.Background()
	heads := env.Client.Database(env.Database).Collection("auditHeads")
	l := services.NewAuditLog(env.Store, nil)
	for _, tc := range []struct {
		name   string
		behind func(caseID string, chain []services.AuditEvent)
	}{
		// A crash between the event's insert and the head's write.
		{"head behind", func(id string, c []services.AuditEvent) {
			res, err := heads.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: bson.D{
				{Key: "seq", Value: c[0].Seq}, {Key: "event.seq", Value: c[0].Seq}, {Key: "event.hash", Value: c[0].Hash}}}})
			if err != nil || res.ModifiedCount != 1 {
				t.Fatalf("set head back: %v %+v", err, res)
			}
		}},
		// A crash between a new chain's first event and its head.
		{"head missing", func(id string, _ []services.AuditEvent) {
			if res, err := heads.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}}); err != nil || res.DeletedCount != 1 {
				t.Fatalf("delete head: %v %+v", err, res)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := "stale-" + tc.name
			chain := appendN(t, l, id, 3)
			tc.behind(id, chain)
			if last, err := env.Store.LastAuditEvent(ctx, id); err != nil || !reflect.DeepEqual(last, chain[2]) {
				t.Fatalf("last: %v %+v, want seq 3", err, last)
			}
			if got, err := env.Store.ListAuditEvents(ctx, id, 100); err != nil || !reflect.DeepEqual(got, chain) {
				t.Fatalf("list: %v %+v", err, got)
			}
			e, err := l.Append(ctx, id, "u1", "note", nil)
			if err != nil || e.Seq != 4 || e.PrevHash != chain[2].Hash {
				t.Fatalf("append after the head was left behind: %v %+v", err, e)
			}
			verifyChain(t, l, id, 4)
			if h, err := env.Store.AuditHead(ctx, id); err != nil || h.Seq != 4 {
				t.Fatalf("head after the append: %v %+v", err, h)
			}
		})
	}
	// RepairAuditHeads (the migration; `portal audit verify` when heads
	// are behind) moves a head left behind forward, and creates a missing
	// one, from one read of the events.
	chain := appendN(t, l, "r", 2)
	if _, err := heads.UpdateOne(ctx, bson.D{{Key: "_id", Value: "r"}}, bson.D{{Key: "$set", Value: bson.D{{Key: "seq", Value: 1}}}}); err != nil {
		t.Fatal(err)
	}
	appendN(t, l, "gone", 1)
	if _, err := heads.DeleteOne(ctx, bson.D{{Key: "_id", Value: "gone"}}); err != nil {
		t.Fatal(err)
	}
	if n, err := env.Store.RepairAuditHeads(ctx); err != nil || n != 2 {
		t.Fatalf("repair: %d heads, %v; want 2", n, err)
	}
	if n, err := env.Store.RepairAuditHeads(ctx); err != nil || n != 0 {
		t.Fatalf("second repair: %d heads, %v; want 0", n, err)
	}
	hs, err := env.Store.ListAuditHeads(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, h := range hs {
		got[h.CaseID] = h.Seq
	}
	if got["r"] != 2 || got["gone"] != 1 || len(hs) != 4 {
		t.Fatalf("heads after repair: %v", got)
	}
	if h, err := env.Store.AuditHead(ctx, "r"); err != nil || !reflect.DeepEqual(h, chain[1]) {
		t.Fatalf("head of r: %v %+v", err, h)
	}
}

// insertLegacyChain writes a chain as the portal did before deterministic
// _ids and head documents: ObjectID _ids, no head.
func insertLegacyChain(t *testing.T, col *mongo.Collection, caseID string, n int) []services.AuditEvent {
	t.Helper()
	at := time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC)
	var chain []services.AuditEvent
	prev := ""
	for i := 1; i <= n; i++ {
		e := services.AuditEvent{CaseID: caseID, Seq: int64(i), At: at.Add(time.Duration(i) * time.Minute), Actor: "u1", Type: "note",
			Data: map[string]string{"i": fmt.Sprint(i)}, PrevHash: prev}
		e.Hash = services.ComputeAuditHash(prev, e)
		if _, err := col.InsertOne(context.Background(), bson.D{{Key: "_id", Value: bson.NewObjectID()}, {Key: "caseId", Value: caseID},
			{Key: "seq", Value: e.Seq}, {Key: "at", Value: e.At}, {Key: "actor", Value: e.Actor}, {Key: "type", Value: e.Type},
			{Key: "data", Value: e.Data}, {Key: "prevHash", Value: e.PrevHash}, {Key: "hash", Value: e.Hash}}); err != nil {
			t.Fatal(err)
		}
		chain = append(chain, e)
		prev = e.Hash
	}
	return chain
}

func TestAuditChainsWrittenBeforeHeads(t *testing.T) {
	env, col := auditEnv(t)
	ctx := context.Background()
	heads := env.Client.Database(env.Database).Collection("auditHeads")
	l := services.NewAuditLog(env.Store, nil)
	waiting := insertLegacyChain(t, col, "old-waiting", 3) // untouched until the migration
	used := insertLegacyChain(t, col, "old-used", 2)       // appended to before it
	appendN(t, l, "new", 2)

	// Before the migration: appended to, listed and verified.
	e, err := l.Append(ctx, "old-used", "u2", "note", nil)
	if err != nil || e.Seq != 3 || e.PrevHash != used[1].Hash {
		t.Fatalf("append to a chain written before heads: %v %+v", err, e)
	}
	verifyChain(t, l, "old-used", 3)
	if broken, checked, err := services.VerifyAllChains(ctx, l, 100); err != nil || checked != 3 || len(broken) != 0 {
		t.Fatalf("verify all before the migration: %v %d %+v", err, checked, broken)
	}
	var h struct {
		Seq       int64           `bson:"seq"`
		KeyedFrom int64           `bson:"keyedFrom"`
		LegacyIDs []bson.ObjectID `bson:"legacyIds"`
	}
	if err := heads.FindOne(ctx, bson.D{{Key: "_id", Value: "old-used"}}).Decode(&h); err != nil || h.Seq != 3 || h.KeyedFrom != 3 || len(h.LegacyIDs) != 2 {
		t.Fatalf("head recorded by the append: %v %+v", err, h)
	}
	if n, _ := heads.CountDocuments(ctx, bson.D{{Key: "_id", Value: "old-waiting"}}); n != 0 {
		t.Fatal("old-waiting has a head before the migration")
	}

	// The migration records the missing head, once.
	n, err := env.Store.MigrateAuditHeads(ctx)
	if err != nil || n != 1 {
		t.Fatalf("migration: %d heads, %v; want 1", n, err)
	}
	if done, err := env.Store.MigrationDone(ctx, mongostore.AuditHeadsMigrationName); err != nil || !done {
		t.Fatalf("migration not recorded: %v %v", done, err)
	}
	if err := heads.FindOne(ctx, bson.D{{Key: "_id", Value: "old-waiting"}}).Decode(&h); err != nil || h.Seq != 3 || h.KeyedFrom != 4 || len(h.LegacyIDs) != 3 {
		t.Fatalf("head recorded by the migration: %v %+v", err, h)
	}
	if _, err := heads.DeleteOne(ctx, bson.D{{Key: "_id", Value: "new"}}); err != nil {
		t.Fatal(err)
	}
	if n, err := env.Store.MigrateAuditHeads(ctx); err != nil || n != 0 {
		t.Fatalf("second run: %d heads, %v; want 0 (recorded as done)", n, err)
	}

	// After it: the legacy events are found by their ObjectIDs, new ones
	// by their deterministic ids.
	got, err := env.Store.ListAuditEvents(ctx, "old-waiting", 100)
	if err != nil || !reflect.DeepEqual(got, waiting) {
		t.Fatalf("list: %v\n got %+v\nwant %+v", err, got, waiting)
	}
	if e, err := l.Append(ctx, "old-waiting", "u2", "note", nil); err != nil || e.Seq != 4 || e.PrevHash != waiting[2].Hash {
		t.Fatalf("append after the migration: %v %+v", err, e)
	}
	verifyChain(t, l, "old-waiting", 4)
	if got, err := env.Store.ListAuditEvents(ctx, "old-waiting", 2); err != nil || len(got) != 2 || got[1].Seq != 2 {
		t.Fatalf("list limit 2: %v %+v", err, got)
	}
	if broken, checked, err := services.VerifyAllChains(ctx, l, 100); err != nil || checked != 3 || len(broken) != 0 {
		t.Fatalf("verify all after the migration: %v %d %+v", err, checked, broken)
	}
}
