package totp

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
)

// rfcSecret is the shared secret of the SHA-1 test vectors of RFC 4226
// (Appendix D) and RFC 6238 (Appendix B): the 20 ASCII bytes
// "12345678901234567890".
var rfcSecret = []byte("12345678901234567890")

// TestHOTPVectors checks RFC 4226 Appendix D: for counters 0 to 9, the
// intermediate HMAC-SHA-1, the dynamically truncated 31-bit value and the
// 6-digit HOTP value.
func TestHOTPVectors(t *testing.T) {
	vectors := []struct {
		hmac      string
		truncated uint32
		hotp      string
	}{
		{"cc93cf18508d94934c64b65d8ba7667fb7cde4b0", 1284755224, "755224"},
		{"75a48a19d4cbe100644e8ac1397eea747a2d33ab", 1094287082, "287082"},
		{"0bacb7fa082fef30782211938bc1c5e70416ff44", 137359152, "359152"},
		{"66c28227d03a2d5529262ff016a1e6ef76557ece", 1726969429, "969429"},
		{"a904c900a64b35909874b33e61c5938a8e15ed1c", 1640338314, "338314"},
		{"a37e783d7b7233c083d4f62926c7a25f238d0316", 868254676, "254676"},
		{"bc9cd28561042c83f219324d3c607256c03272ae", 1918287922, "287922"},
		{"a4fb960c0bc06e1eabb804e5b397cdc4b45596fa", 82162583, "162583"},
		{"1b3c89f65e6c9e883012052823443f048b4332db", 673399871, "399871"},
		{"1637409809a679dc698207310c8c7fc07290d9e5", 645520489, "520489"},
	}
	for counter, v := range vectors {
		var msg [8]byte
		binary.BigEndian.PutUint64(msg[:], uint64(counter))
		m := hmac.New(sha1.New, rfcSecret)
		m.Write(msg[:])
		if got := hex.EncodeToString(m.Sum(nil)); got != v.hmac {
			t.Fatalf("counter %d: HMAC-SHA-1 = %s, want %s", counter, got, v.hmac)
		}
		if got := hotp(rfcSecret, uint64(counter), 6); got != v.hotp {
			t.Errorf("counter %d: HOTP = %s, want %s", counter, got, v.hotp)
		}
		// Nine digits show all but the top decimal digit of the truncated
		// value, so a wrong offset or mask cannot hide behind the modulus.
		if got, want := hotp(rfcSecret, uint64(counter), 9), fmt.Sprintf("%09d", v.truncated%1_000_000_000); got != want {
			t.Errorf("counter %d: 9-digit HOTP = %s, want %s (truncated value %d)", counter, got, want, v.truncated)
		}
	}
}

// rfc6238 is RFC 6238 Appendix B for HMAC-SHA-1 (the algorithm this
// package implements; the SHA-256 and SHA-512 rows do not apply): Unix
// time and the 8-digit TOTP with a 30-second step from time 0.
var rfc6238 = []struct {
	unix int64
	totp string
}{
	{59, "94287082"},
	{1111111109, "07081804"},
	{1111111111, "14050471"},
	{1234567890, "89005924"},
	{2000000000, "69279037"},
	{20000000000, "65353130"},
}

func TestTOTPVectors(t *testing.T) {
	for _, v := range rfc6238 {
		at := time.Unix(v.unix, 0).UTC()
		if got := hotp(rfcSecret, uint64(Step(at)), 8); got != v.totp {
			t.Errorf("%s (T=%d): 8-digit TOTP = %s, want %s", at.Format(time.RFC3339), Step(at), got, v.totp)
		}
		// The portal's 6-digit codes are the last six digits of the same value.
		want := v.totp[2:]
		if got := Code(rfcSecret, at); got != want {
			t.Errorf("%s: Code = %s, want %s", at.Format(time.RFC3339), got, want)
		}
		if step, ok := Check(rfcSecret, want, at); !ok || step != Step(at) {
			t.Errorf("%s: Check(%s) = %d, %v; want step %d", at.Format(time.RFC3339), want, step, ok, Step(at))
		}
	}
}

