package handlers

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"minhbach/services"
)

// FuzzOpen311Form feeds arbitrary bodies to the Open311 form parser and the
// mapping onto the web form's input: they must never panic, refuse only
// with a client error, and keep every attribute code they accept free of
// brackets, and every value as sent.
func FuzzOpen311Form(f *testing.F) {
	f.Add("api_key=xyz&jurisdiction_id=city.gov&service_code=001&lat=37.76524078&long=-122.4212043&address_string=1234+5th+street" +
		"&email=smit333%40example.org&device_id=tt222111&account_id=123456&first_name=john&last_name=smith&phone=111111111" +
		"&description=A+large+sinkhole+is+destroying+the+street&attribute[WHISPAWN]=123456&attribute[WHISDORN]=COISL001")
	f.Add("attribute[code1][]=value1&attribute[code1][]=value2&attribute[code1][]=value3")
	f.Add("attribute[kind]=denunciation&attribute[anonymous]=true&service_code=bribe")
	f.Add("attribute[]=x&attribute[a][b]=y&attribute[=z&attribute]=w")
	f.Add("service_code=a&service_code=b")
	f.Add("description=%zz")
	f.Add("description=\xff\xfe")
	f.Add("lat=91&long=-181&attribute[kind]=complaint")
	f.Add(strings.Repeat("attribute[k]=v&", 500))
	f.Fuzz(func(t *testing.T, body string) {
		form, err := parseOpen311Form(body)
		if err != nil {
			var code services.Code
			if e, ok := err.(*services.Error); ok {
				code = e.Code
			}
			if code != services.CodeInvalid {
				t.Fatalf("refused with %v", err)
			}
			return
		}
		for code, vs := range form.req.Attributes {
			if code == "" || strings.ContainsAny(code, "[]") || len(vs) == 0 {
				t.Fatalf("attribute %q = %q", code, vs)
			}
		}
		in, err := form.req.Input()
		if err != nil {
			e, ok := err.(*services.Error)
			if !ok || e.Code != services.CodeInvalid || len(e.Fields) == 0 {
				t.Fatalf("input refused with %v", err)
			}
			for name := range e.Fields {
				if !utf8.ValidString(name) {
					t.Fatalf("field name %q", name)
				}
			}
			return
		}
		if in.Category != form.values.Get("service_code") || in.Description != form.values.Get("description") {
			t.Fatalf("mapped %+v from %q", in, body)
		}
		if in.Anonymous && in.Identity != nil {
			t.Fatal("anonymous with an identity")
		}
	})
}

// FuzzOpen311Format feeds arbitrary path names to the ".json"/".xml"
// suffix parser: the name and format it returns rebuild the input.
func FuzzOpen311Format(f *testing.F) {
	for _, s := range []string{"001.json", "DMV66.xml", "MB-7K3M-9QX2.json", "x.json.xml", ".json", "a.", "a.JSON", "a/b.xml", "\x00.xml", "a.yaml", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, format, ok := splitFormat(s)
		if !ok {
			return
		}
		if name == "" || name+"."+string(format) != s || (format != formatJSON && format != formatXML) || !utf8.ValidString(name) ||
			strings.ContainsAny(name, "/\x00") {
			t.Fatalf("%q → %q %q", s, name, format)
		}
	})
}

// FuzzOpen311Query feeds arbitrary query strings to the GET requests
// parser: it never panics, refuses only as invalid, and keeps its lists
// within their bounds and statuses to open and closed.
func FuzzOpen311Query(f *testing.F) {
	f.Add("start_date=2010-05-24T00:00:00Z&end_date=2010-06-24T00:00:00Z&status=open&jurisdiction_id=city.gov")
	f.Add("service_request_id=638344,638349&service_code=006")
	f.Add("status=open,closed,open")
	f.Add("start_date=yesterday")
	f.Add("service_request_id=" + strings.Repeat("a,", 100))
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		out, err := parseOpen311Query(q)
		if err != nil {
			if e, ok := err.(*services.Error); !ok || e.Code != services.CodeInvalid {
				t.Fatalf("refused with %v", err)
			}
			return
		}
		if len(out.IDs) > services.MaxOpen311IDs || len(out.Statuses) > 2 {
			t.Fatalf("%+v", out)
		}
		for _, s := range out.Statuses {
			if s != "open" && s != "closed" {
				t.Fatalf("status %q", s)
			}
		}
	})
}
