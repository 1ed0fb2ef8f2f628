package services_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

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

func TestCategoryValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*services.Category)
		want map[string]string
	}{
		{"valid", func(*services.Category) {}, nil},
		{"inactive, order 0", func(c *services.Category) { c.Active, c.Order = false, 0 }, nil},
		{"no code", func(c *services.Category) { c.Code = "" }, map[string]string{"code": "required"}},
		{"code with hyphen", func(c *services.Category) { c.Code = "extra-papers" }, map[string]string{"code": "invalid"}},
		{"code too long", func(c *services.Category) { c.Code = strings.Repeat("x", 41) }, map[string]string{"code": "invalid"}},
		{"negative order", func(c *services.Category) { c.Order = -1 }, map[string]string{"order": "invalid"}},
		{"huge order", func(c *services.Category) { c.Order = 1_000_001 }, map[string]string{"order": "invalid"}},
		{"no names", func(c *services.Category) { c.Name = services.Text{} }, map[string]string{"name.vi": "required", "name.en": "required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := services.Category{Code: "extra_papers", Order: 30, Active: true, Name: services.Text{VI: "Đòi thêm giấy tờ", EN: "Extra papers"}}
			tt.edit(&c)
			assertFields(t, c.Validate(), tt.want)
		})
	}
}

func TestRoutingRuleValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*services.RoutingRule)
		want map[string]string
	}{
		{"default rule", func(r *services.RoutingRule) { r.Category, r.AreaCode, r.FrontUnitID = "", "", "" }, nil},
		{"full rule", func(*services.RoutingRule) {}, nil},
		{"no inspection unit", func(r *services.RoutingRule) { r.InspectionUnitID = "" }, map[string]string{"inspectionUnitId": "required"}},
		{"front is the inspection unit", func(r *services.RoutingRule) { r.FrontUnitID = r.InspectionUnitID }, map[string]string{"frontUnitId": "invalid"}},
		{"malformed category", func(r *services.RoutingRule) { r.Category = "Bribe!" }, map[string]string{"category": "invalid"}},
		{"malformed area", func(r *services.RoutingRule) { r.AreaCode = "x" }, map[string]string{"areaCode": "invalid"}},
		{"note too long", func(r *services.RoutingRule) { r.Note = strings.Repeat("n", 501) }, map[string]string{"note": "too_long"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := services.RoutingRule{Category: "bribe", AreaCode: "79", InspectionUnitID: "u1", FrontUnitID: "f1", Note: "Thanh tra TP"}
			tt.edit(&r)
			assertFields(t, r.Validate(), tt.want)
		})
	}
	if !(services.RoutingRule{InspectionUnitID: "u"}).IsDefault() || (services.RoutingRule{AreaCode: "79"}).IsDefault() ||
		(services.RoutingRule{Category: "bribe"}).IsDefault() {
		t.Fatal("IsDefault must hold exactly for rules without category and area")
	}
}

func TestHolidayValidate(t *testing.T) {
	name := services.Text{VI: "Ngày Văn hóa Việt Nam", EN: "Vietnam Culture Day"}
	tests := []struct {
		date string
		name services.Text
		want map[string]string
	}{
		{"2026-11-24", name, nil},
		{"2028-02-29", name, nil},
		{"", name, map[string]string{"date": "required"}},
		{"2027-02-29", name, map[string]string{"date": "invalid"}},
		{"2026-13-01", name, map[string]string{"date": "invalid"}},
		{"24/11/2026", name, map[string]string{"date": "invalid"}},
		{"2026-1-1", name, map[string]string{"date": "invalid"}},
		{"1999-12-31", name, map[string]string{"date": "invalid"}},
		{"2101-01-01", name, map[string]string{"date": "invalid"}},
		{"2026-11-24", services.Text{VI: "Ngày Văn hóa"}, map[string]string{"name.en": "required"}},
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			assertFields(t, services.Holiday{Date: tt.date, Name: tt.name}.Validate(), tt.want)
		})
	}
}

func defaultPolicy(kind services.Kind) services.DeadlinePolicy {
	for _, p := range services.DefaultDeadlinePolicies {
		if p.Kind == kind {
			return p
		}
	}
	panic("no default policy for " + kind)
}

