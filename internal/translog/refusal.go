package translog

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/note"
)

// A witness's refusal is a signed note (docs/transparency-log.md, "Refusals")
// whose text is exactly these seven lines, in this order, each ending in a
// newline:
//
//	minhbach-witness-refusal/1
//	origin <the log's origin>
//	reason <inconsistent|rollback|fork|unavailable|bad_signature>
//	seen <size> <base64 root>      or  seen none
//	got <size> <base64 root>       or  got none
//	time <POSIX seconds>
//	detail <one line of text>
//
// "seen" is the last checkpoint the witness cosigned, "got" what the log
// showed it instead (what a checkpoint claimed, even when its signature did
// not verify; none when nothing could be read). Sizes and times are decimal
// with no leading zero, roots standard padded base64 of 32 bytes, the
// detail non-empty UTF-8 of at most MaxRefusalDetail bytes without control
// characters. Each refusal has this one encoding only. It is signed with
// the witness's refusal key (Cosigner.RefusalSigner), an ordinary
// signed-note Ed25519 key under the witness's name.
const refusalTag = "minhbach-witness-refusal/1"

// MaxRefusalDetail bounds a refusal's detail line, in bytes.
const MaxRefusalDetail = 1000

// RefusalReason is why a witness refused to cosign.
type RefusalReason string

// The reasons of a refusal.
const (
	// ReasonInconsistent: the new checkpoint does not extend the one the
	// witness cosigned (the consistency proof computed from the log's
	// tiles fails), or the tiles do not match the checkpoint.
	ReasonInconsistent RefusalReason = "inconsistent"
	// ReasonRollback: the log is smaller than the checkpoint the witness
	// cosigned.
	ReasonRollback RefusalReason = "rollback"
	// ReasonFork: the log shows two different trees of one size.
	ReasonFork RefusalReason = "fork"
	// ReasonUnavailable: a checkpoint or tile the witness needs is missing.
	ReasonUnavailable RefusalReason = "unavailable"
	// ReasonBadSignature: the checkpoint is not signed by the log's key,
	// or not for the log's origin, or malformed.
	ReasonBadSignature RefusalReason = "bad_signature"
)

// RefusalReasons lists every reason, in a fixed order.
func RefusalReasons() []RefusalReason {
	return []RefusalReason{ReasonInconsistent, ReasonRollback, ReasonFork, ReasonUnavailable, ReasonBadSignature}
}

func knownReason(r RefusalReason) bool {
	for _, k := range RefusalReasons() {
		if r == k {
			return true
		}
	}
	return false
}

// TreeHead is a tree's size and root hash.
type TreeHead struct {
	Size int64
	Root Hash
}

// Refusal is a witness's refusal to cosign.
type Refusal struct {
	Origin string
	Reason RefusalReason
	// Seen is the last checkpoint the witness cosigned; nil for none.
	Seen *TreeHead
	// Got is the tree the log showed; nil for none.
	Got *TreeHead
	// Time is when the witness refused, in POSIX seconds.
	Time int64
	// Detail says what failed, for people (see RefusalDetail).
	Detail string
}

// ErrRefusal is returned for a refusal that is malformed or not signed by
// the expected key.
var ErrRefusal = errors.New("translog: malformed witness refusal")

func validDetail(s string) bool {
	return s != "" && len(s) <= MaxRefusalDetail && validExtension(s)
}

// RefusalDetail turns s, an error message or other text, into a valid
// detail line: control characters become spaces, invalid UTF-8 '?', and it
// is cut to MaxRefusalDetail bytes on a character boundary.
func RefusalDetail(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			r = '?'
		case r < 0x20 || r == 0x7f:
			r = ' '
		}
		if b.Len()+utf8.RuneLen(r) > MaxRefusalDetail {
			break
		}
		b.WriteRune(r)
	}
	if b.Len() == 0 {
		return "-"
	}
	return b.String()
}

func marshalHead(h *TreeHead) string {
	if h == nil {
		return "none"
	}
	return strconv.FormatInt(h.Size, 10) + " " + base64.StdEncoding.EncodeToString(h.Root[:])
}

