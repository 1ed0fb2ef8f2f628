package services_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"minhbach/internal/passhash"
	"minhbach/internal/seal"
	"minhbach/services"
)

// testParams keeps argon2id cheap so the suite stays fast under -race.
var testParams = passhash.Params{MemoryKiB: 1024, Iterations: 1, Parallelism: 1}

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

// TestHasherErrors: the services report a hasher that gave up waiting for
// its turn as unavailable (the client may retry), and a stored hash the
// hasher cannot read as anything but that (a mismatch, not an outage).
func TestHasherErrors(t *testing.T) {
	h := passhash.New(testParams, 1)
	enc, err := services.HashSecret(context.Background(), h, "s")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := services.VerifySecret(context.Background(), h, "s", enc); !ok || err != nil {
		t.Fatalf("VerifySecret = %v, %v", ok, err)
	}
	done, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := services.HashSecret(done, h, "s"); !services.IsCode(err, services.CodeUnavailable) || !errors.Is(err, context.Canceled) {
		t.Fatalf("HashSecret with a done context: %v, want unavailable wrapping context.Canceled", err)
	}
	if ok, err := services.VerifySecret(done, h, "s", enc); ok || !services.IsCode(err, services.CodeUnavailable) {
		t.Fatalf("VerifySecret with a done context = %v, %v; want false, unavailable", ok, err)
	}
	if ok, err := services.VerifySecret(context.Background(), h, "s", "$argon2i$"); ok || err == nil || services.IsCode(err, services.CodeUnavailable) {
		t.Fatalf("VerifySecret of a malformed hash = %v, %v; want false and an error other than unavailable", ok, err)
	}
}

func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

func newTestSealer(t testing.TB) *seal.Sealer {
	t.Helper()
	s, err := seal.New("key-2026-01", testKey(0x42))
	if err != nil {
		t.Fatalf("seal.New: %v", err)
	}
	return s
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
