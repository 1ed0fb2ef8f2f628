package services_test

import (
	"testing"

	"minhbach/services"
)

func TestParsePeriodScope(t *testing.T) {
	for in, want := range map[string]services.PeriodScope{
		"all":                           {Kind: services.PeriodScopeAll},
		"unit:6b1436c3789d48ade6257e54": {Kind: services.PeriodScopeUnit, ID: "6b1436c3789d48ade6257e54"},
		"front:abc":                     {Kind: services.PeriodScopeFront, ID: "abc"},
	} {
		got, ok := services.ParsePeriodScope(in)
		if !ok || got != want || got.String() != in {
			t.Errorf("%q: %+v %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "ALL", "unit", "unit:", "front:", "unit:a:b", "unit:a b", "committee:x", ":x", "unit:../x"} {
		if got, ok := services.ParsePeriodScope(in); ok {
			t.Errorf("%q accepted: %+v", in, got)
		}
	}
}
