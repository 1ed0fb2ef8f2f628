package proof

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

const testKeyID = "mb-2026-1"

func testKey(seed byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
}

func testSigner(t testing.TB, keyID string, seed byte) *Signer {
	t.Helper()
	s, err := NewSigner(keyID, testKey(seed))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// vietnameseName holds ả, ễ, ặ, ơ, ư and đ.
const vietnameseName = "Bản sao giấy tờ bị đòi thêm - lễ tặng ưu đãi.pdf"

func sampleFiling() Filing {
	return Filing{
		TrackingCode: "MB-7K3M-9QX2",
		Kind:         KindComplaint,
		SubmittedAt:  time.Date(2026, 11, 27, 13, 37, 5, 0, time.UTC),
		ContentHash:  sha("nội dung phản ánh"),
		Attachments: []Attachment{
			{Name: "Biên nhận hồ sơ.pdf", Size: 1234567, SHA256: sha("biên nhận")},
			{Name: vietnameseName, Size: 532, SHA256: sha("giấy tờ")},
		},
		Language: "vi",
	}
}

func verifier(signers ...*Signer) *Verifier {
	keys := map[string]ed25519.PublicKey{}
	for _, s := range signers {
		keys[s.KeyID()] = s.PublicKey()
	}
	return NewVerifier(keys)
}

func render(t testing.TB, s *Signer, f Filing) []byte {
	t.Helper()
	pdf, err := s.Render(f)
	if err != nil {
		t.Fatal(err)
	}
	return pdf
}

// sameFiling compares filings field by field, times by instant and location.
func sameFiling(t *testing.T, got, want Filing) {
	t.Helper()
	if !got.SubmittedAt.Equal(want.SubmittedAt) || got.SubmittedAt.Location() != time.UTC {
		t.Errorf("SubmittedAt = %v, want %v in UTC", got.SubmittedAt, want.SubmittedAt)
	}
	got.SubmittedAt, want.SubmittedAt = time.Time{}, time.Time{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("filing = %+v\nwant     %+v", got, want)
	}
}

func TestRenderVerifyRoundTrip(t *testing.T) {
	t.Parallel()
	s := testSigner(t, testKeyID, 1)
	v := verifier(s)
	hcm, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		hcm = time.FixedZone("ICT", 7*3600)
	}
	upper := sampleFiling()
	upper.ContentHash = strings.ToUpper(upper.ContentHash)
	upper.Attachments[0].SHA256 = strings.ToUpper(upper.Attachments[0].SHA256)
	upper.SubmittedAt = time.Date(2026, 11, 27, 20, 37, 5, 987654321, hcm)

	tests := []struct {
		name string
		in   Filing
		want func(f Filing) Filing
	}{
		{"vi complaint with Vietnamese attachment names", sampleFiling(), nil},
		{"en denunciation without attachments", func() Filing {
			f := sampleFiling()
			f.Kind, f.Language, f.Attachments = KindDenunciation, "en", nil
			return f
		}(), nil},
		{"anonymous denunciation filed as feedback", func() Filing {
			f := sampleFiling()
			f.Kind, f.AnonymousDenunciation = KindFeedback, true
			return f
		}(), nil},
		{"empty attachment list comes back nil", func() Filing {
			f := sampleFiling()
			f.Attachments = []Attachment{}
			return f
		}(), func(f Filing) Filing { f.Attachments = nil; return f }},
		{"language defaults to vi", func() Filing {
			f := sampleFiling()
			f.Language = ""
			return f
		}(), func(f Filing) Filing { f.Language = "vi"; return f }},
		{"hashes lower-cased, time in UTC to the second", upper, func(f Filing) Filing {
			f.ContentHash = strings.ToLower(f.ContentHash)
			f.Attachments = slices.Clone(f.Attachments)
			f.Attachments[0].SHA256 = strings.ToLower(f.Attachments[0].SHA256)
			f.SubmittedAt = time.Date(2026, 11, 27, 13, 37, 5, 0, time.UTC)
			return f
		}},
		{"longest name the portal keeps: 200 Vietnamese letters, no spaces", func() Filing {
			f := sampleFiling()
			f.Attachments[1].Name = strings.Repeat("ễ", 200) + ".docx"
			return f
		}(), nil},
		{"names kept byte for byte: decomposed, emoji, markup", func() Filing {
			f := sampleFiling()
			f.Attachments = []Attachment{
				{Name: norm.NFD.String("Biên nhận hồ sơ.pdf"), Size: 0, SHA256: sha("a")},
				{Name: "ảnh 😀 <b>&\"x\"</b>.jpg", Size: 1 << 40, SHA256: sha("b")},
			}
			return f
		}(), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.in
			if tt.want != nil {
				want = tt.want(tt.in)
			}
			pdf := render(t, s, tt.in)
			res, err := v.Verify(pdf)
			if err != nil {
				t.Fatal(err)
			}
			if !res.Valid || res.Reason != "" || res.KeyID != testKeyID {
				t.Fatalf("Verify = %+v, want valid with key %s", res, testKeyID)
			}
			sameFiling(t, res.Filing, want)
			if !pageStates(t, pdf, res.Filing) {
				t.Error("the page does not state the tracking code and the hashes of the statement")
			}
			if again := render(t, s, tt.in); !bytes.Equal(again, pdf) {
				t.Error("Render is not deterministic")
			}
		})
	}
}

