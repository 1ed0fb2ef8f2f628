package services

import (
	"context"
	"strings"
	"time"

	"minhbach/internal/totp"
)

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

// SignIn is one staff sign-in: the family of refresh tokens a login
// starts. Every access token carries its id, and authentication refuses a
// token whose sign-in is gone, so ending the sign-in (logout, refresh-token
// reuse, disabling the account, a password change or reset) ends every token
// of it at once, on every portal instance (docs/architecture.md).
type SignIn struct {
	ID        string
	UserID    string
	CreatedAt time.Time
	// ExpiresAt is the expiry of its newest refresh token.
	ExpiresAt time.Time
}

// SessionStore keeps sign-ins and their refresh sessions.
type SessionStore interface {
	InsertSignIn(ctx context.Context, s SignIn) error
	FindSignIn(ctx context.Context, id string) (SignIn, error)
	// ExtendSignIn moves a sign-in's expiry; false when it has ended.
	ExtendSignIn(ctx context.Context, id string, expires time.Time) (bool, error)
	InsertSession(ctx context.Context, s RefreshSession) error
	FindSession(ctx context.Context, hash string) (RefreshSession, error)
	// MarkSessionUsed sets Used on an unused session; false when it was
	// already used (or gone).
	MarkSessionUsed(ctx context.Context, hash string) (bool, error)
	// DeleteFamily ends a sign-in: the sign-in first, then its refresh
	// sessions.
	DeleteFamily(ctx context.Context, family string) error
	// DeleteUserSessions ends every sign-in of a user.
	DeleteUserSessions(ctx context.Context, userID string) error
	// DeleteExpiredSessions removes expired sign-ins and refresh sessions.
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error)
}

// AccountThrottlePolicy locks an account for a growing time after 10 failed
// logins from anywhere; AccountClientThrottlePolicy locks the account as
// tried from one client after 5. Neither locks a client address as such,
// which everyone behind one proxy or carrier NAT shares (docs/privacy.md,
// "Throttles behind proxies").
var (
	AccountThrottlePolicy       = ThrottlePolicy{Free: 10, Base: 2 * time.Second, Max: 15 * time.Minute, Window: time.Hour}
	AccountClientThrottlePolicy = ThrottlePolicy{Free: 5, Base: 2 * time.Second, Max: 15 * time.Minute, Window: time.Hour}
)

// RefreshTTL is how long a refresh token (and so a staff sign-in) lasts.
const RefreshTTL = 12 * time.Hour

// totpIssuer names the portal in authenticator apps.
const totpIssuer = "Minh Bach"

// LoginResult is a successful login: an access token, or (when a second
// factor must first be enrolled) an enrolment token.
type LoginResult struct {
	User User
	// UnitName names the user's unit ("" for none).
	UnitName        string
	AccessToken     string
	ExpiresAt       time.Time
	RefreshToken    string
	RefreshExpires  time.Time
	EnrolToken      string
	EnrolmentNeeded bool
	// PasswordToken, when PasswordChangeNeeded, opens only the change of
	// password: a temporary password (a new account or a reset) signs in
	// to nothing else.
	PasswordToken        string
	PasswordChangeNeeded bool
}

var errBadLogin = Errorf(ReasonLoginWrong, "The e-mail address or the password is wrong.")

// Login checks e-mail, password and (when enrolled) a TOTP or recovery
// code. Unknown accounts and wrong passwords get the same answer in about
// the same time; failures lock the account for a growing time, and the
// account as tried from that client sooner. The client address is never a
// lock on its own: everyone behind one proxy or carrier NAT shares it.
func (s *Staff) Login(ctx context.Context, email, password, code, clientAddr string) (LoginResult, error) {
	email, _ = normalizeEmail(email)
	acctKey, clientKey := "acct:"+email, s.clients.ClientKey(clientAddr)+"|"+email
	if wait := max(s.accounts.Check(acctKey), s.clients.Check(clientKey)); wait > 0 {
		return LoginResult{}, rateLimited(wait)
	}
	fail := func(err error) (LoginResult, error) {
		if wait := max(s.accounts.Fail(acctKey), s.clients.Fail(clientKey)); wait > 0 {
			return LoginResult{}, rateLimited(wait)
		}
		return LoginResult{}, err
	}
	u, err := s.users.FindUserByEmail(ctx, email)
	hash := s.dummyHash
	switch {
	case err == nil:
		hash = u.PasswordHash
	case !IsCode(err, CodeNotFound):
		return LoginResult{}, err
	}
	ok, verr := verifySecret(ctx, s.hasher, password, hash)
	if verr != nil && IsCode(verr, CodeUnavailable) {
		return LoginResult{}, verr
	}
	if err != nil || !ok || !u.Active {
		return fail(errBadLogin)
	}
	if u.TOTPEnabled {
		if strings.TrimSpace(code) == "" {
			return LoginResult{}, &Error{Code: CodeUnauthorized, Reason: ReasonTOTPRequired, Message: "Enter the code from your authenticator app.", Fields: map[string]string{"totp": FieldRequired}}
		}
		if !s.checkSecondFactor(ctx, u, code) {
			return fail(&Error{Code: CodeUnauthorized, Reason: ReasonTOTPWrong, Message: "The code is wrong or was already used.", Fields: map[string]string{"totp": FieldInvalid}})
		}
	}
	s.accounts.Reset(acctKey)
	if u.MustChangePassword {
		tok, exp, err := s.tokens.IssuePassword(u)
		return LoginResult{User: u, UnitName: s.UnitName(ctx, u.UnitID), PasswordToken: tok, ExpiresAt: exp, PasswordChangeNeeded: true}, err
	}
	if !u.TOTPEnabled && s.require2FA && (u.Role == RoleAdmin || u.Role == RoleLead) {
		tok, exp, err := s.tokens.IssueEnrol(u)
		return LoginResult{User: u, UnitName: s.UnitName(ctx, u.UnitID), EnrolToken: tok, ExpiresAt: exp, EnrolmentNeeded: true}, err
	}
	return s.startSession(ctx, u, "")
}

