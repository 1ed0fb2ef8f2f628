package handlers

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"minhbach/services"
)

// API keys of the Open311 clients (docs/intake.md, "Open311"): admins
// issue, name, rate-limit and revoke them; the secret is answered once.

type apiKeyDTO struct {
	ID            string     `json:"id"`
	Name          string     `json:"name"`
	Prefix        string     `json:"prefix"`
	RatePerMinute int        `json:"ratePerMinute"`
	CreatedAt     time.Time  `json:"createdAt"`
	CreatedBy     string     `json:"createdBy"`
	RevokedAt     *time.Time `json:"revokedAt,omitempty"`
	LastUsedAt    *time.Time `json:"lastUsedAt,omitempty"`
	Requests      int64      `json:"requests"`
}

func toAPIKeyDTO(k services.APIKey) apiKeyDTO {
	d := apiKeyDTO{ID: k.ID, Name: k.Name, Prefix: k.Prefix, RatePerMinute: k.RatePerMinute, CreatedAt: k.CreatedAt.UTC(),
		CreatedBy: k.CreatedBy, Requests: k.Requests}
	if !k.RevokedAt.IsZero() {
		t := k.RevokedAt.UTC()
		d.RevokedAt = &t
	}
	if !k.LastUsedAt.IsZero() {
		t := k.LastUsedAt.UTC()
		d.LastUsedAt = &t
	}
	return d
}

type apiKeyListDTO struct {
	Items []apiKeyDTO `json:"items"`
}

type apiKeyIssuedDTO struct {
	Key apiKeyDTO `json:"key"`
	// Secret is the key itself, answered this once and never stored.
	Secret string `json:"secret"`
}

type apiKeyRequest struct {
	Name          *string `json:"name"`
	RatePerMinute *int    `json:"ratePerMinute"`
}

func (s *Server) listAPIKeys(c *gin.Context) {
	keys, err := s.apiKeys.List(c.Request.Context(), actorOf(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
	out := apiKeyListDTO{Items: make([]apiKeyDTO, 0, len(keys))}
	for _, k := range keys {
		out.Items = append(out.Items, toAPIKeyDTO(k))
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) issueAPIKey(c *gin.Context) {
	var in apiKeyRequest
	if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	k, secret, err := s.apiKeys.Issue(c.Request.Context(), actorOf(c), services.APIKeyInput{Name: in.Name, RatePerMinute: in.RatePerMinute})
	if err != nil {
		// A key saved but not audited is refused like every unaudited
		// admin change: nobody learns its secret, so it cannot be used.
		s.writeError(c, err)
		return
	}
	c.Header("Location", "/api/v1/admin/api-keys/"+k.ID)
	c.JSON(http.StatusCreated, apiKeyIssuedDTO{Key: toAPIKeyDTO(k), Secret: secret})
}

func (s *Server) updateAPIKey(c *gin.Context) {
	var in apiKeyRequest
	if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	k, err := s.apiKeys.Update(c.Request.Context(), actorOf(c), c.Param("id"), services.APIKeyInput{Name: in.Name, RatePerMinute: in.RatePerMinute})
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toAPIKeyDTO(k))
}

func (s *Server) revokeAPIKey(c *gin.Context) {
	k, err := s.apiKeys.Revoke(c.Request.Context(), actorOf(c), c.Param("id"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toAPIKeyDTO(k))
}
