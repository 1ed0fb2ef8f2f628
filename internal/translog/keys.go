package translog

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"

	"golang.org/x/mod/sumdb/note"
)

// Ed25519Key returns the note signer and the verifier key string of the
// Ed25519 key with the given 32-byte seed, named name (for the log: its
// origin). The portal keeps its log key as a seed, like its other keys, and
// publishes the verifier key (name+hash+base64 key) for anyone to check its
// checkpoints with.
func Ed25519Key(name string, seed []byte) (note.Signer, string, error) {
	if len(seed) != ed25519.SeedSize {
		return nil, "", fmt.Errorf("translog: an Ed25519 seed has %d bytes, not %d", ed25519.SeedSize, len(seed))
	}
	pub := ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
	vkey, err := note.NewEd25519VerifierKey(name, pub)
	if err != nil {
		return nil, "", fmt.Errorf("translog: %w", err)
	}
	h := sha256.New()
	h.Write([]byte(name + "\n"))
	h.Write([]byte{algEd25519})
	h.Write(pub)
	hash := binary.BigEndian.Uint32(h.Sum(nil))
	skey := fmt.Sprintf("PRIVATE+KEY+%s+%08x+%s", name, hash, base64.StdEncoding.EncodeToString(append([]byte{algEd25519}, seed...)))
	signer, err := note.NewSigner(skey)
	if err != nil {
		return nil, "", fmt.Errorf("translog: %w", err)
	}
	return signer, vkey, nil
}
