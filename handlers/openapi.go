package handlers

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"minhbach/services"
)

// This file is the API's OpenAPI 3.1 document (GET /api/openapi.json):
// apiOps describes every route of routes.go with the very types its handler
// decodes and encodes, and openAPIDocument turns them into the document
// (schemas by reflection, schema.go). The handler tests check every request
// and answer against it, and that it lists exactly the routes the router
// has (docs/api.md).

// Who may call a route (x-roles).
const (
	whoAnyone    = "anyone"
	whoCitizen   = "citizen"
	whoInspector = string(services.RoleInspector)
	whoLead      = string(services.RoleLead)
	whoMonitor   = string(services.RoleMonitor)
	whoAdmin     = string(services.RoleAdmin)
)

var allStaff = []string{whoInspector, whoLead, whoMonitor, whoAdmin}

// authKind is how a route authenticates its caller.
type authKind int

const (
	authNone authKind = iota
	authStaff
	authCitizen
	authCookie
)

// apiParam is a query parameter or request header.
type apiParam struct {
	name, desc string
	typ        string // "string" (default), "integer", "boolean"
	enum       []string
	required   bool
}

// apiOp is one route as the document describes it.
type apiOp struct {
	method, path string // as routes.go registers it (":id")
	tag, summary string
	desc         string
	roles        []string
	auth         authKind
	query        []apiParam
	headers      []apiParam
	// body is a value of the JSON request type; bodyMedia lists the other
	// media types the route reads (multipart bodies are described by
	// multipartBody).
	body          any
	bodyOptional  bool // the route reads a body only in some cases
	bodyMedia     []string
	multipartBody map[string]any
	status        int // the success status
	// answer is a value of the JSON answer type; answerMedia lists the
	// other media types it may answer with (no schema: files).
	answer       any
	answerSchema map[string]any
	answerMedia  []string
	// answerHeaders are the success answer's headers worth knowing
	// (Location, Content-Disposition, Set-Cookie), by name.
	answerHeaders map[string]string
	// errors are the error statuses the route answers, beyond 500 and
	// 503 (every route) and those its auth adds.
	errors []int
}

// Common query parameters and headers.
var (
	qCursor    = apiParam{name: "cursor", desc: "The nextCursor of the previous page."}
	qLimit     = apiParam{name: "limit", typ: "integer", desc: "Items per page."}
	qFrom      = apiParam{name: "from", desc: "First month, YYYY-MM."}
	qTo        = apiParam{name: "to", desc: "Last month, YYYY-MM."}
	qMonthly   = apiParam{name: "monthly", desc: "true for one row per month.", enum: []string{"true", "false", "1", "0"}}
	qArea      = apiParam{name: "area", desc: "A commune or province code."}
	qKind      = apiParam{name: "kind", desc: "Report kind.", enum: kindNames()}
	qCategory  = apiParam{name: "category", desc: "Category code."}
	hPoW       = apiParam{name: "X-Portal-PoW", desc: "A solved proof-of-work challenge, <challenge>:<nonce> (POST /api/v1/challenges)."}
	hIdem      = apiParam{name: "Idempotency-Key", desc: "Makes a retried filing happen once."}
	publicStat = []apiParam{qFrom, qTo, qMonthly, qArea, {name: "unit", desc: "A unit's code."}, qKind, qCategory,
		{name: "by", desc: "Break the figures down by this dimension.", enum: []string{"province", "commune", "unit", "kind", "category"}}}
)

func kindNames() []string {
	out := make([]string, len(services.Kinds))
	for i, k := range services.Kinds {
		out[i] = string(k)
	}
	return out
}

// Request bodies of the multipart routes: a JSON part and files.
func multipartOf(jsonPart string, v any) map[string]any {
	props := map[string]any{
		"files": map[string]any{"type": "array", "items": map[string]any{"type": "string", "contentMediaType": "application/octet-stream"}},
	}
	if jsonPart != "" {
		props[jsonPart] = map[string]any{"type": "string", "contentMediaType": "application/json",
			"description": "JSON: the same object as the application/json body (" + reflect.TypeOf(v).Name() + ")."}
	}
	return map[string]any{"type": "object", "properties": props}
}

const (
	mediaPDF  = "application/pdf"
	mediaCSV  = "text/csv"
	mediaXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	mediaSVG  = "image/svg+xml"
)

// Success answer headers.
var (
	hLocation   = map[string]string{"Location": "Where the new resource is read."}
	hAttachment = map[string]string{"Content-Disposition": "attachment, with the file's name."}
	hSetCookie  = map[string]string{"Set-Cookie": "The refresh cookie (HttpOnly, SameSite=Strict, on /api/v1/auth)."}
)

