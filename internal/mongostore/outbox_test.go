package mongostore_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minhbach/internal/testenv"
	"minhbach/services"
)

var outboxT0 = time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)

// outboxEnv also creates the index this feature asks indexes.go to declare,
// so the tests run with it in place.
func outboxEnv(t *testing.T) *testenv.Env {
	t.Helper()
	env := testenv.New(t)
	_, err := env.Client.Database(env.Database).Collection("outbox").Indexes().CreateOne(context.Background(),
		mongo.IndexModel{Keys: bson.D{{Key: "nextAttempt", Value: 1}}, Options: options.Index().SetName("nextAttempt")})
	if err != nil {
		t.Fatalf("index: %v", err)
	}
	return env
}

func enqueue(t *testing.T, s services.OutboxStore, n services.Notification) bool {
	t.Helper()
	ok, err := s.EnqueueNotification(context.Background(), n)
	if err != nil {
		t.Fatalf("EnqueueNotification: %v", err)
	}
	return ok
}

func due(t *testing.T, s services.OutboxStore, now time.Time, limit int) []services.Notification {
	t.Helper()
	ns, err := s.DueNotifications(context.Background(), now, limit)
	if err != nil {
		t.Fatalf("DueNotifications: %v", err)
	}
	return ns
}

func caseIDs(ns []services.Notification) []string {
	out := []string{}
	for _, n := range ns {
		out = append(out, n.CaseID)
	}
	return out
}

func TestOutboxEnqueueRoundTrip(t *testing.T) {
	env := outboxEnv(t)
	ctx := context.Background()
	dueAt := outboxT0.Add(72*time.Hour + 123*time.Millisecond)
	n := services.NotifyDeadlineNear("cán.bộ@example.org", "c1", "MB-2345-6789", services.ClockResolve, dueAt)
	n.DedupKey = ""
	n.CreatedAt, n.NextAttempt = outboxT0.Add(-time.Minute), outboxT0
	digest := services.NotifyDigest("m@example.org", 0, 2, "2026-11-27")
	digest.CreatedAt, digest.NextAttempt = outboxT0, outboxT0.Add(time.Second)
	citizen := services.CitizenUpdate("", "en")
	citizen.CaseID = "c1"
	citizen.CreatedAt, citizen.NextAttempt = outboxT0, outboxT0.Add(2*time.Second)
	for _, x := range []services.Notification{n, digest, citizen} {
		if !enqueue(t, env.Store, x) {
			t.Fatal("not queued")
		}
	}
	if got := due(t, env.Store, outboxT0.Add(-time.Millisecond), 10); len(got) != 0 {
		t.Fatalf("due before NextAttempt: %+v", got)
	}
	got := due(t, env.Store, outboxT0.Add(time.Hour), 10)
	if len(got) != 3 {
		t.Fatalf("due = %+v", got)
	}
	for i, want := range []services.Notification{n, digest, citizen} {
		if _, err := bson.ObjectIDFromHex(got[i].ID); err != nil {
			t.Errorf("id %q is not a random ObjectID hex", got[i].ID)
		}
		want.ID = got[i].ID
		if !reflect.DeepEqual(got[i], want) {
			t.Errorf("round trip:\n got %+v\nwant %+v", got[i], want)
		}
	}
	// The document holds the kind, the language and the data — no wording;
	// the citizen's holds no data at all.
	col := env.Client.Database(env.Database).Collection("outbox")
	var doc, cdoc bson.M
	if err := col.FindOne(ctx, bson.D{{Key: "_id", Value: got[0].ID}}).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	data := bson.M{}
	if d, ok := doc["data"].(bson.D); ok {
		for _, e := range d {
			data[e.Key] = e.Value
		}
	}
	if doc["kind"] != "deadline_near" || doc["lang"] != "vi" || data["trackingCode"] != "MB-2345-6789" || data["clock"] != "resolve" ||
		doc["subject"] != nil || doc["body"] != nil {
		t.Errorf("document: %v", doc)
	}
	if err := col.FindOne(ctx, bson.D{{Key: "_id", Value: got[2].ID}}).Decode(&cdoc); err != nil {
		t.Fatal(err)
	}
	if _, has := cdoc["data"]; has || cdoc["lang"] != "en" || cdoc["to"] != "" {
		t.Errorf("citizen document: %v", cdoc)
	}
}

