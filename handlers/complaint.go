package handlers

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"minhbach/services"
)

// complaintRequest is a report as a client may send it. It has no status,
// id, timestamps or tracking code: those fields are refused as unknown.
type complaintRequest struct {
	Kind          string           `json:"kind"`
	Category      string           `json:"category"`
	Title         string           `json:"title"`
	Description   string           `json:"description"`
	IncidentDate  string           `json:"incidentDate"`
	AreaCode      string           `json:"areaCode"`
	Place         string           `json:"place"`
	Office        string           `json:"office"`
	Counter       string           `json:"counter"`
	Procedure     string           `json:"procedure"`
	DossierNumber string           `json:"dossierNumber"`
	Officials     string           `json:"officials"`
	Language      string           `json:"language"`
	Anonymous     bool             `json:"anonymous"`
	Identity      *identityRequest `json:"identity"`
}

type identityRequest struct {
	Name       string `json:"name"`
	Phone      string `json:"phone"`
	Email      string `json:"email"`
	Address    string `json:"address"`
	NationalID string `json:"nationalId"`
}

func (r complaintRequest) input() services.SubmitInput {
	in := services.SubmitInput{
		Kind: services.Kind(r.Kind), Category: r.Category, Title: r.Title, Description: r.Description,
		IncidentDate: r.IncidentDate, AreaCode: r.AreaCode, Place: r.Place, Office: r.Office, Counter: r.Counter,
		Procedure: r.Procedure, DossierNumber: r.DossierNumber, Officials: r.Officials, Language: r.Language,
		Anonymous: r.Anonymous,
	}
	if r.Identity != nil {
		in.Identity = &services.IdentityInput{Name: r.Identity.Name, Phone: r.Identity.Phone, Email: r.Identity.Email,
			Address: r.Identity.Address, NationalID: r.Identity.NationalID}
	}
	return in
}

type complaintResponse struct {
	TrackingCode          string        `json:"trackingCode"`
	Receipt               string        `json:"receipt"`
	Kind                  services.Kind `json:"kind"`
	AnonymousDenunciation bool          `json:"anonymousDenunciation"`
	SubmittedAt           time.Time     `json:"submittedAt"`
	ContentHash           string        `json:"contentHash"`
}

// createComplaint files a citizen's report.
func (s *Server) createComplaint(c *gin.Context) {
	var in complaintRequest
	if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	res, err := s.intake.Submit(c.Request.Context(), in.input())
	if err != nil {
		s.writeError(c, err)
		return
	}
	// The citizen's own view of the report, opened with the tracking code
	// and receipt through /api/v1/track/session.
	c.Header("Location", "/api/v1/track")
	c.JSON(http.StatusCreated, complaintResponse{
		TrackingCode: res.TrackingCode, Receipt: res.Receipt, Kind: res.Kind,
		AnonymousDenunciation: res.AnonymousDenunciation, SubmittedAt: res.SubmittedAt.UTC(), ContentHash: res.ContentHash,
	})
}
