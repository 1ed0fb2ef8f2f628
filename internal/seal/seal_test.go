package seal_test

import (
	"bytes"
	"encoding/hex"
	"testing"

	"minhbach/internal/seal"
)

func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

func newTestSealer(t testing.TB) *seal.Sealer {
	t.Helper()
	s, err := seal.New("key-2026-01", testKey(0x42))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func TestNewKeyLength(t *testing.T) {
	for _, n := range []int{0, 1, 16, 24, 31, 33, 64} {
		if s, err := seal.New("k", make([]byte, n)); err == nil || s != nil {
			t.Errorf("New with a %d-byte key = %v, %v; want nil and an error", n, s, err)
		}
	}
	s, err := seal.New("key-2026-01", make([]byte, 32))
	if err != nil {
		t.Fatalf("New with a 32-byte key: %v", err)
	}
	if s.KeyID() != "key-2026-01" {
		t.Errorf("KeyID() = %q", s.KeyID())
	}
}

func TestRoundTrip(t *testing.T) {
	s := newTestSealer(t)
	for _, plain := range [][]byte{
		[]byte(`{"name":"Nguyễn Văn An","phone":"0912345678"}`),
		{},
		bytes.Repeat([]byte{0}, 4096),
	} {
		sealed, err := s.Seal(plain, []byte("case-1"))
		if err != nil {
			t.Fatalf("Seal: %v", err)
		}
		if want := 12 + len(plain) + 16; len(sealed) != want {
			t.Errorf("len(sealed) = %d, want nonce+plaintext+tag = %d", len(sealed), want)
		}
		if len(plain) > 8 && bytes.Contains(sealed, plain[:8]) {
			t.Errorf("sealed output contains plaintext")
		}
		got, err := s.Open(sealed, []byte("case-1"))
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		if !bytes.Equal(got, plain) {
			t.Fatalf("Open = %q, want %q", got, plain)
		}
	}
}

func TestRefuses(t *testing.T) {
	s := newTestSealer(t)
	plain := []byte(`{"name":"Nguyễn Văn An"}`)
	sealed, err := s.Seal(plain, []byte("case-1"))
	if err != nil {
		t.Fatal(err)
	}

	for _, aad := range [][]byte{[]byte("case-2"), []byte("case-1 "), nil} {
		if got, err := s.Open(sealed, aad); err == nil {
			t.Errorf("Open with AAD %q = %q; want an error (a record moved to another owner)", aad, got)
		}
	}

	// Flipping any byte — nonce, ciphertext or tag — must be detected.
	for i := range sealed {
		tampered := bytes.Clone(sealed)
		tampered[i] ^= 0x01
		if got, err := s.Open(tampered, []byte("case-1")); err == nil {
			t.Fatalf("Open with byte %d flipped = %q; want an error", i, got)
		}
	}
	if _, err := s.Open(append(bytes.Clone(sealed), 0), []byte("case-1")); err == nil {
		t.Error("Open with a trailing byte appended succeeded")
	}

	for _, n := range []int{0, 1, 12, 12 + 15, len(sealed) - 1} {
		if got, err := s.Open(sealed[:n], []byte("case-1")); err == nil {
			t.Errorf("Open of %d-byte input = %q; want an error", n, got)
		}
	}

	other, err := seal.New("key-2026-02", testKey(0x43))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := other.Open(sealed, []byte("case-1")); err == nil {
		t.Errorf("Open under another key = %q; want an error", got)
	}
}

func TestNonceIsFresh(t *testing.T) {
	s := newTestSealer(t)
	plain := []byte(`{"name":"Nguyễn Văn An"}`)
	seen := map[string]bool{}
	for range 50 {
		sealed, err := s.Seal(plain, []byte("case-1"))
		if err != nil {
			t.Fatal(err)
		}
		nonce := hex.EncodeToString(sealed[:12])
		if seen[nonce] {
			t.Fatalf("nonce %s reused", nonce)
		}
		seen[nonce] = true
	}
	a, _ := s.Seal(plain, []byte("case-1"))
	b, _ := s.Seal(plain, []byte("case-1"))
	if bytes.Equal(a, b) {
		t.Fatal("two seals of the same plaintext are identical")
	}
}
