package services

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"
)

// leafCell is a place reports can be counted in: one commune, unit, kind
// and category.
type leafCell struct {
	area, unit, category string
	kind                 Kind
}

// leafMeasures are the measures of a leaf's reports, each a count the
// attacker does not know: received; and the conclusions by outcome and
// timeliness.
var leafMeasures = []struct{ outcome, timely string }{{"", ""}, {"a", MeasureOnTime}, {"a", MeasureLate}, {"b", MeasureOnTime}, {"b", MeasureLate}}

// leafContribution turns counts per (leaf, measure) into month cells.
func leafContribution(month string, leaves []leafCell, measures []int, counts []int64) Contribution {
	ct := Contribution{}
	for i, n := range counts {
		l := leaves[i/len(measures)]
		cell := StatsCell{Month: month, Unit: l.unit, Area: l.area, Kind: l.kind, Category: l.category, Channel: ChannelWeb}
		lm := leafMeasures[measures[i%len(measures)]]
		if lm.outcome == "" {
			ct.add(cell, MeasureReceived, n)
			continue
		}
		ct.add(cell, MeasureConcluded, n)
		ct.add(cell, MeasureConcludedPrefix+lm.outcome, n)
		ct.add(cell, lm.timely, n)
	}
	return ct
}

var testCatalog = publicCatalog{
	province: map[string]string{"c1": "p1", "c2": "p1", "c3": "p2"},
	unitCode: map[string]string{"u1": "U1", "u2": "U2"},
}

// attackUniverse is a small world for the brute-force attacker: every
// cell reports could fall in, and the measures each cell's reports are
// split into.
type attackUniverse struct {
	name     string
	leaves   []leafCell
	measures []int
	maxCount int // the real counts are 0..maxCount; the attacker tries 0..maxCount+1
}

func universe(name string, areas, units, cats []string, kinds []Kind, measures []int, maxCount int) attackUniverse {
	u := attackUniverse{name: name, measures: measures, maxCount: maxCount}
	for _, a := range areas {
		for _, un := range units {
			for _, c := range cats {
				for _, k := range kinds {
					u.leaves = append(u.leaves, leafCell{a, un, c, k})
				}
			}
		}
	}
	return u
}

// worldFigure is a figure of a world's table: a slice and a measure.
type worldFigure struct {
	node statsNode
	m    string
}

// worldFigures lists the figures a world's counts can add to, and for each
// count of the world (a leaf and a measure) the figures it adds to, once
// per report it counts.
func worldFigures(u attackUniverse, pc publicCatalog) (figs []worldFigure, adds [][]int) {
	n := len(u.leaves) * len(u.measures)
	index := map[worldFigure]int{}
	adds = make([][]int, n)
	for i := range n {
		one := make([]int64, n)
		one[i] = 1
		tbl, _ := sumPublicTable(leafContribution("2026-11", u.leaves, u.measures, one), "2026-11", pc)
		for node, vals := range tbl.vals {
			for m, v := range vals {
				if v == 0 {
					continue
				}
				f := worldFigure{node, m}
				if _, ok := index[f]; !ok {
					index[f] = len(figs)
					figs = append(figs, f)
				}
				for range v {
					adds[i] = append(adds[i], index[f])
				}
			}
		}
	}
	return figs, adds
}

