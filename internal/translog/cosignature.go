package translog

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
)

// C2SP tlog-cosignature, the Ed25519 form (cosignature/v1): a witness's
// timestamped signature of a checkpoint, carried as one more signature line
// of the checkpoint's signed note.
//
//   - The key ID is the first 4 bytes of SHA-256(name || "\n" || 0x04 ||
//     the 32-byte Ed25519 public key).
//   - The signed message is "cosignature/v1\n", then "time " and the
//     timestamp in decimal (POSIX seconds, no leading zero) and "\n", then
//     the checkpoint's whole note text, extension lines included, up to and
//     including its final newline (no signature lines).
//   - The signature line's bytes, after the key ID, are the timestamp as a
//     big-endian uint64 (at most 2^63-1) followed by the 64-byte Ed25519
//     signature.
//   - The verifier key is "<name>+<key ID, 8 hex digits>+<base64 of 0x04 ||
//     public key>", the signed-note verifier key form with type 0x04.
//
// The private key text is the signed-note signer key form with type 0x04:
// "PRIVATE+KEY+<name>+<key ID, 8 hex digits>+<base64 of 0x04 || the 32-byte
// Ed25519 seed>" (the form the witness keeps in its directory; the same
// form transparency-dev's cosignature signer reads).
//
// A cosignature states that, at its time, the checkpoint was the largest
// consistent tree the witness had seen of the log; it says nothing of the
// extension lines, though it covers them.
const (
	algEd25519             = 0x01
	algCosignatureV1       = 0x04
	cosignatureHeader      = "cosignature/v1\n"
	cosignatureTimeSize    = 8
	cosignatureSize        = 4 + cosignatureTimeSize + ed25519.SignatureSize
	refusalKeyDerivationID = "minhbach-witness-refusal-key/1\x00"
)

// ErrCosignature is returned for a malformed witness key or cosignature.
var ErrCosignature = errors.New("translog: cosignature refused")

// cosignatureKeyID is the C2SP key ID of an Ed25519 cosigner.
func cosignatureKeyID(name string, pub ed25519.PublicKey) uint32 {
	h := sha256.New()
	h.Write([]byte(name + "\n"))
	h.Write([]byte{algCosignatureV1})
	h.Write(pub)
	return binary.BigEndian.Uint32(h.Sum(nil))
}

// cosignatureMessage is what a cosignature at time t of the note text msg
// signs.
func cosignatureMessage(t uint64, msg []byte) []byte {
	var b bytes.Buffer
	b.WriteString(cosignatureHeader)
	b.WriteString("time " + strconv.FormatUint(t, 10) + "\n")
	b.Write(msg)
	return b.Bytes()
}

// validKeyName follows signed-note's rules for a key name (the same as an
// origin's here).
func validKeyName(s string) bool { return validOrigin(s) }

// Cosigner is a witness's key: a note.Signer that writes C2SP cosignature/v1
// signatures, and the key it signs refusals with (RefusalSigner).
type Cosigner struct {
	name  string
	id    uint32
	priv  ed25519.PrivateKey
	refus note.Signer
	rvkey string
	// Now is the clock a cosignature's timestamp is read from; nil is
	// time.Now. Tests set it.
	Now func() time.Time
}

// GenerateWitnessKey returns a new witness key named name, as its private
// key text (skey, to keep secret, read by NewCosigner) and its cosignature
// verifier key (vkey, to give the log's operator, read by
// NewCosignatureVerifier).
func GenerateWitnessKey(name string) (skey, vkey string, err error) {
	if !validKeyName(name) {
		return "", "", fmt.Errorf("%w: key name %q", ErrCosignature, name)
	}
	seed := make([]byte, ed25519.SeedSize)
	if _, err := rand.Read(seed); err != nil {
		return "", "", fmt.Errorf("translog: witness key: %w", err)
	}
	pub := ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
	id := cosignatureKeyID(name, pub)
	skey = fmt.Sprintf("PRIVATE+KEY+%s+%08x+%s", name, id, base64.StdEncoding.EncodeToString(append([]byte{algCosignatureV1}, seed...)))
	return skey, cosignatureVKey(name, pub), nil
}

