package services

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

// TOTP parameters (RFC 6238 as authenticator apps expect them).
const (
	totpDigits = 6
	totpPeriod = 30 * time.Second
	totpSkew   = 1 // accept one step either side, for clock drift
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewTOTPSecret returns 20 random bytes and their base32 form.
func NewTOTPSecret() ([]byte, string, error) {
	secret := make([]byte, 20)
	if _, err := rand.Read(secret); err != nil {
		return nil, "", err
	}
	return secret, b32.EncodeToString(secret), nil
}

// TOTPURL is the otpauth:// URL authenticator apps read from a QR code.
func TOTPURL(secret []byte, account string) string {
	v := url.Values{}
	v.Set("secret", b32.EncodeToString(secret))
	v.Set("issuer", "Minh Bach")
	v.Set("digits", fmt.Sprint(totpDigits))
	v.Set("period", fmt.Sprint(int(totpPeriod.Seconds())))
	return "otpauth://totp/" + url.PathEscape("Minh Bach:"+account) + "?" + v.Encode()
}

// TOTPCode is the code for secret at time t.
func TOTPCode(secret []byte, t time.Time) string {
	return hotp(secret, uint64(t.Unix()/int64(totpPeriod.Seconds())))
}

func hotp(secret []byte, counter uint64) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	m := hmac.New(sha1.New, secret)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", v%1_000_000)
}

// CheckTOTP reports whether code is valid for secret at t, within one step
// of drift, and returns the time step it matched (to refuse replays).
func CheckTOTP(secret []byte, code string, t time.Time) (int64, bool) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != totpDigits {
		return 0, false
	}
	step := t.Unix() / int64(totpPeriod.Seconds())
	for d := -totpSkew; d <= totpSkew; d++ {
		s := step + int64(d)
		if s < 0 {
			continue
		}
		if subtle.ConstantTimeCompare([]byte(hotp(secret, uint64(s))), []byte(code)) == 1 {
			return s, true
		}
	}
	return 0, false
}
