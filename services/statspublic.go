package services

import (
	"context"
	"hash/maphash"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Public figures (docs/statistics.md, "Public figures"): what anyone may
// read of the counters, with small counts protected. The public reads one
// slice at a time (every report, or one area, unit, kind or category) and
// may list the slices of one dimension; two filters at once would publish
// cross tables, whose small cells are much harder to protect, so they are
// refused.

// The dimensions of the public figures.
const (
	PublicByProvince = "province"
	PublicByCommune  = "commune"
	PublicByUnit     = "unit"
	PublicByKind     = "kind"
	PublicByCategory = "category"
)

// DefaultPublicStatsK is the smallest count published (PORTAL_STATS_K).
const DefaultPublicStatsK = 5

// The labels of a figure that is not published.
const (
	// WithheldFewer: the figure counts fewer than k reports.
	WithheldFewer = "fewer_than_k"
	// WithheldOther: the figure is withheld so that a small one cannot be
	// worked out by subtraction (or, over a range, because one of its
	// months is not published).
	WithheldOther = "withheld"
)

// PublicStatsQuery asks for public figures: the months From to To, by
// month or in total, of every report or of one slice (at most one of
// Area, Unit, Kind, Category), and, when By is set, of each slice of that
// dimension (communes only within a province).
type PublicStatsQuery struct {
	From, To string
	Monthly  bool
	Area     string // a commune's or a province's code
	Unit     string // an inspection unit's code
	Kind     Kind
	Category string
	By       string
}

// PublicFigures are figures anyone may read: a count is nil when it is
// not published, and Withheld says why (WithheldFewer or WithheldOther)
// by the count's JSON name ("byOutcome.substantiated" for an outcome).
// A rate, median or percentile is nil unless the counts it is read from
// are published and, for the days to resolve, at least k reports
// concluded.
type PublicFigures struct {
	Received      *int64            `json:"received"`
	Appeals       *int64            `json:"appeals"` // second-round reports received
	Accepted      *int64            `json:"accepted"`
	Rejected      *int64            `json:"rejected"`
	Transferred   *int64            `json:"transferred"`
	Withdrawn     *int64            `json:"withdrawn"`
	Concluded     *int64            `json:"concluded"`
	ByOutcome     map[string]*int64 `json:"byOutcome"`
	OnTime        *int64            `json:"onTime"`
	Late          *int64            `json:"late"`
	OnTimeRate    *float64          `json:"onTimeRate"`
	MedianDays    *int              `json:"medianDays"`
	P90Days       *int              `json:"p90Days"`
	Rated         *int64            `json:"rated"`
	Satisfied     *int64            `json:"satisfied"` // ratings of 4 or 5 stars
	SatisfiedRate *float64          `json:"satisfiedRate"`
	Appealed      *int64            `json:"appealed"`
	Extended      *int64            `json:"extended"`
	RecFiled      *int64            `json:"recFiled"`
	RecAnswered   *int64            `json:"recAnswered"`
	RecOnTime     *int64            `json:"recOnTime"`
	RecOnTimeRate *float64          `json:"recOnTimeRate"`
	// Open and Overdue are of now, whatever the months.
	Open     *int64            `json:"open"`
	Overdue  *int64            `json:"overdue"`
	Withheld map[string]string `json:"withheld"`
}

// PublicSlice names a slice of the figures.
type PublicSlice struct {
	Dim  string `json:"dim"` // "" for every report
	Key  string `json:"key"`
	Name Text   `json:"name"`
}

// PublicStatsRow is one month's figures.
type PublicStatsRow struct {
	Month string `json:"month"`
	PublicFigures
}

// PublicStatsGroup is one slice's figures over the range.
type PublicStatsGroup struct {
	PublicSlice
	PublicFigures
}

// PublicStatsAnswer is what a public query gets.
type PublicStatsAnswer struct {
	From   string             `json:"from"`
	To     string             `json:"to"`
	K      int64              `json:"k"`
	Slice  PublicSlice        `json:"slice"`
	Rows   []PublicStatsRow   `json:"rows,omitempty"`
	Groups []PublicStatsGroup `json:"groups,omitempty"`
	Total  PublicFigures      `json:"total"`
}

// The measures the public figures count, and the ones the public can
// only work out (each the difference of two others); outcomes are added
// per month as they appear.
const (
	pubSatisfied   = "satisfied"
	pubFirstRound  = "firstRound"
	pubRecLate     = "recLate"
	pubUnsatisfied = "unsatisfied"
	pubNotOverdue  = "notOverdue"
)

var publicCounted = []string{MeasureReceived, MeasureAppeals, MeasureAccepted, MeasureRejected, MeasureTransferred,
	MeasureWithdrawn, MeasureConcluded, MeasureOnTime, MeasureLate, MeasureRated, pubSatisfied, MeasureAppealed,
	MeasureExtended, MeasureRecFiled, MeasureRecAnswered, MeasureRecOnTime, MeasureOpen, MeasureOverdue}

var publicImplicit = []string{pubFirstRound, pubRecLate, pubUnsatisfied, pubNotOverdue}

// statsNode is a slice of the figures: Dim "" is every report.
type statsNode struct{ dim, key string }

var allReports = statsNode{}

// publicTable is one month's counts by slice, and what is published.
type publicTable struct {
	vals  map[statsNode]map[string]int64
	days  map[statsNode]map[int]int64
	state map[statsNode]map[string]cellState
}

// publicCatalog places cells in slices: a commune's province, a unit's
// code.
type publicCatalog struct {
	province map[string]string // commune code → province code
	unitCode map[string]string // unit id → code
}

// slicesOf lists the slices a base cell counts in.
func (pc publicCatalog) slicesOf(c StatsCell) []statsNode {
	return []statsNode{allReports, {PublicByProvince, pc.province[c.Area]}, {PublicByCommune, c.Area},
		{PublicByUnit, pc.unitCode[c.Unit]}, {PublicByKind, string(c.Kind)}, {PublicByCategory, c.Category}}
}

// sumPublicTable sums one month's base cells by slice, and lists the
// outcomes concluded that month.
func sumPublicTable(cells Contribution, month string, pc publicCatalog) (publicTable, []string) {
	t := publicTable{vals: map[statsNode]map[string]int64{}, days: map[statsNode]map[int]int64{}, state: map[statsNode]map[string]cellState{}}
	outcomes := map[string]bool{}
	for cell, m := range cells {
		if cell.Dim != "" || cell.Month != month {
			continue
		}
		for _, n := range pc.slicesOf(cell) {
			v := t.vals[n]
			if v == nil {
				v = map[string]int64{}
				t.vals[n] = v
				t.days[n] = map[int]int64{}
			}
			for name, x := range m {
				switch {
				case strings.HasPrefix(name, MeasureConcludedPrefix):
					outcomes[name] = true
					v[name] += x
				case strings.HasPrefix(name, MeasureDaysPrefix):
					if d, err := strconv.Atoi(strings.TrimPrefix(name, MeasureDaysPrefix)); err == nil {
						t.days[n][d] += x
					}
				case name == MeasureStarsPrefix+"4" || name == MeasureStarsPrefix+"5":
					v[pubSatisfied] += x
				case slices.Contains(publicCounted, name):
					v[name] += x
				}
			}
		}
	}
	for _, v := range t.vals {
		v[pubFirstRound] = v[MeasureReceived] - v[MeasureAppeals]
		v[pubRecLate] = v[MeasureRecAnswered] - v[MeasureRecOnTime]
		v[pubUnsatisfied] = v[MeasureRated] - v[pubSatisfied]
		v[pubNotOverdue] = v[MeasureOpen] - v[MeasureOverdue]
	}
	return t, slices.Sorted(maps.Keys(outcomes))
}

// buildPublicTable sums one month's base cells by slice and decides what
// is published.
func buildPublicTable(cells Contribution, month string, pc publicCatalog, k int64) publicTable {
	t, outcomeNames := sumPublicTable(cells, month, pc)
	measures := append(slices.Clone(publicCounted), outcomeNames...)
	p := newProtector(k)
	type fig struct {
		n statsNode
		m string
	}
	index := map[fig]int{}
	nodes := slices.SortedFunc(maps.Keys(t.vals), func(a, b statsNode) int {
		return strings.Compare(a.dim+"\x00"+a.key, b.dim+"\x00"+b.key)
	})
	// Only non-zero figures take part: a zero is published and adds
	// nothing to a sum.
	for _, n := range nodes {
		for _, m := range append(slices.Clone(measures), publicImplicit...) {
			if v := t.vals[n][m]; v != 0 {
				index[fig{n, m}] = p.figure(v, slices.Contains(publicImplicit, m))
			}
		}
	}
	relate := func(parent fig, children []fig) {
		pi, ok := index[parent]
		if !ok {
			return
		}
		var cs []int
		for _, c := range children {
			if i, ok := index[c]; ok {
				cs = append(cs, i)
			}
		}
		p.relate(pi, cs...)
	}
	// Within each slice: the counts that add up.
	for _, n := range nodes {
		var outs []fig
		for _, o := range outcomeNames {
			outs = append(outs, fig{n, o})
		}
		relate(fig{n, MeasureConcluded}, outs)
		relate(fig{n, MeasureConcluded}, []fig{{n, MeasureOnTime}, {n, MeasureLate}})
		relate(fig{n, MeasureReceived}, []fig{{n, MeasureAppeals}, {n, pubFirstRound}})
		relate(fig{n, MeasureRecAnswered}, []fig{{n, MeasureRecOnTime}, {n, pubRecLate}})
		relate(fig{n, MeasureRated}, []fig{{n, pubSatisfied}, {n, pubUnsatisfied}})
		relate(fig{n, MeasureOpen}, []fig{{n, MeasureOverdue}, {n, pubNotOverdue}})
	}
	// Across slices: every report is the sum of each dimension's slices,
	// a province the sum of its communes.
	byDim := map[string][]statsNode{}
	for _, n := range nodes {
		byDim[n.dim] = append(byDim[n.dim], n)
	}
	for _, m := range append(measures, publicImplicit...) {
		for _, dim := range []string{PublicByProvince, PublicByUnit, PublicByKind, PublicByCategory} {
			var cs []fig
			for _, n := range byDim[dim] {
				cs = append(cs, fig{n, m})
			}
			relate(fig{allReports, m}, cs)
		}
		communes := map[string][]fig{}
		for _, n := range byDim[PublicByCommune] {
			prov := pc.province[n.key]
			communes[prov] = append(communes[prov], fig{n, m})
		}
		for prov, cs := range communes {
			relate(fig{statsNode{PublicByProvince, prov}, m}, cs)
		}
	}
	p.run()
	for f, i := range index {
		if t.state[f.n] == nil {
			t.state[f.n] = map[string]cellState{}
		}
		t.state[f.n][f.m] = p.state[i]
	}
	return t
}

// publicSum is a figure of node over tables: published only if published
// in each (a zero is); its label otherwise.
func publicSum(tables []publicTable, n statsNode, m string) (*int64, string) {
	var sum int64
	label := ""
	for _, t := range tables {
		switch st := t.state[n][m]; st {
		case statePublished:
			sum += t.vals[n][m]
		case stateFewer:
			if len(tables) == 1 {
				label = WithheldFewer
			} else {
				label = WithheldOther
			}
		default:
			label = WithheldOther
		}
	}
	if label != "" {
		return nil, label
	}
	return &sum, ""
}

// publicFigures reads node's public figures over tables (one month, or
// the months of a range), the now table giving open and overdue.
func publicFigures(tables []publicTable, now publicTable, n statsNode, k int64) PublicFigures {
	f := PublicFigures{ByOutcome: map[string]*int64{}, Withheld: map[string]string{}}
	get := func(ts []publicTable, m, name string) *int64 {
		v, label := publicSum(ts, n, m)
		if label != "" {
			f.Withheld[name] = label
		}
		return v
	}
	counts := map[string]**int64{MeasureReceived: &f.Received, MeasureAppeals: &f.Appeals, MeasureAccepted: &f.Accepted,
		MeasureRejected: &f.Rejected, MeasureTransferred: &f.Transferred, MeasureWithdrawn: &f.Withdrawn,
		MeasureConcluded: &f.Concluded, MeasureOnTime: &f.OnTime, MeasureLate: &f.Late, MeasureRated: &f.Rated,
		pubSatisfied: &f.Satisfied, MeasureAppealed: &f.Appealed, MeasureExtended: &f.Extended,
		MeasureRecFiled: &f.RecFiled, MeasureRecAnswered: &f.RecAnswered, MeasureRecOnTime: &f.RecOnTime}
	for m, p := range counts {
		*p = get(tables, m, m)
	}
	f.Open = get([]publicTable{now}, MeasureOpen, "open")
	f.Overdue = get([]publicTable{now}, MeasureOverdue, "overdue")
	outcomes := map[string]bool{}
	for _, t := range tables {
		for m := range t.vals[n] {
			if strings.HasPrefix(m, MeasureConcludedPrefix) && t.vals[n][m] != 0 {
				outcomes[m] = true
			}
		}
	}
	for m := range outcomes {
		name := strings.TrimPrefix(m, MeasureConcludedPrefix)
		f.ByOutcome[name] = get(tables, m, "byOutcome."+name)
	}
	f.OnTimeRate = publicRate(f.OnTime, f.Late)
	f.SatisfiedRate = publicShare(f.Satisfied, f.Rated)
	f.RecOnTimeRate = publicShare(f.RecOnTime, f.RecAnswered)
	if f.Concluded != nil && *f.Concluded >= k {
		days := map[int]int64{}
		for _, t := range tables {
			for d, x := range t.days[n] {
				days[d] += x
			}
		}
		f.MedianDays, f.P90Days = nearestRank(days, 50), nearestRank(days, 90)
	}
	return f
}

// publicRate is a/(a+b) when both are published and not both zero.
func publicRate(a, b *int64) *float64 {
	if a == nil || b == nil {
		return nil
	}
	s := *b + *a
	return publicShare(a, &s)
}

// publicShare is part/whole when both are published and whole > 0.
func publicShare(part, whole *int64) *float64 {
	if part == nil || whole == nil || *whole == 0 {
		return nil
	}
	r := float64(*part) / float64(*whole)
	return &r
}

// publicCatalogStore is what the public figures read besides the
// counters: the areas, categories and units that name the slices.
type publicCatalogStore interface {
	ListAreas(ctx context.Context) ([]Area, error)
	ListCategories(ctx context.Context) ([]Category, error)
	FindUnits(ctx context.Context) ([]Unit, error)
}

// publicNameBook is what names the public figures' slices and places the
// cells in them, read from the catalogue: never changed once built, so
// concurrent answers share it.
type publicNameBook struct {
	pc    publicCatalog
	names map[statsNode]Text
	// level is each area's level (province or commune).
	level map[string]string
}

// publicNameCache keeps the public figures' name book for a time: the
// catalogue (some ten thousand communes in a national deployment) would
// otherwise be read on every public answer. An administrator's change
// drops it at once in this process (ForgetCatalog); other processes read
// the change within the TTL.
type publicNameCache struct {
	mu     sync.Mutex
	ttl    time.Duration
	loaded time.Time
	book   *publicNameBook
}

// SetCatalogTTL sets how long the public figures keep the names of their
// slices (0, the default: read the catalogue for every answer).
func (v *StatsView) SetCatalogTTL(ttl time.Duration) {
	v.names.mu.Lock()
	defer v.names.mu.Unlock()
	v.names.ttl, v.names.book = ttl, nil
}

// ForgetCatalog drops the kept names: the next public answer reads the
// catalogue (an administrator changed an area, a category or a unit).
func (v *StatsView) ForgetCatalog() {
	v.names.mu.Lock()
	defer v.names.mu.Unlock()
	v.names.book = nil
}

// publicNames is the name book, kept or read anew.
func (v *StatsView) publicNames(ctx context.Context) (*publicNameBook, error) {
	c := &v.names
	c.mu.Lock()
	defer c.mu.Unlock()
	now := v.now()
	if c.book != nil && c.ttl > 0 && now.Sub(c.loaded) < c.ttl && !now.Before(c.loaded) {
		return c.book, nil
	}
	areas, err := v.catalog.ListAreas(ctx)
	if err != nil {
		return nil, err
	}
	cats, err := v.catalog.ListCategories(ctx)
	if err != nil {
		return nil, err
	}
	units, err := v.catalog.FindUnits(ctx)
	if err != nil {
		return nil, err
	}
	b := &publicNameBook{pc: publicCatalog{province: map[string]string{}, unitCode: map[string]string{}},
		names: map[statsNode]Text{allReports: {VI: "Tất cả phản ánh", EN: "All reports"}}, level: map[string]string{}}
	for _, a := range areas {
		b.level[a.Code] = a.Level
		if a.Level == AreaCommune {
			b.pc.province[a.Code] = a.Parent
			b.names[statsNode{PublicByCommune, a.Code}] = a.Name
		} else {
			b.names[statsNode{PublicByProvince, a.Code}] = a.Name
		}
	}
	for _, u := range units {
		b.pc.unitCode[u.ID] = u.Code
		if u.Type == UnitInspection {
			b.names[statsNode{PublicByUnit, u.Code}] = u.Name
		}
	}
	for _, c := range cats {
		b.names[statsNode{PublicByCategory, c.Code}] = c.Name
	}
	for k, n := range KindNames {
		b.names[statsNode{PublicByKind, string(k)}] = n
	}
	if c.ttl > 0 {
		c.book, c.loaded = b, now
	}
	return b, nil
}

// publicTableMemo keeps the protected table of each month recently
// asked for, with what it was built from: protecting a month is the public
// figures' main cost (the linear check most of all), and the counters of a
// month change far less often than the public asks for them.
type publicTableMemo struct {
	mu     sync.Mutex
	seed   maphash.Seed
	tables map[string]memoTable
}

type memoTable struct {
	book *publicNameBook
	fp   uint64
	t    publicTable
}

// maxMemoTables bounds the months kept (every month of MaxStatsMonths
// ranges, and more).
const maxMemoTables = 256

// protectedTable is month's protected table: the kept one when the month's
// cells and the name book are those it was built from, else built anew.
func (v *StatsView) protectedTable(cells Contribution, month string, book *publicNameBook) publicTable {
	m := &v.memo
	m.mu.Lock()
	if m.tables == nil {
		m.seed, m.tables = maphash.MakeSeed(), map[string]memoTable{}
	}
	seed := m.seed
	kept, ok := m.tables[month]
	m.mu.Unlock()
	fp := monthFingerprint(seed, cells, month)
	if ok && kept.book == book && kept.fp == fp {
		return kept.t
	}
	t := buildPublicTable(cells, month, book.pc, v.k)
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.tables) >= maxMemoTables {
		for k := range m.tables {
			delete(m.tables, k)
			break
		}
	}
	m.tables[month] = memoTable{book: book, fp: fp, t: t}
	return t
}

