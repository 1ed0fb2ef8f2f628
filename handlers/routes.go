// Package handlers is Minh Bạch's HTTP layer: routes, middleware, request and
// response shapes and the one error mapper. Domain rules live in services.
package handlers

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"minhbach/services"
)

// ReadyCheck is one dependency /readyz checks.
type ReadyCheck struct {
	Name  string
	Check func(ctx context.Context) error
}

// Config holds what the HTTP layer needs.
type Config struct {
	Logger *slog.Logger
	// Services are the portal's services (services.New).
	Services *services.Portal
	Ready    []ReadyCheck
	// Frontend is the built web app (the contents of frontend/dist); nil or
	// empty serves a notice that it was not built.
	Frontend fs.FS
	// MaxJSONBytes caps JSON request bodies.
	MaxJSONBytes int64
	// MaxUploadBytes caps multipart request bodies (files and their JSON).
	MaxUploadBytes int64
	// TrustedProxies are the proxies whose forwarding headers are believed.
	TrustedProxies []string
	// HSTS adds Strict-Transport-Security (behind HTTPS only).
	HSTS bool
	// Admission controls anonymous writes (zero: no proof of work, no rate).
	Admission Admission
	// Development is the development mode: no warning about loopback peers
	// without trusted proxies.
	Development bool
	// SecureCookies sets Secure on the refresh cookie. It comes from the
	// configuration (PORTAL_ENV, PORTAL_PUBLIC_URL), never from the
	// request: behind a proxy the Host header may well be 127.0.0.1.
	SecureCookies bool
	// PublicOrigin is the scheme://host[:port] browsers reach the portal
	// at; the cookie routes accept only this Origin (empty: an Origin naming
	// the request's Host).
	PublicOrigin string
	// Metrics hears of every answered request (nil: nobody).
	Metrics RequestObserver
}

// RequestObserver counts answered requests (internal/metrics). route is the
// route template ("/api/v1/cases/:id"), "" when no route matched: never the
// raw path, which may carry a tracking code or an id.
type RequestObserver interface {
	ObserveRequest(route, method string, status int, took time.Duration)
	// ObserveRefusal counts a request refused with an error, by the API's
	// reason (a closed vocabulary).
	ObserveRefusal(route string, reason services.Reason)
}

// Server routes HTTP requests to the services.
type Server struct {
	log       *slog.Logger
	catalog   *services.Catalog
	intake    *services.Intake
	tracking  *services.Tracking
	staff     *services.Staff
	queue     *services.Queue
	custody   *services.Custody
	org       *services.Org
	workflow  *services.Workflow
	downloads *services.Downloads
	outcomes  *services.Outcomes
	stats     *services.StatsView
	periods   *services.PeriodReports
	apiKeys   *services.APIKeys
	open311   *services.Open311
	plog      *services.PublicLog
	ready     []ReadyCheck
	spa       *spa
	maxJSON   int64
	maxUpload int64
	hsts      bool
	admission *admission
	// secureCookies, publicOrigin and trusted: see Config.
	secureCookies bool
	publicOrigin  string
	trusted       []netip.Prefix
	metrics       RequestObserver
	// openapi is the API's document (openapi.go), built once.
	openapi []byte
	engine  *gin.Engine
}

func init() {
	// Gin's debug mode prints every route and warnings to stdout; the
	// portal logs through slog instead. Gin keeps its mode process-wide.
	gin.SetMode(gin.ReleaseMode)
}

// New builds the HTTP handler with every route.
func New(cfg Config) (*Server, error) {
	if cfg.MaxJSONBytes <= 0 {
		cfg.MaxJSONBytes = 1 << 20
	}
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = services.DefaultLimits.MaxReportBytes + 2<<20
	}
	p := cfg.Services
	if p == nil {
		return nil, errors.New("handlers: no services")
	}
	s := &Server{log: cfg.Logger, catalog: p.Catalog, intake: p.Intake, tracking: p.Tracking, staff: p.Staff, queue: p.Queue,
		custody: p.Custody, org: p.Org, workflow: p.Workflow, downloads: p.Downloads, outcomes: p.Outcomes, stats: p.StatsView, periods: p.PeriodReports, ready: cfg.Ready,
		apiKeys: p.APIKeys, open311: p.Open311, plog: p.Log,
		maxJSON: cfg.MaxJSONBytes, maxUpload: cfg.MaxUploadBytes, hsts: cfg.HSTS, spa: newSPA(cfg.Frontend),
		admission:     newAdmission(cfg.Admission),
		secureCookies: cfg.SecureCookies, publicOrigin: strings.TrimSuffix(cfg.PublicOrigin, "/"), metrics: cfg.Metrics}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	doc, err := openAPIDocument(apiOps)
	if err != nil {
		return nil, err
	}
	s.openapi = doc
	e := gin.New()
	if err := e.SetTrustedProxies(cfg.TrustedProxies); err != nil {
		return nil, err
	}
	trusted, err := parseProxies(cfg.TrustedProxies)
	if err != nil {
		return nil, err
	}
	s.trusted = trusted
	e.HandleMethodNotAllowed = true
	e.Use(s.requestIDs(), s.accessLog(), s.recovery(), s.securityHeaders(), s.proxyWarning(cfg.TrustedProxies, cfg.Development))
	s.routes(e)
	s.engine = e
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.engine.ServeHTTP(w, r) }

