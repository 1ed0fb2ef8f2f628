package mongostore

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minhbach/services"
)

// Collections of the organisation data. Holidays are keyed by their date and
// deadline policies by their kind (_id), which makes both unique without a
// secondary index; units need the unique index on code of indexes.go.
const (
	colUnits            = "units"
	colRoutingRules     = "routingRules"
	colHolidays         = "holidays"
	colDeadlinePolicies = "deadlinePolicies"
	colAdminEvents      = "adminEvents"
)

var (
	_ services.OrgStore        = (*Store)(nil)
	_ services.AdminAuditStore = (*Store)(nil)
)

// maxOrgItems caps the organisation lists: a province has a few hundred
// units and rules at most.
const maxOrgItems = 5000

type unitDoc struct {
	ID        bson.ObjectID `bson:"_id"`
	Code      string        `bson:"code"`
	Name      textDoc       `bson:"name"`
	Type      string        `bson:"type"`
	AreaCodes []string      `bson:"areaCodes"`
	Active    bool          `bson:"active"`
	Version   int64         `bson:"version"`
	CreatedAt time.Time     `bson:"createdAt"`
	UpdatedAt time.Time     `bson:"updatedAt"`
}

func (d unitDoc) unit() services.Unit {
	return services.Unit{ID: d.ID.Hex(), Code: d.Code, Name: services.Text(d.Name), Type: services.UnitType(d.Type),
		AreaCodes: nonNil(d.AreaCodes), Active: d.Active, Version: d.Version, CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC()}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// FindUnits returns every unit by code.
func (s *Store) FindUnits(ctx context.Context) ([]services.Unit, error) {
	cur, err := s.db.Collection(colUnits).Find(ctx, bson.D{},
		options.Find().SetSort(bson.D{{Key: "code", Value: 1}}).SetLimit(maxOrgItems))
	if err != nil {
		return nil, translate(err, "unit")
	}
	var docs []unitDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "unit")
	}
	out := make([]services.Unit, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.unit())
	}
	return out, nil
}

// FindUnitByID returns the unit id; not_found for an unknown or malformed id.
func (s *Store) FindUnitByID(ctx context.Context, id string) (services.Unit, error) {
	oid, err := objectID(id)
	if err != nil {
		return services.Unit{}, err
	}
	var d unitDoc
	if err := s.db.Collection(colUnits).FindOne(ctx, bson.D{{Key: "_id", Value: oid}}).Decode(&d); err != nil {
		return services.Unit{}, translate(err, "unit")
	}
	return d.unit(), nil
}

// InsertUnit stores a new unit. The unique index on code makes a duplicate
// a conflict even in a race; the count before it gives the same answer on a
// database whose indexes are not there yet.
func (s *Store) InsertUnit(ctx context.Context, u services.Unit) error {
	oid, err := objectID(u.ID)
	if err != nil {
		return services.Wrap(err, services.ReasonInternal, "The unit id is malformed.")
	}
	col := s.db.Collection(colUnits)
	n, err := col.CountDocuments(ctx, bson.D{{Key: "code", Value: u.Code}})
	if err != nil {
		return translate(err, "unit")
	}
	if n > 0 {
		return services.Errorf(services.ReasonUnitCodeTaken, "A unit with this code already exists.")
	}
	_, err = col.InsertOne(ctx, unitDoc{ID: oid, Code: u.Code, Name: textDoc(u.Name), Type: string(u.Type),
		AreaCodes: nonNil(u.AreaCodes), Active: u.Active, Version: u.Version, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt})
	if err != nil {
		if services.IsCode(translate(err, "unit"), services.CodeConflict) {
			return services.Wrap(err, services.ReasonUnitCodeTaken, "A unit with this code already exists.")
		}
		return translate(err, "unit")
	}
	return nil
}

