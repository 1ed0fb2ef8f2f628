package translog

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/note"
)

// Checkpoint is a C2SP tlog-checkpoint: the log's origin, its size and the
// root hash of its tree at that size, and optional extension lines.
//
// Its text is the origin line, the size in decimal, the root in standard
// base64, then one line per extension, each line ending in a newline. It is
// signed as a C2SP signed note (x/mod's sumdb/note) by a key whose name is
// the origin.
type Checkpoint struct {
	Origin     string
	Size       int64
	Root       Hash
	Extensions []string
}

// ErrCheckpoint is returned for a checkpoint that is malformed, not signed
// by the expected key, or not from the expected log.
var ErrCheckpoint = errors.New("translog: checkpoint refused")

// validOrigin follows the signed-note rules for a key name, which the origin
// must also satisfy to name the log's key: non-empty UTF-8 with no Unicode
// space and no plus sign (so no newline either).
func validOrigin(s string) bool {
	return s != "" && utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '+' || r < 0x20 || r == utf8.RuneError
	})
}

// validExtension: a non-empty line of UTF-8 without control characters.
func validExtension(s string) bool {
	return s != "" && utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool {
		return r < 0x20 || r == 0x7f || r == utf8.RuneError
	})
}

// Marshal returns the checkpoint's note text.
func (c Checkpoint) Marshal() ([]byte, error) {
	if !validOrigin(c.Origin) {
		return nil, fmt.Errorf("%w: origin %q", ErrCheckpoint, c.Origin)
	}
	if c.Size < 0 {
		return nil, fmt.Errorf("%w: size %d", ErrCheckpoint, c.Size)
	}
	var b strings.Builder
	b.WriteString(c.Origin + "\n")
	b.WriteString(strconv.FormatInt(c.Size, 10) + "\n")
	b.WriteString(base64.StdEncoding.EncodeToString(c.Root[:]) + "\n")
	for _, e := range c.Extensions {
		if !validExtension(e) {
			return nil, fmt.Errorf("%w: extension line %q", ErrCheckpoint, e)
		}
		b.WriteString(e + "\n")
	}
	return []byte(b.String()), nil
}

// ParseCheckpoint parses a checkpoint's note text (without its signatures).
// It refuses anything but the form Marshal writes.
func ParseCheckpoint(text []byte) (Checkpoint, error) {
	s := string(text)
	if !strings.HasSuffix(s, "\n") {
		return Checkpoint{}, fmt.Errorf("%w: the text does not end in a newline", ErrCheckpoint)
	}
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	if len(lines) < 3 {
		return Checkpoint{}, fmt.Errorf("%w: fewer than three lines", ErrCheckpoint)
	}
	c := Checkpoint{Origin: lines[0]}
	if !validOrigin(c.Origin) {
		return Checkpoint{}, fmt.Errorf("%w: origin %q", ErrCheckpoint, c.Origin)
	}
	size, ok := decimal(lines[1], 1<<63-1)
	if !ok {
		return Checkpoint{}, fmt.Errorf("%w: size %q", ErrCheckpoint, lines[1])
	}
	c.Size = size
	root, err := base64.StdEncoding.Strict().DecodeString(lines[2])
	if err != nil || len(root) != HashSize || base64.StdEncoding.EncodeToString(root) != lines[2] {
		return Checkpoint{}, fmt.Errorf("%w: root hash %q", ErrCheckpoint, lines[2])
	}
	copy(c.Root[:], root)
	for _, e := range lines[3:] {
		if !validExtension(e) {
			return Checkpoint{}, fmt.Errorf("%w: extension line %q", ErrCheckpoint, e)
		}
		c.Extensions = append(c.Extensions, e)
	}
	return c, nil
}

// SignCheckpoint returns c as a signed note, signed by signer, whose key
// name must be c's origin. The key is the caller's (from configuration, a
// file or a witness's own store); this package holds none.
func SignCheckpoint(c Checkpoint, signer note.Signer) ([]byte, error) {
	if signer == nil || signer.Name() != c.Origin {
		return nil, fmt.Errorf("%w: the signing key must be named for the origin %q", ErrCheckpoint, c.Origin)
	}
	text, err := c.Marshal()
	if err != nil {
		return nil, err
	}
	return note.Sign(&note.Note{Text: string(text)}, signer)
}

// OpenCheckpoint verifies a signed checkpoint: it must carry a valid
// signature by verifier, whose name must be origin, and its text must be a
// well-formed checkpoint from origin. Other signatures (a witness's
// cosignature, an old key) are kept in the note's UnverifiedSigs, as the
// signed-note rules require; verifying cosignatures is the witness code's.
func OpenCheckpoint(msg []byte, origin string, verifier note.Verifier) (Checkpoint, *note.Note, error) {
	if verifier == nil || verifier.Name() != origin {
		return Checkpoint{}, nil, fmt.Errorf("%w: the verifier key must be named for the origin %q", ErrCheckpoint, origin)
	}
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		return Checkpoint{}, nil, fmt.Errorf("%w: %v", ErrCheckpoint, err)
	}
	c, err := ParseCheckpoint([]byte(n.Text))
	if err != nil {
		return Checkpoint{}, nil, err
	}
	if c.Origin != origin {
		return Checkpoint{}, nil, fmt.Errorf("%w: origin %q, want %q", ErrCheckpoint, c.Origin, origin)
	}
	return c, n, nil
}
