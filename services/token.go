package services

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Token audiences tell citizen sessions and staff sessions apart: a token
// for one is never accepted as the other.
const (
	AudienceCitizen = "citizen"
	AudienceStaff   = "staff"
	// AudienceEnrol is a staff member who must enrol a second factor
	// before getting a staff token: it opens only the enrolment routes.
	AudienceEnrol = "staff-enrol"
	// AudiencePassword is a staff member signed in with a temporary
	// password (a new account or a reset): it opens only the change of
	// password.
	AudiencePassword = "staff-password"
	// StaffTokenTTL is how long a staff access token lasts.
	StaffTokenTTL = 15 * time.Minute
	enrolTokenTTL = 10 * time.Minute
	tokenIssuer   = "minhbach"
	// CitizenTokenTTL is how long a tracking session lasts.
	CitizenTokenTTL = 30 * time.Minute
	// MinTokenKeyBytes is the shortest HMAC key the portal accepts.
	MinTokenKeyBytes = 32
)

// Claims are the claims of every token the portal issues. Staff tokens
// also carry the role, unit and token version they were issued for, and the
// sign-in they belong to.
type Claims struct {
	jwt.RegisteredClaims
	Role    Role   `json:"role,omitempty"`
	Unit    string `json:"unit,omitempty"`
	Version int64  `json:"ver,omitempty"`
	SignIn  string `json:"sid,omitempty"`
}

// Tokens issues and verifies the portal's JWTs (HS256 under a key of at
// least 32 bytes, named by a key id).
type Tokens struct {
	keyID string
	key   []byte
	now   func() time.Time
}

// NewTokens returns a token service. now may be nil (time.Now).
func NewTokens(keyID string, key []byte, now func() time.Time) (*Tokens, error) {
	if len(key) < MinTokenKeyBytes {
		return nil, fmt.Errorf("token key must be at least %d bytes, got %d", MinTokenKeyBytes, len(key))
	}
	if now == nil {
		now = time.Now
	}
	return &Tokens{keyID: keyID, key: key, now: now}, nil
}

// IssueCitizen returns a token that opens the report caseID, and its expiry,
// under the report's first receipt.
func (t *Tokens) IssueCitizen(caseID string) (string, time.Time, error) {
	return t.IssueCitizenAt(caseID, 0)
}

// IssueCitizenAt returns a token that opens the report caseID while its
// receipt's version is receiptVersion (Case.ReceiptVersion).
func (t *Tokens) IssueCitizenAt(caseID string, receiptVersion int64) (string, time.Time, error) {
	return t.issue(Claims{Version: receiptVersion}, caseID, AudienceCitizen, CitizenTokenTTL)
}

// IssueStaff returns a staff access token for u within the sign-in signIn.
func (t *Tokens) IssueStaff(u User, signIn string) (string, time.Time, error) {
	return t.issue(Claims{Role: u.Role, Unit: u.UnitID, Version: u.TokenVersion, SignIn: signIn}, u.ID, AudienceStaff, StaffTokenTTL)
}

// IssueEnrol returns a token that only lets u enrol a second factor.
func (t *Tokens) IssueEnrol(u User) (string, time.Time, error) {
	return t.issue(Claims{Version: u.TokenVersion}, u.ID, AudienceEnrol, enrolTokenTTL)
}

// IssuePassword returns a token that only lets u change their password.
func (t *Tokens) IssuePassword(u User) (string, time.Time, error) {
	return t.issue(Claims{Version: u.TokenVersion}, u.ID, AudiencePassword, enrolTokenTTL)
}

// VerifyStaff checks a staff token of the given audience (AudienceStaff,
// AudienceEnrol or AudiencePassword) and returns its claims.
func (t *Tokens) VerifyStaff(token, audience string) (*Claims, error) {
	return t.verify(token, audience)
}

func (t *Tokens) issue(claims Claims, subject, audience string, ttl time.Duration) (string, time.Time, error) {
	now := t.now().UTC().Truncate(time.Second)
	exp := now.Add(ttl)
	jti := make([]byte, 12)
	if _, err := rand.Read(jti); err != nil {
		return "", time.Time{}, err
	}
	claims.RegisteredClaims = jwt.RegisteredClaims{
		Issuer: tokenIssuer, Subject: subject, Audience: jwt.ClaimStrings{audience},
		ExpiresAt: jwt.NewNumericDate(exp), IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now),
		ID: hex.EncodeToString(jti),
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
	tok.Header["kid"] = t.keyID
	s, err := tok.SignedString(t.key)
	if err != nil {
		return "", time.Time{}, err
	}
	return s, exp, nil
}

var errTokenInvalid = &Error{Code: CodeUnauthorized, Reason: ReasonSessionEnded, Message: "Your session is invalid or has expired; please sign in again."}

// VerifyCitizen checks a citizen token and returns the report id it opens
// and the receipt version it was issued under. Every failure is the same
// unauthorized error.
func (t *Tokens) VerifyCitizen(token string) (string, int64, error) {
	c, err := t.verify(token, AudienceCitizen)
	if err != nil {
		return "", 0, err
	}
	return c.Subject, c.Version, nil
}

func (t *Tokens) verify(token, audience string) (*Claims, error) {
	if len(token) == 0 || len(token) > 4096 {
		return nil, errTokenInvalid
	}
	var claims Claims
	parsed, err := jwt.ParseWithClaims(token, &claims, func(tok *jwt.Token) (any, error) {
		if kid, _ := tok.Header["kid"].(string); kid != t.keyID {
			return nil, errors.New("unknown key id")
		}
		return t.key, nil
	},
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(tokenIssuer),
		jwt.WithAudience(audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(5*time.Second),
		jwt.WithTimeFunc(t.now),
	)
	if err != nil || !parsed.Valid || claims.Subject == "" {
		return nil, &Error{Code: CodeUnauthorized, Reason: ReasonSessionEnded, Message: errTokenInvalid.Message, cause: err}
	}
	return &claims, nil
}