// UpdateUnit writes u's mutable fields if the stored unit is at version.
func (s *Store) UpdateUnit(ctx context.Context, u services.Unit, version int64) error {
	oid, err := objectID(u.ID)
	if err != nil {
		return err
	}
	res, err := s.db.Collection(colUnits).UpdateOne(ctx,
		bson.D{{Key: "_id", Value: oid}, {Key: "version", Value: version}},
		bson.D{
			{Key: "$set", Value: bson.D{{Key: "name", Value: textDoc(u.Name)}, {Key: "areaCodes", Value: nonNil(u.AreaCodes)},
				{Key: "active", Value: u.Active}, {Key: "updatedAt", Value: u.UpdatedAt}}},
			{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}},
		})
	if err != nil {
		return translate(err, "unit")
	}
	if res.MatchedCount == 0 {
		if _, err := s.FindUnitByID(ctx, u.ID); err != nil {
			return err
		}
		return services.Errorf(services.ReasonChangedElsewhere, "The unit was changed by someone else; reload it and try again.")
	}
	return nil
}

// InsertArea stores a new area; the unique index on code makes a duplicate a
// conflict.
func (s *Store) InsertArea(ctx context.Context, a services.Area) error {
	_, err := s.db.Collection(colAreas).InsertOne(ctx, toAreaDoc(a))
	return translate(err, "area")
}

// UpdateArea replaces old by updated if the stored area still equals old
// (compare-and-set on every field, as area documents have no version).
func (s *Store) UpdateArea(ctx context.Context, old, updated services.Area) error {
	res, err := s.db.Collection(colAreas).UpdateOne(ctx,
		bson.D{{Key: "code", Value: old.Code}, {Key: "parent", Value: old.Parent}, {Key: "level", Value: old.Level},
			{Key: "name.vi", Value: old.Name.VI}, {Key: "name.en", Value: old.Name.EN},
			// Areas stored before the mark existed have no field: $ne matches them as not remote.
			{Key: "remote", Value: bson.D{{Key: "$ne", Value: !old.Remote}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "parent", Value: updated.Parent}, {Key: "level", Value: updated.Level},
			{Key: "name", Value: textDoc(updated.Name)}, {Key: "remote", Value: updated.Remote}}}})
	if err != nil {
		return translate(err, "area")
	}
	if res.MatchedCount == 0 {
		if _, err := s.FindArea(ctx, old.Code); err != nil {
			return err
		}
		return services.Errorf(services.ReasonChangedElsewhere, "The area was changed by someone else; reload it and try again.")
	}
	return nil
}

// InsertCategory stores a new category; the unique index on code makes a
// duplicate a conflict.
func (s *Store) InsertCategory(ctx context.Context, c services.Category) error {
	_, err := s.db.Collection(colCategories).InsertOne(ctx, categoryDoc{Code: c.Code, Name: textDoc(c.Name), Order: c.Order, Active: c.Active})
	return translate(err, "category")
}

// UpdateCategory replaces old by updated if the stored category still
// equals old.
func (s *Store) UpdateCategory(ctx context.Context, old, updated services.Category) error {
	res, err := s.db.Collection(colCategories).UpdateOne(ctx,
		bson.D{{Key: "code", Value: old.Code}, {Key: "name.vi", Value: old.Name.VI}, {Key: "name.en", Value: old.Name.EN},
			{Key: "order", Value: old.Order}, {Key: "active", Value: old.Active}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "name", Value: textDoc(updated.Name)}, {Key: "order", Value: updated.Order},
			{Key: "active", Value: updated.Active}}}})
	if err != nil {
		return translate(err, "category")
	}
	if res.MatchedCount == 0 {
		if _, err := s.FindCategory(ctx, old.Code); err != nil {
			return err
		}
		return services.Errorf(services.ReasonChangedElsewhere, "The category was changed by someone else; reload it and try again.")
	}
	return nil
}

type routingRuleDoc struct {
	ID               bson.ObjectID `bson:"_id"`
	Category         string        `bson:"category"`
	AreaCode         string        `bson:"areaCode"`
	InspectionUnitID string        `bson:"inspectionUnitId"`
	FrontUnitID      string        `bson:"frontUnitId"`
	Note             string        `bson:"note"`
	CreatedAt        time.Time     `bson:"createdAt"`
}

