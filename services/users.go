package services

import (
	"bufio"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/mail"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
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
	// CoolingUntil ends the cooling period that an administrator's change
	// to the account (creation, password or second-factor reset, role or
	// unit change) starts: until then the account takes no part in
	// identity custody (docs/privacy.md, "Separation of duties").
	CoolingUntil time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// String is for logs and tests: a user without secrets.
func (u User) String() string {
	b, _ := json.Marshal(map[string]any{"id": u.ID, "email": u.Email, "role": u.Role, "unit": u.UnitID, "active": u.Active})
	return string(b)
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
	CoolingUntil       *time.Time
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

// Password problems, as the field code of "password" (the forms explain
// each one: frontend/src/locales).
const (
	passwordTooShort    = "too_short"
	passwordTooCommon   = "too_common"
	passwordTooPersonal = "too_personal"
	passwordTooWeak     = "too_weak"
	// passwordMinScore is the least zxcvbn score accepted: 3 of 4, "safely
	// unguessable", under about 10^10 guesses.
	passwordMinScore = 3
	// passwordEstimateRunes is how much of a password the estimator reads:
	// its repeat matcher backtracks, taking about a second on 256
	// repeated characters and 14 ms on 64.
	passwordEstimateRunes = 64
)

// portalWords are names of the portal a password must not be built on.
var portalWords = []string{"minhbach", "minh bach", "minh bạch"}

var passwordMessages = map[string]string{
	passwordTooShort:    "The password must have at least 12 characters.",
	FieldTooLong:        "The password is too long (at most 256 characters).",
	passwordTooCommon:   "This password is too common. Choose another.",
	passwordTooPersonal: "The password is built on the e-mail address, the name or the portal's name. Choose another.",
	passwordTooWeak:     "The password is too easy to guess (spaces only, repeated characters, a sequence or a keyboard row). Choose a longer or less regular one.",
}

// CheckPassword applies the password policy (README, "Staff access"): 12 to
// 256 characters; not on the common-password list; not built on the e-mail
// address's name part, the person's name (personal: the account's name) or
// the portal's name with only digits, years, spaces or punctuation added;
// and hard to guess by the zxcvbn estimate (score 3 of 4), which also
// refuses blanks, repeats, sequences and keyboard rows.
func CheckPassword(password, email string, personal ...string) error {
	n := utf8.RuneCountInString(password)
	lower := strings.ToLower(password)
	local, _, _ := strings.Cut(strings.ToLower(email), "@")
	var problem string
	switch {
	case !utf8.ValidString(password) || n < MinPasswordChars:
		problem = passwordTooShort
	case n > 256:
		problem = FieldTooLong
	case strings.TrimFunc(password, unicode.IsSpace) == "":
		problem = passwordTooWeak
	case commonPasswords()[lower], lower == strings.ToLower(email):
		problem = passwordTooCommon
	case builtOn(password, append([]string{local}, append(personal, portalWords...)...)):
		problem = passwordTooPersonal
	default:
		inputs := append([]string{email, local}, portalWords...)
		for _, p := range personal {
			inputs = append(inputs, strings.Fields(foldText(p))...)
		}
		est := password
		if n > passwordEstimateRunes {
			est = string([]rune(password)[:passwordEstimateRunes])
		}
		if zxcvbn.PasswordStrength(est, inputs).Score < passwordMinScore {
			problem = passwordTooWeak
		}
	}
	if problem == "" {
		return nil
	}
	return &Error{Code: CodeInvalid, Reason: ReasonPasswordWeak, Message: passwordMessages[problem], Fields: map[string]string{"password": problem}}
}

// builtOn reports whether the letters of password, folded (no case, no
// diacritics), are one of words (or a part of three letters or more of
// one), perhaps repeated: "Thanhtra@2026", "NguyenVanAn1990",
// "minhbach minhbach 1".
func builtOn(password string, words []string) bool {
	core := letters(password)
	if core == "" {
		return false
	}
	for _, w := range words {
		candidates := []string{letters(w)}
		for _, part := range strings.Fields(foldText(w)) {
			if len(part) >= 3 {
				candidates = append(candidates, letters(part))
			}
		}
		for _, c := range candidates {
			if c != "" && len(core)%len(c) == 0 && strings.Repeat(c, len(core)/len(c)) == core {
				return true
			}
		}
	}
	return false
}

// letters keeps the letters of s, folded.
func letters(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) {
			return r
		}
		return -1
	}, foldText(s))
}

