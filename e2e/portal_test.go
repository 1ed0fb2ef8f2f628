// Package e2e runs the real portal binary as a separate process on the
// embedded stack, as a user would with `make run`, and the production build
// (tag nodevstack) against servers the tests start.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
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
	"minhbach/internal/pow"
)

// portalBin is the portal binary under test, with the embedded stack;
// moduleDir is where `go build` runs when the tests build a binary.
var portalBin, moduleDir, binDir string

// Bounds: no test waits longer than these for the portal.
const (
	startTimeout   = 90 * time.Second // `portal serve` until it logs "listening"
	stopTimeout    = 60 * time.Second // SIGTERM until the process exits
	commandTimeout = 2 * time.Minute  // one subcommand run to completion
	buildTimeout   = 15 * time.Minute // a cold `go build` of the portal
)

// httpClient bounds every request the tests make.
var httpClient = &http.Client{Timeout: 2 * time.Minute}

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
	var err error
	if moduleDir, err = os.Getwd(); err != nil {
		return 0, err
	}
	if binDir, err = os.MkdirTemp("", "minhbach-e2e-bin-"); err != nil {
		return 0, err
	}
	defer os.RemoveAll(binDir)
	if bin := os.Getenv("PORTAL_E2E_BIN"); bin != "" {
		if portalBin, err = filepath.Abs(bin); err != nil {
			return 0, err
		}
		return m.Run(), nil
	}
	portalBin = filepath.Join(binDir, "portal")
	if err := buildPortal(portalBin); err != nil {
		return 0, err
	}
	return m.Run(), nil
}

// buildPortal builds the portal into out, with the given build tags.
func buildPortal(out string, tags ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	args := []string{"build", "-o", out}
	if len(tags) > 0 {
		args = append(args, "-tags", strings.Join(tags, ","))
	}
	cmd := exec.CommandContext(ctx, "go", append(args, "minhbach/cmd/portal")...)
	cmd.Dir = moduleDir
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("build portal %v: %w", tags, err)
	}
	return nil
}

// runPortal runs one portal subcommand to completion with env (and stdin,
// when not nil) and returns its combined output and exit code. It fails the
// test when the command does not finish within commandTimeout.
func runPortal(t testing.TB, bin string, env []string, stdin io.Reader, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env, cmd.Stdin = env, stdin
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("portal %v did not finish within %v:\n%s", args, commandTimeout, out)
	}
	var exit *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	}
	t.Fatalf("portal %v: %v", args, err)
	return "", 0
}

// portal is a running portal process.
type portal struct {
	cmd  *exec.Cmd
	base string

	mu      sync.Mutex
	logs    strings.Builder
	partial []byte
	addr    string        // from the "listening" line
	logged  chan struct{} // closed, and replaced, at every log line
	exited  chan struct{} // closed once the process has exited and its output is read
	exitErr error         // set before exited is closed
}

func (p *portal) Logs() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logs.String()
}

// Write takes the process's stderr, line by line.
func (p *portal) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.partial = append(p.partial, b...)
	for {
		i := bytes.IndexByte(p.partial, '\n')
		if i < 0 {
			return len(b), nil
		}
		line := p.partial[:i]
		p.logs.Write(line)
		p.logs.WriteByte('\n')
		var rec struct{ Msg, Addr string }
		if json.Unmarshal(line, &rec) == nil && rec.Msg == "listening" {
			p.addr = rec.Addr
		}
		p.partial = p.partial[i+1:]
		close(p.logged)
		p.logged = make(chan struct{})
	}
}

// waitFor waits until cond (called with the logs locked) holds, failing the
// test when the process exits first or timeout passes.
func (p *portal) waitFor(t testing.TB, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		p.mu.Lock()
		ok, logged := cond(), p.logged
		p.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-logged:
		case <-p.exited:
			p.mu.Lock()
			ok = cond()
			p.mu.Unlock()
			if !ok {
				t.Fatalf("portal exited (%v) before %s\n%s", p.exitErr, what, p.Logs())
			}
			return
		case <-deadline.C:
			t.Fatalf("portal: no %s within %v\n%s", what, timeout, p.Logs())
		}
	}
}

