package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"minhbach/internal/passhash"
	"minhbach/internal/testenv"
	"minhbach/services"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// syncBuffer collects log output from concurrent handlers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (f *fixture) do(method, path, contentType string, body io.Reader, hdr ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, req)
	return w
}

func (f *fixture) postJSON(body string) *httptest.ResponseRecorder {
	return f.do(http.MethodPost, "/api/v1/complaints", "application/json", strings.NewReader(body))
}

func (f *fixture) countCases(t *testing.T) int64 {
	t.Helper()
	n, err := f.env.Store.CountCases(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

type errBody struct {
	Error struct {
		Code    string            `json:"code"`
		Reason  string            `json:"reason"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

// decodeError checks the error body has exactly the shape of docs/architecture.md ("Errors")
// and returns it.
func decodeError(t *testing.T, w *httptest.ResponseRecorder) errBody {
	t.Helper()
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("error content type %q", ct)
	}
	var raw map[string]map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &raw); err != nil {
		t.Fatalf("error body %q: %v", w.Body.String(), err)
	}
	if len(raw) != 1 || raw["error"] == nil {
		t.Fatalf("error body must be {\"error\":{...}}, got %s", w.Body.String())
	}
	for k := range raw["error"] {
		if k != "code" && k != "reason" && k != "message" && k != "fields" && k != "allowed" && k != "details" {
			t.Fatalf("unexpected key %q in error body %s", k, w.Body.String())
		}
	}
	var e errBody
	_ = json.Unmarshal(w.Body.Bytes(), &e)
	if e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("error body lacks code or message: %s", w.Body.String())
	}
	if !knownReasons(t)[e.Error.Reason] {
		t.Fatalf("error body's reason %q is not one of frontend/src/locales/apiReasons.json (services/reasons.go): %s", e.Error.Reason, w.Body.String())
	}
	return e
}

// apiReasonsPath is made absolute before the tests start: the embedded
// object store changes the process's working directory.
var apiReasonsPath, _ = filepath.Abs("../frontend/src/locales/apiReasons.json")

// knownReasons are the reasons the web app has texts for
// (services/reasons_test.go keeps the list current).
func knownReasons(t *testing.T) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(apiReasonsPath)
	var list struct{ Reasons []string }
	if err == nil {
		err = json.Unmarshal(b, &list)
	}
	if err != nil {
		t.Fatalf("apiReasons.json: %v", err)
	}
	m := map[string]bool{}
	for _, r := range list.Reasons {
		m[r] = true
	}
	return m
}

const validFeedback = `{"kind":"feedback","category":"bribe","title":"Cán bộ đòi tiền bồi dưỡng",
 "description":"Khi nộp hồ sơ cấp giấy phép xây dựng, cán bộ tiếp nhận yêu cầu 2 triệu đồng.",
 "incidentDate":"2026-11-20","areaCode":"26743","place":"Bộ phận một cửa","office":"UBND phường Bến Thành",
 "counter":"Quầy số 3","procedure":"Cấp giấy phép xây dựng","dossierNumber":"HS-2026-001234",
 "officials":"Ông N.V.A","language":"vi","anonymous":true}`

func TestMeta(t *testing.T) {
	f := newFixture(t)
	w := f.do(http.MethodGet, "/api/v1/meta", "", nil)
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	var m struct {
		Kinds []struct {
			Code             string        `json:"code"`
			Name             services.Text `json:"name"`
			RequiresIdentity bool          `json:"requiresIdentity"`
		} `json:"kinds"`
		Categories []struct {
			Code string        `json:"code"`
			Name services.Text `json:"name"`
		} `json:"categories"`
		Areas []struct {
			Code, Parent, Level string
			Name                services.Text
		} `json:"areas"`
		Limits    services.Limits `json:"limits"`
		Deadlines []metaDeadline  `json:"deadlines"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Kinds) != 3 || m.Kinds[0].Code != "feedback" || m.Kinds[0].RequiresIdentity || !m.Kinds[1].RequiresIdentity {
		t.Fatalf("kinds = %+v", m.Kinds)
	}
	if len(m.Categories) != len(services.DefaultCategories) {
		t.Fatalf("got %d categories, want %d", len(m.Categories), len(services.DefaultCategories))
	}
	for _, c := range m.Categories {
		if c.Code == "" || c.Name.VI == "" || c.Name.EN == "" {
			t.Fatalf("category without both names: %+v", c)
		}
	}
	if m.Categories[0].Code != "bribe" || m.Categories[len(m.Categories)-1].Code != "other" {
		t.Fatalf("categories not in display order: first %s last %s", m.Categories[0].Code, m.Categories[len(m.Categories)-1].Code)
	}
	if len(m.Areas) == 0 || m.Areas[0].Code != "79" || m.Areas[0].Parent != "" {
		t.Fatalf("areas = %+v", m.Areas)
	}
	if m.Limits != services.DefaultLimits {
		t.Fatalf("limits = %+v", m.Limits)
	}
	// The home page tells citizens the legal time limits from the policies the server counts with.
	if want := metaDeadlinesOf(services.DefaultDeadlinePolicies); !reflect.DeepEqual(m.Deadlines, want) {
		t.Fatalf("deadlines = %+v, want %+v", m.Deadlines, want)
	}
	if w.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("API answers must not be cached")
	}
}

func TestCreateComplaint(t *testing.T) {
	f := newFixture(t)
	w := f.postJSON(validFeedback)
	if w.Code != http.StatusCreated {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	if loc := w.Header().Get("Location"); loc != "/api/v1/track" {
		t.Fatalf("Location = %q", loc)
	}
	var out struct {
		TrackingCode          string    `json:"trackingCode"`
		Receipt               string    `json:"receipt"`
		Kind                  string    `json:"kind"`
		AnonymousDenunciation bool      `json:"anonymousDenunciation"`
		SubmittedAt           time.Time `json:"submittedAt"`
		ContentHash           string    `json:"contentHash"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	if services.NormalizeTrackingCode(out.TrackingCode) != out.TrackingCode || services.NormalizeReceipt(out.Receipt) != out.Receipt {
		t.Fatalf("bad code or receipt: %+v", out)
	}
	if out.Kind != "feedback" || len(out.ContentHash) != 64 || time.Since(out.SubmittedAt) > time.Minute {
		t.Fatalf("answer = %+v", out)
	}
	c, err := f.env.Store.FindCaseByTrackingCode(context.Background(), out.TrackingCode)
	if err != nil {
		t.Fatalf("stored report: %v", err)
	}
	if c.Status != services.StatusReceived || c.Title != "Cán bộ đòi tiền bồi dưỡng" || c.DossierNumber != "HS-2026-001234" ||
		c.AreaCode != "26743" || !c.Anonymous || c.ContentHash != out.ContentHash || !c.CreatedAt.Equal(out.SubmittedAt) {
		t.Fatalf("stored report = %+v", c)
	}
	ok, err := f.hasher.Verify(context.Background(), out.Receipt, c.ReceiptHash)
	if err != nil || !ok {
		t.Fatalf("stored receipt hash does not verify the receipt: %v", err)
	}
	// The receipt itself is nowhere in the database.
	var doc bson.M
	if err := f.env.Client.Database(f.env.Database).Collection("cases").FindOne(context.Background(), bson.M{}).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if b, _ := bson.MarshalExtJSON(doc, false, false); bytes.Contains(b, []byte(out.Receipt)) || bytes.Contains(b, []byte(strings.ReplaceAll(out.Receipt, "-", ""))) {
		t.Fatal("the receipt is stored in the clear")
	}
	if strings.Contains(f.logs.String(), out.Receipt) {
		t.Fatal("the receipt was logged")
	}
}

func TestCreateComplaintRefusesReadOnlyFields(t *testing.T) {
	f := newFixture(t)
	for _, field := range []string{`"status":"closed"`, `"id":"x"`, `"_id":"x"`, `"trackingCode":"MB-2222-2222"`,
		`"receipt":"1111-1111-1111-1111"`, `"receiptHash":"x"`, `"createdAt":"2020-01-01T00:00:00Z"`,
		`"submittedAt":"2020-01-01T00:00:00Z"`, `"updatedAt":"2020-01-01T00:00:00Z"`, `"version":7`,
		`"assignee":"u1"`, `"timeline":[]`, `"contentHash":"00"`} {
		body := strings.Replace(validFeedback, `{`, `{`+field+`,`, 1)
		w := f.postJSON(body)
		if w.Code != http.StatusBadRequest {
			t.Fatalf("%s: status %d, want 400: %s", field, w.Code, w.Body)
		}
		e := decodeError(t, w)
		name := strings.Trim(strings.SplitN(field, ":", 2)[0], `"`)
		if e.Error.Code != "invalid" || e.Error.Fields[name] != services.FieldNotAllowed {
			t.Fatalf("%s: error %+v", field, e)
		}
	}
	if n := f.countCases(t); n != 0 {
		t.Fatalf("%d reports stored from refused requests", n)
	}
}

func TestCreateComplaintBadRequests(t *testing.T) {
	f := newFixture(t)
	big := `{"kind":"feedback","description":"` + strings.Repeat("x", testMaxJSON) + `"}`
	cases := []struct {
		name        string
		contentType string
		body        io.Reader
		status      int
		code        string
		field       string
		header      []string
	}{
		{"malformed JSON", "application/json", strings.NewReader(`{"kind":"feedback",`), 400, "invalid", "", nil},
		{"not JSON", "application/json", strings.NewReader(`kind=feedback`), 400, "invalid", "", nil},
		{"empty body", "application/json", strings.NewReader(``), 400, "invalid", "", nil},
		{"array", "application/json", strings.NewReader(`[]`), 400, "invalid", "", nil},
		{"trailing data", "application/json", strings.NewReader(validFeedback + `{}`), 400, "invalid", "", nil},
		{"unknown field", "application/json", strings.NewReader(`{"kind":"feedback","colour":"red"}`), 400, "invalid", "colour", nil},
		{"wrong type bool", "application/json", strings.NewReader(strings.Replace(validFeedback, `"anonymous":true`, `"anonymous":"yes"`, 1)), 400, "invalid", "anonymous", nil},
		{"wrong type string", "application/json", strings.NewReader(strings.Replace(validFeedback, `"title":"Cán bộ đòi tiền bồi dưỡng"`, `"title":5`, 1)), 400, "invalid", "title", nil},
		{"wrong type identity", "application/json", strings.NewReader(strings.Replace(validFeedback, `"anonymous":true`, `"identity":"me"`, 1)), 400, "invalid", "identity", nil},
		{"missing fields", "application/json", strings.NewReader(`{"kind":"feedback"}`), 400, "invalid", "title", nil},
		{"missing kind", "application/json", strings.NewReader(strings.Replace(validFeedback, `"kind":"feedback",`, ``, 1)), 400, "invalid", "kind", nil},
		{"unknown category", "application/json", strings.NewReader(strings.Replace(validFeedback, `"bribe"`, `"lottery"`, 1)), 400, "invalid", "category", nil},
		{"unknown area", "application/json", strings.NewReader(strings.Replace(validFeedback, `"26743"`, `"99999"`, 1)), 400, "invalid", "areaCode", nil},
		{"declared length over the cap", "application/json", strings.NewReader(big), 413, "too_large", "", nil},
		{"chunked body over the cap", "application/json", io.MultiReader(strings.NewReader(big)), 413, "too_large", "", nil},
		{"text/plain", "text/plain", strings.NewReader(validFeedback), 415, "unsupported", "", nil},
		{"no content type", "", strings.NewReader(validFeedback), 415, "unsupported", "", nil},
		{"form", "application/x-www-form-urlencoded", strings.NewReader("kind=feedback"), 415, "unsupported", "", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/api/v1/complaints", tc.body)
			if _, ok := tc.body.(*strings.Reader); !ok {
				req.ContentLength = -1 // a chunked upload: no declared length
			}
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			w := httptest.NewRecorder()
			f.srv.ServeHTTP(w, req)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tc.status, w.Body)
			}
			e := decodeError(t, w)
			if e.Error.Code != tc.code {
				t.Fatalf("code %q, want %q", e.Error.Code, tc.code)
			}
			if tc.field != "" && e.Error.Fields[tc.field] == "" {
				t.Fatalf("fields %v lack %q", e.Error.Fields, tc.field)
			}
			if strings.Contains(w.Body.String(), `"status"`) {
				t.Fatalf("status code inside the error body: %s", w.Body)
			}
		})
	}
	if n := f.countCases(t); n != 0 {
		t.Fatalf("%d reports stored from refused requests", n)
	}
}

func TestNamedComplaintKeepsIdentitySealed(t *testing.T) {
	f := newFixture(t)
	body := strings.Replace(validFeedback, `"kind":"feedback"`, `"kind":"complaint"`, 1)
	body = strings.Replace(body, `"anonymous":true`, `"anonymous":false,"identity":{"name":"Nguyễn Thị Bình",
	  "phone":"0903 123 456","email":"binh.nguyen@example.org","address":"12 Lê Lợi","nationalId":"079123456789"}`, 1)
	w := f.postJSON(body)
	if w.Code != http.StatusCreated {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	secrets := []string{"Nguyễn Thị Bình", "0903 123 456", "binh.nguyen@example.org", "12 Lê Lợi", "079123456789"}
	db := f.env.Client.Database(f.env.Database)
	for _, col := range []string{"cases", "identities"} {
		cur, err := db.Collection(col).Find(context.Background(), bson.M{})
		if err != nil {
			t.Fatal(err)
		}
		var docs []bson.M
		if err := cur.All(context.Background(), &docs); err != nil {
			t.Fatal(err)
		}
		if len(docs) != 1 {
			t.Fatalf("%s holds %d documents, want 1", col, len(docs))
		}
		raw, _ := bson.Marshal(docs[0])
		for _, s := range secrets {
			if bytes.Contains(raw, []byte(s)) {
				t.Fatalf("%s stores %q in the clear", col, s)
			}
		}
	}
	for _, s := range secrets {
		if strings.Contains(w.Body.String(), s) || strings.Contains(f.logs.String(), s) {
			t.Fatalf("identity value %q returned or logged", s)
		}
	}
	var out struct{ TrackingCode string }
	_ = json.Unmarshal(w.Body.Bytes(), &out)
	c, err := f.env.Store.FindCaseByTrackingCode(context.Background(), out.TrackingCode)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := f.env.Store.FindIdentity(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := f.sealer.Open(sealed.Sealed, []byte(c.ID))
	if err != nil || !strings.Contains(string(plain), "Nguyễn Thị Bình") {
		t.Fatalf("sealed identity does not open to the input: %v", err)
	}
}

func TestAnonymousDenunciationFiledAsFeedback(t *testing.T) {
	f := newFixture(t)
	w := f.postJSON(strings.Replace(validFeedback, `"kind":"feedback"`, `"kind":"denunciation"`, 1))
	if w.Code != http.StatusCreated {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	var out struct {
		Kind                  string
		AnonymousDenunciation bool
	}
	_ = json.Unmarshal(w.Body.Bytes(), &out)
	if out.Kind != "feedback" || !out.AnonymousDenunciation {
		t.Fatalf("answer = %s", w.Body)
	}
}

func TestNoClientAddressesOrContentInLogs(t *testing.T) {
	f := newFixture(t)
	req := httptest.NewRequest(http.MethodPost, "/api/v1/complaints", strings.NewReader(validFeedback))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", "203.0.113.77")
	req.Header.Set("User-Agent", "CitizenPhone/1.0")
	req.RemoteAddr = "198.51.100.23:41000"
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, req)
	if w.Code != http.StatusCreated {
		t.Fatalf("status %d", w.Code)
	}
	logs := f.logs.String()
	if !strings.Contains(logs, `"route":"/api/v1/complaints"`) {
		t.Fatalf("the request was not logged: %s", logs)
	}
	for _, s := range []string{"203.0.113.77", "198.51.100.23", "CitizenPhone", "bồi dưỡng", "HS-2026-001234"} {
		if strings.Contains(logs, s) {
			t.Fatalf("log holds %q: %s", s, logs)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{"/", "/api/v1/meta", "/healthz"} {
		w := f.do(http.MethodGet, path, "", nil)
		h := w.Header()
		if !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") ||
			!strings.Contains(h.Get("Content-Security-Policy"), "script-src 'self'") ||
			h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" ||
			h.Get("X-Request-Id") == "" {
			t.Fatalf("%s: headers %v", path, h)
		}
	}
}

func TestSPAAndRouting(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		method, path string
		status       int
		contains     string
		cache        string
		jsonErr      bool
	}{
		{"GET", "/", 200, "<div id=app>", "no-cache", false},
		{"GET", "/report", 200, "<div id=app>", "no-cache", false},
		{"GET", "/some/deep/link?x=1", 200, "<div id=app>", "no-cache", false},
		{"GET", "/assets/index-abc1.js", 200, "console.log", "public, max-age=31536000, immutable", false},
		{"GET", "/favicon.svg", 200, "<svg/>", "no-cache", false},
		{"GET", "/assets/missing-123.js", 404, "not found", "no-store", false},
		{"GET", "/api/v1/nope", 404, "", "no-store", true},
		{"GET", "/api", 404, "", "", true},
		{"POST", "/somewhere", 404, "", "", true},
		{"DELETE", "/api/v1/meta", 405, "", "no-store", true},
	}
	for _, tc := range cases {
		w := f.do(tc.method, tc.path, "", nil)
		if w.Code != tc.status {
			t.Fatalf("%s %s: status %d, want %d", tc.method, tc.path, w.Code, tc.status)
		}
		if tc.jsonErr {
			decodeError(t, w)
		}
		if tc.contains != "" && !strings.Contains(w.Body.String(), tc.contains) {
			t.Fatalf("%s %s: body %q", tc.method, tc.path, w.Body)
		}
		if tc.cache != "" && w.Header().Get("Cache-Control") != tc.cache {
			t.Fatalf("%s %s: Cache-Control %q, want %q", tc.method, tc.path, w.Header().Get("Cache-Control"), tc.cache)
		}
	}
}

func TestHealthAndReadiness(t *testing.T) {
	f := newFixture(t)
	if w := f.do("GET", "/healthz", "", nil); w.Code != 200 || !strings.Contains(w.Body.String(), `"ok"`) {
		t.Fatalf("healthz %d %s", w.Code, w.Body)
	}
	if w := f.do("GET", "/readyz", "", nil); w.Code != 200 || !strings.Contains(w.Body.String(), `"ready"`) {
		t.Fatalf("readyz %d %s", w.Code, w.Body)
	}
	if err := f.env.Blob.RemoveBucket(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.env.Blob.EnsureBucket(context.Background()) }()
	w := f.do("GET", "/readyz", "", nil)
	if w.Code != http.StatusServiceUnavailable {
		t.Fatalf("readyz without bucket: %d %s", w.Code, w.Body)
	}
	var r struct {
		Status string
		Checks map[string]string
	}
	_ = json.Unmarshal(w.Body.Bytes(), &r)
	if r.Status != "unavailable" || r.Checks["mongodb"] != "ok" || r.Checks["objectStore"] == "ok" || r.Checks["objectStore"] == "" {
		t.Fatalf("readyz body %s", w.Body)
	}
}

// BenchmarkCreateComplaint files reports through the HTTP layer into the
// embedded database, with the default argon2id parameters.
func BenchmarkCreateComplaint(b *testing.B) {
	f := newFixture(b, func(o *fixtureOptions) { o.argon = passhash.Default })
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/complaints", strings.NewReader(validFeedback))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		f.srv.ServeHTTP(w, req)
		if w.Code != http.StatusCreated {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}

// BenchmarkMeta serves the form's reference data from the embedded database.
func BenchmarkMeta(b *testing.B) {
	srv := newFixture(b).srv
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/v1/meta", nil))
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
}
