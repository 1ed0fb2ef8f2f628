package handlers_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"minhbach/internal/translog"
	"minhbach/services"
)

// integrateLog runs the sequencer until the queue is empty, as the
// server's job does every few seconds.
func (f *fixture) integrateLog(t *testing.T) {
	t.Helper()
	for {
		n, err := f.Sequencer.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

type logInclusion struct {
	Size       int64  `json:"size"`
	Checkpoint string `json:"checkpoint"`
	Entries    []struct {
		Index int64    `json:"index"`
		Entry string   `json:"entry"`
		Proof []string `json:"proof"`
	} `json:"entries"`
}

func (f *fixture) inclusion(t *testing.T, commitment string) logInclusion {
	t.Helper()
	w := f.do(http.MethodGet, "/api/v1/log/inclusion?commitment="+commitment, "", nil)
	if w.Code != http.StatusOK {
		t.Fatalf("inclusion: %d %s", w.Code, w.Body)
	}
	var out logInclusion
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestPublicLogFilingAndProof files a report, integrates the log, and
// checks what the citizen's browser checks: the report's entry is in the
// log, under the commitment its proof of filing gives, proved included in
// the signed checkpoint; the public entry names nothing of the report.
func TestPublicLogFilingAndProof(t *testing.T) {
	f := newFixture(t)
	r, caseID := f.routedReport(t, "TTTP-HCM", "MTTQ-HCM")
	com, err := translog.ReportCommitment(r.TrackingCode, r.ContentHash)
	if err != nil {
		t.Fatal(err)
	}
	comHex := hex.EncodeToString(com[:])

	// Before integration: no entry yet, the page says "being added".
	if got := f.inclusion(t, comHex); len(got.Entries) != 0 {
		t.Fatalf("entries before integration: %+v", got)
	}
	if w := f.do(http.MethodGet, "/log/checkpoint", "", nil); w.Code != http.StatusNotFound {
		t.Fatalf("checkpoint of the empty log: %d %s", w.Code, w.Body)
	}
	f.integrateLog(t)

	var info services.LogInfo
	w := f.do(http.MethodGet, "/api/v1/log", "", nil)
	if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &info) != nil || info.Origin != testLogOrigin || info.Size < 1 {
		t.Fatalf("log info: %d %s", w.Code, w.Body)
	}
	verifier, err := note.NewVerifier(info.VerifierKey)
	if err != nil {
		t.Fatal(err)
	}
	got := f.inclusion(t, comHex)
	if len(got.Entries) != 1 {
		t.Fatalf("entries after integration: %+v", got)
	}
	cp, _, err := translog.OpenCheckpoint([]byte(got.Checkpoint), testLogOrigin, verifier)
	if err != nil || cp.Size != got.Size {
		t.Fatalf("checkpoint: %+v %v", cp, err)
	}
	e := got.Entries[0]
	entry, err := translog.ParseEntry([]byte(e.Entry))
	if err != nil || entry.Event != translog.EventFiled || entry.Commitment != com {
		t.Fatalf("entry %q: %+v %v", e.Entry, entry, err)
	}
	if entry.Date != translog.Day(time.Now(), services.VietnamTime) && entry.Date != translog.Day(time.Now().Add(-time.Minute), services.VietnamTime) {
		t.Fatalf("entry date %s", entry.Date)
	}
	for _, leak := range []string{r.TrackingCode, caseID, r.ContentHash, "TTTP", "HCM"} {
		if strings.Contains(e.Entry, leak) {
			t.Fatalf("the public entry %q contains %q", e.Entry, leak)
		}
	}
	proof := make([]translog.Hash, len(e.Proof))
	for i, h := range e.Proof {
		b, _ := hex.DecodeString(h)
		copy(proof[i][:], b)
	}
	if err := translog.VerifyInclusion(proof, e.Index, cp.Size, translog.LeafHash([]byte(e.Entry)), cp.Root); err != nil {
		t.Fatal(err)
	}

	// The same from the published objects alone, as a mirror reads them.
	w = f.do(http.MethodGet, "/log/checkpoint", "", nil)
	if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/plain") || w.Body.String() != got.Checkpoint {
		t.Fatalf("/log/checkpoint: %d %q", w.Code, w.Body)
	}
	w = f.do(http.MethodGet, "/log/checkpoints", "", nil)
	if sizes, err := translog.ParseCheckpointList(w.Body.Bytes()); err != nil || len(sizes) == 0 || sizes[len(sizes)-1] != cp.Size {
		t.Fatalf("/log/checkpoints: %q %v", w.Body, err)
	}
	bundle := translog.Tile{Entries: true, N: 0, W: int(cp.Size)}
	w = f.do(http.MethodGet, "/log/"+bundle.Path(), "", nil)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), e.Entry) {
		t.Fatalf("bundle %s: %d", bundle.Path(), w.Code)
	}
	for _, bad := range []string{"/log/tile/8/0/000", "/log/tile/0/../../x", "/log/tile/0/000.p/0", "/log/checkpoints/01", "/log/checkpoints/-1", "/log/checkpoints/999"} {
		if w := f.do(http.MethodGet, bad, "", nil); w.Code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", bad, w.Code)
		}
	}
	for _, bad := range []string{"", "AB", strings.Repeat("AB", 32), strings.Repeat("g", 64)} {
		if w := f.do(http.MethodGet, "/api/v1/log/inclusion?commitment="+bad, "", nil); w.Code != http.StatusBadRequest {
			t.Errorf("commitment %q: %d, want 400", bad, w.Code)
		}
	}
	if w := f.do(http.MethodGet, "/api/v1/log/consistency?from=1&to=99999", "", nil); w.Code != http.StatusBadRequest {
		t.Errorf("consistency beyond the log: %d", w.Code)
	}
}

