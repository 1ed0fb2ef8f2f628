package throttle

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"
)

// Limiter admits at most Burst requests per key at once and PerMinute a
// minute on average (a token bucket per key). It holds no lock that grows:
// a refused client waits seconds, not minutes. Keys for clients are keyed
// hashes of their address, as with Throttle.
type Limiter struct {
	perMinute int
	burst     float64
	now       func() time.Time
	secret    []byte
	mu        sync.Mutex
	buckets   map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// NewLimiter returns a limiter of perMinute requests a minute with bursts of
// burst; perMinute ≤ 0 admits everything. now may be nil (time.Now).
func NewLimiter(perMinute, burst int, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	return &Limiter{perMinute: perMinute, burst: float64(max(burst, 1)), now: now, secret: secret, buckets: map[string]*bucket{}}
}

// ClientKey turns a client address into an opaque key that is only
// meaningful inside this process.
func (l *Limiter) ClientKey(addr string) string {
	m := hmac.New(sha256.New, l.secret)
	m.Write([]byte(addr))
	return "c:" + hex.EncodeToString(m.Sum(nil)[:16])
}

// Allow takes one token from key's bucket; when there is none it returns
// false and how long until there is.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	if l.perMinute <= 0 {
		return true, 0
	}
	rate := float64(l.perMinute) / float64(time.Minute) // tokens per nanosecond
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= maxKeys {
			l.pruneLocked(now, rate)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	b.tokens = min(l.burst, b.tokens+float64(now.Sub(b.at))*rate)
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / rate)
}

// pruneLocked drops full buckets (they mean nothing), then an arbitrary half.
func (l *Limiter) pruneLocked(now time.Time, rate float64) {
	for k, b := range l.buckets {
		if b.tokens+float64(now.Sub(b.at))*rate >= l.burst {
			delete(l.buckets, k)
		}
	}
	n := 0
	for k := range l.buckets {
		if len(l.buckets) < maxKeys/2 || n >= maxKeys/2 {
			break
		}
		delete(l.buckets, k)
		n++
	}
}
