package services

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Open311 answers the Open311 GeoReport v2 interface (docs/intake.md,
// "Open311") from the portal's own services: services are the catalogue's
// active categories, a report is filed through the Intake with the web
// form's rules, and what a client may read is a projection of a report
// filed with its own key (status and public timeline only) or of a
// published outcome (what the public feed already shows). No rule is kept
// here twice: this file only maps names.
type Open311 struct {
	catalog   CatalogStore
	intake    *Intake
	store     Open311Store
	outcomes  *Outcomes
	deadlines ClockBook
	now       func() time.Time
}

// Open311Store reads what the Open311 interface shows.
type Open311Store interface {
	FindCaseByTrackingCode(ctx context.Context, code string) (Case, error)
	// FindCasesFiledBy returns the reports filed by filedBy whose filing
	// time is in [from, to), newest first, at most limit.
	FindCasesFiledBy(ctx context.Context, filedBy string, from, to time.Time, limit int) ([]Case, error)
	// FindPublishedOutcome returns the published outcome with public id id.
	FindPublishedOutcome(ctx context.Context, id string) (PublishedOutcome, error)
}

// ClockBook gives a report's clocks (the DeadlineBook).
type ClockBook interface {
	Clocks(ctx context.Context, c Case) ([]Clock, error)
}

// Open311Options are what the Open311 interface needs.
type Open311Options struct {
	Catalog   CatalogStore
	Intake    *Intake
	Store     Open311Store
	Outcomes  *Outcomes
	Deadlines ClockBook
	Now       func() time.Time
}

// NewOpen311 makes the Open311 interface's service.
func NewOpen311(o Open311Options) *Open311 {
	return &Open311{catalog: o.Catalog, intake: o.Intake, store: o.Store, outcomes: o.Outcomes, deadlines: o.Deadlines, now: clockOrNow(o.Now)}
}

// Limits of the Open311 listing.
const (
	// MaxOpen311Requests bounds each source of a listing: the key's own
	// reports, and the published outcomes.
	MaxOpen311Requests = 200
	// Open311Span is the longest range of a listing, and its default (the
	// last Open311Span), as the specification says.
	Open311Span = 90 * 24 * time.Hour
	// MaxOpen311IDs bounds the ids one listing may ask for.
	MaxOpen311IDs = 50
)

// Open311Attribute is one attribute of a service definition: a field of
// the web form that Open311 itself does not have.
type Open311Attribute struct {
	Code        string
	Datatype    string // string, text, datetime, singlevaluelist
	Required    bool
	Order       int
	Description Text
	Values      []Open311Value
}

// Open311Value is one choice of a list attribute.
type Open311Value struct {
	Key  string
	Name Text
}

// The attribute codes (attribute[code]=value in a POST).
const (
	AttrKind          = "kind"
	AttrTitle         = "title"
	AttrAreaCode      = "area_code"
	AttrOffice        = "office"
	AttrCounter       = "counter"
	AttrProcedure     = "procedure"
	AttrDossierNumber = "dossier_number"
	AttrOfficials     = "officials"
	AttrIncidentDate  = "incident_date"
	AttrAnonymous     = "anonymous"
	AttrAddress       = "address"
	AttrNationalID    = "national_id"
)

// Open311Service is one service: an active category.
type Open311Service struct {
	Code string
	Name Text
}

// Services lists the services: the active categories, in their order.
func (o *Open311) Services(ctx context.Context) ([]Open311Service, error) {
	cats, err := o.catalog.ListCategories(ctx)
	if err != nil {
		return nil, err
	}
	out := []Open311Service{}
	for _, c := range cats {
		if c.Active {
			out = append(out, Open311Service{Code: c.Code, Name: c.Name})
		}
	}
	return out, nil
}

// Definition returns a service and its attributes; an unknown or retired
// category is not found.
func (o *Open311) Definition(ctx context.Context, code string) (Open311Service, []Open311Attribute, error) {
	cat, err := o.catalog.FindCategory(ctx, code)
	if IsCode(err, CodeNotFound) || (err == nil && !cat.Active) {
		return Open311Service{}, nil, Errorf(ReasonServiceNotFound, "No such service_code.")
	}
	if err != nil {
		return Open311Service{}, nil, err
	}
	areas, err := o.catalog.ListAreas(ctx)
	if err != nil {
		return Open311Service{}, nil, err
	}
	return Open311Service{Code: cat.Code, Name: cat.Name}, open311Attributes(areas), nil
}

func open311Attributes(areas []Area) []Open311Attribute {
	kinds := make([]Open311Value, 0, len(Kinds))
	for _, k := range Kinds {
		kinds = append(kinds, Open311Value{Key: string(k), Name: KindNames[k]})
	}
	areaValues := make([]Open311Value, 0, len(areas))
	for _, a := range areas {
		areaValues = append(areaValues, Open311Value{Key: a.Code, Name: a.Name})
	}
	yesNo := []Open311Value{{Key: "false", Name: Text{VI: "Không", EN: "No"}}, {Key: "true", Name: Text{VI: "Có", EN: "Yes"}}}
	attrs := []Open311Attribute{
		{Code: AttrKind, Datatype: "singlevaluelist", Required: true, Values: kinds, Description: Text{
			VI: "Loại đơn: khiếu nại và tố cáo cần danh tính người gửi; tố cáo không danh tính được tiếp nhận như phản ánh.",
			EN: "Kind of report: a complaint and a denunciation need the sender's identity; an anonymous denunciation is taken as feedback."}},
		{Code: AttrTitle, Datatype: "string", Description: Text{
			VI: "Tiêu đề ngắn (không bắt buộc: mặc định là dòng đầu của mô tả).",
			EN: "A short title (optional: the description's first line by default)."}},
		{Code: AttrAreaCode, Datatype: "singlevaluelist", Values: areaValues, Description: Text{
			VI: "Mã đơn vị hành chính (phường, xã) nơi xảy ra sự việc; cần mã này hoặc address_string.",
			EN: "Administrative code of the ward or commune where it happened; this or address_string is required."}},
		{Code: AttrOffice, Datatype: "string", Description: Text{VI: "Cơ quan, bộ phận.", EN: "Office or department."}},
		{Code: AttrCounter, Datatype: "string", Description: Text{VI: "Quầy, bàn tiếp nhận.", EN: "Counter or desk."}},
		{Code: AttrProcedure, Datatype: "string", Description: Text{VI: "Thủ tục hành chính.", EN: "Administrative procedure."}},
		{Code: AttrDossierNumber, Datatype: "string", Description: Text{VI: "Số hồ sơ, số biên nhận.", EN: "Dossier or receipt number."}},
		{Code: AttrOfficials, Datatype: "string", Description: Text{VI: "Cán bộ liên quan (tên, chức vụ).", EN: "Officials involved (names, positions)."}},
		{Code: AttrIncidentDate, Datatype: "datetime", Description: Text{VI: "Ngày xảy ra (YYYY-MM-DD).", EN: "Date it happened (YYYY-MM-DD)."}},
		{Code: AttrAnonymous, Datatype: "singlevaluelist", Values: yesNo, Description: Text{
			VI: "Gửi không danh tính (không áp dụng cho khiếu nại). Không gửi: không danh tính khi không có họ tên, điện thoại, e-mail.",
			EN: "File anonymously (not for complaints). Unset: anonymous when no name, phone or e-mail is given."}},
		{Code: AttrAddress, Datatype: "string", Description: Text{
			VI: "Địa chỉ của người gửi (được niêm phong như họ tên).", EN: "The sender's address (sealed like the name)."}},
		{Code: AttrNationalID, Datatype: "string", Description: Text{
			VI: "Số CCCD/CMND của người gửi (được niêm phong như họ tên).", EN: "The sender's national ID number (sealed like the name)."}},
	}
	for i := range attrs {
		attrs[i].Order = i + 1
	}
	return attrs
}

// Open311Request is a POST requests as a client sent it, already split
// into its parameters (handlers parse the form).
type Open311Request struct {
	ServiceCode   string
	Lat, Long     string
	AddressString string
	AddressID     string
	Email         string
	FirstName     string
	LastName      string
	Phone         string
	Description   string
	// Attributes are attribute[code]=value, each code with its values.
	Attributes map[string][]string
	// Language is the report's language ("vi" or "en").
	Language string
	// DeviceID, AccountID and MediaURL are read and dropped
	// (docs/intake.md, "Open311").
}

var open311AttrCodes = []string{AttrKind, AttrTitle, AttrAreaCode, AttrOffice, AttrCounter, AttrProcedure, AttrDossierNumber,
	AttrOfficials, AttrIncidentDate, AttrAnonymous, AttrAddress, AttrNationalID}

// open311Fields names the web form's fields as an Open311 client sent them.
var open311Fields = map[string]string{
	"kind": "attribute[kind]", "category": "service_code", "title": "attribute[title]", "description": "description",
	"place": "address_string", "areaCode": "attribute[area_code]", "office": "attribute[office]", "counter": "attribute[counter]",
	"procedure": "attribute[procedure]", "dossierNumber": "attribute[dossier_number]", "officials": "attribute[officials]",
	"incidentDate": "attribute[incident_date]", "language": "lang", "anonymous": "attribute[anonymous]",
	"identity": "attribute[anonymous]", "identity.name": "first_name", "identity.phone": "phone", "identity.email": "email",
	"identity.address": "attribute[address]", "identity.nationalId": "attribute[national_id]",
}

var coordinatePattern = regexp.MustCompile(`^-?[0-9]{1,3}(\.[0-9]{1,15})?$`)

// Input maps the request onto the web form's input, or says which of its
// parameters are wrong (by their Open311 names).
func (r Open311Request) Input() (SubmitInput, error) {
	f := FieldErrors{}
	attr := map[string]string{}
	for code, vs := range r.Attributes {
		switch {
		case !slices.Contains(open311AttrCodes, code):
			f.Add("attribute["+sanitizeFieldName(code)+"]", FieldUnknown)
		case len(vs) > 1:
			f.Add("attribute["+code+"]", FieldInvalid)
		case len(vs) == 1:
			attr[code] = vs[0]
		}
	}
	for name, v := range map[string]string{"lat": r.Lat, "long": r.Long} {
		if v = strings.TrimSpace(v); v != "" && !validCoordinate(v, name) {
			f.Add(name, FieldInvalid)
		}
	}
	if (strings.TrimSpace(r.Lat) == "") != (strings.TrimSpace(r.Long) == "") {
		f.Add("lat", FieldInvalid) // both or neither
	}
	in := SubmitInput{Kind: Kind(attr[AttrKind]), Category: r.ServiceCode, Title: attr[AttrTitle], Description: r.Description,
		IncidentDate: attr[AttrIncidentDate], AreaCode: attr[AttrAreaCode], Place: r.AddressString, Office: attr[AttrOffice],
		Counter: attr[AttrCounter], Procedure: attr[AttrProcedure], DossierNumber: attr[AttrDossierNumber],
		Officials: attr[AttrOfficials], Language: r.Language}
	if strings.TrimSpace(in.AreaCode) == "" {
		// The portal's addresses are the administrative codes of the area
		// list: an address_id is one.
		in.AreaCode = r.AddressID
	}
	if strings.TrimSpace(in.Title) == "" {
		in.Title = defaultTitle(r.Description)
	}
	// Vietnamese names are written family name first.
	id := &IdentityInput{Name: strings.TrimSpace(strings.TrimSpace(r.LastName) + " " + strings.TrimSpace(r.FirstName)),
		Phone: r.Phone, Email: r.Email, Address: attr[AttrAddress], NationalID: attr[AttrNationalID]}
	named := strings.TrimSpace(id.Name+id.Phone+id.Email+id.Address+id.NationalID) != ""
	switch a := attr[AttrAnonymous]; a {
	case "true":
		in.Anonymous = true
	case "false":
	case "":
		// Unset: anonymous when nobody is named, except a complaint, which
		// cannot be anonymous and is then refused for its missing name.
		in.Anonymous = !named && in.Kind != KindComplaint
	default:
		f.Add("attribute[anonymous]", FieldInvalid)
	}
	if named {
		in.Identity = id
	}
	return in, f.Err()
}

// validCoordinate checks a latitude or longitude in decimal degrees.
func validCoordinate(v, name string) bool {
	if !coordinatePattern.MatchString(v) {
		return false
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return false
	}
	if name == "lat" {
		return x >= -90 && x <= 90
	}
	return x >= -180 && x <= 180
}

// sanitizeFieldName keeps an unknown attribute's code printable and short
// in the error that names it.
func sanitizeFieldName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || forbiddenRune(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40])
	}
	return s
}

