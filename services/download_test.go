package services

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

func hexSum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// TestVerifyingReader: the stream passes when it matches what was hashed
// first; when the object changed in between, the final chunk is withheld so
// the client never receives a complete wrong file.
func TestVerifyingReader(t *testing.T) {
	good := bytes.Repeat([]byte("bằng chứng "), 5000)
	bad := bytes.Clone(good)
	bad[len(bad)-1] ^= 1
	for _, tc := range []struct {
		name    string
		stream  []byte
		wantErr error
	}{
		{"same", good, nil},
		{"changed", bad, ErrEvidenceChanged},
		{"shorter", good[:len(good)-10], io.ErrUnexpectedEOF},
		{"longer", append(bytes.Clone(good), "more"...), nil}, // only the verified length is passed on
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := &verifyingReader{r: iotest.HalfReader(bytes.NewReader(tc.stream)), h: sha256.New(), want: hexSum(good), left: int64(len(good))}
			var out bytes.Buffer
			_, err := io.Copy(&out, v)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if tc.wantErr == nil && !bytes.Equal(out.Bytes(), good) {
				t.Fatalf("passed %d bytes, want the %d verified", out.Len(), len(good))
			}
			if tc.wantErr != nil && out.Len() >= len(good) {
				t.Fatalf("a failed stream passed %d of %d bytes", out.Len(), len(good))
			}
		})
	}
}

// rangedBlob is a BlobReader that cannot seek.
type rangedBlob struct {
	io.Reader
	io.ReaderAt
}

func (rangedBlob) Close() error { return nil }

type seekingBlob struct{ *bytes.Reader }

func (seekingBlob) Close() error { return nil }

// TestRewind: after the hashing pass the object is read again from its
// start, by seeking or by ranged reads.
func TestRewind(t *testing.T) {
	data := bytes.Repeat([]byte{1, 2, 3, 4, 5, 6, 7}, 100_000)
	br := bytes.NewReader(data)
	for name, r := range map[string]BlobReader{"seeker": seekingBlob{bytes.NewReader(data)}, "ranged": rangedBlob{br, br}} {
		if _, ok := r.(io.Seeker); ok != (name == "seeker") {
			t.Fatalf("%s: seeker = %v", name, ok)
		}
		if _, err := io.Copy(io.Discard, r); err != nil {
			t.Fatal(err)
		}
		again, err := rewind(r, int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(again)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("%s: %d bytes, %v", name, len(got), err)
		}
	}
}
