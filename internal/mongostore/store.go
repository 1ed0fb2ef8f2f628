// Package mongostore implements the store interfaces of package services with
// mongo-driver v2. It works with MongoDB ≥ 6 and with the embedded
// FerretDB v1, and so uses only what both support (docs/storage.md, "The
// MongoDB subset the code may use").
package mongostore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"

	"minhbach/services"
)

// Store is the MongoDB adapter. It is safe for concurrent use.
type Store struct {
	client *mongo.Client
	db     *mongo.Database
	owned  bool
	// writes is the queue index the report writes keep current, and qi the
	// same index once built, which then answers the queue (queueindex.go);
	// both nil unless UseQueueIndex was called.
	writes, qi atomic.Pointer[queueIndex]
	// statsCacheOn turns the statistics' cell cache on (UseStatsCache),
	// statsCache is it once loaded, statsLoad serializes its loads
	// (statscache.go).
	statsCacheOn atomic.Bool
	statsCache   atomic.Pointer[statsCache]
	statsLoad    sync.Mutex
	// written hears the ids of the reports each write touched (or may have
	// touched), when set (OnCaseWrite).
	written atomic.Pointer[func(ids ...string)]
}

// OnCaseWrite has fn told the ids of the reports every write touched, or
// may have touched (a write whose outcome is unknown): the statistics fold
// them (docs/statistics.md). fn must not block.
func (s *Store) OnCaseWrite(fn func(ids ...string)) { s.written.Store(&fn) }

func (s *Store) tellWritten(ids ...bson.ObjectID) {
	fn := s.written.Load()
	if fn == nil || len(ids) == 0 {
		return
	}
	hex := make([]string, len(ids))
	for i, id := range ids {
		hex[i] = id.Hex()
	}
	(*fn)(hex...)
}

var (
	_ services.CaseStore     = (*Store)(nil)
	_ services.CatalogStore  = (*Store)(nil)
	_ services.IdentityStore = (*Store)(nil)
)

// Options configures Open.
type Options struct {
	URI      string
	Database string
	// SingleConnection limits the pool to one connection. The embedded
	// FerretDB v1 runs updates as read-then-write without a lock; one
	// connection serializes them and so gives the per-document atomicity the
	// portal relies on. Real MongoDB needs no such limit.
	SingleConnection bool
}

// Open connects to the server and checks it answers.
func Open(ctx context.Context, o Options) (*Store, error) {
	co := options.Client().ApplyURI(o.URI).SetServerSelectionTimeout(10 * time.Second).SetAppName("minhbach-portal")
	if o.SingleConnection {
		co.SetMaxPoolSize(1)
	}
	client, err := mongo.Connect(co)
	if err != nil {
		return nil, services.Wrap(err, services.ReasonUnavailable, "The database is not reachable.")
	}
	pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := client.Ping(pctx, readpref.Primary()); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, services.Wrap(err, services.ReasonUnavailable, "The database is not reachable.")
	}
	s := New(client, o.Database)
	s.owned = true
	return s, nil
}

// New wraps an existing client; Close will not disconnect it.
func New(client *mongo.Client, database string) *Store {
	return &Store{client: client, db: client.Database(database)}
}

// Close disconnects the client when Open created it.
func (s *Store) Close(ctx context.Context) error {
	if !s.owned {
		return nil
	}
	return s.client.Disconnect(ctx)
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.client.Ping(ctx, readpref.Primary()); err != nil {
		return translate(err, "database")
	}
	return nil
}

// NewID returns a fresh ObjectID in hex, the form ids take outside this package.
func (s *Store) NewID() string { return bson.NewObjectID().Hex() }

func objectID(id string) (bson.ObjectID, error) {
	oid, err := bson.ObjectIDFromHex(id)
	if err != nil {
		return oid, services.Errorf(services.ReasonNotFound, "Not found.")
	}
	return oid, nil
}

// translate maps driver errors onto the services vocabulary, so callers
// never see a driver error.
func translate(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return services.Wrap(err, services.ReasonNotFound, "Not found.")
	case mongo.IsDuplicateKeyError(err):
		return services.Wrap(err, services.ReasonExists, "The "+what+" already exists.")
	case mongo.IsTimeout(err), mongo.IsNetworkError(err), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, mongo.ErrClientDisconnected):
		return services.Wrap(err, services.ReasonUnavailable, "The database is not available; please try again.")
	case errors.Is(err, context.Canceled):
		return services.Wrap(err, services.ReasonCancelled, "The request was cancelled.")
	}
	return services.Wrap(err, services.ReasonInternal, "A database error occurred.")
}

// translateSearch is translate for a query that carries a user's search
// text. A driver or server message may quote the filter, and the cause of
// a 5xx is logged (handlers/errors.go), so the cause keeps only the error's
// type and the server's code and name (docs/privacy.md).
func translateSearch(err error, what string) error {
	if err == nil {
		return nil
	}
	var e *services.Error
	if !errors.As(err, &e) {
		_ = errors.As(translate(err, what), &e)
	}
	var ce mongo.CommandError
	cause := err
	for errors.Unwrap(cause) != nil {
		cause = errors.Unwrap(cause)
	}
	desc := fmt.Sprintf("%T (message withheld: it may quote the search)", cause)
	if errors.As(err, &ce) {
		desc = fmt.Sprintf("server error %d %s (message withheld: it may quote the search)", ce.Code, ce.Name)
	}
	return services.Wrap(errors.New(desc), e.Reason, e.Message)
}
