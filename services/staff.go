package services

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/mail"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// User is a staff account.
type User struct {
	ID                 string
	Email              string // lower case
	Name               string
	Role               Role
	UnitID             string
	Active             bool
	PasswordHash       string
	MustChangePassword bool
	// TokenVersion changes whenever access must be re-checked at once:
	// disabling, a role or unit change, a password change or reset.
	TokenVersion  int64
	TOTPEnabled   bool
	TOTPSealed    []byte   // the TOTP secret, sealed; set on setup, trusted once enabled
	TOTPLastStep  int64    // the last time step used, so a code is never accepted twice
	RecoveryCodes []string // SHA-256 hex of unused recovery codes
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// UserChange is a partial update of a user; nil fields are left alone.
type UserChange struct {
	Name               *string
	Role               *Role
	UnitID             *string
	Active             *bool
	PasswordHash       *string
	MustChangePassword *bool
	TOTPEnabled        *bool
	TOTPSealed         *[]byte
	TOTPLastStep       *int64
	RecoveryCodes      *[]string
	BumpTokenVersion   bool
	At                 time.Time
}

// UserStore persists staff accounts.
type UserStore interface {
	InsertUser(ctx context.Context, u *User) error // conflict when the e-mail exists
	FindUserByID(ctx context.Context, id string) (User, error)
	FindUserByEmail(ctx context.Context, email string) (User, error)
	ListUsers(ctx context.Context, limit int) ([]User, error)
	UpdateUser(ctx context.Context, id string, ch UserChange) (User, error)
	// UseTOTPStep records step as used if it is later than the last one;
	// false means the code was already used (a replay).
	UseTOTPStep(ctx context.Context, id string, step int64) (bool, error)
	// UseRecoveryCode removes hash from the user's unused codes; false
	// when it was not there.
	UseRecoveryCode(ctx context.Context, id, hash string) (bool, error)
}

// RefreshSession is one refresh token, stored by its hash. Tokens of one
// login form a family: presenting a used one revokes the family.
type RefreshSession struct {
	Hash      string
	Family    string
	UserID    string
	Used      bool
	CreatedAt time.Time
	ExpiresAt time.Time
}

// SessionStore keeps refresh sessions.
type SessionStore interface {
	InsertSession(ctx context.Context, s RefreshSession) error
	FindSession(ctx context.Context, hash string) (RefreshSession, error)
	// MarkSessionUsed sets Used on an unused session; false when it was
	// already used (or gone).
	MarkSessionUsed(ctx context.Context, hash string) (bool, error)
	DeleteFamily(ctx context.Context, family string) error
	DeleteUserSessions(ctx context.Context, userID string) error
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error)
}

// AccountThrottlePolicy locks an account for a growing time after 5 failed
// logins.
var AccountThrottlePolicy = ThrottlePolicy{Free: 5, Base: 2 * time.Second, Max: 15 * time.Minute, Window: time.Hour}

// RefreshTTL is how long a refresh token (and so a staff sign-in) lasts.
const RefreshTTL = 12 * time.Hour

//go:embed data/common-passwords.txt
var commonPasswordsText string

var commonPasswords = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(commonPasswordsText))
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			m[line] = true
		}
	}
	return m
})

// MinPasswordChars is the shortest password accepted.
const MinPasswordChars = 12

// CheckPassword applies the password policy: 12 to 256 characters, not a
// common password, not the e-mail address or its name part.
func CheckPassword(password, email string) error {
	f := FieldErrors{}
	n := utf8.RuneCountInString(password)
	lower := strings.ToLower(password)
	local, _, _ := strings.Cut(strings.ToLower(email), "@")
	switch {
	case !utf8.ValidString(password) || n < MinPasswordChars:
		f.Add("password", "too_short")
	case n > 256:
		f.Add("password", FieldTooLong)
	case commonPasswords()[lower], lower == strings.ToLower(email), local != "" && strings.Contains(lower, local) && n < len(local)+6:
		f.Add("password", "too_common")
	}
	return f.Err()
}

