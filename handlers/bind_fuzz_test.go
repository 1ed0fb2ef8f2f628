package handlers

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"minhbach/services"
)

// FuzzBindJSON feeds arbitrary bodies and content types to the JSON binder
// behind every JSON route: it must never panic, and it must refuse with one
// of the client error codes or fill the request struct.
func FuzzBindJSON(f *testing.F) {
	f.Add("application/json", `{"kind":"feedback","title":"Đòi tiền","anonymous":true}`)
	f.Add("application/json; charset=utf-8", `{"identity":{"name":"A"}}`)
	f.Add("application/json", `{"kind":"feedback"} {}`)
	f.Add("application/json", `{"status":"closed"}`)
	f.Add("application/json", `{"anonymous":"yes"}`)
	f.Add("application/json", `[1,2,3]`)
	f.Add("text/plain", `{}`)
	f.Add("application/json", "{\"title\":\"\xff\xfe\"}")
	f.Add("application/json", strings.Repeat("[", 5000))
	f.Add("application/json", `{"title":"\ud800"}`)
	f.Add("application/json", `{"title":"\ud83d\ude00 \\ud800"}`)
	f.Fuzz(func(t *testing.T, contentType, body string) {
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		c.Request = httptest.NewRequest(http.MethodPost, "/api/v1/complaints", strings.NewReader(body))
		c.Request.Header.Set("Content-Type", contentType)
		c.Request.Body = http.MaxBytesReader(w, c.Request.Body, 4096)
		var in complaintRequest
		err := bindJSON(c, &in)
		if err == nil {
			// Accepted text is the sender's: nothing was replaced by U+FFFD.
			if !utf8.ValidString(body) || (strings.Contains(in.Title, "\uFFFD") && !strings.Contains(body, "\uFFFD") && !strings.Contains(strings.ToLower(body), `\ufffd`)) {
				t.Fatalf("accepted %q as %q", body, in.Title)
			}
			return
		}
		var e *services.Error
		if !errors.As(err, &e) {
			t.Fatalf("bindJSON returned a non-services error %T: %v", err, err)
		}
		switch e.Code {
		case services.CodeInvalid, services.CodeTooLarge, services.CodeUnsupported:
		default:
			t.Fatalf("bindJSON returned code %s for a client mistake", e.Code)
		}
		if e.Message == "" {
			t.Fatal("error without a message")
		}
	})
}

// FuzzMultipartIntake feeds arbitrary multipart bodies to the intake
// parser (the "complaint" JSON part, then the "files" parts): it must never
// panic, must refuse with a client error code, and must hand over file
// parts only under the name "files".
func FuzzMultipartIntake(f *testing.F) {
	f.Add("XyZ", "--XyZ\r\nContent-Disposition: form-data; name=\"complaint\"\r\n\r\n{\"kind\":\"feedback\"}\r\n--XyZ\r\n"+
		"Content-Disposition: form-data; name=\"files\"; filename=\"a.png\"\r\n\r\n\x89PNG\r\n--XyZ--\r\n")
	f.Add("b", "--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"x\"\r\n\r\nabc\r\n--b--\r\n")
	f.Add("b", "--b\r\nContent-Disposition: form-data; name=\"complaint\"\r\n\r\n{\"status\":\"closed\"}\r\n--b--\r\n")
	f.Add("b", "--b\r\nContent-Disposition: form-data; name=\"complaint\"\r\n\r\n{}\r\n--b\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--b--\r\n")
	f.Add("b", "garbage")
	f.Fuzz(func(t *testing.T, boundary, body string) {
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		c.Request = httptest.NewRequest(http.MethodPost, "/api/v1/complaints", strings.NewReader(body))
		c.Request.Header.Set("Content-Type", "multipart/form-data; boundary=\""+strings.ReplaceAll(boundary, "\"", "")+"\"")
		c.Request.Body = http.MaxBytesReader(w, c.Request.Body, 1<<16)
		check := func(err error) {
			var e *services.Error
			if !errors.As(err, &e) {
				t.Fatalf("non-services error %T: %v", err, err)
			}
			switch e.Code {
			case services.CodeInvalid, services.CodeTooLarge, services.CodeUnsupported:
			default:
				t.Fatalf("code %s for a client mistake", e.Code)
			}
		}
		mr, err := multipartReader(c)
		if err != nil {
			check(err)
			return
		}
		var in complaintRequest
		if err := readJSONPart(mr, "complaint", 4096, &in); err != nil {
			check(err)
			return
		}
		src := &partSource{mr: mr}
		for range 20 {
			p, err := src.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				check(err)
				return
			}
			if _, err := io.Copy(io.Discard, p.Body); err != nil {
				return // a broken part body surfaces as the upload's error
			}
		}
	})
}

