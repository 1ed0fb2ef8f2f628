package e2e

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestMetricsListener starts the real binary with PORTAL_METRICS_ADDR on a
// free port and a token: the metrics answer there (with the token only),
// count a filing under its route template, and are not on the public port.
func TestMetricsListener(t *testing.T) {
	const token = "e2e-metrics-token-0123456789"
	p := startPortal(t, t.TempDir(), "PORTAL_METRICS_ADDR=127.0.0.1:0", "PORTAL_METRICS_TOKEN="+token)
	p.waitLog(t, `"metrics listening"`, 10*time.Second)
	var addr string
	sc := bufio.NewScanner(strings.NewReader(p.Logs()))
	for sc.Scan() {
		var rec struct{ Msg, Addr string }
		if json.Unmarshal(sc.Bytes(), &rec) == nil && rec.Msg == "metrics listening" {
			addr = rec.Addr
		}
	}
	if addr == "" || addr == p.addr {
		t.Fatalf("metrics address %q (public %q)", addr, p.addr)
	}

	if status, out := submit(t, p.base, strings.NewReader(report)); status != http.StatusCreated {
		t.Fatalf("submit: %d %v", status, out)
	}
	get := func(url, auth string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := httpClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if status, _ := get("http://"+addr+"/metrics", ""); status != http.StatusUnauthorized {
		t.Fatalf("metrics without the token: %d", status)
	}
	status, body := get("http://"+addr+"/metrics", "Bearer "+token)
	if status != http.StatusOK {
		t.Fatalf("metrics: %d %s", status, body)
	}
	for _, want := range []string{
		`minhbach_http_requests_total{method="POST",route="/api/v1/complaints",status="201"} 1`,
		`minhbach_intake_reports_total{channel="web",kind="feedback"} 1`,
		`minhbach_ready_all 1`,
		`minhbach_outbox_pending `,
		`minhbach_reports_open `,
		`go_goroutines `,
		`process_resident_memory_bytes `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the metrics lack %q", want)
		}
	}
	if _, public := get(p.base+"/metrics", "Bearer "+token); strings.Contains(public, "minhbach_") {
		t.Fatal("the public port serves the metrics")
	}
	p.stop(t)
}