func TestRenderRejectsInvalidFilings(t *testing.T) {
	t.Parallel()
	s := testSigner(t, testKeyID, 1)
	tests := []struct {
		name   string
		mutate func(f *Filing)
	}{
		{"lower-case tracking code", func(f *Filing) { f.TrackingCode = "mb-7k3m-9qx2" }},
		{"empty tracking code", func(f *Filing) { f.TrackingCode = "" }},
		{"tracking code with space", func(f *Filing) { f.TrackingCode = "MB 7K3M" }},
		{"tracking code too long", func(f *Filing) { f.TrackingCode = "MB-" + strings.Repeat("A", 30) }},
		{"unknown kind", func(f *Filing) { f.Kind = "appeal" }},
		{"anonymous denunciation as complaint", func(f *Filing) { f.AnonymousDenunciation = true }},
		{"anonymous denunciation as denunciation", func(f *Filing) { f.Kind, f.AnonymousDenunciation = KindDenunciation, true }},
		{"zero time", func(f *Filing) { f.SubmittedAt = time.Time{} }},
		{"year 1999", func(f *Filing) { f.SubmittedAt = time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC) }},
		{"short content hash", func(f *Filing) { f.ContentHash = f.ContentHash[:63] }},
		{"content hash not hex", func(f *Filing) { f.ContentHash = strings.Repeat("g", 64) }},
		{"language fr", func(f *Filing) { f.Language = "fr" }},
		{"attachment without name", func(f *Filing) { f.Attachments[0].Name = "" }},
		{"attachment name not UTF-8", func(f *Filing) { f.Attachments[0].Name = "a\xffb.pdf" }},
		{"attachment name with newline", func(f *Filing) { f.Attachments[0].Name = "a\nb.pdf" }},
		{"attachment name too long", func(f *Filing) { f.Attachments[0].Name = strings.Repeat("đ", maxNameBytes/2+1) }},
		{"negative size", func(f *Filing) { f.Attachments[1].Size = -1 }},
		{"attachment hash not hex", func(f *Filing) { f.Attachments[1].SHA256 = "xyz" }},
		{"too many attachments", func(f *Filing) {
			f.Attachments = slices.Repeat(f.Attachments[:1], maxAttachments+1)
		}},
	}
	if _, err := s.Render(sampleFiling()); err != nil {
		t.Fatalf("the base filing must be valid: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := sampleFiling()
			tt.mutate(&f)
			if pdf, err := s.Render(f); err == nil {
				t.Fatalf("Render accepted it (%d bytes)", len(pdf))
			}
		})
	}
}

