package services_test

import (
	"encoding/base64"
	"errors"
	"testing"
	"time"

	"minhbach/services"
)

func TestQueueCursorRoundTrip(t *testing.T) {
	at := time.Date(2026, 12, 1, 16, 59, 59, 999_000_000, time.UTC)
	for _, c := range []services.QueueCursor{
		{Sort: services.QueueSort{Key: services.SortDue}, At: at, ID: "0123456789abcdef01234567"},
		{Sort: services.QueueSort{Key: services.SortDue, Desc: true}, At: at, ID: "0123456789abcdef01234567"},
		{Sort: services.QueueSort{Key: services.SortSubmitted, Desc: true}, At: at, ID: "0123456789abcdef01234567"},
		{Sort: services.QueueSort{Key: services.SortStatus}, Rank: 3, At: services.NoDue, ID: "0123456789abcdef01234567"},
	} {
		got, err := services.DecodeQueueCursor(c.Encode())
		if err != nil || got == nil || !got.At.Equal(c.At) || got.ID != c.ID || got.Sort != c.Sort || got.Rank != c.Rank {
			t.Fatalf("round trip of %+v: %v %+v", c, err, got)
		}
	}
	if got, err := services.DecodeQueueCursor(""); got != nil || err != nil {
		t.Fatalf("empty cursor: %v %v", got, err)
	}
	// A cursor of the earlier form ("ms.id") continues the default sort.
	legacy := base64.RawURLEncoding.EncodeToString([]byte("1795000000000.0123456789abcdef01234567"))
	if got, err := services.DecodeQueueCursor(legacy); err != nil || got.Sort != (services.QueueSort{Key: services.SortDue}) || got.At.UnixMilli() != 1795000000000 {
		t.Fatalf("earlier cursor: %v %+v", err, got)
	}
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, bad := range []string{"!!", "MTIz", services.QueueCursor{ID: "short"}.Encode(), services.QueueCursor{ID: "0123456789ABCDEF01234567"}.Encode(),
		enc("name.a.0.1.0123456789abcdef01234567"), enc("-due.a.0.1.0123456789abcdef01234567"), enc("due.x.0.1.0123456789abcdef01234567"),
		enc("due.a.2.1.0123456789abcdef01234567"), enc("status.a.100.1.0123456789abcdef01234567"), enc("status.a.-1.1.0123456789abcdef01234567"),
		enc("status.d.1.1.2.0123456789abcdef01234567"), enc("due.a.0.1")} {
		if _, err := services.DecodeQueueCursor(bad); !services.IsCode(err, services.CodeInvalid) {
			t.Errorf("cursor %q: %v", bad, err)
		}
	}
}

// TestParseQueueSort: the three keys, ascending or with "-" descending;
// "" is nearest due first; anything else is refused naming the parameter.
func TestParseQueueSort(t *testing.T) {
	for in, want := range map[string]services.QueueSort{
		"": {Key: services.SortDue}, "due": {Key: services.SortDue}, "-due": {Key: services.SortDue, Desc: true},
		"submitted": {Key: services.SortSubmitted}, "-submitted": {Key: services.SortSubmitted, Desc: true},
		"status": {Key: services.SortStatus}, "-status": {Key: services.SortStatus, Desc: true},
	} {
		got, err := services.ParseQueueSort(in)
		if err != nil || got != want {
			t.Errorf("%q: %+v %v", in, got, err)
		}
		if in != "" && got.String() != in {
			t.Errorf("%q prints as %q", in, got.String())
		}
	}
	for _, bad := range []string{"title", "--due", "due ", "Due", "+due", "-"} {
		var e *services.Error
		if _, err := services.ParseQueueSort(bad); !errors.As(err, &e) || e.Code != services.CodeInvalid || e.Fields["sort"] != services.FieldInvalid {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// TestStatusRankCoversEveryStatus: every status has its own place in the
// status sort, the ones still being handled before the finished ones.
func TestStatusRankCoversEveryStatus(t *testing.T) {
	seen := map[int]services.Status{}
	for _, s := range []services.Status{services.StatusReceived, services.StatusAccepted, services.StatusInvestigating, services.StatusConcluded,
		services.StatusAppealed, services.StatusTransferred, services.StatusRejected, services.StatusWithdrawn, services.StatusClosed} {
		r := services.StatusRank(s)
		if r <= 0 || seen[r] != "" {
			t.Errorf("%s: rank %d (also %s)", s, r, seen[r])
		}
		seen[r] = s
	}
	if services.StatusRank(services.StatusReceived) > services.StatusRank(services.StatusClosed) {
		t.Error("closed sorts before received")
	}
}

// FuzzDecodeQueueCursor: a client-supplied cursor never panics the parser,
// and whatever it accepts encodes back to a cursor that decodes the same.
func FuzzDecodeQueueCursor(f *testing.F) {
	f.Add(services.QueueCursor{At: time.Unix(1795000000, 0), ID: "0123456789abcdef01234567"}.Encode())
	f.Add(services.QueueCursor{Sort: services.QueueSort{Key: services.SortStatus, Desc: true}, Rank: 4, At: time.Unix(1795000000, 0), ID: "0123456789abcdef01234567"}.Encode())
	f.Add("")
	f.Add("bm90LWEtY3Vyc29y")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := services.DecodeQueueCursor(s)
		if err != nil || c == nil {
			return
		}
		again, err := services.DecodeQueueCursor(c.Encode())
		if err != nil || !again.At.Equal(c.At) || again.ID != c.ID || again.Sort != c.Sort || again.Rank != c.Rank {
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

// FuzzParseQueueSort: a client-supplied sort never panics the parser, and
// whatever it accepts prints back (String) to a sort that parses the same.
func FuzzParseQueueSort(f *testing.F) {
	for _, s := range []string{"", "due", "-due", "submitted", "-status", "--due", "title"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sort, err := services.ParseQueueSort(s)
		if err != nil {
			if !services.IsCode(err, services.CodeInvalid) {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		again, err := services.ParseQueueSort(sort.String())
		if err != nil || again != sort {
			t.Fatalf("%q parses to %+v, which does not round-trip (%v)", s, sort, err)
		}
	})
}
