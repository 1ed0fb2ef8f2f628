package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"minhbach/services"
)

type kindDTO struct {
	Code             services.Kind `json:"code"`
	Name             services.Text `json:"name"`
	RequiresIdentity bool          `json:"requiresIdentity"`
}

type categoryDTO struct {
	Code string        `json:"code"`
	Name services.Text `json:"name"`
}

type areaDTO struct {
	Code   string        `json:"code"`
	Parent string        `json:"parent"`
	Level  string        `json:"level"`
	Name   services.Text `json:"name"`
}

type fileTypeDTO struct {
	MIME string `json:"mime"`
	Ext  string `json:"ext"`
}

// deadlineDTO is one kind's time limits in days; each *WorkingDays flag says
// whether the period counts working days or calendar days
// (docs/workflow.md, "Deadlines").
type deadlineDTO struct {
	Kind services.Kind `json:"kind"`
	adminPolicyRequest
}

type metaResponse struct {
	Kinds        []kindDTO       `json:"kinds"`
	Categories   []categoryDTO   `json:"categories"`
	Areas        []areaDTO       `json:"areas"`
	Limits       services.Limits `json:"limits"`
	AllowedTypes []fileTypeDTO   `json:"allowedTypes"`
	Deadlines    []deadlineDTO   `json:"deadlines"`
}

// getMeta returns what a client needs to build the report form.
func (s *Server) getMeta(c *gin.Context) {
	m, err := s.catalog.Meta(c.Request.Context())
	if err != nil {
		s.writeError(c, err)
		return
	}
	out := metaResponse{Kinds: []kindDTO{}, Categories: []categoryDTO{}, Areas: []areaDTO{}, Limits: m.Limits, AllowedTypes: []fileTypeDTO{}, Deadlines: []deadlineDTO{}}
	for _, t := range m.AllowedTypes {
		out.AllowedTypes = append(out.AllowedTypes, fileTypeDTO{MIME: t.MIME, Ext: t.Ext})
	}
	for _, k := range m.Kinds {
		out.Kinds = append(out.Kinds, kindDTO{Code: k, Name: services.KindNames[k], RequiresIdentity: k.RequiresIdentity()})
	}
	for _, cat := range m.Categories {
		out.Categories = append(out.Categories, categoryDTO{Code: cat.Code, Name: cat.Name})
	}
	for _, a := range m.Areas {
		out.Areas = append(out.Areas, areaDTO{Code: a.Code, Parent: a.Parent, Level: a.Level, Name: a.Name})
	}
	for _, p := range m.Deadlines {
		out.Deadlines = append(out.Deadlines, deadlineDTO{Kind: p.Kind, adminPolicyRequest: policyDays(p)})
	}
	c.JSON(http.StatusOK, out)
}
