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
	TrackingCode          string          `json:"trackingCode"`
	Receipt               string          `json:"receipt"`
	Kind                  services.Kind   `json:"kind"`
	AnonymousDenunciation bool            `json:"anonymousDenunciation"`
	SubmittedAt           time.Time       `json:"submittedAt"`
	ContentHash           string          `json:"contentHash"`
	ReceiptURL            string          `json:"receiptUrl"`
	Token                 string          `json:"token"`
	TokenExpiresAt        time.Time       `json:"tokenExpiresAt"`
	Attachments           []attachmentDTO `json:"attachments"`
}

// createComplaint files a citizen's report: a JSON body, or multipart with
// a "complaint" JSON part followed by "files" parts streamed to storage.
func (s *Server) createComplaint(c *gin.Context) {
	var in complaintRequest
	var files services.FileSource
	if isMultipart(c) {
		mr, err := multipartReader(c)
		if err != nil {
			s.writeError(c, err)
			return
		}
		if err := readJSONPart(mr, "complaint", s.maxJSON, &in); err != nil {
			s.writeError(c, err)
			return
		}
		files = &partSource{mr: mr}
	} else if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	ctx := c.Request.Context()
	res, err := s.intake.Submit(ctx, services.SubmitRequest{Input: in.input(), Files: files,
		IdempotencyKey: c.GetHeader("Idempotency-Key")})
	if err != nil {
		s.writeError(c, err)
		return
	}
	if res.Replayed {
		c.Header("Idempotent-Replayed", "true")
	}
	writeFiled(c, res)
}

// writeFiled answers a new report (filed, or opened by an appeal) with its
// tracking code and receipt, shown this once, and the session the citizen
// is signed in with, so that the receipt page can fetch the proof of
// filing at once.
func writeFiled(c *gin.Context, res services.SubmitResult) {
	c.Header("Location", "/api/v1/track")
	c.JSON(http.StatusCreated, complaintResponse{
		TrackingCode: res.TrackingCode, Receipt: res.Receipt, Kind: res.Kind,
		AnonymousDenunciation: res.AnonymousDenunciation, SubmittedAt: res.SubmittedAt.UTC(), ContentHash: res.ContentHash,
		ReceiptURL: "/api/v1/track/receipt.pdf", Token: res.Token, TokenExpiresAt: res.TokenExpiresAt, Attachments: attachmentDTOs(res.Attachments),
	})
}
