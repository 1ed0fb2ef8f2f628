package handlers_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"log/slog"
	"testing"
	"testing/fstest"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"minhbach/handlers"
	"minhbach/internal/media"
	"minhbach/internal/mongostore"
	"minhbach/internal/passhash"
	"minhbach/internal/proof"
	"minhbach/internal/seal"
	"minhbach/internal/testenv"
	"minhbach/internal/throttle"
	"minhbach/services"
)

// fixture is the whole HTTP layer wired to real services on a fresh
// database and bucket of the embedded (or external) servers.
type fixture struct {
	env      *testenv.Env
	srv      *handlers.Server
	logs     *syncBuffer
	hasher   *passhash.Hasher
	sealer   *seal.Sealer
	tokens   *services.Tokens
	evidence *services.Evidence
	intake   *services.Intake
	tracking *services.Tracking
	signer   *proof.Signer
	clock    *testClock
	staff    *services.Staff
	custody  *services.Custody
	org      *services.Org
	audit    *services.AuditLog
	workflow *services.Workflow
	sweeper  *services.Sweeper
	vault    *services.IdentityVault
}

var testArgon = passhash.Params{MemoryKiB: 1024, Iterations: 1, Parallelism: 1}

const testMaxJSON = 64 << 10

// testClock is a settable clock shared by every service of a fixture.
type testClock struct{ offset time.Duration }

func (c *testClock) Now() time.Time { return time.Now().Add(c.offset) }

type fixtureOptions struct {
	limits services.Limits
	blob   services.BlobStore // the object store the services use (default: the test bucket)
	store  *mongostore.Store  // the database the services use (default: the test database)
	scan   services.Scanner   // optional virus scanner
	codes  services.ThrottlePolicy
	argon  passhash.Params
	// require2FA makes admins and leads enrol TOTP first.
	require2FA bool
	// cacheTTL is how long the intake's router and the report store's
	// deadline book keep routing rules, policies, holidays and areas (0:
	// read on every use, so that tests see admin changes at once; the
	// portal keeps them 30 s and a minute).
	cacheTTL time.Duration
}

func newFixture(t testing.TB, opts ...func(*fixtureOptions)) *fixture {
	t.Helper()
	env := testenv.New(t)
	o := fixtureOptions{limits: services.DefaultLimits, blob: env.Blob, store: env.Store, codes: services.CodeThrottlePolicy, argon: testArgon}
	for _, f := range opts {
		f(&o)
	}
	ctx := context.Background()
	clock := &testClock{}
	auditLog := &services.AuditLog{Store: o.store, Now: clock.Now}
	book := &services.DeadlineBook{Store: o.store, Areas: o.store, TTL: o.cacheTTL, Now: clock.Now}
	cases := &services.AuditedCases{CaseStore: &services.DueDates{CaseStore: o.store, Book: book}, Log: auditLog}
	sealer, err := seal.New("test", bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := services.NewTokens("hs-test", bytes.Repeat([]byte{3, 5}, 16), clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := proof.NewSigner("ed25519-test", ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	inspector := &media.Inspector{MaxPixels: services.DefaultMaxPixels}
	ev := &services.Evidence{Blobs: o.blob, Uploads: o.store, Inspector: inspector, Scanner: o.scan,
		MaxPixels: services.DefaultMaxPixels, Now: clock.Now}
	hasher := passhash.New(o.argon, 4)
	catalog := &services.Catalog{Store: env.Store, Limits: o.limits, AllowedTypes: inspector.AllowedTypes()}
	if err := catalog.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	intake := &services.Intake{Cases: cases, Identities: o.store,
		Catalog: &services.CatalogCache{CatalogStore: o.store, TTL: 30 * time.Second, Now: clock.Now}, Idempotency: o.store, Evidence: ev,
		Hasher: hasher, Sealer: sealer, FingerprintKey: []byte("fingerprint key"), Limits: o.limits, Now: clock.Now}
	intake.Router = &services.RuleRouter{Store: o.store, Catalog: o.store, TTL: o.cacheTTL, Now: clock.Now}
	tracking := &services.Tracking{Deadlines: &services.DeadlineBook{Store: env.Store, Areas: env.Store, Now: clock.Now}, Cases: cases, Evidence: ev, Hasher: hasher, Tokens: tokens,
		Codes: throttle.New(throttle.Policy(o.codes), clock.Now), Clients: throttle.New(throttle.Policy(services.ClientThrottlePolicy), clock.Now),
		Prover: proof.NewProver(signer), Limits: o.limits, Now: clock.Now}
	if err := tracking.Init(ctx); err != nil {
		t.Fatal(err)
	}
	org := &services.Org{Store: env.Store, Catalog: env.Store, Audit: env.Store, Now: clock.Now}
	if err := org.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	custody := &services.Custody{Cases: cases, Grants: o.store, Identities: o.store, Sealer: sealer, Now: clock.Now}
	logs := &syncBuffer{}
	staff, err := services.NewStaff(ctx, services.StaffOptions{Users: o.store, Sessions: o.store, Units: org, Audit: env.Store,
		Hasher: hasher, Sealer: sealer, Tokens: tokens,
		Accounts: throttle.New(throttle.Policy(services.AccountThrottlePolicy), clock.Now), Clients: throttle.New(throttle.Policy(services.ClientThrottlePolicy), clock.Now),
		Require2FA: o.require2FA, Now: clock.Now, Log: slog.New(slog.NewJSONHandler(logs, nil)).Warn})
	if err != nil {
		t.Fatal(err)
	}
	workflow := &services.Workflow{Cases: cases, Users: o.store, Units: org, Now: clock.Now, Audit: auditLog, Outbox: o.store,
		Deadlines: &services.DeadlineBook{Store: env.Store, Areas: env.Store, Now: clock.Now}}
	vault := &services.IdentityVault{Identities: o.store, Sealer: sealer, Now: clock.Now}
	workflow.Vault = vault
	sweeper := &services.Sweeper{Cases: cases, Store: o.store, Queue: o.store, Users: o.store, Outbox: o.store, Book: book,
		Vault: vault, Now: clock.Now}
	srv, err := handlers.New(handlers.Config{Outcomes: o.store,
		Staff: staff, Custody: custody, Queue: &services.Queue{Store: o.store, Now: clock.Now}, Org: org,
		Workflow: workflow, Downloads: &services.Downloads{Workflow: workflow, Grants: o.store, Evidence: ev},
		Logger:  slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Catalog: catalog, Intake: intake, Tracking: tracking, MaxJSONBytes: testMaxJSON,
		MaxUploadBytes: o.limits.MaxReportBytes + testMaxJSON + 64<<10,
		Frontend: fstest.MapFS{
			"index.html":           {Data: []byte("<!doctype html><title>Minh Bạch</title><div id=app></div>")},
			"assets/index-abc1.js": {Data: []byte("console.log(1)")},
			"favicon.svg":          {Data: []byte("<svg/>")},
		},
		Ready: []handlers.ReadyCheck{{Name: "mongodb", Check: env.Store.Ping}, {Name: "objectStore", Check: env.Blob.Ready}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{env: env, srv: srv, logs: logs, hasher: hasher, sealer: sealer, tokens: tokens, evidence: ev,
		intake: intake, tracking: tracking, signer: signer, clock: clock, staff: staff, custody: custody, org: org, audit: auditLog,
		workflow: workflow, sweeper: sweeper, vault: vault}
}

func mustOID(t *testing.T, hex string) bson.ObjectID {
	t.Helper()
	oid, err := bson.ObjectIDFromHex(hex)
	if err != nil {
		t.Fatal(err)
	}
	return oid
}
