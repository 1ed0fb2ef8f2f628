package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"testing"
	"time"

	"minhbach/internal/passhash"
)

// BenchmarkFilingThroughput files reports without files through the HTTP
// layer at concurrency 4 and 16, with the hashers wired as the portal
// wires them (passhash.Shared over runtime.NumCPU() slots, the portal's
// default PORTAL_HASH_CONCURRENCY), and in the same run computes argon2id
// hashes with the same parameters at the same concurrency on every core
// (passhash.New with NumCPU slots). It reports reports/s, hashes/s and the
// fraction reports/s ÷ hashes/s (goal ≥ 0.8: one hash per report is the
// irreducible work of a filing).
func BenchmarkFilingThroughput(b *testing.B) {
	for _, conc := range []int{4, 16} {
		b.Run(fmt.Sprintf("c%d", conc), func(b *testing.B) {
			// Room for every client in the anonymous queue: throughput, not refusals.
			anon, staff := passhash.Shared(passhash.Default, runtime.NumCPU(), conc)
			f := newFixture(b, func(o *fixtureOptions) { o.hasher, o.staffHasher, o.cacheTTL = anon, staff, 30*time.Second })
			machine := passhash.New(passhash.Default, runtime.NumCPU())
			const n = 32
			var filing, hashAll time.Duration
			for b.Loop() {
				filing += runConcurrently(n, conc, func(int) {
					w := f.postJSON(validFeedback)
					if w.Code != http.StatusCreated {
						b.Errorf("status %d: %s", w.Code, w.Body)
					}
				})
				hashAll += runConcurrently(n, conc, func(int) {
					if _, err := machine.Hash(context.Background(), "1234-5678-9012-3456"); err != nil {
						b.Error(err)
					}
				})
			}
			perSec := func(d time.Duration) float64 { return float64(b.N*n) / d.Seconds() }
			b.ReportMetric(perSec(filing), "reports/s")
			b.ReportMetric(perSec(hashAll), "hashes/s")
			b.ReportMetric(perSec(filing)/perSec(hashAll), "fraction")
		})
	}
}
