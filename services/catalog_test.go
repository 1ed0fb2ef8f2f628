package services_test

import (
	"context"
	"reflect"
	"testing"

	"minhbach/services"
)

func TestCatalogMeta(t *testing.T) {
	ctx := context.Background()
	st := newMemStore() // seeded, with the inactive category "retired"
	cat := &services.Catalog{Store: st, Limits: services.DefaultLimits}
	// Seeding again leaves an admin's edit alone.
	st.categories["delay"] = services.Category{Code: "delay", Order: 20, Active: false}
	if err := cat.Seed(ctx); err != nil {
		t.Fatalf("Seed: %v", err)
	}
	if st.categories["delay"].Active {
		t.Fatal("Seed overwrote an existing category")
	}

	meta, err := cat.Meta(ctx)
	if err != nil {
		t.Fatalf("Meta: %v", err)
	}
	if !reflect.DeepEqual(meta.Kinds, []services.Kind{services.KindFeedback, services.KindComplaint, services.KindDenunciation}) {
		t.Errorf("kinds = %v", meta.Kinds)
	}
	if meta.Limits != services.DefaultLimits {
		t.Errorf("limits = %+v", meta.Limits)
	}
	if len(meta.Categories) != len(services.DefaultCategories)-1 {
		t.Errorf("got %d categories, want the %d active ones", len(meta.Categories), len(services.DefaultCategories)-1)
	}
	for _, c := range meta.Categories {
		if !c.Active || c.Code == "retired" || c.Code == "delay" {
			t.Errorf("inactive category %q offered to citizens", c.Code)
		}
	}
	if len(meta.Areas) != len(services.HCMCAreas) {
		t.Errorf("got %d areas, want the %d seeded", len(meta.Areas), len(services.HCMCAreas))
	}
}