func TestNewSigner(t *testing.T) {
	t.Parallel()
	priv := testKey(7)
	for _, id := range []string{"", "-k", "k y", "ké", strings.Repeat("k", 65), "k/1"} {
		if _, err := NewSigner(id, priv); err == nil {
			t.Errorf("key id %q accepted", id)
		}
	}
	if _, err := NewSigner("k1", priv[:32]); err == nil {
		t.Error("a 32-byte private key was accepted")
	}
	bad := slices.Clone(priv)
	bad[40] ^= 1 // public half no longer matches the seed
	if _, err := NewSigner("k1", bad); err == nil {
		t.Error("an inconsistent private key was accepted")
	}
	s, err := NewSigner("mb_2026.01-a", priv)
	if err != nil {
		t.Fatal(err)
	}
	if s.KeyID() != "mb_2026.01-a" {
		t.Errorf("KeyID = %q", s.KeyID())
	}
	pub := s.PublicKey()
	if !pub.Equal(priv.Public()) {
		t.Error("PublicKey does not match the private key")
	}
	pub[0] ^= 1
	priv[0] ^= 1 // neither the caller's key nor the returned copy may change the signer
	if !s.PublicKey().Equal(testKey(7).Public()) {
		t.Error("the Signer shares memory with its caller")
	}
	if res, err := verifier(s).Verify(render(t, s, sampleFiling())); err != nil || !res.Valid {
		t.Errorf("Verify = %+v, %v", res, err)
	}
}

func TestPayloadStatesNoIdentity(t *testing.T) {
	t.Parallel()
	s := testSigner(t, testKeyID, 1)
	pdf := render(t, s, sampleFiling())
	pf, reason := extractFields(pdf)
	if reason != "" {
		t.Fatal(reason)
	}
	var m map[string]any
	if err := json.Unmarshal(pf.payload, &m); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	// Adding a field to the signed statement is a decision: no identity, no receipt, ever.
	want := []string{"anonymousDenunciation", "attachments", "contentSha256", "keyId", "kind", "language", "submittedAt", "trackingCode", "type", "version"}
	if !slices.Equal(keys, want) {
		t.Errorf("payload fields = %v\nwant %v", keys, want)
	}
	if !strings.HasPrefix(string(pf.payload), `{"type":"minhbach.proof-of-filing","version":1,"keyId":"mb-2026-1","trackingCode":"MB-7K3M-9QX2",`) {
		t.Errorf("payload does not start as documented: %s", pf.payload)
	}
}

func TestDecodePayloadIsStrict(t *testing.T) {
	t.Parallel()
	good, err := encodePayload(testKeyID, mustNormalize(t, sampleFiling()))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := decodePayload(good); err != nil {
		t.Fatalf("canonical payload refused: %v", err)
	}
	edits := map[string]func(string) string{
		"leading space":     func(p string) string { return " " + p },
		"trailing newline":  func(p string) string { return p + "\n" },
		"space after colon": func(p string) string { return strings.Replace(p, `"kind":`, `"kind": `, 1) },
		"fields reordered": func(p string) string {
			return strings.Replace(p, `"version":1,"keyId":"mb-2026-1"`, `"keyId":"mb-2026-1","version":1`, 1)
		},
		"unknown field": func(p string) string { return strings.Replace(p, `{`, `{"receipt":"1234",`, 1) },
		"version 2":     func(p string) string { return strings.Replace(p, `"version":1`, `"version":2`, 1) },
		"other type":    func(p string) string { return strings.Replace(p, `proof-of-filing`, `checkpoint`, 1) },
		"upper-case hash": func(p string) string {
			return strings.Replace(p, sha("nội dung phản ánh"), strings.ToUpper(sha("nội dung phản ánh")), 1)
		},
		"escaped letter":   func(p string) string { return strings.Replace(p, `"kind":"complaint"`, `"kind":"compl\u0061int"`, 1) },
		"time with offset": func(p string) string { return strings.Replace(p, `13:37:05Z`, `20:37:05+07:00`, 1) },
		"invalid filing":   func(p string) string { return strings.Replace(p, `"complaint"`, `"appeal"`, 1) },
		"bad key id":       func(p string) string { return strings.Replace(p, `"mb-2026-1"`, `"mb 2026"`, 1) },
		"missing language": func(p string) string { return strings.Replace(p, `,"language":"vi"`, ``, 1) },
		"null attachments": func(p string) string {
			return p[:strings.Index(p, `"attachments"`)] + `"attachments":null,"language":"vi"}`
		},
		"duplicated field": func(p string) string {
			return strings.Replace(p, `"kind":"complaint"`, `"kind":"feedback","kind":"complaint"`, 1)
		},
		"not JSON":           func(p string) string { return "kind=complaint" },
		"empty":              func(p string) string { return "" },
		"second JSON object": func(p string) string { return p + p },
	}
	for name, edit := range edits {
		t.Run(name, func(t *testing.T) {
			p := edit(string(good))
			if p == string(good) {
				t.Fatal("the edit changed nothing")
			}
			if _, _, err := decodePayload([]byte(p)); err == nil {
				t.Errorf("accepted %s", p)
			}
		})
	}
}

