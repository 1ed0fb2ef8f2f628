package translog

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
)

// arche is a checkpoint of the staging Certificate Transparency log
// arche2025h1.staging.ct.transparency.dev as it was published, with the
// cosignatures of three public witnesses that run other implementations of
// C2SP tlog-cosignature, and their verifier keys as they publish them. That
// our verifier accepts their signatures is the interoperability test the
// C2SP text cannot give: it publishes an example cosignature line but not
// the key that made it.
const archeBody = "arche2025h1.staging.ct.transparency.dev\n1432088532\nU7WM79jrzyhGZ5/GUBTpM7NzwdyfFx61t3RovgcC4Ro=\n"

var archeCosignatures = []struct{ vkey, line string }{
	{"remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2",
		"— remora.n621.de 2net5wAAAABqEiEgPlfF3V06o0Y+fHM+J5J9s27wgxxcOVSpZ/2g/KSiXCg9DEZI+aVCIobWX9sXTynk5XeU/zZ0WBxtqB0DrAWfBw==\n"},
	{"transparency.dev/DEV:witness-little-garden+d8042a87+BCtusOxINQNUTN5Oj8HObRkh2yHf/MwYaGX4CPdiVEPM",
		"— transparency.dev/DEV:witness-little-garden 2AQqhwAAAABqEiEgzgFIqqhbUoDwjMWE6UP8nd8/KYTzwZ2rhIgcqoXHAwVkjZr4AscylP3v7sEodkRAErumC2q44vdgJY096st5BQ==\n"},
	{"witness1.smartit.nu/witness1+a48c820f+BPSFWg9G6KPiO7QPryYO5Xq4oYJJ+kAvLKLSimDhoxMO",
		"— witness1.smartit.nu/witness1 pIyCDwAAAABqEiEghIp82KWebrw7/oHQwlTAm3g2RKS4+eebl8eO0WH+/iEcxZ75W3u5hNI7TOQtmJbqmNWVuE0tgh0XwzdZsDsUAQ==\n"},
}

func TestCosignaturePublishedWitnesses(t *testing.T) {
	for _, c := range archeCosignatures {
		v, err := NewCosignatureVerifier(c.vkey)
		if err != nil {
			t.Fatalf("%s: %v", c.vkey, err)
		}
		n, err := note.Open([]byte(archeBody+"\n"+c.line), note.VerifierList(v))
		if err != nil {
			t.Fatalf("%s: %v", v.Name(), err)
		}
		ts, err := CosignatureTime(n.Sigs[0])
		if err != nil || ts.Unix() != 0x6a122120 {
			t.Errorf("%s: time %v (%v), want %d", v.Name(), ts, err, 0x6a122120)
		}
		// Any change to the checkpoint breaks it.
		altered := strings.Replace(archeBody, "1432088532", "1432088533", 1)
		if _, err := note.Open([]byte(altered+"\n"+c.line), note.VerifierList(v)); err == nil {
			t.Errorf("%s: a cosignature verified for another size", v.Name())
		}
	}
}

// TestCosignatureSpecExample reads the cosignature line of C2SP
// tlog-cosignature's example: key ID 8d66cf3f and the timestamp of the
// signed message the text shows ("time 1679315147").
func TestCosignatureSpecExample(t *testing.T) {
	const msg = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n" +
		"— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n" +
		"— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n"
	var une *note.UnverifiedNoteError
	_, err := note.Open([]byte(msg), nil)
	if !errors.As(err, &une) || len(une.Note.UnverifiedSigs) != 2 {
		t.Fatalf("open: %v", err)
	}
	sig := une.Note.UnverifiedSigs[1]
	if sig.Name != "witness.example.com/w1" || sig.Hash != 0x8d66cf3f {
		t.Fatalf("signature %+v", sig)
	}
	ts, err := CosignatureTime(sig)
	if err != nil || ts.Unix() != 1679315147 {
		t.Fatalf("time %v (%v)", ts, err)
	}
	// The message a cosignature at that time signs, as the text spells it.
	want := "cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
	if got := string(cosignatureMessage(1679315147, []byte(une.Note.Text))); got != want {
		t.Fatalf("message %q, want %q", got, want)
	}
	// The log's own signature (type 0x01, 68 bytes) is not a cosignature.
	if _, err := CosignatureTime(une.Note.UnverifiedSigs[0]); err == nil {
		t.Error("the log's Ed25519 signature read as a cosignature")
	}
	// transparency-dev/formats' test of its timestamp reader.
	ts, err = CosignatureTime(note.Signature{Base64: "ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA=="})
	if err != nil || ts.Unix() != 1727964367 {
		t.Fatalf("time %v (%v)", ts, err)
	}
	if _, err := CosignatureTime(note.Signature{Base64: "5%/$!\n 2"}); err == nil {
		t.Error("gibberish read as a cosignature")
	}
}

