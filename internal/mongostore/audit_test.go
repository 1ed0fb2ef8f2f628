package mongostore_test

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minhbach/internal/testenv"
	"minhbach/services"
)

// auditEnv returns a test environment and the auditEvents collection with
// its unique (caseId, seq) index, created here when EnsureIndexes does not
// (yet) declare it.
func auditEnv(t *testing.T) (*testenv.Env, *mongo.Collection) {
	t.Helper()
	env := testenv.New(t)
	ctx := context.Background()
	col := env.Client.Database(env.Database).Collection("auditEvents")
	cur, err := col.Indexes().List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var specs []struct {
		Key    bson.D `bson:"key"`
		Unique bool   `bson:"unique"`
	}
	if err := cur.All(ctx, &specs); err != nil {
		t.Fatal(err)
	}
	want := bson.D{{Key: "caseId", Value: int32(1)}, {Key: "seq", Value: int32(1)}}
	for _, s := range specs {
		if s.Unique && fmt.Sprint(s.Key) == fmt.Sprint(want) {
			return env, col
		}
	}
	if _, err := col.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "caseId", Value: 1}, {Key: "seq", Value: 1}},
		Options: options.Index().SetName("caseId_seq_unique").SetUnique(true)}); err != nil {
		t.Fatal(err)
	}
	return env, col
}

func appendN(t *testing.T, l *services.AuditLog, caseID string, n int) []services.AuditEvent {
	t.Helper()
	var out []services.AuditEvent
	for i := 0; i < n; i++ {
		e, err := l.Append(context.Background(), caseID, "u1", "note", map[string]string{"i": fmt.Sprint(i), "case": caseID})
		if err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
		out = append(out, e)
	}
	return out
}

