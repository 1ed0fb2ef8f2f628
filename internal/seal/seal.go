// Package seal encrypts small records with AES-256-GCM under a named key,
// binding each to associated data so that a sealed record cannot be moved
// to another owner.
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
)

// Sealer encrypts with AES-256-GCM under one 32-byte key.
type Sealer struct {
	keyID string
	aead  cipher.AEAD
}

// New returns a Sealer for a 32-byte key. keyID names the key so that
// rotated keys can be told apart.
func New(keyID string, key []byte) (*Sealer, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("seal: the key must be 32 bytes, got %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{keyID: keyID, aead: aead}, nil
}

// KeyID names the key in use.
func (s *Sealer) KeyID() string { return s.keyID }

// Seal encrypts plaintext bound to ad, returning nonce‖ciphertext‖tag with
// a fresh random nonce.
func (s *Sealer) Seal(plaintext, ad []byte) ([]byte, error) {
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plaintext)+s.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return s.aead.Seal(nonce, nonce, plaintext, ad), nil
}

// Open decrypts what Seal produced for the same ad; any change to sealed
// or ad is an error.
func (s *Sealer) Open(sealed, ad []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n+s.aead.Overhead() {
		return nil, errors.New("seal: sealed record too short")
	}
	return s.aead.Open(nil, sealed[:n], sealed[n:], ad)
}