// TestPublicFiguresHideSmallCountsFromEveryAttack builds random tables in
// small worlds, protects them, and then plays the attacker by brute
// force: every way reports could have fallen into the world's cells that
// agrees with everything published (the counts shown, "fewer than k",
// "withheld", and the zeros). A small count that is not shown must take
// at least two values across those ways, so no subtraction, of any
// published figures, can tell it.
func TestPublicFiguresHideSmallCountsFromEveryAttack(t *testing.T) {
	const k = 3
	rng := rand.New(rand.NewPCG(5, 13))
	worlds := []struct {
		u      attackUniverse
		trials int
	}{
		// Communes in provinces, and units: received only.
		{universe("areas×units", []string{"c1", "c2", "c3"}, []string{"u1", "u2"}, []string{"x"}, []Kind{KindComplaint}, []int{0}, 3), 150},
		// Communes, kinds and categories.
		{universe("areas×kinds×categories", []string{"c1", "c3"}, []string{"u1"}, []string{"x", "y"}, []Kind{KindFeedback, KindComplaint}, []int{0}, 2), 60},
		// Conclusions by outcome and timeliness, in two communes.
		{universe("conclusions", []string{"c1", "c2"}, []string{"u1"}, []string{"x"}, []Kind{KindComplaint}, []int{1, 2, 3, 4}, 2), 60},
	}
	tables, hidden := 0, 0
	for _, w := range worlds {
		u := w.u
		n := len(u.leaves) * len(u.measures)
		// The figures of the world (slice × measure) and, for each count
		// of the world, the figures it adds to.
		figs, adds := worldFigures(u, testCatalog)
		for trial := range w.trials {
			real := make([]int64, n)
			for i := range real {
				real[i] = int64(rng.IntN(u.maxCount + 1))
			}
			table := buildPublicTable(leafContribution("2026-11", u.leaves, u.measures, real), "2026-11", testCatalog, k)
			state := make([]cellState, len(figs))
			shown := make([]int64, len(figs))
			for i, f := range figs {
				st, ok := table.state[f.node][f.m]
				if ok {
					state[i], shown[i] = st, table.vals[f.node][f.m]
				}
			}
			// seen[i] collects the values figure i takes in the fillings
			// that agree.
			seen := make([]map[int64]bool, len(figs))
			for i := range seen {
				seen[i] = map[int64]bool{}
			}
			sums := make([]int64, len(figs))
			var walk func(i int)
			walk = func(i int) {
				if i == n {
					for f, v := range sums {
						switch state[f] {
						case statePublished:
							if v != shown[f] {
								return
							}
						case stateFewer:
							if v < 1 || v >= k {
								return
							}
						case stateWithheld:
							if v < 1 {
								return
							}
						}
					}
					for f, v := range sums {
						seen[f][v] = true
					}
					return
				}
				for v := range u.maxCount + 2 {
					if v > 0 {
						for _, f := range adds[i] {
							sums[f]++
						}
					}
					walk(i + 1)
				}
				for _, f := range adds[i] {
					sums[f] -= int64(u.maxCount + 1)
				}
			}
			// sums start at the zero filling; each step of the walk
			// moves one count up by one, and its end puts it back.
			walk(0)
			for f, fg := range figs {
				if state[f] == statePublished || shown[f] < 1 || shown[f] >= k {
					continue
				}
				hidden++
				if len(seen[f]) < 2 {
					t.Errorf("%s, trial %d: %v %s = %d can be worked out from the published figures (state %d); counts %v",
						u.name, trial, fg.node, fg.m, shown[f], state[f], real)
				}
			}
			tables++
		}
	}
	if hidden < 200 {
		t.Fatalf("only %d small figures in %d tables: the trials test too little", hidden, tables)
	}
	t.Logf("%d tables, %d small figures hidden, none can be worked out", tables, hidden)
}

