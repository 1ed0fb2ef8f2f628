package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"minhbach/internal/periodreport"
	"minhbach/services"
)

// periodReport downloads the period review report of a scope over whole
// months (docs/period-report.md): GET /api/v1/reports/period?scope=
// unit:<id>|front:<id>|all&from=YYYY-MM&to=YYYY-MM&format=xlsx|csv|pdf.
// Inspectors and leads get their unit's, monitors their committee's,
// administrators any; another scope is 403 stats_out_of_scope. Every
// download is written to the admin audit log before a byte is sent.
func (s *Server) periodReport(c *gin.Context) {
	format := c.Query("format")
	switch format {
	case services.PeriodFormatXLSX, services.PeriodFormatCSV, services.PeriodFormatPDF:
	case "":
		s.writeError(c, &services.Error{Code: services.CodeInvalid, Reason: services.ReasonFieldsInvalid,
			Message: "format is xlsx, csv or pdf.", Fields: map[string]string{"format": services.FieldRequired}})
		return
	default:
		s.writeError(c, &services.Error{Code: services.CodeInvalid, Reason: services.ReasonFieldsInvalid,
			Message: "format is xlsx, csv or pdf.", Fields: map[string]string{"format": services.FieldInvalid}})
		return
	}
	ctx := c.Request.Context()
	actor := actorOf(c)
	r, err := s.periods.Build(ctx, actor, services.PeriodQuery{Scope: c.Query("scope"), From: c.Query("from"), To: c.Query("to")})
	if err != nil {
		s.writeError(c, err)
		return
	}
	body, contentType, err := periodreport.Render(r, format)
	if err != nil {
		s.writeError(c, err)
		return
	}
	if err := s.periods.RecordDownload(ctx, actor, r, format); err != nil {
		s.writeError(c, err)
		return
	}
	h := c.Writer.Header()
	h.Set("Content-Disposition", `attachment; filename="`+periodreport.FileName(r, format)+`"`)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", DownloadContentSecurityPolicy)
	c.Data(http.StatusOK, contentType, body)
}
