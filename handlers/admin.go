package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"minhbach/services"
)

// This file holds the handlers of the administration API, mounted at
// /api/v1/admin (see routes.go). Admins configure the portal; nothing here
// reads report content.

// adminOnly refuses anonymous requests (401) and staff who are not
// administrators (403). The admin group runs it after staffAuth and before
// anything reads a body, so that non-admins get 401/403 whatever they send;
// the services check again.
func (s *Server) adminOnly(c *gin.Context) {
	if err := actorOf(c).RequireAdmin(); err != nil {
		s.writeError(c, err)
		return
	}
	c.Next()
}

// adminCreated answers 201 with the new resource and its Location.
func adminCreated(c *gin.Context, id string, body any) {
	c.Header("Location", c.FullPath()+"/"+id)
	c.JSON(http.StatusCreated, body)
}

// itemList is the answer of the list routes: {"items": [...]}.
type itemList[T any] struct {
	Items []T `json:"items"`
}

func adminListOf[T, U any](xs []T, dto func(T) U) itemList[U] {
	out := itemList[U]{Items: make([]U, 0, len(xs))}
	for _, x := range xs {
		out.Items = append(out.Items, dto(x))
	}
	return out
}

// Units.

type adminUnitDTO struct {
	ID        string        `json:"id"`
	Code      string        `json:"code"`
	Name      services.Text `json:"name"`
	Type      string        `json:"type"`
	AreaCodes []string      `json:"areaCodes"`
	Active    bool          `json:"active"`
	Version   int64         `json:"version"`
	CreatedAt time.Time     `json:"createdAt"`
	UpdatedAt time.Time     `json:"updatedAt"`
}

