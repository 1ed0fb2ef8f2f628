package pow

import (
	"crypto/sha256"
	"errors"
	"strings"
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestSolvedChallengeIsAcceptedOnce(t *testing.T) {
	c := &clock{time.Unix(1_700_000_000, 0)}
	i := New(8, time.Minute, c.now)
	ch := i.Issue()
	if ch.Bits != 8 || !ch.ExpiresAt.After(c.t) {
		t.Fatalf("challenge %+v", ch)
	}
	sol := ch.Token + ":" + Solve(ch.Token, 8)
	if err := i.Verify(sol); err != nil {
		t.Fatalf("solution refused: %v", err)
	}
	if err := i.Verify(sol); !errors.Is(err, ErrReused) {
		t.Fatalf("replayed solution: %v", err)
	}
}

func TestUnsolvedOrForgedChallengeIsRefused(t *testing.T) {
	c := &clock{time.Unix(1_700_000_000, 0)}
	i := New(12, time.Minute, c.now)
	ch := i.Issue()
	// A nonce that does not do the work.
	bad := ""
	for n := range 1000 {
		nonce := string(rune('a'+n%26)) + strings.Repeat("x", n/26)
		if Verify12(ch.Token, nonce) {
			continue
		}
		bad = nonce
		break
	}
	if err := i.Verify(ch.Token + ":" + bad); !errors.Is(err, ErrTooEasy) {
		t.Fatalf("unsolved: %v", err)
	}
	// A challenge with a lowered difficulty: the signature no longer matches.
	forged := strings.Replace(ch.Token, "v1.12.", "v1.0.", 1)
	if err := i.Verify(forged + ":1"); !errors.Is(err, ErrMalformed) {
		t.Fatalf("forged difficulty: %v", err)
	}
	// Another process's challenge (another key).
	other := New(12, time.Minute, c.now).Issue()
	if err := i.Verify(other.Token + ":" + Solve(other.Token, 12)); !errors.Is(err, ErrMalformed) {
		t.Fatalf("foreign challenge: %v", err)
	}
	for _, s := range []string{"", "x", ch.Token, ch.Token + ":", ch.Token + ":" + strings.Repeat("1", 40), ch.Token + ":a b", "v1.1.2.3:4"} {
		if err := i.Verify(s); err == nil {
			t.Fatalf("%q accepted", s)
		}
	}
	// Expired.
	sol := ch.Token + ":" + Solve(ch.Token, 12)
	c.t = c.t.Add(time.Minute)
	if err := i.Verify(sol); !errors.Is(err, ErrExpired) {
		t.Fatalf("expired: %v", err)
	}
}

func TestChallengeIssuedUnderEasierSettingNeedsTodaysWork(t *testing.T) {
	c := &clock{time.Unix(1_700_000_000, 0)}
	i := New(0, time.Minute, c.now)
	ch := i.Issue()
	i.bits = 20
	if err := i.Verify(ch.Token + ":" + weakNonce(ch.Token, 20)); !errors.Is(err, ErrTooEasy) {
		t.Fatalf("old easy challenge: %v", err)
	}
}

func Verify12(token, nonce string) bool {
	return zeroBits(token, nonce) >= 12
}

func weakNonce(token string, below int) string {
	for n := 0; ; n++ {
		nonce := string(rune('a' + n%26))
		if n >= 26 {
			nonce += strings.Repeat("z", n/26)
		}
		if zeroBits(token, nonce) < below {
			return nonce
		}
	}
}

func TestLeadingZeroBits(t *testing.T) {
	for _, c := range []struct {
		b    []byte
		want int
	}{{[]byte{0x80}, 0}, {[]byte{0x01}, 7}, {[]byte{0, 0x10}, 11}, {[]byte{0, 0}, 16}} {
		if got := LeadingZeroBits(c.b); got != c.want {
			t.Errorf("%x: %d, want %d", c.b, got, c.want)
		}
	}
}

// FuzzVerify: whatever a client sends as a solution, Verify answers with
// one of its errors (never a panic) and accepts nothing it did not issue.
func FuzzVerify(f *testing.F) {
	i := New(4, time.Minute, nil)
	ch := i.Issue()
	f.Add(ch.Token + ":" + Solve(ch.Token, 4))
	f.Add("v1.4.1700000000.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA:1")
	f.Add(":")
	f.Add("v1....:")
	f.Fuzz(func(t *testing.T, s string) {
		err := i.Verify(s)
		if err == nil && !strings.HasPrefix(s, ch.Token+":") {
			t.Fatalf("accepted a solution to a challenge never issued: %q", s)
		}
	})
}

func zeroBits(token, nonce string) int {
	sum := sha256.Sum256([]byte(token + ":" + nonce))
	return LeadingZeroBits(sum[:])
}

func TestHarderChallenges(t *testing.T) {
	i := New(2, time.Minute, nil)
	ch := i.IssueHarder(3)
	if ch.Bits != 5 {
		t.Fatalf("IssueHarder(3) at 2 bits: %d bits", ch.Bits)
	}
	if err := i.VerifyHarder(ch.Token+":"+Solve(ch.Token, ch.Bits), 3); err != nil {
		t.Fatalf("a solved harder challenge: %v", err)
	}
	easy := i.Issue()
	if err := i.VerifyHarder(easy.Token+":"+Solve(easy.Token, 12), 3); !errors.Is(err, ErrTooEasyNow) {
		t.Fatalf("an easy challenge for a client that must pay more, even over-solved: %v", err)
	}
	if top := i.IssueHarder(100); top.Bits != MaxBits {
		t.Fatalf("IssueHarder beyond MaxBits: %d", top.Bits)
	}
}
