// Package metrics keeps the portal's Prometheus metrics (docs/metrics.md) in
// a registry of its own and serves them.
//
// Privacy rule: a label value is always taken from a closed vocabulary the
// code defines — a route template, an HTTP method, a status code, a report
// kind, a MIME type decided by content, a scan result, a notification kind, a
// job name, a dependency name. Never a raw path, a tracking code, an id, an
// e-mail address or a client address. The methods below take exactly those
// values; handlers_test scrapes the metrics after a workload and checks it.
package metrics

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"minhbach/internal/job"
	"minhbach/services"
)

// Namespace prefixes every metric of the portal's own.
const Namespace = "minhbach"

// Unmatched is the route label of a request no route matched (the web app's
// pages, unknown paths): never the raw path.
const Unmatched = "(unmatched)"

// Metrics is the portal's registry and the metrics in it. Build one with
// New where the portal is assembled and pass it down; its methods are safe
// for concurrent use, and a nil *Metrics records nothing.
type Metrics struct {
	reg *prometheus.Registry

	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	refusals *prometheus.CounterVec

	reports     *prometheus.CounterVec
	reportBytes *prometheus.CounterVec
	files       *prometheus.CounterVec
	fileBytes   *prometheus.CounterVec

	deliveries *prometheus.CounterVec

	jobRuns     *prometheus.CounterVec
	jobDuration *prometheus.HistogramVec
	leaseLosses *prometheus.CounterVec
	jobSuccess  *prometheus.GaugeVec

	gaugeErrs *prometheus.CounterVec
}

