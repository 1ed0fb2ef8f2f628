package services

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"golang.org/x/mod/sumdb/note"

	"minhbach/internal/throttle"
)

// Store is every store the portal's services use; internal/mongostore
// implements it on MongoDB.
type Store interface {
	CaseStore
	IdentityStore
	CatalogStore
	OrgStore
	IdempotencyStore
	UploadStore
	UserStore
	SessionStore
	CustodyStore
	QueueStore
	SweepStore
	OutcomeStore
	AuditStore
	AdminAuditStore
	OutboxStore
	StaffingStore
	FileNameStore
	StatsStore
	StatsCellStore
	StatsDimStore
	PeriodActionStore
	APIKeyStore
	Open311Store
	LogStore
}

// Options are what the portal's services need from outside: the stores,
// the object store, the adapters that check files, scan them, render proofs
// and send mail, the keys and the limits. cmd/portal fills them from the
// configuration; tests fill them with the embedded servers.
type Options struct {
	Store   Store
	Blobs   BlobStore
	Files   FileChecker
	Scanner Scanner // nil: files are recorded as not scanned
	Prover  Prover  // nil: no proofs of filing
	Mailer  Mailer  // nil: notifications are logged without content
	// Sealer seals identities and idempotent answers; Tokens signs
	// sessions; Hasher hashes receipts (anonymous requests), StaffHasher
	// staff passwords (nil: Hasher). Separate hashers keep a flood of
	// anonymous requests from queueing staff sign-in.
	Sealer      Sealer
	Tokens      *Tokens
	Hasher      Hasher
	StaffHasher Hasher
	// FingerprintKey keys the fingerprints of idempotent requests.
	FingerprintKey []byte
	Limits         Limits
	// Require2FA makes admins and leads enrol a second factor, and makes
	// identity custody require one of both people.
	Require2FA bool
	// CoolingPeriod keeps an account out of identity custody after an
	// administrator's change to it (0: DefaultCoolingPeriod).
	CoolingPeriod time.Duration
	// CacheTTL is how long routing rules, deadline policies, holidays,
	// areas and the public figures' names of areas, categories and units
	// are reused before they are read again (0: read on every use). An
	// administrator's change is seen at once by this process.
	CacheTTL time.Duration
	// CodeThrottle limits failed tracking logins per code (zero:
	// CodeThrottlePolicy).
	CodeThrottle ThrottlePolicy
	// PublicLog configures the public transparency log
	// (docs/transparency-log.md); without a signer there is none.
	PublicLog PublicLogConfig
	// PublicStatsK is the smallest count the public figures show
	// (DefaultPublicStatsK when below 2).
	PublicStatsK int
	// Log hears what the services report (chain failures, refused
	// sign-ins, deliveries); nil discards it.
	Log *slog.Logger
	// Observer hears what the metrics count (internal/metrics): filings,
	// files kept, deliveries; nil: nobody.
	Observer Observer
	Now      func() time.Time // time.Now when nil
}

// Portal is every service of the portal, wired together.
type Portal struct {
	Catalog   *Catalog
	Intake    *Intake
	Tracking  *Tracking
	Evidence  *Evidence
	Staff     *Staff
	Custody   *Custody
	Queue     *Queue
	Org       *Org
	Workflow  *Workflow
	Downloads *Downloads
	Outcomes  *Outcomes
	Sweeper   *Sweeper
	Notifier  *Notifier
	Audit     *AuditLog
	FileNames *FileNameMigration
	// SafeCopies makes the safe copies older files lack.
	SafeCopies *SafeCopyMigration
	// Stats keeps the statistics' counters (docs/statistics.md), folded by
	// the process holding the statistics' lease; StatsLate says whether a
	// concluded report's resolution was late (for the rebuild).
	Stats     *StatsFeed
	StatsLate func(ctx context.Context, c Case) (bool, error)
	// StatsView answers figures from the counters.
	StatsView *StatsView
	// PeriodReports builds the period review reports (docs/period-report.md).
	PeriodReports *PeriodReports
	// APIKeys issues and checks the Open311 clients' keys; Open311 answers
	// the Open311 GeoReport v2 interface (docs/intake.md, "Open311").
	APIKeys *APIKeys
	Open311 *Open311
	// Log reads the public transparency log and Sequencer integrates it;
	// both nil when the portal has no log key.
	Log       *PublicLog
	Sequencer *Sequencer
}

