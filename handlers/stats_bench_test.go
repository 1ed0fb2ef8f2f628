package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"minhbach/services"
)

// BenchmarkStatsAtScale fills the counters from 1,000 realistic reports and
// from a larger number (10,000; PORTAL_BENCH_REPORTS=N for another) through
// the counter path — the reports stored, then the catch-up that builds the
// counters folds every one — and times GET /api/v1/stats for an
// administrator (every unit, by month) and for a unit's lead, and the
// public figures (GET /api/v1/stats/public by month, and by province). It reports the
// fold's time per report, each call's median of costReps runs, and the
// ratio of the calls' medians large/small ("ratio"), which should stay
// near 1: a call reads cells, whose number follows the catalogue and the
// months, never the reports (docs/statistics.md).
func BenchmarkStatsAtScale(b *testing.B) {
	large := 10000
	if n, err := strconv.Atoi(os.Getenv("PORTAL_BENCH_REPORTS")); err == nil && n > 1000 {
		large = n
	}
	type result struct{ foldPerReport, admin, unit, public, publicBy float64 }
	results := map[int]*result{}
	for _, n := range []int{1000, large} {
		b.Run(fmt.Sprintf("reports=%d", n), func(b *testing.B) {
			r := results[n]
			if r == nil {
				r = &result{}
				f := newFixture(b, func(o *fixtureOptions) { o.cacheTTL = 30 * time.Second })
				ctx := context.Background()
				unitCode := "unit-bench"
				unit := f.unit(b, unitCode)
				now := time.Now().UTC()
				batch := make([]services.Case, 0, 500)
				for i := range n {
					batch = append(batch, realisticReport(f.env.Store.NewID(), i, unit, now))
					if len(batch) == cap(batch) || i == n-1 {
						if err := f.env.Store.BulkInsertCases(ctx, batch); err != nil {
							b.Fatal(err)
						}
						batch = batch[:0]
					}
				}
				start := time.Now()
				if err := f.Stats.CatchUp(ctx); err != nil {
					b.Fatal(err)
				}
				r.foldPerReport = float64(time.Since(start).Nanoseconds()) / float64(n)
				f.mkUser(b, "admin@bench.test", services.RoleAdmin, "")
				f.mkUser(b, "lead@bench.test", services.RoleLead, unitCode)
				admin, lead := f.staffLogin(b, "admin@bench.test", ""), f.staffLogin(b, "lead@bench.test", "")
				var a struct{ Total services.Figures }
				f.call(b, admin.access, http.MethodGet, "/api/v1/stats?monthly=true", "", http.StatusOK, &a)
				if a.Total.Received != int64(n) {
					b.Fatalf("%d reports counted, want %d", a.Total.Received, n)
				}
				median := func(token, path string) float64 {
					var ds []float64
					for i := range costReps + 1 {
						t0 := time.Now()
						f.call(b, token, http.MethodGet, path, "", http.StatusOK, nil)
						if i > 0 {
							ds = append(ds, float64(time.Since(t0).Nanoseconds()))
						}
					}
					slices.Sort(ds)
					return ds[len(ds)/2]
				}
				r.admin = median(admin.access, "/api/v1/stats?monthly=true")
				r.unit = median(lead.access, "/api/v1/stats?kind=complaint")
				r.public = median("", "/api/v1/stats/public?monthly=true")
				r.publicBy = median("", "/api/v1/stats/public?by=province")
				results[n] = r
			}
			for b.Loop() {
			}
			b.ReportMetric(r.foldPerReport, "fold-ns/report")
			b.ReportMetric(r.admin, "admin-monthly-ns")
			b.ReportMetric(r.unit, "unit-ns")
			b.ReportMetric(r.public, "public-monthly-ns")
			b.ReportMetric(r.publicBy, "public-by-province-ns")
		})
	}
	b.Run("ratio", func(b *testing.B) {
		small, big := results[1000], results[large]
		if small == nil || big == nil {
			b.Skip("a size did not run")
		}
		for b.Loop() {
		}
		b.ReportMetric(big.admin/small.admin, "admin-monthly-ratio")
		b.ReportMetric(big.unit/small.unit, "unit-ratio")
		b.ReportMetric(big.public/small.public, "public-monthly-ratio")
		b.ReportMetric(big.publicBy/small.publicBy, "public-by-province-ratio")
		b.ReportMetric(big.foldPerReport/small.foldPerReport, "fold-per-report-ratio")
	})
}
