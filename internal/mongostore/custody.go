package mongostore

import (
	"context"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minhbach/services"
)

var (
	_ services.CustodyStore = (*Store)(nil)
	_ services.QueueStore   = (*Store)(nil)
)

type grantDoc struct {
	ID             bson.ObjectID `bson:"_id"`
	Kind           string        `bson:"kind,omitempty"` // missing: an identity grant (stored before kinds)
	CaseID         string        `bson:"caseId"`
	TrackingCode   string        `bson:"trackingCode"`
	UnitID         string        `bson:"unitId"`
	RequesterID    string        `bson:"requesterId"`
	RequesterEmail string        `bson:"requesterEmail"`
	Reason         string        `bson:"reason"`
	Status         string        `bson:"status"`
	DecidedBy      string        `bson:"decidedBy,omitempty"`
	Note           string        `bson:"note,omitempty"`
	CreatedAt      time.Time     `bson:"createdAt"`
	DecidedAt      time.Time     `bson:"decidedAt,omitempty"`
	ExpiresAt      time.Time     `bson:"expiresAt,omitempty"`
}

func (d grantDoc) grant() services.CustodyGrant {
	kind := d.Kind
	if kind == "" {
		kind = services.CustodyIdentity
	}
	return services.CustodyGrant{ID: d.ID.Hex(), Kind: kind, CaseID: d.CaseID, TrackingCode: d.TrackingCode, UnitID: d.UnitID,
		RequesterID: d.RequesterID, RequesterEmail: d.RequesterEmail, Reason: d.Reason, Status: d.Status,
		DecidedBy: d.DecidedBy, Note: d.Note, CreatedAt: d.CreatedAt.UTC(), DecidedAt: d.DecidedAt.UTC(), ExpiresAt: d.ExpiresAt.UTC()}
}

// InsertGrant stores a new custody request.
func (s *Store) InsertGrant(ctx context.Context, g *services.CustodyGrant) error {
	oid := bson.NewObjectID()
	d := grantDoc{ID: oid, Kind: g.Kind, CaseID: g.CaseID, TrackingCode: g.TrackingCode, UnitID: g.UnitID, RequesterID: g.RequesterID,
		RequesterEmail: g.RequesterEmail, Reason: g.Reason, Status: g.Status, CreatedAt: g.CreatedAt}
	if _, err := s.db.Collection(colCustody).InsertOne(ctx, d); err != nil {
		return translate(err, "custody request")
	}
	g.ID = oid.Hex()
	return nil
}

// FindGrant returns a custody request.
func (s *Store) FindGrant(ctx context.Context, id string) (services.CustodyGrant, error) {
	oid, err := objectID(id)
	if err != nil {
		return services.CustodyGrant{}, err
	}
	var d grantDoc
	if err := s.db.Collection(colCustody).FindOne(ctx, bson.D{{Key: "_id", Value: oid}}).Decode(&d); err != nil {
		return services.CustodyGrant{}, translate(err, "custody request")
	}
	return d.grant(), nil
}

// DecideGrant moves a pending request to its decision, once.
func (s *Store) DecideGrant(ctx context.Context, id string, g services.CustodyGrant) (services.CustodyGrant, error) {
	oid, err := objectID(id)
	if err != nil {
		return services.CustodyGrant{}, err
	}
	res, err := s.db.Collection(colCustody).UpdateOne(ctx,
		bson.D{{Key: "_id", Value: oid}, {Key: "status", Value: services.GrantPending}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: g.Status}, {Key: "decidedBy", Value: g.DecidedBy},
			{Key: "note", Value: g.Note}, {Key: "decidedAt", Value: g.DecidedAt}, {Key: "expiresAt", Value: g.ExpiresAt}}}})
	if err != nil {
		return services.CustodyGrant{}, translate(err, "custody request")
	}
	if res.MatchedCount == 0 {
		return services.CustodyGrant{}, services.Errorf(services.ReasonCustodyDecided, "This request has already been decided.")
	}
	return s.FindGrant(ctx, id)
}

