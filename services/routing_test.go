package services_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"minhbach/services"
)

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
