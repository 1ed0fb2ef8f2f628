package main

import (
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"minhbach/internal/blobstore"
	"minhbach/internal/passhash"
	"minhbach/services"
)

// Config is the portal's configuration, read from PORTAL_* variables only.
type Config struct {
	Env           string // development or production
	Addr          string
	DataDir       string
	MongoURI      string
	MongoDatabase string
	S3Endpoint    string
	S3AccessKey   string
	S3SecretKey   string
	S3Bucket      string
	S3TLS         bool
	S3Region      string
	IdentityKey   []byte // nil: generated into the data directory (embedded default only)
	JWTKey        []byte // nil: generated into the data directory (embedded default only)
	SigningKey    []byte // Ed25519 seed; nil: generated into the data directory (embedded default only)
	// LogKey is the Ed25519 seed signing the public log's checkpoints (nil:
	// generated into the data directory, embedded default only); LogOrigin
	// names the log; LogWitnesses are the witnesses' verifier keys.
	LogKey         []byte
	LogOrigin      string
	LogWitnesses   []string
	ClamdAddr      string
	SMTPURL        string
	Require2FA     bool
	CoolingPeriod  time.Duration
	ReapInterval   time.Duration
	ReapAge        time.Duration
	LogFormat      string // auto, text or json
	LogLevel       string
	TrustedProxies []string
	// PublicOrigin is PORTAL_PUBLIC_URL as scheme://host[:port], lower
	// case ("" when unset).
	PublicOrigin    string
	HSTS            bool
	Limits          services.Limits
	MaxJSONBytes    int64
	Argon2          passhash.Params
	HashConcurrency int
	PoWBits         int
	// StatsK is the smallest count the public figures show.
	StatsK              int
	AnonWritesPerMinute int
	AnonInFlight        int
	// UploadMemory is the memory budget of file uploads, in bytes
	// (handlers.Admission.UploadMemory).
	UploadMemory    int64
	ShutdownTimeout time.Duration
	// MetricsAddr is the metrics listener's address ("" for none) and
	// MetricsToken the bearer token it requires ("" for none).
	MetricsAddr  string
	MetricsToken string
}

// SecureCookies reports whether the refresh cookie is Secure: always in
// production, else when the public URL is https. The request's Host never
// decides it (behind a proxy it may be 127.0.0.1).
func (c Config) SecureCookies() bool {
	return c.Env == "production" || strings.HasPrefix(c.PublicOrigin, "https://")
}

// Embedded reports whether the portal runs its own database and object store.
func (c Config) Embedded() bool { return c.MongoURI == "" && c.S3Endpoint == "" }

// configVar is one PORTAL_* variable as the README's configuration table
// shows it (readme_test.go holds the two to each other).
type configVar struct {
	Name string
	// Secret variables are also read from the file NAME_FILE names.
	Secret bool
	// Default is the value loadConfig uses when the variable is unset, as
	// written in the README; empty when unset means none.
	Default string
	// Computed marks a Default that describes a value computed at start-up
	// ("number of CPUs") rather than the literal value.
	Computed bool
	Meaning  string
}