// apiOps lists every route of routes.go, grouped as it is. A new route
// gets its entry here (TestOpenAPIRouteParity fails until it has one).
var apiOps = []apiOp{
	{method: "GET", path: "/healthz", tag: "health", summary: "The process is up", roles: []string{whoAnyone}, answer: healthResponse{}},
	{method: "GET", path: "/readyz", tag: "health", summary: "The database and the object store answer", roles: []string{whoAnyone},
		answer: readyResponse{}, desc: "503 with the same shape when a dependency is down."},
	{method: "GET", path: "/api/openapi.json", tag: "meta", summary: "This document", roles: []string{whoAnyone},
		answerSchema: map[string]any{"type": "object", "required": []string{"openapi", "info", "paths"}}},

	{method: "GET", path: "/api/v1/meta", tag: "public", summary: "Kinds, categories, areas, limits, file types and deadline policies",
		roles: []string{whoAnyone}, answer: metaResponse{}},
	{method: "POST", path: "/api/v1/challenges", tag: "public", summary: "A proof-of-work challenge for an anonymous write",
		roles: []string{whoAnyone}, answer: challengeResponse{}, errors: []int{429}},
	{method: "POST", path: "/api/v1/complaints", answerHeaders: hLocation, tag: "public", summary: "File a report (JSON, or multipart with evidence files)",
		desc:  "Multipart: a `complaint` JSON part, then up to 10 `files`. The answer's receipt is shown this once.",
		roles: []string{whoAnyone}, headers: []apiParam{hPoW, hIdem}, body: complaintRequest{}, bodyMedia: []string{"multipart/form-data"},
		multipartBody: multipartOf("complaint", complaintRequest{}), status: 201, answer: complaintResponse{},
		errors: []int{400, 409, 413, 415, 422, 429}},
	{method: "POST", path: "/api/v1/receipts/verify", tag: "public", summary: "Check a proof of filing (the PDF as the body)",
		roles: []string{whoAnyone}, bodyMedia: []string{mediaPDF}, answer: verifyResponse{}, errors: []int{400, 413, 415}},
	{method: "GET", path: "/api/v1/outcomes", tag: "public", summary: "Published outcomes, newest first",
		roles: []string{whoAnyone}, query: []apiParam{qCursor, qLimit}, answer: outcomePage{}, errors: []int{400}},
	{method: "GET", path: "/api/v1/stats/public", answerHeaders: hAttachment, tag: "public", summary: "Public figures with small counts protected (JSON or CSV open data)",
		roles: []string{whoAnyone}, query: append(publicStat[:len(publicStat):len(publicStat)], apiParam{name: "format", enum: []string{"json", "csv"}}),
		answer: services.PublicStatsAnswer{}, answerMedia: []string{mediaCSV}, errors: []int{400}},
	{method: "GET", path: "/api/v1/stats/public/chart.svg", tag: "public", summary: "A chart of the public figures, as SVG",
		roles: []string{whoAnyone}, query: append(publicStat[:len(publicStat):len(publicStat)],
			apiParam{name: "chart", required: true, enum: []string{services.ChartFlow, services.ChartOnTime, services.ChartSlices}},
			apiParam{name: "lang", enum: []string{"vi", "en"}}),
		answerMedia: []string{mediaSVG}, errors: []int{400}},

	{method: "GET", path: "/api/v1/log", tag: "public", summary: "The public log: origin, key, size and witnesses",
		roles: []string{whoAnyone}, answer: services.LogInfo{}, errors: []int{404}},
	{method: "GET", path: "/api/v1/log/inclusion", tag: "public", summary: "A commitment's entries with inclusion proofs",
		desc:  "The commitment is SHA-256 over a domain tag, the tracking code and the proof of filing's content hash (docs/transparency-log.md). No entries: not yet integrated.",
		roles: []string{whoAnyone}, query: []apiParam{{name: "commitment", required: true, desc: "64 lower-case hexadecimal digits."}},
		answer: services.LogInclusion{}, errors: []int{400, 404}},
	{method: "GET", path: "/api/v1/log/consistency", tag: "public", summary: "A consistency proof between two sizes of the log",
		roles: []string{whoAnyone}, query: []apiParam{{name: "from", typ: "integer", required: true}, {name: "to", typ: "integer", required: true}},
		answer: services.LogConsistency{}, errors: []int{400, 404}},
	{method: "POST", path: "/api/v1/log/cosignatures", tag: "public", summary: "A witness's cosignature or signed refusal",
		desc:  "No account: only a valid signature by a registered witness's key is accepted (PORTAL_LOG_WITNESSES).",
		roles: []string{whoAnyone}, body: cosignatureRequest{}, answer: cosignatureResponse{}, errors: []int{400, 403, 404, 413, 415}},

	{method: "POST", path: "/api/v1/track/session", tag: "citizen", summary: "Open a tracking session with the code and the receipt",
		roles: []string{whoCitizen}, headers: []apiParam{hPoW}, body: sessionRequest{}, answer: sessionResponse{}, errors: []int{400, 401, 413, 415, 429}},
	{method: "GET", path: "/api/v1/track", tag: "citizen", summary: "The citizen's report: status, timeline, messages, evidence, outcome",
		roles: []string{whoCitizen}, auth: authCitizen, answer: trackView{}},
	{method: "POST", path: "/api/v1/track/messages", tag: "citizen", summary: "Write to the unit (JSON, or multipart with files)",
		roles: []string{whoCitizen}, auth: authCitizen, body: textRequest{}, bodyMedia: []string{"multipart/form-data"},
		multipartBody: multipartOf("message", textRequest{}), status: 201, answer: messageDTO{}, errors: []int{400, 409, 413, 415}},
	{method: "POST", path: "/api/v1/track/attachments", tag: "citizen", summary: "Add evidence files (multipart `files`)",
		roles: []string{whoCitizen}, auth: authCitizen, bodyMedia: []string{"multipart/form-data"}, multipartBody: multipartOf("", nil),
		status: 201, answer: attachmentsResponse{}, errors: []int{400, 409, 413, 415}},
	{method: "POST", path: "/api/v1/track/withdraw", tag: "citizen", summary: "Withdraw the report",
		roles: []string{whoCitizen}, auth: authCitizen, body: withdrawRequest{}, answer: trackView{}, errors: []int{400, 409, 413, 415}},
	{method: "POST", path: "/api/v1/track/rating", tag: "citizen", summary: "Rate a concluded report, which closes it",
		roles: []string{whoCitizen}, auth: authCitizen, body: ratingRequest{}, answer: trackView{}, errors: []int{400, 409, 413, 415}},
	{method: "POST", path: "/api/v1/track/appeal", answerHeaders: hLocation, tag: "citizen", summary: "Appeal a concluded report: a round-2 report",
		roles: []string{whoCitizen}, auth: authCitizen, headers: []apiParam{hPoW}, body: appealRequest{}, status: 201,
		answer: complaintResponse{}, errors: []int{400, 409, 413, 415, 429}},
	{method: "GET", path: "/api/v1/track/receipt.pdf", answerHeaders: hAttachment, tag: "citizen", summary: "The signed proof of filing",
		roles: []string{whoCitizen}, auth: authCitizen, answerMedia: []string{mediaPDF}},
	{method: "POST", path: "/api/v1/track/receipt", tag: "citizen", summary: "Replace the receipt; the new one is shown once, with a new session",
		desc:  "The old receipt, and every session opened with it, stop working at once.",
		roles: []string{whoCitizen}, auth: authCitizen, answer: receiptChangeResponse{}},

	{method: "POST", path: "/api/v1/auth/login", answerHeaders: hSetCookie, tag: "auth", summary: "Sign in; sets the refresh cookie",
		desc:  "Or answers that a second factor must be enrolled, or that the password must be changed first, with a token for that alone.",
		roles: allStaff, body: loginRequest{}, answer: loginResponse{}, errors: []int{400, 401, 403, 413, 415, 429}},
	{method: "POST", path: "/api/v1/auth/refresh", answerHeaders: hSetCookie, tag: "auth", summary: "A new access token; rotates the refresh cookie",
		roles: allStaff, auth: authCookie, answer: loginResponse{}, errors: []int{400, 401, 403, 413, 415}},
	{method: "POST", path: "/api/v1/auth/logout", answerHeaders: hSetCookie, tag: "auth", summary: "End the sign-in",
		roles: allStaff, auth: authCookie, status: 204, errors: []int{400, 403, 413, 415}},
	{method: "GET", path: "/api/v1/auth/me", tag: "auth", summary: "Who am I", roles: allStaff, auth: authStaff, answer: userDTO{}},
	{method: "POST", path: "/api/v1/auth/password", tag: "auth", summary: "Change my password",
		desc:  "Also with the password token of a login that must change its password.",
		roles: allStaff, auth: authStaff, body: passwordRequest{}, status: 204, errors: []int{400, 413, 415, 429}},
	{method: "POST", path: "/api/v1/auth/totp/setup", tag: "auth", summary: "Start enrolling a second factor: secret and QR code",
		desc:  "With a session the password is asked again; also with a login's enrolment token.",
		roles: allStaff, auth: authStaff, body: totpSetupRequest{}, bodyOptional: true, answer: totpSetupResponse{}, errors: []int{400, 409, 413, 415, 429}},
	{method: "POST", path: "/api/v1/auth/totp/enable", tag: "auth", summary: "Confirm the second factor; 10 recovery codes",
		roles: allStaff, auth: authStaff, body: totpEnableRequest{}, answer: totpEnableResponse{}, errors: []int{400, 409, 413, 415, 429}},

	{method: "POST", path: "/api/v1/cases", answerHeaders: hLocation, tag: "cases", summary: "File a report on a citizen's behalf (JSON, or multipart with files)",
		desc:  "A report taken at a reception day, on the hotline or from a letter: the web form's body plus channel. The answer is the citizen's slip; it signs nobody in.",
		roles: []string{whoInspector, whoLead}, auth: authStaff, headers: []apiParam{hIdem}, body: onBehalfRequest{}, bodyMedia: []string{"multipart/form-data"},
		multipartBody: multipartOf("complaint", onBehalfRequest{}), status: 201, answer: onBehalfResponse{}, errors: []int{400, 409, 413, 415, 422}},
	{method: "GET", path: "/api/v1/cases/:id/proof.pdf", answerHeaders: hAttachment, tag: "cases", summary: "A report's signed proof of filing",
		roles: []string{whoInspector, whoLead, whoMonitor}, auth: authStaff, answerMedia: []string{mediaPDF}, errors: []int{404}},
	{method: "GET", path: "/api/v1/cases", tag: "cases", summary: "The unit's (or committee's) queue",
		roles: []string{whoInspector, whoLead, whoMonitor}, auth: authStaff, answer: queueResponse{}, errors: []int{400},
		query: []apiParam{{name: "status"}, qKind, qCategory, qArea, {name: "office"}, {name: "q", desc: "Text search."},
			{name: "overdue", enum: []string{"true", "false"}}, {name: "assignee", desc: "A staff id, or me."},
			{name: "sort", desc: "due, submitted or status; - first for descending."}, qCursor, qLimit}},
	{method: "GET", path: "/api/v1/cases/:id", tag: "cases", summary: "A report (never the identity), with what the caller may do now",
		roles: []string{whoInspector, whoLead, whoMonitor}, auth: authStaff, answer: caseDTO{}, errors: []int{404}},
	{method: "GET", path: "/api/v1/cases/:id/audit", tag: "cases", summary: "A report's audit chain and its verification",
		roles: []string{whoInspector, whoLead, whoMonitor}, auth: authStaff, answer: auditResponse{}, errors: []int{404}},
	{method: "GET", path: "/api/v1/cases/:id/related", tag: "cases", summary: "Other reports about the same office or officials",
		roles: []string{whoInspector, whoLead, whoMonitor}, auth: authStaff, answer: itemList[services.RelatedReport]{}, errors: []int{404}},
	{method: "GET", path: "/api/v1/cases/:id/attachments/:aid", answerHeaders: hAttachment, tag: "cases", summary: "An evidence file: the safe copy, or the original with custody",
		roles: []string{whoInspector, whoLead, whoMonitor}, auth: authStaff, query: []apiParam{{name: "original", enum: []string{"1", "0", "true", "false"}, desc: "1 for the original file (custody holders)."}},
		answerMedia: []string{"*/*"}, errors: []int{400, 404, 409}},
	{method: "POST", path: "/api/v1/cases/:id/transitions", tag: "cases", summary: "Move a report to another status",
		roles: []string{whoInspector, whoLead}, auth: authStaff, body: transitionRequest{}, answer: changedResponse{}, errors: []int{400, 404, 409, 413, 415}},
	{method: "POST", path: "/api/v1/cases/:id/notes", tag: "cases", summary: "Add an internal note",
		roles: []string{whoInspector, whoLead}, auth: authStaff, body: textRequest{}, status: 201, answer: caseDTO{}, errors: []int{400, 404, 409, 413, 415}},
	{method: "POST", path: "/api/v1/cases/:id/messages", tag: "cases", summary: "Write to the citizen",
		roles: []string{whoInspector, whoLead}, auth: authStaff, body: textRequest{}, status: 201, answer: staffMessageDTO{}, errors: []int{400, 404, 409, 413, 415}},
	{method: "POST", path: "/api/v1/cases/:id/assign", tag: "cases", summary: "Assign the report within the unit",
		roles: []string{whoInspector, whoLead}, auth: authStaff, body: assignRequest{}, answer: caseDTO{}, errors: []int{400, 404, 409, 413, 415}},
	{method: "POST", path: "/api/v1/cases/:id/route", tag: "cases", summary: "Re-route the report to another unit",
		roles: []string{whoLead}, auth: authStaff, body: routeRequest{}, answer: changedResponse{}, errors: []int{400, 404, 409, 413, 415}},
	{method: "POST", path: "/api/v1/cases/:id/proposal", tag: "cases", summary: "Propose a conclusion",
		roles: []string{whoInspector, whoLead}, auth: authStaff, body: proposalRequest{}, answer: changedResponse{}, errors: []int{400, 404, 409, 413, 415}},
	{method: "POST", path: "/api/v1/cases/:id/publication", tag: "cases", summary: "Publish a concluded report's public summary",
		roles: []string{whoLead}, auth: authStaff, body: publicationRequest{}, answer: changedResponse{}, errors: []int{400, 404, 409, 413, 415}},
	{method: "POST", path: "/api/v1/cases/:id/extensions", tag: "cases", summary: "Ask to extend the resolution deadline",
		roles: []string{whoInspector, whoLead}, auth: authStaff, body: extensionRequest{}, status: 201, answer: extensionDTO{}, errors: []int{400, 404, 409, 413, 415}},
	{method: "POST", path: "/api/v1/cases/:id/extensions/:eid/decision", tag: "cases", summary: "Approve or refuse an extension",
		roles: []string{whoLead}, auth: authStaff, body: decisionRequest{}, answer: extensionDTO{}, errors: []int{400, 404, 409, 413, 415}},
	{method: "GET", path: "/api/v1/recommendations", tag: "front", summary: "Front recommendations with their reports",
		roles: []string{whoInspector, whoLead, whoMonitor}, auth: authStaff, query: []apiParam{{name: "state", enum: []string{"open", "answered", "overdue", "all"}}},
		answer: itemList[recommendationDTO]{}, errors: []int{400}},
	{method: "GET", path: "/api/v1/units", tag: "staff", summary: "The active units and committees",
		roles: allStaff, auth: authStaff, answer: itemList[unitDTO]{}},
	{method: "GET", path: "/api/v1/stats", tag: "staff", summary: "Exact figures within the caller's scope",
		roles: allStaff, auth: authStaff, answer: services.StatsAnswer{}, errors: []int{400},
		query: []apiParam{qFrom, qTo, qMonthly, {name: "unit"}, {name: "front"}, qArea, qKind, qCategory,
			{name: "channel", enum: services.Channels}}},
	{method: "GET", path: "/api/v1/stats/hotspots", tag: "staff", summary: "Where the reported harassment concentrates, within the caller's scope",
		roles: allStaff, auth: authStaff, answer: services.HotspotAnswer{}, errors: []int{400},
		query: []apiParam{qFrom, qTo, {name: "min", typ: "integer", desc: "Reports in the range (default 3)."}, {name: "unit"}, {name: "front"}}},
	{method: "GET", path: "/api/v1/reports/period", answerHeaders: hAttachment, tag: "staff", summary: "The period review report as XLSX, CSV or PDF",
		roles: allStaff, auth: authStaff, answerMedia: []string{mediaXLSX, mediaCSV, mediaPDF}, errors: []int{400},
		query: []apiParam{{name: "scope", desc: "unit:<id>, front:<id> or all."}, qFrom, qTo, {name: "format", enum: []string{"xlsx", "csv", "pdf"}}}},
	{method: "POST", path: "/api/v1/cases/:id/recommendations", tag: "front", summary: "File a Front recommendation on a report",
		roles: []string{whoMonitor}, auth: authStaff, body: recommendationRequest{}, status: 201, answer: recommendationDTO{}, errors: []int{400, 404, 409, 413, 415}},
	{method: "POST", path: "/api/v1/cases/:id/recommendations/:rid/answer", tag: "front", summary: "Answer a Front recommendation",
		roles: []string{whoInspector, whoLead}, auth: authStaff, body: answerRequest{}, answer: recommendationDTO{}, errors: []int{400, 404, 409, 413, 415}},
	{method: "GET", path: "/api/v1/recommendations/overdue", tag: "front", summary: "Recommendations past their answer-by date",
		roles: []string{whoInspector, whoLead, whoMonitor}, auth: authStaff, answer: itemList[recommendationDTO]{}},
	{method: "POST", path: "/api/v1/cases/:id/custody", answerHeaders: hLocation, tag: "custody", summary: "Ask for custody of the identity or of the original files",
		roles: []string{whoInspector, whoLead}, auth: authStaff, body: custodyRequest{}, status: 201, answer: grantDTO{}, errors: []int{400, 404, 409, 413, 415}},
	{method: "GET", path: "/api/v1/cases/:id/identity", tag: "custody", summary: "Read the complainant's identity (current identity grant)",
		roles: []string{whoInspector, whoLead}, auth: authStaff, answer: identityDTO{}, errors: []int{404}},
	{method: "GET", path: "/api/v1/custody", tag: "custody", summary: "The custody requests the caller deals with",
		roles: []string{whoInspector, whoLead}, auth: authStaff, answer: []grantDTO{}},
	{method: "POST", path: "/api/v1/custody/:gid/decision", tag: "custody", summary: "Approve or deny a custody request (another lead)",
		roles: []string{whoLead}, auth: authStaff, body: decisionRequest{}, answer: grantDTO{}, errors: []int{400, 404, 409, 413, 415}},
	{method: "GET", path: "/api/v1/staffing", tag: "staff", summary: "Staffing changes of the lead's unit or the monitor's committee",
		roles: []string{whoLead, whoMonitor}, auth: authStaff, answer: []staffingDTO{}},

	{method: "GET", path: "/api/v1/admin/users", tag: "admin", summary: "Staff accounts", roles: []string{whoAdmin}, auth: authStaff, answer: []userDTO{}},
	{method: "POST", path: "/api/v1/admin/users", answerHeaders: hLocation, tag: "admin", summary: "Create a staff account", roles: []string{whoAdmin}, auth: authStaff,
		body: createUserRequest{}, status: 201, answer: userDTO{}, errors: []int{400, 404, 409, 413, 415}},
	{method: "PATCH", path: "/api/v1/admin/users/:id", tag: "admin", summary: "Change an account's name, role, unit or state", roles: []string{whoAdmin}, auth: authStaff,
		body: updateUserRequest{}, answer: userDTO{}, errors: []int{400, 404, 409, 413, 415}},
	{method: "POST", path: "/api/v1/admin/users/:id/reset-password", tag: "admin", summary: "Set a temporary password, returned once", roles: []string{whoAdmin}, auth: authStaff,
		answer: temporaryPasswordResponse{}, errors: []int{400, 404, 409}},
	{method: "POST", path: "/api/v1/admin/users/:id/reset-totp", tag: "admin", summary: "Remove an account's second factor", roles: []string{whoAdmin}, auth: authStaff,
		answer: userDTO{}, errors: []int{400, 404, 409}},
	{method: "GET", path: "/api/v1/admin/units", tag: "admin", summary: "Every unit and committee", roles: []string{whoAdmin}, auth: authStaff, answer: itemList[adminUnitDTO]{}},
	{method: "POST", path: "/api/v1/admin/units", answerHeaders: hLocation, tag: "admin", summary: "Create a unit or committee", roles: []string{whoAdmin}, auth: authStaff,
		body: adminCreateUnitRequest{}, status: 201, answer: adminUnitDTO{}, errors: []int{400, 409, 413, 415}},
	{method: "PATCH", path: "/api/v1/admin/units/:id", tag: "admin", summary: "Change a unit's name, areas or state", roles: []string{whoAdmin}, auth: authStaff,
		body: adminUpdateUnitRequest{}, answer: adminUnitDTO{}, errors: []int{400, 404, 409, 413, 415}},
	{method: "GET", path: "/api/v1/admin/areas", tag: "admin", summary: "Every area", roles: []string{whoAdmin}, auth: authStaff, answer: itemList[adminAreaDTO]{}},
	{method: "POST", path: "/api/v1/admin/areas", answerHeaders: hLocation, tag: "admin", summary: "Create an area", roles: []string{whoAdmin}, auth: authStaff,
		body: adminCreateAreaRequest{}, status: 201, answer: adminAreaDTO{}, errors: []int{400, 409, 413, 415}},
	{method: "PATCH", path: "/api/v1/admin/areas/:code", tag: "admin", summary: "Change an area", roles: []string{whoAdmin}, auth: authStaff,
		body: adminUpdateAreaRequest{}, answer: adminAreaDTO{}, errors: []int{400, 404, 409, 413, 415}},
	{method: "GET", path: "/api/v1/admin/categories", tag: "admin", summary: "Every category", roles: []string{whoAdmin}, auth: authStaff, answer: itemList[adminCategoryDTO]{}},
	{method: "POST", path: "/api/v1/admin/categories", answerHeaders: hLocation, tag: "admin", summary: "Create a category", roles: []string{whoAdmin}, auth: authStaff,
		body: adminCreateCategoryRequest{}, status: 201, answer: adminCategoryDTO{}, errors: []int{400, 409, 413, 415}},
	{method: "PATCH", path: "/api/v1/admin/categories/:code", tag: "admin", summary: "Change a category", roles: []string{whoAdmin}, auth: authStaff,
		body: adminUpdateCategoryRequest{}, answer: adminCategoryDTO{}, errors: []int{400, 404, 409, 413, 415}},
	{method: "GET", path: "/api/v1/admin/routing-rules", tag: "admin", summary: "Routing rules", roles: []string{whoAdmin}, auth: authStaff, answer: itemList[adminRuleDTO]{}},
	{method: "POST", path: "/api/v1/admin/routing-rules", answerHeaders: hLocation, tag: "admin", summary: "Create a routing rule", roles: []string{whoAdmin}, auth: authStaff,
		body: adminCreateRuleRequest{}, status: 201, answer: adminRuleDTO{}, errors: []int{400, 409, 413, 415}},
	{method: "DELETE", path: "/api/v1/admin/routing-rules/:id", tag: "admin", summary: "Delete a routing rule", roles: []string{whoAdmin}, auth: authStaff,
		status: 204, errors: []int{404}},
	{method: "GET", path: "/api/v1/admin/holidays", tag: "admin", summary: "The holiday calendar", roles: []string{whoAdmin}, auth: authStaff, answer: itemList[adminHolidayDTO]{}},
	{method: "POST", path: "/api/v1/admin/holidays", answerHeaders: hLocation, tag: "admin", summary: "Add a holiday", roles: []string{whoAdmin}, auth: authStaff,
		body: adminHolidayDTO{}, status: 201, answer: adminHolidayDTO{}, errors: []int{400, 409, 413, 415}},
	{method: "DELETE", path: "/api/v1/admin/holidays/:date", tag: "admin", summary: "Remove a holiday", roles: []string{whoAdmin}, auth: authStaff,
		status: 204, errors: []int{400, 404}},
	{method: "GET", path: "/api/v1/admin/api-keys", tag: "admin", summary: "The Open311 clients' API keys (never their secrets)",
		roles: []string{whoAdmin}, auth: authStaff, answer: apiKeyListDTO{}},
	{method: "POST", path: "/api/v1/admin/api-keys", answerHeaders: hLocation, tag: "admin", summary: "Issue an API key; its secret is answered this once",
		roles: []string{whoAdmin}, auth: authStaff, body: apiKeyRequest{}, status: 201, answer: apiKeyIssuedDTO{}, errors: []int{400, 413, 415}},
	{method: "PATCH", path: "/api/v1/admin/api-keys/:id", tag: "admin", summary: "Rename an API key or change its rate",
		roles: []string{whoAdmin}, auth: authStaff, body: apiKeyRequest{}, answer: apiKeyDTO{}, errors: []int{400, 404, 409, 413, 415}},
	{method: "POST", path: "/api/v1/admin/api-keys/:id/revoke", tag: "admin", summary: "Revoke an API key; it is refused from the next request on",
		roles: []string{whoAdmin}, auth: authStaff, answer: apiKeyDTO{}, errors: []int{404, 409}},
	{method: "GET", path: "/api/v1/admin/deadline-policies", tag: "admin", summary: "The deadline policy of each kind", roles: []string{whoAdmin}, auth: authStaff,
		answer: itemList[adminPolicyDTO]{}},
	{method: "PUT", path: "/api/v1/admin/deadline-policies/:kind", tag: "admin", summary: "Set a kind's deadline policy", roles: []string{whoAdmin}, auth: authStaff,
		body: adminPolicyRequest{}, answer: adminPolicyDTO{}, errors: []int{400, 404, 413, 415}},
	{method: "GET", path: "/api/v1/admin/audit", tag: "admin", summary: "The admin audit log, newest first", roles: []string{whoAdmin}, auth: authStaff,
		query: []apiParam{{name: "limit", typ: "integer"}}, answer: itemList[adminEventDTO]{}, errors: []int{400}},
}

