package handlers

import (
	"crypto/tls"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// TestVerifyPageURL: the address a proof prints for the verification page
// is on PORTAL_PUBLIC_URL when set, else on the request's host (https when
// the request came over TLS or cookies are Secure); a Host that cannot be
// printed as an address gives "" (the proof then names the path only).
func TestVerifyPageURL(t *testing.T) {
	for _, tc := range []struct {
		name, publicOrigin, host string
		secure, tls              bool
		want                     string
	}{
		{"public url", "https://gopy.example.gov.vn", "127.0.0.1:8080", true, false, "https://gopy.example.gov.vn/verify"},
		{"public url wins over the host", "https://gopy.example.gov.vn", "evil.example", false, false, "https://gopy.example.gov.vn/verify"},
		{"request host", "", "localhost:18085", false, false, "http://localhost:18085/verify"},
		{"request host, lower case", "", "GoPy.Example.gov.vn", false, false, "http://gopy.example.gov.vn/verify"},
		{"secure cookies", "", "gopy.example.gov.vn", true, false, "https://gopy.example.gov.vn/verify"},
		{"tls", "", "gopy.example.gov.vn:8443", false, true, "https://gopy.example.gov.vn:8443/verify"},
		{"ipv6", "", "[::1]:8080", false, false, "http://[::1]:8080/verify"},
		{"markup in the host", "", "a<b>.example", false, false, ""},
		{"path in the host", "", "example.com/x", false, false, ""},
		{"empty host", "", "", false, false, ""},
		{"overlong host", "", strings.Repeat("a", 80) + ".vn", false, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &Server{publicOrigin: tc.publicOrigin, secureCookies: tc.secure}
			c, _ := gin.CreateTestContext(httptest.NewRecorder())
			c.Request = httptest.NewRequest("GET", "/api/v1/track/receipt.pdf", nil)
			c.Request.Host = tc.host
			if tc.tls {
				c.Request.TLS = &tls.ConnectionState{}
			}
			if got := s.verifyPageURL(c); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}
