// Package frontend embeds the built web application.
package frontend

import "embed"

// Dist holds the built single-page application (frontend/dist).
//
//go:embed all:dist
var Dist embed.FS