func normalizeEmail(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	a, err := mail.ParseAddress(s)
	return s, err == nil && a.Address == s && len(s) <= 254
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

// Staff runs staff accounts and their sessions.
type Staff struct {
	Users    UserStore
	Sessions SessionStore
	Units    UnitLookup      // nil: unit ids are not checked
	Audit    AdminAuditStore // nil: account changes are not recorded
	Hasher   *SecretHasher
	Sealer   *Sealer
	Tokens   *Tokens
	Accounts *Throttle // failed logins per account
	Clients  *Throttle // failed logins per client
	// Require2FA makes admins and leads enrol TOTP before they get a token.
	Require2FA bool
	Now        func() time.Time
	// Log receives security events (refresh-token reuse); it never gets
	// tokens or passwords.
	Log func(msg string, args ...any)

	dummyHash string
	cacheMu   sync.Mutex
	cache     map[string]cachedUser
}

// UnitLookup finds units (implemented by the organisation service).
type UnitLookup interface {
	UnitByID(ctx context.Context, id string) (Unit, error)
	UnitName(ctx context.Context, id string) (string, error)
}

// checkUnit requires a unit that exists, is active and fits the role:
// inspection units for inspectors and leads, Front committees for monitors.
func (s *Staff) checkUnit(ctx context.Context, f FieldErrors, role Role, unitID string) error {
	if s.Units == nil || unitID == "" || role == RoleAdmin {
		return nil
	}
	u, err := s.Units.UnitByID(ctx, unitID)
	if IsCode(err, CodeNotFound) {
		f.Add("unitId", FieldUnknown)
		return nil
	}
	if err != nil {
		return err
	}
	want := UnitInspection
	if role == RoleMonitor {
		want = UnitFront
	}
	if !u.Active || u.Type != want {
		f.Add("unitId", FieldInvalid)
	}
	return nil
}

func (s *Staff) audit(ctx context.Context, actor *Actor, action, target, summary string) error {
	if s.Audit == nil {
		return nil
	}
	id := "system"
	if actor != nil {
		id = actor.UserID
	}
	if err := s.Audit.InsertAdminEvent(ctx, AdminEvent{At: s.Now().UTC(), ActorID: id, Action: action, Target: target, Summary: summary}); err != nil {
		return Wrap(err, CodeInternal, "The change was saved but could not be written to the audit log; tell the operator.")
	}
	return nil
}

// UnitName names a unit for display ("" when unknown).
func (s *Staff) UnitName(ctx context.Context, id string) string {
	if s.Units == nil || id == "" {
		return ""
	}
	n, _ := s.Units.UnitName(ctx, id)
	return n
}

type cachedUser struct {
	u  User
	at time.Time
}

// userCacheTTL bounds how long a revoked token may still be honoured.
const userCacheTTL = 5 * time.Second

// Init prepares the hash used for unknown accounts, so that an unknown
// e-mail and a wrong password take the same time.
func (s *Staff) Init(ctx context.Context) error {
	h, err := s.Hasher.Hash(ctx, "no such account, no such password")
	s.dummyHash = h
	s.cache = map[string]cachedUser{}
	return err
}

func (s *Staff) log(msg string, args ...any) {
	if s.Log != nil {
		s.Log(msg, args...)
	}
}

// CreateUserInput is a new staff account.
type CreateUserInput struct {
	Email, Name, Password string
	Role                  Role
	UnitID                string
	MustChangePassword    bool
}

// CreateUser adds a staff account. actor must be an admin, or nil for the
// bootstrap command.
func (s *Staff) CreateUser(ctx context.Context, actor *Actor, in CreateUserInput) (User, error) {
	if actor != nil {
		if err := actor.RequireAdmin(); err != nil {
			return User{}, err
		}
	}
	f := FieldErrors{}
	email, ok := normalizeEmail(in.Email)
	if !ok {
		f.Add("email", FieldInvalid)
	}
	checkText(f, "name", strings.TrimSpace(in.Name), 200, true)
	if !in.Role.Valid() {
		f.Add("role", FieldInvalid)
	}
	if (in.Role == RoleAdmin) != (in.UnitID == "") {
		f.Add("unitId", map[bool]string{true: FieldNotAllowed, false: FieldRequired}[in.Role == RoleAdmin])
	}
	if err := CheckPassword(in.Password, email); err != nil {
		for k, v := range err.(*Error).Fields {
			f.Add(k, v)
		}
	}
	if err := s.checkUnit(ctx, f, in.Role, in.UnitID); err != nil {
		return User{}, err
	}
	if err := f.Err(); err != nil {
		return User{}, err
	}
	hash, err := s.Hasher.Hash(ctx, in.Password)
	if err != nil {
		return User{}, err
	}
	now := s.Now().UTC().Truncate(time.Millisecond)
	u := &User{Email: email, Name: strings.TrimSpace(in.Name), Role: in.Role, UnitID: in.UnitID, Active: true,
		PasswordHash: hash, MustChangePassword: in.MustChangePassword, TokenVersion: 1, CreatedAt: now, UpdatedAt: now}
	if err := s.Users.InsertUser(ctx, u); err != nil {
		if IsCode(err, CodeConflict) {
			return User{}, &Error{Code: CodeConflict, Message: "An account with this e-mail already exists.", Fields: map[string]string{"email": "taken"}}
		}
		return User{}, err
	}
	return *u, s.audit(ctx, actor, "user.create", u.ID, fmt.Sprintf("%s as %s in unit %q", u.Email, u.Role, u.UnitID))
}

// LoginResult is a successful login: an access token, or (when a second
// factor must first be enrolled) an enrolment token.
type LoginResult struct {
	User            User
	AccessToken     string
	ExpiresAt       time.Time
	RefreshToken    string
	RefreshExpires  time.Time
	EnrolToken      string
	EnrolmentNeeded bool
}

var errBadLogin = Errorf(CodeUnauthorized, "The e-mail address or the password is wrong.")

// Login checks e-mail, password and (when enrolled) a TOTP or recovery
// code. Unknown accounts and wrong passwords get the same answer in about
// the same time; failures lock the account and the client for a growing
// time.
func (s *Staff) Login(ctx context.Context, email, password, code, clientAddr string) (LoginResult, error) {
	email, _ = normalizeEmail(email)
	acctKey, clientKey := "acct:"+email, s.Clients.ClientKey(clientAddr)
	if wait := max(s.Accounts.Check(acctKey), s.Clients.Check(clientKey)); wait > 0 {
		return LoginResult{}, rateLimited(wait)
	}
	fail := func(err error) (LoginResult, error) {
		if wait := max(s.Accounts.Fail(acctKey), s.Clients.Fail(clientKey)); wait > 0 {
			return LoginResult{}, rateLimited(wait)
		}
		return LoginResult{}, err
	}
	u, err := s.Users.FindUserByEmail(ctx, email)
	hash := s.dummyHash
	switch {
	case err == nil:
		hash = u.PasswordHash
	case !IsCode(err, CodeNotFound):
		return LoginResult{}, err
	}
	ok, verr := s.Hasher.Verify(ctx, password, hash)
	if verr != nil && IsCode(verr, CodeUnavailable) {
		return LoginResult{}, verr
	}
	if err != nil || !ok || !u.Active {
		return fail(errBadLogin)
	}
	if u.TOTPEnabled {
		if strings.TrimSpace(code) == "" {
			return LoginResult{}, &Error{Code: CodeUnauthorized, Message: "Enter the code from your authenticator app.", Fields: map[string]string{"totp": FieldRequired}}
		}
		if !s.checkSecondFactor(ctx, u, code) {
			return fail(&Error{Code: CodeUnauthorized, Message: "The code is wrong or was already used.", Fields: map[string]string{"totp": FieldInvalid}})
		}
	}
	s.Accounts.Reset(acctKey)
	if !u.TOTPEnabled && s.Require2FA && (u.Role == RoleAdmin || u.Role == RoleLead) {
		tok, exp, err := s.Tokens.IssueEnrol(u)
		return LoginResult{User: u, EnrolToken: tok, ExpiresAt: exp, EnrolmentNeeded: true}, err
	}
	return s.startSession(ctx, u, "")
}

func (s *Staff) checkSecondFactor(ctx context.Context, u User, code string) bool {
	code = strings.TrimSpace(code)
	if len(code) > 6 { // a recovery code
		ok, err := s.Users.UseRecoveryCode(ctx, u.ID, sha256Hex(normalizeRecovery(code)))
		return err == nil && ok
	}
	secret, err := s.Sealer.Open(u.TOTPSealed, []byte("totp:"+u.ID))
	if err != nil {
		return false
	}
	step, ok := CheckTOTP(secret, code, s.Now())
	if !ok {
		return false
	}
	fresh, err := s.Users.UseTOTPStep(ctx, u.ID, step)
	return err == nil && fresh
}

func normalizeRecovery(code string) string {
	return strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(code))
}

