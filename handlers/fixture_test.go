package handlers_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minhbach/handlers"
	"minhbach/internal/media"
	"minhbach/internal/metrics"
	"minhbach/internal/mongostore"
	"minhbach/internal/passhash"
	"minhbach/internal/proof"
	"minhbach/internal/seal"
	"minhbach/internal/testenv"
	"minhbach/internal/translog"
	"minhbach/services"
)

// fixture is the whole HTTP layer wired to real services on a fresh
// database and bucket of the embedded (or external) servers, as the portal
// wires them (services.New).
type fixture struct {
	env *testenv.Env
	// srv is the HTTP layer; in tests (not benchmarks) every request and
	// answer through it is checked against the OpenAPI document
	// (openapi_test.go).
	srv    *checkedServer
	logs   *syncBuffer
	hasher *passhash.Hasher
	sealer *seal.Sealer
	tokens *services.Tokens
	clock  *testClock
	// blobs is the object store the services use; a test may point it
	// elsewhere (blobs.use).
	blobs *switchBlobs
	*services.Portal
	// vault opens identities as the services do, to check what they stored.
	vault *services.IdentityVault
	// store is the database store the services use (env.Store unless an
	// option gave another).
	store *mongostore.Store
	// metrics is the registry the services and the HTTP layer record
	// into, as the portal's (cmd/portal, app.go).
	metrics *metrics.Metrics
}

var testArgon = passhash.Params{MemoryKiB: 1024, Iterations: 1, Parallelism: 1}

const testMaxJSON = 64 << 10

// testClock is a settable clock shared by every service of a fixture. The
// services' background goroutines (the statistics feed) read it while a
// test moves it, so its offset is atomic.
type testClock struct{ offset atomic.Int64 }

func (c *testClock) Now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

// advance moves the clock on by d.
func (c *testClock) advance(d time.Duration) { c.offset.Add(int64(d)) }

// set puts the clock d ahead of the real time.
func (c *testClock) set(d time.Duration) { c.offset.Store(int64(d)) }

type fixtureOptions struct {
	// witnesses are the public log's registered witnesses.
	witnesses []services.WitnessKey
	limits    services.Limits
	blob      services.BlobStore // the object store the services use (default: the test bucket)
	store     *mongostore.Store  // the database the services use (default: the test database)
	scan      services.Scanner   // optional virus scanner
	codes     services.ThrottlePolicy
	argon     passhash.Params
	// require2FA makes admins and leads enrol TOTP first.
	require2FA bool
	// trustedProxies are the proxies whose forwarding headers are believed.
	trustedProxies []string
	// cacheTTL is how long the intake's router and the report store's
	// deadline book keep routing rules, policies, holidays and areas (0:
	// read on every use, so that tests see admin changes at once; the
	// portal keeps them 30 s).
	cacheTTL time.Duration
	// admission controls anonymous writes (zero: none, as most tests want).
	admission handlers.Admission
	// development silences the warning about loopback peers.
	development bool
	// hasher and staffHasher replace the fixture's one shared hasher.
	hasher, staffHasher *passhash.Hasher
	// monitor, when set, sees every command the services send: they use a
	// client of their own (one connection, as the portal's) with it.
	monitor *event.CommandMonitor
	// noPublicLog leaves the public log out: filings queue no entry.
	noPublicLog bool
	// queueIndex has the store answer the queue and the sweep's selections
	// from its queue index, as the embedded portal does.
	queueIndex bool
}