// ginParam matches a path parameter as Gin writes it.
var ginParam = regexp.MustCompile(`:([A-Za-z]+)`)

// OpenAPIPath turns a Gin route path into the document's ("/cases/:id" →
// "/cases/{id}").
func OpenAPIPath(p string) string { return ginParam.ReplaceAllString(p, "{$1}") }

var statusText = map[int]string{200: "OK", 201: "Created", 204: "No content"}

// openAPIDocument builds the document from apiOps.
func openAPIDocument(ops []apiOp) ([]byte, error) {
	set := newSchemaSet()
	errorRef := set.ref(reflect.TypeFor[errorBody](), useAnswer)
	paths := map[string]map[string]any{}
	for _, op := range ops {
		p := OpenAPIPath(op.path)
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		o := map[string]any{
			"operationId": operationID(op.method, p),
			"tags":        []string{op.tag},
			"summary":     op.summary,
			"x-roles":     op.roles,
		}
		desc := "Who: " + strings.Join(op.roles, ", ") + "."
		if op.desc != "" {
			desc = op.desc + " " + desc
		}
		o["description"] = desc
		var params []any
		for _, m := range ginParam.FindAllStringSubmatch(op.path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		for _, q := range op.query {
			params = append(params, paramOf(q, "query"))
		}
		for _, h := range op.headers {
			params = append(params, paramOf(h, "header"))
		}
		if len(params) > 0 {
			o["parameters"] = params
		}
		content := map[string]any{}
		if op.body != nil {
			schema := set.ref(reflect.TypeOf(op.body), useRequest)
			if op.bodyOptional {
				schema = nullable(schema) // absent or null where the route reads none
			}
			content["application/json"] = map[string]any{"schema": schema}
		}
		for _, m := range op.bodyMedia {
			if m == "multipart/form-data" {
				enc := map[string]any{"files": map[string]any{"contentType": "application/octet-stream"}}
				for name, p := range op.multipartBody["properties"].(map[string]any) {
					if p.(map[string]any)["contentMediaType"] == "application/json" {
						enc[name] = map[string]any{"contentType": "application/json"}
					}
				}
				content[m] = map[string]any{"schema": op.multipartBody, "encoding": enc}
			} else {
				content[m] = map[string]any{}
			}
		}
		if len(content) > 0 {
			o["requestBody"] = map[string]any{"required": !op.bodyOptional, "content": content}
		}
		status := op.status
		if status == 0 {
			status = http.StatusOK
		}
		ok := map[string]any{"description": statusText[status]}
		answer := map[string]any{}
		switch {
		case op.answer != nil:
			answer["application/json"] = map[string]any{"schema": set.ref(reflect.TypeOf(op.answer), useAnswer)}
		case op.answerSchema != nil:
			answer["application/json"] = map[string]any{"schema": op.answerSchema}
		}
		for _, m := range op.answerMedia {
			answer[m] = map[string]any{}
		}
		if len(answer) > 0 {
			ok["content"] = answer
		}
		if len(op.answerHeaders) > 0 {
			hs := map[string]any{}
			for name, desc := range op.answerHeaders {
				hs[name] = map[string]any{"description": desc, "schema": map[string]any{"type": "string"}}
			}
			ok["headers"] = hs
		}
		responses := map[string]any{strconv.Itoa(status): ok}
		errs := append([]int{500, 503}, op.errors...)
		switch op.auth {
		case authStaff:
			errs = append(errs, 401, 403)
			o["security"] = []any{map[string]any{"staffBearer": []string{}}}
		case authCitizen:
			errs = append(errs, 401)
			o["security"] = []any{map[string]any{"citizenBearer": []string{}}}
		case authCookie:
			o["security"] = []any{map[string]any{"refreshCookie": []string{}}}
		}
		for _, code := range errs {
			if op.path == "/readyz" && code == 503 {
				responses["503"] = map[string]any{"description": "A dependency is down", "content": map[string]any{
					"application/json": map[string]any{"schema": set.ref(reflect.TypeFor[readyResponse](), useAnswer)}}}
				continue
			}
			resp := map[string]any{"description": http.StatusText(code),
				"content": map[string]any{"application/json": map[string]any{"schema": errorRef}}}
			switch code {
			case http.StatusTooManyRequests, http.StatusServiceUnavailable:
				resp["headers"] = map[string]any{"Retry-After": map[string]any{"description": "Seconds to wait, when the refusal is a matter of load or rate.",
					"schema": map[string]any{"type": "integer"}}}
			case http.StatusUnauthorized:
				resp["headers"] = map[string]any{"WWW-Authenticate": map[string]any{"schema": map[string]any{"type": "string"}}}
			}
			responses[strconv.Itoa(code)] = resp
		}
		o["responses"] = responses
		paths[p][strings.ToLower(op.method)] = o
	}
	doc := map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":   "Minh Bạch API",
			"version": "1",
			"description": "The API of the Minh Bạch portal. JSON in camelCase, times in RFC 3339 UTC. Every error answers " +
				"{\"error\": {\"code\", \"reason\", \"message\", \"fields\"}}; API answers are Cache-Control: no-store. " +
				"x-roles says who may call each operation. See docs/api.md in the repository.",
		},
		"servers": []any{map[string]any{"url": "/"}},
		"paths":   paths,
		"components": map[string]any{
			"schemas": set.defs,
			"securitySchemes": map[string]any{
				"staffBearer": map[string]any{"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
					"description": "A staff access token (POST /api/v1/auth/login, 15 minutes; audience staff). " +
						"POST /api/v1/auth/password and /auth/totp/* also take the password or enrolment token a login answered with."},
				"citizenBearer": map[string]any{"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
					"description": "A citizen's tracking session (POST /api/v1/track/session or the filing's answer, 30 minutes; audience citizen)."},
				"refreshCookie": map[string]any{"type": "apiKey", "in": "cookie", "name": refreshCookie,
					"description": "The HttpOnly, SameSite=Strict refresh cookie on /api/v1/auth; same-origin JSON requests only."},
			},
		},
		"tags": tagList(ops),
	}
	return json.Marshal(doc)
}