func mustNormalize(t *testing.T, f Filing) Filing {
	t.Helper()
	n, err := f.normalize()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// xmpRange returns where the XMP packet lies in pdf.
func xmpRange(t testing.TB, pdf []byte) (int, int) {
	t.Helper()
	start := bytes.Index(pdf, []byte("<?xpacket begin"))
	end := bytes.Index(pdf, []byte("<?xpacket end=\"r\"?>"))
	if start < 0 || end < start {
		t.Fatal("no XMP packet")
	}
	return start, end + len("<?xpacket end=\"r\"?>")
}

func mustBeInvalid(t *testing.T, v *Verifier, pdf []byte, what string) Result {
	t.Helper()
	res, err := v.Verify(pdf)
	if err != nil && !errors.Is(err, ErrNotPDF) {
		t.Fatalf("%s: error %v", what, err)
	}
	if res.Valid {
		t.Fatalf("%s: still valid", what)
	}
	if err == nil && !slices.Contains([]string{ReasonNoProof, ReasonMalformed, ReasonUnknownKey, ReasonBadSignature, ReasonModified}, res.Reason) {
		t.Fatalf("%s: unknown reason %q", what, res.Reason)
	}
	if res.Filing.TrackingCode != "" || res.KeyID != "" {
		t.Fatalf("%s: an invalid result carries data: %+v", what, res)
	}
	return res
}

func TestVerifyRejectsEveryFlippedByte(t *testing.T) {
	t.Parallel()
	s := testSigner(t, testKeyID, 1)
	v := verifier(s)
	pdf := render(t, s, sampleFiling())
	start, end := xmpRange(t, pdf)
	flip := func(i int, mask byte) {
		mod := bytes.Clone(pdf)
		mod[i] ^= mask
		mustBeInvalid(t, v, mod, "flipped byte")
	}
	// Every byte of the payload, its signature and the seal, and of the packet around them.
	for i := start; i < end; i++ {
		flip(i, 0x01)
	}
	// A dense sample of the rest of the file: header, page content, fonts, xref, trailer.
	for i := 0; i < len(pdf); i += 97 {
		if i < start || i >= end {
			flip(i, 0x20)
		}
	}
	flip(len(pdf)-1, 0x01)
	if res, err := v.Verify(pdf); err != nil || !res.Valid {
		t.Fatalf("the original no longer verifies: %+v %v", res, err)
	}
}

// reseal writes a new seal with priv over pdf, as someone holding the key could: the statement
// signature must hold on its own. The first seal element is used.
func reseal(t testing.TB, priv ed25519.PrivateKey, pdf []byte) []byte {
	t.Helper()
	out := bytes.Clone(pdf)
	at := bytes.Index(out, []byte(sealOpen))
	if at < 0 {
		t.Fatal("no seal")
	}
	at += len(sealOpen)
	copy(out[at:], sealPlaceholder)
	b64.Encode(out[at:at+sealLen], ed25519.Sign(priv, out))
	return out
}

// replaceField replaces the base64 text of one XMP element with the encoding of data.
func replaceField(t testing.TB, pdf []byte, open, close string, data []byte) []byte {
	t.Helper()
	i := bytes.Index(pdf, []byte(open))
	j := bytes.Index(pdf, []byte(close))
	if i < 0 || j < i {
		t.Fatalf("no %s", open)
	}
	return slices.Concat(pdf[:i+len(open)], []byte(b64.EncodeToString(data)), pdf[j:])
}

func TestVerifyChecksEachSignature(t *testing.T) {
	t.Parallel()
	s := testSigner(t, testKeyID, 1)
	v := verifier(s)
	priv := testKey(1)
	pdf := render(t, s, sampleFiling())
	pf, reason := extractFields(pdf)
	if reason != "" {
		t.Fatal(reason)
	}
	if res, err := v.Verify(reseal(t, priv, pdf)); err != nil || !res.Valid {
		t.Fatalf("resealing an untouched proof must keep it valid: %+v %v", res, err)
	}

	t.Run("payload changed, file resealed", func(t *testing.T) {
		payload := bytes.Replace(pf.payload, []byte("MB-7K3M-9QX2"), []byte("MB-7K3M-9QX3"), 1)
		mod := reseal(t, priv, replaceField(t, pdf, payloadOpen, payloadClose, payload))
		if res := mustBeInvalid(t, v, mod, "changed payload"); res.Reason != ReasonBadSignature {
			t.Errorf("reason = %s, want %s", res.Reason, ReasonBadSignature)
		}
	})
	t.Run("every signature bit flipped, file resealed", func(t *testing.T) {
		for i := range pf.signature {
			for bit := range 8 {
				sig := bytes.Clone(pf.signature)
				sig[i] ^= 1 << bit
				mod := reseal(t, priv, replaceField(t, pdf, signatureOpen, signatureClose, sig))
				if res := mustBeInvalid(t, v, mod, "flipped signature"); res.Reason != ReasonBadSignature {
					t.Fatalf("byte %d bit %d: reason = %s, want %s", i, bit, res.Reason, ReasonBadSignature)
				}
			}
		}
	})
	t.Run("seal bits flipped", func(t *testing.T) {
		for i := 0; i < len(pf.seal); i += 5 {
			seal := bytes.Clone(pf.seal)
			seal[i] ^= 0x80
			mod := replaceField(t, pdf, sealOpen, sealClose, seal)
			if res := mustBeInvalid(t, v, mod, "flipped seal"); res.Reason != ReasonModified {
				t.Fatalf("byte %d: reason = %s, want %s", i, res.Reason, ReasonModified)
			}
		}
	})
	t.Run("page changed, statement intact", func(t *testing.T) {
		mod := bytes.Replace(pdf, []byte("/MediaBox [0 0 595.28 841.89]"), []byte("/MediaBox [0 0 595.28 841.88]"), 1)
		if bytes.Equal(mod, pdf) {
			t.Fatal("no MediaBox to change")
		}
		if res := mustBeInvalid(t, v, mod, "changed page"); res.Reason != ReasonModified {
			t.Errorf("reason = %s, want %s", res.Reason, ReasonModified)
		}
	})
}

func TestVerifyKeys(t *testing.T) {
	t.Parallel()
	old := testSigner(t, "mb-2025", 1)
	cur := testSigner(t, "mb-2026", 2)
	impostor := testSigner(t, "mb-2026", 3) // claims the current key id
	f := sampleFiling()
	oldPDF, curPDF, fakePDF := render(t, old, f), render(t, cur, f), render(t, impostor, f)

	both := verifier(old, cur)
	for name, pdf := range map[string][]byte{"retired key": oldPDF, "current key": curPDF} {
		if res, err := both.Verify(pdf); err != nil || !res.Valid {
			t.Errorf("%s: %+v %v", name, res, err)
		}
	}
	if res := mustBeInvalid(t, both, fakePDF, "another key"); res.Reason != ReasonBadSignature {
		t.Errorf("another key: reason = %s, want %s", res.Reason, ReasonBadSignature)
	}
	if res := mustBeInvalid(t, verifier(cur), oldPDF, "rotated out"); res.Reason != ReasonUnknownKey {
		t.Errorf("unknown key: reason = %s, want %s", res.Reason, ReasonUnknownKey)
	}
	for name, v := range map[string]*Verifier{
		"nil map":      NewVerifier(nil),
		"short key":    NewVerifier(map[string]ed25519.PublicKey{"mb-2026": cur.PublicKey()[:31]}),
		"key is empty": NewVerifier(map[string]ed25519.PublicKey{"mb-2026": nil}),
	} {
		if res := mustBeInvalid(t, v, curPDF, name); res.Reason != ReasonUnknownKey {
			t.Errorf("%s: reason = %s, want %s", name, res.Reason, ReasonUnknownKey)
		}
	}
	keys := map[string]ed25519.PublicKey{"mb-2026": cur.PublicKey()}
	v := NewVerifier(keys)
	keys["mb-2026"][0] ^= 1 // the Verifier keeps its own copy
	if res, err := v.Verify(curPDF); err != nil || !res.Valid {
		t.Errorf("Verifier shares its map with the caller: %+v %v", res, err)
	}
}

func TestVerifyRefusesASecondPayload(t *testing.T) {
	t.Parallel()
	s := testSigner(t, testKeyID, 1)
	v := verifier(s)
	pdf := render(t, s, sampleFiling())
	other := sampleFiling()
	other.TrackingCode = "MB-AAAA-BBBB"
	otherPDF := render(t, s, other)
	start, end := xmpRange(t, otherPDF)
	otherXMP := otherPDF[start:end]

	// An incremental update appended after %%EOF, carrying the genuine statement of another filing.
	update := slices.Concat(pdf,
		fmt.Appendf(nil, "\n99 0 obj\n<</Type /Metadata /Subtype /XML /Length %d>>\nstream\n", len(otherXMP)),
		otherXMP,
		[]byte("\nendstream\nendobj\ntrailer\n<</Size 100 /Prev 0>>\nstartxref\n0\n%%EOF\n"))
	res := mustBeInvalid(t, v, update, "appended payload")
	if res.Reason != ReasonMalformed {
		t.Errorf("reason = %s, want %s", res.Reason, ReasonMalformed)
	}
	// Even with a fresh seal, two statements in one file are refused.
	if res := mustBeInvalid(t, v, reseal(t, testKey(1), update), "appended payload, resealed"); res.Reason != ReasonMalformed {
		t.Errorf("resealed: reason = %s, want %s", res.Reason, ReasonMalformed)
	}
	// The second payload element alone, as in a hand-edited XMP packet.
	dup := bytes.Replace(pdf, []byte(payloadClose), []byte(payloadClose+payloadOpen+"e30="+payloadClose), 1)
	if res := mustBeInvalid(t, v, dup, "duplicated element"); res.Reason != ReasonMalformed {
		t.Errorf("duplicated element: reason = %s, want %s", res.Reason, ReasonMalformed)
	}
	// Only part of the elements.
	part := bytes.Replace(pdf, []byte(sealOpen), []byte("<mbproof:sael>"), 1)
	if res := mustBeInvalid(t, v, part, "missing seal"); res.Reason != ReasonMalformed {
		t.Errorf("missing seal: reason = %s, want %s", res.Reason, ReasonMalformed)
	}
}

func TestVerifyRefusesReformattedFields(t *testing.T) {
	t.Parallel()
	s := testSigner(t, testKeyID, 1)
	v := verifier(s)
	pdf := render(t, s, sampleFiling())
	// Base64 decoders skip line breaks, so a wrapped field decodes to the same bytes; it is
	// still not what Render wrote.
	for _, open := range []string{payloadOpen, signatureOpen} {
		at := bytes.Index(pdf, []byte(open)) + len(open) + 10
		wrapped := slices.Concat(pdf[:at], []byte("\r\n"), pdf[at:])
		if res := mustBeInvalid(t, v, reseal(t, testKey(1), wrapped), "wrapped "+open); res.Reason != ReasonMalformed {
			t.Errorf("%s wrapped: reason = %s, want %s", open, res.Reason, ReasonMalformed)
		}
	}
}

func TestVerifyTruncatedAndExtended(t *testing.T) {
	t.Parallel()
	s := testSigner(t, testKeyID, 1)
	v := verifier(s)
	pdf := render(t, s, sampleFiling())
	for _, n := range []int{0, 1, 5, 8, 100, len(pdf) / 3, len(pdf) / 2, len(pdf) - 200, len(pdf) - 7, len(pdf) - 1} {
		mustBeInvalid(t, v, pdf[:n], "truncated")
	}
	for i := 1; i < 40; i++ {
		mustBeInvalid(t, v, pdf[:len(pdf)*i/40], "truncated")
	}
	for _, tail := range []string{"\n", " ", "%%EOF\n", "\x00"} {
		if res := mustBeInvalid(t, v, append(bytes.Clone(pdf), tail...), "extended"); res.Reason != ReasonModified {
			t.Errorf("tail %q: reason = %s, want %s", tail, res.Reason, ReasonModified)
		}
	}
	if res := mustBeInvalid(t, v, append([]byte(" "), pdf...), "prefixed"); res.Reason != ReasonModified {
		t.Errorf("prefixed: reason = %s", res.Reason)
	}
}

func TestVerifyArbitraryInput(t *testing.T) {
	t.Parallel()
	s := testSigner(t, testKeyID, 1)
	v := verifier(s)
	rng := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 64<<10)
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	for name, in := range map[string][]byte{
		"empty":           nil,
		"text":            []byte("Giấy xác nhận đã gửi phản ánh"),
		"random bytes":    random,
		"PDF header late": append(bytes.Repeat([]byte{' '}, 1024), "%PDF-1.7\n"...),
	} {
		if res, err := v.Verify(in); !errors.Is(err, ErrNotPDF) || res.Valid {
			t.Errorf("%s: Verify = %+v, %v; want ErrNotPDF", name, res, err)
		}
	}
	if _, err := v.Verify(append([]byte("%PDF-1.7\n"), make([]byte, MaxPDFSize)...)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("2 MiB + 9 bytes: err = %v, want ErrTooLarge", err)
	}
	atLimit := append([]byte("%PDF-1.7\n"), make([]byte, MaxPDFSize-9)...)
	if res := mustBeInvalid(t, v, atLimit, "2 MiB"); res.Reason != ReasonNoProof {
		t.Errorf("2 MiB: reason = %s", res.Reason)
	}
	for name, in := range map[string]string{
		"header only":    "%PDF-1.7",
		"PDF then noise": "%PDF-1.4\n" + string(random[:4096]),
		"garbage fields": "%PDF-1.4\n" + payloadOpen + "!!" + payloadClose + signatureOpen + signatureClose + sealOpen + "x" + sealClose,
		"broken base64":  "%PDF-1.4\n" + payloadOpen + "e30" + payloadClose + signatureOpen + strings.Repeat("A", 86) + "==" + signatureClose + sealOpen + strings.Repeat("A", 86) + "==" + sealClose,
		"fields with line breaks": "%PDF-1.4\n" + payloadOpen + "e3\n0=" + payloadClose + signatureOpen + strings.Repeat("A", 43) + "\n" + strings.Repeat("A", 43) + "==" + signatureClose +
			sealOpen + strings.Repeat("A", 86) + "==" + sealClose,
	} {
		mustBeInvalid(t, v, []byte(in), name)
	}
	// A real PDF that is not a proof: a proof's page without its XMP packet.
	plain, err := layout(mustNormalize(t, sampleFiling()), testKeyID, VerifyPagePath, make([]byte, 64), nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if res := mustBeInvalid(t, v, plain, "plain PDF"); res.Reason != ReasonNoProof {
		t.Errorf("plain PDF: reason = %s, want %s", res.Reason, ReasonNoProof)
	}
}

func utf16Bytes(s string) []byte {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r>>8), byte(r))
	}
	return b
}

