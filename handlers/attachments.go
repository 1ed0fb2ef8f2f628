package handlers

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"minhbach/services"
)

type attachmentDTO struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Size       int64     `json:"size"`
	Type       string    `json:"type"`
	SHA256     string    `json:"sha256"`
	Scan       string    `json:"scan"`
	UploadedAt time.Time `json:"uploadedAt"`
	Source     string    `json:"source"`
	Sanitized  bool      `json:"sanitized"` // a metadata-free copy exists
	// OriginalName is the citizen's file name, for a custody holder only.
	OriginalName string `json:"originalName,omitempty"`
}

func attachmentDTOs(atts []services.Attachment) []attachmentDTO {
	out := make([]attachmentDTO, 0, len(atts))
	for _, a := range atts {
		out = append(out, attachmentDTO{ID: a.ID, Name: a.Name, Size: a.Size, Type: a.Type, SHA256: a.SHA256,
			Scan: a.Scan, UploadedAt: a.UploadedAt, Source: a.Source, Sanitized: a.SanitizedKey != ""})
	}
	return out
}

// DownloadContentSecurityPolicy is the policy of an evidence download.
const DownloadContentSecurityPolicy = "sandbox; default-src 'none'; frame-ancestors 'none'"

// downloadAttachment streams an evidence file to staff: the sanitized copy,
// or with ?original=1 the sealed original (custody holders only). The
// service has verified the bytes and recorded the download before the
// first byte is written.
func (s *Server) downloadAttachment(c *gin.Context) {
	var original bool
	switch c.Query("original") {
	case "", "0", "false":
	case "1", "true":
		original = true
	default:
		s.writeError(c, &services.Error{Code: services.CodeInvalid, Reason: services.ReasonFieldsInvalid, Message: "original must be 1 or 0.",
			Fields: map[string]string{"original": services.FieldInvalid}})
		return
	}
	d, err := s.downloads.Open(c.Request.Context(), actorOf(c), c.Param("id"), c.Param("aid"), original)
	if err != nil {
		s.writeError(c, err)
		return
	}
	defer d.Close()
	h := c.Writer.Header()
	h.Set("Content-Type", d.Type)
	h.Set("Content-Length", strconv.FormatInt(d.Size, 10))
	h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+encodeRFC5987(d.Name))
	h.Set("X-Content-Type-Options", "nosniff")
	// A browser that renders the file anyway (a PDF viewer, an image
	// opened in a tab) runs it sandboxed: an opaque origin, no scripts, no
	// forms, nothing loaded (docs/privacy.md, "Evidence: sanitized copies and sealed originals").
	h.Set("Content-Security-Policy", DownloadContentSecurityPolicy)
	h.Set("Cache-Control", "no-store")
	if d.SHA256 != "" {
		h.Set("X-Content-SHA256", d.SHA256)
	}
	c.Status(http.StatusOK)
	if _, err := io.Copy(c.Writer, d); err != nil {
		// Headers are sent: the body stops short of its Content-Length, so
		// the client sees a failed download, and the server closes the
		// connection. Ids only in the log; a client that went away is not
		// a server error.
		level := slog.LevelError
		if clientGone(c) {
			level = slog.LevelInfo
		}
		s.log.LogAttrs(context.WithoutCancel(c.Request.Context()), level, "evidence download interrupted",
			slog.String("requestId", requestID(c)), slog.String("route", c.FullPath()),
			slog.String("attachmentId", d.AttachmentID), slog.String("copy", d.Copy), slog.String("error", err.Error()))
		c.Abort()
	}
}

// encodeRFC5987 percent-encodes a file name as an RFC 5987 ext-value
// (what follows the charset and language): attr-chars stay, every other byte is %XX.
func encodeRFC5987(name string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		ch := name[i]
		switch {
		case 'a' <= ch && ch <= 'z', 'A' <= ch && ch <= 'Z', '0' <= ch && ch <= '9',
			strings.IndexByte("!#$&+-.^_`|~", ch) >= 0:
			b.WriteByte(ch)
		default:
			b.WriteByte('%')
			b.WriteByte(hexDigits[ch>>4])
			b.WriteByte(hexDigits[ch&15])
		}
	}
	if b.Len() == 0 {
		return "file"
	}
	return b.String()
}
