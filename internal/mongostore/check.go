package mongostore

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minhbach/services"
)

var _ services.EvidenceIndex = (*Store)(nil)

// EachCaseAttachments reads every report once, only its attachments
// (`portal check`, docs/storage.md "Checking the evidence").
func (s *Store) EachCaseAttachments(ctx context.Context, fn func(caseID string, atts []services.Attachment) error) error {
	type doc struct {
		ID          bson.ObjectID   `bson:"_id"`
		Attachments []attachmentDoc `bson:"attachments"`
	}
	return eachCaseDoc(ctx, s, bson.D{{Key: "attachments", Value: 1}}, 200, func(d *doc) error {
		atts := make([]services.Attachment, 0, len(d.Attachments))
		for _, a := range d.Attachments {
			atts = append(atts, services.Attachment(a))
		}
		return fn(d.ID.Hex(), atts)
	})
}

// eachCaseDoc reads every report once, in one streaming query of the
// projection, batch reports per round trip, decoding each into a T.
func eachCaseDoc[T any](ctx context.Context, s *Store, projection bson.D, batch int32, fn func(*T) error) error {
	cur, err := s.db.Collection(colCases).Find(ctx, bson.D{}, options.Find().SetProjection(projection).SetBatchSize(batch))
	if err != nil {
		return translate(err, "report")
	}
	defer cur.Close(context.WithoutCancel(ctx))
	for cur.Next(ctx) {
		var d T
		if err := cur.Decode(&d); err != nil {
			return translate(err, "report")
		}
		if err := fn(&d); err != nil {
			return err
		}
	}
	return translate(cur.Err(), "report")
}

// EachReportID reads every report's id once, in one streaming query of
// the ids only (`portal audit verify`: a report left without an audit
// chain).
func (s *Store) EachReportID(ctx context.Context, fn func(caseID string) error) error {
	type doc struct {
		ID bson.ObjectID `bson:"_id"`
	}
	return eachCaseDoc(ctx, s, bson.D{{Key: "_id", Value: 1}}, 1000, func(d *doc) error { return fn(d.ID.Hex()) })
}