// defaultTitle is the description's first line, cut to a title's length.
func defaultTitle(desc string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(desc), "\n")
	line = strings.TrimSpace(line)
	if r := []rune(line); len(r) > 120 {
		line = strings.TrimSpace(string(r[:119])) + "…"
	}
	return line
}

// Open311FieldErrors renames the web form's field errors to the Open311
// parameters the client sent.
func Open311FieldErrors(err error) error {
	e, ok := err.(*Error)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	c := *e
	c.Fields = map[string]string{}
	for k, v := range e.Fields {
		if n, ok := open311Fields[k]; ok {
			k = n
		}
		c.Fields[k] = v
	}
	return &c
}

// Submit files an Open311 client's report through the intake, as a report
// of the key (Intake.SubmitOpen311), with field errors named as the client
// sent them.
func (o *Open311) Submit(ctx context.Context, key APIKey, r Open311Request, idempotencyKey string) (SubmitResult, error) {
	in, err := r.Input()
	if err != nil {
		// Also check the rest, so that every problem is named at once.
		in.Normalize()
		if verr := in.Validate(o.intake.limits, stamp(o.now)); verr != nil {
			return SubmitResult{}, mergeFieldErrors(err, Open311FieldErrors(verr))
		}
		return SubmitResult{}, err
	}
	res, err := o.intake.SubmitOpen311(ctx, key.ID, SubmitRequest{Input: in, IdempotencyKey: idempotencyKey})
	return res, Open311FieldErrors(err)
}

