package services_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"minhbach/services"
)

// testParams keeps argon2id cheap so the suite stays fast under -race.
var testParams = services.Argon2Params{MemoryKiB: 1024, Iterations: 1, Parallelism: 1}

var (
	trackingCodePattern = regexp.MustCompile(`^MB-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$`)
	receiptPattern      = regexp.MustCompile(`^\d{4}-\d{4}-\d{4}-\d{4}$`)
)

// trackingAlphabet is the alphabet the pattern above allows, spelled out.
const trackingAlphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"

func TestNewTrackingCode(t *testing.T) {
	const n = 2000
	seen := make(map[string]bool, n)
	// used[i] collects the characters seen at position i of the body.
	var used [8]map[rune]bool
	for i := range used {
		used[i] = map[rune]bool{}
	}
	for range n {
		code, err := services.NewTrackingCode()
		if err != nil {
			t.Fatalf("NewTrackingCode: %v", err)
		}
		if !trackingCodePattern.MatchString(code) {
			t.Fatalf("code %q does not match %s", code, trackingCodePattern)
		}
		if seen[code] {
			t.Fatalf("duplicate code %q among %d", code, len(seen))
		}
		seen[code] = true
		if got := services.NormalizeTrackingCode(code); got != code {
			t.Fatalf("NormalizeTrackingCode(%q) = %q; a fresh code must be its own normal form", code, got)
		}
		for i, c := range strings.ReplaceAll(code[3:], "-", "") {
			used[i][c] = true
		}
	}
	// With ~67 draws per character per position, a missing character means
	// the alphabet or the draw is wrong, not bad luck.
	for i, u := range used {
		if len(u) != len(trackingAlphabet) {
			t.Errorf("position %d used %d distinct characters, want all %d", i, len(u), len(trackingAlphabet))
		}
	}
}