func TestVerifyRefusesAnEditedPage(t *testing.T) {
	t.Parallel()
	s := testSigner(t, testKeyID, 1)
	v := verifier(s)
	priv := testKey(1)
	f := sampleFiling()
	// Uncompressed page content, so the visible text can be edited in place.
	pdf, err := s.render(f, "", false)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := v.Verify(pdf); err != nil || !res.Valid {
		t.Fatalf("uncompressed proof: %+v %v", res, err)
	}
	edits := map[string][2]string{
		"tracking code": {f.TrackingCode, "MB-7K3M-9QX3"},
		"content hash":  {f.ContentHash, strings.Repeat("0", 64)},
		"attachment":    {f.Attachments[1].SHA256, strings.Repeat("1", 64)},
	}
	for name, e := range edits {
		t.Run(name, func(t *testing.T) {
			from, to := utf16Bytes(e[0]), utf16Bytes(e[1])
			if !bytes.Contains(pdf, from) {
				t.Fatalf("the page does not show %s", e[0])
			}
			mod := bytes.ReplaceAll(pdf, from, to)
			if pageStates(t, mod, f) {
				t.Fatal("the edited page still states the filing")
			}
			if res := mustBeInvalid(t, v, mod, "edited page"); res.Reason != ReasonModified {
				t.Errorf("edited page: reason = %s, want %s", res.Reason, ReasonModified)
			}
			// Only the signing key makes an edited file verify again, and its holder can sign any
			// statement on any page. Verify does not read pages: what it returns is still the
			// signed statement, never the edited text.
			res, err := v.Verify(reseal(t, priv, mod))
			if err != nil || !res.Valid {
				t.Fatalf("resealed: %+v %v", res, err)
			}
			sameFiling(t, res.Filing, f)
		})
	}
}

