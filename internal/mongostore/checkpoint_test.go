package mongostore_test

// The tests of services.Checkpointer on real stores: checkpoints written to
// the object store, verified against the audit chains in MongoDB, and the
// tampering (rewritten, shortened or deleted chains, edited checkpoints)
// that verification must catch. The document format and signature checks,
// which need no storage, are tested in services/checkpoint_test.go.

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"minhbach/internal/testenv"
	"minhbach/services"
)

func cpKey(seed byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
}

// checkpointEnv is a Checkpointer on fresh stores, its audit log, the raw
// auditEvents collection and a settable clock.
type checkpointEnv struct {
	env *testenv.Env
	log *services.AuditLog
	cp  *services.Checkpointer
	mu  sync.Mutex
	now time.Time
}

func newCheckpointEnv(t *testing.T) *checkpointEnv {
	t.Helper()
	e := &checkpointEnv{env: testenv.New(t), now: time.Now().UTC()}
	e.log = services.NewAuditLog(e.env.Store, nil)
	e.cp = services.NewCheckpointer(services.CheckpointerOptions{Audit: e.env.Store, Blobs: e.env.Blob, KeyID: "ed25519-test", Key: cpKey(7), Now: e.clock})
	return e
}

func (e *checkpointEnv) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

func (e *checkpointEnv) set(t time.Time) {
	e.mu.Lock()
	e.now = t
	e.mu.Unlock()
}

func (e *checkpointEnv) appendN(t *testing.T, caseID string, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		if _, err := e.log.Append(context.Background(), caseID, "u1", "note", map[string]string{"i": fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
}

// verifyLatest verifies the newest checkpoint, which must exist.
func (e *checkpointEnv) verifyLatest(t *testing.T) services.CheckpointVerification {
	t.Helper()
	v, found, err := e.cp.VerifyLatest(context.Background())
	if err != nil || !found {
		t.Fatalf("VerifyLatest: found %v, %v", found, err)
	}
	return v
}

// rewriteChain replaces event from..n of caseID in MongoDB with a forged
// actor and recomputed hashes, so that the chain verifies on its own.
func (e *checkpointEnv) rewriteChain(t *testing.T, caseID string, from int64) {
	t.Helper()
	ctx := context.Background()
	events, err := e.env.Store.ListAuditEvents(ctx, caseID, 1000)
	if err != nil {
		t.Fatal(err)
	}
	col := e.env.Client.Database(e.env.Database).Collection("auditEvents")
	prev := events[from-2].Hash
	for _, ev := range events[from-1:] {
		ev.Actor, ev.PrevHash = "forger", prev
		ev.Hash = services.ComputeAuditHash(prev, ev)
		res, err := col.UpdateOne(ctx, bson.D{{Key: "caseId", Value: caseID}, {Key: "seq", Value: ev.Seq}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "actor", Value: ev.Actor}, {Key: "prevHash", Value: ev.PrevHash}, {Key: "hash", Value: ev.Hash}}}})
		if err != nil || res.ModifiedCount != 1 {
			t.Fatalf("rewrite %s/%d: %v %+v", caseID, ev.Seq, err, res)
		}
		prev = ev.Hash
	}
	if r, err := e.log.Verify(ctx, caseID); err != nil || !r.Valid {
		t.Fatalf("the rewritten chain should verify on its own: %v %+v", err, r)
	}
}

