package mongostore_test

// The costs of the public log that issue 15 asks to measure
// (docs/transparency-log.md, "Costs, measured"), on the real embedded
// servers: how many entries the sequencer integrates per second, how long a
// citizen's inclusion proof takes at 10,000 and at 1,000,000 entries, and
// what queuing one entry (the insert a filing adds) costs. Benchmarks only:
// nothing here is timed under plain `go test`, and the one test checks that
// the log the inclusion benchmark builds directly is the sequencer's.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"golang.org/x/mod/sumdb/note"

	"minhbach/internal/testenv"
	"minhbach/internal/translog"
	"minhbach/services"
)

// benchEntry is entry i of a benchmark's log: a report's "filed" entry with
// its own commitment, queued in order. It is testEntry without the
// testing.TB (and with room for more than 100,000 ids).
func benchEntry(i int) (services.LogPending, translog.Hash) {
	sum := sha256.Sum256([]byte(fmt.Sprint("report ", i)))
	c, err := translog.ReportCommitment(fmt.Sprintf("MB-BENCH-%07d", i), hex.EncodeToString(sum[:]))
	if err != nil {
		panic(err)
	}
	b, err := translog.Entry{Event: translog.EventFiled, Date: "2026-12-06", Commitment: c}.Marshal()
	if err != nil {
		panic(err)
	}
	return services.LogPending{ID: fmt.Sprintf("case%07d:%010d", i, 1), Entry: b,
		QueuedAt: time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Millisecond)}, c
}

// BenchmarkLogIntegrate queues 5,000 entries (untimed) and times the
// sequencer integrating them until the queue is empty: tiles, bundles and
// checkpoints written to the bucket, the index and the state in the
// database, with a batch of 100 and the default (services.DefaultLogBatch).
// Every iteration adds 5,000 more entries to the same log.
func BenchmarkLogIntegrate(b *testing.B) {
	const n = 5000
	for _, batch := range []int{100, services.DefaultLogBatch} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			env := testenv.New(b)
			ctx := context.Background()
			signer, _ := testLogKey(b)
			seq, err := services.NewSequencer(services.SequencerOptions{Store: env.Store, Blobs: env.Blob, Cases: env.Store,
				Signer: signer, Origin: testLogOrigin, Batch: batch})
			if err != nil {
				b.Fatal(err)
			}
			var took time.Duration
			next, runs := 0, 0
			for b.Loop() {
				b.StopTimer()
				ps := make([]services.LogPending, n)
				for i := range ps {
					ps[i], _ = benchEntry(next)
					next++
				}
				if err := env.Store.QueueLogEntries(ctx, ps); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				start := time.Now()
				done := 0
				for {
					k, err := seq.RunOnce(ctx)
					if err != nil {
						b.Fatal(err)
					}
					if k == 0 {
						break
					}
					done += k
					runs++
				}
				took += time.Since(start)
				if done != n {
					b.Fatalf("integrated %d entries, queued %d", done, n)
				}
			}
			st, err := env.Store.LogState(ctx)
			if err != nil || st.Size != int64(next) {
				b.Fatalf("log size %d after %d entries (%v)", st.Size, next, err)
			}
			b.ReportMetric(float64(next)/took.Seconds(), "entries/s")
			b.ReportMetric(float64(took.Milliseconds())/float64(runs), "ms/batch")
		})
	}
}

// BenchmarkLogQueueEntry times QueueLogEntries of one entry, the insert a
// filing adds after its audit events (services.AuditedCases.queueLog).
func BenchmarkLogQueueEntry(b *testing.B) {
	env := testenv.New(b)
	ctx := context.Background()
	p, _ := benchEntry(0)
	i := 0
	for b.Loop() {
		p.ID = fmt.Sprintf("case%07d:%010d", i, 1)
		i++
		if err := env.Store.QueueLogEntries(ctx, []services.LogPending{p}); err != nil {
			b.Fatal(err)
		}
	}
}