// startSession issues an access token and a refresh token (a new family
// when family is empty).
func (s *Staff) startSession(ctx context.Context, u User, family string) (LoginResult, error) {
	access, exp, err := s.Tokens.IssueStaff(u)
	if err != nil {
		return LoginResult{}, err
	}
	if family == "" {
		family = newToken(12)
	}
	refresh := newToken(32)
	now := s.Now().UTC().Truncate(time.Millisecond)
	rs := RefreshSession{Hash: sha256Hex(refresh), Family: family, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(RefreshTTL)}
	if err := s.Sessions.InsertSession(ctx, rs); err != nil {
		return LoginResult{}, err
	}
	return LoginResult{User: u, AccessToken: access, ExpiresAt: exp, RefreshToken: refresh, RefreshExpires: rs.ExpiresAt}, nil
}

var errBadRefresh = Errorf(CodeUnauthorized, "Your session has ended; please sign in again.")

// Refresh rotates a refresh token. A token presented twice means it was
// stolen or replayed: its whole family is revoked and the event logged.
func (s *Staff) Refresh(ctx context.Context, refresh string) (LoginResult, error) {
	if len(refresh) != 64 {
		return LoginResult{}, errBadRefresh
	}
	hash := sha256Hex(refresh)
	rs, err := s.Sessions.FindSession(ctx, hash)
	if IsCode(err, CodeNotFound) {
		return LoginResult{}, errBadRefresh
	}
	if err != nil {
		return LoginResult{}, err
	}
	reuse := func() (LoginResult, error) {
		_ = s.Sessions.DeleteFamily(context.WithoutCancel(ctx), rs.Family)
		s.log("refresh token reused: session family revoked", "userId", rs.UserID)
		return LoginResult{}, errBadRefresh
	}
	if rs.Used {
		return reuse()
	}
	if !s.Now().Before(rs.ExpiresAt) {
		return LoginResult{}, errBadRefresh
	}
	fresh, err := s.Sessions.MarkSessionUsed(ctx, hash)
	if err != nil {
		return LoginResult{}, err
	}
	if !fresh {
		return reuse()
	}
	u, err := s.Users.FindUserByID(ctx, rs.UserID)
	if err != nil || !u.Active {
		_ = s.Sessions.DeleteFamily(context.WithoutCancel(ctx), rs.Family)
		return LoginResult{}, errBadRefresh
	}
	return s.startSession(ctx, u, rs.Family)
}

