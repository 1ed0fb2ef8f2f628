package mongostore_test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	_ "modernc.org/sqlite" // the read-only connection that asks SQLite for query plans

	"minhbach/internal/mongostore"
	"minhbach/services"
)

// TestLookupsByIDUseTheIndex proves that on the embedded default a report
// read, updated or deleted by id is found through the unique _id index of
// its SQLite table, not by reading the whole table: the patch the portal
// carries in third_party/ferretdb (PATCHES.md there, docs/storage.md "The
// carried FerretDB patch").
//
// It starts its own embedded FerretDB with a logger that records every SQL
// statement FerretDB runs (FerretDB logs each one, with its arguments, at
// debug level), fills the reports collection with a thousand reports,
// performs each operation, and asks SQLite, on a read-only connection to the
// same file, for the query plan of every SELECT, UPDATE and DELETE the
// operation ran on the reports table: each must SEARCH the table USING the
// _id INDEX, none may SCAN it. Unpatched FerretDB v1.24.2 scans for all of
// them (its queries use a different expression than the index).
func TestLookupsByIDUseTheIndex(t *testing.T) {
	if testing.Short() {
		t.Skip("fills a collection with a thousand reports")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dir := t.TempDir()
	rec := &sqlRecorder{}
	sock := filepath.Join(dir, "mongodb.sock")
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{Unix: sock},
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/",
		Logger:    slog.New(sqlLogHandler{rec: rec}),
	})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = f.Run(runCtx) }()
	t.Cleanup(func() { stop(); <-done })

	client, err := mongo.Connect(options.Client().ApplyURI("mongodb://" + url.QueryEscape(sock) + "/").
		SetMaxPoolSize(1).SetServerSelectionTimeout(20 * time.Second))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	const dbName = "idindex"
	store := mongostore.New(client, dbName)
	if err := store.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}

	// SQLite plans these statements the same at any size (the index, or a
	// scan without the patch); a thousand reports keep -race runs short.
	const n = 1000
	now := time.Now().UTC().Truncate(time.Millisecond)
	unit := "0123456789abcdef01234567"
	cases := make([]services.Case, n)
	for i := range cases {
		cases[i] = services.Case{ID: store.NewID(), TrackingCode: fmt.Sprintf("MB-IDX-%05d", i),
			Kind: services.KindFeedback, Category: "delay", Title: fmt.Sprintf("Hồ sơ chậm số %d", i),
			Description: strings.Repeat("Cán bộ một cửa hẹn lại nhiều lần mà không nêu lý do. ", 10+i%20),
			Place:       "Bộ phận một cửa", Office: "UBND phường", Language: "vi", Anonymous: true,
			Status: services.StatusReceived, Version: 1, UnitID: unit, CreatedAt: now, UpdatedAt: now,
			DueAt: now.Add(time.Duration(i%500) * time.Hour), ContentHash: "x",
			Timeline: []services.Event{{Type: services.EventSubmitted, At: now, Actor: "citizen", Status: services.StatusReceived, Public: true}}}
	}
	for i := 0; i < n; i += 500 {
		if err := store.BulkInsertCases(ctx, cases[i:min(i+500, n)]); err != nil {
			t.Fatal(err)
		}
	}

	planDB, err := sql.Open("sqlite", "file:"+filepath.Join(dir, dbName+".sqlite")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = planDB.Close() })
	var table string
	if err := planDB.QueryRowContext(ctx, `SELECT table_name FROM _ferretdb_collections WHERE name = ?`, "cases").Scan(&table); err != nil {
		t.Fatalf("the reports table: %v", err)
	}

	coll := client.Database(dbName).Collection("cases")
	oid := func(c services.Case) bson.ObjectID {
		id, err := bson.ObjectIDFromHex(c.ID)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	target, other, gone := cases[n/2], cases[n/3], cases[n/4]
	version := target.Version
	ops := []struct {
		name string
		run  func() error
	}{
		{"the case page's read by id (alone)", func() error {
			_, err := store.FindCaseByID(ctx, target.ID)
			return err
		}},
		{"a note: an update by {_id, version}, then the read", func() error {
			c, err := store.UpdateCase(ctx, target.ID, version, services.CaseChange{At: now,
				Events: []services.Event{{Type: services.EventNote, At: now, Actor: "u", Note: "Đã gọi điện cho bộ phận một cửa."}}})
			version = c.Version
			return err
		}},
		{"a transition: an update by {_id, version, status $in}", func() error {
			st := services.StatusAccepted
			c, err := store.UpdateCase(ctx, target.ID, version, services.CaseChange{At: now, Status: st,
				FromStatus: []services.Status{services.StatusReceived}})
			version = c.Version
			return err
		}},
		{"a stale update by {_id, version} (no match, then the read)", func() error {
			_, err := store.UpdateCase(ctx, target.ID, 1, services.CaseChange{At: now})
			if !services.IsCode(err, services.CodeConflict) {
				return fmt.Errorf("want a conflict, got %v", err)
			}
			return nil
		}},
		{"find by {_id, another key}", func() error {
			return coll.FindOne(ctx, bson.D{{Key: "_id", Value: oid(other)}, {Key: "unitId", Value: unit}}).Err()
		}},
		{"find by {_id: {$in: [...]}}", func() error {
			cur, err := coll.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{oid(other), oid(target)}}}}})
			if err != nil {
				return err
			}
			var got []bson.Raw
			if err := cur.All(ctx, &got); err != nil {
				return err
			}
			if len(got) != 2 {
				return fmt.Errorf("found %d reports, want 2", len(got))
			}
			return nil
		}},
		{"count by {_id, another key}", func() error {
			k, err := coll.CountDocuments(ctx, bson.D{{Key: "_id", Value: oid(other)}, {Key: "status", Value: string(services.StatusReceived)}})
			if err == nil && k != 1 {
				err = fmt.Errorf("counted %d, want 1", k)
			}
			return err
		}},
		{"findAndModify by {_id, version}", func() error {
			return coll.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: oid(other)}, {Key: "version", Value: other.Version}},
				bson.D{{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}}).Err()
		}},
		{"delete by {_id, version}", func() error {
			res, err := coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: oid(gone)}, {Key: "version", Value: gone.Version}})
			if err == nil && res.DeletedCount != 1 {
				err = fmt.Errorf("deleted %d, want 1", res.DeletedCount)
			}
			return err
		}},
	}
	for _, op := range ops {
		rec.start()
		err := op.run()
		stmts := rec.stop()
		if err != nil {
			t.Errorf("%s: %v", op.name, err)
			continue
		}
		checked := 0
		for _, s := range stmts {
			verb := strings.ToUpper(strings.Fields(s.query + " x")[0])
			if !strings.Contains(s.query, fmt.Sprintf("%q", table)) || !slices.Contains([]string{"SELECT", "UPDATE", "DELETE"}, verb) {
				continue
			}
			checked++
			plan, err := queryPlan(ctx, planDB, s)
			if err != nil {
				t.Errorf("%s: explain %s: %v", op.name, s.query, err)
				continue
			}
			if !slices.ContainsFunc(plan, func(p string) bool {
				return strings.HasPrefix(p, "SEARCH "+table+" USING INDEX "+table+"__id_ ")
			}) || slices.ContainsFunc(plan, func(p string) bool { return strings.HasPrefix(p, "SCAN "+table) }) {
				t.Errorf("%s: %s\n  reads the reports table without the _id index: %q", op.name, s.query, plan)
			}
		}
		if checked == 0 {
			t.Errorf("%s: ran no SELECT, UPDATE or DELETE on the reports table (%d statements recorded)", op.name, len(stmts))
		}
		t.Logf("%s: %d statements on the reports table checked", op.name, checked)
	}

	// FerretDB's own explain says the same about the read.
	var res bson.M
	if err := client.Database(dbName).RunCommand(ctx, bson.D{{Key: "explain", Value: bson.D{{Key: "find", Value: "cases"},
		{Key: "filter", Value: bson.D{{Key: "_id", Value: oid(target)}, {Key: "version", Value: version}}}}}}).Decode(&res); err != nil {
		t.Fatal(err)
	}
	if plan := fmt.Sprint(res["queryPlanner"]); !strings.Contains(plan, "USING INDEX "+table+"__id_") {
		t.Errorf("explain of find by {_id, version}: %s", plan)
	}
}

