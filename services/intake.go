package services

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/mail"
	"regexp"
	"strings"
	"time"
	_ "time/tzdata" // dates are reckoned in Vietnam time even on minimal images
	"unicode"
	"unicode/utf8"
)

// VietnamTime is Asia/Ho_Chi_Minh, the zone in which dates and working days
// are reckoned.
var VietnamTime = mustLoadLocation("Asia/Ho_Chi_Minh")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // time/tzdata is embedded, so this cannot happen
	}
	return loc
}

// CaseStore persists reports.
type CaseStore interface {
	// NewID returns a fresh, unique report id.
	NewID() string
	// InsertCase stores a new report. A duplicate tracking code is a
	// conflict error.
	InsertCase(ctx context.Context, c *Case) error
	FindCaseByID(ctx context.Context, id string) (Case, error)
	FindCaseByTrackingCode(ctx context.Context, code string) (Case, error)
	// UpdateCase applies change to the report if it is still at version
	// (and, when change.FromStatus is set, in one of those statuses), and
	// returns the updated report; otherwise it is a conflict.
	UpdateCase(ctx context.Context, id string, version int64, change CaseChange) (Case, error)
}

// CaseChange is one atomic update of a report.
type CaseChange struct {
	FromStatus  []Status
	Outcome     *Outcome // set on conclusion
	Rating      *Rating  // set when the citizen rates
	UnitID      *string  // re-routing
	FrontUnitID *string
	AssigneeID  *string
	DueAt       *time.Time // the next due date (set by DueDates)
	Complex     *bool
	AppealID    *string
	Proposal    *Proposal // set (replaced) by a proposal
	// ClearProposal removes the pending proposal (on conclusion).
	ClearProposal bool
	// Extensions (when not nil) rewrites the extension ledger.
	Extensions     []CaseExtension
	OverdueFlagged *bool
	NearNotified   *bool
	// Recommendations are appended; ReplaceRecommendations (when not nil)
	// rewrites the whole list (to record an answer).
	Recommendations        []Recommendation
	ReplaceRecommendations []Recommendation
	Status                 Status // empty: unchanged
	WithdrawReason         string
	Attachments            []Attachment
	Messages               []Message
	Events                 []Event
	At                     time.Time
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

// SubmitResult is what the citizen receives once, on submission.
type SubmitResult struct {
	ID                    string
	TrackingCode          string
	Receipt               string
	Kind                  Kind
	AnonymousDenunciation bool
	SubmittedAt           time.Time
	ContentHash           string
	Attachments           []Attachment
	// Replayed is true when the answer is the one given earlier to a
	// request with the same Idempotency-Key.
	Replayed bool
	// Token signs the citizen in to the new report (so that the receipt
	// page can fetch the proof of filing at once), until TokenExpiresAt.
	// It is issued afresh for every answer, a replay included.
	Token          string    `json:"-"`
	TokenExpiresAt time.Time `json:"-"`
}

// SubmitRequest is one submission: the report, its files (nil for none)
// and the client's Idempotency-Key (empty for none).
type SubmitRequest struct {
	Input          SubmitInput
	Files          FileSource
	IdempotencyKey string
}

// Intake files citizens' reports (and their appeals).
type Intake struct {
	cases       CaseStore
	vault       *IdentityVault
	catalog     CatalogStore
	idempotency IdempotencyStore
	evidence    *Evidence
	router      Router
	hasher      Hasher
	tokens      *Tokens
	// sealer seals the answers kept for idempotent retries (they hold the
	// receipt).
	sealer         Sealer
	fingerprintKey []byte
	limits         Limits
	now            func() time.Time
}

// IntakeOptions are what Intake needs. Router and Evidence may be nil
// (reports are not routed; files are refused).
type IntakeOptions struct {
	Cases       CaseStore
	Vault       *IdentityVault
	Catalog     CatalogStore
	Idempotency IdempotencyStore
	Evidence    *Evidence
	Router      Router
	Hasher      Hasher
	// Tokens signs the citizen in to a report just filed (nil: no session).
	Tokens *Tokens
	// Sealer seals the answers kept for idempotent retries.
	Sealer Sealer
	// FingerprintKey keys the fingerprints of idempotent requests.
	FingerprintKey []byte
	Limits         Limits
	Now            func() time.Time // time.Now when nil
}

// NewIntake makes the intake service.
func NewIntake(o IntakeOptions) *Intake {
	return &Intake{cases: o.Cases, vault: o.Vault, catalog: o.Catalog, idempotency: o.Idempotency, evidence: o.Evidence,
		router: o.Router, hasher: o.Hasher, tokens: o.Tokens, sealer: o.Sealer, fingerprintKey: o.FingerprintKey, limits: o.Limits, now: clockOrNow(o.Now)}
}

// maxCodeAttempts bounds retries when a fresh tracking code collides with an
// existing one (at 39 bits, a collision is rare even at millions of reports).
const maxCodeAttempts = 8

// Submit validates and files a report with its evidence and returns its
// tracking code and the secret receipt, which is shown this once and kept
// only as a hash. Evidence goes to the object store first, then the report
// is inserted in one write; on any failure the objects are removed.
func (s *Intake) Submit(ctx context.Context, req SubmitRequest) (SubmitResult, error) {
	var res SubmitResult
	var err error
	if req.IdempotencyKey != "" {
		res, err = s.submitOnce(ctx, req.IdempotencyKey, req.Input, req.Files)
	} else {
		res, err = s.submit(ctx, req.Input, req.Files)
	}
	if err != nil {
		return SubmitResult{}, err
	}
	return s.signIn(res)
}

// signIn issues the citizen's session for a report just filed.
func (s *Intake) signIn(res SubmitResult) (SubmitResult, error) {
	if s.tokens == nil {
		return res, nil
	}
	var err error
	res.Token, res.TokenExpiresAt, err = s.tokens.IssueCitizen(res.ID)
	return res, err
}

func (s *Intake) submit(ctx context.Context, in SubmitInput, files FileSource) (SubmitResult, error) {
	in.Normalize()
	now := stamp(s.now)
	if err := in.Validate(s.limits, now); err != nil {
		return SubmitResult{}, err
	}
	if err := s.checkCatalog(ctx, in); err != nil {
		return SubmitResult{}, err
	}
	var unitID, frontID string
	if s.router != nil {
		var err error
		if unitID, frontID, err = s.router.RouteReport(ctx, in.Category, in.AreaCode); err != nil {
			return SubmitResult{}, err
		}
	}
	kind, anonDenunciation := in.Kind, false
	if in.Kind == KindDenunciation && in.Identity == nil {
		kind, anonDenunciation = KindFeedback, true
	}
	receipt, err := NewReceipt()
	if err != nil {
		return SubmitResult{}, Wrap(err, CodeInternal, "Could not create a receipt.")
	}
	receiptHash, err := hashSecret(ctx, s.hasher, receipt)
	if err != nil {
		return SubmitResult{}, err
	}
	vn := now.In(VietnamTime)
	id := s.cases.NewID()
	var up Upload
	if files != nil {
		if s.evidence == nil {
			return SubmitResult{}, Errorf(CodeUnsupported, "This portal does not accept files.")
		}
		l := s.limits
		if up, err = s.evidence.StoreFiles(ctx, id, files, SourceReport, l.MaxFiles, l.MaxFileBytes, l.MaxReportBytes); err != nil {
			return SubmitResult{}, err
		}
	}
	atts := up.Attachments
	c := &Case{
		ID: id, Attachments: atts, UnitID: unitID, FrontUnitID: frontID, ReceiptHash: receiptHash, Kind: kind, AnonymousDenunciation: anonDenunciation,
		Category: in.Category, Title: in.Title, Description: in.Description, IncidentDate: in.IncidentDate,
		AreaCode: in.AreaCode, Place: in.Place, Office: in.Office, Counter: in.Counter, Procedure: in.Procedure,
		DossierNumber: in.DossierNumber, Officials: in.Officials, Language: in.Language,
		Anonymous: in.Identity == nil, HasIdentity: in.Identity != nil, Status: StatusReceived, Version: 1,
		CreatedAt: now, UpdatedAt: now, CreatedDay: vn.Format("2006-01-02"), CreatedMonth: vn.Format("2006-01"),
		Timeline: []Event{{Type: EventSubmitted, At: now, Actor: string(PartyCitizen), Status: StatusReceived, Public: true}},
	}
	c.ContentHash = ContentHash(c)

	if in.Identity != nil {
		if err := s.vault.Seal(ctx, c.ID, *in.Identity); err != nil {
			s.discard(ctx, c, up)
			return SubmitResult{}, err
		}
	}
	if err := s.insertWithFreshCode(ctx, c); err != nil {
		s.discard(ctx, c, up)
		return SubmitResult{}, err
	}
	if s.evidence != nil {
		s.evidence.Commit(context.WithoutCancel(ctx), up)
	}
	return SubmitResult{ID: c.ID, TrackingCode: c.TrackingCode, Receipt: receipt, Kind: kind,
		AnonymousDenunciation: anonDenunciation, SubmittedAt: now, ContentHash: c.ContentHash, Attachments: atts}, nil
}

// checkCatalog refuses a category that is unknown or retired and an
// unknown area, both at once.
func (s *Intake) checkCatalog(ctx context.Context, in SubmitInput) error {
	f := FieldErrors{}
	if cat, err := s.catalog.FindCategory(ctx, in.Category); IsCode(err, CodeNotFound) || (err == nil && !cat.Active) {
		f.Add("category", FieldUnknown)
	} else if err != nil {
		return err
	}
	if in.AreaCode != "" {
		if _, err := s.catalog.FindArea(ctx, in.AreaCode); IsCode(err, CodeNotFound) {
			f.Add("areaCode", FieldUnknown)
		} else if err != nil {
			return err
		}
	}
	return f.Err()
}

// discard removes what a failed submission wrote: nothing may be left
// half-written. It uses a fresh context so that a cancelled request still
// cleans up; what it cannot remove, the reaper does.
func (s *Intake) discard(ctx context.Context, c *Case, up Upload) {
	if c.HasIdentity {
		s.vault.Discard(ctx, c.ID)
	}
	if s.evidence != nil {
		cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		s.evidence.Discard(cleanup, up)
	}
}

func (s *Intake) insertWithFreshCode(ctx context.Context, c *Case) error {
	var err error
	for range maxCodeAttempts {
		if c.TrackingCode, err = NewTrackingCode(); err != nil {
			return Wrap(err, CodeInternal, "Could not create a tracking code.")
		}
		err = s.cases.InsertCase(ctx, c)
		if !IsCode(err, CodeConflict) {
			return err
		}
	}
	return Wrap(err, CodeInternal, "Could not allocate a unique tracking code.")
}

// canonicalContent fixes which fields, in which order, the content hash
// covers: what the citizen submitted, not the identity.
type canonicalContent struct {
	Kind                  Kind                `json:"kind"`
	AnonymousDenunciation bool                `json:"anonymousDenunciation"`
	Category              string              `json:"category"`
	Title                 string              `json:"title"`
	Description           string              `json:"description"`
	IncidentDate          string              `json:"incidentDate"`
	AreaCode              string              `json:"areaCode"`
	Place                 string              `json:"place"`
	Office                string              `json:"office"`
	Counter               string              `json:"counter"`
	Procedure             string              `json:"procedure"`
	DossierNumber         string              `json:"dossierNumber"`
	Officials             string              `json:"officials"`
	Language              string              `json:"language"`
	Anonymous             bool                `json:"anonymous"`
	SubmittedAt           string              `json:"submittedAt"`
	Attachments           []canonicalEvidence `json:"attachments"`
}

type canonicalEvidence struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// ContentHash is the hex SHA-256 of the canonical JSON of what was submitted
// (the report, the submission time and each file's name, size and SHA-256),
// as the proof of filing states it.
func ContentHash(c *Case) string {
	ev := []canonicalEvidence{}
	for _, a := range c.Attachments {
		if a.Source == SourceReport {
			ev = append(ev, canonicalEvidence{Name: a.Name, Size: a.Size, SHA256: a.SHA256})
		}
	}
	b, _ := json.Marshal(canonicalContent{Attachments: ev,
		Kind: c.Kind, AnonymousDenunciation: c.AnonymousDenunciation, Category: c.Category, Title: c.Title,
		Description: c.Description, IncidentDate: c.IncidentDate, AreaCode: c.AreaCode, Place: c.Place,
		Office: c.Office, Counter: c.Counter, Procedure: c.Procedure, DossierNumber: c.DossierNumber,
		Officials: c.Officials, Language: c.Language, Anonymous: c.Anonymous,
		SubmittedAt: c.CreatedAt.UTC().Format(time.RFC3339Nano),
	})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