// configVars is every variable the portal's configuration reads, with its
// default and meaning: loadConfig takes every default from here.
var configVars = []configVar{
	{Name: "PORTAL_ENV", Default: "development", Meaning: "`production` refuses to start on the embedded stack or with missing or weak secrets"},
	{Name: "PORTAL_ADDR", Default: ":8080", Meaning: "HTTP listen address (`127.0.0.1:0` picks a free port, logged at start)"},
	{Name: "PORTAL_DATA_DIR", Default: "./data", Meaning: "embedded default: where the database, objects and generated keys live"},
	{Name: "PORTAL_MONGODB_URI", Meaning: "MongoDB URI; set together with PORTAL_S3_ENDPOINT to use external servers (required by a `nodevstack` build)"},
	{Name: "PORTAL_MONGODB_DATABASE", Default: "minhbach", Meaning: "database name"},
	{Name: "PORTAL_S3_ENDPOINT", Meaning: "S3 endpoint host:port (MinIO or any S3-compatible store)"},
	{Name: "PORTAL_S3_ACCESS_KEY", Secret: true, Meaning: "S3 access key (external mode)"},
	{Name: "PORTAL_S3_SECRET_KEY", Secret: true, Meaning: "S3 secret key (external mode)"},
	{Name: "PORTAL_S3_BUCKET", Default: "minhbach-evidence", Meaning: "private bucket for evidence, created at start if missing"},
	{Name: "PORTAL_S3_TLS", Default: "false", Meaning: "use HTTPS to reach the S3 endpoint"},
	{Name: "PORTAL_S3_REGION", Default: "us-east-1", Meaning: "S3 region"},
	{Name: "PORTAL_IDENTITY_KEY", Secret: true, Default: "generated in the data dir", Computed: true, Meaning: "64 hex characters (AES-256 key) sealing complainants' identities; required with external servers"},
	{Name: "PORTAL_JWT_KEY", Secret: true, Default: "generated in the data dir", Computed: true, Meaning: "HMAC key for session tokens, at least 32 bytes as 64+ hex characters; required with external servers"},
	{Name: "PORTAL_SIGNING_KEY", Secret: true, Default: "generated in the data dir", Computed: true, Meaning: "Ed25519 private key seed (64 hex characters) signing proofs of filing; required with external servers"},
	{Name: "PORTAL_LOG_KEY", Secret: true, Default: "generated in the data dir", Computed: true, Meaning: "Ed25519 private key seed (64 hex characters) signing the public transparency log's checkpoints (docs/transparency-log.md); required with external servers; never the same as PORTAL_SIGNING_KEY"},
	{Name: "PORTAL_LOG_ORIGIN", Default: "host of PORTAL_PUBLIC_URL + /log", Computed: true, Meaning: "the public log's name in its checkpoints (`gopy.example.gov.vn/log`); unset: the host of PORTAL_PUBLIC_URL followed by `/log`, or `localhost/log`; witnesses check it, so never change it once published"},
	{Name: "PORTAL_LOG_WITNESSES", Meaning: "the witnesses' public keys, separated by commas or spaces: for each, the cosignature key and the refusal key `portal witness init` prints; only their cosignatures and signed refusals are accepted"},
	{Name: "PORTAL_CLAMD_ADDR", Meaning: "clamd address (`host:port` or `unix:/path`); unset: files are recorded as not scanned"},
	{Name: "PORTAL_SMTP_URL", Secret: true, Meaning: "`smtp://user:pass@host:587?from=portal@example.org` (STARTTLS when offered) or `smtps://…`; unset: notifications are logged without content"},
	{Name: "PORTAL_REQUIRE_2FA", Default: "false", Meaning: "admins and leads must enrol a TOTP second factor before they get a token; custody (of identities and of original files) then requires both people to have one"},
	{Name: "PORTAL_COOLING_PERIOD", Default: "72h", Meaning: "after an admin creates an account, resets its password or second factor, or changes its role or unit, how long it can neither request, approve nor use custody of identities or original files (1m to 720h)"},
	{Name: "PORTAL_REAP_INTERVAL", Default: "10m", Meaning: "how often abandoned uploads (older than PORTAL_REAP_AGE, referenced by no report) and expired idempotency keys are removed"},
	{Name: "PORTAL_REAP_AGE", Default: "1h", Meaning: "how old an upload referenced by no report must be before the reaper removes it, and before `portal check` reports it (1s to 168h; longer than any upload takes)"},
	{Name: "PORTAL_LOG_FORMAT", Default: "auto", Meaning: "`text`, `json`, or `auto` (text on a terminal, JSON otherwise)"},
	{Name: "PORTAL_LOG_LEVEL", Default: "info", Meaning: "`debug`, `info`, `warn` or `error`"},
	{Name: "PORTAL_TRUSTED_PROXIES", Meaning: "comma-separated proxy addresses/CIDRs whose forwarding headers are trusted"},
	{Name: "PORTAL_PUBLIC_URL", Meaning: "the address browsers use (`https://gopy.example.gov.vn`): https makes the refresh cookie Secure (always in production, which refuses an `http://` one), and the cookie routes accept only this `Origin` (unset: one naming the request's host)"},
	{Name: "PORTAL_HSTS", Default: "false", Meaning: "send Strict-Transport-Security (only behind HTTPS)"},
	{Name: "PORTAL_MAX_FILE_BYTES", Default: strconv.FormatInt(services.DefaultLimits.MaxFileBytes, 10), Meaning: "largest evidence file (25 MiB)"},
	{Name: "PORTAL_MAX_REPORT_BYTES", Default: strconv.FormatInt(services.DefaultLimits.MaxReportBytes, 10), Meaning: "largest total evidence per report (100 MiB)"},
	{Name: "PORTAL_MAX_FILES", Default: strconv.Itoa(services.DefaultLimits.MaxFiles), Meaning: "most files per report"},
	{Name: "PORTAL_MAX_JSON_BYTES", Default: "1048576", Meaning: "largest JSON request body"},
	{Name: "PORTAL_ARGON2_MEMORY_KIB", Default: strconv.FormatUint(uint64(passhash.Default.MemoryKiB), 10), Meaning: "argon2id memory per receipt/password hash (KiB)"},
	{Name: "PORTAL_ARGON2_ITERATIONS", Default: strconv.FormatUint(uint64(passhash.Default.Iterations), 10), Meaning: "argon2id passes"},
	{Name: "PORTAL_ARGON2_PARALLELISM", Default: strconv.FormatUint(uint64(passhash.Default.Parallelism), 10), Meaning: "argon2id lanes"},
	{Name: "PORTAL_HASH_CONCURRENCY", Default: "number of CPUs", Computed: true, Meaning: "most argon2id hashes computed at once, one pool shared by anonymous requests and staff sign-in: filing may use every slot, a waiting staff hash gets the next free one, and while a staff hash runs anonymous ones leave one slot free; 8 × the concurrency anonymous hashes may wait, more get 503 with Retry-After (memory: concurrency × argon2id memory)"},
	{Name: "PORTAL_STATS_K", Default: "5", Meaning: "the public figures show a count only when it is 0 or at least this many reports; smaller ones read \"fewer than k\", and figures that would let anyone work them out by subtraction are withheld too (2 to 100; docs/statistics.md)"},
	{Name: "PORTAL_POW_BITS", Default: "16", Meaning: "proof-of-work difficulty (leading zero bits of SHA-256) the browser solves before filing, appealing or opening a tracking session; 0 turns it off"},
	{Name: "PORTAL_ANON_IN_FLIGHT", Default: "4 × PORTAL_HASH_CONCURRENCY", Computed: true, Meaning: "most anonymous writes (all clients together) handled at once; one more gets 503 with Retry-After. Lower keeps staff fast during a flood, higher lets more slow uploads run at once"},
	{Name: "PORTAL_UPLOAD_MEMORY", Default: "67108864", Meaning: "memory budget of file uploads in bytes (64 MiB): every request with files holds one upload's buffers (the object store part, 8 MiB; the first MiB of each file; the JSON part, up to PORTAL_MAX_JSON_BYTES) while it is handled, so 6 run at once by default; more wait up to 2 s, as many as run, then get 503 with Retry-After, never an out-of-memory. At least one upload's worth (docs/architecture.md, \"Memory of uploads\")"},
	{Name: "PORTAL_ANON_WRITES_PER_MINUTE", Default: "10", Meaning: "filings, appeals and tracking sign-ins (each counted apart) one client address may make a minute, in bursts of as many; 0: no limit"},
	{Name: "PORTAL_SHUTDOWN_TIMEOUT", Default: "20s", Meaning: "how long in-flight requests may take to finish on SIGINT/SIGTERM"},
	{Name: "PORTAL_METRICS_ADDR", Meaning: "address of a separate listener serving Prometheus metrics at `/metrics` (`127.0.0.1:9090`; `127.0.0.1:0` picks a free port, logged at start); unset: no metrics listener at all. Never the public address (docs/metrics.md)"},
	{Name: "PORTAL_METRICS_TOKEN", Secret: true, Meaning: "bearer token the metrics listener then requires (`Authorization: Bearer …`, at least 16 characters); unset: none, so keep the listener on loopback or a private network"},
}

