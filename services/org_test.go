package services_test

import (
	"context"
	"testing"

	"minhbach/services"
)

// TestOrgRefusesNonAdmins calls every admin method with a store-less Org:
// a method that touched storage before checking the actor would panic.
func TestOrgRefusesNonAdmins(t *testing.T) {
	ctx := context.Background()
	org := services.NewOrg(services.OrgOptions{})
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
