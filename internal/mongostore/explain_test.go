package mongostore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"minhbach/services"
)

// TestQueriesUseIndexes asks MongoDB's query planner (explain, verbosity
// queryPlanner) about every query the portal issues for the unit queue, its
// status counts, tracking, the case page, the unit listing behind
// recommendations and the audit chains, built by the same functions the store methods call
// (queries.go), and fails on any COLLSCAN in a winning plan.
//
// It is the one test that may skip: the embedded FerretDB v1 has no query
// planner to ask (it scans every collection), so it runs only when
// PORTAL_TEST_MONGODB_URI names a real MongoDB. It is an internal test, to
// reach the unexported query builders, and so connects by itself rather
// than through internal/testenv (which imports this package).
func TestQueriesUseIndexes(t *testing.T) {
	uri := os.Getenv("PORTAL_TEST_MONGODB_URI")
	if uri == "" {
		t.Skip("PORTAL_TEST_MONGODB_URI is not set: the embedded server has no query planner to ask, so index use is checked with explain on real MongoDB only")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	s, err := Open(ctx, Options{URI: uri, Database: "t_explain_" + hex.EncodeToString(b)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cctx, ccancel := context.WithTimeout(context.Background(), time.Minute)
		defer ccancel()
		if err := s.db.Drop(cctx); err != nil {
			t.Errorf("drop test database: %v", err)
		}
		_ = s.Close(cctx)
	})
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}

	// A few reports across two units and two committees, so that the
	// collections exist and hold more than one key per index.
	now := time.Now().UTC().Truncate(time.Millisecond)
	var cases []services.Case
	for i := 0; i < 12; i++ {
		c := services.Case{ID: bson.NewObjectID().Hex(), TrackingCode: fmt.Sprintf("MB-EXPL-%04d", i),
			Kind: services.KindComplaint, Category: "delay", Title: "Hồ sơ bị chậm", Description: "Mô tả", AreaCode: "26743",
			Office: "UBND phường", Procedure: "Cấp GCN", DossierNumber: fmt.Sprintf("HS-%d", i), Language: "vi",
			Status: services.StatusReceived, UnitID: fmt.Sprintf("unit-%d", i%2), FrontUnitID: fmt.Sprintf("front-%d", i%2),
			AssigneeID: fmt.Sprintf("user-%d", i%3), DueAt: now.Add(time.Duration(i-6) * time.Hour), Version: 1,
			CreatedAt: now.Add(-time.Duration(i) * time.Minute), UpdatedAt: now, CreatedDay: now.Format("2006-01-02"), CreatedMonth: now.Format("2006-01"),
			Timeline: []services.Event{{Type: services.EventSubmitted, At: now, Actor: "citizen", Status: services.StatusReceived, Public: true}}}
		if i%4 == 0 {
			c.Status = services.StatusAccepted
		}
		if err := s.InsertCase(ctx, &c); err != nil {
			t.Fatalf("insert report %d: %v", i, err)
		}
		cases = append(cases, c)
	}
	checks := explainChecks(t, ctx, s, cases, now)

	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			raw, err := s.db.RunCommand(ctx, bson.D{{Key: "explain", Value: c.cmd}, {Key: "verbosity", Value: "queryPlanner"}}).Raw()
			if err != nil {
				t.Fatalf("explain %v: %v", c.cmd, err)
			}
			plans, stages, err := winningStages(raw)
			if err != nil {
				t.Fatalf("explain reply: %v\n%s", err, raw)
			}
			if plans == 0 {
				t.Fatalf("no winningPlan in the explain reply:\n%s", raw)
			}
			for _, st := range stages {
				if st == "COLLSCAN" {
					t.Fatalf("a winning plan scans the collection (no index serves this query)\nquery: %v\nexplain: %s", c.cmd, raw)
				}
			}
		})
	}
}

type check struct {
	name string
	cmd  bson.D // the command explain wraps
}

