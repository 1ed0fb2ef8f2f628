package handlers

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"minhbach/services"
)

// The Open311 GeoReport v2 interface (docs/intake.md, "Open311"): every
// resource in .json and .xml, answered from the same services as the web
// API (services/open311.go). Errors are the specification's lists of
// {code, description}, the code being the HTTP status.

// open311Prefix is where the interface lives.
const open311Prefix = "/open311/v2"

// open311Changeset is when this interface last changed in a way clients
// notice (the discovery's changeset).
const open311Changeset = "2026-12-05T00:00:00Z"

type open311Format string

const (
	formatJSON open311Format = "json"
	formatXML  open311Format = "xml"
)

// splitFormat splits "name.json" or "name.xml" into the name and the
// format; ok is false for anything else (no suffix, another one, an empty
// name, a name that is not printable text).
func splitFormat(s string) (name string, f open311Format, ok bool) {
	i := strings.LastIndexByte(s, '.')
	if i <= 0 {
		return "", "", false
	}
	name, ext := s[:i], s[i+1:]
	switch ext {
	case "json":
		f = formatJSON
	case "xml":
		f = formatXML
	default:
		return "", "", false
	}
	if len(name) > 100 || !utf8.ValidString(name) || strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '/' }) {
		return "", "", false
	}
	return name, f, true
}

// open311FormatOf is the format a path asks for: XML when it ends in .xml,
// JSON otherwise (unknown paths and suffixes are answered in JSON).
func open311FormatOf(p string) open311Format {
	if strings.HasSuffix(p, ".xml") {
		return formatXML
	}
	return formatJSON
}

type open311Handler func(c *gin.Context, f open311Format, name string)

func (s *Server) open311Fixed(f open311Format, h open311Handler) gin.HandlerFunc {
	return func(c *gin.Context) { h(c, f, "") }
}

// open311Param reads "<name>.<format>" from the path parameter.
func (s *Server) open311Param(param string, h open311Handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		name, f, ok := splitFormat(c.Param(param))
		if !ok {
			s.open311Error(c, open311FormatOf(c.Param(param)), services.Errorf(services.ReasonNotFound, "The path must end in .json or .xml."))
			return
		}
		h(c, f, name)
	}
}

// open311Write answers v in the format: JSON as it is, XML with the
// declaration the specification asks for.
func (s *Server) open311Write(c *gin.Context, f open311Format, status int, v any) {
	if f == formatXML {
		b, err := xml.Marshal(v)
		if err != nil {
			s.open311Error(c, formatJSON, services.Wrap(err, services.ReasonInternal, "Could not write the answer."))
			return
		}
		c.Data(status, "text/xml; charset=utf-8", append([]byte(xml.Header), b...))
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		s.open311Error(c, formatJSON, services.Wrap(err, services.ReasonInternal, "Could not write the answer."))
		return
	}
	c.Data(status, "application/json; charset=utf-8", b)
}

type open311ErrorDTO struct {
	XMLName     xml.Name `json:"-" xml:"error"`
	Code        int      `json:"code" xml:"code"`
	Description string   `json:"description" xml:"description"`
}

type open311Errors struct {
	XMLName xml.Name `xml:"errors"`
	Items   []open311ErrorDTO
}

// open311Error answers err as the specification's error list: one error
// per refused parameter ("attribute[kind]: required"), or the message.
// Like writeError (refuse) it logs server failures once and never sends a
// cause.
func (s *Server) open311Error(c *gin.Context, f open311Format, err error) {
	e, status, ok := s.refuse(c, err)
	if !ok {
		return
	}
	var items []open311ErrorDTO
	names := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		items = append(items, open311ErrorDTO{Code: status, Description: k + ": " + e.Fields[k]})
	}
	if len(items) == 0 {
		msg := e.Message
		if msg == "" {
			msg = http.StatusText(status)
		}
		items = []open311ErrorDTO{{Code: status, Description: msg}}
	}
	var v any = items
	if f == formatXML {
		v = open311Errors{Items: items}
	}
	s.open311Write(c, f, status, v)
	c.Abort()
}

// open311Lang is the language of the answer's words: the locale or lang
// parameter, else Accept-Language, else Vietnamese.
func open311Lang(c *gin.Context, form url.Values) string {
	for _, v := range []string{form.Get("locale"), form.Get("lang"), c.Query("locale"), c.Query("lang"), c.GetHeader("Accept-Language")} {
		v = strings.ToLower(strings.TrimSpace(v))
		if v == "" {
			continue
		}
		if strings.HasPrefix(v, "en") {
			return "en"
		}
		return "vi"
	}
	return "vi"
}

