package e2e

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minhbach/internal/devstack"
	"minhbach/internal/mongostore"
	"minhbach/services"
)

// TestAuditCheckpointCommands runs `portal audit checkpoint` and `portal
// audit verify` on a seeded data directory: no checkpoint yet is fine, a
// fresh one verifies, a chain rewritten afterwards (so that it verifies on
// its own) and a tampered checkpoint both make verify exit non-zero.
func TestAuditCheckpointCommands(t *testing.T) {
	dataDir, run := seededDataDir(t)
	out, code := run("audit", "verify")
	if code != 0 || !strings.Contains(out, "3 audit chains checked, 0 broken") || !strings.Contains(out, "no audit checkpoint yet") {
		t.Fatalf("verify before any checkpoint: exit %d\n%s", code, out)
	}
	out, code = run("audit", "checkpoint")
	written := regexp.MustCompile(`audit checkpoint written: (audit/checkpoints/\d{4}/\d{2}/\d{2}/\S+\.json) \(3 chain heads`).FindStringSubmatch(out)
	if code != 0 || written == nil {
		t.Fatalf("checkpoint: exit %d\n%s", code, out)
	}
	out, code = run("audit", "verify")
	if code != 0 || !strings.Contains(out, "checkpoint "+written[1]) || !strings.Contains(out, "signature valid, 3 chain heads checked, 0 no longer match") {
		t.Fatalf("verify after the checkpoint: exit %d\n%s", code, out)
	}

	caseID, seq := rewriteOneChain(t, dataDir)
	out, code = run("audit", "verify")
	if code != 1 || !strings.Contains(out, "3 audit chains checked, 0 broken") ||
		!strings.Contains(out, "CHECKPOINT MISMATCH report "+caseID+" at event "+seq+": hash differs") ||
		!strings.Contains(out, "1 audit chains no longer match the latest checkpoint") {
		t.Fatalf("verify after rewriting chain %s: exit %d\n%s", caseID, code, out)
	}

	// A chain head left behind (here: missing, as after a crash between a
	// report's first event and its head) is found by verify's one read of
	// the events and recorded again, so that the next checkpoint covers it.
	dropHead(t, dataDir, caseID)
	out, code = run("audit", "verify")
	if code != 1 || !strings.Contains(out, "1 recorded chain heads were behind their events; 1 recorded again") ||
		!strings.Contains(out, "3 audit chains checked, 0 broken") {
		t.Fatalf("verify with a head missing: exit %d\n%s", code, out)
	}
	if out, _ = run("audit", "verify"); strings.Contains(out, "were behind") {
		t.Fatalf("the head was not recorded again:\n%s", out)
	}

	// A report whose whole chain was deleted is not a chain verify can
	// check: it reads the reports too, and names the report left without one.
	buried := dropChain(t, dataDir, caseID)
	out, code = run("audit", "verify")
	if code != 1 || !strings.Contains(out, "NO CHAIN report "+buried+": stored without any audit event") ||
		!strings.Contains(out, "3 reports read, 1 without an audit chain") || !strings.Contains(out, "2 audit chains checked, 0 broken") {
		t.Fatalf("verify with a chain deleted: exit %d\n%s", code, out)
	}

	// Edit the stored checkpoint in place (same size): its signature fails.
	var file string
	err := filepath.WalkDir(filepath.Join(dataDir, "s3", "data"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(filepath.ToSlash(p), "/"+written[1]) {
			file = p
		}
		return err
	})
	if err != nil || file == "" {
		t.Fatalf("checkpoint object %s not found under the data directory: %v", written[1], err)
	}
	doc, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	tampered := regexp.MustCompile(`"seq":(\d)`).ReplaceAllFunc(doc, func(m []byte) []byte {
		m = bytes.Clone(m)
		m[len(m)-1] = '0' + (m[len(m)-1]-'0'+1)%10
		return m
	})
	if bytes.Equal(tampered, doc) || len(tampered) != len(doc) {
		t.Fatalf("could not tamper with %s", doc)
	}
	if err := os.WriteFile(file, tampered, 0o600); err != nil {
		t.Fatal(err)
	}
	out, code = run("audit", "verify")
	if code != 1 || !strings.Contains(out, "BAD CHECKPOINT "+written[1]+": "+services.CheckpointBadSignature) {
		t.Fatalf("verify with a tampered checkpoint: exit %d\n%s", code, out)
	}
	if out, code := run("audit", "nonsense"); code != 2 || !strings.Contains(out, "usage: portal audit verify [--witness FILE] | portal audit checkpoint") {
		t.Fatalf("unknown audit subcommand: exit %d\n%s", code, out)
	}
}

