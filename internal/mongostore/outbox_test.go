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
	n := services.Notification{To: "cán.bộ@example.org", Kind: services.NotifyKindAssigned, Subject: "Hồ sơ MB-1",
		Body: "Nội dung\n", CaseID: "c1", CreatedAt: outboxT0.Add(-time.Minute), NextAttempt: outboxT0}
	if !enqueue(t, env.Store, n) {
		t.Fatal("not queued")
	}
	if got := due(t, env.Store, outboxT0.Add(-time.Millisecond), 10); len(got) != 0 {
		t.Fatalf("due before NextAttempt: %+v", got)
	}
	got := due(t, env.Store, outboxT0, 10)
	if len(got) != 1 {
		t.Fatalf("due = %+v", got)
	}
	if _, err := bson.ObjectIDFromHex(got[0].ID); err != nil {
		t.Errorf("id %q is not a random ObjectID hex", got[0].ID)
	}
	n.ID = got[0].ID
	if !reflect.DeepEqual(got[0], n) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got[0], n)
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
	if err := env.Store.MarkSent(ctx, ids["sent"], outboxT0.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := env.Store.MarkFailed(ctx, ids["retry"], 3, outboxT0.Add(4*time.Minute), "451 try later"); err != nil {
		t.Fatal(err)
	}
	if err := env.Store.MarkFailed(ctx, ids["dead"], 8, time.Time{}, "550 no such user"); err != nil {
		t.Fatal(err)
	}
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
	nf := &services.Notifier{Outbox: env.Store, Mailer: m, Now: func() time.Time { return now }}
	c := services.CitizenUpdate("dân@example.org", "vi")
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
	if m.to != "dân@example.org" || m.subject != c.Subject {
		t.Fatalf("mailer got %q %q", m.to, m.subject)
	}
	if got := due(t, env.Store, now.Add(time.Hour), 10); len(got) != 0 {
		t.Fatalf("still due after delivery: %+v", got)
	}
}

type onceFailingMailer struct {
	calls       int
	to, subject string
}

func (m *onceFailingMailer) Send(_ context.Context, to, subject, _ string) error {
	m.calls++
	if m.calls == 1 {
		return errors.New("421 busy")
	}
	m.to, m.subject = to, subject
	return nil
}
