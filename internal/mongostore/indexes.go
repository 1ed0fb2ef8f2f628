package mongostore

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minhbach/services"
)

// Collection names.
const (
	colCases       = "cases"
	colCategories  = "categories"
	colAreas       = "areas"
	colIdentities  = "identities"
	colIdempotency = "idempotency"
	colUploads     = "uploads"
	colUsers       = "users"
	colSessions    = "sessions"
	// colSignIns holds one document per staff sign-in (_id: the family).
	colSignIns = "signins"
	colCustody = "custody"
	// colTrackingCodes maps each tracking code (_id) to its report.
	colTrackingCodes = "trackingCodes"
)

type index struct {
	collection string
	keys       bson.D
	unique     bool
	name       string
}

// indexes is every index the portal needs, in one place. On MongoDB they serve
// the queries; on the embedded FerretDB v1 they only enforce uniqueness.
var indexes = []index{
	{colCases, bson.D{{Key: "trackingCode", Value: 1}}, true, "trackingCode_unique"},
	{colCases, bson.D{{Key: "status", Value: 1}, {Key: "createdAt", Value: -1}}, false, "status_createdAt"},
	{colCases, bson.D{{Key: "createdMonth", Value: 1}}, false, "createdMonth"},
	{colCases, bson.D{{Key: "unitId", Value: 1}, {Key: "createdAt", Value: -1}}, false, "unitId_createdAt"},
	{colCases, bson.D{{Key: "unitId", Value: 1}, {Key: "dueAt", Value: 1}, {Key: "_id", Value: 1}}, false, "unitId_dueAt"},
	{colCases, bson.D{{Key: "frontUnitId", Value: 1}, {Key: "dueAt", Value: 1}, {Key: "_id", Value: 1}}, false, "frontUnitId_dueAt"},
	{colCases, bson.D{{Key: "unitId", Value: 1}, {Key: "status", Value: 1}}, false, "unitId_status"},
	// The queue's other sorts (queueKeys): by filing time, by stage of work.
	{colCases, bson.D{{Key: "unitId", Value: 1}, {Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}, false, "unitId_createdAt_id"},
	{colCases, bson.D{{Key: "frontUnitId", Value: 1}, {Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}, false, "frontUnitId_createdAt_id"},
	{colCases, bson.D{{Key: "unitId", Value: 1}, {Key: "statusRank", Value: 1}, {Key: "dueAt", Value: 1}, {Key: "_id", Value: 1}}, false, "unitId_statusRank_dueAt"},
	{colCases, bson.D{{Key: "frontUnitId", Value: 1}, {Key: "statusRank", Value: 1}, {Key: "dueAt", Value: 1}, {Key: "_id", Value: 1}}, false, "frontUnitId_statusRank_dueAt"},
	{colCases, bson.D{{Key: "frontUnitId", Value: 1}, {Key: "createdAt", Value: -1}}, false, "frontUnitId_createdAt"},
	{colCases, bson.D{{Key: "unitId", Value: 1}, {Key: "placeKeys", Value: 1}, {Key: "createdAt", Value: -1}}, false, "unitId_placeKeys"},
	{colCases, bson.D{{Key: "frontUnitId", Value: 1}, {Key: "placeKeys", Value: 1}, {Key: "createdAt", Value: -1}}, false, "frontUnitId_placeKeys"},
	// The sweep: reports due before a time whose mark is not set.
	{colCases, bson.D{{Key: "dueAt", Value: 1}}, false, "dueAt"},
	// The public feed of published outcomes, newest first.
	{colCases, bson.D{{Key: "outcome.published", Value: 1}, {Key: "outcome.publishedAt", Value: -1}, {Key: "outcome.publicId", Value: -1}}, false, "outcome_feed"},
	// The period report's actions: a unit's, a committee's or every
	// report concluded in a range, newest first (concludedInQuery).
	{colCases, bson.D{{Key: "unitId", Value: 1}, {Key: "outcome.concludedAt", Value: -1}, {Key: "_id", Value: -1}}, false, "unitId_concludedAt"},
	{colCases, bson.D{{Key: "frontUnitId", Value: 1}, {Key: "outcome.concludedAt", Value: -1}, {Key: "_id", Value: -1}}, false, "frontUnitId_concludedAt"},
	{colCases, bson.D{{Key: "outcome.concludedAt", Value: -1}, {Key: "_id", Value: -1}}, false, "concludedAt"},
	{colCategories, bson.D{{Key: "code", Value: 1}}, true, "code_unique"},
	{colAreas, bson.D{{Key: "code", Value: 1}}, true, "code_unique"},
	{colAreas, bson.D{{Key: "parent", Value: 1}}, false, "parent"},
	{colIdempotency, bson.D{{Key: "expiresAt", Value: 1}}, false, "expiresAt"},
	{colUploads, bson.D{{Key: "createdAt", Value: 1}}, false, "createdAt"},
	{colUsers, bson.D{{Key: "email", Value: 1}}, true, "email_unique"},
	{colUnits, bson.D{{Key: "code", Value: 1}}, true, "code_unique"},
	{colOutbox, bson.D{{Key: "nextAttempt", Value: 1}}, false, "nextAttempt"},
	{colOutboxDue, bson.D{{Key: "nextAttempt", Value: 1}, {Key: "_id", Value: 1}}, false, "nextAttempt_id"},
	// The statistics' catch-up: reports written since a time, and the
	// changes a fold left half-applied (docs/statistics.md).
	{colCases, bson.D{{Key: "updatedAt", Value: 1}}, false, "updatedAt"},
	{colStatsMarks, bson.D{{Key: "p.seq", Value: 1}}, false, "pending_seq"},
	// The figures: a unit's, a committee's or everyone's cells of some months.
	{colStatsCells, bson.D{{Key: "unit", Value: 1}, {Key: "month", Value: 1}}, false, "unit_month"},
	{colStatsCells, bson.D{{Key: "front", Value: 1}, {Key: "month", Value: 1}}, false, "front_month"},
	{colStatsCells, bson.D{{Key: "month", Value: 1}}, false, "month"},
	{colAuditEvents, bson.D{{Key: "caseId", Value: 1}, {Key: "seq", Value: 1}}, true, "caseId_seq_unique"},
	{colRoutingRules, bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}, false, "createdAt"},
	{colAdminEvents, bson.D{{Key: "at", Value: -1}, {Key: "_id", Value: -1}}, false, "at_desc"},
	{colSessions, bson.D{{Key: "family", Value: 1}}, false, "family"},
	{colSessions, bson.D{{Key: "userId", Value: 1}}, false, "userId"},
	{colSessions, bson.D{{Key: "expiresAt", Value: 1}}, false, "expiresAt"},
	{colSignIns, bson.D{{Key: "userId", Value: 1}}, false, "userId"},
	{colSignIns, bson.D{{Key: "expiresAt", Value: 1}}, false, "expiresAt"},
	{colCustody, bson.D{{Key: "caseId", Value: 1}, {Key: "createdAt", Value: -1}}, false, "caseId_createdAt"},
	{colCustody, bson.D{{Key: "unitId", Value: 1}, {Key: "status", Value: 1}}, false, "unitId_status"},
	{colCustody, bson.D{{Key: "requesterId", Value: 1}, {Key: "createdAt", Value: -1}}, false, "requesterId_createdAt"},
	// A unit's staffing feed, newest first (watchers is an array: a
	// multikey index).
	{colStaffing, bson.D{{Key: "watchers", Value: 1}, {Key: "at", Value: -1}, {Key: "_id", Value: -1}}, false, "watchers_at"},
	// Open311 (docs/intake.md): a key by its secret's hash, the keys newest
	// first, a key's own reports by filing time, an outcome by public id.
	{colAPIKeys, bson.D{{Key: "hash", Value: 1}}, true, "hash_unique"},
	{colAPIKeys, bson.D{{Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}, false, "createdAt_desc"},
	{colCases, bson.D{{Key: "filedBy", Value: 1}, {Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}, false, "filedBy_createdAt"},
	{colCases, bson.D{{Key: "outcome.publicId", Value: 1}}, false, "outcome_publicId"},
}

// EnsureIndexes creates the indexes that are missing, so it runs at every
// start. It lists the existing ones and creates each missing index on its
// own: FerretDB v1 panics when one createIndexes call mixes existing and new
// indexes (its duplicate filter deletes from the slice it is indexing).
func (s *Store) EnsureIndexes(ctx context.Context) error {
	existing := map[string]map[string]bool{}
	for _, ix := range indexes {
		names, ok := existing[ix.collection]
		if !ok {
			var err error
			if names, err = s.indexNames(ctx, ix.collection); err != nil {
				return err
			}
			existing[ix.collection] = names
		}
		if names[ix.name] {
			continue
		}
		opts := options.Index().SetName(ix.name)
		if ix.unique {
			opts.SetUnique(true)
		}
		if _, err := s.db.Collection(ix.collection).Indexes().CreateOne(ctx, mongo.IndexModel{Keys: ix.keys, Options: opts}); err != nil {
			return translate(err, "index")
		}
	}
	if err := s.keyIdentitiesByCase(ctx); err != nil {
		return err
	}
	return nil
}

// StatusRankMigrationName names the one-time migration that ranks the
// reports stored before the queue's status sort existed (RankReports).
const StatusRankMigrationName = "rank-reports"

// rankBatch is how many unranked reports RankReports reads at a time (a
// variable for the test of its batches).
var rankBatch = 500

// RankReports gives the reports stored before the queue's status sort
// existed their statusRank (services.StatusRank) and returns how many it
// ranked. It is a recorded one-time migration (cmd/portal runs it at
// start-up under a lease): once a run has finished, later runs only read
// the record. It reads the unranked reports in batches in _id order and
// ranks each batch with one update per status, through the store's report
// writes (casewrite.go), so a queue index sees the new ranks. The status
// stays in each update's filter: a report moved meanwhile got its rank from
// UpdateCase.
func (s *Store) RankReports(ctx context.Context) (int, error) {
	if done, err := s.MigrationDone(ctx, StatusRankMigrationName); err != nil || done {
		return 0, err
	}
	ranked := 0
	var after *bson.ObjectID
	unranked := bson.E{Key: "statusRank", Value: bson.D{{Key: "$exists", Value: false}}}
	for {
		filter := bson.D{unranked}
		if after != nil {
			filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: *after}}})
		}
		cur, err := s.db.Collection(colCases).Find(ctx, filter, options.Find().SetProjection(bson.D{{Key: "status", Value: 1}}).
			SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(rankBatch)))
		if err != nil {
			return ranked, translate(err, "report")
		}
		var docs []struct {
			ID     bson.ObjectID `bson:"_id"`
			Status string        `bson:"status"`
		}
		if err := cur.All(ctx, &docs); err != nil {
			return ranked, translate(err, "report")
		}
		byStatus := map[string][]bson.ObjectID{}
		for _, d := range docs {
			byStatus[d.Status] = append(byStatus[d.Status], d.ID)
		}
		for st, ids := range byStatus {
			n, err := s.updateCaseDocs(ctx, ids, bson.D{{Key: "status", Value: st}, unranked},
				bson.D{{Key: "$set", Value: bson.D{{Key: "statusRank", Value: services.StatusRank(services.Status(st))}}}})
			ranked += int(n)
			if err != nil {
				return ranked, translate(err, "report")
			}
		}
		if len(docs) < rankBatch {
			break
		}
		after = &docs[len(docs)-1].ID
	}
	return ranked, s.MarkMigrationDone(ctx, StatusRankMigrationName, time.Now().UTC())
}

