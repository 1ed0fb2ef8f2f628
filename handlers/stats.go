package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"minhbach/services"
)

// staffStats answers the exact figures within the caller's scope
// (docs/statistics.md, "Figures"): GET /api/v1/stats?from=YYYY-MM&to=YYYY-MM
// &monthly=true&unit=&front=&area=&kind=&category=.
func (s *Server) staffStats(c *gin.Context) {
	q := services.StatsQuery{From: c.Query("from"), To: c.Query("to"), Unit: c.Query("unit"), Front: c.Query("front"),
		Area: c.Query("area"), Kind: services.Kind(c.Query("kind")), Category: c.Query("category")}
	switch c.Query("monthly") {
	case "", "false", "0":
	case "true", "1":
		q.Monthly = true
	default:
		s.writeError(c, &services.Error{Code: services.CodeInvalid, Reason: services.ReasonFieldsInvalid,
			Message: "monthly is true or false.", Fields: map[string]string{"monthly": services.FieldInvalid}})
		return
	}
	ans, err := s.stats.StaffFigures(c.Request.Context(), actorOf(c), q)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, ans)
}
