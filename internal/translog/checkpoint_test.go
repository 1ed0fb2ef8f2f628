package translog

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"minhbach/internal/translog/logtest"
)

const testOrigin = "minhbach-test-log"

// newKey makes a fresh Ed25519 note key for a test: keys are never in code.
func newKey(t *testing.T, name string) (note.Signer, note.Verifier) {
	t.Helper()
	return logtest.KeyPair(t, name)
}

func TestCheckpointText(t *testing.T) {
	root := LeafHash([]byte("x"))
	c := Checkpoint{Origin: testOrigin, Size: 20852163, Root: root}
	text, err := c.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	want := testOrigin + "\n20852163\n" + base64.StdEncoding.EncodeToString(root[:]) + "\n"
	if string(text) != want {
		t.Fatalf("text %q, want %q", text, want)
	}
	c.Extensions = []string{"ext one", "ext/two"}
	text, _ = c.Marshal()
	back, err := ParseCheckpoint(text)
	if err != nil || back.Origin != c.Origin || back.Size != c.Size || back.Root != c.Root || strings.Join(back.Extensions, "|") != "ext one|ext/two" {
		t.Fatalf("round trip: %+v, %v", back, err)
	}
	empty, _ := Checkpoint{Origin: testOrigin, Size: 0, Root: EmptyRoot()}.Marshal()
	if _, err := ParseCheckpoint(empty); err != nil {
		t.Fatalf("the empty tree's checkpoint: %v", err)
	}
	b64 := base64.StdEncoding.EncodeToString(root[:])
	for _, bad := range []string{
		"", "\n", testOrigin + "\n1\n" + b64, // no final newline
		testOrigin + "\n1\n",               // two lines
		"\n1\n" + b64 + "\n",               // empty origin
		"portal example\n1\n" + b64 + "\n", // space in the origin
		"portal+example\n1\n" + b64 + "\n", // plus in the origin
		testOrigin + "\n01\n" + b64 + "\n", // leading zero
		testOrigin + "\n-1\n" + b64 + "\n",
		testOrigin + "\n+1\n" + b64 + "\n",
		testOrigin + "\n1 \n" + b64 + "\n",
		testOrigin + "\n\n" + b64 + "\n",
		testOrigin + "\n9223372036854775808\n" + b64 + "\n", // beyond int64
		testOrigin + "\n1\n" + b64[:len(b64)-1] + "\n",      // no padding
		testOrigin + "\n1\n" + base64.RawStdEncoding.EncodeToString(root[:]) + "\n",
		testOrigin + "\n1\n" + base64.URLEncoding.EncodeToString(bytes.Repeat([]byte{0xff}, 32)) + "\n",
		testOrigin + "\n1\n" + base64.StdEncoding.EncodeToString(root[:31]) + "\n", // 31 bytes
		testOrigin + "\n1\n" + b64 + "\n\n",                                        // an empty extension line
		testOrigin + "\n1\n" + b64 + "\nok\n\nok\n",
		testOrigin + "\n1\n" + b64 + "\next\tension\n",
	} {
		if c, err := ParseCheckpoint([]byte(bad)); !errors.Is(err, ErrCheckpoint) {
			t.Errorf("%q: accepted as %+v (%v)", bad, c, err)
		}
	}
	// A root in non-canonical base64: 32 bytes leave 2 unused bits in the
	// last character before the '=', which must be zero.
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	nonCanonical := []byte(b64)
	nonCanonical[42] = alphabet[strings.IndexByte(alphabet, nonCanonical[42])^1]
	if _, err := ParseCheckpoint([]byte(testOrigin + "\n1\n" + string(nonCanonical) + "\n")); !errors.Is(err, ErrCheckpoint) {
		t.Errorf("a root in non-canonical base64 %s: %v", nonCanonical, err)
	}
	for _, bad := range []Checkpoint{{Origin: "", Root: root}, {Origin: "a b", Root: root}, {Origin: testOrigin, Size: -1},
		{Origin: testOrigin, Extensions: []string{""}}, {Origin: testOrigin, Extensions: []string{"a\nb"}}} {
		if _, err := bad.Marshal(); !errors.Is(err, ErrCheckpoint) {
			t.Errorf("%+v marshalled: %v", bad, err)
		}
	}
}

