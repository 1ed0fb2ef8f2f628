package mongostore

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minhbach/services"
)

// colAPIKeys holds the Open311 clients' API keys: the SHA-256 of each
// secret, never the secret (services/apikeys.go).
const colAPIKeys = "apiKeys"

var (
	_ services.APIKeyStore  = (*Store)(nil)
	_ services.Open311Store = (*Store)(nil)
)

type apiKeyDoc struct {
	ID            bson.ObjectID `bson:"_id"`
	Name          string        `bson:"name"`
	Prefix        string        `bson:"prefix"`
	Hash          string        `bson:"hash"`
	RatePerMinute int           `bson:"ratePerMinute"`
	CreatedAt     time.Time     `bson:"createdAt"`
	CreatedBy     string        `bson:"createdBy"`
	RevokedAt     *time.Time    `bson:"revokedAt,omitempty"`
	LastUsedAt    *time.Time    `bson:"lastUsedAt,omitempty"`
	Requests      int64         `bson:"requests"`
	Version       int64         `bson:"version"`
}

func (d apiKeyDoc) toKey() services.APIKey {
	k := services.APIKey{ID: d.ID.Hex(), Name: d.Name, Prefix: d.Prefix, Hash: d.Hash, RatePerMinute: d.RatePerMinute,
		CreatedAt: d.CreatedAt.UTC(), CreatedBy: d.CreatedBy, Requests: d.Requests, Version: d.Version}
	if d.RevokedAt != nil {
		k.RevokedAt = d.RevokedAt.UTC()
	}
	if d.LastUsedAt != nil {
		k.LastUsedAt = d.LastUsedAt.UTC()
	}
	return k
}

// InsertAPIKey stores a new key; its hash is unique.
func (s *Store) InsertAPIKey(ctx context.Context, k services.APIKey) error {
	oid, err := objectID(k.ID)
	if err != nil {
		return err
	}
	d := apiKeyDoc{ID: oid, Name: k.Name, Prefix: k.Prefix, Hash: k.Hash, RatePerMinute: k.RatePerMinute, CreatedAt: k.CreatedAt,
		CreatedBy: k.CreatedBy, Requests: k.Requests, Version: k.Version}
	_, err = s.db.Collection(colAPIKeys).InsertOne(ctx, d)
	return translate(err, "API key")
}

// FindAPIKeys returns the keys, newest first (the createdAt index), at most
// services.MaxAPIKeys.
func (s *Store) FindAPIKeys(ctx context.Context) ([]services.APIKey, error) {
	filter, sort := apiKeysQuery()
	cur, err := s.db.Collection(colAPIKeys).Find(ctx, filter, options.Find().SetSort(sort).SetLimit(services.MaxAPIKeys))
	if err != nil {
		return nil, translate(err, "API key")
	}
	var docs []apiKeyDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "API key")
	}
	out := make([]services.APIKey, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.toKey())
	}
	return out, nil
}

// FindAPIKeyByID returns a key by id.
func (s *Store) FindAPIKeyByID(ctx context.Context, id string) (services.APIKey, error) {
	oid, err := objectID(id)
	if err != nil {
		return services.APIKey{}, err
	}
	return s.findAPIKey(ctx, bson.D{{Key: "_id", Value: oid}})
}

// FindAPIKeyByHash returns the key whose secret hashes to hash (the
// hash_unique index).
func (s *Store) FindAPIKeyByHash(ctx context.Context, hash string) (services.APIKey, error) {
	return s.findAPIKey(ctx, apiKeyByHashFilter(hash))
}

func (s *Store) findAPIKey(ctx context.Context, filter bson.D) (services.APIKey, error) {
	var d apiKeyDoc
	if err := s.db.Collection(colAPIKeys).FindOne(ctx, filter).Decode(&d); err != nil {
		return services.APIKey{}, translate(err, "API key")
	}
	return d.toKey(), nil
}

// UpdateAPIKey writes a key's name, rate and revocation if it is still at
// version.
func (s *Store) UpdateAPIKey(ctx context.Context, k services.APIKey, version int64) error {
	oid, err := objectID(k.ID)
	if err != nil {
		return err
	}
	set := bson.D{{Key: "name", Value: k.Name}, {Key: "ratePerMinute", Value: k.RatePerMinute}}
	if !k.RevokedAt.IsZero() {
		set = append(set, bson.E{Key: "revokedAt", Value: k.RevokedAt})
	}
	res, err := s.db.Collection(colAPIKeys).UpdateOne(ctx, bson.D{{Key: "_id", Value: oid}, {Key: "version", Value: version}},
		bson.D{{Key: "$set", Value: set}, {Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}})
	if err != nil {
		return translate(err, "API key")
	}
	if res.MatchedCount == 0 {
		if _, err := s.FindAPIKeyByID(ctx, k.ID); err != nil {
			return err
		}
		return services.Errorf(services.ReasonChangedElsewhere, "The API key was changed by someone else; reload it and try again.")
	}
	return nil
}

// TouchAPIKey counts one request made with a key: one update by _id.
func (s *Store) TouchAPIKey(ctx context.Context, id string, at time.Time) error {
	oid, err := objectID(id)
	if err != nil {
		return err
	}
	_, err = s.db.Collection(colAPIKeys).UpdateOne(ctx, bson.D{{Key: "_id", Value: oid}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "lastUsedAt", Value: at}}}, {Key: "$inc", Value: bson.D{{Key: "requests", Value: int64(1)}}}})
	return translate(err, "API key")
}

// FindCasesFiledBy returns the reports filed by filedBy (an API key's
// "apikey:<id>") in [from, to), newest first (the filedBy_createdAt index).
func (s *Store) FindCasesFiledBy(ctx context.Context, filedBy string, from, to time.Time, limit int) ([]services.Case, error) {
	filter, sort := casesFiledByQuery(filedBy, from, to)
	return s.findCases(ctx, filter, options.Find().SetSort(sort).SetLimit(int64(limit)))
}

// FindPublishedOutcome returns the published outcome with public id id (the
// outcome_publicId index), as the public feed shows it.
func (s *Store) FindPublishedOutcome(ctx context.Context, id string) (services.PublishedOutcome, error) {
	var d publishedOutcomeDoc
	if err := s.db.Collection(colCases).FindOne(ctx, publishedOutcomeFilter(id), options.FindOne().SetProjection(publishedOutcomeProjection())).Decode(&d); err != nil {
		return services.PublishedOutcome{}, translate(err, "outcome")
	}
	round2, err := s.secondRoundStatuses(ctx, []publishedOutcomeDoc{d})
	if err != nil {
		return services.PublishedOutcome{}, err
	}
	return d.toOutcome(round2), nil
}

func apiKeysQuery() (filter, sort bson.D) {
	return bson.D{}, bson.D{{Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}
}

func apiKeyByHashFilter(hash string) bson.D { return bson.D{{Key: "hash", Value: hash}} }

func casesFiledByQuery(filedBy string, from, to time.Time) (filter, sort bson.D) {
	return bson.D{{Key: "filedBy", Value: filedBy}, {Key: "createdAt", Value: bson.D{{Key: "$gte", Value: from}, {Key: "$lt", Value: to}}}},
		bson.D{{Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}
}

func publishedOutcomeFilter(id string) bson.D {
	return bson.D{{Key: "outcome.publicId", Value: id}, {Key: "outcome.published", Value: true}}
}
