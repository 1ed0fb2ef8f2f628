package logverify

import (
	"context"
	"os"
	"testing"

	"minhbach/internal/translog"
)

// BenchmarkVerify verifies a log of 100,000 entries published in 100
// batches of 1,000 (a checkpoint each) from a mirror directory: reading
// every bundle and tile, hashing every entry, checking every checkpoint.
// With PORTAL_BENCH_LARGE=1 (as the other large benchmarks), 1,000,000
// entries in batches of 10,000. It runs only with -bench.
func BenchmarkVerify(b *testing.B) {
	entries, batch := int64(100_000), int64(1_000)
	if os.Getenv("PORTAL_BENCH_LARGE") == "1" {
		entries, batch = 1_000_000, 10_000
	}
	key := newKey(b, testOrigin)
	var sizes []int64
	for n := batch; n <= entries; n += batch {
		sizes = append(sizes, n)
	}
	dir := b.TempDir()
	buildLog(b, dir, key, sizes, testEntry)
	src := translog.DirSource{Dir: dir}
	ctx := context.Background()
	for b.Loop() {
		rep, err := Verify(ctx, src, testOrigin, key.verifier, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Size != entries {
			b.Fatalf("size %d", rep.Size)
		}
	}
	b.ReportMetric(float64(entries)*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
}