// TestVerifyAcceptsAnEarlierRenderer checks that proofs already handed out keep verifying when
// the renderer changes. The fixture is the sample filing rendered with the test key by the
// previous PDF library (github.com/go-pdf/fpdf v0.9.0), whose bytes differ from today's.
func TestVerifyAcceptsAnEarlierRenderer(t *testing.T) {
	t.Parallel()
	s := testSigner(t, testKeyID, 1)
	old, err := os.ReadFile("testdata/proof-fpdf-v0.9.0.pdf")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(old, render(t, s, sampleFiling())) {
		t.Fatal("the fixture is what Render writes today: it tests nothing")
	}
	res, err := verifier(s).Verify(old)
	if err != nil || !res.Valid || res.KeyID != testKeyID {
		t.Fatalf("Verify = %+v, %v", res, err)
	}
	sameFiling(t, res.Filing, sampleFiling())
	if !pageStates(t, old, res.Filing) {
		t.Error("the earlier page does not state the filing")
	}
	mod := bytes.Clone(old)
	mod[len(mod)/2] ^= 1
	if res := mustBeInvalid(t, verifier(s), mod, "earlier proof, flipped byte"); res.Reason != ReasonModified {
		t.Errorf("flipped byte: reason = %s, want %s", res.Reason, ReasonModified)
	}
}

