package services

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"golang.org/x/crypto/argon2"
)

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

// Argon2Params are the argon2id cost parameters.
type Argon2Params struct {
	MemoryKiB   uint32
	Iterations  uint32
	Parallelism uint8
}

// DefaultArgon2 follows OWASP's minimum recommendation for argon2id.
var DefaultArgon2 = Argon2Params{MemoryKiB: 19 * 1024, Iterations: 2, Parallelism: 1}

// SecretHasher hashes receipts and passwords with argon2id. Argon2id is
// memory-hard on purpose, so at most a fixed number of hashes run at once:
// a burst of requests waits (or gives up with its context) instead of
// exhausting memory.
type SecretHasher struct {
	params Argon2Params
	slots  chan struct{}
}

// NewSecretHasher returns a hasher running at most concurrency hashes at once.
func NewSecretHasher(p Argon2Params, concurrency int) *SecretHasher {
	if concurrency < 1 {
		concurrency = 1
	}
	return &SecretHasher{params: p, slots: make(chan struct{}, concurrency)}
}

func (h *SecretHasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return Wrap(ctx.Err(), CodeUnavailable, "The service is busy; please try again.")
	}
}

func (h *SecretHasher) release() { <-h.slots }

// Hash returns an encoded argon2id hash (PHC string format) of secret.
func (h *SecretHasher) Hash(ctx context.Context, secret string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	p := h.params
	key := argon2.IDKey([]byte(secret), salt, p.Iterations, p.MemoryKiB, p.Parallelism, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryKiB, p.Iterations, p.Parallelism,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

var errBadHash = errors.New("malformed argon2id hash")

// Verify reports whether secret matches encoded, in constant time. The
// parameters are read from encoded, so hashes made under older settings
// still verify.
func (h *SecretHasher) Verify(ctx context.Context, secret, encoded string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return false, errBadHash
	}
	var p Argon2Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Iterations, &p.Parallelism); err != nil {
		return false, errBadHash
	}
	if p.MemoryKiB == 0 || p.MemoryKiB > 1<<22 || p.Iterations == 0 || p.Iterations > 64 || p.Parallelism == 0 {
		return false, errBadHash
	}
	if parts[0] != "" || parts[3] != fmt.Sprintf("m=%d,t=%d,p=%d", p.MemoryKiB, p.Iterations, p.Parallelism) {
		return false, errBadHash
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) < 16 || len(want) > 64 {
		return false, errBadHash
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	got := argon2.IDKey([]byte(secret), salt, p.Iterations, p.MemoryKiB, p.Parallelism, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// Sealer encrypts complainant identities with AES-256-GCM under a key the
// portal holds outside the database.
type Sealer struct {
	keyID string
	aead  cipher.AEAD
}

// NewSealer returns a Sealer for a 32-byte key. keyID names the key so that
// rotated keys can be told apart.
func NewSealer(keyID string, key []byte) (*Sealer, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("identity key must be 32 bytes, got %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{keyID: keyID, aead: aead}, nil
}

// KeyID names the key in use.
func (s *Sealer) KeyID() string { return s.keyID }

// Seal encrypts plaintext bound to aad (the report id), returning nonce‖ciphertext.
func (s *Sealer) Seal(plaintext, aad []byte) ([]byte, error) {
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plaintext)+s.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return s.aead.Seal(nonce, nonce, plaintext, aad), nil
}

// Open decrypts what Seal produced for the same aad.
func (s *Sealer) Open(sealed, aad []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n+s.aead.Overhead() {
		return nil, errors.New("sealed identity too short")
	}
	return s.aead.Open(nil, sealed[:n], sealed[n:], aad)
}