func TestCheckpointWriteAndVerify(t *testing.T) {
	e := newCheckpointEnv(t)
	ctx := context.Background()
	if _, found, err := e.cp.VerifyLatest(ctx); err != nil || found {
		t.Fatalf("before any checkpoint: found %v, %v", found, err)
	}
	e.appendN(t, "case-b", 3)
	e.appendN(t, "case-a", 5)
	e.appendN(t, "case-c", 1)
	key, cp, err := e.cp.Write(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := services.CheckpointKey(cp.CreatedAt); key != want || !strings.HasPrefix(key, "audit/checkpoints/"+e.clock().Format("2006/01/02/")) {
		t.Fatalf("key %s, want %s under today's date", key, want)
	}
	if cp.Count != 3 || cp.Heads[0].CaseID != "case-a" || cp.Heads[0].Seq != 5 || cp.Heads[1].CaseID != "case-b" || cp.Heads[2].Seq != 1 {
		t.Fatalf("checkpoint heads: %+v", cp)
	}
	last, err := e.env.Store.LastAuditEvent(ctx, "case-b")
	if err != nil || cp.Heads[1].Hash != last.Hash {
		t.Fatalf("head of case-b: %+v, last event %+v %v", cp.Heads[1], last, err)
	}
	// The stored object is JSON with the signed payload inside.
	r, info, err := e.env.Blob.Get(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := io.ReadAll(r)
	r.Close()
	if info.ContentType != "application/json" || !bytes.HasPrefix(doc, []byte(`{"payload":{"version":1,`)) || !bytes.Contains(doc, services.CanonicalCheckpoint(cp)) {
		t.Fatalf("stored document (%s): %s", info.ContentType, doc)
	}
	v := e.verifyLatest(t)
	if !v.Valid() || v.Key != key || v.Checkpoint.Root != cp.Root || v.Checkpoint.Count != 3 {
		t.Fatalf("verify: %+v", v)
	}
	// Chains that grew since are still consistent with it.
	e.appendN(t, "case-c", 2)
	e.appendN(t, "case-d", 1)
	if v := e.verifyLatest(t); !v.Valid() {
		t.Fatalf("after appends: %+v", v)
	}
	// A verifier that does not know the key does not trust it.
	stranger := services.NewCheckpointer(services.CheckpointerOptions{Audit: e.env.Store, Blobs: e.env.Blob, KeyID: "ed25519-other", Key: cpKey(8)})
	if v, _, err := stranger.VerifyLatest(ctx); err != nil || v.Invalid != services.CheckpointUnknownKey {
		t.Fatalf("unknown key: %+v %v", v, err)
	}
}

func TestCheckpointTamperedDocumentFails(t *testing.T) {
	e := newCheckpointEnv(t)
	ctx := context.Background()
	e.appendN(t, "case-a", 2)
	e.appendN(t, "case-b", 2)
	key, cp, err := e.cp.Write(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := e.env.Blob.Get(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := io.ReadAll(r)
	r.Close()
	// Drop case-b from the heads, as someone hiding its chain would, fixing
	// count and root; only the signature is left to notice.
	short := cp
	short.Heads, short.Count = cp.Heads[:1], 1
	short.Root = services.CheckpointRoot(short.Heads)
	tampered := bytes.Replace(doc, services.CanonicalCheckpoint(cp), services.CanonicalCheckpoint(short), 1)
	if bytes.Equal(tampered, doc) {
		t.Fatal("the payload was not found in the stored document")
	}
	// Checkpoints are write-once: replacing one takes a delete.
	if _, err := e.env.Blob.Put(ctx, key, bytes.NewReader(tampered), int64(len(tampered)), "application/json", ""); !services.IsCode(err, services.CodeConflict) {
		t.Fatalf("overwrite: %v, want conflict", err)
	}
	if err := e.env.Blob.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if _, err := e.env.Blob.Put(ctx, key, bytes.NewReader(tampered), int64(len(tampered)), "application/json", ""); err != nil {
		t.Fatal(err)
	}
	v := e.verifyLatest(t)
	if v.Valid() || v.Invalid != services.CheckpointBadSignature || v.Key != key {
		t.Fatalf("tampered checkpoint: %+v", v)
	}
}

func TestCheckpointCatchesRewrittenChain(t *testing.T) {
	e := newCheckpointEnv(t)
	ctx := context.Background()
	e.appendN(t, "case-a", 4)
	e.appendN(t, "case-b", 6)
	if _, _, err := e.cp.Write(ctx); err != nil {
		t.Fatal(err)
	}
	e.rewriteChain(t, "case-b", 3)
	broken, checked, err := services.VerifyAllChains(ctx, e.log, 100)
	if err != nil || checked != 2 || len(broken) != 0 {
		t.Fatalf("the chains alone look fine: %v %d %+v", err, checked, broken)
	}
	v := e.verifyLatest(t)
	want := []services.CheckpointProblem{{CaseID: "case-b", Seq: 6, Reason: services.CheckpointHashChanged}}
	if v.Invalid != "" || fmt.Sprint(v.Problems) != fmt.Sprint(want) {
		t.Fatalf("verify: %+v, want problems %+v", v, want)
	}
}

func TestCheckpointCatchesDeletedAndShortenedChains(t *testing.T) {
	e := newCheckpointEnv(t)
	ctx := context.Background()
	e.appendN(t, "case-a", 2)
	e.appendN(t, "case-b", 3)
	e.appendN(t, "case-c", 3)
	if _, _, err := e.cp.Write(ctx); err != nil {
		t.Fatal(err)
	}
	col := e.env.Client.Database(e.env.Database).Collection("auditEvents")
	if res, err := col.DeleteMany(ctx, bson.D{{Key: "caseId", Value: "case-a"}}); err != nil || res.DeletedCount != 2 {
		t.Fatalf("delete chain: %v %+v", err, res)
	}
	if res, err := col.DeleteOne(ctx, bson.D{{Key: "caseId", Value: "case-c"}, {Key: "seq", Value: 3}}); err != nil || res.DeletedCount != 1 {
		t.Fatalf("delete last event: %v %+v", err, res)
	}
	// Both changes leave chains that verify on their own (or no chain at all).
	if broken, checked, err := services.VerifyAllChains(ctx, e.log, 100); err != nil || checked != 2 || len(broken) != 0 {
		t.Fatalf("chains alone: %v %d %+v", err, checked, broken)
	}
	v := e.verifyLatest(t)
	want := []services.CheckpointProblem{{CaseID: "case-a", Seq: 2, Reason: services.CheckpointChainDeleted},
		{CaseID: "case-c", Seq: 3, Reason: services.CheckpointEventMissing}}
	if v.Invalid != "" || fmt.Sprint(v.Problems) != fmt.Sprint(want) {
		t.Fatalf("verify: %+v, want problems %+v", v, want)
	}
}

func TestCheckpointCatchesBrokenChainUnderHead(t *testing.T) {
	e := newCheckpointEnv(t)
	ctx := context.Background()
	e.appendN(t, "case-a", 4)
	if _, _, err := e.cp.Write(ctx); err != nil {
		t.Fatal(err)
	}
	// An edit below the head that keeps the head's hash breaks the chain.
	col := e.env.Client.Database(e.env.Database).Collection("auditEvents")
	if res, err := col.UpdateOne(ctx, bson.D{{Key: "caseId", Value: "case-a"}, {Key: "seq", Value: 2}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "actor", Value: "forger"}}}}); err != nil || res.ModifiedCount != 1 {
		t.Fatalf("edit: %v %+v", err, res)
	}
	v := e.verifyLatest(t)
	if len(v.Problems) != 1 || v.Problems[0].Reason != services.CheckpointChainBroken || v.Problems[0].Detail.BrokenAt != 2 {
		t.Fatalf("verify: %+v", v)
	}
}

func TestCheckpointLatestAndWriteIfDue(t *testing.T) {
	e := newCheckpointEnv(t)
	ctx := context.Background()
	e.appendN(t, "case-a", 1)
	// The last checkpoint of a month is found from the next one, and it is
	// the newest rather than the last listed.
	e.set(time.Date(2026, 1, 31, 23, 10, 0, 0, time.UTC))
	k1, _, err := e.cp.Write(ctx)
	if err != nil {
		t.Fatal(err)
	}
	e.set(time.Date(2026, 1, 31, 23, 50, 0, 0, time.UTC))
	k2, _, err := e.cp.Write(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Objects under the prefix that are not checkpoints are ignored.
	junk := []byte("{}")
	if _, err := e.env.Blob.Put(ctx, services.CheckpointPrefix+"2026/01/31/zzz.json", bytes.NewReader(junk), 2, "application/json", ""); err != nil {
		t.Fatal(err)
	}
	e.set(time.Date(2026, 3, 1, 0, 5, 0, 0, time.UTC))
	key, at, ok, err := e.cp.Latest(ctx)
	if err != nil || !ok || key != k2 || !at.Equal(time.Date(2026, 1, 31, 23, 50, 0, 0, time.UTC)) || k1 >= k2 {
		t.Fatalf("Latest = %s %v %v %v; want %s", key, at, ok, err, k2)
	}
	// One checkpoint per hour: due at 00:05, not again at 00:55, due at 01:00.
	steps := []struct {
		at   time.Time
		want bool
	}{
		{time.Date(2026, 3, 1, 0, 5, 0, 0, time.UTC), true},
		{time.Date(2026, 3, 1, 0, 55, 0, 0, time.UTC), false},
		{time.Date(2026, 3, 1, 1, 0, 0, 0, time.UTC), true},
	}
	for _, s := range steps {
		e.set(s.at)
		key, cp, wrote, err := e.cp.WriteIfDue(ctx, time.Hour)
		if err != nil || wrote != s.want || (wrote && (key != services.CheckpointKey(s.at) || cp.Count != 1)) {
			t.Fatalf("at %v: wrote %v (%s) %v, want %v", s.at, wrote, key, err, s.want)
		}
	}
	if v := e.verifyLatest(t); !v.Valid() || v.Key != services.CheckpointKey(steps[2].at) {
		t.Fatalf("verify latest: %+v", v)
	}
}

// TestCheckpointStoredFormat checks the stored object as an outside
// verifier would read it: the signature over the documented prefix and the
// payload bytes, and the SHA-256 the object store recorded at upload.
func TestCheckpointStoredFormat(t *testing.T) {
	e := newCheckpointEnv(t)
	ctx := context.Background()
	key, _, err := e.cp.Write(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r, info, err := e.env.Blob.Get(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := io.ReadAll(r)
	r.Close()
	sum := sha256.Sum256(doc)
	if info.SHA256 != hex.EncodeToString(sum[:]) {
		t.Fatalf("recorded sha256 %q, document %x", info.SHA256, sum)
	}
	var d struct {
		Payload   json.RawMessage
		Alg       string
		Signature string
	}
	if err := json.Unmarshal(doc, &d); err != nil || d.Alg != "Ed25519" {
		t.Fatalf("document %s: %v", doc, err)
	}
	sig, err := base64.StdEncoding.DecodeString(d.Signature)
	pub := cpKey(7).Public().(ed25519.PublicKey)
	if err != nil || !ed25519.Verify(pub, append([]byte("minhbach audit checkpoint\n"), d.Payload...), sig) {
		t.Fatalf("signature does not verify as documented: %v", err)
	}
	if v := e.verifyLatest(t); !v.Valid() || v.Checkpoint.Count != 0 || string(d.Payload) != string(services.CanonicalCheckpoint(v.Checkpoint)) {
		t.Fatalf("empty checkpoint: %+v", v)
	}
}