func mergeFieldErrors(a, b error) error {
	ea, ok1 := a.(*Error)
	eb, ok2 := b.(*Error)
	if !ok1 || !ok2 {
		return a
	}
	c := *ea
	c.Fields = map[string]string{}
	for k, v := range eb.Fields {
		c.Fields[k] = v
	}
	for k, v := range ea.Fields {
		c.Fields[k] = v
	}
	return &c
}

// Open311Status is a request as an Open311 client may read it: for a
// report filed with its own key, the status, the clocks and the public
// timeline (never the identity, the description, the place or who handles
// it); for a published outcome, what the public feed shows.
type Open311Status struct {
	// ID is the tracking code of a report of the key, or the public id of
	// a published outcome.
	ID          string
	Outcome     bool
	Open        bool
	Status      Status
	Notes       Text
	ServiceCode string
	// Description and AreaCode are set for published outcomes only: the
	// approved public summary and the area the feed shows.
	Description string
	AreaCode    string
	// ServiceName and AreaName name the category and the area.
	ServiceName Text
	AreaName    Text
	// RequestedAt is zero for published outcomes (the feed shows no filing
	// time); UpdatedAt is the last public event (or the publication);
	// ExpectedAt the resolution's due date while the report is open.
	RequestedAt, UpdatedAt, ExpectedAt time.Time
	Timeline                           []Open311Event
}

