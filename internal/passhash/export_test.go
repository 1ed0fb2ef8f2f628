package passhash

import "context"

// This file exposes internals to the external passhash_test package. It is
// compiled only by `go test`.

// HoldSlot occupies one of h's concurrency slots, exactly as a hash in
// progress would, until release is called. Tests use it to saturate a hasher
// deterministically instead of racing real argon2 runs against each other.
// It blocks while every slot is taken, waiting in h's place in the queue.
func HoldSlot(h *Hasher) (release func()) {
	if err := h.acquire(context.Background()); err != nil {
		panic(err)
	}
	released := false
	return func() {
		if !released {
			released = true
			h.release()
		}
	}
}

// TryHoldSlot is HoldSlot that gives up at once, with ok false, when h
// would have to wait for a slot.
func TryHoldSlot(h *Hasher) (release func(), ok bool) {
	h.pool.mu.Lock()
	defer h.pool.mu.Unlock()
	if h.pool.inUse >= h.pool.size {
		return nil, false
	}
	h.pool.inUse++
	return h.release, true
}

// Capacity reports how many hashes h's pool runs at once.
func Capacity(h *Hasher) int { return h.pool.size }

// InUse reports how many of the slots of h's pool are taken right now.
func InUse(h *Hasher) int {
	h.pool.mu.Lock()
	defer h.pool.mu.Unlock()
	return h.pool.inUse
}

// Waiting reports how many of h's callers wait for a slot.
func Waiting(h *Hasher) int {
	h.pool.mu.Lock()
	defer h.pool.mu.Unlock()
	return h.waiting
}
