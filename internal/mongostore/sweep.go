package mongostore

import (
	"cmp"
	"context"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minhbach/services"
)

// dueCasesFilter selects reports whose next due date is before t and whose
// sweep mark is not set (served by the dueAt index).
func dueCasesFilter(t time.Time, overdue bool) bson.D {
	mark := "nearNotified"
	if overdue {
		mark = "overdueFlagged"
	}
	return bson.D{{Key: "dueAt", Value: bson.D{{Key: "$lt", Value: t}}}, {Key: mark, Value: bson.D{{Key: "$ne", Value: true}}}}
}

// FindDueCases returns reports due before t whose mark is not set yet,
// nearest due first.
// With a queue index the index selects them and they are read by _id, so
// the sweep's cost does not grow with the archive on the embedded default
// (docs/storage.md, "The queue index").
func (s *Store) FindDueCases(ctx context.Context, t time.Time, overdue bool, limit int) ([]services.Case, error) {
	pick := func(x *queueIndex) []bson.ObjectID { return x.due(t, overdue, limit) }
	if cases, ok, err := s.indexedCases(ctx, pick, func(c services.Case) bool {
		mark := c.NearNotified
		if overdue {
			mark = c.OverdueFlagged
		}
		return mark || bsonMillis(c.DueAt) >= bsonMillis(t)
	}); ok {
		return cases, err
	}
	return s.findCases(ctx, dueCasesFilter(t, overdue),
		options.Find().SetSort(bson.D{{Key: "dueAt", Value: 1}}).SetLimit(int64(limit)))
}

// FindConcludedBefore returns concluded reports concluded before t.
// With a queue index, as FindDueCases.
func (s *Store) FindConcludedBefore(ctx context.Context, t time.Time, limit int) ([]services.Case, error) {
	pick := func(x *queueIndex) []bson.ObjectID { return x.concludedBefore(t, limit) }
	if cases, ok, err := s.indexedCases(ctx, pick, func(c services.Case) bool {
		return c.Status != services.StatusConcluded || c.Outcome == nil || bsonMillis(c.Outcome.ConcludedAt) >= bsonMillis(t)
	}); ok {
		return cases, err
	}
	return s.findCases(ctx, concludedBeforeFilter(t), options.Find().SetLimit(int64(limit)))
}

// indexedCases answers a selection from the queue index, when there is
// one and it is ready (ok; otherwise the database must answer): the
// reports pick chooses, read by _id, without those a write between the
// choice and the read made no longer match (gone).
func (s *Store) indexedCases(ctx context.Context, pick func(*queueIndex) []bson.ObjectID,
	gone func(services.Case) bool) (cases []services.Case, ok bool, err error) {
	x := s.qi.Load()
	if x == nil || !x.ready(ctx, s) {
		return nil, false, nil
	}
	cases, err = s.casesByIDs(ctx, pick(x))
	return slices.DeleteFunc(cases, gone), true, err
}

// casesByIDs reads the reports of ids in one query by _id, in the order of
// ids (a report no longer stored is left out).
func (s *Store) casesByIDs(ctx context.Context, ids []bson.ObjectID) ([]services.Case, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	cases, err := s.findCases(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}, options.Find())
	if err != nil {
		return nil, err
	}
	at := make(map[string]int, len(ids))
	for i, id := range ids {
		at[id.Hex()] = i
	}
	slices.SortFunc(cases, func(a, b services.Case) int { return cmp.Compare(at[a.ID], at[b.ID]) })
	return cases, nil
}

// concludedBeforeFilter selects concluded reports concluded before t
// (served by the status_createdAt index's status prefix).
func concludedBeforeFilter(t time.Time) bson.D {
	return bson.D{{Key: "status", Value: string(services.StatusConcluded)},
		{Key: "outcome.concludedAt", Value: bson.D{{Key: "$lt", Value: t}}}}
}

