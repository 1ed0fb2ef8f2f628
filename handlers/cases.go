package handlers

import (
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
	Channel      string          `json:"channel"`
	Status       services.Status `json:"status"`
	AssigneeID   string          `json:"assigneeId,omitempty"`
	AssigneeName string          `json:"assigneeName,omitempty"`
	SubmittedAt  time.Time       `json:"submittedAt"`
	DueAt        *time.Time      `json:"dueAt,omitempty"`
	Overdue      bool            `json:"overdue"`
	DueSoon      bool            `json:"dueSoon"`
}

type queueResponse struct {
	Items      []queueItem             `json:"items"`
	NextCursor *string                 `json:"nextCursor"`
	Sort       string                  `json:"sort"`
	Counts     map[services.Status]int `json:"counts"`
}

// listCases is the actor's unit queue: filters (status, kind, category,
// area, assignee — an id, or "me" —, office, overdue, q for text), sort
// (due, submitted or status, "-" first for descending; nearest due date
// first by default), cursor pagination, counts per status.
func (s *Server) listCases(c *gin.Context) {
	after, err := services.DecodeQueueCursor(c.Query("cursor"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	sort, err := services.ParseQueueSort(c.Query("sort"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	limit, _ := strconv.Atoi(c.Query("limit"))
	f := services.QueueFilter{Status: services.Status(c.Query("status")), Kind: services.Kind(c.Query("kind")),
		Category: c.Query("category"), AreaCode: c.Query("area"), AssigneeID: c.Query("assignee"), Office: c.Query("office"),
		Overdue: c.Query("overdue") == "true", Text: c.Query("q")}
	if f.AssigneeID == "me" {
		f.AssigneeID, f.Mine = "", true
	}
	page, err := s.queue.List(c.Request.Context(), actorOf(c), f, sort, after, limit)
	if err != nil {
		s.writeError(c, err)
		return
	}
	out := queueResponse{Items: make([]queueItem, len(page.Items)), Sort: page.Sort.String(), Counts: page.Counts}
	for i, r := range page.Items {
		out.Items[i] = queueItem{ID: r.ID, TrackingCode: r.TrackingCode, Kind: r.Kind, Category: r.Category, Title: r.Title,
			Office: r.Office, Channel: services.ChannelOf(r.Case), Status: r.Status, AssigneeID: r.AssigneeID, AssigneeName: r.AssigneeName, SubmittedAt: r.CreatedAt,
			DueAt: optionalTime(r.Due), Overdue: r.Overdue, DueSoon: r.DueSoon}
	}
	if page.Next != nil {
		next := page.Next.Encode()
		out.NextCursor = &next
	}
	c.JSON(http.StatusOK, out)
}

// optionalTime is t, or nil (left out of the JSON) when t is zero.
func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

type staffEventDTO struct {
	Type   services.EventType `json:"type"`
	At     time.Time          `json:"at"`
	Actor  string             `json:"actor"`
	Status services.Status    `json:"status,omitempty"`
	Note   string             `json:"note,omitempty"`
	Ref    string             `json:"ref,omitempty"`
	Public bool               `json:"public"`
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
	return extensionDTO{ID: e.ID, Days: e.Days, Reason: e.Reason, RequestedBy: e.RequestedBy, RequestedAt: e.RequestedAt,
		Status: e.Status, DecidedBy: e.DecidedBy, Note: e.Note, DecidedAt: optionalTime(e.DecidedAt)}
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

func toStaffMessageDTO(m services.Message) staffMessageDTO {
	return staffMessageDTO{ID: m.ID, From: m.From, AuthorID: m.AuthorID, Text: m.Text, At: m.At}
}

// capabilitiesDTO is what the caller may do to the report now (besides
// the status moves in allowedTransitions); the web app shows exactly that.
type capabilitiesDTO struct {
	Assign                bool `json:"assign"`
	Reroute               bool `json:"reroute"`
	Note                  bool `json:"note"`
	Message               bool `json:"message"`
	Propose               bool `json:"propose"`
	Publish               bool `json:"publish"`
	Extend                bool `json:"extend"`
	DecideExtensions      bool `json:"decideExtensions"`
	Recommend             bool `json:"recommend"`
	AnswerRecommendations bool `json:"answerRecommendations"`
	RequestCustody        bool `json:"requestCustody"`
	Identity              bool `json:"identity"`
	RequestOriginals      bool `json:"requestOriginals"`
	Originals             bool `json:"originals"`
}

// caseDTO is the report page as staff and monitors see it
// (services.CasePage): never the identity (only whether there is one),
// evidence as metadata (files are served through the attachment route).
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
	Channel               string            `json:"channel"`
	FiledBy               string            `json:"filedBy,omitempty"`
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
	Can                   capabilitiesDTO   `json:"can"`
	// CustodyUntil is when the caller's identity custody grant ends
	// (identity custody holders only).
	CustodyUntil *time.Time `json:"custodyUntil,omitempty"`
	// OriginalsUntil is when the caller's access to the original files
	// ends (can.originals only); OriginalsRequestedAt when the caller's
	// request to open them, still waiting for a lead, was made.
	OriginalsUntil       *time.Time     `json:"originalsUntil,omitempty"`
	OriginalsRequestedAt *time.Time     `json:"originalsRequestedAt,omitempty"`
	Proposal             *proposalDTO   `json:"proposal,omitempty"`
	Extensions           []extensionDTO `json:"extensions"`
	Rating               *citizenRating `json:"rating,omitempty"`
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

func toCaseDTO(p services.CasePage) caseDTO {
	c := p.Case
	d := caseDTO{ID: c.ID, TrackingCode: c.TrackingCode, Kind: c.Kind, AnonymousDenunciation: c.AnonymousDenunciation,
		Category: c.Category, Title: c.Title, Description: c.Description, IncidentDate: c.IncidentDate, AreaCode: c.AreaCode,
		Place: c.Place, Office: c.Office, Counter: c.Counter, Procedure: c.Procedure, DossierNumber: c.DossierNumber,
		Officials: c.Officials, Named: c.HasIdentity, Channel: services.ChannelOf(c), FiledBy: c.FiledBy, Status: c.Status, UnitID: c.UnitID, FrontUnitID: c.FrontUnitID,
		AssigneeID: c.AssigneeID, SubmittedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, Version: c.Version,
		Round: c.RoundOf(), Complex: c.Complex, Overdue: p.Overdue, AllowedTransitions: p.AllowedTransitions,
		Can: capabilitiesDTO(p.Can), UnitName: p.UnitName, FrontUnitName: p.FrontUnitName,
		Timeline: []staffEventDTO{}, Messages: []staffMessageDTO{}, Attachments: attachmentDTOs(c.Attachments),
		Recommendations: []recommendationDTO{}, Extensions: []extensionDTO{}, Clocks: clockDTOs(p.Clocks),
		People: map[string]staffNameDTO{}, Assignable: []staffNameDTO{}, CustodyUntil: optionalTime(p.CustodyUntil),
		OriginalsUntil: optionalTime(p.OriginalsUntil), OriginalsRequestedAt: optionalTime(p.OriginalsRequestedAt)}
	for i := range d.Attachments {
		d.Attachments[i].OriginalName = p.OriginalNames[d.Attachments[i].ID]
	}
	for _, e := range c.Extensions {
		d.Extensions = append(d.Extensions, toExtensionDTO(e))
	}
	if pr := c.Proposal; pr != nil {
		d.Proposal = &proposalDTO{Result: pr.Result, Actions: pr.Actions, Reply: pr.Reply, PublicSummary: pr.PublicSummary,
			ProposedBy: pr.ProposedBy, ProposedAt: pr.ProposedAt}
	}
	if c.AppealOf != "" {
		d.AppealOf = &caseLink{ID: c.AppealOf, TrackingCode: p.AppealOfCode}
	}
	if c.AppealID != "" {
		d.Appeal = &caseLink{ID: c.AppealID, TrackingCode: p.AppealCode}
	}
	if r := c.Rating; r != nil {
		d.Rating = &citizenRating{Rating: r.Stars, Comment: r.Comment, At: r.At}
	}
	for _, r := range p.Recommendations {
		d.Recommendations = append(d.Recommendations, toRecommendationDTO(r))
	}
	if o := c.Outcome; o != nil {
		d.Outcome = &outcomeDTO{Result: o.Result, Actions: o.Actions, Reply: o.Reply, PublicSummary: o.PublicSummary, ConcludedAt: o.ConcludedAt,
			Published: o.Published}
		if o.Published {
			d.Outcome.PublishedAt = optionalTime(o.PublishedAt)
		}
	}
	for _, e := range c.Timeline {
		d.Timeline = append(d.Timeline, staffEventDTO{Type: e.Type, At: e.At, Actor: e.Actor, Status: e.Status, Note: e.Note, Ref: e.Ref, Public: e.Public})
	}
	for _, m := range c.Messages {
		d.Messages = append(d.Messages, toStaffMessageDTO(m))
	}
	for id, n := range p.People {
		d.People[id] = staffNameDTO(n)
	}
	for _, n := range p.Assignable {
		d.Assignable = append(d.Assignable, staffNameDTO(n))
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
		out = append(out, clockDTO{Name: k.Name, Start: k.Start, Due: k.Due, Overdue: k.Overdue, Stopped: optionalTime(k.Stopped)})
	}
	return out
}

// getCase returns one report's page for staff of its unit or monitors of
// its committee.
func (s *Server) getCase(c *gin.Context) {
	p, err := s.workflow.CasePage(c.Request.Context(), actorOf(c), c.Param("id"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toCaseDTO(p))
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

// changedResponse answers a change of a report with where it now stands.
type changedResponse struct {
	ID      string          `json:"id"`
	Status  services.Status `json:"status"`
	Version int64           `json:"version"`
}

func changed(r services.Case) changedResponse {
	return changedResponse{ID: r.ID, Status: r.Status, Version: r.Version}
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
	c.JSON(http.StatusOK, changed(r))
}

type textRequest struct {
	Text string `json:"text"`
}

// addCaseNote adds an internal note and answers with the report's page.
func (s *Server) addCaseNote(c *gin.Context) {
	var in textRequest
	if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	p, err := s.workflow.AddNote(c.Request.Context(), actorOf(c), c.Param("id"), in.Text)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, toCaseDTO(p))
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
	c.JSON(http.StatusCreated, toStaffMessageDTO(m))
}

type assignRequest struct {
	AssigneeID string `json:"assigneeId"`
}

// assignCase gives the report to an inspector or lead of its unit and
// answers with the report's page.
func (s *Server) assignCase(c *gin.Context) {
	var in assignRequest
	if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	p, err := s.workflow.Assign(c.Request.Context(), actorOf(c), c.Param("id"), in.AssigneeID)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toCaseDTO(p))
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
	c.JSON(http.StatusOK, changed(r))
}

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
	c.JSON(http.StatusOK, changed(r))
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
	c.JSON(http.StatusOK, changed(r))
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

type decisionRequest struct {
	Approve bool   `json:"approve"`
	Note    string `json:"note"`
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

// auditEventDTO is one link; a redacted one (an event the caller's page
// leaves out) has only seq, type "redacted", prevHash and hash.
type auditEventDTO struct {
	Seq      int64             `json:"seq"`
	At       *time.Time        `json:"at,omitempty"`
	Actor    string            `json:"actor,omitempty"`
	Type     string            `json:"type"`
	Data     map[string]string `json:"data,omitempty"`
	PrevHash string            `json:"prevHash"`
	Hash     string            `json:"hash"`
	Redacted bool              `json:"redacted,omitempty"`
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
		out.Events[i] = auditEventDTO{Seq: e.Seq, Actor: e.Actor, Type: e.Type, Data: e.Data, PrevHash: e.PrevHash, Hash: e.Hash,
			Redacted: e.Type == services.AuditRedacted}
		if !e.At.IsZero() {
			out.Events[i].At = &e.At
		}
	}
	c.JSON(http.StatusOK, out)
}
