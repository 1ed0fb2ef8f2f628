package main

import (
	"context"
	"log/slog"
	"time"
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
			n, err := a.Sequencer.RunOnce(ctx)
			if err != nil {
				log.Error("public log: a batch could not be integrated", "error", err)
				return err
			}
			if n == 0 {
				return nil
			}
			log.Debug("public log: batch integrated", "entries", n)
		}
		return nil
	})
}