// Routes lists the registered routes as "METHOD path" (for tests that must
// cover every route).
func (s *Server) Routes() []string {
	var out []string
	for _, r := range s.engine.Routes() {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

// routes registers every route of the portal, in one place.
func (s *Server) routes(e *gin.Engine) {
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/api/openapi.json", s.getOpenAPI)

	api := e.Group("/api/v1")
	api.GET("/meta", s.getMeta)
	api.POST("/challenges", s.createChallenge)
	api.POST("/complaints", s.admit("file"), s.admitUpload(), s.limitUpload(), s.createComplaint)
	api.POST("/receipts/verify", s.limitBody(services.MaxProofBytes), s.verifyReceipt)
	api.GET("/outcomes", s.listOutcomes)
	api.GET("/stats/public", s.publicStats)
	api.GET("/stats/public/chart.svg", s.publicChart)
	api.GET("/log", s.getLogInfo)
	api.GET("/log/inclusion", s.getLogInclusion)
	api.GET("/log/consistency", s.getLogConsistency)
	api.POST("/log/cosignatures", s.limitBody(s.maxJSON), s.postLogCosignature)

	api.POST("/track/session", s.admit("track"), s.limitBody(s.maxJSON), s.createTrackSession)
	track := api.Group("/track", s.citizenAuth)
	track.GET("", s.getTrack)
	track.POST("/messages", s.admitUpload(), s.limitUpload(), s.createTrackMessage)
	track.POST("/attachments", s.admitUpload(), s.limitUpload(), s.createTrackAttachments)
	track.POST("/withdraw", s.limitBody(s.maxJSON), s.withdrawTrack)
	track.POST("/rating", s.limitBody(s.maxJSON), s.rateTrack)
	track.POST("/appeal", s.admit("appeal"), s.limitBody(s.maxJSON), s.appealTrack)
	track.GET("/receipt.pdf", s.getTrackReceipt)
	track.POST("/receipt", s.limitBody(s.maxJSON), s.changeTrackReceipt)

	auth := api.Group("/auth")
	auth.POST("/login", s.limitBody(s.maxJSON), s.login)
	auth.POST("/refresh", s.cookieRoute, s.limitBody(s.maxJSON), s.refresh)
	auth.POST("/logout", s.cookieRoute, s.limitBody(s.maxJSON), s.logout)
	auth.GET("/me", s.me)
	auth.POST("/password", s.passwordAuth, s.limitBody(s.maxJSON), s.changePassword)
	auth.POST("/totp/setup", s.enrolAuth, s.limitBody(s.maxJSON), s.setupTOTP)
	auth.POST("/totp/enable", s.enrolAuth, s.limitBody(s.maxJSON), s.enableTOTP)

	// A report taken on a citizen's behalf: multipart, so before the group's
	// JSON limit.
	api.POST("/cases", s.staffAuth, s.admitUpload(), s.limitUpload(), s.fileOnBehalf)
	staff := api.Group("", s.staffAuth, s.limitBody(s.maxJSON))
	staff.GET("/cases", s.listCases)
	staff.GET("/cases/:id/proof.pdf", s.getCaseProof)
	staff.GET("/cases/:id", s.getCase)
	staff.GET("/cases/:id/audit", s.getCaseAudit)
	staff.GET("/cases/:id/related", s.relatedCases)
	staff.GET("/cases/:id/attachments/:aid", s.downloadAttachment)
	staff.POST("/cases/:id/transitions", s.transitionCase)
	staff.POST("/cases/:id/notes", s.addCaseNote)
	staff.POST("/cases/:id/messages", s.sendCaseMessage)
	staff.POST("/cases/:id/assign", s.assignCase)
	staff.POST("/cases/:id/route", s.rerouteCase)
	staff.POST("/cases/:id/proposal", s.proposeConclusion)
	staff.POST("/cases/:id/publication", s.publishSummary)
	staff.POST("/cases/:id/extensions", s.requestExtension)
	staff.POST("/cases/:id/extensions/:eid/decision", s.decideExtension)
	staff.GET("/recommendations", s.listRecommendations)
	staff.GET("/units", s.listUnits)
	staff.GET("/stats", s.staffStats)
	staff.GET("/stats/hotspots", s.staffHotspots)
	staff.GET("/reports/period", s.periodReport)
	staff.POST("/cases/:id/recommendations", s.recommend)
	staff.POST("/cases/:id/recommendations/:rid/answer", s.answerRecommendation)
	staff.GET("/recommendations/overdue", s.overdueRecommendations)
	staff.POST("/cases/:id/custody", s.requestCustody)
	staff.GET("/cases/:id/identity", s.getIdentity)
	staff.GET("/custody", s.listCustody)
	staff.POST("/custody/:gid/decision", s.decideCustody)
	staff.GET("/staffing", s.listStaffing)

	// Administration. The group authorizes (401/403) before any handler or
	// body limit sees the request, for every route below.
	admin := api.Group("/admin", s.staffAuth, s.adminOnly, s.limitBody(s.maxJSON))
	admin.GET("/users", s.listUsers)
	admin.POST("/users", s.createUser)
	admin.PATCH("/users/:id", s.updateUser)
	admin.POST("/users/:id/reset-password", s.resetUserPassword)
	admin.POST("/users/:id/reset-totp", s.resetUserTOTP)
	admin.GET("/units", s.listAllUnits)
	admin.POST("/units", s.createUnit)
	admin.PATCH("/units/:id", s.updateUnit)
	admin.GET("/areas", s.listAreas)
	admin.POST("/areas", s.createArea)
	admin.PATCH("/areas/:code", s.updateArea)
	admin.GET("/categories", s.listCategories)
	admin.POST("/categories", s.createCategory)
	admin.PATCH("/categories/:code", s.updateCategory)
	admin.GET("/routing-rules", s.listRoutingRules)
	admin.POST("/routing-rules", s.createRoutingRule)
	admin.DELETE("/routing-rules/:id", s.deleteRoutingRule)
	admin.GET("/holidays", s.listHolidays)
	admin.POST("/holidays", s.createHoliday)
	admin.DELETE("/holidays/:date", s.deleteHoliday)
	admin.GET("/deadline-policies", s.listDeadlinePolicies)
	admin.PUT("/deadline-policies/:kind", s.putDeadlinePolicy)
	admin.GET("/audit", s.listAdminEvents)
	admin.GET("/api-keys", s.listAPIKeys)
	admin.POST("/api-keys", s.issueAPIKey)
	admin.PATCH("/api-keys/:id", s.updateAPIKey)
	admin.POST("/api-keys/:id/revoke", s.revokeAPIKey)

	// Open311 GeoReport v2 (docs/intake.md, "Open311"): every resource in
	// .json and .xml; the API key, where one is needed, is a parameter the
	// handlers check (handlers/open311.go), never a staff token.
	o311 := e.Group(open311Prefix)
	for _, f := range []open311Format{formatJSON, formatXML} {
		ext := "." + string(f)
		o311.GET("/discovery"+ext, s.open311Fixed(f, s.open311Discovery))
		o311.GET("/services"+ext, s.open311Fixed(f, s.open311Services))
		o311.GET("/requests"+ext, s.open311Fixed(f, s.open311Requests))
		o311.POST("/requests"+ext, s.open311Fixed(f, s.open311Create))
	}
	o311.GET("/services/:code", s.open311Param("code", s.open311Definition))
	o311.GET("/requests/:id", s.open311Param("id", s.open311Request))
	o311.GET("/tokens/:token", s.open311Param("token", s.open311Token))

	// The public log's objects (C2SP tlog-tiles), handlers/publiclog.go.
	e.GET(logPrefix+"checkpoint", s.getLogCheckpoint)
	e.GET(logPrefix+"checkpoints", s.listLogCheckpoints)
	e.GET(logPrefix+"checkpoints/:size", s.getLogCheckpointAt)
	e.GET(logPrefix+"tile/*path", s.getLogTile)

	e.NoRoute(s.noRoute)
	e.NoMethod(s.noMethod)
}
