package services_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"minhbach/services"
)

func TestCatalogMeta(t *testing.T) {
	ctx := context.Background()
	st := newMemStore() // seeded, with the inactive category "retired"
	cat := services.NewCatalog(services.CatalogOptions{Store: st, Limits: services.DefaultLimits})
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

// TestCatalogCache checks that lookups are served from memory for TTL and
// that an admin's change shows once it has passed.
func TestCatalogCache(t *testing.T) {
	ctx := context.Background()
	st := newMemStore()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	cache := services.NewCatalogCache(services.CatalogCacheOptions{Store: st, TTL: 30 * time.Second, Now: func() time.Time { return now }})
	if c, err := cache.FindCategory(ctx, "delay"); err != nil || !c.Active {
		t.Fatalf("FindCategory = %+v, %v", c, err)
	}
	if a, err := cache.FindArea(ctx, "26743"); err != nil || a.Parent != "79" {
		t.Fatalf("FindArea = %+v, %v", a, err)
	}
	st.categories["delay"] = services.Category{Code: "delay", Order: 20, Active: false}
	delete(st.areas, "26743")
	now = now.Add(29 * time.Second)
	if c, _ := cache.FindCategory(ctx, "delay"); !c.Active {
		t.Fatal("the cache read the store again within its TTL")
	}
	if _, err := cache.FindArea(ctx, "26743"); err != nil {
		t.Fatalf("FindArea within TTL: %v", err)
	}
	now = now.Add(time.Second)
	if c, _ := cache.FindCategory(ctx, "delay"); c.Active {
		t.Fatal("the change did not show after the TTL")
	}
	if _, err := cache.FindArea(ctx, "26743"); !services.IsCode(err, services.CodeNotFound) {
		t.Fatalf("removed area after the TTL: %v", err)
	}
	if _, err := cache.FindCategory(ctx, "nope"); !services.IsCode(err, services.CodeNotFound) {
		t.Fatalf("unknown category: %v", err)
	}
	// Lists are for display and always come from the store.
	if cats, _ := cache.ListCategories(ctx); len(cats) != len(st.categories) {
		t.Fatalf("ListCategories gave %d of %d", len(cats), len(st.categories))
	}
}
