package passhash

// This file exposes internals to the external passhash_test package. It is
// compiled only by `go test`.

// HoldSlot occupies one of h's concurrency slots, exactly as a hash in
// progress would, until release is called. Tests use it to saturate a hasher
// deterministically instead of racing real argon2 runs against each other.
// It blocks while every slot is taken.
func HoldSlot(h *Hasher) (release func()) {
	h.slots <- struct{}{}
	released := false
	return func() {
		if !released {
			released = true
			<-h.slots
		}
	}
}

// Capacity reports how many hashes h runs at once.
func Capacity(h *Hasher) int { return cap(h.slots) }

// InUse reports how many of h's slots are taken right now.
func InUse(h *Hasher) int { return len(h.slots) }

// Waiting reports how many callers wait for a slot of a queued hasher.
func Waiting(h *Hasher) int { return int(h.waiting.Load()) }