// TestOneReportWardIsProtected is the subtraction attack on a ward with
// one report: the province's total less its other communes' would tell
// it, so a second commune is withheld.
func TestOneReportWardIsProtected(t *testing.T) {
	ct := Contribution{}
	cell := func(area string) StatsCell {
		return StatsCell{Month: "2026-11", Unit: "u1", Area: area, Kind: KindComplaint, Category: "x", Channel: ChannelWeb}
	}
	ct.add(cell("c1"), MeasureReceived, 9)
	ct.add(cell("c2"), MeasureReceived, 1)
	ct.add(cell("c3"), MeasureReceived, 7)
	tbl := buildPublicTable(ct, "2026-11", testCatalog, 5)
	p1 := statsNode{PublicByProvince, "p1"}
	c1, c2 := statsNode{PublicByCommune, "c1"}, statsNode{PublicByCommune, "c2"}
	figs := func(n statsNode) PublicFigures { return publicFigures([]publicTable{tbl}, publicTable{}, n, 5) }
	if f := figs(c2); f.Received != nil || f.Withheld["received"] != WithheldFewer {
		t.Fatalf("the one-report ward: %v %v", f.Received, f.Withheld)
	}
	prov, other := figs(p1), figs(c1)
	if prov.Received != nil && other.Received != nil {
		t.Fatalf("the province (%d) and its other commune (%d) are both published: their difference is the ward's report", *prov.Received, *other.Received)
	}
	if all := figs(allReports); all.Received == nil || *all.Received != 17 {
		t.Fatalf("every report: %v", all.Received)
	}
}

// FuzzPublicStatsQuery feeds the public figures' query (from anyone) to
// its checks: they never panic, and what they accept is a range of 1 to
// MaxStatsMonths months in order and at most one slice.
func FuzzPublicStatsQuery(f *testing.F) {
	f.Add("2026-01", "2026-12", "79", "", "", "", "commune")
	f.Add("", "", "", "unit-a", "", "", "")
	f.Add("2023-01", "2026-01", "", "", "complaint", "bribe", "kind")
	f.Add("2026-13", "9999-99", "26743", "", "", "", "province")
	f.Add("0000-01", "0003-01", "", "", "", "", "")
	level := map[string]string{"79": AreaProvince, "26743": AreaCommune}
	names := map[statsNode]Text{{PublicByProvince, "79"}: {}, {PublicByCommune, "26743"}: {}, {PublicByUnit, "unit-a"}: {},
		{PublicByKind, string(KindComplaint)}: {}, {PublicByCategory, "bribe"}: {}}
	v := NewStatsView(nil, 0, func() time.Time { return time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC) })
	f.Fuzz(func(t *testing.T, from, to, area, unit, kind, category, by string) {
		q := PublicStatsQuery{From: from, To: to, Area: area, Unit: unit, Kind: Kind(kind), Category: category, By: by}
		sq := StatsQuery{From: q.From, To: q.To}
		months, err := v.months(&sq)
		if err == nil {
			if len(months) < 1 || len(months) > MaxStatsMonths || months[0] != sq.From || months[len(months)-1] != sq.To {
				t.Fatalf("%q..%q gave %v", from, to, months)
			}
			for i := 1; i < len(months); i++ {
				if months[i] <= months[i-1] {
					t.Fatalf("months out of order: %v", months)
				}
			}
		} else if !IsCode(err, CodeInvalid) {
			t.Fatalf("%q..%q: %v", from, to, err)
		}
		slice, err := publicSliceOf(q, level, names)
		if err != nil {
			if !IsCode(err, CodeInvalid) {
				t.Fatal(err)
			}
			return
		}
		if _, ok := names[slice]; slice != allReports && !ok {
			t.Fatalf("accepted an unknown slice %v", slice)
		}
		set := 0
		for _, x := range []string{area, unit, kind, category} {
			if x != "" {
				set++
			}
		}
		if set > 1 || (set == 0) != (slice == allReports) {
			t.Fatalf("accepted %d filters as slice %v", set, slice)
		}
	})
}

// rowSpace is a basis in echelon form of the rows added so far, modulo
// linearPrime: pivot column → row with 1 there.
type rowSpace map[int][]uint64

// reduce subtracts the basis from row (in place) and reports whether
// anything is left: whether row is outside the span.
func (s rowSpace) reduce(row []uint64) bool {
	for col := range row {
		if row[col] == 0 {
			continue
		}
		b, ok := s[col]
		if !ok {
			continue
		}
		f := row[col]
		for j := col; j < len(row); j++ {
			if b[j] != 0 {
				row[j] = (row[j] + linearPrime - mulMod(f, b[j])) % linearPrime
			}
		}
	}
	return slices.ContainsFunc(row, func(v uint64) bool { return v != 0 })
}