// waitLog waits until the portal has logged s.
func (p *portal) waitLog(t testing.TB, s string, timeout time.Duration) {
	t.Helper()
	p.waitFor(t, fmt.Sprintf("log %q", s), timeout, func() bool { return strings.Contains(p.logs.String(), s) })
}

// startPortal runs `portal serve` on a free loopback port with dataDir and
// waits for its "listening" log line.
func startPortal(t testing.TB, dataDir string, extraEnv ...string) *portal {
	t.Helper()
	return startBinary(t, portalBin, append([]string{"PORTAL_DATA_DIR=" + dataDir}, extraEnv...)...)
}

// startBinary runs `bin serve` on a free loopback port with env and waits
// for its "listening" log line.
func startBinary(t testing.TB, bin string, env ...string) *portal {
	t.Helper()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
		"PORTAL_ADDR=127.0.0.1:0", "PORTAL_LOG_FORMAT=json",
		"PORTAL_ARGON2_MEMORY_KIB=8192", "PORTAL_ARGON2_ITERATIONS=1"}, env...)
	p := &portal{cmd: cmd, logged: make(chan struct{}), exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = io.Discard, p
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		// Wait returns once stderr is copied to p: every line is in the logs.
		err := cmd.Wait()
		p.mu.Lock()
		if len(p.partial) > 0 {
			p.logs.Write(append(p.partial, '\n'))
			p.partial = nil
		}
		p.exitErr = err
		p.mu.Unlock()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
			return
		default:
		}
		_ = cmd.Process.Kill()
		select {
		case <-p.exited:
		case <-time.After(stopTimeout):
			t.Errorf("portal (pid %d) did not exit after SIGKILL within %v", cmd.Process.Pid, stopTimeout)
		}
	})
	p.waitFor(t, `"listening" log line`, startTimeout, func() bool { return p.addr != "" })
	p.base = "http://" + p.addr
	return p
}

// stop sends SIGTERM and waits for a clean exit.
func (p *portal) stop(t testing.TB) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	p.wait(t)
}

// wait waits for the process to exit, successfully.
func (p *portal) wait(t testing.TB) {
	t.Helper()
	select {
	case <-p.exited:
		if p.exitErr != nil {
			t.Fatalf("portal exited with %v\n%s", p.exitErr, p.Logs())
		}
	case <-time.After(stopTimeout):
		t.Fatalf("portal did not stop within %v\n%s", stopTimeout, p.Logs())
	}
}

const report = `{"kind":"feedback","category":"delay","title":"Hồ sơ bị ngâm quá hạn",
 "description":"Hồ sơ đăng ký đất đai nộp từ tháng 9 nhưng đến nay chưa được giải quyết, cán bộ gợi ý nộp thêm tiền.",
 "place":"Bộ phận một cửa","office":"UBND phường Sài Gòn","procedure":"Đăng ký biến động đất đai",
 "dossierNumber":"000.00.12.H29-260901-0042","language":"vi","anonymous":true}`

// solvedChallenge fetches a proof-of-work challenge from the portal at
// base and returns the X-Portal-PoW value solving it ("" when none is asked).
func solvedChallenge(t testing.TB, base string) string {
	t.Helper()
	resp, err := httpClient.Post(base+"/api/v1/challenges", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var ch struct {
		Challenge string
		Bits      int
	}
	if err := json.NewDecoder(resp.Body).Decode(&ch); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("challenge: %d %v", resp.StatusCode, err)
	}
	if ch.Challenge == "" {
		return ""
	}
	return ch.Challenge + ":" + pow.Solve(ch.Challenge, ch.Bits)
}