func TestDeadlinePolicyValidate(t *testing.T) {
	tests := []struct {
		name string
		kind services.Kind
		edit func(*services.DeadlinePolicy)
		want map[string]string
	}{
		{"complaint default", services.KindComplaint, func(*services.DeadlinePolicy) {}, nil},
		{"denunciation default", services.KindDenunciation, func(*services.DeadlinePolicy) {}, nil},
		{"feedback default", services.KindFeedback, func(*services.DeadlinePolicy) {}, nil},
		{"unknown kind", services.KindFeedback, func(p *services.DeadlinePolicy) { p.Kind = "petition" }, map[string]string{"kind": "invalid"}},
		{"no accept clock", services.KindFeedback, func(p *services.DeadlinePolicy) { p.AcceptDays = 0 }, map[string]string{"acceptDays": "required"}},
		{"no resolve clock", services.KindFeedback, func(p *services.DeadlinePolicy) { p.ResolveDays = 0 }, map[string]string{"resolveDays": "required"}},
		{"negative days", services.KindFeedback, func(p *services.DeadlinePolicy) { p.AcceptDays = -2 }, map[string]string{"acceptDays": "invalid"}},
		{"over a year", services.KindComplaint, func(p *services.DeadlinePolicy) { p.AcceptDays = 366 }, map[string]string{"acceptDays": "invalid"}},
		{"resolve over a year", services.KindFeedback, func(p *services.DeadlinePolicy) { p.ResolveDays = 366 }, map[string]string{"resolveDays": "invalid"}},
		{"negative notify", services.KindFeedback, func(p *services.DeadlinePolicy) { p.NotifyDays = -1 }, map[string]string{"notifyDays": "invalid"}},
		{"complex shorter than ordinary", services.KindComplaint, func(p *services.DeadlinePolicy) { p.ComplexResolveDays = 20 },
			map[string]string{"complexResolveDays": "invalid"}},
		{"remote shorter than ordinary", services.KindComplaint, func(p *services.DeadlinePolicy) { p.RemoteResolveDays = 29 },
			map[string]string{"remoteResolveDays": "invalid"}},
		{"remote complex shorter than complex", services.KindComplaint, func(p *services.DeadlinePolicy) { p.RemoteComplexResolveDays = 44 },
			map[string]string{"remoteComplexResolveDays": "invalid"}},
		{"round 2 complex shorter than round 2", services.KindComplaint, func(p *services.DeadlinePolicy) { p.Round2ComplexResolveDays = 40 },
			map[string]string{"round2ComplexResolveDays": "invalid"}},
		{"round 2 complex without round 2", services.KindComplaint, func(p *services.DeadlinePolicy) {
			p.Round2ResolveDays, p.RemoteRound2ResolveDays = 0, 0
		}, map[string]string{"round2ResolveDays": "required"}},
		{"remote round 2 complex shorter than round 2 complex", services.KindComplaint, func(p *services.DeadlinePolicy) { p.RemoteRound2ComplexResolveDays = 59 },
			map[string]string{"remoteRound2ComplexResolveDays": "invalid"}},
		{"too many extensions", services.KindDenunciation, func(p *services.DeadlinePolicy) { p.MaxExtensions = 6 }, map[string]string{"maxExtensions": "invalid"}},
		{"negative extensions", services.KindDenunciation, func(p *services.DeadlinePolicy) { p.MaxExtensions = -1 }, map[string]string{"maxExtensions": "invalid"}},
		{"extensions without length", services.KindDenunciation, func(p *services.DeadlinePolicy) { p.ExtensionDays = 0 }, map[string]string{"extensionDays": "required"}},
		{"extension length without extensions", services.KindFeedback, func(p *services.DeadlinePolicy) { p.ExtensionDays = 10 }, map[string]string{"extensionDays": "not_allowed"}},
		{"extension over a year", services.KindDenunciation, func(p *services.DeadlinePolicy) { p.ExtensionDays = 400 }, map[string]string{"extensionDays": "invalid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := defaultPolicy(tt.kind)
			tt.edit(&p)
			assertFields(t, p.Validate(), tt.want)
		})
	}
}

