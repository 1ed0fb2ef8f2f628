package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

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
		return services.Errorf(services.ReasonWrongType, "The request body must be application/json.")
	}
	dec := json.NewDecoder(c.Request.Body)
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return decodeError(err)
		}
		return services.Errorf(services.ReasonMalformed, "The request body must hold a single JSON object.")
	}
	return decodeInto(raw, dst)
}

// decodeJSON is bindJSON for a body already read (a multipart part).
func decodeJSON(b []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return services.Errorf(services.ReasonMalformed, "The JSON part must hold a single JSON object.")
	}
	return decodeInto(raw, dst)
}

// decodeInto fills dst from one JSON value, refusing a field dst does not
// have (anywhere in the value) before decoding.
func decodeInto(raw json.RawMessage, dst any) error {
	if !validText(raw) {
		return services.Errorf(services.ReasonMalformed, "The request body is not valid UTF-8 text.")
	}
	if err := checkFields(raw, reflect.TypeOf(dst), ""); err != nil {
		return decodeError(err)
	}
	return decodeError(json.Unmarshal(raw, dst))
}

// validText reports whether a JSON value is valid UTF-8 and escapes no
// lone surrogate (\ud800 without its pair): encoding/json would silently
// turn either into U+FFFD, storing text the sender did not write.
func validText(raw []byte) bool {
	if !utf8.Valid(raw) {
		return false
	}
	inString := false
	for i := 0; i < len(raw); i++ {
		switch b := raw[i]; {
		case b == '"':
			inString = !inString
		case b == '\\' && inString && i+1 < len(raw):
			if raw[i+1] != 'u' {
				i++ // an escaped character, perhaps a quote
				continue
			}
			r, ok := hex4(raw, i+2)
			if !ok {
				return false
			}
			i += 5
			switch {
			case r >= 0xdc00 && r <= 0xdfff:
				return false // a low surrogate first
			case r >= 0xd800 && r <= 0xdbff:
				lo, ok := hex4(raw, i+3)
				if i+2 >= len(raw) || raw[i+1] != '\\' || raw[i+2] != 'u' || !ok || lo < 0xdc00 || lo > 0xdfff {
					return false
				}
				i += 6
			}
		}
	}
	return true
}

// hex4 reads the four hex digits of a \u escape at raw[i:].
func hex4(raw []byte, i int) (rune, bool) {
	if i < 0 || i+4 > len(raw) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(raw[i:i+4]), 16, 16)
	return rune(n), err == nil
}

// unknownFieldError names a field of a request that its type does not have.
type unknownFieldError struct{ field string }

func (e *unknownFieldError) Error() string { return "unknown field " + strconv.Quote(e.field) }

// checkFields walks a JSON value alongside the Go type it will be decoded
// into and returns an *unknownFieldError for the first object key that
// matches no field, as encoding/json matches them (the tag name, else the
// field name, case-insensitively). Values of the wrong shape are left for
// json.Unmarshal to refuse.
func checkFields(raw json.RawMessage, t reflect.Type, path string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			return nil
		}
		for key, v := range obj {
			f, ok := jsonField(t, key)
			if !ok {
				return &unknownFieldError{field: path + key}
			}
			if err := checkFields(v, f.Type, path+key+"."); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			return nil
		}
		for i, v := range items {
			if err := checkFields(v, t.Elem(), path+strconv.Itoa(i)+"."); err != nil {
				return err
			}
		}
	case reflect.Map:
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			return nil
		}
		for key, v := range obj {
			if err := checkFields(v, t.Elem(), path+key+"."); err != nil {
				return err
			}
		}
	}
	return nil
}

// jsonField finds the exported field of struct type t that a JSON key
// fills: an exact match of its JSON name first, else a case-insensitive one.
func jsonField(t reflect.Type, key string) (reflect.StructField, bool) {
	var fold *reflect.StructField
	// VisibleFields: the fields of an embedded request (onBehalfRequest's
	// complaintRequest) are the outer request's own.
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || (f.Anonymous && f.Tag.Get("json") == "") {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if name == key {
			return f, true
		}
		if fold == nil && strings.EqualFold(name, key) {
			fold = &f
		}
	}
	if fold != nil {
		return *fold, true
	}
	return reflect.StructField{}, false
}

func decodeError(err error) error {
	var (
		mbe     *http.MaxBytesError
		syntax  *json.SyntaxError
		typ     *json.UnmarshalTypeError
		unknown *unknownFieldError
	)
	switch {
	case err == nil:
		return nil
	case errors.As(err, &mbe):
		return services.Errorf(services.ReasonTooLarge, "The request is too large (at most %d bytes).", mbe.Limit)
	case errors.Is(err, io.EOF):
		return services.Errorf(services.ReasonMalformed, "The request body is empty.")
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return services.Errorf(services.ReasonMalformed, "The request body is not valid JSON.")
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return &services.Error{Code: services.CodeInvalid, Reason: services.ReasonMalformed, Message: "A field has the wrong type.",
			Fields: map[string]string{field: services.FieldInvalid}}
	case errors.As(err, &unknown):
		return &services.Error{Code: services.CodeInvalid, Reason: services.ReasonMalformed, Message: "The request has a field the portal does not accept.",
			Fields: map[string]string{unknown.field: services.FieldNotAllowed}}
	}
	return services.Errorf(services.ReasonMalformed, "The request body could not be read.")
}
