package handlers

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

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
	f.Fuzz(func(t *testing.T, contentType, body string) {
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		c.Request = httptest.NewRequest(http.MethodPost, "/api/v1/complaints", strings.NewReader(body))
		c.Request.Header.Set("Content-Type", contentType)
		c.Request.Body = http.MaxBytesReader(w, c.Request.Body, 4096)
		var in complaintRequest
		err := bindJSON(c, &in)
		if err == nil {
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
