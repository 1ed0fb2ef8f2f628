package services

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// API keys identify the applications that file reports through Open311
// (docs/intake.md, "Open311"). An administrator issues, names, rate-limits
// and revokes them. The secret is shown once, at issue; the portal keeps
// only its SHA-256 (the secret is 256 random bits, so a fast hash is
// enough: there is nothing to guess) and a short prefix people can read.

// APIKey is one key, as stored (without its secret).
type APIKey struct {
	ID   string
	Name string
	// Prefix is the secret's first characters, not secret, to tell keys
	// apart in the admin page and in the client's configuration.
	Prefix string
	// Hash is the hex SHA-256 of the whole secret.
	Hash          string
	RatePerMinute int
	CreatedAt     time.Time
	CreatedBy     string
	// RevokedAt is when the key was revoked; zero while it is in use.
	RevokedAt time.Time
	// LastUsedAt and Requests count the requests made with the key.
	LastUsedAt time.Time
	Requests   int64
	Version    int64
}

// Revoked reports whether the key was revoked.
func (k APIKey) Revoked() bool { return !k.RevokedAt.IsZero() }

// FiledBy is what a report filed with the key records as who filed it.
func (k APIKey) FiledBy() string { return APIKeyFiler + k.ID }

// APIKeyFiler prefixes the id of the key a report was filed with, in the
// report's FiledBy and the actor of its first event.
const APIKeyFiler = "apikey:"

// Limits of API keys.
const (
	MaxAPIKeys          = 500
	maxAPIKeyNameChars  = 100
	MaxAPIKeyRate       = 10000
	apiKeySecretPrefix  = "mb311_"
	apiKeyDisplayPrefix = len(apiKeySecretPrefix) + 6
	// maxAPIKeySecret bounds what is hashed: a longer value is no key.
	maxAPIKeySecret = 128
)

// APIKeyStore keeps the keys.
type APIKeyStore interface {
	NewID() string
	// InsertAPIKey stores a new key.
	InsertAPIKey(ctx context.Context, k APIKey) error
	// FindAPIKeys returns the keys, newest first, at most MaxAPIKeys.
	FindAPIKeys(ctx context.Context) ([]APIKey, error)
	FindAPIKeyByID(ctx context.Context, id string) (APIKey, error)
	// FindAPIKeyByHash finds the key whose secret hashes to hash.
	FindAPIKeyByHash(ctx context.Context, hash string) (APIKey, error)
	// UpdateAPIKey writes k's name, rate and revocation if the stored key
	// is still at version, and moves it to version+1 (conflict otherwise).
	UpdateAPIKey(ctx context.Context, k APIKey, version int64) error
	// TouchAPIKey counts one request made with key id at at.
	TouchAPIKey(ctx context.Context, id string, at time.Time) error
}

// APIKeys issues and checks API keys.
type APIKeys struct {
	store APIKeyStore
	audit AdminAuditStore
	now   func() time.Time
	rates *keyRates
}

// NewAPIKeys makes the API key service.
func NewAPIKeys(store APIKeyStore, audit AdminAuditStore, now func() time.Time) *APIKeys {
	now = clockOrNow(now)
	return &APIKeys{store: store, audit: audit, now: now, rates: &keyRates{now: now, buckets: map[string]*rateBucket{}}}
}

// APIKeyInput is what an administrator sets on a key; nil leaves a field
// as it is (on update).
type APIKeyInput struct {
	Name          *string
	RatePerMinute *int
}

func (in APIKeyInput) validate(f FieldErrors, creating bool) {
	if in.Name != nil {
		name := strings.TrimSpace(*in.Name)
		checkText(f, "name", name, maxAPIKeyNameChars, true)
		if strings.ContainsAny(name, "\r\n\t") {
			f.Add("name", FieldInvalid)
		}
	} else if creating {
		f.Add("name", FieldRequired)
	}
	if in.RatePerMinute != nil {
		if r := *in.RatePerMinute; r < 1 || r > MaxAPIKeyRate {
			f.Add("ratePerMinute", FieldInvalid)
		}
	} else if creating {
		f.Add("ratePerMinute", FieldRequired)
	}
}

func (s *APIKeys) stamp() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// Issue makes a new key and returns it with its secret, which is shown this
// once and never stored.
func (s *APIKeys) Issue(ctx context.Context, actor Actor, in APIKeyInput) (APIKey, string, error) {
	if err := actor.RequireAdmin(); err != nil {
		return APIKey{}, "", err
	}
	f := FieldErrors{}
	in.validate(f, true)
	if err := f.Err(); err != nil {
		return APIKey{}, "", err
	}
	secret, err := newAPIKeySecret()
	if err != nil {
		return APIKey{}, "", Wrap(err, ReasonInternal, "Could not create a key.")
	}
	k := APIKey{Name: strings.TrimSpace(*in.Name), Prefix: secret[:apiKeyDisplayPrefix], Hash: hashAPIKey(secret),
		RatePerMinute: *in.RatePerMinute, CreatedAt: s.stamp(), CreatedBy: actor.UserID, Version: 1}
	k.ID = s.store.NewID()
	if err := s.store.InsertAPIKey(ctx, k); err != nil {
		return APIKey{}, "", err
	}
	if err := s.record(ctx, actor, "apikey.issue", k.ID, fmt.Sprintf("%s (%s…), %d/min", k.Name, k.Prefix, k.RatePerMinute)); err != nil {
		return k, secret, err
	}
	return k, secret, nil
}