// add puts row into the basis (if it is new).
func (s rowSpace) add(row []uint64) {
	row = slices.Clone(row)
	if !s.reduce(row) {
		return
	}
	col := slices.IndexFunc(row, func(v uint64) bool { return v != 0 })
	inv := invMod(row[col])
	for j := col; j < len(row); j++ {
		row[j] = mulMod(row[j], inv)
	}
	// Keep the basis reduced at col, so that reduce may go left to right.
	for _, b := range s {
		if f := b[col]; f != 0 {
			for j := col; j < len(row); j++ {
				b[j] = (b[j] + linearPrime - mulMod(f, row[j])) % linearPrime
			}
		}
	}
	s[col] = row
}

// TestPublicFiguresHideSmallCountsFromLinearAttack plays a different
// attacker in worlds too large for brute force: one who takes any linear
// combination of the published figures (sums and differences of any of
// them, across slices and measures at once — what a spreadsheet and
// patience can do). A small count that is not shown must not be such a
// combination: its row (what each unknown count of the world adds to it)
// must lie outside the span of the published figures' rows.
func TestPublicFiguresHideSmallCountsFromLinearAttack(t *testing.T) {
	const k = 5
	rng := rand.New(rand.NewPCG(7, 29))
	pc := publicCatalog{province: map[string]string{}, unitCode: map[string]string{"u1": "U1", "u2": "U2", "u3": "U3"}}
	var communes []string
	for i := range 8 {
		c := fmt.Sprintf("c%d", i)
		pc.province[c] = fmt.Sprintf("p%d", i%3)
		communes = append(communes, c)
	}
	u := universe("", communes, []string{"u1", "u2", "u3"}, []string{"x", "y", "z"}, []Kind{KindFeedback, KindComplaint}, []int{0, 1, 2, 3, 4}, 0)
	n := len(u.leaves) * len(u.measures)
	figs, adds := worldFigures(u, pc)
	rows := make([][]uint64, len(figs)) // rows[f][i]: what count i adds to figure f
	for f := range rows {
		rows[f] = make([]uint64, n)
	}
	for i, fs := range adds {
		for _, f := range fs {
			rows[f][i]++
		}
	}
	hidden, tables := 0, 0
	for trial := range 200 {
		// Sparse worlds, where small counts are common.
		real := make([]int64, n)
		for i := range real {
			if rng.IntN(100) < 1+trial%6 {
				real[i] = int64(1 + rng.IntN(3))
			}
		}
		table := buildPublicTable(leafContribution("2026-11", u.leaves, u.measures, real), "2026-11", pc, k)
		span := rowSpace{}
		for f, fg := range figs {
			if st, ok := table.state[fg.node][fg.m]; !ok || st == statePublished {
				span.add(rows[f])
			}
		}
		for f, fg := range figs {
			st, ok := table.state[fg.node][fg.m]
			v := table.vals[fg.node][fg.m]
			if !ok || st == statePublished || v < 1 || v >= k {
				continue
			}
			hidden++
			if !span.reduce(slices.Clone(rows[f])) {
				t.Errorf("trial %d: %v %s = %d (state %d) is a linear combination of the published figures", trial, fg.node, fg.m, v, st)
				if testing.Verbose() {
					for _, node := range []statsNode{fg.node, {PublicByProvince, pc.province[fg.node.key]}} {
						for _, m := range []string{MeasureReceived, MeasureConcluded, MeasureConcludedPrefix + "a", MeasureConcludedPrefix + "b", MeasureOnTime, MeasureLate} {
							t.Logf("  %v %s = %d state %v", node, m, table.vals[node][m], table.state[node][m])
						}
					}
					for c, p := range pc.province {
						if p == pc.province[fg.node.key] {
							for _, m := range []string{MeasureConcluded, MeasureConcludedPrefix + "a", MeasureConcludedPrefix + "b", MeasureOnTime, MeasureLate} {
								t.Logf("  commune %s %s = %d state %v", c, m, table.vals[statsNode{PublicByCommune, c}][m], table.state[statsNode{PublicByCommune, c}][m])
							}
						}
					}
				}
			}
		}
		tables++
	}
	if hidden < 500 {
		t.Fatalf("only %d small figures in %d tables: the trials test too little", hidden, tables)
	}
	t.Logf("%d tables, %d figures, %d unknown counts, %d small figures hidden, none a linear combination of the published ones", tables, len(figs), n, hidden)
}

