package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"minhbach/services"
)

// periodReps is how many timed downloads each format's median is of.
const periodReps = 15

// periodBenchWorld is one portal of the period report's benchmark, filled.
type periodBenchWorld struct {
	f               *fixture
	unit, rng       string
	lead, admin     string
	months          []string
	from, now       time.Time
	foldNsPerReport float64
}

// fillPeriodBenchWorld files n realistic reports into one unit, a third of
// them concluded with actions, and folds them through the catch-up.
func fillPeriodBenchWorld(b *testing.B, n int) *periodBenchWorld {
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
	w := &periodBenchWorld{f: f, unit: unit, now: now, foldNsPerReport: float64(time.Since(start).Nanoseconds()) / float64(n)}
	f.mkUser(b, "admin@bench.test", services.RoleAdmin, "")
	f.mkUser(b, "lead@bench.test", services.RoleLead, unitCode)
	w.admin, w.lead = f.staffLogin(b, "admin@bench.test", "").access, f.staffLogin(b, "lead@bench.test", "").access
	vn := now.In(services.VietnamTime)
	w.rng = "&from=" + vn.AddDate(0, -11, 0).Format("2006-01") + "&to=" + vn.Format("2006-01")
	var a struct{ Total services.Figures }
	f.call(b, w.admin, http.MethodGet, "/api/v1/stats?unit="+unit+w.rng, "", http.StatusOK, &a)
	if a.Total.Received != int64(n) {
		b.Fatalf("%d reports counted, want %d", a.Total.Received, n)
	}
	for m := vn.AddDate(0, -11, 0); !m.After(vn); m = m.AddDate(0, 1, 0) {
		w.months = append(w.months, m.Format("2006-01"))
	}
	w.from, _ = time.ParseInLocation("2006-01", w.months[0], services.VietnamTime)
	return w
}

// BenchmarkPeriodReportAtScale fills the counters from 1,000 realistic
// reports and from a larger number (10,000; PORTAL_BENCH_REPORTS=N for
// another) through the catch-up, as BenchmarkStatsAtScale does, a third of
// them concluded with actions, on the embedded portal's queue index. Both
// portals are filled first and then timed in turn, one download of each
// after the other, so that the ratio compares the two sizes under the same
// conditions (the same process, heap and machine load). It times GET
// /api/v1/reports/period for the unit's lead over twelve months in each
// format, and for an administrator over the whole portal (CSV), each the
// median of periodReps downloads (each started after a collection), and the two kinds of read the report
// makes alone: the unit's cells, and the actions of its conclusions. It
// reports the ratio large / small of each. The figures read cells (their
// number follows the catalogue and the months); the list of actions reads
// at most services.MaxPeriodActions reports, chosen by the queue index
// (docs/period-report.md).
func BenchmarkPeriodReportAtScale(b *testing.B) {
	large := 10000
	if n, err := strconv.Atoi(os.Getenv("PORTAL_BENCH_REPORTS")); err == nil && n > 1000 {
		large = n
	}
	sizes := []int{1000, large}
	worlds := []*periodBenchWorld{fillPeriodBenchWorld(b, sizes[0]), fillPeriodBenchWorld(b, sizes[1])}
	download := func(w *periodBenchWorld, token, path string) func() error {
		return func() error {
			if rec := w.f.do(http.MethodGet, path, "", nil, "Authorization", "Bearer "+token); rec.Code != http.StatusOK {
				return fmt.Errorf("%s: %d %s", path, rec.Code, rec.Body)
			}
			return nil
		}
	}
	ctx := context.Background()
	runs := map[string]func(w *periodBenchWorld) func() error{
		"cells": func(w *periodBenchWorld) func() error {
			return func() error {
				_, err := w.f.env.Store.FindStatsCells(ctx, append(slices.Clone(w.months), services.NowMonth), w.unit, "")
				return err
			}
		},
		"actions": func(w *periodBenchWorld) func() error {
			return func() error {
				acts, err := w.f.env.Store.FindConcludedActions(ctx, services.ConcludedQuery{Unit: w.unit, From: w.from, To: w.now.Add(time.Hour),
					Limit: services.MaxPeriodActions + 1})
				if err == nil && len(acts) == 0 {
					err = fmt.Errorf("no actions")
				}
				return err
			}
		},
		"all-csv": func(w *periodBenchWorld) func() error {
			return download(w, w.admin, "/api/v1/reports/period?scope=all"+w.rng+"&format=csv")
		},
	}
	for _, format := range []string{"xlsx", "csv", "pdf"} {
		runs[format] = func(w *periodBenchWorld) func() error {
			return download(w, w.lead, "/api/v1/reports/period?scope=unit:"+w.unit+w.rng+"&format="+format)
		}
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range runs {
			if !yield(k) {
				return
			}
		}
	})
	results := []map[string]float64{{}, {}}
	for _, name := range names {
		ds := [][]float64{nil, nil}
		for rep := range periodReps + 1 { // the first of each is a warm-up
			for i, w := range worlds {
				run := runs[name](w)
				// Each download starts between collections: a cycle over
				// the large portal's heap (its queue index, the embedded
				// database's caches) in flight during one download and not
				// another made single medians swing by a fifth.
				runtime.GC()
				t0 := time.Now()
				if err := run(); err != nil {
					b.Fatal(err)
				}
				if rep > 0 {
					ds[i] = append(ds[i], float64(time.Since(t0).Nanoseconds()))
				}
			}
		}
		for i := range worlds {
			slices.Sort(ds[i])
			results[i][name] = ds[i][len(ds[i])/2]
		}
	}
	for i, n := range sizes {
		b.Run(fmt.Sprintf("reports=%d", n), func(b *testing.B) {
			for b.Loop() {
			}
			b.ReportMetric(worlds[i].foldNsPerReport, "fold-ns/report")
			for _, name := range names {
				b.ReportMetric(results[i][name], name+"-ns")
			}
		})
	}
	b.Run("ratio", func(b *testing.B) {
		for b.Loop() {
		}
		for _, name := range names {
			b.ReportMetric(results[1][name]/results[0][name], name+"-ratio")
		}
	})
}
