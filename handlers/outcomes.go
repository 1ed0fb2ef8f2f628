package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"minhbach/services"
)

type outcomeItem struct {
	ID          string        `json:"id"`
	Kind        services.Kind `json:"kind"`
	Category    string        `json:"category"`
	AreaCode    string        `json:"areaCode,omitempty"`
	Office      string        `json:"office,omitempty"`
	Procedure   string        `json:"procedure,omitempty"`
	Result      string        `json:"result"`
	Summary     string        `json:"summary"`
	ConcludedAt time.Time     `json:"concludedAt"`
	PublishedAt time.Time     `json:"publishedAt"`
	// Appeal is "under_review" or "decided" when the outcome was appealed.
	Appeal string `json:"appeal,omitempty"`
}

type outcomePage struct {
	Items      []outcomeItem `json:"items"`
	NextCursor *string       `json:"nextCursor"`
}

// listOutcomes is the public feed of published outcomes, newest first.
func (s *Server) listOutcomes(c *gin.Context) {
	after, err := services.DecodeQueueCursor(c.Query("cursor"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	limit, _ := strconv.Atoi(c.Query("limit"))
	items, next, err := s.outcomes.Page(c.Request.Context(), after, limit)
	if err != nil {
		s.writeError(c, err)
		return
	}
	out := outcomePage{Items: make([]outcomeItem, len(items))}
	for i, o := range items {
		out.Items[i] = outcomeItem{ID: o.ID, Kind: o.Kind, Category: o.Category, AreaCode: o.AreaCode,
			Office: o.Office, Procedure: o.Procedure, Result: o.Result, Summary: o.Summary, ConcludedAt: o.ConcludedAt, PublishedAt: o.PublishedAt, Appeal: o.AppealState()}
	}
	if next != nil {
		n := next.Encode()
		out.NextCursor = &n
	}
	c.Header("Cache-Control", "public, max-age=60")
	c.JSON(http.StatusOK, out)
}