// TestPublicLogWitnessPosts: a registered witness's cosignature is
// recorded and served with the checkpoint; its refusal is recorded and
// shown as an alarm; anybody else's posts are refused.
func TestPublicLogWitnessPosts(t *testing.T) {
	skey, vkey, err := translog.GenerateWitnessKey("front.hcm.example/witness")
	if err != nil {
		t.Fatal(err)
	}
	cosigner, err := translog.NewCosigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := services.ParseWitnessKeys([]string{vkey, cosigner.RefusalVerifierKey()})
	if err != nil || len(ws) != 1 {
		t.Fatal(ws, err)
	}
	wk := ws[0]
	f := newFixture(t, func(o *fixtureOptions) { o.witnesses = ws })
	f.routedReport(t, "TTTP-HCM", "MTTQ-HCM")
	f.integrateLog(t)
	cpText := f.do(http.MethodGet, "/log/checkpoint", "", nil).Body.String()
	n, err := note.Open([]byte(cpText), note.VerifierList(f.logVerifier(t)))
	if err != nil {
		t.Fatal(err)
	}
	cosigned, err := note.Sign(n, cosigner)
	if err != nil {
		t.Fatal(err)
	}
	post := func(body map[string]string) (int, string) {
		b, _ := json.Marshal(body)
		w := f.do(http.MethodPost, "/api/v1/log/cosignatures", "application/json", strings.NewReader(string(b)))
		return w.Code, w.Body.String()
	}
	if code, body := post(map[string]string{"witness": "front.hcm.example/witness", "cosignature": string(cosigned)}); code != http.StatusOK {
		t.Fatalf("cosignature: %d %s", code, body)
	}
	served := f.do(http.MethodGet, "/log/checkpoint", "", nil).Body.String()
	sn, err := note.Open([]byte(served), note.VerifierList(f.logVerifier(t), wk.Verifier))
	if err != nil || len(sn.Sigs) != 2 {
		t.Fatalf("served checkpoint with the cosignature: %v %q", err, served)
	}
	// Someone else's key, a checkpoint the log never issued, nothing.
	if code, _ := post(map[string]string{"witness": "nobody.example/w", "cosignature": string(cosigned)}); code != http.StatusForbidden {
		t.Errorf("unknown witness: %d", code)
	}
	otherSkey, _, _ := translog.GenerateWitnessKey("front.hcm.example/witness")
	impostor, _ := translog.NewCosigner(otherSkey)
	bad, _ := note.Sign(n, impostor)
	if code, _ := post(map[string]string{"witness": "front.hcm.example/witness", "cosignature": string(bad)}); code != http.StatusBadRequest {
		t.Errorf("a cosignature by another key: %d", code)
	}
	if code, _ := post(map[string]string{"witness": "front.hcm.example/witness"}); code != http.StatusBadRequest {
		t.Errorf("an empty post: %d", code)
	}

	// A refusal, signed by the witness.
	root := translog.LeafHash([]byte("x"))
	ref, err := translog.SignRefusal(translog.Refusal{Origin: testLogOrigin, Reason: translog.ReasonRollback,
		Seen: &translog.TreeHead{Size: 9, Root: root}, Got: &translog.TreeHead{Size: 1, Root: root}, Time: time.Now().Unix(), Detail: "the log shrank"}, cosigner.RefusalSigner())
	if err != nil {
		t.Fatal(err)
	}
	if code, body := post(map[string]string{"witness": "front.hcm.example/witness", "refusal": string(ref)}); code != http.StatusOK {
		t.Fatalf("refusal: %d %s", code, body)
	}
	var info services.LogInfo
	_ = json.Unmarshal(f.do(http.MethodGet, "/api/v1/log", "", nil).Body.Bytes(), &info)
	if len(info.Witnesses) != 1 || info.Witnesses[0].Refused == nil || info.Witnesses[0].Refused.Reason != "rollback" || !info.Witnesses[0].Alarm ||
		info.Witnesses[0].Cosigned == nil {
		t.Fatalf("witness status: %+v", info.Witnesses)
	}
}

func (f *fixture) logVerifier(t *testing.T) note.Verifier {
	t.Helper()
	var info services.LogInfo
	_ = json.Unmarshal(f.do(http.MethodGet, "/api/v1/log", "", nil).Body.Bytes(), &info)
	v, err := note.NewVerifier(info.VerifierKey)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
