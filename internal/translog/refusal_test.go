package translog

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
)

func testRefusal() Refusal {
	return Refusal{
		Origin: testOrigin,
		Reason: ReasonInconsistent,
		Seen:   &TreeHead{Size: 10, Root: LeafHash([]byte("a"))},
		Got:    &TreeHead{Size: 12, Root: LeafHash([]byte("b"))},
		Time:   1764979200,
		Detail: "the consistency proof from size 10 to size 12 fails",
	}
}

func TestRefusalText(t *testing.T) {
	r := testRefusal()
	text, err := r.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	a, b := LeafHash([]byte("a")), LeafHash([]byte("b"))
	want := "minhbach-witness-refusal/1\norigin " + testOrigin + "\nreason inconsistent\n" +
		"seen 10 " + base64.StdEncoding.EncodeToString(a[:]) + "\n" +
		"got 12 " + base64.StdEncoding.EncodeToString(b[:]) + "\n" +
		"time 1764979200\ndetail the consistency proof from size 10 to size 12 fails\n"
	if string(text) != want {
		t.Fatalf("text\n%s\nwant\n%s", text, want)
	}
	back, err := ParseRefusal(text)
	if err != nil || back.Origin != r.Origin || back.Reason != r.Reason || *back.Seen != *r.Seen || *back.Got != *r.Got || back.Time != r.Time || back.Detail != r.Detail {
		t.Fatalf("round trip %+v, %v", back, err)
	}
	r.Seen, r.Got, r.Reason = nil, nil, ReasonUnavailable
	text, _ = r.Marshal()
	if !strings.Contains(string(text), "\nseen none\ngot none\n") {
		t.Fatalf("none: %s", text)
	}
	if back, err := ParseRefusal(text); err != nil || back.Seen != nil || back.Got != nil {
		t.Fatalf("none round trip %+v, %v", back, err)
	}
	for _, bad := range []func(*Refusal){
		func(r *Refusal) { r.Origin = "a b" },
		func(r *Refusal) { r.Reason = "bored" },
		func(r *Refusal) { r.Detail = "" },
		func(r *Refusal) { r.Detail = "two\nlines" },
		func(r *Refusal) { r.Detail = strings.Repeat("x", MaxRefusalDetail+1) },
		func(r *Refusal) { r.Time = -1 },
		func(r *Refusal) { r.Seen = &TreeHead{Size: -1} },
	} {
		r := testRefusal()
		bad(&r)
		if _, err := r.Marshal(); !errors.Is(err, ErrRefusal) {
			t.Errorf("%+v marshalled: %v", r, err)
		}
	}
	good, _ := testRefusal().Marshal()
	for _, bad := range []string{
		strings.Replace(string(good), "time 1764979200", "time 01764979200", 1),
		strings.Replace(string(good), "seen 10 ", "seen 010 ", 1),
		strings.Replace(string(good), "seen 10 ", "seen  10 ", 1),
		strings.Replace(string(good), "=\ngot", "\ngot", 1),
		strings.Replace(string(good), "reason ", "reason  ", 1),
		strings.Replace(string(good), "origin", "Origin", 1),
		strings.TrimSuffix(string(good), "\n"),
		string(good) + "extra\n",
		strings.Replace(string(good), "minhbach-witness-refusal/1", "minhbach-witness-refusal/2", 1),
		strings.Replace(string(good), "seen 10 ", "seen none ", 1),
		"",
	} {
		if _, err := ParseRefusal([]byte(bad)); !errors.Is(err, ErrRefusal) {
			t.Errorf("%q parsed: %v", bad, err)
		}
	}
}

func TestRefusalDetail(t *testing.T) {
	for in, want := range map[string]string{
		"":              "-",
		"a\nb\tc":       "a b c",
		"bad \xff byte": "bad ? byte",
		"tiếng Việt ok": "tiếng Việt ok",
		"\x7f":          " ",
	} {
		if got := RefusalDetail(in); got != want || !validDetail(got) {
			t.Errorf("RefusalDetail(%q) = %q, want %q", in, got, want)
		}
	}
	long := RefusalDetail(strings.Repeat("ệ", MaxRefusalDetail))
	if len(long) > MaxRefusalDetail || !validDetail(long) {
		t.Errorf("a long detail gave %d bytes", len(long))
	}
}

func TestRefusalSigned(t *testing.T) {
	skey, _, err := GenerateWitnessKey("witness.example/w")
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewCosigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := SignRefusal(testRefusal(), c.RefusalSigner())
	if err != nil {
		t.Fatal(err)
	}
	rv, _ := note.NewVerifier(c.RefusalVerifierKey())
	r, err := OpenRefusal(msg, rv)
	if err != nil || r.Reason != ReasonInconsistent {
		t.Fatalf("open %+v, %v", r, err)
	}
	if _, err := OpenRefusal([]byte(strings.Replace(string(msg), "reason inconsistent", "reason rollback", 1)), rv); !errors.Is(err, ErrRefusal) {
		t.Errorf("an altered refusal opened: %v", err)
	}
	_, other := newKey(t, "witness.example/w")
	if _, err := OpenRefusal(msg, other); !errors.Is(err, ErrRefusal) {
		t.Errorf("another key opened it: %v", err)
	}
}
