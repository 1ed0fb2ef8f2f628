//go:build linux

package devstack

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// listeningTCPSockets returns the inodes of the TCP sockets this process
// listens on, from /proc: whatever address they are bound to.
func listeningTCPSockets(t *testing.T) map[string]bool {
	t.Helper()
	mine := map[string]bool{}
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	for _, fd := range fds {
		target, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name()))
		if err == nil && strings.HasPrefix(target, "socket:[") {
			mine[strings.TrimSuffix(strings.TrimPrefix(target, "socket:["), "]")] = true
		}
	}
	out := map[string]bool{}
	for _, table := range []string{"/proc/self/net/tcp", "/proc/self/net/tcp6"} {
		b, err := os.ReadFile(table)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n")[1:] {
			f := strings.Fields(line)
			if len(f) > 9 && f[3] == "0A" && mine[f[9]] { // 0A: LISTEN
				out[f[9]] = true
			}
		}
	}
	return out
}

// An unauthenticated database on 127.0.0.1 lets any local process read
// every report and make itself a lead. The embedded one must open no TCP
// port at all, and its socket must sit in a directory only this user opens.
func TestEmbeddedDatabaseNotReachableOverTCP(t *testing.T) {
	before := listeningTCPSockets(t)
	ctx := context.Background()
	dir := t.TempDir()
	m, err := StartMongo(ctx, filepath.Join(dir, "mongo"))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	for inode := range listeningTCPSockets(t) {
		if !before[inode] {
			t.Fatalf("the embedded database listens on TCP (socket inode %s); URI %s", inode, m.URI)
		}
	}
	if strings.Contains(m.URI, "127.0.0.1") || strings.Contains(m.URI, "localhost") {
		t.Fatalf("URI %s points at loopback", m.URI)
	}
	fi, err := os.Stat(filepath.Dir(m.Socket))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o700 {
		t.Fatalf("socket directory mode %v, want 0700", fi.Mode().Perm())
	}
	if got, want := filepath.Dir(m.Socket), filepath.Join(dir, "mongo", "sock"); got != want {
		t.Fatalf("socket in %s, want %s", got, want)
	}
	usable(t, m.URI)
}

