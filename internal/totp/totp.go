// Package totp implements time-based one-time passwords (RFC 6238, over
// HOTP of RFC 4226) as authenticator apps expect them: HMAC-SHA-1,
// 6 digits, 30-second steps.
package totp

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// The parameters authenticator apps assume when an otpauth URL names none.
const (
	Digits = 6
	Period = 30 * time.Second
	// Skew is how many steps either side of the current one Check accepts,
	// for clock drift between the server and the phone.
	Skew = 1
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewSecret returns 20 random bytes (the HMAC-SHA-1 block of RFC 4226's
// recommendation) and their unpadded base32 form, which users type into an
// app that cannot read the QR code.
func NewSecret() ([]byte, string, error) {
	secret := make([]byte, 20)
	if _, err := rand.Read(secret); err != nil {
		return nil, "", err
	}
	return secret, b32.EncodeToString(secret), nil
}

// URL is the otpauth:// URL authenticator apps read from a QR code; issuer
// and account are shown in the app.
func URL(secret []byte, issuer, account string) string {
	v := url.Values{}
	v.Set("secret", b32.EncodeToString(secret))
	v.Set("issuer", issuer)
	v.Set("digits", fmt.Sprint(Digits))
	v.Set("period", fmt.Sprint(int(Period.Seconds())))
	return "otpauth://totp/" + url.PathEscape(issuer+":"+account) + "?" + v.Encode()
}

// Step is the time step t falls in.
func Step(t time.Time) int64 { return t.Unix() / int64(Period.Seconds()) }

// Code is the code for secret at time t.
func Code(secret []byte, t time.Time) string {
	return hotp(secret, uint64(Step(t)), Digits)
}

// pow10 bounds the digits hotp can produce: 31 bits hold at most 10.
var pow10 = [...]uint32{1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000}

// hotp is RFC 4226's HOTP value of counter, in digits decimal digits
// (1 to 9), with HMAC-SHA-1 and dynamic truncation.
func hotp(secret []byte, counter uint64, digits int) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	m := hmac.New(sha1.New, secret)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%0*d", digits, v%pow10[digits])
}

// Check reports whether code (spaces allowed) is valid for secret at t,
// within Skew steps of drift, and returns the step it matched. The caller
// refuses a step it has already accepted, so that a code is never used
// twice.
func Check(secret []byte, code string, t time.Time) (int64, bool) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != Digits {
		return 0, false
	}
	step := Step(t)
	for d := -Skew; d <= Skew; d++ {
		s := step + int64(d)
		if s < 0 {
			continue
		}
		if subtle.ConstantTimeCompare([]byte(hotp(secret, uint64(s), Digits)), []byte(code)) == 1 {
			return s, true
		}
	}
	return 0, false
}
