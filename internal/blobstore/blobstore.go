// Package blobstore implements services.BlobStore on any S3-compatible
// object store (MinIO in production, the embedded versitygw by default) with
// minio-go v7.
package blobstore

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"minhbach/services"
)

// Store keeps objects in one private bucket.
type Store struct {
	client *minio.Client
	bucket string
}

var _ services.BlobStore = (*Store)(nil)

// Options configures New.
type Options struct {
	Endpoint  string // host:port
	AccessKey string
	SecretKey string
	Bucket    string
	UseTLS    bool
	Region    string
	// MaxRetries bounds minio-go's retries of a failed request (default 3:
	// a citizen waiting on an upload is better told the store is down).
	MaxRetries int
}

// PartSize bounds what minio-go holds in memory per upload: objects larger
// than this, or of unknown length, go up in parts of this size, each read
// into a buffer of this size first (docs/architecture.md, "Memory of
// uploads").
const PartSize = 8 << 20

const partSize = PartSize

// sha256Meta is the user-metadata key under which the SHA-256 computed at
// upload is kept.
const sha256Meta = "Sha256"

// New returns a Store; it does not contact the server (see EnsureBucket).
func New(o Options) (*Store, error) {
	client, err := minio.New(o.Endpoint, &minio.Options{
		Creds:      credentials.NewStaticV4(o.AccessKey, o.SecretKey, ""),
		Secure:     o.UseTLS,
		Region:     o.Region,
		MaxRetries: cmp.Or(o.MaxRetries, 3),
		// TrailingHeaders stays off: versitygw rejects uploads with trailing
		// checksums (docs/storage.md, "The embedded default").
	})
	if err != nil {
		return nil, services.Wrap(err, services.ReasonInternal, "Invalid object store configuration.")
	}
	return &Store{client: client, bucket: o.Bucket}, nil
}

// Bucket is the bucket name in use.
func (s *Store) Bucket() string { return s.bucket }

// EnsureBucket creates the bucket when it does not exist; it is idempotent.
func (s *Store) EnsureBucket(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return translate(err)
	}
	if ok {
		return nil
	}
	err = s.client.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{})
	if err != nil {
		code := minio.ToErrorResponse(err).Code
		if code == "BucketAlreadyOwnedByYou" || code == "BucketAlreadyExists" {
			return nil
		}
		return translate(err)
	}
	return nil
}

// RemoveBucket deletes every object and then the bucket (used by tests).
func (s *Store) RemoveBucket(ctx context.Context) error {
	for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Recursive: true}) {
		if obj.Err != nil {
			return translate(obj.Err)
		}
		if err := s.client.RemoveObject(ctx, s.bucket, obj.Key, minio.RemoveObjectOptions{}); err != nil {
			return translate(err)
		}
	}
	return translate(s.client.RemoveBucket(ctx, s.bucket))
}

// Ready checks that the bucket exists and answers.
func (s *Store) Ready(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return translate(err)
	}
	if !ok {
		return services.Errorf(services.ReasonUnavailable, "The evidence bucket does not exist.")
	}
	return nil
}

// hashingReader computes SHA-256 over exactly what the store read.
type hashingReader struct {
	r io.Reader
	h hash.Hash
	n int64
}

func (h *hashingReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.h.Write(p[:n])
	h.n += int64(n)
	return n, err
}

// Put streams size bytes under key. It refuses an existing key, computes the
// SHA-256 while streaming, and removes the object again when the size or the
// expected hash does not match.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, contentType, sha256Hex string) (services.BlobInfo, error) {
	if size < -1 {
		return services.BlobInfo{}, services.Errorf(services.ReasonMalformed, "Invalid object size.")
	}
	if err := validKey(key); err != nil {
		return services.BlobInfo{}, err
	}
	// Write-once: a single PUT carries If-None-Match (below), which the
	// server enforces; uploads that may go up in parts are checked first,
	// since a multipart completion does not carry the condition. Keys are
	// random and server-generated, so the check only guards against bugs.
	if size < 0 || size > partSize {
		if _, err := s.Stat(ctx, key); err == nil {
			return services.BlobInfo{}, services.Errorf(services.ReasonExists, "The object already exists.")
		} else if !services.IsCode(err, services.CodeNotFound) {
			return services.BlobInfo{}, err
		}
	}
	src := r
	if size >= 0 {
		src = io.LimitReader(r, size)
	}
	hr := &hashingReader{r: src, h: sha256.New()}
	opts := minio.PutObjectOptions{ContentType: contentType, PartSize: partSize}
	if sha256Hex != "" {
		opts.UserMetadata = map[string]string{sha256Meta: strings.ToLower(sha256Hex)}
	}
	// Write-once: ask the server to refuse an existing key (If-None-Match),
	// in addition to the check above.
	opts.SetMatchETagExcept("*")
	if contentType == "" {
		opts.ContentType = "application/octet-stream"
	}
	info, err := s.client.PutObject(ctx, s.bucket, key, hr, size, opts)
	if err != nil {
		return services.BlobInfo{}, translate(err)
	}
	sum := hex.EncodeToString(hr.h.Sum(nil))
	fail := func(e error) (services.BlobInfo, error) {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_ = s.client.RemoveObject(cctx, s.bucket, key, minio.RemoveObjectOptions{})
		return services.BlobInfo{}, e
	}
	if size < 0 {
		size = hr.n
	}
	if hr.n != size || info.Size != size {
		return fail(services.Errorf(services.ReasonUploadInterrupted, "The upload was shorter than announced."))
	}
	if sha256Hex != "" && !strings.EqualFold(sum, sha256Hex) {
		return fail(services.Errorf(services.ReasonUploadInterrupted, "The upload does not match its SHA-256."))
	}
	return services.BlobInfo{Key: key, Size: size, SHA256: sum, ContentType: opts.ContentType, LastModified: info.LastModified}, nil
}