func cosignatureVKey(name string, pub ed25519.PublicKey) string {
	return fmt.Sprintf("%s+%08x+%s", name, cosignatureKeyID(name, pub), base64.StdEncoding.EncodeToString(append([]byte{algCosignatureV1}, pub...)))
}

// splitKey splits a key's text, <name>+<8 hex digits: key ID>+<base64: the
// type byte 0x04 and size bytes>, into its fields, or names what is wrong
// with it. The name holds no '+'; the base64 may.
func splitKey(text string, size int) (name string, id uint32, key []byte, problem string) {
	name, rest, _ := strings.Cut(text, "+")
	id16, key64, _ := strings.Cut(rest, "+")
	if !validKeyName(name) {
		return "", 0, nil, "name"
	}
	n, err := strconv.ParseUint(id16, 16, 32)
	if len(id16) != 8 || err != nil {
		return "", 0, nil, "key ID"
	}
	key, err = base64.StdEncoding.Strict().DecodeString(key64)
	if err != nil || len(key) != 1+size || key[0] != algCosignatureV1 {
		return "", 0, nil, "key type or length"
	}
	return name, uint32(n), key, ""
}

// NewCosigner reads a witness's private key text, as GenerateWitnessKey
// writes it. Surrounding white space (a final newline in a key file) is
// ignored.
func NewCosigner(skey string) (*Cosigner, error) {
	bad := func(what string) (*Cosigner, error) {
		return nil, fmt.Errorf("%w: malformed witness private key (%s)", ErrCosignature, what)
	}
	rest, ok := strings.CutPrefix(strings.TrimSpace(skey), "PRIVATE+KEY+")
	if !ok {
		return bad("no PRIVATE+KEY+ prefix")
	}
	name, id, key, problem := splitKey(rest, ed25519.SeedSize)
	if problem != "" {
		return bad(problem)
	}
	priv := ed25519.NewKeyFromSeed(key[1:])
	pub := priv.Public().(ed25519.PublicKey)
	if cosignatureKeyID(name, pub) != id {
		return bad("the key ID does not match the key")
	}
	// Refusals are ordinary signed-note Ed25519 signatures (type 0x01).
	// They get their own key, derived from the seed, so that no message
	// the witness signs as a refusal is ever signed by its cosignature key
	// under another algorithm: one secret to keep, two public keys.
	rseed := sha256.Sum256(append([]byte(refusalKeyDerivationID), key[1:]...))
	rpub := ed25519.NewKeyFromSeed(rseed[:]).Public().(ed25519.PublicKey)
	rkey := append([]byte{algEd25519}, rpub...)
	rid := noteKeyID(name, rkey)
	rsigner, err := note.NewSigner(fmt.Sprintf("PRIVATE+KEY+%s+%08x+%s", name, rid,
		base64.StdEncoding.EncodeToString(append([]byte{algEd25519}, rseed[:]...))))
	if err != nil {
		return nil, fmt.Errorf("translog: refusal key: %w", err)
	}
	return &Cosigner{
		name: name, id: id, priv: priv, refus: rsigner,
		rvkey: fmt.Sprintf("%s+%08x+%s", name, rid, base64.StdEncoding.EncodeToString(rkey)),
	}, nil
}

// noteKeyID is signed-note's key ID of a key whose bytes (type byte first)
// are key: the first 4 bytes of SHA-256(name || "\n" || key).
func noteKeyID(name string, key []byte) uint32 {
	h := sha256.Sum256(append([]byte(name+"\n"), key...))
	return binary.BigEndian.Uint32(h[:4])
}

// Name implements note.Signer.
func (c *Cosigner) Name() string { return c.name }

// KeyHash implements note.Signer: the cosignature key ID.
func (c *Cosigner) KeyHash() uint32 { return c.id }

