package services

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"
)

// LeaseStore keeps one lease per background job, so that the portal
// processes sharing a database never run the same job at the same time.
//
// AcquireLease reports whether holder owns job's lease for [now, now+ttl)
// after the call: it takes a free or expired lease, renews the caller's own
// lease, and fails (false, nil) when another holder's lease is still live.
// ReleaseLease gives holder's lease up; it does nothing when holder no longer
// owns it.
type LeaseStore interface {
	AcquireLease(ctx context.Context, job, holder string, now time.Time, ttl time.Duration) (bool, error)
	ReleaseLease(ctx context.Context, job, holder string) error
}

// NewHolder returns a random lease-holder id, one per process.
func NewHolder() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go ≥ 1.24)
	return hex.EncodeToString(b)
}

// releaseTimeout bounds the release after a job, which runs even when the
// job's context is done.
const releaseTimeout = 10 * time.Second

// Jobs runs background jobs under leases. Every process builds one with its
// own Holder; a job then runs in at most one process at a time. Use it by
// pointer; the zero value of the unexported state is ready.
type Jobs struct {
	Leases LeaseStore
	// Holder identifies this process (NewHolder).
	Holder string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Log reports failures of Every's runs; nil discards them.
	Log func(msg string, args ...any)

	mu      sync.Mutex
	running map[string]bool
}

func (j *Jobs) now() time.Time {
	if j.Now != nil {
		return j.Now()
	}
	return time.Now()
}

func (j *Jobs) log(msg string, args ...any) {
	if j.Log != nil {
		j.Log(msg, args...)
	}
}

// start marks job as running in this process. The store would let this
// process "renew" its own lease, so two local runs of one job are kept
// apart here.
func (j *Jobs) start(job string) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.running[job] {
		return false
	}
	if j.running == nil {
		j.running = map[string]bool{}
	}
	j.running[job] = true
	return true
}

func (j *Jobs) finish(job string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	delete(j.running, job)
}

func (j *Jobs) check(job string, ttl time.Duration) error {
	if ttl <= 0 || job == "" || j.Holder == "" || j.Leases == nil {
		return Errorf(CodeInvalid, "A job needs a name, a lease store, a holder and a positive lease.")
	}
	return nil
}

// RunOnce runs fn when this process can take job's lease for ttl, and
// reports whether it ran. fn's context is cancelled when the lease would
// expire, so fn must stop then (another process may take over). The lease
// is released when fn returns; err is fn's error or the store's.
func (j *Jobs) RunOnce(ctx context.Context, job string, ttl time.Duration, fn func(ctx context.Context) error) (ran bool, err error) {
	if err := j.check(job, ttl); err != nil {
		return false, err
	}
	if !j.start(job) {
		return false, nil
	}
	defer j.finish(job)
	// start is read first, so start+ttl is never later than the lease's
	// end now+ttl; with a fake Now it maps the lease onto the real clock.
	start := time.Now()
	now := j.now()
	ok, err := j.Leases.AcquireLease(ctx, job, j.Holder, now, ttl)
	if err != nil || !ok {
		return false, err
	}
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), releaseTimeout)
		defer cancel()
		// A failed release is not the job's failure: the lease expires
		// by itself at now+ttl.
		if rerr := j.Leases.ReleaseLease(rctx, job, j.Holder); rerr != nil {
			j.log("job lease release failed", "job", job, "err", rerr)
		}
	}()
	fctx, cancel := context.WithDeadline(ctx, start.Add(ttl))
	defer cancel()
	if err := fn(fctx); err != nil {
		return true, fmt.Errorf("job %s: %w", job, err)
	}
	return true, nil
}

// Every tries RunOnce for job at once and then at every interval until ctx
// is done, and returns ctx's error then. Failures are logged, never fatal:
// the next tick tries again.
func (j *Jobs) Every(ctx context.Context, job string, interval, ttl time.Duration, fn func(ctx context.Context) error) error {
	if err := j.check(job, ttl); err != nil {
		return err
	}
	if interval <= 0 {
		return Errorf(CodeInvalid, "A job needs a positive interval.")
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := j.RunOnce(ctx, job, ttl, fn); err != nil && ctx.Err() == nil {
			j.log("job failed", "job", job, "err", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}
