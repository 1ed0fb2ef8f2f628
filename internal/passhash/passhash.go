// Package passhash hashes secrets (passwords, receipts) with argon2id and
// verifies them, in the PHC string format, with a bound on how many hashes
// run at once.
package passhash

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// Params are the argon2id cost parameters.
type Params struct {
	MemoryKiB   uint32
	Iterations  uint32
	Parallelism uint8
}

// Default follows OWASP's minimum recommendation for argon2id.
var Default = Params{MemoryKiB: 19 * 1024, Iterations: 2, Parallelism: 1}

// ErrMalformed is returned by Verify for an encoded hash it does not
// accept: another algorithm or version, parameters out of bounds, or any
// deviation from the exact form Hash writes.
var ErrMalformed = errors.New("passhash: malformed argon2id hash")

// ErrBusy is returned, wrapped together with the context's error, when a
// caller's context ends before a slot is free.
var ErrBusy = errors.New("passhash: no free slot before the context ended")

// ErrQueueFull is returned at once, without waiting, when a hasher made
// with NewQueued already has its most callers waiting for a slot. Its
// Busy method says so to callers that do not import this package.
var ErrQueueFull error = queueFull{}

type queueFull struct{}

func (queueFull) Error() string { return "passhash: too many hashes waiting" }

// Busy reports that the hasher refused to queue more work.
func (queueFull) Busy() bool { return true }

// Hasher hashes secrets with argon2id. Argon2id is memory-hard on purpose,
// so at most a fixed number of hashes run at once: a burst of requests
// waits (or gives up with its context) instead of exhausting memory. The
// portal's anonymous and staff hashers share one pool of slots (Shared), in
// which a waiting staff hash gets the next free slot before any waiting
// anonymous one, so that a flood of filings never queues a sign-in behind
// it, while filing alone may use every slot (docs/privacy.md, "Admission
// control").
type Hasher struct {
	params     Params
	pool       *pool
	priority   bool // served before the pool's other waiters
	maxWaiting int  // 0: no bound
	waiting    int  // guarded by pool.mu
}

// pool is a set of hash slots shared by hashers of two priorities. A freed
// slot passes to the first waiting priority caller, else to the first other
// one. While a priority hash runs or waits, other hashes hold at most
// size-1 slots together with it (when size > 1): Go cannot give a goroutine
// priority on the CPU, so that idle slot is what leaves the sign-in's own
// request work a core during a flood.
type pool struct {
	mu       sync.Mutex
	size     int
	inUse    int
	active   int // priority hashes running or waiting
	priority []waiter
	other    []waiter
}

type waiter struct {
	ready chan struct{}
	h     *Hasher
}

// room reports whether a caller of priority p may take a slot now.
func (pl *pool) room(priority bool) bool {
	if priority {
		return pl.inUse < pl.size
	}
	limit := pl.size
	if pl.active > 0 && pl.size > 1 {
		limit--
	}
	return pl.inUse < limit
}

// dispatch hands free slots to waiters, priority first. pl.mu is held.
func (pl *pool) dispatch() {
	for {
		var q *[]waiter
		switch {
		case len(pl.priority) > 0 && pl.room(true):
			q = &pl.priority
		case len(pl.priority) == 0 && len(pl.other) > 0 && pl.room(false):
			q = &pl.other
		default:
			return
		}
		w := (*q)[0]
		*q = slices.Delete(*q, 0, 1)
		w.h.waiting--
		pl.inUse++
		close(w.ready)
	}
}

func newPool(n int) *pool { return &pool{size: max(n, 1)} }

// New returns a hasher running at most concurrency hashes at once (at
// least one); any number of callers may wait for a slot.
func New(p Params, concurrency int) *Hasher {
	return &Hasher{params: p, pool: newPool(concurrency), priority: true}
}

// SplitSlots divides n hash slots (PORTAL_HASH_CONCURRENCY) between
// anonymous requests and staff sign-in, half each and at least one each.
// The portal no longer wires it (see Shared, which lets filing use every
// slot); BenchmarkStaffSignInDuringFilingFlood keeps it as the "separate"
// wiring it compares against.
func SplitSlots(n int) (anonymous, staff int) {
	staff = max(1, n/2)
	return max(1, n-staff), staff
}

