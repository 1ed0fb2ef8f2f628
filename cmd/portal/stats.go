package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"minhbach/internal/job"
	"minhbach/services"
)

// statsLease is how long the process folding the statistics holds their
// lease before taking it again; a catch-up runs at each term and every
// statsCatchUp (docs/statistics.md, "Keeping up").
const (
	statsLease   = time.Minute
	statsCatchUp = 30 * time.Second
)

// runStats folds the statistics while this process holds their lease: the
// reports the writes touch, and a catch-up of every report written since
// the last one. A failure is logged and tried again at the next term.
func (a *app) runStats(ctx context.Context, log *slog.Logger) {
	// Each run lasts the lease's term by design: its end is no loss.
	jobs := a.jobs(log)
	jobs.Observe = a.metrics.ObserveTermJob
	_ = jobs.Every(ctx, "stats", statsLease, statsLease, func(ctx context.Context) error {
		err := a.Stats.Serve(ctx, statsCatchUp)
		if ctx.Err() != nil {
			return nil // the term ended
		}
		return err
	})
}

// statsCommand is `portal stats rebuild [--check]`: recompute every
// statistics counter from the reports, or (--check) only compare them with
// the stored ones, list the cells that differ and fail when any does.
func statsCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	check := len(args) == 2 && args[1] == "--check"
	if len(args) == 0 || args[0] != "rebuild" || (len(args) == 2 && !check) || len(args) > 2 {
		return usageError{"usage: portal stats rebuild [--check]"}
	}
	return withApp(ctx, getenv, stderr, func(a *app, _ *slog.Logger) error {
		jobs := &job.Runner{Leases: a.leases, Holder: job.NewHolder(), Now: time.Now}
		start := time.Now()
		var total services.Contribution
		var differ []services.StatsCell
		ran, err := jobs.RunOnce(ctx, "stats", time.Hour, func(ctx context.Context) error {
			var err error
			total, differ, err = services.RebuildStats(ctx, a.store, a.StatsLate, time.Now, !check)
			return err
		})
		if err != nil {
			return err
		}
		if !ran {
			return fmt.Errorf("the statistics are being folded by a running portal; try again in a minute")
		}
		took := time.Since(start).Round(time.Millisecond)
		if !check {
			_, err := fmt.Fprintf(stdout, "statistics rebuilt: %d cells in %s\n", len(total), took)
			return err
		}
		for _, c := range differ {
			fmt.Fprintf(stdout, "DIFFERS %s\n", c.Key())
		}
		fmt.Fprintf(stdout, "%d cells checked in %s, %d differ\n", len(total), took, len(differ))
		if len(differ) > 0 {
			return fmt.Errorf("statistics check: %d cells differ (run portal stats rebuild)", len(differ))
		}
		return nil
	})
}
