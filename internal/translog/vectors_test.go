package translog

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
)

// The browser's verifier of the log (frontend/src/translog.ts) is tested
// against vectors this package computes: frontend/src/testdata/translog-vectors.json.
// TestWebVectors builds a small log with fixed keys, checks every vector with
// this package (so the file states what Go accepts and refuses), and fails if
// the file differs from what it would write. Regenerate it with
//
//	go test ./internal/translog -run TestWebVectors -update
var updateVectors = flag.Bool("update", false, "rewrite frontend/src/testdata/translog-vectors.json")

const webVectorsFile = "../../frontend/src/testdata/translog-vectors.json"

// vectorKey is a note key derived from a fixed seed: the vectors must be the
// same on every run. These keys sign test vectors only.
func vectorKey(t *testing.T, name, seedText string) (note.Signer, note.Verifier, string, ed25519.PrivateKey) {
	t.Helper()
	seed := sha256.Sum256([]byte(seedText))
	priv := ed25519.NewKeyFromSeed(seed[:])
	vkey, err := note.NewEd25519VerifierKey(name, priv.Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	hash := strings.SplitN(vkey, "+", 3)[1]
	skey := "PRIVATE+KEY+" + name + "+" + hash + "+" + base64.StdEncoding.EncodeToString(append([]byte{0x01}, seed[:]...))
	s, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	return s, v, vkey, priv
}

type vecCommitment struct {
	TrackingCode string `json:"trackingCode"`
	ContentHash  string `json:"contentHash"`
	Commitment   string `json:"commitment,omitempty"`
	Why          string `json:"why,omitempty"`
}

type vecEntry struct {
	Index    int64    `json:"index"`
	Entry    string   `json:"entry"`
	LeafHash string   `json:"leafHash"`
	Proof    []string `json:"proof"`
}

type vecConsistency struct {
	From     int64    `json:"from"`
	FromRoot string   `json:"fromRoot"`
	To       int64    `json:"to"`
	ToRoot   string   `json:"toRoot"`
	Proof    []string `json:"proof"`
}

type vecCheckpoint struct {
	Why         string `json:"why"`
	Note        string `json:"note"`
	Origin      string `json:"origin"`
	VerifierKey string `json:"verifierKey"`
	// Size and Root (hex) of an accepted checkpoint.
	Size *int64 `json:"size,omitempty"`
	Root string `json:"root,omitempty"`
}

type vecBadEntry struct {
	Why   string `json:"why"`
	Entry string `json:"entry"`
}

// The answers of GET /api/v1/log and GET /api/v1/log/inclusion for one
// report, as the tracking page receives them.
type vecAnswer struct {
	Why          string `json:"why"`
	TrackingCode string `json:"trackingCode"`
	ContentHash  string `json:"contentHash"`
	Commitment   string `json:"commitment"`
	Log          struct {
		Origin      string   `json:"origin"`
		VerifierKey string   `json:"verifierKey"`
		Size        int64    `json:"size"`
		Witnesses   []string `json:"witnesses"`
	} `json:"log"`
	Inclusion struct {
		Size       int64           `json:"size"`
		Checkpoint string          `json:"checkpoint"`
		Entries    []vecAnswerItem `json:"entries"`
	} `json:"inclusion"`
}

type vecAnswerItem struct {
	Index int64    `json:"index"`
	Entry string   `json:"entry"`
	Proof []string `json:"proof"`
}

type webVectors struct {
	Comment           string           `json:"comment"`
	Origin            string           `json:"origin"`
	VerifierKey       string           `json:"verifierKey"`
	Size              int64            `json:"size"`
	Root              string           `json:"root"`
	Checkpoint        string           `json:"checkpoint"`
	Commitments       []vecCommitment  `json:"commitments"`
	BadCommitments    []vecCommitment  `json:"badCommitments"`
	Entries           []vecEntry       `json:"entries"`
	BadEntries        []vecBadEntry    `json:"badEntries"`
	Consistency       []vecConsistency `json:"consistency"`
	Checkpoints       []vecCheckpoint  `json:"checkpoints"`
	BadCheckpoints    []vecCheckpoint  `json:"badCheckpoints"`
	BadVerifierKeys   []vecBadEntry    `json:"badVerifierKeys"`
	Answers           []vecAnswer      `json:"answers"`
	EmptyRoot         string           `json:"emptyRoot"`
	WitnessName       string           `json:"witnessName"`
	OtherLogOrigin    string           `json:"otherLogOrigin"`
	OtherLogVerifier  string           `json:"otherLogVerifierKey"`
	SameNameOtherKey  string           `json:"sameNameOtherVerifierKey"`
	WitnessVerifier   string           `json:"witnessVerifierKey"`
	CheckpointAtSize7 string           `json:"checkpointAtSize7"`
}

func hexes(hs []Hash) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = hex.EncodeToString(h[:])
	}
	return out
}