// checkSecondFactor accepts a recovery code once, or a TOTP code whose time
// step is later than the last one the account used, so that no code is
// accepted twice.
func (s *Staff) checkSecondFactor(ctx context.Context, u User, code string) bool {
	code = strings.TrimSpace(code)
	if len(code) > totp.Digits { // a recovery code
		ok, err := s.users.UseRecoveryCode(ctx, u.ID, sha256Hex(normalizeRecovery(code)))
		return err == nil && ok
	}
	secret, err := s.sealer.Open(u.TOTPSealed, []byte("totp:"+u.ID))
	if err != nil {
		return false
	}
	step, ok := totp.Check(secret, code, s.now())
	if !ok {
		return false
	}
	fresh, err := s.users.UseTOTPStep(ctx, u.ID, step)
	return err == nil && fresh
}

func normalizeRecovery(code string) string {
	return strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(code))
}

// startSession issues an access token and a refresh token: a new sign-in
// when family is empty, else the next tokens of that sign-in, refused when
// it has ended meanwhile.
func (s *Staff) startSession(ctx context.Context, u User, family string) (LoginResult, error) {
	now := s.now().UTC().Truncate(time.Millisecond)
	expires := now.Add(RefreshTTL)
	if family == "" {
		family = newToken(12)
		if err := s.sessions.InsertSignIn(ctx, SignIn{ID: family, UserID: u.ID, CreatedAt: now, ExpiresAt: expires}); err != nil {
			return LoginResult{}, err
		}
	} else if live, err := s.sessions.ExtendSignIn(ctx, family, expires); err != nil {
		return LoginResult{}, err
	} else if !live {
		return LoginResult{}, errBadRefresh
	}
	access, exp, err := s.tokens.IssueStaff(u, family)
	if err != nil {
		return LoginResult{}, err
	}
	refresh := newToken(32)
	rs := RefreshSession{Hash: sha256Hex(refresh), Family: family, UserID: u.ID, CreatedAt: now, ExpiresAt: expires}
	if err := s.sessions.InsertSession(ctx, rs); err != nil {
		return LoginResult{}, err
	}
	return LoginResult{User: u, UnitName: s.UnitName(ctx, u.UnitID), AccessToken: access, ExpiresAt: exp, RefreshToken: refresh,
		RefreshExpires: rs.ExpiresAt}, nil
}

var errBadRefresh = Errorf(ReasonSessionEnded, "Your session has ended; please sign in again.")

// Refresh rotates a refresh token. A token presented twice means it was
// stolen or replayed: its whole family is revoked and the event logged.
func (s *Staff) Refresh(ctx context.Context, refresh string) (LoginResult, error) {
	if len(refresh) != 64 {
		return LoginResult{}, errBadRefresh
	}
	hash := sha256Hex(refresh)
	rs, err := s.sessions.FindSession(ctx, hash)
	if IsCode(err, CodeNotFound) {
		return LoginResult{}, errBadRefresh
	}
	if err != nil {
		return LoginResult{}, err
	}
	reuse := func() (LoginResult, error) {
		if err := s.sessions.DeleteFamily(context.WithoutCancel(ctx), rs.Family); err != nil {
			return LoginResult{}, err
		}
		s.log("refresh token reused: session family revoked", "userId", rs.UserID)
		return LoginResult{}, errBadRefresh
	}
	if rs.Used {
		return reuse()
	}
	if !s.now().Before(rs.ExpiresAt) {
		return LoginResult{}, errBadRefresh
	}
	fresh, err := s.sessions.MarkSessionUsed(ctx, hash)
	if err != nil {
		return LoginResult{}, err
	}
	if !fresh {
		return reuse()
	}
	u, err := s.users.FindUserByID(ctx, rs.UserID)
	if err != nil || !u.Active {
		_ = s.sessions.DeleteFamily(context.WithoutCancel(ctx), rs.Family)
		return LoginResult{}, errBadRefresh
	}
	return s.startSession(ctx, u, rs.Family)
}

