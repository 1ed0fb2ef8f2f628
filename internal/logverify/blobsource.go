package logverify

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"minhbach/internal/translog"
	"minhbach/services"
)

// BlobPrefix is where the sequencer keeps the log in the portal's bucket
// (docs/transparency-log.md, "Where the log lives").
const BlobPrefix = "log/"

// maxBlobObject bounds an object read from the bucket, as translog's
// sources bound theirs: a full tile is 8 KiB, a full bundle under 40 KiB,
// a checkpoint a few hundred bytes.
const maxBlobObject = 4 << 20

// BlobSource reads the log from the portal's own bucket, for `portal log
// verify` run by the operator: the objects the public endpoints serve,
// read where the sequencer writes them.
type BlobSource struct {
	Blobs services.BlobStore
	// Prefix is the keys' prefix; "" is BlobPrefix.
	Prefix string
}

func (s BlobSource) prefix() string {
	if s.Prefix == "" {
		return BlobPrefix
	}
	return s.Prefix
}

// logPath accepts only the paths a translog.Source serves, in their one
// canonical form, so that no other key of the bucket (evidence) is read.
func logPath(p string) bool {
	if p == translog.PathCheckpoint {
		return true
	}
	if rest, ok := strings.CutPrefix(p, translog.PathCheckpoints); ok {
		n, err := strconv.ParseInt(rest, 10, 64)
		return err == nil && n >= 0 && translog.CheckpointPath(n) == p
	}
	_, err := translog.ParseTilePath(p)
	return err == nil
}

// Fetch implements translog.Source.
func (s BlobSource) Fetch(ctx context.Context, p string) ([]byte, error) {
	if !logPath(p) {
		return nil, fmt.Errorf("logverify: not a log path: %q", p)
	}
	if p == translog.PathCheckpoint {
		// The bucket keeps every checkpoint write-once and no "latest"
		// object (the portal serves the latest from its database, with the
		// witnesses' cosignatures): the latest is the largest kept.
		sizes, err := s.Checkpoints(ctx)
		if err != nil {
			return nil, err
		}
		if len(sizes) == 0 {
			return nil, fmt.Errorf("%w: %s", translog.ErrNotFound, p)
		}
		p = translog.CheckpointPath(sizes[len(sizes)-1])
	}
	r, _, err := s.Blobs.Get(ctx, s.prefix()+p)
	if services.IsCode(err, services.CodeNotFound) {
		return nil, fmt.Errorf("%w: %s", translog.ErrNotFound, p)
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s%s: %w", s.prefix(), p, err)
	}
	defer r.Close()
	b, err := io.ReadAll(io.LimitReader(r, maxBlobObject+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s%s: %w", s.prefix(), p, err)
	}
	if len(b) > maxBlobObject {
		return nil, fmt.Errorf("%s%s: object larger than %d bytes", s.prefix(), p, maxBlobObject)
	}
	return b, nil
}

// blobWalker is the listing without a cap that internal/blobstore offers
// beside services.BlobStore's List, which stops at 10,000 objects: a log
// issues a checkpoint every few seconds while it grows, so it can hold
// more.
type blobWalker interface {
	Walk(ctx context.Context, prefix string, fn func(services.BlobInfo) error) error
}

// listCap is services.BlobStore's List cap (internal/blobstore): a listing
// that long may be cut short.
const listCap = 10000

// Checkpoints implements translog.Source, listing the keys under
// <prefix>checkpoints/.
func (s BlobSource) Checkpoints(ctx context.Context) ([]int64, error) {
	dir := s.prefix() + translog.PathCheckpoints
	var out []int64
	add := func(info services.BlobInfo) error {
		name := strings.TrimPrefix(info.Key, dir)
		if n, err := strconv.ParseInt(name, 10, 64); err == nil && n >= 0 && strconv.FormatInt(n, 10) == name {
			out = append(out, n)
		}
		return nil
	}
	if w, ok := s.Blobs.(blobWalker); ok {
		if err := w.Walk(ctx, dir, add); err != nil {
			return nil, fmt.Errorf("listing %s: %w", dir, err)
		}
	} else {
		infos, err := s.Blobs.List(ctx, dir)
		if err != nil {
			return nil, fmt.Errorf("listing %s: %w", dir, err)
		}
		if len(infos) >= listCap {
			return nil, fmt.Errorf("listing %s: %d objects or more, which this store's listing may cut short", dir, listCap)
		}
		for _, info := range infos {
			_ = add(info)
		}
	}
	slices.Sort(out)
	return out, nil
}