// monthFingerprint hashes the base cells of month that sumPublicTable
// reads, in no particular order (a sum of each count's hash).
func monthFingerprint(seed maphash.Seed, cells Contribution, month string) uint64 {
	var fp uint64
	var h maphash.Hash
	h.SetSeed(seed)
	for cell, ms := range cells {
		if cell.Dim != "" || cell.Month != month {
			continue
		}
		key := cell.Key()
		for name, n := range ms {
			h.Reset()
			h.WriteString(key)
			h.WriteByte(0)
			h.WriteString(name)
			h.WriteByte(0)
			h.WriteString(strconv.FormatInt(n, 10))
			fp += h.Sum64()
		}
	}
	return fp
}

// unknownSlice names the slice of reports without an area or category.
var unknownSlice = Text{VI: "Không xác định", EN: "Not given"}

// PublicFigures answers figures anyone may read, with small counts
// protected (docs/statistics.md, "Public figures"). Its cost depends on
// the number of counter cells of the range, not on the number of reports.
func (v *StatsView) PublicFigures(ctx context.Context, q PublicStatsQuery) (PublicStatsAnswer, error) {
	sq := StatsQuery{From: q.From, To: q.To}
	months, err := v.months(&sq)
	if err != nil {
		return PublicStatsAnswer{}, err
	}
	pn, err := v.publicNames(ctx)
	if err != nil {
		return PublicStatsAnswer{}, err
	}
	pc, names, level := pn.pc, pn.names, pn.level
	slice, err := publicSliceOf(q, level, names)
	if err != nil {
		return PublicStatsAnswer{}, err
	}
	cells, err := v.cells.FindStatsCells(ctx, append(slices.Clone(months), NowMonth), "", "")
	if err != nil {
		return PublicStatsAnswer{}, err
	}
	tables := make([]publicTable, len(months))
	for i, m := range months {
		tables[i] = v.protectedTable(cells, m, pn)
	}
	now := v.protectedTable(cells, NowMonth, pn)
	name := func(n statsNode) Text {
		if t, ok := names[n]; ok {
			return t
		}
		if n.key == "" {
			return unknownSlice
		}
		return Text{VI: n.key, EN: n.key}
	}
	ans := PublicStatsAnswer{From: sq.From, To: sq.To, K: v.k,
		Slice: PublicSlice{Dim: slice.dim, Key: slice.key, Name: name(slice)},
		Total: publicFigures(tables, now, slice, v.k)}
	if q.Monthly {
		for i, m := range months {
			ans.Rows = append(ans.Rows, PublicStatsRow{Month: m, PublicFigures: publicFigures(tables[i:i+1], now, slice, v.k)})
		}
	}
	if q.By != "" {
		seen := map[statsNode]bool{}
		for _, t := range append(tables, now) {
			for n := range t.vals {
				if n.dim == q.By && (q.By != PublicByCommune || pc.province[n.key] == slice.key) {
					seen[n] = true
				}
			}
		}
		for _, n := range slices.SortedFunc(maps.Keys(seen), func(a, b statsNode) int { return strings.Compare(a.key, b.key) }) {
			ans.Groups = append(ans.Groups, PublicStatsGroup{PublicSlice: PublicSlice{Dim: n.dim, Key: n.key, Name: name(n)},
				PublicFigures: publicFigures(tables, now, n, v.k)})
		}
	}
	return ans, nil
}

