// Package throttle counts failed attempts per key in memory and locks a key
// out for a time that doubles with each further failure.
package throttle

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"
)

// Policy says how many failures are free and how the lockout grows.
type Policy struct {
	Free   int           // failures allowed before any lockout
	Base   time.Duration // lockout after the first failure past Free; doubles with each further one
	Max    time.Duration // longest lockout
	Window time.Duration // failures older than this are forgotten
}

// Throttle counts failed attempts per key in memory and locks a key out for
// a growing time. Keys for clients are keyed hashes of their address,
// computed with a per-process secret, so no address is ever stored in the
// clear, and nothing is written anywhere else.
type Throttle struct {
	policy Policy
	now    func() time.Time
	secret []byte
	mu     sync.Mutex
	state  map[string]*state
}

type state struct {
	failures    int
	last        time.Time
	lockedUntil time.Time
}

// maxKeys bounds memory under a flood of distinct keys: when full, expired
// entries are dropped, then an arbitrary half.
const maxKeys = 100_000

// New returns a Throttle; now may be nil (time.Now).
func New(p Policy, now func() time.Time) *Throttle {
	if now == nil {
		now = time.Now
	}
	secret := make([]byte, 32)
	_, _ = rand.Read(secret) // crypto/rand.Read never fails (Go ≥ 1.24)
	return &Throttle{policy: p, now: now, secret: secret, state: map[string]*state{}}
}

// ClientKey turns a client address into an opaque key that is only
// meaningful inside this process.
func (t *Throttle) ClientKey(addr string) string {
	m := hmac.New(sha256.New, t.secret)
	m.Write([]byte(addr))
	return "c:" + hex.EncodeToString(m.Sum(nil)[:16])
}

// Check returns how long key must still wait (0 when it may try now).
func (t *Throttle) Check(key string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.state[key]
	if s == nil {
		return 0
	}
	now := t.now()
	if now.Sub(s.last) > t.policy.Window && !now.Before(s.lockedUntil) {
		delete(t.state, key)
		return 0
	}
	if wait := s.lockedUntil.Sub(now); wait > 0 {
		return wait
	}
	return 0
}

// Fail records a failed attempt and returns the lockout it causes.
func (t *Throttle) Fail(key string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	s := t.state[key]
	if s == nil || now.Sub(s.last) > t.policy.Window {
		if len(t.state) >= maxKeys {
			t.pruneLocked(now)
		}
		s = &state{}
		t.state[key] = s
	}
	s.failures++
	s.last = now
	over := s.failures - t.policy.Free
	if over <= 0 {
		return 0
	}
	d := t.policy.Base
	for i := 1; i < over && d < t.policy.Max; i++ {
		d *= 2
	}
	d = min(d, t.policy.Max)
	s.lockedUntil = now.Add(d)
	return d
}

// Reset forgets key's failures (after a success).
func (t *Throttle) Reset(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.state, key)
}

func (t *Throttle) pruneLocked(now time.Time) {
	for k, s := range t.state {
		if now.Sub(s.last) > t.policy.Window && !now.Before(s.lockedUntil) {
			delete(t.state, k)
		}
	}
	if len(t.state) < maxKeys {
		return
	}
	n := 0
	for k := range t.state { // map order is random: drop an arbitrary half
		delete(t.state, k)
		if n++; n >= maxKeys/2 {
			break
		}
	}
}
