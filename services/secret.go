package services

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// Hasher is the slow, salted hash that keeps receipts and passwords
// (internal/passhash implements it with argon2id). The hashes are expensive
// on purpose, so an implementation may make callers wait for a turn: Hash
// and Verify then fail with an error wrapping ctx's error when ctx ends
// first, which the services report as unavailable (see hashSecret).
// Verify fails with another error for an encoded hash it cannot read.
type Hasher interface {
	Hash(ctx context.Context, secret string) (string, error)
	Verify(ctx context.Context, secret, encoded string) (bool, error)
}

// Sealer encrypts small records (complainant identities, TOTP secrets,
// idempotent answers) under a key the portal holds outside the database,
// bound to associated data naming their owner, so that a sealed record
// cannot be moved to another (internal/seal implements it with
// AES-256-GCM). KeyID names the key, so that rotated keys can be told apart.
type Sealer interface {
	Seal(plain, ad []byte) ([]byte, error)
	Open(sealed, ad []byte) ([]byte, error)
	KeyID() string
}

// hashBusy reports a Hasher that gave up waiting for its turn (its error
// wraps the context's) as unavailable, like a store that times out.
func hashBusy(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return Wrap(err, ReasonUnavailable, "The service is busy; please try again.")
	}
	// A hasher that refuses to queue more work (passhash.ErrQueueFull).
	var b interface{ Busy() bool }
	if errors.As(err, &b) && b.Busy() {
		e := Wrap(err, ReasonUnavailable, "The service is busy; please try again in a moment.")
		e.RetryAfter = HashBusyRetryAfter
		return e
	}
	return err
}

// HashBusyRetryAfter is the Retry-After of a request refused because too
// many hashes were already waiting.
const HashBusyRetryAfter = 2 * time.Second

// hashSecret hashes secret with h; a busy hasher is unavailable.
func hashSecret(ctx context.Context, h Hasher, secret string) (string, error) {
	enc, err := h.Hash(ctx, secret)
	return enc, hashBusy(err)
}

// verifySecret checks secret against encoded with h. A busy hasher is
// unavailable; a malformed hash is a mismatch with an error that is not.
func verifySecret(ctx context.Context, h Hasher, secret, encoded string) (bool, error) {
	ok, err := h.Verify(ctx, secret, encoded)
	return ok, hashBusy(err)
}

// trackingAlphabet is Crockford's base32 without 0 and 1, so that no
// character of a tracking code can be mistaken for another (O/0, I/L/1, U/V).
const trackingAlphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewTrackingCode returns a code such as MB-7K3M-9QX2 (about 39 bits).
func NewTrackingCode() (string, error) {
	var b strings.Builder
	b.WriteString("MB-")
	n := big.NewInt(int64(len(trackingAlphabet)))
	for i := range 8 {
		if i == 4 {
			b.WriteByte('-')
		}
		x, err := rand.Int(rand.Reader, n)
		if err != nil {
			return "", err
		}
		b.WriteByte(trackingAlphabet[x.Int64()])
	}
	return b.String(), nil
}

// NormalizeTrackingCode upper-cases a typed code and drops spaces and
// dashes; the "MB" prefix may be left out. It returns "" when the result is
// not a well-formed code.
func NormalizeTrackingCode(s string) string {
	raw := strings.NewReplacer(" ", "", "-", "").Replace(strings.ToUpper(strings.TrimSpace(s)))
	if len(raw) == 10 && strings.HasPrefix(raw, "MB") {
		raw = raw[2:] // only a 10-character entry carries the prefix: a body may itself start with MB
	}
	if len(raw) != 8 {
		return ""
	}
	for _, c := range raw {
		if !strings.ContainsRune(trackingAlphabet, c) {
			return ""
		}
	}
	return "MB-" + raw[:4] + "-" + raw[4:]
}

// receiptSpace is 10^16: a receipt is 16 decimal digits (about 53 bits).
var receiptSpace = new(big.Int).Exp(big.NewInt(10), big.NewInt(16), nil)

// NewReceipt returns a secret receipt of 16 digits in groups of four.
func NewReceipt() (string, error) {
	x, err := rand.Int(rand.Reader, receiptSpace)
	if err != nil {
		return "", err
	}
	d := fmt.Sprintf("%016d", x)
	return d[0:4] + "-" + d[4:8] + "-" + d[8:12] + "-" + d[12:16], nil
}

// NormalizeReceipt keeps only the digits of a typed receipt and regroups
// them; it returns "" when there are not exactly 16.
func NormalizeReceipt(s string) string {
	var d []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			d = append(d, c)
		case c == ' ' || c == '-':
		default:
			return ""
		}
	}
	if len(d) != 16 {
		return ""
	}
	return string(d[0:4]) + "-" + string(d[4:8]) + "-" + string(d[8:12]) + "-" + string(d[12:16])
}
