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
	"strings"
	"sync/atomic"

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
// portal keeps one hasher for staff sign-in and another for anonymous
// requests, so that a flood of the latter never queues the former
// (docs/privacy.md, "Admission control").
type Hasher struct {
	params     Params
	slots      chan struct{}
	maxWaiting int32 // 0: no bound
	waiting    atomic.Int32
}

// New returns a hasher running at most concurrency hashes at once (at
// least one); any number of callers may wait for a slot.
func New(p Params, concurrency int) *Hasher {
	return &Hasher{params: p, slots: make(chan struct{}, max(concurrency, 1))}
}

// SplitSlots divides n hash slots (PORTAL_HASH_CONCURRENCY) between
// anonymous requests and staff sign-in, half each and at least one each,
// so that the two pools together stay within n whenever n > 1 and a flood
// of anonymous hashes leaves staff sign-in a core of its own
// (docs/privacy.md, "Admission control").
func SplitSlots(n int) (anonymous, staff int) {
	staff = max(1, n/2)
	return max(1, n-staff), staff
}

// NewQueued is New with at most maxWaiting callers waiting for a slot:
// one more gets ErrQueueFull at once instead of piling up work.
func NewQueued(p Params, concurrency, maxWaiting int) *Hasher {
	h := New(p, concurrency)
	h.maxWaiting = int32(max(maxWaiting, 1))
	return h
}

// acquire takes a slot. A caller whose context has already ended never
// starts a hash, even when a slot is free.
func (h *Hasher) acquire(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%w: %w", ErrBusy, err)
	}
	select {
	case h.slots <- struct{}{}:
		return nil
	default:
	}
	if h.maxWaiting > 0 {
		if h.waiting.Add(1) > h.maxWaiting {
			h.waiting.Add(-1)
			return ErrQueueFull
		}
		defer h.waiting.Add(-1)
	}
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%w: %w", ErrBusy, ctx.Err())
	}
}

func (h *Hasher) release() { <-h.slots }

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
