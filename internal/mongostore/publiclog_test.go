package mongostore_test

// The public log's sequencer (services/publiclogseq.go) on the real
// embedded servers: entries queued, integrated in batches into tiles and
// entry bundles in the bucket, checkpoints signed, entries found by their
// commitment and proved included from the published tiles alone; a batch
// interrupted half-way finished by another sequencer with the same bytes;
// several sequencers racing never forking the log.

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"minhbach/internal/logverify"
	"minhbach/internal/testenv"
	"minhbach/internal/translog"
	"minhbach/internal/translog/logtest"
	"minhbach/services"
)

const testLogOrigin = "log.test.example/minhbach"

func testLogKey(t testing.TB) (note.Signer, note.Verifier) {
	t.Helper()
	return logtest.KeyPair(t, testLogOrigin)
}

func testEntry(t testing.TB, i int) (services.LogPending, translog.Hash) {
	t.Helper()
	sum := sha256.Sum256([]byte(fmt.Sprint("report ", i)))
	c, err := translog.ReportCommitment(fmt.Sprintf("MB-TEST-%05d", i), fmt.Sprintf("%x", sum))
	if err != nil {
		t.Fatal(err)
	}
	b, err := translog.Entry{Event: translog.EventFiled, Date: "2026-12-06", Commitment: c}.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return services.LogPending{ID: fmt.Sprintf("case%05d:%010d", i, 1), Entry: b, QueuedAt: time.Date(2026, 12, 6, 0, 0, 0, i*1000, time.UTC)}, c
}

// checkLog proves every entry of the log included in its latest checkpoint
// from the bucket's tiles alone, and each commitment found by the index.
func checkLog(t *testing.T, env *testenv.Env, v note.Verifier, want []services.LogPending, coms []translog.Hash) {
	t.Helper()
	ctx := context.Background()
	st, err := env.Store.LogState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Batch != nil || st.Size != int64(len(want)) {
		t.Fatalf("state: size %d, batch %v; want size %d and no batch", st.Size, st.Batch != nil, len(want))
	}
	cp, _, err := translog.OpenCheckpoint(st.Checkpoint, testLogOrigin, v)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := services.ReadLogObject(ctx, env.Blob, translog.CheckpointPath(st.Size))
	if err != nil || string(stored) != string(st.Checkpoint) {
		t.Fatalf("checkpoints/%d: %q, %v", st.Size, stored, err)
	}
	var mem translog.MemoryHashes
	for _, p := range want {
		if mem, err = mem.Append(p.Entry); err != nil {
			t.Fatal(err)
		}
	}
	if root, _ := translog.TreeHash(st.Size, mem); root != cp.Root || root != st.Root {
		t.Fatalf("root %x, checkpoint %x, state %x", root, cp.Root, st.Root)
	}
	src := logverify.BlobSource{Blobs: env.Blob}
	hr := translog.TileHashReader(cp.Size, cp.Root, translog.SourceTiles(ctx, src))
	for i, p := range want {
		refs, err := env.Store.LogEntriesOf(ctx, coms[i])
		if err != nil || len(refs) != 1 || refs[0].ID != p.ID {
			t.Fatalf("entry %d: refs %+v, %v", i, refs, err)
		}
		idx := refs[0].Index
		proof, err := translog.InclusionProof(idx, cp.Size, hr)
		if err != nil {
			t.Fatalf("entry %d: proof from tiles: %v", i, err)
		}
		if err := translog.VerifyInclusion(proof, idx, cp.Size, translog.LeafHash(p.Entry), cp.Root); err != nil {
			t.Fatalf("entry %d at %d: %v", i, idx, err)
		}
		bundle := translog.Tile{Entries: true, N: idx / translog.TileWidth, W: translog.TileWidth}
		if rest := cp.Size - bundle.N*translog.TileWidth; rest < translog.TileWidth {
			bundle.W = int(rest)
		}
		data, err := src.Fetch(ctx, bundle.Path())
		if err != nil {
			t.Fatalf("bundle %s: %v", bundle.Path(), err)
		}
		es, err := translog.ParseBundle(data, bundle.W)
		if err != nil || string(es[idx%translog.TileWidth]) != string(p.Entry) {
			t.Fatalf("bundle %s: entry %d is not the queued one (%v)", bundle.Path(), idx, err)
		}
	}
	left, err := env.Store.PendingLogEntries(ctx, 10)
	if err != nil || len(left) != 0 {
		t.Fatalf("queue after integration: %d left, %v", len(left), err)
	}
}

