package services_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"minhbach/services"
)

func TestFieldErrorsKeepsFirstProblemPerField(t *testing.T) {
	f := services.FieldErrors{}
	f.Add("title", services.FieldRequired)
	f.Add("title", services.FieldTooLong)
	f.Add("place", services.FieldInvalid)
	f.Add("place", services.FieldRequired)
	want := services.FieldErrors{"title": services.FieldRequired, "place": services.FieldInvalid}
	if !reflect.DeepEqual(f, want) {
		t.Fatalf("fields = %v, want %v", f, want)
	}
}

func TestFieldErrorsErr(t *testing.T) {
	if err := (services.FieldErrors{}).Err(); err != nil {
		t.Fatalf("empty FieldErrors.Err() = %v, want nil", err)
	}
	if err := (services.FieldErrors(nil)).Err(); err != nil {
		t.Fatalf("nil FieldErrors.Err() = %v, want nil", err)
	}

	f := services.FieldErrors{}
	f.Add("kind", services.FieldRequired)
	f.Add("identity.email", services.FieldInvalid)
	err := f.Err()
	var e *services.Error
	if !errors.As(err, &e) {
		t.Fatalf("Err() = %T %v, want *services.Error", err, err)
	}
	if e.Code != services.CodeInvalid {
		t.Errorf("code = %q, want %q", e.Code, services.CodeInvalid)
	}
	if e.Message == "" {
		t.Error("message is empty; clients need something to show")
	}
	want := map[string]string{"kind": services.FieldRequired, "identity.email": services.FieldInvalid}
	if !reflect.DeepEqual(e.Fields, want) {
		t.Errorf("fields = %v, want %v", e.Fields, want)
	}
}

func TestErrorCode(t *testing.T) {
	notFound := services.Errorf(services.ReasonReportNotFound, "No report %s.", "MB-7K3M-9QX2")
	tests := []struct {
		name string
		err  error
		want services.Code
	}{
		{"direct", notFound, services.CodeNotFound},
		{"wrapped with %w", fmt.Errorf("find case: %w", notFound), services.CodeNotFound},
		{"wrapped twice", fmt.Errorf("submit: %w", fmt.Errorf("find case: %w", notFound)), services.CodeNotFound},
		{"joined", errors.Join(errors.New("other"), services.Errorf(services.ReasonExists, "dup")), services.CodeConflict},
		{"outermost Error wins", services.Wrap(services.Errorf(services.ReasonExists, "dup"), services.ReasonInternal, "gave up"), services.CodeInternal},
		{"plain error", errors.New("driver exploded"), services.CodeInternal},
		{"wrapped with %v loses the code", fmt.Errorf("find case: %v", notFound), services.CodeInternal},
		{"context error", context.Canceled, services.CodeInternal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := services.ErrorCode(tt.err); got != tt.want {
				t.Fatalf("ErrorCode(%v) = %q, want %q", tt.err, got, tt.want)
			}
		})
	}
}

func TestIsCode(t *testing.T) {
	err := fmt.Errorf("x: %w", services.Errorf(services.ReasonTooManyRequests, "slow down"))
	if !services.IsCode(err, services.CodeRateLimited) {
		t.Error("IsCode(wrapped rate_limited, rate_limited) = false")
	}
	if services.IsCode(err, services.CodeInternal) {
		t.Error("IsCode(wrapped rate_limited, internal) = true")
	}
	// ErrorCode(nil) is internal, so IsCode must guard nil itself.
	if services.IsCode(nil, services.CodeInternal) {
		t.Error("IsCode(nil, internal) = true; a nil error carries no code")
	}
	if !services.IsCode(errors.New("plain"), services.CodeInternal) {
		t.Error("IsCode(plain error, internal) = false")
	}
}

func TestErrorfFormatsMessage(t *testing.T) {
	e := services.Errorf(services.ReasonTooLarge, "File %q exceeds %d MiB.", "a.pdf", 25)
	if e.Message != `File "a.pdf" exceeds 25 MiB.` {
		t.Errorf("message = %q", e.Message)
	}
	if e.Error() != `too_large: File "a.pdf" exceeds 25 MiB.` {
		t.Errorf("Error() = %q", e.Error())
	}
	if e.Unwrap() != nil {
		t.Errorf("Unwrap() of Errorf = %v, want nil", e.Unwrap())
	}
}

func TestWrapKeepsCause(t *testing.T) {
	cause := errors.New("server selection timeout")
	w := services.Wrap(cause, services.ReasonUnavailable, "The service is busy; please try again.")
	if got := errors.Unwrap(w); got != cause {
		t.Fatalf("errors.Unwrap(Wrap(cause)) = %v, want the cause", got)
	}
	if !errors.Is(w, cause) {
		t.Error("errors.Is(Wrap(cause), cause) = false")
	}
	if !errors.Is(fmt.Errorf("outer: %w", w), cause) {
		t.Error("errors.Is through an extra %w layer = false")
	}
	if !strings.Contains(w.Error(), cause.Error()) {
		t.Errorf("Error() = %q; the log line must include the cause", w.Error())
	}
	if strings.Contains(w.Message, cause.Error()) {
		t.Errorf("Message = %q leaks the cause to the user", w.Message)
	}
	if w.Code != services.CodeUnavailable {
		t.Errorf("code = %q", w.Code)
	}
	if !errors.Is(services.Wrap(context.DeadlineExceeded, services.ReasonUnavailable, "busy"), context.DeadlineExceeded) {
		t.Error("a wrapped context error is no longer recognisable")
	}
}
