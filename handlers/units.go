package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"minhbach/services"
)

type unitDTO struct {
	ID   string            `json:"id"`
	Code string            `json:"code"`
	Name services.Text     `json:"name"`
	Type services.UnitType `json:"type"`
}

// listUnits names the active units for staff (and lets a lead choose where
// to re-route a report).
func (s *Server) listUnits(c *gin.Context) {
	units, err := s.org.ActiveUnits(c.Request.Context(), actorOf(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
	out := make([]unitDTO, len(units))
	for i, u := range units {
		out[i] = unitDTO{ID: u.ID, Code: u.Code, Name: u.Name, Type: u.Type}
	}
	c.JSON(http.StatusOK, itemList[unitDTO]{Items: out})
}
