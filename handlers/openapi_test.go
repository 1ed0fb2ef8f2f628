package handlers_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"minhbach/handlers"
	"minhbach/services"
)

// openAPIExcluded lists the routes of the router that the document leaves
// out on purpose, each with its reason; openAPIExcludedPrefixes the paths
// under which every route is left out.
var (
	openAPIExcluded         = map[string]string{}
	openAPIExcludedPrefixes = map[string]string{
		"/open311/v2/": "described by the Open311 GeoReport v2 specification, whose formats (form bodies, XML) it follows (docs/intake.md, \"Open311\")",
		"/log/":        "the public log's objects, laid out as C2SP tlog-tiles and signed-note checkpoints specify (docs/transparency-log.md)",
	}
)

// excludedFromOpenAPI reports whether the route key ("METHOD /path") is
// left out of the document on purpose.
func excludedFromOpenAPI(key string) bool {
	if _, ok := openAPIExcluded[key]; ok {
		return true
	}
	_, path, _ := strings.Cut(key, " ")
	for prefix := range openAPIExcludedPrefixes {
		if strings.HasPrefix(path, prefix) {
			return true
		}
	}
	return false
}

// contract is the API's document loaded by kin-openapi, with its router:
// what every request and answer of the handler tests is checked against.
type contract struct {
	doc    *openapi3.T
	router routers.Router
}

var (
	contractOnce sync.Once
	contractVal  *contract
	contractErr  error
)

// loadContract reads the document the portal serves, once per test binary.
func loadContract(t testing.TB) *contract {
	t.Helper()
	contractOnce.Do(func() {
		srv, err := handlers.New(handlers.Config{Services: &services.Portal{}})
		if err != nil {
			contractErr = err
			return
		}
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/openapi.json", nil))
		if w.Code != http.StatusOK {
			contractErr = errors.New("GET /api/openapi.json: " + w.Result().Status)
			return
		}
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(w.Body.Bytes())
		if err != nil {
			contractErr = err
			return
		}
		if err := doc.Validate(context.Background()); err != nil {
			contractErr = err
			return
		}
		router, err := gorillamux.NewRouter(doc)
		if err != nil {
			contractErr = err
			return
		}
		contractVal = &contract{doc: doc, router: router}
	})
	if contractErr != nil {
		t.Fatalf("the OpenAPI document: %v", contractErr)
	}
	return contractVal
}

// checkedServer is the fixture's server: every request a test sends through
// it, and the answer, is checked against the API's document. The request is
// checked only when the answer is a success (tests send malformed requests
// on purpose to see them refused); the answer always: its status must be
// documented for the route and its body must match (the error shape for
// errors).
type checkedServer struct {
	*handlers.Server
	t        testing.TB
	contract *contract
}

func (s *checkedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var reqBody bytes.Buffer
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = &teeBody{r: r.Body, w: &reqBody}
	}
	if s.contract == nil {
		s.Server.ServeHTTP(w, r)
		return
	}
	tee := &answerTee{ResponseWriter: w}
	s.Server.ServeHTTP(tee, r)
	if err := s.contract.check(r, reqBody.Bytes(), tee); err != nil {
		s.t.Errorf("%s %s does not match the OpenAPI document: %v", r.Method, r.URL.Path, err)
	}
}

// teeBody keeps a copy of what the handler reads of the request body (up
// to 4 MiB: the JSON bodies; multipart bodies are not checked).
type teeBody struct {
	r io.ReadCloser
	w *bytes.Buffer
}

func (b *teeBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if b.w.Len() < 4<<20 {
		b.w.Write(p[:n])
	}
	return n, err
}

func (b *teeBody) Close() error { return b.r.Close() }

// answerTee passes the answer on and keeps its status and up to 8 MiB of
// its body.
type answerTee struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
	cut    bool
}

func (a *answerTee) WriteHeader(code int) {
	if a.status == 0 {
		a.status = code
	}
	a.ResponseWriter.WriteHeader(code)
}