// directLog writes the log of entries 0..size-1 (benchEntry) as the
// sequencer would in a single batch: every tile and entry bundle of
// translog.NewTiles(0, size) to the bucket, the signed checkpoint, the
// state, and the index of every commitment. It is how the inclusion
// benchmark gets a log of a million entries in minutes (the sequencer on
// the embedded servers integrates a few thousand a second);
// TestDirectLogIsTheSequencers checks it against the sequencer's.
func directLog(tb testing.TB, env *testenv.Env, signer note.Signer, size int) {
	tb.Helper()
	ctx := context.Background()
	var mem translog.MemoryHashes
	var err error
	for i := range size {
		p, _ := benchEntry(i)
		if mem, err = mem.Append(p.Entry); err != nil {
			tb.Fatal(err)
		}
	}
	root, err := translog.TreeHash(int64(size), mem)
	if err != nil {
		tb.Fatal(err)
	}
	put := func(path string, data []byte) error {
		sum := sha256.Sum256(data)
		_, err := env.Blob.Put(ctx, services.LogObjectPrefix+path, bytes.NewReader(data), int64(len(data)), "application/octet-stream", hex.EncodeToString(sum[:]))
		return err
	}
	// Four writers at once: the objects are independent.
	tiles := make(chan translog.Tile)
	var failed atomic.Value
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for t := range tiles {
				data, err := translog.ReadTileData(t, mem)
				if err == nil {
					err = put(t.Path(), data)
				}
				if err == nil && t.Level == 0 {
					es := make([][]byte, t.W)
					for j := range es {
						p, _ := benchEntry(int(t.N)*translog.TileWidth + j)
						es[j] = p.Entry
					}
					if data, err = translog.MarshalBundle(es); err == nil {
						err = put(t.EntryBundle().Path(), data)
					}
				}
				if err != nil {
					failed.CompareAndSwap(nil, err)
				}
			}
		})
	}
	for _, t := range translog.NewTiles(0, int64(size)) {
		tiles <- t
	}
	close(tiles)
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		tb.Fatal(err)
	}
	cp, err := translog.SignCheckpoint(translog.Checkpoint{Origin: testLogOrigin, Size: int64(size), Root: root}, signer)
	if err != nil {
		tb.Fatal(err)
	}
	if err := put(translog.CheckpointPath(int64(size)), cp); err != nil {
		tb.Fatal(err)
	}
	// The index: what IndexLogEntries writes for commitments it has not
	// seen ({_id: commitment, entries: [{i, id}]}), inserted in bulk.
	col := env.Client.Database(env.Database).Collection("logIndex")
	docs := make([]any, 0, 1000)
	flush := func() {
		if len(docs) > 0 {
			if _, err := col.InsertMany(ctx, docs); err != nil {
				tb.Fatal(err)
			}
			docs = docs[:0]
		}
	}
	for i := range size {
		p, c := benchEntry(i)
		docs = append(docs, bson.D{{Key: "_id", Value: hex.EncodeToString(c[:])},
			{Key: "entries", Value: bson.A{bson.D{{Key: "i", Value: int64(i)}, {Key: "id", Value: p.ID}}}}})
		if len(docs) == cap(docs) {
			flush()
		}
	}
	flush()
	if err := env.Store.SetLogState(ctx, 0, services.LogState{Size: int64(size), Root: root, Checkpoint: cp}); err != nil {
		tb.Fatal(err)
	}
}

// logObjects reads every object of the log in the bucket.
func logObjects(t *testing.T, blobs services.BlobStore) map[string][]byte {
	t.Helper()
	ctx := context.Background()
	infos, err := blobs.List(ctx, services.LogObjectPrefix)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, in := range infos {
		r, _, err := blobs.Get(ctx, in.Key)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[in.Key] = b
	}
	return out
}

