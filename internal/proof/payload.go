package proof

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The signed payload, version 1, is the compact JSON encoding (Go's encoding/json, fields in this
// order, no insignificant whitespace) of payloadV1:
//
//	{"type":"minhbach.proof-of-filing","version":1,"keyId":"mb-2026-1",
//	 "trackingCode":"MB-7K3M-9QX2","kind":"complaint","anonymousDenunciation":false,
//	 "submittedAt":"2026-11-27T13:37:05Z","contentSha256":"<64 hex>",
//	 "attachments":[{"name":"Biên nhận hồ sơ.pdf","size":1234567,"sha256":"<64 hex>"}],
//	 "language":"vi"}
//
// The statement signature is Ed25519 over exactly these bytes. Verify accepts only payloads that
// re-encode to the same bytes, so each statement has exactly one signed form.
const (
	payloadType    = "minhbach.proof-of-filing"
	payloadVersion = 1
)

type payloadV1 struct {
	Type                  string              `json:"type"`
	Version               int                 `json:"version"`
	KeyID                 string              `json:"keyId"`
	TrackingCode          string              `json:"trackingCode"`
	Kind                  string              `json:"kind"`
	AnonymousDenunciation bool                `json:"anonymousDenunciation"`
	SubmittedAt           string              `json:"submittedAt"`
	ContentHash           string              `json:"contentSha256"`
	Attachments           []payloadAttachment `json:"attachments"`
	Language              string              `json:"language"`
}

type payloadAttachment struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Limits on a Filing, so that a proof always fits the MaxPDFSize that Verify accepts.
const (
	maxTrackingCode = 32
	maxAttachments  = 1000
	maxNameBytes    = 1024 // the portal keeps 200 characters and an extension; Vietnamese letters take 3 bytes
)

var (
	trackingCodePattern = regexp.MustCompile(`^[A-Z0-9]+(-[A-Z0-9]+)*$`)
	sha256Pattern       = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// normalize validates f and returns it in the form a proof states it: time in UTC truncated to
// the second, hashes in lower case, language defaulted to "vi", no empty attachment list.
func (f Filing) normalize() (Filing, error) {
	n := Filing{
		TrackingCode:          f.TrackingCode,
		Kind:                  f.Kind,
		AnonymousDenunciation: f.AnonymousDenunciation,
		SubmittedAt:           f.SubmittedAt.UTC().Truncate(time.Second),
		ContentHash:           strings.ToLower(f.ContentHash),
		Language:              f.Language,
	}
	if n.Language == "" {
		n.Language = "vi"
	}
	var errs []error
	if len(n.TrackingCode) > maxTrackingCode || !trackingCodePattern.MatchString(n.TrackingCode) {
		errs = append(errs, fmt.Errorf("tracking code %q: want upper-case letters and digits in hyphen-separated groups, at most %d characters", n.TrackingCode, maxTrackingCode))
	}
	switch n.Kind {
	case KindFeedback, KindComplaint, KindDenunciation:
	default:
		errs = append(errs, fmt.Errorf("kind %q: want feedback, complaint or denunciation", n.Kind))
	}
	if n.AnonymousDenunciation && n.Kind != KindFeedback {
		errs = append(errs, fmt.Errorf("an anonymous denunciation is filed as feedback, not %s", n.Kind))
	}
	if y := n.SubmittedAt.Year(); f.SubmittedAt.IsZero() || y < 2000 || y > 9999 {
		errs = append(errs, fmt.Errorf("submission time %v: want a time between the years 2000 and 9999", f.SubmittedAt))
	}
	if !sha256Pattern.MatchString(n.ContentHash) {
		errs = append(errs, errors.New("content hash: want 64 hexadecimal digits (SHA-256)"))
	}
	if n.Language != "vi" && n.Language != "en" {
		errs = append(errs, fmt.Errorf("language %q: want vi or en", n.Language))
	}
	if len(f.Attachments) > maxAttachments {
		errs = append(errs, fmt.Errorf("%d attachments: at most %d", len(f.Attachments), maxAttachments))
	} else if len(f.Attachments) > 0 {
		n.Attachments = make([]Attachment, len(f.Attachments))
		for i, a := range f.Attachments {
			a.SHA256 = strings.ToLower(a.SHA256)
			n.Attachments[i] = a
			if err := validName(a.Name); err != nil {
				errs = append(errs, fmt.Errorf("attachment %d: name: %w", i+1, err))
			}
			if a.Size < 0 {
				errs = append(errs, fmt.Errorf("attachment %d: negative size", i+1))
			}
			if !sha256Pattern.MatchString(a.SHA256) {
				errs = append(errs, fmt.Errorf("attachment %d: SHA-256: want 64 hexadecimal digits", i+1))
			}
		}
	}
	if len(errs) > 0 {
		return Filing{}, fmt.Errorf("proof: invalid filing: %w", errors.Join(errs...))
	}
	return n, nil
}

func validName(name string) error {
	switch {
	case name == "":
		return errors.New("empty")
	case len(name) > maxNameBytes:
		return fmt.Errorf("longer than %d bytes", maxNameBytes)
	case !utf8.ValidString(name):
		return errors.New("not valid UTF-8")
	case strings.ContainsFunc(name, unicode.IsControl):
		return errors.New("contains control characters")
	}
	return nil
}

// encodePayload returns the canonical payload for a normalized filing.
func encodePayload(keyID string, f Filing) ([]byte, error) {
	p := payloadV1{
		Type:                  payloadType,
		Version:               payloadVersion,
		KeyID:                 keyID,
		TrackingCode:          f.TrackingCode,
		Kind:                  f.Kind,
		AnonymousDenunciation: f.AnonymousDenunciation,
		SubmittedAt:           f.SubmittedAt.Format(time.RFC3339),
		ContentHash:           f.ContentHash,
		Attachments:           make([]payloadAttachment, len(f.Attachments)),
		Language:              f.Language,
	}
	for i, a := range f.Attachments {
		p.Attachments[i] = payloadAttachment(a)
	}
	return json.Marshal(p)
}

// decodePayload parses a payload and returns its key id and filing. It refuses anything that is
// not exactly what encodePayload produces for a valid filing.
func decodePayload(raw []byte) (string, Filing, error) {
	var p payloadV1
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return "", Filing{}, err
	}
	if p.Type != payloadType || p.Version != payloadVersion {
		return "", Filing{}, fmt.Errorf("payload type %q version %d: unsupported", p.Type, p.Version)
	}
	if !keyIDPattern.MatchString(p.KeyID) {
		return "", Filing{}, errors.New("payload key id malformed")
	}
	at, err := time.Parse(time.RFC3339, p.SubmittedAt)
	if err != nil {
		return "", Filing{}, err
	}
	f := Filing{
		TrackingCode:          p.TrackingCode,
		Kind:                  p.Kind,
		AnonymousDenunciation: p.AnonymousDenunciation,
		SubmittedAt:           at,
		ContentHash:           p.ContentHash,
		Language:              p.Language,
	}
	for _, a := range p.Attachments {
		f.Attachments = append(f.Attachments, Attachment(a))
	}
	if f.Language == "" {
		return "", Filing{}, errors.New("payload language missing")
	}
	nf, err := f.normalize()
	if err != nil {
		return "", Filing{}, err
	}
	again, err := encodePayload(p.KeyID, nf)
	if err != nil {
		return "", Filing{}, err
	}
	if !bytes.Equal(again, raw) {
		return "", Filing{}, errors.New("payload not in canonical form")
	}
	return p.KeyID, nf, nil
}

// The proof's machine-readable part is the PDF's XMP metadata packet, an uncompressed stream
// that fpdf writes verbatim. It holds three elements, each exactly once in the whole file:
//
//	<mbproof:payload>   base64 of the payload
//	<mbproof:signature> base64 of the Ed25519 signature of the payload
//	<mbproof:seal>      base64 of the Ed25519 signature of the whole file, computed with these
//	                    88 characters set to sealPlaceholder
const (
	xmlNamespace   = "urn:minhbach:proof-of-filing:1"
	payloadOpen    = "<mbproof:payload>"
	payloadClose   = "</mbproof:payload>"
	signatureOpen  = "<mbproof:signature>"
	signatureClose = "</mbproof:signature>"
	sealOpen       = "<mbproof:seal>"
	sealClose      = "</mbproof:seal>"
)

// sealLen is the length of a base64 Ed25519 signature.
const sealLen = (ed25519.SignatureSize + 2) / 3 * 4

// sealPlaceholder is not base64, so a placeholder left in a file never decodes as a seal.
var sealPlaceholder = strings.Repeat("*", sealLen)

func xmpPacket(payload, sig []byte) []byte {
	var b bytes.Buffer
	b.WriteString("<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n")
	b.WriteString("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n")
	b.WriteString(" <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n")
	b.WriteString("  <rdf:Description rdf:about=\"\" xmlns:mbproof=\"" + xmlNamespace + "\">\n")
	b.WriteString("   " + payloadOpen + b64.EncodeToString(payload) + payloadClose + "\n")
	b.WriteString("   " + signatureOpen + b64.EncodeToString(sig) + signatureClose + "\n")
	b.WriteString("   " + sealOpen + sealPlaceholder + sealClose + "\n")
	b.WriteString("  </rdf:Description>\n </rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"r\"?>")
	return b.Bytes()
}

// proofFields is the machine-readable part of a PDF, as found in its bytes.
type proofFields struct {
	payload   []byte
	signature []byte
	seal      []byte
	sealAt    int // offset of the seal's base64 text in the file
}

// extractFields finds the proof's fields in pdf, or returns a Reason. A file with any of the
// elements more than once is refused: an appended update cannot override the first payload.
func extractFields(pdf []byte) (proofFields, string) {
	markers := []string{payloadOpen, payloadClose, signatureOpen, signatureClose, sealOpen, sealClose}
	found := 0
	for _, m := range markers {
		switch bytes.Count(pdf, []byte(m)) {
		case 0:
		case 1:
			found++
		default:
			return proofFields{}, ReasonMalformed
		}
	}
	switch found {
	case 0:
		return proofFields{}, ReasonNoProof
	case len(markers):
	default:
		return proofFields{}, ReasonMalformed
	}
	var pf proofFields
	var ok bool
	if pf.payload, _, ok = field(pdf, payloadOpen, payloadClose); !ok {
		return proofFields{}, ReasonMalformed
	}
	if pf.signature, _, ok = field(pdf, signatureOpen, signatureClose); !ok || len(pf.signature) != ed25519.SignatureSize {
		return proofFields{}, ReasonMalformed
	}
	if pf.seal, pf.sealAt, ok = field(pdf, sealOpen, sealClose); !ok || len(pf.seal) != ed25519.SignatureSize ||
		!bytes.HasPrefix(pdf[pf.sealAt+sealLen:], []byte(sealClose)) {
		return proofFields{}, ReasonMalformed
	}
	return pf, ""
}

// field returns the base64-decoded text between open and close and the text's offset.
func field(pdf []byte, open, close string) ([]byte, int, bool) {
	i := bytes.Index(pdf, []byte(open))
	if i < 0 {
		return nil, 0, false
	}
	i += len(open)
	j := bytes.Index(pdf[i:], []byte(close))
	if j < 0 {
		return nil, 0, false
	}
	text := pdf[i : i+j]
	// The decoder skips line breaks; a field that has any is not one that Render wrote.
	if bytes.ContainsAny(text, "\r\n") {
		return nil, 0, false
	}
	out := make([]byte, b64.DecodedLen(len(text)))
	n, err := b64.Decode(out, text)
	if err != nil || n == 0 {
		return nil, 0, false
	}
	return out[:n], i, true
}

// seal signs doc, which holds sealPlaceholder exactly once, and writes the signature in place of
// the placeholder.
func seal(priv ed25519.PrivateKey, doc []byte) error {
	ph := []byte(sealOpen + sealPlaceholder + sealClose)
	if bytes.Count(doc, ph) != 1 || bytes.Count(doc, []byte(sealOpen)) != 1 {
		return errors.New("proof: rendered PDF does not hold exactly one seal placeholder")
	}
	at := bytes.Index(doc, ph) + len(sealOpen)
	sig := ed25519.Sign(priv, doc)
	b64.Encode(doc[at:at+sealLen], sig)
	return nil
}

// verifySeal checks the seal of pdf, whose fields extractFields found.
func verifySeal(pub ed25519.PublicKey, pdf []byte, pf proofFields) bool {
	if pf.sealAt+sealLen > len(pdf) {
		return false
	}
	msg := bytes.Clone(pdf)
	copy(msg[pf.sealAt:], sealPlaceholder)
	return ed25519.Verify(pub, msg, pf.seal)
}