func (a *answerTee) Write(p []byte) (int, error) {
	if a.status == 0 {
		a.status = http.StatusOK
	}
	if a.body.Len()+len(p) <= 8<<20 {
		a.body.Write(p)
	} else {
		a.cut = true
	}
	return a.ResponseWriter.Write(p)
}

func (a *answerTee) Flush() {
	if f, ok := a.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (a *answerTee) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if h, ok := a.ResponseWriter.(http.Hijacker); ok {
		return h.Hijack()
	}
	return nil, nil, errors.New("not a hijacker")
}

func (a *answerTee) Unwrap() http.ResponseWriter { return a.ResponseWriter }

// check validates one exchange.
func (c *contract) check(r *http.Request, reqBody []byte, a *answerTee) error {
	status := a.status
	if status == 0 {
		status = http.StatusOK
	}
	if status == 499 {
		return nil // the client went away: nothing was answered (handlers/errors.go)
	}
	route, pathParams, err := c.router.FindRoute(r)
	if err != nil {
		// Not a route of the API (the web app, unknown paths, a method
		// the route lacks): the parity test covers the routes.
		return nil
	}
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true}
	// The request's body as the handler read it.
	req := r.Clone(context.Background())
	req.Body = io.NopCloser(bytes.NewReader(reqBody))
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: pathParams, Route: route, Options: opts}
	if status < 300 {
		reqOpts := *opts
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if mt != "application/json" {
			// Multipart and PDF bodies: only their media type is checked.
			reqOpts.ExcludeRequestBody = true
			if rb := route.Operation.RequestBody; len(reqBody) > 0 && (rb == nil || rb.Value.Content.Get(mt) == nil) {
				return fmt.Errorf("request body of type %q, which the route does not take", mt)
			}
		}
		in.Options = &reqOpts
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			return err
		}
		in.Options = opts
	}
	if a.cut {
		opts = &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true, ExcludeResponseBody: true}
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status, Header: a.Header(), Options: opts}
	out.SetBodyBytes(a.body.Bytes())
	return openapi3filter.ValidateResponse(context.Background(), out)
}

