package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"minhbach/services"
)

type proposalRequest struct {
	Outcome       string `json:"outcome"`
	Actions       string `json:"actions"`
	Reply         string `json:"reply"`
	PublicSummary string `json:"publicSummary"`
}

// proposeConclusion records a proposed conclusion for a lead to approve.
func (s *Server) proposeConclusion(c *gin.Context) {
	var in proposalRequest
	if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	r, err := s.workflow.Propose(c.Request.Context(), actorOf(c), c.Param("id"),
		services.ProposalInput{Outcome: in.Outcome, Actions: in.Actions, Reply: in.Reply, PublicSummary: in.PublicSummary})
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, transitionResponse{ID: r.ID, Status: r.Status, Version: r.Version})
}

type publicationRequest struct {
	PublicSummary string `json:"publicSummary"`
}

// publishSummary approves publishing a concluded report's public summary.
func (s *Server) publishSummary(c *gin.Context) {
	var in publicationRequest
	if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	r, err := s.workflow.PublishSummary(c.Request.Context(), actorOf(c), c.Param("id"), in.PublicSummary)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, transitionResponse{ID: r.ID, Status: r.Status, Version: r.Version})
}

type extensionRequest struct {
	Days   int    `json:"days"`
	Reason string `json:"reason"`
}

// requestExtension asks to extend the resolution deadline.
func (s *Server) requestExtension(c *gin.Context) {
	var in extensionRequest
	if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	e, err := s.workflow.RequestExtension(c.Request.Context(), actorOf(c), c.Param("id"), in.Days, in.Reason)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, toExtensionDTO(e))
}

// decideExtension approves or refuses a pending extension (leads).
func (s *Server) decideExtension(c *gin.Context) {
	var in decisionRequest
	if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	e, err := s.workflow.DecideExtension(c.Request.Context(), actorOf(c), c.Param("id"), c.Param("eid"), in.Approve, in.Note)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toExtensionDTO(e))
}

// listRecommendations lists the recommendations of the actor's committee
// or unit in one state (?state=open|answered|overdue|all).
func (s *Server) listRecommendations(c *gin.Context) {
	list, err := s.workflow.ListRecommendations(c.Request.Context(), actorOf(c), s.queue.Store, c.Query("state"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": s.recommendationDTOs(list)})
}

func (s *Server) recommendationDTOs(list []services.CaseRecommendation) []recommendationDTO {
	now := s.workflow.Now()
	out := make([]recommendationDTO, len(list))
	for i, r := range list {
		out[i] = toRecommendationDTO(r.Recommendation, now)
		out[i].CaseID, out[i].Tracking = r.CaseID, r.TrackingCode
	}
	return out
}

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
}

// listOutcomes is the public feed of published outcomes, newest first.
func (s *Server) listOutcomes(c *gin.Context) {
	after, err := services.DecodeQueueCursor(c.Query("cursor"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	limit, _ := strconv.Atoi(c.Query("limit"))
	out := struct {
		Items      []outcomeItem `json:"items"`
		NextCursor *string       `json:"nextCursor"`
	}{Items: []outcomeItem{}}
	if s.outcomes != nil {
		items, next, err := services.PublishedOutcomes(c.Request.Context(), s.outcomes, after, limit)
		if err != nil {
			s.writeError(c, err)
			return
		}
		for _, o := range items {
			out.Items = append(out.Items, outcomeItem{ID: o.ID, Kind: o.Kind, Category: o.Category, AreaCode: o.AreaCode,
				Office: o.Office, Procedure: o.Procedure, Result: o.Result, Summary: o.Summary, ConcludedAt: o.ConcludedAt, PublishedAt: o.PublishedAt})
		}
		if next != nil {
			n := next.Encode()
			out.NextCursor = &n
		}
	}
	c.Header("Cache-Control", "public, max-age=60")
	c.JSON(http.StatusOK, out)
}

type appealRequest struct {
	Reason string `json:"reason"`
}

// appealTrack opens the round-2 report of the citizen's concluded report and
// returns its own tracking code and receipt (shown this once).
func (s *Server) appealTrack(c *gin.Context) {
	var in appealRequest
	if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	res, err := s.intake.Appeal(c.Request.Context(), c.GetString(caseIDKey), in.Reason)
	if err != nil {
		s.writeError(c, err)
		return
	}
	s.writeFiled(c, res)
}