// A data directory too deep for a socket path (108 bytes) must not make the
// portal fall back to TCP: the socket goes to a private temporary directory.
func TestEmbeddedDatabaseLongDataDirUsesPrivateTempSocket(t *testing.T) {
	dir := filepath.Join(t.TempDir(), strings.Repeat("d", 60), strings.Repeat("e", 60))
	m, err := StartMongo(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(m.Socket, dir) || len(m.Socket) > maxSocketPath {
		t.Fatalf("socket path %s", m.Socket)
	}
	sockDir := filepath.Dir(m.Socket)
	fi, err := os.Stat(sockDir)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o700 {
		t.Fatalf("socket directory mode %v, want 0700", fi.Mode().Perm())
	}
	usable(t, m.URI)
	m.Close()
	if _, err := os.Stat(sockDir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the temporary socket directory survived Close: %v", err)
	}
}

// A loosened socket directory (from an older version, or a careless chmod)
// is closed again, and a stale socket left by a crash does not block start.
func TestEmbeddedDatabaseRepairsSocketDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mongo")
	m, err := StartMongo(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	m.Close()
	if err := os.Chmod(filepath.Join(dir, "sock"), 0o755); err != nil {
		t.Fatal(err)
	}
	m, err = StartMongo(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	fi, err := os.Stat(filepath.Join(dir, "sock"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o700 {
		t.Fatalf("socket directory mode %v, want 0700", fi.Mode().Perm())
	}
	if _, err := StartMongo(context.Background(), dir); err == nil {
		t.Fatal("a second server started on a socket that is in use")
	}
}

func usable(t *testing.T, uri string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := mongo.Connect(options.Client().ApplyURI(uri).SetMaxPoolSize(1))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Disconnect(ctx) }()
	coll := c.Database("t").Collection("c")
	if _, err := coll.InsertOne(ctx, bson.D{{Key: "x", Value: 1}}); err != nil {
		t.Fatal(err)
	}
	if n, err := coll.CountDocuments(ctx, bson.D{}); err != nil || n != 1 {
		t.Fatalf("count %d, %v", n, err)
	}
}

// The object store listens on loopback: it must refuse requests that are
// not signed with its generated credentials.
func TestEmbeddedObjectStoreRequiresCredentials(t *testing.T) {
	ctx := context.Background()
	s, err := StartS3(ctx, filepath.Join(t.TempDir(), "s3"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	good, err := minio.New(s.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(s.AccessKey, s.SecretKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	if err := good.MakeBucket(ctx, "evidence", minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := good.PutObject(ctx, "evidence", "k", strings.NewReader("secret"), 6, minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/evidence", "/evidence/k"} {
		resp, err := http.Get("http://" + s.Endpoint + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("unsigned GET %s: %d, want 403", path, resp.StatusCode)
		}
	}
	bad, err := minio.New(s.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(s.AccessKey, s.SecretKey+"0", "")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bad.StatObject(ctx, "evidence", "k", minio.StatObjectOptions{}); err == nil {
		t.Fatal("a wrong secret was accepted")
	}
}

// TestEmbeddedObjectStoreKeepsItsMetadataMode: a new object store keeps
// object metadata in extended attributes where the file system takes them,
// a directory that already holds sidecar metadata (written before the
// choice existed) keeps sidecar files, and either reads its objects back
// with their content type and ETag after a restart.
func TestEmbeddedObjectStoreKeepsItsMetadataMode(t *testing.T) {
	ctx := context.Background()
	// roundTrip starts the store in dir, writes an object if put, and
	// checks the object's metadata; it returns the recorded mode.
	roundTrip := func(t *testing.T, dir string, put bool) string {
		t.Helper()
		s, err := StartS3(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		c, err := minio.New(s.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(s.AccessKey, s.SecretKey, "")})
		if err != nil {
			t.Fatal(err)
		}
		if put {
			if err := c.MakeBucket(ctx, "evidence", minio.MakeBucketOptions{}); err != nil {
				t.Fatal(err)
			}
			if _, err := c.PutObject(ctx, "evidence", "a/original", strings.NewReader("%PDF-1.7 evidence"), 17,
				minio.PutObjectOptions{ContentType: "application/pdf"}); err != nil {
				t.Fatal(err)
			}
		}
		info, err := c.StatObject(ctx, "evidence", "a/original", minio.StatObjectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if info.ContentType != "application/pdf" || info.ETag == "" || info.Size != 17 {
			t.Fatalf("metadata after a restart: type %q, etag %q, size %d", info.ContentType, info.ETag, info.Size)
		}
		mode, err := os.ReadFile(filepath.Join(dir, metadataModeFile))
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(mode))
	}
	metaFiles := func(dir string) int {
		n := 0
		_ = filepath.WalkDir(filepath.Join(dir, "meta"), func(_ string, d os.DirEntry, _ error) error {
			if d != nil && !d.IsDir() {
				n++
			}
			return nil
		})
		return n
	}

	t.Run("new", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "s3")
		want := "sidecar"
		if takesXattrs(filepath.Dir(dir)) {
			want = "xattr"
		}
		if got := roundTrip(t, dir, true); got != want {
			t.Fatalf("mode %q, want %q", got, want)
		}
		if got := roundTrip(t, dir, false); got != want {
			t.Fatalf("after a restart: mode %q, want %q", got, want)
		}
		if want == "xattr" && metaFiles(dir) != 0 {
			t.Fatalf("%d sidecar files in an xattr store", metaFiles(dir))
		}
	})
	t.Run("sidecar from before", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "s3")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, metadataModeFile), []byte("sidecar\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		roundTrip(t, dir, true)
		if metaFiles(dir) == 0 {
			t.Fatal("no sidecar metadata written")
		}
		// As the previous version left it: sidecar files, no mode file.
		if err := os.Remove(filepath.Join(dir, metadataModeFile)); err != nil {
			t.Fatal(err)
		}
		if got := roundTrip(t, dir, false); got != "sidecar" {
			t.Fatalf("a directory with sidecar metadata became %q", got)
		}
	})
	t.Run("unknown mode", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "s3")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, metadataModeFile), []byte("cloud\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := StartS3(ctx, dir)
		if err == nil {
			s.Close()
			t.Fatal("started with an unknown metadata mode")
		}
		if !strings.Contains(err.Error(), "neither xattr nor sidecar") {
			t.Fatalf("error %v", err)
		}
	})
}
