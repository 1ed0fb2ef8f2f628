package services

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"
	_ "time/tzdata" // dates are reckoned in Vietnam time even on minimal images
)

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
	observer       Observer
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
	// Observer hears of each report filed (nil: nobody).
	Observer Observer
	Now      func() time.Time // time.Now when nil
}

// NewIntake makes the intake service.
func NewIntake(o IntakeOptions) *Intake {
	return &Intake{cases: o.Cases, vault: o.Vault, catalog: o.Catalog, idempotency: o.Idempotency, evidence: o.Evidence,
		router: o.Router, hasher: o.Hasher, tokens: o.Tokens, sealer: o.Sealer, fingerprintKey: o.FingerprintKey, limits: o.Limits,
		observer: observerOr(o.Observer), now: clockOrNow(o.Now)}
}

// maxCodeAttempts bounds retries when a fresh tracking code collides with an
// existing one (at 39 bits, a collision is rare even at millions of reports).
const maxCodeAttempts = 8

// Submit validates and files a report with its evidence and returns its
// tracking code and the secret receipt, which is shown this once and kept
// only as a hash. Evidence goes to the object store first, then the report
// is inserted in one write; on any failure the objects are removed.
func (s *Intake) Submit(ctx context.Context, req SubmitRequest) (SubmitResult, error) {
	req.Input.Channel, req.Input.FiledBy = ChannelWeb, ""
	res, err := s.file(ctx, req)
	if err != nil {
		return SubmitResult{}, err
	}
	return s.signIn(res)
}

// FileOnBehalf files a report a staff member took from a citizen at a
// reception day, on the hotline or from a letter (channel), with the same
// rules as the web form. The staff member is recorded as who filed it, on
// the report and on its audit chain. The answer carries the tracking code
// and receipt for the citizen's slip, and no citizen session: the staff
// member is not the citizen (docs/intake.md, "On behalf of a citizen").
func (s *Intake) FileOnBehalf(ctx context.Context, actor Actor, channel Channel, req SubmitRequest) (SubmitResult, error) {
	if !actor.IsStaff() {
		return SubmitResult{}, Errorf(ReasonSignInFirst, "Sign in first.")
	}
	if actor.Role != RoleInspector && actor.Role != RoleLead {
		return SubmitResult{}, Errorf(ReasonOnBehalfForbidden, "Only inspectors and leads take reports on behalf of citizens.")
	}
	if !StaffChannel(channel) {
		return SubmitResult{}, &Error{Code: CodeInvalid, Reason: ReasonFieldsInvalid, Message: "The channel must be reception, hotline or mail.",
			Fields: map[string]string{"channel": FieldInvalid}}
	}
	req.Input.Channel, req.Input.FiledBy = channel, actor.UserID
	return s.file(ctx, req)
}

// SubmitOpen311 files a report an Open311 client application sent on its
// user's behalf with the API key keyID (docs/intake.md, "Open311"), with
// the web form's rules: the identity it carries is sealed the same way and
// the kind's identity rules apply. The key is recorded as who filed it
// ("apikey:<id>"), on the report and on its audit chain. The answer carries
// the tracking code and receipt for the application to give its user, and
// no citizen session: the application is not the citizen.
func (s *Intake) SubmitOpen311(ctx context.Context, keyID string, req SubmitRequest) (SubmitResult, error) {
	if keyID == "" {
		return SubmitResult{}, Errorf(ReasonAPIKeyInvalid, "Invalid api_key.")
	}
	req.Input.Channel, req.Input.FiledBy = ChannelOpen311, APIKeyFiler+keyID
	return s.file(ctx, req)
}

