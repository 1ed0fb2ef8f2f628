package handlers

import (
	"context"
	"net/http"
	"strconv"
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
	Office       string          `json:"office,omitempty"`
	Status       services.Status `json:"status"`
	AssigneeID   string          `json:"assigneeId,omitempty"`
	SubmittedAt  time.Time       `json:"submittedAt"`
	DueAt        *time.Time      `json:"dueAt,omitempty"`
	Overdue      bool            `json:"overdue"`
}

type queueResponse struct {
	Items      []queueItem             `json:"items"`
	NextCursor *string                 `json:"nextCursor"`
	Counts     map[services.Status]int `json:"counts"`
}

// listCases is the actor's unit queue: filters (status, kind, category,
// area, assignee, overdue, q for text), nearest due date first, cursor
// pagination, counts per status.
func (s *Server) listCases(c *gin.Context) {
	after, err := services.DecodeQueueCursor(c.Query("cursor"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	limit, _ := strconv.Atoi(c.Query("limit"))
	f := services.QueueFilter{Status: services.Status(c.Query("status")), Kind: services.Kind(c.Query("kind")),
		Category: c.Query("category"), AreaCode: c.Query("area"), AssigneeID: c.Query("assignee"), Office: c.Query("office"),
		Overdue: c.Query("overdue") == "true", Text: c.Query("q")}
	page, err := s.queue.List(c.Request.Context(), actorOf(c), f, after, limit)
	if err != nil {
		s.writeError(c, err)
		return
	}
	now := time.Now()
	if s.queue.Now != nil {
		now = s.queue.Now()
	}
	out := queueResponse{Items: make([]queueItem, len(page.Items)), Counts: page.Counts}
	for i, r := range page.Items {
		it := queueItem{ID: r.ID, TrackingCode: r.TrackingCode, Kind: r.Kind, Category: r.Category, Title: r.Title,
			Office: r.Office, Status: r.Status, AssigneeID: r.AssigneeID, SubmittedAt: r.CreatedAt}
		if !r.DueAt.IsZero() && r.DueAt.Before(services.NoDue) {
			due := r.DueAt
			it.DueAt, it.Overdue = &due, due.Before(now)
		}
		out.Items[i] = it
	}
	if page.Next != nil {
		next := page.Next.Encode()
		out.NextCursor = &next
	}
	c.JSON(http.StatusOK, out)
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
	Complex       bool            `json:"complex"`
	// PublishSummary: the concluding lead approves publishing the summary.
	PublishSummary bool `json:"publishSummary"`
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
		Reason: in.Reason, TransferTo: in.TransferTo, Outcome: in.Outcome, Actions: in.Actions, Reply: in.Reply, PublicSummary: in.PublicSummary,
		Complex: in.Complex, PublishSummary: in.PublishSummary})
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, transitionResponse{ID: r.ID, Status: r.Status, Version: r.Version})
}

type staffEventDTO struct {
	Type   string          `json:"type"`
	At     time.Time       `json:"at"`
	Actor  string          `json:"actor"`
	Status services.Status `json:"status,omitempty"`
	Note   string          `json:"note,omitempty"`
	Ref    string          `json:"ref,omitempty"`
	Public bool            `json:"public"`
}

type outcomeDTO struct {
	Result        string     `json:"result"`
	Actions       string     `json:"actions"`
	Reply         string     `json:"reply,omitempty"`
	PublicSummary string     `json:"publicSummary,omitempty"`
	ConcludedAt   time.Time  `json:"concludedAt"`
	Published     bool       `json:"published"`
	PublishedAt   *time.Time `json:"publishedAt,omitempty"`
}

type proposalDTO struct {
	Result        string    `json:"result"`
	Actions       string    `json:"actions"`
	Reply         string    `json:"reply,omitempty"`
	PublicSummary string    `json:"publicSummary,omitempty"`
	ProposedBy    string    `json:"proposedBy"`
	ProposedAt    time.Time `json:"proposedAt"`
}

type extensionDTO struct {
	ID          string     `json:"id"`
	Days        int        `json:"days"`
	Reason      string     `json:"reason"`
	RequestedBy string     `json:"requestedBy"`
	RequestedAt time.Time  `json:"requestedAt"`
	Status      string     `json:"status"`
	DecidedBy   string     `json:"decidedBy,omitempty"`
	DecidedAt   *time.Time `json:"decidedAt,omitempty"`
	Note        string     `json:"note,omitempty"`
}

