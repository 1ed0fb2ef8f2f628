package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"minhbach/frontend"
	"minhbach/handlers"
	"minhbach/internal/blobstore"
	"minhbach/internal/mongostore"
)

func newLogger(cfg Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	text := cfg.LogFormat == "text"
	if cfg.LogFormat == "auto" {
		if f, ok := w.(*os.File); ok {
			if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
				text = true
			}
		}
	}
	if text {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// backend is the storage the portal runs on, embedded or external.
type backend struct {
	store       *mongostore.Store
	blob        *blobstore.Store
	identityKey []byte
	jwtKey      []byte
	signingKey  []byte
	logKey      []byte
	closers     []func()
}

func (b *backend) close() {
	for i := len(b.closers) - 1; i >= 0; i-- {
		b.closers[i]()
	}
}

// errNoEmbeddedStack is the answer of a binary built with the tag nodevstack
// when the configuration names no external servers.
var errNoEmbeddedStack = errors.New("this portal was built without the embedded stack (build tag nodevstack): set PORTAL_MONGODB_URI and PORTAL_S3_ENDPOINT")

// openBackend starts the embedded servers when no external ones are
// configured, then connects to the database and the bucket, ensuring indexes
// and the bucket exist.
func openBackend(ctx context.Context, cfg Config, log *slog.Logger) (_ *backend, err error) {
	b := &backend{identityKey: cfg.IdentityKey, jwtKey: cfg.JWTKey, signingKey: cfg.SigningKey, logKey: cfg.LogKey}
	defer func() {
		if err != nil {
			b.close()
		}
	}()
	mongoURI, s3 := cfg.MongoURI, blobstore.Options{Endpoint: cfg.S3Endpoint, AccessKey: cfg.S3AccessKey,
		SecretKey: cfg.S3SecretKey, Bucket: cfg.S3Bucket, UseTLS: cfg.S3TLS, Region: cfg.S3Region}
	if cfg.Embedded() {
		// In embedded.go, or in embedded_nodevstack.go for a binary built
		// with the tag nodevstack, which has no embedded servers.
		if mongoURI, s3, err = startEmbedded(ctx, cfg, log, b); err != nil {
			return nil, err
		}
	}
	store, err := mongostore.Open(ctx, mongostore.Options{URI: mongoURI, Database: cfg.MongoDatabase, SingleConnection: cfg.Embedded()})
	if err != nil {
		return nil, err
	}
	b.store = store
	b.closers = append(b.closers, func() {
		cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = store.Close(cctx)
	})
	if err := store.EnsureIndexes(ctx); err != nil {
		return nil, fmt.Errorf("ensure indexes: %w", err)
	}
	if b.blob, err = blobstore.New(s3); err != nil {
		return nil, err
	}
	if err := b.blob.EnsureBucket(ctx); err != nil {
		return nil, fmt.Errorf("ensure bucket %q: %w", cfg.S3Bucket, err)
	}
	return b, nil
}

func serve(ctx context.Context, cfg Config, log *slog.Logger) error {
	started := time.Now()
	if cfg.Embedded() {
		log.Info("starting Minh Bạch on the embedded stack (MongoDB-compatible FerretDB and S3-compatible versitygw in this process)",
			"mode", "embedded", "dataDir", cfg.DataDir)
	} else {
		log.Info("starting Minh Bạch on external MongoDB and S3", "mode", "external",
			"mongodb", redactURI(cfg.MongoURI), "s3", cfg.S3Endpoint)
	}
	log.Info("configuration", cfg.redacted()...)

	// Start-up gets its own deadline but is not cut short by the first
	// signal half-way through opening storage.
	startCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	b, err := openBackend(startCtx, cfg, log)
	if err != nil {
		return err
	}
	defer b.close()

	a, err := newApp(startCtx, cfg, b, log)
	if err != nil {
		return err
	}
	dist, err := fs.Sub(frontend.Dist, "dist")
	if err != nil {
		return err
	}
	ready := []handlers.ReadyCheck{{Name: "mongodb", Check: b.store.Ping}, {Name: "objectStore", Check: b.blob.Ready}}
	a.watch(ready)
	h, err := handlers.New(handlers.Config{
		Logger: log, Services: a.Portal,
		Frontend:     dist,
		MaxJSONBytes: cfg.MaxJSONBytes, MaxUploadBytes: cfg.Limits.MaxReportBytes + cfg.MaxJSONBytes + 1<<20,
		TrustedProxies: cfg.TrustedProxies, HSTS: cfg.HSTS, Development: cfg.Env == "development",
		SecureCookies: cfg.SecureCookies(), PublicOrigin: cfg.PublicOrigin,
		Admission: handlers.Admission{PoWBits: cfg.PoWBits, WritesPerMinute: cfg.AnonWritesPerMinute, WritesBurst: cfg.AnonWritesPerMinute,
			MaxInFlight: cfg.AnonInFlight, UploadMemory: cfg.UploadMemory, UploadCost: cfg.UploadCost()},
		Ready:   ready,
		Metrics: a.metrics,
	})
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		// Evidence uploads of up to 100 MB from slow mobile connections need
		// minutes; bodies are capped separately.
		ReadTimeout:    15 * time.Minute,
		WriteTimeout:   15 * time.Minute,
		IdleTimeout:    2 * time.Minute,
		MaxHeaderBytes: handlers.MaxHeaderBytes,
		ErrorLog:       slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	log.Info("listening", "addr", ln.Addr().String(), "startup", time.Since(started).Round(time.Millisecond).String())

	errc := make(chan error, 2)
	metricsSrv, err := serveMetrics(cfg, a, log, errc)
	if err != nil {
		_ = ln.Close()
		return err
	}
	// handlers.Listener gives the errors net/http answers by itself (431,
	// malformed requests) the JSON error shape and the security headers.
	go func() { errc <- srv.Serve(handlers.Listener(ln, cfg.HSTS)) }()
	jobs, stopJobs := context.WithCancel(context.WithoutCancel(ctx))
	// The background jobs; each takes a lease in MongoDB while it runs, so
	// several portal processes on one database never run one job twice.
	var jobsRunning sync.WaitGroup
	jobList := []func(context.Context, *slog.Logger){
		a.runOutbox, a.runSweep, a.runCheckpoints, a.runSealFileNames, a.runSafeCopies, a.runRankReports, a.runPlaceKeys, a.runAuditHeads, a.runOutboxDue, a.runStats, a.runLogSequencer, a.runLogReconcile,
		func(ctx context.Context, log *slog.Logger) { a.runReaper(ctx, cfg.ReapInterval, log) },
	}
	if cfg.Embedded() {
		// This process alone owns the embedded data directory (its lock is
		// held), so the queue can be answered from memory (docs/storage.md,
		// "The queue index"); the database answers until it is built. On
		// MongoDB its indexes answer the queue. The statistics' cells are
		// likewise answered from memory ("The statistics' cell cache").
		jobList = append(jobList, a.buildQueueIndex)
		a.store.UseStatsCache()
	}
	for _, run := range jobList {
		jobsRunning.Go(func() { run(jobs, log) })
	}
	defer func() { stopJobs(); jobsRunning.Wait() }()
	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests", "timeout", cfg.ShutdownTimeout.String())
	sctx, scancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer scancel()
	if metricsSrv != nil {
		// Scrapes are short; the metrics listener goes first, so that
		// none is answered by a half-stopped portal.
		_ = metricsSrv.Close()
	}
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("in-flight requests did not finish in time", "error", err)
		_ = srv.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Warn("http server", "error", err)
	}
	stopJobs()
	jobsRunning.Wait()
	b.close()
	if metricsSrv != nil {
		if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Warn("metrics server", "error", err)
		}
	}
	b.closers = nil
	log.Info("stopped")
	return nil
}

// serveMetrics starts the metrics listener when PORTAL_METRICS_ADDR is set
// (docs/metrics.md): its own address, never the public one, with the bearer
// token when PORTAL_METRICS_TOKEN is set. It returns nil when none is
// configured; the server's end is sent on errc.
func serveMetrics(cfg Config, a *app, log *slog.Logger, errc chan<- error) (*http.Server, error) {
	if cfg.MetricsAddr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", cfg.MetricsAddr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s (PORTAL_METRICS_ADDR): %w", cfg.MetricsAddr, err)
	}
	srv := &http.Server{Handler: a.metrics.Mux(cfg.MetricsToken), ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	log.Info("metrics listening", "addr", ln.Addr().String(), "path", "/metrics", "token", cfg.MetricsToken != "")
	if cfg.MetricsToken == "" && !loopback(ln.Addr()) {
		log.Warn("the metrics listener is not on loopback and has no PORTAL_METRICS_TOKEN: keep it on a private network")
	}
	go func() {
		if err := srv.Serve(ln); err != nil {
			errc <- fmt.Errorf("metrics listener: %w", err)
		}
	}()
	return srv, nil
}

// loopback reports whether a listener's address is on loopback only.
func loopback(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}