// Sign implements note.Signer: the cosignature/v1 signature of msg, a
// checkpoint's note text, timestamped now. It signs only checkpoints: a
// witness's cosignature means "I checked this tree", and a key that signed
// arbitrary text could be made to say it of anything.
func (c *Cosigner) Sign(msg []byte) ([]byte, error) {
	if _, err := ParseCheckpoint(msg); err != nil {
		return nil, fmt.Errorf("%w: only a checkpoint is cosigned: %v", ErrCosignature, err)
	}
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	t := now().Unix()
	if t < 0 {
		return nil, fmt.Errorf("%w: time %d before the epoch", ErrCosignature, t)
	}
	sig := binary.BigEndian.AppendUint64(make([]byte, 0, cosignatureTimeSize+ed25519.SignatureSize), uint64(t))
	return append(sig, ed25519.Sign(c.priv, cosignatureMessage(uint64(t), msg))...), nil
}

// VerifierKey is the cosignature verifier key (type 0x04) to give the log's
// operator.
func (c *Cosigner) VerifierKey() string {
	return cosignatureVKey(c.name, c.priv.Public().(ed25519.PublicKey))
}

// Verifier is the note.Verifier of this key's cosignatures.
func (c *Cosigner) Verifier() note.Verifier {
	v, _ := NewCosignatureVerifier(c.VerifierKey()) // a key we wrote ourselves
	return v
}

// RefusalSigner signs the witness's refusals (ordinary signed-note Ed25519,
// type 0x01), under the witness's name with the key derived from its seed.
func (c *Cosigner) RefusalSigner() note.Signer { return c.refus }

// RefusalVerifierKey is the signed-note verifier key (type 0x01) of the
// witness's refusals, read by x/mod's note.NewVerifier; the log's operator
// registers it with the cosignature key.
func (c *Cosigner) RefusalVerifierKey() string { return c.rvkey }

// cosignatureVerifier is a note.Verifier of cosignature/v1 signatures.
type cosignatureVerifier struct {
	name string
	id   uint32
	pub  ed25519.PublicKey
}

// NewCosignatureVerifier reads a cosignature verifier key (type 0x04), as
// GenerateWitnessKey and VerifierKey write it, checking that its key ID is
// the one its name and key give.
func NewCosignatureVerifier(vkey string) (note.Verifier, error) {
	bad := func(what string) (note.Verifier, error) {
		return nil, fmt.Errorf("%w: malformed cosignature verifier key %q (%s)", ErrCosignature, vkey, what)
	}
	name, id, key, problem := splitKey(vkey, ed25519.PublicKeySize)
	if problem != "" {
		return bad(problem)
	}
	pub := ed25519.PublicKey(key[1:])
	if cosignatureKeyID(name, pub) != id {
		return bad("the key ID does not match the key")
	}
	return cosignatureVerifier{name: name, id: id, pub: pub}, nil
}

func (v cosignatureVerifier) Name() string    { return v.name }
func (v cosignatureVerifier) KeyHash() uint32 { return v.id }

// Verify implements note.Verifier: sig is the timestamp and the Ed25519
// signature (note.Open has taken off the key ID).
func (v cosignatureVerifier) Verify(msg, sig []byte) bool {
	if len(sig) != cosignatureTimeSize+ed25519.SignatureSize {
		return false
	}
	t := binary.BigEndian.Uint64(sig)
	if t > math.MaxInt64 {
		return false
	}
	return ed25519.Verify(v.pub, cosignatureMessage(t, msg), sig[cosignatureTimeSize:])
}

// CosignatureTime returns the timestamp of a cosignature/v1 signature line.
// It reads the time only: call it on a signature note.Open has verified
// (one of the note's Sigs), not on an unverified one, whose time means
// nothing.
func CosignatureTime(sig note.Signature) (time.Time, error) {
	raw, err := base64.StdEncoding.Strict().DecodeString(sig.Base64)
	if err != nil || len(raw) != cosignatureSize {
		return time.Time{}, fmt.Errorf("%w: not a cosignature/v1 signature", ErrCosignature)
	}
	t := binary.BigEndian.Uint64(raw[4:])
	if t > math.MaxInt64 {
		return time.Time{}, fmt.Errorf("%w: timestamp %d", ErrCosignature, t)
	}
	return time.Unix(int64(t), 0).UTC(), nil
}
