package handlers_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"minhbach/handlers"
	"minhbach/internal/pow"
	"minhbach/services"
)

func (f *fixture) session(code, receipt string, hdr ...string) *httptest.ResponseRecorder {
	body, _ := json.Marshal(map[string]string{"trackingCode": code, "receipt": receipt})
	return f.do(http.MethodPost, "/api/v1/track/session", "application/json", bytes.NewReader(body), hdr...)
}

func (f *fixture) login(t *testing.T, code, receipt string) string {
	t.Helper()
	w := f.session(code, receipt)
	if w.Code != http.StatusOK {
		t.Fatalf("session: %d %s", w.Code, w.Body)
	}
	var s struct{ Token string }
	json.Unmarshal(w.Body.Bytes(), &s)
	return s.Token
}

type trackView struct {
	TrackingCode string
	Status       string
	Title        string
	CanWithdraw  bool
	Timeline     []struct{ Type, Actor, Note, Status string }
	Messages     []struct {
		ID, From, Text string
		Attachments    []struct{ Name, SHA256 string }
	}
	Attachments []struct{ ID, Name, Type, SHA256, Scan, Source string }
}

func (f *fixture) view(t *testing.T, token string) trackView {
	t.Helper()
	w := f.do(http.MethodGet, "/api/v1/track", "", nil, "Authorization", "Bearer "+token)
	if w.Code != http.StatusOK {
		t.Fatalf("track: %d %s", w.Code, w.Body)
	}
	var v trackView
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestTrackingSessionAndView(t *testing.T) {
	f := newFixture(t)
	w, a := f.submitFiles(t, validFeedback, upload{"a.png", samplePNG(t, 5, 5)})
	if w.Code != http.StatusCreated {
		t.Fatal(w.Body)
	}
	// Typed loosely: lower case, no dashes, spaces in the receipt.
	token := f.login(t, strings.ToLower(strings.ReplaceAll(a.TrackingCode, "-", "")), strings.ReplaceAll(a.Receipt, "-", " "))
	v := f.view(t, token)
	if v.TrackingCode != a.TrackingCode || v.Status != "received" || !v.CanWithdraw || len(v.Attachments) != 1 ||
		v.Attachments[0].SHA256 != a.Attachments[0].SHA256 || len(v.Timeline) != 1 || v.Timeline[0].Type != "submitted" {
		t.Fatalf("view = %+v", v)
	}
	// The token handed out with the 201 works too.
	if v2 := f.view(t, a.Token); v2.TrackingCode != a.TrackingCode {
		t.Fatal("the filing token does not open the report")
	}
}

func TestTrackingWrongPairsLookAlike(t *testing.T) {
	f := newFixture(t)
	_, a := f.submitFiles(t, validFeedback)
	unknown := f.session("MB-2222-3333", a.Receipt)
	wrong := f.session(a.TrackingCode, "1111-2222-3333-4444")
	garbage := f.session("hello", "world")
	for _, w := range []*httptest.ResponseRecorder{unknown, wrong, garbage} {
		if w.Code != http.StatusUnauthorized {
			t.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
	if unknown.Body.String() != wrong.Body.String() || wrong.Body.String() != garbage.Body.String() {
		t.Fatalf("refusals differ:\n%s\n%s\n%s", unknown.Body, wrong.Body, garbage.Body)
	}
}

// sessionFrom opens a tracking session from the client address remote.
func (f *fixture) sessionFrom(code, receipt, remote string) *httptest.ResponseRecorder {
	body, _ := json.Marshal(map[string]string{"trackingCode": code, "receipt": receipt})
	r := httptest.NewRequest(http.MethodPost, "/api/v1/track/session", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.RemoteAddr = remote
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, r)
	return w
}

// TestThirdPartyCannotLockCitizenOutOfTracking: anyone who knows a
// tracking code (every staff member of the unit; it is printed on the proof
// of filing) fails at it over and over, from many addresses; the citizen's
// right receipt still opens the report at once, every time.
func TestThirdPartyCannotLockCitizenOutOfTracking(t *testing.T) {
	f := newFixture(t)
	_, a := f.submitFiles(t, validFeedback)
	for i := range 40 {
		remote := fmt.Sprintf("198.51.100.%d:4000", i%8+1)
		w := f.sessionFrom(a.TrackingCode, fmt.Sprintf("0000-0000-0000-%04d", i), remote)
		if w.Code != http.StatusUnauthorized && w.Code != http.StatusTooManyRequests {
			t.Fatalf("guess %d: %d %s", i, w.Code, w.Body)
		}
	}
	for range 3 {
		if w := f.sessionFrom(a.TrackingCode, a.Receipt, "203.0.113.9:5000"); w.Code != http.StatusOK {
			t.Fatalf("the citizen's right receipt after the guesses: %d %s", w.Code, w.Body)
		}
		f.sessionFrom(a.TrackingCode, "1111-1111-1111-1111", "198.51.100.200:4000")
	}
}

// sessionWithPoW opens a tracking session from remote, solving a challenge
// fetched from the same address.
func (f *fixture) sessionWithPoW(t *testing.T, code, receipt, remote string) (*httptest.ResponseRecorder, int) {
	t.Helper()
	bits, hdr := f.challengeFrom(t, remote)
	body, _ := json.Marshal(map[string]string{"trackingCode": code, "receipt": receipt})
	r := httptest.NewRequest(http.MethodPost, "/api/v1/track/session", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Portal-PoW", hdr)
	r.RemoteAddr = remote
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, r)
	return w, bits
}

// challengeFrom fetches and solves a challenge as client remote, and
// returns its difficulty and the X-Portal-PoW value.
func (f *fixture) challengeFrom(t *testing.T, remote string) (int, string) {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/api/v1/challenges", nil)
	r.RemoteAddr = remote
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, r)
	var ch struct {
		Challenge string
		Bits      int
	}
	if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &ch) != nil || ch.Challenge == "" {
		t.Fatalf("challenge: %d %s", w.Code, w.Body)
	}
	return ch.Bits, ch.Challenge + ":" + pow.Solve(ch.Challenge, ch.Bits)
}

// TestTrackingBehindSharedNATIsNeverLocked: behind one carrier NAT, one
// address stands for many citizens. Someone behind it guesses receipts far
// past the client's free failures (before, the address was then locked for
// everyone behind it, the right receipt refused with 429): now nobody is
// refused, the guesses only make the address's next challenges harder, and
// a citizen behind the same address opens their report with the right
// receipt after solving the harder challenge. Another address is not
// affected.
func TestTrackingBehindSharedNATIsNeverLocked(t *testing.T) {
	f := newFixture(t, withAdmission(handlers.Admission{PoWBits: 2}))
	a := f.fileWithPoW(t)
	const nat = "198.51.100.44:4000"
	for i := range services.ClientThrottlePolicy.Free + 15 {
		if w, _ := f.sessionWithPoW(t, a.TrackingCode, fmt.Sprintf("0000-0000-0000-%04d", i), nat); w.Code != http.StatusUnauthorized {
			t.Fatalf("guess %d from the NAT: %d %s", i, w.Code, w.Body)
		}
	}
	w, bits := f.sessionWithPoW(t, a.TrackingCode, a.Receipt, nat)
	if w.Code != http.StatusOK {
		t.Fatalf("a citizen behind the NAT with the right receipt: %d %s", w.Code, w.Body)
	}
	if bits <= 2 {
		t.Fatalf("the guessing address still gets %d-bit challenges", bits)
	}
	if other, _ := f.challengeFrom(t, "203.0.113.9:5000"); other != 2 {
		t.Fatalf("another address gets %d-bit challenges, want 2", other)
	}
	// A cheap challenge fetched before the address grew hot is not enough.
	f2 := newFixture(t, withAdmission(handlers.Admission{PoWBits: 2}))
	b := f2.fileWithPoW(t)
	_, cheap := f2.challengeFrom(t, nat)
	for i := range services.ClientThrottlePolicy.Free + 5 {
		f2.sessionWithPoW(t, b.TrackingCode, fmt.Sprintf("0000-0000-0001-%04d", i), nat)
	}
	body, _ := json.Marshal(map[string]string{"trackingCode": b.TrackingCode, "receipt": b.Receipt})
	r := httptest.NewRequest(http.MethodPost, "/api/v1/track/session", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Portal-PoW", cheap)
	r.RemoteAddr = nat
	rec := httptest.NewRecorder()
	f2.srv.ServeHTTP(rec, r)
	if rec.Code != http.StatusBadRequest || decodeError(t, rec).Error.Fields["pow"] != "harder" {
		t.Fatalf("a cheap challenge from a hot address: %d %s", rec.Code, rec.Body)
	}
}

// TestHotCodeGuessesCostTheGuesser: once a code has used up its free
// failures, each wrong guess at it counts HotCodePenalty times against the
// guessing client, whose challenges then grow harder sooner; the right
// receipt is never refused for the code's sake.
func TestHotCodeGuessesCostTheGuesser(t *testing.T) {
	f := newFixture(t, withAdmission(handlers.Admission{PoWBits: 1}))
	a := f.fileWithPoW(t)
	for i := range services.CodeThrottlePolicy.Free {
		if w, _ := f.sessionWithPoW(t, a.TrackingCode, fmt.Sprintf("0000-0000-0000-%04d", i), "198.51.100.1:1"); w.Code != http.StatusUnauthorized {
			t.Fatalf("free failure %d: %d", i, w.Code)
		}
	}
	// The code is hot now; a fresh client's challenges grow harder after
	// Free/penalty guesses instead of Free.
	guesses := services.ClientThrottlePolicy.Free/services.HotCodePenalty + 1
	for i := range guesses {
		if w, bits := f.sessionWithPoW(t, a.TrackingCode, fmt.Sprintf("0000-0000-0001-%04d", i), "198.51.100.2:1"); w.Code != http.StatusUnauthorized || bits != 1 {
			t.Fatalf("hot guess %d: %d at %d bits %s", i, w.Code, bits, w.Body)
		}
	}
	if bits, _ := f.challengeFrom(t, "198.51.100.2:1"); bits <= 1 {
		t.Fatalf("a client past its budget on a hot code still gets %d-bit challenges", bits)
	}
	if w, _ := f.sessionWithPoW(t, a.TrackingCode, a.Receipt, "198.51.100.3:1"); w.Code != http.StatusOK {
		t.Fatalf("right receipt on a hot code: %d %s", w.Code, w.Body)
	}
	// Success resets the code: a wrong guess costs one failure again.
	for i := range services.ClientThrottlePolicy.Free {
		if w, bits := f.sessionWithPoW(t, a.TrackingCode, fmt.Sprintf("0000-0000-0003-%04d", i), "198.51.100.4:1"); w.Code != http.StatusUnauthorized ||
			(i < services.CodeThrottlePolicy.Free && bits != 1) {
			t.Fatalf("guess %d after the reset: %d at %d bits", i, w.Code, bits)
		}
	}
}

func TestTokensAreScopedAndChecked(t *testing.T) {
	f := newFixture(t)
	_, a := f.submitFiles(t, validFeedback)
	_, b := f.submitFiles(t, strings.Replace(validFeedback, "Cán bộ đòi tiền bồi dưỡng", "Báo cáo thứ hai", 1))
	if v := f.view(t, a.Token); v.TrackingCode != a.TrackingCode {
		t.Fatal("token A does not open A")
	}
	if v := f.view(t, b.Token); v.TrackingCode != b.TrackingCode || v.Title != "Báo cáo thứ hai" {
		t.Fatal("token B does not open B")
	}
	parts := strings.Split(a.Token, ".")
	claims, _ := base64.RawURLEncoding.DecodeString(parts[1])
	bClaims, _ := base64.RawURLEncoding.DecodeString(strings.Split(b.Token, ".")[1])
	var bc struct{ Sub string }
	json.Unmarshal(bClaims, &bc)
	var ac struct{ Sub string }
	json.Unmarshal(claims, &ac)
	forged := parts[0] + "." + base64.RawURLEncoding.EncodeToString(bytes.Replace(claims, []byte(ac.Sub), []byte(bc.Sub), 1)) + "." + parts[2]
	noneAlg := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."
	otherKey, _ := services.NewTokens("hs-test", bytes.Repeat([]byte{9}, 32), nil)
	foreign, _, _ := otherKey.IssueCitizen(ac.Sub)
	for name, tok := range map[string]string{"A's token edited to B": forged, "alg none": noneAlg, "another key": foreign,
		"garbage": "abc.def.ghi", "empty": ""} {
		w := f.do(http.MethodGet, "/api/v1/track", "", nil, "Authorization", "Bearer "+tok)
		if w.Code != http.StatusUnauthorized {
			t.Fatalf("%s: %d", name, w.Code)
		}
	}
	if w := f.do(http.MethodGet, "/api/v1/track", "", nil); w.Code != http.StatusUnauthorized || w.Header().Get("WWW-Authenticate") == "" {
		t.Fatalf("no token: %d", w.Code)
	}
	// Expired after 30 minutes.
	f.clock.advance(services.CitizenTokenTTL + time.Minute)
	if w := f.do(http.MethodGet, "/api/v1/track", "", nil, "Authorization", "Bearer "+a.Token); w.Code != http.StatusUnauthorized {
		t.Fatalf("expired token: %d", w.Code)
	}
}

func TestMessagesEvidenceAndWithdrawal(t *testing.T) {
	f := newFixture(t)
	_, a := f.submitFiles(t, validFeedback)
	auth := []string{"Authorization", "Bearer " + a.Token}
	w := f.do(http.MethodPost, "/api/v1/track/messages", "application/json", strings.NewReader(`{"text":"Tôi bổ sung thông tin: cán bộ tên A."}`), auth...)
	if w.Code != http.StatusCreated {
		t.Fatalf("message: %d %s", w.Code, w.Body)
	}
	body, ct := multipartBody(t, "message", `{"text":"Kèm ảnh hóa đơn"}`, upload{"hoá đơn.png", samplePNG(t, 9, 9)})
	if w := f.do(http.MethodPost, "/api/v1/track/messages", ct, body, auth...); w.Code != http.StatusCreated {
		t.Fatalf("message with file: %d %s", w.Code, w.Body)
	}
	body, ct = multipartBody(t, "", "", upload{"thêm.pdf", samplePDF()})
	if w := f.do(http.MethodPost, "/api/v1/track/attachments", ct, body, auth...); w.Code != http.StatusCreated {
		t.Fatalf("attachments: %d %s", w.Code, w.Body)
	}
	if w := f.do(http.MethodPost, "/api/v1/track/messages", "application/json", strings.NewReader(`{"text":"  "}`), auth...); w.Code != http.StatusBadRequest {
		t.Fatalf("empty message: %d", w.Code)
	}
	six := make([]upload, 6)
	for i := range six {
		six[i] = upload{"p.png", samplePNG(t, 3, 3)}
	}
	body, ct = multipartBody(t, "message", `{"text":"sáu tệp"}`, six...)
	if w := f.do(http.MethodPost, "/api/v1/track/messages", ct, body, auth...); w.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("six files on a message: %d", w.Code)
	}
	v := f.view(t, a.Token)
	if len(v.Messages) != 2 || v.Messages[0].From != "citizen" || len(v.Messages[1].Attachments) != 1 ||
		v.Messages[1].Attachments[0].Name != "bang-chung-1.png" || len(v.Attachments) != 2 {
		t.Fatalf("view after messages = %+v", v)
	}
	if w := f.do(http.MethodPost, "/api/v1/track/withdraw", "application/json", strings.NewReader(`{"reason":""}`), auth...); w.Code != http.StatusBadRequest {
		t.Fatalf("withdraw without reason: %d", w.Code)
	}
	w = f.do(http.MethodPost, "/api/v1/track/withdraw", "application/json", strings.NewReader(`{"reason":"Đã được giải quyết"}`), auth...)
	if w.Code != http.StatusOK {
		t.Fatalf("withdraw: %d %s", w.Code, w.Body)
	}
	v = f.view(t, a.Token)
	last := v.Timeline[len(v.Timeline)-1]
	if v.Status != "withdrawn" || v.CanWithdraw || last.Type != "withdrawn" || last.Note != "Đã được giải quyết" {
		t.Fatalf("after withdrawal = %+v", v)
	}
	if w := f.do(http.MethodPost, "/api/v1/track/withdraw", "application/json", strings.NewReader(`{"reason":"again"}`), auth...); w.Code != http.StatusConflict {
		t.Fatalf("second withdrawal: %d", w.Code)
	}
}

func TestProofOfFiling(t *testing.T) {
	f := newFixture(t)
	_, a := f.submitFiles(t, validFeedback, upload{"biên nhận.pdf", samplePDF()})
	w := f.do(http.MethodGet, "/api/v1/track/receipt.pdf", "", nil, "Authorization", "Bearer "+a.Token)
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(w.Body.Bytes(), []byte("%PDF-")) {
		t.Fatalf("receipt.pdf: %d %q", w.Code, w.Header().Get("Content-Type"))
	}
	pdf := w.Body.Bytes()
	if bytes.Contains(pdf, []byte(a.Receipt)) {
		t.Fatal("the proof holds the secret receipt")
	}
	verify := func(b []byte) (int, map[string]any) {
		w := f.do(http.MethodPost, "/api/v1/receipts/verify", "application/pdf", bytes.NewReader(b))
		var out map[string]any
		json.Unmarshal(w.Body.Bytes(), &out)
		return w.Code, out
	}
	code, out := verify(pdf)
	if code != http.StatusOK || out["valid"] != true || out["trackingCode"] != a.TrackingCode || out["contentHash"] != a.ContentHash {
		t.Fatalf("verify: %d %v", code, out)
	}
	// Flip one byte inside the signed statement, and one in the middle of
	// the file: neither verifies.
	i := bytes.Index(pdf, []byte("payload>"))
	if i < 0 {
		t.Fatal("no signed statement found in the PDF")
	}
	for _, at := range []int{i + len("payload>") + 20, len(pdf) / 2} {
		tampered := bytes.Clone(pdf)
		tampered[at] ^= 0x01
		if code, out := verify(tampered); code != http.StatusOK || out["valid"] != false {
			t.Fatalf("proof tampered at %d: %d %v", at, code, out)
		}
	}
	if w := f.do(http.MethodPost, "/api/v1/receipts/verify", "text/plain", bytes.NewReader(pdf)); w.Code != http.StatusUnsupportedMediaType {
		t.Fatalf("wrong content type: %d", w.Code)
	}
	if code, _ := verify([]byte("not a pdf")); code != http.StatusBadRequest {
		t.Fatalf("not a PDF: %d", code)
	}
}

// TestPrivacy files a named report with a file, opens a tracking session and
// sends a message from a client with a distinctive address and user agent,
// then searches the logs and every collection for them and for the identity.
func TestPrivacy(t *testing.T) {
	f := newFixture(t)
	ip, ua := "203.0.113.199", "PrivacyProbe/7.7 (citizen phone)"
	hdr := []string{"X-Forwarded-For", ip, "User-Agent", ua, "X-Real-IP", ip}
	named := strings.Replace(validFeedback, `"anonymous":true`, `"anonymous":false,"identity":{"name":"Trần Thị Ngọc Lan","phone":"0912 345 678","email":"lan.tran@example.org","address":"45 Hai Bà Trưng","nationalId":"079301234567"}`, 1)
	named = strings.Replace(named, `"kind":"feedback"`, `"kind":"denunciation"`, 1)
	body, ct := multipartBody(t, "complaint", named, upload{"a.png", samplePNG(t, 7, 7)})
	req := httptest.NewRequest(http.MethodPost, "/api/v1/complaints", body)
	req.RemoteAddr = ip + ":50123"
	req.Header.Set("Content-Type", ct)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, req)
	if w.Code != http.StatusCreated {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	var a createdReport
	json.Unmarshal(w.Body.Bytes(), &a)
	f.session(a.TrackingCode, "9999-9999-9999-9999", hdr...) // a failure, counted per client
	token := f.login(t, a.TrackingCode, a.Receipt)
	f.do(http.MethodPost, "/api/v1/track/messages", "application/json", strings.NewReader(`{"text":"xin chào"}`),
		append(hdr, "Authorization", "Bearer "+token)...)

	secrets := []string{ip, ua, "PrivacyProbe", "Trần Thị Ngọc Lan", "0912 345 678", "lan.tran@example.org", "45 Hai Bà Trưng", "079301234567", a.Receipt}
	logs := f.logs.String()
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			t.Fatalf("logs hold %q", s)
		}
	}
	db := f.env.Client.Database(f.env.Database)
	cols, err := db.ListCollectionNames(context.Background(), bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	if len(cols) < 3 {
		t.Fatalf("collections = %v", cols)
	}
	for _, col := range cols {
		cur, err := db.Collection(col).Find(context.Background(), bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		var docs []bson.Raw
		if err := cur.All(context.Background(), &docs); err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			for _, s := range secrets {
				if bytes.Contains(d, []byte(s)) {
					t.Fatalf("collection %s holds %q", col, s)
				}
			}
		}
	}
}

