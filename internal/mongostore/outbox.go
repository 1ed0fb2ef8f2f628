package mongostore

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minhbach/services"
)

// colOutbox holds notifications waiting for (or past) delivery.
//
// A notification with a DedupKey is stored under _id = DedupKey, so the
// unique _id makes "queued only once" hold without a partial or sparse
// unique index (which the embedded FerretDB v1 lacks); the others get a
// random ObjectID hex id. nextAttempt is present only while the
// notification is pending: MarkSent and giving up remove it.
//
// The outbox keeps every notification, delivered ones included (their
// _ids are the dedup keys). What is still due is also listed in
// colOutboxDue, one small document {_id, nextAttempt, createdAt} per
// pending notification, so that finding what is due reads that list and
// then the notifications by _id: the embedded server has no query planner
// and answered "nextAttempt <= now" on the outbox with a scan of the whole
// history, 3.7 s at 20,000 delivered notifications, every 30 s
// (docs/storage.md, "The outbox").
const (
	colOutbox    = "outbox"
	colOutboxDue = "outboxDue"
)

// OutboxDueMigrationName names the start-up migration that lists the
// pending notifications queued before colOutboxDue existed.
const OutboxDueMigrationName = "outbox-due"

// orphanDueAfter is how old an entry of colOutboxDue without its
// notification must be before it is removed: younger, an enqueue may be
// between its two writes.
const orphanDueAfter = 5 * time.Minute

// dueDoc is a pending notification's entry in colOutboxDue.
type dueDoc struct {
	ID          string    `bson:"_id"`
	NextAttempt time.Time `bson:"nextAttempt"`
	CreatedAt   time.Time `bson:"createdAt"`
}

var _ services.OutboxStore = (*Store)(nil)

type outboxDoc struct {
	ID       string      `bson:"_id"`
	To       string      `bson:"to"`
	Kind     string      `bson:"kind"`
	Language string      `bson:"lang,omitempty"`
	CaseID   string      `bson:"caseId,omitempty"`
	Data     *outboxData `bson:"data,omitempty"`
	// Subject and Body are set only in documents queued before
	// notifications were typed (services.LegacyMail).
	Subject     string     `bson:"subject,omitempty"`
	Body        string     `bson:"body,omitempty"`
	Attempts    int        `bson:"attempts"`
	NextAttempt *time.Time `bson:"nextAttempt,omitempty"`
	CreatedAt   time.Time  `bson:"createdAt"`
	SentAt      *time.Time `bson:"sentAt,omitempty"`
	LastError   string     `bson:"lastError,omitempty"`
	DedupKey    string     `bson:"dedupKey,omitempty"`
}

// outboxData is services.NotificationData; absent when all its fields are
// zero (a citizen update).
type outboxData struct {
	TrackingCode           string     `bson:"trackingCode,omitempty"`
	Clock                  string     `bson:"clock,omitempty"`
	Due                    *time.Time `bson:"due,omitempty"`
	Day                    string     `bson:"day,omitempty"`
	OverdueReports         int        `bson:"overdueReports,omitempty"`
	OverdueRecommendations int        `bson:"overdueRecommendations,omitempty"`
	Account                string     `bson:"account,omitempty"`
	Change                 string     `bson:"change,omitempty"`
	Until                  *time.Time `bson:"until,omitempty"`
}

func newOutboxData(d services.NotificationData) *outboxData {
	if d == (services.NotificationData{}) {
		return nil
	}
	o := &outboxData{TrackingCode: d.TrackingCode, Clock: d.Clock, Day: d.Day,
		OverdueReports: d.OverdueReports, OverdueRecommendations: d.OverdueRecommendations, Account: d.Account, Change: d.Change}
	if !d.Due.IsZero() {
		due := d.Due.UTC().Truncate(time.Millisecond)
		o.Due = &due
	}
	if !d.Until.IsZero() {
		until := d.Until.UTC().Truncate(time.Millisecond)
		o.Until = &until
	}
	return o
}

func (o *outboxData) data() services.NotificationData {
	if o == nil {
		return services.NotificationData{}
	}
	d := services.NotificationData{TrackingCode: o.TrackingCode, Clock: o.Clock, Day: o.Day,
		OverdueReports: o.OverdueReports, OverdueRecommendations: o.OverdueRecommendations, Account: o.Account, Change: o.Change}
	if o.Due != nil {
		d.Due = o.Due.UTC()
	}
	if o.Until != nil {
		d.Until = o.Until.UTC()
	}
	return d
}

func (d outboxDoc) notification() services.Notification {
	n := services.Notification{ID: d.ID, To: d.To, Kind: services.NotificationKind(d.Kind), Language: d.Language,
		CaseID: d.CaseID, Data: d.Data.data(), Attempts: d.Attempts, CreatedAt: d.CreatedAt.UTC(),
		LastError: d.LastError, DedupKey: d.DedupKey}
	if d.Subject != "" || d.Body != "" {
		n.Legacy = &services.LegacyMail{Subject: d.Subject, Body: d.Body}
	}
	if d.NextAttempt != nil {
		n.NextAttempt = d.NextAttempt.UTC()
	}
	if d.SentAt != nil {
		n.SentAt = d.SentAt.UTC()
	}
	return n
}