// TestDefaultDeadlinePolicies pins the defaults to DESIGN.md §2.
func TestDefaultDeadlinePolicies(t *testing.T) {
	if len(services.DefaultDeadlinePolicies) != len(services.Kinds) {
		t.Fatalf("%d default policies for %d kinds", len(services.DefaultDeadlinePolicies), len(services.Kinds))
	}
	want := map[services.Kind]services.DeadlinePolicy{
		services.KindFeedback: {Kind: services.KindFeedback, AcceptDays: 2, AcceptWorkingDays: true, ResolveDays: 10, ResolveWorkingDays: true},
		services.KindComplaint: {Kind: services.KindComplaint, AcceptDays: 10, ResolveDays: 30, ComplexResolveDays: 45,
			RemoteResolveDays: 45, RemoteComplexResolveDays: 60, Round2ResolveDays: 45, Round2ComplexResolveDays: 60,
			RemoteRound2ResolveDays: 60, RemoteRound2ComplexResolveDays: 70},
		services.KindDenunciation: {Kind: services.KindDenunciation, AcceptDays: 7, AcceptWorkingDays: true, NotifyDays: 5,
			NotifyWorkingDays: true, ResolveDays: 30, MaxExtensions: 2, ExtensionDays: 30},
	}
	for _, p := range services.DefaultDeadlinePolicies {
		if err := p.Validate(); err != nil {
			t.Errorf("%s: %v", p.Kind, err)
		}
		if !reflect.DeepEqual(p, want[p.Kind]) {
			t.Errorf("%s:\n got %+v\nwant %+v", p.Kind, p, want[p.Kind])
		}
	}
}