// Logout ends the sign-in the refresh token belongs to.
func (s *Staff) Logout(ctx context.Context, refresh string) error {
	if len(refresh) != 64 {
		return nil
	}
	rs, err := s.Sessions.FindSession(ctx, sha256Hex(refresh))
	if err != nil {
		if IsCode(err, CodeNotFound) {
			return nil
		}
		return err
	}
	return s.Sessions.DeleteFamily(ctx, rs.Family)
}

// Authenticate turns a staff access token into the actor, checking the
// token version against the user (cached at most 5 s), so that disabling,
// a role or unit change or a password change refuses the next request.
func (s *Staff) Authenticate(ctx context.Context, token string) (Actor, User, error) {
	c, err := s.Tokens.VerifyStaff(token, AudienceStaff)
	if err != nil {
		return Actor{}, User{}, err
	}
	u, err := s.currentUser(ctx, c.Subject)
	if err != nil {
		if IsCode(err, CodeNotFound) {
			return Actor{}, User{}, errTokenInvalid
		}
		return Actor{}, User{}, err
	}
	if !u.Active || u.TokenVersion != c.Version || u.Role != c.Role || u.UnitID != c.Unit {
		return Actor{}, User{}, errTokenInvalid
	}
	return Actor{UserID: u.ID, Email: u.Email, Role: u.Role, UnitID: u.UnitID}, u, nil
}

// AuthenticateEnrol accepts an enrolment token (or a staff token) for the
// second-factor enrolment routes.
func (s *Staff) AuthenticateEnrol(ctx context.Context, token string) (User, bool, error) {
	if _, u, err := s.Authenticate(ctx, token); err == nil {
		return u, false, nil
	}
	c, err := s.Tokens.VerifyStaff(token, AudienceEnrol)
	if err != nil {
		return User{}, false, err
	}
	u, err := s.Users.FindUserByID(ctx, c.Subject)
	if err != nil || !u.Active || u.TokenVersion != c.Version {
		return User{}, false, errTokenInvalid
	}
	return u, true, nil
}