// configDefault is the literal default of a variable in configVars, ""
// for one that has none or a computed one. A variable missing from
// configVars is a programming error.
func configDefault(name string) string {
	for _, v := range configVars {
		if v.Name == name {
			if v.Computed {
				return ""
			}
			return v.Default
		}
	}
	panic("configuration variable " + name + " is not in configVars")
}

// loadConfig reads and validates the configuration, reporting every problem
// at once. Every default comes from configVars.
// envReader reads the PORTAL_* variables, with the defaults of the table, and
// collects every problem so that all are reported at once.
type envReader struct {
	getenv func(string) string
	errs   []error
}

func (e *envReader) bad(format string, args ...any) {
	e.errs = append(e.errs, fmt.Errorf(format, args...))
}

func (e *envReader) str(name string) string {
	if v := strings.TrimSpace(e.getenv(name)); v != "" {
		return v
	}
	return configDefault(name)
}

func (e *envReader) secret(name string) string {
	configDefault(name) // documented, or a panic
	v, file := e.getenv(name), e.getenv(name+"_FILE")
	if v != "" && file != "" {
		e.bad("%s and %s_FILE are both set; use one", name, name)
		return ""
	}
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			e.bad("%s_FILE: %v", name, err)
			return ""
		}
		return strings.TrimSpace(string(b))
	}
	return strings.TrimSpace(v)
}

