// Package devstack runs the embedded MongoDB-compatible server (FerretDB v1
// on SQLite) and S3-compatible server (versitygw on a POSIX directory) inside
// the portal's own process. The portal reaches them through the same drivers
// it uses for MongoDB and MinIO in production.
//
// FerretDB has no authentication, so it listens only on a Unix socket in a
// directory that only the portal's user can open (docs/storage.md, "The
// embedded default"); versitygw listens on loopback and checks SigV4 with
// credentials generated on first start.
package devstack

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"github.com/pkg/xattr"
	"github.com/versity/versitygw/backend/meta"
	"github.com/versity/versitygw/backend/posix"
	"github.com/versity/versitygw/embedgw"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
)

// Mongo is a running embedded MongoDB-compatible server.
type Mongo struct {
	// URI is the mongodb:// address of the server: its Unix socket,
	// percent-encoded in the host part as the MongoDB drivers expect.
	URI string
	// Socket is the path of the Unix socket; its directory has mode 0700.
	Socket string
	// tempDir is the private directory made for the socket when dir's path
	// was too long for one, removed by Close.
	tempDir string
	cancel  context.CancelFunc
	done    chan struct{}
}

// socketName ends in "sock": that suffix is how the MongoDB driver tells a
// Unix socket from a host name.
const socketName = "mongodb.sock"

// maxSocketPath is the longest socket path used: sun_path holds 108 bytes on
// Linux (104 on BSDs and macOS) including the final NUL.
const maxSocketPath = 100

// StartMongo starts FerretDB with its SQLite handler storing one file per
// database in dir, listening only on a Unix socket in dir/sock (mode 0700),
// and waits until it answers a ping. When that path is too long for a socket,
// or has characters a mongodb:// URI cannot carry plainly, the socket goes in
// a private directory under os.TempDir instead.
//
// FerretDB v1 has no authentication: whoever can connect can read and write
// everything. The socket directory's mode is the access control; processes
// running as the portal's user (and root) can still connect, as they can
// read the SQLite files anyway.
func StartMongo(ctx context.Context, dir string) (*Mongo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("create database directory: %w", err)
	}
	sockDir, tempDir, err := socketDir(abs)
	if err != nil {
		return nil, err
	}
	m := &Mongo{Socket: filepath.Join(sockDir, socketName), tempDir: tempDir, done: make(chan struct{})}
	if err := removeStaleSocket(m.Socket); err != nil {
		m.removeTemp()
		return nil, err
	}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{Unix: m.Socket},
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/", // a directory: in-memory SQLite hangs on the first update
		// At Warn FerretDB logs every error reply, which includes the
		// duplicate-key answers the portal expects; keep it to real errors.
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})),
	})
	if err != nil {
		m.removeTemp()
		return nil, fmt.Errorf("start embedded database: %w", err)
	}
	// ferretdb.New has created the socket; the directory's mode already
	// keeps others out, and the socket's own mode says the same.
	if err := os.Chmod(m.Socket, 0o600); err != nil {
		m.removeTemp()
		return nil, fmt.Errorf("embedded database socket: %w", err)
	}
	// MongoDBURI would put the path in the host unescaped; the driver wants
	// it percent-encoded ("mongodb://%2Fpath%2Fmongodb.sock/").
	m.URI = "mongodb://" + url.QueryEscape(m.Socket) + "/"
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	m.cancel = cancel
	go func() {
		defer close(m.done)
		_ = f.Run(runCtx)
	}()
	if err := waitMongo(ctx, m.URI); err != nil {
		m.Close()
		return nil, err
	}
	return m, nil
}

func waitMongo(ctx context.Context, uri string) error {
	client, err := mongo.Connect(options.Client().ApplyURI(uri).SetMaxPoolSize(1))
	if err != nil {
		return err
	}
	defer func() { _ = client.Disconnect(context.Background()) }()
	deadline := time.Now().Add(startTimeout)
	for {
		pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		err = client.Ping(pctx, readpref.Primary())
		cancel()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) || !pause(ctx) {
			return fmt.Errorf("embedded database not ready within %v: %w", startTimeout, err)
		}
	}
}

// Close stops the server and waits until its storage is closed.
func (m *Mongo) Close() {
	m.cancel()
	<-m.done
	_ = os.Remove(m.Socket)
	m.removeTemp()
}

func (m *Mongo) removeTemp() {
	if m.tempDir != "" {
		_ = os.RemoveAll(m.tempDir)
	}
}

// socketDir returns a directory of mode 0700, owned by this process's user,
// for the database's socket: dir/sock, or when that path is unusable a new
// private directory under os.TempDir (returned as tempDir too).
func socketDir(dir string) (sockDir, tempDir string, err error) {
	sockDir = filepath.Join(dir, "sock")
	if usableSocketPath(filepath.Join(sockDir, socketName)) {
		if err := privateDir(sockDir); err != nil {
			return "", "", err
		}
		return sockDir, "", nil
	}
	tempDir, err = os.MkdirTemp("", "minhbach-db-") // mode 0700
	if err != nil {
		return "", "", fmt.Errorf("embedded database socket directory: %w", err)
	}
	if !usableSocketPath(filepath.Join(tempDir, socketName)) {
		_ = os.RemoveAll(tempDir)
		return "", "", fmt.Errorf("embedded database socket: both %s and the temporary directory %s make a socket path "+
			"that is too long or has unusual characters; use a shorter PORTAL_DATA_DIR or TMPDIR", dir, os.TempDir())
	}
	return tempDir, tempDir, nil
}