func pick(t services.Text, lang string) string {
	if lang == "en" {
		return t.EN
	}
	return t.VI
}

// open311Key checks the api_key a request presents, if any: (nil, nil)
// when there is none, an error for one that is unknown, revoked or over
// its rate.
func (s *Server) open311Key(ctx context.Context, secret string) (*services.APIKey, error) {
	if secret == "" {
		return nil, nil
	}
	k, err := s.apiKeys.Use(ctx, secret)
	if err != nil {
		return nil, err
	}
	return &k, nil
}

type open311Endpoint struct {
	Specification string   `json:"specification" xml:"specification"`
	URL           string   `json:"url" xml:"url"`
	Changeset     string   `json:"changeset" xml:"changeset"`
	Type          string   `json:"type" xml:"type"`
	Formats       []string `json:"formats" xml:"formats>format"`
}

type open311DiscoveryDTO struct {
	XMLName    xml.Name          `json:"-" xml:"discovery"`
	Changeset  string            `json:"changeset" xml:"changeset"`
	Contact    string            `json:"contact" xml:"contact"`
	KeyService string            `json:"key_service" xml:"key_service"`
	Endpoints  []open311Endpoint `json:"endpoints" xml:"endpoints>endpoint"`
}

func (s *Server) open311Discovery(c *gin.Context, f open311Format, _ string) {
	lang := open311Lang(c, nil)
	base := strings.TrimSuffix(s.verifyPageURL(c), services.VerifyPagePath)
	s.open311Write(c, f, http.StatusOK, open311DiscoveryDTO{Changeset: open311Changeset,
		Contact:    pick(services.Text{VI: "Quản trị viên cổng Minh Bạch", EN: "The administrators of the Minh Bạch portal"}, lang),
		KeyService: pick(services.Text{VI: "Khóa API do quản trị viên cổng cấp.", EN: "API keys are issued by the portal's administrators."}, lang),
		Endpoints: []open311Endpoint{{Specification: "GeoReport_v2", URL: base + open311Prefix, Changeset: open311Changeset, Type: "production",
			Formats: []string{"text/xml", "application/json"}}}})
}

type open311ServiceDTO struct {
	XMLName     xml.Name `json:"-" xml:"service"`
	ServiceCode string   `json:"service_code" xml:"service_code"`
	ServiceName string   `json:"service_name" xml:"service_name"`
	Description string   `json:"description" xml:"description"`
	Metadata    bool     `json:"metadata" xml:"metadata"`
	Type        string   `json:"type" xml:"type"`
	Keywords    string   `json:"keywords" xml:"keywords"`
	Group       string   `json:"group" xml:"group"`
}

type open311ServicesDTO struct {
	XMLName xml.Name `xml:"services"`
	Items   []open311ServiceDTO
}

func (s *Server) open311Services(c *gin.Context, f open311Format, _ string) {
	list, err := s.open311.Services(c.Request.Context())
	if err != nil {
		s.open311Error(c, f, err)
		return
	}
	lang := open311Lang(c, nil)
	items := make([]open311ServiceDTO, 0, len(list))
	for _, sv := range list {
		items = append(items, open311ServiceDTO{ServiceCode: sv.Code, ServiceName: pick(sv.Name, lang), Description: pick(sv.Name, lang),
			Metadata: true, Type: "realtime", Keywords: sv.Name.VI + ", " + sv.Name.EN, Group: "minhbach"})
	}
	if f == formatXML {
		s.open311Write(c, f, http.StatusOK, open311ServicesDTO{Items: items})
		return
	}
	s.open311Write(c, f, http.StatusOK, items)
}

type open311ValueDTO struct {
	Key  string `json:"key" xml:"key"`
	Name string `json:"name" xml:"name"`
}

type open311AttributeDTO struct {
	Variable            bool              `json:"variable" xml:"variable"`
	Code                string            `json:"code" xml:"code"`
	Datatype            string            `json:"datatype" xml:"datatype"`
	Required            bool              `json:"required" xml:"required"`
	DatatypeDescription *string           `json:"datatype_description" xml:"datatype_description"`
	Order               int               `json:"order" xml:"order"`
	Description         string            `json:"description" xml:"description"`
	Values              []open311ValueDTO `json:"values,omitempty" xml:"-"`
	// ValuesXML is Values in XML, where a list without values has no
	// <values> element at all.
	ValuesXML *open311ValuesXML `json:"-" xml:"values,omitempty"`
}

