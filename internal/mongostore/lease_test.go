package mongostore_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minhbach/internal/job"
	"minhbach/internal/testenv"
)

var leaseT0 = time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)

func acquire(t *testing.T, s job.LeaseStore, job, holder string, now time.Time, ttl time.Duration) bool {
	t.Helper()
	ok, err := s.AcquireLease(context.Background(), job, holder, now, ttl)
	if err != nil {
		t.Fatalf("AcquireLease(%s, %s, %v): %v", job, holder, now, err)
	}
	return ok
}

func leaseHolder(t *testing.T, env *testenv.Env, job string) string {
	t.Helper()
	var d struct {
		Holder string `bson:"holder"`
	}
	err := env.Client.Database(env.Database).Collection("leases").FindOne(context.Background(), bson.D{{Key: "_id", Value: job}}).Decode(&d)
	if err != nil {
		return ""
	}
	return d.Holder
}

// TestLeaseRaceHasOneOwnerAtATime races two holders from many goroutines
// on a fake clock. It runs in rounds spaced further apart than the lease, so
// every round starts with an expired lease; in each round each holder takes
// part (all its goroutines at once, with clock readings scattered over the
// round) or sits it out, so leases are created, renewed, taken over and
// renewed late under contention.
func TestLeaseRaceHasOneOwnerAtATime(t *testing.T) {
	env := testenv.New(t)
	const (
		holders    = 2
		goroutines = 20
		rounds     = 50
		ttl        = time.Second
		roundLen   = 3 * ttl / 2
		scatter    = 200 // fake milliseconds of clock readings in a round
	)
	type owned struct {
		holder   int
		from, to time.Time
	}
	var (
		mu    sync.Mutex
		spans []owned
	)
	names := []string{job.NewHolder(), job.NewHolder()}
	rnd := rand.New(rand.NewPCG(1, 2))
	for r := range rounds {
		start := leaseT0.Add(time.Duration(r) * roundLen)
		in := rnd.IntN(3) // 0: holder 0 only, 1: holder 1 only, 2: both
		var wg sync.WaitGroup
		for h := range holders {
			if in != 2 && in != h {
				continue
			}
			for range goroutines {
				now := start.Add(time.Duration(rnd.IntN(scatter)) * time.Millisecond)
				wg.Add(1)
				go func() {
					defer wg.Done()
					ok, err := env.Store.AcquireLease(context.Background(), "outbox", names[h], now, ttl)
					if err != nil {
						t.Errorf("AcquireLease: %v", err)
						return
					}
					if ok {
						mu.Lock()
						spans = append(spans, owned{h, now, now.Add(ttl)})
						mu.Unlock()
					}
				}()
			}
		}
		wg.Wait()
		if t.Failed() {
			return
		}
	}
	slices.SortFunc(spans, func(a, b owned) int { return a.from.Compare(b.from) })
	var maxTo [holders]time.Time
	counts, switches, last := [holders]int{}, 0, -1
	for _, s := range spans {
		for other := range holders {
			if other != s.holder && maxTo[other].After(s.from) {
				t.Fatalf("holder %d owns [%v, %v) while holder %d owns until %v", s.holder, s.from, s.to, other, maxTo[other])
			}
		}
		if s.to.After(maxTo[s.holder]) {
			maxTo[s.holder] = s.to
		}
		counts[s.holder]++
		if last != -1 && last != s.holder {
			switches++
		}
		last = s.holder
	}
	t.Logf("%d owned spans (%v per holder), %d changes of owner", len(spans), counts, switches)
	if counts[0] == 0 || counts[1] == 0 || switches < 5 {
		t.Fatalf("the race did not exercise take-overs: spans per holder %v, %d changes", counts, switches)
	}
	if got := leaseHolder(t, env, "outbox"); got != names[0] && got != names[1] {
		t.Fatalf("stored holder %q", got)
	}
}

func TestLeaseExpiredIsTakenOver(t *testing.T) {
	env := testenv.New(t)
	s := env.Store
	if !acquire(t, s, "sweep", "a", leaseT0, time.Minute) {
		t.Fatal("a could not take a free lease")
	}
	if acquire(t, s, "sweep", "b", leaseT0.Add(30*time.Second), time.Minute) {
		t.Fatal("b took a live lease")
	}
	if acquire(t, s, "sweep", "b", leaseT0.Add(time.Minute), time.Minute) {
		t.Fatal("b took the lease at the very instant it ends")
	}
	if !acquire(t, s, "sweep", "b", leaseT0.Add(time.Minute+time.Millisecond), time.Minute) {
		t.Fatal("b could not take over an expired lease")
	}
	if acquire(t, s, "sweep", "a", leaseT0.Add(time.Minute+2*time.Millisecond), time.Minute) {
		t.Fatal("a renewed a lease it had lost")
	}
	if got := leaseHolder(t, env, "sweep"); got != "b" {
		t.Fatalf("holder %q, want b", got)
	}
	// Leases of different jobs are independent.
	if !acquire(t, s, "reaper", "a", leaseT0.Add(time.Minute+3*time.Millisecond), time.Minute) {
		t.Fatal("a could not take another job's lease")
	}
}

