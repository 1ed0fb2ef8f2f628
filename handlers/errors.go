package handlers

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"minhbach/services"
)

// errorBody is the one shape of every error answer.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code services.Code `json:"code"`
	// Reason names the situation (services/reasons.go); the web app shows
	// its own text for it. Message stays in English, for logs and API users.
	Reason  services.Reason   `json:"reason,omitempty"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
	Allowed []string          `json:"allowed,omitempty"`
	// Details: per field, the parts of the request's own input that were
	// refused (services.Error.Details).
	Details map[string][]string `json:"details,omitempty"`
}

var statusOf = map[services.Code]int{
	services.CodeInvalid:      http.StatusBadRequest,
	services.CodeUnauthorized: http.StatusUnauthorized,
	services.CodeForbidden:    http.StatusForbidden,
	services.CodeNotFound:     http.StatusNotFound,
	services.CodeConflict:     http.StatusConflict,
	services.CodeTooLarge:     http.StatusRequestEntityTooLarge,
	services.CodeUnsupported:  http.StatusUnsupportedMediaType,
	services.CodeRateLimited:  http.StatusTooManyRequests,
	services.CodeUnavailable:  http.StatusServiceUnavailable,
	services.CodeInternal:     http.StatusInternalServerError,
	services.CodeMismatch:     http.StatusUnprocessableEntity,
}

// statusClientGone records a request whose client went away before it
// was answered (the status nginx uses for it); nothing is sent.
const statusClientGone = 499

// clientGone reports whether the client of c has disconnected (or given
// up): the server cancels a request's context when its connection closes.
func clientGone(c *gin.Context) bool {
	return c.Request.Context().Err() != nil
}

// refuse does what every error answer does first (writeError, and the
// Open311 error list, open311Error): when the client has gone it answers
// nothing and returns false; otherwise it maps err to the services' error
// and its status, counts the refusal, logs a server failure once with the
// request id, and sets Retry-After.
func (s *Server) refuse(c *gin.Context, err error) (*services.Error, int, bool) {
	if clientGone(c) {
		s.log.LogAttrs(context.WithoutCancel(c.Request.Context()), slog.LevelDebug, "client went away",
			slog.String("requestId", requestID(c)), slog.String("route", c.FullPath()))
		c.AbortWithStatus(statusClientGone)
		return nil, 0, false
	}
	var e *services.Error
	if !errors.As(err, &e) {
		e = services.Wrap(err, services.ReasonInternal, "An unexpected error occurred.")
	}
	status, ok := statusOf[e.Code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if s.metrics != nil {
		s.metrics.ObserveRefusal(c.FullPath(), e.Reason)
	}
	if status >= 500 {
		level, msg := slog.LevelError, "request failed"
		if e.Code == services.CodeUnavailable && e.RetryAfter > 0 {
			// Load shed by design (admission control, the hash queue, the
			// upload budget): the client is told when to try again.
			level, msg = slog.LevelWarn, "request refused: busy"
		}
		s.log.LogAttrs(c.Request.Context(), level, msg,
			slog.String("requestId", requestID(c)), slog.String("route", c.FullPath()),
			slog.String("code", string(e.Code)), slog.String("error", err.Error()))
	}
	if e.RetryAfter > 0 {
		c.Header("Retry-After", strconv.Itoa(int(e.RetryAfter.Seconds())))
	}
	return e, status, true
}

// writeError is the one place where errors become HTTP answers. Only the
// user-safe message of a services.Error reaches the client; internal and
// unavailable errors are logged here, once, with the request id. When the
// client has gone, whatever failed failed because it went: nothing is
// answered, and it is not logged as a server error.
func (s *Server) writeError(c *gin.Context, err error) {
	e, status, ok := s.refuse(c, err)
	if !ok {
		return
	}
	if status == http.StatusUnauthorized {
		c.Header("WWW-Authenticate", `Bearer realm="minhbach"`)
	}
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(status)
	}
	c.AbortWithStatusJSON(status, errorBody{Error: errorDetail{Code: e.Code, Reason: e.Reason, Message: msg, Fields: e.Fields, Allowed: e.Allowed, Details: e.Details}})
}