// explainChecks lists the queries TestQueriesUseIndexes explains, built by
// the functions the store methods use (queries.go) where there is one.
// With a store, it also runs each store method once, to check it runs.
func explainChecks(t *testing.T, ctx context.Context, s *Store, cases []services.Case, now time.Time) []check {
	t.Helper()
	first, err := bson.ObjectIDFromHex(cases[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	// try runs a store method with the query being listed, to check that it
	// runs without error (only when there is a store).
	try := func(what string, run func() error) {
		t.Helper()
		if s == nil {
			return
		}
		if err := run(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	find := func(coll string, filter, sort bson.D, limit int64) bson.D {
		cmd := bson.D{{Key: "find", Value: coll}, {Key: "filter", Value: filter}}
		if sort != nil {
			cmd = append(cmd, bson.E{Key: "sort", Value: sort})
		}
		if limit != 0 {
			cmd = append(cmd, bson.E{Key: "limit", Value: limit})
		}
		return cmd
	}
	var checks []check

	// The unit queue: every filter alone and all together, for the inspection
	// unit and the monitor's committee, on the first page and after a cursor.
	filters := []struct {
		name string
		f    services.QueueFilter
	}{
		{"none", services.QueueFilter{}},
		{"status", services.QueueFilter{Status: services.StatusReceived}},
		{"kind", services.QueueFilter{Kind: services.KindComplaint}},
		{"category", services.QueueFilter{Category: "delay"}},
		{"area", services.QueueFilter{AreaCode: "26743"}},
		{"assignee", services.QueueFilter{AssigneeID: "user-1"}},
		{"office", services.QueueFilter{Office: "UBND phường"}},
		{"overdue", services.QueueFilter{Overdue: true}},
		{"text", services.QueueFilter{Text: "hồ sơ (chậm)"}},
		{"all", services.QueueFilter{Status: services.StatusReceived, Kind: services.KindComplaint, Category: "delay",
			AreaCode: "26743", AssigneeID: "user-1", Overdue: true, Text: "HS-1"}},
	}
	for _, front := range []bool{false, true} {
		unit := "unit-1"
		if front {
			unit = "front-1"
		}
		for _, fl := range filters {
			for _, key := range []services.QueueSortKey{services.SortDue, services.SortSubmitted, services.SortStatus} {
				for _, desc := range []bool{false, true} {
					so := services.QueueSort{Key: key, Desc: desc}
					for _, after := range []*services.QueueCursor{nil, {Sort: so, Rank: 2, At: now, ID: cases[3].ID}} {
						q := services.QueueQuery{UnitID: unit, Front: front, Filter: fl.f, Sort: so, After: after, Limit: 51, Now: now}
						filter, sort, err := queueQuery(q)
						if err != nil {
							t.Fatal(err)
						}
						// The store method runs the same query without error.
						try(fmt.Sprintf("FindQueue %+v", q), func() error { _, err := s.FindQueue(ctx, q); return err })
						checks = append(checks, check{fmt.Sprintf("queue front=%v filter=%s sort=%s cursor=%v", front, fl.name, so, after != nil),
							find(colCases, filter, sort, int64(q.Limit))})
					}
				}
			}
		}
		// The unit listing behind overdue recommendations.
		try("FindUnitCases", func() error { _, err := s.FindUnitCases(ctx, unit, front, 1000); return err })
		filter, sort := unitCasesQuery(unit, front)
		checks = append(checks, check{fmt.Sprintf("unit cases front=%v", front), find(colCases, filter, sort, 1000)})
		// The reports behind the recommendation lists, and the digest's count.
		try("FindRecommendedCases", func() error { _, err := s.FindRecommendedCases(ctx, unit, front, 10000); return err })
		filter, sort = recommendedCasesQuery(unit, front)
		checks = append(checks, check{fmt.Sprintf("recommended cases front=%v", front), find(colCases, filter, sort, 10000)})
		// Other reports about the same office or official, on a report's
		// page (docs/statistics.md, "Other reports about this office or
		// official").
		keys := services.PlaceKeys("UBND phường Bến Nghé", "Chị Lan, anh Minh")
		try("FindRelatedCases", func() error {
			_, err := s.FindRelatedCases(ctx, unit, front, keys, cases[0].ID, 20) // services.maxRelated
			return err
		})
		filter, sort = relatedCasesQuery(unit, front, keys, first)
		checks = append(checks, check{fmt.Sprintf("related cases front=%v", front), find(colCases, filter, sort, int64(20))})
		overdueQ := services.QueueQuery{UnitID: unit, Front: front, Filter: services.QueueFilter{Overdue: true}, Now: time.Now()}
		try("CountQueue", func() error { _, err := s.CountQueue(ctx, overdueQ); return err })
		filter, _, _ = queueQuery(overdueQ)
		// CountDocuments sends an aggregate: $match, then $group counting.
		checks = append(checks, check{fmt.Sprintf("overdue count front=%v", front), bson.D{{Key: "aggregate", Value: colCases},
			{Key: "pipeline", Value: bson.A{bson.D{{Key: "$match", Value: filter}},
				bson.D{{Key: "$group", Value: bson.D{{Key: "_id", Value: 1}, {Key: "n", Value: bson.D{{Key: "$sum", Value: 1}}}}}}}},
			{Key: "cursor", Value: bson.D{}}}})
	}
	// Tracking: the code's entry, then the report by id (and the lookup of
	// reports stored before the code collection existed); the case page.
	try("FindCaseByTrackingCode", func() error { _, err := s.FindCaseByTrackingCode(ctx, cases[0].TrackingCode); return err })
	checks = append(checks,
		check{"tracking code entry", find(colTrackingCodes, trackingCodeFilter(cases[0].TrackingCode), nil, 1)},
		check{"tracking legacy code lookup", find(colCases, legacyTrackingCodeFilter(cases[0].TrackingCode), nil, 1)},
		check{"case by id", find(colCases, caseByIDFilter(first), nil, 1)},
	)

	// The audit chains (audit.go): an append reads the recorded head and
	// writes it back by _id; a listing looks events up by _id; a chain
	// without a head yet is read by (caseId, seq); checkpoints list the
	// heads. (`portal audit verify` reads every event once, in no order:
	// a collection scan by design, so it is not listed here.)
	if s != nil {
		var chain []services.AuditEvent
		prev := ""
		for seq := int64(1); seq <= 3; seq++ {
			e := services.AuditEvent{CaseID: cases[0].ID, Seq: seq, At: now, Actor: "u", Type: "note", PrevHash: prev}
			e.Hash = services.ComputeAuditHash(prev, e)
			chain, prev = append(chain, e), e.Hash
		}
		if _, err := s.AppendAuditEvents(ctx, chain[:1]); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AppendAuditEvents(ctx, chain[1:]); err != nil {
			t.Fatal(err)
		}
		if got, err := s.ListAuditEvents(ctx, cases[0].ID, 100); err != nil || len(got) != 3 {
			t.Fatalf("ListAuditEvents: %v %d", err, len(got))
		}
	}
	chainFilter, chainSort := auditChainFilter(cases[0].ID)
	headsFilter, headsSort := auditHeadsQuery()
	checks = append(checks,
		check{"audit event by id", find(colAuditEvents, auditByID(auditEventID(cases[0].ID, 2)), nil, 1)},
		check{"audit head by id", find(colAuditHeads, auditByID(cases[0].ID), nil, 1)},
		check{"audit head update", bson.D{{Key: "update", Value: colAuditHeads}, {Key: "updates", Value: bson.A{
			bson.D{{Key: "q", Value: auditByID(cases[0].ID)}, {Key: "u", Value: bson.D{{Key: "$set", Value: bson.D{{Key: "seq", Value: 3}}}}}}}}}},
		check{"audit chain without head", find(colAuditEvents, chainFilter, chainSort, maxAuditList)},
		check{"audit heads list", find(colAuditHeads, headsFilter, headsSort, maxAuditList)},
	)

	// What filing, a staff action (move, note, message, assignment), a
	// tracking session and the case page send besides, and the sweep per
	// flagged report (handlers' TestPerReportQueriesExplained records them).
	// Staff sessions, accounts and units are read by _id; the staff list is
	// the users sorted by email (the email index).
	oid := bson.NewObjectID()
	id := bson.D{{Key: "_id", Value: oid}}
	checks = append(checks,
		check{"staff sign-in by id", find(colSignIns, id, nil, 1)},
		check{"staff account by id", find(colUsers, id, nil, 1)},
		check{"unit by id", find(colUnits, id, nil, 1)},
		check{"staff by email", find(colUsers, bson.D{}, bson.D{{Key: "email", Value: 1}}, 0)},
		check{"report update by id and version", find(colCases, bson.D{{Key: "_id", Value: first}, {Key: "version", Value: int64(1)}}, nil, 1)},
		check{"report transition by id, version and status", find(colCases, bson.D{{Key: "_id", Value: first}, {Key: "version", Value: int64(1)},
			{Key: "status", Value: bson.D{{Key: "$in", Value: bson.A{"received"}}}}}, nil, 1)},
		check{"custody request of a requester on a report", find(colCustody, bson.D{{Key: "caseId", Value: cases[0].ID}, {Key: "requesterId", Value: "user-1"}},
			bson.D{{Key: "createdAt", Value: -1}}, 1)},
		check{"identity of a report", find(colIdentities, identityFilter(cases[0].ID), nil, 1)},
	)
	for _, overdue := range []bool{false, true} {
		checks = append(checks, check{fmt.Sprintf("sweep due reports overdue=%v", overdue),
			find(colCases, dueCasesFilter(now, overdue), bson.D{{Key: "dueAt", Value: 1}}, 100)})
	}
	checks = append(checks, check{"sweep concluded reports", find(colCases, concludedBeforeFilter(now), nil, 100)},
		// With a queue index the sweep reads the reports it selected by _id,
		// and a monitor's digest of the day is looked up by its key.
		check{"reports by ids", find(colCases, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{first, oid}}}}}, nil, 0)},
		check{"notification by dedup key", find(colOutbox, bson.D{{Key: "_id", Value: "digest:user-1:2026-12-04"}}, nil, 1)},
		// The outbox job: what is due, then those notifications by _id.
		check{"due notifications", find(colOutboxDue, bson.D{{Key: "nextAttempt", Value: bson.D{{Key: "$lte", Value: now}}}},
			bson.D{{Key: "nextAttempt", Value: 1}, {Key: "_id", Value: 1}}, 100)},
		check{"notifications by ids", find(colOutbox, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{"a", "b"}}}}}, nil, 0)},
		// The statistics' fold (docs/statistics.md): the reports' marks by
		// _id, the changes left pending by their sequence, a counter cell by
		// _id and its last fold, the folds' sequence.
		check{"statistics marks by ids", find(colStatsMarks, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{"a", "b"}}}}}, nil, 0)},
		check{"statistics changes pending", find(colStatsMarks, pendingStatsFilter(), bson.D{{Key: "p.seq", Value: 1}}, 0)},
		check{"statistics mark by id", find(colStatsMarks, bson.D{{Key: "_id", Value: "a"}}, nil, 1)},
		check{"statistics mark by id and pending change", find(colStatsMarks, bson.D{{Key: "_id", Value: "a"}, {Key: "p.seq", Value: int64(3)}}, nil, 1)},
		check{"statistics cell by key before a fold", find(colStatsCells, bson.D{{Key: "_id", Value: "2026-11|u1"}, {Key: "seq", Value: bson.D{{Key: "$lt", Value: int64(3)}}}}, nil, 1)},
		check{"reports written since", find(colCases, changedSinceFilter(now), nil, 0)},
		check{"statistics cells of a unit", find(colStatsCells, statsCellsFilter([]string{"2026-11", "now"}, "u1", ""), nil, 0)},
		check{"statistics cells of a committee", find(colStatsCells, statsCellsFilter([]string{"2026-11", "now"}, "", "f1"), nil, 0)},
		check{"statistics cells of every unit", find(colStatsCells, statsCellsFilter([]string{"2026-11", "now"}, "", ""), nil, 0)},
		check{"hotspot cells of a unit", find(colStatsCells, statsDimsFilter([]string{"2026-10", "2026-11"}, "u1", "", "office"), nil, 0)},
		check{"hotspot cells of a committee", find(colStatsCells, statsDimsFilter([]string{"2026-10", "2026-11"}, "", "f1", "official"), nil, 0)},
		check{"hotspot cells of every unit", find(colStatsCells, statsDimsFilter([]string{"2026-10", "2026-11"}, "", "", "counter"), nil, 0)},
		check{"statistics fold sequence", find(colStatsState, bson.D{{Key: "_id", Value: "fold"}}, nil, 1)})
	// The period report's actions: a unit's, a committee's or every
	// report concluded in a range, newest first (docs/period-report.md).
	for _, q := range []services.ConcludedQuery{{Unit: "unit-1"}, {Front: "front-1"}, {}} {
		q.From, q.To, q.Limit = now.AddDate(0, -3, 0), now, services.MaxPeriodActions+1
		try("FindConcludedActions", func() error { _, err := s.FindConcludedActions(ctx, q); return err })
		filter, sort := concludedInQuery(q)
		checks = append(checks, check{fmt.Sprintf("concluded actions unit=%q front=%q", q.Unit, q.Front),
			bson.D{{Key: "find", Value: colCases}, {Key: "filter", Value: filter}, {Key: "sort", Value: sort},
				{Key: "projection", Value: concludedActionProjection}, {Key: "limit", Value: int64(q.Limit)}}})
	}
	// Open311 (docs/intake.md): a key by the hash of the secret presented,
	// the admin's list of keys, a key's count, a key's own reports in a
	// range, an outcome by its public id.
	try("FindAPIKeyByHash", func() error {
		if _, err := s.FindAPIKeyByHash(ctx, "0000"); err != nil && !services.IsCode(err, services.CodeNotFound) {
			return err
		}
		return nil
	})
	try("FindAPIKeys", func() error { _, err := s.FindAPIKeys(ctx); return err })
	try("FindCasesFiledBy", func() error {
		_, err := s.FindCasesFiledBy(ctx, services.APIKeyFiler+"k", now.Add(-services.Open311Span), now, services.MaxOpen311Requests)
		return err
	})
	keysFilter, keysSort := apiKeysQuery()
	filedFilter, filedSort := casesFiledByQuery(services.APIKeyFiler+"k", now.Add(-services.Open311Span), now)
	checks = append(checks,
		check{"API key by hash", find(colAPIKeys, apiKeyByHashFilter("0000"), nil, 1)},
		check{"API keys", find(colAPIKeys, keysFilter, keysSort, services.MaxAPIKeys)},
		check{"API key by id", find(colAPIKeys, id, nil, 1)},
		check{"API key update by id and version", find(colAPIKeys, bson.D{{Key: "_id", Value: oid}, {Key: "version", Value: int64(1)}}, nil, 1)},
		check{"reports filed with an API key", find(colCases, filedFilter, filedSort, services.MaxOpen311Requests)},
		check{"published outcome by public id", find(colCases, publishedOutcomeFilter("0123456789abcdef01234567"), nil, 1)},
	)
	return checks
}