// List returns every key, newest first.
func (s *APIKeys) List(ctx context.Context, actor Actor) ([]APIKey, error) {
	if err := actor.RequireAdmin(); err != nil {
		return nil, err
	}
	return s.store.FindAPIKeys(ctx)
}

// Update renames a key or changes its rate.
func (s *APIKeys) Update(ctx context.Context, actor Actor, id string, in APIKeyInput) (APIKey, error) {
	if err := actor.RequireAdmin(); err != nil {
		return APIKey{}, err
	}
	f := FieldErrors{}
	in.validate(f, false)
	if err := f.Err(); err != nil {
		return APIKey{}, err
	}
	k, err := s.find(ctx, id)
	if err != nil {
		return APIKey{}, err
	}
	var changes []string
	if in.Name != nil && strings.TrimSpace(*in.Name) != k.Name {
		k.Name = strings.TrimSpace(*in.Name)
		changes = append(changes, "name "+k.Name)
	}
	if in.RatePerMinute != nil && *in.RatePerMinute != k.RatePerMinute {
		k.RatePerMinute = *in.RatePerMinute
		changes = append(changes, fmt.Sprintf("rate %d/min", k.RatePerMinute))
	}
	if len(changes) == 0 {
		return k, nil
	}
	if err := s.store.UpdateAPIKey(ctx, k, k.Version); err != nil {
		return APIKey{}, err
	}
	k.Version++
	return k, s.record(ctx, actor, "apikey.update", k.ID, k.Prefix+"…: "+strings.Join(changes, ", "))
}

// Revoke revokes a key: from the next request on, it is refused (every
// request reads the key from the database, so this holds for every
// process at once). Revoking a revoked key changes nothing.
func (s *APIKeys) Revoke(ctx context.Context, actor Actor, id string) (APIKey, error) {
	if err := actor.RequireAdmin(); err != nil {
		return APIKey{}, err
	}
	k, err := s.find(ctx, id)
	if err != nil || k.Revoked() {
		return k, err
	}
	k.RevokedAt = s.stamp()
	if err := s.store.UpdateAPIKey(ctx, k, k.Version); err != nil {
		return APIKey{}, err
	}
	k.Version++
	return k, s.record(ctx, actor, "apikey.revoke", k.ID, k.Name+" ("+k.Prefix+"…)")
}

func (s *APIKeys) find(ctx context.Context, id string) (APIKey, error) {
	k, err := s.store.FindAPIKeyByID(ctx, id)
	if IsCode(err, CodeNotFound) {
		return APIKey{}, Errorf(ReasonAPIKeyNotFound, "No such API key.")
	}
	return k, err
}

func (s *APIKeys) record(ctx context.Context, actor Actor, action, target, summary string) error {
	if r := []rune(summary); len(r) > maxEventSummary {
		summary = string(r[:maxEventSummary-1]) + "…"
	}
	if err := s.audit.InsertAdminEvent(ctx, AdminEvent{At: s.stamp(), ActorID: actor.UserID, Action: action, Target: target, Summary: summary}); err != nil {
		return Wrap(err, ReasonSavedNotAudited, "The change was saved but could not be written to the audit log; tell the operator.")
	}
	return nil
}

// Use checks a secret presented by a client: it must be a key that exists
// and is not revoked (read from the database at every request: no cache
// outlives a revocation), within the key's rate. The request is counted on
// the key. A secret is never logged or kept.
func (s *APIKeys) Use(ctx context.Context, secret string) (APIKey, error) {
	if secret == "" || len(secret) > maxAPIKeySecret || !utf8.ValidString(secret) {
		return APIKey{}, Errorf(ReasonAPIKeyInvalid, "Invalid api_key.")
	}
	k, err := s.store.FindAPIKeyByHash(ctx, hashAPIKey(secret))
	if IsCode(err, CodeNotFound) || (err == nil && k.Revoked()) {
		return APIKey{}, Errorf(ReasonAPIKeyInvalid, "Invalid api_key.")
	}
	if err != nil {
		return APIKey{}, err
	}
	if ok, wait := s.rates.allow(k.ID, k.RatePerMinute); !ok {
		e := Errorf(ReasonAPIKeyRateLimited, "Too many requests with this api_key; try again later.")
		e.RetryAfter = max(wait.Round(time.Second), time.Second)
		return APIKey{}, e
	}
	now := s.stamp()
	if err := s.store.TouchAPIKey(ctx, k.ID, now); err != nil {
		return APIKey{}, err
	}
	k.Requests++
	k.LastUsedAt = now
	return k, nil
}

// newAPIKeySecret is mb311_ and 256 random bits in lower-case base32.
func newAPIKeySecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return apiKeySecretPrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)), nil
}

func hashAPIKey(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// keyRates is a token bucket per key, of the key's own rate a minute (and
// bursts of as many). It lives in the process: with several processes a
// key may make its rate in each (docs/intake.md, "Open311").
type keyRates struct {
	now     func() time.Time
	mu      sync.Mutex
	buckets map[string]*rateBucket
}

type rateBucket struct {
	tokens float64
	at     time.Time
}

func (r *keyRates) allow(id string, perMinute int) (bool, time.Duration) {
	if perMinute <= 0 {
		return false, time.Minute
	}
	rate := float64(perMinute) / float64(time.Minute)
	burst := float64(perMinute)
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	b := r.buckets[id]
	if b == nil {
		b = &rateBucket{tokens: burst, at: now}
		r.buckets[id] = b
	}
	b.tokens = min(burst, b.tokens+float64(now.Sub(b.at))*rate)
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / rate)
}