func TestConcurrentRenderAndVerify(t *testing.T) {
	t.Parallel()
	s := testSigner(t, testKeyID, 1)
	v := verifier(s)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 4 {
		wg.Go(func() {
			f := sampleFiling()
			f.TrackingCode = "MB-TEST-000" + string(rune('0'+g))
			for range 2 {
				pdf, err := s.Render(f)
				if err != nil {
					errs <- err
					return
				}
				res, err := v.Verify(pdf)
				if err != nil || !res.Valid || res.Filing.TrackingCode != f.TrackingCode {
					errs <- errors.New("concurrent verify failed: " + res.Reason)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func FuzzVerify(f *testing.F) {
	s := testSigner(f, testKeyID, 1)
	v := verifier(s)
	genuine := render(f, s, sampleFiling())
	f.Add(genuine)
	f.Add(genuine[:len(genuine)/2])
	start, end := xmpRange(f, genuine)
	f.Add(slices.Concat([]byte("%PDF-1.3\n"), genuine[start:end]))
	f.Add([]byte("%PDF-1.7\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, in []byte) {
		res, err := v.Verify(in)
		if err != nil {
			if !errors.Is(err, ErrNotPDF) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("unexpected error %v", err)
			}
			if res.Valid {
				t.Fatal("valid with an error")
			}
			return
		}
		// No input other than the genuine proof, byte for byte, may verify: the fuzzer cannot
		// sign, and the seal covers every byte.
		if res.Valid && !bytes.Equal(in, genuine) {
			t.Fatalf("a mutated input verified: %+v", res)
		}
		if !res.Valid && bytes.Equal(in, genuine) {
			t.Fatalf("the genuine proof did not verify: %s", res.Reason)
		}
	})
}

func BenchmarkRender(b *testing.B) {
	s := testSigner(b, testKeyID, 1)
	f := sampleFiling()
	var size int
	for b.Loop() {
		pdf, err := s.Render(f)
		if err != nil {
			b.Fatal(err)
		}
		size = len(pdf)
	}
	b.ReportMetric(float64(size), "pdf-bytes")
}

func BenchmarkVerify(b *testing.B) {
	s := testSigner(b, testKeyID, 1)
	v := verifier(s)
	pdf := render(b, s, sampleFiling())
	b.SetBytes(int64(len(pdf)))
	for b.Loop() {
		res, err := v.Verify(pdf)
		if err != nil || !res.Valid {
			b.Fatal(res.Reason, err)
		}
	}
}
