package mongostore

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
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
}

// maxCatalogItems caps the reference lists; the area tree of one province
// has a few hundred nodes.
const maxCatalogItems = 5000

// SeedCategories inserts the categories whose codes are missing, leaving
// admins' edits to existing ones alone.
func (s *Store) SeedCategories(ctx context.Context, cats []services.Category) error {
	col := s.db.Collection(colCategories)
	for _, c := range cats {
		doc := categoryDoc{Code: c.Code, Name: textDoc(c.Name), Order: c.Order, Active: c.Active}
		_, err := col.UpdateOne(ctx, bson.D{{Key: "code", Value: c.Code}},
			bson.D{{Key: "$setOnInsert", Value: doc}}, options.UpdateOne().SetUpsert(true))
		if err != nil {
			return translate(err, "category")
		}
	}
	return nil
}

// SeedAreas inserts the areas whose codes are missing.
func (s *Store) SeedAreas(ctx context.Context, areas []services.Area) error {
	col := s.db.Collection(colAreas)
	for _, a := range areas {
		doc := areaDoc{Code: a.Code, Parent: a.Parent, Level: a.Level, Name: textDoc(a.Name)}
		_, err := col.UpdateOne(ctx, bson.D{{Key: "code", Value: a.Code}},
			bson.D{{Key: "$setOnInsert", Value: doc}}, options.UpdateOne().SetUpsert(true))
		if err != nil {
			return translate(err, "area")
		}
	}
	return nil
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
		out = append(out, services.Area{Code: d.Code, Parent: d.Parent, Level: d.Level, Name: services.Text(d.Name)})
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
	return services.Area{Code: d.Code, Parent: d.Parent, Level: d.Level, Name: services.Text(d.Name)}, nil
}