func TestLeaseRenewByHolder(t *testing.T) {
	env := testenv.New(t)
	s := env.Store
	if !acquire(t, s, "sweep", "a", leaseT0, time.Minute) {
		t.Fatal("a could not take a free lease")
	}
	if !acquire(t, s, "sweep", "a", leaseT0.Add(30*time.Second), time.Minute) {
		t.Fatal("a could not renew its lease")
	}
	// The renewal moved the end to T0+90s: without it b would win here.
	if acquire(t, s, "sweep", "b", leaseT0.Add(80*time.Second), time.Minute) {
		t.Fatal("b took a renewed lease")
	}
	// A late renewal with an older clock reading does not shorten it.
	if !acquire(t, s, "sweep", "a", leaseT0.Add(10*time.Second), time.Minute) {
		t.Fatal("a's late renewal was refused though a holds the lease")
	}
	if acquire(t, s, "sweep", "b", leaseT0.Add(85*time.Second), time.Minute) {
		t.Fatal("a late renewal shortened the lease")
	}
	// An expired lease nobody took is still the holder's to renew.
	if !acquire(t, s, "sweep", "a", leaseT0.Add(5*time.Minute), time.Minute) {
		t.Fatal("a could not renew its own expired lease")
	}
	if acquire(t, s, "sweep", "b", leaseT0.Add(5*time.Minute+59*time.Second), time.Minute) {
		t.Fatal("b took the lease a renewed after expiry")
	}
}

func TestLeaseReleaseLetsOtherAcquire(t *testing.T) {
	env := testenv.New(t)
	s := env.Store
	ctx := context.Background()
	if !acquire(t, s, "sweep", "a", leaseT0, time.Hour) {
		t.Fatal("a could not take a free lease")
	}
	// Releasing someone else's lease does nothing.
	if err := s.ReleaseLease(ctx, "sweep", "b"); err != nil {
		t.Fatal(err)
	}
	if acquire(t, s, "sweep", "b", leaseT0.Add(time.Second), time.Hour) {
		t.Fatal("b took a's lease after releasing a lease b never held")
	}
	if err := s.ReleaseLease(ctx, "sweep", "a"); err != nil {
		t.Fatal(err)
	}
	if !acquire(t, s, "sweep", "b", leaseT0.Add(2*time.Second), time.Hour) {
		t.Fatal("b could not take a released lease")
	}
	// a's second release must not free b's lease.
	if err := s.ReleaseLease(ctx, "sweep", "a"); err != nil {
		t.Fatal(err)
	}
	if acquire(t, s, "sweep", "a", leaseT0.Add(3*time.Second), time.Hour) {
		t.Fatal("a took b's lease after a stale release")
	}
	if got := leaseHolder(t, env, "sweep"); got != "b" {
		t.Fatalf("holder %q, want b", got)
	}
}

// TestJobsRunEachTickOnce plays two portal processes sharing the database:
// at every tick both run the same job, and a counter in MongoDB shows it
// ran exactly once. Both attempts fall within one lease period because the
// winner's job holds its lease until the other attempt has returned.
func TestJobsRunEachTickOnce(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	runs := env.Client.Database(env.Database).Collection("lease_test_runs")
	var tick atomic.Int64
	clock := func() time.Time { return leaseT0.Add(time.Duration(tick.Load()) * 10 * time.Minute) }
	procs := []*job.Runner{
		{Leases: env.Store, Holder: job.NewHolder(), Now: clock},
		{Leases: env.Store, Holder: job.NewHolder(), Now: clock},
	}
	const ticks = 15
	wins := [2]int{}
	for i := range ticks {
		tick.Store(int64(i))
		done := [2]chan struct{}{make(chan struct{}), make(chan struct{})}
		ran := [2]bool{}
		errs := [2]error{}
		var wg sync.WaitGroup
		for p, j := range procs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer close(done[p])
				ran[p], errs[p] = j.RunOnce(ctx, "digest", time.Minute, func(ctx context.Context) error {
					_, err := runs.UpdateOne(ctx, bson.D{{Key: "_id", Value: i}},
						bson.D{{Key: "$inc", Value: bson.D{{Key: "runs", Value: 1}}}}, options.UpdateOne().SetUpsert(true))
					if err != nil {
						return err
					}
					select {
					case <-done[1-p]:
					case <-time.After(2 * time.Second): // both ran at once: the counter tells
					}
					return nil
				})
			}()
		}
		wg.Wait()
		for p := range procs {
			if errs[p] != nil {
				t.Fatalf("tick %d, process %d: %v", i, p, errs[p])
			}
			if ran[p] {
				wins[p]++
			}
		}
	}
	cur, err := runs.Find(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	var docs []struct {
		Tick int `bson:"_id"`
		Runs int `bson:"runs"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		t.Fatal(err)
	}
	if len(docs) != ticks {
		t.Fatalf("%d ticks ran, want %d", len(docs), ticks)
	}
	for _, d := range docs {
		if d.Runs != 1 {
			t.Fatalf("tick %d ran %d times", d.Tick, d.Runs)
		}
	}
	if wins[0]+wins[1] != ticks {
		t.Fatalf("RunOnce reported %v runs for %d ticks", wins, ticks)
	}
	t.Logf("runs per process: %v", wins)
	if leaseHolder(t, env, "digest") != "" {
		t.Fatal("lease not released after the last run")
	}
}