// FuzzAuthHeaders feeds arbitrary Authorization headers and Cookie headers
// to the bearer and refresh-cookie parsers: they never panic, a refresh
// token is either empty or exactly 64 lower-case hex characters, and a
// bearer token never carries surrounding spaces.
func FuzzAuthHeaders(f *testing.F) {
	f.Add("Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc", "mb_refresh="+strings.Repeat("ab", 32))
	f.Add("bearer x", "mb_refresh=; other=1")
	f.Add("Bearer    ", "mb_refresh=\"quoted\"")
	f.Add("Basic dXNlcjpwYXNz", strings.Repeat("a=b; ", 100))
	f.Fuzz(func(t *testing.T, authz, cookie string) {
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = httptest.NewRequest(http.MethodGet, "/api/v1/auth/me", nil)
		c.Request.Header.Set("Authorization", authz)
		c.Request.Header.Set("Cookie", cookie)
		if tok, ok := bearer(c); ok && (tok == "" || tok != strings.TrimSpace(tok)) {
			t.Fatalf("bearer(%q) = %q", authz, tok)
		}
		if r := refreshToken(c); r != "" && (len(r) != 64 || strings.Trim(r, "0123456789abcdef") != "") {
			t.Fatalf("refreshToken(%q) = %q", cookie, r)
		}
	})
}

// TestBindJSONFields: a field the request type does not have is refused by
// name, nested ones by their path; field names match as encoding/json
// matches them (case-insensitively), and wrong types stay type errors.
func TestBindJSONFields(t *testing.T) {
	for _, tc := range []struct {
		body, field, problem string
	}{
		{`{"kind":"feedback","colour":"red"}`, "colour", services.FieldNotAllowed},
		{`{"identity":{"name":"A","nickname":"B"}}`, "identity.nickname", services.FieldNotAllowed},
		{`{"Title":"x","ANONYMOUS":true}`, "", ""},
		{`{"identity":null}`, "", ""},
		{`{"anonymous":"yes"}`, "anonymous", services.FieldInvalid},
		{`{"identity":{"name":1}}`, "identity.name", services.FieldInvalid},
	} {
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		c.Request = httptest.NewRequest(http.MethodPost, "/api/v1/complaints", strings.NewReader(tc.body))
		c.Request.Header.Set("Content-Type", "application/json")
		var in complaintRequest
		err := bindJSON(c, &in)
		if tc.field == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.body, err)
			}
			continue
		}
		var e *services.Error
		if !errors.As(err, &e) || e.Code != services.CodeInvalid || e.Fields[tc.field] != tc.problem {
			t.Errorf("%s: %v, want %s %s", tc.body, err, tc.field, tc.problem)
		}
	}
}

// TestBindJSONRefusesInvalidUTF8: invalid UTF-8 and escaped lone
// surrogates are refused rather than turned into U+FFFD; escaped pairs,
// escaped backslashes and real non-ASCII text are accepted as sent.
func TestBindJSONRefusesInvalidUTF8(t *testing.T) {
	for body, want := range map[string]string{
		"{\"title\":\"Bi\xffen\"}":         "",
		"{\"ti\xfetle\":\"x\"}":            "",
		`{"title":"\ud800"}`:               "",
		`{"title":"\udc00\ud800"}`:         "",
		`{"title":"\ud800\u0041"}`:         "",
		`{"title":"a\ud800"}`:              "",
		`{"title":"\ud83d\ude00"}`:         "\U0001F600",
		`{"title":"\\ud800"}`:              `\ud800`,
		`{"title":"\"\\\ud83d\ude00"}`:     "\"\\\U0001F600",
		`{"title":"Cán bộ \u0111òi tiền"}`: "Cán bộ đòi tiền",
	} {
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		c.Request = httptest.NewRequest(http.MethodPost, "/api/v1/complaints", strings.NewReader(body))
		c.Request.Header.Set("Content-Type", "application/json")
		var in complaintRequest
		err := bindJSON(c, &in)
		if want == "" {
			if !services.IsCode(err, services.CodeInvalid) {
				t.Errorf("%q: %v, title %q", body, err, in.Title)
			}
		} else if err != nil || in.Title != want {
			t.Errorf("%q: %v, title %q, want %q", body, err, in.Title, want)
		}
	}
}