func (s *Staff) currentUser(ctx context.Context, id string) (User, error) {
	now := s.Now()
	s.cacheMu.Lock()
	if c, ok := s.cache[id]; ok && now.Sub(c.at) < userCacheTTL {
		s.cacheMu.Unlock()
		return c.u, nil
	}
	s.cacheMu.Unlock()
	u, err := s.Users.FindUserByID(ctx, id)
	if err != nil {
		return User{}, err
	}
	s.cacheMu.Lock()
	if len(s.cache) > 10000 {
		clear(s.cache)
	}
	s.cache[id] = cachedUser{u: u, at: now}
	s.cacheMu.Unlock()
	return u, nil
}

func (s *Staff) forget(id string) {
	s.cacheMu.Lock()
	delete(s.cache, id)
	s.cacheMu.Unlock()
}

// TOTPSetup is what an authenticator app needs.
type TOTPSetup struct {
	Secret string
	URL    string
}

// SetupTOTP generates a new secret for u (not yet enabled).
func (s *Staff) SetupTOTP(ctx context.Context, u User) (TOTPSetup, error) {
	if u.TOTPEnabled {
		return TOTPSetup{}, Errorf(CodeConflict, "A second factor is already enrolled.")
	}
	secret, text, err := NewTOTPSecret()
	if err != nil {
		return TOTPSetup{}, err
	}
	sealed, err := s.Sealer.Seal(secret, []byte("totp:"+u.ID))
	if err != nil {
		return TOTPSetup{}, err
	}
	if _, err := s.Users.UpdateUser(ctx, u.ID, UserChange{TOTPSealed: &sealed, At: s.Now().UTC()}); err != nil {
		return TOTPSetup{}, err
	}
	s.forget(u.ID)
	return TOTPSetup{Secret: text, URL: TOTPURL(secret, u.Email)}, nil
}

// EnableTOTP confirms the enrolment with a first code and returns ten
// recovery codes, shown once.
func (s *Staff) EnableTOTP(ctx context.Context, userID, code string) (User, []string, error) {
	u, err := s.Users.FindUserByID(ctx, userID)
	if err != nil {
		return User{}, nil, err
	}
	if u.TOTPEnabled || len(u.TOTPSealed) == 0 {
		return User{}, nil, Errorf(CodeConflict, "Start the enrolment first.")
	}
	secret, err := s.Sealer.Open(u.TOTPSealed, []byte("totp:"+u.ID))
	if err != nil {
		return User{}, nil, Wrap(err, CodeInternal, "The enrolment could not be read.")
	}
	step, ok := CheckTOTP(secret, code, s.Now())
	if !ok {
		return User{}, nil, &Error{Code: CodeInvalid, Message: "The code is wrong.", Fields: map[string]string{"code": FieldInvalid}}
	}
	codes := make([]string, 10)
	hashes := make([]string, 10)
	for i := range codes {
		raw := newToken(5) // 10 hex characters, 40 bits
		codes[i] = raw[:5] + "-" + raw[5:]
		hashes[i] = sha256Hex(raw)
	}
	on := true
	u, err = s.Users.UpdateUser(ctx, u.ID, UserChange{TOTPEnabled: &on, TOTPLastStep: &step, RecoveryCodes: &hashes, At: s.Now().UTC()})
	if err != nil {
		return User{}, nil, err
	}
	s.forget(u.ID)
	return u, codes, nil
}

// CompleteEnrolment gives a user who enrolled with an enrolment token their
// session.
func (s *Staff) CompleteEnrolment(ctx context.Context, u User) (LoginResult, error) {
	return s.startSession(ctx, u, "")
}

// ChangePassword changes the actor's own password and ends every other
// session (the token version changes).
func (s *Staff) ChangePassword(ctx context.Context, actor Actor, current, next string) error {
	u, err := s.Users.FindUserByID(ctx, actor.UserID)
	if err != nil {
		return err
	}
	if ok, _ := s.Hasher.Verify(ctx, current, u.PasswordHash); !ok {
		return &Error{Code: CodeInvalid, Message: "The current password is wrong.", Fields: map[string]string{"currentPassword": FieldInvalid}}
	}
	if err := CheckPassword(next, u.Email); err != nil {
		e := err.(*Error)
		return &Error{Code: CodeInvalid, Message: e.Message, Fields: map[string]string{"newPassword": e.Fields["password"]}}
	}
	hash, err := s.Hasher.Hash(ctx, next)
	if err != nil {
		return err
	}
	no := false
	if _, err := s.Users.UpdateUser(ctx, u.ID, UserChange{PasswordHash: &hash, MustChangePassword: &no, BumpTokenVersion: true, At: s.Now().UTC()}); err != nil {
		return err
	}
	s.forget(u.ID)
	return s.Sessions.DeleteUserSessions(ctx, u.ID)
}

