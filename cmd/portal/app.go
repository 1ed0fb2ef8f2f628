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

	"minhbach/internal/blobstore"
	"minhbach/internal/clamd"
	"minhbach/internal/job"
	"minhbach/internal/mailer"
	"minhbach/internal/media"
	"minhbach/internal/passhash"
	"minhbach/internal/proof"
	"minhbach/internal/seal"
	"minhbach/internal/throttle"
	"minhbach/services"
)

// app is the portal's services, wired to a backend.
type app struct {
	store    services.CaseStore
	catalog  *services.Catalog
	intake   *services.Intake
	tracking *services.Tracking
	evidence *services.Evidence
	idem     services.IdempotencyStore
	sessions services.SessionStore
	users    services.UserStore
	staff    *services.Staff
	custody  *services.Custody
	queue    *services.Queue
	org      *services.Org
	workflow *services.Workflow
	leases   job.LeaseStore
	auditLog *services.AuditLog
	notifier *services.Notifier
	// downloads serves evidence files to staff.
	downloads *services.Downloads
	// blobs is the object storage (evidence, audit checkpoints) and signKey
	// the Ed25519 key that signs proofs of filing and audit checkpoints.
	blobs   *blobstore.Store
	signKey ed25519.PrivateKey
	// sweeper flags overdue reports, warns of near deadlines, closes
	// unrated ones and sends monitors their digest.
	sweeper *services.Sweeper
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
	inspector := &media.Inspector{MaxPixels: services.DefaultMaxPixels}
	ev := &services.Evidence{Blobs: b.blob, Uploads: b.store, Inspector: inspector, MaxPixels: services.DefaultMaxPixels, Now: time.Now}
	if cfg.ClamdAddr != "" {
		client := clamd.New(cfg.ClamdAddr, 2*time.Minute)
		ev.Scanner = clamdScanner{client}
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
	hasher := passhash.New(cfg.Argon2, cfg.HashConcurrency)
	auditLog := &services.AuditLog{Store: b.store, Now: time.Now}
	// Every event written to a report is also appended to its hash chain,
	// and every status change updates the report's next due date.
	book := &services.DeadlineBook{Store: b.store, Areas: b.store, TTL: time.Minute, Now: time.Now}
	cases := &services.AuditedCases{CaseStore: &services.DueDates{CaseStore: b.store, Book: book}, Log: auditLog,
		OnChainError: func(caseID string, err error) {
			log.Error("audit trail: events of a change could not be chained", "caseId", caseID, "error", err)
		}}
	fp := hmac.New(sha256.New, b.identityKey)
	fp.Write([]byte("minhbach idempotency fingerprint"))
	a := &app{store: b.store, evidence: ev, blobs: b.blob, signKey: priv, idem: b.store, sessions: b.store, users: b.store, leases: b.store,
		custody:  &services.Custody{Cases: cases, Grants: b.store, Identities: b.store, Sealer: sealer, Now: time.Now},
		queue:    &services.Queue{Store: b.store, Now: time.Now},
		org:      &services.Org{Store: b.store, Catalog: b.store, Audit: b.store, Now: time.Now},
		workflow: &services.Workflow{Cases: cases, Users: b.store, Audit: auditLog, Outbox: b.store, Now: time.Now},
		auditLog: auditLog,
		catalog:  &services.Catalog{Store: b.store, Limits: cfg.Limits, AllowedTypes: inspector.AllowedTypes()},
		intake: &services.Intake{Cases: cases, Identities: b.store,
			Catalog: &services.CatalogCache{CatalogStore: b.store, TTL: 30 * time.Second, Now: time.Now}, Idempotency: b.store, Evidence: ev,
			Hasher: hasher, Sealer: sealer, FingerprintKey: fp.Sum(nil), Limits: cfg.Limits, Now: time.Now},
		tracking: &services.Tracking{Cases: cases, Evidence: ev, Hasher: hasher, Tokens: tokens,
			Codes: throttle.New(throttle.Policy(services.CodeThrottlePolicy), nil), Clients: throttle.New(throttle.Policy(services.ClientThrottlePolicy), nil),
			Prover: proof.NewProver(signer), Limits: cfg.Limits, Now: time.Now},
	}
	if err := a.catalog.Seed(ctx); err != nil {
		return nil, fmt.Errorf("seed reference data: %w", err)
	}
	if err := a.org.Seed(ctx); err != nil {
		return nil, fmt.Errorf("seed organisation data: %w", err)
	}
	a.staff, err = services.NewStaff(ctx, services.StaffOptions{Users: b.store, Sessions: b.store, Units: a.org, Audit: b.store,
		Hasher: hasher, Sealer: sealer, Tokens: tokens,
		Accounts: throttle.New(throttle.Policy(services.AccountThrottlePolicy), nil), Clients: throttle.New(throttle.Policy(services.ClientThrottlePolicy), nil),
		Require2FA: cfg.Require2FA, Now: time.Now, Log: func(msg string, args ...any) { log.Warn(msg, args...) }})
	if err != nil {
		return nil, err
	}
	a.workflow.Units = a.org
	a.workflow.Deadlines, a.tracking.Deadlines = book, book
	vault := &services.IdentityVault{Identities: b.store, Sealer: sealer, Now: time.Now}
	a.workflow.Vault = vault
	a.sweeper = &services.Sweeper{Cases: cases, Store: b.store, Queue: b.store, Users: b.store, Outbox: b.store, Book: book,
		Vault: vault, Now: time.Now}
	a.downloads = &services.Downloads{Workflow: a.workflow, Grants: b.store, Evidence: ev}
	a.notifier = &services.Notifier{Outbox: b.store, Now: time.Now, Vault: vault,
		Log: func(msg string, args ...any) { log.Info(msg, args...) }}
	if cfg.SMTPURL != "" {
		m, err := mailer.New(cfg.SMTPURL)
		if err != nil {
			return nil, fmt.Errorf("PORTAL_SMTP_URL: %w", err)
		}
		a.notifier.Mailer = m
	}
	a.intake.Router = &services.RuleRouter{Store: b.store, Catalog: b.store, TTL: 30 * time.Second, Now: time.Now}
	if err := a.tracking.Init(ctx); err != nil {
		return nil, err
	}
	return a, nil
}

// reapAge is how old an upload must be before the reaper may remove it.
const reapAge = time.Hour

// reap removes abandoned uploads and expired idempotency keys once.
func (a *app) reap(ctx context.Context) (uploads int, keys int64, err error) {
	now := time.Now()
	if uploads, err = a.evidence.ReapStale(ctx, a.store, now.Add(-reapAge)); err != nil {
		return uploads, 0, err
	}
	if keys, err = a.idem.DeleteExpiredIdempotencyKeys(ctx, now); err != nil {
		return uploads, keys, err
	}
	_, err = a.sessions.DeleteExpiredSessions(ctx, now)
	return uploads, keys, err
}

// runOutbox delivers queued notifications every 30 s under a lease.
func (a *app) runOutbox(ctx context.Context, log *slog.Logger) {
	jobs := &job.Runner{Leases: a.leases, Holder: job.NewHolder(), Now: time.Now,
		Log: func(msg string, args ...any) { log.Warn(msg, args...) }}
	_ = jobs.Every(ctx, "outbox", 30*time.Second, 2*time.Minute, func(ctx context.Context) error {
		_, _, err := a.notifier.DeliverDue(ctx)
		return err
	})
}

// runSweep sweeps deadlines every 5 minutes under a lease.
func (a *app) runSweep(ctx context.Context, log *slog.Logger) {
	jobs := &job.Runner{Leases: a.leases, Holder: job.NewHolder(), Now: time.Now,
		Log: func(msg string, args ...any) { log.Warn(msg, args...) }}
	_ = jobs.Every(ctx, "sweep", 5*time.Minute, 5*time.Minute, func(ctx context.Context) error {
		r, err := a.sweeper.Sweep(ctx)
		if err == nil && (r.Overdue > 0 || r.Near > 0 || r.Closed > 0 || r.Digests > 0) {
			log.Info("deadline sweep", "overdue", r.Overdue, "near", r.Near, "autoClosed", r.Closed, "digests", r.Digests)
		}
		return err
	})
}

// runReaper reaps at every interval until ctx ends. The job holds a lease
// in MongoDB while it runs, so when several portal processes share one
// database only one of them reaps at a time.
func (a *app) runReaper(ctx context.Context, every time.Duration, log *slog.Logger) {
	jobs := &job.Runner{Leases: a.leases, Holder: job.NewHolder(), Now: time.Now,
		Log: func(msg string, args ...any) { log.Warn(msg, args...) }}
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
