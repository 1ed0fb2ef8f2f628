// Package testenv gives tests real storage: the embedded MongoDB-compatible
// and S3-compatible servers started once per test binary (or external
// servers named by PORTAL_TEST_MONGODB_URI and PORTAL_TEST_S3_ENDPOINT), with
// a fresh database and bucket for every test, removed when it ends.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minhbach/internal/blobstore"
	"minhbach/internal/devstack"
	"minhbach/internal/mongostore"
)

// stack is what one test binary shares. It lives in a package variable
// because TestMain and the tests have no other common place; it is set once.
type stack struct {
	once     sync.Once
	err      error
	dir      string
	mongo    *devstack.Mongo
	s3       *devstack.S3
	client   *mongo.Client
	s3Opts   blobstore.Options
	external bool
}

var shared stack

// Main runs the tests of a package that uses New and then stops the
// embedded servers. Call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	shared.close()
	os.Exit(code)
}

func (s *stack) start() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	mongoURI := os.Getenv("PORTAL_TEST_MONGODB_URI")
	s3Endpoint := os.Getenv("PORTAL_TEST_S3_ENDPOINT")
	single := false
	if mongoURI == "" || s3Endpoint == "" {
		// Servers are started for whichever of the two is not external.
		s.dir, s.err = os.MkdirTemp("", "minhbach-test-")
		if s.err != nil {
			return
		}
	}
	if mongoURI == "" {
		s.mongo, s.err = devstack.StartMongo(ctx, s.dir+"/mongo")
		if s.err != nil {
			return
		}
		mongoURI, single = s.mongo.URI, true
	} else {
		s.external = true
	}
	if s3Endpoint == "" {
		s.s3, s.err = devstack.StartS3(ctx, s.dir+"/s3")
		if s.err != nil {
			return
		}
		s.s3Opts = blobstore.Options{Endpoint: s.s3.Endpoint, AccessKey: s.s3.AccessKey, SecretKey: s.s3.SecretKey}
	} else {
		s.external = true
		s.s3Opts = blobstore.Options{Endpoint: s3Endpoint, AccessKey: os.Getenv("PORTAL_TEST_S3_ACCESS_KEY"),
			SecretKey: os.Getenv("PORTAL_TEST_S3_SECRET_KEY"), UseTLS: os.Getenv("PORTAL_TEST_S3_TLS") == "true"}
	}
	co := options.Client().ApplyURI(mongoURI).SetServerSelectionTimeout(10 * time.Second)
	if single {
		co.SetMaxPoolSize(1) // see mongostore.Options.SingleConnection
	}
	s.client, s.err = mongo.Connect(co)
}

func (s *stack) close() {
	if s.client != nil {
		_ = s.client.Disconnect(context.Background())
	}
	if s.s3 != nil {
		s.s3.Close()
	}
	if s.mongo != nil {
		s.mongo.Close()
	}
	if s.dir != "" {
		_ = os.RemoveAll(s.dir)
	}
}

// Env is one test's storage.
type Env struct {
	Database string
	Client   *mongo.Client
	Store    *mongostore.Store
	Blob     *blobstore.Store
	// MongoURI and S3 describe the servers, for tests that start a portal
	// process against them.
	MongoURI string
	S3       blobstore.Options
	// Embedded is true on the embedded servers (no external MongoDB
	// configured): what the portal's embedded default runs on.
	Embedded bool
}

// New returns a fresh database (indexes applied) and bucket for t, both
// removed when t ends. It fails the test, never skips it, when a server
// cannot be started.
func New(t testing.TB) *Env {
	t.Helper()
	shared.once.Do(shared.start)
	if shared.err != nil {
		t.Fatalf("test storage: %v", shared.err)
	}
	name := "t_" + randomName()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	store := mongostore.New(shared.client, name)
	if err := store.EnsureIndexes(ctx); err != nil {
		t.Fatalf("indexes: %v", err)
	}
	opts := shared.s3Opts
	opts.Bucket = strings.ReplaceAll("t-"+randomName(), "_", "-")
	blob, err := blobstore.New(opts)
	if err != nil {
		t.Fatalf("blob store: %v", err)
	}
	if err := blob.EnsureBucket(ctx); err != nil {
		t.Fatalf("bucket: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := shared.client.Database(name).Drop(ctx); err != nil {
			t.Errorf("drop test database: %v", err)
		}
		if err := blob.RemoveBucket(ctx); err != nil {
			t.Errorf("remove test bucket: %v", err)
		}
	})
	uri := os.Getenv("PORTAL_TEST_MONGODB_URI")
	if shared.mongo != nil {
		uri = shared.mongo.URI
	}
	return &Env{Database: name, Client: shared.client, Store: store, Blob: blob, MongoURI: uri, S3: opts, Embedded: shared.mongo != nil}
}

func randomName() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%d_%s", time.Now().UnixNano()%1e6, hex.EncodeToString(b))
}
