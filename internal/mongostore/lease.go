package mongostore

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"minhbach/internal/job"
)

// colLeases holds one document per background job: {_id: job, holder,
// expiresAt}. It needs no index beyond _id.
const colLeases = "leases"

var _ job.LeaseStore = (*Store)(nil)

type leaseDoc struct {
	Job       string    `bson:"_id"`
	Holder    string    `bson:"holder"`
	ExpiresAt time.Time `bson:"expiresAt"`
}

// AcquireLease makes holder the owner of job's lease until now+ttl, when the
// lease is free, expired or already holder's.
//
// Why two processes can never both own a lease: every step is one
// conditional write on the single document _id=job, and the server applies
// a filter and its update to one document atomically (on the embedded
// FerretDB v1 only because the pool has one connection, see
// Options.SingleConnection). The holder field therefore changes only
//   - by insert, when no document exists (the unique _id lets one of
//     several concurrent inserts win; the others get E11000 = not acquired),
//   - by take-over, whose filter {expiresAt < now} matches only once the
//     previous owner's lease has run out, and which moves expiresAt past now,
//     so a second concurrent take-over no longer matches;
//
// and a renewal matches only {holder: holder}, so it never takes a lease
// from anybody. Renewal also never moves expiresAt back (filter
// {expiresAt < now+ttl}), so a late renewal with an older clock reading
// cannot cut short what an earlier call of the same holder was promised.
// Times are stored at millisecond precision; both now and the new expiry
// are truncated, which only ever errs towards "still held".
func (s *Store) AcquireLease(ctx context.Context, job, holder string, now time.Time, ttl time.Duration) (bool, error) {
	now = now.UTC().Truncate(time.Millisecond)
	until := now.Add(ttl).Truncate(time.Millisecond)
	col := s.db.Collection(colLeases)
	set := bson.D{{Key: "$set", Value: bson.D{{Key: "holder", Value: holder}, {Key: "expiresAt", Value: until}}}}

	// Renew our own lease (or take it back when it expired unclaimed).
	res, err := col.UpdateOne(ctx, bson.D{{Key: "_id", Value: job}, {Key: "holder", Value: holder},
		{Key: "expiresAt", Value: bson.D{{Key: "$lt", Value: until}}}}, set)
	if err != nil {
		return false, translate(err, "lease")
	}
	if res.MatchedCount == 1 {
		return true, nil
	}
	// Take over an expired lease.
	res, err = col.UpdateOne(ctx, bson.D{{Key: "_id", Value: job},
		{Key: "expiresAt", Value: bson.D{{Key: "$lt", Value: now}}}}, set)
	if err != nil {
		return false, translate(err, "lease")
	}
	if res.MatchedCount == 1 {
		return true, nil
	}
	// No lease at all: create it.
	_, err = col.InsertOne(ctx, leaseDoc{Job: job, Holder: holder, ExpiresAt: until})
	if err == nil {
		return true, nil
	}
	if !mongo.IsDuplicateKeyError(err) {
		return false, translate(err, "lease")
	}
	// The lease exists and is live. It is still ours when our own earlier
	// call set an expiry at or beyond until; then [now, until) is covered.
	err = col.FindOne(ctx, bson.D{{Key: "_id", Value: job}, {Key: "holder", Value: holder},
		{Key: "expiresAt", Value: bson.D{{Key: "$gte", Value: until}}}}).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	if err != nil {
		return false, translate(err, "lease")
	}
	return true, nil
}

// ReleaseLease deletes job's lease when holder still owns it, so another
// process may take it at once instead of waiting for it to expire.
func (s *Store) ReleaseLease(ctx context.Context, job, holder string) error {
	_, err := s.db.Collection(colLeases).DeleteOne(ctx, bson.D{{Key: "_id", Value: job}, {Key: "holder", Value: holder}})
	return translate(err, "lease")
}
