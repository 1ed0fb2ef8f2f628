package main

import (
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"time"

	"golang.org/x/mod/sumdb/note"

	"minhbach/handlers"
	"minhbach/internal/blobstore"
	"minhbach/internal/clamd"
	"minhbach/internal/job"
	"minhbach/internal/mailer"
	"minhbach/internal/media"
	"minhbach/internal/metrics"
	"minhbach/internal/mongostore"
	"minhbach/internal/passhash"
	"minhbach/internal/proof"
	"minhbach/internal/seal"
	"minhbach/internal/translog"
	"minhbach/services"
)

// app is the portal's services, wired to a backend.
type app struct {
	*services.Portal
	store  *mongostore.Store
	leases job.LeaseStore
	// blobs is the object storage (evidence, audit checkpoints) and signKey
	// the Ed25519 key that signs proofs of filing and audit checkpoints.
	blobs   *blobstore.Store
	signKey ed25519.PrivateKey
	// reapAge is how old an upload must be before the reaper may remove it
	// (PORTAL_REAP_AGE).
	reapAge time.Duration
	// metrics is the portal's registry (docs/metrics.md): the services,
	// the HTTP layer and the jobs record into it; serve exposes it on
	// PORTAL_METRICS_ADDR when set.
	metrics *metrics.Metrics
	// logOrigin and logVerifier are the public log's name and public key
	// (docs/transparency-log.md).
	logOrigin   string
	logVerifier note.Verifier
}

// jobs is a job runner of this process whose runs the metrics count.
func (a *app) jobs(log *slog.Logger) *job.Runner {
	return &job.Runner{Leases: a.leases, Holder: job.NewHolder(), Now: time.Now,
		Log: func(msg string, args ...any) { log.Warn(msg, args...) }, Observe: a.metrics.ObserveJob}
}

// keyID names a key by a hash of it, so that rotated keys can be told apart
// without revealing anything.
func keyID(prefix string, key []byte) string {
	sum := sha256.Sum256(key)
	return prefix + "-" + hex.EncodeToString(sum[:4])
}

func newApp(ctx context.Context, cfg Config, b *backend, log *slog.Logger) (*app, error) {
	sealer, err := seal.New(keyID("aes", b.identityKey), b.identityKey)
	if err != nil {
		return nil, err
	}
	tokens, err := services.NewTokens(keyID("hs", b.jwtKey), b.jwtKey, nil)
	if err != nil {
		return nil, err
	}
	priv := ed25519.NewKeyFromSeed(b.signingKey)
	signer, err := proof.NewSigner(keyID("ed25519", priv.Public().(ed25519.PublicKey)), priv)
	if err != nil {
		return nil, err
	}
	logSigner, logVKey, err := translog.Ed25519Key(cfg.LogOrigin, b.logKey)
	if err != nil {
		return nil, fmt.Errorf("PORTAL_LOG_KEY: %w", err)
	}
	witnesses, err := services.ParseWitnessKeys(cfg.LogWitnesses)
	if err != nil {
		return nil, fmt.Errorf("PORTAL_LOG_WITNESSES: %w", err)
	}
	anonHasher, staffHasher := passhash.Shared(cfg.Argon2, cfg.HashConcurrency, 8*cfg.HashConcurrency)
	o := services.Options{Store: b.store, Blobs: b.blob, Files: &media.Checker{MaxPixels: services.DefaultMaxPixels},
		Prover: proof.NewProver(signer), Sealer: sealer, Tokens: tokens,
		// Anonymous requests and staff sign-in share the hash slots, staff
		// first, so that filing may use every core while a flood of filings
		// never queues a sign-in behind it; anonymous hashes queue only so
		// far, then get 503 (docs/privacy.md, "Admission control").
		Hasher:      anonHasher,
		StaffHasher: staffHasher,
		PublicLog:   services.PublicLogConfig{Signer: logSigner, VerifierKey: logVKey, Origin: cfg.LogOrigin, Witnesses: witnesses},
		Limits:      cfg.Limits, Require2FA: cfg.Require2FA, CoolingPeriod: cfg.CoolingPeriod, PublicStatsK: cfg.StatsK, CacheTTL: 30 * time.Second, Log: log, Now: time.Now}
	if cfg.ClamdAddr != "" {
		client := clamd.New(cfg.ClamdAddr, 2*time.Minute)
		o.Scanner = clamdScanner{client}
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		if err := client.Ping(pctx); err != nil {
			log.Warn("clamd does not answer; uploads will be recorded as scan errors until it does", "addr", cfg.ClamdAddr, "error", err)
		} else {
			log.Info("virus scanning with clamd", "addr", cfg.ClamdAddr)
		}
		cancel()
	} else {
		log.Info("no virus scanner configured: evidence is recorded as not scanned")
	}
	if cfg.SMTPURL != "" {
		m, err := mailer.New(cfg.SMTPURL)
		if err != nil {
			return nil, fmt.Errorf("PORTAL_SMTP_URL: %w", err)
		}
		o.Mailer = m
	}
	m := metrics.New()
	o.Observer = m
	fp := hmac.New(sha256.New, b.identityKey)
	fp.Write([]byte("minhbach idempotency fingerprint"))
	o.FingerprintKey = fp.Sum(nil)
	p, err := services.New(ctx, o)
	if err != nil {
		return nil, err
	}
	// Only the holder of the statistics' lease folds (runStats); until
	// then, and on every other process, reads do not fold.
	p.Stats.SetStandby(true)
	logVerifier, err := note.NewVerifier(logVKey)
	if err != nil {
		return nil, fmt.Errorf("PORTAL_LOG_KEY: %w", err)
	}
	return &app{Portal: p, store: b.store, leases: b.store, blobs: b.blob, signKey: priv, reapAge: cfg.ReapAge, metrics: m,
		logOrigin: cfg.LogOrigin, logVerifier: logVerifier}, nil
}