func TestWebVectors(t *testing.T) {
	const origin = "minhbach.example.vn/log"
	const otherOrigin = "other.example.vn/log"
	const witnessName = "mttq.example.vn/witness"
	signer, _, vkey, _ := vectorKey(t, origin, "minhbach-log web vectors: the log's key")
	sameName, _, sameNameVkey, _ := vectorKey(t, origin, "minhbach-log web vectors: another key of the log's name")
	otherSigner, _, otherVkey, _ := vectorKey(t, otherOrigin, "minhbach-log web vectors: another log's key")
	witness, _, witnessVkey, witnessPriv := vectorKey(t, witnessName, "minhbach-log web vectors: a witness's key")

	v := webVectors{
		Comment: "Written by go test ./internal/translog -run TestWebVectors -update (internal/translog/vectors_test.go); " +
			"every accepted vector is accepted and every refused vector refused by internal/translog. Test keys only.",
		Origin: origin, VerifierKey: vkey, WitnessName: witnessName,
		OtherLogOrigin: otherOrigin, OtherLogVerifier: otherVkey, SameNameOtherKey: sameNameVkey, WitnessVerifier: witnessVkey,
	}
	empty := EmptyRoot()
	v.EmptyRoot = hex.EncodeToString(empty[:])

	// The reports: a tracking code and the content hash of its proof of
	// filing. The last one has no entry yet.
	content := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
	reports := []vecCommitment{
		{TrackingCode: "MB-7K3M-9QX2", ContentHash: content("report A")},
		{TrackingCode: "MB-4HX9-2JQP", ContentHash: content("report B")},
		{TrackingCode: "MB-ZZ22-8N4K", ContentHash: strings.ToUpper(content("report C"))}, // either case
		{TrackingCode: "MB-A1B2-C3D4", ContentHash: content("report E")},
		{TrackingCode: "MB-P3ND-1NG0", ContentHash: content("report D, not yet in the log")},
		{TrackingCode: "X", ContentHash: content("a one-character code")},
		{TrackingCode: "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", ContentHash: content("a 32-character code")},
	}
	commit := make([]Hash, len(reports))
	for i := range reports {
		c, err := ReportCommitment(reports[i].TrackingCode, reports[i].ContentHash)
		if err != nil {
			t.Fatal(err)
		}
		commit[i] = c
		reports[i].Commitment = hex.EncodeToString(c[:])
	}
	v.Commitments = reports

	testContent := content("report A")
	for _, bad := range []vecCommitment{
		{Why: "empty tracking code", TrackingCode: "", ContentHash: testContent},
		{Why: "lower-case tracking code", TrackingCode: "mb-7k3m-9qx2", ContentHash: testContent},
		{Why: "space in the tracking code", TrackingCode: "MB 7K3M", ContentHash: testContent},
		{Why: "double dash", TrackingCode: "MB--7K3M", ContentHash: testContent},
		{Why: "leading dash", TrackingCode: "-MB", ContentHash: testContent},
		{Why: "trailing dash", TrackingCode: "MB-", ContentHash: testContent},
		{Why: "trailing newline", TrackingCode: "MB-7K3M\n", ContentHash: testContent},
		{Why: "zero byte", TrackingCode: "MB-7K3M\x00", ContentHash: testContent},
		{Why: "non-ASCII letter", TrackingCode: "MB-7K3Đ", ContentHash: testContent},
		{Why: "33 characters", TrackingCode: strings.Repeat("A", 33), ContentHash: testContent},
		{Why: "empty content hash", TrackingCode: "MB-7K3M-9QX2", ContentHash: ""},
		{Why: "62 hex digits", TrackingCode: "MB-7K3M-9QX2", ContentHash: testContent[:62]},
		{Why: "66 hex digits", TrackingCode: "MB-7K3M-9QX2", ContentHash: testContent + "00"},
		{Why: "odd length", TrackingCode: "MB-7K3M-9QX2", ContentHash: testContent[:63]},
		{Why: "not hex", TrackingCode: "MB-7K3M-9QX2", ContentHash: "zz" + testContent[2:]},
		{Why: "spaces", TrackingCode: "MB-7K3M-9QX2", ContentHash: " " + testContent[1:]},
	} {
		if _, err := ReportCommitment(bad.TrackingCode, bad.ContentHash); err == nil {
			t.Fatalf("ReportCommitment accepts %q, %q", bad.TrackingCode, bad.ContentHash)
		}
		v.BadCommitments = append(v.BadCommitments, bad)
	}

	// The log: thirteen entries of four reports and the admin log.
	admin1 := AdminCommitment([]byte("a staffing change"))
	admin2 := AdminCommitment([]byte("a configuration change"))
	log := []Entry{
		{EventFiled, "2026-12-01", commit[0]},
		{EventFiled, "2026-12-01", commit[1]},
		{EventFiled, "2026-12-02", commit[2]},
		{EventAccepted, "2026-12-02", commit[0]},
		{EventStaffing, "2026-12-02", admin1},
		{EventRejected, "2026-12-03", commit[1]},
		{EventTransferred, "2026-12-03", commit[2]},
		{EventFiled, "2026-12-04", commit[3]},
		{EventAccepted, "2026-12-04", commit[2]},
		{EventConfiguration, "2026-12-04", admin2},
		{EventConcludedPartlySubstantiated, "2026-12-05", commit[0]},
		{EventExtended, "2026-12-05", commit[2]},
		{EventWithdrawn, "2026-12-06", commit[3]},
	}
	var hashes MemoryHashes
	lines := make([]string, len(log))
	for i, e := range log {
		b, err := e.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParseEntry(b); err != nil {
			t.Fatal(err)
		}
		lines[i] = string(b)
		if hashes, err = hashes.Append(b); err != nil {
			t.Fatal(err)
		}
	}
	size := int64(len(log))
	root, err := TreeHash(size, hashes)
	if err != nil {
		t.Fatal(err)
	}
	v.Size, v.Root = size, hex.EncodeToString(root[:])
	for i, line := range lines {
		proof, err := InclusionProof(int64(i), size, hashes)
		if err != nil {
			t.Fatal(err)
		}
		leaf := LeafHash([]byte(line))
		if err := VerifyInclusion(proof, int64(i), size, leaf, root); err != nil {
			t.Fatal(err)
		}
		v.Entries = append(v.Entries, vecEntry{Index: int64(i), Entry: line, LeafHash: hex.EncodeToString(leaf[:]), Proof: hexes(proof)})
	}
	for m := int64(0); m <= size; m++ {
		r, err := TreeHash(m, hashes)
		if err != nil {
			t.Fatal(err)
		}
		proof, err := ConsistencyProof(m, size, hashes)
		if err != nil {
			t.Fatal(err)
		}
		if err := VerifyConsistency(proof, m, r, size, root); err != nil {
			t.Fatal(err)
		}
		v.Consistency = append(v.Consistency, vecConsistency{From: m, FromRoot: hex.EncodeToString(r[:]), To: size, ToRoot: v.Root, Proof: hexes(proof)})
	}

	c := Checkpoint{Origin: origin, Size: size, Root: root}
	msg, err := SignCheckpoint(c, signer)
	if err != nil {
		t.Fatal(err)
	}
	v.Checkpoint = string(msg)
	root7, _ := TreeHash(7, hashes)
	msg7, err := SignCheckpoint(Checkpoint{Origin: origin, Size: 7, Root: root7}, signer)
	if err != nil {
		t.Fatal(err)
	}
	v.CheckpointAtSize7 = string(msg7)
	text, _ := c.Marshal()
	b64 := base64.StdEncoding.EncodeToString(root[:])
	sign := func(text string, signers ...note.Signer) string {
		t.Helper()
		out, err := note.Sign(&note.Note{Text: text}, signers...)
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	sigLine := func(msg string) string { // the last signature line of a note, with its newline
		i := strings.LastIndex(strings.TrimSuffix(msg, "\n"), "\n")
		return msg[i+1:]
	}
	// A C2SP tlog-cosignature (algorithm 0x04) line by the witness: key ID
	// from SHA-256(name || "\n" || 0x04 || key), then a timestamp and an
	// Ed25519 signature of "cosignature/v1\ntime <t>\n" and the text.
	cosig := func(text string) string {
		pub := append([]byte{0x04}, witnessPriv.Public().(ed25519.PublicKey)...)
		id := sha256.Sum256(append([]byte(witnessName+"\n"), pub...))
		const ts = 1764979200
		sig := ed25519.Sign(witnessPriv, []byte("cosignature/v1\ntime "+strconv.Itoa(ts)+"\n"+text))
		var raw []byte
		raw = append(raw, id[:4]...)
		raw = binary.BigEndian.AppendUint64(raw, ts)
		raw = append(raw, sig...)
		return "— " + witnessName + " " + base64.StdEncoding.EncodeToString(raw) + "\n"
	}

	accept := func(why, msg, origin, vkey string) {
		t.Helper()
		ver, err := note.NewVerifier(vkey)
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := OpenCheckpoint([]byte(msg), origin, ver)
		if err != nil {
			t.Fatalf("%s: %v", why, err)
		}
		s := got.Size
		v.Checkpoints = append(v.Checkpoints, vecCheckpoint{Why: why, Note: msg, Origin: origin, VerifierKey: vkey, Size: &s, Root: hex.EncodeToString(got.Root[:])})
	}
	refuse := func(why, msg, origin, vkey string) {
		t.Helper()
		ver, err := note.NewVerifier(vkey)
		if err != nil {
			t.Fatal(err)
		}
		if got, _, err := OpenCheckpoint([]byte(msg), origin, ver); !errors.Is(err, ErrCheckpoint) {
			t.Fatalf("%s: accepted as %+v (%v)", why, got, err)
		}
		v.BadCheckpoints = append(v.BadCheckpoints, vecCheckpoint{Why: why, Note: msg, Origin: origin, VerifierKey: vkey})
	}

	accept("the log's checkpoint", v.Checkpoint, origin, vkey)
	accept("the checkpoint of size 7", v.CheckpointAtSize7, origin, vkey)
	emptyMsg, _ := SignCheckpoint(Checkpoint{Origin: origin, Size: 0, Root: empty}, signer)
	accept("the empty log's checkpoint", string(emptyMsg), origin, vkey)
	witnessed := sign(string(text), signer, witness)
	accept("cosigned by a witness (a note signature)", witnessed, origin, vkey)
	accept("cosigned by a witness (a tlog-cosignature, algorithm 0x04)", v.Checkpoint+cosig(string(text)), origin, vkey)
	accept("a witness's signature before the log's", sign(string(text), witness, signer), origin, vkey)
	accept("another key of the log's name also signed (ignored)", sign(string(text), sameName, signer), origin, vkey)
	accept("the log's signature twice (Go ignores the repeat)", v.Checkpoint+sigLine(v.Checkpoint), origin, vkey)
	accept("extension lines", sign(string(text)+"ext one\nẩn/two ✓\n", signer), origin, vkey)
	big := Checkpoint{Origin: origin, Size: 1<<53 - 1, Root: root}
	bigText, _ := big.Marshal()
	accept("the largest size a browser's number holds exactly", sign(string(bigText), signer), origin, vkey)

	body := func(size, root string) string { return origin + "\n" + size + "\n" + root + "\n" }
	nonCanonical := []byte(b64)
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	nonCanonical[42] = alphabet[strings.IndexByte(alphabet, nonCanonical[42])^1]
	other := Checkpoint{Origin: otherOrigin, Size: size, Root: root}
	otherMsg, _ := SignCheckpoint(other, otherSigner)
	flipSig := func(msg string) string {
		i := strings.LastIndex(msg, " ") + 20
		b := []byte(msg)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	logSig := sigLine(v.Checkpoint)
	sigB64 := strings.TrimSuffix(logSig[strings.LastIndex(logSig, " ")+1:], "\n")
	rawSig, _ := base64.StdEncoding.DecodeString(sigB64)

	refuse("a size with a leading zero", sign(body("013", b64), signer), origin, vkey)
	refuse("a negative size", sign(body("-13", b64), signer), origin, vkey)
	refuse("a size with a plus sign", sign(body("+13", b64), signer), origin, vkey)
	refuse("an empty size", sign(body("", b64), signer), origin, vkey)
	refuse("a size beyond 64 bits", sign(body("9223372036854775808", b64), signer), origin, vkey)
	refuse("a root in non-canonical base64", sign(body("13", string(nonCanonical)), signer), origin, vkey)
	refuse("a root without padding", sign(body("13", strings.TrimRight(b64, "=")), signer), origin, vkey)
	refuse("a root in URL-safe base64", sign(body("13", base64.URLEncoding.EncodeToString(bytes.Repeat([]byte{0xfb}, 32))), signer), origin, vkey)
	refuse("a root of 31 bytes", sign(body("13", base64.StdEncoding.EncodeToString(root[:31])), signer), origin, vkey)
	refuse("an empty extension line", sign(string(text)+"\next\n", signer), origin, vkey)
	refuse("a tab in an extension line", sign(string(text)+"ext\tension\n", signer), origin, vkey)
	refuse("only two lines", sign(origin+"\n13\n", signer), origin, vkey)
	refuse("the size altered after signing", strings.Replace(v.Checkpoint, "\n13\n", "\n14\n", 1), origin, vkey)
	refuse("the size lowered after signing", strings.Replace(v.Checkpoint, "\n13\n", "\n12\n", 1), origin, vkey)
	refuse("the root altered after signing", strings.Replace(v.Checkpoint, b64, base64.StdEncoding.EncodeToString(root7[:]), 1), origin, vkey)
	refuse("an extension added after signing", strings.Replace(v.Checkpoint, b64+"\n", b64+"\nextra\n", 1), origin, vkey)
	refuse("the signature altered", flipSig(v.Checkpoint), origin, vkey)
	refuse("the signature truncated", string(text)+"\n— "+origin+" "+base64.StdEncoding.EncodeToString(rawSig[:40])+"\n", origin, vkey)
	refuse("signed by another key of the log's name", sign(string(text), sameName), origin, vkey)
	refuse("signed by the witness only", sign(string(text), witness), origin, vkey)
	refuse("no signature line", string(text)+"\n", origin, vkey)
	refuse("the text alone", string(text), origin, vkey)
	refuse("no blank line before the signature", string(text)+logSig, origin, vkey)
	refuse("a hyphen instead of the em dash", strings.Replace(v.Checkpoint, "\n— ", "\n- ", 1), origin, vkey)
	refuse("no space after the em dash", strings.Replace(v.Checkpoint, "\n— ", "\n—", 1), origin, vkey)
	refuse("no final newline", strings.TrimSuffix(v.Checkpoint, "\n"), origin, vkey)
	refuse("a line after the signatures", v.Checkpoint+"trailing\n", origin, vkey)
	refuse("an empty line after the signatures", v.Checkpoint+"\n", origin, vkey)
	refuse("a signature not in base64", strings.Replace(v.Checkpoint, sigB64, "!"+sigB64[1:], 1), origin, vkey)
	refuse("a signature with its padding removed", strings.Replace(v.Checkpoint, sigB64, strings.TrimRight(sigB64, "="), 1), origin, vkey)
	refuse("a signature with no key name", strings.Replace(v.Checkpoint, "— "+origin+" ", "—  ", 1), origin, vkey)
	refuse("Windows line endings", strings.ReplaceAll(v.Checkpoint, "\n", "\r\n"), origin, vkey)
	refuse("a control character in the text", strings.Replace(v.Checkpoint, origin+"\n", origin+"\x07\n", 1), origin, vkey)
	refuse("another log's checkpoint", string(otherMsg), origin, vkey)
	refuse("another log's checkpoint, asked for with its key", string(otherMsg), origin, otherVkey)
	refuse("the log's checkpoint opened with another log's key", v.Checkpoint, otherOrigin, otherVkey)
	refuse("the log's checkpoint opened with another key of its name", v.Checkpoint, origin, sameNameVkey)
	refuse("the log's checkpoint expected from another origin", v.Checkpoint, otherOrigin, vkey)
	refuse("signed by the log's key for another origin's text", sign(strings.Replace(string(text), origin, otherOrigin, 1), signer), origin, vkey)

	// Verifier keys that note.NewVerifier refuses.
	parts := strings.SplitN(vkey, "+", 3)
	keyData, _ := base64.StdEncoding.DecodeString(parts[2])
	badKeys := []vecBadEntry{
		{"empty", ""},
		{"a name only", origin},
		{"no key", origin + "+" + parts[1]},
		{"an empty key", origin + "+" + parts[1] + "+"},
		{"a wrong key hash", origin + "+00000000+" + parts[2]},
		{"a short key hash", origin + "+" + parts[1][:7] + "+" + parts[2]},
		{"the key hash of another name", otherOrigin + "+" + parts[1] + "+" + parts[2]},
		{"a key without its algorithm byte", origin + "+" + parts[1] + "+" + base64.StdEncoding.EncodeToString(keyData[1:])},
		{"a key cut short (base64 of a length not a multiple of 4)", origin + "+" + parts[1] + "+" + parts[2][:43]},
		{"a space in the name", "minhbach log+" + parts[1] + "+" + parts[2]},
	}
	withAlg := func(alg byte, key []byte, name string) string {
		data := append([]byte{alg}, key...)
		id := sha256.Sum256(append([]byte(name+"\n"), data...))
		return fmt.Sprintf("%s+%x+%s", name, id[:4], base64.StdEncoding.EncodeToString(data))
	}
	badKeys = append(badKeys,
		vecBadEntry{"an unknown algorithm (0x04, a cosignature key)", withAlg(0x04, keyData[1:], origin)},
		vecBadEntry{"a 31-byte Ed25519 key", withAlg(0x01, keyData[1:32], origin)},
	)
	for _, k := range badKeys {
		if _, err := note.NewVerifier(k.Entry); err == nil {
			t.Fatalf("note.NewVerifier accepts %s: %q", k.Why, k.Entry)
		}
	}
	v.BadVerifierKeys = badKeys

	// Entries ParseEntry refuses.
	good := lines[0]
	cm := good[len(good)-64:]
	for _, bad := range []vecBadEntry{
		{"empty", ""},
		{"another version", strings.Replace(good, "minhbach-log/1", "minhbach-log/2", 1)},
		{"an unknown event", strings.Replace(good, " filed ", " buried ", 1)},
		{"an event in upper case", strings.Replace(good, " filed ", " FILED ", 1)},
		{"the 30th of February", strings.Replace(good, "2026-12-01", "2026-02-30", 1)},
		{"the 29th of February of a common year", strings.Replace(good, "2026-12-01", "2025-02-29", 1)},
		{"month 13", strings.Replace(good, "2026-12-01", "2026-13-01", 1)},
		{"day 00", strings.Replace(good, "2026-12-01", "2026-12-00", 1)},
		{"a year before 2000", strings.Replace(good, "2026-12-01", "1999-12-31", 1)},
		{"a date without leading zeros", strings.Replace(good, "2026-12-01", "2026-12-1", 1)},
		{"a date with slashes", strings.Replace(good, "2026-12-01", "2026/12/01", 1)},
		{"an upper-case commitment", strings.Replace(good, cm, strings.ToUpper(cm), 1)},
		{"a short commitment", good[:len(good)-2]},
		{"a long commitment", good + "00"},
		{"two spaces", strings.Replace(good, " ", "  ", 1)},
		{"a trailing space", good + " "},
		{"a trailing newline", good + "\n"},
		{"a fifth field", good + " extra"},
		{"three fields", strings.Replace(good, " 2026-12-01", "", 1)},
		{"a tab", strings.Replace(good, " ", "\t", 1)},
	} {
		if _, err := ParseEntry([]byte(bad.Entry)); !errors.Is(err, ErrEntry) {
			t.Fatalf("ParseEntry accepts %s: %q", bad.Why, bad.Entry)
		}
		v.BadEntries = append(v.BadEntries, bad)
	}
	if _, err := ParseEntry([]byte(strings.Replace(good, "2026-12-01", "2024-02-29", 1))); err != nil {
		t.Fatal("a leap day refused")
	}

	// The endpoints' answers for three reports: with three entries, with
	// two, and not yet in the log.
	answer := func(why string, r int) {
		a := vecAnswer{Why: why, TrackingCode: reports[r].TrackingCode, ContentHash: reports[r].ContentHash, Commitment: reports[r].Commitment}
		a.Log.Origin, a.Log.VerifierKey, a.Log.Size, a.Log.Witnesses = origin, vkey, size, []string{}
		a.Inclusion.Size, a.Inclusion.Checkpoint, a.Inclusion.Entries = size, v.Checkpoint, []vecAnswerItem{}
		for _, e := range v.Entries {
			if strings.HasSuffix(e.Entry, " "+reports[r].Commitment) {
				a.Inclusion.Entries = append(a.Inclusion.Entries, vecAnswerItem{Index: e.Index, Entry: e.Entry, Proof: e.Proof})
			}
		}
		v.Answers = append(v.Answers, a)
	}
	answer("filed, accepted and concluded", 0)
	answer("filed and rejected", 1)
	answer("filed, transferred, accepted and extended; the content hash in upper case", 2)
	answer("not yet in the log", 4)

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	if *updateVectors {
		if err := os.WriteFile(webVectorsFile, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	old, err := os.ReadFile(webVectorsFile)
	if err != nil || !bytes.Equal(old, buf.Bytes()) {
		t.Fatalf("%s is not current (%v): run go test ./internal/translog -run TestWebVectors -update", webVectorsFile, err)
	}
}
