package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"minhbach/services"
)

type healthResponse struct {
	Status string `json:"status"`
}

// healthz says the process is up; it checks nothing else.
func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, healthResponse{Status: "ok"})
}

type readyResponse struct {
	Status string            `json:"status"`
	Checks map[string]string `json:"checks"`
}

// readyz checks every dependency (MongoDB, the evidence bucket) and answers
// 503 with the reason when one is down.
func (s *Server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
	defer cancel()
	out := readyResponse{Status: "ready", Checks: map[string]string{}}
	status := http.StatusOK
	for _, rc := range s.ready {
		if err := rc.Check(ctx); err != nil {
			status, out.Status = http.StatusServiceUnavailable, "unavailable"
			msg := "unavailable"
			if e, ok := err.(*services.Error); ok && e.Message != "" {
				msg = e.Message
			}
			out.Checks[rc.Name] = msg
			continue
		}
		out.Checks[rc.Name] = "ok"
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(status, out)
}
