package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"minhbach/services"
)

// bindJSON decodes a JSON request body into dst, refusing anything that is
// not exactly one JSON object of dst's shape: a wrong Content-Type (415),
// malformed JSON, unknown fields, wrong types or trailing data (400), a body
// over the cap (413).
//
// It stands in for Gin's ShouldBindJSON, which can refuse unknown fields only
// through a process-wide switch and does not say which field was wrong.
func bindJSON(c *gin.Context, dst any) error {
	mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if err != nil || mt != "application/json" {
		return services.Errorf(services.CodeUnsupported, "The request body must be application/json.")
	}
	dec := json.NewDecoder(c.Request.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return decodeError(err)
		}
		return services.Errorf(services.CodeInvalid, "The request body must hold a single JSON object.")
	}
	return nil
}

// decodeJSON is bindJSON for a body already read (a multipart part).
func decodeJSON(b []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return services.Errorf(services.CodeInvalid, "The JSON part must hold a single JSON object.")
	}
	return nil
}

func decodeError(err error) error {
	var (
		mbe    *http.MaxBytesError
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &mbe):
		return services.Errorf(services.CodeTooLarge, "The request is too large (at most %d bytes).", mbe.Limit)
	case errors.Is(err, io.EOF):
		return services.Errorf(services.CodeInvalid, "The request body is empty.")
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return services.Errorf(services.CodeInvalid, "The request body is not valid JSON.")
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return &services.Error{Code: services.CodeInvalid, Message: "A field has the wrong type.",
			Fields: map[string]string{field: services.FieldInvalid}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &services.Error{Code: services.CodeInvalid, Message: "The request has a field the portal does not accept.",
			Fields: map[string]string{field: services.FieldNotAllowed}}
	}
	return services.Errorf(services.CodeInvalid, "The request body could not be read.")
}