// Shared returns the portal's two hashers over ONE pool of n slots
// (PORTAL_HASH_CONCURRENCY): anonymous requests, with at most maxWaiting
// callers waiting (then ErrQueueFull), and staff sign-in, unbounded and
// first in line. Anonymous hashes may take every slot while no staff hash
// runs or waits; a staff hash that arrives then waits only for the first
// of them to finish, never behind queued ones, and while it waits or runs
// anonymous hashes hold at most n-1 slots with it, leaving a core for the
// sign-in's own request. No slot is kept for staff at other times: that
// would cap filing at (n-1)/n of the machine (half of it on 2 cores) even
// when nobody signs in (docs/privacy.md, "Admission control").
func Shared(p Params, n, maxWaiting int) (anonymous, staff *Hasher) {
	pl := newPool(n)
	return &Hasher{params: p, pool: pl, maxWaiting: max(maxWaiting, 1)}, &Hasher{params: p, pool: pl, priority: true}
}

// NewQueued is New with at most maxWaiting callers waiting for a slot:
// one more gets ErrQueueFull at once instead of piling up work.
func NewQueued(p Params, concurrency, maxWaiting int) *Hasher {
	h := New(p, concurrency)
	h.maxWaiting = max(maxWaiting, 1)
	return h
}

// acquire takes a slot. A caller whose context has already ended never
// starts a hash, even when a slot is free.
func (h *Hasher) acquire(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%w: %w", ErrBusy, err)
	}
	p := h.pool
	p.mu.Lock()
	q := &p.other
	if h.priority {
		q = &p.priority
	}
	if len(*q) == 0 && (h.priority || len(p.priority) == 0) && p.room(h.priority) {
		p.inUse++
		if h.priority {
			p.active++
		}
		p.mu.Unlock()
		return nil
	}
	if h.maxWaiting > 0 && h.waiting >= h.maxWaiting {
		p.mu.Unlock()
		return ErrQueueFull
	}
	w := waiter{ready: make(chan struct{}), h: h}
	*q = append(*q, w)
	h.waiting++
	if h.priority {
		p.active++
	}
	p.mu.Unlock()
	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
		p.mu.Lock()
		if i := slices.IndexFunc(*q, func(o waiter) bool { return o.ready == w.ready }); i >= 0 {
			*q = slices.Delete(*q, i, i+1)
			h.waiting--
			if h.priority {
				p.active--
			}
			p.dispatch() // a priority waiter gone may free room for others
			p.mu.Unlock()
		} else { // the slot was handed over as the context ended: pass it on
			p.mu.Unlock()
			h.release()
		}
		return fmt.Errorf("%w: %w", ErrBusy, ctx.Err())
	}
}

// release frees a slot and hands free slots to waiting callers.
func (h *Hasher) release() {
	p := h.pool
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inUse--
	if h.priority {
		p.active--
	}
	p.dispatch()
}

// Hash returns an encoded argon2id hash (PHC string format) of secret.
func (h *Hasher) Hash(ctx context.Context, secret string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	p := h.params
	key := argon2.IDKey([]byte(secret), salt, p.Iterations, p.MemoryKiB, p.Parallelism, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryKiB, p.Iterations, p.Parallelism,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// Verify reports whether secret matches encoded, in constant time. The
// parameters are read from encoded, so hashes made under older settings
// still verify. A malformed encoding is ErrMalformed; a context that ends
// before a slot is free is ErrBusy.
func (h *Hasher) Verify(ctx context.Context, secret, encoded string) (bool, error) {
	p, salt, want, err := parse(encoded)
	if err != nil {
		return false, err
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	got := argon2.IDKey([]byte(secret), salt, p.Iterations, p.MemoryKiB, p.Parallelism, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// parse reads an encoded hash, accepting only the exact form Hash writes
// and parameters within bounds that keep one verification affordable.
func parse(encoded string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return Params{}, nil, nil, ErrMalformed
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Iterations, &p.Parallelism); err != nil {
		return Params{}, nil, nil, ErrMalformed
	}
	if p.MemoryKiB == 0 || p.MemoryKiB > 1<<22 || p.Iterations == 0 || p.Iterations > 64 || p.Parallelism == 0 {
		return Params{}, nil, nil, ErrMalformed
	}
	if parts[3] != fmt.Sprintf("m=%d,t=%d,p=%d", p.MemoryKiB, p.Iterations, p.Parallelism) {
		return Params{}, nil, nil, ErrMalformed
	}
	salt, err = base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return Params{}, nil, nil, ErrMalformed
	}
	key, err = base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 64 {
		return Params{}, nil, nil, ErrMalformed
	}
	return p, salt, key, nil
}