// integer returns 0 for an unset variable with a computed default.
func (e *envReader) integer(name string, min, max int64) int64 {
	v := strings.TrimSpace(e.getenv(name))
	def := configDefault(name)
	if v == "" {
		if def == "" {
			return 0
		}
		v = def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < min || n > max {
		e.bad("%s must be an integer between %d and %d, got %q", name, min, max, e.getenv(name))
		n, _ = strconv.ParseInt(def, 10, 64)
	}
	return n
}

func (e *envReader) duration(name, limits string, min, max time.Duration) time.Duration {
	def, _ := time.ParseDuration(configDefault(name))
	v := e.getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < min || d > max {
		e.bad("%s must be a duration %s, got %q", name, limits, v)
		return def
	}
	return d
}

func (e *envReader) boolean(name string) bool {
	v := strings.TrimSpace(e.getenv(name))
	if v == "" {
		v = configDefault(name)
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		e.bad("%s must be true or false, got %q", name, v)
	}
	return b
}

// hexKey reads a key variable; without one, external servers are refused
// with why (keys must be shared and outlive a machine).
func (e *envReader) hexKey(c *Config, name, why string, decode func(string) ([]byte, error)) []byte {
	key := e.secret(name)
	if key == "" {
		if !c.Embedded() {
			e.bad("%s (or %s_FILE) is required with external servers: %s", name, name, why)
		}
		return nil
	}
	b, err := decode(key)
	if err != nil {
		e.bad("%s: %v", name, err)
	}
	return b
}

func loadConfig(getenv func(string) string) (Config, error) {
	e := &envReader{getenv: getenv}
	c := Config{
		Env:           e.str("PORTAL_ENV"),
		Addr:          e.str("PORTAL_ADDR"),
		MongoURI:      e.str("PORTAL_MONGODB_URI"),
		MongoDatabase: e.str("PORTAL_MONGODB_DATABASE"),
		S3Endpoint:    e.str("PORTAL_S3_ENDPOINT"),
		S3AccessKey:   e.secret("PORTAL_S3_ACCESS_KEY"),
		S3SecretKey:   e.secret("PORTAL_S3_SECRET_KEY"),
		S3Bucket:      e.str("PORTAL_S3_BUCKET"),
		S3TLS:         e.boolean("PORTAL_S3_TLS"),
		S3Region:      e.str("PORTAL_S3_REGION"),
		LogFormat:     e.str("PORTAL_LOG_FORMAT"),
		LogLevel:      e.str("PORTAL_LOG_LEVEL"),
		HSTS:          e.boolean("PORTAL_HSTS"),
	}
	if c.Env != "development" && c.Env != "production" {
		e.bad("PORTAL_ENV must be development or production, got %q", c.Env)
	}
	e.storage(&c)
	e.keys(&c)
	e.service(&c)
	e.limits(&c)
	if c.Embedded() && !embeddedStack {
		e.errs = append(e.errs, errNoEmbeddedStack)
	}
	if c.Env == "production" {
		e.production(&c)
	}
	return c, errors.Join(e.errs...)
}

// storage reads where the data lives: the data directory, or the external
// MongoDB and S3 servers.
func (e *envReader) storage(c *Config) {
	dir, err := filepath.Abs(e.str("PORTAL_DATA_DIR"))
	if err != nil {
		e.bad("PORTAL_DATA_DIR: %v", err)
	}
	// Absolute, because the embedded object store changes the working
	// directory of the process.
	c.DataDir = dir
	if (c.MongoURI == "") != (c.S3Endpoint == "") {
		e.bad("set both PORTAL_MONGODB_URI and PORTAL_S3_ENDPOINT to use external servers, or neither for the embedded default")
	}
	if c.S3Endpoint != "" {
		if strings.Contains(c.S3Endpoint, "://") || strings.Contains(c.S3Endpoint, "/") {
			e.bad("PORTAL_S3_ENDPOINT must be host:port without a scheme (use PORTAL_S3_TLS for HTTPS), got %q", c.S3Endpoint)
		}
		if c.S3AccessKey == "" || c.S3SecretKey == "" {
			e.bad("PORTAL_S3_ACCESS_KEY and PORTAL_S3_SECRET_KEY are required with PORTAL_S3_ENDPOINT")
		}
	}
	if c.MongoURI != "" && !strings.HasPrefix(c.MongoURI, "mongodb://") && !strings.HasPrefix(c.MongoURI, "mongodb+srv://") {
		e.bad("PORTAL_MONGODB_URI must start with mongodb:// or mongodb+srv://")
	}
}

// keys reads the identity, session and signing keys.
func (e *envReader) keys(c *Config) {
	c.IdentityKey = e.hexKey(c, "PORTAL_IDENTITY_KEY", "it must outlive any one machine", decodeHexKey)
	c.JWTKey = e.hexKey(c, "PORTAL_JWT_KEY", "every portal instance must share it", func(key string) ([]byte, error) {
		b, err := hex.DecodeString(key)
		switch {
		case err != nil:
			return b, errors.New("must be hex-encoded")
		case len(b) < services.MinTokenKeyBytes:
			return b, fmt.Errorf("is too short: at least %d bytes (%d hex characters)", services.MinTokenKeyBytes, 2*services.MinTokenKeyBytes)
		}
		return b, nil
	})
	c.SigningKey = e.hexKey(c, "PORTAL_SIGNING_KEY", "proofs must verify on every instance", decodeHexKey)
	c.LogKey = e.hexKey(c, "PORTAL_LOG_KEY", "the public log's checkpoints must be signed by one key", decodeHexKey)
	if c.LogKey != nil && c.SigningKey != nil && string(c.LogKey) == string(c.SigningKey) {
		e.bad("PORTAL_LOG_KEY must differ from PORTAL_SIGNING_KEY")
	}
}

// service reads the optional services, logging, proxies and timings.
func (e *envReader) service(c *Config) {
	c.ClamdAddr = e.str("PORTAL_CLAMD_ADDR")
	c.SMTPURL = e.secret("PORTAL_SMTP_URL")
	c.Require2FA = e.boolean("PORTAL_REQUIRE_2FA")
	c.CoolingPeriod = e.duration("PORTAL_COOLING_PERIOD", "between 1m and 720h", time.Minute, 720*time.Hour)
	c.ReapInterval = e.duration("PORTAL_REAP_INTERVAL", "between 1s and 24h", time.Second, 24*time.Hour)
	c.ReapAge = e.duration("PORTAL_REAP_AGE", "between 1s and 168h", time.Second, 168*time.Hour)
	switch c.LogFormat {
	case "auto", "text", "json":
	default:
		e.bad("PORTAL_LOG_FORMAT must be auto, text or json, got %q", c.LogFormat)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		e.bad("PORTAL_LOG_LEVEL must be debug, info, warn or error, got %q", c.LogLevel)
	}
	for _, p := range strings.Split(e.str("PORTAL_TRUSTED_PROXIES"), ",") {
		if p = strings.TrimSpace(p); p != "" {
			c.TrustedProxies = append(c.TrustedProxies, p)
		}
	}
	c.ShutdownTimeout = e.duration("PORTAL_SHUTDOWN_TIMEOUT", "up to 10m", 0, 10*time.Minute)
	c.PublicOrigin = e.origin("PORTAL_PUBLIC_URL")
	e.publicLog(c)
	e.metrics(c)
}

// publicLog reads the public log's origin and witnesses.
func (e *envReader) publicLog(c *Config) {
	c.LogOrigin = e.str("PORTAL_LOG_ORIGIN")
	if c.LogOrigin == "" {
		c.LogOrigin = "localhost/log"
		if _, host, ok := strings.Cut(c.PublicOrigin, "://"); ok && host != "" {
			c.LogOrigin = host + "/log"
		}
	}
	if !validLogOrigin(c.LogOrigin) {
		e.bad("PORTAL_LOG_ORIGIN must be printable ASCII without spaces or '+', like gopy.example.gov.vn/log, got %q", c.LogOrigin)
	}
	c.LogWitnesses = strings.FieldsFunc(e.str("PORTAL_LOG_WITNESSES"), func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' })
	if _, err := services.ParseWitnessKeys(c.LogWitnesses); err != nil {
		e.bad("PORTAL_LOG_WITNESSES: %v", err)
	}
}

// validLogOrigin is what a signed note's key name may be.
func validLogOrigin(s string) bool {
	if s == "" || len(s) > 200 {
		return false
	}
	for _, r := range s {
		if r <= ' ' || r > '~' || r == '+' {
			return false
		}
	}
	return true
}

// metrics reads the metrics listener's address and token.
func (e *envReader) metrics(c *Config) {
	c.MetricsAddr = e.str("PORTAL_METRICS_ADDR")
	c.MetricsToken = e.secret("PORTAL_METRICS_TOKEN")
	if c.MetricsAddr != "" {
		_, port, err := net.SplitHostPort(c.MetricsAddr)
		if err != nil {
			e.bad("PORTAL_METRICS_ADDR must be host:port, such as 127.0.0.1:9090, got %q", c.MetricsAddr)
		} else if _, public, perr := net.SplitHostPort(c.Addr); perr == nil && port == public && port != "0" {
			e.bad("PORTAL_METRICS_ADDR must not use the public port (PORTAL_ADDR %s): the metrics have a listener of their own", c.Addr)
		}
	}
	if c.MetricsToken != "" {
		if len(c.MetricsToken) < 16 {
			e.bad("PORTAL_METRICS_TOKEN is too short (at least 16 characters); generate one with: openssl rand -hex 32")
		}
		if c.MetricsAddr == "" {
			e.bad("PORTAL_METRICS_TOKEN is set but PORTAL_METRICS_ADDR is not: the metrics are served only on their own listener")
		}
	}
}

// origin reads an http(s) URL naming a site (no path, query or user) and
// returns it as scheme://host[:port] in lower case.
func (e *envReader) origin(name string) string {
	v := e.str(name)
	if v == "" {
		return ""
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http" && u.Scheme != "HTTPS" && u.Scheme != "HTTP") || u.Host == "" ||
		strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil || u.Opaque != "" {
		e.bad("%s must be the http(s) address of the site, such as https://gopy.example.gov.vn (no path), got %q", name, v)
		return ""
	}
	return strings.ToLower(u.Scheme + "://" + u.Host)
}

// limits reads the size caps and the cost of hashing.
func (e *envReader) limits(c *Config) {
	c.Limits = services.DefaultLimits
	c.Limits.MaxFileBytes = e.integer("PORTAL_MAX_FILE_BYTES", 1<<10, 1<<32)
	c.Limits.MaxReportBytes = e.integer("PORTAL_MAX_REPORT_BYTES", 1<<10, 1<<34)
	c.Limits.MaxFiles = int(e.integer("PORTAL_MAX_FILES", 0, 100))
	if c.Limits.MaxReportBytes < c.Limits.MaxFileBytes {
		e.bad("PORTAL_MAX_REPORT_BYTES must be at least PORTAL_MAX_FILE_BYTES")
	}
	c.MaxJSONBytes = e.integer("PORTAL_MAX_JSON_BYTES", 64<<10, 16<<20)
	c.Argon2 = passhash.Params{
		MemoryKiB:   uint32(e.integer("PORTAL_ARGON2_MEMORY_KIB", 8*1024, 4<<20)),
		Iterations:  uint32(e.integer("PORTAL_ARGON2_ITERATIONS", 1, 16)),
		Parallelism: uint8(e.integer("PORTAL_ARGON2_PARALLELISM", 1, 16)),
	}
	c.PoWBits = int(e.integer("PORTAL_POW_BITS", 0, 24))
	c.StatsK = int(e.integer("PORTAL_STATS_K", 2, 100))
	c.AnonWritesPerMinute = int(e.integer("PORTAL_ANON_WRITES_PER_MINUTE", 0, 100000))
	c.HashConcurrency = int(e.integer("PORTAL_HASH_CONCURRENCY", 1, 256))
	if c.HashConcurrency == 0 {
		c.HashConcurrency = runtime.NumCPU()
	}
	c.AnonInFlight = int(e.integer("PORTAL_ANON_IN_FLIGHT", 1, 100000))
	if c.AnonInFlight == 0 {
		c.AnonInFlight = 4 * c.HashConcurrency
	}
	c.UploadMemory = e.integer("PORTAL_UPLOAD_MEMORY", 1<<20, 1<<40)
	if c.UploadMemory < c.UploadCost() {
		e.bad("PORTAL_UPLOAD_MEMORY must hold at least one upload, %d bytes (the object store part, the first MiB of a file and PORTAL_MAX_JSON_BYTES), got %d",
			c.UploadCost(), c.UploadMemory)
	}
}

// UploadCost is the memory one upload in flight holds at most, in bytes:
// the object store client's part buffer, the evidence pipeline's buffer
// of a file's first MiB, and the JSON part read before the files
// (docs/architecture.md, "Memory of uploads").
func (c Config) UploadCost() int64 {
	return blobstore.PartSize + services.SmallFileBytes + c.MaxJSONBytes
}

// production refuses the embedded servers and weak secrets.
func (e *envReader) production(c *Config) {
	if c.Embedded() && embeddedStack {
		e.bad("production needs PORTAL_MONGODB_URI and PORTAL_S3_ENDPOINT: the embedded servers are for trying the portal, development and small pilots")
	}
	if len(c.S3SecretKey) > 0 && len(c.S3SecretKey) < 16 {
		e.bad("PORTAL_S3_SECRET_KEY is too short for production (at least 16 characters)")
	}
	if c.PublicOrigin != "" && !strings.HasPrefix(c.PublicOrigin, "https://") {
		e.bad("PORTAL_PUBLIC_URL must be https in production (the refresh cookie is Secure), got %q", c.PublicOrigin)
	}
	for _, k := range []struct {
		name string
		key  []byte
	}{{"PORTAL_IDENTITY_KEY", c.IdentityKey}, {"PORTAL_JWT_KEY", c.JWTKey}, {"PORTAL_SIGNING_KEY", c.SigningKey}, {"PORTAL_LOG_KEY", c.LogKey}} {
		if k.key != nil && weakKey(k.key) {
			e.bad("%s is weak (repeated bytes); generate one with: openssl rand -hex 32", k.name)
		}
	}
}

func decodeHexKey(s string) ([]byte, error) {
	if len(s) != 64 {
		return nil, fmt.Errorf("must be 64 hex characters (32 bytes), got %d characters", len(s))
	}
	b := make([]byte, 32)
	for i := range 32 {
		v, err := strconv.ParseUint(s[2*i:2*i+2], 16, 8)
		if err != nil {
			return nil, errors.New("must be hex-encoded")
		}
		b[i] = byte(v)
	}
	return b, nil
}

// weakKey catches placeholder keys such as 00…00 or a repeated pattern.
func weakKey(b []byte) bool {
	distinct := map[byte]bool{}
	for _, x := range b {
		distinct[x] = true
	}
	return len(distinct) < 8
}

// redacted returns the configuration as log attributes, secrets hidden.
func (c Config) redacted() []any {
	set := func(v string) string {
		if v == "" {
			return "(unset)"
		}
		return "(set)"
	}
	mongo := "(embedded)"
	if c.MongoURI != "" {
		mongo = redactURI(c.MongoURI)
	}
	return []any{"env", c.Env, "addr", c.Addr, "dataDir", c.DataDir, "mongodb", mongo, "database", c.MongoDatabase,
		"s3Endpoint", c.S3Endpoint, "s3Bucket", c.S3Bucket, "s3TLS", c.S3TLS, "s3AccessKey", set(c.S3AccessKey),
		"s3SecretKey", set(c.S3SecretKey), "identityKey", set(string(c.IdentityKey)), "jwtKey", set(string(c.JWTKey)), "signingKey", set(string(c.SigningKey)), "logKey", set(string(c.LogKey)), "logOrigin", c.LogOrigin, "logWitnesses", len(c.LogWitnesses), "clamd", c.ClamdAddr, "smtp", set(c.SMTPURL), "trustedProxies", c.TrustedProxies, "publicUrl", c.PublicOrigin, "secureCookies", c.SecureCookies(),
		"maxFileBytes", c.Limits.MaxFileBytes, "maxReportBytes", c.Limits.MaxReportBytes, "maxFiles", c.Limits.MaxFiles,
		"argon2MemoryKiB", c.Argon2.MemoryKiB, "argon2Iterations", c.Argon2.Iterations, "hashConcurrency", c.HashConcurrency,
		"powBits", c.PoWBits, "anonWritesPerMinute", c.AnonWritesPerMinute, "anonInFlight", c.AnonInFlight, "uploadMemory", c.UploadMemory, "uploadCost", c.UploadCost(),
		"metricsAddr", c.MetricsAddr, "metricsToken", set(c.MetricsToken)}
}

// redactURI hides the password of a mongodb:// URI.
func redactURI(u string) string {
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		return "(invalid)"
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return u
	}
	user, _, _ := strings.Cut(rest[:at], ":")
	return scheme + "://" + user + ":***@" + rest[at+1:]
}