type open311ValuesXML struct {
	Items []open311ValueDTO `xml:"value"`
}

type open311DefinitionDTO struct {
	XMLName     xml.Name              `json:"-" xml:"service_definition"`
	ServiceCode string                `json:"service_code" xml:"service_code"`
	Attributes  []open311AttributeDTO `json:"attributes" xml:"attributes>attribute"`
}

func (s *Server) open311Definition(c *gin.Context, f open311Format, code string) {
	sv, attrs, err := s.open311.Definition(c.Request.Context(), code)
	if err != nil {
		s.open311Error(c, f, err)
		return
	}
	lang := open311Lang(c, nil)
	out := open311DefinitionDTO{ServiceCode: sv.Code, Attributes: make([]open311AttributeDTO, 0, len(attrs))}
	for _, a := range attrs {
		d := open311AttributeDTO{Variable: true, Code: a.Code, Datatype: a.Datatype, Required: a.Required, Order: a.Order,
			Description: pick(a.Description, lang)}
		for _, v := range a.Values {
			d.Values = append(d.Values, open311ValueDTO{Key: v.Key, Name: pick(v.Name, lang)})
		}
		if len(d.Values) > 0 {
			d.ValuesXML = &open311ValuesXML{Items: d.Values}
		}
		out.Attributes = append(out.Attributes, d)
	}
	s.open311Write(c, f, http.StatusOK, out)
}

// open311Form is a POST requests body, split into its parameters.
type open311Form struct {
	values url.Values
	req    services.Open311Request
}

// open311SingleParams are the parameters that take one value.
var open311SingleParams = []string{"api_key", "jurisdiction_id", "service_code", "lat", "long", "address_string", "address_id", "email",
	"device_id", "account_id", "first_name", "last_name", "phone", "description", "media_url", "locale", "lang"}

// parseOpen311Form reads an application/x-www-form-urlencoded body:
// the specification's parameters, each at most once, and attribute[code]
// or attribute[code][] (several values). Other parameters are ignored, as
// the specification asks of optional ones; none of them can set anything
// the portal decides (status, ids, times).
func parseOpen311Form(body string) (open311Form, error) {
	if !utf8.ValidString(body) {
		return open311Form{}, services.Errorf(services.ReasonMalformed, "The form must be UTF-8.")
	}
	vals, err := url.ParseQuery(body)
	if err != nil {
		return open311Form{}, services.Errorf(services.ReasonMalformed, "The form could not be read.")
	}
	fe := services.FieldErrors{}
	for _, p := range open311SingleParams {
		if len(vals[p]) > 1 {
			fe.Add(p, services.FieldInvalid)
		}
	}
	r := services.Open311Request{ServiceCode: vals.Get("service_code"), Lat: vals.Get("lat"), Long: vals.Get("long"),
		AddressString: vals.Get("address_string"), AddressID: vals.Get("address_id"), Email: vals.Get("email"),
		FirstName: vals.Get("first_name"), LastName: vals.Get("last_name"), Phone: vals.Get("phone"), Description: vals.Get("description"),
		Attributes: map[string][]string{}}
	for k, vs := range vals {
		code, ok := strings.CutPrefix(k, "attribute[")
		if !ok {
			continue
		}
		code, multi := strings.CutSuffix(code, "][]")
		if !multi {
			if code, ok = strings.CutSuffix(code, "]"); !ok {
				fe.Add("attribute", services.FieldInvalid)
				continue
			}
		}
		if code == "" || strings.ContainsAny(code, "[]") {
			fe.Add("attribute", services.FieldInvalid)
			continue
		}
		r.Attributes[code] = append(r.Attributes[code], vs...)
	}
	if err := fe.Err(); err != nil {
		return open311Form{}, err
	}
	return open311Form{values: vals, req: r}, nil
}

// open311CreatedDTO answers a POST requests: the specification's fields
// and, as an extension the application needs to give its user, the
// tracking code and the receipt (shown this once).
type open311CreatedDTO struct {
	XMLName          xml.Name `json:"-" xml:"request"`
	ServiceRequestID string   `json:"service_request_id" xml:"service_request_id"`
	ServiceNotice    string   `json:"service_notice" xml:"service_notice"`
	AccountID        *string  `json:"account_id" xml:"-"`
	AccountIDXML     string   `json:"-" xml:"account_id"`
	TrackingCode     string   `json:"tracking_code" xml:"tracking_code"`
	Receipt          string   `json:"receipt" xml:"receipt"`
	Kind             string   `json:"kind" xml:"kind"`
	SubmittedAt      string   `json:"submitted_at" xml:"submitted_at"`
	ContentHash      string   `json:"content_hash" xml:"content_hash"`
}