func submit(t *testing.T, base string, body io.Reader) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/complaints", body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Portal-PoW", solvedChallenge(t, base))
	resp, err := httpClient.Do(req)
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
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
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
		resp, err := httpClient.Get(p.base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
	}
	if out, code := runPortal(t, portalBin, []string{"PORTAL_ADDR=" + p.addr}, nil, "healthcheck"); code != 0 || !strings.Contains(out, `"ready"`) {
		t.Fatalf("portal healthcheck: exit %d %s", code, out)
	}
	if out, code := runPortal(t, portalBin, []string{"PORTAL_ADDR=127.0.0.1:1"}, nil, "healthcheck"); code == 0 {
		t.Fatalf("healthcheck of a closed port succeeded: %s", out)
	}

	status, out := submit(t, p.base, strings.NewReader(report))
	if status != http.StatusCreated {
		t.Fatalf("submit: %d %v", status, out)
	}
	code := out["trackingCode"].(string)
	receipt := out["receipt"].(string)

	// A second portal on the same data directory is refused clearly.
	second := []string{"PORTAL_ADDR=127.0.0.1:0", "PORTAL_DATA_DIR=" + dataDir, "PORTAL_LOG_FORMAT=json"}
	if out, code := runPortal(t, portalBin, second, nil, "serve"); code == 0 || !strings.Contains(out, "in use by another portal process") {
		t.Fatalf("second portal on the same data directory: exit %d output=%s", code, out)
	}

	// `portal reap` refuses to touch a data directory a server owns.
	reapEnv := []string{"PORTAL_DATA_DIR=" + dataDir, "PORTAL_LOG_FORMAT=json"}
	if out, code := runPortal(t, portalBin, reapEnv, nil, "reap"); code == 0 || !strings.Contains(out, "in use by another portal process") {
		t.Fatalf("reap while serving: exit %d %s", code, out)
	}

	p.stop(t)
	if out, code := runPortal(t, portalBin, reapEnv, nil, "reap"); code != 0 || !strings.Contains(out, "removed 0 abandoned uploads") {
		t.Fatalf("reap: exit %d %s", code, out)
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
	resp, err := httpClient.Get(p2.base + "/readyz")
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
	// With "Expect: 100-continue" the server answers "100 Continue" when the
	// handler first reads the body, and the client sends the body only then:
	// the interim answer shows that the request is being handled.
	reading := make(chan struct{})
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.ExpectContinueTimeout = stopTimeout
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: commandTimeout}
	solution := solvedChallenge(t, p.base)
	go func() {
		trace := &httptrace.ClientTrace{Got100Continue: func() { close(reading) }}
		req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace),
			http.MethodPost, p.base+"/api/v1/complaints", pr)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Expect", "100-continue")
		req.Header.Set("X-Portal-PoW", solution)
		resp, err := client.Do(req)
		if err != nil {
			res <- result{status: -1, out: map[string]any{"error": err.Error()}}
			return
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		res <- result{resp.StatusCode, out}
	}()
	select {
	case <-reading:
	case r := <-res:
		t.Fatalf("the request ended before its body was read: %d %v", r.status, r.out)
	case <-time.After(startTimeout):
		t.Fatalf("the portal did not start reading the request within %v\n%s", startTimeout, p.Logs())
	}
	half := len(report) / 2
	if _, err := pw.Write([]byte(report[:half])); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	p.waitLog(t, "shutting down", 10*time.Second)
	if _, err := pw.Write([]byte(report[half:])); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	var r result
	select {
	case r = <-res:
	case <-time.After(commandTimeout):
		t.Fatalf("no answer to the in-flight submission within %v\n%s", commandTimeout, p.Logs())
	}
	if r.status != http.StatusCreated {
		t.Fatalf("in-flight submission during shutdown: %d %v\n%s", r.status, r.out, p.Logs())
	}
	p.wait(t)
	findReport(t, dataDir, r.out["trackingCode"].(string))
}

func TestConfigurationErrorsReportedTogether(t *testing.T) {
	out, code := runPortal(t, portalBin, []string{"PORTAL_MONGODB_URI=mongodb://127.0.0.1:1", "PORTAL_LOG_LEVEL=loud", "PORTAL_MAX_FILES=many"}, nil, "serve")
	if code == 0 {
		t.Fatalf("portal started with a broken configuration: %s", out)
	}
	for _, want := range []string{"PORTAL_S3_ENDPOINT", "PORTAL_LOG_LEVEL", "PORTAL_MAX_FILES", "PORTAL_IDENTITY_KEY"} {
		if !strings.Contains(out, want) {
			t.Fatalf("error output lacks %s:\n%s", want, out)
		}
	}
}
