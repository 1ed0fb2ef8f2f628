// Package job runs background jobs under leases kept in a shared store, so
// that of several processes sharing the store only one runs a given job at
// a time.
package job

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"
)

// LeaseStore keeps one lease per job.
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

// ErrInvalid is returned for a run that cannot be attempted: no job name,
// no lease store, no holder, or a lease or interval that is not positive.
var ErrInvalid = errors.New("job: a job needs a name, a lease store, a holder, a positive lease and a positive interval")

// releaseTimeout bounds the release after a job, which runs even when the
// job's context is done.
const releaseTimeout = 10 * time.Second

// Runner runs background jobs under leases. Every process builds one with
// its own Holder; a job then runs in at most one process at a time. Use it
// by pointer; the zero value of the unexported state is ready.
type Runner struct {
	Leases LeaseStore
	// Holder identifies this process (NewHolder).
	Holder string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Log reports failures of Every's runs; nil discards them.
	Log func(msg string, args ...any)
	// Observe hears of every attempt of RunOnce that got as far as the
	// lease store (for the metrics); nil discards them.
	Observe func(Run)

	mu      sync.Mutex
	running map[string]bool
}

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Runner) log(msg string, args ...any) {
	if r.Log != nil {
		r.Log(msg, args...)
	}
}

// start marks job as running in this process. The store would let this
// process "renew" its own lease, so two local runs of one job are kept
// apart here.
func (r *Runner) start(job string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.running[job] {
		return false
	}
	if r.running == nil {
		r.running = map[string]bool{}
	}
	r.running[job] = true
	return true
}

func (r *Runner) finish(job string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.running, job)
}

func (r *Runner) check(job string, ttl time.Duration) error {
	if ttl <= 0 || job == "" || r.Holder == "" || r.Leases == nil {
		return ErrInvalid
	}
	return nil
}

// Run is one attempt of a job, as Runner.Observe hears it.
type Run struct {
	Job string
	// Ran is true when the lease was taken and the job ran; false with a
	// nil Err when another process holds the lease.
	Ran bool
	// Err is the job's error, or the lease store's.
	Err error
	// Took is how long the job ran.
	Took time.Duration
	// LeaseLost is true when the job was still running when its lease ran
	// out (its context's deadline passed): it was cut short, and another
	// process may have taken the lease meanwhile.
	LeaseLost bool
}

func (r *Runner) observe(run Run) {
	if r.Observe != nil {
		r.Observe(run)
	}
}

// RunOnce runs fn when this process can take job's lease for ttl, and
// reports whether it ran. fn's context is cancelled when the lease would
// expire, so fn must stop then (another process may take over). The lease
// is released when fn returns; err is fn's error or the store's.
func (r *Runner) RunOnce(ctx context.Context, job string, ttl time.Duration, fn func(ctx context.Context) error) (ran bool, err error) {
	if err := r.check(job, ttl); err != nil {
		return false, err
	}
	if !r.start(job) {
		return false, nil
	}
	defer r.finish(job)
	// start is read first, so start+ttl is never later than the lease's
	// end now+ttl; with a fake Now it maps the lease onto the real clock.
	start := time.Now()
	now := r.now()
	ok, err := r.Leases.AcquireLease(ctx, job, r.Holder, now, ttl)
	if err != nil || !ok {
		if ctx.Err() == nil {
			r.observe(Run{Job: job, Err: err})
		}
		return false, err
	}
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), releaseTimeout)
		defer cancel()
		// A failed release is not the job's failure: the lease expires
		// by itself at now+ttl.
		if rerr := r.Leases.ReleaseLease(rctx, job, r.Holder); rerr != nil {
			r.log("job lease release failed", "job", job, "err", rerr)
		}
	}()
	fctx, cancel := context.WithDeadline(ctx, start.Add(ttl))
	defer cancel()
	began := time.Now()
	err = fn(fctx)
	r.observe(Run{Job: job, Ran: true, Err: err, Took: time.Since(began),
		LeaseLost: ctx.Err() == nil && errors.Is(fctx.Err(), context.DeadlineExceeded)})
	if err != nil {
		return true, fmt.Errorf("job %s: %w", job, err)
	}
	return true, nil
}

// Every tries RunOnce for job at once and then at every interval until ctx
// is done, and returns ctx's error then. Failures are logged, never fatal:
// the next tick tries again.
func (r *Runner) Every(ctx context.Context, job string, interval, ttl time.Duration, fn func(ctx context.Context) error) error {
	if err := r.check(job, ttl); err != nil {
		return err
	}
	if interval <= 0 {
		return ErrInvalid
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := r.RunOnce(ctx, job, ttl, fn); err != nil && ctx.Err() == nil {
			r.log("job failed", "job", job, "err", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}