func TestAuditAppendListVerify(t *testing.T) {
	env, _ := auditEnv(t)
	ctx := context.Background()
	clock := time.Date(2026, 11, 27, 3, 4, 5, 123_456_789, time.UTC)
	l := services.NewAuditLog(env.Store, func() time.Time { clock = clock.Add(time.Second); return clock })

	if _, err := env.Store.LastAuditEvent(ctx, "a"); !services.IsCode(err, services.CodeNotFound) {
		t.Fatalf("last of empty chain: %v, want not_found", err)
	}
	if r, err := l.Verify(ctx, "a"); err != nil || r != (services.VerifyResult{Valid: true}) {
		t.Fatalf("verify empty chain: %v %+v", err, r)
	}
	a := appendN(t, l, "a", 10)
	b := appendN(t, l, "b", 3)
	if _, err := l.Append(ctx, "c", "system", "submitted", nil); err != nil {
		t.Fatal(err)
	}
	for i, e := range a {
		if e.Seq != int64(i+1) || e.CaseID != "a" || e.At.Nanosecond()%int(time.Millisecond) != 0 {
			t.Fatalf("event %d: %+v", i, e)
		}
		if (i == 0 && e.PrevHash != "") || (i > 0 && e.PrevHash != a[i-1].Hash) {
			t.Fatalf("event %d does not link to the one before", i)
		}
	}
	got, err := env.Store.ListAuditEvents(ctx, "a", 100)
	if err != nil || !reflect.DeepEqual(got, a) {
		t.Fatalf("list: %v\n got %+v\nwant %+v", err, got, a)
	}
	if got, err := env.Store.ListAuditEvents(ctx, "a", 4); err != nil || len(got) != 4 || got[3].Seq != 4 {
		t.Fatalf("list limit 4: %v %+v", err, got)
	}
	last, err := env.Store.LastAuditEvent(ctx, "b")
	if err != nil || !reflect.DeepEqual(last, b[2]) {
		t.Fatalf("last: %v %+v", err, last)
	}
	for _, id := range []string{"a", "b", "c"} {
		r, err := l.Verify(ctx, id)
		if err != nil || !r.Valid || r.BrokenAt != 0 || r.Reason != "" {
			t.Fatalf("verify %s: %v %+v", id, err, r)
		}
	}
	if r, _ := l.Verify(ctx, "a"); r.Events != 10 {
		t.Fatalf("verify counted %d events", r.Events)
	}

	dup := a[4]
	dup.Actor = "intruder"
	if n, err := env.Store.AppendAuditEvents(ctx, []services.AuditEvent{dup}); n != 0 || !services.IsCode(err, services.CodeConflict) {
		t.Fatalf("second event with seq 5: %v, want conflict", err)
	}

	heads, err := env.Store.ListAuditHeads(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	var summary []string
	for _, h := range heads {
		summary = append(summary, fmt.Sprintf("%s:%d", h.CaseID, h.Seq))
	}
	if fmt.Sprint(summary) != "[c:1 b:3 a:10]" || !reflect.DeepEqual(heads[2], a[9]) {
		t.Fatalf("heads = %v", summary)
	}
	if heads, err := env.Store.ListAuditHeads(ctx, 2); err != nil || len(heads) != 2 || heads[1].CaseID != "b" || heads[1].Seq != 3 {
		t.Fatalf("heads limit 2: %v %+v", err, heads)
	}
}

func TestAuditConcurrentAppends(t *testing.T) {
	env, _ := auditEnv(t)
	ctx := context.Background()
	// Two AuditLogs stand for two portal processes: within one, appends
	// take turns; between them, they race at the unique index.
	logs := []*services.AuditLog{services.NewAuditLog(env.Store, nil), services.NewAuditLog(env.Store, nil)}
	var wg sync.WaitGroup
	errs := make(chan error, 80)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				if _, err := logs[g%2].Append(ctx, "r", fmt.Sprintf("g%d", g), "note", map[string]string{"i": fmt.Sprint(i)}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("append: %v", err)
	}
	events, err := env.Store.ListAuditEvents(ctx, "r", 1000)
	if err != nil {
		t.Fatal(err)
	}
	perActor := map[string]int{}
	for i, e := range events {
		if e.Seq != int64(i+1) {
			t.Fatalf("position %d holds seq %d", i, e.Seq)
		}
		perActor[e.Actor]++
	}
	if len(events) != 80 || len(perActor) != 8 {
		t.Fatalf("%d events from %d writers", len(events), len(perActor))
	}
	r, err := logs[0].Verify(ctx, "r")
	if err != nil || r != (services.VerifyResult{Valid: true, Events: 80}) {
		t.Fatalf("verify: %v %+v", err, r)
	}
}

// racingStore lets another writer append right after each of the first
// races reads of the chain's end (the recorded head or the last event), so
// the append that read it conflicts.
type racingStore struct {
	services.AuditStore
	other   *services.AuditLog
	races   int
	inserts int
}

func (s *racingStore) race(ctx context.Context, caseID string) error {
	if s.races > 0 {
		s.races--
		if _, err := s.other.Append(ctx, caseID, "other", "note", nil); err != nil {
			return err
		}
	}
	return nil
}

func (s *racingStore) AuditHead(ctx context.Context, caseID string) (services.AuditEvent, error) {
	e, err := s.AuditStore.AuditHead(ctx, caseID)
	if rerr := s.race(ctx, caseID); rerr != nil {
		return e, rerr
	}
	return e, err
}

func (s *racingStore) LastAuditEvent(ctx context.Context, caseID string) (services.AuditEvent, error) {
	e, err := s.AuditStore.LastAuditEvent(ctx, caseID)
	if rerr := s.race(ctx, caseID); rerr != nil {
		return e, rerr
	}
	return e, err
}

func (s *racingStore) AppendAuditEvents(ctx context.Context, events []services.AuditEvent) (int, error) {
	s.inserts++
	return s.AuditStore.AppendAuditEvents(ctx, events)
}

func TestAuditAppendRetriesAfterConflict(t *testing.T) {
	env, _ := auditEnv(t)
	ctx := context.Background()
	rs := &racingStore{AuditStore: env.Store, other: services.NewAuditLog(env.Store, nil), races: 3}
	l := services.NewAuditLog(rs, nil)
	e, err := l.Append(ctx, "x", "me", "note", nil)
	if err != nil {
		t.Fatal(err)
	}
	if e.Seq != 4 || rs.inserts != 4 {
		t.Fatalf("seq %d after %d inserts, want seq 4 after 4", e.Seq, rs.inserts)
	}
	if r, err := l.Verify(ctx, "x"); err != nil || r != (services.VerifyResult{Valid: true, Events: 4}) {
		t.Fatalf("verify: %v %+v", err, r)
	}
}

// staleStore always reports the first event as the end of the chain.
type staleStore struct {
	services.AuditStore
	first   services.AuditEvent
	inserts atomic.Int32
}

func (s *staleStore) AuditHead(context.Context, string) (services.AuditEvent, error) {
	return s.first, nil
}

func (s *staleStore) LastAuditEvent(context.Context, string) (services.AuditEvent, error) {
	return s.first, nil
}

func (s *staleStore) AppendAuditEvents(ctx context.Context, events []services.AuditEvent) (int, error) {
	s.inserts.Add(1)
	return s.AuditStore.AppendAuditEvents(ctx, events)
}

func TestAuditAppendGivesUp(t *testing.T) {
	env, _ := auditEnv(t)
	ctx := context.Background()
	events := appendN(t, services.NewAuditLog(env.Store, nil), "y", 2)
	ss := &staleStore{AuditStore: env.Store, first: events[0]}
	_, err := services.NewAuditLog(ss, nil).Append(ctx, "y", "me", "note", nil)
	if !services.IsCode(err, services.CodeConflict) || ss.inserts.Load() != 40 { // services' auditMaxAttempts
		t.Fatalf("err %v after %d inserts, want conflict after 40", err, ss.inserts.Load())
	}
}

func TestAuditVerifyFindsTampering(t *testing.T) {
	env, col := auditEnv(t)
	ctx := context.Background()
	l := services.NewAuditLog(env.Store, nil)
	set := func(caseID string, seq int64, update bson.D) {
		t.Helper()
		res, err := col.UpdateOne(ctx, bson.D{{Key: "caseId", Value: caseID}, {Key: "seq", Value: seq}}, bson.D{{Key: "$set", Value: update}})
		if err != nil || res.ModifiedCount != 1 {
			t.Fatalf("tamper %s/%d: %v %+v", caseID, seq, err, res)
		}
	}
	tests := []struct {
		name     string
		tamper   func(caseID string, chain []services.AuditEvent)
		events   int
		brokenAt int64
		reason   string
	}{
		{"data edited", func(id string, _ []services.AuditEvent) {
			set(id, 4, bson.D{{Key: "data.i", Value: "forged"}})
		}, 10, 4, services.AuditHashMismatch},
		{"time edited", func(id string, c []services.AuditEvent) {
			set(id, 9, bson.D{{Key: "at", Value: c[8].At.Add(-time.Hour)}})
		}, 10, 9, services.AuditHashMismatch},
		{"middle deleted", func(id string, _ []services.AuditEvent) {
			res, err := col.DeleteOne(ctx, bson.D{{Key: "caseId", Value: id}, {Key: "seq", Value: 5}})
			if err != nil || res.DeletedCount != 1 {
				t.Fatalf("delete: %v %+v", err, res)
			}
		}, 9, 6, services.AuditSequenceGap},
		{"seqs swapped", func(id string, _ []services.AuditEvent) {
			set(id, 3, bson.D{{Key: "seq", Value: -1}})
			set(id, 7, bson.D{{Key: "seq", Value: 3}})
			set(id, -1, bson.D{{Key: "seq", Value: 7}})
		}, 10, 3, services.AuditPrevHashMismatch},
		{"prevHash changed", func(id string, c []services.AuditEvent) {
			set(id, 8, bson.D{{Key: "prevHash", Value: c[2].Hash}})
		}, 10, 8, services.AuditPrevHashMismatch},
		{"edited and rehashed", func(id string, c []services.AuditEvent) {
			e := c[5]
			e.Actor = "someone-else"
			set(id, 6, bson.D{{Key: "actor", Value: e.Actor}, {Key: "hash", Value: services.ComputeAuditHash(e.PrevHash, e)}})
		}, 10, 7, services.AuditPrevHashMismatch},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id := fmt.Sprintf("case%d", i)
			chain := appendN(t, l, id, 10)
			if r, err := l.Verify(ctx, id); err != nil || !r.Valid {
				t.Fatalf("before tampering: %v %+v", err, r)
			}
			tc.tamper(id, chain)
			r, err := l.Verify(ctx, id)
			want := services.VerifyResult{Events: tc.events, BrokenAt: tc.brokenAt, Reason: tc.reason}
			if err != nil || r != want {
				t.Fatalf("verify: %v %+v, want %+v", err, r, want)
			}
			// The check of every chain (`portal audit verify`), from one
			// read of all events, finds the same.
			broken, _, err := services.VerifyAllChains(ctx, l, 100)
			if err != nil {
				t.Fatal(err)
			}
			var got *services.VerifyResult
			for _, b := range broken {
				if b.CaseID == id {
					got = &b.VerifyResult
				}
			}
			if got == nil || *got != want {
				t.Fatalf("verify all: %+v, want %s %+v", broken, id, want)
			}
		})
	}
}

