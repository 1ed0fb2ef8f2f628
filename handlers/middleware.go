package handlers

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"minhbach/services"
)

const requestIDKey = "requestId"

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

// requestIDs gives every request an id and returns it in the answer. An
// X-Request-ID is reused only when the request came straight from a trusted
// proxy (PORTAL_TRUSTED_PROXIES) and is well formed; a client elsewhere
// cannot choose the id the logs carry.
func (s *Server) requestIDs() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader("X-Request-ID")
		if !requestIDPattern.MatchString(id) || !s.fromTrustedProxy(c.Request) {
			b := make([]byte, 12)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		c.Set(requestIDKey, id)
		c.Header("X-Request-ID", id)
		c.Next()
	}
}

// fromTrustedProxy reports whether the peer of r is a trusted proxy.
func (s *Server) fromTrustedProxy(r *http.Request) bool {
	if len(s.trusted) == 0 {
		return false
	}
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	for _, p := range s.trusted {
		if p.Contains(ap.Addr().Unmap()) {
			return true
		}
	}
	return false
}

// parseProxies reads trusted proxies as Gin's SetTrustedProxies does:
// addresses or CIDR prefixes.
func parseProxies(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, p := range list {
		if strings.Contains(p, "/") {
			pr, err := netip.ParsePrefix(p)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q: %w", p, err)
			}
			out = append(out, pr.Masked())
			continue
		}
		a, err := netip.ParseAddr(p)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: %w", p, err)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

func requestID(c *gin.Context) string { return c.GetString(requestIDKey) }

// accessLog logs one line per request: method, route template (never the
// raw path or query, which may carry codes), status, size and duration. It
// never logs bodies, headers, tokens or client addresses: the portal does
// not record who its citizens are. The metrics count the request with the
// same route template, method and status.
func (s *Server) accessLog() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		took := time.Since(start)
		route := c.FullPath()
		if s.metrics != nil {
			s.metrics.ObserveRequest(route, c.Request.Method, c.Writer.Status(), took)
		}
		if route == "" {
			route = "(unmatched)"
		}
		s.log.LogAttrs(c.Request.Context(), slog.LevelInfo, "request",
			slog.String("requestId", requestID(c)), slog.String("method", c.Request.Method),
			slog.String("route", route), slog.Int("status", c.Writer.Status()),
			slog.Int("bytes", max(c.Writer.Size(), 0)), slog.Float64("ms", float64(took.Microseconds())/1000))
	}
}

// recovery turns a panic into a logged 500 with the usual error body.
func (s *Server) recovery() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				s.log.Error("panic", slog.String("requestId", requestID(c)), slog.String("route", c.FullPath()),
					slog.String("panic", fmt.Sprint(r)), slog.String("stack", string(debug.Stack())))
				if !c.Writer.Written() {
					s.writeError(c, services.Errorf(services.ReasonInternal, "An unexpected error occurred."))
				} else {
					c.Abort()
				}
			}
		}()
		c.Next()
	}
}

// ContentSecurityPolicy is the policy the web app runs under: no inline
// script or style, nothing from other origins, no framing.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// setSecurityHeaders sets the headers every answer carries (also the
// answers Listener writes for net/http).
func setSecurityHeaders(h http.Header, hsts bool) {
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	if hsts {
		h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
	}
}

func (s *Server) securityHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		setSecurityHeaders(h, s.hsts)
		if strings.HasPrefix(c.Request.URL.Path, "/api/") || strings.HasPrefix(c.Request.URL.Path, open311Prefix+"/") {
			// API answers may carry receipts and case data: never cache them.
			h.Set("Cache-Control", "no-store")
		}
		c.Next()
	}
}

// limitBody caps the request body. A declared length over the cap is
// refused before anything is read; an undeclared one is cut off by
// http.MaxBytesReader when it passes the cap.
func (s *Server) limitBody(max int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > max {
			c.Header("Connection", "close")
			s.writeError(c, services.Errorf(services.ReasonTooLarge, "The request is too large (at most %d bytes).", max))
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, max)
		c.Next()
	}
}

// limitUpload caps a body by its kind: multipart bodies may carry files up
// to the per-report cap, anything else is held to the JSON cap.
func (s *Server) limitUpload() gin.HandlerFunc {
	json, upload := s.limitBody(s.maxJSON), s.limitBody(s.maxUpload)
	return func(c *gin.Context) {
		if isMultipart(c) {
			upload(c)
			return
		}
		json(c)
	}
}