// seededDataDir seeds a new data directory with `portal seed demo` and
// returns it with a function that runs the portal's command line on it.
func seededDataDir(t *testing.T) (string, func(args ...string) (string, int)) {
	t.Helper()
	dataDir := t.TempDir()
	env := []string{"PORTAL_DATA_DIR=" + dataDir, "PORTAL_LOG_FORMAT=json", "PORTAL_DEMO_PASSWORD=Demo-Minh-Bach-2026",
		"PORTAL_ARGON2_MEMORY_KIB=8192", "PORTAL_ARGON2_ITERATIONS=1"}
	run := func(args ...string) (string, int) {
		t.Helper()
		return runPortal(t, portalBin, env, nil, args...)
	}
	if out, code := run("seed", "demo"); code != 0 {
		t.Fatalf("seed: %d %s", code, out)
	}
	return dataDir, run
}

// rewriteOneChain opens the stopped portal's database and rewrites one
// report's whole chain (a forged actor), recomputing every hash so that the
// chain still verifies by itself. It returns the report id and the seq
// of its head.
func rewriteOneChain(t *testing.T, dataDir string) (caseID, headSeq string) {
	t.Helper()
	ctx, client, done := openStoppedDB(t, dataDir)
	defer done()
	st := mongostore.New(client, "minhbach")
	heads, err := st.ListAuditHeads(ctx, 10)
	if err != nil || len(heads) != 3 {
		t.Fatalf("heads: %v %d", err, len(heads))
	}
	events, err := st.ListAuditEvents(ctx, heads[0].CaseID, 1000)
	if err != nil || len(events) == 0 {
		t.Fatalf("events of %s: %v", heads[0].CaseID, err)
	}
	col := client.Database("minhbach").Collection("auditEvents")
	prev := ""
	for _, e := range events {
		e.Actor, e.PrevHash = "forger", prev
		e.Hash = services.ComputeAuditHash(prev, e)
		res, err := col.UpdateOne(ctx, bson.D{{Key: "caseId", Value: e.CaseID}, {Key: "seq", Value: e.Seq}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "actor", Value: e.Actor}, {Key: "prevHash", Value: e.PrevHash}, {Key: "hash", Value: e.Hash}}}})
		if err != nil || res.ModifiedCount != 1 {
			t.Fatalf("rewrite event %d: %v %+v", e.Seq, err, res)
		}
		prev = e.Hash
	}
	last := events[len(events)-1]
	return last.CaseID, strconv.FormatInt(last.Seq, 10)
}

// dropHead opens the stopped portal's database and deletes the head
// document of one report's audit chain.
func dropHead(t *testing.T, dataDir, caseID string) {
	t.Helper()
	ctx, client, done := openStoppedDB(t, dataDir)
	defer done()
	res, err := client.Database("minhbach").Collection("auditHeads").DeleteOne(ctx, bson.D{{Key: "_id", Value: caseID}})
	if err != nil || res.DeletedCount != 1 {
		t.Fatalf("delete the head of %s: %v %+v", caseID, err, res)
	}
}

// dropChain opens the stopped portal's database and deletes every audit
// event of one report other than caseID, with its head, as someone with
// the database's keys burying what was done to it would; it returns
// that report's id.
func dropChain(t *testing.T, dataDir, caseID string) string {
	t.Helper()
	ctx, client, done := openStoppedDB(t, dataDir)
	defer done()
	db := client.Database("minhbach")
	var victim struct {
		ID string `bson:"_id"`
	}
	if err := db.Collection("auditHeads").FindOne(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$ne", Value: caseID}}}}).Decode(&victim); err != nil {
		t.Fatal(err)
	}
	res, err := db.Collection("auditEvents").DeleteMany(ctx, bson.D{{Key: "caseId", Value: victim.ID}})
	if err != nil || res.DeletedCount == 0 {
		t.Fatalf("delete the events of %s: %v %+v", victim.ID, err, res)
	}
	if _, err := db.Collection("auditHeads").DeleteOne(ctx, bson.D{{Key: "_id", Value: victim.ID}}); err != nil {
		t.Fatal(err)
	}
	return victim.ID
}

// openStoppedDB starts the embedded database of a stopped portal's data
// directory for the test; done stops it (before the portal runs again).
func openStoppedDB(t *testing.T, dataDir string) (ctx context.Context, client *mongo.Client, done func()) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	m, err := devstack.StartMongo(ctx, filepath.Join(dataDir, "mongo"))
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	client, err = mongo.Connect(options.Client().ApplyURI(m.URI).SetMaxPoolSize(1))
	if err != nil {
		m.Close()
		cancel()
		t.Fatal(err)
	}
	return ctx, client, func() {
		_ = client.Disconnect(context.Background())
		m.Close()
		cancel()
	}
}