// TestOutboxReadsLegacyDocuments: a notification queued, already worded,
// by an earlier version comes back with its subject and body, so it can
// still be delivered.
func TestOutboxReadsLegacyDocuments(t *testing.T) {
	env := outboxEnv(t)
	ctx := context.Background()
	_, err := env.Client.Database(env.Database).Collection("outbox").InsertOne(ctx, bson.D{
		{Key: "_id", Value: "old"}, {Key: "to", Value: "lead@example.org"}, {Key: "kind", Value: "proposal"},
		{Key: "subject", Value: "[Minh Bạch] MB-1: có đề xuất kết luận chờ duyệt / conclusion proposed"},
		{Key: "body", Value: "Hồ sơ MB-1: có đề xuất kết luận chờ duyệt.\n"}, {Key: "caseId", Value: "c1"},
		{Key: "attempts", Value: 1}, {Key: "nextAttempt", Value: outboxT0}, {Key: "createdAt", Value: outboxT0},
	})
	if err != nil {
		t.Fatal(err)
	}
	// Queued before the list of what is due existed: the start-up
	// migration lists it, once.
	if got := due(t, env.Store, outboxT0, 10); len(got) != 0 {
		t.Fatalf("due before the migration: %+v", got)
	}
	for i, want := range []int{1, 0} {
		if n, err := env.Store.MigrateOutboxDue(ctx); err != nil || n != want {
			t.Fatalf("migration %d: listed %d, %v; want %d", i, n, err, want)
		}
	}
	got := due(t, env.Store, outboxT0, 10)
	if len(got) != 1 || got[0].Kind != services.NotifyKindProposal || got[0].CaseID != "c1" || got[0].Attempts != 1 ||
		got[0].Language != "" || got[0].Data != (services.NotificationData{}) || got[0].Legacy == nil ||
		got[0].Legacy.Subject != "[Minh Bạch] MB-1: có đề xuất kết luận chờ duyệt / conclusion proposed" ||
		got[0].Legacy.Body != "Hồ sơ MB-1: có đề xuất kết luận chờ duyệt.\n" {
		t.Fatalf("legacy document: %+v", got)
	}
}

func TestOutboxDedupKeyQueuedOnce(t *testing.T) {
	env := outboxEnv(t)
	ctx := context.Background()
	n := services.NotifyOverdue("lead@example.org", "c1", "MB-1", services.ClockResolve)
	n.NextAttempt = outboxT0
	if !enqueue(t, env.Store, n) {
		t.Fatal("first enqueue refused")
	}
	if enqueue(t, env.Store, n) {
		t.Fatal("second enqueue with the same DedupKey was queued")
	}
	got := due(t, env.Store, outboxT0, 10)
	if len(got) != 1 || got[0].ID != n.DedupKey || got[0].DedupKey != n.DedupKey {
		t.Fatalf("due = %+v", got)
	}
	// Still only once after delivery.
	if err := env.Store.MarkSent(ctx, got[0].ID, outboxT0); err != nil {
		t.Fatal(err)
	}
	if enqueue(t, env.Store, n) {
		t.Fatal("re-queued after delivery")
	}
	// Without a key, identical notifications are all queued.
	plain := services.NotifyAssigned("a@example.org", "c2", "MB-2")
	plain.NextAttempt = outboxT0
	first, second := enqueue(t, env.Store, plain), enqueue(t, env.Store, plain)
	if !first || !second {
		t.Fatal("keyless notification refused")
	}
	if n, err := env.Client.Database(env.Database).Collection("outbox").CountDocuments(ctx, bson.D{}); err != nil || n != 3 {
		t.Fatalf("documents = %d, %v; want 3", n, err)
	}
}

func TestOutboxDueOrderingAndLimit(t *testing.T) {
	env := outboxEnv(t)
	for _, tc := range []struct {
		id string
		at time.Duration
	}{{"c", 3 * time.Minute}, {"a", time.Minute}, {"future", time.Hour}, {"b", 2 * time.Minute}, {"d", 4 * time.Minute}} {
		enqueue(t, env.Store, services.Notification{To: "x@example.org", Kind: services.NotifyKindAssigned, CaseID: tc.id,
			CreatedAt: outboxT0, NextAttempt: outboxT0.Add(tc.at)})
	}
	now := outboxT0.Add(10 * time.Minute)
	if got := caseIDs(due(t, env.Store, now, 10)); !reflect.DeepEqual(got, []string{"a", "b", "c", "d"}) {
		t.Fatalf("due order = %v", got)
	}
	if got := caseIDs(due(t, env.Store, now, 2)); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Fatalf("limit 2 = %v", got)
	}
	if got := caseIDs(due(t, env.Store, outboxT0.Add(2*time.Minute), 10)); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Fatalf("due at +2m (inclusive) = %v", got)
	}
}

