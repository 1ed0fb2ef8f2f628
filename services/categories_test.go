package services_test

import (
	"reflect"
	"strings"
	"testing"

	"minhbach/services"
)

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

func TestCategoryPatch(t *testing.T) {
	order := 5
	c, changed := services.CategoryPatch{Order: &order}.Apply(services.DefaultCategories[0])
	if c.Order != 5 || c.Code != services.DefaultCategories[0].Code || !reflect.DeepEqual(changed, []string{"order=5"}) {
		t.Fatalf("category patch: %+v %v", c, changed)
	}
}