func TestDefaultHolidays(t *testing.T) {
	dates := map[string]services.Holiday{}
	for i, h := range services.DefaultHolidays {
		if err := h.Validate(); err != nil {
			t.Errorf("%s: %v", h.Date, err)
		}
		if _, dup := dates[h.Date]; dup {
			t.Errorf("%s listed twice", h.Date)
		}
		if i > 0 && h.Date <= services.DefaultHolidays[i-1].Date {
			t.Errorf("%s is out of order", h.Date)
		}
		dates[h.Date] = h
	}
	// The statutory days and the compensatory days of both years.
	for _, d := range []string{
		"2026-01-01", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-04-26", "2026-04-27",
		"2026-04-30", "2026-05-01", "2026-09-01", "2026-09-02",
		"2027-01-01", "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11",
		"2027-04-16", "2027-04-30", "2027-05-01", "2027-05-03", "2027-09-02", "2027-09-03",
	} {
		if _, ok := dates[d]; !ok {
			t.Errorf("%s missing", d)
		}
	}
	if len(dates) != 26 {
		t.Errorf("%d holidays, want 26", len(dates))
	}
	// A compensatory day off is a weekday, given for a holiday on a weekend.
	weekend := 0
	for d, h := range dates {
		day, _ := time.Parse("2006-01-02", d)
		isWeekend := day.Weekday() == time.Saturday || day.Weekday() == time.Sunday
		if isWeekend {
			weekend++
		}
		if strings.HasPrefix(h.Name.VI, "Nghỉ bù") && isWeekend {
			t.Errorf("compensatory day %s falls on a weekend", d)
		}
	}
	compensatory := 0
	for _, h := range dates {
		if strings.HasPrefix(h.Name.VI, "Nghỉ bù") {
			compensatory++
		}
	}
	if compensatory != weekend {
		t.Errorf("%d holidays fall on a weekend but %d compensatory days are given", weekend, compensatory)
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

func TestRoute(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	areas := []services.Area{
		{Code: "79", Level: "province"}, {Code: "01", Level: "province"},
		{Code: "26743", Parent: "79", Level: "commune"}, {Code: "26740", Parent: "79", Level: "commune"},
		{Code: "00001", Parent: "01", Level: "commune"},
	}
	rule := func(id, cat, area, insp, front string) services.RoutingRule {
		return services.RoutingRule{ID: id, Category: cat, AreaCode: area, InspectionUnitID: insp, FrontUnitID: front, CreatedAt: t0}
	}
	all := []services.RoutingRule{
		rule("r0", "", "", "city", "front-city"),
		rule("r1", "", "79", "hcm", "front-hcm"),
		rule("r2", "", "26743", "ben-thanh", "front-ben-thanh"),
		rule("r3", "bribe", "", "anti-corruption", ""),
		rule("r4", "delay", "79", "hcm-delay", ""),
		rule("r5", "delay", "26743", "ben-thanh-delay", ""),
		rule("r6", "", "01", "hanoi", "front-hanoi"),
	}
	tests := []struct {
		name           string
		rules          []services.RoutingRule
		category, area string
		insp, front    string
		ok             bool
	}{
		{"default for an area without rules", all, "other", "99999", "city", "front-city", true},
		{"default for no area", all, "other", "", "city", "front-city", true},
		{"province rule for one of its communes", all, "other", "26740", "hcm", "front-hcm", true},
		{"exact commune beats its province", all, "other", "26743", "ben-thanh", "front-ben-thanh", true},
		{"province rule for the province itself", all, "other", "79", "hcm", "front-hcm", true},
		{"another province's rule does not apply", all, "other", "00001", "hanoi", "front-hanoi", true},
		{"category beats any area rule; Front from the commune", all, "bribe", "26743", "anti-corruption", "front-ben-thanh", true},
		{"category alone; Front from the default", all, "bribe", "00002", "anti-corruption", "front-city", true},
		{"category + province", all, "delay", "26740", "hcm-delay", "front-hcm", true},
		{"category + commune beats category + province", all, "delay", "26743", "ben-thanh-delay", "front-ben-thanh", true},
		{"a category rule does not match other categories", all[:3], "bribe", "26740", "hcm", "front-hcm", true},
		{"no rules", nil, "bribe", "26743", "", "", false},
		{"no default and nothing matches", all[2:3], "other", "26740", "", "", false},
		{"a commune rule does not match its province", all[2:3], "other", "79", "", "", false},
		{"no rule names a Front committee", all[3:4], "bribe", "26743", "anti-corruption", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			insp, front, ok := services.Route(tt.rules, areas, tt.category, tt.area)
			if insp != tt.insp || front != tt.front || ok != tt.ok {
				t.Fatalf("Route = (%q, %q, %v), want (%q, %q, %v)", insp, front, ok, tt.insp, tt.front, tt.ok)
			}
			// The answer never depends on the order of the rules.
			rev := slices.Clone(tt.rules)
			slices.Reverse(rev)
			if i2, f2, ok2 := services.Route(rev, areas, tt.category, tt.area); i2 != insp || f2 != front || ok2 != ok {
				t.Fatalf("reversed rules give (%q, %q, %v)", i2, f2, ok2)
			}
		})
	}
}

func TestRouteTiesGoToTheNewestRule(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	older := services.RoutingRule{ID: "b", AreaCode: "79", InspectionUnitID: "old", FrontUnitID: "front-old", CreatedAt: t0}
	newer := services.RoutingRule{ID: "a", AreaCode: "79", InspectionUnitID: "new", CreatedAt: t0.Add(time.Second)}
	areas := []services.Area{{Code: "79", Level: "province"}}
	for _, rules := range [][]services.RoutingRule{{older, newer}, {newer, older}} {
		insp, front, ok := services.Route(rules, areas, "delay", "79")
		// The newer rule names no committee, so the older one still supplies it.
		if insp != "new" || front != "front-old" || !ok {
			t.Fatalf("Route = (%q, %q, %v)", insp, front, ok)
		}
	}
	// Same creation time: the greater id wins, whatever the order.
	newer.CreatedAt = t0
	for _, rules := range [][]services.RoutingRule{{older, newer}, {newer, older}} {
		if insp, _, _ := services.Route(rules, areas, "delay", "79"); insp != "old" {
			t.Fatalf("tie on time went to %q, want the greater id", insp)
		}
	}
}

func TestPatches(t *testing.T) {
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

	commune := services.Area{Code: "26743", Parent: "79", Level: "commune", Name: services.Text{VI: "P", EN: "W"}}
	province := "province"
	a, changed := services.AreaPatch{Level: &province}.Apply(commune)
	if a.Parent != "" || a.Level != "province" || len(changed) != 1 {
		t.Fatalf("commune to province: %+v %v", a, changed)
	}

	order := 5
	c, changed := services.CategoryPatch{Order: &order}.Apply(services.DefaultCategories[0])
	if c.Order != 5 || c.Code != services.DefaultCategories[0].Code || !reflect.DeepEqual(changed, []string{"order=5"}) {
		t.Fatalf("category patch: %+v %v", c, changed)
	}
}

// TestOrgRefusesNonAdmins calls every admin method with a store-less Org:
// a method that touched storage before checking the actor would panic.
func TestOrgRefusesNonAdmins(t *testing.T) {
	ctx := context.Background()
	org := &services.Org{}
	calls := map[string]func(services.Actor) error{
		"ListUnits":  func(a services.Actor) error { _, err := org.ListUnits(ctx, a); return err },
		"CreateUnit": func(a services.Actor) error { _, err := org.CreateUnit(ctx, a, validUnit()); return err },
		"UpdateUnit": func(a services.Actor) error { _, err := org.UpdateUnit(ctx, a, "u1", services.UnitPatch{}); return err },
		"ListAreas":  func(a services.Actor) error { _, err := org.ListAreas(ctx, a); return err },
		"CreateArea": func(a services.Actor) error { _, err := org.CreateArea(ctx, a, services.DefaultAreas[1]); return err },
		"UpdateArea": func(a services.Actor) error { _, err := org.UpdateArea(ctx, a, "79", services.AreaPatch{}); return err },
		"ListCategories": func(a services.Actor) error {
			_, err := org.ListCategories(ctx, a)
			return err
		},
		"CreateCategory": func(a services.Actor) error {
			_, err := org.CreateCategory(ctx, a, services.DefaultCategories[0])
			return err
		},
		"UpdateCategory": func(a services.Actor) error {
			_, err := org.UpdateCategory(ctx, a, "bribe", services.CategoryPatch{})
			return err
		},
		"ListRoutingRules": func(a services.Actor) error { _, err := org.ListRoutingRules(ctx, a); return err },
		"CreateRoutingRule": func(a services.Actor) error {
			_, err := org.CreateRoutingRule(ctx, a, services.RoutingRule{InspectionUnitID: "u1"})
			return err
		},
		"DeleteRoutingRule": func(a services.Actor) error { return org.DeleteRoutingRule(ctx, a, "r1") },
		"ListHolidays":      func(a services.Actor) error { _, err := org.ListHolidays(ctx, a); return err },
		"CreateHoliday": func(a services.Actor) error {
			_, err := org.CreateHoliday(ctx, a, services.DefaultHolidays[0])
			return err
		},
		"DeleteHoliday":        func(a services.Actor) error { return org.DeleteHoliday(ctx, a, "2026-01-01") },
		"ListDeadlinePolicies": func(a services.Actor) error { _, err := org.ListDeadlinePolicies(ctx, a); return err },
		"PutDeadlinePolicy": func(a services.Actor) error {
			_, err := org.PutDeadlinePolicy(ctx, a, services.DefaultDeadlinePolicies[0])
			return err
		},
		"ListAdminEvents": func(a services.Actor) error { _, err := org.ListAdminEvents(ctx, a, 10); return err },
	}
	actors := map[services.Actor]services.Code{
		{}:                          services.CodeUnauthorized,
		{Role: services.RoleAdmin}:  services.CodeUnauthorized, // no user id: not signed in
		{UserID: "u", Role: "root"}: services.CodeUnauthorized,
		{UserID: "u", Role: services.RoleInspector, UnitID: "x"}: services.CodeForbidden,
		{UserID: "u", Role: services.RoleLead, UnitID: "x"}:      services.CodeForbidden,
		{UserID: "u", Role: services.RoleMonitor, UnitID: "x"}:   services.CodeForbidden,
	}
	for name, call := range calls {
		for actor, want := range actors {
			if err := call(actor); !services.IsCode(err, want) {
				t.Errorf("%s as %+v: %v, want %s", name, actor, err, want)
			}
		}
	}
}
