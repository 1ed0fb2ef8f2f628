package services_test

import (
	"testing"
	"time"

	"minhbach/services"
)

// TestOpen311Input: an Open311 request maps onto the web form's input, the
// identity family name first, anonymity decided by the kind's rules, and
// the parameters that are wrong named as the client sent them.
func TestOpen311Input(t *testing.T) {
	now := time.Date(2026, 12, 5, 3, 0, 0, 0, time.UTC)
	base := func() services.Open311Request {
		return services.Open311Request{ServiceCode: "bribe", AddressString: "Bộ phận một cửa", Description: "Cán bộ đòi tiền\nchi tiết",
			Language: "vi", Attributes: map[string][]string{"kind": {"feedback"}}}
	}
	tests := []struct {
		name   string
		edit   func(r *services.Open311Request)
		check  func(in services.SubmitInput) bool
		fields map[string]string // expected field errors (from Input or Validate)
	}{
		{"anonymous feedback", func(*services.Open311Request) {}, func(in services.SubmitInput) bool {
			return in.Anonymous && in.Identity == nil && in.Title == "Cán bộ đòi tiền" && in.Place == "Bộ phận một cửa" && in.Category == "bribe"
		}, nil},
		{"named denunciation", func(r *services.Open311Request) {
			r.Attributes["kind"] = []string{"denunciation"}
			r.FirstName, r.LastName, r.Phone = "Bích", "Trần Thị", "0912345678"
		}, func(in services.SubmitInput) bool {
			return !in.Anonymous && in.Identity != nil && in.Identity.Name == "Trần Thị Bích" && in.Identity.Phone == "0912345678"
		}, nil},
		{"address_id is the area", func(r *services.Open311Request) { r.AddressID, r.AddressString = "26743", "" },
			func(in services.SubmitInput) bool { return in.AreaCode == "26743" && in.Place == "" }, nil},
		{"area attribute wins", func(r *services.Open311Request) { r.AddressID, r.Attributes["area_code"] = "1", []string{"26743"} },
			func(in services.SubmitInput) bool { return in.AreaCode == "26743" }, nil},
		{"coordinates are checked, not kept", func(r *services.Open311Request) { r.Lat, r.Long = "10.7769", "106.7009" },
			func(in services.SubmitInput) bool { return in.Place == "Bộ phận một cửa" }, nil},
		{"complaint without a name", func(r *services.Open311Request) { r.Attributes["kind"] = []string{"complaint"} }, nil,
			map[string]string{"first_name": services.FieldRequired}},
		{"anonymous complaint", func(r *services.Open311Request) {
			r.Attributes["kind"], r.Attributes["anonymous"] = []string{"complaint"}, []string{"true"}
		}, nil, map[string]string{"attribute[anonymous]": services.FieldNotAllowed}},
		{"named and anonymous", func(r *services.Open311Request) {
			r.Attributes["anonymous"], r.Email = []string{"true"}, "a@example.org"
		}, nil,
			map[string]string{"attribute[anonymous]": services.FieldNotAllowed}},
		{"only coordinates", func(r *services.Open311Request) { r.AddressString, r.Lat, r.Long = "", "10.7", "106.7" }, nil,
			map[string]string{"address_string": services.FieldRequired}},
		{"one coordinate", func(r *services.Open311Request) { r.Lat = "10.7" }, nil, map[string]string{"lat": services.FieldInvalid}},
		{"latitude out of range", func(r *services.Open311Request) { r.Lat, r.Long = "-90.5", "0" }, nil, map[string]string{"lat": services.FieldInvalid}},
		{"unknown attribute and a bad date at once", func(r *services.Open311Request) {
			r.Attributes["colour"], r.Attributes["incident_date"] = []string{"red"}, []string{"2030-01-01"}
		}, nil, map[string]string{"attribute[colour]": services.FieldUnknown, "attribute[incident_date]": services.FieldFuture}},
		{"bad e-mail", func(r *services.Open311Request) {
			r.Attributes["kind"], r.FirstName, r.Email = []string{"denunciation"}, "A", "not-an-address"
		}, nil,
			map[string]string{"email": services.FieldInvalid}},
		{"no kind", func(r *services.Open311Request) { delete(r.Attributes, "kind") }, nil, map[string]string{"attribute[kind]": services.FieldRequired}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := base()
			tc.edit(&r)
			in, err := r.Input()
			if err == nil {
				in.Normalize()
				err = services.Open311FieldErrors(in.Validate(services.DefaultLimits, now))
			}
			if tc.fields == nil {
				if err != nil || !tc.check(in) {
					t.Fatalf("%+v %v", in, err)
				}
				return
			}
			e, ok := err.(*services.Error)
			if !ok {
				t.Fatalf("want field errors %v, got %v", tc.fields, err)
			}
			for k, v := range tc.fields {
				if e.Fields[k] != v {
					// Input stops before Validate: Submit merges both.
					in.Normalize()
					if ve, ok := services.Open311FieldErrors(in.Validate(services.DefaultLimits, now)).(*services.Error); !ok || ve.Fields[k] != v {
						t.Fatalf("field %s: got %v, want %s", k, e.Fields, v)
					}
				}
			}
		})
	}
}
