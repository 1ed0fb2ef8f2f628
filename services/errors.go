// Package services holds Minh Bạch's domain: types, rules, workflow and the
// small interfaces it needs from storage. It imports no HTTP framework and no
// database or object-store driver.
package services

import (
	"errors"
	"fmt"
	"time"
)

// Code is a machine-readable error class. Handlers map each code to one HTTP
// status; stores translate driver errors into these codes.
type Code string

// The error vocabulary of the whole portal.
const (
	CodeInvalid      Code = "invalid"
	CodeUnauthorized Code = "unauthorized"
	CodeForbidden    Code = "forbidden"
	CodeNotFound     Code = "not_found"
	CodeConflict     Code = "conflict"
	CodeTooLarge     Code = "too_large"
	CodeUnsupported  Code = "unsupported"
	CodeRateLimited  Code = "rate_limited"
	CodeUnavailable  Code = "unavailable"
	CodeInternal     Code = "internal"
)

// Field error codes, shown to clients in Error.Fields and translated by the
// frontend.
const (
	FieldRequired   = "required"
	FieldTooLong    = "too_long"
	FieldInvalid    = "invalid"
	FieldUnknown    = "unknown"
	FieldNotAllowed = "not_allowed"
	FieldFuture     = "future"
)

// Error is the one error type that crosses layer boundaries. Message is safe
// to show to a user; the wrapped cause is for logs only.
type Error struct {
	Code Code
	// Reason names the situation (services/reasons.go); clients translate
	// it. Every Error made in this code base carries one.
	Reason  Reason
	Message string
	Fields  map[string]string
	// RetryAfter tells a rate-limited client when to try again.
	RetryAfter time.Duration
	// Allowed lists, for a refused status transition, the moves that are
	// allowed from the current state for this actor.
	Allowed []string
	// Details names, per field, the parts of the caller's own input that
	// caused the refusal (the words of a public summary that look like
	// personal data). Never values the caller did not send.
	Details map[string][]string
	cause   error
}

// Error implements the error interface. It includes the cause for logs.
func (e *Error) Error() string {
	if e.cause != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.cause)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.cause }

// Errorf builds an Error for reason (which decides its Code) with a
// formatted message in English, for logs and API users; the web app shows
// its own text for the reason.
func Errorf(reason Reason, format string, args ...any) *Error {
	return &Error{Code: reason.Code(), Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// Wrap builds an Error for reason that keeps cause for logging.
func Wrap(cause error, reason Reason, message string) *Error {
	return &Error{Code: reason.Code(), Reason: reason, Message: message, cause: cause}
}

// ErrorCode returns the Code of err, or CodeInternal when err is not an *Error.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// IsCode reports whether err carries code.
func IsCode(err error, code Code) bool { return err != nil && ErrorCode(err) == code }

// FieldErrors collects per-field validation failures.
type FieldErrors map[string]string

// Add records the first problem seen for field.
func (f FieldErrors) Add(field, problem string) {
	if _, ok := f[field]; !ok {
		f[field] = problem
	}
}

// Err returns an invalid Error listing the fields, or nil when there are none.
func (f FieldErrors) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: CodeInvalid, Reason: ReasonFieldsInvalid, Message: "Some fields are missing or invalid.", Fields: map[string]string(f)}
}
