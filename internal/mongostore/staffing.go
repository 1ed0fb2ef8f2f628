package mongostore

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minhbach/services"
)

// colStaffing holds the staffing feed (docs/privacy.md, "Separation of
// duties"): append-only.
const colStaffing = "staffing"

var _ services.StaffingStore = (*Store)(nil)

type staffingDoc struct {
	ID           bson.ObjectID `bson:"_id"`
	At           time.Time     `bson:"at"`
	Kind         string        `bson:"kind"`
	UserID       string        `bson:"userId"`
	Email        string        `bson:"email"`
	Role         string        `bson:"role"`
	UnitID       string        `bson:"unitId,omitempty"`
	UnitName     string        `bson:"unitName,omitempty"`
	FromRole     string        `bson:"fromRole,omitempty"`
	FromUnitID   string        `bson:"fromUnitId,omitempty"`
	FromUnitName string        `bson:"fromUnitName,omitempty"`
	ActorID      string        `bson:"actorId,omitempty"`
	ActorEmail   string        `bson:"actorEmail,omitempty"`
	CoolingUntil time.Time     `bson:"coolingUntil"`
	Watchers     []string      `bson:"watchers"`
}

// InsertStaffingEvent appends a staffing change and sets its id.
func (s *Store) InsertStaffingEvent(ctx context.Context, e *services.StaffingEvent) error {
	d := staffingDoc{ID: bson.NewObjectID(), At: e.At, Kind: e.Kind, UserID: e.UserID, Email: e.Email, Role: string(e.Role),
		UnitID: e.UnitID, UnitName: e.UnitName, FromRole: string(e.FromRole), FromUnitID: e.FromUnitID, FromUnitName: e.FromUnitName,
		ActorID: e.ActorID, ActorEmail: e.ActorEmail, CoolingUntil: e.CoolingUntil, Watchers: e.Watchers}
	if _, err := s.db.Collection(colStaffing).InsertOne(ctx, d); err != nil {
		return translate(err, "staffing change")
	}
	e.ID = d.ID.Hex()
	return nil
}

// ListStaffingEvents returns the newest limit changes watched by unitID.
func (s *Store) ListStaffingEvents(ctx context.Context, unitID string, limit int) ([]services.StaffingEvent, error) {
	cur, err := s.db.Collection(colStaffing).Find(ctx, bson.D{{Key: "watchers", Value: unitID}},
		options.Find().SetSort(bson.D{{Key: "at", Value: -1}, {Key: "_id", Value: -1}}).SetLimit(int64(min(max(limit, 1), services.MaxStaffingEvents))))
	if err != nil {
		return nil, translate(err, "staffing change")
	}
	var docs []staffingDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "staffing change")
	}
	out := make([]services.StaffingEvent, 0, len(docs))
	for _, d := range docs {
		out = append(out, services.StaffingEvent{ID: d.ID.Hex(), At: d.At.UTC(), Kind: d.Kind, UserID: d.UserID, Email: d.Email,
			Role: services.Role(d.Role), UnitID: d.UnitID, UnitName: d.UnitName, FromRole: services.Role(d.FromRole), FromUnitID: d.FromUnitID,
			FromUnitName: d.FromUnitName, ActorID: d.ActorID, ActorEmail: d.ActorEmail, CoolingUntil: d.CoolingUntil.UTC(), Watchers: d.Watchers})
	}
	return out, nil
}
