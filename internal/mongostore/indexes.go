package mongostore

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Collection names.
const (
	colCases      = "cases"
	colCategories = "categories"
	colAreas      = "areas"
	colIdentities = "identities"
)

type index struct {
	collection string
	keys       bson.D
	unique     bool
	name       string
}

// indexes is every index the portal needs, in one place. On MongoDB they serve
// the queries; on the embedded FerretDB v1 they only enforce uniqueness.
var indexes = []index{
	{colCases, bson.D{{Key: "trackingCode", Value: 1}}, true, "trackingCode_unique"},
	{colCases, bson.D{{Key: "status", Value: 1}, {Key: "createdAt", Value: -1}}, false, "status_createdAt"},
	{colCases, bson.D{{Key: "createdMonth", Value: 1}}, false, "createdMonth"},
	{colCategories, bson.D{{Key: "code", Value: 1}}, true, "code_unique"},
	{colAreas, bson.D{{Key: "code", Value: 1}}, true, "code_unique"},
	{colAreas, bson.D{{Key: "parent", Value: 1}}, false, "parent"},
	{colIdentities, bson.D{{Key: "caseId", Value: 1}}, true, "caseId_unique"},
}

// EnsureIndexes creates the indexes that are missing. Creating an index that
// exists with the same definition is a no-op, so this runs at every start.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	byCol := map[string][]mongo.IndexModel{}
	var order []string
	for _, ix := range indexes {
		if _, ok := byCol[ix.collection]; !ok {
			order = append(order, ix.collection)
		}
		opts := options.Index().SetName(ix.name)
		if ix.unique {
			opts.SetUnique(true)
		}
		byCol[ix.collection] = append(byCol[ix.collection], mongo.IndexModel{Keys: ix.keys, Options: opts})
	}
	for _, col := range order {
		if _, err := s.db.Collection(col).Indexes().CreateMany(ctx, byCol[col]); err != nil {
			return translate(err, "index")
		}
	}
	return nil
}
