package handlers

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"minhbach/services"
)

// staffStats answers the exact figures within the caller's scope
// (docs/statistics.md, "Figures"): GET /api/v1/stats?from=YYYY-MM&to=YYYY-MM
// &monthly=true&unit=&front=&area=&kind=&category=.
func (s *Server) staffStats(c *gin.Context) {
	q := services.StatsQuery{From: c.Query("from"), To: c.Query("to"), Unit: c.Query("unit"), Front: c.Query("front"),
		Area: c.Query("area"), Kind: services.Kind(c.Query("kind")), Category: c.Query("category"), Channel: c.Query("channel")}
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

// publicQuery reads the query of the public figures (and of their
// charts): from, to, monthly, area, unit, kind, category, by.
func publicQuery(c *gin.Context, f services.FieldErrors) services.PublicStatsQuery {
	q := services.PublicStatsQuery{From: c.Query("from"), To: c.Query("to"), Area: c.Query("area"), Unit: c.Query("unit"),
		Kind: services.Kind(c.Query("kind")), Category: c.Query("category"), By: c.Query("by")}
	switch c.Query("monthly") {
	case "", "false", "0":
	case "true", "1":
		q.Monthly = true
	default:
		f.Add("monthly", services.FieldInvalid)
	}
	return q
}

// publicAnswer answers q unless f holds a problem of the query, and says
// whether it did (else the error is written). The answer may be cached a
// minute: the figures change as reports move, and a crowd of readers need
// not each read the counters.
func (s *Server) publicAnswer(c *gin.Context, q services.PublicStatsQuery, f services.FieldErrors) (services.PublicStatsAnswer, bool) {
	if err := f.Err(); err != nil {
		s.writeError(c, err)
		return services.PublicStatsAnswer{}, false
	}
	ans, err := s.stats.PublicFigures(c.Request.Context(), q)
	if err != nil {
		s.writeError(c, err)
		return services.PublicStatsAnswer{}, false
	}
	c.Header("Cache-Control", "public, max-age=60")
	return ans, true
}

// publicStats answers the public figures, small counts protected
// (docs/statistics.md, "Public figures"): GET /api/v1/stats/public?from=
// &to=&monthly=&area=|unit=|kind=|category=&by=&format=json|csv. The CSV
// is the open data download (docs/open-data.md).
func (s *Server) publicStats(c *gin.Context) {
	f := services.FieldErrors{}
	q := publicQuery(c, f)
	format := c.DefaultQuery("format", "json")
	if format != "json" && format != "csv" {
		f.Add("format", services.FieldInvalid)
	}
	ans, ok := s.publicAnswer(c, q, f)
	if !ok {
		return
	}
	if format == "csv" {
		c.Header("Content-Disposition", `attachment; filename="`+services.PublicStatsFileName(ans)+`"`)
		c.Data(http.StatusOK, "text/csv; charset=utf-8", services.PublicStatsCSV(ans))
		return
	}
	c.JSON(http.StatusOK, ans)
}

// publicChart draws a chart of the public figures as SVG
// (docs/statistics.md, "Charts"): GET /api/v1/stats/public/chart.svg with
// the query of the figures, chart=flow|ontime|slices and lang=vi|en.
func (s *Server) publicChart(c *gin.Context) {
	f := services.FieldErrors{}
	q := publicQuery(c, f)
	chart := c.Query("chart")
	switch chart {
	case services.ChartFlow, services.ChartOnTime:
		q.Monthly = true
	case services.ChartSlices:
		if q.By == "" {
			f.Add("by", services.FieldRequired)
		}
	default:
		f.Add("chart", services.FieldInvalid)
	}
	lang := c.DefaultQuery("lang", "vi")
	if lang != "vi" && lang != "en" {
		f.Add("lang", services.FieldInvalid)
	}
	ans, ok := s.publicAnswer(c, q, f)
	if !ok {
		return
	}
	svg, err := services.PublicStatsChart(ans, chart, lang)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Data(http.StatusOK, "image/svg+xml; charset=utf-8", svg)
}

// staffHotspots answers where the reported harassment concentrates, within
// the caller's scope (docs/statistics.md, "Hotspots"): GET
// /api/v1/stats/hotspots?from=&to=&min=&unit=&front=.
func (s *Server) staffHotspots(c *gin.Context) {
	q := services.HotspotQuery{From: c.Query("from"), To: c.Query("to"), Unit: c.Query("unit"), Front: c.Query("front"),
		Min: services.DefaultHotspotMin}
	if v := c.Query("min"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			s.writeError(c, &services.Error{Code: services.CodeInvalid, Reason: services.ReasonFieldsInvalid,
				Message: "min is a number.", Fields: map[string]string{"min": services.FieldInvalid}})
			return
		}
		q.Min = n
	}
	ans, err := s.stats.Hotspots(c.Request.Context(), actorOf(c), q)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, ans)
}

// relatedCases lists the other reports about the same office or official
// within the caller's scope (docs/statistics.md, "Hotspots"): GET
// /api/v1/cases/:id/related.
func (s *Server) relatedCases(c *gin.Context) {
	items, err := s.workflow.Related(c.Request.Context(), actorOf(c), c.Param("id"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, itemList[services.RelatedReport]{Items: items})
}