// BenchmarkProtectLargeMonth times the protection of one month's table in
// a large world: 150 communes in 5 provinces, 5 units, 8 categories and 4
// kinds, a few hundred reports spread thin (many small counts).
func BenchmarkProtectLargeMonth(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 3))
	pc := publicCatalog{province: map[string]string{}, unitCode: map[string]string{}}
	var communes, units, cats []string
	for i := range 150 {
		c := fmt.Sprintf("c%d", i)
		pc.province[c] = fmt.Sprintf("p%d", i%5)
		communes = append(communes, c)
	}
	for i := range 5 {
		units = append(units, fmt.Sprintf("u%d", i))
		pc.unitCode[units[i]] = fmt.Sprintf("U%d", i)
	}
	for i := range 8 {
		cats = append(cats, fmt.Sprintf("k%d", i))
	}
	u := universe("", communes, units, cats, Kinds, []int{0, 1, 2, 3, 4}, 0)
	counts := make([]int64, len(u.leaves)*len(u.measures))
	for range 1500 {
		counts[rng.IntN(len(counts))]++
	}
	ct := leafContribution("2026-11", u.leaves, u.measures, counts)
	b.ResetTimer()
	for range b.N {
		buildPublicTable(ct, "2026-11", pc, 5)
	}
}

// TestProtectedTableKeptWhileUnchanged: a month's protected table is
// built once while its cells and the name book stay the same, and built
// again when a count or the book changes.
func TestProtectedTableKeptWhileUnchanged(t *testing.T) {
	v := NewStatsView(nil, 5, nil)
	book := &publicNameBook{pc: testCatalog}
	ct := Contribution{}
	cell := StatsCell{Month: "2026-11", Unit: "u1", Area: "c1", Kind: KindComplaint, Category: "x", Channel: ChannelWeb}
	ct.add(cell, MeasureReceived, 7)
	ct.add(StatsCell{Month: "2026-10", Unit: "u1", Area: "c1", Kind: KindComplaint, Category: "x", Channel: ChannelWeb}, MeasureReceived, 2)
	same := func(a, b publicTable) bool {
		return reflect.ValueOf(a.state).Pointer() == reflect.ValueOf(b.state).Pointer()
	}
	first := v.protectedTable(ct, "2026-11", book)
	if !same(first, v.protectedTable(ct, "2026-11", book)) {
		t.Fatal("an unchanged month was protected again")
	}
	if other := v.protectedTable(ct, "2026-10", book); same(first, other) || other.vals[allReports][MeasureReceived] != 2 {
		t.Fatalf("another month: %v", other.vals[allReports])
	}
	ct.add(cell, MeasureReceived, 1)
	again := v.protectedTable(ct, "2026-11", book)
	if same(first, again) || again.vals[allReports][MeasureReceived] != 8 {
		t.Fatalf("after a count changed: %v", again.vals[allReports])
	}
	if same(again, v.protectedTable(ct, "2026-11", &publicNameBook{pc: testCatalog})) {
		t.Fatal("a new name book kept the old table")
	}
}