// usableSocketPath reports whether p fits in a socket address and travels
// through a mongodb:// URI unchanged: the driver splits the host on ':' and
// unescapes '+' and '%'.
func usableSocketPath(p string) bool {
	if len(p) > maxSocketPath || !filepath.IsAbs(p) {
		return false
	}
	for _, c := range p {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("/._-", c)) {
			return false
		}
	}
	return true
}

// privateDir makes dir a real directory (not a symbolic link) owned by this
// process's user with mode 0700, creating it when missing.
func privateDir(dir string) error {
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("embedded database socket directory: %w", err)
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("embedded database socket directory: %w", err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !fi.IsDir() || !ok || int(st.Uid) != os.Geteuid() {
		return fmt.Errorf("embedded database socket directory %s is not a directory owned by this user", dir)
	}
	if fi.Mode().Perm() != 0o700 {
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("embedded database socket directory: %w", err)
		}
	}
	return nil
}

// removeStaleSocket removes a socket file left by a process that stopped
// without closing it, and refuses when a server still answers on it.
func removeStaleSocket(p string) error {
	fi, err := os.Lstat(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.Mode()&os.ModeSocket == 0 {
		return fmt.Errorf("embedded database socket path %s exists and is not a socket", p)
	}
	if c, err := net.DialTimeout("unix", p, time.Second); err == nil {
		c.Close()
		return fmt.Errorf("another embedded database is listening on %s", p)
	}
	return os.Remove(p)
}

// S3 is a running embedded S3-compatible server.
type S3 struct {
	// Endpoint is host:port on loopback (plain HTTP).
	Endpoint  string
	AccessKey string
	SecretKey string
	cancel    context.CancelFunc
	done      chan struct{}
	err       error
}

// s3Running enforces versitygw's limit of one gateway per process with a
// clear error instead of its own.
var s3Running sync.Mutex

type s3Credentials struct {
	AccessKey string `json:"accessKey"`
	SecretKey string `json:"secretKey"`
}

// StartS3 starts versitygw serving the objects under dir/data, with object
// metadata in extended attributes of the files or in dir/meta
// (objectMetadata), and root credentials generated on first start into
// dir/credentials.json (mode 0600).
//
// The POSIX backend changes the process's working directory to dir/data and
// resolves bucket paths relative to it; everything else in the process must
// therefore use absolute paths once the gateway has started.
//
// Only one gateway can run per process; a second StartS3 fails until the
// first is closed.
func StartS3(ctx context.Context, dir string) (*S3, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	dataDir, metaDir := filepath.Join(abs, "data"), filepath.Join(abs, "meta")
	for _, d := range []string{dataDir, metaDir} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("create object store directory: %w", err)
		}
	}
	creds, err := loadOrCreateCredentials(filepath.Join(abs, "credentials.json"))
	if err != nil {
		return nil, err
	}
	if !s3Running.TryLock() {
		return nil, errors.New("an embedded object store is already running in this process")
	}
	sc, err := objectMetadata(abs, dataDir, metaDir)
	if err != nil {
		s3Running.Unlock()
		return nil, fmt.Errorf("object store metadata: %w", err)
	}
	be, err := posix.New(dataDir, sc, posix.PosixOpts{NewDirPerm: 0o700, Concurrency: 64, CopyObjectThreshold: 5 << 30})
	if err != nil {
		s3Running.Unlock()
		return nil, fmt.Errorf("object store backend: %w", err)
	}
	port, err := freePort()
	if err != nil {
		be.Shutdown()
		s3Running.Unlock()
		return nil, err
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s := &S3{Endpoint: "127.0.0.1:" + strconv.Itoa(port), AccessKey: creds.AccessKey, SecretKey: creds.SecretKey,
		cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		defer s3Running.Unlock()
		defer be.Shutdown()
		s.err = embedgw.RunVersityGW(runCtx, be, &embedgw.Config{
			RootUserAccess: creds.AccessKey, RootUserSecret: creds.SecretKey,
			Ports: []string{s.Endpoint}, MaxConnections: 256, MaxRequests: 256, MultipartMaxParts: 10000,
			Quiet: true, HealthPath: "/health",
		})
	}()
	if err := waitHTTP(ctx, "http://"+s.Endpoint+"/health", s.done); err != nil {
		s.Close()
		if s.err != nil {
			err = fmt.Errorf("%w: %v", err, s.err)
		}
		return nil, err
	}
	return s, nil
}

// Close stops the gateway and waits until it has released its port.
func (s *S3) Close() {
	s.cancel()
	<-s.done
}