func newFixture(t testing.TB, opts ...func(*fixtureOptions)) *fixture {
	t.Helper()
	env := testenv.New(t)
	o := fixtureOptions{limits: services.DefaultLimits, blob: env.Blob, store: env.Store, codes: services.CodeThrottlePolicy, argon: testArgon}
	for _, f := range opts {
		f(&o)
	}
	if o.monitor != nil {
		client, err := mongo.Connect(options.Client().ApplyURI(env.MongoURI).SetMaxPoolSize(1).SetMonitor(o.monitor))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = client.Disconnect(context.Background()) })
		o.store = mongostore.New(client, env.Database)
	}
	if o.queueIndex {
		if _, err := o.store.UseQueueIndex(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if env.Embedded {
		// As the embedded portal does (cmd/portal, serve.go).
		o.store.UseStatsCache()
	}
	clock := &testClock{}
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
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	blobs := &switchBlobs{cur: o.blob}
	hasher := o.hasher
	if hasher == nil {
		hasher = passhash.New(o.argon, 4)
	}
	var staffHasher services.Hasher
	if o.staffHasher != nil {
		staffHasher = o.staffHasher
	}
	m := metrics.New()
	logSigner, logVKey, err := translog.Ed25519Key(testLogOrigin, bytes.Repeat([]byte{9}, 32))
	if err != nil {
		t.Fatal(err)
	}
	publicLog := services.PublicLogConfig{Signer: logSigner, VerifierKey: logVKey, Origin: testLogOrigin, Witnesses: o.witnesses}
	if o.noPublicLog {
		publicLog = services.PublicLogConfig{}
	}
	p, err := services.New(context.Background(), services.Options{Store: o.store, Blobs: blobs, Observer: m,
		PublicLog: publicLog,
		Files:     &media.Checker{MaxPixels: services.DefaultMaxPixels}, Scanner: o.scan, Prover: proof.NewProver(signer),
		Sealer: sealer, Tokens: tokens, Hasher: hasher, StaffHasher: staffHasher, FingerprintKey: []byte("fingerprint key"), Limits: o.limits,
		Require2FA: o.require2FA, CacheTTL: o.cacheTTL, CodeThrottle: o.codes, Log: log, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := handlers.New(handlers.Config{Services: p, Logger: log, MaxJSONBytes: testMaxJSON,
		Admission: o.admission, Development: o.development, TrustedProxies: o.trustedProxies,
		MaxUploadBytes: o.limits.MaxReportBytes + testMaxJSON + 64<<10,
		SecureCookies:  true,
		Frontend: fstest.MapFS{
			"index.html":           {Data: []byte("<!doctype html><title>Minh Bạch</title><div id=app></div>")},
			"assets/index-abc1.js": {Data: []byte("console.log(1)")},
			"favicon.svg":          {Data: []byte("<svg/>")},
		},
		Ready:   []handlers.ReadyCheck{{Name: "mongodb", Check: env.Store.Ping}, {Name: "objectStore", Check: env.Blob.Ready}},
		Metrics: m,
	})
	if err != nil {
		t.Fatal(err)
	}
	m.Watch(metrics.Sources{OutboxPending: o.store.PendingNotifications, NowTotals: p.StatsView.NowTotals,
		Ready: []metrics.Check{{Name: "mongodb", Check: env.Store.Ping}, {Name: "objectStore", Check: env.Blob.Ready}}})
	checked := &checkedServer{Server: srv, t: t}
	if _, bench := t.(*testing.B); !bench {
		checked.contract = loadContract(t)
	}
	return &fixture{env: env, srv: checked, logs: logs, hasher: hasher, sealer: sealer, tokens: tokens, clock: clock, blobs: blobs,
		Portal: p, vault: services.NewIdentityVault(o.store, sealer, clock.Now), store: o.store, metrics: m}
}

// testLogOrigin names the fixture's public log.
const testLogOrigin = "portal.test.example/log"

// switchBlobs is the object store the services use, which a test can point
// at another store (a proxy that fails) while the services run.
type switchBlobs struct {
	mu  sync.Mutex
	cur services.BlobStore
}

func (s *switchBlobs) use(b services.BlobStore) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cur = b
}

func (s *switchBlobs) get() services.BlobStore {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur
}

func (s *switchBlobs) Put(ctx context.Context, key string, r io.Reader, size int64, contentType, sha256Hex string) (services.BlobInfo, error) {
	return s.get().Put(ctx, key, r, size, contentType, sha256Hex)
}

func (s *switchBlobs) Get(ctx context.Context, key string) (services.BlobReader, services.BlobInfo, error) {
	return s.get().Get(ctx, key)
}

func (s *switchBlobs) Stat(ctx context.Context, key string) (services.BlobInfo, error) {
	return s.get().Stat(ctx, key)
}

func (s *switchBlobs) Delete(ctx context.Context, key string) error { return s.get().Delete(ctx, key) }

func (s *switchBlobs) List(ctx context.Context, prefix string) ([]services.BlobInfo, error) {
	return s.get().List(ctx, prefix)
}

func (s *switchBlobs) Ready(ctx context.Context) error { return s.get().Ready(ctx) }

func mustOID(t *testing.T, hex string) bson.ObjectID {
	t.Helper()
	oid, err := bson.ObjectIDFromHex(hex)
	if err != nil {
		t.Fatal(err)
	}
	return oid
}
