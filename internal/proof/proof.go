// Package proof renders and verifies the signed proof of filing: the PDF a citizen downloads to
// show that a report was filed, and that anyone can upload to the portal to check it is genuine.
//
// A proof carries two Ed25519 signatures made with the same key, both stored in the PDF's XMP
// metadata packet (an uncompressed stream):
//
//   - the statement signature, over the canonical payload: a versioned JSON serialization of the
//     Filing and the key id (see payload.go). The payload is the single source of truth: it is what
//     Verify returns, and the page shows its signature in base64;
//   - the seal, over the whole PDF file with the seal's own 88 base64 characters replaced by a
//     fixed placeholder. It makes every byte of the file signed, so an edited page, an appended
//     incremental update or a re-saved copy does not verify.
//
// Verify checks these two signatures and nothing else: it never parses the pages of the file it
// is given. A file whose seal verifies is, byte for byte, one that the key's holder produced; the
// portal signs only in Signer.Render, whose tests (text_test.go) read the pages back and check that
// they state the payload, Vietnamese letters included. What Verify returns is always the signed
// payload, never text read from a page.
//
// A proof never contains identity data or the secret receipt: Filing has no field for them.
package proof

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"time"

	"minhbach/services"
)

// MaxPDFSize is the largest PDF Verify reads, and the largest Render produces.
const MaxPDFSize = 2 << 20

// Errors returned by Verify for inputs it does not judge at all.
var (
	// ErrNotPDF means the input is not a PDF file (no "%PDF-" header in its first 1024 bytes).
	ErrNotPDF = errors.New("proof: not a PDF file")
	// ErrTooLarge means the input is larger than MaxPDFSize.
	ErrTooLarge = errors.New("proof: PDF larger than 2 MiB")
)

// Kinds of report, as in the case's kind.
const (
	KindFeedback     = "feedback"
	KindComplaint    = "complaint"
	KindDenunciation = "denunciation"
)

// Filing is what a proof states. It holds nothing that identifies the citizen.
type Filing struct {
	TrackingCode string // "MB-7K3M-9QX2": upper-case letters, digits and hyphens
	Kind         string // KindFeedback, KindComplaint or KindDenunciation
	// AnonymousDenunciation marks an anonymous denunciation filed as feedback (Kind must be
	// KindFeedback).
	AnonymousDenunciation bool
	SubmittedAt           time.Time    // stated in UTC, to the second
	ContentHash           string       // hex SHA-256 of the canonical submitted content
	Attachments           []Attachment // nil when there are none
	Language              string       // "vi" or "en" (empty means "vi"): the page's first language
}

// Attachment is one evidence file of a filing.
type Attachment struct {
	Name   string // the file name the citizen gave
	Size   int64  // bytes
	SHA256 string // hex SHA-256 of the original file
}

// keyIDPattern keeps key ids printable and unambiguous on the page and in logs.
var keyIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// Signer renders proofs signed with one Ed25519 key.
type Signer struct {
	keyID string
	priv  ed25519.PrivateKey
}

// NewSigner returns a Signer for the private key priv, published under keyID (1–64 letters,
// digits, '.', '_' or '-', starting with a letter or digit).
func NewSigner(keyID string, priv ed25519.PrivateKey) (*Signer, error) {
	if !keyIDPattern.MatchString(keyID) {
		return nil, fmt.Errorf("proof: key id %q: want 1-64 of [A-Za-z0-9._-], starting with a letter or digit", keyID)
	}
	if len(priv) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("proof: private key is %d bytes, want %d", len(priv), ed25519.PrivateKeySize)
	}
	// A private key whose public half does not match its seed would sign proofs that never verify.
	if !bytes.Equal(ed25519.NewKeyFromSeed(priv.Seed()), priv) {
		return nil, errors.New("proof: private key is inconsistent (public half does not match the seed)")
	}
	return &Signer{keyID: keyID, priv: bytes.Clone(priv)}, nil
}

// KeyID returns the id the Signer's key is published under.
func (s *Signer) KeyID() string { return s.keyID }

// PublicKey returns the public key that verifies the Signer's proofs.
func (s *Signer) PublicKey() ed25519.PublicKey {
	return bytes.Clone(s.priv.Public().(ed25519.PublicKey))
}

// VerifyPagePath is the path of the portal's public verification page, where a person drops a
// proof to check it (docs/privacy.md, "Proof of filing"); a proof prints its full address.
const VerifyPagePath = services.VerifyPagePath

// maxVerifyURL bounds the printed address so that it fits on one line of the page.
const maxVerifyURL = 90

// verifyURLPattern is an absolute http(s) address of the verification page: a host of letters,
// digits, dots and hyphens (or a bracketed IPv6 address), an optional port, VerifyPagePath.
var verifyURLPattern = regexp.MustCompile(`^https?://([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?` + VerifyPagePath + `$`)