// winningStages walks an explain reply and returns how many winning plans
// it holds and the stage names inside them. Winning plans sit under
// queryPlanner (find), under $cursor stages or at the top (aggregate, with
// or without the slot-based engine), and under shards on a sharded cluster,
// so the whole reply is walked; rejected plans are skipped.
func winningStages(doc bson.Raw) (plans int, stages []string, err error) {
	var walk func(d bson.Raw, inWinning bool) error
	walkValue := func(key string, v bson.RawValue, inWinning bool) error {
		switch v.Type {
		case bson.TypeEmbeddedDocument:
			return walk(v.Document(), inWinning)
		case bson.TypeArray:
			vals, err := v.Array().Values()
			if err != nil {
				return err
			}
			for _, x := range vals {
				if x.Type == bson.TypeEmbeddedDocument {
					if err := walk(x.Document(), inWinning); err != nil {
						return err
					}
				}
			}
		case bson.TypeString:
			if inWinning && key == "stage" {
				stages = append(stages, v.StringValue())
			}
		}
		return nil
	}
	walk = func(d bson.Raw, inWinning bool) error {
		elems, err := d.Elements()
		if err != nil {
			return err
		}
		for _, e := range elems {
			key := e.Key()
			if key == "rejectedPlans" {
				continue
			}
			win := inWinning
			if key == "winningPlan" {
				plans++
				win = true
			}
			if err := walkValue(key, e.Value(), win); err != nil {
				return err
			}
		}
		return nil
	}
	err = walk(doc, false)
	return plans, stages, err
}