// publishedOutcomeDoc is the projection of a report the public feed reads:
// nothing else of the report is ever loaded for it.
type publishedOutcomeDoc struct {
	Kind      string `bson:"kind"`
	Category  string `bson:"category"`
	AreaCode  string `bson:"areaCode"`
	UnitID    string `bson:"unitId"`
	Office    string `bson:"office"`
	Procedure string `bson:"procedure"`
	Status    string `bson:"status"`
	AppealID  string `bson:"appealId"`
	Outcome   struct {
		Result        string    `bson:"result"`
		PublicSummary string    `bson:"publicSummary"`
		ConcludedAt   time.Time `bson:"concludedAt"`
		PublishedAt   time.Time `bson:"publishedAt"`
		PublicID      string    `bson:"publicId"`
	} `bson:"outcome"`
}

// FindPublishedOutcomes returns published outcomes, newest first, after the
// cursor (served by the outcome_published index).
func (s *Store) FindPublishedOutcomes(ctx context.Context, after *services.OutcomeCursor, limit int) ([]services.PublishedOutcome, error) {
	filter := bson.D{{Key: "outcome.published", Value: true}}
	if after != nil {
		filter = append(filter, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "outcome.publishedAt", Value: bson.D{{Key: "$lt", Value: after.At}}}},
			bson.D{{Key: "outcome.publishedAt", Value: after.At}, {Key: "outcome.publicId", Value: bson.D{{Key: "$lt", Value: after.ID}}}},
		}})
	}
	cur, err := s.db.Collection(colCases).Find(ctx, filter, options.Find().SetProjection(publishedOutcomeProjection()).
		SetSort(bson.D{{Key: "outcome.publishedAt", Value: -1}, {Key: "outcome.publicId", Value: -1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, translate(err, "outcome")
	}
	var docs []publishedOutcomeDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "outcome")
	}
	round2, err := s.secondRoundStatuses(ctx, docs)
	if err != nil {
		return nil, err
	}
	out := make([]services.PublishedOutcome, len(docs))
	for i, d := range docs {
		out[i] = d.toOutcome(round2)
	}
	return out, nil
}

// publishedOutcomeProjection reads only what the public feed shows (and
// what decides its appeal state).
func publishedOutcomeProjection() bson.D {
	proj := bson.D{{Key: "_id", Value: 0}}
	for _, f := range []string{"kind", "category", "areaCode", "unitId", "office", "procedure", "outcome.result",
		"outcome.publicSummary", "outcome.concludedAt", "outcome.publishedAt", "outcome.publicId", "status", "appealId"} {
		proj = append(proj, bson.E{Key: f, Value: 1})
	}
	return proj
}

func (d publishedOutcomeDoc) toOutcome(round2 map[string]services.Status) services.PublishedOutcome {
	return services.PublishedOutcome{ID: d.Outcome.PublicID, Kind: services.Kind(d.Kind), Category: d.Category, AreaCode: d.AreaCode,
		UnitID: d.UnitID, Office: d.Office, Procedure: d.Procedure, Result: d.Outcome.Result, Summary: d.Outcome.PublicSummary,
		ConcludedAt: d.Outcome.ConcludedAt.UTC(), PublishedAt: d.Outcome.PublishedAt.UTC(),
		Status: services.Status(d.Status), SecondRoundStatus: round2[d.AppealID]}
}

// secondRoundStatuses reads, in one query by _id, the status of the round-2
// reports opened by appeals of the given outcomes, keyed by report id.
func (s *Store) secondRoundStatuses(ctx context.Context, docs []publishedOutcomeDoc) (map[string]services.Status, error) {
	out := map[string]services.Status{}
	var ids bson.A
	for _, d := range docs {
		if oid, err := bson.ObjectIDFromHex(d.AppealID); d.AppealID != "" && err == nil {
			ids = append(ids, oid)
		}
	}
	if len(ids) == 0 {
		return out, nil
	}
	cur, err := s.db.Collection(colCases).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}},
		options.Find().SetProjection(bson.D{{Key: "status", Value: 1}}))
	if err != nil {
		return nil, translate(err, "outcome")
	}
	var rows []struct {
		ID     bson.ObjectID `bson:"_id"`
		Status string        `bson:"status"`
	}
	if err := cur.All(ctx, &rows); err != nil {
		return nil, translate(err, "outcome")
	}
	for _, r := range rows {
		out[r.ID.Hex()] = services.Status(r.Status)
	}
	return out, nil
}
