// Package pow issues and checks small proof-of-work challenges: the server
// hands out a signed, short-lived challenge; the client finds a nonce such
// that SHA-256(challenge ":" nonce) starts with Bits zero bits; the server
// checks the signature, the expiry and the work, and accepts each challenge
// once. Nothing is stored but the challenges already spent, until they
// expire. docs/privacy.md ("Admission control") says why.
package pow

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"math/bits"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Errors of Verify. Each is safe to tell the client.
var (
	ErrMissing   = errors.New("pow: no solution")
	ErrMalformed = errors.New("pow: malformed solution")
	ErrExpired   = errors.New("pow: challenge expired")
	ErrTooEasy   = errors.New("pow: not enough work")
	// ErrTooEasyNow: the challenge was issued easier than this client
	// must now solve.
	ErrTooEasyNow = errors.New("pow: the client must solve a harder challenge")
	ErrReused     = errors.New("pow: challenge already used")
	// ErrFull means too many spent challenges are remembered to accept
	// another now; the client should retry shortly.
	ErrFull = errors.New("pow: too many challenges in flight")
)

// MaxBits bounds the difficulty (a higher one would take a browser hours).
const MaxBits = 32

// maxNonce bounds the nonce a client may send.
const maxNonce = 32

// maxSpent bounds the memory of spent challenges.
const maxSpent = 200_000

// Challenge is one challenge as handed to a client.
type Challenge struct {
	Token     string
	Bits      int
	ExpiresAt time.Time
}

// Issuer issues and verifies challenges with a per-process key.
type Issuer struct {
	bits  int
	ttl   time.Duration
	now   func() time.Time
	key   []byte
	mu    sync.Mutex
	spent map[string]time.Time // token id → expiry
}

// New returns an issuer of challenges of the given difficulty, valid for
// ttl; now may be nil (time.Now).
func New(difficulty int, ttl time.Duration, now func() time.Time) *Issuer {
	if now == nil {
		now = time.Now
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key) // crypto/rand.Read never fails (Go ≥ 1.24)
	return &Issuer{bits: min(max(difficulty, 0), MaxBits), ttl: ttl, now: now, key: key, spent: map[string]time.Time{}}
}

// Bits is the difficulty of the challenges issued.
func (i *Issuer) Bits() int { return i.bits }

// Issue returns a fresh challenge: "v1.<bits>.<unix expiry>.<random>.<mac>".
func (i *Issuer) Issue() Challenge { return i.IssueHarder(0) }

// IssueHarder returns a fresh challenge extra bits harder than the
// issuer's difficulty (at most MaxBits), for a client that has to pay more.
func (i *Issuer) IssueHarder(extra int) Challenge {
	bits := min(i.bits+max(extra, 0), MaxBits)
	exp := i.now().Add(i.ttl).Truncate(time.Second)
	r := make([]byte, 12)
	_, _ = rand.Read(r)
	body := "v1." + strconv.Itoa(bits) + "." + strconv.FormatInt(exp.Unix(), 10) + "." + base64.RawURLEncoding.EncodeToString(r)
	return Challenge{Token: body + "." + i.mac(body), Bits: bits, ExpiresAt: exp}
}

func (i *Issuer) mac(body string) string {
	m := hmac.New(sha256.New, i.key)
	m.Write([]byte(body))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// Verify checks a solution "<token>:<nonce>" and spends its challenge.
func (i *Issuer) Verify(solution string) error { return i.VerifyHarder(solution, 0) }

// VerifyHarder is Verify for a client that must now pay extra bits: a
// challenge issued easier than that is ErrTooEasyNow (the client fetches
// another), whatever work its solution holds.
func (i *Issuer) VerifyHarder(solution string, extra int) error {
	if solution == "" {
		return ErrMissing
	}
	if len(solution) > 200 {
		return ErrMalformed
	}
	token, nonce, ok := strings.Cut(solution, ":")
	if !ok || nonce == "" || len(nonce) > maxNonce || !printable(nonce) {
		return ErrMalformed
	}
	parts := strings.Split(token, ".")
	if len(parts) != 5 || parts[0] != "v1" {
		return ErrMalformed
	}
	body := strings.Join(parts[:4], ".")
	if !hmac.Equal([]byte(parts[4]), []byte(i.mac(body))) {
		return ErrMalformed
	}
	// The token is ours from here on: its fields are as Issue wrote them.
	want, err1 := strconv.Atoi(parts[1])
	unix, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil {
		return ErrMalformed
	}
	exp := time.Unix(unix, 0)
	now := i.now()
	if !now.Before(exp) {
		return ErrExpired
	}
	if want < i.bits { // issued under an easier setting
		want = i.bits
	}
	if want < min(i.bits+max(extra, 0), MaxBits) {
		return ErrTooEasyNow
	}
	sum := sha256.Sum256([]byte(token + ":" + nonce))
	if LeadingZeroBits(sum[:]) < want {
		return ErrTooEasy
	}
	return i.spend(parts[3], exp, now)
}

func (i *Issuer) spend(id string, exp, now time.Time) error {
	i.mu.Lock()
	defer i.mu.Unlock()
	if _, ok := i.spent[id]; ok {
		return ErrReused
	}
	if len(i.spent) >= maxSpent {
		for k, e := range i.spent {
			if !now.Before(e) {
				delete(i.spent, k)
			}
		}
		if len(i.spent) >= maxSpent {
			return ErrFull
		}
	}
	i.spent[id] = exp
	return nil
}

// LeadingZeroBits counts the zero bits at the start of b.
func LeadingZeroBits(b []byte) int {
	n := 0
	for _, x := range b {
		if x != 0 {
			return n + bits.LeadingZeros8(x)
		}
		n += 8
	}
	return n
}

// Solve finds a nonce for token (for tests and the load benchmark; the
// browser has its own solver in frontend/src/pow.ts).
func Solve(token string, difficulty int) string {
	for n := 0; ; n++ {
		nonce := strconv.Itoa(n)
		sum := sha256.Sum256([]byte(token + ":" + nonce))
		if LeadingZeroBits(sum[:]) >= difficulty {
			return nonce
		}
	}
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < '!' || c > '~' {
			return false
		}
	}
	return true
}
