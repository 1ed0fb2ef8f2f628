package handlers_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"minhbach/internal/job"
)

// Label values no metric may ever carry (docs/metrics.md, "Privacy"): a
// tracking code, a hex ObjectID (every id the portal hands out), an e-mail
// address, an IPv4 or IPv6 address.
var (
	forbiddenCode = regexp.MustCompile(`MB-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}`)
	forbiddenID   = regexp.MustCompile(`[0-9a-fA-F]{24}`)
	forbiddenIPv4 = regexp.MustCompile(`\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b`)
	forbiddenIPv6 = regexp.MustCompile(`(?i)(^|[^0-9a-z:])[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7}`)
	metricsToken  = "metrics-token-for-the-test-0123"
)

// scrape reads the metrics as Prometheus does, through the metrics
// listener's handler with its bearer token, and parses them.
func (f *fixture) scrape(t *testing.T) (map[string]*dto.MetricFamily, string) {
	t.Helper()
	h := f.metrics.Mux(metricsToken)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if w.Code != http.StatusUnauthorized {
		t.Fatalf("a scrape without the token: %d", w.Code)
	}
	w = httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+metricsToken+"x")
	h.ServeHTTP(w, req)
	if w.Code != http.StatusUnauthorized {
		t.Fatalf("a scrape with a wrong token: %d", w.Code)
	}
	w = httptest.NewRecorder()
	req = httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+metricsToken)
	h.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		t.Fatalf("scrape: %d %s", w.Code, w.Body)
	}
	body := w.Body.String()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("the scrape does not parse: %v\n%s", err, body)
	}
	return fams, body
}

// sample finds the value of the series of name whose labels include want
// (a histogram's sample count), and whether there is one.
func sample(fams map[string]*dto.MetricFamily, name string, want map[string]string) (float64, bool) {
	fam := fams[name]
	if fam == nil {
		return 0, false
	}
	total, found := 0.0, false
next:
	for _, m := range fam.GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if labels[k] != v {
				continue next
			}
		}
		found = true
		switch {
		case m.Counter != nil:
			total += m.GetCounter().GetValue()
		case m.Gauge != nil:
			total += m.GetGauge().GetValue()
		case m.Histogram != nil:
			total += float64(m.GetHistogram().GetSampleCount())
		}
	}
	return total, found
}

