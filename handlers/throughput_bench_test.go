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
// layer at concurrency 4 and 16, with the anonymous hasher wired as the
// portal wires it (passhash.SplitSlots of runtime.NumCPU() slots, queued),
// and in the same run computes argon2id hashes with the same parameters at
// the same concurrency on every core (passhash.New with NumCPU slots) and
// on the anonymous slots alone. It reports reports/s, hashes/s and the
// fraction reports/s ÷ hashes/s for both (goal ≥ 0.8 against the machine:
// one hash per report is the irreducible work of a filing).
func BenchmarkFilingThroughput(b *testing.B) {
	anon, _ := passhash.SplitSlots(runtime.NumCPU())
	for _, conc := range []int{4, 16} {
		b.Run(fmt.Sprintf("c%d", conc), func(b *testing.B) {
			hasher := passhash.NewQueued(passhash.Default, anon, conc) // room for every client: throughput, not refusals
			f := newFixture(b, func(o *fixtureOptions) { o.hasher, o.cacheTTL = hasher, 30*time.Second })
			machine := passhash.New(passhash.Default, runtime.NumCPU())
			slots := passhash.New(passhash.Default, anon)
			const n = 32
			var filing, hashAll, hashAnon time.Duration
			for b.Loop() {
				filing += runConcurrently(n, conc, func(int) {
					w := f.postJSON(validFeedback)
					if w.Code != http.StatusCreated {
						b.Errorf("status %d: %s", w.Code, w.Body)
					}
				})
				for _, h := range []struct {
					h *passhash.Hasher
					d *time.Duration
				}{{machine, &hashAll}, {slots, &hashAnon}} {
					*h.d += runConcurrently(n, conc, func(int) {
						if _, err := h.h.Hash(context.Background(), "1234-5678-9012-3456"); err != nil {
							b.Error(err)
						}
					})
				}
			}
			perSec := func(d time.Duration) float64 { return float64(b.N*n) / d.Seconds() }
			b.ReportMetric(perSec(filing), "reports/s")
			b.ReportMetric(perSec(hashAll), "hashes/s")
			b.ReportMetric(perSec(hashAnon), "anon-slot-hashes/s")
			b.ReportMetric(perSec(filing)/perSec(hashAll), "fraction")
			b.ReportMetric(perSec(filing)/perSec(hashAnon), "fraction-of-anon-slots")
		})
	}
}