// TestOpenAPIRouteParity fails when a route of the router is missing from
// the document, or the document lists a route the router lacks. A route
// left out on purpose is in openAPIExcluded, with its reason.
func TestOpenAPIRouteParity(t *testing.T) {
	c := loadContract(t)
	srv, err := handlers.New(handlers.Config{Services: &services.Portal{}})
	if err != nil {
		t.Fatal(err)
	}
	inRouter := map[string]bool{}
	for _, r := range srv.Routes() {
		method, path, _ := strings.Cut(r, " ")
		key := method + " " + handlers.OpenAPIPath(path)
		if excludedFromOpenAPI(key) {
			continue
		}
		inRouter[key] = true
	}
	inDoc := map[string]bool{}
	for path, item := range c.doc.Paths.Map() {
		for method := range item.Operations() {
			inDoc[method+" "+path] = true
		}
	}
	var missing, extra []string
	for k := range inRouter {
		if !inDoc[k] {
			missing = append(missing, k)
		}
	}
	for k := range inDoc {
		if !inRouter[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	for _, k := range missing {
		t.Errorf("%s is a route but not in the OpenAPI document: add it to apiOps (handlers/openapi.go) or to openAPIExcluded with the reason", k)
	}
	for _, k := range extra {
		t.Errorf("the OpenAPI document lists %s, which is not a route", k)
	}
	excludedSeen := 0
	for _, r := range srv.Routes() {
		method, path, _ := strings.Cut(r, " ")
		if key := method + " " + handlers.OpenAPIPath(path); excludedFromOpenAPI(key) {
			excludedSeen++
		}
	}
	for k := range inDoc {
		if excludedFromOpenAPI(k) {
			t.Errorf("%s is excluded from the document but listed in it", k)
		}
	}
	if excludedSeen < 11 {
		t.Errorf("only %d Open311 routes left out: the exclusion no longer matches them", excludedSeen)
	}
	if len(inRouter) < 60 {
		t.Fatalf("only %d routes seen", len(inRouter))
	}
}

// TestOpenAPIDocument checks what the document says of itself: OpenAPI
// 3.1, security schemes, roles and a summary on every operation, strict
// answers, the error shape on every error status.
func TestOpenAPIDocument(t *testing.T) {
	c := loadContract(t)
	if c.doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi %q", c.doc.OpenAPI)
	}
	for _, name := range []string{"staffBearer", "citizenBearer", "refreshCookie"} {
		if c.doc.Components.SecuritySchemes[name] == nil {
			t.Errorf("no security scheme %s", name)
		}
	}
	for path, item := range c.doc.Paths.Map() {
		for method, op := range item.Operations() {
			name := method + " " + path
			if op.Summary == "" || len(op.Summary) > 90 {
				t.Errorf("%s: summary %q (short and present)", name, op.Summary)
			}
			roles, _ := op.Extensions["x-roles"].([]any)
			if len(roles) == 0 {
				t.Errorf("%s: no x-roles", name)
			}
			for code, resp := range op.Responses.Map() {
				if code[0] != '4' && code[0] != '5' || path == "/readyz" {
					continue
				}
				mt := resp.Value.Content.Get("application/json")
				if mt == nil || mt.Schema == nil || mt.Schema.Ref != "#/components/schemas/ErrorBody" {
					t.Errorf("%s %s: not the error shape", name, code)
				}
			}
			if strings.HasPrefix(path, "/api/v1/admin/") && !slices.Equal(roles, []any{"admin"}) {
				t.Errorf("%s: roles %v", name, roles)
			}
		}
	}
	for name, ref := range c.doc.Components.Schemas {
		if s := ref.Value; s.Type.Is("object") && (s.AdditionalProperties.Has == nil || *s.AdditionalProperties.Has) {
			t.Errorf("schema %s is not strict (additionalProperties: false)", name)
		}
	}
	errSchema := c.doc.Components.Schemas["ErrorDetail"].Value
	if errSchema == nil || errSchema.AdditionalProperties.Has == nil || *errSchema.AdditionalProperties.Has {
		t.Errorf("the error detail is not strict: %+v", errSchema)
	}
	if !slices.Contains(errSchema.Required, "code") || !slices.Contains(errSchema.Required, "message") {
		t.Errorf("the error detail requires %v", errSchema.Required)
	}
}

// TestOpenAPIServed: the document is public, JSON, with the security
// headers, and the same bytes every time.
func TestOpenAPIServed(t *testing.T) {
	srv, err := handlers.New(handlers.Config{Services: &services.Portal{}})
	if err != nil {
		t.Fatal(err)
	}
	get := func() *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/openapi.json", nil))
		return w
	}
	a, b := get(), get()
	if a.Code != http.StatusOK || !strings.HasPrefix(a.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("%d %s", a.Code, a.Header().Get("Content-Type"))
	}
	if !bytes.Equal(a.Body.Bytes(), b.Body.Bytes()) {
		t.Error("two answers differ")
	}
	if a.Header().Get("Content-Security-Policy") != handlers.ContentSecurityPolicy || a.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("security headers: %v", a.Header())
	}
	var doc map[string]any
	if err := json.Unmarshal(a.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
}