// publicSliceOf checks a public query's filters and names its slice: at
// most one filter; By lists the provinces, units, kinds or categories of
// every report, or the communes of one province.
func publicSliceOf(q PublicStatsQuery, level map[string]string, names map[statsNode]Text) (statsNode, error) {
	f := FieldErrors{}
	var slice statsNode
	set := 0
	for _, x := range []struct{ field, dim, key string }{{"area", "", q.Area}, {"unit", PublicByUnit, q.Unit},
		{"kind", PublicByKind, string(q.Kind)}, {"category", PublicByCategory, q.Category}} {
		if x.key == "" {
			continue
		}
		if set++; set > 1 {
			f.Add(x.field, FieldNotAllowed)
			continue
		}
		dim := x.dim
		if x.field == "area" {
			switch level[x.key] {
			case AreaProvince:
				dim = PublicByProvince
			case AreaCommune:
				dim = PublicByCommune
			}
		}
		if _, ok := names[statsNode{dim, x.key}]; dim == "" || !ok {
			f.Add(x.field, FieldUnknown)
			continue
		}
		slice = statsNode{dim, x.key}
	}
	switch q.By {
	case "":
	case PublicByCommune:
		if slice.dim != PublicByProvince {
			f.Add("by", FieldInvalid)
		}
	case PublicByProvince, PublicByUnit, PublicByKind, PublicByCategory:
		if set > 0 {
			f.Add("by", FieldNotAllowed)
		}
	default:
		f.Add("by", FieldInvalid)
	}
	return slice, f.Err()
}