// TestDirectLogIsTheSequencers builds a log of 600 entries (two full
// tiles and a partial one) with the sequencer in one batch and with
// directLog, and finds the same objects in both buckets, byte for byte,
// the same state and the same index.
func TestDirectLogIsTheSequencers(t *testing.T) {
	const size = 600
	ctx := context.Background()
	signer, _ := testLogKey(t)
	seqEnv, dirEnv := testenv.New(t), testenv.New(t)
	var coms []translog.Hash
	ps := make([]services.LogPending, size)
	for i := range ps {
		var c translog.Hash
		ps[i], c = benchEntry(i)
		coms = append(coms, c)
	}
	if err := seqEnv.Store.QueueLogEntries(ctx, ps); err != nil {
		t.Fatal(err)
	}
	seq := mustSeq(t, services.SequencerOptions{Store: seqEnv.Store, Blobs: seqEnv.Blob, Cases: seqEnv.Store,
		Signer: signer, Origin: testLogOrigin, Batch: size})
	if n, err := seq.RunOnce(ctx); n != size || err != nil {
		t.Fatalf("sequencer: %d, %v", n, err)
	}
	directLog(t, dirEnv, signer, size)
	want, got := logObjects(t, seqEnv.Blob), logObjects(t, dirEnv.Blob)
	// Level 0: tiles 0, 1 and 2.p/88, and their bundles; level 1: 0.p/2;
	// the checkpoint.
	if len(want) != 8 || len(want) != len(got) {
		t.Fatalf("the sequencer wrote %d objects, directLog %d", len(want), len(got))
	}
	for k, w := range want {
		if !bytes.Equal(w, got[k]) {
			t.Fatalf("%s: directLog's object differs from the sequencer's", k)
		}
	}
	sst, err := seqEnv.Store.LogState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dst, err := dirEnv.Store.LogState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sst.Size != dst.Size || sst.Root != dst.Root || !bytes.Equal(sst.Checkpoint, dst.Checkpoint) || dst.Batch != nil {
		t.Fatalf("states differ: sequencer %d %x, directLog %d %x", sst.Size, sst.Root, dst.Size, dst.Root)
	}
	for i, c := range coms {
		a, err := seqEnv.Store.LogEntriesOf(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		b, err := dirEnv.Store.LogEntriesOf(ctx, c)
		if err != nil || len(a) != 1 || len(b) != 1 || a[0] != b[0] {
			t.Fatalf("entry %d: sequencer's index %+v, directLog's %+v (%v)", i, a, b, err)
		}
	}
}

// countingBlobs counts the objects read from the bucket.
type countingBlobs struct {
	services.BlobStore
	gets atomic.Int64
}

func (c *countingBlobs) Get(ctx context.Context, key string) (services.BlobReader, services.BlobInfo, error) {
	c.gets.Add(1)
	return c.BlobStore.Get(ctx, key)
}

// BenchmarkLogInclusionProof times a citizen's inclusion proof in a log of
// 10,000 entries and in one of 1,000,000 (each built by directLog, untimed,
// in its own database and bucket), alternately, each iteration 64 proofs
// of spread-out entries per size:
//   - inclusion: PublicLog.Inclusion, what /api/v1/log/inclusion answers
//     (the state, the cosignatures, the index, the tiles, the bundle);
//   - tiles: translog.InclusionProof alone, through a TileHashReader
//     reading the tiles from the bucket (as Inclusion does, without the
//     database).
//
// It reports ns per proof at each size, objects read from the bucket per
// proof, and the ratio 1M ÷ 10k (goal < 2).
func BenchmarkLogInclusionProof(b *testing.B) {
	sizes := []int{10_000, 1_000_000}
	ctx := context.Background()
	signer, vkey, verifier := benchLogKey(b)
	type built struct {
		size  int
		env   *testenv.Env
		blobs *countingBlobs
		log   *services.PublicLog
		probe []int // the entries proved, spread over the log
	}
	var logs []*built
	for _, size := range sizes {
		start := time.Now()
		env := testenv.New(b)
		directLog(b, env, signer, size)
		cb := &countingBlobs{BlobStore: env.Blob}
		pl, err := services.NewPublicLog(services.PublicLogOptions{Store: env.Store, Blobs: cb, Origin: testLogOrigin,
			VerifierKey: vkey})
		if err != nil {
			b.Fatal(err)
		}
		l := &built{size: size, env: env, blobs: cb, log: pl}
		for k := range 64 {
			l.probe = append(l.probe, int((int64(k)*int64(size)+int64(size)/3)/64)%size)
		}
		// Every probe proves, and verifies against the signed checkpoint.
		for _, i := range l.probe {
			_, c := benchEntry(i)
			res, err := pl.Inclusion(ctx, hex.EncodeToString(c[:]))
			if err != nil || len(res.Entries) != 1 || res.Entries[0].Index != int64(i) {
				b.Fatalf("size %d, entry %d: %+v, %v", size, i, res.Entries, err)
			}
			cp, _, err := translog.OpenCheckpoint([]byte(res.Checkpoint), testLogOrigin, verifier)
			if err != nil {
				b.Fatal(err)
			}
			proof := make([]translog.Hash, len(res.Entries[0].Proof))
			for j, h := range res.Entries[0].Proof {
				if _, err := hex.Decode(proof[j][:], []byte(h)); err != nil {
					b.Fatal(err)
				}
			}
			if err := translog.VerifyInclusion(proof, int64(i), cp.Size, translog.LeafHash([]byte(res.Entries[0].Entry)), cp.Root); err != nil {
				b.Fatalf("size %d, entry %d: %v", size, i, err)
			}
		}
		b.Logf("log of %d entries built directly in %v", size, time.Since(start).Round(time.Millisecond))
		logs = append(logs, l)
	}
	prove := map[string]func(l *built, i int) error{
		"inclusion": func(l *built, i int) error {
			_, c := benchEntry(i)
			res, err := l.log.Inclusion(ctx, hex.EncodeToString(c[:]))
			if err == nil && len(res.Entries) != 1 {
				err = fmt.Errorf("entry %d: %d entries", i, len(res.Entries))
			}
			return err
		},
		"tiles": func(l *built, i int) error {
			st, err := l.env.Store.LogState(ctx)
			if err != nil {
				return err
			}
			hr := translog.TileHashReader(st.Size, st.Root, func(ts []translog.Tile) ([][]byte, error) {
				out := make([][]byte, len(ts))
				for j, t := range ts {
					d, err := services.ReadLogObject(ctx, l.blobs, t.Path())
					if err != nil {
						return nil, err
					}
					out[j] = d
				}
				return out, nil
			})
			_, err = translog.InclusionProof(int64(i), st.Size, hr)
			return err
		},
	}
	for _, name := range []string{"inclusion", "tiles"} {
		b.Run(name, func(b *testing.B) {
			took := make([]time.Duration, len(logs))
			gets := make([]int64, len(logs))
			proofs := 0
			for b.Loop() {
				for k, l := range logs {
					g0 := l.blobs.gets.Load()
					start := time.Now()
					for _, i := range l.probe {
						if err := prove[name](l, i); err != nil {
							b.Fatal(err)
						}
					}
					took[k] += time.Since(start)
					gets[k] += l.blobs.gets.Load() - g0
				}
				proofs += len(logs[0].probe)
			}
			for k, l := range logs {
				b.ReportMetric(float64(took[k].Nanoseconds())/float64(proofs), fmt.Sprintf("ns/proof-%s", sizeName(l.size)))
				b.ReportMetric(float64(gets[k])/float64(proofs), fmt.Sprintf("gets/proof-%s", sizeName(l.size)))
			}
			b.ReportMetric(float64(took[len(logs)-1])/float64(took[0]), fmt.Sprintf("ratio-%s/%s", sizeName(logs[len(logs)-1].size), sizeName(logs[0].size)))
		})
	}
}

func sizeName(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n >= 1000 && n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}

// benchLogKey is the benchmarks' log key, from a fixed seed: its signer
// and its verifier key.
func benchLogKey(tb testing.TB) (note.Signer, string, note.Verifier) {
	tb.Helper()
	s, vkey, err := translog.Ed25519Key(testLogOrigin, bytes.Repeat([]byte{5}, 32))
	if err != nil {
		tb.Fatal(err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		tb.Fatal(err)
	}
	return s, vkey, v
}
