package mongostore

import (
	"bytes"
	"cmp"
	"context"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minhbach/services"
)

var _ services.PeriodActionStore = (*Store)(nil)

// concludedActionDoc is the projection of a report the period report's
// list of actions reads: nothing else of the report (no tracking code, no
// identity, no names) is ever loaded for it.
type concludedActionDoc struct {
	ID       bson.ObjectID `bson:"_id"`
	Kind     string        `bson:"kind"`
	Category string        `bson:"category"`
	Round    int           `bson:"round"`
	Outcome  struct {
		Result      string    `bson:"result"`
		Actions     string    `bson:"actions"`
		ConcludedAt time.Time `bson:"concludedAt"`
	} `bson:"outcome"`
}

// concludedActionProjection selects concludedActionDoc's fields.
var concludedActionProjection = bson.D{{Key: "kind", Value: 1}, {Key: "category", Value: 1}, {Key: "round", Value: 1},
	{Key: "outcome.result", Value: 1}, {Key: "outcome.actions", Value: 1}, {Key: "outcome.concludedAt", Value: 1}}

// concludedInQuery selects the reports of a unit, a committee or (both
// empty) every unit concluded in [from, to), newest conclusion first:
// served on MongoDB by unitId_concludedAt, frontUnitId_concludedAt or
// concludedAt.
func concludedInQuery(q services.ConcludedQuery) (filter, sort bson.D) {
	switch {
	case q.Unit != "":
		filter = bson.D{{Key: "unitId", Value: q.Unit}}
	case q.Front != "":
		filter = bson.D{{Key: "frontUnitId", Value: q.Front}}
	default:
		filter = bson.D{}
	}
	filter = append(filter, bson.E{Key: "outcome.concludedAt", Value: bson.D{{Key: "$gte", Value: q.From}, {Key: "$lt", Value: q.To}}})
	return filter, bson.D{{Key: "outcome.concludedAt", Value: -1}, {Key: "_id", Value: -1}}
}

// FindConcludedActions lists what the conclusions of a scope's reports
// concluded in a range decided, newest first, at most q.Limit, reading only
// the fields the list shows (a projection). With a queue index the index
// chooses the reports and they are read by _id.
func (s *Store) FindConcludedActions(ctx context.Context, q services.ConcludedQuery) ([]services.ConcludedAction, error) {
	if q.Limit <= 0 {
		return []services.ConcludedAction{}, nil
	}
	var docs []concludedActionDoc
	if x := s.qi.Load(); x != nil && x.ready(ctx, s) {
		if ids := x.concludedIn(q); len(ids) > 0 {
			cur, err := s.db.Collection(colCases).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}},
				options.Find().SetProjection(concludedActionProjection))
			if err != nil {
				return nil, translate(err, "report")
			}
			if err := cur.All(ctx, &docs); err != nil {
				return nil, translate(err, "report")
			}
		}
		// A write between the choice and the read may have moved a report
		// out of the scope's range; the database's own order is restored.
		docs = slices.DeleteFunc(docs, func(d concludedActionDoc) bool {
			return d.Outcome.ConcludedAt.Before(q.From) || !d.Outcome.ConcludedAt.Before(q.To)
		})
	} else {
		filter, sort := concludedInQuery(q)
		cur, err := s.db.Collection(colCases).Find(ctx, filter,
			options.Find().SetProjection(concludedActionProjection).SetSort(sort).SetLimit(int64(q.Limit)))
		if err != nil {
			return nil, translate(err, "report")
		}
		if err := cur.All(ctx, &docs); err != nil {
			return nil, translate(err, "report")
		}
	}
	slices.SortFunc(docs, func(a, b concludedActionDoc) int {
		return cmp.Or(b.Outcome.ConcludedAt.Compare(a.Outcome.ConcludedAt), bytes.Compare(b.ID[:], a.ID[:]))
	})
	out := make([]services.ConcludedAction, len(docs))
	for i, d := range docs {
		out[i] = services.ConcludedAction{ConcludedAt: d.Outcome.ConcludedAt.UTC(), Kind: services.Kind(d.Kind), Category: d.Category,
			Round: max(d.Round, 1), Result: d.Outcome.Result, Actions: d.Outcome.Actions}
	}
	return out, nil
}

// concludedIn answers concludedInQuery: the ids of up to q.Limit reports
// of the scope concluded in [q.From, q.To), newest conclusion first (ties
// by id, highest first). It reads the scope's conclusions day by day from
// the end of the range and stops after the day that brings q.Limit: every
// earlier day's are older.
func (x *queueIndex) concludedIn(q services.ConcludedQuery) []bson.ObjectID {
	fromMs, toMs := bsonMillis(q.From), bsonMillis(q.To)
	if toMs <= fromMs {
		return nil
	}
	key := dayKey{}
	switch {
	case q.Unit != "":
		key = dayKey{scope: scopeUnit, id: q.Unit}
	case q.Front != "":
		key = dayKey{scope: scopeFront, id: q.Front}
	}
	var hits []*queueEntry
	x.mu.RLock()
	for key.day = dayOf(toMs - 1); key.day >= dayOf(fromMs) && len(hits) < q.Limit; key.day-- {
		for _, e := range x.days[key] {
			if e.concludedMs >= fromMs && e.concludedMs < toMs {
				hits = append(hits, e)
			}
		}
	}
	x.mu.RUnlock()
	slices.SortFunc(hits, func(a, b *queueEntry) int {
		return cmp.Or(cmp.Compare(b.concludedMs, a.concludedMs), bytes.Compare(b.doc.ID[:], a.doc.ID[:]))
	})
	return entryIDs(hits, q.Limit)
}
