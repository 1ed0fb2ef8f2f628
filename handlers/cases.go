package handlers

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"minhbach/services"
)

type queueItem struct {
	ID           string          `json:"id"`
	TrackingCode string          `json:"trackingCode"`
	Kind         services.Kind   `json:"kind"`
	Category     string          `json:"category"`
	Title        string          `json:"title"`
	Status       services.Status `json:"status"`
	SubmittedAt  time.Time       `json:"submittedAt"`
}

// listCases is the actor's unit queue (the full queue comes with case
// handling).
func (s *Server) listCases(c *gin.Context) {
	cases, err := s.queue.List(c.Request.Context(), actorOf(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
	items := make([]queueItem, len(cases))
	for i, r := range cases {
		items[i] = queueItem{ID: r.ID, TrackingCode: r.TrackingCode, Kind: r.Kind, Category: r.Category, Title: r.Title,
			Status: r.Status, SubmittedAt: r.CreatedAt}
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "nextCursor": nil, "counts": gin.H{}})
}

type grantDTO struct {
	ID             string     `json:"id"`
	CaseID         string     `json:"caseId"`
	TrackingCode   string     `json:"trackingCode"`
	RequesterID    string     `json:"requesterId"`
	RequesterEmail string     `json:"requesterEmail"`
	Reason         string     `json:"reason"`
	Status         string     `json:"status"`
	DecidedBy      string     `json:"decidedBy,omitempty"`
	Note           string     `json:"note,omitempty"`
	ExpiresAt      *time.Time `json:"expiresAt,omitempty"`
	CreatedAt      time.Time  `json:"createdAt"`
}

func toGrantDTO(g services.CustodyGrant, now time.Time) grantDTO {
	d := grantDTO{ID: g.ID, CaseID: g.CaseID, TrackingCode: g.TrackingCode, RequesterID: g.RequesterID,
		RequesterEmail: g.RequesterEmail, Reason: g.Reason, Status: g.Status, DecidedBy: g.DecidedBy, Note: g.Note, CreatedAt: g.CreatedAt}
	if g.Status == services.GrantApproved {
		exp := g.ExpiresAt
		d.ExpiresAt = &exp
		if g.Expired(now) {
			d.Status = "expired"
		}
	}
	return d
}

type custodyRequest struct {
	Reason string `json:"reason"`
}

func (s *Server) requestCustody(c *gin.Context) {
	var in custodyRequest
	if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	g, err := s.custody.Request(c.Request.Context(), actorOf(c), c.Param("id"), in.Reason)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Header("Location", "/api/v1/custody/"+g.ID)
	c.JSON(http.StatusCreated, toGrantDTO(g, s.custody.Now()))
}

func (s *Server) listCustody(c *gin.Context) {
	gs, err := s.custody.List(c.Request.Context(), actorOf(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
	out := make([]grantDTO, len(gs))
	for i, g := range gs {
		out[i] = toGrantDTO(g, s.custody.Now())
	}
	c.JSON(http.StatusOK, out)
}

type decisionRequest struct {
	Approve bool   `json:"approve"`
	Note    string `json:"note"`
}

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
	c.JSON(http.StatusOK, toGrantDTO(g, s.custody.Now()))
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

type transitionRequest struct {
	To            services.Status `json:"to"`
	Reason        string          `json:"reason"`
	TransferTo    string          `json:"transferTo"`
	Outcome       string          `json:"outcome"`
	Actions       string          `json:"actions"`
	Reply         string          `json:"reply"`
	PublicSummary string          `json:"publicSummary"`
}

type transitionResponse struct {
	ID      string          `json:"id"`
	Status  services.Status `json:"status"`
	Version int64           `json:"version"`
}

// transitionCase moves a report through the status machine.
func (s *Server) transitionCase(c *gin.Context) {
	var in transitionRequest
	if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	r, err := s.workflow.Transition(c.Request.Context(), actorOf(c), c.Param("id"), services.TransitionInput{To: in.To,
		Reason: in.Reason, TransferTo: in.TransferTo, Outcome: in.Outcome, Actions: in.Actions, Reply: in.Reply, PublicSummary: in.PublicSummary})
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, transitionResponse{ID: r.ID, Status: r.Status, Version: r.Version})
}