// Logout ends the sign-in the refresh token belongs to.
func (s *Staff) Logout(ctx context.Context, refresh string) error {
	if len(refresh) != 64 {
		return nil
	}
	rs, err := s.sessions.FindSession(ctx, sha256Hex(refresh))
	if err != nil {
		if IsCode(err, CodeNotFound) {
			return nil
		}
		return err
	}
	return s.sessions.DeleteFamily(ctx, rs.Family)
}

// Me returns the signed-in staff member of an access token and the name of
// their unit.
func (s *Staff) Me(ctx context.Context, token string) (User, string, error) {
	_, u, err := s.Authenticate(ctx, token)
	if err != nil {
		return User{}, "", err
	}
	return u, s.UnitName(ctx, u.UnitID), nil
}

// Authenticate turns a staff access token into the actor. Its sign-in and
// its user are read from the store on every request, never from a cache: a
// sign-in ended on any portal instance (logout, refresh-token reuse) and a
// disabled account, a role or unit change or a password change (the token
// version) refuse the very next request everywhere.
func (s *Staff) Authenticate(ctx context.Context, token string) (Actor, User, error) {
	c, err := s.tokens.VerifyStaff(token, AudienceStaff)
	if err != nil {
		return Actor{}, User{}, err
	}
	if c.SignIn == "" {
		return Actor{}, User{}, errTokenInvalid
	}
	si, err := s.sessions.FindSignIn(ctx, c.SignIn)
	if IsCode(err, CodeNotFound) || (err == nil && (si.UserID != c.Subject || !s.now().Before(si.ExpiresAt))) {
		return Actor{}, User{}, errTokenInvalid
	}
	if err != nil {
		return Actor{}, User{}, err
	}
	u, err := s.users.FindUserByID(ctx, c.Subject)
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
	c, err := s.tokens.VerifyStaff(token, AudienceEnrol)
	if err != nil {
		return User{}, false, err
	}
	u, err := s.users.FindUserByID(ctx, c.Subject)
	if err != nil || !u.Active || u.TokenVersion != c.Version {
		return User{}, false, errTokenInvalid
	}
	return u, true, nil
}

// AuthenticatePassword turns a password-change token (or a staff token)
// into the actor, for the change of password only.
func (s *Staff) AuthenticatePassword(ctx context.Context, token string) (Actor, error) {
	if a, _, err := s.Authenticate(ctx, token); err == nil {
		return a, nil
	}
	c, err := s.tokens.VerifyStaff(token, AudiencePassword)
	if err != nil {
		return Actor{}, err
	}
	u, err := s.users.FindUserByID(ctx, c.Subject)
	if err != nil || !u.Active || u.TokenVersion != c.Version {
		return Actor{}, errTokenInvalid
	}
	return Actor{UserID: u.ID, Email: u.Email, Role: u.Role, UnitID: u.UnitID}, nil
}

// TOTPSetup is what an authenticator app needs.
type TOTPSetup struct {
	Secret string
	URL    string
}

// SetupTOTP generates a new secret for u (not yet enabled). A signed-in
// staff member (not one completing a sign-in with an enrolment token)
// confirms with their password, so that a stolen access token cannot
// enrol its own second factor.
func (s *Staff) SetupTOTP(ctx context.Context, u User, password string, viaEnrol bool) (TOTPSetup, error) {
	if u.TOTPEnabled {
		return TOTPSetup{}, Errorf(ReasonTOTPEnrolled, "A second factor is already enrolled.")
	}
	if !viaEnrol {
		key := "acct:" + u.Email
		if wait := s.accounts.Check(key); wait > 0 {
			return TOTPSetup{}, rateLimited(wait)
		}
		if ok, err := verifySecret(ctx, s.hasher, password, u.PasswordHash); err != nil && IsCode(err, CodeUnavailable) {
			return TOTPSetup{}, err
		} else if !ok {
			if wait := s.accounts.Fail(key); wait > 0 {
				return TOTPSetup{}, rateLimited(wait)
			}
			return TOTPSetup{}, &Error{Code: CodeInvalid, Reason: ReasonPasswordWrong, Message: "The password is wrong.", Fields: map[string]string{"password": FieldInvalid}}
		}
	}
	secret, text, err := totp.NewSecret()
	if err != nil {
		return TOTPSetup{}, err
	}
	sealed, err := s.sealer.Seal(secret, []byte("totp:"+u.ID))
	if err != nil {
		return TOTPSetup{}, err
	}
	if _, err := s.users.UpdateUser(ctx, u.ID, UserChange{TOTPSealed: &sealed, At: s.now().UTC()}); err != nil {
		return TOTPSetup{}, err
	}
	return TOTPSetup{Secret: text, URL: totp.URL(secret, totpIssuer, u.Email)}, nil
}

