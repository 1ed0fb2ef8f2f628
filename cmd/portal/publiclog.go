package main

import (
	"context"
	"log/slog"
	"time"

	"minhbach/services"
)

// The public log's sequencer (services/publiclogseq.go,
// docs/transparency-log.md): every few seconds, whichever process holds the
// "log-sequencer" lease integrates what was queued since.
const (
	// logSequencePeriod is how often the queue is looked at: the longest a
	// citizen's page says "being added to the public log".
	logSequencePeriod = 3 * time.Second
	// logSequenceLease bounds one run (a few batches).
	logSequenceLease = time.Minute
	// logRunBatches bounds the batches of one run, so the lease is renewed
	// between runs when a backlog is integrated.
	logRunBatches = 20
)

func (a *app) runLogSequencer(ctx context.Context, log *slog.Logger) {
	if a.Sequencer == nil {
		return
	}
	_ = a.jobs(log).Every(ctx, "log-sequencer", logSequencePeriod, logSequenceLease, func(ctx context.Context) error {
		for range logRunBatches {
			from, n, err := a.Sequencer.RunBatch(ctx)
			if err != nil {
				log.Error("public log: a batch could not be integrated", "error", err)
				return err
			}
			if n == 0 {
				return nil
			}
			log.Debug("public log: batch integrated", "from", from, "to", from+int64(n))
		}
		return nil
	})
}

// logReconcilePeriod is how often the sweep queues the entries of events
// that have none (a queue insert lost to a crash, reports filed before the
// log existed); it also runs at start.
const (
	logReconcilePeriod = 6 * time.Hour
	logReconcileLease  = 30 * time.Minute
)

func (a *app) runLogReconcile(ctx context.Context, log *slog.Logger) {
	if a.Sequencer == nil {
		return
	}
	t := time.NewTimer(checkpointStartDelay)
	select {
	case <-ctx.Done():
		t.Stop()
		return
	case <-t.C:
	}
	_ = a.jobs(log).Every(ctx, "log-reconcile", logReconcilePeriod, logReconcileLease, func(ctx context.Context) error {
		rec, err := services.ReconcileLog(ctx, a.reconcileOptions(nil, true))
		if err != nil {
			return err
		}
		if rec.Queued > 0 {
			log.Warn("public log: events without entries were queued", "entries", rec.Queued)
		}
		if len(rec.Problems) > 0 {
			// Names only ids and dates; `portal audit verify` lists them.
			log.Error("public log: the reports and the log disagree; run portal audit verify", "problems", len(rec.Problems))
		}
		return nil
	})
}
