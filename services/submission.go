package services

import (
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// SubmitInput is a report as a citizen files it. It carries no status, id or
// timestamp: those are the portal's to set.
type SubmitInput struct {
	Kind          Kind
	Category      string
	Title         string
	Description   string
	IncidentDate  string
	AreaCode      string
	Place         string
	Office        string
	Counter       string
	Procedure     string
	DossierNumber string
	Officials     string
	Language      string
	Anonymous     bool
	Identity      *IdentityInput
	// Channel and FiledBy are set by the service that takes the report
	// (Intake.Submit, FileOnBehalf, SubmitOpen311), never by a client.
	Channel Channel
	FiledBy string
}

// Normalize trims the text fields and applies defaults.
func (in *SubmitInput) Normalize() {
	for _, p := range []*string{&in.Category, &in.Title, &in.IncidentDate, &in.AreaCode, &in.Place, &in.Office,
		&in.Counter, &in.Procedure, &in.DossierNumber, &in.Officials, &in.Language} {
		*p = strings.TrimSpace(*p)
	}
	in.Kind = Kind(strings.TrimSpace(string(in.Kind)))
	in.Description = strings.TrimSpace(in.Description)
	if in.Language == "" {
		in.Language = "vi"
	}
	if in.Identity != nil {
		// Work on a copy: the caller's input stays as it was.
		id := new(IdentityInput)
		*id = *in.Identity
		in.Identity = id
		for _, p := range []*string{&id.Name, &id.Phone, &id.Email, &id.Address, &id.NationalID} {
			*p = strings.TrimSpace(*p)
		}
		if id.empty() {
			in.Identity = nil
		}
	}
}

var (
	phonePattern      = regexp.MustCompile(`^\+?[0-9 .()-]{8,20}$`)
	nationalIDPattern = regexp.MustCompile(`^([0-9]{9}|[0-9]{12})$`)
	datePattern       = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
)

// Validate checks the input against the rules of docs/workflow.md ("Kinds and
// their legal regimes") and the limits.
// now decides which incident dates are in the future.
func (in *SubmitInput) Validate(lim Limits, now time.Time) error {
	f := FieldErrors{}
	if in.Kind == "" {
		f.Add("kind", FieldRequired)
	} else if !in.Kind.Valid() {
		f.Add("kind", FieldInvalid)
	}
	if in.Category == "" {
		f.Add("category", FieldRequired)
	}
	checkText(f, "title", in.Title, lim.MaxTitleChars, true)
	checkText(f, "description", in.Description, lim.MaxDescriptionChars, true)
	if in.Place == "" && in.AreaCode == "" {
		f.Add("place", FieldRequired)
	}
	for name, v := range map[string]string{"areaCode": in.AreaCode, "place": in.Place, "office": in.Office, "counter": in.Counter,
		"procedure": in.Procedure, "dossierNumber": in.DossierNumber, "officials": in.Officials} {
		checkText(f, name, v, lim.MaxFieldChars, false)
	}
	if in.Language != "vi" && in.Language != "en" {
		f.Add("language", FieldInvalid)
	}
	if in.IncidentDate != "" {
		d, err := time.ParseInLocation("2006-01-02", in.IncidentDate, VietnamTime)
		switch {
		case !datePattern.MatchString(in.IncidentDate) || err != nil || d.Year() < 1945:
			f.Add("incidentDate", FieldInvalid)
		case d.After(now.In(VietnamTime)):
			f.Add("incidentDate", FieldFuture)
		}
	}
	switch {
	case in.Anonymous && in.Identity != nil:
		f.Add("identity", FieldNotAllowed)
	case in.Anonymous && in.Kind == KindComplaint:
		// A complaint contests a decision affecting the complainant: it
		// cannot be anonymous (Law on Complaints 2011, Art. 8).
		f.Add("anonymous", FieldNotAllowed)
	case !in.Anonymous && in.Kind.RequiresIdentity() && in.Identity == nil:
		f.Add("identity.name", FieldRequired)
	case in.Identity != nil:
		in.Identity.validate(f, lim)
	}
	return f.Err()
}

// forbiddenRune reports control characters (other than line breaks and
// tabs) and the bidirectional overrides and isolates that can make text
// display differently from what it says.
func forbiddenRune(r rune) bool {
	switch {
	case r == '\n' || r == '\r' || r == '\t':
		return false
	case unicode.IsControl(r):
		return true
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r == 0x200E, r == 0x200F:
		return true
	}
	return false
}

func checkText(f FieldErrors, name, v string, max int, required bool) {
	switch {
	case v == "" && required:
		f.Add(name, FieldRequired)
	case !utf8.ValidString(v):
		// Invalid bytes would be hashed as U+FFFD: two different
		// submissions must never share a content hash.
		f.Add(name, FieldInvalid)
	case utf8.RuneCountInString(v) > max:
		f.Add(name, FieldTooLong)
	case strings.ContainsFunc(v, forbiddenRune):
		f.Add(name, FieldInvalid)
	}
}