// file files a report whose Channel and FiledBy the caller has set.
func (s *Intake) file(ctx context.Context, req SubmitRequest) (SubmitResult, error) {
	var res SubmitResult
	var err error
	if req.IdempotencyKey != "" {
		res, err = s.submitOnce(ctx, req.IdempotencyKey, req.Input, req.Files)
	} else {
		res, err = s.submit(ctx, req.Input, req.Files, nil, nil)
	}
	return res, err
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

// submit files a report. When the insert's outcome is unknown it returns an
// errSettling and later calls settled (when not nil) with the outcome.
// prepare (when not nil) is told the answer before each insert attempt;
// its error ends the submission.
func (s *Intake) submit(ctx context.Context, in SubmitInput, files FileSource, settled func(filed bool, res SubmitResult),
	prepare func(SubmitResult) error) (SubmitResult, error) {
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
		return SubmitResult{}, Wrap(err, ReasonInternal, "Could not create a receipt.")
	}
	vn := now.In(VietnamTime)
	id := s.cases.NewID()
	var up Upload
	var receiptHash string
	if files == nil {
		if receiptHash, err = hashSecret(ctx, s.hasher, receipt); err != nil {
			return SubmitResult{}, err
		}
	} else {
		if s.evidence == nil {
			return SubmitResult{}, Errorf(ReasonFilesNotAccepted, "This portal does not accept files.")
		}
		if up, receiptHash, err = s.storeFilesWhileHashing(ctx, id, files, receipt); err != nil {
			return SubmitResult{}, err
		}
	}
	atts := up.Attachments
	c := &Case{
		ID: id, Attachments: atts, UnitID: unitID, FrontUnitID: frontID, ReceiptHash: receiptHash, Kind: kind, AnonymousDenunciation: anonDenunciation,
		Category: in.Category, Title: in.Title, Description: in.Description, IncidentDate: in.IncidentDate,
		AreaCode: in.AreaCode, Place: in.Place, Office: in.Office, Counter: in.Counter, Procedure: in.Procedure,
		DossierNumber: in.DossierNumber, Officials: in.Officials, Language: in.Language,
		Anonymous: in.Identity == nil, HasIdentity: in.Identity != nil, Channel: in.Channel, FiledBy: in.FiledBy,
		Status: StatusReceived, Version: 1,
		CreatedAt: now, UpdatedAt: now, CreatedDay: vn.Format("2006-01-02"), CreatedMonth: vn.Format("2006-01"),
		Timeline: []Event{{Type: EventSubmitted, At: now, Actor: filerOf(in), Status: StatusReceived, Public: true}},
	}
	c.ContentHash = ContentHash(c)

	if in.Identity != nil {
		if err := s.vault.Seal(ctx, c.ID, *in.Identity); err != nil {
			s.discard(ctx, c, up)
			return SubmitResult{}, err
		}
	}
	res := SubmitResult{ID: c.ID, Receipt: receipt, Kind: kind,
		AnonymousDenunciation: anonDenunciation, SubmittedAt: now, ContentHash: c.ContentHash, Attachments: atts}
	before := func() error {
		if prepare == nil {
			return nil
		}
		r := res
		r.TrackingCode = c.TrackingCode
		return prepare(r)
	}
	if err := s.insertWithFreshCode(ctx, c, before); err != nil {
		if !definiteRefusal(err) {
			// The database may have applied the insert before it went
			// away: the report may exist, referencing the objects.
			// Removing them would leave it without its evidence.
			res.TrackingCode = c.TrackingCode
			s.settleLater(ctx, c, up, res, settled)
			return SubmitResult{}, errSettling{err}
		}
		s.discard(ctx, c, up)
		return SubmitResult{}, err
	}
	if s.evidence != nil {
		s.evidence.Commit(context.WithoutCancel(ctx), up)
	}
	s.counted(c)
	res.TrackingCode = c.TrackingCode
	return res, nil
}

// filerOf is who the submitted event names: the citizen, or the staff
// member or Open311 key that filed for them.
func filerOf(in SubmitInput) string {
	if in.FiledBy != "" {
		return in.FiledBy
	}
	return string(PartyCitizen)
}

// counted tells the observer of the report c, just filed.
func (s *Intake) counted(c *Case) {
	var size int64
	for _, a := range c.Attachments {
		size += a.Size
	}
	s.observer.ReportFiled(c.Kind, ChannelOf(*c), size)
}

// storeFilesWhileHashing stores the report's files while the receipt's
// argon2id hash (CPU) is computed alongside, so that a filing with files
// takes about the longer of the two rather than their sum. The hasher
// fails only when the request ends (no slot before then): the files
// stored meanwhile are removed.
func (s *Intake) storeFilesWhileHashing(ctx context.Context, id string, files FileSource, receipt string) (Upload, string, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type hashed struct {
		enc string
		err error
	}
	done := make(chan hashed, 1)
	go func() {
		enc, err := hashSecret(ctx, s.hasher, receipt)
		done <- hashed{enc, err}
	}()
	l := s.limits
	up, err := s.evidence.StoreFiles(ctx, id, files, SourceReport, l.MaxFiles, l.MaxFileBytes, l.MaxReportBytes)
	if err != nil {
		cancel() // a hash still waiting for a slot is not needed
		<-done
		return Upload{}, "", err
	}
	h := <-done
	if h.err != nil {
		s.discard(ctx, &Case{ID: id}, up)
		return Upload{}, "", h.err
	}
	return up, h.enc, nil
}

