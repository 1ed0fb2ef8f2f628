// Package logtest helps the tests of the public transparency log's
// packages: it makes signed-note keys. It is imported by tests only.
package logtest

import (
	"crypto/rand"
	"testing"

	"golang.org/x/mod/sumdb/note"
)

// KeyPair returns a new Ed25519 note signer named name and its verifier,
// failing the test if they cannot be made.
func KeyPair(t testing.TB, name string) (note.Signer, note.Verifier) {
	t.Helper()
	skey, vkey, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	return s, v
}