// TOTPEnabled is a confirmed enrolment: the ten recovery codes, shown
// once, and, when the enrolment completed a sign-in, its session.
type TOTPEnabled struct {
	RecoveryCodes []string
	Session       *LoginResult
}

// EnableTOTP confirms the enrolment with a first code and returns ten
// recovery codes, shown once. signIn (an enrolment that a sign-in was
// waiting for) also starts the user's session.
func (s *Staff) EnableTOTP(ctx context.Context, userID, code string, signIn bool) (TOTPEnabled, error) {
	u, codes, err := s.enableTOTP(ctx, userID, code)
	if err != nil || !signIn {
		return TOTPEnabled{RecoveryCodes: codes}, err
	}
	res, err := s.startSession(ctx, u, "")
	if err != nil {
		return TOTPEnabled{}, err
	}
	return TOTPEnabled{RecoveryCodes: codes, Session: &res}, nil
}

func (s *Staff) enableTOTP(ctx context.Context, userID, code string) (User, []string, error) {
	u, err := s.users.FindUserByID(ctx, userID)
	if err != nil {
		return User{}, nil, err
	}
	if u.TOTPEnabled || len(u.TOTPSealed) == 0 {
		return User{}, nil, Errorf(ReasonTOTPNotStarted, "Start the enrolment first.")
	}
	secret, err := s.sealer.Open(u.TOTPSealed, []byte("totp:"+u.ID))
	if err != nil {
		return User{}, nil, Wrap(err, ReasonInternal, "The enrolment could not be read.")
	}
	step, ok := totp.Check(secret, code, s.now())
	if !ok {
		return User{}, nil, &Error{Code: CodeInvalid, Reason: ReasonTOTPCodeWrong, Message: "The code is wrong.", Fields: map[string]string{"code": FieldInvalid}}
	}
	codes := make([]string, 10)
	hashes := make([]string, 10)
	for i := range codes {
		raw := newToken(5) // 10 hex characters, 40 bits
		codes[i] = raw[:5] + "-" + raw[5:]
		hashes[i] = sha256Hex(raw)
	}
	on := true
	u, err = s.users.UpdateUser(ctx, u.ID, UserChange{TOTPEnabled: &on, TOTPLastStep: &step, RecoveryCodes: &hashes, At: s.now().UTC()})
	if err != nil {
		return User{}, nil, err
	}
	return u, codes, nil
}

// ChangePassword changes the actor's own password and ends every other
// session (the token version changes).
func (s *Staff) ChangePassword(ctx context.Context, actor Actor, current, next string) error {
	u, err := s.users.FindUserByID(ctx, actor.UserID)
	if err != nil {
		return err
	}
	if ok, _ := verifySecret(ctx, s.hasher, current, u.PasswordHash); !ok {
		return &Error{Code: CodeInvalid, Reason: ReasonPasswordWrong, Message: "The current password is wrong.", Fields: map[string]string{"currentPassword": FieldInvalid}}
	}
	if err := CheckPassword(next, u.Email, u.Name); err != nil {
		e := err.(*Error)
		return &Error{Code: CodeInvalid, Reason: ReasonPasswordWeak, Message: e.Message, Fields: map[string]string{"newPassword": e.Fields["password"]}}
	}
	if u.MustChangePassword && next == current {
		// The temporary password was chosen by an administrator: the
		// account's own must differ (docs/privacy.md, "Separation of duties").
		return &Error{Code: CodeInvalid, Reason: ReasonPasswordSame, Message: "Choose a password of your own, not the temporary one.", Fields: map[string]string{"newPassword": "same_password"}}
	}
	hash, err := hashSecret(ctx, s.hasher, next)
	if err != nil {
		return err
	}
	no := false
	if _, err := s.users.UpdateUser(ctx, u.ID, UserChange{PasswordHash: &hash, MustChangePassword: &no, BumpTokenVersion: true, At: s.now().UTC()}); err != nil {
		return err
	}
	return s.sessions.DeleteUserSessions(ctx, u.ID)
}
