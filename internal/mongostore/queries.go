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

// queueSort is the queue's order: nearest due date first, ties by id; the
// page cursor continues after (dueAt, _id).
var queueSort = bson.D{{Key: "dueAt", Value: 1}, {Key: "_id", Value: 1}}

// queueQuery builds a page of a unit's queue: every filter is a plain field
// match or an escaped case-insensitive regex, and the page is cursor-based
// on (dueAt, _id), served by the unitId_dueAt and frontUnitId_dueAt indexes.
func queueQuery(q services.QueueQuery) (filter, sort bson.D, err error) {
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
		oid, err := bson.ObjectIDFromHex(q.After.ID)
		if err != nil {
			return nil, nil, services.Errorf(services.ReasonCursorInvalid, "The page cursor is invalid.")
		}
		filter = append(filter, bson.E{Key: "$and", Value: bson.A{bson.D{{Key: "$or", Value: bson.A{
			bson.D{{Key: "dueAt", Value: bson.D{{Key: "$gt", Value: q.After.DueAt}}}},
			bson.D{{Key: "dueAt", Value: q.After.DueAt}, {Key: "_id", Value: bson.D{{Key: "$gt", Value: oid}}}},
		}}}}})
	}
	return filter, queueSort, nil
}

// statusCountsPipeline counts a unit's reports per status ($match + $group
// with $sum, which the embedded server supports; the $match is served by
// the unitId_status and frontUnitId_* indexes).
func statusCountsPipeline(unitID string, front bool) bson.A {
	return bson.A{
		bson.D{{Key: "$match", Value: bson.D{{Key: unitField(front), Value: unitID}}}},
		bson.D{{Key: "$group", Value: bson.D{{Key: "_id", Value: "$status"}, {Key: "n", Value: bson.D{{Key: "$sum", Value: 1}}}}}},
	}
}
