package mongostore

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Every write to the reports collection goes through the functions of this
// file, and only they write it (TestReportWritesGoThroughCaseWrite checks
// the package's source): after each write they hand the queue index
// (queueindex.go), when there is one, the report as stored after the
// write, so that no path — intake, a staff action, a transfer to another
// unit, the sweep, a migration — can leave a stale entry behind. They also
// tell the statistics which reports changed (Store.OnCaseWrite).

// insertCaseDoc inserts a new report. The index gets the document as
// written (no second read): a new report has no other writer yet.
func (s *Store) insertCaseDoc(ctx context.Context, d *caseDoc) error {
	_, err := s.db.Collection(colCases).InsertOne(ctx, d)
	if err == nil || !mongo.IsDuplicateKeyError(err) {
		defer s.tellWritten(d.ID)
	}
	if x := s.writes.Load(); x != nil {
		if err == nil {
			mu := x.lock(d.ID)
			mu.Lock()
			x.put(queueDocOf(d), false)
			mu.Unlock()
		} else if !mongo.IsDuplicateKeyError(err) {
			// The insert may have happened, or may still (a timeout, a cut
			// connection).
			x.markStale(time.Now().Add(doubtfulFor), d.ID)
		}
	}
	return err
}

// insertCaseDocs inserts many new reports (unordered).
func (s *Store) insertCaseDocs(ctx context.Context, docs []caseDoc) error {
	all := make([]any, len(docs))
	for i := range docs {
		all[i] = docs[i]
	}
	_, err := s.db.Collection(colCases).InsertMany(ctx, all, options.InsertMany().SetOrdered(false))
	defer func() {
		ids := make([]bson.ObjectID, len(docs))
		for i := range docs {
			ids[i] = docs[i].ID
		}
		s.tellWritten(ids...)
	}()
	if x := s.writes.Load(); x != nil {
		if err == nil {
			for i := range docs {
				x.put(queueDocOf(&docs[i]), false)
			}
		} else {
			// Some may have been inserted: read them all again at the next
			// answer.
			ids := make([]bson.ObjectID, len(docs))
			for i := range docs {
				ids[i] = docs[i].ID
			}
			x.markStale(time.Now().Add(doubtfulFor), ids...)
		}
	}
	return err
}

// updateCaseDoc applies update to the report id when filter (which must
// select it by _id) matches, and tells whether it did. With reread (or
// when there is a queue index) it reads the report again after a write
// and returns it, and the index gets what it read, under the report's
// lock so that an older read never overwrites a newer one.
func (s *Store) updateCaseDoc(ctx context.Context, id bson.ObjectID, filter, update bson.D, reread bool) (bool, *caseDoc, error) {
	res, err := s.db.Collection(colCases).UpdateOne(ctx, filter, update)
	if err != nil || res.MatchedCount > 0 {
		defer s.tellWritten(id)
	}
	x := s.writes.Load()
	if err != nil {
		if x != nil {
			x.markStale(time.Now().Add(doubtfulFor), id)
		}
		return false, nil, err
	}
	if res.MatchedCount == 0 || (!reread && x == nil) {
		return res.MatchedCount > 0, nil, nil
	}
	if x != nil {
		mu := x.lock(id)
		mu.Lock()
		defer mu.Unlock()
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), refreshTimeout)
	defer cancel()
	// One read, decoded twice: the whole report for the caller, the
	// queue's projection for the index (which tells a missing statusRank
	// from 0, as the database does).
	at := time.Now()
	raw, err := s.db.Collection(colCases).FindOne(rctx, caseByIDFilter(id)).Raw()
	var d caseDoc
	var q queueDoc
	if err == nil {
		err = bson.Unmarshal(raw, &d)
	}
	if err == nil && x != nil {
		err = bson.Unmarshal(raw, &q)
	}
	if err != nil {
		if x != nil {
			x.markStale(time.Time{}, id)
		}
		if !reread {
			// The write happened; only the index's read failed, and the
			// entry is read again before the next answer.
			return true, nil, nil
		}
		return true, nil, err
	}
	if x != nil {
		q.DueAt, q.CreatedAt = q.DueAt.UTC(), q.CreatedAt.UTC()
		x.put(q, false)
		x.readAt(id, at)
	}
	return true, &d, nil
}

// updateCaseDocs applies update to the reports of ids that filter (which
// must restrict them to ids) matches, then has the index read each again.
func (s *Store) updateCaseDocs(ctx context.Context, ids []bson.ObjectID, filter, update bson.D) (int64, error) {
	res, err := s.db.Collection(colCases).UpdateMany(ctx, bson.D{{Key: "$and", Value: bson.A{
		bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}, filter}}}, update)
	defer s.tellWritten(ids...)
	if x := s.writes.Load(); x != nil {
		if err != nil {
			x.markStale(time.Now().Add(doubtfulFor), ids...)
		} else {
			_ = s.refreshQueue(ctx, ids...) // what it cannot read stays stale
		}
	}
	if err != nil {
		return 0, err
	}
	return res.ModifiedCount, nil
}
