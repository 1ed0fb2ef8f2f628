package handlers

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"minhbach/services"
)

const caseIDKey = "citizenCase"

// citizenAuth admits requests with a valid citizen token and remembers the
// one report it opens.
func (s *Server) citizenAuth(c *gin.Context) {
	h := c.GetHeader("Authorization")
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		s.writeError(c, services.Errorf(services.ReasonTrackSignIn, "Sign in with your tracking code and receipt."))
		return
	}
	id, err := s.tracking.Authenticate(c.Request.Context(), strings.TrimSpace(token))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Set(caseIDKey, id)
	c.Next()
}

type sessionRequest struct {
	TrackingCode string `json:"trackingCode"`
	Receipt      string `json:"receipt"`
}

type sessionResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// createTrackSession opens a citizen session with code + receipt. The
// client address only keys an in-memory failure counter; it is not stored.
func (s *Server) createTrackSession(c *gin.Context) {
	var in sessionRequest
	if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	token, exp, err := s.tracking.OpenSession(c.Request.Context(), in.TrackingCode, in.Receipt, c.ClientIP())
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, sessionResponse{Token: token, ExpiresAt: exp})
}

type timelineDTO struct {
	Type   services.EventType `json:"type"`
	At     time.Time          `json:"at"`
	Status services.Status    `json:"status,omitempty"`
	Actor  services.Party     `json:"actor"`
	Note   string             `json:"note,omitempty"`
}

type messageDTO struct {
	ID          string          `json:"id"`
	From        string          `json:"from"`
	Text        string          `json:"text"`
	At          time.Time       `json:"at"`
	Attachments []attachmentDTO `json:"attachments"`
}

type trackView struct {
	TrackingCode          string          `json:"trackingCode"`
	Kind                  services.Kind   `json:"kind"`
	AnonymousDenunciation bool            `json:"anonymousDenunciation"`
	Category              string          `json:"category"`
	Title                 string          `json:"title"`
	Description           string          `json:"description"`
	Status                services.Status `json:"status"`
	SubmittedAt           time.Time       `json:"submittedAt"`
	UpdatedAt             time.Time       `json:"updatedAt"`
	ContentHash           string          `json:"contentHash"`
	Timeline              []timelineDTO   `json:"timeline"`
	Messages              []messageDTO    `json:"messages"`
	Attachments           []attachmentDTO `json:"attachments"`
	CanWithdraw           bool            `json:"canWithdraw"`
	Clocks                []clockDTO      `json:"clocks"`
	Outcome               *citizenOutcome `json:"outcome,omitempty"`
	Round                 int             `json:"round"`
	// AppealOf and Appeal are the tracking codes of the linked reports.
	AppealOf  string `json:"appealOf,omitempty"`
	Appeal    string `json:"appeal,omitempty"`
	CanRate   bool   `json:"canRate"`
	CanAppeal bool   `json:"canAppeal"`
	// CanMessage and CanAddEvidence: the citizen may still write to the
	// unit and add files.
	CanMessage     bool           `json:"canMessage"`
	CanAddEvidence bool           `json:"canAddEvidence"`
	Rating         *citizenRating `json:"rating,omitempty"`
}

type citizenRating struct {
	Rating  int       `json:"rating"`
	Comment string    `json:"comment,omitempty"`
	At      time.Time `json:"at"`
}

// citizenOutcome is the conclusion as the citizen sees it: the result and
// the reply, not the internal actions.
type citizenOutcome struct {
	Result      string    `json:"result"`
	Reply       string    `json:"reply,omitempty"`
	ConcludedAt time.Time `json:"concludedAt"`
}

// toTrackView maps the citizen's page (services.CitizenPage, where what the
// citizen may see is decided) to its JSON.
func toTrackView(p services.CitizenPage) trackView {
	v := trackView{TrackingCode: p.TrackingCode, Kind: p.Kind, AnonymousDenunciation: p.AnonymousDenunciation,
		Category: p.Category, Title: p.Title, Description: p.Description, Status: p.Status, SubmittedAt: p.SubmittedAt,
		UpdatedAt: p.UpdatedAt, ContentHash: p.ContentHash, CanWithdraw: p.CanWithdraw, CanRate: p.CanRate, CanAppeal: p.CanAppeal,
		CanMessage: p.CanMessage, CanAddEvidence: p.CanAddEvidence,
		Timeline: make([]timelineDTO, len(p.Timeline)), Messages: make([]messageDTO, len(p.Messages)),
		Attachments: attachmentDTOs(p.Attachments), Clocks: clockDTOs(p.Clocks), Round: p.Round, AppealOf: p.AppealOf, Appeal: p.Appeal}
	if r := p.Rating; r != nil {
		v.Rating = &citizenRating{Rating: r.Stars, Comment: r.Comment, At: r.At}
	}
	if o := p.Outcome; o != nil {
		v.Outcome = &citizenOutcome{Result: o.Result, Reply: o.Reply, ConcludedAt: o.ConcludedAt}
	}
	for i, e := range p.Timeline {
		v.Timeline[i] = timelineDTO{Type: e.Type, At: e.At, Status: e.Status, Actor: e.Actor, Note: e.Note}
	}
	for i, m := range p.Messages {
		v.Messages[i] = messageDTO{ID: m.ID, From: m.From, Text: m.Text, At: m.At, Attachments: attachmentDTOs(m.Attachments)}
	}
	return v
}

// getTrack returns the citizen's report.
func (s *Server) getTrack(c *gin.Context) {
	p, err := s.tracking.Page(c.Request.Context(), c.GetString(caseIDKey))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toTrackView(p))
}

