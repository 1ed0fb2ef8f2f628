package handlers

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"minhbach/internal/translog"
	"minhbach/services"
)

// The public transparency log (docs/transparency-log.md, "Public
// endpoints"). The objects under /log/ are the C2SP tlog-tiles layout, for
// mirrors, witnesses and `portal log verify`; the /api/v1/log routes are
// conveniences for the browser. None needs an account: the witnesses' posts
// are accepted on their keys' signatures alone.

// logPrefix is where the log's objects are served. They are not in the
// OpenAPI document: their paths are C2SP's (docs/api.md).
const logPrefix = "/log/"

// publicLog answers 404 not_configured when the portal has no log.
func (s *Server) publicLog(c *gin.Context) (*services.PublicLog, bool) {
	if s.plog == nil {
		s.writeError(c, services.Errorf(services.ReasonNotConfigured, "This portal has no public log."))
		return nil, false
	}
	return s.plog, true
}

// logText answers a checkpoint; the latest may change every few seconds,
// a past one never.
func logText(c *gin.Context, b []byte, immutable bool) {
	if immutable {
		c.Header("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		c.Header("Cache-Control", "no-cache")
	}
	c.Data(http.StatusOK, "text/plain; charset=utf-8", b)
}

func (s *Server) getLogCheckpoint(c *gin.Context) {
	l, ok := s.publicLog(c)
	if !ok {
		return
	}
	b, err := l.Checkpoint(c.Request.Context())
	if err != nil {
		s.writeError(c, err)
		return
	}
	logText(c, b, false)
}

func (s *Server) listLogCheckpoints(c *gin.Context) {
	l, ok := s.publicLog(c)
	if !ok {
		return
	}
	sizes, err := l.CheckpointSizes(c.Request.Context())
	if err != nil {
		s.writeError(c, err)
		return
	}
	logText(c, translog.MarshalCheckpointList(sizes), false)
}

func (s *Server) getLogCheckpointAt(c *gin.Context) {
	l, ok := s.publicLog(c)
	if !ok {
		return
	}
	p := c.Param("size")
	n, err := strconv.ParseInt(p, 10, 64)
	if err != nil || n < 0 || strconv.FormatInt(n, 10) != p {
		s.writeError(c, services.Errorf(services.ReasonNotFound, "No such checkpoint."))
		return
	}
	b, err := l.CheckpointAt(c.Request.Context(), n)
	if err != nil {
		s.writeError(c, err)
		return
	}
	// Cosignatures may still be added to a past checkpoint: revalidate.
	logText(c, b, false)
}

func (s *Server) getLogTile(c *gin.Context) {
	l, ok := s.publicLog(c)
	if !ok {
		return
	}
	b, err := l.Tile(c.Request.Context(), "tile"+c.Param("path"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Header("Cache-Control", "public, max-age=31536000, immutable")
	c.Data(http.StatusOK, "application/octet-stream", b)
}

func (s *Server) getLogInfo(c *gin.Context) {
	l, ok := s.publicLog(c)
	if !ok {
		return
	}
	info, err := l.Info(c.Request.Context())
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, info)
}

func (s *Server) getLogInclusion(c *gin.Context) {
	l, ok := s.publicLog(c)
	if !ok {
		return
	}
	inc, err := l.Inclusion(c.Request.Context(), c.Query("commitment"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, inc)
}

func (s *Server) getLogConsistency(c *gin.Context) {
	l, ok := s.publicLog(c)
	if !ok {
		return
	}
	f := services.FieldErrors{}
	size := func(name string) int64 {
		n, err := strconv.ParseInt(c.Query(name), 10, 64)
		if err != nil || n < 0 {
			f.Add(name, services.FieldInvalid)
		}
		return n
	}
	from, to := size("from"), size("to")
	if err := f.Err(); err != nil {
		s.writeError(c, err)
		return
	}
	proof, err := l.Consistency(c.Request.Context(), from, to)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, proof)
}

// cosignatureRequest is a witness's post: its cosigned checkpoint, or its
// signed refusal.
type cosignatureRequest struct {
	Witness     string `json:"witness"`
	Cosignature string `json:"cosignature,omitempty"`
	Refusal     string `json:"refusal,omitempty"`
}

// cosignatureResponse says what the portal recorded.
type cosignatureResponse struct {
	Witness string `json:"witness"`
	Size    int64  `json:"size"`
	Refusal bool   `json:"refusal"`
	Reason  string `json:"reason,omitempty"`
}

func (s *Server) postLogCosignature(c *gin.Context) {
	l, ok := s.publicLog(c)
	if !ok {
		return
	}
	var req cosignatureRequest
	if err := bindJSON(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	if (req.Cosignature == "") == (req.Refusal == "") {
		f := services.FieldErrors{}
		f.Add("cosignature", services.FieldRequired)
		s.writeError(c, f.Err())
		return
	}
	var got services.LogCosignature
	var err error
	if req.Cosignature != "" {
		got, err = l.AddCosignature(c.Request.Context(), req.Witness, req.Cosignature)
	} else {
		got, err = l.AddRefusal(c.Request.Context(), req.Witness, req.Refusal)
	}
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, cosignatureResponse{Witness: got.Witness, Size: got.Size, Refusal: got.Refusal != "", Reason: got.Reason})
}