func TestCosignatureVerifierKeys(t *testing.T) {
	good := archeCosignatures[0].vkey
	for _, bad := range []string{
		strings.Replace(good, "da77ade7", "da77ade8", 1),             // wrong key ID
		strings.Replace(good, "da77ade7", "DA77ADE7x", 1),            // malformed key ID
		strings.Replace(good, "+BOvN", "+AOvN", 1),                   // type 0x01, not a cosignature key
		"TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6", // a signed-note Ed25519 key
		"remora.n621.de+da77ade7",
		"remora n621+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2",
		good + "=",
		"",
	} {
		if _, err := NewCosignatureVerifier(bad); !errors.Is(err, ErrCosignature) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestCosignerRoundTrip(t *testing.T) {
	skey, vkey, err := GenerateWitnessKey("witness.example/front-hanoi")
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewCosigner(skey + "\n")
	if err != nil {
		t.Fatal(err)
	}
	if c.VerifierKey() != vkey || c.Name() != "witness.example/front-hanoi" {
		t.Fatalf("keys %q %q", c.VerifierKey(), vkey)
	}
	at := time.Unix(1764979200, 0)
	c.Now = func() time.Time { return at }
	logSigner, logVerifier := newKey(t, testOrigin)
	cp := Checkpoint{Origin: testOrigin, Size: 5, Root: LeafHash([]byte("x")), Extensions: []string{"ext"}}
	signed, err := SignCheckpoint(cp, logSigner)
	if err != nil {
		t.Fatal(err)
	}
	_, n, err := OpenCheckpoint(signed, testOrigin, logVerifier)
	if err != nil {
		t.Fatal(err)
	}
	cosigned, err := note.Sign(n, c)
	if err != nil {
		t.Fatal(err)
	}
	v, err := NewCosignatureVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	both, err := note.Open(cosigned, note.VerifierList(logVerifier, v))
	if err != nil || len(both.Sigs) != 2 {
		t.Fatalf("open: %v", err)
	}
	if ts, err := CosignatureTime(both.Sigs[1]); err != nil || !ts.Equal(at) {
		t.Fatalf("time %v (%v)", ts, err)
	}
	// Still a checkpoint the log's key opens, the cosignature unverified.
	if _, n, err := OpenCheckpoint(cosigned, testOrigin, logVerifier); err != nil || len(n.UnverifiedSigs) != 1 {
		t.Fatalf("reopen: %v", err)
	}
	// The signature covers the extension line, and the key the name.
	for _, altered := range []string{
		strings.Replace(string(cosigned), "ext\n", "exu\n", 1),
	} {
		if _, err := note.Open([]byte(altered), note.VerifierList(v)); err == nil {
			t.Error("an altered checkpoint verified")
		}
	}
	// Another witness's key does not verify it.
	_, other, _ := GenerateWitnessKey("witness.example/front-hanoi")
	ov, _ := NewCosignatureVerifier(other)
	if _, err := note.Open(cosigned, note.VerifierList(ov)); err == nil {
		t.Error("another key verified the cosignature")
	}
	// A cosigner signs nothing but checkpoints.
	if _, err := note.Sign(&note.Note{Text: "hello\n"}, c); !errors.Is(err, ErrCosignature) {
		t.Errorf("signed a non-checkpoint: %v", err)
	}
	// The refusal key is an ordinary signed-note key, distinct from the
	// cosignature key, that x/mod reads.
	rv, err := note.NewVerifier(c.RefusalVerifierKey())
	if err != nil {
		t.Fatal(err)
	}
	if rv.Name() != c.Name() || rv.KeyHash() == c.KeyHash() || c.RefusalSigner().KeyHash() != rv.KeyHash() {
		t.Fatalf("refusal key %q", c.RefusalVerifierKey())
	}
	msg, err := note.Sign(&note.Note{Text: "hello\n"}, c.RefusalSigner())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := note.Open(msg, note.VerifierList(rv)); err != nil {
		t.Fatal(err)
	}
	if _, err := note.Open(msg, note.VerifierList(v)); err == nil {
		t.Error("the cosignature key verified a refusal signature")
	}
}

func TestCosignerKeys(t *testing.T) {
	if _, _, err := GenerateWitnessKey("bad name"); !errors.Is(err, ErrCosignature) {
		t.Errorf("a name with a space: %v", err)
	}
	skey, _, err := GenerateWitnessKey("w")
	if err != nil {
		t.Fatal(err)
	}
	seed := make([]byte, ed25519.SeedSize)
	logKey := "PRIVATE+KEY+w+00000000+" + base64.StdEncoding.EncodeToString(append([]byte{1}, seed...))
	for _, bad := range []string{
		strings.Replace(skey, "PRIVATE+KEY+w+", "PRIVATE+KEY+v+", 1), // the key ID no longer matches
		strings.TrimPrefix(skey, "PRIVATE+"),
		skey[:len(skey)-4],
		logKey, // a type 0x01 key is not a witness key
		"",
	} {
		if _, err := NewCosigner(bad); !errors.Is(err, ErrCosignature) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