// FindRoutingRules returns every rule, oldest first.
func (s *Store) FindRoutingRules(ctx context.Context) ([]services.RoutingRule, error) {
	cur, err := s.db.Collection(colRoutingRules).Find(ctx, bson.D{},
		options.Find().SetSort(bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(maxOrgItems))
	if err != nil {
		return nil, translate(err, "routing rule")
	}
	var docs []routingRuleDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "routing rule")
	}
	out := make([]services.RoutingRule, 0, len(docs))
	for _, d := range docs {
		out = append(out, services.RoutingRule{ID: d.ID.Hex(), Category: d.Category, AreaCode: d.AreaCode,
			InspectionUnitID: d.InspectionUnitID, FrontUnitID: d.FrontUnitID, Note: d.Note, CreatedAt: d.CreatedAt.UTC()})
	}
	return out, nil
}

// InsertRoutingRule stores a new rule.
func (s *Store) InsertRoutingRule(ctx context.Context, r services.RoutingRule) error {
	oid, err := objectID(r.ID)
	if err != nil {
		return services.Wrap(err, services.ReasonInternal, "The routing rule id is malformed.")
	}
	_, err = s.db.Collection(colRoutingRules).InsertOne(ctx, routingRuleDoc{ID: oid, Category: r.Category, AreaCode: r.AreaCode,
		InspectionUnitID: r.InspectionUnitID, FrontUnitID: r.FrontUnitID, Note: r.Note, CreatedAt: r.CreatedAt})
	return translate(err, "routing rule")
}

// DeleteRoutingRule removes the rule id; not_found when there is none.
func (s *Store) DeleteRoutingRule(ctx context.Context, id string) error {
	oid, err := objectID(id)
	if err != nil {
		return err
	}
	res, err := s.db.Collection(colRoutingRules).DeleteOne(ctx, bson.D{{Key: "_id", Value: oid}})
	if err != nil {
		return translate(err, "routing rule")
	}
	if res.DeletedCount == 0 {
		return services.Errorf(services.ReasonRoutingRuleNotFound, "No such routing rule.")
	}
	return nil
}

type holidayDoc struct {
	Date string  `bson:"_id"`
	Name textDoc `bson:"name"`
}

// FindHolidays returns the holiday calendar by date.
func (s *Store) FindHolidays(ctx context.Context) ([]services.Holiday, error) {
	cur, err := s.db.Collection(colHolidays).Find(ctx, bson.D{},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(maxOrgItems))
	if err != nil {
		return nil, translate(err, "holiday")
	}
	var docs []holidayDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "holiday")
	}
	out := make([]services.Holiday, 0, len(docs))
	for _, d := range docs {
		out = append(out, services.Holiday{Date: d.Date, Name: services.Text(d.Name)})
	}
	return out, nil
}

// InsertHoliday stores a holiday; conflict when its date is already one.
func (s *Store) InsertHoliday(ctx context.Context, h services.Holiday) error {
	_, err := s.db.Collection(colHolidays).InsertOne(ctx, holidayDoc{Date: h.Date, Name: textDoc(h.Name)})
	if err != nil && services.IsCode(translate(err, "holiday"), services.CodeConflict) {
		return services.Wrap(err, services.ReasonHolidayExists, "This date is already a holiday.")
	}
	return translate(err, "holiday")
}

// DeleteHoliday removes the holiday on date; not_found when there is none.
func (s *Store) DeleteHoliday(ctx context.Context, date string) error {
	res, err := s.db.Collection(colHolidays).DeleteOne(ctx, bson.D{{Key: "_id", Value: date}})
	if err != nil {
		return translate(err, "holiday")
	}
	if res.DeletedCount == 0 {
		return services.Errorf(services.ReasonHolidayNotFound, "No holiday on this date.")
	}
	return nil
}

// SeedHolidays inserts the holidays whose dates are missing and leaves the
// others (perhaps renamed by an admin) alone.
func (s *Store) SeedHolidays(ctx context.Context, hs []services.Holiday) error {
	col := s.db.Collection(colHolidays)
	for _, h := range hs {
		_, err := col.UpdateOne(ctx, bson.D{{Key: "_id", Value: h.Date}},
			bson.D{{Key: "$setOnInsert", Value: bson.D{{Key: "name", Value: textDoc(h.Name)}}}}, options.UpdateOne().SetUpsert(true))
		if err != nil {
			return translate(err, "holiday")
		}
	}
	return nil
}

