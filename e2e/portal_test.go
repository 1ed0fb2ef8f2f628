// Package e2e runs the real portal binary as a separate process on the
// embedded stack, as a user would with `make run`.
package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"minhbach/internal/devstack"
	"minhbach/internal/mongostore"
)

var portalBin string

func TestMain(m *testing.M) {
	code, err := runMain(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

// runMain builds the portal once (or uses PORTAL_E2E_BIN, which `make test`
// sets to the binary it just built).
func runMain(m *testing.M) (int, error) {
	if bin := os.Getenv("PORTAL_E2E_BIN"); bin != "" {
		abs, err := filepath.Abs(bin)
		if err != nil {
			return 0, err
		}
		portalBin = abs
		return m.Run(), nil
	}
	dir, err := os.MkdirTemp("", "minhbach-e2e-bin-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	portalBin = filepath.Join(dir, "portal")
	cmd := exec.Command("go", "build", "-o", portalBin, "minhbach/cmd/portal")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("build portal: %w", err)
	}
	return m.Run(), nil
}

// portal is a running portal process.
type portal struct {
	cmd  *exec.Cmd
	base string
	mu   sync.Mutex
	logs strings.Builder
	done chan error
}

func (p *portal) Logs() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logs.String()
}

// startPortal runs `portal serve` on a free loopback port with dataDir and
// waits for its "listening" log line.
func startPortal(t testing.TB, dataDir string, extraEnv ...string) *portal {
	t.Helper()
	cmd := exec.Command(portalBin, "serve")
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
		"PORTAL_ADDR=127.0.0.1:0", "PORTAL_DATA_DIR=" + dataDir, "PORTAL_LOG_FORMAT=json",
		"PORTAL_ARGON2_MEMORY_KIB=8192", "PORTAL_ARGON2_ITERATIONS=1"}, extraEnv...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &portal{cmd: cmd, done: make(chan error, 1)}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			p.logs.WriteString(line + "\n")
			p.mu.Unlock()
			var rec struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "listening" {
				addr <- rec.Addr
			}
		}
	}()
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-p.done
		}
	})
	select {
	case a := <-addr:
		p.base = "http://" + a
	case err := <-p.done:
		t.Fatalf("portal exited during start-up: %v\n%s", err, p.Logs())
	case <-time.After(90 * time.Second):
		t.Fatalf("portal did not start within 90s\n%s", p.Logs())
	}
	return p
}

// stop sends SIGTERM and waits for a clean exit.
func (p *portal) stop(t testing.TB) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("portal exited with %v\n%s", err, p.Logs())
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("portal did not stop within 60s\n%s", p.Logs())
	}
}

const report = `{"kind":"feedback","category":"delay","title":"Hồ sơ bị ngâm quá hạn",
 "description":"Hồ sơ đăng ký đất đai nộp từ tháng 9 nhưng đến nay chưa được giải quyết, cán bộ gợi ý nộp thêm tiền.",
 "place":"Bộ phận một cửa","office":"UBND phường Sài Gòn","procedure":"Đăng ký biến động đất đai",
 "dossierNumber":"000.00.12.H29-260901-0042","language":"vi","anonymous":true}`

