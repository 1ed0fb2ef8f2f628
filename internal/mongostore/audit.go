package mongostore

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minhbach/services"
)

// colAuditEvents holds one document per audit event; the unique index on
// (caseId, seq) serializes concurrent appends to a chain.
const colAuditEvents = "auditEvents"

// maxAuditList caps every audit list query.
const maxAuditList = 100_001

var _ services.AuditStore = (*Store)(nil)

type auditEventDoc struct {
	ID       bson.ObjectID     `bson:"_id"`
	CaseID   string            `bson:"caseId"`
	Seq      int64             `bson:"seq"`
	At       time.Time         `bson:"at"`
	Actor    string            `bson:"actor"`
	Type     string            `bson:"type"`
	Data     map[string]string `bson:"data"`
	PrevHash string            `bson:"prevHash"`
	Hash     string            `bson:"hash"`
}

func (d auditEventDoc) toAuditEvent() services.AuditEvent {
	e := services.AuditEvent{CaseID: d.CaseID, Seq: d.Seq, At: d.At.UTC(), Actor: d.Actor, Type: d.Type,
		PrevHash: d.PrevHash, Hash: d.Hash}
	if len(d.Data) > 0 {
		e.Data = d.Data
	}
	return e
}

func auditLimit(limit int) int64 {
	if limit <= 0 || limit > maxAuditList {
		return maxAuditList
	}
	return int64(limit)
}

// AppendAuditEvent inserts e; a second event with the same (caseId, seq) is
// a conflict.
func (s *Store) AppendAuditEvent(ctx context.Context, e services.AuditEvent) error {
	data := e.Data
	if data == nil {
		data = map[string]string{}
	}
	d := auditEventDoc{ID: bson.NewObjectID(), CaseID: e.CaseID, Seq: e.Seq, At: e.At, Actor: e.Actor, Type: e.Type,
		Data: data, PrevHash: e.PrevHash, Hash: e.Hash}
	_, err := s.db.Collection(colAuditEvents).InsertOne(ctx, d)
	return translate(err, "audit event")
}

// LastAuditEvent returns the report's event with the highest seq.
func (s *Store) LastAuditEvent(ctx context.Context, caseID string) (services.AuditEvent, error) {
	var d auditEventDoc
	err := s.db.Collection(colAuditEvents).FindOne(ctx, bson.D{{Key: "caseId", Value: caseID}},
		options.FindOne().SetSort(bson.D{{Key: "seq", Value: -1}})).Decode(&d)
	if err != nil {
		return services.AuditEvent{}, translate(err, "audit event")
	}
	return d.toAuditEvent(), nil
}

// ListAuditEvents returns up to limit events of a report, seq ascending.
func (s *Store) ListAuditEvents(ctx context.Context, caseID string, limit int) ([]services.AuditEvent, error) {
	cur, err := s.db.Collection(colAuditEvents).Find(ctx, bson.D{{Key: "caseId", Value: caseID}},
		options.Find().SetSort(bson.D{{Key: "seq", Value: 1}}).SetLimit(auditLimit(limit)))
	if err != nil {
		return nil, translate(err, "audit event")
	}
	var docs []auditEventDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "audit event")
	}
	out := make([]services.AuditEvent, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.toAuditEvent())
	}
	return out, nil
}

// ListAuditHeads returns the last event of up to limit reports, by caseId
// descending (newest reports first, as ids are ObjectIDs). The embedded
// FerretDB v1 has no $group $last, so it streams events sorted by
// (caseId, seq) descending — the reverse of the unique index, which MongoDB
// serves from it — and keeps the first event of each report.
func (s *Store) ListAuditHeads(ctx context.Context, limit int) ([]services.AuditEvent, error) {
	n := int(auditLimit(limit))
	cur, err := s.db.Collection(colAuditEvents).Find(ctx, bson.D{},
		options.Find().SetSort(bson.D{{Key: "caseId", Value: -1}, {Key: "seq", Value: -1}}))
	if err != nil {
		return nil, translate(err, "audit event")
	}
	defer func() { _ = cur.Close(context.Background()) }()
	var heads []services.AuditEvent
	for len(heads) < n && cur.Next(ctx) {
		var d auditEventDoc
		if err := cur.Decode(&d); err != nil {
			return nil, translate(err, "audit event")
		}
		if len(heads) > 0 && heads[len(heads)-1].CaseID == d.CaseID {
			continue
		}
		heads = append(heads, d.toAuditEvent())
	}
	if err := cur.Err(); err != nil {
		return nil, translate(err, "audit event")
	}
	return heads, nil
}