// TestWinningStages checks the plan walk on the reply shapes MongoDB gives,
// so that the explain test above cannot pass by not finding the plans.
func TestWinningStages(t *testing.T) {
	mk := func(v any) bson.Raw {
		b, err := bson.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name   string
		reply  bson.Raw
		plans  int
		stages []string
	}{
		{"classic find", mk(bson.D{{Key: "queryPlanner", Value: bson.D{
			{Key: "winningPlan", Value: bson.D{{Key: "stage", Value: "LIMIT"}, {Key: "inputStage", Value: bson.D{
				{Key: "stage", Value: "FETCH"}, {Key: "inputStage", Value: bson.D{{Key: "stage", Value: "IXSCAN"}}}}}}},
			{Key: "rejectedPlans", Value: bson.A{bson.D{{Key: "stage", Value: "COLLSCAN"}}}}}}}),
			1, []string{"LIMIT", "FETCH", "IXSCAN"}},
		{"slot-based engine", mk(bson.D{{Key: "queryPlanner", Value: bson.D{{Key: "winningPlan", Value: bson.D{
			{Key: "queryPlan", Value: bson.D{{Key: "stage", Value: "GROUP"}, {Key: "inputStage", Value: bson.D{{Key: "stage", Value: "COLLSCAN"}}}}},
			{Key: "slotBasedPlan", Value: bson.D{{Key: "stages", Value: "[2] group ..."}}}}}}}}),
			1, []string{"GROUP", "COLLSCAN"}},
		{"aggregate $cursor", mk(bson.D{{Key: "stages", Value: bson.A{
			bson.D{{Key: "$cursor", Value: bson.D{{Key: "queryPlanner", Value: bson.D{{Key: "winningPlan", Value: bson.D{
				{Key: "stage", Value: "PROJECTION_SIMPLE"}, {Key: "inputStage", Value: bson.D{{Key: "stage", Value: "IXSCAN"}}}}}}}}}},
			bson.D{{Key: "$group", Value: bson.D{}}}}}}),
			1, []string{"PROJECTION_SIMPLE", "IXSCAN"}},
		{"sharded", mk(bson.D{{Key: "queryPlanner", Value: bson.D{{Key: "winningPlan", Value: bson.D{{Key: "stage", Value: "SHARD_MERGE"},
			{Key: "shards", Value: bson.A{bson.D{{Key: "winningPlan", Value: bson.D{{Key: "stage", Value: "IDHACK"}}}},
				bson.D{{Key: "winningPlan", Value: bson.D{{Key: "stage", Value: "COLLSCAN"}}}}}}}}}}}),
			3, []string{"SHARD_MERGE", "IDHACK", "COLLSCAN"}},
		{"no plan", mk(bson.D{{Key: "ok", Value: 1.0}}), 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			plans, stages, err := winningStages(tc.reply)
			if err != nil || plans != tc.plans || fmt.Sprint(stages) != fmt.Sprint(tc.stages) {
				t.Fatalf("got %d plans %v (%v), want %d %v", plans, stages, err, tc.plans, tc.stages)
			}
		})
	}
}

