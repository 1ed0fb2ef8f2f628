package handlers_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"minhbach/services"
)

// The Open311 GeoReport v2 interface (docs/intake.md, "Open311"). The
// requests and answers follow the specification's own examples, in both
// formats.

const formType = "application/x-www-form-urlencoded; charset=utf-8"

// issueKey issues an API key as an admin and returns its id and secret.
func (f *fixture) issueKey(t testing.TB, admin session, name string, rate int) (string, string) {
	t.Helper()
	var out struct {
		Key struct {
			ID, Prefix string
		}
		Secret string
	}
	f.call(t, admin.access, http.MethodPost, "/api/v1/admin/api-keys", fmt.Sprintf(`{"name":%q,"ratePerMinute":%d}`, name, rate), http.StatusCreated, &out)
	if out.Key.ID == "" || !strings.HasPrefix(out.Secret, out.Key.Prefix) || len(out.Secret) < 40 {
		t.Fatalf("issued: %+v", out)
	}
	return out.Key.ID, out.Secret
}

func (f *fixture) admin(t testing.TB) session {
	t.Helper()
	f.mkUser(t, "admin@open311.test", services.RoleAdmin, "")
	return f.staffLogin(t, "admin@open311.test", "")
}

// specExample is the specification's example POST, with this portal's
// service code and attributes, and addresses that name no real host.
func specExample(secret string) string {
	return "api_key=" + url.QueryEscape(secret) + "&jurisdiction_id=city.gov&service_code=bribe&lat=37.76524078&long=-122.4212043" +
		"&address_string=1234+5th+street&email=john.smith%40example.org&device_id=tt222111&account_id=123456&first_name=john" +
		"&last_name=smith&phone=111111111&description=A+large+sinkhole+is+destroying+the+street" +
		"&media_url=http%3A%2F%2Fmedia.example.org%2F2212426634_5ed477a060.jpg" +
		"&attribute[kind]=denunciation&attribute[area_code]=26743&attribute[office]=UBND+ph%C6%B0%E1%BB%9Dng"
}

func (f *fixture) post311(format, body string) *httptest.ResponseRecorder {
	return f.do(http.MethodPost, "/open311/v2/requests."+format, formType, strings.NewReader(body))
}

type created311 struct {
	ServiceRequestID string  `json:"service_request_id" xml:"service_request_id"`
	ServiceNotice    string  `json:"service_notice" xml:"service_notice"`
	AccountID        *string `json:"account_id" xml:"account_id"`
	TrackingCode     string  `json:"tracking_code" xml:"tracking_code"`
	Receipt          string  `json:"receipt" xml:"receipt"`
	Kind             string  `json:"kind" xml:"kind"`
}

type error311 struct {
	Code        int    `json:"code" xml:"code"`
	Description string `json:"description" xml:"description"`
}

func errors311(t testing.TB, w *httptest.ResponseRecorder) []error311 {
	t.Helper()
	var out []error311
	if strings.HasPrefix(w.Header().Get("Content-Type"), "text/xml") {
		var x struct {
			XMLName xml.Name   `xml:"errors"`
			Errors  []error311 `xml:"error"`
		}
		if err := xml.Unmarshal(w.Body.Bytes(), &x); err != nil {
			t.Fatalf("xml errors: %v %s", err, w.Body)
		}
		out = x.Errors
	} else if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		t.Fatalf("json errors: %v %s", err, w.Body)
	}
	if len(out) == 0 {
		t.Fatalf("no errors in %s", w.Body)
	}
	for _, e := range out {
		if e.Code != w.Code || e.Description == "" {
			t.Fatalf("error %+v in a %d answer", e, w.Code)
		}
	}
	return out
}

func hasError(es []error311, desc string) bool {
	for _, e := range es {
		if strings.Contains(e.Description, desc) {
			return true
		}
	}
	return false
}