// Open311Event is one public event of a report's timeline.
type Open311Event struct {
	Type   EventType
	At     time.Time
	Status Status
}

// Open311Query is a GET requests.
type Open311Query struct {
	// IDs, when set, overrides the rest.
	IDs          []string
	ServiceCodes []string
	From, To     time.Time
	Statuses     []string // "open", "closed"
}

// Requests lists what the caller may read: without a key the published
// outcomes; with one also the reports filed with it.
func (o *Open311) Requests(ctx context.Context, key *APIKey, q Open311Query) ([]Open311Status, error) {
	out, err := o.requests(ctx, key, q)
	if err != nil {
		return nil, err
	}
	return o.named(ctx, out)
}

// named puts the names of the categories and areas next to their codes.
func (o *Open311) named(ctx context.Context, sts []Open311Status) ([]Open311Status, error) {
	if len(sts) == 0 {
		return sts, nil
	}
	cats, err := o.catalog.ListCategories(ctx)
	if err != nil {
		return nil, err
	}
	areas, err := o.catalog.ListAreas(ctx)
	if err != nil {
		return nil, err
	}
	catNames, areaNames := map[string]Text{}, map[string]Text{}
	for _, c := range cats {
		catNames[c.Code] = c.Name
	}
	for _, a := range areas {
		areaNames[a.Code] = a.Name
	}
	for i := range sts {
		sts[i].ServiceName = catNames[sts[i].ServiceCode]
		if sts[i].AreaCode != "" {
			sts[i].AreaName = areaNames[sts[i].AreaCode]
		}
	}
	return sts, nil
}

