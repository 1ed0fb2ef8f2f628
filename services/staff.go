package services

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"
)

// Staff runs staff accounts and their sign-ins: user administration
// (users.go) and sign-in, sessions and the second factor (signin.go).
type Staff struct {
	users      UserStore
	sessions   SessionStore
	units      UnitLookup      // nil: unit ids are not checked
	audit      AdminAuditStore // nil: account changes are not recorded
	hasher     Hasher
	sealer     Sealer
	tokens     *Tokens
	accounts   Throttle // failed logins per account
	clients    Throttle // failed logins per account and client
	require2FA bool
	staffing   StaffingStore // nil: staffing changes are in the admin log only
	outbox     OutboxStore   // nil: staffing changes are not e-mailed
	cooling    time.Duration
	now        func() time.Time
	log        func(msg string, args ...any)

	// dummyHash is verified for unknown accounts, so that an unknown
	// e-mail and a wrong password take the same time.
	dummyHash string
}

// StaffOptions are what the staff service needs. Users, Sessions, Hasher,
// Sealer, Tokens, Accounts and Clients are required.
type StaffOptions struct {
	Users    UserStore
	Sessions SessionStore
	// Units checks the unit of an account against its role (nil: unit ids
	// are not checked).
	Units UnitLookup
	// Audit records account changes (nil: they are not recorded).
	Audit  AdminAuditStore
	Hasher Hasher
	Sealer Sealer
	Tokens *Tokens
	// Accounts counts failed logins per account (AccountThrottlePolicy),
	// Clients per account and client address (AccountClientThrottlePolicy).
	Accounts, Clients Throttle
	// Require2FA makes admins and leads enrol TOTP before they get a token.
	Require2FA bool
	// Staffing keeps the staffing feed and Outbox queues its e-mails
	// (nil: not kept, not sent).
	Staffing StaffingStore
	Outbox   OutboxStore
	// CoolingPeriod is how long an administrator's change to an account
	// keeps it out of identity custody (0: DefaultCoolingPeriod).
	CoolingPeriod time.Duration
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// Log receives security events (refresh-token reuse); it never gets
	// tokens or passwords. Nil discards them.
	Log func(msg string, args ...any)
}

// NewStaff returns the staff service. It hashes the stand-in password that
// unknown accounts are checked against, so it takes a context.
func NewStaff(ctx context.Context, o StaffOptions) (*Staff, error) {
	if o.Users == nil || o.Sessions == nil || o.Hasher == nil || o.Sealer == nil || o.Tokens == nil || o.Accounts == nil || o.Clients == nil {
		return nil, errors.New("staff: users, sessions, hasher, sealer, tokens and both throttles are required")
	}
	s := &Staff{users: o.Users, sessions: o.Sessions, units: o.Units, audit: o.Audit, hasher: o.Hasher, sealer: o.Sealer,
		tokens: o.Tokens, accounts: o.Accounts, clients: o.Clients, require2FA: o.Require2FA, now: clockOrNow(o.Now), log: o.Log,
		staffing: o.Staffing, outbox: o.Outbox, cooling: o.CoolingPeriod}
	if s.cooling <= 0 {
		s.cooling = DefaultCoolingPeriod
	}
	if s.log == nil {
		s.log = func(string, ...any) {}
	}
	h, err := hashSecret(ctx, s.hasher, "no such account, no such password")
	if err != nil {
		return nil, err
	}
	s.dummyHash = h
	return s, nil
}

// UnitLookup finds units (implemented by the organisation service).
type UnitLookup interface {
	UnitByID(ctx context.Context, id string) (Unit, error)
	UnitName(ctx context.Context, id string) (string, error)
	// SupervisingCommittees returns the Front committees that supervise
	// an inspection unit.
	SupervisingCommittees(ctx context.Context, id string) ([]string, error)
}

// UnitName names a unit for display ("" when unknown).
func (s *Staff) UnitName(ctx context.Context, id string) string {
	if s.units == nil || id == "" {
		return ""
	}
	n, _ := s.units.UnitName(ctx, id)
	return n
}

func newToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
