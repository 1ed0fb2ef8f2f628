package mongostore

import (
	"context"
	"slices"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"

	"minhbach/services"
)

// The statistics' cell cache (docs/storage.md, "The statistics' cell
// cache"): on the embedded default, one process owns the database, and
// every write to the counters goes through this store (ApplyStatsDelta,
// BeginStatsRebuild, FinishStatsRebuild). The embedded server answers a
// query of cells by reading and decoding every cell document, whatever the
// filter, which costs more as the breakdowns fill; the cache holds every
// cell in memory and answers FindStatsCells and FindStatsDims from it, so
// that a statistics page costs the same at any number of reports. After
// each write the store reads the cells it touched again by _id, so the
// cache holds what the database holds. It is never used on MongoDB, where
// other processes may write and the indexes serve the queries.

// statsCache is every statistics cell, by key.
type statsCache struct {
	mu    sync.RWMutex
	cells map[string]statsCacheCell
	// broken is set when a write's cells could not be read again: the
	// cache is dropped and loaded again at the next read.
	broken bool
}

type statsCacheCell struct {
	cell services.StatsCell
	n    map[string]int64
}

// UseStatsCache makes the store answer the statistics' cell queries from
// memory (the embedded default only: no other process writes the cells).
func (s *Store) UseStatsCache() { s.statsCacheOn.Store(true) }

// cachedStats is the loaded cache, loading it when needed; nil when the
// cache is off or cannot be loaded now (the database answers).
func (s *Store) cachedStats(ctx context.Context) *statsCache {
	if !s.statsCacheOn.Load() {
		return nil
	}
	if c := s.statsCache.Load(); c != nil {
		c.mu.RLock()
		broken := c.broken
		c.mu.RUnlock()
		if !broken {
			return c
		}
	}
	s.statsLoad.Lock()
	defer s.statsLoad.Unlock()
	if c := s.statsCache.Load(); c != nil && !c.broken {
		return c
	}
	all, err := s.readStatsCells(ctx, bson.D{})
	if err != nil {
		return nil
	}
	c := &statsCache{cells: make(map[string]statsCacheCell, len(all))}
	for cell, n := range all {
		c.cells[cell.Key()] = statsCacheCell{cell: cell, n: n}
	}
	s.statsCache.Store(c)
	return c
}

// dropStatsCache forgets the cache (a rebuild); the next read loads it.
func (s *Store) dropStatsCache() {
	s.statsLoad.Lock()
	defer s.statsLoad.Unlock()
	s.statsCache.Store(nil)
}

// refreshStatsCells reads the cells of keys again by _id after a write and
// puts what the database holds in the cache; when that fails, the cache
// is dropped. It waits for a load running meanwhile (which may have read
// the cells before the write), so that the write's cells are read after
// it.
func (s *Store) refreshStatsCells(ctx context.Context, keys []string) {
	s.statsLoad.Lock()
	defer s.statsLoad.Unlock()
	c := s.statsCache.Load()
	if c == nil || len(keys) == 0 {
		return
	}
	fresh := services.Contribution{}
	for chunk := range slices.Chunk(keys, 1000) {
		got, err := s.readStatsCells(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: chunk}}}})
		if err != nil {
			c.mu.Lock()
			c.broken = true
			c.mu.Unlock()
			return
		}
		fresh.Add(got)
	}
	byKey := make(map[string]services.StatsCell, len(fresh))
	for cell := range fresh {
		byKey[cell.Key()] = cell
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, k := range keys {
		if cell, ok := byKey[k]; ok {
			c.cells[k] = statsCacheCell{cell: cell, n: fresh[cell]}
		} else {
			delete(c.cells, k)
		}
	}
}

// match answers a cells query from the cache: months, the unit and the
// committee when given, and the dimension ("" for the base cells).
func (c *statsCache) match(months []string, unit, front, dim string) services.Contribution {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := services.Contribution{}
	for _, e := range c.cells {
		cell := e.cell
		if cell.Dim != dim || (unit != "" && cell.Unit != unit) || (front != "" && cell.Front != front) || !slices.Contains(months, cell.Month) {
			continue
		}
		m := make(map[string]int64, len(e.n))
		for k, v := range e.n {
			if v != 0 {
				m[k] = v
			}
		}
		if len(m) > 0 {
			out[cell] = m
		}
	}
	return out
}
