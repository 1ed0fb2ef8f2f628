//go:build nodevstack

package main

import (
	"context"
	"log/slog"

	"minhbach/internal/blobstore"
)

// embeddedStack tells whether this binary carries the embedded servers: built
// with the tag nodevstack, it does not, and it links neither FerretDB nor
// versitygw. The Dockerfile builds it this way.
const embeddedStack = false

// startEmbedded refuses: this binary has no embedded servers. loadConfig
// already reports the same problem at start-up; this keeps openBackend safe
// for any Config.
func startEmbedded(context.Context, Config, *slog.Logger, *backend) (string, blobstore.Options, error) {
	return "", blobstore.Options{}, errNoEmbeddedStack
}
