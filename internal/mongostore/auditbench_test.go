package mongostore_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minhbach/internal/testenv"
	"minhbach/services"
)

// benchChains builds n reports' chains shaped like the portal's: a
// submission, then 0–8 staff events (status changes, notes, messages,
// assignment), about five events a report on average, with the metadata
// AuditedCases records (docs/storage.md, "Audit chains").
func benchChains(n int) [][]services.AuditEvent {
	at := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	types := []string{"status_accepted", "note_added", "assigned", "message", "status_investigating", "note_added", "custody_requested", "message"}
	chains := make([][]services.AuditEvent, n)
	for i := range chains {
		caseID := bson.NewObjectID().Hex()
		prev := ""
		for k := 0; k <= i%9; k++ {
			typ, actor := "submitted", "citizen"
			if k > 0 {
				typ, actor = types[k-1], bson.NewObjectID().Hex()
			}
			t := at.Add(time.Duration(i)*time.Minute + time.Duration(k)*time.Hour)
			data := map[string]string{"at": t.Format("2006-01-02T15:04:05.000Z07:00"), "status": "received"}
			if typ == "note_added" || typ == "message" {
				sum := sha256.Sum256([]byte(fmt.Sprintf("nội dung %d %d", i, k)))
				data["noteSha256"] = hex.EncodeToString(sum[:])
				data["salt"] = hex.EncodeToString(sum[:16])
			}
			if typ == "assigned" {
				data["ref"] = bson.NewObjectID().Hex()
			}
			e := services.AuditEvent{CaseID: caseID, Seq: int64(k + 1), At: t, Actor: actor, Type: typ, Data: data, PrevHash: prev}
			e.Hash = services.ComputeAuditHash(prev, e)
			chains[i] = append(chains[i], e)
			prev = e.Hash
		}
	}
	return chains
}

// BenchmarkAuditAtScale measures, with N reports' chains in the database
// (written through BulkInsertAuditChains), what one report's operations
// cost on the audit chain: starting a new report's chain (filing), an
// append to an existing chain (a staff action), listing one chain (the
// case page's audit view), and — for comparison in the same run — the read
// every append made before chains had head documents (the last event by a
// (caseId, seq) query, which the embedded server answers by decoding every
// event). verify-all is `portal audit verify`'s work: one read of the
// events, every chain checked, the heads read, the latest checkpoint
// compared. 20,000 reports only with PORTAL_BENCH_LARGE=1.
func BenchmarkAuditAtScale(b *testing.B) {
	sizes := []int{100, 2000}
	if os.Getenv("PORTAL_BENCH_LARGE") == "1" {
		sizes = append(sizes, 20000)
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("reports=%d", n), func(b *testing.B) {
			env := testenv.New(b)
			ctx := context.Background()
			chains := benchChains(n)
			if err := env.Store.BulkInsertAuditChains(ctx, chains); err != nil {
				b.Fatal(err)
			}
			l := services.NewAuditLog(env.Store, nil)
			sample := func(i int) string { return chains[(n/2+i*7)%n][0].CaseID }
			b.Run("start-chain", func(b *testing.B) {
				for b.Loop() {
					if _, err := l.Start(ctx, bson.NewObjectID().Hex(), []services.AuditEntry{{Actor: "citizen", Type: "submitted",
						Data: map[string]string{"at": "2026-06-01T08:00:00.000Z", "status": "received"}}}); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("append", func(b *testing.B) {
				i := 0
				for b.Loop() {
					i++
					if _, err := l.Append(ctx, sample(i), "u1", "note_added", map[string]string{"noteSha256": "ab", "status": "accepted"}); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("list-chain", func(b *testing.B) {
				i := 0
				for b.Loop() {
					i++
					if ev, err := env.Store.ListAuditEvents(ctx, sample(i), 10000); err != nil || len(ev) == 0 {
						b.Fatal(err, len(ev))
					}
				}
			})
			b.Run("read-before-heads", func(b *testing.B) {
				col := env.Client.Database(env.Database).Collection("auditEvents")
				for b.Loop() {
					var d bson.M
					if err := col.FindOne(ctx, bson.D{{Key: "caseId", Value: sample(3)}},
						optsLastBySeq()).Decode(&d); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("verify-all", func(b *testing.B) {
				cp := services.NewCheckpointer(services.CheckpointerOptions{Audit: env.Store, Blobs: env.Blob, KeyID: "ed25519-bench", Key: cpKey(9)})
				if _, _, err := cp.Write(ctx); err != nil {
					b.Fatal(err)
				}
				for b.Loop() {
					all, err := services.ReadAuditChains(ctx, env.Store)
					if err != nil {
						b.Fatal(err)
					}
					if broken, checked := all.Verify(10_000_000); len(broken) != 0 || checked < n {
						b.Fatalf("%d broken of %d", len(broken), checked)
					}
					if _, err := env.Store.ListAuditHeads(ctx, all.Len()+1); err != nil {
						b.Fatal(err)
					}
					v, found, err := cp.VerifyLatestAgainst(ctx, all)
					if err != nil || !found || !v.Valid() {
						b.Fatalf("checkpoint: %v %v %+v", err, found, v.Problems)
					}
				}
			})
			b.Run("checkpoint-build", func(b *testing.B) {
				cp := services.NewCheckpointer(services.CheckpointerOptions{Audit: env.Store, Blobs: env.Blob, KeyID: "ed25519-bench", Key: cpKey(9)})
				for b.Loop() {
					if c, err := cp.Build(ctx); err != nil || c.Count < n {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

func optsLastBySeq() *options.FindOneOptionsBuilder {
	return options.FindOne().SetSort(bson.D{{Key: "seq", Value: -1}})
}