func normalizeEmail(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	a, err := mail.ParseAddress(s)
	return s, err == nil && a.Address == s && len(s) <= 254
}

// checkUnit requires a unit that exists, is active and fits the role:
// inspection units for inspectors and leads, Front committees for monitors.
func (s *Staff) checkUnit(ctx context.Context, f FieldErrors, role Role, unitID string) error {
	if s.units == nil || unitID == "" || role == RoleAdmin {
		return nil
	}
	u, err := s.units.UnitByID(ctx, unitID)
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

// record writes an account change to the admin audit log.
func (s *Staff) record(ctx context.Context, actor *Actor, action, target, summary string) error {
	if s.audit == nil {
		return nil
	}
	id := "system"
	if actor != nil {
		id = actor.UserID
	}
	if err := s.audit.InsertAdminEvent(ctx, AdminEvent{At: s.now().UTC(), ActorID: id, Action: action, Target: target, Summary: summary}); err != nil {
		return Wrap(err, ReasonSavedNotAudited, "The change was saved but could not be written to the audit log; tell the operator.")
	}
	return nil
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
	if err := CheckPassword(in.Password, email, in.Name); err != nil {
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
	hash, err := hashSecret(ctx, s.hasher, in.Password)
	if err != nil {
		return User{}, err
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	u := &User{Email: email, Name: strings.TrimSpace(in.Name), Role: in.Role, UnitID: in.UnitID, Active: true,
		PasswordHash: hash, MustChangePassword: in.MustChangePassword, TokenVersion: 1, CreatedAt: now, UpdatedAt: now}
	if actor != nil {
		// An administrator's account: the password it chose opens only
		// the change of password, and the account starts cooling
		// (docs/privacy.md, "Separation of duties"). The bootstrap
		// command and the demo seed (actor nil) are the operator's own
		// acts at install time.
		u.MustChangePassword, u.CoolingUntil = true, s.coolingEnd()
	}
	if err := s.users.InsertUser(ctx, u); err != nil {
		if IsCode(err, CodeConflict) {
			return User{}, &Error{Code: CodeConflict, Reason: ReasonEmailTaken, Message: "An account with this e-mail already exists.", Fields: map[string]string{"email": "taken"}}
		}
		return User{}, err
	}
	if err := s.record(ctx, actor, "user.create", u.ID, fmt.Sprintf("%s as %s in unit %q", u.Email, u.Role, u.UnitID)); err != nil {
		return *u, err
	}
	if actor == nil {
		return *u, nil
	}
	return *u, s.announce(ctx, actor, StaffingAccountCreated, *u, *u)
}

// ListUsers lists staff accounts (admin).
func (s *Staff) ListUsers(ctx context.Context, actor Actor) ([]User, error) {
	if err := actor.RequireAdmin(); err != nil {
		return nil, err
	}
	return s.users.ListUsers(ctx, 1000)
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
	u, err := s.users.FindUserByID(ctx, id)
	if err != nil {
		return User{}, err
	}
	f := FieldErrors{}
	ch := UserChange{Name: in.Name, Role: in.Role, UnitID: in.UnitID, Active: in.Active, At: s.now().UTC()}
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
	// Separation of duties (docs/privacy.md): an administrator account
	// never holds a unit role, and nobody changes their own role or unit.
	if id == actor.UserID && (role != u.Role || unit != u.UnitID) {
		return User{}, Errorf(ReasonOwnRoleOrUnit, "Nobody may change their own role or unit: ask another administrator.")
	}
	if u.Role == RoleAdmin && role != RoleAdmin {
		return User{}, Errorf(ReasonAdminNoUnitRole, "An administrator account never takes a role in a unit: create a separate account for the person.")
	}
	if in.Role != nil || in.UnitID != nil {
		if err := s.checkUnit(ctx, f, role, unit); err != nil {
			return User{}, err
		}
	}
	if err := f.Err(); err != nil {
		return User{}, err
	}
	moved := role != u.Role || unit != u.UnitID
	toggled := in.Active != nil && *in.Active != u.Active
	ch.BumpTokenVersion = moved || toggled
	// Re-enabling an account starts a cooling period like a move: an
	// account disabled long ago and enabled again by an administrator is
	// a new person in custody (docs/privacy.md, "Separation of duties").
	if moved || (toggled && *in.Active) {
		until := s.coolingEnd()
		ch.CoolingUntil = &until
	}
	before := u
	u, err = s.users.UpdateUser(ctx, id, ch)
	if err != nil {
		return User{}, err
	}
	if in.Active != nil && !*in.Active {
		_ = s.sessions.DeleteUserSessions(ctx, id)
	}
	if err := s.record(ctx, &actor, "user.update", id, fmt.Sprintf("%s: role %s, unit %q, active %v", u.Email, u.Role, u.UnitID, u.Active)); err != nil {
		return u, err
	}
	if moved {
		if err := s.announce(ctx, &actor, StaffingRoleChanged, before, u); err != nil {
			return u, err
		}
	}
	if toggled {
		kind := StaffingAccountDisabled
		if u.Active {
			kind = StaffingAccountEnabled
		}
		if err := s.announce(ctx, &actor, kind, before, u); err != nil {
			return u, err
		}
	}
	return u, nil
}

// ResetPassword sets a temporary password the user must change, ends their
// sessions and returns the temporary password (shown once to the admin).
func (s *Staff) ResetPassword(ctx context.Context, actor Actor, id string) (string, error) {
	if err := actor.RequireAdmin(); err != nil {
		return "", err
	}
	temp := newToken(9) // 18 hex characters
	hash, err := hashSecret(ctx, s.hasher, temp)
	if err != nil {
		return "", err
	}
	yes, until := true, s.coolingEnd()
	u, err := s.users.UpdateUser(ctx, id, UserChange{PasswordHash: &hash, MustChangePassword: &yes, CoolingUntil: &until,
		BumpTokenVersion: true, At: s.now().UTC()})
	if err != nil {
		return "", err
	}
	if err := s.sessions.DeleteUserSessions(ctx, id); err != nil {
		return "", err
	}
	if err := s.record(ctx, &actor, "user.resetPassword", id, "temporary password set; sessions ended; cooling period started"); err != nil {
		return temp, err
	}
	return temp, s.announce(ctx, &actor, StaffingPasswordReset, u, u)
}

// ResetSecondFactor removes a staff member's second factor (admin), for a
// lost authenticator: the account enrols again at its next sign-in, its
// sessions end, and it starts a cooling period, shown in its unit's
// staffing feed. Nobody resets their own.
func (s *Staff) ResetSecondFactor(ctx context.Context, actor Actor, id string) (User, error) {
	if err := actor.RequireAdmin(); err != nil {
		return User{}, err
	}
	if id == actor.UserID {
		return User{}, Errorf(ReasonOwnSecondFactor, "Nobody may reset their own second factor: ask another administrator.")
	}
	off, none, noCodes, step, until := false, []byte{}, []string{}, int64(0), s.coolingEnd()
	u, err := s.users.UpdateUser(ctx, id, UserChange{TOTPEnabled: &off, TOTPSealed: &none, RecoveryCodes: &noCodes, TOTPLastStep: &step,
		CoolingUntil: &until, BumpTokenVersion: true, At: s.now().UTC()})
	if err != nil {
		return User{}, err
	}
	if err := s.sessions.DeleteUserSessions(ctx, id); err != nil {
		return User{}, err
	}
	if err := s.record(ctx, &actor, "user.resetTOTP", id, u.Email+": second factor removed; sessions ended; cooling period started"); err != nil {
		return u, err
	}
	return u, s.announce(ctx, &actor, StaffingTOTPReset, u, u)
}
