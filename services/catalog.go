package services

import (
	"context"
	"sync"
	"time"
)

// Text is a user-visible string in Vietnamese (default) and English.
type Text struct {
	VI string `json:"vi"`
	EN string `json:"en"`
}

// Category classifies what happened; admins edit the list.
type Category struct {
	Code   string
	Name   Text
	Order  int
	Active bool
}

// Area is a node of the administrative area tree (province → commune).
type Area struct {
	Code   string
	Parent string
	Level  string // "province" or "commune"
	Name   Text
	// Remote marks a remote area (vùng sâu, vùng xa, đi lại khó khăn), where
	// the law gives complaints longer resolution periods; a province's mark
	// covers its communes.
	Remote bool
}

// CatalogStore persists categories and areas.
type CatalogStore interface {
	// SeedCategories inserts the categories whose codes are missing and
	// leaves existing ones untouched (admins may have edited them).
	SeedCategories(ctx context.Context, cats []Category) error
	SeedAreas(ctx context.Context, areas []Area) error
	ListCategories(ctx context.Context) ([]Category, error)
	ListAreas(ctx context.Context) ([]Area, error)
	FindCategory(ctx context.Context, code string) (Category, error)
	FindArea(ctx context.Context, code string) (Area, error)
}

// KindNames are the display names of the kinds.
var KindNames = map[Kind]Text{
	KindFeedback:     {VI: "Phản ánh, kiến nghị", EN: "Feedback / recommendation"},
	KindComplaint:    {VI: "Khiếu nại", EN: "Complaint"},
	KindDenunciation: {VI: "Tố cáo", EN: "Denunciation"},
}

// DefaultCategories are seeded at start-up when missing (DESIGN.md §2).
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

// DefaultAreas is a small starting sample of Ho Chi Minh City's area tree;
// admins maintain the full tree.
var DefaultAreas = []Area{
	{Code: "79", Level: "province", Name: Text{VI: "Thành phố Hồ Chí Minh", EN: "Ho Chi Minh City"}},
	{Code: "26734", Parent: "79", Level: "commune", Name: Text{VI: "Phường Tân Định", EN: "Tan Dinh Ward"}},
	{Code: "26740", Parent: "79", Level: "commune", Name: Text{VI: "Phường Sài Gòn", EN: "Sai Gon Ward"}},
	{Code: "26743", Parent: "79", Level: "commune", Name: Text{VI: "Phường Bến Thành", EN: "Ben Thanh Ward"}},
	{Code: "26758", Parent: "79", Level: "commune", Name: Text{VI: "Phường Cầu Ông Lãnh", EN: "Cau Ong Lanh Ward"}},
	{Code: "27139", Parent: "79", Level: "commune", Name: Text{VI: "Phường Chợ Lớn", EN: "Cho Lon Ward"}},
	{Code: "26944", Parent: "79", Level: "commune", Name: Text{VI: "Phường Bình Thạnh", EN: "Binh Thanh Ward"}},
	{Code: "27595", Parent: "79", Level: "commune", Name: Text{VI: "Xã Củ Chi", EN: "Cu Chi Commune"}},
	{Code: "27673", Parent: "79", Level: "commune", Name: Text{VI: "Xã Cần Giờ", EN: "Can Gio Commune"}},
}

// Limits are the upload and text limits announced to clients.
type Limits struct {
	MaxFileBytes        int64 `json:"maxFileBytes"`
	MaxReportBytes      int64 `json:"maxReportBytes"`
	MaxFiles            int   `json:"maxFiles"`
	MaxTitleChars       int   `json:"maxTitleChars"`
	MaxDescriptionChars int   `json:"maxDescriptionChars"`
	MaxFieldChars       int   `json:"maxFieldChars"`
	MaxMessageFiles     int   `json:"maxMessageFiles"`
	MaxMessageChars     int   `json:"maxMessageChars"`
}

// DefaultLimits are the limits used when configuration does not override them.
var DefaultLimits = Limits{
	MaxFileBytes:        25 << 20,
	MaxReportBytes:      100 << 20,
	MaxFiles:            10,
	MaxTitleChars:       200,
	MaxDescriptionChars: 10000,
	MaxFieldChars:       500,
	MaxMessageFiles:     MaxMessageFiles,
	MaxMessageChars:     MaxMessageChars,
}

// Meta is what a client needs to build the report form.
type Meta struct {
	Kinds        []Kind
	Categories   []Category
	Areas        []Area
	Limits       Limits
	AllowedTypes []FileType
}

// Catalog serves the reference data of the portal.
type Catalog struct {
	Store        CatalogStore
	Limits       Limits
	AllowedTypes []FileType
}

// Seed inserts the default categories and areas that are missing.
func (c *Catalog) Seed(ctx context.Context) error {
	if err := c.Store.SeedCategories(ctx, DefaultCategories); err != nil {
		return err
	}
	return c.Store.SeedAreas(ctx, HCMCAreas)
}

// Meta returns the kinds, the active categories, the areas and the limits.
func (c *Catalog) Meta(ctx context.Context) (Meta, error) {
	cats, err := c.Store.ListCategories(ctx)
	if err != nil {
		return Meta{}, err
	}
	active := make([]Category, 0, len(cats))
	for _, cat := range cats {
		if cat.Active {
			active = append(active, cat)
		}
	}
	areas, err := c.Store.ListAreas(ctx)
	if err != nil {
		return Meta{}, err
	}
	return Meta{Kinds: Kinds, Categories: active, Areas: areas, Limits: c.Limits, AllowedTypes: c.AllowedTypes}, nil
}

// CatalogCache keeps the categories and areas in memory for a short time:
// every submission checks its category and area, and the lists change only
// when an admin edits them (the change shows within TTL).
type CatalogCache struct {
	CatalogStore
	TTL time.Duration
	Now func() time.Time

	mu     sync.Mutex
	loaded time.Time
	cats   map[string]Category
	areas  map[string]Area
}

func (c *CatalogCache) refresh(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.Now()
	if c.cats != nil && now.Sub(c.loaded) < c.TTL {
		return nil
	}
	cats, err := c.CatalogStore.ListCategories(ctx)
	if err != nil {
		return err
	}
	areas, err := c.CatalogStore.ListAreas(ctx)
	if err != nil {
		return err
	}
	c.cats, c.areas, c.loaded = make(map[string]Category, len(cats)), make(map[string]Area, len(areas)), now
	for _, x := range cats {
		c.cats[x.Code] = x
	}
	for _, x := range areas {
		c.areas[x.Code] = x
	}
	return nil
}

// FindCategory looks code up in the cached list.
func (c *CatalogCache) FindCategory(ctx context.Context, code string) (Category, error) {
	if err := c.refresh(ctx); err != nil {
		return Category{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if x, ok := c.cats[code]; ok {
		return x, nil
	}
	return Category{}, Errorf(CodeNotFound, "No such category.")
}

// FindArea looks code up in the cached list.
func (c *CatalogCache) FindArea(ctx context.Context, code string) (Area, error) {
	if err := c.refresh(ctx); err != nil {
		return Area{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if x, ok := c.areas[code]; ok {
		return x, nil
	}
	return Area{}, Errorf(CodeNotFound, "No such area.")
}
