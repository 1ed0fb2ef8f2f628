package services

// This file exposes internals to the external services_test package. It is
// compiled only by `go test`.

// HoldHasherSlot occupies one of h's concurrency slots, exactly as a hash in
// progress would, until release is called. Tests use it to saturate a hasher
// deterministically instead of racing real argon2 runs against each other.
// It blocks while every slot is taken.
func HoldHasherSlot(h *SecretHasher) (release func()) {
	h.slots <- struct{}{}
	released := false
	return func() {
		if !released {
			released = true
			<-h.slots
		}
	}
}

// HasherCapacity reports how many hashes h runs at once.
func HasherCapacity(h *SecretHasher) int { return cap(h.slots) }

// HasherInUse reports how many of h's slots are taken right now.
func HasherInUse(h *SecretHasher) int { return len(h.slots) }
