package job_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"minhbach/internal/job"
)

// leaseMem is an in-memory LeaseStore for the loop logic of Runner only;
// the lease semantics themselves are tested on the real database in
// internal/mongostore.
type leaseMem struct {
	mu       sync.Mutex
	holder   map[string]string
	until    map[string]time.Time
	err      error
	acquires int
	releases int
}

func newLeaseMem() *leaseMem {
	return &leaseMem{holder: map[string]string{}, until: map[string]time.Time{}}
}

func (m *leaseMem) AcquireLease(_ context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.acquires++
	if m.err != nil {
		return false, m.err
	}
	if h, ok := m.holder[name]; ok && h != holder && !m.until[name].Before(now) {
		return false, nil
	}
	m.holder[name], m.until[name] = holder, now.Add(ttl)
	return true, nil
}

func (m *leaseMem) ReleaseLease(_ context.Context, name, holder string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.releases++
	if m.holder[name] == holder {
		delete(m.holder, name)
		delete(m.until, name)
	}
	return nil
}

func (m *leaseMem) owner(name string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.holder[name]
}

func TestNewHolderIsRandomHex(t *testing.T) {
	a, b := job.NewHolder(), job.NewHolder()
	if len(a) != 24 || a == b {
		t.Fatalf("NewHolder() = %q, %q", a, b)
	}
	for _, r := range a {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
			t.Fatalf("NewHolder() = %q, not hex", a)
		}
	}
}

func TestRunnerRunOnceRunsUnderLeaseAndReleases(t *testing.T) {
	m := newLeaseMem()
	j := &job.Runner{Leases: m, Holder: "p1"}
	var during string
	ran, err := j.RunOnce(context.Background(), "sweep", time.Minute, func(ctx context.Context) error {
		during = m.owner("sweep")
		return nil
	})
	if !ran || err != nil {
		t.Fatalf("RunOnce = %v, %v", ran, err)
	}
	if during != "p1" {
		t.Fatalf("lease holder while running = %q, want p1", during)
	}
	if got := m.owner("sweep"); got != "" || m.releases != 1 {
		t.Fatalf("after run: holder %q, %d releases; want released once", got, m.releases)
	}
}

func TestRunnerRunOnceSkipsWhenAnotherHolds(t *testing.T) {
	m := newLeaseMem()
	if ok, _ := m.AcquireLease(context.Background(), "sweep", "p2", time.Now(), time.Hour); !ok {
		t.Fatal("setup acquire failed")
	}
	j := &job.Runner{Leases: m, Holder: "p1"}
	ran, err := j.RunOnce(context.Background(), "sweep", time.Minute, func(context.Context) error {
		t.Error("fn ran without the lease")
		return nil
	})
	if ran || err != nil {
		t.Fatalf("RunOnce = %v, %v; want false, nil", ran, err)
	}
	if got := m.owner("sweep"); got != "p2" {
		t.Fatalf("holder = %q, want p2 untouched", got)
	}
}

func TestRunnerRunOnceReportsErrors(t *testing.T) {
	boom := errors.New("boom")
	m := newLeaseMem()
	j := &job.Runner{Leases: m, Holder: "p1"}
	ran, err := j.RunOnce(context.Background(), "sweep", time.Minute, func(context.Context) error { return boom })
	if !ran || !errors.Is(err, boom) {
		t.Fatalf("RunOnce = %v, %v; want true, boom", ran, err)
	}
	if m.owner("sweep") != "" {
		t.Fatal("lease kept after a failed run")
	}

	down := errors.New("server selection timeout")
	m.err = down
	ran, err = j.RunOnce(context.Background(), "sweep", time.Minute, func(context.Context) error {
		t.Error("fn ran although the lease store failed")
		return nil
	})
	if ran || !errors.Is(err, down) {
		t.Fatalf("RunOnce with failing store = %v, %v", ran, err)
	}

	for _, bad := range []*job.Runner{{Leases: m, Holder: ""}, {Leases: nil, Holder: "p"}} {
		if _, err := bad.RunOnce(context.Background(), "sweep", time.Minute, nil); !errors.Is(err, job.ErrInvalid) {
			t.Fatalf("RunOnce on %+v = %v, want invalid", bad, err)
		}
	}
	if _, err := j.RunOnce(context.Background(), "sweep", 0, nil); !errors.Is(err, job.ErrInvalid) {
		t.Fatalf("RunOnce with ttl 0 = %v, want invalid", err)
	}
	if err := j.Every(context.Background(), "sweep", 0, time.Minute, nil); !errors.Is(err, job.ErrInvalid) {
		t.Fatalf("Every with interval 0 = %v, want invalid", err)
	}
}

func TestRunnerRunOnceContextEndsWithLease(t *testing.T) {
	m := newLeaseMem()
	var start time.Time // the lease's now: the first clock reading
	j := &job.Runner{Leases: m, Holder: "p1", Now: func() time.Time {
		now := time.Now()
		if start.IsZero() {
			start = now
		}
		return now
	}}
	const ttl = 50 * time.Millisecond
	var ctxErr error
	var deadline time.Time
	ran, err := j.RunOnce(context.Background(), "sweep", ttl, func(ctx context.Context) error {
		deadline, _ = ctx.Deadline()
		select {
		case <-ctx.Done():
			ctxErr = ctx.Err()
		case <-time.After(10 * time.Second):
		}
		return ctx.Err()
	})
	if !ran || !errors.Is(err, context.DeadlineExceeded) || !errors.Is(ctxErr, context.DeadlineExceeded) {
		t.Fatalf("RunOnce = %v, %v (fn saw %v); want the lease deadline", ran, err, ctxErr)
	}
	if deadline.IsZero() || deadline.After(start.Add(ttl)) || deadline.Before(start.Add(ttl-time.Second)) {
		t.Fatalf("fn deadline %v is not just before the lease end %v", deadline, start.Add(ttl))
	}
}

