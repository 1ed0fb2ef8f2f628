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

// periodReps is how many timed downloads each format's median is of.
const periodReps = 7

// BenchmarkPeriodReportAtScale fills the counters from 1,000 realistic
// reports and from a larger number (10,000; PORTAL_BENCH_REPORTS=N for
// another) through the catch-up, as BenchmarkStatsAtScale does, a third of
// them concluded with actions, on the embedded portal's queue index. It
// times GET /api/v1/reports/period for the unit's lead over twelve months
// in each format, and for an administrator over the whole portal (CSV),
// each the median of periodReps downloads, and reports the ratio large /
// small of each. The figures read cells (their number follows the
// catalogue and the months); the list of actions reads at most
// services.MaxPeriodActions reports, chosen by the queue index
// (docs/period-report.md).
func BenchmarkPeriodReportAtScale(b *testing.B) {
	large := 10000
	if n, err := strconv.Atoi(os.Getenv("PORTAL_BENCH_REPORTS")); err == nil && n > 1000 {
		large = n
	}
	formats := []string{"xlsx", "csv", "pdf", "all-csv", "cells", "actions"}
	results := map[int]map[string]float64{}
	for _, n := range []int{1000, large} {
		b.Run(fmt.Sprintf("reports=%d", n), func(b *testing.B) {
			r := results[n]
			if r == nil {
				r = map[string]float64{}
				f := newFixture(b, func(o *fixtureOptions) { o.cacheTTL = 30 * time.Second; o.queueIndex = true })
				ctx := context.Background()
				unitCode := "unit-bench"
				unit := f.unit(b, unitCode)
				now := time.Now().UTC()
				batch := make([]services.Case, 0, 500)
				for i := range n {
					c := realisticReport(f.env.Store.NewID(), i, unit, now)
					if c.Status == services.StatusConcluded || c.Status == services.StatusClosed {
						c.Outcome = &services.Outcome{Result: []string{services.OutcomeSubstantiated, services.OutcomePartly, services.OutcomeUnsubstantiated}[i%3],
							Actions: "Kiểm điểm cán bộ tiếp nhận hồ sơ, yêu cầu trả kết quả đúng hạn và hoàn trả khoản tiền đã thu ngoài quy định.",
							Reply:   "Kết quả giải quyết.", ConcludedBy: "lead-1", ConcludedAt: c.CreatedAt.Add(72 * time.Hour)}
					}
					batch = append(batch, c)
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
				r["fold"] = float64(time.Since(start).Nanoseconds()) / float64(n)
				f.mkUser(b, "admin@bench.test", services.RoleAdmin, "")
				f.mkUser(b, "lead@bench.test", services.RoleLead, unitCode)
				admin, lead := f.staffLogin(b, "admin@bench.test", ""), f.staffLogin(b, "lead@bench.test", "")
				vn := now.In(services.VietnamTime)
				rng := "&from=" + vn.AddDate(0, -11, 0).Format("2006-01") + "&to=" + vn.Format("2006-01")
				var a struct{ Total services.Figures }
				f.call(b, admin.access, http.MethodGet, "/api/v1/stats?unit="+unit+rng, "", http.StatusOK, &a)
				if a.Total.Received != int64(n) {
					b.Fatalf("%d reports counted, want %d", a.Total.Received, n)
				}
				median := func(token, path string) float64 {
					var ds []float64
					for i := range periodReps + 1 {
						t0 := time.Now()
						w := f.do(http.MethodGet, path, "", nil, "Authorization", "Bearer "+token)
						if w.Code != http.StatusOK {
							b.Fatalf("%s: %d %s", path, w.Code, w.Body)
						}
						if i > 0 {
							ds = append(ds, float64(time.Since(t0).Nanoseconds()))
						}
					}
					slices.Sort(ds)
					return ds[len(ds)/2]
				}
				for _, format := range formats[:3] {
					r[format] = median(lead.access, "/api/v1/reports/period?scope=unit:"+unit+rng+"&format="+format)
				}
				r["all-csv"] = median(admin.access, "/api/v1/reports/period?scope=all"+rng+"&format=csv")
				// The two kinds of read the report makes, alone: the unit's
				// cells of the months, and the actions of its conclusions.
				var months []string
				for m := vn.AddDate(0, -11, 0); !m.After(vn); m = m.AddDate(0, 1, 0) {
					months = append(months, m.Format("2006-01"))
				}
				from, _ := time.ParseInLocation("2006-01", months[0], services.VietnamTime)
				timed := func(run func() error) float64 {
					var ds []float64
					for range periodReps {
						t0 := time.Now()
						if err := run(); err != nil {
							b.Fatal(err)
						}
						ds = append(ds, float64(time.Since(t0).Nanoseconds()))
					}
					slices.Sort(ds)
					return ds[len(ds)/2]
				}
				r["cells"] = timed(func() error {
					_, err := f.env.Store.FindStatsCells(ctx, append(months, services.NowMonth), unit, "")
					return err
				})
				r["actions"] = timed(func() error {
					acts, err := f.env.Store.FindConcludedActions(ctx, services.ConcludedQuery{Unit: unit, From: from, To: now.Add(time.Hour),
						Limit: services.MaxPeriodActions + 1})
					if len(acts) == 0 {
						b.Fatal("no actions")
					}
					return err
				})
				results[n] = r
			}
			for b.Loop() {
			}
			b.ReportMetric(r["fold"], "fold-ns/report")
			for _, format := range formats {
				b.ReportMetric(r[format], format+"-ns")
			}
		})
	}
	b.Run("ratio", func(b *testing.B) {
		small, big := results[1000], results[large]
		if small == nil || big == nil {
			b.Skip("a size did not run")
		}
		for b.Loop() {
		}
		for _, format := range formats {
			b.ReportMetric(big[format]/small[format], format+"-ratio")
		}
	})
}
