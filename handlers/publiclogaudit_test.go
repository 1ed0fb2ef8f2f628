package handlers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"golang.org/x/mod/sumdb/note"

	"minhbach/internal/translog"
	"minhbach/services"
)

// reconcile runs what `portal audit verify` runs against the public log,
// with a clock an hour ahead so that no event counts as in flight.
func (f *fixture) reconcile(t *testing.T, witness []byte, repair bool) services.LogReconciliation {
	t.Helper()
	info := f.logVerifier(t)
	rec, err := services.ReconcileLog(context.Background(), services.LogReconcileOptions{Store: f.env.Store, Blobs: f.env.Blob,
		Cases: f.env.Store, Audit: f.env.Store, Admin: f.env.Store, Reports: f.env.Store.EachReportID, Origin: testLogOrigin,
		Verifier: info, Witness: witness, Repair: repair, Now: func() time.Time { return time.Now().Add(time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func problemsText(rec services.LogReconciliation) string {
	var b strings.Builder
	for _, p := range rec.Problems {
		b.WriteString(p.Subject + ": " + p.Problem + "\n")
	}
	return b.String()
}

// TestPublicLogBindsReports: after reports are filed, moved and concluded
// and admin changes made, the reports, the admin log and the public log
// agree; each way of burying or rewriting a report by editing the database
// directly, which the audit chains alone cannot catch, is then caught.
func TestPublicLogBindsReports(t *testing.T) {
	f := newFixture(t)
	st := f.storyStaff(t) // admin changes: units, a routing rule
	_, concluded := f.fileCase(t, "complaint")
	f.conclude(t, st.lead, concluded.ID)
	_, received := f.fileCase(t, "complaint")
	_, third := f.fileCase(t, "complaint")
	f.integrateLog(t)
	ctx := context.Background()

	rec := f.reconcile(t, nil, false)
	if len(rec.Problems) != 0 || rec.Reports != 3 || rec.Admin == 0 || rec.Entries < 3+2+int(rec.Admin) {
		t.Fatalf("a clean portal: %+v\n%s", rec, problemsText(rec))
	}
	// The concluded report's public life is in the log: filed, accepted,
	// concluded with its outcome.
	c, _ := f.env.Store.FindCaseByID(ctx, concluded.ID)
	com, _ := services.LogCommitment(&c)
	refs, _ := f.env.Store.LogEntriesOf(ctx, com)
	if len(refs) != 3 {
		t.Fatalf("entries of the concluded report: %+v", refs)
	}
	w := f.do("GET", "/log/checkpoint", "", nil)
	witnessed := w.Body.Bytes()

	db := f.env.Client.Database(f.env.Database)
	expect := func(name, want string) {
		t.Helper()
		rec := f.reconcile(t, witnessed, false)
		if !strings.Contains(problemsText(rec), want) {
			t.Fatalf("%s: want a problem containing %q, got:\n%s", name, want, problemsText(rec))
		}
	}
	restore := func(col string, id any, field string, v any) {
		t.Helper()
		if _, err := db.Collection(col).UpdateByID(ctx, id, bson.M{"$set": bson.M{field: v}}); err != nil {
			t.Fatal(err)
		}
	}

	// The document's status edited: "rejected" while its chain and the
	// log say concluded.
	restore("cases", mustOID(t, concluded.ID), "status", "rejected")
	expect("status edited", "its document says rejected, but its audit chain's last status is concluded")
	restore("cases", mustOID(t, concluded.ID), "status", string(c.Status))

	// The outcome edited.
	restore("cases", mustOID(t, concluded.ID), "outcome.result", services.OutcomeSubstantiated)
	expect("outcome edited", "outcome is substantiated, but the log's entry")
	restore("cases", mustOID(t, concluded.ID), "outcome.result", c.Outcome.Result)

	// The description edited: the document no longer hashes to its
	// content hash.
	restore("cases", mustOID(t, received.ID), "description", "Một nội dung khác")
	expect("description edited", "no longer hashes to the content hash")
	restore("cases", mustOID(t, received.ID), "description", received.Description)

	// The description and the stored content hash edited together: the
	// commitment changes, and the log has no entry under the new one while
	// the old one's entry has no report.
	other := received
	other.Description = "Một nội dung khác"
	restore("cases", mustOID(t, received.ID), "description", other.Description)
	restore("cases", mustOID(t, received.ID), "contentHash", services.ContentHash(&other))
	expect("content hash recomputed", "no report or admin change has its commitment")
	restore("cases", mustOID(t, received.ID), "description", received.Description)
	restore("cases", mustOID(t, received.ID), "contentHash", received.ContentHash)

	// The timeline edited (an event's status).
	restore("cases", mustOID(t, concluded.ID), "timeline.0.actor", "someone-else")
	expect("timeline edited", "timeline differs from its audit chain")
	restore("cases", mustOID(t, concluded.ID), "timeline.0.actor", c.Timeline[0].Actor)

	if rec := f.reconcile(t, witnessed, false); len(rec.Problems) != 0 {
		t.Fatalf("after restoring: %s", problemsText(rec))
	}

	// The concluded report's last events deleted from its chain, the chain
	// still valid (its head moved back) and the document with it: the
	// log's entry of the conclusion has no event.
	res, err := db.Collection("auditEvents").DeleteMany(ctx, bson.M{"caseId": concluded.ID, "seq": bson.M{"$gte": int64(len(c.Timeline))}})
	if err != nil || res.DeletedCount == 0 {
		t.Fatal(res, err)
	}
	expect("chain cut", "concluded_unsubstantiated on")

	// A whole report deleted, with its chain: its filed entry has no
	// report.
	if _, err := db.Collection("cases").DeleteOne(ctx, bson.M{"_id": mustOID(t, third.ID)}); err != nil {
		t.Fatal(err)
	}
	expect("report deleted", "filed on")

	// An admin event deleted.
	if _, err := db.Collection("adminEvents").DeleteOne(ctx, bson.M{}); err != nil {
		t.Fatal(err)
	}
	rec = f.reconcile(t, witnessed, false)
	if !strings.Contains(problemsText(rec), "configuration on") && !strings.Contains(problemsText(rec), "staffing on") {
		t.Fatalf("admin event deleted: %s", problemsText(rec))
	}
}

// TestPublicLogRollbackAgainstWitness: a log shorter than a witness's
// checkpoint (an old backup restored, checkpoints deleted), or with
// another history, is caught when the witness's checkpoint is given.
func TestPublicLogRollbackAgainstWitness(t *testing.T) {
	f := newFixture(t)
	f.fileCase(t, "complaint")
	f.integrateLog(t)
	old := f.do("GET", "/log/checkpoint", "", nil).Body.Bytes()
	f.fileCase(t, "complaint")
	f.integrateLog(t)
	newer := f.do("GET", "/log/checkpoint", "", nil).Body.Bytes()
	if rec := f.reconcile(t, newer, false); len(rec.Problems) != 0 {
		t.Fatalf("the log extends the witness's checkpoint: %s", problemsText(rec))
	}
	// Restore the state of the older checkpoint, as an old backup would.
	ctx := context.Background()
	v := f.logVerifier(t)
	cp, _, err := translog.OpenCheckpoint(old, testLogOrigin, v)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := f.env.Store.LogState(ctx)
	n, _ := note.Open(old, note.VerifierList(v))
	oldOnly := old[:strings.Index(string(old), "\n\n")+2]
	for _, s := range n.Sigs {
		oldOnly = append(oldOnly, []byte("— "+s.Name+" "+s.Base64+"\n")...)
	}
	if err := f.env.Store.SetLogState(ctx, st.Version, services.LogState{Size: cp.Size, Root: cp.Root, Checkpoint: oldOnly}); err != nil {
		t.Fatal(err)
	}
	rec := f.reconcile(t, newer, false)
	if !strings.Contains(problemsText(rec), "fewer than the") {
		t.Fatalf("rollback: %s", problemsText(rec))
	}
}

// TestPublicLogCheckpointDeleted: the latest checkpoint's object deleted
// from the bucket is caught, where "no checkpoint yet" used to pass.
func TestPublicLogCheckpointDeleted(t *testing.T) {
	f := newFixture(t)
	f.fileCase(t, "complaint")
	f.integrateLog(t)
	ctx := context.Background()
	st, err := f.env.Store.LogState(ctx)
	if err != nil || st.Size == 0 {
		t.Fatal(st, err)
	}
	if err := f.env.Blob.Delete(ctx, services.LogObjectPrefix+translog.CheckpointPath(st.Size)); err != nil {
		t.Fatal(err)
	}
	rec := f.reconcile(t, nil, false)
	if !strings.Contains(problemsText(rec), "is missing from the bucket") {
		t.Fatalf("checkpoint deleted: %s", problemsText(rec))
	}
}