func (s *Store) indexNames(ctx context.Context, collection string) (map[string]bool, error) {
	cur, err := s.db.Collection(collection).Indexes().List(ctx)
	if err != nil {
		return nil, translate(err, "index")
	}
	var specs []struct {
		Name string `bson:"name"`
	}
	if err := cur.All(ctx, &specs); err != nil {
		return nil, translate(err, "index")
	}
	names := map[string]bool{}
	for _, sp := range specs {
		names[sp.Name] = true
	}
	return names, nil
}

// PlaceKeysMigrationName names the one-time migration that gives the
// reports stored before the related reports existed their place keys
// (MigratePlaceKeys).
const PlaceKeysMigrationName = "place-keys"

// MigratePlaceKeys gives the reports stored before the related reports'
// query existed their placeKeys (services.PlaceKeys of their office and
// officials, which never change after filing) and returns how many it
// wrote. It is a recorded one-time migration (cmd/portal runs it at
// start-up under a lease), in batches in _id order, each report written
// through casewrite.go so that a queue index sees its keys.
func (s *Store) MigratePlaceKeys(ctx context.Context) (int, error) {
	if done, err := s.MigrationDone(ctx, PlaceKeysMigrationName); err != nil || done {
		return 0, err
	}
	written := 0
	var after *bson.ObjectID
	missing := bson.E{Key: "placeKeys", Value: bson.D{{Key: "$exists", Value: false}}}
	for {
		filter := bson.D{missing}
		if after != nil {
			filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: *after}}})
		}
		cur, err := s.db.Collection(colCases).Find(ctx, filter, options.Find().
			SetProjection(bson.D{{Key: "office", Value: 1}, {Key: "officials", Value: 1}}).
			SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(rankBatch)))
		if err != nil {
			return written, translate(err, "report")
		}
		var docs []struct {
			ID        bson.ObjectID `bson:"_id"`
			Office    string        `bson:"office"`
			Officials string        `bson:"officials"`
		}
		if err := cur.All(ctx, &docs); err != nil {
			return written, translate(err, "report")
		}
		for _, d := range docs {
			matched, _, err := s.updateCaseDoc(ctx, d.ID, bson.D{{Key: "_id", Value: d.ID}, missing},
				bson.D{{Key: "$set", Value: bson.D{{Key: "placeKeys", Value: services.PlaceKeys(d.Office, d.Officials)}}}}, false)
			if err != nil {
				return written, translate(err, "report")
			}
			if matched {
				written++
			}
		}
		if len(docs) < rankBatch {
			break
		}
		after = &docs[len(docs)-1].ID
	}
	return written, s.MarkMigrationDone(ctx, PlaceKeysMigrationName, time.Now().UTC())
}