type open311RequestsDTO struct {
	XMLName xml.Name `xml:"service_requests"`
	Items   any
}

// open311Create files a report (API key required).
func (s *Server) open311Create(c *gin.Context, f open311Format, _ string) {
	mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		s.open311Error(c, f, services.Errorf(services.ReasonWrongType, "The request body must be application/x-www-form-urlencoded."))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, s.maxJSON))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			c.Header("Connection", "close")
			s.open311Error(c, f, services.Errorf(services.ReasonTooLarge, "The request is too large (at most %d bytes).", s.maxJSON))
			return
		}
		s.open311Error(c, f, services.Errorf(services.ReasonMalformed, "The request body could not be read."))
		return
	}
	form, err := parseOpen311Form(string(body))
	if err != nil {
		s.open311Error(c, f, err)
		return
	}
	secret := form.values.Get("api_key")
	if secret == "" {
		s.open311Error(c, f, services.Errorf(services.ReasonAPIKeyInvalid, "An api_key is required to create a request."))
		return
	}
	key, err := s.open311Key(c.Request.Context(), secret)
	if err != nil {
		s.open311Error(c, f, err)
		return
	}
	lang := open311Lang(c, form.values)
	form.req.Language = lang
	res, err := s.open311.Submit(c.Request.Context(), *key, form.req, c.GetHeader("Idempotency-Key"))
	if err != nil {
		s.open311Error(c, f, err)
		return
	}
	if res.Replayed {
		c.Header("Idempotent-Replayed", "true")
	}
	out := open311CreatedDTO{ServiceRequestID: res.TrackingCode, ServiceNotice: pick(services.Open311Notice, lang),
		TrackingCode: res.TrackingCode, Receipt: res.Receipt, Kind: string(res.Kind), SubmittedAt: w3(res.SubmittedAt), ContentHash: res.ContentHash}
	c.Header("Location", open311Prefix+"/requests/"+res.TrackingCode+"."+string(f))
	if f == formatXML {
		s.open311Write(c, f, http.StatusCreated, open311RequestsDTO{Items: []open311CreatedDTO{out}})
		return
	}
	s.open311Write(c, f, http.StatusCreated, []open311CreatedDTO{out})
}

