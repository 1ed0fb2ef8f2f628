package translog

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"
)

const (
	testCode    = "MB-7K3M-9QX2"
	testContent = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
)

func TestReportCommitment(t *testing.T) {
	got, err := ReportCommitment(testCode, testContent)
	if err != nil {
		t.Fatal(err)
	}
	// Recomputed here from the definition: SHA-256 of the tag, the code,
	// a zero byte and the content hash's 32 bytes.
	content := hexHash(t, testContent)
	want := sha256.Sum256(append([]byte("minhbach-log/1 report\x00"+testCode+"\x00"), content[:]...))
	if got != want {
		t.Fatalf("commitment %x, want %x", got, want)
	}
	upper, err := ReportCommitment(testCode, strings.ToUpper(testContent))
	if err != nil || upper != got {
		t.Fatalf("the content hash in upper case gives %x, %v", upper, err)
	}
	// Each half of the proof matters.
	otherCode, _ := ReportCommitment("MB-7K3M-9QX3", testContent)
	otherContent, _ := ReportCommitment(testCode, "0"+testContent[1:])
	if otherCode == got || otherContent == got {
		t.Fatal("the commitment ignores the tracking code or the content hash")
	}
	// Not a hash the portal computes elsewhere: not the content hash, not
	// the leaf hash of the same bytes, not an admin commitment.
	if got == content || got == sha256.Sum256([]byte(testCode+testContent)) || got == AdminCommitment([]byte(testCode+"\x00"+string(content[:]))) {
		t.Fatal("the commitment is not domain-separated")
	}
	for _, bad := range [][2]string{
		{"", testContent}, {"mb-7k3m-9qx2", testContent}, {"MB 7K3M", testContent}, {"MB--7K3M", testContent},
		{"MB-7K3M-9QX2\x00", testContent}, {strings.Repeat("A", 33), testContent},
		{testCode, ""}, {testCode, testContent[:62]}, {testCode, testContent + "00"}, {testCode, "zz" + testContent[2:]},
	} {
		if _, err := ReportCommitment(bad[0], bad[1]); err == nil {
			t.Errorf("commitment of %q, %q", bad[0], bad[1])
		}
	}
}

func TestEntryEncoding(t *testing.T) {
	c, _ := ReportCommitment(testCode, testContent)
	e := Entry{Event: EventFiled, Date: "2026-12-05", Commitment: c}
	b, err := e.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if want := "minhbach-log/1 filed 2026-12-05 " + hex.EncodeToString(c[:]); string(b) != want {
		t.Fatalf("entry %q, want %q", b, want)
	}
	for _, ev := range Events() {
		e := Entry{Event: ev, Date: "2027-01-31", Commitment: c}
		b, err := e.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > maxEntryLen {
			t.Fatalf("%s: %d bytes, more than %d", ev, len(b), maxEntryLen)
		}
		back, err := ParseEntry(b)
		if err != nil || back != e {
			t.Fatalf("%q: %+v, %v", b, back, err)
		}
		if ev.Admin() != (ev == EventStaffing || ev == EventConfiguration) {
			t.Fatalf("%s: Admin() is %v", ev, ev.Admin())
		}
	}
	// The entry says nothing but its three fields: every byte of it is the
	// tag, the event, the date or the commitment.
	if n := len(b); n != len("minhbach-log/1 filed 2026-12-05 ")+64 {
		t.Fatalf("%d bytes", n)
	}
	for _, bad := range []Entry{{Event: "submitted", Date: "2026-12-05"}, {Event: "", Date: "2026-12-05"},
		{Event: EventFiled, Date: "2026-12-5"}, {Event: EventFiled, Date: "2026-02-30"}, {Event: EventFiled, Date: ""},
		{Event: EventFiled, Date: "1999-12-31"}, {Event: "filed x", Date: "2026-12-05"}} {
		if _, err := bad.Marshal(); !errors.Is(err, ErrEntry) {
			t.Errorf("%+v marshalled: %v", bad, err)
		}
	}
}

func TestParseEntryRefuses(t *testing.T) {
	c, _ := ReportCommitment(testCode, testContent)
	good, _ := Entry{Event: EventAccepted, Date: "2026-12-05", Commitment: c}.Marshal()
	h := hex.EncodeToString(c[:])
	for _, bad := range []string{
		"",
		string(good) + "\n",
		string(good) + " ",
		" " + string(good),
		strings.Replace(string(good), " ", "  ", 1),
		strings.Replace(string(good), " ", "\t", 1),
		"minhbach-log/2 accepted 2026-12-05 " + h,
		"minhbach-log/1 Accepted 2026-12-05 " + h,
		"minhbach-log/1 submitted 2026-12-05 " + h,
		"minhbach-log/1 accepted 2026-12-05T10:00:00Z " + h,
		"minhbach-log/1 accepted 2026-13-01 " + h,
		"minhbach-log/1 accepted 2026-02-29 " + h,
		"minhbach-log/1 accepted 26-12-05 " + h,
		"minhbach-log/1 accepted 2026-12-05 " + strings.ToUpper(h),
		"minhbach-log/1 accepted 2026-12-05 " + h[:63],
		"minhbach-log/1 accepted 2026-12-05 " + h + "0",
		"minhbach-log/1 accepted 2026-12-05 " + h + " unit=HN-01",
		"minhbach-log/1 accepted 2026-12-05",
		"minhbach-log/1 accepted " + h,
		"minhbach-log/1 accepted 2026-12-05 " + h[:62] + "g0",
	} {
		if e, err := ParseEntry([]byte(bad)); !errors.Is(err, ErrEntry) {
			t.Errorf("%q: accepted as %+v (%v)", bad, e, err)
		}
	}
	if _, err := ParseEntry(good); err != nil {
		t.Fatalf("the good entry: %v", err)
	}
}

func TestDay(t *testing.T) {
	hcm := time.FixedZone("UTC+7", 7*3600)
	at := time.Date(2026, 12, 5, 18, 30, 0, 0, time.UTC) // 01:30 on the 6th in Viet Nam
	if got := Day(at, hcm); got != "2026-12-06" {
		t.Fatalf("day %q", got)
	}
	if got := Day(at, time.UTC); got != "2026-12-05" {
		t.Fatalf("day %q", got)
	}
}

// An entry fits a bundle and hashes like any other leaf.
func TestEntriesInABundle(t *testing.T) {
	var raw [][]byte
	for i, ev := range Events() {
		c, _ := ReportCommitment(testCode, testContent)
		c[0] = byte(i)
		b, _ := Entry{Event: ev, Date: "2026-12-05", Commitment: c}.Marshal()
		raw = append(raw, b)
	}
	bundle, err := MarshalBundle(raw)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseBundle(bundle, len(raw))
	if err != nil {
		t.Fatal(err)
	}
	for i := range raw {
		if !bytes.Equal(back[i], raw[i]) || LeafHash(back[i]) != refLeaf(raw[i]) {
			t.Fatalf("entry %d", i)
		}
		if _, err := ParseEntry(back[i]); err != nil {
			t.Fatal(err)
		}
	}
}