func TestRunnerRunOnceNeverOverlapsInOneProcess(t *testing.T) {
	// The store lets a holder renew its own lease, so only Runner itself can
	// stop a second local run of a job that is still running.
	m := newLeaseMem()
	j := &job.Runner{Leases: m, Holder: "p1"}
	inside, leave := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := j.RunOnce(context.Background(), "sweep", time.Minute, func(context.Context) error {
			close(inside)
			<-leave
			return nil
		})
		done <- err
	}()
	<-inside
	ran, err := j.RunOnce(context.Background(), "sweep", time.Minute, func(context.Context) error {
		t.Error("second local run while the first one runs")
		return nil
	})
	close(leave)
	if ran || err != nil {
		t.Fatalf("second RunOnce = %v, %v; want false, nil", ran, err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// Another job is not blocked, and the first job can run again.
	for _, name := range []string{"other", "sweep"} {
		if ran, err := j.RunOnce(context.Background(), name, time.Minute, func(context.Context) error { return nil }); !ran || err != nil {
			t.Fatalf("RunOnce(%s) afterwards = %v, %v", name, ran, err)
		}
	}
}

func TestRunnerEveryRunsAtTicksLogsAndStops(t *testing.T) {
	m := newLeaseMem()
	var logged atomic.Int32
	j := &job.Runner{Leases: m, Holder: "p1", Log: func(msg string, args ...any) {
		if msg == "job failed" {
			logged.Add(1)
		}
	}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var runs atomic.Int32
	stopped := make(chan error, 1)
	go func() {
		stopped <- j.Every(ctx, "sweep", 5*time.Millisecond, time.Minute, func(context.Context) error {
			if runs.Add(1)%2 == 0 {
				return errors.New("every other run fails")
			}
			return nil
		})
	}()
	deadline := time.Now().Add(10 * time.Second)
	// Wait for a fifth run: the second failure (run 4) is logged before run 5
	// starts, so cancelling then cannot race with that log line.
	for runs.Load() < 5 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	cancel()
	select {
	case err := <-stopped:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Every returned %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Every did not stop with its context")
	}
	n := runs.Load()
	if n < 4 {
		t.Fatalf("%d runs, want at least 4", n)
	}
	if logged.Load() < 2 {
		t.Fatalf("%d failures logged, want at least 2", logged.Load())
	}
	time.Sleep(20 * time.Millisecond)
	if runs.Load() != n {
		t.Fatal("Every kept running after it returned")
	}
	if m.owner("sweep") != "" {
		t.Fatal("lease held after Every stopped")
	}
}

func TestRunnerEveryTakesNoTurnWhileAnotherHolds(t *testing.T) {
	m := newLeaseMem()
	now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	if ok, _ := m.AcquireLease(context.Background(), "sweep", "p2", now, time.Hour); !ok {
		t.Fatal("setup acquire failed")
	}
	j := &job.Runner{Leases: m, Holder: "p1", Now: func() time.Time { return now }}
	ctx, cancel := context.WithCancel(context.Background())
	var runs atomic.Int32
	stopped := make(chan error, 1)
	go func() {
		stopped <- j.Every(ctx, "sweep", time.Millisecond, time.Minute, func(context.Context) error {
			runs.Add(1)
			return nil
		})
	}()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		m.mu.Lock()
		n := m.acquires
		m.mu.Unlock()
		if n >= 6 {
			break
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("only %d lease attempts in 10 s", n)
		}
	}
	cancel()
	<-stopped
	if runs.Load() != 0 {
		t.Fatalf("ran %d times under another holder's lease", runs.Load())
	}
}

// TestRunnerObserve: every attempt is heard, with whether it ran, its error,
// and whether its lease ran out while it was still running.
func TestRunnerObserve(t *testing.T) {
	m := newLeaseMem()
	var runs []job.Run
	j := &job.Runner{Leases: m, Holder: "p1", Observe: func(r job.Run) { runs = append(runs, r) }}
	ctx := context.Background()
	boom := errors.New("boom")
	_, _ = j.RunOnce(ctx, "ok", time.Minute, func(context.Context) error { return nil })
	_, _ = j.RunOnce(ctx, "fails", time.Minute, func(context.Context) error { return boom })
	_, _ = j.RunOnce(ctx, "slow", 20*time.Millisecond, func(ctx context.Context) error { <-ctx.Done(); return nil })
	if ok, _ := m.AcquireLease(ctx, "held", "p2", time.Now(), time.Hour); !ok {
		t.Fatal("setup acquire failed")
	}
	_, _ = j.RunOnce(ctx, "held", time.Minute, func(context.Context) error { return nil })
	cancelled, cancel := context.WithCancel(ctx)
	_, _ = j.RunOnce(cancelled, "stopped", time.Minute, func(context.Context) error { cancel(); return nil })
	if len(runs) != 5 {
		t.Fatalf("observed %d runs: %+v", len(runs), runs)
	}
	want := []struct {
		job            string
		ran, err, lost bool
	}{{"ok", true, false, false}, {"fails", true, true, false}, {"slow", true, false, true}, {"held", false, false, false}, {"stopped", true, false, false}}
	for i, w := range want {
		r := runs[i]
		if r.Job != w.job || r.Ran != w.ran || (r.Err != nil) != w.err || r.LeaseLost != w.lost {
			t.Errorf("run %d = %+v, want %+v", i, r, w)
		}
	}
	if runs[2].Took < 20*time.Millisecond {
		t.Errorf("the slow run took %v", runs[2].Took)
	}
}