// Get opens key for streaming.
func (s *Store) Get(ctx context.Context, key string) (services.BlobReader, services.BlobInfo, error) {
	if err := validKey(key); err != nil {
		return nil, services.BlobInfo{}, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, services.BlobInfo{}, translate(err)
	}
	st, err := obj.Stat()
	if err != nil {
		obj.Close()
		return nil, services.BlobInfo{}, translate(err)
	}
	return obj, infoOf(st), nil
}

// Stat describes key.
func (s *Store) Stat(ctx context.Context, key string) (services.BlobInfo, error) {
	if err := validKey(key); err != nil {
		return services.BlobInfo{}, err
	}
	st, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return services.BlobInfo{}, translate(err)
	}
	return infoOf(st), nil
}

// Delete removes key; removing a missing key is not an error.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := validKey(key); err != nil {
		return err
	}
	return translate(s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}))
}

// maxList caps List so that a huge prefix cannot exhaust memory.
const maxList = 10000

// List returns up to 10,000 objects under prefix, with metadata.
func (s *Store) List(ctx context.Context, prefix string) ([]services.BlobInfo, error) {
	var out []services.BlobInfo
	for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if obj.Err != nil {
			return nil, translate(obj.Err)
		}
		out = append(out, services.BlobInfo{Key: obj.Key, Size: obj.Size, ContentType: obj.ContentType, LastModified: obj.LastModified.UTC()})
		if len(out) >= maxList {
			break
		}
	}
	return out, nil
}

func infoOf(st minio.ObjectInfo) services.BlobInfo {
	sum := st.UserMetadata[sha256Meta]
	if sum == "" {
		sum = st.Metadata.Get("X-Amz-Meta-" + sha256Meta)
	}
	return services.BlobInfo{Key: st.Key, Size: st.Size, SHA256: sum, ContentType: st.ContentType, LastModified: st.LastModified.UTC()}
}

func validKey(key string) error {
	if key == "" || len(key) > 512 || strings.HasPrefix(key, "/") || strings.Contains(key, "..") || strings.ContainsAny(key, "\\\x00") {
		return services.Errorf(services.ReasonMalformed, "Invalid object key.")
	}
	return nil
}

func translate(err error) error {
	if err == nil {
		return nil
	}
	resp := minio.ToErrorResponse(err)
	switch {
	case resp.Code == "NoSuchKey" || resp.Code == "NoSuchBucket" || resp.StatusCode == http.StatusNotFound:
		return services.Wrap(err, services.ReasonNotFound, "Not found.")
	case resp.Code == "PreconditionFailed" || resp.StatusCode == http.StatusPreconditionFailed:
		return services.Wrap(err, services.ReasonExists, "The object already exists.")
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return services.Wrap(err, services.ReasonUnavailable, "The object store did not answer in time.")
	case resp.StatusCode == 0 || resp.StatusCode >= 500:
		return services.Wrap(err, services.ReasonUnavailable, "The object store is not available.")
	}
	return services.Wrap(err, services.ReasonInternal, "An object store error occurred.")
}

// Walk calls fn for every object whose key starts with prefix, one at a
// time as the listing arrives (no cap, nothing held), stopping at fn's
// first error.
func (s *Store) Walk(ctx context.Context, prefix string, fn func(services.BlobInfo) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // ends the listing when fn stops early
	for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if obj.Err != nil {
			return translate(obj.Err)
		}
		if err := fn(services.BlobInfo{Key: obj.Key, Size: obj.Size, ContentType: obj.ContentType, LastModified: obj.LastModified.UTC()}); err != nil {
			return err
		}
	}
	return nil
}
