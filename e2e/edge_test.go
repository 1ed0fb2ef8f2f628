package e2e

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestPortalAnswersBelowGinErrorsAsJSON: the running portal's own socket
// (cmd/portal/serve.go) answers what net/http refuses by itself — headers
// over 64 KiB, a request without Host — in the JSON error shape with the
// security headers, and still serves the next connection.
func TestPortalAnswersBelowGinErrorsAsJSON(t *testing.T) {
	p := startPortal(t, t.TempDir())
	for name, tc := range map[string]struct {
		raw    string
		status int
		code   string
	}{
		"headers too large": {"GET /api/v1/meta HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 100<<10) + "\r\n\r\n", 431, "too_large"},
		"no host":           {"GET /api/v1/meta HTTP/1.1\r\n\r\n", 400, "invalid"},
	} {
		conn, err := net.DialTimeout("tcp", p.addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
		if _, err := io.WriteString(conn, tc.raw); err != nil {
			t.Fatal(err)
		}
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		body, _ := io.ReadAll(res.Body)
		conn.Close()
		var e struct {
			Error struct{ Code, Message string }
		}
		if res.StatusCode != tc.status || json.Unmarshal(body, &e) != nil || e.Error.Code != tc.code ||
			!strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") || res.Header.Get("Content-Security-Policy") == "" ||
			res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("X-Request-ID") == "" {
			t.Errorf("%s: %d %v %q", name, res.StatusCode, res.Header, body)
		}
	}
	resp, err := httpClient.Get(p.base + "/api/v1/meta")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("after the refusals: %d", resp.StatusCode)
	}
}
