package mongostore

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"minhbach/services"
)

// identityDoc is a report's sealed identity, keyed by the report's id
// (_id = caseId), so that reading it is a lookup by _id, which the embedded
// server answers without reading every identity (docs/storage.md).
type identityDoc struct {
	ID        string    `bson:"_id"`
	CaseID    string    `bson:"caseId"`
	KeyID     string    `bson:"keyId"`
	Sealed    []byte    `bson:"sealed"`
	CreatedAt time.Time `bson:"createdAt"`
}

// identityKeyMigration names the one-off migration that keys the
// identities stored before by the report's id (recorded in migrations).
const identityKeyMigration = "identities-by-case"

// InsertIdentity stores a sealed identity apart from its report.
func (s *Store) InsertIdentity(ctx context.Context, id services.SealedIdentity) error {
	_, err := s.db.Collection(colIdentities).InsertOne(ctx, identityDoc{ID: id.CaseID, CaseID: id.CaseID, KeyID: id.KeyID, Sealed: id.Sealed, CreatedAt: id.CreatedAt})
	return translate(err, "identity")
}

// FindIdentity returns the sealed identity of a report.
func (s *Store) FindIdentity(ctx context.Context, caseID string) (services.SealedIdentity, error) {
	var d identityDoc
	if err := s.db.Collection(colIdentities).FindOne(ctx, identityFilter(caseID)).Decode(&d); err != nil {
		return services.SealedIdentity{}, translate(err, "identity")
	}
	return services.SealedIdentity{CaseID: d.CaseID, KeyID: d.KeyID, Sealed: d.Sealed, CreatedAt: d.CreatedAt.UTC()}, nil
}

// identityFilter selects the identity of report caseID.
func identityFilter(caseID string) bson.D { return bson.D{{Key: "_id", Value: caseID}} }

// DeleteIdentity removes the sealed identity of a report, if any.
func (s *Store) DeleteIdentity(ctx context.Context, caseID string) error {
	_, err := s.db.Collection(colIdentities).DeleteOne(ctx, identityFilter(caseID))
	return translate(err, "identity")
}

// keyIdentitiesByCase rewrites the identities stored with a generated _id
// (before identities were keyed by report) to _id = caseId, once, and
// records it in migrations (docs/storage.md). The unique index on caseId
// that kept one identity per report goes first (_id keeps it now); then
// each identity is copied under its new key before the old document is
// removed, so a failure midway loses nothing: the next start finds the
// copy already there (a duplicate key, ignored) and removes the old one.
// EnsureIndexes runs it at start-up, before the portal serves.
func (s *Store) keyIdentitiesByCase(ctx context.Context) error {
	if done, err := s.MigrationDone(ctx, identityKeyMigration); err != nil || done {
		return err
	}
	col := s.db.Collection(colIdentities)
	names, err := s.indexNames(ctx, colIdentities)
	if err != nil {
		return err
	}
	if names[legacyIdentityIndex] {
		if err := col.Indexes().DropOne(ctx, legacyIdentityIndex); err != nil {
			return translate(err, "index")
		}
	}
	cur, err := col.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$type", Value: "objectId"}}}})
	if err != nil {
		return translate(err, "identity")
	}
	var old []bson.D
	if err := cur.All(ctx, &old); err != nil {
		return translate(err, "identity")
	}
	for _, d := range old {
		var oldID any
		var caseID string
		for _, e := range d {
			switch e.Key {
			case "_id":
				oldID = e.Value
			case "caseId":
				caseID, _ = e.Value.(string)
			}
		}
		if caseID == "" {
			return services.Errorf(services.ReasonInternal, "An identity without its report (%v) cannot be keyed by report.", oldID)
		}
		moved := bson.D{{Key: "_id", Value: caseID}}
		for _, e := range d {
			if e.Key != "_id" {
				moved = append(moved, e)
			}
		}
		if _, err := col.InsertOne(ctx, moved); err != nil && !mongo.IsDuplicateKeyError(err) {
			return translate(err, "identity")
		}
		if _, err := col.DeleteOne(ctx, bson.D{{Key: "_id", Value: oldID}}); err != nil {
			return translate(err, "identity")
		}
	}
	return s.MarkMigrationDone(ctx, identityKeyMigration, time.Now().UTC())
}

// legacyIdentityIndex is the unique caseId index identities had before
// they were keyed by report.
const legacyIdentityIndex = "caseId_unique"
