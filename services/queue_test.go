package services_test

import (
	"errors"
	"testing"
	"time"

	"minhbach/services"
)

func TestQueueCursorRoundTrip(t *testing.T) {
	c := services.QueueCursor{DueAt: time.Date(2026, 12, 1, 16, 59, 59, 999_000_000, time.UTC), ID: "0123456789abcdef01234567"}
	got, err := services.DecodeQueueCursor(c.Encode())
	if err != nil || got == nil || !got.DueAt.Equal(c.DueAt) || got.ID != c.ID {
		t.Fatalf("round trip: %v %+v", err, got)
	}
	if got, err := services.DecodeQueueCursor(""); got != nil || err != nil {
		t.Fatalf("empty cursor: %v %v", got, err)
	}
	for _, bad := range []string{"!!", "MTIz", services.QueueCursor{ID: "short"}.Encode(), services.QueueCursor{ID: "0123456789ABCDEF01234567"}.Encode()} {
		if _, err := services.DecodeQueueCursor(bad); !services.IsCode(err, services.CodeInvalid) {
			t.Errorf("cursor %q: %v", bad, err)
		}
	}
}

// FuzzDecodeQueueCursor: a client-supplied cursor never panics the parser,
// and whatever it accepts encodes back to a cursor that decodes the same.
func FuzzDecodeQueueCursor(f *testing.F) {
	f.Add(services.QueueCursor{DueAt: time.Unix(1795000000, 0), ID: "0123456789abcdef01234567"}.Encode())
	f.Add("")
	f.Add("bm90LWEtY3Vyc29y")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := services.DecodeQueueCursor(s)
		if err != nil || c == nil {
			return
		}
		again, err := services.DecodeQueueCursor(c.Encode())
		if err != nil || !again.DueAt.Equal(c.DueAt) || again.ID != c.ID {
			t.Fatalf("%q decodes to %+v, which does not round-trip (%v)", s, c, err)
		}
	})
}

// TestQueueFilterRefusesBinaryText: NUL and other control characters and
// invalid UTF-8 in any filter are refused, naming the query parameter;
// ordinary Vietnamese text passes.
func TestQueueFilterRefusesBinaryText(t *testing.T) {
	ok := services.QueueFilter{Text: "Cán bộ đòi tiền", Office: "UBND phường Bến Thành", Category: "bribe"}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for param, f := range map[string]services.QueueFilter{
		"q":        {Text: "a\x00b"},
		"office":   {Office: "\xff\xfe"},
		"category": {Category: "x\x1b[31m"},
		"area":     {AreaCode: "\xed\xa0\x80"},
		"assignee": {AssigneeID: "a\nb"},
	} {
		err := f.Validate()
		var e *services.Error
		if !errors.As(err, &e) || e.Code != services.CodeInvalid || e.Fields[param] != services.FieldInvalid {
			t.Errorf("%s: %v", param, err)
		}
	}
}
