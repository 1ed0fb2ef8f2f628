package services

import "time"

// Throttle counts failed sign-in attempts per key and says how long a key
// must wait (internal/throttle implements it in memory). Keys are the
// caller's: an account, a tracking code, or ClientKey of a client address,
// an opaque keyed hash so that no address is kept in the clear.
type Throttle interface {
	ClientKey(addr string) string
	// Check returns how long key must still wait (0: it may try now).
	Check(key string) time.Duration
	// Fail records a failure and returns the lockout it causes.
	Fail(key string) time.Duration
	// Reset forgets key's failures after a success.
	Reset(key string)
}

// ThrottlePolicy is the rule a Throttle applies: how many failures are free
// and how the lockout grows. Its fields are those of internal/throttle's
// Policy, so the wiring converts one into the other.
type ThrottlePolicy struct {
	Free   int           // failures allowed before any lockout
	Base   time.Duration // lockout after the first failure past Free; doubles with each further one
	Max    time.Duration // longest lockout
	Window time.Duration // failures older than this are forgotten
}