func (s *Store) listGrants(ctx context.Context, filter bson.D, limit int) ([]services.CustodyGrant, error) {
	cur, err := s.db.Collection(colCustody).Find(ctx, filter,
		options.Find().SetSort(bson.D{{Key: "createdAt", Value: -1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, translate(err, "custody request")
	}
	var docs []grantDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "custody request")
	}
	out := make([]services.CustodyGrant, len(docs))
	for i, d := range docs {
		out[i] = d.grant()
	}
	return out, nil
}

// ListGrantsByRequester returns a requester's custody requests, newest first.
func (s *Store) ListGrantsByRequester(ctx context.Context, userID string, limit int) ([]services.CustodyGrant, error) {
	return s.listGrants(ctx, bson.D{{Key: "requesterId", Value: userID}}, limit)
}

// ListGrantsByUnit returns a unit's custody requests, newest first.
func (s *Store) ListGrantsByUnit(ctx context.Context, unitID string, limit int) ([]services.CustodyGrant, error) {
	return s.listGrants(ctx, bson.D{{Key: "unitId", Value: unitID}}, limit)
}

// ListCaseGrants returns a user's custody requests on one report, of every
// kind and status, newest first.
func (s *Store) ListCaseGrants(ctx context.Context, caseID, userID string, limit int) ([]services.CustodyGrant, error) {
	return s.listGrants(ctx, bson.D{{Key: "caseId", Value: caseID}, {Key: "requesterId", Value: userID}}, limit)
}

// FindUnitCases lists the reports of a unit, newest first.
func (s *Store) FindUnitCases(ctx context.Context, unitID string, front bool, limit int) ([]services.Case, error) {
	if unitID == "" {
		return nil, nil
	}
	filter, sort := unitCasesQuery(unitID, front)
	return s.findCases(ctx, filter, options.Find().SetSort(sort).SetLimit(int64(limit)))
}

// FindRecommendedCases returns up to limit reports of a unit (or
// committee) that carry recommendations, newest first; with a queue
// index, the index selects them and they are read by _id.
func (s *Store) FindRecommendedCases(ctx context.Context, unitID string, front bool, limit int) ([]services.Case, error) {
	if unitID == "" {
		return nil, nil
	}
	pick := func(x *queueIndex) []bson.ObjectID { return x.recommended(unitID, front, limit) }
	if cases, ok, err := s.indexedCases(ctx, pick, func(c services.Case) bool {
		unit := c.UnitID
		if front {
			unit = c.FrontUnitID
		}
		return unit != unitID || len(c.Recommendations) == 0
	}); ok {
		return cases, err
	}
	filter, sort := recommendedCasesQuery(unitID, front)
	return s.findCases(ctx, filter, options.Find().SetSort(sort).SetLimit(int64(limit)))
}

// FindRelatedCases returns up to limit reports of a unit (or committee)
// other than exclude about one of keys (services.PlaceKeys: the same
// office or official), newest first; with a queue index, the index
// selects them and they are read by _id.
func (s *Store) FindRelatedCases(ctx context.Context, unitID string, front bool, keys []string, exclude string, limit int) ([]services.Case, error) {
	if unitID == "" || len(keys) == 0 {
		return nil, nil
	}
	ex, err := objectID(exclude)
	if err != nil {
		return nil, err
	}
	pick := func(x *queueIndex) []bson.ObjectID { return x.related(unitID, front, keys, ex, limit) }
	if cases, ok, err := s.indexedCases(ctx, pick, func(c services.Case) bool {
		unit := c.UnitID
		if front {
			unit = c.FrontUnitID
		}
		return unit != unitID || c.ID == exclude ||
			!slices.ContainsFunc(services.PlaceKeys(c.Office, c.Officials), func(k string) bool { return slices.Contains(keys, k) })
	}); ok {
		return cases, err
	}
	filter, sort := relatedCasesQuery(unitID, front, keys, ex)
	return s.findCases(ctx, filter, options.Find().SetSort(sort).SetLimit(int64(limit)))
}

// CountQueue counts the reports of a queue query (its filter; the cursor
// and the limit are ignored).
func (s *Store) CountQueue(ctx context.Context, q services.QueueQuery) (int, error) {
	if q.UnitID == "" {
		return 0, nil
	}
	q.After = nil
	if x := s.qi.Load(); x != nil && x.ready(ctx, s) {
		return x.count(q)
	}
	filter, _, err := queueQuery(q)
	if err != nil {
		return 0, err
	}
	n, err := s.db.Collection(colCases).CountDocuments(ctx, filter)
	return int(n), translateSearch(err, "report")
}

// findCases runs a query on the reports and decodes them.
func (s *Store) findCases(ctx context.Context, filter bson.D, opts *options.FindOptionsBuilder) ([]services.Case, error) {
	cur, err := s.db.Collection(colCases).Find(ctx, filter, opts)
	if err != nil {
		return nil, translate(err, "report")
	}
	var docs []caseDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "report")
	}
	out := make([]services.Case, len(docs))
	for i, d := range docs {
		out[i] = d.toCase()
	}
	return out, nil
}

// FindQueue returns a page of a unit's queue in the query's sort, with the
// queue's fields of each report only (queueDoc). Every filter is a plain
// field match or an escaped case-insensitive regex, and the page is
// cursor-based on the sort's keys (queueKeys), served on MongoDB by the
// unit's indexes; with a queue index (UseQueueIndex) the index answers.
func (s *Store) FindQueue(ctx context.Context, q services.QueueQuery) ([]services.Case, error) {
	if q.UnitID == "" {
		return nil, nil
	}
	if x := s.qi.Load(); x != nil && x.ready(ctx, s) {
		return x.page(q)
	}
	filter, sort, err := queueQuery(q)
	if err != nil {
		return nil, err
	}
	cur, err := s.db.Collection(colCases).Find(ctx, filter, options.Find().SetSort(sort).SetLimit(int64(q.Limit)).SetProjection(queueProjection))
	if err != nil {
		return nil, translateSearch(err, "report")
	}
	var docs []queueDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translateSearch(err, "report")
	}
	out := make([]services.Case, len(docs))
	for i := range docs {
		out[i] = docs[i].queueCase()
	}
	return out, nil
}
