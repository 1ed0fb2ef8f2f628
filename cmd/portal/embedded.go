//go:build !nodevstack

package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"

	"minhbach/internal/blobstore"
	"minhbach/internal/devstack"
)

// embeddedStack tells whether this binary carries the embedded servers. It
// does unless it was built with the tag nodevstack (embedded_nodevstack.go).
const embeddedStack = true

// startEmbedded takes the data directory's lock, starts the embedded
// MongoDB-compatible and S3-compatible servers in it and generates, on first
// start, the keys the configuration leaves unset. It returns how to reach the
// two servers; b's closers stop them and release the lock.
func startEmbedded(ctx context.Context, cfg Config, log *slog.Logger, b *backend) (mongoURI string, s3 blobstore.Options, err error) {
	lock, err := devstack.LockDir(cfg.DataDir)
	if err != nil {
		return "", s3, err
	}
	b.closers = append(b.closers, func() { _ = lock.Unlock() })
	m, err := devstack.StartMongo(ctx, filepath.Join(cfg.DataDir, "mongo"))
	if err != nil {
		return "", s3, err
	}
	b.closers = append(b.closers, func() { m.Close(); log.Info("embedded database stopped") })
	obj, err := devstack.StartS3(ctx, filepath.Join(cfg.DataDir, "s3"))
	if err != nil {
		return "", s3, err
	}
	b.closers = append(b.closers, func() { obj.Close(); log.Info("embedded object store stopped") })
	// No addresses in the log: the database's socket is private to this
	// user, and the object store's port is no business of the log's readers.
	log.Info("embedded servers started")
	for _, k := range []struct {
		dst  *[]byte
		file string
	}{{&b.identityKey, "identity.key"}, {&b.jwtKey, "jwt.key"}, {&b.signingKey, "signing.key"}, {&b.logKey, "log.key"}} {
		if *k.dst == nil {
			if *k.dst, err = devstack.LoadOrCreateKey(filepath.Join(cfg.DataDir, k.file), 32); err != nil {
				return "", s3, fmt.Errorf("%s: %w", k.file, err)
			}
		}
	}
	return m.URI, blobstore.Options{Endpoint: obj.Endpoint, AccessKey: obj.AccessKey, SecretKey: obj.SecretKey,
		Bucket: cfg.S3Bucket, Region: cfg.S3Region}, nil
}
