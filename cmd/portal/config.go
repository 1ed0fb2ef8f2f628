package main

import (
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"minhbach/internal/passhash"
	"minhbach/services"
)

// Config is the portal's configuration, read from PORTAL_* variables only.
type Config struct {
	Env             string // development or production
	Addr            string
	DataDir         string
	MongoURI        string
	MongoDatabase   string
	S3Endpoint      string
	S3AccessKey     string
	S3SecretKey     string
	S3Bucket        string
	S3TLS           bool
	S3Region        string
	IdentityKey     []byte // nil: generated into the data directory (embedded default only)
	JWTKey          []byte // nil: generated into the data directory (embedded default only)
	SigningKey      []byte // Ed25519 seed; nil: generated into the data directory (embedded default only)
	ClamdAddr       string
	SMTPURL         string
	Require2FA      bool
	ReapInterval    time.Duration
	LogFormat       string // auto, text or json
	LogLevel        string
	TrustedProxies  []string
	HSTS            bool
	Limits          services.Limits
	MaxJSONBytes    int64
	Argon2          passhash.Params
	HashConcurrency int
	ShutdownTimeout time.Duration
}

// Embedded reports whether the portal runs its own database and object store.
func (c Config) Embedded() bool { return c.MongoURI == "" && c.S3Endpoint == "" }

// configVars documents every variable, its default and meaning; the README
// table is written from it.
var configVars = []struct{ Name, Default, Meaning string }{
	{"PORTAL_ENV", "development", "`production` refuses to start with missing or weak secrets"},
	{"PORTAL_ADDR", ":8080", "HTTP listen address (`127.0.0.1:0` picks a free port, logged at start)"},
	{"PORTAL_DATA_DIR", "./data", "embedded default: where the database, objects and generated keys live"},
	{"PORTAL_MONGODB_URI", "", "MongoDB URI; set together with PORTAL_S3_ENDPOINT to use external servers"},
	{"PORTAL_MONGODB_DATABASE", "minhbach", "database name"},
	{"PORTAL_S3_ENDPOINT", "", "S3 endpoint host:port (MinIO or any S3-compatible store)"},
	{"PORTAL_S3_ACCESS_KEY(_FILE)", "", "S3 access key (external mode)"},
	{"PORTAL_S3_SECRET_KEY(_FILE)", "", "S3 secret key (external mode)"},
	{"PORTAL_S3_BUCKET", "minhbach-evidence", "private bucket for evidence, created at start if missing"},
	{"PORTAL_S3_TLS", "false", "use HTTPS to reach the S3 endpoint"},
	{"PORTAL_S3_REGION", "us-east-1", "S3 region"},
	{"PORTAL_IDENTITY_KEY(_FILE)", "generated in the data dir", "64 hex characters (AES-256 key) sealing complainants' identities; required with external servers"},
	{"PORTAL_JWT_KEY(_FILE)", "generated in the data dir", "HMAC key for session tokens, at least 32 bytes as 64+ hex characters; required with external servers"},
	{"PORTAL_SIGNING_KEY(_FILE)", "generated in the data dir", "Ed25519 private key seed (64 hex characters) signing proofs of filing; required with external servers"},
	{"PORTAL_CLAMD_ADDR", "", "clamd address (`host:port` or `unix:/path`); unset: files are recorded as not scanned"},
	{"PORTAL_SMTP_URL(_FILE)", "", "`smtp://user:pass@host:587?from=portal@example.org` (STARTTLS when offered) or `smtps://…`; unset: notifications are logged without content"},
	{"PORTAL_REQUIRE_2FA", "false", "admins and leads must enrol a TOTP second factor before they get a token"},
	{"PORTAL_REAP_INTERVAL", "10m", "how often abandoned uploads (older than 1 h, referenced by no report) and expired idempotency keys are removed"},
	{"PORTAL_LOG_FORMAT", "auto", "`text`, `json`, or `auto` (text on a terminal, JSON otherwise)"},
	{"PORTAL_LOG_LEVEL", "info", "`debug`, `info`, `warn` or `error`"},
	{"PORTAL_TRUSTED_PROXIES", "", "comma-separated proxy addresses/CIDRs whose forwarding headers are trusted"},
	{"PORTAL_HSTS", "false", "send Strict-Transport-Security (only behind HTTPS)"},
	{"PORTAL_MAX_FILE_BYTES", "26214400", "largest evidence file (25 MiB)"},
	{"PORTAL_MAX_REPORT_BYTES", "104857600", "largest total evidence per report (100 MiB)"},
	{"PORTAL_MAX_FILES", "10", "most files per report"},
	{"PORTAL_MAX_JSON_BYTES", "1048576", "largest JSON request body"},
	{"PORTAL_ARGON2_MEMORY_KIB", "19456", "argon2id memory per receipt/password hash (KiB)"},
	{"PORTAL_ARGON2_ITERATIONS", "2", "argon2id passes"},
	{"PORTAL_ARGON2_PARALLELISM", "1", "argon2id lanes"},
	{"PORTAL_HASH_CONCURRENCY", "number of CPUs", "most argon2id hashes computed at once (bounds memory: concurrency × memory)"},
	{"PORTAL_SHUTDOWN_TIMEOUT", "20s", "how long in-flight requests may take to finish on SIGINT/SIGTERM"},
}