// createTrackMessage adds the citizen's message: JSON, or multipart with a
// "message" JSON part and up to 5 "files".
func (s *Server) createTrackMessage(c *gin.Context) {
	var in textRequest
	var files services.FileSource
	if isMultipart(c) {
		mr, err := multipartReader(c)
		if err != nil {
			s.writeError(c, err)
			return
		}
		if err := readJSONPart(mr, "message", s.maxJSON, &in); err != nil {
			s.writeError(c, err)
			return
		}
		files = &partSource{mr: mr}
	} else if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	m, atts, err := s.tracking.SendMessage(c.Request.Context(), c.GetString(caseIDKey), in.Text, files)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, messageDTO{ID: m.ID, From: m.From, Text: m.Text, At: m.At, Attachments: attachmentDTOs(atts)})
}

type attachmentsResponse struct {
	Attachments []attachmentDTO `json:"attachments"`
}

// createTrackAttachments adds evidence to the citizen's report.
func (s *Server) createTrackAttachments(c *gin.Context) {
	if !isMultipart(c) {
		s.writeError(c, services.Errorf(services.ReasonWrongType, "Send files as multipart/form-data."))
		return
	}
	mr, err := multipartReader(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	atts, err := s.tracking.AddEvidence(c.Request.Context(), c.GetString(caseIDKey), &partSource{mr: mr})
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, attachmentsResponse{Attachments: attachmentDTOs(atts)})
}

type withdrawRequest struct {
	Reason string `json:"reason"`
}

// withdrawTrack withdraws the citizen's report.
func (s *Server) withdrawTrack(c *gin.Context) {
	var in withdrawRequest
	if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	p, err := s.tracking.Withdraw(c.Request.Context(), c.GetString(caseIDKey), in.Reason)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toTrackView(p))
}

type receiptChangeResponse struct {
	Receipt   string    `json:"receipt"`
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// changeTrackReceipt replaces the citizen's receipt: the new one is shown
// this once, with a session under it; the old receipt and its sessions
// stop working.
func (s *Server) changeTrackReceipt(c *gin.Context) {
	receipt, token, exp, err := s.tracking.ChangeReceipt(c.Request.Context(), c.GetString(caseIDKey))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, receiptChangeResponse{Receipt: receipt, Token: token, ExpiresAt: exp})
}

// getTrackReceipt serves the signed proof of filing, which prints the
// verification page's address (verifyPageURL).
func (s *Server) getTrackReceipt(c *gin.Context) {
	pdf, err := s.tracking.Proof(c.Request.Context(), c.GetString(caseIDKey), s.verifyPageURL(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="minh-bach-proof-of-filing.pdf"`)
	c.Data(http.StatusOK, "application/pdf", pdf)
}

// hostPattern is a Host header fit to print: a name or IPv4 address, or a
// bracketed IPv6 address, with an optional port.
var hostPattern = regexp.MustCompile(`^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$`)

// verifyPageURL is the full address of the public verification page: on
// PORTAL_PUBLIC_URL when it is set, else on the host the request was sent
// to, as sameOrigin reads it (https when the request came over TLS or the
// portal sets Secure cookies). An address the proof cannot print on one
// line (an odd Host header, a very long name) gives "", and the proof names
// the page by its path only.
func (s *Server) verifyPageURL(c *gin.Context) string {
	origin := s.publicOrigin
	if origin == "" {
		scheme := "http"
		if c.Request.TLS != nil || s.secureCookies {
			scheme = "https"
		}
		origin = scheme + "://" + strings.ToLower(c.Request.Host)
	}
	scheme, host, ok := strings.Cut(origin, "://")
	if !ok || (scheme != "http" && scheme != "https") || !hostPattern.MatchString(host) || len(origin+services.VerifyPagePath) > maxVerifyURL {
		return ""
	}
	return origin + services.VerifyPagePath
}

// maxVerifyURL is the longest address a proof prints (internal/proof).
const maxVerifyURL = 90

type verifyResponse struct {
	Valid        bool       `json:"valid"`
	TrackingCode string     `json:"trackingCode,omitempty"`
	SubmittedAt  *time.Time `json:"submittedAt,omitempty"`
	ContentHash  string     `json:"contentHash,omitempty"`
	KeyID        string     `json:"keyId,omitempty"`
}

// verifyReceipt checks an uploaded proof of filing (public).
func (s *Server) verifyReceipt(c *gin.Context) {
	if mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type")); err != nil || mt != "application/pdf" {
		s.writeError(c, services.Errorf(services.ReasonWrongType, "Send the proof of filing as application/pdf."))
		return
	}
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, c.Request.Body); err != nil {
		s.writeError(c, partError(err))
		return
	}
	res, err := s.tracking.VerifyProof(buf.Bytes())
	if err != nil {
		s.writeError(c, err)
		return
	}
	out := verifyResponse{Valid: res.Valid}
	if res.Valid {
		at := res.Filing.SubmittedAt.UTC()
		out.TrackingCode, out.SubmittedAt, out.ContentHash, out.KeyID = res.Filing.TrackingCode, &at, res.Filing.ContentHash, res.KeyID
	}
	c.JSON(http.StatusOK, out)
}

type ratingRequest struct {
	Rating  int    `json:"rating"`
	Comment string `json:"comment"`
}

// rateTrack records the citizen's rating of a concluded report (closing it).
func (s *Server) rateTrack(c *gin.Context) {
	var in ratingRequest
	if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	p, err := s.tracking.Rate(c.Request.Context(), c.GetString(caseIDKey), in.Rating, in.Comment)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toTrackView(p))
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
	writeFiled(c, res)
}