// queryPlan asks SQLite how it runs s: the detail column of EXPLAIN QUERY
// PLAN, one line per step.
func queryPlan(ctx context.Context, db *sql.DB, s sqlStatement) ([]string, error) {
	rows, err := db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+s.query, s.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notUsed int
		var detail string
		if err := rows.Scan(&id, &parent, &notUsed, &detail); err != nil {
			return nil, err
		}
		plan = append(plan, detail)
	}
	return plan, rows.Err()
}

// sqlStatement is one SQL statement FerretDB ran, with its arguments.
type sqlStatement struct {
	query string
	args  []any
}

// sqlRecorder keeps the statements FerretDB runs between start and stop.
type sqlRecorder struct {
	mu    sync.Mutex
	on    bool
	stmts []sqlStatement
}

func (r *sqlRecorder) start() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.on, r.stmts = true, nil
}

func (r *sqlRecorder) stop() []sqlStatement {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.on = false
	return r.stmts
}

func (r *sqlRecorder) recording() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.on
}

// sqlLogHandler is FerretDB's logger in the test: FerretDB's SQL layer
// (internal/util/fsql) logs ">>> <statement>" at debug level before it runs
// a statement, with the arguments in the attribute "args". Everything else
// is dropped.
type sqlLogHandler struct {
	rec   *sqlRecorder
	attrs []slog.Attr
}

func (h sqlLogHandler) Enabled(_ context.Context, level slog.Level) bool {
	return level == slog.LevelDebug && h.rec.recording()
}

func (h sqlLogHandler) Handle(_ context.Context, r slog.Record) error {
	q, ok := strings.CutPrefix(r.Message, ">>> ")
	if !ok {
		return nil
	}
	var args []any
	for _, a := range h.attrs {
		if a.Key == "args" {
			args, _ = a.Value.Any().([]any)
		}
	}
	h.rec.mu.Lock()
	defer h.rec.mu.Unlock()
	if h.rec.on {
		h.rec.stmts = append(h.rec.stmts, sqlStatement{query: q, args: args})
	}
	return nil
}

func (h sqlLogHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return sqlLogHandler{rec: h.rec, attrs: append(slices.Clip(h.attrs), attrs...)}
}

func (h sqlLogHandler) WithGroup(string) slog.Handler { return h }
