package services_test

import (
	"strings"
	"testing"

	"minhbach/services"
)

func TestAreaValidate(t *testing.T) {
	commune := func() services.Area {
		return services.Area{Code: "26743", Parent: "79", Level: "commune", Name: services.Text{VI: "Phường Bến Thành", EN: "Ben Thanh Ward"}}
	}
	tests := []struct {
		name string
		edit func(*services.Area)
		want map[string]string
	}{
		{"commune", func(*services.Area) {}, nil},
		{"province", func(a *services.Area) { a.Code, a.Parent, a.Level = "79", "", "province" }, nil},
		{"province with parent", func(a *services.Area) { a.Level = "province" }, map[string]string{"parent": "not_allowed"}},
		{"commune without parent", func(a *services.Area) { a.Parent = "" }, map[string]string{"parent": "required"}},
		{"commune is its own parent", func(a *services.Area) { a.Parent = a.Code }, map[string]string{"parent": "invalid"}},
		{"malformed parent", func(a *services.Area) { a.Parent = "7 9" }, map[string]string{"parent": "invalid"}},
		{"no level", func(a *services.Area) { a.Level = "" }, map[string]string{"level": "required"}},
		{"district level", func(a *services.Area) { a.Level = "district" }, map[string]string{"level": "invalid"}},
		{"no code", func(a *services.Area) { a.Code = "" }, map[string]string{"code": "required"}},
		{"one-character code", func(a *services.Area) { a.Code = "7" }, map[string]string{"code": "invalid"}},
		{"code with space", func(a *services.Area) { a.Code = "26 743" }, map[string]string{"code": "invalid"}},
		{"no Vietnamese name", func(a *services.Area) { a.Name.VI = "" }, map[string]string{"name.vi": "required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := commune()
			tt.edit(&a)
			assertFields(t, a.Validate(), tt.want)
		})
	}
}

func TestHCMCAreas(t *testing.T) {
	if len(services.HCMCAreas) < 30 {
		t.Fatalf("only %d areas", len(services.HCMCAreas))
	}
	byCode := map[string]services.Area{}
	for _, a := range services.HCMCAreas {
		if err := a.Validate(); err != nil {
			t.Errorf("%s: %v", a.Code, err)
		}
		if _, dup := byCode[a.Code]; dup {
			t.Errorf("code %s listed twice", a.Code)
		}
		byCode[a.Code] = a
		if a.Level == services.AreaCommune {
			if len(a.Code) != 5 || strings.Trim(a.Code, "0123456789") != "" {
				t.Errorf("commune code %q is not 5 digits", a.Code)
			}
			if a.Parent != "79" {
				t.Errorf("%s: parent %q", a.Code, a.Parent)
			}
			if !strings.HasPrefix(a.Name.VI, "Phường ") && !strings.HasPrefix(a.Name.VI, "Xã ") && !strings.HasPrefix(a.Name.VI, "Đặc khu ") {
				t.Errorf("%s: %q is not a ward, commune or special zone", a.Code, a.Name.VI)
			}
		}
	}
	names := map[string]bool{}
	for _, a := range services.HCMCAreas {
		if names[a.Name.VI] {
			t.Errorf("name %q listed twice", a.Name.VI)
		}
		names[a.Name.VI] = true
	}
	// Databases seeded with DefaultAreas already hold these codes.
	for _, d := range services.DefaultAreas {
		if got, ok := byCode[d.Code]; !ok || got != d {
			t.Errorf("DefaultAreas entry %+v differs in HCMCAreas: %+v", d, got)
		}
	}
}

func TestAreaPatch(t *testing.T) {
	commune := services.Area{Code: "26743", Parent: "79", Level: "commune", Name: services.Text{VI: "P", EN: "W"}}
	province := "province"
	a, changed := services.AreaPatch{Level: &province}.Apply(commune)
	if a.Parent != "" || a.Level != "province" || len(changed) != 1 {
		t.Fatalf("commune to province: %+v %v", a, changed)
	}
}
