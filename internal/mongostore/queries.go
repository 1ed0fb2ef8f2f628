package mongostore

import (
	"regexp"

	"go.mongodb.org/mongo-driver/v2/bson"

	"minhbach/services"
)

// The queries behind the unit queue, its status counts, tracking, the case
// page and the unit listings (recommendations) are built here, in one place,
// so that explain_test.go asks MongoDB's planner about exactly what the store
// methods send: each must be served by an index declared in indexes.go.

// unitField is the field that ties a report to a unit: the inspection unit
// that handles it, or the Front committee (front) that supervises it.
func unitField(front bool) string {
	if front {
		return "frontUnitId"
	}
	return "unitId"
}

// caseByIDFilter finds one report by id (the _id index).
func caseByIDFilter(oid bson.ObjectID) bson.D {
	return bson.D{{Key: "_id", Value: oid}}
}

// trackingCodeFilter finds a tracking code's entry in trackingCodes, keyed
// by _id.
func trackingCodeFilter(code string) bson.D {
	return bson.D{{Key: "_id", Value: code}}
}

// legacyTrackingCodeFilter finds a report stored before the trackingCodes
// collection existed by its code (the trackingCode_unique index).
func legacyTrackingCodeFilter(code string) bson.D {
	return bson.D{{Key: "trackingCode", Value: code}}
}

// unitCasesQuery lists a unit's reports newest first (the unitId_createdAt
// and frontUnitId_createdAt indexes).
func unitCasesQuery(unitID string, front bool) (filter, sort bson.D) {
	return bson.D{{Key: unitField(front), Value: unitID}}, bson.D{{Key: "createdAt", Value: -1}}
}

// recommendedCasesQuery selects a unit's (or committee's) reports that carry
// at least one recommendation, newest first (served by the unitId_createdAt
// and frontUnitId_createdAt indexes).
func recommendedCasesQuery(unitID string, front bool) (filter, sort bson.D) {
	filter, sort = unitCasesQuery(unitID, front)
	return append(filter, bson.E{Key: "recommendations.0", Value: bson.D{{Key: "$exists", Value: true}}}), sort
}

// relatedCasesQuery selects a unit's (or committee's) reports other than
// exclude about one of keys (services.PlaceKeys), newest first (served by
// the unitId_placeKeys and frontUnitId_placeKeys indexes).
func relatedCasesQuery(unitID string, front bool, keys []string, exclude bson.ObjectID) (filter, sort bson.D) {
	return bson.D{{Key: unitField(front), Value: unitID}, {Key: "placeKeys", Value: bson.D{{Key: "$in", Value: keys}}},
			{Key: "_id", Value: bson.D{{Key: "$ne", Value: exclude}}}},
		bson.D{{Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}
}

// queueKeys are the fields a queue sort orders by, in order, ties by _id:
// the keyset the page cursor continues after. Each is served by an index
// on (unit field, keys..., _id): unitId_dueAt, unitId_createdAt_id,
// unitId_statusRank_dueAt and their frontUnitId twins.
func queueKeys(k services.QueueSortKey) []string {
	switch k {
	case services.SortSubmitted:
		return []string{"createdAt", "_id"}
	case services.SortStatus:
		return []string{"statusRank", "dueAt", "_id"}
	}
	return []string{"dueAt", "_id"}
}

// queueSort is the sort document of a queue sort, every key in the same
// direction (so one index serves both directions).
func queueSort(sort services.QueueSort) bson.D {
	dir := 1
	if sort.Desc {
		dir = -1
	}
	var d bson.D
	for _, k := range queueKeys(sort.Key) {
		d = append(d, bson.E{Key: k, Value: dir})
	}
	return d
}

// queueAfter is the keyset condition "after the cursor" in the cursor's
// sort: for keys k1..kn with the cursor's values v1..vn, the disjunction
// over i of (k1 = v1, ..., k(i-1) = v(i-1), ki beyond vi), where beyond is
// $gt ascending and $lt descending.
func queueAfter(c services.QueueCursor) (bson.D, error) {
	oid, err := bson.ObjectIDFromHex(c.ID)
	if err != nil {
		return nil, services.Errorf(services.ReasonCursorInvalid, "The page cursor is invalid.")
	}
	var values []any
	switch c.Sort.Key {
	case services.SortStatus:
		values = []any{c.Rank, c.At, oid}
	default:
		values = []any{c.At, oid}
	}
	beyond := "$gt"
	if c.Sort.Desc {
		beyond = "$lt"
	}
	keys := queueKeys(c.Sort.Key)
	var or bson.A
	for i := range keys {
		branch := bson.D{}
		for j := 0; j < i; j++ {
			branch = append(branch, bson.E{Key: keys[j], Value: values[j]})
		}
		or = append(or, append(branch, bson.E{Key: keys[i], Value: bson.D{{Key: beyond, Value: values[i]}}}))
	}
	return bson.D{{Key: "$or", Value: or}}, nil
}

// queueQuery builds a page of a unit's queue: every filter is a plain field
// match or an escaped case-insensitive regex, and the page is cursor-based
// on the sort's keys (queueKeys), each sort served by its index.
func queueQuery(q services.QueueQuery) (filter, sort bson.D, err error) {
	if q.Sort.Key == "" {
		q.Sort.Key = services.SortDue
	}
	filter = bson.D{{Key: unitField(q.Front), Value: q.UnitID}}
	f := q.Filter
	for _, m := range []struct{ key, value string }{{"status", string(f.Status)}, {"kind", string(f.Kind)},
		{"category", f.Category}, {"areaCode", f.AreaCode}, {"assigneeId", f.AssigneeID}} {
		if m.value != "" {
			filter = append(filter, bson.E{Key: m.key, Value: m.value})
		}
	}
	if f.Office != "" {
		filter = append(filter, bson.E{Key: "office", Value: bson.Regex{Pattern: regexp.QuoteMeta(f.Office), Options: "i"}})
	}
	if f.Overdue {
		filter = append(filter, bson.E{Key: "dueAt", Value: bson.D{{Key: "$lt", Value: q.Now}}})
	}
	if f.Text != "" {
		re := bson.Regex{Pattern: regexp.QuoteMeta(f.Text), Options: "i"}
		filter = append(filter, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "title", Value: re}}, bson.D{{Key: "office", Value: re}},
			bson.D{{Key: "procedure", Value: re}}, bson.D{{Key: "dossierNumber", Value: re}},
		}})
	}
	if q.After != nil {
		if q.After.Sort != q.Sort {
			return nil, nil, services.Errorf(services.ReasonCursorInvalid, "The page cursor is invalid.")
		}
		after, err := queueAfter(*q.After)
		if err != nil {
			return nil, nil, err
		}
		filter = append(filter, bson.E{Key: "$and", Value: bson.A{after}})
	}
	return filter, queueSort(q.Sort), nil
}