type deadlinePolicyDoc struct {
	Kind                           string    `bson:"_id"`
	AcceptDays                     int       `bson:"acceptDays"`
	AcceptWorkingDays              bool      `bson:"acceptWorkingDays"`
	ResolveDays                    int       `bson:"resolveDays"`
	ResolveWorkingDays             bool      `bson:"resolveWorkingDays"`
	ComplexResolveDays             int       `bson:"complexResolveDays"`
	RemoteResolveDays              int       `bson:"remoteResolveDays"`
	RemoteComplexResolveDays       int       `bson:"remoteComplexResolveDays"`
	Round2ResolveDays              int       `bson:"round2ResolveDays"`
	Round2ComplexResolveDays       int       `bson:"round2ComplexResolveDays"`
	RemoteRound2ResolveDays        int       `bson:"remoteRound2ResolveDays"`
	RemoteRound2ComplexResolveDays int       `bson:"remoteRound2ComplexResolveDays"`
	NotifyDays                     int       `bson:"notifyDays"`
	NotifyWorkingDays              bool      `bson:"notifyWorkingDays"`
	MaxExtensions                  int       `bson:"maxExtensions"`
	ExtensionDays                  int       `bson:"extensionDays"`
	UpdatedAt                      time.Time `bson:"updatedAt"`
}

func toPolicyDoc(p services.DeadlinePolicy) deadlinePolicyDoc {
	return deadlinePolicyDoc{Kind: string(p.Kind), AcceptDays: p.AcceptDays, AcceptWorkingDays: p.AcceptWorkingDays,
		ResolveDays: p.ResolveDays, ResolveWorkingDays: p.ResolveWorkingDays, ComplexResolveDays: p.ComplexResolveDays,
		RemoteResolveDays: p.RemoteResolveDays, RemoteComplexResolveDays: p.RemoteComplexResolveDays,
		Round2ResolveDays: p.Round2ResolveDays, Round2ComplexResolveDays: p.Round2ComplexResolveDays,
		RemoteRound2ResolveDays: p.RemoteRound2ResolveDays, RemoteRound2ComplexResolveDays: p.RemoteRound2ComplexResolveDays,
		NotifyDays: p.NotifyDays, NotifyWorkingDays: p.NotifyWorkingDays, MaxExtensions: p.MaxExtensions,
		ExtensionDays: p.ExtensionDays, UpdatedAt: p.UpdatedAt}
}

func (d deadlinePolicyDoc) policy() services.DeadlinePolicy {
	return services.DeadlinePolicy{Kind: services.Kind(d.Kind), AcceptDays: d.AcceptDays, AcceptWorkingDays: d.AcceptWorkingDays,
		ResolveDays: d.ResolveDays, ResolveWorkingDays: d.ResolveWorkingDays, ComplexResolveDays: d.ComplexResolveDays,
		RemoteResolveDays: d.RemoteResolveDays, RemoteComplexResolveDays: d.RemoteComplexResolveDays,
		Round2ResolveDays: d.Round2ResolveDays, Round2ComplexResolveDays: d.Round2ComplexResolveDays,
		RemoteRound2ResolveDays: d.RemoteRound2ResolveDays, RemoteRound2ComplexResolveDays: d.RemoteRound2ComplexResolveDays,
		NotifyDays: d.NotifyDays, NotifyWorkingDays: d.NotifyWorkingDays, MaxExtensions: d.MaxExtensions,
		ExtensionDays: d.ExtensionDays, UpdatedAt: d.UpdatedAt.UTC()}
}

// FindDeadlinePolicies returns the stored policies.
func (s *Store) FindDeadlinePolicies(ctx context.Context) ([]services.DeadlinePolicy, error) {
	cur, err := s.db.Collection(colDeadlinePolicies).Find(ctx, bson.D{},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(maxOrgItems))
	if err != nil {
		return nil, translate(err, "deadline policy")
	}
	var docs []deadlinePolicyDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "deadline policy")
	}
	out := make([]services.DeadlinePolicy, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.policy())
	}
	return out, nil
}

// PutDeadlinePolicy inserts or replaces the policy of p.Kind.
func (s *Store) PutDeadlinePolicy(ctx context.Context, p services.DeadlinePolicy) error {
	_, err := s.db.Collection(colDeadlinePolicies).ReplaceOne(ctx, bson.D{{Key: "_id", Value: string(p.Kind)}}, toPolicyDoc(p),
		options.Replace().SetUpsert(true))
	return translate(err, "deadline policy")
}