// New makes a registry with the portal's metrics and the Go runtime and
// process collectors.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Subsystem: "http", Name: "requests_total",
		Help: "HTTP requests answered, by route template (\"(unmatched)\" for none), method and status."},
		[]string{"route", "method", "status"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: Namespace, Subsystem: "http", Name: "request_duration_seconds",
		Help:    "Time to answer HTTP requests, by route template and method.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 120}},
		[]string{"route", "method"})
	m.refusals = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Subsystem: "http", Name: "refusals_total",
		Help: "Requests refused with an error, by route template and the API's reason (services/reasons.go): why filings and other writes fail."},
		[]string{"route", "reason"})
	m.reports = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Subsystem: "intake", Name: "reports_total",
		Help: "Reports filed (appeals included), by kind and channel."}, []string{"kind", "channel"})
	m.reportBytes = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Subsystem: "intake", Name: "report_evidence_bytes_total",
		Help: "Bytes of evidence filed with reports, by kind and channel."}, []string{"kind", "channel"})
	m.files = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Subsystem: "intake", Name: "files_total",
		Help: "Evidence files kept, by what they came with (source), type decided by content and scan result."},
		[]string{"source", "type", "scan"})
	m.fileBytes = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Subsystem: "intake", Name: "file_bytes_total",
		Help: "Bytes of evidence files kept, by source and type."}, []string{"source", "type"})
	m.deliveries = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Subsystem: "outbox", Name: "deliveries_total",
		Help: "Notification delivery attempts, by kind and result (sent, failed: tried again later, abandoned: given up, dropped: no address)."},
		[]string{"kind", "result"})
	m.jobRuns = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Subsystem: "job", Name: "runs_total",
		Help: "Background job attempts, by job and result (ok, error, skipped: another process holds the lease)."},
		[]string{"job", "result"})
	m.jobDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: Namespace, Subsystem: "job", Name: "duration_seconds",
		Help:    "Duration of the background jobs' runs (the statistics job runs for its whole lease term).",
		Buckets: []float64{.01, .05, .1, .5, 1, 5, 15, 30, 60, 120, 300, 600}}, []string{"job"})
	m.leaseLosses = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Subsystem: "job", Name: "lease_losses_total",
		Help: "Runs still going when their lease ran out (cut short; another process may have taken over)."}, []string{"job"})
	m.jobSuccess = prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: Namespace, Subsystem: "job", Name: "last_success_timestamp_seconds",
		Help: "When a run of the job last finished without error in this process (Unix time)."}, []string{"job"})
	m.gaugeErrs = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Name: "gauge_read_errors_total",
		Help: "Failed reads of the gauges read at scrape time, by gauge."}, []string{"gauge"})
	m.reg.MustRegister(m.gaugeErrs, m.requests, m.latency, m.refusals, m.reports, m.reportBytes, m.files, m.fileBytes, m.deliveries,
		m.jobRuns, m.jobDuration, m.leaseLosses, m.jobSuccess,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry is the registry the metrics are in (for tests and extra
// collectors).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// methods are the HTTP methods counted by name; any other is "other", so
// that a client cannot make up label values.
var methods = map[string]bool{http.MethodGet: true, http.MethodHead: true, http.MethodPost: true, http.MethodPut: true,
	http.MethodPatch: true, http.MethodDelete: true, http.MethodOptions: true}

// ObserveRefusal records a request refused with reason (one of the API's
// reasons; any other counts as "internal"). route is as ObserveRequest's.
func (m *Metrics) ObserveRefusal(route string, reason services.Reason) {
	if m == nil {
		return
	}
	if route == "" {
		route = Unmatched
	}
	if !reason.Known() {
		reason = services.ReasonInternal
	}
	m.refusals.WithLabelValues(route, string(reason)).Inc()
}

// ObserveRequest records one answered request. route must be a route
// template (gin's FullPath) or "" for none, never the raw path.
func (m *Metrics) ObserveRequest(route, method string, status int, took time.Duration) {
	if m == nil {
		return
	}
	if route == "" {
		route = Unmatched
	}
	if !methods[method] {
		method = "other"
	}
	if status < 100 || status > 599 {
		status = 0
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route, method).Observe(took.Seconds())
}

// ReportFiled implements services.Observer.
func (m *Metrics) ReportFiled(kind services.Kind, channel string, evidenceBytes int64) {
	if m == nil {
		return
	}
	m.reports.WithLabelValues(string(kind), channel).Inc()
	m.reportBytes.WithLabelValues(string(kind), channel).Add(float64(evidenceBytes))
}

// FileKept implements services.Observer.
func (m *Metrics) FileKept(source, mediaType, scan string, size int64) {
	if m == nil {
		return
	}
	m.files.WithLabelValues(source, mediaType, scan).Inc()
	m.fileBytes.WithLabelValues(source, mediaType).Add(float64(size))
}

// NotificationDelivered implements services.Observer.
func (m *Metrics) NotificationDelivered(kind services.NotificationKind, result string) {
	if m == nil {
		return
	}
	m.deliveries.WithLabelValues(string(kind), result).Inc()
}

// ObserveJob records one attempt of a background job (job.Runner's
// Observe).
func (m *Metrics) ObserveJob(r job.Run) { m.observeJob(r, false) }

// ObserveTermJob is ObserveJob for a job whose runs last their whole lease
// by design (the statistics' folding): the lease running out is its normal
// end, not a loss.
func (m *Metrics) ObserveTermJob(r job.Run) { m.observeJob(r, true) }

func (m *Metrics) observeJob(r job.Run, term bool) {
	if m == nil {
		return
	}
	switch {
	case !r.Ran && r.Err == nil:
		m.jobRuns.WithLabelValues(r.Job, "skipped").Inc()
		return
	case r.Err != nil:
		m.jobRuns.WithLabelValues(r.Job, "error").Inc()
	default:
		m.jobRuns.WithLabelValues(r.Job, "ok").Inc()
		m.jobSuccess.WithLabelValues(r.Job).SetToCurrentTime()
	}
	if !r.Ran {
		return
	}
	m.jobDuration.WithLabelValues(r.Job).Observe(r.Took.Seconds())
	if r.LeaseLost && !term {
		m.leaseLosses.WithLabelValues(r.Job).Inc()
	}
}

// Gauge is a value read when the metrics are scraped, at most once every
// MaxAge: Read must be cheap (a count of a small collection, the counters'
// "now" cells), never a scan of the reports.
type Gauge struct {
	Name, Help string
	Read       func(ctx context.Context) (float64, error)
	// MaxAge is how long a value read is reused (0: read at every scrape).
	MaxAge time.Duration
}

// AddGauge registers a gauge read at scrape time. A failed read drops the
// series from that scrape (and counts the failure in
// minhbach_gauge_read_errors_total), so that alerts see it absent rather
// than a stale value.
func (m *Metrics) AddGauge(g Gauge) {
	m.reg.MustRegister(&sampled{g: g, desc: prometheus.NewDesc(prometheus.BuildFQName(Namespace, "", g.Name), g.Help, nil, nil),
		errs: m.gaugeErrs})
}

// gaugeMaxAge is how long a value the gauges read at scrape time is
// reused: several Prometheus servers scraping every few seconds then cost
// one read.
const gaugeMaxAge = 15 * time.Second

// Sources are what the gauges read at scrape time. Each must be cheap
// whatever the number of reports.
type Sources struct {
	// OutboxPending counts the notifications waiting to be delivered (the
	// small list of pending ones, not the outbox's history).
	OutboxPending func(ctx context.Context) (int64, error)
	// NowTotals reads the reports open and overdue now from the statistics
	// counters' "now" cells (services.StatsView.NowTotals), never by a
	// scan of the reports.
	NowTotals func(ctx context.Context) (open, overdue int64, err error)
	// Ready are the checks of GET /readyz.
	Ready []Check
}

// Watch registers the gauges read at scrape time: minhbach_outbox_pending,
// minhbach_reports_open, minhbach_reports_overdue, minhbach_ready{check}
// and minhbach_ready_all.
func (m *Metrics) Watch(s Sources) {
	m.AddGauge(Gauge{Name: "outbox_pending", MaxAge: gaugeMaxAge,
		Help: "Notifications waiting to be delivered (the outbox's depth), failed ones waiting for their next attempt included.",
		Read: func(ctx context.Context) (float64, error) {
			n, err := s.OutboxPending(ctx)
			return float64(n), err
		}})
	now := func(overdue bool) func(ctx context.Context) (float64, error) {
		return func(ctx context.Context) (float64, error) {
			open, late, err := s.NowTotals(ctx)
			if overdue {
				return float64(late), err
			}
			return float64(open), err
		}
	}
	m.AddGauge(Gauge{Name: "reports_open", MaxAge: gaugeMaxAge, Read: now(false),
		Help: "Reports open now, from the statistics counters' now cells (they lag the writes by the folding's delay)."})
	m.AddGauge(Gauge{Name: "reports_overdue", MaxAge: gaugeMaxAge, Read: now(true),
		Help: "Open reports flagged overdue by the deadline sweep, from the statistics counters' now cells."})
	m.AddReadiness(s.Ready, 5*time.Second)
}

// Check is a dependency the readiness gauge checks.
type Check struct {
	Name  string
	Check func(ctx context.Context) error
}

// AddReadiness registers minhbach_ready{check}: 1 when the dependency
// answers at scrape time, 0 when not (what GET /readyz checks), and
// minhbach_ready_all, 1 when every one does.
func (m *Metrics) AddReadiness(checks []Check, maxAge time.Duration) {
	m.reg.MustRegister(&readiness{checks: checks, maxAge: maxAge,
		one: prometheus.NewDesc(prometheus.BuildFQName(Namespace, "", "ready"), "Whether a dependency answers its readiness check (1) or not (0), as GET /readyz checks it.", []string{"check"}, nil),
		all: prometheus.NewDesc(prometheus.BuildFQName(Namespace, "", "ready_all"), "Whether every readiness check passes (1) or not (0): GET /readyz answers 200 or 503.", nil, nil)})
}

// readTimeout bounds a gauge's read or a readiness check at scrape time.
const readTimeout = 3 * time.Second

// sampled is a Gauge as a collector, with its last value cached.
type sampled struct {
	g    Gauge
	desc *prometheus.Desc
	errs *prometheus.CounterVec

	mu   sync.Mutex
	at   time.Time
	val  float64
	okay bool
}

func (s *sampled) Describe(ch chan<- *prometheus.Desc) { ch <- s.desc }

func (s *sampled) Collect(ch chan<- prometheus.Metric) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.at.IsZero() || time.Since(s.at) >= s.g.MaxAge {
		ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
		v, err := s.g.Read(ctx)
		cancel()
		s.at, s.val, s.okay = time.Now(), v, err == nil
		if err != nil {
			s.errs.WithLabelValues(s.g.Name).Inc()
		}
	}
	if s.okay {
		ch <- prometheus.MustNewConstMetric(s.desc, prometheus.GaugeValue, s.val)
	}
}

// readiness runs the readiness checks at scrape time.
type readiness struct {
	checks   []Check
	maxAge   time.Duration
	one, all *prometheus.Desc

	mu sync.Mutex
	at time.Time
	up []bool
}

func (r *readiness) Describe(ch chan<- *prometheus.Desc) { ch <- r.one; ch <- r.all }

func (r *readiness) Collect(ch chan<- prometheus.Metric) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.at.IsZero() || time.Since(r.at) >= r.maxAge {
		ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
		r.up = r.up[:0]
		for _, c := range r.checks {
			r.up = append(r.up, c.Check(ctx) == nil)
		}
		cancel()
		r.at = time.Now()
	}
	all := 1.0
	for i, c := range r.checks {
		v := 0.0
		if r.up[i] {
			v = 1
		} else {
			all = 0
		}
		ch <- prometheus.MustNewConstMetric(r.one, prometheus.GaugeValue, v, c.Name)
	}
	ch <- prometheus.MustNewConstMetric(r.all, prometheus.GaugeValue, all)
}

// Handler serves the metrics in the Prometheus text (or OpenMetrics)
// format. A non-empty token must come as "Authorization: Bearer <token>"
// (compared in constant time); otherwise the answer is 401.
func (m *Metrics) Handler(token string) http.Handler {
	h := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
	if token == "" {
		return h
	}
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := []byte(r.Header.Get("Authorization"))
		if subtle.ConstantTimeCompare(got, want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// Mux serves Handler(token) at /metrics and 404 elsewhere: what the
// separate metrics listener answers.
func (m *Metrics) Mux(token string) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler(token))
	return mux
}
