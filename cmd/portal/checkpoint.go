package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"minhbach/services"
)

// Signed checkpoints of the audit chain heads (services/checkpoint.go): the
// server writes one per clock hour, `portal audit checkpoint` one on demand,
// and `portal audit verify` checks the newest after the chains.
const (
	// checkpointPeriod is how often a checkpoint is written.
	checkpointPeriod = time.Hour
	// checkpointPoll is how often the server looks whether this period's
	// checkpoint exists, so one is written within minutes of each hour
	// whichever process holds the lease.
	checkpointPoll = 5 * time.Minute
	// checkpointLease bounds one run (reading every chain head, signing,
	// storing).
	checkpointLease = 10 * time.Minute
	// checkpointStartDelay lets start-up traffic pass before the first run.
	checkpointStartDelay = 30 * time.Second
)

// checkpointer signs with the portal's Ed25519 key, under the same key id
// as its proofs of filing.
func (a *app) checkpointer() *services.Checkpointer {
	return services.NewCheckpointer(services.CheckpointerOptions{Audit: a.store, Blobs: a.blobs, Key: a.signKey,
		KeyID: keyID("ed25519", a.signKey.Public().(ed25519.PublicKey)), Now: time.Now})
}

// runCheckpoints writes a signed checkpoint of every audit chain head once
// per hour until ctx ends (the first shortly after start). The job holds the
// "audit-checkpoint" lease while it runs, and skips an hour that already has
// a checkpoint, so several portal processes sharing a database and bucket
// still write one per hour.
func (a *app) runCheckpoints(ctx context.Context, log *slog.Logger) {
	cp := a.checkpointer()
	jobs := a.jobs(log)
	t := time.NewTimer(checkpointStartDelay)
	select {
	case <-ctx.Done():
		t.Stop()
		return
	case <-t.C:
	}
	_ = jobs.Every(ctx, "audit-checkpoint", checkpointPoll, checkpointLease, func(ctx context.Context) error {
		key, c, wrote, err := cp.WriteIfDue(ctx, checkpointPeriod)
		if wrote {
			log.Info("audit checkpoint written", "key", key, "heads", c.Count)
		}
		return err
	})
}

// auditCommands is `portal audit verify` (every chain, then the newest
// checkpoint) and `portal audit checkpoint` (write one now).
func auditCommands(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const usage = "usage: portal audit verify [--witness FILE] | portal audit checkpoint"
	if len(args) == 0 || (args[0] != "verify" && args[0] != "checkpoint") {
		return usageError{usage}
	}
	var witness []byte
	if args[0] == "verify" {
		fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		file := fs.String("witness", "", "a witness's latest cosigned checkpoint: the log must extend it")
		if err := fs.Parse(args[1:]); err != nil || fs.NArg() > 0 {
			return usageError{usage}
		}
		if *file != "" {
			var err error
			if witness, err = os.ReadFile(*file); err != nil {
				return fmt.Errorf("--witness: %w", err)
			}
		}
	} else if len(args) != 1 {
		return usageError{usage}
	}
	return withApp(ctx, getenv, stderr, func(a *app, _ *slog.Logger) error {
		if args[0] == "checkpoint" {
			key, cp, err := a.checkpointer().Write(ctx)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(stdout, "audit checkpoint written: %s (%d chain heads, root %s)\n", key, cp.Count, cp.Root)
			return err
		}
		return verifyAudit(ctx, a, stdout, witness)
	})
}

