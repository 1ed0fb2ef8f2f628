package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

const (
	goodKey  = "8f1c2e3d4a5b697887a6b5c4d3e2f1009a8b7c6d5e4f30211f2e3d4c5b6a7988"
	goodKey2 = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809"
	goodKey3 = "f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f"
	goodKey4 = "3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b"
)

func TestLoadConfigDefaults(t *testing.T) {
	c, err := loadConfig(env(nil))
	if !embeddedStack {
		// Built with the tag nodevstack: the default needs external servers.
		if err == nil || err.Error() != errNoEmbeddedStack.Error() {
			t.Fatalf("without the embedded stack, the default configuration gave %v, want only %q", err, errNoEmbeddedStack)
		}
		err = nil
	}
	if err != nil {
		t.Fatal(err)
	}
	if !c.Embedded() || c.Addr != ":8080" || !filepath.IsAbs(c.DataDir) || filepath.Base(c.DataDir) != "data" ||
		c.S3Bucket != "minhbach-evidence" || c.MongoDatabase != "minhbach" || c.Env != "development" || c.IdentityKey != nil {
		t.Fatalf("defaults = %+v", c)
	}
}

func TestLoadConfigReportsEveryProblemAtOnce(t *testing.T) {
	_, err := loadConfig(env(map[string]string{
		"PORTAL_MONGODB_URI":  "http://db",
		"PORTAL_LOG_FORMAT":   "xml",
		"PORTAL_MAX_FILES":    "-3",
		"PORTAL_S3_TLS":       "maybe",
		"PORTAL_IDENTITY_KEY": "abc",
		"PORTAL_ENV":          "staging",
	}))
	if err == nil {
		t.Fatal("a broken configuration was accepted")
	}
	for _, want := range []string{"PORTAL_S3_ENDPOINT", "mongodb://", "PORTAL_LOG_FORMAT", "PORTAL_MAX_FILES",
		"PORTAL_S3_TLS", "PORTAL_IDENTITY_KEY", "PORTAL_ENV"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %s:\n%v", want, err)
		}
	}
}

