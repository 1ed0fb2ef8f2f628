package handlers

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"minhbach/services"
)

// grantDTO is a custody request: its kind ("identity" or "originals"),
// and the people by their display names (never their e-mail addresses).
type grantDTO struct {
	ID            string     `json:"id"`
	Kind          string     `json:"kind"`
	CaseID        string     `json:"caseId"`
	TrackingCode  string     `json:"trackingCode"`
	RequesterID   string     `json:"requesterId"`
	RequesterName string     `json:"requesterName"`
	Reason        string     `json:"reason"`
	Status        string     `json:"status"`
	DecidedBy     string     `json:"decidedBy,omitempty"`
	DeciderName   string     `json:"deciderName,omitempty"`
	Note          string     `json:"note,omitempty"`
	ExpiresAt     *time.Time `json:"expiresAt,omitempty"`
	CreatedAt     time.Time  `json:"createdAt"`
}

func toGrantDTO(g services.CustodyGrant) grantDTO {
	d := grantDTO{ID: g.ID, Kind: g.Kind, CaseID: g.CaseID, TrackingCode: g.TrackingCode, RequesterID: g.RequesterID,
		RequesterName: g.RequesterName, Reason: g.Reason, Status: g.Status, DecidedBy: g.DecidedBy, DeciderName: g.DeciderName,
		Note: g.Note, CreatedAt: g.CreatedAt}
	if g.Status == services.GrantApproved {
		d.ExpiresAt = optionalTime(g.ExpiresAt)
		if g.Lapsed {
			d.Status = "expired"
		}
	}
	return d
}

// custodyRequest asks for custody of a kind: "identity" (the default) or
// "originals".
type custodyRequest struct {
	Kind   string `json:"kind"`
	Reason string `json:"reason"`
}

// requestCustody asks to see a report's complainant identity, or to open
// its original files.
func (s *Server) requestCustody(c *gin.Context) {
	var in custodyRequest
	if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	g, err := s.custody.Request(c.Request.Context(), actorOf(c), c.Param("id"), in.Kind, in.Reason)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Header("Location", "/api/v1/custody/"+g.ID)
	c.JSON(http.StatusCreated, toGrantDTO(g))
}

// listCustody lists the custody requests the actor deals with.
func (s *Server) listCustody(c *gin.Context) {
	gs, err := s.custody.List(c.Request.Context(), actorOf(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
	out := make([]grantDTO, len(gs))
	for i, g := range gs {
		out[i] = toGrantDTO(g)
	}
	c.JSON(http.StatusOK, out)
}

// decideCustody approves or denies a custody request (another lead).
func (s *Server) decideCustody(c *gin.Context) {
	var in decisionRequest
	if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	g, err := s.custody.Decide(c.Request.Context(), actorOf(c), c.Param("gid"), in.Approve, in.Note)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toGrantDTO(g))
}

type identityDTO struct {
	Name       string `json:"name"`
	Phone      string `json:"phone"`
	Email      string `json:"email"`
	Address    string `json:"address"`
	NationalID string `json:"nationalId"`
}

// getIdentity returns a report's identity to a custody holder. The answer
// is never cached (the security middleware marks every API answer no-store).
func (s *Server) getIdentity(c *gin.Context) {
	id, err := s.custody.ReadIdentity(c.Request.Context(), actorOf(c), c.Param("id"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, identityDTO{Name: id.Name, Phone: id.Phone, Email: id.Email, Address: id.Address, NationalID: id.NationalID})
}
