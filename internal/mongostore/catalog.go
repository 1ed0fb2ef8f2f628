package mongostore

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minhbach/services"
)

type textDoc struct {
	VI string `bson:"vi"`
	EN string `bson:"en"`
}

type categoryDoc struct {
	Code   string  `bson:"code"`
	Name   textDoc `bson:"name"`
	Order  int     `bson:"order"`
	Active bool    `bson:"active"`
}

type areaDoc struct {
	Code   string  `bson:"code"`
	Parent string  `bson:"parent"`
	Level  string  `bson:"level"`
	Name   textDoc `bson:"name"`
	Remote bool    `bson:"remote,omitempty"`
}

func (d areaDoc) toArea() services.Area {
	return services.Area{Code: d.Code, Parent: d.Parent, Level: d.Level, Name: services.Text(d.Name), Remote: d.Remote}
}

func toAreaDoc(a services.Area) areaDoc {
	return areaDoc{Code: a.Code, Parent: a.Parent, Level: a.Level, Name: textDoc(a.Name), Remote: a.Remote}
}

// maxCatalogItems caps the reference lists; the area tree of one province
// has a few hundred nodes.
const maxCatalogItems = 5000

// existingCodes returns the codes present in a collection.
func (s *Store) existingCodes(ctx context.Context, col string) (map[string]bool, error) {
	cur, err := s.db.Collection(col).Find(ctx, bson.D{}, options.Find().SetProjection(bson.D{{Key: "code", Value: 1}}).SetLimit(maxCatalogItems))
	if err != nil {
		return nil, err
	}
	var docs []struct {
		Code string `bson:"code"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	have := make(map[string]bool, len(docs))
	for _, d := range docs {
		have[d.Code] = true
	}
	return have, nil
}

// insertMissing inserts the documents whose codes are missing, in one
// write; a code inserted meanwhile by another process is not an error.
func (s *Store) insertMissing(ctx context.Context, col string, codes []string, docs []any) error {
	have, err := s.existingCodes(ctx, col)
	if err != nil {
		return translate(err, col)
	}
	var missing []any
	for i, c := range codes {
		if !have[c] {
			missing = append(missing, docs[i])
		}
	}
	if len(missing) == 0 {
		return nil
	}
	_, err = s.db.Collection(col).InsertMany(ctx, missing, options.InsertMany().SetOrdered(false))
	if err != nil && !mongo.IsDuplicateKeyError(err) {
		return translate(err, col)
	}
	return nil
}

// SeedCategories inserts the categories whose codes are missing, leaving
// admins' edits to existing ones alone.
func (s *Store) SeedCategories(ctx context.Context, cats []services.Category) error {
	codes, docs := make([]string, len(cats)), make([]any, len(cats))
	for i, c := range cats {
		codes[i], docs[i] = c.Code, categoryDoc{Code: c.Code, Name: textDoc(c.Name), Order: c.Order, Active: c.Active}
	}
	return s.insertMissing(ctx, colCategories, codes, docs)
}

// SeedAreas inserts the areas whose codes are missing.
func (s *Store) SeedAreas(ctx context.Context, areas []services.Area) error {
	codes, docs := make([]string, len(areas)), make([]any, len(areas))
	for i, a := range areas {
		codes[i], docs[i] = a.Code, toAreaDoc(a)
	}
	return s.insertMissing(ctx, colAreas, codes, docs)
}

// ListCategories returns every category in display order.
func (s *Store) ListCategories(ctx context.Context) ([]services.Category, error) {
	cur, err := s.db.Collection(colCategories).Find(ctx, bson.D{},
		options.Find().SetSort(bson.D{{Key: "order", Value: 1}, {Key: "code", Value: 1}}).SetLimit(maxCatalogItems))
	if err != nil {
		return nil, translate(err, "category")
	}
	var docs []categoryDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "category")
	}
	out := make([]services.Category, 0, len(docs))
	for _, d := range docs {
		out = append(out, services.Category{Code: d.Code, Name: services.Text(d.Name), Order: d.Order, Active: d.Active})
	}
	return out, nil
}

// ListAreas returns the area tree, parents before children.
func (s *Store) ListAreas(ctx context.Context) ([]services.Area, error) {
	cur, err := s.db.Collection(colAreas).Find(ctx, bson.D{},
		options.Find().SetSort(bson.D{{Key: "parent", Value: 1}, {Key: "code", Value: 1}}).SetLimit(maxCatalogItems))
	if err != nil {
		return nil, translate(err, "area")
	}
	var docs []areaDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "area")
	}
	out := make([]services.Area, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.toArea())
	}
	return out, nil
}

// FindCategory returns the category with code.
func (s *Store) FindCategory(ctx context.Context, code string) (services.Category, error) {
	var d categoryDoc
	if err := s.db.Collection(colCategories).FindOne(ctx, bson.D{{Key: "code", Value: code}}).Decode(&d); err != nil {
		return services.Category{}, translate(err, "category")
	}
	return services.Category{Code: d.Code, Name: services.Text(d.Name), Order: d.Order, Active: d.Active}, nil
}

// FindArea returns the area with code.
func (s *Store) FindArea(ctx context.Context, code string) (services.Area, error) {
	var d areaDoc
	if err := s.db.Collection(colAreas).FindOne(ctx, bson.D{{Key: "code", Value: code}}).Decode(&d); err != nil {
		return services.Area{}, translate(err, "area")
	}
	return d.toArea(), nil
}
