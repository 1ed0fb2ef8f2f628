package handlers

import (
	"bytes"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"minhbach/services"
)

// spa serves the embedded web app: files as they are, hashed assets cached
// for a year, and index.html (never cached) for every other path so that
// the app's router can handle it.
type spa struct {
	files fs.FS
	index []byte
}

// notBuilt is served when the binary was built without the web app.
const notBuilt = `<!doctype html><html lang="vi"><meta charset="utf-8"><title>Minh Bạch</title>
<p>Giao diện web chưa được xây dựng: chạy <code>make build</code>.</p>
<p lang="en">The web app has not been built: run <code>make build</code>.</p></html>`

func newSPA(files fs.FS) *spa {
	s := &spa{files: files, index: []byte(notBuilt)}
	if files != nil {
		if b, err := fs.ReadFile(files, "index.html"); err == nil {
			s.index = b
		}
	}
	return s
}

func (s *Server) noRoute(c *gin.Context) {
	p := c.Request.URL.Path
	if strings.HasPrefix(p, open311Prefix+"/") {
		s.open311Error(c, open311FormatOf(p), services.Errorf(services.ReasonNotFound, "No such route."))
		return
	}
	if p == "/api" || strings.HasPrefix(p, "/api/") || (c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead) {
		s.writeError(c, services.Errorf(services.ReasonNotFound, "No such route."))
		return
	}
	s.spa.serve(c, p)
}

func (s *Server) noMethod(c *gin.Context) {
	c.Header("Content-Type", "application/json; charset=utf-8")
	c.AbortWithStatusJSON(http.StatusMethodNotAllowed, errorBody{Error: errorDetail{
		Code: services.ReasonMalformed.Code(), Reason: services.ReasonMalformed, Message: "This method is not allowed on this route."}})
}

func (a *spa) serve(c *gin.Context, p string) {
	name := strings.TrimPrefix(path.Clean("/"+p), "/")
	if name != "" && name != "index.html" && a.files != nil {
		if st, err := fs.Stat(a.files, name); err == nil && !st.IsDir() {
			if strings.HasPrefix(name, "assets/") {
				c.Header("Cache-Control", "public, max-age=31536000, immutable")
			} else {
				c.Header("Cache-Control", "no-cache")
			}
			c.FileFromFS(name, http.FS(a.files))
			return
		}
		if strings.HasPrefix(name, "assets/") {
			// A missing hashed asset must not turn into index.html: the
			// browser would cache HTML as a script.
			c.Header("Cache-Control", "no-store")
			c.String(http.StatusNotFound, "not found")
			return
		}
	}
	c.Header("Cache-Control", "no-cache")
	http.ServeContent(c.Writer, c.Request, "index.html", time.Time{}, bytes.NewReader(a.index))
}