// reap removes abandoned uploads and expired idempotency keys once.
func (a *app) reap(ctx context.Context) (uploads int, keys int64, err error) {
	now := time.Now()
	if uploads, err = a.Evidence.ReapStale(ctx, a.store, now.Add(-a.reapAge)); err != nil {
		return uploads, 0, err
	}
	if keys, err = a.store.DeleteExpiredIdempotencyKeys(ctx, now); err != nil {
		return uploads, keys, err
	}
	_, err = a.store.DeleteExpiredSessions(ctx, now)
	return uploads, keys, err
}

// runOutbox delivers queued notifications every 30 s under a lease.
func (a *app) runOutbox(ctx context.Context, log *slog.Logger) {
	jobs := a.jobs(log)
	_ = jobs.Every(ctx, "outbox", 30*time.Second, 2*time.Minute, func(ctx context.Context) error {
		_, _, err := a.Notifier.DeliverDue(ctx)
		return err
	})
}

// runSweep sweeps deadlines every 5 minutes under a lease.
func (a *app) runSweep(ctx context.Context, log *slog.Logger) {
	jobs := a.jobs(log)
	_ = jobs.Every(ctx, "sweep", 5*time.Minute, 5*time.Minute, func(ctx context.Context) error {
		r, err := a.Sweeper.Sweep(ctx)
		if err == nil && (r.Overdue > 0 || r.Near > 0 || r.Closed > 0 || r.Digests > 0) {
			log.Info("deadline sweep", "overdue", r.Overdue, "near", r.Near, "autoClosed", r.Closed, "digests", r.Digests)
		}
		return err
	})
}

// runSealFileNames seals, at start-up, the original file names stored in
// the clear before names were sealed (docs/storage.md, "File names").
func (a *app) runSealFileNames(ctx context.Context, log *slog.Logger) {
	a.runMigration(ctx, log, services.FileNameMigrationName, a.FileNames.Run,
		"original file names stored in the clear were sealed", "files")
}

// runSafeCopies makes, at start-up, the safe copies that files stored
// before every type had one lack (docs/storage.md, "Safe copies of older
// files").
func (a *app) runSafeCopies(ctx context.Context, log *slog.Logger) {
	a.runMigration(ctx, log, services.SafeCopyMigrationName, a.SafeCopies.Run,
		"safe copies made for files stored before every type had one", "files")
}

// buildQueueIndex builds the queue index of the embedded default once
// (mongostore.UseQueueIndex); on failure the database keeps answering the
// queue.
func (a *app) buildQueueIndex(ctx context.Context, log *slog.Logger) {
	start := time.Now()
	st, err := a.store.UseQueueIndex(ctx)
	if err != nil {
		log.Warn("queue index not built: the database answers the queue", "error", err)
		return
	}
	log.Info("queue index built", "reports", st.Entries, "took", time.Since(start).Round(time.Millisecond).String())
}

// runRankReports gives, at start-up, the reports stored before the queue's
// status sort existed their rank (mongostore.RankReports, docs/storage.md,
// "The queue index").
func (a *app) runRankReports(ctx context.Context, log *slog.Logger) {
	a.runMigration(ctx, log, mongostore.StatusRankMigrationName, a.store.RankReports,
		"reports stored before the status sort existed were ranked", "reports")
}

// runPlaceKeys gives, at start-up, the reports stored before the related
// reports' query existed their place keys (mongostore.MigratePlaceKeys).
func (a *app) runPlaceKeys(ctx context.Context, log *slog.Logger) {
	a.runMigration(ctx, log, mongostore.PlaceKeysMigrationName, a.store.MigratePlaceKeys,
		"reports stored before the related reports existed were given their place keys", "reports")
}

