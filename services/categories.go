package services

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Category classifies what happened; admins edit the list.
type Category struct {
	Code   string
	Name   Text
	Order  int
	Active bool
}

// maxCategoryOrder bounds a category's display order.
const maxCategoryOrder = 1_000_000

var categoryCodePattern = regexp.MustCompile(`^[a-z0-9_]{2,40}$`)

// Validate checks a category.
func (c Category) Validate() error {
	f := FieldErrors{}
	checkCode(f, "code", c.Code, categoryCodePattern)
	checkName(f, "name", c.Name)
	if c.Order < 0 || c.Order > maxCategoryOrder {
		f.Add("order", FieldInvalid)
	}
	return f.Err()
}

// ListCategories returns every category, active or not, in display order.
func (o *Org) ListCategories(ctx context.Context, actor Actor) ([]Category, error) {
	if err := actor.RequireAdmin(); err != nil {
		return nil, err
	}
	return o.catalog.ListCategories(ctx)
}

// CreateCategory adds a category.
func (o *Org) CreateCategory(ctx context.Context, actor Actor, in Category) (Category, error) {
	if err := actor.RequireAdmin(); err != nil {
		return Category{}, err
	}
	c := Category{Code: in.Code, Name: trimText(in.Name), Order: in.Order, Active: in.Active}
	if err := c.Validate(); err != nil {
		return Category{}, err
	}
	if err := o.store.InsertCategory(ctx, c); err != nil {
		return Category{}, err
	}
	return c, o.record(ctx, actor, "category.create", c.Code, fmt.Sprintf("order=%d active=%t", c.Order, c.Active))
}

// CategoryPatch changes some fields of a category; nil fields stay as they
// are. Codes never change: reports refer to them.
type CategoryPatch struct {
	Name   *Text
	Order  *int
	Active *bool
}

// Apply returns c with the patch applied and the names of the fields that
// actually changed.
func (p CategoryPatch) Apply(c Category) (Category, []string) {
	var changed []string
	if p.Name != nil && trimText(*p.Name) != c.Name {
		c.Name = trimText(*p.Name)
		changed = append(changed, "name")
	}
	if p.Order != nil && *p.Order != c.Order {
		c.Order = *p.Order
		changed = append(changed, "order="+strconv.Itoa(c.Order))
	}
	if p.Active != nil && *p.Active != c.Active {
		c.Active = *p.Active
		changed = append(changed, "active="+strconv.FormatBool(c.Active))
	}
	return c, changed
}

// UpdateCategory applies p to the category code. A deactivated category is
// no longer offered to citizens; existing reports keep it.
func (o *Org) UpdateCategory(ctx context.Context, actor Actor, code string, p CategoryPatch) (Category, error) {
	if err := actor.RequireAdmin(); err != nil {
		return Category{}, err
	}
	old, err := o.catalog.FindCategory(ctx, code)
	if err != nil {
		return Category{}, err
	}
	c, changed := p.Apply(old)
	if len(changed) == 0 {
		return old, nil
	}
	if err := c.Validate(); err != nil {
		return Category{}, err
	}
	if err := o.store.UpdateCategory(ctx, old, c); err != nil {
		return Category{}, err
	}
	return c, o.record(ctx, actor, "category.update", code, "changed: "+strings.Join(changed, "; "))
}

// DefaultCategories are seeded at start-up when missing; admins edit them
// afterwards.
var DefaultCategories = []Category{
	{Code: "bribe", Order: 10, Active: true, Name: Text{VI: "Đòi hối lộ, đòi \"phí\" ngoài quy định", EN: "Bribe or unofficial \"fee\" demanded"}},
	{Code: "delay", Order: 20, Active: true, Name: Text{VI: "Cố tình chậm trễ giải quyết hồ sơ", EN: "Deliberate delay of a dossier"}},
	{Code: "extra_papers", Order: 30, Active: true, Name: Text{VI: "Đòi giấy tờ ngoài thành phần hồ sơ của thủ tục", EN: "Papers demanded beyond what the procedure lists"}},
	{Code: "unlawful_refusal", Order: 40, Active: true, Name: Text{VI: "Từ chối hồ sơ không có lý do chính đáng", EN: "Dossier refused without lawful reason"}},
	{Code: "misconduct", Order: 50, Active: true, Name: Text{VI: "Thái độ thô lỗ, đe dọa, xúc phạm người dân", EN: "Rude, threatening or humiliating conduct"}},
	{Code: "not_posted", Order: 60, Active: true, Name: Text{VI: "Không niêm yết công khai thủ tục, phí, lệ phí", EN: "Procedure or fees not publicly posted"}},
	{Code: "abuse_of_power", Order: 70, Active: true, Name: Text{VI: "Lạm quyền khi thanh tra, kiểm tra, xử phạt", EN: "Abuse of power in an inspection or fine"}},
	{Code: "other", Order: 999, Active: true, Name: Text{VI: "Khác", EN: "Other"}},
}
