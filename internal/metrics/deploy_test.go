package metrics_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"minhbach/internal/job"
	"minhbach/internal/metrics"
	"minhbach/services"
)

// families returns the names of every metric family the registry exports
// once each metric has a series.
func families(t *testing.T) map[string]bool {
	t.Helper()
	m := metrics.New()
	m.ObserveRequest("/api/v1/complaints", "POST", 201, time.Millisecond)
	m.ObserveRefusal("/api/v1/complaints", services.ReasonFieldsInvalid)
	m.ReportFiled(services.KindComplaint, services.ChannelWeb, 10)
	m.FileKept(services.SourceReport, "image/png", services.ScanClean, 10)
	m.NotificationDelivered(services.NotifyKindOverdue, services.DeliverySent)
	m.ObserveJob(job.Run{Job: "outbox", Ran: true, Took: time.Second})
	m.ObserveJob(job.Run{Job: "reaper", Ran: true, LeaseLost: true})
	m.Watch(metrics.Sources{
		OutboxPending: func(context.Context) (int64, error) { return 3, nil },
		NowTotals:     func(context.Context) (int64, int64, error) { return 5, 2, nil },
		Ready:         []metrics.Check{{Name: "mongodb", Check: func(context.Context) error { return nil }}},
	})
	fams, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, f := range fams {
		out[f.GetName()] = true
	}
	return out
}

var metricName = regexp.MustCompile(`\b(?:minhbach|go|process)_[a-zA-Z0-9_]+`)

// checkNames fails for every metric expr names that the registry does not
// export (a histogram's _bucket, _sum and _count series count as its own).
func checkNames(t *testing.T, where, expr string, fams map[string]bool) {
	t.Helper()
	names := metricName.FindAllString(expr, -1)
	if len(names) == 0 && !strings.Contains(expr, "up{") {
		t.Errorf("%s: %q names no metric", where, expr)
	}
	for _, n := range names {
		base := n
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			if b, ok := strings.CutSuffix(n, suffix); ok && fams[b] {
				base = b
			}
		}
		if !fams[base] {
			t.Errorf("%s: %q uses %s, which the portal does not export", where, expr, n)
		}
	}
}

// TestGrafanaDashboardUsesExportedMetrics parses deploy/grafana/minhbach.json
// and checks every query's metric names against the registry.
func TestGrafanaDashboardUsesExportedMetrics(t *testing.T) {
	fams := families(t)
	b, err := os.ReadFile("../../deploy/grafana/minhbach.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Title  string
		UID    string
		Panels []struct {
			Title   string
			Type    string
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatalf("the dashboard is not valid JSON: %v", err)
	}
	queries := 0
	for _, p := range dash.Panels {
		if p.Type != "row" && len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, q := range p.Targets {
			checkNames(t, "panel "+p.Title, q.Expr, fams)
			queries++
		}
	}
	if dash.UID == "" || queries < 10 {
		t.Fatalf("dashboard %q: uid %q, %d queries", dash.Title, dash.UID, queries)
	}
	for _, want := range []string{"minhbach_http_requests_total", "minhbach_reports_overdue", "minhbach_outbox_deliveries_total",
		"minhbach_job_runs_total", "minhbach_intake_reports_total", "minhbach_intake_files_total", "go_goroutines"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the dashboard does not show %s", want)
		}
	}
}

// TestAlertRulesUseExportedMetrics parses deploy/prometheus/alerts.yml as
// Prometheus rule groups and checks every rule's metric names, and that the
// three alerts the operations need are there.
func TestAlertRulesUseExportedMetrics(t *testing.T) {
	fams := families(t)
	b, err := os.ReadFile("../../deploy/prometheus/alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	var rules struct {
		Groups []struct {
			Name  string
			Rules []struct {
				Alert       string
				Expr        string
				For         string
				Labels      map[string]string
				Annotations map[string]string
			}
		}
	}
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&rules); err != nil {
		t.Fatalf("alerts.yml does not parse as rule groups: %v", err)
	}
	seen := map[string]bool{}
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			seen[r.Alert] = true
			if r.Alert == "" || r.Expr == "" || r.Labels["severity"] == "" || r.Annotations["summary"] == "" {
				t.Errorf("rule %+v lacks a name, expression, severity or summary", r)
			}
			if r.For != "" {
				if _, err := time.ParseDuration(r.For); err != nil {
					t.Errorf("%s: for %q: %v", r.Alert, r.For, err)
				}
			}
			checkNames(t, "alert "+r.Alert, r.Expr, fams)
		}
	}
	for _, want := range []string{"MinhBachOverdueGrowing", "MinhBachOutboxFailing", "MinhBachNotReady"} {
		if !seen[want] {
			t.Errorf("alerts.yml lacks %s", want)
		}
	}
}

// TestHandlerToken: with a token the metrics need it, compared exactly.
func TestHandlerToken(t *testing.T) {
	m := metrics.New()
	for _, c := range []struct {
		token, header string
		want          int
	}{
		{"", "", 200},
		{"a-long-metrics-token", "", 401},
		{"a-long-metrics-token", "Bearer a-long-metrics-toke", 401},
		{"a-long-metrics-token", "Bearer a-long-metrics-token ", 401},
		{"a-long-metrics-token", "bearer a-long-metrics-token", 401},
		{"a-long-metrics-token", "Bearer a-long-metrics-token", 200},
	} {
		got := serve(t, m, c.token, "/metrics", c.header)
		if got != c.want {
			t.Errorf("token %q, Authorization %q: %d, want %d", c.token, c.header, got, c.want)
		}
	}
	if got := serve(t, m, "", "/", ""); got != 404 {
		t.Errorf("/ on the metrics listener: %d", got)
	}
}

// TestGaugeReadFailureDropsTheSeries: a gauge whose read fails is absent
// from that scrape (never a stale or zero value) and the failure counted.
func TestGaugeReadFailureDropsTheSeries(t *testing.T) {
	m := metrics.New()
	fail := true
	m.AddGauge(metrics.Gauge{Name: "test_gauge", Help: "test", Read: func(context.Context) (float64, error) {
		if fail {
			return 0, errors.New("down")
		}
		return 7, nil
	}})
	has := func() bool {
		fams, err := m.Registry().Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fams {
			if f.GetName() == "minhbach_test_gauge" {
				return f.GetMetric()[0].GetGauge().GetValue() == 7
			}
		}
		return false
	}
	if has() {
		t.Fatal("a failed read was exported")
	}
	fail = false
	if !has() {
		t.Fatal("a good read was not exported")
	}
}

func serve(t *testing.T, m *metrics.Metrics, token, path, auth string) int {
	t.Helper()
	w := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodGet, path, nil)
	if auth != "" {
		r.Header.Set("Authorization", auth)
	}
	m.Mux(token).ServeHTTP(w, r)
	return w.Code
}
