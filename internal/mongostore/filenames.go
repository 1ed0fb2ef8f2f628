package mongostore

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minhbach/services"
)

// The store side of sealing the file names stored before names were sealed
// (services.FileNameMigration, docs/storage.md "File names").

// colMigrations records finished one-off migrations: {_id: name, doneAt}.
const colMigrations = "migrations"

var _ services.FileNameStore = (*Store)(nil)

// CasesWithFiles returns up to limit reports that have files, in id order
// after the report with id after. Which of their files still hold a clear
// name is decided in Go: matching array elements by two conditions would
// need $elemMatch, which FerretDB v1 answers wrongly (docs/storage.md).
func (s *Store) CasesWithFiles(ctx context.Context, after string, limit int) ([]services.Case, error) {
	filter := bson.D{{Key: "attachments.0", Value: bson.D{{Key: "$exists", Value: true}}}}
	if after != "" {
		oid, err := objectID(after)
		if err != nil {
			return nil, err
		}
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: oid}}})
	}
	return s.findCases(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)))
}

// ReplaceAttachments rewrites the files of report id when its version is
// still version, in one update that bumps the version (to change array
// elements the code rewrites the whole array under the version guard,
// docs/storage.md); false when the report changed since.
func (s *Store) ReplaceAttachments(ctx context.Context, id string, version int64, atts []services.Attachment) (bool, error) {
	oid, err := objectID(id)
	if err != nil {
		return false, err
	}
	docs := make(bson.A, len(atts))
	for i, a := range atts {
		docs[i] = toAttachmentDoc(a)
	}
	matched, _, err := s.updateCaseDoc(ctx, oid, bson.D{{Key: "_id", Value: oid}, {Key: "version", Value: version}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "attachments", Value: docs}}}, {Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}}, false)
	if err != nil {
		return false, translate(err, "report")
	}
	return matched, nil
}

// MigrationDone reports whether the named migration has finished.
func (s *Store) MigrationDone(ctx context.Context, name string) (bool, error) {
	err := s.db.Collection(colMigrations).FindOne(ctx, bson.D{{Key: "_id", Value: name}}).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	return err == nil, translate(err, "migration")
}

// MarkMigrationDone records that the named migration has finished; a
// second record of it (another instance finished too) is not an error.
func (s *Store) MarkMigrationDone(ctx context.Context, name string, at time.Time) error {
	_, err := s.db.Collection(colMigrations).InsertOne(ctx, bson.D{{Key: "_id", Value: name}, {Key: "doneAt", Value: at}})
	if err != nil && !mongo.IsDuplicateKeyError(err) {
		return translate(err, "migration")
	}
	return nil
}