// Render builds the signed proof of filing for f, naming the verification page by its path only.
// It fails if f is not valid (see Filing). The output is deterministic: the same Filing and key
// give the same bytes.
func (s *Signer) Render(f Filing) ([]byte, error) {
	return s.render(f, "", true)
}

// RenderFor is Render with the full address of the verification page (as
// https://host/verify) printed in the how-to-verify text. The address is printed, not signed
// in the statement: the seal covers it like every other byte of the file.
func (s *Signer) RenderFor(f Filing, verifyURL string) ([]byte, error) {
	return s.render(f, verifyURL, true)
}

func (s *Signer) render(f Filing, verifyURL string, compress bool) ([]byte, error) {
	nf, err := f.normalize()
	if err != nil {
		return nil, err
	}
	switch {
	case verifyURL == "":
		verifyURL = VerifyPagePath
	case len(verifyURL) > maxVerifyURL || !verifyURLPattern.MatchString(verifyURL):
		return nil, fmt.Errorf("proof: verification page address %q: want http(s)://host[:port]%s, at most %d characters", verifyURL, VerifyPagePath, maxVerifyURL)
	}
	payload, err := encodePayload(s.keyID, nf)
	if err != nil {
		return nil, err
	}
	sig := ed25519.Sign(s.priv, payload)
	doc, err := layout(nf, s.keyID, verifyURL, sig, xmpPacket(payload, sig), compress)
	if err != nil {
		return nil, err
	}
	if err := seal(s.priv, doc); err != nil {
		return nil, err
	}
	if len(doc) > MaxPDFSize {
		return nil, fmt.Errorf("proof: rendered PDF is %d bytes, more than the %d that Verify accepts", len(doc), MaxPDFSize)
	}
	return doc, nil
}

// Verifier checks proofs against a set of public keys, by key id, so keys can rotate: keep the
// retired keys in the set for as long as their proofs must verify.
type Verifier struct {
	keys map[string]ed25519.PublicKey
}

// NewVerifier returns a Verifier that knows keys. Entries whose key is not 32 bytes are ignored:
// proofs naming them are reported as signed by an unknown key.
func NewVerifier(keys map[string]ed25519.PublicKey) *Verifier {
	v := &Verifier{keys: make(map[string]ed25519.PublicKey, len(keys))}
	for id, k := range keys {
		if len(k) == ed25519.PublicKeySize {
			v.keys[id] = bytes.Clone(k)
		}
	}
	return v
}

// Reasons a PDF is not a valid proof, as Result.Reason reports them. They are meant for logs and
// for choosing a message; none of them reveals anything the uploader does not already have.
const (
	ReasonNoProof      = "no-proof"      // no embedded proof data: not a proof of filing
	ReasonMalformed    = "malformed"     // proof data damaged, duplicated or not in the canonical form
	ReasonUnknownKey   = "unknown-key"   // signed with a key id this Verifier does not know
	ReasonBadSignature = "bad-signature" // the statement's signature does not verify
	ReasonModified     = "modified"      // the statement is signed but the file was changed after signing
)

// Result is the outcome of Verify. Filing and KeyID are set only when Valid; Reason only when not.
type Result struct {
	Valid  bool
	Filing Filing
	KeyID  string
	Reason string
}

// Verify checks that pdf is a genuine, unmodified proof of filing signed by one of the
// Verifier's keys, and returns what it states. It returns an error only when pdf is larger than
// MaxPDFSize (ErrTooLarge) or is not a PDF at all (ErrNotPDF); every other input, however
// malformed, gives Valid=false with a Reason. It never panics.
func (v *Verifier) Verify(pdf []byte) (Result, error) {
	if len(pdf) > MaxPDFSize {
		return Result{}, ErrTooLarge
	}
	head := pdf[:min(len(pdf), 1024)]
	if !bytes.Contains(head, []byte("%PDF-")) {
		return Result{}, ErrNotPDF
	}
	invalid := func(reason string) (Result, error) { return Result{Reason: reason}, nil }

	fields, reason := extractFields(pdf)
	if reason != "" {
		return invalid(reason)
	}
	keyID, f, err := decodePayload(fields.payload)
	if err != nil {
		return invalid(ReasonMalformed)
	}
	pub, ok := v.keys[keyID]
	if !ok {
		return invalid(ReasonUnknownKey)
	}
	if !ed25519.Verify(pub, fields.payload, fields.signature) {
		return invalid(ReasonBadSignature)
	}
	if !verifySeal(pub, pdf, fields) {
		return invalid(ReasonModified)
	}
	return Result{Valid: true, Filing: f, KeyID: keyID}, nil
}

// b64 is the base64 alphabet of the XMP fields and of the signature on the page. Strict decoding
// refuses non-zero padding bits, so every change to the text changes the decoded bytes.
var b64 = base64.StdEncoding.Strict()
