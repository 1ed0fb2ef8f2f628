package services_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"minhbach/services"
)

func validUnit() services.Unit {
	return services.Unit{Code: "thanh-tra-ben-thanh", Name: services.Text{VI: "Thanh tra phường Bến Thành", EN: "Ben Thanh Ward Inspectorate"},
		Type: services.UnitInspection, AreaCodes: []string{"26743"}, Active: true}
}

func TestUnitValidate(t *testing.T) {
	long := strings.Repeat("ă", 201)
	tests := []struct {
		name string
		edit func(*services.Unit)
		want map[string]string
	}{
		{"valid", func(*services.Unit) {}, nil},
		{"front, no areas", func(u *services.Unit) { u.Type, u.AreaCodes = services.UnitFront, nil }, nil},
		{"no code", func(u *services.Unit) { u.Code = "" }, map[string]string{"code": "required"}},
		{"code too short", func(u *services.Unit) { u.Code = "a" }, map[string]string{"code": "invalid"}},
		{"code too long", func(u *services.Unit) { u.Code = strings.Repeat("a", 41) }, map[string]string{"code": "invalid"}},
		{"code upper case", func(u *services.Unit) { u.Code = "Thanh-Tra" }, map[string]string{"code": "invalid"}},
		{"code underscore", func(u *services.Unit) { u.Code = "thanh_tra" }, map[string]string{"code": "invalid"}},
		{"code diacritics", func(u *services.Unit) { u.Code = "thanh-trà" }, map[string]string{"code": "invalid"}},
		{"no names", func(u *services.Unit) { u.Name = services.Text{} }, map[string]string{"name.vi": "required", "name.en": "required"}},
		{"no English name", func(u *services.Unit) { u.Name.EN = "" }, map[string]string{"name.en": "required"}},
		{"name too long", func(u *services.Unit) { u.Name.VI = long }, map[string]string{"name.vi": "too_long"}},
		{"name on two lines", func(u *services.Unit) { u.Name.VI = "Thanh tra\nphường" }, map[string]string{"name.vi": "invalid"}},
		{"name with bidi override", func(u *services.Unit) { u.Name.EN = "Inspect\u202eorate" }, map[string]string{"name.en": "invalid"}},
		{"no type", func(u *services.Unit) { u.Type = "" }, map[string]string{"type": "required"}},
		{"unknown type", func(u *services.Unit) { u.Type = "police" }, map[string]string{"type": "invalid"}},
		{"duplicate area", func(u *services.Unit) { u.AreaCodes = []string{"26743", "26743"} }, map[string]string{"areaCodes": "invalid"}},
		{"blank area", func(u *services.Unit) { u.AreaCodes = []string{""} }, map[string]string{"areaCodes": "invalid"}},
		{"too many areas", func(u *services.Unit) {
			u.AreaCodes = nil
			for i := range 1001 {
				u.AreaCodes = append(u.AreaCodes, fmt.Sprintf("%05d", i))
			}
		}, map[string]string{"areaCodes": "too_long"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := validUnit()
			tt.edit(&u)
			assertFields(t, u.Validate(), tt.want)
		})
	}
}

func TestUnitPatch(t *testing.T) {
	u := validUnit()
	name := services.Text{VI: "  Thanh tra Bến Thành ", EN: "Inspectorate"}
	got, changed := services.UnitPatch{Name: &name}.Apply(u)
	if got.Name != (services.Text{VI: "Thanh tra Bến Thành", EN: "Inspectorate"}) || !reflect.DeepEqual(changed, []string{"name"}) {
		t.Fatalf("name patch: %+v %v", got.Name, changed)
	}
	same, active := u.AreaCodes, u.Active
	if _, changed := (services.UnitPatch{AreaCodes: &same, Active: &active}).Apply(u); len(changed) != 0 {
		t.Fatalf("patch with the current values changed %v", changed)
	}
	off := false
	got, changed = services.UnitPatch{Active: &off}.Apply(u)
	if got.Active || got.Code != u.Code || got.Type != u.Type || !reflect.DeepEqual(changed, []string{"active=false"}) {
		t.Fatalf("active patch: %+v %v", got, changed)
	}
}

func TestNormalizeUnitCode(t *testing.T) {
	for in, want := range map[string]string{
		"thanh-tra-q1":       "thanh-tra-q1",
		"  TT-Quận 1 ":       "tt-quan-1",
		"Thanh tra   TP_HCM": "thanh-tra-tp-hcm",
		"đoàn--kiểm.tra":     "doan-kiem-tra",
		"a$b":                "a$b", // not normalisable: Validate refuses it
	} {
		if got := services.NormalizeUnitCode(in); got != want {
			t.Errorf("NormalizeUnitCode(%q) = %q, want %q", in, got, want)
		}
	}
	u := validUnit()
	u.Code = services.NormalizeUnitCode(" TT Quận 1 ")
	if err := u.Validate(); err != nil {
		t.Errorf("a normalised code is refused: %v", err)
	}
}
