package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"minhbach/internal/job"
	"minhbach/internal/mailer"
	"minhbach/internal/testenv"
	"minhbach/services"
)

// TestJobsTwoInstances runs the deadline sweep and the outbox worker of two
// portal instances side by side on one database, as two processes would:
// each instance has its own services and its own lease holder, and both
// tick as fast as they can. Each overdue report must be flagged once, each
// e-mail must reach the SMTP server once, and no job may ever run in both
// instances at the same moment.
func TestJobsTwoInstances(t *testing.T) {
	f := newFixture(t)
	f.storyStaff(t)
	ctx := context.Background()
	const reports = 12
	var ids []string
	for i := range reports {
		body := strings.Replace(validFeedback, "Cán bộ đòi tiền bồi dưỡng", fmt.Sprintf("Báo cáo %d", i), 1)
		var r createdReport
		f.call(t, "", http.MethodPost, "/api/v1/complaints", body, http.StatusCreated, &r)
		c, err := f.env.Store.FindCaseByTrackingCode(ctx, r.TrackingCode)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	// Feedback is acknowledged within 2 working days: a month later all are
	// overdue.
	f.clock.set(30 * 24 * time.Hour)

	smtp := testenv.StartSMTP(t, &testenv.SMTPServer{}, nil)
	type instance struct {
		jobs    *job.Runner
		sweeper *services.Sweeper
		outbox  *services.Notifier
	}
	var running, maxRunning [2]atomic.Int32 // per job: sweep, outbox
	var runs [2]atomic.Int32
	guard := func(job int, fn func(context.Context) error) func(context.Context) error {
		return func(ctx context.Context) error {
			n := running[job].Add(1)
			defer running[job].Add(-1)
			for {
				m := maxRunning[job].Load()
				if n <= m || maxRunning[job].CompareAndSwap(m, n) {
					break
				}
			}
			runs[job].Add(1)
			time.Sleep(2 * time.Millisecond) // widen the window for overlap
			return fn(ctx)
		}
	}
	var insts []instance
	for i := range 2 {
		m, err := mailer.New("smtp://127.0.0.1:" + smtp.Port() + "?from=portal@example.org")
		if err != nil {
			t.Fatal(err)
		}
		sw := *f.Sweeper
		insts = append(insts, instance{
			jobs:    &job.Runner{Leases: f.env.Store, Holder: fmt.Sprintf("instance-%d-%s", i, job.NewHolder()), Now: f.clock.Now},
			sweeper: &sw,
			outbox:  services.NewNotifier(services.NotifierOptions{Outbox: f.env.Store, Mailer: m, Vault: f.vault, Now: f.clock.Now}),
		})
	}
	var wg sync.WaitGroup
	for _, in := range insts {
		wg.Go(func() {
			for range 15 {
				if _, err := in.jobs.RunOnce(ctx, "sweep", time.Minute, guard(0, func(ctx context.Context) error {
					_, err := in.sweeper.Sweep(ctx)
					return err
				})); err != nil {
					t.Error(err)
				}
				if _, err := in.jobs.RunOnce(ctx, "outbox", time.Minute, guard(1, func(ctx context.Context) error {
					_, _, err := in.outbox.DeliverDue(ctx)
					return err
				})); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	for job, name := range []string{"sweep", "outbox"} {
		if maxRunning[job].Load() != 1 || runs[job].Load() == 0 {
			t.Errorf("%s: ran %d times, at most %d at once", name, runs[job].Load(), maxRunning[job].Load())
		}
	}
	// Every report flagged once.
	for _, id := range ids {
		c, err := f.env.Store.FindCaseByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range c.Timeline {
			if e.Type == services.EventOverdue {
				n++
			}
		}
		if n != 1 || !c.OverdueFlagged {
			t.Errorf("report %s: %d overdue events", id, n)
		}
	}
	// One overdue e-mail per report to the unit's only lead, each once
	// (plus the monitor's one digest when the day's hour allows it).
	subjects := map[string]int{}
	for _, m := range smtp.Messages() {
		subjects[strings.Join(m.Rcpt, ",")+" "+headerOf(string(m.Data), "Subject")]++
	}
	overdue := 0
	for k, n := range subjects {
		if n != 1 {
			t.Errorf("sent %d times: %s", n, k)
		}
		if strings.HasPrefix(k, "lead@story.test ") {
			overdue++
		}
	}
	if overdue != reports {
		t.Errorf("overdue e-mails to the lead: %d, want %d (%v)", overdue, reports, subjects)
	}
}

// headerOf returns the raw value of a header in a message.
func headerOf(msg, name string) string {
	for line := range strings.SplitSeq(msg, "\n") {
		line = strings.TrimSuffix(line, "\r")
		if line == "" {
			break
		}
		if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(k, name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
