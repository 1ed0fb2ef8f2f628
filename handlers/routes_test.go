package handlers

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestRoutesOnlyInRoutesGo keeps every route in handlers/routes.go: no other
// file of the package registers a route or a route group, so that one file
// shows the whole API and the middleware each route runs behind.
func TestRoutesOnlyInRoutesGo(t *testing.T) {
	register := regexp.MustCompile(`\.(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|Any|Handle|Group|NoRoute|NoMethod)\(`)
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") || name == "routes.go" {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if register.MatchString(line) && !strings.HasPrefix(strings.TrimSpace(line), "//") {
				t.Errorf("%s:%d registers a route outside routes.go: %s", name, i+1, strings.TrimSpace(line))
			}
		}
		checked++
	}
	if checked < 10 {
		t.Fatalf("only %d files checked", checked)
	}
}
