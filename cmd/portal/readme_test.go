package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// readmeRow is one row of the README's configuration table.
type readmeRow struct{ Name, Default, Meaning string }

// readmeConfigTable parses the table under "## Configuration" in the README:
// rows of the form | `NAME` | default | meaning |.
func readmeConfigTable(t *testing.T) map[string]readmeRow {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n## Configuration\n")
	if !ok {
		t.Fatal(`README.md has no "## Configuration" section`)
	}
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	rows := map[string]readmeRow{}
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.Split(strings.TrimSuffix(strings.TrimPrefix(line, "|"), "|"), "|")
		if len(cells) != 3 {
			t.Errorf("README configuration row has %d cells, want 3: %s", len(cells), line)
			continue
		}
		r := readmeRow{strings.Trim(strings.TrimSpace(cells[0]), "`"), strings.TrimSpace(cells[1]), strings.TrimSpace(cells[2])}
		if _, dup := rows[r.Name]; dup {
			t.Errorf("README lists %s twice", r.Name)
		}
		rows[r.Name] = r
	}
	if len(rows) == 0 {
		t.Fatal("no configuration rows found in the README")
	}
	return rows
}

// readmeName is how the README names v: secrets carry "(_FILE)".
func readmeName(v configVar) string {
	if v.Secret {
		return v.Name + "(_FILE)"
	}
	return v.Name
}

// TestREADMEConfigurationTableMatchesCode fails when the README's
// configuration table and configVars disagree on a variable, its default or
// its meaning. The expected row is printed, ready to paste.
func TestREADMEConfigurationTableMatchesCode(t *testing.T) {
	readme := readmeConfigTable(t)
	for _, v := range configVars {
		want := readmeRow{readmeName(v), v.Default, v.Meaning}
		got, ok := readme[want.Name]
		delete(readme, want.Name)
		switch {
		case !ok:
			t.Errorf("README lacks %s; add the row\n| `%s` | %s | %s |", want.Name, want.Name, want.Default, want.Meaning)
		case got.Default != want.Default:
			t.Errorf("%s: README default %q, code default %q", want.Name, got.Default, want.Default)
		case got.Meaning != want.Meaning:
			t.Errorf("%s: README meaning\n  %s\ncode meaning\n  %s", want.Name, got.Meaning, want.Meaning)
		}
	}
	var extra []string
	for name := range readme {
		extra = append(extra, name)
	}
	sort.Strings(extra)
	for _, name := range extra {
		t.Errorf("README documents %s, which the portal does not read (configVars lacks it)", name)
	}
}

// TestConfigVarsAreWhatLoadConfigReads runs loadConfig with an environment
// that records every name asked for: each is in configVars (secrets also as
// NAME_FILE), and every variable in configVars is read.
func TestConfigVarsAreWhatLoadConfigReads(t *testing.T) {
	read := map[string]bool{}
	_, _ = loadConfig(func(name string) string { read[name] = true; return "" })
	documented := map[string]bool{}
	for _, v := range configVars {
		documented[v.Name] = true
		if !read[v.Name] {
			t.Errorf("%s is in configVars but loadConfig never reads it", v.Name)
		}
		if v.Secret != read[v.Name+"_FILE"] {
			t.Errorf("%s: Secret is %v, but loadConfig reading %s_FILE is %v", v.Name, v.Secret, v.Name, read[v.Name+"_FILE"])
		}
		if v.Computed && v.Default == "" {
			t.Errorf("%s: a computed default must say what it is", v.Name)
		}
	}
	for name := range read {
		if !documented[strings.TrimSuffix(name, "_FILE")] {
			t.Errorf("loadConfig reads %s, which configVars lacks", name)
		}
	}
}

