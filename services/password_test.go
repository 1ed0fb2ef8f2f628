package services_test

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"minhbach/services"
)

// TestPasswordPolicyRefusesDerivedPasswords: twelve spaces, repeated
// characters, keyboard runs, and passwords made from the e-mail's name
// part, the person's name or the portal's name with digits, years or
// punctuation added are refused with a code the forms can explain; real
// passphrases and random passwords pass.
func TestPasswordPolicyRefusesDerivedPasswords(t *testing.T) {
	const email, name = "thanhtra@unit.test", "Nguyễn Văn An"
	for pw, want := range map[string]string{
		"            ":                   "too_weak",
		"\t \t \t \t \t \t \u00a0\u3000": "too_weak",
		"zzzzzzzzzzzz":                   "too_weak",
		"abcabcabcabc":                   "too_weak",
		"121212121212":                   "too_weak",
		"bcdefghijklm":                   "too_weak",
		"qwertyuiop[]":                   "too_weak",
		"234567890123":                   "too_weak",
		strings.Repeat("a", 256):         "too_weak",
		strings.Repeat("Ab1!", 40):       "too_weak",
		"thanhtra654321":                 "too_personal",
		"Thanhtra@2026!!":                "too_personal",
		"2026-THANHTRA-2026":             "too_personal",
		"thanhtrathanhtra1":              "too_personal",
		"NguyenVanAn1990":                "too_personal",
		"Nguyễn Văn An 1990":             "too_personal",
		"Nguyen.2026!!!!":                "too_personal",
		"MinhBach2026!!":                 "too_personal",
		"minh bạch 123456":               "too_personal",
		"password1234":                   "too_common",
		"short":                          "too_short",
		strings.Repeat("x", 257):         services.FieldTooLong,
	} {
		err := services.CheckPassword(pw, email, name)
		var e *services.Error
		if !errors.As(err, &e) || e.Code != services.CodeInvalid || e.Fields["password"] != want || e.Message == "" {
			t.Errorf("%.40q: %v, want %s", pw, err, want)
		}
	}
	for _, pw := range []string{"Thanh-tra-2026-an-toàn", "correct horse battery staple", "Gió-mùa-đông-bắc-7-lối", "k8#Vq2!mZ4pL@x9w",
		"Cán-bộ-thanh-tra-quận-1", strings.Repeat("Gió-mùa-đông-bắc-7-lối ", 10)} {
		if err := services.CheckPassword(pw, email, name); err != nil {
			t.Errorf("%q refused: %v", pw, err)
		}
	}
	// Without a name, the e-mail address still counts.
	if err := services.CheckPassword("thanhtra654321", email); err == nil {
		t.Error("the e-mail's name part with digits passed without a name")
	}
}

// FuzzCheckPassword: any password, e-mail and name never panic the policy
// (nor the estimator behind it); a password it accepts is valid UTF-8, 12
// to 256 characters, not blank, and not the e-mail's name part with digits.
func FuzzCheckPassword(f *testing.F) {
	f.Add("Thanh-tra-2026-an-toàn", "thanhtra@unit.test", "Nguyễn Văn An")
	f.Add("            ", "a@b.c", "")
	f.Add("thanhtra654321", "thanhtra@unit.test", "")
	f.Add(strings.Repeat("ab", 128), "x@y.z", "ab")
	f.Add("\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6\xf5\xf4", "@", "\x00")
	f.Fuzz(func(t *testing.T, pw, email, name string) {
		if services.CheckPassword(pw, email, name) != nil {
			return
		}
		n := utf8.RuneCountInString(pw)
		if !utf8.ValidString(pw) || n < services.MinPasswordChars || n > 256 || strings.TrimSpace(pw) == "" {
			t.Fatalf("accepted %q", pw)
		}
		if local, _, _ := strings.Cut(email, "@"); local != "" && strings.Trim(strings.ToLower(pw), "0123456789!@#.-_ ") == strings.ToLower(local) && strings.IndexFunc(local, unicode.IsLetter) >= 0 && strings.ToLower(local) == local && isASCIILetters(local) {
			t.Fatalf("accepted %q for %q", pw, email)
		}
	})
}

func isASCIILetters(s string) bool {
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}
