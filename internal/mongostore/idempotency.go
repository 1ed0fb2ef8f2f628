package mongostore

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minhbach/services"
)

var (
	_ services.IdempotencyStore = (*Store)(nil)
	_ services.UploadStore      = (*Store)(nil)
)

type idempotencyDoc struct {
	Key         string    `bson:"_id"`
	State       string    `bson:"state"`
	Fingerprint string    `bson:"fingerprint,omitempty"`
	Sealed      []byte    `bson:"sealed,omitempty"`
	CreatedAt   time.Time `bson:"createdAt"`
	ExpiresAt   time.Time `bson:"expiresAt"`
	BeatAt      time.Time `bson:"beatAt,omitempty"`
	CaseID      string    `bson:"caseId,omitempty"`
}

func (d idempotencyDoc) record() services.IdempotencyRecord {
	r := services.IdempotencyRecord{Key: d.Key, State: d.State, Fingerprint: d.Fingerprint, Sealed: d.Sealed,
		CreatedAt: d.CreatedAt.UTC(), ExpiresAt: d.ExpiresAt.UTC(), CaseID: d.CaseID}
	if !d.BeatAt.IsZero() {
		r.BeatAt = d.BeatAt.UTC()
	}
	return r
}

// ClaimIdempotencyKey inserts a pending record; the unique _id makes
// exactly one of several concurrent claims win. An expired record is
// removed and the claim retried.
func (s *Store) ClaimIdempotencyKey(ctx context.Context, rec services.IdempotencyRecord) (services.IdempotencyRecord, bool, error) {
	col := s.db.Collection(colIdempotency)
	for range 3 {
		_, err := col.InsertOne(ctx, idempotencyDoc{Key: rec.Key, State: rec.State, CreatedAt: rec.CreatedAt, ExpiresAt: rec.ExpiresAt})
		if err == nil {
			return rec, true, nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return services.IdempotencyRecord{}, false, translate(err, "idempotency key")
		}
		existing, err := s.FindIdempotencyKey(ctx, rec.Key)
		if services.IsCode(err, services.CodeNotFound) {
			continue // released meanwhile: claim again
		}
		if err != nil {
			return services.IdempotencyRecord{}, false, err
		}
		if existing.ExpiresAt.After(rec.CreatedAt) {
			return existing, false, nil
		}
		_, _ = col.DeleteOne(ctx, bson.D{{Key: "_id", Value: rec.Key}, {Key: "expiresAt", Value: existing.ExpiresAt}})
	}
	return services.IdempotencyRecord{}, false, services.Errorf(services.ReasonIdemBusy, "The Idempotency-Key is busy; please retry.")
}

// CompleteIdempotencyKey stores the sealed answer of a finished request.
func (s *Store) CompleteIdempotencyKey(ctx context.Context, key, fingerprint string, sealed []byte) error {
	_, err := s.db.Collection(colIdempotency).UpdateOne(ctx,
		bson.D{{Key: "_id", Value: key}, {Key: "state", Value: services.IdemPending}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "state", Value: services.IdemDone},
			{Key: "fingerprint", Value: fingerprint}, {Key: "sealed", Value: sealed}}}})
	return translate(err, "idempotency key")
}

// BeatIdempotencyKey marks the pending claim made at createdAt as still
// being worked on.
func (s *Store) BeatIdempotencyKey(ctx context.Context, key string, createdAt, at time.Time) error {
	_, err := s.db.Collection(colIdempotency).UpdateOne(ctx,
		bson.D{{Key: "_id", Value: key}, {Key: "state", Value: services.IdemPending}, {Key: "createdAt", Value: createdAt}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "beatAt", Value: at}}}})
	return translate(err, "idempotency key")
}

// PrepareIdempotencyKey keeps, on the pending claim made at createdAt, the
// report about to be inserted and its sealed answer; it is a conflict when
// the claim is no longer this request's.
func (s *Store) PrepareIdempotencyKey(ctx context.Context, key string, createdAt time.Time, caseID, fingerprint string, sealed []byte) error {
	res, err := s.db.Collection(colIdempotency).UpdateOne(ctx,
		bson.D{{Key: "_id", Value: key}, {Key: "state", Value: services.IdemPending}, {Key: "createdAt", Value: createdAt}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "caseId", Value: caseID}, {Key: "fingerprint", Value: fingerprint}, {Key: "sealed", Value: sealed}}}})
	if err != nil {
		return translate(err, "idempotency key")
	}
	if res.MatchedCount == 0 {
		return services.Errorf(services.ReasonIdemBusy, "The Idempotency-Key was taken over; please retry.")
	}
	return nil
}

// ReleaseIdempotencyKey deletes a pending claim made at createdAt.
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, key string, createdAt time.Time) error {
	_, err := s.db.Collection(colIdempotency).DeleteOne(ctx, bson.D{{Key: "_id", Value: key},
		{Key: "state", Value: services.IdemPending}, {Key: "createdAt", Value: createdAt}})
	return translate(err, "idempotency key")
}

// FindIdempotencyKey returns key's record.
func (s *Store) FindIdempotencyKey(ctx context.Context, key string) (services.IdempotencyRecord, error) {
	var d idempotencyDoc
	if err := s.db.Collection(colIdempotency).FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&d); err != nil {
		return services.IdempotencyRecord{}, translate(err, "idempotency key")
	}
	return d.record(), nil
}

// DeleteExpiredIdempotencyKeys removes records past their expiry (no TTL
// index: the embedded server has none).
func (s *Store) DeleteExpiredIdempotencyKeys(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.db.Collection(colIdempotency).DeleteMany(ctx, bson.D{{Key: "expiresAt", Value: bson.D{{Key: "$lt", Value: now}}}})
	if err != nil {
		return 0, translate(err, "idempotency key")
	}
	return res.DeletedCount, nil
}

type uploadDoc struct {
	ID        string    `bson:"_id"`
	CaseID    string    `bson:"caseId"`
	CreatedAt time.Time `bson:"createdAt"`
}

// InsertUploadIntent records that a request is writing evidence objects.
func (s *Store) InsertUploadIntent(ctx context.Context, u services.UploadIntent) error {
	_, err := s.db.Collection(colUploads).InsertOne(ctx, uploadDoc{ID: u.ID, CaseID: u.CaseID, CreatedAt: u.CreatedAt})
	return translate(err, "upload")
}

// DeleteUploadIntents forgets the given intents.
func (s *Store) DeleteUploadIntents(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := s.db.Collection(colUploads).DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
	return translate(err, "upload")
}

// FindStaleUploadIntents returns up to limit intents created before before.
func (s *Store) FindStaleUploadIntents(ctx context.Context, before time.Time, limit int) ([]services.UploadIntent, error) {
	cur, err := s.db.Collection(colUploads).Find(ctx, bson.D{{Key: "createdAt", Value: bson.D{{Key: "$lt", Value: before}}}},
		options.Find().SetSort(bson.D{{Key: "createdAt", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, translate(err, "upload")
	}
	var docs []uploadDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "upload")
	}
	out := make([]services.UploadIntent, len(docs))
	for i, d := range docs {
		out[i] = services.UploadIntent{ID: d.ID, CaseID: d.CaseID, CreatedAt: d.CreatedAt.UTC()}
	}
	return out, nil
}