func submit(t *testing.T, base string, body io.Reader) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(base+"/api/v1/complaints", "application/json", body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// findReport opens the stopped portal's data directory with the same
// embedded server and looks the report up.
func findReport(t *testing.T, dataDir, code string) {
	t.Helper()
	ctx := context.Background()
	m, err := devstack.StartMongo(ctx, filepath.Join(dataDir, "mongo"))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	st, err := mongostore.Open(ctx, mongostore.Options{URI: m.URI, Database: "minhbach", SingleConnection: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	c, err := st.FindCaseByTrackingCode(ctx, code)
	if err != nil {
		t.Fatalf("report %s not found in the data directory: %v", code, err)
	}
	if c.Title != "Hồ sơ bị ngâm quá hạn" || c.Status != "received" {
		t.Fatalf("stored report = %+v", c)
	}
}

func TestSubmitRestartAndFind(t *testing.T) {
	dataDir := t.TempDir()
	p := startPortal(t, dataDir)
	for _, path := range []string{"/healthz", "/readyz", "/api/v1/meta", "/"} {
		resp, err := http.Get(p.base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
	}
	hc := exec.Command(portalBin, "healthcheck")
	hc.Env = []string{"PORTAL_ADDR=" + strings.TrimPrefix(p.base, "http://")}
	if out, err := hc.CombinedOutput(); err != nil || !strings.Contains(string(out), `"ready"`) {
		t.Fatalf("portal healthcheck: %v %s", err, out)
	}
	hc = exec.Command(portalBin, "healthcheck")
	hc.Env = []string{"PORTAL_ADDR=127.0.0.1:1"}
	if out, err := hc.CombinedOutput(); err == nil {
		t.Fatalf("healthcheck of a closed port succeeded: %s", out)
	}

	status, out := submit(t, p.base, strings.NewReader(report))
	if status != http.StatusCreated {
		t.Fatalf("submit: %d %v", status, out)
	}
	code := out["trackingCode"].(string)
	receipt := out["receipt"].(string)

	// A second portal on the same data directory is refused clearly.
	second := exec.Command(portalBin, "serve")
	second.Env = []string{"PORTAL_ADDR=127.0.0.1:0", "PORTAL_DATA_DIR=" + dataDir, "PORTAL_LOG_FORMAT=json"}
	outb, err := second.CombinedOutput()
	if err == nil || !strings.Contains(string(outb), "in use by another portal process") {
		t.Fatalf("second portal on the same data directory: err=%v output=%s", err, outb)
	}

	// `portal reap` refuses to touch a data directory a server owns.
	reap := exec.Command(portalBin, "reap")
	reap.Env = []string{"PORTAL_DATA_DIR=" + dataDir, "PORTAL_LOG_FORMAT=json"}
	if out, err := reap.CombinedOutput(); err == nil || !strings.Contains(string(out), "in use by another portal process") {
		t.Fatalf("reap while serving: %v %s", err, out)
	}

	p.stop(t)
	reap = exec.Command(portalBin, "reap")
	reap.Env = []string{"PORTAL_DATA_DIR=" + dataDir, "PORTAL_LOG_FORMAT=json"}
	if out, err := reap.CombinedOutput(); err != nil || !strings.Contains(string(out), "removed 0 abandoned uploads") {
		t.Fatalf("reap: %v %s", err, out)
	}
	logs := p.Logs()
	for _, want := range []string{`"mode":"embedded"`, `"msg":"stopped"`, `"msg":"embedded database stopped"`} {
		if !strings.Contains(logs, want) {
			t.Fatalf("logs lack %s:\n%s", want, logs)
		}
	}
	if first := strings.SplitN(logs, "\n", 2)[0]; !strings.Contains(first, `"mode":"embedded"`) || !strings.Contains(first, dataDir) {
		t.Fatalf("first log line must give the mode and data directory: %s", first)
	}
	if strings.Contains(logs, receipt) || strings.Contains(logs, "Hồ sơ bị ngâm") {
		t.Fatalf("logs hold the receipt or report content")
	}

	// Restart on the same data directory: it comes up ready, with its bucket.
	p2 := startPortal(t, dataDir)
	resp, err := http.Get(p2.base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("readyz after restart: %d", resp.StatusCode)
	}
	status, out2 := submit(t, p2.base, strings.NewReader(report))
	if status != http.StatusCreated || out2["trackingCode"] == code {
		t.Fatalf("submit after restart: %d %v", status, out2)
	}
	p2.stop(t)
	findReport(t, dataDir, code)
	findReport(t, dataDir, out2["trackingCode"].(string))
}

// TestGracefulShutdownFinishesInFlightRequest sends half a report, asks the
// portal to stop, sends the rest, and expects the report to be filed.
func TestGracefulShutdownFinishesInFlightRequest(t *testing.T) {
	dataDir := t.TempDir()
	p := startPortal(t, dataDir)
	pr, pw := io.Pipe()
	type result struct {
		status int
		out    map[string]any
	}
	res := make(chan result, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, p.base+"/api/v1/complaints", pr)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			res <- result{status: -1, out: map[string]any{"error": err.Error()}}
			return
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		res <- result{resp.StatusCode, out}
	}()
	half := len(report) / 2
	if _, err := pw.Write([]byte(report[:half])); err != nil {
		t.Fatal(err)
	}
	// Wait until the server has taken the request (its handler is reading
	// the body) before signalling.
	time.Sleep(300 * time.Millisecond)
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(p.Logs(), "shutting down") {
		if time.Now().After(deadline) {
			t.Fatalf("no shutdown log\n%s", p.Logs())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := pw.Write([]byte(report[half:])); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	r := <-res
	if r.status != http.StatusCreated {
		t.Fatalf("in-flight submission during shutdown: %d %v\n%s", r.status, r.out, p.Logs())
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("exit: %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("portal did not exit")
	}
	findReport(t, dataDir, r.out["trackingCode"].(string))
}

func TestConfigurationErrorsReportedTogether(t *testing.T) {
	cmd := exec.Command(portalBin, "serve")
	cmd.Env = []string{"PORTAL_MONGODB_URI=mongodb://127.0.0.1:1", "PORTAL_LOG_LEVEL=loud", "PORTAL_MAX_FILES=many"}
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("portal started with a broken configuration: %s", out)
	}
	for _, want := range []string{"PORTAL_S3_ENDPOINT", "PORTAL_LOG_LEVEL", "PORTAL_MAX_FILES", "PORTAL_IDENTITY_KEY"} {
		if !strings.Contains(string(out), want) {
			t.Fatalf("error output lacks %s:\n%s", want, out)
		}
	}
}