func TestLoadConfigExternalAndSecretsFromFiles(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "identity.key")
	secretFile := filepath.Join(dir, "s3.secret")
	if err := os.WriteFile(keyFile, []byte(goodKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(secretFile, []byte("a-long-minio-secret-value\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := loadConfig(env(map[string]string{
		"PORTAL_ENV": "production", "PORTAL_MONGODB_URI": "mongodb://u:p@db:27017/?authSource=admin",
		"PORTAL_S3_ENDPOINT": "minio:9000", "PORTAL_S3_ACCESS_KEY": "portal",
		"PORTAL_S3_SECRET_KEY_FILE": secretFile, "PORTAL_IDENTITY_KEY_FILE": keyFile,
		"PORTAL_JWT_KEY": goodKey2, "PORTAL_SIGNING_KEY": goodKey3, "PORTAL_LOG_KEY": goodKey4,
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Embedded() || c.S3SecretKey != "a-long-minio-secret-value" || len(c.IdentityKey) != 32 {
		t.Fatalf("config = %+v", c)
	}
	logged := fmt.Sprint(c.redacted()...)
	for _, secret := range []string{"a-long-minio-secret-value", goodKey, goodKey2, goodKey3, goodKey4, "u:p@"} {
		if strings.Contains(logged, secret) {
			t.Fatalf("redacted config shows %q: %s", secret, logged)
		}
	}
}

func TestLoadConfigRefusals(t *testing.T) {
	base := func() map[string]string {
		return map[string]string{"PORTAL_MONGODB_URI": "mongodb://db:27017", "PORTAL_S3_ENDPOINT": "minio:9000",
			"PORTAL_S3_ACCESS_KEY": "portal", "PORTAL_S3_SECRET_KEY": "a-long-minio-secret-value", "PORTAL_IDENTITY_KEY": goodKey,
			"PORTAL_JWT_KEY": goodKey2, "PORTAL_SIGNING_KEY": goodKey3, "PORTAL_LOG_KEY": goodKey4}
	}
	cases := []struct {
		name string
		edit func(map[string]string)
		want string
	}{
		{"only the database is external", func(m map[string]string) { delete(m, "PORTAL_S3_ENDPOINT") }, "neither"},
		{"only the object store is external", func(m map[string]string) { delete(m, "PORTAL_MONGODB_URI") }, "neither"},
		{"external without identity key", func(m map[string]string) { delete(m, "PORTAL_IDENTITY_KEY") }, "PORTAL_IDENTITY_KEY"},
		{"external without JWT key", func(m map[string]string) { delete(m, "PORTAL_JWT_KEY") }, "PORTAL_JWT_KEY"},
		{"external without signing key", func(m map[string]string) { delete(m, "PORTAL_SIGNING_KEY") }, "PORTAL_SIGNING_KEY"},
		{"external without log key", func(m map[string]string) { delete(m, "PORTAL_LOG_KEY") }, "PORTAL_LOG_KEY"},
		{"log key is the signing key", func(m map[string]string) { m["PORTAL_LOG_KEY"] = goodKey3 }, "must differ"},
		{"log origin with a space", func(m map[string]string) { m["PORTAL_LOG_ORIGIN"] = "a b" }, "PORTAL_LOG_ORIGIN"},
		{"log witness not a key", func(m map[string]string) { m["PORTAL_LOG_WITNESSES"] = "nonsense" }, "PORTAL_LOG_WITNESSES"},
		{"short JWT key", func(m map[string]string) { m["PORTAL_JWT_KEY"] = "abcdef0123" }, "too short"},
		{"bad reap interval", func(m map[string]string) { m["PORTAL_REAP_INTERVAL"] = "0s" }, "PORTAL_REAP_INTERVAL"},
		{"external without S3 keys", func(m map[string]string) { delete(m, "PORTAL_S3_ACCESS_KEY") }, "PORTAL_S3_ACCESS_KEY"},
		{"endpoint with scheme", func(m map[string]string) { m["PORTAL_S3_ENDPOINT"] = "http://minio:9000" }, "without a scheme"},
		{"secret and file both set", func(m map[string]string) { m["PORTAL_S3_SECRET_KEY_FILE"] = "/x" }, "both set"},
		{"missing secret file", func(m map[string]string) {
			delete(m, "PORTAL_S3_SECRET_KEY")
			m["PORTAL_S3_SECRET_KEY_FILE"] = "/nonexistent/secret"
		}, "PORTAL_S3_SECRET_KEY_FILE"},
		{"production with a weak identity key", func(m map[string]string) {
			m["PORTAL_ENV"] = "production"
			m["PORTAL_IDENTITY_KEY"] = strings.Repeat("00", 32)
		}, "weak"},
		{"production with a short S3 secret", func(m map[string]string) {
			m["PORTAL_ENV"] = "production"
			m["PORTAL_S3_SECRET_KEY"] = "minio123"
		}, "too short"},
		{"production on the embedded stack", func(m map[string]string) {
			m["PORTAL_ENV"] = "production"
			delete(m, "PORTAL_MONGODB_URI")
			delete(m, "PORTAL_S3_ENDPOINT")
		}, map[bool]string{true: "production needs", false: "built without the embedded stack"}[embeddedStack]},
		{"report cap below file cap", func(m map[string]string) {
			m["PORTAL_MAX_FILE_BYTES"] = "2000000"
			m["PORTAL_MAX_REPORT_BYTES"] = "1000000"
		}, "PORTAL_MAX_REPORT_BYTES"},
		{"bad shutdown timeout", func(m map[string]string) { m["PORTAL_SHUTDOWN_TIMEOUT"] = "soon" }, "PORTAL_SHUTDOWN_TIMEOUT"},
	}
	if _, err := loadConfig(env(base())); err != nil {
		t.Fatalf("base configuration refused: %v", err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := base()
			tc.edit(m)
			_, err := loadConfig(env(m))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

func TestRedactURI(t *testing.T) {
	for in, want := range map[string]string{
		"mongodb://user:secret@db:27017/?authSource=admin": "mongodb://user:***@db:27017/?authSource=admin",
		"mongodb://db:27017":                   "mongodb://db:27017",
		"mongodb+srv://u:p@a@cluster.example/": "mongodb+srv://u:***@cluster.example/",
		"garbage":                              "(invalid)",
	} {
		if got := redactURI(in); got != want {
			t.Errorf("redactURI(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPublicURLDecidesSecureCookie: the refresh cookie's Secure flag comes
// from the configuration (an https PORTAL_PUBLIC_URL, or production), never
// from the Host header a proxy sends; production refuses a public URL that
// is not https, and a malformed one is refused everywhere.
func TestPublicURLDecidesSecureCookie(t *testing.T) {
	external := map[string]string{"PORTAL_MONGODB_URI": "mongodb://db:27017", "PORTAL_S3_ENDPOINT": "minio:9000",
		"PORTAL_S3_ACCESS_KEY": "portal", "PORTAL_S3_SECRET_KEY": "a-long-minio-secret-value", "PORTAL_IDENTITY_KEY": goodKey,
		"PORTAL_JWT_KEY": goodKey2, "PORTAL_SIGNING_KEY": goodKey3, "PORTAL_LOG_KEY": goodKey4}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range external {
			m[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	for _, tc := range []struct {
		env            map[string]string
		secure         bool
		origin, refuse string
	}{
		{with(), false, "", ""},
		{with("PORTAL_PUBLIC_URL", "https://gopy.example.gov.vn/"), true, "https://gopy.example.gov.vn", ""},
		{with("PORTAL_PUBLIC_URL", "HTTPS://Gopy.Example.gov.vn:8443"), true, "https://gopy.example.gov.vn:8443", ""},
		{with("PORTAL_PUBLIC_URL", "http://localhost:8080"), false, "http://localhost:8080", ""},
		{with("PORTAL_ENV", "production"), true, "", ""},
		{with("PORTAL_ENV", "production", "PORTAL_PUBLIC_URL", "https://gopy.example.gov.vn"), true, "https://gopy.example.gov.vn", ""},
		{with("PORTAL_ENV", "production", "PORTAL_PUBLIC_URL", "http://gopy.example.gov.vn"), false, "", "must be https in production"},
		{with("PORTAL_PUBLIC_URL", "gopy.example.gov.vn"), false, "", "PORTAL_PUBLIC_URL"},
		{with("PORTAL_PUBLIC_URL", "https://gopy.example.gov.vn/portal"), false, "", "PORTAL_PUBLIC_URL"},
		{with("PORTAL_PUBLIC_URL", "https://u:p@gopy.example.gov.vn"), false, "", "PORTAL_PUBLIC_URL"},
		{with("PORTAL_PUBLIC_URL", "ftp://gopy.example.gov.vn"), false, "", "PORTAL_PUBLIC_URL"},
	} {
		c, err := loadConfig(env(tc.env))
		if tc.refuse != "" {
			if err == nil || !strings.Contains(err.Error(), tc.refuse) {
				t.Errorf("%v: %v, want a refusal mentioning %q", tc.env["PORTAL_PUBLIC_URL"], err, tc.refuse)
			}
			continue
		}
		if err != nil {
			t.Errorf("%v: %v", tc.env, err)
			continue
		}
		if c.SecureCookies() != tc.secure || c.PublicOrigin != tc.origin {
			t.Errorf("env %s, PORTAL_PUBLIC_URL %q: secure %v origin %q, want %v %q", c.Env, tc.env["PORTAL_PUBLIC_URL"],
				c.SecureCookies(), c.PublicOrigin, tc.secure, tc.origin)
		}
	}
}

// TestUploadMemoryHoldsOneUpload (issue 12): the upload memory budget
// admits at least one upload of the largest JSON part, and by default
// several.
func TestUploadMemoryHoldsOneUpload(t *testing.T) {
	c, err := loadConfig(env(nil))
	if err != nil && embeddedStack {
		t.Fatal(err)
	}
	if n := c.UploadMemory / c.UploadCost(); n < 4 {
		t.Fatalf("the default budget %d holds %d uploads of %d bytes", c.UploadMemory, n, c.UploadCost())
	}
	_, err = loadConfig(env(map[string]string{"PORTAL_UPLOAD_MEMORY": "12582912", "PORTAL_MAX_JSON_BYTES": "4194304"}))
	if err == nil || !strings.Contains(err.Error(), "PORTAL_UPLOAD_MEMORY must hold at least one upload") {
		t.Fatalf("a budget smaller than one upload: %v", err)
	}
	if c, err := loadConfig(env(map[string]string{"PORTAL_UPLOAD_MEMORY": "12582912"})); (err != nil && embeddedStack) || c.UploadMemory != 12<<20 {
		t.Fatalf("a budget of one upload: %d, %v", c.UploadMemory, err)
	}
}

// TestMetricsConfig: the metrics listener is off unless PORTAL_METRICS_ADDR
// is set, never on the public port, and its token is long enough and read
// from a file as other secrets are.
func TestMetricsConfig(t *testing.T) {
	c, _ := loadConfig(env(nil))
	if c.MetricsAddr != "" || c.MetricsToken != "" {
		t.Fatalf("metrics on by default: %q %q", c.MetricsAddr, c.MetricsToken)
	}
	tokenFile := filepath.Join(t.TempDir(), "metrics.token")
	if err := os.WriteFile(tokenFile, []byte("0123456789abcdef0123\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := loadConfig(env(map[string]string{"PORTAL_METRICS_ADDR": "127.0.0.1:9090", "PORTAL_METRICS_TOKEN_FILE": tokenFile}))
	if err != nil || c.MetricsAddr != "127.0.0.1:9090" || c.MetricsToken != "0123456789abcdef0123" {
		t.Fatalf("metrics with a token file: %q %q %v", c.MetricsAddr, c.MetricsToken, err)
	}
	for _, bad := range []map[string]string{
		{"PORTAL_METRICS_ADDR": "9090"},
		{"PORTAL_METRICS_ADDR": "0.0.0.0:8080"},
		{"PORTAL_ADDR": "127.0.0.1:8081", "PORTAL_METRICS_ADDR": "127.0.0.1:8081"},
		{"PORTAL_METRICS_ADDR": "127.0.0.1:9090", "PORTAL_METRICS_TOKEN": "short"},
		{"PORTAL_METRICS_TOKEN": "0123456789abcdef0123"},
	} {
		if _, err := loadConfig(env(bad)); err == nil || !strings.Contains(err.Error(), "PORTAL_METRICS_") {
			t.Errorf("%v accepted: %v", bad, err)
		}
	}
	if _, err := loadConfig(env(map[string]string{"PORTAL_ADDR": "127.0.0.1:0", "PORTAL_METRICS_ADDR": "127.0.0.1:0"})); err != nil {
		t.Errorf("two free ports refused: %v", err)
	}
	for i, v := range c.redacted() {
		if s, ok := v.(string); ok && strings.Contains(s, "0123456789abcdef") {
			t.Errorf("the logged configuration shows the metrics token (attribute %d)", i)
		}
	}
}
