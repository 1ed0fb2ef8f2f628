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

// Meta is what a client needs to build the report form and to tell the
// citizen what happens after filing.
type Meta struct {
	Kinds        []Kind
	Categories   []Category
	Areas        []Area
	Limits       Limits
	AllowedTypes []FileType
	// Deadlines are the policies the server counts clocks with, in the
	// order of Kinds (docs/workflow.md, "Deadlines").
	Deadlines []DeadlinePolicy
}

// PolicySource gives the deadline policies in force.
type PolicySource interface {
	Policies(ctx context.Context) ([]DeadlinePolicy, error)
}

// Catalog serves the reference data of the portal.
type Catalog struct {
	store        CatalogStore
	limits       Limits
	allowedTypes []FileType
	deadlines    PolicySource
}

// CatalogOptions are the dependencies and settings of a Catalog.
type CatalogOptions struct {
	Store CatalogStore
	// Limits are the upload and text limits announced to clients.
	Limits Limits
	// AllowedTypes are the file types evidence may have.
	AllowedTypes []FileType
	// Deadlines gives the deadline policies announced to the public (nil:
	// none announced).
	Deadlines PolicySource
}

// NewCatalog returns the Catalog over store.
func NewCatalog(opts CatalogOptions) *Catalog {
	return &Catalog{store: opts.Store, limits: opts.Limits, allowedTypes: opts.AllowedTypes, deadlines: opts.Deadlines}
}

// Seed inserts the default categories and areas that are missing.
func (c *Catalog) Seed(ctx context.Context) error {
	if err := c.store.SeedCategories(ctx, DefaultCategories); err != nil {
		return err
	}
	return c.store.SeedAreas(ctx, HCMCAreas)
}

// Meta returns the kinds, the active categories, the areas, the limits and
// the deadline policies.
func (c *Catalog) Meta(ctx context.Context) (Meta, error) {
	cats, err := c.store.ListCategories(ctx)
	if err != nil {
		return Meta{}, err
	}
	active := make([]Category, 0, len(cats))
	for _, cat := range cats {
		if cat.Active {
			active = append(active, cat)
		}
	}
	areas, err := c.store.ListAreas(ctx)
	if err != nil {
		return Meta{}, err
	}
	deadlines := []DeadlinePolicy{}
	if c.deadlines != nil {
		if deadlines, err = c.deadlines.Policies(ctx); err != nil {
			return Meta{}, err
		}
	}
	return Meta{Kinds: Kinds, Categories: active, Areas: areas, Limits: c.limits, AllowedTypes: c.allowedTypes, Deadlines: deadlines}, nil
}

// CatalogCache keeps the categories and areas in memory for a short time:
// every submission checks its category and area, and the lists change only
// when an admin edits them (the change shows within TTL). It is a
// CatalogStore: lookups are served from memory, the rest goes to the store.
type CatalogCache struct {
	store CatalogStore
	ttl   time.Duration
	clock func() time.Time

	mu     sync.Mutex
	loaded time.Time
	cats   map[string]Category
	areas  map[string]Area
}

var _ CatalogStore = (*CatalogCache)(nil)

// CatalogCacheOptions are the dependencies and settings of a CatalogCache.
type CatalogCacheOptions struct {
	Store CatalogStore
	// TTL is how long the lists are kept (0: read for every lookup).
	TTL time.Duration
	Now func() time.Time // nil: time.Now
}

// NewCatalogCache returns a CatalogCache over store.
func NewCatalogCache(opts CatalogCacheOptions) *CatalogCache {
	return &CatalogCache{store: opts.Store, ttl: opts.TTL, clock: clockOrNow(opts.Now)}
}

// SeedCategories passes through to the store.
func (c *CatalogCache) SeedCategories(ctx context.Context, cats []Category) error {
	return c.store.SeedCategories(ctx, cats)
}

// SeedAreas passes through to the store.
func (c *CatalogCache) SeedAreas(ctx context.Context, areas []Area) error {
	return c.store.SeedAreas(ctx, areas)
}

// ListCategories reads the store (not the cache: a list is for display).
func (c *CatalogCache) ListCategories(ctx context.Context) ([]Category, error) {
	return c.store.ListCategories(ctx)
}

// ListAreas reads the store (not the cache: a list is for display).
func (c *CatalogCache) ListAreas(ctx context.Context) ([]Area, error) {
	return c.store.ListAreas(ctx)
}

// Forget drops the kept lists: the next lookup reads them (an
// administrator changed a category or an area).
func (c *CatalogCache) Forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cats, c.areas = nil, nil
}

func (c *CatalogCache) refresh(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.clock()
	if c.cats != nil && now.Sub(c.loaded) < c.ttl {
		return nil
	}
	cats, err := c.store.ListCategories(ctx)
	if err != nil {
		return err
	}
	areas, err := c.store.ListAreas(ctx)
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
	return Category{}, Errorf(ReasonCategoryNotFound, "No such category.")
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
	return Area{}, Errorf(ReasonAreaNotFound, "No such area.")
}