func toExtensionDTO(e services.CaseExtension) extensionDTO {
	d := extensionDTO{ID: e.ID, Days: e.Days, Reason: e.Reason, RequestedBy: e.RequestedBy, RequestedAt: e.RequestedAt,
		Status: e.Status, DecidedBy: e.DecidedBy, Note: e.Note}
	if !e.DecidedAt.IsZero() {
		at := e.DecidedAt
		d.DecidedAt = &at
	}
	return d
}

type staffNameDTO struct {
	ID   string        `json:"id"`
	Name string        `json:"name"`
	Role services.Role `json:"role"`
}

// caseLink names a linked report (an appeal's round 1 or round 2).
type caseLink struct {
	ID           string `json:"id"`
	TrackingCode string `json:"trackingCode,omitempty"`
}

type staffMessageDTO struct {
	ID       string    `json:"id"`
	From     string    `json:"from"`
	AuthorID string    `json:"authorId,omitempty"`
	Text     string    `json:"text"`
	At       time.Time `json:"at"`
}

// caseDTO is a report as staff and monitors see it: never the identity
// (only whether there is one), evidence as metadata (files are served
// through the attachment route, sanitized unless the caller holds custody).
type caseDTO struct {
	ID                    string            `json:"id"`
	TrackingCode          string            `json:"trackingCode"`
	Kind                  services.Kind     `json:"kind"`
	AnonymousDenunciation bool              `json:"anonymousDenunciation"`
	Category              string            `json:"category"`
	Title                 string            `json:"title"`
	Description           string            `json:"description"`
	IncidentDate          string            `json:"incidentDate,omitempty"`
	AreaCode              string            `json:"areaCode,omitempty"`
	Place                 string            `json:"place,omitempty"`
	Office                string            `json:"office,omitempty"`
	Counter               string            `json:"counter,omitempty"`
	Procedure             string            `json:"procedure,omitempty"`
	DossierNumber         string            `json:"dossierNumber,omitempty"`
	Officials             string            `json:"officials,omitempty"`
	Named                 bool              `json:"named"`
	Status                services.Status   `json:"status"`
	UnitID                string            `json:"unitId"`
	FrontUnitID           string            `json:"frontUnitId"`
	AssigneeID            string            `json:"assigneeId,omitempty"`
	SubmittedAt           time.Time         `json:"submittedAt"`
	UpdatedAt             time.Time         `json:"updatedAt"`
	Version               int64             `json:"version"`
	Outcome               *outcomeDTO       `json:"outcome,omitempty"`
	Round                 int               `json:"round"`
	AppealOf              *caseLink         `json:"appealOf,omitempty"`
	Appeal                *caseLink         `json:"appeal,omitempty"`
	Complex               bool              `json:"complex"`
	Overdue               bool              `json:"overdue"`
	AllowedTransitions    []services.Status `json:"allowedTransitions"`
	Proposal              *proposalDTO      `json:"proposal,omitempty"`
	Extensions            []extensionDTO    `json:"extensions"`
	Rating                *citizenRating    `json:"rating,omitempty"`
	// UnitName and FrontUnitName name the handling unit and the
	// supervising committee.
	UnitName      *services.Text `json:"unitName,omitempty"`
	FrontUnitName *services.Text `json:"frontUnitName,omitempty"`
	// People names the staff the report mentions, by id; Assignable lists
	// whom the caller may assign it to (empty for monitors).
	People          map[string]staffNameDTO `json:"people"`
	Assignable      []staffNameDTO          `json:"assignable"`
	Recommendations []recommendationDTO     `json:"recommendations"`
	Clocks          []clockDTO              `json:"clocks"`
	Timeline        []staffEventDTO         `json:"timeline"`
	Messages        []staffMessageDTO       `json:"messages"`
	Attachments     []attachmentDTO         `json:"attachments"`
}