func paramOf(p apiParam, in string) map[string]any {
	typ := p.typ
	if typ == "" {
		typ = "string"
	}
	schema := map[string]any{"type": typ}
	if p.enum != nil {
		schema["enum"] = p.enum
	}
	out := map[string]any{"name": p.name, "in": in, "schema": schema}
	if p.desc != "" {
		out["description"] = p.desc
	}
	if p.required {
		out["required"] = true
	}
	return out
}

// operationID names an operation from its method and path:
// GET /api/v1/cases/{id}/audit → getCasesIdAudit.
func operationID(method, path string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	path = strings.TrimPrefix(strings.TrimPrefix(path, "/api/v1"), "/api")
	for _, part := range strings.FieldsFunc(path, func(r rune) bool { return r == '/' || r == '-' || r == '.' || r == '{' || r == '}' }) {
		b.WriteString(exported(part))
	}
	return b.String()
}

func tagList(ops []apiOp) []any {
	desc := map[string]string{
		"health": "Liveness and readiness", "meta": "The API's own description", "public": "Anyone: filing, outcomes, public figures",
		"citizen": "A citizen's tracking session", "auth": "Staff sign-in", "cases": "Handling reports",
		"front": "Fatherland Front recommendations", "custody": "Custody of identities and original files",
		"staff": "Staff: units, figures, reports, staffing", "admin": "Administration",
	}
	seen := map[string]bool{}
	var names []string
	for _, op := range ops {
		if !seen[op.tag] {
			seen[op.tag] = true
			names = append(names, op.tag)
		}
	}
	out := make([]any, len(names))
	for i, n := range names {
		out[i] = map[string]any{"name": n, "description": desc[n]}
	}
	return out
}

// getOpenAPI serves the document, built once at start-up.
func (s *Server) getOpenAPI(c *gin.Context) {
	c.Data(http.StatusOK, "application/json", s.openapi)
}