// SeedDeadlinePolicies inserts the policies whose kinds are missing and
// leaves admins' edits alone.
func (s *Store) SeedDeadlinePolicies(ctx context.Context, ps []services.DeadlinePolicy) error {
	col := s.db.Collection(colDeadlinePolicies)
	for _, p := range ps {
		doc, err := bson.Marshal(toPolicyDoc(p))
		if err != nil {
			return services.Wrap(err, services.ReasonInternal, "A deadline policy could not be encoded.")
		}
		var fields bson.D
		if err := bson.Unmarshal(doc, &fields); err != nil {
			return services.Wrap(err, services.ReasonInternal, "A deadline policy could not be encoded.")
		}
		// $setOnInsert must not name _id: the upsert takes it from the filter.
		fields = fields[1:]
		_, err = col.UpdateOne(ctx, bson.D{{Key: "_id", Value: string(p.Kind)}},
			bson.D{{Key: "$setOnInsert", Value: fields}}, options.UpdateOne().SetUpsert(true))
		if err != nil {
			return translate(err, "deadline policy")
		}
	}
	return nil
}

type adminEventDoc struct {
	ID      bson.ObjectID `bson:"_id"`
	At      time.Time     `bson:"at"`
	ActorID string        `bson:"actorId"`
	Action  string        `bson:"action"`
	Target  string        `bson:"target"`
	Summary string        `bson:"summary"`
}

// InsertAdminEvent appends one configuration change to the admin log.
func (s *Store) InsertAdminEvent(ctx context.Context, e services.AdminEvent) error {
	id := bson.NewObjectID()
	if e.ID != "" {
		var err error
		if id, err = bson.ObjectIDFromHex(e.ID); err != nil {
			return services.Errorf(services.ReasonMalformed, "Invalid admin event id.")
		}
	}
	_, err := s.db.Collection(colAdminEvents).InsertOne(ctx, adminEventDoc{ID: id, At: e.At, ActorID: e.ActorID,
		Action: e.Action, Target: e.Target, Summary: e.Summary})
	return translate(err, "admin event")
}

// EachAdminEvent streams every admin event, oldest first (`portal audit
// verify`, the public log's reconciliation).
func (s *Store) EachAdminEvent(ctx context.Context, fn func(services.AdminEvent) error) error {
	cur, err := s.db.Collection(colAdminEvents).Find(ctx, bson.D{},
		options.Find().SetSort(bson.D{{Key: "at", Value: 1}, {Key: "_id", Value: 1}}).SetBatchSize(1000))
	if err != nil {
		return translate(err, "admin event")
	}
	defer cur.Close(context.WithoutCancel(ctx))
	for cur.Next(ctx) {
		var d adminEventDoc
		if err := cur.Decode(&d); err != nil {
			return translate(err, "admin event")
		}
		if err := fn(services.AdminEvent{ID: d.ID.Hex(), At: d.At.UTC(), ActorID: d.ActorID, Action: d.Action, Target: d.Target, Summary: d.Summary}); err != nil {
			return err
		}
	}
	return translate(cur.Err(), "admin event")
}

// ListAdminEvents returns the newest limit events, newest first.
func (s *Store) ListAdminEvents(ctx context.Context, limit int) ([]services.AdminEvent, error) {
	if limit <= 0 {
		limit = services.DefaultAdminEvents
	}
	cur, err := s.db.Collection(colAdminEvents).Find(ctx, bson.D{},
		options.Find().SetSort(bson.D{{Key: "at", Value: -1}, {Key: "_id", Value: -1}}).SetLimit(int64(min(limit, maxOrgItems))))
	if err != nil {
		return nil, translate(err, "admin event")
	}
	var docs []adminEventDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "admin event")
	}
	out := make([]services.AdminEvent, 0, len(docs))
	for _, d := range docs {
		out = append(out, services.AdminEvent{ID: d.ID.Hex(), At: d.At.UTC(), ActorID: d.ActorID, Action: d.Action, Target: d.Target, Summary: d.Summary})
	}
	return out, nil
}
