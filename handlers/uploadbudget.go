package handlers

import (
	"context"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"minhbach/services"
)

// uploadWait is how long a request with files waits for room in the
// upload memory budget before it is told the portal is busy.
const uploadWait = 2 * time.Second

// uploadBudget admits requests with files against a memory budget, in
// bytes (docs/architecture.md, "Memory of uploads"). Each holds its cost
// while it is handled; one that does not fit waits, first come first
// served, at most uploadWait and behind at most as many others as the
// budget holds uploads; beyond that it is refused at once. So the memory
// of uploads, and the goroutines waiting for it, stay bounded however many
// people upload at once.
type uploadBudget struct {
	cost       int64 // what one upload holds at most
	total      int64
	maxWaiting int

	mu      sync.Mutex
	free    int64
	waiters []*budgetWaiter // in arrival order
}

type budgetWaiter struct {
	n     int64
	ready chan struct{} // closed when the budget is granted
}

// newUploadBudget returns nil (no bound) when total is 0.
func newUploadBudget(total, cost int64) *uploadBudget {
	if total <= 0 {
		return nil
	}
	cost = max(cost, 1)
	return &uploadBudget{cost: cost, total: total, free: total, maxWaiting: int(max(total/cost, 1))}
}

// costOf is what a request with a body of contentLength bytes holds (-1:
// unknown). A body smaller than the evidence pipeline's small-file buffer
// holds that buffer and itself, and never an object store part buffer.
func (b *uploadBudget) costOf(contentLength int64) int64 {
	if contentLength >= 0 && contentLength < services.SmallFileBytes {
		return min(b.cost, services.SmallFileBytes+contentLength)
	}
	return b.cost
}

// acquire takes n bytes of the budget, waiting at most uploadWait; false
// when it could not.
func (b *uploadBudget) acquire(ctx context.Context, n int64) bool {
	b.mu.Lock()
	if n > b.total {
		b.mu.Unlock()
		return false
	}
	if len(b.waiters) == 0 && b.free >= n {
		b.free -= n
		b.mu.Unlock()
		return true
	}
	if len(b.waiters) >= b.maxWaiting {
		b.mu.Unlock()
		return false
	}
	w := &budgetWaiter{n: n, ready: make(chan struct{})}
	b.waiters = append(b.waiters, w)
	b.mu.Unlock()

	timer := time.NewTimer(uploadWait)
	defer timer.Stop()
	select {
	case <-w.ready:
		return true
	case <-ctx.Done():
	case <-timer.C:
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	select {
	case <-w.ready: // granted while giving up: hand it on
		b.free += n
	default:
		for i, x := range b.waiters {
			if x == w {
				b.waiters = append(b.waiters[:i], b.waiters[i+1:]...)
				break
			}
		}
	}
	b.grantLocked()
	return false
}

// release gives back n bytes.
func (b *uploadBudget) release(n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.free += n
	b.grantLocked()
}

// grantLocked admits the waiters at the head of the line that now fit.
func (b *uploadBudget) grantLocked() {
	for len(b.waiters) > 0 && b.free >= b.waiters[0].n {
		w := b.waiters[0]
		b.waiters = b.waiters[1:]
		b.free -= w.n
		close(w.ready)
	}
}

// admitUpload holds a request's share of the upload memory budget while
// it is handled, when it carries files (multipart); it answers 503 with
// Retry-After, before reading the body, when there is no room. One client
// has at most perClientInFlight uploads in the budget at once, so that
// slow uploads from one address cannot hold all of it and shut everyone
// else out.
func (s *Server) admitUpload() gin.HandlerFunc {
	a := s.admission
	b := a.uploads
	return func(c *gin.Context) {
		if b == nil || !isMultipart(c) {
			c.Next()
			return
		}
		client := "upload|" + a.limiter.ClientKey(c.ClientIP())
		if !a.enter(client) {
			s.writeError(c, &services.Error{Code: services.CodeUnavailable, Reason: services.ReasonNetworkBusy,
				Message: "Too many uploads from your network at once; please try again in a moment.", RetryAfter: busyRetryAfter})
			return
		}
		defer a.leave(client)
		n := b.costOf(c.Request.ContentLength)
		if !b.acquire(c.Request.Context(), n) {
			s.writeError(c, &services.Error{Code: services.CodeUnavailable, Reason: services.ReasonPortalBusy,
				Message: "The portal is busy; nothing was sent. Please try again in a moment.", RetryAfter: busyRetryAfter})
			return
		}
		defer b.release(n)
		c.Next()
	}
}
