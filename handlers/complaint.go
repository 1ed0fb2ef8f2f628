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
	files, ok := s.readComplaint(c, &in)
	if !ok {
		return
	}
	res, err := s.intake.Submit(c.Request.Context(), services.SubmitRequest{Input: in.input(), Files: files,
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

// readComplaint reads a report into dst from a JSON body, or from the
// "complaint" JSON part of a multipart body whose "files" parts follow
// (then the files are returned, to be streamed). It has answered when it
// returns false.
func (s *Server) readComplaint(c *gin.Context, dst any) (services.FileSource, bool) {
	if !isMultipart(c) {
		if err := bindJSON(c, dst); err != nil {
			s.writeError(c, err)
			return nil, false
		}
		return nil, true
	}
	mr, err := multipartReader(c)
	if err == nil {
		err = readJSONPart(mr, "complaint", s.maxJSON, dst)
	}
	if err != nil {
		s.writeError(c, err)
		return nil, false
	}
	return &partSource{mr: mr}, true
}

// onBehalfRequest is a report a staff member keys in for a citizen: the
// web form's fields and the channel it came by.
type onBehalfRequest struct {
	complaintRequest
	Channel string `json:"channel"`
}

// onBehalfResponse is what the staff member prints on the citizen's slip:
// the tracking code and receipt (shown this once) and the signed proof of
// filing. It signs nobody in: the staff member is not the citizen.
type onBehalfResponse struct {
	ID                    string          `json:"id"`
	TrackingCode          string          `json:"trackingCode"`
	Receipt               string          `json:"receipt"`
	Kind                  services.Kind   `json:"kind"`
	AnonymousDenunciation bool            `json:"anonymousDenunciation"`
	Channel               string          `json:"channel"`
	SubmittedAt           time.Time       `json:"submittedAt"`
	ContentHash           string          `json:"contentHash"`
	ProofURL              string          `json:"proofUrl"`
	Attachments           []attachmentDTO `json:"attachments"`
}

// fileOnBehalf files a report an inspector or lead took from a citizen at
// a reception day, on the hotline or from a letter (docs/intake.md).
func (s *Server) fileOnBehalf(c *gin.Context) {
	var in onBehalfRequest
	files, ok := s.readComplaint(c, &in)
	if !ok {
		return
	}
	res, err := s.intake.FileOnBehalf(c.Request.Context(), actorOf(c), in.Channel, services.SubmitRequest{Input: in.input(), Files: files,
		IdempotencyKey: c.GetHeader("Idempotency-Key")})
	if err != nil {
		s.writeError(c, err)
		return
	}
	if res.Replayed {
		c.Header("Idempotent-Replayed", "true")
	}
	c.Header("Location", "/api/v1/cases/"+res.ID)
	c.JSON(http.StatusCreated, onBehalfResponse{ID: res.ID, TrackingCode: res.TrackingCode, Receipt: res.Receipt, Kind: res.Kind,
		AnonymousDenunciation: res.AnonymousDenunciation, Channel: in.Channel, SubmittedAt: res.SubmittedAt.UTC(), ContentHash: res.ContentHash,
		ProofURL: "/api/v1/cases/" + res.ID + "/proof.pdf", Attachments: attachmentDTOs(res.Attachments)})
}

// getCaseProof serves a report's signed proof of filing to the staff who
// may see the report (the slip of a report filed on a citizen's behalf).
// It holds no secret: the tracking code, the content's hash and the files'
// hashes.
func (s *Server) getCaseProof(c *gin.Context) {
	pdf, err := s.tracking.StaffProof(c.Request.Context(), actorOf(c), c.Param("id"), s.verifyPageURL(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="minh-bach-proof-of-filing.pdf"`)
	c.Data(http.StatusOK, "application/pdf", pdf)
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
