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
	p := h.pool
	p.mu.Lock()
	defer p.mu.Unlock()
	q := p.other
	if h.priority {
		q = p.priority
	}
	if len(q) > 0 || (!h.priority && len(p.priority) > 0) || !p.room(h.priority) {
		return nil, false
	}
	p.inUse++
	if h.priority {
		p.active++
	}
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