func toCaseDTO(c services.Case) caseDTO {
	d := caseDTO{ID: c.ID, TrackingCode: c.TrackingCode, Kind: c.Kind, AnonymousDenunciation: c.AnonymousDenunciation,
		Category: c.Category, Title: c.Title, Description: c.Description, IncidentDate: c.IncidentDate, AreaCode: c.AreaCode,
		Place: c.Place, Office: c.Office, Counter: c.Counter, Procedure: c.Procedure, DossierNumber: c.DossierNumber,
		Officials: c.Officials, Named: c.HasIdentity, Status: c.Status, UnitID: c.UnitID, FrontUnitID: c.FrontUnitID,
		AssigneeID: c.AssigneeID, SubmittedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, Version: c.Version,
		Timeline: []staffEventDTO{}, Messages: []staffMessageDTO{}, Attachments: attachmentDTOs(c.Attachments),
		Recommendations: []recommendationDTO{}, Round: c.RoundOf(), Complex: c.Complex, Extensions: []extensionDTO{},
		AllowedTransitions: []services.Status{}}
	for _, e := range c.Extensions {
		d.Extensions = append(d.Extensions, toExtensionDTO(e))
	}
	if p := c.Proposal; p != nil {
		d.Proposal = &proposalDTO{Result: p.Result, Actions: p.Actions, Reply: p.Reply, PublicSummary: p.PublicSummary,
			ProposedBy: p.ProposedBy, ProposedAt: p.ProposedAt}
	}
	if c.AppealOf != "" {
		d.AppealOf = &caseLink{ID: c.AppealOf}
	}
	if r := c.Rating; r != nil {
		d.Rating = &citizenRating{Rating: r.Stars, Comment: r.Comment, At: r.At}
	}
	if c.AppealID != "" {
		d.Appeal = &caseLink{ID: c.AppealID}
	}
	for _, r := range c.Recommendations {
		d.Recommendations = append(d.Recommendations, toRecommendationDTO(r, time.Now()))
	}
	if o := c.Outcome; o != nil {
		d.Outcome = &outcomeDTO{Result: o.Result, Actions: o.Actions, Reply: o.Reply, PublicSummary: o.PublicSummary, ConcludedAt: o.ConcludedAt,
			Published: o.Published}
		if o.Published {
			at := o.PublishedAt
			d.Outcome.PublishedAt = &at
		}
	}
	for _, e := range c.Timeline {
		d.Timeline = append(d.Timeline, staffEventDTO{Type: e.Type, At: e.At, Actor: e.Actor, Status: e.Status, Note: e.Note, Ref: e.Ref, Public: e.Public})
	}
	for _, m := range c.Messages {
		d.Messages = append(d.Messages, staffMessageDTO{ID: m.ID, From: m.From, AuthorID: m.AuthorID, Text: m.Text, At: m.At})
	}
	return d
}

type clockDTO struct {
	Name    string     `json:"name"`
	Start   time.Time  `json:"start"`
	Due     time.Time  `json:"due"`
	Stopped *time.Time `json:"stopped,omitempty"`
	Overdue bool       `json:"overdue"`
}

func clockDTOs(clocks []services.Clock) []clockDTO {
	out := make([]clockDTO, 0, len(clocks))
	for _, k := range clocks {
		d := clockDTO{Name: k.Name, Start: k.Start, Due: k.Due, Overdue: k.Overdue}
		if !k.Stopped.IsZero() {
			st := k.Stopped
			d.Stopped = &st
		}
		out = append(out, d)
	}
	return out
}

// clocksOf computes a report's clocks; without a deadline book there are none.
func clocksOf(ctx context.Context, book *services.DeadlineBook, r services.Case) ([]clockDTO, error) {
	if book == nil {
		return []clockDTO{}, nil
	}
	clocks, err := book.Clocks(ctx, r)
	return clockDTOs(clocks), err
}

// getCase returns one report for staff of its unit or monitors of its committee.
func (s *Server) getCase(c *gin.Context) {
	r, err := s.workflow.CaseView(c.Request.Context(), actorOf(c), c.Param("id"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	d := toCaseDTO(r)
	if d.Clocks, err = clocksOf(c.Request.Context(), s.workflow.Deadlines, r); err != nil {
		s.writeError(c, err)
		return
	}
	for _, k := range d.Clocks {
		d.Overdue = d.Overdue || (k.Overdue && k.Stopped == nil)
	}
	actor := actorOf(c)
	d.AllowedTransitions = append(d.AllowedTransitions, services.AllowedTransitions(r.Status, string(actor.Role))...)
	if s.workflow.Units != nil {
		for _, u := range []struct {
			id   string
			name **services.Text
		}{{r.UnitID, &d.UnitName}, {r.FrontUnitID, &d.FrontUnitName}} {
			if u.id == "" {
				continue
			}
			if unit, err := s.workflow.Units.UnitByID(c.Request.Context(), u.id); err == nil {
				n := unit.Name
				*u.name = &n
			}
		}
	}
	people, err := s.workflow.People(c.Request.Context(), r)
	if err != nil {
		s.writeError(c, err)
		return
	}
	assignable, err := s.workflow.Assignable(c.Request.Context(), actor, r)
	if err != nil {
		s.writeError(c, err)
		return
	}
	d.People, d.Assignable = map[string]staffNameDTO{}, []staffNameDTO{}
	for id, p := range people {
		d.People[id] = staffNameDTO(p)
	}
	for _, p := range assignable {
		d.Assignable = append(d.Assignable, staffNameDTO(p))
	}
	// Linked reports are named by their tracking codes (the staff member
	// may not see the other round when it went to another unit).
	for _, l := range []*caseLink{d.AppealOf, d.Appeal} {
		if l == nil {
			continue
		}
		if other, err := s.workflow.Cases.FindCaseByID(c.Request.Context(), l.ID); err == nil {
			l.TrackingCode = other.TrackingCode
		}
	}
	c.JSON(http.StatusOK, d)
}

type textRequest struct {
	Text string `json:"text"`
}

// addCaseNote adds an internal note.
func (s *Server) addCaseNote(c *gin.Context) {
	var in textRequest
	if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	r, err := s.workflow.AddNote(c.Request.Context(), actorOf(c), c.Param("id"), in.Text)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, toCaseDTO(r))
}

// sendCaseMessage writes to the citizen.
func (s *Server) sendCaseMessage(c *gin.Context) {
	var in textRequest
	if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	m, err := s.workflow.SendMessage(c.Request.Context(), actorOf(c), c.Param("id"), in.Text)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, staffMessageDTO{ID: m.ID, From: m.From, AuthorID: m.AuthorID, Text: m.Text, At: m.At})
}