// EnqueueNotification stores n, due at n.NextAttempt (n.CreatedAt when
// zero; CreatedAt defaults to now). n.ID is ignored. It reports false when
// n.DedupKey is already in the outbox, delivered or not.
func (s *Store) EnqueueNotification(ctx context.Context, n services.Notification) (bool, error) {
	if n.CreatedAt.IsZero() {
		n.CreatedAt = time.Now()
	}
	if n.NextAttempt.IsZero() {
		n.NextAttempt = n.CreatedAt
	}
	next := n.NextAttempt.UTC().Truncate(time.Millisecond)
	d := outboxDoc{ID: n.DedupKey, To: n.To, Kind: string(n.Kind), Language: n.Language, CaseID: n.CaseID,
		Data: newOutboxData(n.Data), Attempts: n.Attempts, NextAttempt: &next,
		CreatedAt: n.CreatedAt.UTC().Truncate(time.Millisecond), LastError: n.LastError, DedupKey: n.DedupKey}
	if n.Legacy != nil {
		d.Subject, d.Body = n.Legacy.Subject, n.Legacy.Body
	}
	if d.ID == "" {
		d.ID = bson.NewObjectID().Hex()
	}
	// The entry that makes it due first, then the notification. A
	// duplicate entry is a notification with this key still pending. A
	// duplicate notification (one delivered or given up) takes the new
	// entry back; an entry left without its notification (a failure, a
	// crash between the writes) is dropped by DueNotifications.
	// The entry's createdAt is when it is written (not the notification's,
	// which a caller may set earlier): what the orphan rule measures.
	due := dueDoc{ID: d.ID, NextAttempt: next, CreatedAt: time.Now().UTC().Truncate(time.Millisecond)}
	if _, err := s.db.Collection(colOutboxDue).InsertOne(ctx, due); err != nil {
		if mongo.IsDuplicateKeyError(err) && n.DedupKey != "" {
			return false, nil
		}
		return false, translate(err, "notification")
	}
	_, err := s.db.Collection(colOutbox).InsertOne(ctx, d)
	if err != nil {
		cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_, _ = s.db.Collection(colOutboxDue).DeleteOne(cleanup, bson.D{{Key: "_id", Value: d.ID}})
	}
	if mongo.IsDuplicateKeyError(err) && n.DedupKey != "" {
		return false, nil
	}
	if err != nil {
		return false, translate(err, "notification")
	}
	return true, nil
}

// NotificationQueued tells whether a notification with this dedup key
// (its _id) is in the outbox.
func (s *Store) NotificationQueued(ctx context.Context, dedupKey string) (bool, error) {
	err := s.db.Collection(colOutbox).FindOne(ctx, bson.D{{Key: "_id", Value: dedupKey}},
		options.FindOne().SetProjection(bson.D{{Key: "_id", Value: 1}})).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	return err == nil, translate(err, "notification")
}