// w3 writes a time as the specification's dates: RFC 3339 in UTC.
func w3(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func w3p(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := w3(t)
	return &s
}

type open311EventDTO struct {
	Type     string `json:"type" xml:"type"`
	Datetime string `json:"datetime" xml:"datetime"`
	Status   string `json:"status,omitempty" xml:"status,omitempty"`
}

// open311RequestDTO is a request as GET requests shows it. Fields the
// portal never shows (agency_responsible, lat, long, media_url) are
// absent; description and address_id are set for published outcomes only.
type open311RequestDTO struct {
	XMLName           xml.Name          `json:"-" xml:"request"`
	ServiceRequestID  string            `json:"service_request_id" xml:"service_request_id"`
	Status            string            `json:"status" xml:"status"`
	StatusNotes       string            `json:"status_notes" xml:"status_notes"`
	ServiceName       string            `json:"service_name" xml:"service_name"`
	ServiceCode       string            `json:"service_code" xml:"service_code"`
	Description       *string           `json:"description" xml:"description"`
	AgencyResponsible *string           `json:"agency_responsible" xml:"agency_responsible"`
	ServiceNotice     *string           `json:"service_notice" xml:"service_notice"`
	RequestedDatetime *string           `json:"requested_datetime" xml:"requested_datetime"`
	UpdatedDatetime   *string           `json:"updated_datetime" xml:"updated_datetime"`
	ExpectedDatetime  *string           `json:"expected_datetime" xml:"expected_datetime"`
	Address           *string           `json:"address" xml:"address"`
	AddressID         *string           `json:"address_id" xml:"address_id"`
	Timeline          []open311EventDTO `json:"timeline,omitempty" xml:"timeline>event,omitempty"`
}

// open311RequestOf is a request in the answer's language.
func open311RequestOf(st services.Open311Status, lang string) open311RequestDTO {
	d := open311RequestDTO{ServiceRequestID: st.ID, Status: "closed", StatusNotes: pick(st.Notes, lang), ServiceCode: st.ServiceCode,
		ServiceName: pick(st.ServiceName, lang), RequestedDatetime: w3p(st.RequestedAt), UpdatedDatetime: w3p(st.UpdatedAt),
		ExpectedDatetime: w3p(st.ExpectedAt)}
	if st.Open {
		d.Status = "open"
	}
	if d.ServiceName == "" {
		d.ServiceName = st.ServiceCode
	}
	if st.Outcome {
		desc := st.Description
		d.Description = &desc
		if st.AreaCode != "" {
			code, name := st.AreaCode, pick(st.AreaName, lang)
			d.AddressID = &code
			if name != "" {
				d.Address = &name
			}
		}
	}
	for _, e := range st.Timeline {
		d.Timeline = append(d.Timeline, open311EventDTO{Type: string(e.Type), Datetime: w3(e.At), Status: string(e.Status)})
	}
	return d
}

func (s *Server) open311Answer(c *gin.Context, f open311Format, sts []services.Open311Status) {
	lang := open311Lang(c, nil)
	items := make([]open311RequestDTO, 0, len(sts))
	for _, st := range sts {
		items = append(items, open311RequestOf(st, lang))
	}
	if f == formatXML {
		s.open311Write(c, f, http.StatusOK, open311RequestsDTO{Items: items})
		return
	}
	s.open311Write(c, f, http.StatusOK, items)
}

// parseOpen311Query reads a GET requests' parameters.
func parseOpen311Query(q url.Values) (services.Open311Query, error) {
	fe := services.FieldErrors{}
	list := func(name string, max int) []string {
		var out []string
		for _, v := range q[name] {
			for _, x := range strings.Split(v, ",") {
				if x = strings.TrimSpace(x); x != "" {
					out = append(out, x)
				}
			}
		}
		if len(out) > max {
			fe.Add(name, services.FieldTooLong)
			return nil
		}
		return out
	}
	date := func(name string) time.Time {
		v := strings.TrimSpace(q.Get(name))
		if v == "" {
			return time.Time{}
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			fe.Add(name, services.FieldInvalid)
		}
		return t
	}
	out := services.Open311Query{IDs: list("service_request_id", services.MaxOpen311IDs), ServiceCodes: list("service_code", 100),
		From: date("start_date"), To: date("end_date"), Statuses: list("status", 2)}
	for _, st := range out.Statuses {
		if st != "open" && st != "closed" {
			fe.Add("status", services.FieldInvalid)
		}
	}
	return out, fe.Err()
}

func (s *Server) open311Requests(c *gin.Context, f open311Format, _ string) {
	q, err := parseOpen311Query(c.Request.URL.Query())
	if err != nil {
		s.open311Error(c, f, err)
		return
	}
	key, err := s.open311Key(c.Request.Context(), c.Query("api_key"))
	if err != nil {
		s.open311Error(c, f, err)
		return
	}
	sts, err := s.open311.Requests(c.Request.Context(), key, q)
	if err != nil {
		s.open311Error(c, f, err)
		return
	}
	s.open311Answer(c, f, sts)
}

func (s *Server) open311Request(c *gin.Context, f open311Format, id string) {
	key, err := s.open311Key(c.Request.Context(), c.Query("api_key"))
	if err != nil {
		s.open311Error(c, f, err)
		return
	}
	st, err := s.open311.Request(c.Request.Context(), key, id)
	if err != nil {
		s.open311Error(c, f, err)
		return
	}
	s.open311Answer(c, f, []services.Open311Status{st})
}

type open311TokenDTO struct {
	XMLName          xml.Name `json:"-" xml:"request"`
	ServiceRequestID string   `json:"service_request_id" xml:"service_request_id"`
	Token            string   `json:"token" xml:"token"`
}

func (s *Server) open311Token(c *gin.Context, f open311Format, token string) {
	key, err := s.open311Key(c.Request.Context(), c.Query("api_key"))
	if err != nil {
		s.open311Error(c, f, err)
		return
	}
	id, err := s.open311.Token(c.Request.Context(), key, token)
	if err != nil {
		s.open311Error(c, f, err)
		return
	}
	out := []open311TokenDTO{{ServiceRequestID: id, Token: token}}
	if f == formatXML {
		s.open311Write(c, f, http.StatusOK, open311RequestsDTO{Items: out})
		return
	}
	s.open311Write(c, f, http.StatusOK, out)
}