func toAdminUnit(u services.Unit) adminUnitDTO {
	areas := u.AreaCodes
	if areas == nil {
		areas = []string{}
	}
	return adminUnitDTO{ID: u.ID, Code: u.Code, Name: u.Name, Type: string(u.Type), AreaCodes: areas, Active: u.Active,
		Version: u.Version, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
}

type adminCreateUnitRequest struct {
	Code      string        `json:"code"`
	Name      services.Text `json:"name"`
	Type      string        `json:"type"`
	AreaCodes []string      `json:"areaCodes"`
	Active    *bool         `json:"active"` // default true
}

// adminUpdateUnitRequest changes only the fields given; code and type never
// change.
type adminUpdateUnitRequest struct {
	Name      *services.Text `json:"name"`
	AreaCodes *[]string      `json:"areaCodes"`
	Active    *bool          `json:"active"`
}

// listAllUnits lists every unit, active or not, with its areas (the staff
// route GET /units lists only the active ones).
func (s *Server) listAllUnits(c *gin.Context) {
	us, err := s.org.ListUnits(c.Request.Context(), actorOf(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, adminListOf(us, toAdminUnit))
}

func (s *Server) createUnit(c *gin.Context) {
	var in adminCreateUnitRequest
	if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	u, err := s.org.CreateUnit(c.Request.Context(), actorOf(c), services.Unit{Code: in.Code, Name: in.Name,
		Type: services.UnitType(in.Type), AreaCodes: in.AreaCodes, Active: in.Active == nil || *in.Active})
	if err != nil {
		s.writeError(c, err)
		return
	}
	adminCreated(c, u.ID, toAdminUnit(u))
}

func (s *Server) updateUnit(c *gin.Context) {
	var in adminUpdateUnitRequest
	if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	u, err := s.org.UpdateUnit(c.Request.Context(), actorOf(c), c.Param("id"),
		services.UnitPatch{Name: in.Name, AreaCodes: in.AreaCodes, Active: in.Active})
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toAdminUnit(u))
}

// Areas.

type adminAreaDTO struct {
	Code   string        `json:"code"`
	Parent string        `json:"parent"`
	Level  string        `json:"level"`
	Name   services.Text `json:"name"`
	Remote bool          `json:"remote"`
}

func toAdminArea(a services.Area) adminAreaDTO {
	return adminAreaDTO{Code: a.Code, Parent: a.Parent, Level: a.Level, Name: a.Name, Remote: a.Remote}
}

type adminCreateAreaRequest struct {
	Code   string        `json:"code"`
	Parent string        `json:"parent"`
	Level  string        `json:"level"`
	Name   services.Text `json:"name"`
	Remote bool          `json:"remote"`
}

type adminUpdateAreaRequest struct {
	Parent *string        `json:"parent"`
	Level  *string        `json:"level"`
	Name   *services.Text `json:"name"`
	Remote *bool          `json:"remote"`
}

func (s *Server) listAreas(c *gin.Context) {
	as, err := s.org.ListAreas(c.Request.Context(), actorOf(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, adminListOf(as, toAdminArea))
}

func (s *Server) createArea(c *gin.Context) {
	var in adminCreateAreaRequest
	if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	a, err := s.org.CreateArea(c.Request.Context(), actorOf(c),
		services.Area{Code: in.Code, Parent: in.Parent, Level: in.Level, Name: in.Name, Remote: in.Remote})
	if err != nil {
		s.writeError(c, err)
		return
	}
	adminCreated(c, a.Code, toAdminArea(a))
}

func (s *Server) updateArea(c *gin.Context) {
	var in adminUpdateAreaRequest
	if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	a, err := s.org.UpdateArea(c.Request.Context(), actorOf(c), c.Param("code"),
		services.AreaPatch{Parent: in.Parent, Level: in.Level, Name: in.Name, Remote: in.Remote})
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toAdminArea(a))
}

// Categories.

type adminCategoryDTO struct {
	Code   string        `json:"code"`
	Name   services.Text `json:"name"`
	Order  int           `json:"order"`
	Active bool          `json:"active"`
}

func toAdminCategory(x services.Category) adminCategoryDTO {
	return adminCategoryDTO{Code: x.Code, Name: x.Name, Order: x.Order, Active: x.Active}
}

type adminCreateCategoryRequest struct {
	Code   string        `json:"code"`
	Name   services.Text `json:"name"`
	Order  int           `json:"order"`
	Active *bool         `json:"active"` // default true
}

type adminUpdateCategoryRequest struct {
	Name   *services.Text `json:"name"`
	Order  *int           `json:"order"`
	Active *bool          `json:"active"`
}

func (s *Server) listCategories(c *gin.Context) {
	cs, err := s.org.ListCategories(c.Request.Context(), actorOf(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, adminListOf(cs, toAdminCategory))
}

func (s *Server) createCategory(c *gin.Context) {
	var in adminCreateCategoryRequest
	if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	x, err := s.org.CreateCategory(c.Request.Context(), actorOf(c),
		services.Category{Code: in.Code, Name: in.Name, Order: in.Order, Active: in.Active == nil || *in.Active})
	if err != nil {
		s.writeError(c, err)
		return
	}
	adminCreated(c, x.Code, toAdminCategory(x))
}

func (s *Server) updateCategory(c *gin.Context) {
	var in adminUpdateCategoryRequest
	if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	x, err := s.org.UpdateCategory(c.Request.Context(), actorOf(c), c.Param("code"),
		services.CategoryPatch{Name: in.Name, Order: in.Order, Active: in.Active})
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toAdminCategory(x))
}

// Routing rules.

type adminRuleDTO struct {
	ID               string    `json:"id"`
	Category         string    `json:"category"`
	AreaCode         string    `json:"areaCode"`
	InspectionUnitID string    `json:"inspectionUnitId"`
	FrontUnitID      string    `json:"frontUnitId"`
	Note             string    `json:"note"`
	CreatedAt        time.Time `json:"createdAt"`
}

func toAdminRule(r services.RoutingRule) adminRuleDTO {
	return adminRuleDTO{ID: r.ID, Category: r.Category, AreaCode: r.AreaCode, InspectionUnitID: r.InspectionUnitID,
		FrontUnitID: r.FrontUnitID, Note: r.Note, CreatedAt: r.CreatedAt}
}

type adminCreateRuleRequest struct {
	Category         string `json:"category"`
	AreaCode         string `json:"areaCode"`
	InspectionUnitID string `json:"inspectionUnitId"`
	FrontUnitID      string `json:"frontUnitId"`
	Note             string `json:"note"`
}

func (s *Server) listRoutingRules(c *gin.Context) {
	rs, err := s.org.ListRoutingRules(c.Request.Context(), actorOf(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, adminListOf(rs, toAdminRule))
}

func (s *Server) createRoutingRule(c *gin.Context) {
	var in adminCreateRuleRequest
	if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	r, err := s.org.CreateRoutingRule(c.Request.Context(), actorOf(c), services.RoutingRule{Category: in.Category,
		AreaCode: in.AreaCode, InspectionUnitID: in.InspectionUnitID, FrontUnitID: in.FrontUnitID, Note: in.Note})
	if err != nil {
		s.writeError(c, err)
		return
	}
	adminCreated(c, r.ID, toAdminRule(r))
}

func (s *Server) deleteRoutingRule(c *gin.Context) {
	if err := s.org.DeleteRoutingRule(c.Request.Context(), actorOf(c), c.Param("id")); err != nil {
		s.writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// Holidays.

type adminHolidayDTO struct {
	Date string        `json:"date"`
	Name services.Text `json:"name"`
}

func toAdminHoliday(x services.Holiday) adminHolidayDTO {
	return adminHolidayDTO{Date: x.Date, Name: x.Name}
}

func (s *Server) listHolidays(c *gin.Context) {
	hs, err := s.org.ListHolidays(c.Request.Context(), actorOf(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, adminListOf(hs, toAdminHoliday))
}

func (s *Server) createHoliday(c *gin.Context) {
	var in adminHolidayDTO
	if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	x, err := s.org.CreateHoliday(c.Request.Context(), actorOf(c), services.Holiday{Date: in.Date, Name: in.Name})
	if err != nil {
		s.writeError(c, err)
		return
	}
	adminCreated(c, x.Date, toAdminHoliday(x))
}

func (s *Server) deleteHoliday(c *gin.Context) {
	if err := s.org.DeleteHoliday(c.Request.Context(), actorOf(c), c.Param("date")); err != nil {
		s.writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// Deadline policies.

// adminPolicyRequest is the whole policy of a kind; the kind comes from
// the path.
type adminPolicyRequest struct {
	AcceptDays                     int  `json:"acceptDays"`
	AcceptWorkingDays              bool `json:"acceptWorkingDays"`
	ResolveDays                    int  `json:"resolveDays"`
	ResolveWorkingDays             bool `json:"resolveWorkingDays"`
	ComplexResolveDays             int  `json:"complexResolveDays"`
	RemoteResolveDays              int  `json:"remoteResolveDays"`
	RemoteComplexResolveDays       int  `json:"remoteComplexResolveDays"`
	Round2ResolveDays              int  `json:"round2ResolveDays"`
	Round2ComplexResolveDays       int  `json:"round2ComplexResolveDays"`
	RemoteRound2ResolveDays        int  `json:"remoteRound2ResolveDays"`
	RemoteRound2ComplexResolveDays int  `json:"remoteRound2ComplexResolveDays"`
	NotifyDays                     int  `json:"notifyDays"`
	NotifyWorkingDays              bool `json:"notifyWorkingDays"`
	MaxExtensions                  int  `json:"maxExtensions"`
	ExtensionDays                  int  `json:"extensionDays"`
}

type adminPolicyDTO struct {
	Kind string `json:"kind"`
	adminPolicyRequest
	UpdatedAt time.Time `json:"updatedAt"`
}

func toAdminPolicy(p services.DeadlinePolicy) adminPolicyDTO {
	return adminPolicyDTO{Kind: string(p.Kind), UpdatedAt: p.UpdatedAt, adminPolicyRequest: policyDays(p)}
}

// policyDays is a policy's periods and flags, as the admin edits them and
// as /meta announces them.
func policyDays(p services.DeadlinePolicy) adminPolicyRequest {
	return adminPolicyRequest{
		AcceptDays: p.AcceptDays, AcceptWorkingDays: p.AcceptWorkingDays, ResolveDays: p.ResolveDays,
		ResolveWorkingDays: p.ResolveWorkingDays, ComplexResolveDays: p.ComplexResolveDays,
		RemoteResolveDays: p.RemoteResolveDays, RemoteComplexResolveDays: p.RemoteComplexResolveDays,
		Round2ResolveDays: p.Round2ResolveDays, Round2ComplexResolveDays: p.Round2ComplexResolveDays,
		RemoteRound2ResolveDays: p.RemoteRound2ResolveDays, RemoteRound2ComplexResolveDays: p.RemoteRound2ComplexResolveDays,
		NotifyDays: p.NotifyDays, NotifyWorkingDays: p.NotifyWorkingDays, MaxExtensions: p.MaxExtensions,
		ExtensionDays: p.ExtensionDays}
}

func (s *Server) listDeadlinePolicies(c *gin.Context) {
	ps, err := s.org.ListDeadlinePolicies(c.Request.Context(), actorOf(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, adminListOf(ps, toAdminPolicy))
}

func (s *Server) putDeadlinePolicy(c *gin.Context) {
	var in adminPolicyRequest
	if err := bindJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	p, err := s.org.PutDeadlinePolicy(c.Request.Context(), actorOf(c), services.DeadlinePolicy{
		Kind: services.Kind(c.Param("kind")), AcceptDays: in.AcceptDays, AcceptWorkingDays: in.AcceptWorkingDays,
		ResolveDays: in.ResolveDays, ResolveWorkingDays: in.ResolveWorkingDays, ComplexResolveDays: in.ComplexResolveDays,
		RemoteResolveDays: in.RemoteResolveDays, RemoteComplexResolveDays: in.RemoteComplexResolveDays,
		Round2ResolveDays: in.Round2ResolveDays, Round2ComplexResolveDays: in.Round2ComplexResolveDays,
		RemoteRound2ResolveDays: in.RemoteRound2ResolveDays, RemoteRound2ComplexResolveDays: in.RemoteRound2ComplexResolveDays,
		NotifyDays: in.NotifyDays, NotifyWorkingDays: in.NotifyWorkingDays, MaxExtensions: in.MaxExtensions,
		ExtensionDays: in.ExtensionDays})
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toAdminPolicy(p))
}

// Audit.

type adminEventDTO struct {
	At        time.Time `json:"at"`
	ActorID   string    `json:"actorId"`
	ActorName string    `json:"actorName,omitempty"`
	Action    string    `json:"action"`
	Target    string    `json:"target"`
	// TargetName is the changed thing's name in both languages, when it has one.
	TargetName *services.Text `json:"targetName,omitempty"`
	Summary    string         `json:"summary"`
}

func toAdminEvent(e services.AdminEntry) adminEventDTO {
	d := adminEventDTO{At: e.At, ActorID: e.ActorID, ActorName: e.ActorName, Action: e.Action, Target: e.Target, Summary: e.Summary}
	if e.TargetName.VI != "" || e.TargetName.EN != "" {
		d.TargetName = &e.TargetName
	}
	return d
}

// listAdminEvents returns the newest configuration changes; ?limit= takes
// 1 to services.MaxAdminEvents.
func (s *Server) listAdminEvents(c *gin.Context) {
	limit := 0
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > services.MaxAdminEvents {
			s.writeError(c, &services.Error{Code: services.CodeInvalid, Reason: services.ReasonFieldsInvalid, Message: "The limit is out of range.",
				Fields: map[string]string{"limit": services.FieldInvalid}})
			return
		}
		limit = n
	}
	es, err := s.org.ListAdminEvents(c.Request.Context(), actorOf(c), limit)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, adminListOf(es, toAdminEvent))
}