// PublicLogConfig is the public log's key, origin and witnesses.
type PublicLogConfig struct {
	Signer      note.Signer // nil: no public log
	VerifierKey string
	Origin      string
	Witnesses   []WitnessKey
}

// caseWriteNotifier is a store that tells which reports each write touched.
type caseWriteNotifier interface {
	OnCaseWrite(fn func(ids ...string))
}

// newThrottle is a failure throttle with one of the portal's policies.
func newThrottle(p ThrottlePolicy, now func() time.Time) Throttle {
	return throttle.New(throttle.Policy(p), now)
}

// New wires the portal's services and seeds the reference data (categories,
// areas, units, policies, holidays) when it is missing.
func New(ctx context.Context, o Options) (*Portal, error) {
	now := clockOrNow(o.Now)
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	codes := o.CodeThrottle
	if codes == (ThrottlePolicy{}) {
		codes = CodeThrottlePolicy
	}
	p := &Portal{Audit: NewAuditLog(o.Store, now)}
	book := NewDeadlineBook(DeadlineBookOptions{Store: o.Store, Areas: o.Store, TTL: o.CacheTTL, Now: now})
	p.StatsLate = func(ctx context.Context, c Case) (bool, error) {
		clocks, err := book.Clocks(ctx, c)
		return ResolveLate(clocks), err
	}
	p.Stats = NewStatsFeed(NewStatsFolder(o.Store, p.StatsLate), o.Store, now, log.Info)
	if n, ok := o.Store.(caseWriteNotifier); ok {
		n.OnCaseWrite(p.Stats.Notify)
	}
	p.StatsView = NewStatsView(o.Store, o.PublicStatsK, now)
	p.StatsView.SetFresh(p.Stats.Fresh)
	p.StatsView.SetCatalogTTL(o.CacheTTL)
	p.PeriodReports = NewPeriodReports(o.Store, p.StatsView, now)
	// Every event written to a report is also appended to its hash chain,
	// and every status change updates the report's next due date.
	cases := NewAuditedCases(NewDueDates(o.Store, book), p.Audit, func(caseID string, err error) {
		log.Error("audit trail: events of a change could not be chained", "caseId", caseID, "error", err)
	})
	// Report events and admin changes go into the public log, when there
	// is one (docs/transparency-log.md).
	var adminAudit AdminAuditStore = o.Store
	if lc := o.PublicLog; lc.Signer != nil {
		cases.LogTo(o.Store, now)
		adminAudit = NewLoggedAdminEvents(o.Store, o.Store, now, func(err error) {
			log.Error("public log: an admin change could not be queued", "error", err)
		})
		var err error
		if p.Sequencer, err = NewSequencer(SequencerOptions{Store: o.Store, Blobs: o.Blobs, Cases: o.Store, Signer: lc.Signer, Origin: lc.Origin, Now: now}); err != nil {
			return nil, err
		}
		if p.Log, err = NewPublicLog(PublicLogOptions{Store: o.Store, Blobs: o.Blobs, Origin: lc.Origin, VerifierKey: lc.VerifierKey, Witnesses: lc.Witnesses, Now: now}); err != nil {
			return nil, err
		}
	}
	p.PeriodReports.audit = adminAudit
	vault := NewIdentityVault(o.Store, o.Sealer, now)
	p.Evidence = NewEvidence(EvidenceOptions{Blobs: o.Blobs, Uploads: o.Store, Files: o.Files, Scanner: o.Scanner, Vault: vault, Log: log.Warn, Observer: o.Observer, Now: now})
	p.Catalog = NewCatalog(CatalogOptions{Store: o.Store, Limits: o.Limits, AllowedTypes: p.Evidence.AllowedTypes(), Deadlines: book})
	if err := p.Catalog.Seed(ctx); err != nil {
		return nil, fmt.Errorf("seed reference data: %w", err)
	}
	router := NewRuleRouter(RuleRouterOptions{Store: o.Store, Catalog: o.Store, TTL: o.CacheTTL, Now: now})
	intakeCatalog := NewCatalogCache(CatalogCacheOptions{Store: o.Store, TTL: 30 * time.Second, Now: now})
	// An administrator's change is seen at once by this process: what it
	// keeps of the catalogue, the deadlines and the statistics' names is
	// dropped (other processes read it again within their TTL).
	changed := func() {
		router.Forget()
		intakeCatalog.Forget()
		book.Forget()
		p.StatsView.ForgetCatalog()
	}
	p.Org = NewOrg(OrgOptions{Store: o.Store, Catalog: o.Store, Audit: adminAudit, Users: o.Store, Now: now, RulesChanged: router.Forget,
		Changed: changed})
	if err := p.Org.Seed(ctx); err != nil {
		return nil, fmt.Errorf("seed organisation data: %w", err)
	}
	p.Intake = NewIntake(IntakeOptions{Cases: cases, Vault: vault,
		Catalog: intakeCatalog, Idempotency: o.Store, Evidence: p.Evidence,
		Router: router,
		Hasher: o.Hasher, Tokens: o.Tokens, Sealer: o.Sealer, FingerprintKey: o.FingerprintKey, Limits: o.Limits, Observer: o.Observer, Now: now})
	var err error
	p.Tracking, err = NewTracking(ctx, TrackingOptions{Cases: cases, Evidence: p.Evidence, Hasher: o.Hasher, Tokens: o.Tokens,
		Codes: newThrottle(codes, now), Clients: newThrottle(ClientThrottlePolicy, now), Prover: o.Prover,
		Deadlines: book, Limits: o.Limits, Now: now})
	if err != nil {
		return nil, err
	}
	staffHasher := o.StaffHasher
	if staffHasher == nil {
		staffHasher = o.Hasher
	}
	p.Staff, err = NewStaff(ctx, StaffOptions{Users: o.Store, Sessions: o.Store, Units: p.Org, Audit: adminAudit,
		Hasher: staffHasher, Sealer: o.Sealer, Tokens: o.Tokens,
		Accounts: newThrottle(AccountThrottlePolicy, now), Clients: newThrottle(AccountClientThrottlePolicy, now),
		Require2FA: o.Require2FA, Staffing: o.Store, Outbox: o.Store, CoolingPeriod: o.CoolingPeriod, Now: now, Log: log.Warn})
	if err != nil {
		return nil, err
	}
	gate := &CustodyGate{Grants: o.Store, Users: o.Store, Require2FA: o.Require2FA}
	p.Custody = NewCustody(CustodyOptions{Cases: cases, Grants: o.Store, Gate: gate, Vault: vault, Now: now})
	p.Queue = NewQueue(o.Store, o.Store, p.StatsView, now)
	p.Workflow = NewWorkflow(WorkflowOptions{Cases: cases, Users: o.Store, Units: p.Org, Deadlines: book, Audit: p.Audit,
		Outbox: o.Store, Vault: vault, Gate: gate, Queue: o.Store, Now: now})
	p.Downloads = NewDownloads(DownloadsOptions{Cases: cases, Gate: gate, Blobs: o.Blobs, Vault: vault, Now: now})
	p.Outcomes = NewOutcomes(o.Store)
	p.APIKeys = NewAPIKeys(o.Store, adminAudit, now)
	p.Open311 = NewOpen311(Open311Options{Catalog: intakeCatalog, Intake: p.Intake, Store: o.Store, Outcomes: p.Outcomes, Deadlines: book, Now: now})
	p.Sweeper = NewSweeper(SweeperOptions{Cases: cases, Store: o.Store, Queue: o.Store, Users: o.Store, Outbox: o.Store,
		Book: book, Vault: vault, Now: now})
	p.Notifier = NewNotifier(NotifierOptions{Outbox: o.Store, Now: now, Vault: vault, Mailer: o.Mailer, Log: log.Info, Observer: o.Observer})
	p.FileNames = NewFileNameMigration(vault, o.Store, p.Evidence.AllowedTypes(), now)
	p.SafeCopies = NewSafeCopyMigration(o.Store, o.Blobs, o.Files, log.Warn, now)
	return p, nil
}