type assignRequest struct {
	AssigneeID string `json:"assigneeId"`
}

// assignCase gives the report to an inspector or lead of its unit.
func (s *Server) assignCase(c *gin.Context) {
	var in assignRequest
	if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	r, err := s.workflow.Assign(c.Request.Context(), actorOf(c), c.Param("id"), in.AssigneeID)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toCaseDTO(r))
}

type routeRequest struct {
	UnitID      string `json:"unitId"`
	FrontUnitID string `json:"frontUnitId"`
	Reason      string `json:"reason"`
}

// rerouteCase moves the report to another unit (a lead, with a reason).
func (s *Server) rerouteCase(c *gin.Context) {
	var in routeRequest
	if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	r, err := s.workflow.Reroute(c.Request.Context(), actorOf(c), c.Param("id"), in.UnitID, in.FrontUnitID, in.Reason)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, transitionResponse{ID: r.ID, Status: r.Status, Version: r.Version})
}

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

func toRecommendationDTO(r services.Recommendation, now time.Time) recommendationDTO {
	d := recommendationDTO{ID: r.ID, AuthorID: r.AuthorID, Text: r.Text, AnswerBy: r.AnswerBy, CreatedAt: r.CreatedAt,
		Answer: r.Answer, Overdue: r.Overdue(now)}
	if r.Answer != "" {
		at := r.AnsweredAt
		d.AnsweredAt = &at
	}
	return d
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
	c.JSON(http.StatusCreated, toRecommendationDTO(r, s.workflow.Now()))
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
	c.JSON(http.StatusOK, toRecommendationDTO(r, s.workflow.Now()))
}

// overdueRecommendations lists unanswered recommendations past their date.
func (s *Server) overdueRecommendations(c *gin.Context) {
	list, err := s.workflow.OverdueRecommendations(c.Request.Context(), actorOf(c), s.queue.Store)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": s.recommendationDTOs(list)})
}

type auditEventDTO struct {
	Seq      int64             `json:"seq"`
	At       time.Time         `json:"at"`
	Actor    string            `json:"actor"`
	Type     string            `json:"type"`
	Data     map[string]string `json:"data,omitempty"`
	PrevHash string            `json:"prevHash"`
	Hash     string            `json:"hash"`
}

type auditResponse struct {
	Valid    bool            `json:"valid"`
	Events   []auditEventDTO `json:"events"`
	BrokenAt int64           `json:"brokenAt,omitempty"`
	Reason   string          `json:"reason,omitempty"`
}

// getCaseAudit returns a report's hash-chained events and whether the chain
// verifies (or its first broken link).
func (s *Server) getCaseAudit(c *gin.Context) {
	events, res, err := s.workflow.AuditTrail(c.Request.Context(), actorOf(c), c.Param("id"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	out := auditResponse{Valid: res.Valid, BrokenAt: res.BrokenAt, Reason: res.Reason, Events: make([]auditEventDTO, len(events))}
	for i, e := range events {
		out.Events[i] = auditEventDTO{Seq: e.Seq, At: e.At, Actor: e.Actor, Type: e.Type, Data: e.Data, PrevHash: e.PrevHash, Hash: e.Hash}
	}
	c.JSON(http.StatusOK, out)
}

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
	c.JSON(http.StatusOK, gin.H{"items": out})
}
