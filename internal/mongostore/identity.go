package mongostore

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"minhbach/services"
)

type identityDoc struct {
	CaseID    string    `bson:"caseId"`
	KeyID     string    `bson:"keyId"`
	Sealed    []byte    `bson:"sealed"`
	CreatedAt time.Time `bson:"createdAt"`
}

// InsertIdentity stores a sealed identity apart from its report.
func (s *Store) InsertIdentity(ctx context.Context, id services.SealedIdentity) error {
	_, err := s.db.Collection(colIdentities).InsertOne(ctx, identityDoc{CaseID: id.CaseID, KeyID: id.KeyID, Sealed: id.Sealed, CreatedAt: id.CreatedAt})
	return translate(err, "identity")
}

// FindIdentity returns the sealed identity of a report.
func (s *Store) FindIdentity(ctx context.Context, caseID string) (services.SealedIdentity, error) {
	var d identityDoc
	if err := s.db.Collection(colIdentities).FindOne(ctx, bson.D{{Key: "caseId", Value: caseID}}).Decode(&d); err != nil {
		return services.SealedIdentity{}, translate(err, "identity")
	}
	return services.SealedIdentity{CaseID: d.CaseID, KeyID: d.KeyID, Sealed: d.Sealed, CreatedAt: d.CreatedAt.UTC()}, nil
}

// DeleteIdentity removes the sealed identity of a report, if any.
func (s *Store) DeleteIdentity(ctx context.Context, caseID string) error {
	_, err := s.db.Collection(colIdentities).DeleteOne(ctx, bson.D{{Key: "caseId", Value: caseID}})
	return translate(err, "identity")
}