// TestMetricsAfterAWorkload files reports through the real handlers, asks
// for a report that does not exist, lets the sweep flag one overdue and the
// outbox deliver, runs jobs, then scrapes the metrics: the series are there
// with sensible values, and no label value is a tracking code, an id, an
// e-mail address or an IP address.
func TestMetricsAfterAWorkload(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	st := f.storyStaff(t)
	r, c := f.fileCase(t, "complaint") // named, with an e-mail address
	png := samplePNG(t, 4, 4)
	if w, _ := f.submitFiles(t, validFeedback, upload{"anh.png", png}); w.Code != http.StatusCreated {
		t.Fatalf("filing with a file: %d %s", w.Code, w.Body)
	}
	f.call(t, st.inspector.access, http.MethodGet, "/api/v1/cases/"+c.ID, "", http.StatusOK, nil)
	// A report taken at a reception day, and a filing refused.
	f.call(t, st.inspector.access, http.MethodPost, "/api/v1/cases", onBehalf("reception"), http.StatusCreated, nil)
	f.call(t, "", http.MethodPost, "/api/v1/complaints", `{"kind":"feedback"}`, http.StatusBadRequest, nil)
	missing := "0123456789abcdef01234567"
	f.call(t, st.inspector.access, http.MethodGet, "/api/v1/cases/"+missing, "", http.StatusNotFound, nil)
	if w := f.do(http.MethodGet, "/api/v1/nothing/"+r.TrackingCode, "", nil, "X-Forwarded-For", "203.0.113.9"); w.Code != http.StatusNotFound {
		t.Fatalf("unknown API path: %d", w.Code)
	}
	f.do("BREW", "/api/v1/cases/"+c.ID, "", nil)
	f.do(http.MethodGet, "/track/"+r.TrackingCode, "", nil)
	if w := f.do(http.MethodGet, "/metrics", "", nil); strings.Contains(w.Body.String(), "minhbach_") {
		t.Fatalf("the public port serves the metrics: %d", w.Code)
	}

	// Past the acceptance deadline the sweep flags the report overdue and
	// queues the lead's mail; the statistics fold it.
	f.clock.set(time.Until(c.DueAt) + time.Hour)
	swept, err := f.Sweeper.Sweep(ctx)
	if err != nil || swept.Overdue < 1 {
		t.Fatalf("sweep: %+v %v", swept, err)
	}
	if err := f.Stats.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}

	// Jobs: one that runs, one cut short by its lease, one refused because
	// another process holds the lease.
	runner := &job.Runner{Leases: f.store, Holder: job.NewHolder(), Observe: f.metrics.ObserveJob}
	if _, err := runner.RunOnce(ctx, "sweep", time.Minute, func(context.Context) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := runner.RunOnce(ctx, "slow", 50*time.Millisecond, func(ctx context.Context) error {
		<-ctx.Done()
		return ctx.Err()
	}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("the slow job: %v", err)
	}
	if ok, err := f.store.AcquireLease(ctx, "reaper", "another-process", time.Now(), time.Hour); !ok || err != nil {
		t.Fatalf("lease for another process: %v %v", ok, err)
	}
	if ran, err := runner.RunOnce(ctx, "reaper", time.Minute, func(context.Context) error { return nil }); ran || err != nil {
		t.Fatalf("the reaper ran (%v, %v) under another's lease", ran, err)
	}

	fams, _ := f.scrape(t)
	want := func(name string, labels map[string]string, ok func(float64) bool, what string) {
		t.Helper()
		v, found := sample(fams, name, labels)
		if !found || !ok(v) {
			t.Errorf("%s%v = %v (found %v), want %s", name, labels, v, found, what)
		}
	}
	atLeast := func(n float64) func(float64) bool { return func(v float64) bool { return v >= n } }
	exactly := func(n float64) func(float64) bool { return func(v float64) bool { return v == n } }
	want("minhbach_http_requests_total", map[string]string{"route": "/api/v1/complaints", "method": "POST", "status": "201"}, exactly(2), "2 filings")
	want("minhbach_http_requests_total", map[string]string{"route": "/api/v1/cases/:id", "method": "GET", "status": "200"}, exactly(1), "1")
	want("minhbach_http_requests_total", map[string]string{"route": "/api/v1/cases/:id", "method": "GET", "status": "404"}, exactly(1), "the 404 under its template")
	want("minhbach_http_requests_total", map[string]string{"route": "(unmatched)", "method": "GET", "status": "404"}, atLeast(1), "the unknown path, unmatched")
	want("minhbach_http_requests_total", map[string]string{"route": "(unmatched)", "method": "other"}, exactly(1), "the made-up method as other")
	want("minhbach_http_request_duration_seconds", map[string]string{"route": "/api/v1/complaints", "method": "POST"}, exactly(3), "3 observations (the refusal too)")
	want("minhbach_intake_reports_total", map[string]string{"kind": "complaint", "channel": "web"}, exactly(1), "1")
	want("minhbach_intake_reports_total", map[string]string{"kind": "feedback", "channel": "web"}, exactly(1), "1")
	want("minhbach_intake_reports_total", map[string]string{"kind": "denunciation", "channel": "reception"}, exactly(1), "the reception day's")
	want("minhbach_http_refusals_total", map[string]string{"route": "/api/v1/complaints", "reason": "fields_invalid"}, exactly(1), "the refused filing")
	want("minhbach_http_refusals_total", map[string]string{"route": "/api/v1/cases/:id", "reason": "report_not_found"}, exactly(1), "the 404")
	want("minhbach_intake_report_evidence_bytes_total", map[string]string{"kind": "feedback"}, exactly(float64(len(png))), "the file's size")
	want("minhbach_intake_files_total", map[string]string{"source": "report", "type": "image/png", "scan": "not_scanned"}, exactly(1), "1")
	want("minhbach_intake_file_bytes_total", map[string]string{"type": "image/png"}, exactly(float64(len(png))), "the file's size")
	want("minhbach_reports_overdue", nil, exactly(float64(swept.Overdue)), "the reports the sweep flagged")
	want("minhbach_reports_open", nil, exactly(3), "the three reports")
	want("minhbach_outbox_pending", nil, atLeast(1), "the lead's overdue mail")
	want("minhbach_ready", map[string]string{"check": "mongodb"}, exactly(1), "up")
	want("minhbach_ready", map[string]string{"check": "objectStore"}, exactly(1), "up")
	want("minhbach_ready_all", nil, exactly(1), "ready")
	want("minhbach_job_runs_total", map[string]string{"job": "sweep", "result": "ok"}, exactly(1), "1")
	want("minhbach_job_runs_total", map[string]string{"job": "slow", "result": "error"}, exactly(1), "1")
	want("minhbach_job_runs_total", map[string]string{"job": "reaper", "result": "skipped"}, exactly(1), "1")
	want("minhbach_job_lease_losses_total", map[string]string{"job": "slow"}, exactly(1), "the run its lease cut short")
	want("minhbach_job_duration_seconds", map[string]string{"job": "sweep"}, exactly(1), "1 observation")
	want("go_goroutines", nil, atLeast(1), "the Go runtime")
	if _, ok := fams["minhbach_job_lease_losses_total"]; ok {
		if v, _ := sample(fams, "minhbach_job_lease_losses_total", map[string]string{"job": "sweep"}); v != 0 {
			t.Errorf("a run that finished in time counted as a lease loss")
		}
	}
	if h := fams["minhbach_http_request_duration_seconds"]; h == nil || len(h.GetMetric()[0].GetHistogram().GetBucket()) < 10 {
		t.Errorf("the latency histogram has no buckets: %v", h)
	}

	// The outbox delivers (no mailer: logged, counted as sent).
	sent, _, err := f.Notifier.DeliverDue(ctx)
	if err != nil || sent == 0 {
		t.Fatalf("deliver: %d %v", sent, err)
	}
	fams, body := f.scrape(t)
	if v, _ := sample(fams, "minhbach_outbox_deliveries_total", map[string]string{"kind": "overdue", "result": "sent"}); v < 1 {
		t.Errorf("deliveries of the overdue mail: %v", v)
	}

	// Privacy: no label value carries a code, an id, an address.
	for name, fam := range fams {
		for _, m := range fam.GetMetric() {
			for _, l := range m.GetLabel() {
				v := l.GetValue()
				if forbiddenCode.MatchString(v) || forbiddenID.MatchString(v) || strings.Contains(v, "@") ||
					forbiddenIPv4.MatchString(v) || forbiddenIPv6.MatchString(v) {
					t.Errorf("%s{%s=%q}: a forbidden label value", name, l.GetName(), v)
				}
			}
		}
	}
	for _, secret := range []string{r.TrackingCode, c.ID, missing, "bich.tran", "203.0.113.9", "192.0.2.1"} {
		if strings.Contains(body, secret) {
			t.Errorf("the metrics name %q", secret)
		}
	}
}

// TestMetricsPrivacyPatternsCatch makes sure the privacy check above can
// fail: each pattern catches what it is for.
func TestMetricsPrivacyPatternsCatch(t *testing.T) {
	for _, v := range []string{"MB-7K3Q-X9PA", "/api/v1/cases/65f1c2d3e4f5a6b7c8d9e0f1", "a@b.vn", "10.1.2.3", "::1", "2001:db8::7"} {
		if !forbiddenCode.MatchString(v) && !forbiddenID.MatchString(v) && !strings.Contains(v, "@") &&
			!forbiddenIPv4.MatchString(v) && !forbiddenIPv6.MatchString(v) {
			t.Errorf("%q passes the privacy check", v)
		}
	}
	for _, v := range []string{"/api/v1/cases/:id", "/api/v1/cases/:id/extensions/:eid/decision", "(unmatched)", "0.005", "go1.26.8", "image/png", "200"} {
		if forbiddenCode.MatchString(v) || forbiddenID.MatchString(v) || forbiddenIPv4.MatchString(v) || forbiddenIPv6.MatchString(v) {
			t.Errorf("%q is refused by the privacy check", v)
		}
	}
}
