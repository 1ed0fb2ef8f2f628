package handlers

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"

	"github.com/gin-gonic/gin"

	"minhbach/services"
)

// isMultipart reports whether the request carries multipart/form-data.
func isMultipart(c *gin.Context) bool {
	mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	return err == nil && mt == "multipart/form-data"
}

// multipartReader opens the request body as a stream of parts; nothing is
// read ahead, so files flow straight to the object store.
func multipartReader(c *gin.Context) (*multipart.Reader, error) {
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return nil, services.Errorf(services.ReasonMalformed, "The request is not valid multipart/form-data.")
	}
	return mr, nil
}

// readJSONPart reads the next part, which must be the JSON part called
// name (at most max bytes), into dst. It returns nil, io.EOF when the body
// has no parts at all.
func readJSONPart(mr *multipart.Reader, name string, max int64, dst any) error {
	p, err := mr.NextPart()
	if err != nil {
		return partError(err)
	}
	defer p.Close()
	if p.FormName() != name {
		return &services.Error{Code: services.CodeInvalid, Reason: services.ReasonMalformed, Message: "The first part must be the \"" + name + "\" JSON part.",
			Fields: map[string]string{name: services.FieldRequired}}
	}
	b, err := io.ReadAll(io.LimitReader(p, max+1))
	if err != nil {
		return partError(err)
	}
	if int64(len(b)) > max {
		return services.Errorf(services.ReasonTooLarge, "The %q part is too large.", name)
	}
	return decodeJSON(b, dst)
}

// partSource hands the "files" parts of a multipart body to the services
// one at a time, as they arrive.
type partSource struct {
	mr   *multipart.Reader
	cur  *multipart.Part
	done bool
}

func (s *partSource) Next() (services.FilePart, error) {
	if s.cur != nil {
		s.cur.Close()
		s.cur = nil
	}
	if s.done {
		return services.FilePart{}, io.EOF
	}
	p, err := s.mr.NextPart()
	if errors.Is(err, io.EOF) {
		s.done = true
		return services.FilePart{}, io.EOF
	}
	if err != nil {
		return services.FilePart{}, partError(err)
	}
	if p.FormName() != "files" {
		p.Close()
		return services.FilePart{}, &services.Error{Code: services.CodeInvalid, Reason: services.ReasonMalformed, Message: "Unexpected part \"" + p.FormName() + "\".",
			Fields: map[string]string{p.FormName(): services.FieldNotAllowed}}
	}
	s.cur = p
	return services.FilePart{Name: p.FileName(), Body: partBody{p}}, nil
}

// partBody reads a file part, turning a body over its cap into the
// services' too_large error (the services know nothing of net/http).
type partBody struct{ r io.Reader }

func (b partBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err = services.Errorf(services.ReasonTooLarge, "The request is too large (at most %d bytes).", mbe.Limit)
	}
	return n, err
}

func partError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return services.Errorf(services.ReasonTooLarge, "The request is too large (at most %d bytes).", mbe.Limit)
	}
	var se *services.Error
	if errors.As(err, &se) {
		return err
	}
	return services.Wrap(err, services.ReasonMalformed, "The multipart body could not be read.")
}
