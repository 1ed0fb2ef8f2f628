package services

import (
	"context"
	"time"
)

// Filing is what a proof of filing states: never the identity, never the
// receipt.
type Filing struct {
	TrackingCode          string
	Kind                  Kind
	AnonymousDenunciation bool
	SubmittedAt           time.Time
	ContentHash           string
	Attachments           []FilingAttachment
	Language              string
}

// FilingAttachment is one file filed with the report.
type FilingAttachment struct {
	Name   string
	Size   int64
	SHA256 string
}

// ProofCheck is the verdict on an uploaded proof.
type ProofCheck struct {
	Valid  bool
	Filing Filing
	KeyID  string
}

// Prover renders signed proofs of filing and checks them (internal/proof).
type Prover interface {
	// RenderProof renders f's proof, printing verifyURL, the full address
	// of the public verification page, in its how-to-verify text (empty:
	// the page's path only).
	RenderProof(f Filing, verifyURL string) ([]byte, error)
	VerifyProof(pdf []byte) (ProofCheck, error)
}

// FilingOf states what a report's proof of filing covers.
func FilingOf(c Case) Filing {
	f := Filing{TrackingCode: c.TrackingCode, Kind: c.Kind, AnonymousDenunciation: c.AnonymousDenunciation,
		SubmittedAt: c.CreatedAt, ContentHash: c.ContentHash, Language: c.Language}
	for _, a := range c.Attachments {
		if a.Source == SourceReport {
			f.Attachments = append(f.Attachments, FilingAttachment{Name: a.Name, Size: a.Size, SHA256: a.SHA256})
		}
	}
	return f
}

// Proof renders the signed proof of filing of the citizen's report, telling
// its reader to check it at verifyURL (the verification page's address).
func (t *Tracking) Proof(ctx context.Context, caseID, verifyURL string) ([]byte, error) {
	if t.prover == nil {
		return nil, Errorf(ReasonProofUnavailable, "Proofs of filing are not available.")
	}
	c, err := t.reports.byID(ctx, caseID)
	if err != nil {
		return nil, err
	}
	b, err := t.prover.RenderProof(FilingOf(c), verifyURL)
	if err != nil {
		return nil, Wrap(err, ReasonInternal, "The proof of filing could not be made.")
	}
	return b, nil
}

// StaffProof renders the signed proof of filing of a report the staff
// member may see, or filed: the slip of a report filed on a citizen's behalf
// (FileOnBehalf), which the routing may have sent to another unit than the
// filer's. The proof holds no secret.
func (t *Tracking) StaffProof(ctx context.Context, actor Actor, caseID, verifyURL string) ([]byte, error) {
	if _, err := t.reports.visible(ctx, actor, caseID); err != nil {
		if !IsCode(err, CodeNotFound) || !t.filedBy(ctx, actor, caseID) {
			return nil, err
		}
	}
	return t.Proof(ctx, caseID, verifyURL)
}

// filedBy tells whether the staff member actor filed the report caseID on
// a citizen's behalf.
func (t *Tracking) filedBy(ctx context.Context, actor Actor, caseID string) bool {
	if !actor.IsStaff() || actor.UserID == "" {
		return false
	}
	c, err := t.reports.store.FindCaseByID(ctx, caseID)
	return err == nil && StaffChannel(ChannelOf(c)) && c.FiledBy == actor.UserID
}

// VerifyPagePath is the path of the public page where anyone drops a proof of
// filing to check it (the web app's /verify, which sends it to the verify
// API); proofs print its full address.
const VerifyPagePath = "/verify"

// MaxProofBytes caps uploaded proofs.
const MaxProofBytes = 2 << 20

// VerifyProof checks an uploaded proof of filing.
func (t *Tracking) VerifyProof(pdf []byte) (ProofCheck, error) {
	if t.prover == nil {
		return ProofCheck{}, Errorf(ReasonProofUnavailable, "Proofs of filing cannot be checked here.")
	}
	res, err := t.prover.VerifyProof(pdf)
	if err != nil {
		return ProofCheck{}, Wrap(err, ReasonProofInvalid, "This is not a proof of filing.")
	}
	return res, nil
}