func TestStepBoundaries(t *testing.T) {
	for _, tt := range []struct {
		unix int64
		step int64
	}{{0, 0}, {29, 0}, {30, 1}, {59, 1}, {60, 2}, {1111111109, 37037036}, {1111111111, 37037037}} {
		if got := Step(time.Unix(tt.unix, 0)); got != tt.step {
			t.Errorf("Step(%d) = %d, want %d", tt.unix, got, tt.step)
		}
	}
	// Both ends of one step give one code; the next second starts another.
	a, b, c := Code(rfcSecret, time.Unix(1111111110, 0)), Code(rfcSecret, time.Unix(1111111139, 0)), Code(rfcSecret, time.Unix(1111111140, 0))
	if a != b || a == c {
		t.Errorf("codes at 1111111110, …139, …140 = %s, %s, %s; want the first two equal and the third different", a, b, c)
	}
}

// TestCheckWindow is the rule the portal signs in with: the current step and
// one either side are accepted and reported, so the caller can refuse any
// step not later than the last one it accepted; two steps away is refused.
func TestCheckWindow(t *testing.T) {
	now := time.Unix(1234567890, 0)
	step := Step(now)
	for d := int64(-3); d <= 3; d++ {
		code := hotp(rfcSecret, uint64(step+d), Digits)
		got, ok := Check(rfcSecret, code, now)
		wantOK := d >= -Skew && d <= Skew
		if ok != wantOK || (ok && got != step+d) {
			t.Errorf("code of step %+d: Check = %d, %v; want %d, %v", d, got, ok, step+d, wantOK)
		}
	}
	// Near time 0 there is no step -1 to try.
	if _, ok := Check(rfcSecret, hotp(rfcSecret, 0, Digits), time.Unix(10, 0)); !ok {
		t.Error("the code of step 0 is refused at time 10")
	}
	if _, ok := Check(rfcSecret, hotp(rfcSecret, 1, Digits), time.Unix(10, 0)); !ok {
		t.Error("the code of step 1 is refused at time 10 (one step of drift)")
	}
}

func TestCheckInput(t *testing.T) {
	now := time.Unix(59, 0) // step 1: code 287082
	for _, in := range []string{"287082", " 287082 ", "287 082", "2 8 7 0 8 2"} {
		if _, ok := Check(rfcSecret, in, now); !ok {
			t.Errorf("Check(%q) refused", in)
		}
	}
	for _, in := range []string{"", "28708", "2870820", "94287082", "287083", "２８７０８２", "287-082", "28708\x00"} {
		if _, ok := Check(rfcSecret, in, now); ok {
			t.Errorf("Check(%q) accepted", in)
		}
	}
	if _, ok := Check([]byte("another secret of 20b"), "287082", now); ok {
		t.Error("a code was accepted under another secret")
	}
}

func TestNewSecretAndURL(t *testing.T) {
	raw, text, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) != 20 || len(text) != 32 || strings.Contains(text, "=") {
		t.Fatalf("NewSecret = %d bytes, %q", len(raw), text)
	}
	decoded, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(text)
	if err != nil || string(decoded) != string(raw) {
		t.Fatalf("the text form %q does not decode to the secret: %v", text, err)
	}
	other, _, _ := NewSecret()
	if string(other) == string(raw) {
		t.Fatal("two secrets are equal")
	}

	u, err := url.Parse(URL(raw, "Minh Bach", "lead@unit.test"))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Scheme != "otpauth" || u.Host != "totp" || u.Path != "/Minh Bach:lead@unit.test" {
		t.Errorf("URL = %s", u)
	}
	if q.Get("secret") != text || q.Get("issuer") != "Minh Bach" || q.Get("digits") != "6" || q.Get("period") != "30" {
		t.Errorf("URL query = %v", q)
	}
}
