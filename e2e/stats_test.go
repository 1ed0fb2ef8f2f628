package e2e

import (
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestStatsRebuildCommand runs `portal stats rebuild` and `--check` on a
// seeded data directory: counters never built differ from the reports; a
// rebuild makes them agree; a counter edited in the database afterwards
// (a figure inflated by someone with the database's keys) is named by
// --check, which exits 1, and a rebuild repairs it.
func TestStatsRebuildCommand(t *testing.T) {
	dataDir, run := seededDataDir(t)
	out, code := run("stats", "rebuild", "--check")
	if code != 1 || !strings.Contains(out, "DIFFERS ") {
		t.Fatalf("check before any fold: exit %d\n%s", code, out)
	}
	// A server's first catch-up builds the counters from every report.
	p := startPortal(t, dataDir)
	p.waitLog(t, `"msg":"statistics caught up"`, startTimeout)
	p.stop(t)
	if out, code = run("stats", "rebuild", "--check"); code != 0 || !strings.Contains(out, ", 0 differ") {
		t.Fatalf("check after the server's catch-up: exit %d\n%s", code, out)
	}
	out, code = run("stats", "rebuild")
	if code != 0 || !strings.Contains(out, "statistics rebuilt: ") {
		t.Fatalf("rebuild: exit %d\n%s", code, out)
	}
	out, code = run("stats", "rebuild", "--check")
	if code != 0 || !strings.Contains(out, ", 0 differ") {
		t.Fatalf("check after the rebuild: exit %d\n%s", code, out)
	}

	inflated := inflateOneCell(t, dataDir)
	out, code = run("stats", "rebuild", "--check")
	if code != 1 || !strings.Contains(out, "DIFFERS "+inflated) || !strings.Contains(out, ", 1 differ") {
		t.Fatalf("check after inflating %s: exit %d\n%s", inflated, code, out)
	}
	if out, code = run("stats", "rebuild"); code != 0 {
		t.Fatalf("rebuild: exit %d\n%s", code, out)
	}
	if out, code = run("stats", "rebuild", "--check"); code != 0 {
		t.Fatalf("check after the repair: exit %d\n%s", code, out)
	}
	if out, code := run("stats", "nonsense"); code != 2 || !strings.Contains(out, "usage: portal stats rebuild [--check]") {
		t.Fatalf("unknown stats subcommand: exit %d\n%s", code, out)
	}
}

// inflateOneCell opens the stopped portal's database and adds 10 to one
// counter cell's received count; it returns the cell's key.
func inflateOneCell(t *testing.T, dataDir string) string {
	t.Helper()
	ctx, client, done := openStoppedDB(t, dataDir)
	defer done()
	cells := client.Database("minhbach").Collection("statsCells")
	var cell struct {
		ID string `bson:"_id"`
	}
	if err := cells.FindOne(ctx, bson.D{{Key: "n.received", Value: bson.D{{Key: "$gt", Value: 0}}}}).Decode(&cell); err != nil {
		t.Fatal(err)
	}
	res, err := cells.UpdateOne(ctx, bson.D{{Key: "_id", Value: cell.ID}}, bson.D{{Key: "$inc", Value: bson.D{{Key: "n.received", Value: 10}}}})
	if err != nil || res.ModifiedCount != 1 {
		t.Fatalf("inflate %s: %v %+v", cell.ID, err, res)
	}
	return cell.ID
}
