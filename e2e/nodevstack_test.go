package e2e

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"minhbach/internal/devstack"
	"minhbach/internal/mongostore"
)

// noDevstackMessage is what a binary built with the tag nodevstack says when
// no external servers are configured.
const noDevstackMessage = "this portal was built without the embedded stack (build tag nodevstack): set PORTAL_MONGODB_URI and PORTAL_S3_ENDPOINT"

var noDevstack struct {
	once sync.Once
	bin  string
	err  error
}

// noDevstackBin is the production binary, built with the tag nodevstack:
// PORTAL_E2E_NODEVSTACK_BIN (which `make test` sets), or built once here.
func noDevstackBin(t *testing.T) string {
	t.Helper()
	noDevstack.once.Do(func() {
		if bin := os.Getenv("PORTAL_E2E_NODEVSTACK_BIN"); bin != "" {
			noDevstack.bin, noDevstack.err = filepath.Abs(bin)
			return
		}
		noDevstack.bin = filepath.Join(binDir, "portal-nodevstack")
		noDevstack.err = buildPortal(noDevstack.bin, "nodevstack")
	})
	if noDevstack.err != nil {
		t.Fatal(noDevstack.err)
	}
	return noDevstack.bin
}

// TestNoDevstackBinaryRefusesWithoutExternalServers runs the production
// build with no PORTAL_MONGODB_URI and PORTAL_S3_ENDPOINT: the server and
// every subcommand that needs storage say why they cannot start and exit 1,
// having created nothing.
func TestNoDevstackBinaryRefusesWithoutExternalServers(t *testing.T) {
	bin := noDevstackBin(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	env := []string{"PORTAL_ADDR=127.0.0.1:0", "PORTAL_DATA_DIR=" + dataDir, "PORTAL_LOG_FORMAT=json"}
	for _, tc := range []struct {
		name  string
		env   []string
		stdin string
		args  []string
	}{
		{name: "serve", args: []string{"serve"}},
		{name: "no command", args: nil},
		{name: "seed demo", args: []string{"seed", "demo"}},
		{name: "reap", args: []string{"reap"}},
		{name: "audit verify", args: []string{"audit", "verify"}},
		{name: "create-user", stdin: "Quản-trị-viên-2026!\n", args: []string{"admin", "create-user", "--email", "root@e2e.test", "--role", "admin"}},
		{name: "production", env: []string{"PORTAL_ENV=production"}, args: []string{"serve"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, code := runPortal(t, bin, append(append([]string(nil), env...), tc.env...), strings.NewReader(tc.stdin), tc.args...)
			if code != 1 || !strings.Contains(out, noDevstackMessage) {
				t.Fatalf("exit %d, want 1 with %q:\n%s", code, noDevstackMessage, out)
			}
		})
	}
	if _, err := os.Stat(dataDir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the data directory was touched: %v", err)
	}
	// Commands that need no storage still work.
	if out, code := runPortal(t, bin, env, nil, "help"); code != 0 || !strings.Contains(out, "Usage:") {
		t.Fatalf("help: exit %d\n%s", code, out)
	}
}

// TestNoDevstackBinaryServesOnExternalServers runs the production build
// against a MongoDB-compatible and an S3-compatible server started by the
// test: it comes up ready in external mode, files a report into that
// database, and stops cleanly.
func TestNoDevstackBinaryServesOnExternalServers(t *testing.T) {
	bin := noDevstackBin(t)
	// The embedded object store changes the working directory; put it back.
	t.Chdir(moduleDir)
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	m, err := devstack.StartMongo(ctx, filepath.Join(dir, "mongo"))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	s3, err := devstack.StartS3(ctx, filepath.Join(dir, "s3"))
	if err != nil {
		t.Fatal(err)
	}
	defer s3.Close()
	key := func() string {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		return hex.EncodeToString(b)
	}
	dataDir := filepath.Join(dir, "unused-data")
	p := startBinary(t, bin, "PORTAL_DATA_DIR="+dataDir, "PORTAL_MONGODB_URI="+m.URI, "PORTAL_MONGODB_DATABASE=nodevstack",
		"PORTAL_S3_ENDPOINT="+s3.Endpoint, "PORTAL_S3_ACCESS_KEY="+s3.AccessKey, "PORTAL_S3_SECRET_KEY="+s3.SecretKey,
		"PORTAL_S3_BUCKET=nodevstack-evidence", "PORTAL_IDENTITY_KEY="+key(), "PORTAL_JWT_KEY="+key(), "PORTAL_SIGNING_KEY="+key(), "PORTAL_LOG_KEY="+key())
	resp, err := httpClient.Get(p.base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("readyz: %d\n%s", resp.StatusCode, p.Logs())
	}
	status, out := submit(t, p.base, strings.NewReader(report))
	if status != http.StatusCreated {
		t.Fatalf("submit: %d %v\n%s", status, out, p.Logs())
	}
	p.stop(t)
	logs := p.Logs()
	if first := strings.SplitN(logs, "\n", 2)[0]; !strings.Contains(first, `"mode":"external"`) {
		t.Fatalf("first log line must give the external mode: %s", first)
	}
	if strings.Contains(logs, "embedded servers started") {
		t.Fatalf("the production build started embedded servers:\n%s", logs)
	}
	if _, err := os.Stat(dataDir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the data directory was created in external mode: %v", err)
	}
	st, err := mongostore.Open(ctx, mongostore.Options{URI: m.URI, Database: "nodevstack", SingleConnection: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	code, _ := out["trackingCode"].(string)
	if c, err := st.FindCaseByTrackingCode(ctx, code); err != nil || c.Title != "Hồ sơ bị ngâm quá hạn" {
		t.Fatalf("report %q in the external database: %+v %v", code, c, err)
	}
}