// TestOpen311Discovery: discovery, the service list and a service
// definition, in both formats, with the specification's root elements.
func TestOpen311Discovery(t *testing.T) {
	f := newFixture(t)
	for _, format := range []string{"json", "xml"} {
		w := f.do(http.MethodGet, "/open311/v2/discovery."+format, "", nil)
		if w.Code != http.StatusOK {
			t.Fatalf("discovery.%s: %d %s", format, w.Code, w.Body)
		}
		var d struct {
			XMLName   xml.Name `xml:"discovery"`
			Changeset string   `json:"changeset" xml:"changeset"`
			Endpoints []struct {
				URL     string   `json:"url" xml:"url"`
				Type    string   `json:"type" xml:"type"`
				Formats []string `json:"formats" xml:"formats>format"`
			} `json:"endpoints" xml:"endpoints>endpoint"`
		}
		decode311(t, w, format, &d)
		if d.Changeset == "" || len(d.Endpoints) != 1 || !strings.HasSuffix(d.Endpoints[0].URL, "/open311/v2") || len(d.Endpoints[0].Formats) != 2 {
			t.Fatalf("discovery.%s: %+v", format, d)
		}

		w = f.do(http.MethodGet, "/open311/v2/services."+format+"?jurisdiction_id=city.gov&lang=en", "", nil)
		type service struct {
			Code     string `json:"service_code" xml:"service_code"`
			Name     string `json:"service_name" xml:"service_name"`
			Metadata bool   `json:"metadata" xml:"metadata"`
			Type     string `json:"type" xml:"type"`
		}
		var list []service
		if format == "xml" {
			var x struct {
				XMLName  xml.Name  `xml:"services"`
				Services []service `xml:"service"`
			}
			decode311(t, w, format, &x)
			list = x.Services
		} else {
			decode311(t, w, format, &list)
		}
		var bribe *service
		for i := range list {
			if list[i].Code == "bribe" {
				bribe = &list[i]
			}
		}
		if bribe == nil || !bribe.Metadata || bribe.Type != "realtime" || bribe.Name == "" {
			t.Fatalf("services.%s: %+v", format, list)
		}

		w = f.do(http.MethodGet, "/open311/v2/services/bribe."+format, "", nil)
		var def struct {
			XMLName    xml.Name `xml:"service_definition"`
			Code       string   `json:"service_code" xml:"service_code"`
			Attributes []struct {
				Variable bool   `json:"variable" xml:"variable"`
				Code     string `json:"code" xml:"code"`
				Datatype string `json:"datatype" xml:"datatype"`
				Required bool   `json:"required" xml:"required"`
				Order    int    `json:"order" xml:"order"`
				Values   []struct {
					Key  string `json:"key" xml:"key"`
					Name string `json:"name" xml:"name"`
				} `json:"values" xml:"values>value"`
			} `json:"attributes" xml:"attributes>attribute"`
		}
		decode311(t, w, format, &def)
		codes := map[string]bool{}
		orders := map[int]bool{}
		for _, a := range def.Attributes {
			codes[a.Code] = true
			if orders[a.Order] || a.Order < 1 || !a.Variable {
				t.Fatalf("attribute %+v", a)
			}
			orders[a.Order] = true
			if a.Code == "kind" && (!a.Required || a.Datatype != "singlevaluelist" || len(a.Values) != 3) {
				t.Fatalf("kind: %+v", a)
			}
		}
		// Everything the web form has beyond Open311's own parameters.
		for _, c := range []string{"kind", "title", "area_code", "office", "counter", "procedure", "dossier_number", "officials",
			"incident_date", "anonymous", "address", "national_id"} {
			if !codes[c] {
				t.Errorf("services/bribe.%s lacks attribute %s", format, c)
			}
		}
		if def.Code != "bribe" {
			t.Fatalf("definition: %+v", def)
		}
		w = f.do(http.MethodGet, "/open311/v2/services/no_such."+format, "", nil)
		if w.Code != http.StatusNotFound || len(errors311(t, w)) != 1 {
			t.Fatalf("unknown service: %d %s", w.Code, w.Body)
		}
	}
	// A path without a known format.
	if w := f.do(http.MethodGet, "/open311/v2/services/bribe.html", "", nil); w.Code != http.StatusNotFound {
		t.Fatalf("bribe.html: %d", w.Code)
	}
	if w := f.do(http.MethodGet, "/open311/v2/nothing.xml", "", nil); w.Code != http.StatusNotFound || !strings.HasPrefix(w.Body.String(), "<?xml") {
		t.Fatalf("unknown path: %d %s", w.Code, w.Body)
	}
}

