package handlers

import (
	"context"
	"runtime"
	"testing"

	"minhbach/services"
)

// waiting is how many requests wait for the budget.
func (b *uploadBudget) waiting() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.waiters)
}

// waitForWaiters returns once n requests wait (they enqueue at once; the
// loop only yields to them).
func waitForWaiters(t *testing.T, b *uploadBudget, n int) {
	t.Helper()
	for b.waiting() != n {
		select {
		case <-t.Context().Done():
			t.Fatal("waiters never enqueued")
		default:
			runtime.Gosched()
		}
	}
}

// TestUploadBudgetQueue: the budget admits what fits, lines up at most as
// many as it holds, first come first served, refuses the rest at once,
// and hands a released share to the first in line; a request that gives
// up leaves the line.
func TestUploadBudgetQueue(t *testing.T) {
	const cost = 10
	b := newUploadBudget(2*cost, cost)
	ctx := context.Background()
	for range 2 {
		if !b.acquire(ctx, cost) {
			t.Fatal("two uploads do not fit a budget of two")
		}
	}
	order := make(chan int, 2)
	for i := range 2 {
		go func() {
			if b.acquire(ctx, cost) {
				order <- i
			} else {
				order <- -1
			}
		}()
		waitForWaiters(t, b, i+1)
	}
	// The line is full: refused without waiting. Had it waited, the two
	// ahead of it, whose waits began earlier, would have given up first.
	if b.acquire(ctx, cost) {
		t.Fatal("a request beyond the line was admitted")
	}
	if n := b.waiting(); n != 2 {
		t.Fatalf("%d waiting after a refusal, want the 2 still in line", n)
	}
	b.release(cost)
	if first := <-order; first != 0 {
		t.Fatalf("the released share went to waiter %d, want the first in line", first)
	}
	b.release(cost)
	if second := <-order; second != 1 {
		t.Fatalf("then to %d, want the second", second)
	}

	// A request that gives up (its client went away) leaves the line, and
	// the next one gets the share.
	gone, cancel := context.WithCancel(ctx)
	res := make(chan bool, 2)
	go func() { res <- b.acquire(gone, cost) }()
	waitForWaiters(t, b, 1)
	go func() { res <- b.acquire(ctx, cost) }()
	waitForWaiters(t, b, 2)
	cancel()
	if <-res {
		t.Fatal("a cancelled request was admitted")
	}
	b.release(cost)
	if !<-res {
		t.Fatal("the request behind the one that gave up was not admitted")
	}
	b.release(cost)
	b.release(cost)
	if b.free != b.total || b.waiting() != 0 {
		t.Fatalf("after every release: %d of %d free, %d waiting", b.free, b.total, b.waiting())
	}
	if b.acquire(ctx, 3*cost) {
		t.Fatal("a request larger than the whole budget was admitted")
	}
}

// TestUploadCost: a body known to be small holds its length and the
// small-file buffer; any other holds a whole upload's cost.
func TestUploadCost(t *testing.T) {
	b := newUploadBudget(100<<20, 10<<20)
	for _, c := range []struct{ length, want int64 }{
		{-1, 10 << 20},
		{0, services.SmallFileBytes},
		{300 << 10, services.SmallFileBytes + 300<<10},
		{services.SmallFileBytes, 10 << 20},
		{50 << 20, 10 << 20},
	} {
		if got := b.costOf(c.length); got != c.want {
			t.Errorf("cost of a body of %d bytes: %d, want %d", c.length, got, c.want)
		}
	}
	if newUploadBudget(0, 10) != nil {
		t.Error("a budget of 0 is not unbounded")
	}
}