// TestTrackingClientThrottle: one client guessing across many codes pays
// more after 20 failures, whichever codes it tries: its challenges grow
// harder (never a lock: the address may be a whole carrier NAT), the right
// receipt from it still opens its report; another client is not affected.
func TestTrackingClientThrottle(t *testing.T) {
	f := newFixture(t, withAdmission(handlers.Admission{PoWBits: 1}))
	a := f.fileWithPoW(t)
	for i := range services.ClientThrottlePolicy.Free + 1 {
		code, _ := services.NewTrackingCode()
		if w, bits := f.sessionWithPoW(t, code, "1234-5678-9012-3456", "198.51.100.7:4000"); w.Code != http.StatusUnauthorized || bits != 1 {
			t.Fatalf("guess %d: %d at %d bits", i, w.Code, bits)
		}
	}
	if bits, _ := f.challengeFrom(t, "198.51.100.7:4001"); bits <= 1 {
		t.Fatalf("a client past its free failures still gets %d-bit challenges", bits)
	}
	if w, _ := f.sessionWithPoW(t, a.TrackingCode, a.Receipt, "198.51.100.7:4002"); w.Code != http.StatusOK {
		t.Fatalf("the right receipt from the guessing client: %d %s", w.Code, w.Body)
	}
	if w, bits := f.sessionWithPoW(t, a.TrackingCode, a.Receipt, "192.0.2.44:5000"); w.Code != http.StatusOK || bits != 1 {
		t.Fatalf("another client: %d at %d bits %s", w.Code, bits, w.Body)
	}
}

// fileWithPoW files validFeedback, solving the portal's challenge.
func (f *fixture) fileWithPoW(t *testing.T) createdReport {
	t.Helper()
	body, ct := multipartBody(t, "complaint", validFeedback)
	w := f.do(http.MethodPost, "/api/v1/complaints", ct, body, f.solved(t)...)
	var out createdReport
	if w.Code != http.StatusCreated || json.Unmarshal(w.Body.Bytes(), &out) != nil {
		t.Fatalf("filing: %d %s", w.Code, w.Body)
	}
	return out
}
