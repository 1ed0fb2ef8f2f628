package translog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A published log is a tree of objects, named by paths relative to the log's
// root (docs/transparency-log.md, "Where the log lives"):
//
//	checkpoint                   the latest signed checkpoint, with cosignatures
//	checkpoints/<size>           every signed checkpoint the log issued
//	tile/<L>/<N>[.p/<W>]         hash tiles (C2SP tlog-tiles)
//	tile/entries/<N>[.p/<W>]     entry bundles
//
// The portal keeps them under "log/" in its bucket and serves them under
// /log/; a mirror keeps them in a directory with the same layout.
const (
	PathCheckpoint  = "checkpoint"
	PathCheckpoints = "checkpoints/"
)

// CheckpointPath is the path of the checkpoint the log issued at size.
func CheckpointPath(size int64) string { return PathCheckpoints + strconv.FormatInt(size, 10) }

// ErrNotFound is returned by a Source for an object it does not have.
var ErrNotFound = errors.New("translog: object not found")

// maxObject bounds an object read from a Source: a full tile is 8 KiB, a
// full entry bundle at most 256 entries of maxEntryLen bytes with their
// lengths, a checkpoint a few hundred bytes with its signatures, and a list
// of checkpoints a line per checkpoint.
const maxObject = 4 << 20

// Source reads a published log: from the portal's public endpoints
// (HTTPSource), from a mirror directory (DirSource), or from the portal's
// bucket.
type Source interface {
	// Fetch returns the object at path, or an error wrapping ErrNotFound.
	Fetch(ctx context.Context, path string) ([]byte, error)
	// Checkpoints returns the sizes of every checkpoint the source holds
	// under checkpoints/, ascending.
	Checkpoints(ctx context.Context) ([]int64, error)
}

// ParseCheckpointList parses the list of checkpoint sizes the portal serves
// at /log/checkpoints: one decimal size per line, ascending, no repeats,
// each line ending in a newline.
func ParseCheckpointList(b []byte) ([]int64, error) {
	if len(b) == 0 {
		return nil, nil
	}
	if b[len(b)-1] != '\n' {
		return nil, fmt.Errorf("translog: checkpoint list does not end in a newline")
	}
	var out []int64
	for _, line := range strings.Split(string(b[:len(b)-1]), "\n") {
		n, ok := decimal(line, 1<<62)
		if !ok {
			return nil, fmt.Errorf("translog: checkpoint list: bad size %q", line)
		}
		if len(out) > 0 && n <= out[len(out)-1] {
			return nil, fmt.Errorf("translog: checkpoint list: sizes not ascending at %d", n)
		}
		out = append(out, n)
	}
	return out, nil
}

// MarshalCheckpointList writes sizes as ParseCheckpointList reads them.
func MarshalCheckpointList(sizes []int64) []byte {
	var b strings.Builder
	for _, n := range sizes {
		b.WriteString(strconv.FormatInt(n, 10))
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// validSourcePath accepts the paths a Source serves and nothing else, so a
// path never climbs out of a directory or reaches another route.
func validSourcePath(p string) bool {
	switch {
	case p == PathCheckpoint:
		return true
	case strings.HasPrefix(p, PathCheckpoints):
		n, ok := decimal(strings.TrimPrefix(p, PathCheckpoints), 1<<62)
		return ok && CheckpointPath(n) == p
	}
	_, err := ParseTilePath(p)
	return err == nil
}

// HTTPSource reads a log from the portal's public endpoints: base is the
// address the log is served under, for example https://portal.example/log.
type HTTPSource struct {
	Base   string
	Client *http.Client // nil: a client with a 30-second timeout
}

func (s HTTPSource) client() *http.Client {
	if s.Client != nil {
		return s.Client
	}
	return &http.Client{Timeout: 30 * time.Second}
}

func (s HTTPSource) get(ctx context.Context, p string) ([]byte, error) {
	u, err := url.JoinPath(s.Base, p)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := s.client().Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return nil, fmt.Errorf("%w: %s", ErrNotFound, p)
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("translog: GET %s: %s", p, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxObject+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxObject {
		return nil, fmt.Errorf("translog: GET %s: object larger than %d bytes", p, maxObject)
	}
	return b, nil
}

// Fetch implements Source.
func (s HTTPSource) Fetch(ctx context.Context, p string) ([]byte, error) {
	if !validSourcePath(p) {
		return nil, fmt.Errorf("translog: not a log path: %q", p)
	}
	return s.get(ctx, p)
}

// Checkpoints implements Source, reading the list at <base>/checkpoints.
func (s HTTPSource) Checkpoints(ctx context.Context) ([]int64, error) {
	b, err := s.get(ctx, strings.TrimSuffix(PathCheckpoints, "/"))
	if err != nil {
		return nil, err
	}
	return ParseCheckpointList(b)
}

// DirSource reads a log mirrored into a directory with the same layout.
type DirSource struct{ Dir string }

// Fetch implements Source.
func (s DirSource) Fetch(_ context.Context, p string) ([]byte, error) {
	if !validSourcePath(p) {
		return nil, fmt.Errorf("translog: not a log path: %q", p)
	}
	f, err := os.Open(filepath.Join(s.Dir, filepath.FromSlash(p)))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, p)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxObject+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxObject {
		return nil, fmt.Errorf("translog: %s: object larger than %d bytes", p, maxObject)
	}
	return b, nil
}

// Checkpoints implements Source, listing the directory's checkpoints/.
func (s DirSource) Checkpoints(_ context.Context) ([]int64, error) {
	des, err := os.ReadDir(filepath.Join(s.Dir, filepath.FromSlash(PathCheckpoints)))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, de := range des {
		if n, ok := decimal(de.Name(), 1<<62); ok && de.Type().IsRegular() {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out, nil
}

// SourceTiles returns a TileFetcher reading tiles from src, for
// TileHashReader.
func SourceTiles(ctx context.Context, src Source) TileFetcher {
	return func(tiles []Tile) ([][]byte, error) {
		out := make([][]byte, len(tiles))
		for i, t := range tiles {
			b, err := src.Fetch(ctx, t.Path())
			if err != nil {
				return nil, err
			}
			out[i] = b
		}
		return out, nil
	}
}