func (o *Open311) requests(ctx context.Context, key *APIKey, q Open311Query) ([]Open311Status, error) {
	if len(q.IDs) > 0 {
		if len(q.IDs) > MaxOpen311IDs {
			return nil, &Error{Code: CodeInvalid, Reason: ReasonFieldsInvalid, Message: "Too many service_request_id.",
				Fields: map[string]string{"service_request_id": FieldTooLong}}
		}
		out := []Open311Status{}
		for _, id := range q.IDs {
			st, err := o.request(ctx, key, id)
			if IsCode(err, CodeNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			out = append(out, st)
		}
		return out, nil
	}
	now := o.now().UTC()
	from, to := q.From, q.To
	switch {
	case from.IsZero() && to.IsZero():
		to, from = now, now.Add(-Open311Span)
	case from.IsZero():
		from = to.Add(-Open311Span)
	case to.IsZero():
		to = from.Add(Open311Span)
	}
	if !to.After(from) || to.Sub(from) > Open311Span {
		return nil, &Error{Code: CodeInvalid, Reason: ReasonFieldsInvalid, Message: "start_date and end_date must be in order and at most 90 days apart.",
			Fields: map[string]string{"start_date": FieldInvalid}}
	}
	keep := func(st Open311Status) bool {
		if len(q.ServiceCodes) > 0 && !slices.Contains(q.ServiceCodes, st.ServiceCode) {
			return false
		}
		if len(q.Statuses) > 0 && !slices.Contains(q.Statuses, map[bool]string{true: "open", false: "closed"}[st.Open]) {
			return false
		}
		return true
	}
	out := []Open311Status{}
	if key != nil {
		cases, err := o.store.FindCasesFiledBy(ctx, key.FiledBy(), from, to, MaxOpen311Requests)
		if err != nil {
			return nil, err
		}
		for _, c := range cases {
			st, err := o.ofCase(ctx, c)
			if err != nil {
				return nil, err
			}
			if keep(st) {
				out = append(out, st)
			}
		}
	}
	// Published outcomes by their publication time, newest first.
	var after *OutcomeCursor
	n := 0
	for n < MaxOpen311Requests {
		page, next, err := o.outcomes.Page(ctx, after, MaxOutcomePage)
		if err != nil {
			return nil, err
		}
		for _, p := range page {
			if p.PublishedAt.Before(from) {
				return out, nil
			}
			n++
			if !p.PublishedAt.Before(to) {
				continue
			}
			if st := ofOutcome(p); keep(st) {
				out = append(out, st)
			}
		}
		if next == nil {
			break
		}
		after = next
	}
	return out, nil
}

// Request reads one request: a tracking code of a report filed with key,
// or the public id of a published outcome. Anything else, another key's
// report included, is not found.
func (o *Open311) Request(ctx context.Context, key *APIKey, id string) (Open311Status, error) {
	st, err := o.request(ctx, key, id)
	if err != nil {
		return Open311Status{}, err
	}
	named, err := o.named(ctx, []Open311Status{st})
	if err != nil {
		return Open311Status{}, err
	}
	return named[0], nil
}

func (o *Open311) request(ctx context.Context, key *APIKey, id string) (Open311Status, error) {
	notFound := Errorf(ReasonRequestNotFound, "No such service_request_id.")
	if code := NormalizeTrackingCode(id); code != "" {
		if key == nil {
			return Open311Status{}, notFound
		}
		c, err := o.store.FindCaseByTrackingCode(ctx, code)
		if IsCode(err, CodeNotFound) || (err == nil && c.FiledBy != key.FiledBy()) {
			return Open311Status{}, notFound
		}
		if err != nil {
			return Open311Status{}, err
		}
		return o.ofCase(ctx, c)
	}
	if !publicIDPattern.MatchString(id) {
		return Open311Status{}, notFound
	}
	p, err := o.store.FindPublishedOutcome(ctx, id)
	if IsCode(err, CodeNotFound) {
		return Open311Status{}, notFound
	}
	if err != nil {
		return Open311Status{}, err
	}
	return ofOutcome(p), nil
}

// publicIDPattern is the shape of an outcome's public id (newMessageID).
var publicIDPattern = regexp.MustCompile(`^[0-9a-f]{24}$`)

// Token answers GET tokens/{token}: the portal answers every POST with its
// service_request_id at once and gives the same value as token, so a token
// is a tracking code of a report filed with key.
func (o *Open311) Token(ctx context.Context, key *APIKey, token string) (string, error) {
	code := NormalizeTrackingCode(token)
	if code == "" || key == nil {
		return "", Errorf(ReasonRequestNotFound, "No such token.")
	}
	st, err := o.request(ctx, key, code)
	if err != nil {
		return "", err
	}
	return st.ID, nil
}

// ofCase projects a report of the key, field by field: nothing of its
// content, identity, place or handling unit.
func (o *Open311) ofCase(ctx context.Context, c Case) (Open311Status, error) {
	st := Open311Status{ID: c.TrackingCode, Open: c.Status.Open(), Status: c.Status, Notes: open311StatusNotes[c.Status],
		ServiceCode: c.Category, RequestedAt: c.CreatedAt.UTC(), UpdatedAt: c.CreatedAt.UTC(), Timeline: []Open311Event{}}
	for _, e := range c.Timeline {
		if !e.Public {
			continue
		}
		st.Timeline = append(st.Timeline, Open311Event{Type: e.Type, At: e.At.UTC(), Status: e.Status})
		if e.At.After(st.UpdatedAt) {
			st.UpdatedAt = e.At.UTC()
		}
	}
	if st.Open && o.deadlines != nil {
		clocks, err := o.deadlines.Clocks(ctx, c)
		if err != nil {
			return Open311Status{}, err
		}
		for _, k := range clocks {
			if k.Name == ClockResolve && k.Stopped.IsZero() {
				st.ExpectedAt = k.Due.UTC()
			}
		}
		if st.ExpectedAt.IsZero() && !c.DueAt.IsZero() {
			st.ExpectedAt = c.DueAt.UTC()
		}
	}
	return st, nil
}

// ofOutcome projects a published outcome: what GET /api/v1/outcomes shows.
func ofOutcome(p PublishedOutcome) Open311Status {
	notes := open311ResultNotes[p.Result]
	switch p.AppealState() {
	case OutcomeUnderReview:
		notes = Text{VI: notes.VI + " Đang được xem xét lần hai.", EN: notes.EN + " Under second-round review."}
	case OutcomeDecided:
		notes = Text{VI: notes.VI + " Đã được xem xét lần hai.", EN: notes.EN + " Reviewed in a second round."}
	}
	return Open311Status{ID: p.ID, Outcome: true, Open: false, Notes: notes, ServiceCode: p.Category, Description: p.Summary,
		AreaCode: p.AreaCode, UpdatedAt: p.PublishedAt.UTC()}
}

// open311StatusNotes put a report's status in plain words.
var open311StatusNotes = map[Status]Text{
	StatusReceived:      {VI: "Đã tiếp nhận, đang chờ xem xét thụ lý.", EN: "Received; awaiting the decision to accept it."},
	StatusAccepted:      {VI: "Đã thụ lý, đang chờ giải quyết.", EN: "Accepted for handling."},
	StatusInvestigating: {VI: "Đang xác minh, giải quyết.", EN: "Being investigated."},
	StatusRejected:      {VI: "Không được thụ lý.", EN: "Not accepted for handling."},
	StatusTransferred:   {VI: "Đã chuyển đến cơ quan có thẩm quyền.", EN: "Transferred to the competent authority."},
	StatusConcluded:     {VI: "Đã có kết luận.", EN: "Concluded."},
	StatusClosed:        {VI: "Đã kết thúc.", EN: "Closed."},
	StatusAppealed:      {VI: "Đã có kết luận; đang được xem xét lần hai.", EN: "Concluded; appealed to a second round."},
	StatusWithdrawn:     {VI: "Người gửi đã rút đơn.", EN: "Withdrawn by the sender."},
}

// open311ResultNotes put a published outcome's result in plain words.
var open311ResultNotes = map[string]Text{
	OutcomeSubstantiated:   {VI: "Kết luận: nội dung phản ánh là đúng.", EN: "Concluded: substantiated."},
	OutcomePartly:          {VI: "Kết luận: nội dung phản ánh đúng một phần.", EN: "Concluded: partly substantiated."},
	OutcomeUnsubstantiated: {VI: "Kết luận: nội dung phản ánh là không đúng.", EN: "Concluded: not substantiated."},
}

// Open311Notice is the service_notice of a filed report.
var Open311Notice = Text{
	VI: "Đã tiếp nhận. Người gửi theo dõi đơn trên cổng bằng mã theo dõi và mã bí mật (chỉ hiển thị một lần); có thể bổ sung tệp bằng chứng ở đó.",
	EN: "Received. The sender follows the report on the portal with the tracking code and the secret code (shown this once), and may add evidence files there.",
}