// settleWindow bounds how long a filing whose insert had an unknown outcome
// is looked after in the background; past it, the reaper removes the
// objects of a report that does not exist (docs/storage.md, "Faults").
const settleWindow = 2 * time.Minute

// errSettling is a filing's error whose outcome settleLater decides.
type errSettling struct{ error }

func (e errSettling) Unwrap() error { return e.error }

// definiteRefusal reports whether err means the report was certainly not
// stored (a refusal by the store), as opposed to a failure whose outcome is
// unknown (the database went away while the write was on its way).
func definiteRefusal(err error) bool {
	var taken codesTaken
	return errors.As(err, &taken) || IsCode(err, CodeConflict) || IsCode(err, CodeInvalid) || IsCode(err, CodeTooLarge) || IsCode(err, CodeForbidden)
}

// settleLater finds out, once the database answers again, whether the
// report c was stored after all: if so its upload is committed (the objects
// stay), if not the objects are removed. settled (when not nil) hears which.
// What it cannot settle within settleWindow is left to the reaper, which
// keeps the objects a report references.
func (s *Intake) settleLater(ctx context.Context, c *Case, up Upload, res SubmitResult, settled func(filed bool, res SubmitResult)) {
	go func() {
		_, found, known := s.awaitCase(ctx, settleWindow, c.ID)
		if !known {
			return
		}
		done, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if found {
			s.counted(c)
		}
		if found && s.evidence != nil {
			s.evidence.Commit(done, up)
		} else if !found {
			s.discard(done, c, up)
		}
		if settled != nil {
			settled(found, res)
		}
	}()
}

// awaitCase reads report id until the database answers whether it is
// stored (known), for at most within, backing off between tries, on a
// context the request's cancellation does not end: how a write whose
// answer was lost is settled.
func (s *Intake) awaitCase(ctx context.Context, within time.Duration, id string) (c Case, found, known bool) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), within)
	defer cancel()
	for wait := 100 * time.Millisecond; ; wait = min(2*wait, 3*time.Second) {
		c, err := s.cases.FindCaseByID(ctx, id)
		if err == nil || IsCode(err, CodeNotFound) {
			return c, err == nil, true
		}
		select {
		case <-ctx.Done():
			return Case{}, false, false
		case <-time.After(wait):
		}
	}
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

// insertWithFreshCode inserts c under a fresh tracking code, calling before
// once the code is chosen, before each attempt.
func (s *Intake) insertWithFreshCode(ctx context.Context, c *Case, before func() error) error {
	var err error
	for range maxCodeAttempts {
		if c.TrackingCode, err = NewTrackingCode(); err != nil {
			return Wrap(err, ReasonInternal, "Could not create a tracking code.")
		}
		if err := before(); err != nil {
			return err
		}
		err = s.cases.InsertCase(ctx, c)
		if !IsCode(err, CodeConflict) {
			return err
		}
	}
	return Wrap(codesTaken{err}, ReasonInternal, "Could not allocate a unique tracking code.")
}

// codesTaken is every fresh tracking code found taken: nothing was stored.
type codesTaken struct{ error }

func (c codesTaken) Unwrap() error { return c.error }

// canonicalContent fixes which fields, in which order, the content hash
// covers: what the citizen submitted, not the identity.
type canonicalContent struct {
	Kind                  Kind   `json:"kind"`
	AnonymousDenunciation bool   `json:"anonymousDenunciation"`
	Category              string `json:"category"`
	Title                 string `json:"title"`
	Description           string `json:"description"`
	IncidentDate          string `json:"incidentDate"`
	AreaCode              string `json:"areaCode"`
	Place                 string `json:"place"`
	Office                string `json:"office"`
	Counter               string `json:"counter"`
	Procedure             string `json:"procedure"`
	DossierNumber         string `json:"dossierNumber"`
	Officials             string `json:"officials"`
	Language              string `json:"language"`
	Anonymous             bool   `json:"anonymous"`
	// Channel is empty for the web form, so that the content hashes of
	// reports filed before channels were recorded stay as they were.
	Channel     string              `json:"channel,omitempty"`
	SubmittedAt string              `json:"submittedAt"`
	Attachments []canonicalEvidence `json:"attachments"`
}

// hashedChannel is the channel as the content hash states it.
func hashedChannel(ch Channel) string {
	if ch == ChannelWeb {
		return ""
	}
	return ch
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
		Officials: c.Officials, Language: c.Language, Anonymous: c.Anonymous, Channel: hashedChannel(c.Channel),
		SubmittedAt: c.CreatedAt.UTC().Format(time.RFC3339Nano),
	})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