func waitHTTP(ctx context.Context, url string, done <-chan struct{}) error {
	deadline := time.Now().Add(startTimeout)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		select {
		case <-done:
			return errors.New("embedded object store stopped during start-up")
		default:
		}
		resp, err := client.Get(url)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode < 500 {
				return nil
			}
		}
		if err == nil {
			err = fmt.Errorf("health check answered %d", resp.StatusCode)
		}
		if time.Now().After(deadline) || !pause(ctx) {
			return fmt.Errorf("embedded object store not ready within %v: %v", startTimeout, err)
		}
	}
}

// startTimeout bounds how long each embedded server may take to answer.
const startTimeout = 30 * time.Second

// pause waits a moment between two readiness checks; false when ctx ends
// first.
func pause(ctx context.Context) bool {
	t := time.NewTimer(20 * time.Millisecond)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func loadOrCreateCredentials(path string) (s3Credentials, error) {
	var c s3Credentials
	b, err := os.ReadFile(path)
	if err == nil {
		if err := json.Unmarshal(b, &c); err != nil || c.AccessKey == "" || c.SecretKey == "" {
			return c, fmt.Errorf("object store credentials in %s are unreadable", path)
		}
		return c, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return c, err
	}
	c = s3Credentials{AccessKey: "mb" + randomHex(9), SecretKey: randomHex(24)}
	b, _ = json.Marshal(c)
	if err := WriteSecretFile(path, b); err != nil {
		return c, err
	}
	return c, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// WriteSecretFile writes data to path with mode 0600, failing if the file
// already exists so that a secret is never silently replaced.
func WriteSecretFile(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// LoadOrCreateKey returns the secret key stored at path, creating it with n
// random bytes (mode 0600) on first use.
func LoadOrCreateKey(path string, n int) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		key, derr := hex.DecodeString(string(trimSpace(b)))
		if derr != nil || len(key) != n {
			return nil, fmt.Errorf("key file %s is not %d hex-encoded bytes", path, n)
		}
		return key, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	key := make([]byte, n)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if err := WriteSecretFile(path, []byte(hex.EncodeToString(key)+"\n")); err != nil {
		return nil, err
	}
	return key, nil
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r' || b[len(b)-1] == ' ') {
		b = b[:len(b)-1]
	}
	return b
}

// ErrLocked means another process owns the data directory.
var ErrLocked = errors.New("data directory is in use by another portal process")

// Lock is an exclusive hold on a data directory.
type Lock struct{ f *os.File }

// LockDir takes an exclusive, non-blocking lock on dir/portal.lock. The
// kernel releases it when the process exits, so a crash leaves no stale lock.
func LockDir(dir string) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	path := filepath.Join(dir, "portal.lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			pid, _ := os.ReadFile(path)
			return nil, fmt.Errorf("%w (%s, held by pid %s); stop that process first", ErrLocked, dir, string(trimSpace(pid)))
		}
		return nil, err
	}
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return &Lock{f: f}, nil
}

// Unlock releases the lock.
func (l *Lock) Unlock() error {
	_ = syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	return l.f.Close()
}

// metadataModeFile records, in the object store's directory, where its
// object metadata (ETag, content type, checksums) is kept: "xattr" in the
// data files' extended attributes, "sidecar" in files under meta/. The
// choice is made once, when the directory is new, and kept: objects written
// one way are not readable the other (docs/storage.md, "The embedded object
// store").
const metadataModeFile = "object-metadata"

// objectMetadata returns the store of object metadata for the object store
// in abs. A new directory uses extended attributes when its file system
// takes user attributes (one attribute on the file instead of a sidecar
// directory, a temporary file and a rename for each of an object's four
// or five attributes); a directory that already holds sidecar metadata, or
// whose file system refuses attributes, keeps sidecar files.
func objectMetadata(abs, dataDir, metaDir string) (meta.MetadataStorer, error) {
	modePath := filepath.Join(abs, metadataModeFile)
	mode, err := os.ReadFile(modePath)
	switch {
	case err == nil:
	case errors.Is(err, fs.ErrNotExist):
		m := "sidecar"
		if entries, err := os.ReadDir(metaDir); err != nil {
			return nil, err
		} else if len(entries) == 0 && takesXattrs(dataDir) {
			m = "xattr"
		}
		if err := os.WriteFile(modePath, []byte(m+"\n"), 0o600); err != nil {
			return nil, err
		}
		mode = []byte(m)
	default:
		return nil, err
	}
	switch strings.TrimSpace(string(mode)) {
	case "xattr":
		return meta.XattrMeta{}, nil
	case "sidecar":
		return meta.NewSideCar(metaDir)
	}
	return nil, fmt.Errorf("%s says %q, neither xattr nor sidecar", modePath, strings.TrimSpace(string(mode)))
}

// takesXattrs reports whether the file system of dir stores user extended
// attributes.
func takesXattrs(dir string) bool {
	f, err := os.CreateTemp(dir, ".xattr-probe-")
	if err != nil {
		return false
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if err := xattr.FSet(f, "user.probe", []byte("1")); err != nil {
		return false
	}
	v, err := xattr.FGet(f, "user.probe")
	return err == nil && string(v) == "1"
}
