package handlers_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"minhbach/services"
)

type upload struct {
	name string
	data []byte
}

// multipartBody builds a report upload: the "complaint" JSON part, then
// one "files" part per file.
func multipartBody(t testing.TB, jsonPart, complaint string, files ...upload) (*bytes.Buffer, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if jsonPart != "" {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q`, jsonPart))
		h.Set("Content-Type", "application/json")
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, complaint)
	}
	for _, f := range files {
		w, err := mw.CreateFormFile("files", f.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(f.data)
	}
	mw.Close()
	return &b, mw.FormDataContentType()
}

type createdReport struct {
	TrackingCode          string `json:"trackingCode"`
	Receipt               string `json:"receipt"`
	Kind                  string `json:"kind"`
	AnonymousDenunciation bool   `json:"anonymousDenunciation"`
	ContentHash           string `json:"contentHash"`
	ReceiptURL            string `json:"receiptUrl"`
	Token                 string `json:"token"`
	Attachments           []struct {
		ID, Name, Type, SHA256, Scan, Source string
		Size                                 int64
	} `json:"attachments"`
}

func (f *fixture) submitFiles(t testing.TB, complaint string, files ...upload) (*httptest.ResponseRecorder, createdReport) {
	t.Helper()
	body, ct := multipartBody(t, "complaint", complaint, files...)
	w := f.do(http.MethodPost, "/api/v1/complaints", ct, body)
	var out createdReport
	if w.Code == http.StatusCreated {
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
			t.Fatal(err)
		}
	}
	return w, out
}

func hexSHA(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// objectKeys lists every object in the test bucket.
func (f *fixture) objectKeys(t testing.TB) []string {
	t.Helper()
	objs, err := f.env.Blob.List(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, o := range objs {
		keys = append(keys, o.Key)
	}
	return keys
}

func TestSubmitWithFiles(t *testing.T) {
	f := newFixture(t)
	pngData, pdfData, docx := samplePNG(t, 40, 30), samplePDF(), sampleDOCX(t)
	w, out := f.submitFiles(t, validFeedback,
		upload{"ảnh chụp biên nhận.png", pngData}, upload{"../../etc/quyết định.pdf", pdfData}, upload{"đơn.docx", docx})
	if w.Code != http.StatusCreated {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	if len(out.Attachments) != 3 || out.Token == "" || out.ReceiptURL != "/api/v1/track/receipt.pdf" {
		t.Fatalf("answer = %s", w.Body)
	}
	// Files are shown under neutral names; the citizen's (cleaned) names
	// are sealed (TestOriginalFileNamesOnlyForCustodyHolders).
	want := []struct{ name, original, typ, sha string }{
		{"bang-chung-1.png", "ảnh chụp biên nhận.png", "image/png", hexSHA(pngData)},
		{"bang-chung-2.pdf", "quyết định.pdf", "application/pdf", hexSHA(pdfData)},
		{"bang-chung-3.docx", "đơn.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", hexSHA(docx)},
	}
	for i, a := range out.Attachments {
		if a.Name != want[i].name || a.Type != want[i].typ || a.SHA256 != want[i].sha || a.Scan != "not_scanned" || a.Source != "report" {
			t.Fatalf("attachment %d = %+v, want %+v", i, a, want[i])
		}
	}
	c, err := f.env.Store.FindCaseByTrackingCode(context.Background(), out.TrackingCode)
	if err != nil {
		t.Fatal(err)
	}
	// The PDF has no page the sanitizer can read, so no safe copy
	// (TestUnreadablePDFIsKeptWithoutASafeCopy); the image and the
	// document have one.
	if len(c.Attachments) != 3 || c.Attachments[0].SanitizedKey == "" || c.Attachments[1].SanitizedKey != "" || c.Attachments[2].SanitizedKey == "" {
		t.Fatalf("stored attachments = %+v", c.Attachments)
	}
	for i, a := range c.Attachments {
		if got := f.vault.OriginalFileName(c.ID, a, i+1); got != want[i].original || a.Name != want[i].name {
			t.Fatalf("stored file %d: name %q, sealed name %q, want %q and %q", i, a.Name, got, want[i].name, want[i].original)
		}
	}
	// The content hash covers the files.
	if c.ContentHash != services.ContentHash(&c) || c.ContentHash != out.ContentHash {
		t.Fatal("content hash does not cover the stored report")
	}
	keys := f.objectKeys(t)
	if len(keys) != 5 { // png and docx original + safe copy, pdf
		t.Fatalf("objects = %v", keys)
	}
	for _, a := range c.Attachments {
		rc, info, err := f.env.Blob.Get(context.Background(), a.OriginalKey)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if hexSHA(b) != a.SHA256 || info.Size != a.Size {
			t.Fatalf("stored original of %s differs from the upload", a.Name)
		}
	}
	// Every upload intent was committed: nothing is left for the reaper.
	n, err := f.Evidence.ReapStale(context.Background(), f.env.Store, time.Now().Add(time.Hour))
	if err != nil || n != 0 || len(f.objectKeys(t)) != 5 {
		t.Fatalf("reaper removed %d (%v) from a committed report", n, err)
	}
}

func TestRefusedFileTypes(t *testing.T) {
	f := newFixture(t)
	for name, data := range refusedSamples(t) {
		t.Run(name, func(t *testing.T) {
			w, _ := f.submitFiles(t, validFeedback, upload{"ok.png", samplePNG(t, 8, 8)}, upload{name, data})
			if w.Code != http.StatusUnsupportedMediaType {
				t.Fatalf("status %d, want 415: %s", w.Code, w.Body)
			}
			e := decodeError(t, w)
			want := "unsupported_type"
			if name == "huge-image.png" {
				want = "too_many_pixels"
			}
			if e.Error.Code != "unsupported" || e.Error.Fields["files[1]"] != want {
				t.Fatalf("error = %+v", e)
			}
		})
	}
	if n := f.countCases(t); n != 0 {
		t.Fatalf("%d reports stored", n)
	}
	if keys := f.objectKeys(t); len(keys) != 0 {
		t.Fatalf("objects left behind: %v", keys)
	}
}

func TestUploadCaps(t *testing.T) {
	lim := services.DefaultLimits
	lim.MaxFileBytes, lim.MaxReportBytes, lim.MaxFiles = 300<<10, 500<<10, 3
	f := newFixture(t, func(o *fixtureOptions) { o.limits = lim })
	big := append(samplePDF(), bytes.Repeat([]byte("x"), 301<<10)...)
	mid := append(samplePDF(), bytes.Repeat([]byte("y"), 200<<10)...)
	small := samplePNG(t, 4, 4)
	cases := []struct {
		name  string
		files []upload
		field string
		code  string
	}{
		{"one file over the per-file cap", []upload{{"a.png", small}, {"big.pdf", big}}, "files[1]", "too_large"},
		{"too many files", []upload{{"1.png", small}, {"2.png", small}, {"3.png", small}, {"4.png", small}}, "files[3]", "too_many"},
		{"together over the report cap", []upload{{"1.pdf", mid}, {"2.pdf", mid}, {"3.pdf", mid}}, "files[2]", "too_large"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w, _ := f.submitFiles(t, validFeedback, tc.files...)
			if w.Code != http.StatusRequestEntityTooLarge {
				t.Fatalf("status %d, want 413: %s", w.Code, w.Body)
			}
			if e := decodeError(t, w); e.Error.Code != "too_large" || (tc.field != "" && e.Error.Fields[tc.field] != tc.code) {
				t.Fatalf("error = %+v", e)
			}
		})
	}
	// A declared body over the upload cap is refused before it is read.
	body, ct := multipartBody(t, "complaint", validFeedback, upload{"big.pdf", bytes.Repeat([]byte("z"), 700<<10)})
	req := httptest.NewRequest(http.MethodPost, "/api/v1/complaints", &neverRead{t: t, n: int64(body.Len())})
	req.ContentLength = int64(body.Len())
	req.Header.Set("Content-Type", ct)
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, req)
	if w.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("declared oversize body: %d", w.Code)
	}
	if n := f.countCases(t); n != 0 {
		t.Fatalf("%d reports stored", n)
	}
	if keys := f.objectKeys(t); len(keys) != 0 {
		t.Fatalf("objects left behind: %v", keys)
	}
}

// neverRead fails the test if the server reads the body.
type neverRead struct {
	t *testing.T
	n int64
}

func (r *neverRead) Read(p []byte) (int, error) {
	r.t.Error("the server read a body it should have refused by its declared length")
	return 0, io.EOF
}

func TestIdempotencyKey(t *testing.T) {
	f := newFixture(t)
	file := upload{"a.png", samplePNG(t, 10, 10)}
	post := func(key, complaint string) *httptest.ResponseRecorder {
		body, ct := multipartBody(t, "complaint", complaint, file)
		return f.do(http.MethodPost, "/api/v1/complaints", ct, body, "Idempotency-Key", key)
	}
	first := post("key-0001-abcdef", validFeedback)
	if first.Code != http.StatusCreated {
		t.Fatalf("first: %d %s", first.Code, first.Body)
	}
	again := post("key-0001-abcdef", validFeedback)
	if again.Code != http.StatusCreated || again.Header().Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry: %d %s", again.Code, again.Body)
	}
	var a, b createdReport
	json.Unmarshal(first.Body.Bytes(), &a)
	json.Unmarshal(again.Body.Bytes(), &b)
	if a.TrackingCode != b.TrackingCode || a.Receipt != b.Receipt || a.ContentHash != b.ContentHash || len(b.Attachments) != 1 {
		t.Fatalf("retry answered differently:\n%s\n%s", first.Body, again.Body)
	}
	changed := post("key-0001-abcdef", strings.Replace(validFeedback, "Quầy số 3", "Quầy số 4", 1))
	if changed.Code != http.StatusUnprocessableEntity {
		t.Fatalf("same key, different body: %d %s", changed.Code, changed.Body)
	}
	if n := f.countCases(t); n != 1 {
		t.Fatalf("%d reports for one key", n)
	}
	// The stored answer is sealed: the receipt is not in the clear.
	rec, err := f.env.Store.FindIdempotencyKey(context.Background(), "key-0001-abcdef")
	if err != nil || bytes.Contains(rec.Sealed, []byte(a.Receipt)) {
		t.Fatalf("idempotency record: %v, receipt in clear: %v", err, bytes.Contains(rec.Sealed, []byte(a.Receipt)))
	}
	if w := post("bad key!", validFeedback); w.Code != http.StatusBadRequest {
		t.Fatalf("malformed key: %d", w.Code)
	}
}

func TestIdempotencyKeyConcurrent(t *testing.T) {
	f := newFixture(t)
	const n = 20
	var wg sync.WaitGroup
	codes := make([]string, n)
	statuses := make([]int, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body, ct := multipartBody(t, "complaint", validFeedback, upload{"a.png", samplePNG(t, 6, 6)})
			w := f.do(http.MethodPost, "/api/v1/complaints", ct, body, "Idempotency-Key", "concurrent-key-42")
			statuses[i] = w.Code
			var out createdReport
			json.Unmarshal(w.Body.Bytes(), &out)
			codes[i] = out.TrackingCode
		}()
	}
	wg.Wait()
	for i := range n {
		if statuses[i] != http.StatusCreated || codes[i] != codes[0] {
			t.Fatalf("request %d: %d %q (first %q)", i, statuses[i], codes[i], codes[0])
		}
	}
	if c := f.countCases(t); c != 1 {
		t.Fatalf("%d reports from %d concurrent requests with one key", c, n)
	}
	if keys := f.objectKeys(t); len(keys) != 2 { // one PNG: original + sanitized
		t.Fatalf("objects = %v", keys)
	}
}

func TestSanitizedCopyDropsGPS(t *testing.T) {
	f := newFixture(t)
	photo := jpegWithGPS(t)
	if !bytes.Contains(photo, []byte(gpsMarker)) {
		t.Fatal("sample lacks GPS data")
	}
	w, out := f.submitFiles(t, validFeedback, upload{"IMG_0042.JPG", photo})
	if w.Code != http.StatusCreated {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	c, _ := f.env.Store.FindCaseByTrackingCode(context.Background(), out.TrackingCode)
	a := c.Attachments[0]
	if a.Type != "image/jpeg" || a.SanitizedKey == "" || a.SHA256 != hexSHA(photo) {
		t.Fatalf("attachment = %+v", a)
	}
	read := func(key string) []byte {
		rc, _, err := f.env.Blob.Get(context.Background(), key)
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		b, _ := io.ReadAll(rc)
		return b
	}
	orig, clean := read(a.OriginalKey), read(a.SanitizedKey)
	if !bytes.Equal(orig, photo) {
		t.Fatal("the original changed")
	}
	if bytes.Contains(clean, []byte(gpsMarker)) || bytes.Contains(clean, []byte("Exif\x00\x00")) {
		t.Fatal("the sanitized copy still carries EXIF/GPS")
	}
	if hexSHA(clean) != a.SanitizedSHA256 || int64(len(clean)) != a.SanitizedSize || len(clean) < 100 {
		t.Fatalf("sanitized copy record does not match its bytes")
	}
}

// TestActivePDFIsRefusedWithAdvice: a PDF carrying scripts,
// launch actions, embedded files or encryption is refused (docs/privacy.md,
// "What the content checks refuse") with its own problem code, active_pdf,
// and a message telling the citizen what to do — print it to a new PDF or
// photograph it — rather than that PDF is not accepted.
func TestActivePDFIsRefusedWithAdvice(t *testing.T) {
	f := newFixture(t)
	pdf := func(catalog string) []byte {
		return []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R" + catalog + ">>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n" +
			"trailer<</Root 1 0 R>>\n%%EOF\n")
	}
	for name, data := range map[string][]byte{
		"script.pdf":   pdf("/OpenAction<</S/JavaScript/JS(app.alert(1))>>"),
		"launch.pdf":   pdf("/OpenAction<</S/Launch/F(cmd.exe)>>"),
		"embedded.pdf": pdf("/Names<</EmbeddedFiles<</Names[(a.exe)<</Type/Filespec/EF<</F 3 0 R>>>>]>>>>"),
		"locked.pdf": []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n" +
			"trailer<</Root 1 0 R/Encrypt<</Filter/Standard/V 1/R 2>>>>\n%%EOF\n"),
	} {
		t.Run(name, func(t *testing.T) {
			w, _ := f.submitFiles(t, validFeedback, upload{"ok.png", samplePNG(t, 8, 8)}, upload{name, data})
			if w.Code != http.StatusUnsupportedMediaType {
				t.Fatalf("status %d, want 415: %s", w.Code, w.Body)
			}
			e := decodeError(t, w)
			if e.Error.Code != "unsupported" || e.Error.Fields["files[1]"] != "active_pdf" ||
				!strings.Contains(strings.ToLower(e.Error.Message), "print") || !strings.Contains(e.Error.Message, "photograph") {
				t.Fatalf("error = %+v", e)
			}
		})
	}
	// A file that only claims to be a PDF is still an unaccepted type.
	w, _ := f.submitFiles(t, validFeedback, upload{"invoice.pdf", refusedSamples(t)["invoice.pdf"]})
	if e := decodeError(t, w); e.Error.Fields["files[0]"] != "unsupported_type" {
		t.Fatalf("a PE named .pdf: %+v", e)
	}
	if n := f.countCases(t); n != 0 {
		t.Fatalf("%d reports stored", n)
	}
	if keys := f.objectKeys(t); len(keys) != 0 {
		t.Fatalf("objects left behind: %v", keys)
	}
}
