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

// colOutbox holds notifications waiting for (or past) delivery.
//
// A notification with a DedupKey is stored under _id = DedupKey, so the
// unique _id makes "queued only once" hold without a partial or sparse
// unique index (which the embedded FerretDB v1 lacks); the others get a
// random ObjectID hex id. nextAttempt is present only while the
// notification is pending: MarkSent and giving up remove it, so the
// {nextAttempt: 1} index covers only what is still to be delivered and
// DueNotifications never scans the delivered history.
const colOutbox = "outbox"

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
	_, err := s.db.Collection(colOutbox).InsertOne(ctx, d)
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
// nextAttempt <= now, earliest first.
func (s *Store) DueNotifications(ctx context.Context, now time.Time, limit int) ([]services.Notification, error) {
	if limit <= 0 {
		return nil, nil
	}
	cur, err := s.db.Collection(colOutbox).Find(ctx,
		bson.D{{Key: "nextAttempt", Value: bson.D{{Key: "$lte", Value: now.UTC()}}}},
		options.Find().SetSort(bson.D{{Key: "nextAttempt", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, translate(err, "notification")
	}
	var docs []outboxDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "notification")
	}
	out := make([]services.Notification, len(docs))
	for i, d := range docs {
		out[i] = d.notification()
	}
	return out, nil
}

// MarkSent records delivery at at; the notification is no longer due.
func (s *Store) MarkSent(ctx context.Context, id string, at time.Time) error {
	return s.updateOutbox(ctx, id, bson.D{
		{Key: "$set", Value: bson.D{{Key: "sentAt", Value: at.UTC()}}},
		{Key: "$unset", Value: bson.D{{Key: "nextAttempt", Value: ""}}},
	})
}

// MarkFailed records a failed attempt: the notification is due again at
// next, or never again when next is zero (given up, keeping errText).
func (s *Store) MarkFailed(ctx context.Context, id string, attempts int, next time.Time, errText string) error {
	set := bson.D{{Key: "attempts", Value: attempts}, {Key: "lastError", Value: errText}}
	if next.IsZero() {
		return s.updateOutbox(ctx, id, bson.D{{Key: "$set", Value: set},
			{Key: "$unset", Value: bson.D{{Key: "nextAttempt", Value: ""}}}})
	}
	set = append(set, bson.E{Key: "nextAttempt", Value: next.UTC()})
	return s.updateOutbox(ctx, id, bson.D{{Key: "$set", Value: set}})
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