// verifyAudit checks every chain and then the newest checkpoint against
// them. No checkpoint yet is not a failure; a checkpoint that does not
// verify, or that the chains no longer match, is.
//
// It reads the audit events once (services.ReadAuditChains), checks the
// chains and the checkpoint against what it read, and reads the reports'
// ids once to find any report without a chain, so it takes time in
// proportion to the number of events (README, "Other commands"). The
// recorded chain heads (one read of them) that are behind what it read
// are recorded again, so that the next checkpoint covers every event.
func verifyAudit(ctx context.Context, a *app, stdout io.Writer, witness []byte) error {
	chains, err := services.ReadAuditChains(ctx, a.store)
	if err != nil {
		return err
	}
	broken, checked := chains.Verify(10_000_000)
	if behind, err := headsBehind(ctx, a, chains); err != nil {
		return err
	} else if behind > 0 {
		n, err := a.store.RepairAuditHeads(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%d recorded chain heads were behind their events; %d recorded again\n", behind, n)
	}
	for _, r := range broken {
		fmt.Fprintf(stdout, "BROKEN report %s: %s at event %d\n", r.CaseID, r.Reason, r.BrokenAt)
	}
	fmt.Fprintf(stdout, "%d audit chains checked, %d broken\n", checked, len(broken))
	var failures []string
	if len(broken) > 0 {
		failures = append(failures, fmt.Sprintf("%d audit chains are broken", len(broken)))
	}
	// Every report starts its chain before it is stored: a report without
	// one had its events deleted (or was written around the portal).
	reports, unchained := 0, 0
	if err := a.store.EachReportID(ctx, func(id string) error {
		reports++
		if chains.Last(id) == 0 {
			unchained++
			fmt.Fprintf(stdout, "NO CHAIN report %s: stored without any audit event\n", id)
		}
		return nil
	}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d reports read, %d without an audit chain\n", reports, unchained)
	if unchained > 0 {
		failures = append(failures, fmt.Sprintf("%d reports have no audit chain", unchained))
	}
	v, found, err := a.checkpointer().VerifyLatestAgainst(ctx, chains)
	switch {
	case err != nil:
		return fmt.Errorf("%sthe latest audit checkpoint could not be checked: %w", strings.Join(append(failures, ""), "; "), err)
	case !found:
		fmt.Fprintln(stdout, "no audit checkpoint yet (the server writes one every hour; `portal audit checkpoint` writes one now)")
	case v.Invalid != "":
		fmt.Fprintf(stdout, "BAD CHECKPOINT %s: %s\n", v.Key, v.Invalid)
		failures = append(failures, "the latest audit checkpoint does not verify: "+v.Invalid)
	default:
		for _, p := range v.Problems {
			reason := p.Reason
			if p.Reason == services.CheckpointChainBroken {
				reason += fmt.Sprintf(" (%s at event %d)", p.Detail.Reason, p.Detail.BrokenAt)
			}
			fmt.Fprintf(stdout, "CHECKPOINT MISMATCH report %s at event %d: %s\n", p.CaseID, p.Seq, reason)
		}
		fmt.Fprintf(stdout, "checkpoint %s (taken %s, key %s): signature valid, %d chain heads checked, %d no longer match\n",
			v.Key, v.Checkpoint.CreatedAt.Format(time.RFC3339), v.Checkpoint.KeyID, v.Checkpoint.Count, len(v.Problems))
		if len(v.Problems) > 0 {
			failures = append(failures, fmt.Sprintf("%d audit chains no longer match the latest checkpoint", len(v.Problems)))
		}
	}
	rec, err := services.ReconcileLog(ctx, a.reconcileOptions(witness, false))
	if err != nil {
		return fmt.Errorf("%sthe public log could not be checked: %w", strings.Join(append(failures, ""), "; "), err)
	}
	for _, p := range rec.Problems {
		fmt.Fprintf(stdout, "LOG MISMATCH %s: %s\n", p.Subject, p.Problem)
	}
	witnessed := ""
	if len(witness) > 0 {
		witnessed = ", checked against the witness's checkpoint"
	}
	fmt.Fprintf(stdout, "public log: %d entries%s; %d reports and %d admin changes bound to it, %d events still queued, %d problems\n",
		rec.Size, witnessed, rec.Reports, rec.Admin, rec.Pending, len(rec.Problems))
	if len(rec.Problems) > 0 {
		failures = append(failures, fmt.Sprintf("%d inconsistencies between the reports and the public log", len(rec.Problems)))
	}
	if len(failures) > 0 {
		return errors.New(strings.Join(failures, "; "))
	}
	return nil
}

// reconcileOptions binds the reports and the admin log to the public log
// (services.ReconcileLog): `portal audit verify` checks, the sequencer's
// sweep repairs.
func (a *app) reconcileOptions(witness []byte, repair bool) services.LogReconcileOptions {
	return services.LogReconcileOptions{Store: a.store, Blobs: a.blobs, Cases: a.store, Audit: a.store, Admin: a.store,
		Reports: a.store.EachReportID, Origin: a.logOrigin, Verifier: a.logVerifier, Witness: witness, Repair: repair, Now: time.Now}
}

// headsBehind counts the chains whose recorded head (AuditStore.ListAuditHeads)
// is missing or behind their last event in chains.
func headsBehind(ctx context.Context, a *app, chains *services.AuditChains) (int, error) {
	heads, err := a.store.ListAuditHeads(ctx, chains.Len()+1)
	if err != nil {
		return 0, err
	}
	recorded := make(map[string]int64, len(heads))
	for _, h := range heads {
		recorded[h.CaseID] = h.Seq
	}
	behind := 0
	for _, id := range chains.CaseIDs() {
		if recorded[id] < chains.Last(id) {
			behind++
		}
	}
	return behind, nil
}