var updateExplained = flag.Bool("update", false, "rewrite testdata/explained-queries.txt from the explain test's list")

// explainedQueriesFile holds the shapes (QueryShapes) of every query
// TestQueriesUseIndexes explains; handlers' TestPerReportQueriesExplained
// checks that every query of the per-report operations is among them.
const explainedQueriesFile = "testdata/explained-queries.txt"

// TestExplainedQueriesFile: the file of explained query shapes is exactly
// the explain test's list (go test -run TestExplainedQueriesFile -update
// rewrites it). It needs no server: the list is built without one.
func TestExplainedQueriesFile(t *testing.T) {
	now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	var cases []services.Case
	for i := range 12 {
		cases = append(cases, services.Case{ID: bson.NewObjectID().Hex(), TrackingCode: fmt.Sprintf("MB-EXPL-%04d", i)})
	}
	seen := map[string]bool{}
	for _, c := range explainChecks(t, context.Background(), nil, cases, now) {
		raw, err := bson.Marshal(c.cmd)
		if err != nil {
			t.Fatal(err)
		}
		shapes := QueryShapes(c.cmd[0].Key, raw)
		if len(shapes) == 0 {
			t.Fatalf("check %q has no query shape: %v", c.name, c.cmd)
		}
		for _, s := range shapes {
			seen[s] = true
		}
	}
	var lines []string
	for s := range seen {
		lines = append(lines, s)
	}
	sort.Strings(lines)
	want := "# The shapes of the queries TestQueriesUseIndexes explains (generated: go test ./internal/mongostore -run TestExplainedQueriesFile -update).\n" +
		strings.Join(lines, "\n") + "\n"
	if *updateExplained {
		if err := os.WriteFile(explainedQueriesFile, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(explainedQueriesFile)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatalf("%s is not the explain test's list (go test ./internal/mongostore -run TestExplainedQueriesFile -update)\n got:\n%s\nwant:\n%s", explainedQueriesFile, got, want)
	}
}