func TestCheckpointSignAndOpen(t *testing.T) {
	signer, verifier := newKey(t, testOrigin)
	d := entries(5)
	c := Checkpoint{Origin: testOrigin, Size: 5, Root: refMTH(d)}
	msg, err := SignCheckpoint(c, signer)
	if err != nil {
		t.Fatal(err)
	}
	got, n, err := OpenCheckpoint(msg, testOrigin, verifier)
	if err != nil {
		t.Fatal(err)
	}
	if got.Origin != c.Origin || got.Size != c.Size || got.Root != c.Root || len(n.Sigs) != 1 {
		t.Fatalf("opened %+v with %d signatures", got, len(n.Sigs))
	}
	// The signed note is the text, a blank line and one signature line
	// naming the origin (C2SP signed-note).
	text, _ := c.Marshal()
	if !bytes.HasPrefix(msg, append(text, '\n')) || !bytes.Contains(msg, []byte("\n— "+testOrigin+" ")) {
		t.Fatalf("signed note %q", msg)
	}

	refuse := func(what string, msg []byte, origin string, v note.Verifier) {
		t.Helper()
		if c, _, err := OpenCheckpoint(msg, origin, v); !errors.Is(err, ErrCheckpoint) {
			t.Errorf("%s: accepted as %+v (%v)", what, c, err)
		}
	}
	// Each line of the signed text changed after signing.
	otherRoot := refMTH(d[:4])
	for what, edit := range map[string][2]string{
		"another origin": {testOrigin + "\n", "other-test-log\n"},
		"another size":   {"\n5\n", "\n6\n"},
		"a smaller size": {"\n5\n", "\n4\n"},
		"another root":   {base64.StdEncoding.EncodeToString(c.Root[:]), base64.StdEncoding.EncodeToString(otherRoot[:])},
		"an extension":   {"=\n\n", "=\nextra\n\n"},
	} {
		forged := bytes.Replace(msg, []byte(edit[0]), []byte(edit[1]), 1)
		if bytes.Equal(forged, msg) {
			t.Fatalf("%s: the edit did not apply", what)
		}
		refuse(what, forged, testOrigin, verifier)
	}
	// A changed signature.
	i := bytes.LastIndex(msg, []byte(" ")) + 10
	forged := append([]byte(nil), msg...)
	if forged[i] == 'A' {
		forged[i] = 'B'
	} else {
		forged[i] = 'A'
	}
	refuse("a changed signature", forged, testOrigin, verifier)
	// Another key of the same name, a key of another name, another origin.
	_, otherVerifier := newKey(t, testOrigin)
	refuse("another key", msg, testOrigin, otherVerifier)
	_, strangerVerifier := newKey(t, "other-test-log")
	refuse("a verifier named for another log", msg, testOrigin, strangerVerifier)
	refuse("another expected origin", msg, "other-test-log", strangerVerifier)
	refuse("no verifier", msg, testOrigin, nil)
	refuse("no signature", text, testOrigin, verifier)
	// Signed by another log's key, for that log's origin.
	strangerSigner, _ := newKey(t, "other-test-log")
	if _, err := SignCheckpoint(c, strangerSigner); !errors.Is(err, ErrCheckpoint) {
		t.Errorf("signed with a key named for another origin: %v", err)
	}
	other := Checkpoint{Origin: "other-test-log", Size: 5, Root: c.Root}
	otherMsg, err := SignCheckpoint(other, strangerSigner)
	if err != nil {
		t.Fatal(err)
	}
	refuse("another log's checkpoint", otherMsg, testOrigin, verifier)

	// A witness's cosignature added to the note is kept, not refused: the
	// signed-note rules make unknown signatures ignorable.
	witness, _ := newKey(t, "front-test-witness")
	opened, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		t.Fatal(err)
	}
	cosigned, err := note.Sign(opened, witness)
	if err != nil {
		t.Fatal(err)
	}
	_, n, err = OpenCheckpoint(cosigned, testOrigin, verifier)
	if err != nil || len(n.Sigs) != 1 || len(n.UnverifiedSigs) != 1 || n.UnverifiedSigs[0].Name != "front-test-witness" {
		t.Fatalf("a cosigned checkpoint: %v, %+v", err, n)
	}
}

// The signature line is C2SP signed-note's Ed25519 form, checked here
// without x/mod: "— <name> <base64(key ID || signature)>", the key ID the
// first 4 bytes of SHA-256(name || 0x0A || 0x01 || public key), the
// signature Ed25519 over the note text.
func TestCheckpointSignatureFormat(t *testing.T) {
	skey, vkey, err := note.GenerateKey(rand.Reader, testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.SplitN(vkey, "+", 3) // base64 key data may itself hold a "+"
	if len(parts) != 3 || parts[0] != testOrigin {
		t.Fatalf("verifier key %q", vkey)
	}
	keyData, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(keyData) != 1+ed25519.PublicKeySize || keyData[0] != 0x01 {
		t.Fatalf("verifier key data %x, %v", keyData, err)
	}
	id := sha256.Sum256(append([]byte(testOrigin+"\n"), keyData...))
	if parts[1] != hex.EncodeToString(id[:4]) {
		t.Fatalf("key hash %s, want %x", parts[1], id[:4])
	}
	c := Checkpoint{Origin: testOrigin, Size: 3, Root: refMTH(entries(3))}
	msg, err := SignCheckpoint(c, signer)
	if err != nil {
		t.Fatal(err)
	}
	text, _ := c.Marshal()
	prefix := string(text) + "\n— " + testOrigin + " "
	if !strings.HasPrefix(string(msg), prefix) || !strings.HasSuffix(string(msg), "\n") {
		t.Fatalf("signed note %q", msg)
	}
	sig, err := base64.StdEncoding.DecodeString(strings.TrimSuffix(strings.TrimPrefix(string(msg), prefix), "\n"))
	if err != nil || len(sig) != 4+ed25519.SignatureSize {
		t.Fatalf("signature %x, %v", sig, err)
	}
	if !bytes.Equal(sig[:4], id[:4]) {
		t.Fatalf("signature key ID %x, want %x", sig[:4], id[:4])
	}
	if !ed25519.Verify(ed25519.PublicKey(keyData[1:]), text, sig[4:]) {
		t.Fatal("the signature is not Ed25519 over the note text")
	}
}