// countingStore counts insert attempts and reads of the chain.
type countingStore struct {
	services.AuditStore
	inserts atomic.Int32
	reads   atomic.Int32
}

func (s *countingStore) AppendAuditEvents(ctx context.Context, events []services.AuditEvent) (int, error) {
	s.inserts.Add(1)
	return s.AuditStore.AppendAuditEvents(ctx, events)
}

func (s *countingStore) AuditHead(ctx context.Context, caseID string) (services.AuditEvent, error) {
	s.reads.Add(1)
	return s.AuditStore.AuditHead(ctx, caseID)
}

func (s *countingStore) LastAuditEvent(ctx context.Context, caseID string) (services.AuditEvent, error) {
	s.reads.Add(1)
	return s.AuditStore.LastAuditEvent(ctx, caseID)
}

func (s *countingStore) ListAuditEvents(ctx context.Context, caseID string, limit int) ([]services.AuditEvent, error) {
	s.reads.Add(1)
	return s.AuditStore.ListAuditEvents(ctx, caseID, limit)
}

func TestAuditAppendsThroughOneLogTakeTurns(t *testing.T) {
	env, _ := auditEnv(t)
	ctx := context.Background()
	cs := &countingStore{AuditStore: env.Store}
	l := services.NewAuditLog(cs, nil)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 5; i++ {
				if _, err := l.Append(ctx, "one", "u1", "note", nil); err != nil {
					t.Errorf("append: %v", err)
				}
			}
		}()
	}
	wg.Wait()
	if n := cs.inserts.Load(); n != 40 {
		t.Fatalf("%d insert attempts for 40 events: appends of one process raced each other", n)
	}
	if r, err := l.Verify(ctx, "one"); err != nil || r != (services.VerifyResult{Valid: true, Events: 40}) {
		t.Fatalf("verify: %v %+v", err, r)
	}
}