// Marshal returns the refusal's note text.
func (r Refusal) Marshal() ([]byte, error) {
	switch {
	case !validOrigin(r.Origin):
		return nil, fmt.Errorf("%w: origin %q", ErrRefusal, r.Origin)
	case !knownReason(r.Reason):
		return nil, fmt.Errorf("%w: reason %q", ErrRefusal, r.Reason)
	case r.Seen != nil && r.Seen.Size < 0, r.Got != nil && r.Got.Size < 0:
		return nil, fmt.Errorf("%w: a negative size", ErrRefusal)
	case r.Time < 0:
		return nil, fmt.Errorf("%w: time %d", ErrRefusal, r.Time)
	case !validDetail(r.Detail):
		return nil, fmt.Errorf("%w: detail %q", ErrRefusal, r.Detail)
	}
	var b strings.Builder
	b.WriteString(refusalTag + "\n")
	b.WriteString("origin " + r.Origin + "\n")
	b.WriteString("reason " + string(r.Reason) + "\n")
	b.WriteString("seen " + marshalHead(r.Seen) + "\n")
	b.WriteString("got " + marshalHead(r.Got) + "\n")
	b.WriteString("time " + strconv.FormatInt(r.Time, 10) + "\n")
	b.WriteString("detail " + r.Detail + "\n")
	return []byte(b.String()), nil
}

func parseHead(s string) (*TreeHead, bool) {
	if s == "none" {
		return nil, true
	}
	size, root64, ok := strings.Cut(s, " ")
	if !ok {
		return nil, false
	}
	n, ok := decimal(size, math.MaxInt64)
	if !ok {
		return nil, false
	}
	root, err := base64.StdEncoding.Strict().DecodeString(root64)
	if err != nil || len(root) != HashSize || base64.StdEncoding.EncodeToString(root) != root64 {
		return nil, false
	}
	h := &TreeHead{Size: n}
	copy(h.Root[:], root)
	return h, true
}

// ParseRefusal parses a refusal's note text (without its signatures). It
// accepts only the form Marshal writes.
func ParseRefusal(text []byte) (Refusal, error) {
	s := string(text)
	bad := func(what string) (Refusal, error) { return Refusal{}, fmt.Errorf("%w: %s", ErrRefusal, what) }
	if !strings.HasSuffix(s, "\n") {
		return bad("the text does not end in a newline")
	}
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	keys := []string{"", "origin", "reason", "seen", "got", "time", "detail"}
	if len(lines) != len(keys) || lines[0] != refusalTag {
		return bad("not seven lines under " + refusalTag)
	}
	vals := make([]string, len(keys))
	for i := 1; i < len(keys); i++ {
		v, ok := strings.CutPrefix(lines[i], keys[i]+" ")
		if !ok {
			return bad(fmt.Sprintf("line %d is not %q", i+1, keys[i]))
		}
		vals[i] = v
	}
	var r Refusal
	r.Origin = vals[1]
	if !validOrigin(r.Origin) {
		return bad(fmt.Sprintf("origin %q", r.Origin))
	}
	r.Reason = RefusalReason(vals[2])
	if !knownReason(r.Reason) {
		return bad(fmt.Sprintf("reason %q", r.Reason))
	}
	var ok bool
	if r.Seen, ok = parseHead(vals[3]); !ok {
		return bad(fmt.Sprintf("seen %q", vals[3]))
	}
	if r.Got, ok = parseHead(vals[4]); !ok {
		return bad(fmt.Sprintf("got %q", vals[4]))
	}
	if r.Time, ok = decimal(vals[5], math.MaxInt64); !ok {
		return bad(fmt.Sprintf("time %q", vals[5]))
	}
	r.Detail = vals[6]
	if !validDetail(r.Detail) {
		return bad(fmt.Sprintf("detail %q", r.Detail))
	}
	return r, nil
}

// SignRefusal returns r as a note signed by signer (a witness's
// RefusalSigner).
func SignRefusal(r Refusal, signer note.Signer) ([]byte, error) {
	text, err := r.Marshal()
	if err != nil {
		return nil, err
	}
	return note.Sign(&note.Note{Text: string(text)}, signer)
}

// OpenRefusal verifies a signed refusal with verifier, a witness's refusal
// verifier key (note.NewVerifier of its RefusalVerifierKey), and parses it.
func OpenRefusal(msg []byte, verifier note.Verifier) (Refusal, error) {
	if verifier == nil {
		return Refusal{}, fmt.Errorf("%w: no verifier", ErrRefusal)
	}
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		return Refusal{}, fmt.Errorf("%w: %v", ErrRefusal, err)
	}
	return ParseRefusal([]byte(n.Text))
}