// ListUsers lists staff accounts (admin).
func (s *Staff) ListUsers(ctx context.Context, actor Actor) ([]User, error) {
	if err := actor.RequireAdmin(); err != nil {
		return nil, err
	}
	return s.Users.ListUsers(ctx, 1000)
}

// UpdateUserInput is an admin's change to an account.
type UpdateUserInput struct {
	Name   *string
	Role   *Role
	UnitID *string
	Active *bool
}

// UpdateUser changes an account (admin). Any change of role, unit or
// active state refuses the user's next request.
func (s *Staff) UpdateUser(ctx context.Context, actor Actor, id string, in UpdateUserInput) (User, error) {
	if err := actor.RequireAdmin(); err != nil {
		return User{}, err
	}
	u, err := s.Users.FindUserByID(ctx, id)
	if err != nil {
		return User{}, err
	}
	f := FieldErrors{}
	ch := UserChange{Name: in.Name, Role: in.Role, UnitID: in.UnitID, Active: in.Active, At: s.Now().UTC()}
	if in.Name != nil {
		n := strings.TrimSpace(*in.Name)
		checkText(f, "name", n, 200, true)
		ch.Name = &n
	}
	role, unit := u.Role, u.UnitID
	if in.Role != nil {
		if !in.Role.Valid() {
			f.Add("role", FieldInvalid)
		}
		role = *in.Role
	}
	if in.UnitID != nil {
		unit = *in.UnitID
	}
	if (role == RoleAdmin) != (unit == "") {
		f.Add("unitId", map[bool]string{true: FieldNotAllowed, false: FieldRequired}[role == RoleAdmin])
	}
	if in.Active != nil && !*in.Active && id == actor.UserID {
		f.Add("active", FieldNotAllowed) // an admin cannot lock themselves out
	}
	if in.Role != nil || in.UnitID != nil {
		if err := s.checkUnit(ctx, f, role, unit); err != nil {
			return User{}, err
		}
	}
	if err := f.Err(); err != nil {
		return User{}, err
	}
	ch.BumpTokenVersion = role != u.Role || unit != u.UnitID || (in.Active != nil && *in.Active != u.Active)
	u, err = s.Users.UpdateUser(ctx, id, ch)
	if err != nil {
		return User{}, err
	}
	s.forget(id)
	if in.Active != nil && !*in.Active {
		_ = s.Sessions.DeleteUserSessions(ctx, id)
	}
	return u, s.audit(ctx, &actor, "user.update", id, fmt.Sprintf("%s: role %s, unit %q, active %v", u.Email, u.Role, u.UnitID, u.Active))
}

// ResetPassword sets a temporary password the user must change, ends their
// sessions and returns the temporary password (shown once to the admin).
func (s *Staff) ResetPassword(ctx context.Context, actor Actor, id string) (string, error) {
	if err := actor.RequireAdmin(); err != nil {
		return "", err
	}
	temp := newToken(9) // 18 hex characters
	hash, err := s.Hasher.Hash(ctx, temp)
	if err != nil {
		return "", err
	}
	yes := true
	if _, err := s.Users.UpdateUser(ctx, id, UserChange{PasswordHash: &hash, MustChangePassword: &yes, BumpTokenVersion: true, At: s.Now().UTC()}); err != nil {
		return "", err
	}
	s.forget(id)
	if err := s.Sessions.DeleteUserSessions(ctx, id); err != nil {
		return "", err
	}
	return temp, s.audit(ctx, &actor, "user.resetPassword", id, "temporary password set; sessions ended")
}

// UserJSON is for logs and tests: a user without secrets.
func (u User) String() string {
	b, _ := json.Marshal(map[string]any{"id": u.ID, "email": u.Email, "role": u.Role, "unit": u.UnitID, "active": u.Active})
	return string(b)
}