func decode311(t testing.TB, w *httptest.ResponseRecorder, format string, v any) {
	t.Helper()
	if w.Code != http.StatusOK && w.Code != http.StatusCreated {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	if format == "xml" {
		if ct := w.Header().Get("Content-Type"); ct != "text/xml; charset=utf-8" || !strings.HasPrefix(w.Body.String(), `<?xml version="1.0" encoding="UTF-8"?>`) {
			t.Fatalf("xml answer: %s %.80s", ct, w.Body)
		}
		if err := xml.Unmarshal(w.Body.Bytes(), v); err != nil {
			t.Fatalf("xml: %v %s", err, w.Body)
		}
		return
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Fatalf("json answer: %s", ct)
	}
	if err := json.Unmarshal(w.Body.Bytes(), v); err != nil {
		t.Fatalf("json: %v %s", err, w.Body)
	}
}

// TestOpen311FilingStory: the specification's example POST, in both
// formats, files a report through the intake on the open311 channel,
// filed by the key: the identity is sealed as the web form's, the citizen
// follows it with the code and receipt, the audit chain names the key,
// the statistics count it under open311, and what the portal does not use
// (coordinates, device and account ids, the media address) is not kept.
func TestOpen311FilingStory(t *testing.T) {
	f := newFixture(t)
	st := f.storyStaff(t)
	ctx := context.Background()
	admin := f.admin(t)
	keyID, secret := f.issueKey(t, admin, "Ứng dụng thành phố", 60)

	var codes []string
	for _, format := range []string{"json", "xml"} {
		w := f.post311(format, specExample(secret))
		var r created311
		if format == "xml" {
			var x struct {
				XMLName  xml.Name     `xml:"service_requests"`
				Requests []created311 `xml:"request"`
			}
			decode311(t, w, format, &x)
			if len(x.Requests) != 1 || !strings.Contains(w.Body.String(), "<account_id></account_id>") {
				t.Fatalf("xml answer: %s", w.Body)
			}
			r = x.Requests[0]
		} else {
			var list []created311
			decode311(t, w, format, &list)
			if len(list) != 1 || list[0].AccountID != nil || !strings.Contains(w.Body.String(), `"account_id":null`) {
				t.Fatalf("json answer: %s", w.Body)
			}
			r = list[0]
		}
		if w.Code != http.StatusCreated || r.ServiceRequestID == "" || r.ServiceRequestID != r.TrackingCode || r.ServiceNotice == "" ||
			!regexp.MustCompile(`^[0-9]{4}( [0-9]{4}){3}$|^[0-9]{16}$|^[0-9]{4}(-[0-9]{4}){3}$`).MatchString(r.Receipt) || r.Kind != "denunciation" {
			t.Fatalf("%s: %d %+v", format, w.Code, r)
		}
		if w.Header().Get("Location") != "/open311/v2/requests/"+r.TrackingCode+"."+format {
			t.Fatalf("location: %q", w.Header().Get("Location"))
		}
		codes = append(codes, r.TrackingCode)

		// The citizen follows it with the code and the receipt, like anyone.
		token := f.login(t, r.TrackingCode, r.Receipt)
		var tv struct {
			TrackingCode string
			Timeline     []struct{ Type, Actor string }
		}
		f.call(t, token, http.MethodGet, "/api/v1/track", "", http.StatusOK, &tv)
		if tv.TrackingCode != r.TrackingCode || len(tv.Timeline) == 0 || tv.Timeline[0].Actor != "staff" {
			t.Fatalf("tracking: %+v", tv)
		}
		if strings.Contains(fmt.Sprint(tv), keyID) {
			t.Fatalf("the citizen's page names the key: %+v", tv)
		}
	}

	c, err := f.env.Store.FindCaseByTrackingCode(ctx, codes[0])
	if err != nil {
		t.Fatal(err)
	}
	if c.Channel != services.ChannelOpen311 || c.FiledBy != "apikey:"+keyID || c.Kind != services.KindDenunciation || c.Place != "1234 5th street" ||
		c.AreaCode != "26743" || c.Office != "UBND phường" || c.Title != "A large sinkhole is destroying the street" || c.UnitID != st.unitID {
		t.Fatalf("stored: %+v", c)
	}
	// The identity was sealed like the web form's: family name first.
	id, ok, err := f.vault.Open(ctx, c.ID)
	if err != nil || !ok || id.Name != "smith john" || id.Email != "john.smith@example.org" || id.Phone != "111111111" {
		t.Fatalf("identity: %+v %v %v", id, ok, err)
	}
	raw, err := f.env.Client.Database(f.env.Database).Collection("cases").FindOne(ctx, bson.D{{Key: "_id", Value: mustOID(t, c.ID)}}).Raw()
	if err != nil {
		t.Fatal(err)
	}
	for _, dropped := range []string{"37.765", "122.421", "tt222111", "123456", "media.example.org", "smith", "john.smith", "111111111", secret} {
		if strings.Contains(raw.String(), dropped) {
			t.Errorf("the report document holds %q", dropped)
		}
	}

	// The audit chain's first event names the key.
	var audit struct {
		Events []struct{ Actor, Type string }
	}
	f.call(t, st.lead.access, http.MethodGet, "/api/v1/cases/"+c.ID+"/audit", "", http.StatusOK, &audit)
	if len(audit.Events) == 0 || audit.Events[0].Type != "submitted" || audit.Events[0].Actor != "apikey:"+keyID {
		t.Fatalf("audit: %+v", audit.Events)
	}
	// Staff see the channel.
	var sc struct{ Channel, FiledBy string }
	f.call(t, st.lead.access, http.MethodGet, "/api/v1/cases/"+c.ID, "", http.StatusOK, &sc)
	if sc.Channel != "open311" || sc.FiledBy != "apikey:"+keyID {
		t.Fatalf("case: %+v", sc)
	}

	// Counted by channel.
	if err := f.Stats.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	month := f.clock.Now().In(services.VietnamTime).Format("2006-01")
	rep, err := f.PeriodReports.Build(ctx, services.Actor{UserID: st.lead.user.ID, Role: services.RoleLead, UnitID: st.unitID},
		services.PeriodQuery{Scope: "unit:" + st.unitID, From: month, To: month})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, row := range rep.ByChannel {
		got[row.Key] = row.Received
	}
	if got["open311"] != 2 || got["web"] != 0 {
		t.Fatalf("by channel: %v", got)
	}

	// The key counted both requests.
	var keys struct {
		Items []struct {
			ID         string
			Requests   int64
			LastUsedAt *time.Time
		}
	}
	f.call(t, admin.access, http.MethodGet, "/api/v1/admin/api-keys", "", http.StatusOK, &keys)
	if len(keys.Items) != 1 || keys.Items[0].Requests != 2 || keys.Items[0].LastUsedAt == nil {
		t.Fatalf("keys: %+v", keys)
	}
	// No log line holds the secret, the receipt or an identity field.
	for _, secretText := range []string{secret, "john.smith@example.org", "111111111"} {
		if strings.Contains(f.logs.String(), secretText) {
			t.Fatalf("the log holds %q", secretText)
		}
	}
}

// TestOpen311Refusals: the identity rules of each kind apply as on the web
// form, every refused parameter is named in the specification's error
// format, and nothing is stored when refused.
func TestOpen311Refusals(t *testing.T) {
	f := newFixture(t)
	f.storyStaff(t)
	admin := f.admin(t)
	_, secret := f.issueKey(t, admin, "app", 1000)
	base := "api_key=" + url.QueryEscape(secret) + "&service_code=bribe&address_string=M%E1%BB%99t+c%E1%BB%ADa&description=C%C3%A1n+b%E1%BB%99+%C4%91%C3%B2i+ti%E1%BB%81n"
	for _, c := range []struct {
		name, format, ct, body string
		want                   int
		desc                   []string
	}{
		{"no key", "json", formType, strings.Replace(base, "api_key=", "x=", 1) + "&attribute[kind]=feedback", http.StatusForbidden, []string{"api_key"}},
		{"wrong key", "xml", formType, strings.Replace(base, "api_key=mb311_", "api_key=mb311_x", 1) + "&attribute[kind]=feedback", http.StatusForbidden, []string{"api_key"}},
		{"json body", "json", "application/json", `{"service_code":"bribe"}`, http.StatusUnsupportedMediaType, nil},
		{"complaint without a name", "json", formType, base + "&attribute[kind]=complaint", http.StatusBadRequest, []string{"first_name: required"}},
		{"anonymous complaint", "xml", formType, base + "&attribute[kind]=complaint&attribute[anonymous]=true", http.StatusBadRequest, []string{"attribute[anonymous]: not_allowed"}},
		{"no kind", "json", formType, base, http.StatusBadRequest, []string{"attribute[kind]: required"}},
		{"unknown attribute", "json", formType, base + "&attribute[kind]=feedback&attribute[status]=closed", http.StatusBadRequest, []string{"attribute[status]: unknown"}},
		{"two values", "json", formType, base + "&attribute[kind]=feedback&attribute[office][]=a&attribute[office][]=b", http.StatusBadRequest, []string{"attribute[office]: invalid"}},
		{"unknown service", "json", formType, strings.Replace(base, "service_code=bribe", "service_code=potholes", 1) + "&attribute[kind]=feedback", http.StatusBadRequest, []string{"service_code: unknown"}},
		{"coordinates alone", "json", formType, strings.Replace(base, "address_string=M%E1%BB%99t+c%E1%BB%ADa", "lat=10.77&long=106.70", 1) + "&attribute[kind]=feedback", http.StatusBadRequest, []string{"address_string: required"}},
		{"bad coordinates", "json", formType, base + "&attribute[kind]=feedback&lat=91&long=10", http.StatusBadRequest, []string{"lat: invalid"}},
		{"unknown address_id", "json", formType, strings.Replace(base, "address_string=M%E1%BB%99t+c%E1%BB%ADa", "address_id=99999", 1) + "&attribute[kind]=feedback", http.StatusBadRequest, []string{"attribute[area_code]: unknown"}},
		{"repeated parameter", "json", formType, base + "&attribute[kind]=feedback&service_code=bribe", http.StatusBadRequest, []string{"service_code: invalid"}},
		{"bad encoding", "json", formType, base + "&description=%zz", http.StatusBadRequest, nil},
		{"bad phone", "json", formType, base + "&attribute[kind]=denunciation&first_name=A&phone=abc", http.StatusBadRequest, []string{"phone: invalid"}},
	} {
		w := f.do(http.MethodPost, "/open311/v2/requests."+c.format, c.ct, strings.NewReader(c.body))
		es := errors311(t, w)
		if w.Code != c.want {
			t.Errorf("%s: %d %s, want %d", c.name, w.Code, w.Body, c.want)
			continue
		}
		for _, d := range c.desc {
			if !hasError(es, d) {
				t.Errorf("%s: %s lacks %q", c.name, w.Body, d)
			}
		}
	}
	if n := f.countCases(t); n != 0 {
		t.Fatalf("%d reports stored", n)
	}
	// An anonymous denunciation is taken as feedback, flagged; parameters
	// that would set what the portal decides are ignored.
	w := f.post311("json", base+"&attribute[kind]=denunciation&status=closed&service_request_id=MB-AAAA-AAAA&requested_datetime=2001-01-01T00:00:00Z")
	var list []created311
	decode311(t, w, "json", &list)
	c, err := f.env.Store.FindCaseByTrackingCode(context.Background(), list[0].TrackingCode)
	if err != nil {
		t.Fatal(err)
	}
	if list[0].Kind != "feedback" || !c.AnonymousDenunciation || c.HasIdentity || c.Status != services.StatusReceived || c.CreatedAt.Year() < 2026 {
		t.Fatalf("anonymous denunciation: %+v %+v", list[0], c)
	}
}

// TestOpen311Privacy: a key sees the status and public timeline of its own
// reports and nothing of anyone else's; no GET shows an identity, a
// description, the place or the handling unit; published outcomes are
// visible with or without a key, as the public feed shows them.
func TestOpen311Privacy(t *testing.T) {
	f := newFixture(t)
	st := f.storyStaff(t)
	ctx := context.Background()
	admin := f.admin(t)
	_, secretA := f.issueKey(t, admin, "app A", 1000)
	_, secretB := f.issueKey(t, admin, "app B", 1000)

	w := f.post311("json", specExample(secretA)+"&attribute[dossier_number]=HS-SECRET-42&attribute[national_id]=079188004455")
	var list []created311
	decode311(t, w, "json", &list)
	code := list[0].TrackingCode
	c, err := f.env.Store.FindCaseByTrackingCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	// The unit works on it: accepted (public) and an internal note.
	f.call(t, st.lead.access, http.MethodPost, "/api/v1/cases/"+c.ID+"/transitions", `{"to":"accepted"}`, http.StatusOK, nil)
	f.call(t, st.inspector.access, http.MethodPost, "/api/v1/cases/"+c.ID+"/notes", `{"text":"GHI-CHU-NOI-BO: nghi ngờ ông N"}`, http.StatusCreated, nil)

	// A web report, concluded and published, for the public outcomes.
	_, pub := f.fileCase(t, "complaint")
	f.conclude(t, st.lead, pub.ID)
	f.call(t, st.lead.access, http.MethodPost, "/api/v1/cases/"+pub.ID+"/publication", `{"publicSummary":"Đã xác minh: không có vi phạm."}`, http.StatusOK, nil)
	var feed struct {
		Items []struct{ ID, Summary, AreaCode string }
	}
	f.call(t, "", http.MethodGet, "/api/v1/outcomes", "", http.StatusOK, &feed)
	if len(feed.Items) != 1 {
		t.Fatalf("feed: %+v", feed)
	}
	outcomeID := feed.Items[0].ID

	never := []string{"smith", "john.smith", "111111111", "079188004455", "sinkhole", "1234 5th", "HS-SECRET-42", "UBND",
		"GHI-CHU-NOI-BO", st.unitID, st.frontID, st.inspector.user.ID, st.lead.user.ID, pub.TrackingCode, pub.ID, c.ID,
		"unit-story", "front-story", "Bích", "0912345678"}
	check := func(name string, w *httptest.ResponseRecorder) {
		t.Helper()
		for _, s := range never {
			if strings.Contains(w.Body.String(), s) {
				t.Errorf("%s shows %q: %s", name, s, w.Body)
			}
		}
	}

	type req311 struct {
		ID          string  `json:"service_request_id" xml:"service_request_id"`
		Status      string  `json:"status" xml:"status"`
		Notes       string  `json:"status_notes" xml:"status_notes"`
		ServiceCode string  `json:"service_code" xml:"service_code"`
		ServiceName string  `json:"service_name" xml:"service_name"`
		Description *string `json:"description" xml:"description"`
		Address     *string `json:"address" xml:"address"`
		Requested   *string `json:"requested_datetime" xml:"requested_datetime"`
		Updated     *string `json:"updated_datetime" xml:"updated_datetime"`
		Expected    *string `json:"expected_datetime" xml:"expected_datetime"`
		AddressID   *string `json:"address_id" xml:"address_id"`
		Timeline    []struct {
			Type   string `json:"type" xml:"type"`
			Status string `json:"status" xml:"status"`
		} `json:"timeline" xml:"timeline>event"`
	}
	get := func(path, format string) ([]req311, *httptest.ResponseRecorder) {
		t.Helper()
		w := f.do(http.MethodGet, path, "", nil)
		if w.Code != http.StatusOK {
			return nil, w
		}
		var out []req311
		if format == "xml" {
			var x struct {
				XMLName  xml.Name `xml:"service_requests"`
				Requests []req311 `xml:"request"`
			}
			decode311(t, w, format, &x)
			out = x.Requests
		} else {
			decode311(t, w, format, &out)
		}
		return out, w
	}
	byID := func(rs []req311) map[string]req311 {
		m := map[string]req311{}
		for _, r := range rs {
			m[r.ID] = r
		}
		return m
	}
	for _, format := range []string{"json", "xml"} {
		// Key A: its own report (status, clocks, public timeline) and the
		// published outcome.
		rs, w := get("/open311/v2/requests."+format+"?api_key="+url.QueryEscape(secretA)+"&lang=en", format)
		check("A's list."+format, w)
		m := byID(rs)
		own, ok := m[code]
		if !ok || len(rs) != 2 || own.Status != "open" || own.Notes != "Accepted for handling." || own.ServiceCode != "bribe" || own.ServiceName == "" || own.Address != nil ||
			own.Description != nil || own.Requested == nil || own.Updated == nil || own.Expected == nil || own.AddressID != nil ||
			len(own.Timeline) != 2 || own.Timeline[1].Status != "accepted" {
			t.Fatalf("A's list.%s: %s", format, w.Body)
		}
		out, ok := m[outcomeID]
		if !ok || out.Status != "closed" || out.Description == nil || *out.Description != "Đã xác minh: không có vi phạm." ||
			out.Requested != nil || out.AddressID == nil || *out.AddressID != feed.Items[0].AreaCode || out.Address == nil || *out.Address == "" || len(out.Timeline) != 0 {
			t.Fatalf("outcome in A's list.%s: %s", format, w.Body)
		}
		// Vietnamese by default.
		rs, w = get("/open311/v2/requests/"+code+"."+format+"?api_key="+url.QueryEscape(secretA), format)
		if len(rs) != 1 || rs[0].Notes != "Đã thụ lý, đang chờ giải quyết." {
			t.Fatalf("A's report.%s: %d %s", format, w.Code, w.Body)
		}
		check("A's report."+format, w)
		// The token is the same code.
		if w := f.do(http.MethodGet, "/open311/v2/tokens/"+code+"."+format+"?api_key="+url.QueryEscape(secretA), "", nil); w.Code != http.StatusOK ||
			!strings.Contains(w.Body.String(), code) {
			t.Fatalf("token.%s: %d %s", format, w.Code, w.Body)
		}

		// Key B and no key: only the published outcome.
		for _, q := range []string{"?api_key=" + url.QueryEscape(secretB), "", "?service_request_id=" + code + "," + outcomeID} {
			rs, w = get("/open311/v2/requests."+format+q, format)
			if len(rs) != 1 || rs[0].ID != outcomeID {
				t.Fatalf("list.%s%s: %d %s", format, q, w.Code, w.Body)
			}
			check("list", w)
		}
		for _, q := range []string{"?api_key=" + url.QueryEscape(secretB), ""} {
			for _, p := range []string{"/open311/v2/requests/" + code + "." + format, "/open311/v2/tokens/" + code + "." + format} {
				if w := f.do(http.MethodGet, p+q, "", nil); w.Code != http.StatusNotFound {
					t.Fatalf("%s%s: %d %s", p, q, w.Code, w.Body)
				}
			}
		}
		rs, w = get("/open311/v2/requests/"+outcomeID+"."+format, format)
		if len(rs) != 1 || rs[0].ID != outcomeID || rs[0].Status != "closed" {
			t.Fatalf("outcome.%s: %d %s", format, w.Code, w.Body)
		}
		// The filters.
		rs, _ = get("/open311/v2/requests."+format+"?status=open&api_key="+url.QueryEscape(secretA), format)
		if len(rs) != 1 || rs[0].ID != code {
			t.Fatalf("status=open: %+v", rs)
		}
		rs, _ = get("/open311/v2/requests."+format+"?service_code=other&api_key="+url.QueryEscape(secretA), format)
		if len(rs) != 0 {
			t.Fatalf("service_code=other: %+v", rs)
		}
		old := time.Now().AddDate(0, -6, 0).UTC()
		rs, _ = get("/open311/v2/requests."+format+"?start_date="+old.Format(time.RFC3339)+"&end_date="+old.AddDate(0, 0, 30).Format(time.RFC3339)+
			"&api_key="+url.QueryEscape(secretA), format)
		if len(rs) != 0 {
			t.Fatalf("six months ago: %+v", rs)
		}
		if w := f.do(http.MethodGet, "/open311/v2/requests."+format+"?start_date="+old.Format(time.RFC3339), "", nil); w.Code != http.StatusOK {
			t.Fatalf("start_date alone: %d %s", w.Code, w.Body)
		}
		if w := f.do(http.MethodGet, "/open311/v2/requests."+format+"?start_date="+old.Format(time.RFC3339)+"&end_date="+time.Now().UTC().Format(time.RFC3339), "", nil); w.Code != http.StatusBadRequest ||
			!hasError(errors311(t, w), "start_date") {
			t.Fatalf("more than 90 days: %d %s", w.Code, w.Body)
		}
		if w := f.do(http.MethodGet, "/open311/v2/requests."+format+"?status=pending", "", nil); w.Code != http.StatusBadRequest {
			t.Fatalf("status=pending: %d", w.Code)
		}
	}
}

// TestOpen311Keys: an admin issues a key (the secret once), renames it and
// sets its rate; past the rate a request is 429 with Retry-After in the
// Open311 format; a revoked key is refused at once; every change is in the
// admin audit log; nobody else manages keys.
func TestOpen311Keys(t *testing.T) {
	f := newFixture(t)
	st := f.storyStaff(t)
	admin := f.admin(t)
	id, secret := f.issueKey(t, admin, "app", 100)

	// Only admins.
	for _, s := range []session{st.lead, st.inspector, st.monitor} {
		f.call(t, s.access, http.MethodGet, "/api/v1/admin/api-keys", "", http.StatusForbidden, nil)
		f.call(t, s.access, http.MethodPost, "/api/v1/admin/api-keys", `{"name":"x","ratePerMinute":5}`, http.StatusForbidden, nil)
	}
	f.call(t, admin.access, http.MethodPost, "/api/v1/admin/api-keys", `{"name":"","ratePerMinute":0}`, http.StatusBadRequest, nil)
	f.call(t, admin.access, http.MethodPost, "/api/v1/admin/api-keys", `{"name":"x","ratePerMinute":5,"secret":"mine"}`, http.StatusBadRequest, nil)
	f.call(t, admin.access, http.MethodPatch, "/api/v1/admin/api-keys/0123456789abcdef01234567", `{"name":"x"}`, http.StatusNotFound, nil)

	// The list never shows the secret or its hash.
	w := f.staffGet(admin.access, "/api/v1/admin/api-keys")
	if w.Code != http.StatusOK || strings.Contains(w.Body.String(), secret) || strings.Contains(w.Body.String(), secret[12:]) || strings.Contains(w.Body.String(), "hash") {
		t.Fatalf("list: %s", w.Body)
	}
	var k struct {
		ID, Name      string
		RatePerMinute int
		RevokedAt     *time.Time
	}
	f.call(t, admin.access, http.MethodPatch, "/api/v1/admin/api-keys/"+id, `{"name":"Ứng dụng phường","ratePerMinute":2}`, http.StatusOK, &k)
	if k.Name != "Ứng dụng phường" || k.RatePerMinute != 2 {
		t.Fatalf("patched: %+v", k)
	}
	list := "/open311/v2/requests.json?api_key=" + url.QueryEscape(secret)
	for i := range 2 {
		if w := f.do(http.MethodGet, list, "", nil); w.Code != http.StatusOK {
			t.Fatalf("request %d: %d %s", i, w.Code, w.Body)
		}
	}
	for _, format := range []string{"json", "xml"} {
		w = f.do(http.MethodGet, "/open311/v2/requests."+format+"?api_key="+url.QueryEscape(secret), "", nil)
		if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" || len(errors311(t, w)) != 1 {
			t.Fatalf("over the rate (%s): %d %v %s", format, w.Code, w.Header(), w.Body)
		}
	}
	// Without the key the public listing still answers.
	if w := f.do(http.MethodGet, "/open311/v2/requests.json", "", nil); w.Code != http.StatusOK {
		t.Fatalf("no key: %d", w.Code)
	}
	// A higher rate applies at once.
	f.call(t, admin.access, http.MethodPatch, "/api/v1/admin/api-keys/"+id, `{"ratePerMinute":600}`, http.StatusOK, nil)
	f.clock.advance(2 * time.Second)
	if w := f.do(http.MethodGet, list, "", nil); w.Code != http.StatusOK {
		t.Fatalf("after raising the rate: %d %s", w.Code, w.Body)
	}

	// Revoked: refused at once, for reading and for filing.
	f.call(t, admin.access, http.MethodPost, "/api/v1/admin/api-keys/"+id+"/revoke", "", http.StatusOK, &k)
	if k.RevokedAt == nil {
		t.Fatalf("revoked: %+v", k)
	}
	f.call(t, admin.access, http.MethodPost, "/api/v1/admin/api-keys/"+id+"/revoke", "", http.StatusOK, nil) // again: nothing changes
	if w := f.do(http.MethodGet, list, "", nil); w.Code != http.StatusForbidden || !hasError(errors311(t, w), "api_key") {
		t.Fatalf("revoked key: %d %s", w.Code, w.Body)
	}
	if w := f.post311("xml", specExample(secret)); w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "<errors><error><code>403</code>") {
		t.Fatalf("revoked key, filing: %d %s", w.Code, w.Body)
	}

	// The admin audit log: issue, update twice, revoke once.
	var audit struct {
		Items []struct{ Action, Target, Summary string }
	}
	f.call(t, admin.access, http.MethodGet, "/api/v1/admin/audit", "", http.StatusOK, &audit)
	n := map[string]int{}
	for _, e := range audit.Items {
		if e.Target == id {
			n[e.Action]++
			if strings.Contains(e.Summary, secret[12:]) {
				t.Fatalf("the audit log holds the secret: %+v", e)
			}
		}
	}
	if n["apikey.issue"] != 1 || n["apikey.update"] != 2 || n["apikey.revoke"] != 1 {
		t.Fatalf("audit: %v %+v", n, audit.Items)
	}
	if strings.Contains(f.logs.String(), secret) {
		t.Fatal("the log holds the secret")
	}
}

func ptr[T any](v T) *T { return &v }

// TestOpen311Idempotency: a retry with the same Idempotency-Key gets the
// same report; the same Idempotency-Key from another key files nothing.
func TestOpen311Idempotency(t *testing.T) {
	f := newFixture(t)
	f.storyStaff(t)
	admin := f.admin(t)
	_, secretA := f.issueKey(t, admin, "A", 100)
	_, secretB := f.issueKey(t, admin, "B", 100)
	send := func(secret string) *httptest.ResponseRecorder {
		return f.do(http.MethodPost, "/open311/v2/requests.json", formType, strings.NewReader(specExample(secret)), "Idempotency-Key", "open311-retry-0001")
	}
	var first, again []created311
	decode311(t, send(secretA), "json", &first)
	w := send(secretA)
	decode311(t, w, "json", &again)
	if again[0].TrackingCode != first[0].TrackingCode || w.Header().Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry: %+v %+v", first, again)
	}
	if w := send(secretB); w.Code != http.StatusUnprocessableEntity || len(errors311(t, w)) != 1 {
		t.Fatalf("another key: %d %s", w.Code, w.Body)
	}
	if n := f.countCases(t); n != 1 {
		t.Fatalf("%d reports", n)
	}
}