func TestOutboxMarkSentAndFailed(t *testing.T) {
	env := outboxEnv(t)
	ctx := context.Background()
	for _, id := range []string{"sent", "retry", "dead"} {
		enqueue(t, env.Store, services.Notification{To: "x@example.org", Kind: services.NotifyKindAssigned, CaseID: id,
			CreatedAt: outboxT0, NextAttempt: outboxT0})
	}
	ns := due(t, env.Store, outboxT0, 10)
	ids := map[string]string{}
	for _, n := range ns {
		ids[n.CaseID] = n.ID
	}
	pending := func(want int64) {
		t.Helper()
		if n, err := env.Store.PendingNotifications(ctx); err != nil || n != want {
			t.Fatalf("PendingNotifications = %d, %v; want %d", n, err, want)
		}
	}
	pending(3)
	if err := env.Store.MarkSent(ctx, ids["sent"], outboxT0.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := env.Store.MarkFailed(ctx, ids["retry"], 3, outboxT0.Add(4*time.Minute), "451 try later"); err != nil {
		t.Fatal(err)
	}
	if err := env.Store.MarkFailed(ctx, ids["dead"], 8, time.Time{}, "550 no such user"); err != nil {
		t.Fatal(err)
	}
	pending(1) // the one to retry; sent and given-up ones are not pending
	if got := due(t, env.Store, outboxT0.Add(4*time.Minute-time.Millisecond), 10); len(got) != 0 {
		t.Fatalf("due before retry time: %+v", got)
	}
	got := due(t, env.Store, outboxT0.Add(24*time.Hour), 10)
	if len(got) != 1 || got[0].CaseID != "retry" || got[0].Attempts != 3 || got[0].LastError != "451 try later" ||
		!got[0].NextAttempt.Equal(outboxT0.Add(4*time.Minute)) {
		t.Fatalf("due after retry time: %+v", got)
	}
	col := env.Client.Database(env.Database).Collection("outbox")
	var sent, dead bson.M
	if err := col.FindOne(ctx, bson.D{{Key: "_id", Value: ids["sent"]}}).Decode(&sent); err != nil {
		t.Fatal(err)
	}
	if _, has := sent["nextAttempt"]; has || sent["sentAt"] == nil {
		t.Fatalf("sent document: %v", sent)
	}
	if err := col.FindOne(ctx, bson.D{{Key: "_id", Value: ids["dead"]}}).Decode(&dead); err != nil {
		t.Fatal(err)
	}
	if _, has := dead["nextAttempt"]; has || dead["lastError"] != "550 no such user" || dead["attempts"] != int32(8) {
		t.Fatalf("given-up document: %v", dead)
	}
	for _, err := range []error{env.Store.MarkSent(ctx, "nope", outboxT0), env.Store.MarkFailed(ctx, "nope", 1, outboxT0, "x")} {
		if !services.IsCode(err, services.CodeNotFound) {
			t.Errorf("unknown id: %v, want not_found", err)
		}
	}
}

// TestOutboxNotifierEndToEnd runs the Notifier on the real store with a
// mailer that fails once.
func TestOutboxNotifierEndToEnd(t *testing.T) {
	env := outboxEnv(t)
	ctx := context.Background()
	now := outboxT0
	m := &onceFailingMailer{}
	nf := services.NewNotifier(services.NotifierOptions{Outbox: env.Store, Mailer: m, Now: func() time.Time { return now }})
	c := services.CitizenUpdate("dân@example.org", "en")
	c.CreatedAt, c.NextAttempt = now, now
	enqueue(t, env.Store, c)
	if sent, failed, err := nf.DeliverDue(ctx); sent != 0 || failed != 1 || err != nil {
		t.Fatalf("first: %d %d %v", sent, failed, err)
	}
	if sent, failed, err := nf.DeliverDue(ctx); sent+failed != 0 || err != nil {
		t.Fatalf("retried too early: %d %d %v", sent, failed, err)
	}
	now = now.Add(time.Minute)
	if sent, failed, err := nf.DeliverDue(ctx); sent != 1 || failed != 0 || err != nil {
		t.Fatalf("retry: %d %d %v", sent, failed, err)
	}
	if m.to != "dân@example.org" || m.n.Kind != services.NotifyKindCitizenUpdate || m.n.Language != "en" || m.n.Attempts != 1 {
		t.Fatalf("mailer got %q %+v", m.to, m.n)
	}
	if got := due(t, env.Store, now.Add(time.Hour), 10); len(got) != 0 {
		t.Fatalf("still due after delivery: %+v", got)
	}
}

type onceFailingMailer struct {
	calls int
	to    string
	n     services.Notification
}

func (m *onceFailingMailer) Send(_ context.Context, to string, n services.Notification) error {
	m.calls++
	if m.calls == 1 {
		return errors.New("421 busy")
	}
	m.to, m.n = to, n
	return nil
}

// TestOutboxDueListRepairsItself: the list of what is due (outboxDue) is
// written apart from the notifications, so a failure or a crash between
// the two writes leaves it wrong; DueNotifications puts each such entry
// right when it reads it: an entry whose notification was delivered is
// removed, one behind its notification's next attempt is moved on, one
// without a notification is removed once it is old enough not to be an
// enqueue between its writes, and a retry of a notification missing from
// the list lists it again.
func TestOutboxDueListRepairsItself(t *testing.T) {
	env := outboxEnv(t)
	ctx := context.Background()
	list := env.Client.Database(env.Database).Collection("outboxDue")
	for _, id := range []string{"sent", "later", "fine"} {
		enqueue(t, env.Store, services.Notification{To: "x@example.org", Kind: services.NotifyKindAssigned, CaseID: id,
			DedupKey: id, CreatedAt: outboxT0, NextAttempt: outboxT0})
	}
	outbox := env.Client.Database(env.Database).Collection("outbox")
	// "sent" was delivered and "later" rescheduled, but their entries were
	// not updated (as after a crash between the two writes).
	if _, err := outbox.UpdateOne(ctx, bson.D{{Key: "_id", Value: "sent"}}, bson.D{{Key: "$unset", Value: bson.D{{Key: "nextAttempt", Value: ""}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := outbox.UpdateOne(ctx, bson.D{{Key: "_id", Value: "later"}}, bson.D{{Key: "$set", Value: bson.D{{Key: "nextAttempt", Value: outboxT0.Add(time.Hour)}}}}); err != nil {
		t.Fatal(err)
	}
	// Entries without a notification: an old one, and one just written.
	now := outboxT0.Add(10 * time.Minute)
	for id, created := range map[string]time.Time{"orphan": time.Now().Add(-6 * time.Minute), "young": time.Now().Add(-time.Minute)} {
		if _, err := list.InsertOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "nextAttempt", Value: outboxT0}, {Key: "createdAt", Value: created}}); err != nil {
			t.Fatal(err)
		}
	}
	if got := caseIDs(due(t, env.Store, now, 10)); !reflect.DeepEqual(got, []string{"fine"}) {
		t.Fatalf("due = %v, want [fine]", got)
	}
	entries := func() map[string]time.Time {
		cur, err := list.Find(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		var docs []struct {
			ID          string    `bson:"_id"`
			NextAttempt time.Time `bson:"nextAttempt"`
		}
		if err := cur.All(ctx, &docs); err != nil {
			t.Fatal(err)
		}
		out := map[string]time.Time{}
		for _, d := range docs {
			out[d.ID] = d.NextAttempt.UTC()
		}
		return out
	}
	want := map[string]time.Time{"later": outboxT0.Add(time.Hour), "fine": outboxT0, "young": outboxT0}
	if got := entries(); !reflect.DeepEqual(got, want) {
		t.Fatalf("entries after the repair = %v, want %v", got, want)
	}
	if got := caseIDs(due(t, env.Store, outboxT0.Add(2*time.Hour), 10)); !reflect.DeepEqual(got, []string{"fine", "later"}) {
		t.Fatalf("due later = %v", got)
	}
	// A failed attempt of a notification whose entry is missing lists it
	// again at its next attempt.
	if _, err := list.DeleteOne(ctx, bson.D{{Key: "_id", Value: "fine"}}); err != nil {
		t.Fatal(err)
	}
	if err := env.Store.MarkFailed(ctx, "fine", 1, outboxT0.Add(3*time.Hour), "smtp: 451"); err != nil {
		t.Fatal(err)
	}
	if got := entries()["fine"]; !got.Equal(outboxT0.Add(3 * time.Hour)) {
		t.Fatalf("entry after a retry = %v", got)
	}
}
