package services

import "testing"

// A process on standby (another holds the statistics' lease) keeps no
// queue of reports to fold: it would only grow, since it never folds.
func TestStatsFeedOnStandbyKeepsNothing(t *testing.T) {
	f := &StatsFeed{pending: map[string]bool{}, wake: make(chan struct{}, 1)}
	f.SetStandby(true)
	f.Notify("a", "b")
	if len(f.pending) != 0 {
		t.Fatalf("pending on standby: %v", f.pending)
	}
	f.SetStandby(false)
	f.Notify("a")
	if !f.pending["a"] {
		t.Fatalf("not pending once folding: %v", f.pending)
	}
}