// runAuditHeads records, at start-up, the head documents of the audit
// chains written before they existed, with the _ids of their events, so
// that appending to and listing any chain are lookups by _id
// (docs/storage.md, "Audit chains").
func (a *app) runAuditHeads(ctx context.Context, log *slog.Logger) {
	a.runMigration(ctx, log, mongostore.AuditHeadsMigrationName, a.store.MigrateAuditHeads,
		"audit chain heads recorded for chains written before head documents", "heads")
}

// runOutboxDue lists, at start-up, the pending notifications queued before
// the outbox kept a list of what is due (docs/storage.md, "The outbox").
func (a *app) runOutboxDue(ctx context.Context, log *slog.Logger) {
	a.runMigration(ctx, log, mongostore.OutboxDueMigrationName, a.store.MigrateOutboxDue,
		"pending notifications queued before the list of what is due were listed", "notifications")
}

// runMigration runs a start-up migration (run returns how many things, of
// the kind what names, it changed) under a lease, so of several processes starting at once one does
// it; it is tried again every hour until one run has finished (after which
// a run only reads the record that it has), and each report's rewrite is
// guarded by its version, so even two runs at once change each file once.
func (a *app) runMigration(ctx context.Context, log *slog.Logger, name string, run func(context.Context) (int, error), done, what string) {
	jobs := a.jobs(log)
	_ = jobs.Every(ctx, name, time.Hour, 30*time.Minute, func(ctx context.Context) error {
		n, err := run(ctx)
		if n > 0 {
			log.Info(done, what, n)
		}
		return err
	})
}

// runReaper reaps at every interval until ctx ends. The job holds a lease
// in MongoDB while it runs, so when several portal processes share one
// database only one of them reaps at a time.
func (a *app) runReaper(ctx context.Context, every time.Duration, log *slog.Logger) {
	jobs := a.jobs(log)
	_ = jobs.Every(ctx, "reaper", every, every, func(ctx context.Context) error {
		uploads, keys, err := a.reap(ctx)
		if err == nil && (uploads > 0 || keys > 0) {
			log.Info("reaper", "abandonedUploadsRemoved", uploads, "expiredIdempotencyKeys", keys)
		}
		return err
	})
}

// reapOnce is `portal reap`.
func reapOnce(ctx context.Context, getenv func(string) string, stdout, stderr io.Writer) error {
	return withApp(ctx, getenv, stderr, func(a *app, _ *slog.Logger) error {
		uploads, keys, err := a.reap(ctx)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "removed %d abandoned uploads and %d expired idempotency keys\n", uploads, keys)
		return err
	})
}

// checkOnce is `portal check` (docs/storage.md, "Checking the evidence"):
// it lists reports whose evidence objects are missing or altered and
// objects no report references, by report and attachment ids only, and
// fails when it finds any.
func checkOnce(ctx context.Context, getenv func(string) string, stdout, stderr io.Writer) error {
	return withApp(ctx, getenv, stderr, func(a *app, _ *slog.Logger) error {
		k := services.NewChecker(services.CheckOptions{Index: a.store, Blobs: a.blobs, Walker: a.blobs, Uploads: a.store})
		res, err := k.Check(ctx, a.reapAge)
		if err != nil {
			return err
		}
		for _, p := range res.Problems {
			if _, err := fmt.Fprintf(stdout, "%s\treport %s\tattachment %s\t%s\t%s\n", p.Problem, p.CaseID, p.AttachmentID, p.Copy, p.Key); err != nil {
				return err
			}
		}
		fmt.Fprintf(stdout, "%d reports and %d evidence objects checked, %d problems\n", res.Reports, res.Objects, len(res.Problems))
		if len(res.Problems) > 0 {
			return fmt.Errorf("evidence check: %d problems", len(res.Problems))
		}
		return nil
	})
}

// clamdScanner adapts the clamd client to services.Scanner.
type clamdScanner struct{ c *clamd.Client }

func (s clamdScanner) Scan(ctx context.Context, r io.Reader) (bool, string, error) {
	res, err := s.c.Scan(ctx, r)
	return res.Infected, res.Signature, err
}

// withApp runs fn with the portal's services on the configured storage, as
// the command-line subcommands need them (and closes the storage after).
func withApp(ctx context.Context, getenv func(string) string, stderr io.Writer, fn func(a *app, log *slog.Logger) error) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	log := newLogger(cfg, stderr)
	b, err := openBackend(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer b.close()
	a, err := newApp(ctx, cfg, b, log)
	if err != nil {
		return err
	}
	return fn(a, log)
}

// watch adds the metrics read at scrape time (metrics.Sources): the
// outbox's depth, the reports open and overdue now, and the readiness
// checks of GET /readyz.
func (a *app) watch(ready []handlers.ReadyCheck) {
	checks := make([]metrics.Check, len(ready))
	for i, r := range ready {
		checks[i] = metrics.Check{Name: r.Name, Check: r.Check}
	}
	a.metrics.Watch(metrics.Sources{OutboxPending: a.store.PendingNotifications, NowTotals: a.StatsView.NowTotals, Ready: checks})
}