// TestConfigDefaultsAreUsed checks that the configuration of an empty
// environment carries configVars' literal defaults.
func TestConfigDefaultsAreUsed(t *testing.T) {
	c, _ := loadConfig(env(nil))
	got := map[string]string{
		"PORTAL_ENV": c.Env, "PORTAL_ADDR": c.Addr, "PORTAL_MONGODB_DATABASE": c.MongoDatabase,
		"PORTAL_S3_BUCKET": c.S3Bucket, "PORTAL_S3_TLS": strconv.FormatBool(c.S3TLS), "PORTAL_S3_REGION": c.S3Region,
		"PORTAL_REQUIRE_2FA":    strconv.FormatBool(c.Require2FA),
		"PORTAL_COOLING_PERIOD": strings.TrimSuffix(strings.TrimSuffix(c.CoolingPeriod.String(), "0s"), "0m"),
		"PORTAL_REAP_INTERVAL":  strings.TrimSuffix(c.ReapInterval.String(), "0s"),
		"PORTAL_REAP_AGE":       strings.TrimSuffix(strings.TrimSuffix(c.ReapAge.String(), "0s"), "0m"),
		"PORTAL_LOG_FORMAT":     c.LogFormat, "PORTAL_LOG_LEVEL": c.LogLevel, "PORTAL_HSTS": strconv.FormatBool(c.HSTS),
		"PORTAL_MAX_FILE_BYTES": strconv.FormatInt(c.Limits.MaxFileBytes, 10), "PORTAL_MAX_REPORT_BYTES": strconv.FormatInt(c.Limits.MaxReportBytes, 10),
		"PORTAL_MAX_FILES": strconv.Itoa(c.Limits.MaxFiles), "PORTAL_MAX_JSON_BYTES": strconv.FormatInt(c.MaxJSONBytes, 10),
		"PORTAL_ARGON2_MEMORY_KIB": fmt.Sprint(c.Argon2.MemoryKiB), "PORTAL_ARGON2_ITERATIONS": fmt.Sprint(c.Argon2.Iterations),
		"PORTAL_ARGON2_PARALLELISM": fmt.Sprint(c.Argon2.Parallelism), "PORTAL_SHUTDOWN_TIMEOUT": c.ShutdownTimeout.String(),
		"PORTAL_MONGODB_URI": c.MongoURI, "PORTAL_S3_ENDPOINT": c.S3Endpoint, "PORTAL_CLAMD_ADDR": c.ClamdAddr,
		"PORTAL_S3_ACCESS_KEY": c.S3AccessKey, "PORTAL_S3_SECRET_KEY": c.S3SecretKey, "PORTAL_SMTP_URL": c.SMTPURL,
		"PORTAL_TRUSTED_PROXIES": strings.Join(c.TrustedProxies, ","),
		"PORTAL_STATS_K":         strconv.Itoa(c.StatsK),
		"PORTAL_POW_BITS":        strconv.Itoa(c.PoWBits), "PORTAL_ANON_WRITES_PER_MINUTE": strconv.Itoa(c.AnonWritesPerMinute),
		"PORTAL_PUBLIC_URL": c.PublicOrigin, "PORTAL_UPLOAD_MEMORY": strconv.FormatInt(c.UploadMemory, 10),
		"PORTAL_METRICS_ADDR": c.MetricsAddr, "PORTAL_METRICS_TOKEN": c.MetricsToken,
		"PORTAL_LOG_WITNESSES": strings.Join(c.LogWitnesses, ","),
	}
	for _, v := range configVars {
		if v.Computed || v.Name == "PORTAL_DATA_DIR" {
			continue
		}
		g, ok := got[v.Name]
		if !ok {
			t.Errorf("%s: this test does not know the field it sets; add it", v.Name)
		} else if g != v.Default {
			t.Errorf("%s: unset, it gives %q; configVars says %q", v.Name, g, v.Default)
		}
	}
	if wd, _ := os.Getwd(); c.DataDir != filepath.Join(wd, "data") {
		t.Errorf("PORTAL_DATA_DIR: unset, it gives %q; configVars says ./data", c.DataDir)
	}
	if c.HashConcurrency != runtime.NumCPU() || c.IdentityKey != nil || c.JWTKey != nil || c.SigningKey != nil {
		t.Errorf("computed defaults: hash concurrency %d (CPUs %d), keys set: %v %v %v", c.HashConcurrency, runtime.NumCPU(),
			c.IdentityKey != nil, c.JWTKey != nil, c.SigningKey != nil)
	}
	if c.AnonInFlight != 4*c.HashConcurrency {
		t.Errorf("PORTAL_ANON_IN_FLIGHT: unset, it gives %d; configVars says 4 × PORTAL_HASH_CONCURRENCY (%d)", c.AnonInFlight, c.HashConcurrency)
	}
	if c, _ := loadConfig(env(map[string]string{"PORTAL_HASH_CONCURRENCY": "3"})); c.AnonInFlight != 12 {
		t.Errorf("PORTAL_ANON_IN_FLIGHT with 3 hash slots: %d", c.AnonInFlight)
	}
}
