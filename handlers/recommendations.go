package handlers

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"minhbach/services"
)

type recommendationRequest struct {
	Text     string `json:"text"`
	AnswerBy string `json:"answerBy"`
}

type recommendationDTO struct {
	ID         string     `json:"id"`
	CaseID     string     `json:"caseId,omitempty"`
	Tracking   string     `json:"trackingCode,omitempty"`
	AuthorID   string     `json:"authorId"`
	Text       string     `json:"text"`
	AnswerBy   string     `json:"answerBy"`
	CreatedAt  time.Time  `json:"createdAt"`
	Answer     string     `json:"answer,omitempty"`
	AnsweredAt *time.Time `json:"answeredAt,omitempty"`
	Overdue    bool       `json:"overdue"`
}

func toRecommendationDTO(r services.CaseRecommendation) recommendationDTO {
	d := recommendationDTO{ID: r.ID, CaseID: r.CaseID, Tracking: r.TrackingCode, AuthorID: r.AuthorID, Text: r.Text,
		AnswerBy: r.AnswerBy, CreatedAt: r.CreatedAt, Answer: r.Answer, Overdue: r.Overdue}
	if r.Answer != "" {
		d.AnsweredAt = optionalTime(r.AnsweredAt)
	}
	return d
}

func recommendationDTOs(list []services.CaseRecommendation) []recommendationDTO {
	out := make([]recommendationDTO, len(list))
	for i, r := range list {
		out[i] = toRecommendationDTO(r)
	}
	return out
}

// recommend files a Front recommendation on a report (monitors).
func (s *Server) recommend(c *gin.Context) {
	var in recommendationRequest
	if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	r, err := s.workflow.Recommend(c.Request.Context(), actorOf(c), c.Param("id"), in.Text, in.AnswerBy)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, toRecommendationDTO(services.CaseRecommendation{Recommendation: r}))
}

type answerRequest struct {
	Answer string `json:"answer"`
}

// answerRecommendation records the unit's answer.
func (s *Server) answerRecommendation(c *gin.Context) {
	var in answerRequest
	if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	r, err := s.workflow.AnswerRecommendation(c.Request.Context(), actorOf(c), c.Param("id"), c.Param("rid"), in.Answer)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toRecommendationDTO(services.CaseRecommendation{Recommendation: r}))
}

// listRecommendations lists the recommendations of the actor's committee
// or unit in one state (?state=open|answered|overdue|all).
func (s *Server) listRecommendations(c *gin.Context) {
	list, err := s.workflow.ListRecommendations(c.Request.Context(), actorOf(c), c.Query("state"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, itemList[recommendationDTO]{Items: recommendationDTOs(list)})
}

// overdueRecommendations lists unanswered recommendations past their date.
func (s *Server) overdueRecommendations(c *gin.Context) {
	list, err := s.workflow.OverdueRecommendations(c.Request.Context(), actorOf(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, itemList[recommendationDTO]{Items: recommendationDTOs(list)})
}