func TestSequencerBatches(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	signer, verifier := testLogKey(t)
	seq, err := services.NewSequencer(services.SequencerOptions{Store: env.Store, Blobs: env.Blob, Cases: env.Store,
		Signer: signer, Origin: testLogOrigin, Batch: 120})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := seq.RunOnce(ctx); n != 0 || err != nil {
		t.Fatalf("empty queue: %d, %v", n, err)
	}
	var all []services.LogPending
	var coms []translog.Hash
	// Batches that end inside a tile, on a tile boundary and across
	// several tiles: 1, then 254 (to 255), 1 (to 256), then 120s.
	for _, n := range []int{1, 254, 1, 300} {
		var ps []services.LogPending
		for range n {
			p, c := testEntry(t, len(all))
			ps = append(ps, p)
			all, coms = append(all, p), append(coms, c)
		}
		if err := env.Store.QueueLogEntries(ctx, ps); err != nil {
			t.Fatal(err)
		}
		// Queuing twice keeps one.
		if err := env.Store.QueueLogEntries(ctx, ps[:1]); err != nil {
			t.Fatal(err)
		}
		for {
			k, err := seq.RunOnce(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if k == 0 {
				break
			}
		}
		checkLog(t, env, verifier, all, coms)
	}
}

// failingState makes the sequencer die after writing its tiles and
// checkpoint, before it records the new state.
type failingState struct {
	services.LogStore
	fail bool
}

var errDied = errors.New("the sequencer died")

func (f *failingState) SetLogState(ctx context.Context, version int64, s services.LogState) error {
	if f.fail && s.Batch == nil {
		return errDied
	}
	return f.LogStore.SetLogState(ctx, version, s)
}

func TestSequencerFinishesADeadOnesBatch(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	signer, verifier := testLogKey(t)
	var all []services.LogPending
	var coms []translog.Hash
	for i := range 40 {
		p, c := testEntry(t, i)
		all, coms = append(all, p), append(coms, c)
	}
	if err := env.Store.QueueLogEntries(ctx, all[:30]); err != nil {
		t.Fatal(err)
	}
	opts := services.SequencerOptions{Store: env.Store, Blobs: env.Blob, Cases: env.Store, Signer: signer, Origin: testLogOrigin, Batch: 20}
	if _, err := services.NewSequencer(opts); err != nil {
		t.Fatal(err)
	}
	if n, err := mustSeq(t, opts).RunOnce(ctx); n != 20 || err != nil {
		t.Fatalf("first batch: %d, %v", n, err)
	}
	dying := opts
	dying.Store = &failingState{LogStore: env.Store, fail: true}
	if _, err := mustSeq(t, dying).RunOnce(ctx); !errors.Is(err, errDied) {
		t.Fatalf("dying run: %v", err)
	}
	// More entries arrive meanwhile; the next sequencer finishes the dead
	// one's batch first (the same ten, to size 30), then takes the rest.
	if err := env.Store.QueueLogEntries(ctx, all[30:]); err != nil {
		t.Fatal(err)
	}
	next := mustSeq(t, opts)
	if n, err := next.RunOnce(ctx); n != 10 || err != nil {
		t.Fatalf("finishing the batch: %d, %v", n, err)
	}
	if n, err := next.RunOnce(ctx); n != 10 || err != nil {
		t.Fatalf("the rest: %d, %v", n, err)
	}
	checkLog(t, env, verifier, all, coms)
}

func mustSeq(t *testing.T, o services.SequencerOptions) *services.Sequencer {
	t.Helper()
	s, err := services.NewSequencer(o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSequencersRacing runs several sequencers at once on one store, as
// processes whose lease expired mid-run would: the state's version lets one
// win each step, and the log is the same as one sequencer's.
func TestSequencersRacing(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	signer, verifier := testLogKey(t)
	var all []services.LogPending
	var coms []translog.Hash
	for i := range 90 {
		p, c := testEntry(t, i)
		all, coms = append(all, p), append(coms, c)
	}
	if err := env.Store.QueueLogEntries(ctx, all); err != nil {
		t.Fatal(err)
	}
	opts := services.SequencerOptions{Store: env.Store, Blobs: env.Blob, Cases: env.Store, Signer: signer, Origin: testLogOrigin, Batch: 7}
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for range 3 {
		s := mustSeq(t, opts)
		wg.Go(func() {
			for range 40 {
				if _, err := s.RunOnce(ctx); err != nil && !services.IsCode(err, services.CodeConflict) {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		// A loser may find the winner's object already written with the
		// same bytes (fine) but never with other bytes.
		if strings.Contains(err.Error(), "other content") {
			t.Fatalf("the racing sequencers forked the log: %v", err)
		}
		t.Logf("a racing sequencer stopped: %v", err)
	}
	for {
		n, err := mustSeq(t, opts).RunOnce(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	st, err := env.Store.LogState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Every entry is in the log once, in some order: rebuild the expected
	// order from the index.
	ordered := make([]services.LogPending, len(all))
	orderedComs := make([]translog.Hash, len(all))
	for i, c := range coms {
		refs, err := env.Store.LogEntriesOf(ctx, c)
		if err != nil || len(refs) != 1 || refs[0].Index >= st.Size {
			t.Fatalf("entry %d: %+v, %v (size %d)", i, refs, err, st.Size)
		}
		ordered[refs[0].Index], orderedComs[refs[0].Index] = all[i], c
	}
	checkLog(t, env, verifier, ordered, orderedComs)
}

// lostAnswer applies the state that ends a batch, then fails as if the
// database's answer had been lost: the batch's queued entries are still
// there when the next run starts.
type lostAnswer struct {
	services.LogStore
}

func (l lostAnswer) SetLogState(ctx context.Context, version int64, s services.LogState) error {
	if err := l.LogStore.SetLogState(ctx, version, s); err != nil || s.Batch != nil {
		return err
	}
	return errDied
}

// TestSequencerLostAnswerLogsOnce: a batch whose last state write was
// applied but answered with an error is not integrated a second time.
func TestSequencerLostAnswerLogsOnce(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	signer, verifier := testLogKey(t)
	var all []services.LogPending
	var coms []translog.Hash
	for i := range 12 {
		p, c := testEntry(t, i)
		all, coms = append(all, p), append(coms, c)
	}
	if err := env.Store.QueueLogEntries(ctx, all[:6]); err != nil {
		t.Fatal(err)
	}
	opts := services.SequencerOptions{Store: env.Store, Blobs: env.Blob, Cases: env.Store, Signer: signer, Origin: testLogOrigin, Batch: 100}
	lost := opts
	lost.Store = lostAnswer{env.Store}
	if _, err := mustSeq(t, lost).RunOnce(ctx); !errors.Is(err, errDied) {
		t.Fatalf("the run whose answer was lost: %v", err)
	}
	if err := env.Store.QueueLogEntries(ctx, all[6:]); err != nil {
		t.Fatal(err)
	}
	if n, err := mustSeq(t, opts).RunOnce(ctx); n != 6 || err != nil {
		t.Fatalf("the next run: %d, %v (want the 6 new entries only)", n, err)
	}
	checkLog(t, env, verifier, all, coms)
}
