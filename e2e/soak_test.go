package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// procSample is what the soak watches of the portal process: resident
// memory, OS threads (the runtime's threads, which grow with goroutines
// blocked in system calls; the portal exposes no goroutine count, and a
// public endpoint for one would show internals) and open file descriptors.
type procSample struct {
	rssKiB, threads, fds int64
}

func (s procSample) String() string {
	return fmt.Sprintf("RSS %d MiB, %d threads, %d file descriptors", s.rssKiB/1024, s.threads, s.fds)
}

func sampleProc(t testing.TB, pid int) procSample {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	var s procSample
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		switch f[0] {
		case "VmRSS:":
			fmt.Sscan(f[1], &s.rssKiB)
		case "Threads:":
			fmt.Sscan(f[1], &s.threads)
		}
	}
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		t.Fatal(err)
	}
	s.fds = int64(len(fds))
	return s
}

// TestSoak runs the real binary on a fresh data directory for
// PORTAL_SOAK_DURATION (`make soak`, 20 minutes by default; not part of
// `make test`) while soakWorkers clients on loopback file reports, and
// staff read the queue and case pages and move reports on, and citizens
// open their tracking pages. It samples the process's resident memory,
// threads and file descriptors after a warm-up and at the end, both under
// the same load, prints them, and fails when one grew beyond noise
// (soakLimits) or when a request failed.
func TestSoak(t *testing.T) {
	d := os.Getenv("PORTAL_SOAK_DURATION")
	if d == "" {
		t.Skip("PORTAL_SOAK_DURATION is not set: the soak runs with `make soak`")
	}
	duration, err := time.ParseDuration(d)
	if err != nil || duration < time.Minute {
		t.Fatalf("PORTAL_SOAK_DURATION %q: want a duration of at least 1m", d)
	}
	const password = "Soak-Minh-Bach-2026"
	dataDir := t.TempDir()
	env := []string{"PORTAL_DATA_DIR=" + dataDir, "PORTAL_LOG_FORMAT=json", "PORTAL_DEMO_PASSWORD=" + password,
		"PORTAL_ARGON2_MEMORY_KIB=8192", "PORTAL_ARGON2_ITERATIONS=1"}
	if out, code := runPortal(t, portalBin, env, nil, "seed", "demo"); code != 0 {
		t.Fatalf("seed: exit %d %s", code, out)
	}
	// No proof of work and no per-address rate: every client is on loopback.
	p := startPortal(t, dataDir, "PORTAL_POW_BITS=0", "PORTAL_ANON_WRITES_PER_MINUTE=0")
	pid := p.cmd.Process.Pid

	var failures atomic.Int64
	var firstFailure sync.Once
	var firstFailureAt atomic.Value
	fail := func(format string, args ...any) {
		failures.Add(1)
		firstFailure.Do(func() {
			firstFailureAt.Store(time.Now())
			t.Errorf("first failure: "+format, args...)
		})
	}
	// A 503 with Retry-After is the portal's admission control at work (one
	// client address has at most two anonymous writes in flight, and every
	// soak client is on loopback): the client waits as asked and retries,
	// and the refusal is counted, not failed.
	var refused atomic.Int64
	var callOnce func(method, path, token string, body any, out any) (int, time.Duration)
	call := func(method, path, token string, body any, out any) int {
		for {
			code, retry := callOnce(method, path, token, body, out)
			if code != http.StatusServiceUnavailable || retry <= 0 {
				return code
			}
			refused.Add(1)
			time.Sleep(retry)
		}
	}
	callOnce = func(method, path, token string, body any, out any) (int, time.Duration) {
		var rd *bytes.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		} else {
			rd = bytes.NewReader(nil)
		}
		req, _ := http.NewRequest(method, p.base+path, rd)
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := httpClient.Do(req)
		if err != nil {
			fail("%s %s: %v", method, path, err)
			return 0, 0
		}
		defer resp.Body.Close()
		if resp.StatusCode >= 300 {
			var e struct {
				Error struct{ Code, Reason, Message string }
			}
			_ = json.NewDecoder(resp.Body).Decode(&e)
			if resp.StatusCode != http.StatusServiceUnavailable && resp.StatusCode != http.StatusConflict {
				fail("%s %s: %d %+v", method, path, resp.StatusCode, e.Error)
			} else if resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") == "" {
				// The caller counts it as a failure; this says why.
				t.Logf("%s %s at %s: 503 %+v", method, path, time.Now().UTC().Format(time.RFC3339), e.Error)
			}
			var secs int
			fmt.Sscan(resp.Header.Get("Retry-After"), &secs)
			return resp.StatusCode, time.Duration(secs) * time.Second
		}
		if out != nil {
			_ = json.NewDecoder(resp.Body).Decode(out)
		}
		return resp.StatusCode, 0
	}
	login := func(email string) string {
		var out struct{ AccessToken string }
		if code := call(http.MethodPost, "/api/v1/auth/login", "", map[string]string{"email": email, "password": password}, &out); code != http.StatusOK {
			fail("login %s: %d", email, code)
		}
		return out.AccessToken
	}
	var tokenMu sync.Mutex
	inspector, tokenAt := login("inspector@demo.minhbach.vn"), time.Now()
	staffToken := func() string {
		tokenMu.Lock()
		defer tokenMu.Unlock()
		if time.Since(tokenAt) > 4*time.Minute { // access tokens are short-lived
			inspector, tokenAt = login("inspector@demo.minhbach.vn"), time.Now()
		}
		return inspector
	}

	var filed, moved, read atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range soakWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				body := map[string]any{"kind": "feedback", "category": "delay", "title": fmt.Sprintf("Hồ sơ bị ngâm quá hạn %d-%d", w, i),
					"description": strings.Repeat("Hồ sơ đăng ký đất đai nộp từ tháng 9 nhưng đến nay chưa được giải quyết. ", 10+i%20),
					"place":       "Bộ phận một cửa", "office": "UBND phường Sài Gòn", "procedure": "Đăng ký biến động đất đai",
					"dossierNumber": fmt.Sprintf("000.00.12.H29-%d-%d", w, i), "language": "vi", "anonymous": true}
				var r struct{ TrackingCode, Receipt string }
				if code := call(http.MethodPost, "/api/v1/complaints", "", body, &r); code != http.StatusCreated {
					fail("file: %d", code)
					continue
				}
				filed.Add(1)
				var s struct{ Token string }
				if code := call(http.MethodPost, "/api/v1/track/session", "", map[string]string{"trackingCode": r.TrackingCode, "receipt": r.Receipt}, &s); code != http.StatusOK {
					fail("track session: %d", code)
				} else if code := call(http.MethodGet, "/api/v1/track", s.Token, nil, nil); code != http.StatusOK {
					fail("track page: %d", code)
				}
				tok := staffToken()
				var q struct{ Items []struct{ ID, Status string } }
				if code := call(http.MethodGet, "/api/v1/cases?status=received", tok, nil, &q); code != http.StatusOK {
					fail("queue: %d", code)
					continue
				}
				read.Add(1)
				if len(q.Items) == 0 {
					continue
				}
				id := q.Items[(w+i)%len(q.Items)].ID
				if code := call(http.MethodGet, "/api/v1/cases/"+id, tok, nil, nil); code != http.StatusOK {
					fail("case page: %d", code)
				}
				// Two workers may pick the same report: one moves it, the
				// other gets a conflict, which is the right answer.
				switch code := call(http.MethodPost, "/api/v1/cases/"+id+"/transitions", tok, map[string]string{"to": "accepted"}, nil); code {
				case http.StatusOK:
					moved.Add(1)
				case http.StatusConflict:
				default:
					fail("move: %d", code)
				}
			}
		}()
	}
	warmup := min(2*time.Minute, duration/5)
	time.Sleep(warmup)
	start := sampleProc(t, pid)
	t.Logf("after %v of load: %v", warmup, start)
	samples := []procSample{start}
	deadline := time.Now().Add(duration - warmup)
	for time.Now().Before(deadline) {
		time.Sleep(min(time.Minute, time.Until(deadline)))
		s := sampleProc(t, pid)
		samples = append(samples, s)
		t.Logf("%v: %v; %d filed, %d moved, %d queue reads, %d refused (Retry-After), %d failures", time.Since(deadline.Add(-duration+warmup)).Round(time.Second)+warmup,
			s, filed.Load(), moved.Load(), read.Load(), refused.Load(), failures.Load())
	}
	end := samples[len(samples)-1]
	close(stop)
	wg.Wait()
	time.Sleep(10 * time.Second)
	idle := sampleProc(t, pid)
	t.Logf("soak of %v: %d reports filed, %d moved, %d queue reads, %d refused with Retry-After, %d failures", duration,
		filed.Load(), moved.Load(), read.Load(), refused.Load(), failures.Load())
	t.Logf("start (after warm-up, under load): %v", start)
	t.Logf("end (under load):                  %v", end)
	t.Logf("10 s after the load stopped:       %v", idle)
	if failures.Load() > 0 {
		t.Errorf("%d requests failed", failures.Load())
		// What the portal said around the first failure: every line from
		// 10 s before it to 5 s after, but the admission control's
		// refusals (a 503 with Retry-After, which the soak expects).
		at := firstFailureAt.Load().(time.Time)
		n := 0
		for _, line := range strings.Split(p.Logs(), "\n") {
			var l struct{ Time time.Time }
			if json.Unmarshal([]byte(line), &l) != nil || l.Time.Before(at.Add(-10*time.Second)) || l.Time.After(at.Add(5*time.Second)) ||
				strings.Contains(line, `"msg":"request refused: busy"`) || strings.Contains(line, `"status":503,"bytes":143`) {
				continue
			}
			if n < 200 {
				t.Log(line)
			}
			n++
		}
		t.Logf("%d portal log lines from 10 s before the first failure to 5 s after", n)
	}
	lim := soakLimits(start)
	if end.rssKiB > lim.rssKiB || end.threads > lim.threads || end.fds > lim.fds {
		t.Errorf("grew beyond noise: start %v, end %v, limits %v", start, end, lim)
	}
	// The statistics folded under that load equal the reports' own sum
	// (docs/statistics.md); the folds' errors, if any, are in the log.
	p.stop(t)
	for _, line := range strings.Split(p.Logs(), "\n") {
		if strings.Contains(line, `"job":"stats"`) {
			t.Errorf("statistics job: %s", line)
		}
	}
	out, code := runPortal(t, portalBin, env, nil, "stats", "rebuild", "--check")
	t.Logf("portal stats rebuild --check: %s", strings.TrimSpace(out[max(0, len(out)-300):]))
	if code != 0 {
		t.Errorf("the statistics differ from the reports after the soak: exit %d", code)
	}
}

// soakWorkers is how many clients the soak runs at once.
const soakWorkers = 4

// soakLimits is how far each figure may move between the two samples and
// still be noise: resident memory by half again or 64 MiB, whichever is
// more (the garbage collector lets the heap grow to twice the live data,
// and the archive grows during the soak), threads by 8, descriptors by 16
// (connections of the clients in flight at the moment of sampling).
func soakLimits(s procSample) procSample {
	return procSample{rssKiB: max(s.rssKiB*3/2, s.rssKiB+64<<10), threads: s.threads + 8, fds: s.fds + 16}
}