// TestContractCatchesDrift shows that the check fails an answer that
// strays from the document: an unknown field, a missing one, an
// undocumented status.
func TestContractCatchesDrift(t *testing.T) {
	c := loadContract(t)
	exchange := func(method, path string, status int, body string) error {
		r := httptest.NewRequest(method, path, nil)
		a := &answerTee{ResponseWriter: httptest.NewRecorder()}
		a.Header().Set("Content-Type", "application/json; charset=utf-8")
		a.WriteHeader(status)
		_, _ = a.Write([]byte(body))
		return c.check(r, nil, a)
	}
	// A request is held to the document when it succeeds, not when it is refused.
	sent := func(contentType, reqBody string, status int) error {
		r := httptest.NewRequest(http.MethodPost, "/api/v1/track/withdraw", strings.NewReader(reqBody))
		r.Header.Set("Content-Type", contentType)
		a := &answerTee{ResponseWriter: httptest.NewRecorder()}
		a.Header().Set("Content-Type", "application/json; charset=utf-8")
		a.WriteHeader(status)
		answer := `{"error":{"code":"invalid","message":"x"}}`
		if status == 200 {
			answer = `{}` // not a trackView: only the request's error is looked at below
		}
		_, _ = a.Write([]byte(answer))
		return c.check(r, []byte(reqBody), a)
	}
	if err := sent("application/json", `{"reason":"x","extra":1}`, 200); err == nil || !strings.Contains(err.Error(), "request body") {
		t.Errorf("a successful request with an unknown field: %v", err)
	}
	if err := sent("multipart/form-data; boundary=x", `--x--`, 200); err == nil || !strings.Contains(err.Error(), "does not take") {
		t.Errorf("a successful request of a media type the route does not take: %v", err)
	}
	if err := sent("application/json", `{"reason":"x","extra":1}`, 400); err != nil {
		t.Errorf("a refused malformed request: %v", err)
	}
	if err := exchange("GET", "/healthz", 200, `{"status":"ok"}`); err != nil {
		t.Fatalf("a true answer refused: %v", err)
	}
	for _, tc := range []struct {
		path   string
		status int
		body   string
	}{
		{"/healthz", 200, `{"status":"ok","extra":1}`},
		{"/healthz", 200, `{}`},
		{"/healthz", 418, `{"status":"ok"}`},
		{"/api/v1/cases/abc", 404, `{"error":{"message":"x"}}`},
		{"/api/v1/cases/abc", 404, `{"error":{"code":"nope","message":"x"}}`},
	} {
		if err := exchange("GET", tc.path, tc.status, tc.body); err == nil {
			t.Errorf("%s %d %s: accepted", tc.path, tc.status, tc.body)
		}
	}
}

// rolesBeyondMatrix are the routes whose x-roles name a role the route
// matrix refuses, because the matrix's caller lacks what the role also
// needs.
var rolesBeyondMatrix = map[string]string{
	"GET /api/v1/cases/{id}/identity": "inspectors and leads holding an identity grant (TestIdentityCustody); the matrix's hold none",
	"POST /api/v1/auth/refresh":       "staff holding a refresh cookie (TestRefreshRotationAndReuse); the matrix sends none",
}

// TestOpenAPIRolesMatchMatrix holds each operation's x-roles to the route
// matrix (matrix_test.go): a staff role the matrix lets through in its own
// unit is listed, and a listed one is not refused.
func TestOpenAPIRolesMatchMatrix(t *testing.T) {
	c := loadContract(t)
	refused := func(got []int) bool {
		return slices.Equal(got, unauth) || slices.Equal(got, forbidden) || slices.Equal(got, hidden)
	}
	for route, expect := range routeMatrix {
		method, path, _ := strings.Cut(route, " ")
		key := method + " " + handlers.OpenAPIPath(path)
		item := c.doc.Paths.Value(handlers.OpenAPIPath(path))
		if item == nil || item.GetOperation(method) == nil {
			continue // TestOpenAPIRouteParity
		}
		roles, _ := item.GetOperation(method).Extensions["x-roles"].([]any)
		listed := map[string]bool{}
		for _, r := range roles {
			listed[r.(string)] = true
		}
		if listed["anyone"] {
			continue
		}
		for _, w := range everyone {
			if w.role == "" || (!w.own && w.role != services.RoleAdmin) {
				continue
			}
			got := expect(w)
			if len(got) == 0 {
				continue // anyStatus: not an access decision
			}
			ok := !refused(got)
			switch {
			case ok && !listed[string(w.role)]:
				t.Errorf("%s: the matrix lets %s call it; x-roles %v does not list it", key, w.name, roles)
			case !ok && listed[string(w.role)] && rolesBeyondMatrix[key] == "":
				t.Errorf("%s: x-roles %v lists %s, which the matrix refuses", key, roles, w.name)
			}
		}
	}
}
