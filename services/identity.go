package services

import (
	"context"
	"encoding/json"
	"fmt"
	"net/mail"
	"path"
	"regexp"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// IdentityVault is the one place where complainants' identities are sealed
// and opened (docs/privacy.md, "The
// complainant's identity is sealed"): at filing and appeal, for the
// portal's own checks (the public-summary check, the content-free citizen
// e-mail) and for a custody holder's reading through Custody. What it opens
// never leaves the services and is never logged.
type IdentityVault struct {
	identities IdentityStore
	sealer     Sealer
	now        func() time.Time
}

// NewIdentityVault seals with sealer into identities; now is the clock
// (time.Now when nil).
func NewIdentityVault(identities IdentityStore, sealer Sealer, now func() time.Time) *IdentityVault {
	return &IdentityVault{identities: identities, sealer: sealer, now: clockOrNow(now)}
}

// Open returns the identity of a report; ok is false for an anonymous one.
func (v *IdentityVault) Open(ctx context.Context, caseID string) (id Identity, ok bool, err error) {
	sealed, err := v.identities.FindIdentity(ctx, caseID)
	if IsCode(err, CodeNotFound) {
		return Identity{}, false, nil
	}
	if err != nil {
		return Identity{}, false, err
	}
	plain, err := v.sealer.Open(sealed.Sealed, []byte(caseID))
	if err != nil {
		return Identity{}, false, Wrap(err, ReasonInternal, "The identity could not be opened.")
	}
	if err := json.Unmarshal(plain, &id); err != nil {
		return Identity{}, false, Wrap(err, ReasonInternal, "The identity could not be read.")
	}
	return id, true, nil
}

// Seal stores id as the identity of a report (sealed to its id).
func (v *IdentityVault) Seal(ctx context.Context, caseID string, id Identity) error {
	plain, err := json.Marshal(id)
	if err != nil {
		return Wrap(err, ReasonInternal, "Could not protect the identity.")
	}
	sealed, err := v.sealer.Seal(plain, []byte(caseID))
	if err != nil {
		return Wrap(err, ReasonInternal, "Could not protect the identity.")
	}
	return v.identities.InsertIdentity(ctx, SealedIdentity{CaseID: caseID, KeyID: v.sealer.KeyID(), Sealed: sealed,
		CreatedAt: stamp(v.now)})
}

// fileNameAD binds a sealed file name to its report and file.
func fileNameAD(caseID, attID string) []byte {
	return []byte("file-name\x00" + caseID + "\x00" + attID)
}

// SealFileName seals the citizen's name of file attID of report caseID:
// file names often carry the complainant's name or ID number.
func (v *IdentityVault) SealFileName(caseID, attID, name string) ([]byte, error) {
	sealed, err := v.sealer.Seal([]byte(name), fileNameAD(caseID, attID))
	if err != nil {
		return nil, Wrap(err, ReasonInternal, "Could not protect the file name.")
	}
	return sealed, nil
}

// OriginalFileName is the citizen's name of file a of report caseID, for a
// custody holder: opened from SealedName, or the stored Name of a file
// stored before names were sealed; the neutral name when it cannot be
// opened.
func (v *IdentityVault) OriginalFileName(caseID string, a Attachment, pos int) string {
	if len(a.SealedName) == 0 {
		return a.Name
	}
	plain, err := v.sealer.Open(a.SealedName, fileNameAD(caseID, a.ID))
	if err != nil {
		return NeutralFileName(pos, a.Name)
	}
	return string(plain)
}

// NeutralFileName is what everyone but a custody holder sees of the file
// at position pos (1, 2, …) of a report: "bang-chung-<pos>" with the
// extension of name (decided from the content at upload).
func NeutralFileName(pos int, name string) string {
	return fmt.Sprintf("bang-chung-%d%s", pos, path.Ext(name))
}

// ShownAttachments are a report's files as everyone but a custody holder
// sees them: each under its neutral name, by its position in the report,
// without the sealed name.
func ShownAttachments(atts []Attachment) []Attachment {
	out := make([]Attachment, len(atts))
	for i, a := range atts {
		a.Name, a.SealedName = NeutralFileName(i+1, a.Name), nil
		out[i] = a
	}
	return out
}

// Discard removes the identity of a report that was never stored (a failed
// filing or appeal). It uses a fresh context, so that a cancelled request
// still cleans up.
func (v *IdentityVault) Discard(ctx context.Context, caseID string) {
	cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	_ = v.identities.DeleteIdentity(cleanup, caseID)
}

// emailLike is anything shaped like an e-mail address.
var emailLike = regexp.MustCompile(`[^\s@]+@[^\s@]+\.[^\s@]+`)

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

// SealedIdentity is a complainant's identity encrypted for one report.
type SealedIdentity struct {
	CaseID    string
	KeyID     string
	Sealed    []byte
	CreatedAt time.Time
}

// IdentityStore keeps sealed identities apart from the reports.
type IdentityStore interface {
	InsertIdentity(ctx context.Context, id SealedIdentity) error
	FindIdentity(ctx context.Context, caseID string) (SealedIdentity, error)
	DeleteIdentity(ctx context.Context, caseID string) error
}

// IdentityInput is who the complainant is. It is sealed at once and never
// stored, logged or returned in the clear.
type IdentityInput struct {
	Name       string `json:"name"`
	Phone      string `json:"phone"`
	Email      string `json:"email"`
	Address    string `json:"address"`
	NationalID string `json:"nationalId"`
}

func (id *IdentityInput) empty() bool {
	return id == nil || (id.Name == "" && id.Phone == "" && id.Email == "" && id.Address == "" && id.NationalID == "")
}

func (id *IdentityInput) validate(f FieldErrors, lim Limits) {
	checkText(f, "identity.name", id.Name, lim.MaxFieldChars, true)
	checkText(f, "identity.address", id.Address, lim.MaxFieldChars, false)
	if id.Phone == "" && id.Email == "" && id.Address == "" {
		f.Add("identity.phone", FieldRequired)
	}
	if id.Phone != "" && (!phonePattern.MatchString(id.Phone) || countDigits(id.Phone) < 8 || countDigits(id.Phone) > 15) {
		f.Add("identity.phone", FieldInvalid)
	}
	if id.Email != "" {
		a, err := mail.ParseAddress(id.Email)
		if err != nil || a.Address != id.Email || len(id.Email) > 254 {
			f.Add("identity.email", FieldInvalid)
		}
	}
	if id.NationalID != "" && !nationalIDPattern.MatchString(id.NationalID) {
		f.Add("identity.nationalId", FieldInvalid)
	}
}

func countDigits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}
