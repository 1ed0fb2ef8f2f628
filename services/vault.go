package services

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// IdentityVault opens and seals complainants' identities for the portal's
// own checks (the public-summary check, appeals, the content-free citizen
// e-mail). What it opens never leaves the services and is never logged;
// staff read identities only through Custody.
type IdentityVault struct {
	Identities IdentityStore
	Sealer     Sealer
	Now        func() time.Time
}

// Open returns the identity of a report; ok is false for an anonymous one.
func (v *IdentityVault) Open(ctx context.Context, caseID string) (id Identity, ok bool, err error) {
	sealed, err := v.Identities.FindIdentity(ctx, caseID)
	if IsCode(err, CodeNotFound) {
		return Identity{}, false, nil
	}
	if err != nil {
		return Identity{}, false, err
	}
	plain, err := v.Sealer.Open(sealed.Sealed, []byte(caseID))
	if err != nil {
		return Identity{}, false, Wrap(err, CodeInternal, "The identity could not be opened.")
	}
	if err := json.Unmarshal(plain, &id); err != nil {
		return Identity{}, false, Wrap(err, CodeInternal, "The identity could not be read.")
	}
	return id, true, nil
}

// Seal stores id as the identity of a report (sealed to its id).
func (v *IdentityVault) Seal(ctx context.Context, caseID string, id Identity) error {
	plain, err := json.Marshal(id)
	if err != nil {
		return Wrap(err, CodeInternal, "Could not protect the identity.")
	}
	sealed, err := v.Sealer.Seal(plain, []byte(caseID))
	if err != nil {
		return Wrap(err, CodeInternal, "Could not protect the identity.")
	}
	return v.Identities.InsertIdentity(ctx, SealedIdentity{CaseID: caseID, KeyID: v.Sealer.KeyID(), Sealed: sealed,
		CreatedAt: v.Now().UTC().Truncate(time.Millisecond)})
}

// Things that look like contact or identity data in any public text: an
// e-mail address, a run of 9 or more digits (phone numbers, ID numbers,
// possibly spaced or dotted).
var (
	emailLike  = regexp.MustCompile(`[^\s@]+@[^\s@]+\.[^\s@]+`)
	digitsLike = regexp.MustCompile(`\d[\d .\-]{7,}\d`)
)

// foldText lowercases, strips diacritics (đ → d) and collapses spaces so
// that "Nguyễn  Văn A" matches "nguyen van a".
func foldText(s string) string {
	var b strings.Builder
	space := true
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ':
			r = 'd'
		case unicode.IsSpace(r) || unicode.IsPunct(r):
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		b.WriteRune(r)
		space = false
	}
	return strings.TrimSpace(b.String())
}

func digitsOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// ContainsIdentity reports whether text shows any value of id (name,
// phone, e-mail, address, national ID — compared without case, diacritics
// or punctuation; numbers by their digits) or anything that looks like an
// e-mail address, phone or ID number. It errs on the side of refusing: a
// public summary must carry no personal data at all.
func ContainsIdentity(text string, id Identity) bool {
	if emailLike.MatchString(text) {
		return true
	}
	for _, m := range digitsLike.FindAllString(text, -1) {
		if len(digitsOnly(m)) >= 9 {
			return true
		}
	}
	folded := " " + foldText(text) + " "
	for _, v := range []string{id.Name, id.Email, id.Address} {
		if f := foldText(v); len([]rune(f)) >= 3 && strings.Contains(folded, " "+f+" ") {
			return true
		}
	}
	digits := digitsOnly(text)
	for _, v := range []string{id.Phone, id.NationalID} {
		if d := digitsOnly(v); len(d) >= 6 && strings.Contains(digits, d) {
			return true
		}
	}
	return false
}