func TestNormalizeTrackingCode(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{in: "MB-7K3M-9QX2", want: "MB-7K3M-9QX2"},
		{in: "mb-7k3m-9qx2", want: "MB-7K3M-9QX2"},
		{in: "Mb-7k3M-9Qx2", want: "MB-7K3M-9QX2"},
		{in: "  MB 7K3M 9QX2  ", want: "MB-7K3M-9QX2"},
		{in: "MB 7K3M-9QX2", want: "MB-7K3M-9QX2"},
		{in: "MB7K3M9QX2", want: "MB-7K3M-9QX2"},
		{in: "mb7k3m9qx2", want: "MB-7K3M-9QX2"},
		{in: "7K3M-9QX2", want: "MB-7K3M-9QX2"},
		{in: "7k3m9qx2", want: "MB-7K3M-9QX2"},
		{in: "7k3m 9qx2", want: "MB-7K3M-9QX2"},
		{in: "MB--7K3M--9QX2", want: "MB-7K3M-9QX2"},
		{in: "\t7K3M-9QX2\n", want: "MB-7K3M-9QX2"},
		{in: "MB-ZZZZ-2222", want: "MB-ZZZZ-2222"},
		{in: "MB-MBAB-CDEF", want: "MB-MBAB-CDEF"},
		{in: "mbab-cdef", want: "MB-MBAB-CDEF"},
		{in: "mbmbabcdef", want: "MB-MBAB-CDEF"},

		{in: "", want: ""},
		{in: "   ", want: ""},
		{in: "MB-", want: ""},
		{in: "MB", want: ""},
		{in: "MB-7K3M-9QX", want: ""},     // 7 characters
		{in: "MB-7K3M-9QX22", want: ""},   // 9 characters
		{in: "7K3M9QX", want: ""},         // 7 characters, no prefix
		{in: "7K3M9QX22", want: ""},       // 9 characters, no prefix
		{in: "XX-7K3M-9QX2", want: ""},    // wrong prefix
		{in: "MB-7K3M-9QX0", want: ""},    // 0 is not in the alphabet
		{in: "MB-7K3M-9QX1", want: ""},    // 1 is not in the alphabet
		{in: "MB-7K3M-9QXO", want: ""},    // O is not in the alphabet
		{in: "MB-7K3M-9QXI", want: ""},    // I
		{in: "MB-7K3M-9QXL", want: ""},    // L
		{in: "MB-7K3M-9QXU", want: ""},    // U
		{in: "MB-7K3M-9QX!", want: ""},    // punctuation
		{in: "MB-7K3M_9QX2", want: ""},    // underscore is not a separator
		{in: "MB-7K3M\t9QX2", want: ""},   // an inner tab is not a separator
		{in: "MB-7K3M-9QXĐ", want: ""},    // non-ASCII
		{in: "MB-7K3M-9Q\x002", want: ""}, // NUL
		{in: "MB-7K3M-9QX2 MB-7K3M-9QX2", want: ""},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.in), func(t *testing.T) {
			if got := services.NormalizeTrackingCode(tt.in); got != tt.want {
				t.Fatalf("NormalizeTrackingCode(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestNormalizeTrackingCodeTypedVariants checks, for fresh codes, every way a
// citizen may retype one.
func TestNormalizeTrackingCodeTypedVariants(t *testing.T) {
	for range 300 {
		code, err := services.NewTrackingCode()
		if err != nil {
			t.Fatal(err)
		}
		body := code[3:]
		variants := []string{
			strings.ToLower(code),
			strings.ReplaceAll(code, "-", ""),
			strings.ReplaceAll(code, "-", " "),
			" " + strings.ToLower(strings.ReplaceAll(code, "-", "")) + " ",
		}
		variants = append(variants, body, strings.ToLower(body), strings.ReplaceAll(body, "-", ""))
		for _, v := range variants {
			if got := services.NormalizeTrackingCode(v); got != code {
				t.Fatalf("NormalizeTrackingCode(%q) = %q, want %q", v, got, code)
			}
		}
	}
}

// TestVerifyRefusesLooseEncodings checks that only the exact form Hash
// writes is accepted: no leading junk, no trailing text after parameters.
func TestVerifyRefusesLooseEncodings(t *testing.T) {
	h := services.NewSecretHasher(services.Argon2Params{MemoryKiB: 1024, Iterations: 1, Parallelism: 1}, 1)
	ctx := context.Background()
	enc, err := h.Hash(ctx, "1234-5678-9012-3456")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := h.Verify(ctx, "1234-5678-9012-3456", enc); !ok || err != nil {
		t.Fatalf("the exact encoding must verify: %v", err)
	}
	parts := strings.Split(enc, "$")
	loose := []string{
		"junk" + enc,
		strings.Replace(enc, "$v=19$", "$v=19junk$", 1),
		strings.Replace(enc, ",p=1$", ",p=1junk$", 1),
		strings.Replace(enc, "$m=1024,", "$m= 1024,", 1),
		strings.Join(append([]string{}, parts[0], parts[1], parts[2], parts[3]+" ", parts[4], parts[5]), "$"),
	}
	for _, l := range loose {
		if ok, err := h.Verify(ctx, "1234-5678-9012-3456", l); ok || err == nil {
			t.Errorf("Verify accepted the loose encoding %q", l)
		}
	}
}

func TestNewReceipt(t *testing.T) {
	const n = 2000
	seen := make(map[string]bool, n)
	var digits [16]map[byte]bool
	for i := range digits {
		digits[i] = map[byte]bool{}
	}
	for range n {
		r, err := services.NewReceipt()
		if err != nil {
			t.Fatalf("NewReceipt: %v", err)
		}
		if !receiptPattern.MatchString(r) {
			t.Fatalf("receipt %q does not match %s", r, receiptPattern)
		}
		if seen[r] {
			t.Fatalf("duplicate receipt %q", r)
		}
		seen[r] = true
		if got := services.NormalizeReceipt(r); got != r {
			t.Fatalf("NormalizeReceipt(%q) = %q; a fresh receipt must be its own normal form", r, got)
		}
		d := strings.ReplaceAll(r, "-", "")
		for i := range len(d) {
			digits[i][d[i]] = true
		}
	}
	// Every position, the first included, must take all ten digits: a
	// receipt with a fixed or biased digit has fewer than 53 bits.
	for i, u := range digits {
		if len(u) != 10 {
			t.Errorf("position %d used %d distinct digits, want 10", i, len(u))
		}
	}
}

func TestNormalizeReceipt(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1234-5678-9012-3456", "1234-5678-9012-3456"},
		{"1234567890123456", "1234-5678-9012-3456"},
		{"1234 5678 9012 3456", "1234-5678-9012-3456"},
		{" 1234-5678-9012-3456 ", "1234-5678-9012-3456"},
		{"12-34-56-78-90-12-34-56", "1234-5678-9012-3456"},
		{"0000-0000-0000-0000", "0000-0000-0000-0000"},

		{"", ""},
		{"----", ""},
		{"1234-5678-9012-345", ""},    // 15 digits
		{"1234-5678-9012-34567", ""},  // 17 digits
		{"1234-5678-9012-345a", ""},   // letter
		{"1234-5678-9012-3456\n", ""}, // newline is not a separator
		{"1234\t5678901234 56", ""},   // nor is a tab
		{"1234.5678.9012.3456", ""},   // nor a dot
		{"１２３４５６７８９０１２３４５６", ""}, // full-width digits
		{"١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦", ""}, // Arabic-Indic digits
		{"1234-5678-9012-3456-7890", ""},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.in), func(t *testing.T) {
			if got := services.NormalizeReceipt(tt.in); got != tt.want {
				t.Fatalf("NormalizeReceipt(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSecretHasherRoundTrip(t *testing.T) {
	ctx := context.Background()
	h := services.NewSecretHasher(testParams, 2)
	const secret = "1234-5678-9012-3456"
	enc, err := h.Hash(ctx, secret)
	if err != nil {
		t.Fatalf("Hash: %v", err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Errorf("encoded = %q, want a PHC argon2id string with the hasher's params", enc)
	}
	if strings.Contains(enc, secret) || strings.Contains(enc, strings.ReplaceAll(secret, "-", "")) {
		t.Errorf("encoded hash %q contains the secret", enc)
	}
	ok, err := h.Verify(ctx, secret, enc)
	if err != nil || !ok {
		t.Fatalf("Verify(right secret) = %v, %v; want true, nil", ok, err)
	}
	for _, wrong := range []string{"1234-5678-9012-3457", "1234567890123456", "", secret + " "} {
		ok, err := h.Verify(ctx, wrong, enc)
		if err != nil || ok {
			t.Errorf("Verify(%q) = %v, %v; want false, nil", wrong, ok, err)
		}
	}
}

func TestSecretHasherSaltsDiffer(t *testing.T) {
	ctx := context.Background()
	h := services.NewSecretHasher(testParams, 1)
	a, err := h.Hash(ctx, "same secret")
	if err != nil {
		t.Fatal(err)
	}
	b, err := h.Hash(ctx, "same secret")
	if err != nil {
		t.Fatal(err)
	}
	pa, pb := strings.Split(a, "$"), strings.Split(b, "$")
	if len(pa) != 6 || len(pb) != 6 {
		t.Fatalf("unexpected encodings %q, %q", a, b)
	}
	if pa[4] == pb[4] {
		t.Errorf("two hashes of the same secret share the salt %q", pa[4])
	}
	if pa[5] == pb[5] {
		t.Errorf("two hashes of the same secret share the key %q", pa[5])
	}
	for _, enc := range []string{a, b} {
		if ok, err := h.Verify(ctx, "same secret", enc); !ok || err != nil {
			t.Errorf("Verify(%q) = %v, %v", enc, ok, err)
		}
	}
}

func TestSecretHasherVerifyUsesEncodedParams(t *testing.T) {
	ctx := context.Background()
	old := services.NewSecretHasher(testParams, 1)
	current := services.NewSecretHasher(services.Argon2Params{MemoryKiB: 2048, Iterations: 2, Parallelism: 2}, 1)
	enc, err := old.Hash(ctx, "mật khẩu cũ")
	if err != nil {
		t.Fatal(err)
	}
	// A hash made under older settings still verifies after they change.
	if ok, err := current.Verify(ctx, "mật khẩu cũ", enc); !ok || err != nil {
		t.Fatalf("Verify with other params = %v, %v; want true, nil", ok, err)
	}
	newEnc, err := current.Hash(ctx, "mật khẩu cũ")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(newEnc, "$m=2048,t=2,p=2$") {
		t.Errorf("encoded = %q, want the current params", newEnc)
	}
	if ok, err := old.Verify(ctx, "mật khẩu cũ", newEnc); !ok || err != nil {
		t.Fatalf("Verify of new hash by old hasher = %v, %v; want true, nil", ok, err)
	}
	// The params are part of what is verified: changing them changes the key.
	tampered := strings.Replace(enc, "$m=1024,t=1,p=1$", "$m=1024,t=2,p=1$", 1)
	if ok, err := old.Verify(ctx, "mật khẩu cũ", tampered); ok || err != nil {
		t.Fatalf("Verify with tampered params = %v, %v; want false, nil", ok, err)
	}
}

func TestSecretHasherVerifyMalformed(t *testing.T) {
	ctx := context.Background()
	h := services.NewSecretHasher(testParams, 1)
	good, err := h.Hash(ctx, "s")
	if err != nil {
		t.Fatal(err)
	}
	p := strings.Split(good, "$") // "", argon2id, v=19, m=..., salt, key
	salt, key := p[4], p[5]
	short := "AAAAAAAAAAAAAAAAAAAA" // 15 bytes
	long := strings.Repeat("A", 88) // 66 bytes
	join := func(parts ...string) string { return strings.Join(parts, "$") }
	tests := map[string]string{
		"empty":             "",
		"dollars only":      "$$$$$",
		"bcrypt":            "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"argon2i":           join("", "argon2i", "v=19", "m=1024,t=1,p=1", salt, key),
		"too few parts":     join("", "argon2id", "v=19", "m=1024,t=1,p=1", salt),
		"too many parts":    good + "$extra",
		"version 16":        join("", "argon2id", "v=16", "m=1024,t=1,p=1", salt, key),
		"no version":        join("", "argon2id", "", "m=1024,t=1,p=1", salt, key),
		"params missing":    join("", "argon2id", "v=19", "", salt, key),
		"params reordered":  join("", "argon2id", "v=19", "t=1,m=1024,p=1", salt, key),
		"m=0":               join("", "argon2id", "v=19", "m=0,t=1,p=1", salt, key),
		"m above 4 GiB":     join("", "argon2id", "v=19", "m=4194305,t=1,p=1", salt, key),
		"m overflows":       join("", "argon2id", "v=19", "m=99999999999,t=1,p=1", salt, key),
		"m negative":        join("", "argon2id", "v=19", "m=-1,t=1,p=1", salt, key),
		"t=0":               join("", "argon2id", "v=19", "m=1024,t=0,p=1", salt, key),
		"t=65":              join("", "argon2id", "v=19", "m=1024,t=65,p=1", salt, key),
		"p=0":               join("", "argon2id", "v=19", "m=1024,t=1,p=0", salt, key),
		"p=256":             join("", "argon2id", "v=19", "m=1024,t=1,p=256", salt, key),
		"salt not base64":   join("", "argon2id", "v=19", "m=1024,t=1,p=1", "!!!!", key),
		"salt padded":       join("", "argon2id", "v=19", "m=1024,t=1,p=1", salt+"==", key),
		"key not base64":    join("", "argon2id", "v=19", "m=1024,t=1,p=1", salt, "***"),
		"key empty":         join("", "argon2id", "v=19", "m=1024,t=1,p=1", salt, ""),
		"key under 16":      join("", "argon2id", "v=19", "m=1024,t=1,p=1", salt, short),
		"key over 64":       join("", "argon2id", "v=19", "m=1024,t=1,p=1", salt, long),
		"plain receipt":     "1234-5678-9012-3456",
		"non-UTF-8 garbage": "$argon2id$v=19$m=\xff\xfe,t=1,p=1$" + salt + "$" + key,
	}
	for name, enc := range tests {
		t.Run(name, func(t *testing.T) {
			ok, err := h.Verify(ctx, "s", enc)
			if ok || err == nil {
				t.Fatalf("Verify(%q) = %v, %v; want false and an error", enc, ok, err)
			}
		})
	}
}

func TestNewSecretHasherConcurrency(t *testing.T) {
	for _, tt := range []struct{ in, want int }{{-3, 1}, {0, 1}, {1, 1}, {4, 4}} {
		if got := services.HasherCapacity(services.NewSecretHasher(testParams, tt.in)); got != tt.want {
			t.Errorf("NewSecretHasher(p, %d) runs %d at once, want %d", tt.in, got, tt.want)
		}
	}
}

// TestSecretHasherSaturated is the deterministic form of "at most N hashes
// run at once": with every slot taken, a caller whose context ends gets
// unavailable and no hash runs.
func TestSecretHasherSaturated(t *testing.T) {
	h := services.NewSecretHasher(testParams, 1)
	enc, err := h.Hash(context.Background(), "s")
	if err != nil {
		t.Fatal(err)
	}
	release := services.HoldHasherSlot(h)
	defer release()

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for range 20 {
		if _, err := h.Hash(cancelled, "s"); !services.IsCode(err, services.CodeUnavailable) {
			t.Fatalf("Hash on a saturated hasher with a cancelled context: err = %v, want unavailable", err)
		} else if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want it to wrap context.Canceled for the logs", err)
		}
		if ok, err := h.Verify(cancelled, "s", enc); ok || !services.IsCode(err, services.CodeUnavailable) {
			t.Fatalf("Verify on a saturated hasher with a cancelled context = %v, %v; want false, unavailable", ok, err)
		}
	}
	if n := services.HasherInUse(h); n != 1 {
		t.Fatalf("after refused calls %d slots are taken, want only the held one", n)
	}

	// A waiting caller gives up when its context ends.
	ctx, cancelWait := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := h.Hash(ctx, "s")
		done <- err
	}()
	cancelWait()
	if err := <-done; !services.IsCode(err, services.CodeUnavailable) {
		t.Fatalf("waiting Hash after cancel: err = %v, want unavailable", err)
	}

	// A waiting caller with a live context proceeds once the slot is free,
	// and not before.
	var freed atomic.Bool
	type result struct {
		enc      string
		err      error
		wasFreed bool
	}
	waited := make(chan result, 1)
	go func() {
		enc, err := h.Hash(context.Background(), "s")
		waited <- result{enc, err, freed.Load()}
	}()
	freed.Store(true)
	release()
	r := <-waited
	if r.err != nil {
		t.Fatalf("Hash after the slot was freed: %v", r.err)
	}
	if !r.wasFreed {
		t.Fatal("Hash finished while the only slot was held")
	}
	if n := services.HasherInUse(h); n != 0 {
		t.Fatalf("%d slots still taken after every call returned", n)
	}
}

func TestSecretHasherConcurrentCalls(t *testing.T) {
	h := services.NewSecretHasher(testParams, 1)
	ctx := context.Background()
	var wg sync.WaitGroup
	hashes := make([]string, 4)
	errs := make([]error, 4)
	for i := range 4 {
		wg.Go(func() {
			hashes[i], errs[i] = h.Hash(ctx, fmt.Sprintf("secret-%d", i))
		})
	}
	wg.Wait()
	for i := range 4 {
		if errs[i] != nil {
			t.Fatalf("Hash %d: %v", i, errs[i])
		}
		if ok, err := h.Verify(ctx, fmt.Sprintf("secret-%d", i), hashes[i]); !ok || err != nil {
			t.Fatalf("Verify %d = %v, %v", i, ok, err)
		}
	}
	if n := services.HasherInUse(h); n != 0 {
		t.Fatalf("%d slots still taken after every call returned (leaked slot)", n)
	}

	// With two slots, one held, another hash still runs.
	h2 := services.NewSecretHasher(testParams, 2)
	release := services.HoldHasherSlot(h2)
	defer release()
	if _, err := h2.Hash(ctx, "s"); err != nil {
		t.Fatalf("Hash with one of two slots free: %v", err)
	}
}

func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

func newTestSealer(t testing.TB) *services.Sealer {
	t.Helper()
	s, err := services.NewSealer("key-2026-01", testKey(0x42))
	if err != nil {
		t.Fatalf("NewSealer: %v", err)
	}
	return s
}

func TestNewSealerKeyLength(t *testing.T) {
	for _, n := range []int{0, 1, 16, 24, 31, 33, 64} {
		if s, err := services.NewSealer("k", make([]byte, n)); err == nil || s != nil {
			t.Errorf("NewSealer with a %d-byte key = %v, %v; want nil and an error", n, s, err)
		}
	}
	s, err := services.NewSealer("key-2026-01", make([]byte, 32))
	if err != nil {
		t.Fatalf("NewSealer with a 32-byte key: %v", err)
	}
	if s.KeyID() != "key-2026-01" {
		t.Errorf("KeyID() = %q", s.KeyID())
	}
}

func TestSealerRoundTrip(t *testing.T) {
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

func TestSealerRefuses(t *testing.T) {
	s := newTestSealer(t)
	plain := []byte(`{"name":"Nguyễn Văn An"}`)
	sealed, err := s.Seal(plain, []byte("case-1"))
	if err != nil {
		t.Fatal(err)
	}

	for _, aad := range [][]byte{[]byte("case-2"), []byte("case-1 "), nil} {
		if got, err := s.Open(sealed, aad); err == nil {
			t.Errorf("Open with AAD %q = %q; want an error (identity moved to another case)", aad, got)
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

	other, err := services.NewSealer("key-2026-02", testKey(0x43))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := other.Open(sealed, []byte("case-1")); err == nil {
		t.Errorf("Open under another key = %q; want an error", got)
	}
}

func TestSealerNonceIsFresh(t *testing.T) {
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

func FuzzNormalizeTrackingCode(f *testing.F) {
	for _, s := range []string{
		"MB-7K3M-9QX2", "mb-7k3m-9qx2", " MB 7K3M 9QX2 ", "MB7K3M9QX2", "7K3M-9QX2", "7k3m9qx2",
		"MB-MBAB-CDEF", "mbab-cdef", "MB-OOOO-IIII", "MB-0000-1111", "MB-7K3M-9QX", "MB-7K3M-9QXĐ",
		"mb-ſſſſ-ſſſſ", "", "MB-", "MBMBMBMBMB", "\t7K3M\u00a09QX2\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := services.NormalizeTrackingCode(s)
		if got == "" {
			return
		}
		if !trackingCodePattern.MatchString(got) {
			t.Fatalf("NormalizeTrackingCode(%q) = %q, not a well-formed code", s, got)
		}
		if again := services.NormalizeTrackingCode(got); again != got {
			t.Fatalf("NormalizeTrackingCode(%q) = %q, but normalizing that gives %q", s, got, again)
		}
		if lower := services.NormalizeTrackingCode(strings.ToLower(got)); lower != got {
			t.Fatalf("lower-case %q normalizes to %q, want %q", strings.ToLower(got), lower, got)
		}
	})
}

func FuzzNormalizeReceipt(f *testing.F) {
	for _, s := range []string{
		"1234-5678-9012-3456", "1234567890123456", "1234 5678 9012 3456", " 1234-5678-9012-3456 ",
		"1234-5678-9012-345", "1234-5678-9012-34567", "1234-5678-9012-345a", "１２３４５６７８９０１２３４５６", "", "-",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := services.NormalizeReceipt(s)
		if got == "" {
			return
		}
		if !receiptPattern.MatchString(got) {
			t.Fatalf("NormalizeReceipt(%q) = %q, not a well-formed receipt", s, got)
		}
		if again := services.NormalizeReceipt(got); again != got {
			t.Fatalf("NormalizeReceipt(%q) = %q, but normalizing that gives %q", s, got, again)
		}
		// The digits are kept in order: nothing is invented or dropped.
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, s)
		if digits != strings.ReplaceAll(got, "-", "") {
			t.Fatalf("NormalizeReceipt(%q) = %q changes the digits", s, got)
		}
	})
}

func FuzzVerifyEncodedHash(f *testing.F) {
	ctx := context.Background()
	h := services.NewSecretHasher(testParams, 4)
	genuine, err := h.Hash(ctx, "1234-5678-9012-3456")
	if err != nil {
		f.Fatal(err)
	}
	// The secret is fresh for every run, so no stored seed can match it.
	var b [16]byte
	rand.Read(b[:])
	secret := hex.EncodeToString(b[:])

	for _, s := range []string{
		genuine,
		strings.Replace(genuine, "m=1024", "m=2048", 1),
		"$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI",
		"$argon2id$v=19$m=4096,t=3,p=4$c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2i$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=0,t=1,p=1$$",
		"$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"", "$$$$$",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, encoded string) {
		// Keep each run cheap: skip inputs Verify would accept but that ask
		// for a lot of argon2 work (memory above 64 MiB, or many passes).
		if parts := strings.Split(encoded, "$"); len(parts) == 6 {
			var m, iter uint32
			var p uint8
			if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &iter, &p); err == nil {
				eff := uint64(max(m, 8*uint32(p)))
				if m > 65536 || eff*uint64(iter) > 1<<16 {
					t.Skip("too costly for fuzzing")
				}
			}
		}
		ok, err := h.Verify(ctx, secret, encoded)
		if ok {
			t.Fatalf("Verify(random secret, %q) = true", encoded)
		}
		if err != nil && services.IsCode(err, services.CodeUnavailable) {
			t.Fatalf("Verify(%q) = unavailable with a live context: %v", encoded, err)
		}
	})
}