// loadConfig reads and validates the configuration, reporting every problem
// at once.
func loadConfig(getenv func(string) string) (Config, error) {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	str := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	secret := func(name string) string {
		v, file := getenv(name), getenv(name+"_FILE")
		if v != "" && file != "" {
			bad("%s and %s_FILE are both set; use one", name, name)
			return ""
		}
		if file != "" {
			b, err := os.ReadFile(file)
			if err != nil {
				bad("%s_FILE: %v", name, err)
				return ""
			}
			return strings.TrimSpace(string(b))
		}
		return strings.TrimSpace(v)
	}
	integer := func(name string, def, min, max int64) int64 {
		v := getenv(name)
		if v == "" {
			return def
		}
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || n < min || n > max {
			bad("%s must be an integer between %d and %d, got %q", name, min, max, v)
			return def
		}
		return n
	}
	boolean := func(name string) bool {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			return false
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			bad("%s must be true or false, got %q", name, v)
		}
		return b
	}

	c := Config{
		Env:           str("PORTAL_ENV", "development"),
		Addr:          str("PORTAL_ADDR", ":8080"),
		MongoURI:      str("PORTAL_MONGODB_URI", ""),
		MongoDatabase: str("PORTAL_MONGODB_DATABASE", "minhbach"),
		S3Endpoint:    str("PORTAL_S3_ENDPOINT", ""),
		S3AccessKey:   secret("PORTAL_S3_ACCESS_KEY"),
		S3SecretKey:   secret("PORTAL_S3_SECRET_KEY"),
		S3Bucket:      str("PORTAL_S3_BUCKET", "minhbach-evidence"),
		S3TLS:         boolean("PORTAL_S3_TLS"),
		S3Region:      str("PORTAL_S3_REGION", "us-east-1"),
		LogFormat:     str("PORTAL_LOG_FORMAT", "auto"),
		LogLevel:      str("PORTAL_LOG_LEVEL", "info"),
		HSTS:          boolean("PORTAL_HSTS"),
	}
	if c.Env != "development" && c.Env != "production" {
		bad("PORTAL_ENV must be development or production, got %q", c.Env)
	}
	dir, err := filepath.Abs(str("PORTAL_DATA_DIR", "./data"))
	if err != nil {
		bad("PORTAL_DATA_DIR: %v", err)
	}
	// Absolute, because the embedded object store changes the working
	// directory of the process.
	c.DataDir = dir
	if (c.MongoURI == "") != (c.S3Endpoint == "") {
		bad("set both PORTAL_MONGODB_URI and PORTAL_S3_ENDPOINT to use external servers, or neither for the embedded default")
	}
	if c.S3Endpoint != "" {
		if strings.Contains(c.S3Endpoint, "://") || strings.Contains(c.S3Endpoint, "/") {
			bad("PORTAL_S3_ENDPOINT must be host:port without a scheme (use PORTAL_S3_TLS for HTTPS), got %q", c.S3Endpoint)
		}
		if c.S3AccessKey == "" || c.S3SecretKey == "" {
			bad("PORTAL_S3_ACCESS_KEY and PORTAL_S3_SECRET_KEY are required with PORTAL_S3_ENDPOINT")
		}
	}
	if c.MongoURI != "" && !strings.HasPrefix(c.MongoURI, "mongodb://") && !strings.HasPrefix(c.MongoURI, "mongodb+srv://") {
		bad("PORTAL_MONGODB_URI must start with mongodb:// or mongodb+srv://")
	}
	if key := secret("PORTAL_IDENTITY_KEY"); key != "" {
		b, err := decodeHexKey(key)
		if err != nil {
			bad("PORTAL_IDENTITY_KEY: %v", err)
		}
		c.IdentityKey = b
	} else if !c.Embedded() {
		bad("PORTAL_IDENTITY_KEY (or PORTAL_IDENTITY_KEY_FILE) is required with external servers: it must outlive any one machine")
	}
	if key := secret("PORTAL_JWT_KEY"); key != "" {
		b, err := hex.DecodeString(key)
		switch {
		case err != nil:
			bad("PORTAL_JWT_KEY must be hex-encoded")
		case len(b) < services.MinTokenKeyBytes:
			bad("PORTAL_JWT_KEY is too short: at least %d bytes (%d hex characters)", services.MinTokenKeyBytes, 2*services.MinTokenKeyBytes)
		}
		c.JWTKey = b
	} else if !c.Embedded() {
		bad("PORTAL_JWT_KEY (or PORTAL_JWT_KEY_FILE) is required with external servers: every portal instance must share it")
	}
	if key := secret("PORTAL_SIGNING_KEY"); key != "" {
		b, err := decodeHexKey(key)
		if err != nil {
			bad("PORTAL_SIGNING_KEY: %v", err)
		}
		c.SigningKey = b
	} else if !c.Embedded() {
		bad("PORTAL_SIGNING_KEY (or PORTAL_SIGNING_KEY_FILE) is required with external servers: proofs must verify on every instance")
	}
	c.ClamdAddr = str("PORTAL_CLAMD_ADDR", "")
	c.SMTPURL = secret("PORTAL_SMTP_URL")
	c.Require2FA = boolean("PORTAL_REQUIRE_2FA")
	c.ReapInterval = 10 * time.Minute
	if v := getenv("PORTAL_REAP_INTERVAL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second || d > 24*time.Hour {
			bad("PORTAL_REAP_INTERVAL must be a duration between 1s and 24h, got %q", v)
		} else {
			c.ReapInterval = d
		}
	}
	switch c.LogFormat {
	case "auto", "text", "json":
	default:
		bad("PORTAL_LOG_FORMAT must be auto, text or json, got %q", c.LogFormat)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("PORTAL_LOG_LEVEL must be debug, info, warn or error, got %q", c.LogLevel)
	}
	for _, p := range strings.Split(getenv("PORTAL_TRUSTED_PROXIES"), ",") {
		if p = strings.TrimSpace(p); p != "" {
			c.TrustedProxies = append(c.TrustedProxies, p)
		}
	}
	c.Limits = services.DefaultLimits
	c.Limits.MaxFileBytes = integer("PORTAL_MAX_FILE_BYTES", c.Limits.MaxFileBytes, 1<<10, 1<<32)
	c.Limits.MaxReportBytes = integer("PORTAL_MAX_REPORT_BYTES", c.Limits.MaxReportBytes, 1<<10, 1<<34)
	c.Limits.MaxFiles = int(integer("PORTAL_MAX_FILES", int64(c.Limits.MaxFiles), 0, 100))
	if c.Limits.MaxReportBytes < c.Limits.MaxFileBytes {
		bad("PORTAL_MAX_REPORT_BYTES must be at least PORTAL_MAX_FILE_BYTES")
	}
	c.MaxJSONBytes = integer("PORTAL_MAX_JSON_BYTES", 1<<20, 64<<10, 16<<20)
	c.Argon2 = passhash.Params{
		MemoryKiB:   uint32(integer("PORTAL_ARGON2_MEMORY_KIB", int64(passhash.Default.MemoryKiB), 8*1024, 4<<20)),
		Iterations:  uint32(integer("PORTAL_ARGON2_ITERATIONS", int64(passhash.Default.Iterations), 1, 16)),
		Parallelism: uint8(integer("PORTAL_ARGON2_PARALLELISM", int64(passhash.Default.Parallelism), 1, 16)),
	}
	c.HashConcurrency = int(integer("PORTAL_HASH_CONCURRENCY", int64(runtime.NumCPU()), 1, 256))
	c.ShutdownTimeout = 20 * time.Second
	if v := getenv("PORTAL_SHUTDOWN_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 || d > 10*time.Minute {
			bad("PORTAL_SHUTDOWN_TIMEOUT must be a duration up to 10m, got %q", v)
		} else {
			c.ShutdownTimeout = d
		}
	}
	if c.Env == "production" {
		if c.Embedded() {
			bad("production needs PORTAL_MONGODB_URI and PORTAL_S3_ENDPOINT: the embedded servers are for trying the portal, development and small pilots")
		}
		if len(c.S3SecretKey) > 0 && len(c.S3SecretKey) < 16 {
			bad("PORTAL_S3_SECRET_KEY is too short for production (at least 16 characters)")
		}
		if c.IdentityKey != nil && weakKey(c.IdentityKey) {
			bad("PORTAL_IDENTITY_KEY is weak (repeated bytes); generate one with: openssl rand -hex 32")
		}
		if c.JWTKey != nil && weakKey(c.JWTKey) {
			bad("PORTAL_JWT_KEY is weak (repeated bytes); generate one with: openssl rand -hex 32")
		}
		if c.SigningKey != nil && weakKey(c.SigningKey) {
			bad("PORTAL_SIGNING_KEY is weak (repeated bytes); generate one with: openssl rand -hex 32")
		}
	}
	return c, errors.Join(errs...)
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
		"s3SecretKey", set(c.S3SecretKey), "identityKey", set(string(c.IdentityKey)), "jwtKey", set(string(c.JWTKey)), "signingKey", set(string(c.SigningKey)), "clamd", c.ClamdAddr, "smtp", set(c.SMTPURL), "trustedProxies", c.TrustedProxies,
		"maxFileBytes", c.Limits.MaxFileBytes, "maxReportBytes", c.Limits.MaxReportBytes, "maxFiles", c.Limits.MaxFiles,
		"argon2MemoryKiB", c.Argon2.MemoryKiB, "argon2Iterations", c.Argon2.Iterations, "hashConcurrency", c.HashConcurrency}
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