// DueNotifications returns up to limit pending notifications with
// nextAttempt <= now, earliest first (ties by _id): it reads their entries
// in colOutboxDue, then the notifications by _id. An entry whose
// notification is no longer pending is removed, one whose notification
// is due later is moved to that time, and one without a notification
// written more than orphanDueAfter ago (by the wall clock, as its
// createdAt; now may be a test's clock) is removed.
func (s *Store) DueNotifications(ctx context.Context, now time.Time, limit int) ([]services.Notification, error) {
	if limit <= 0 {
		return nil, nil
	}
	cur, err := s.db.Collection(colOutboxDue).Find(ctx,
		bson.D{{Key: "nextAttempt", Value: bson.D{{Key: "$lte", Value: now.UTC()}}}},
		options.Find().SetSort(bson.D{{Key: "nextAttempt", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, translate(err, "notification")
	}
	var entries []dueDoc
	if err := cur.All(ctx, &entries); err != nil {
		return nil, translate(err, "notification")
	}
	out := []services.Notification{}
	if len(entries) == 0 {
		return out, nil
	}
	ids := make([]string, len(entries))
	for i, e := range entries {
		ids[i] = e.ID
	}
	cur, err = s.db.Collection(colOutbox).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
	if err != nil {
		return nil, translate(err, "notification")
	}
	var docs []outboxDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "notification")
	}
	byID := make(map[string]*outboxDoc, len(docs))
	for i := range docs {
		byID[docs[i].ID] = &docs[i]
	}
	// Entries put right here leave the answer short; the caller's next
	// pass reads on.
	for _, e := range entries {
		d := byID[e.ID]
		switch {
		case d != nil && d.NextAttempt != nil && !d.NextAttempt.After(now):
			out = append(out, d.notification())
			continue
		case d != nil && d.NextAttempt != nil:
			_, err = s.db.Collection(colOutboxDue).UpdateOne(ctx, bson.D{{Key: "_id", Value: e.ID}},
				bson.D{{Key: "$set", Value: bson.D{{Key: "nextAttempt", Value: d.NextAttempt.UTC()}}}})
		case d != nil || time.Since(e.CreatedAt) > orphanDueAfter:
			_, err = s.db.Collection(colOutboxDue).DeleteOne(ctx, bson.D{{Key: "_id", Value: e.ID}})
		default:
			continue // an enqueue may be between its writes
		}
		if err != nil {
			return nil, translate(err, "notification")
		}
	}
	slices.SortFunc(out, func(a, b services.Notification) int {
		return cmp.Or(a.NextAttempt.Compare(b.NextAttempt), strings.Compare(a.ID, b.ID))
	})
	return out, nil
}

// MarkSent records delivery at at; the notification is no longer due.
func (s *Store) MarkSent(ctx context.Context, id string, at time.Time) error {
	if err := s.updateOutbox(ctx, id, bson.D{
		{Key: "$set", Value: bson.D{{Key: "sentAt", Value: at.UTC()}}},
		{Key: "$unset", Value: bson.D{{Key: "nextAttempt", Value: ""}}},
	}); err != nil {
		return err
	}
	return s.notDue(ctx, id)
}

// notDue removes a notification's entry in colOutboxDue (left behind, it
// is removed by the next DueNotifications that reads it).
func (s *Store) notDue(ctx context.Context, id string) error {
	_, err := s.db.Collection(colOutboxDue).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	return translate(err, "notification")
}

// MarkFailed records a failed attempt: the notification is due again at
// next, or never again when next is zero (given up, keeping errText).
func (s *Store) MarkFailed(ctx context.Context, id string, attempts int, next time.Time, errText string) error {
	set := bson.D{{Key: "attempts", Value: attempts}, {Key: "lastError", Value: errText}}
	if next.IsZero() {
		if err := s.updateOutbox(ctx, id, bson.D{{Key: "$set", Value: set},
			{Key: "$unset", Value: bson.D{{Key: "nextAttempt", Value: ""}}}}); err != nil {
			return err
		}
		return s.notDue(ctx, id)
	}
	set = append(set, bson.E{Key: "nextAttempt", Value: next.UTC()})
	if err := s.updateOutbox(ctx, id, bson.D{{Key: "$set", Value: set}}); err != nil {
		return err
	}
	// Left at the earlier time (a failure here), the entry is moved on by
	// the next DueNotifications that reads it.
	_, err := s.db.Collection(colOutboxDue).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "nextAttempt", Value: next.UTC()}}},
			{Key: "$setOnInsert", Value: bson.D{{Key: "createdAt", Value: time.Now().UTC()}}}},
		options.UpdateOne().SetUpsert(true))
	return translate(err, "notification")
}

// MigrateOutboxDue is the start-up migration OutboxDueMigrationName: it
// lists in colOutboxDue every pending notification queued before that
// list existed (one read of the outbox), then records that it ran.
func (s *Store) MigrateOutboxDue(ctx context.Context) (int, error) {
	if done, err := s.MigrationDone(ctx, OutboxDueMigrationName); err != nil || done {
		return 0, err
	}
	cur, err := s.db.Collection(colOutbox).Find(ctx, bson.D{{Key: "nextAttempt", Value: bson.D{{Key: "$exists", Value: true}}}},
		options.Find().SetProjection(bson.D{{Key: "nextAttempt", Value: 1}, {Key: "createdAt", Value: 1}}))
	if err != nil {
		return 0, translate(err, "notification")
	}
	var pending []dueDoc
	if err := cur.All(ctx, &pending); err != nil {
		return 0, translate(err, "notification")
	}
	listed := 0
	for _, p := range pending {
		res, err := s.db.Collection(colOutboxDue).UpdateOne(ctx, bson.D{{Key: "_id", Value: p.ID}},
			bson.D{{Key: "$setOnInsert", Value: bson.D{{Key: "nextAttempt", Value: p.NextAttempt.UTC()}, {Key: "createdAt", Value: p.CreatedAt.UTC()}}}},
			options.UpdateOne().SetUpsert(true))
		if err != nil {
			return listed, translate(err, "notification")
		}
		if res.UpsertedCount > 0 {
			listed++
		}
	}
	return listed, s.MarkMigrationDone(ctx, OutboxDueMigrationName, time.Now().UTC())
}

func (s *Store) updateOutbox(ctx context.Context, id string, update bson.D) error {
	res, err := s.db.Collection(colOutbox).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, update)
	if err != nil {
		return translate(err, "notification")
	}
	if res.MatchedCount == 0 {
		return services.Errorf(services.ReasonNotFound, "Not found.")
	}
	return nil
}

// PendingNotifications counts the notifications still to be delivered (the
// outbox's depth, for the metrics): the entries of the small list of what
// is pending, never the outbox's history.
func (s *Store) PendingNotifications(ctx context.Context) (int64, error) {
	n, err := s.db.Collection(colOutboxDue).CountDocuments(ctx, bson.D{})
	if err != nil {
		return 0, translate(err, "outbox")
	}
	return n, nil
}
