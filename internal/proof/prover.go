package proof

import (
	"crypto/ed25519"

	"minhbach/services"
)

// Prover adapts a Signer and its Verifier to services.Prover.
type Prover struct {
	signer   *Signer
	verifier *Verifier
}

var _ services.Prover = (*Prover)(nil)

// NewProver renders with signer and verifies against signer's key and any
// older public keys (by key id) still honoured.
func NewProver(signer *Signer, older ...map[string]ed25519.PublicKey) *Prover {
	keys := map[string]ed25519.PublicKey{signer.KeyID(): signer.PublicKey()}
	for _, m := range older {
		for id, k := range m {
			keys[id] = k
		}
	}
	return &Prover{signer: signer, verifier: NewVerifier(keys)}
}

// RenderProof implements services.Prover.
func (p *Prover) RenderProof(f services.Filing, verifyURL string) ([]byte, error) {
	pf := Filing{TrackingCode: f.TrackingCode, Kind: string(f.Kind), AnonymousDenunciation: f.AnonymousDenunciation,
		SubmittedAt: f.SubmittedAt, ContentHash: f.ContentHash, Language: f.Language}
	for _, a := range f.Attachments {
		pf.Attachments = append(pf.Attachments, Attachment{Name: a.Name, Size: a.Size, SHA256: a.SHA256})
	}
	return p.signer.RenderFor(pf, verifyURL)
}

// VerifyProof implements services.Prover.
func (p *Prover) VerifyProof(pdf []byte) (services.ProofCheck, error) {
	res, err := p.verifier.Verify(pdf)
	if err != nil || !res.Valid {
		return services.ProofCheck{}, err
	}
	f := services.Filing{TrackingCode: res.Filing.TrackingCode, Kind: services.Kind(res.Filing.Kind),
		AnonymousDenunciation: res.Filing.AnonymousDenunciation, SubmittedAt: res.Filing.SubmittedAt,
		ContentHash: res.Filing.ContentHash, Language: res.Filing.Language}
	for _, a := range res.Filing.Attachments {
		f.Attachments = append(f.Attachments, services.FilingAttachment{Name: a.Name, Size: a.Size, SHA256: a.SHA256})
	}
	return services.ProofCheck{Valid: true, Filing: f, KeyID: res.KeyID}, nil
}
