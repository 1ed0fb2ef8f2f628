package services

import (
	"math/bits"
	"slices"
)

// Small-cell protection of the public figures (docs/statistics.md,
// "Public figures"). A table of counts is a set of figures and of the
// relations the public can use to subtract: a parent equals the sum of its
// children (a province and its communes, all reports and their kinds,
// concluded and its outcomes). A figure counting 1 to k−1 reports is not
// published: it shows "fewer than k". Then every figure the public could
// work out exactly from what is published, subtraction included, must not
// be such a small count: where one could be, more figures are withheld.

// cellState is what the public sees of a figure.
type cellState uint8

const (
	// statePublished shows the count.
	statePublished cellState = iota
	// stateFewer shows "fewer than k": the public knows 1 ≤ n ≤ k−1.
	stateFewer
	// stateWithheld shows "withheld": the public knows only n ≥ 1 (a zero
	// is always published, since it counts nobody).
	stateWithheld
	// stateImplicit is never published (the public can only work it out
	// from others, as late = concluded − on time): n ≥ 0.
	stateImplicit
)

// unbounded stands for no upper bound.
const unbounded = int64(1) << 62

// protector decides the state of each figure of one table.
type protector struct {
	k     int64
	vals  []int64
	state []cellState
	rels  []protectRelation
	// inRels lists the relations each figure takes part in.
	inRels [][]int
}

// protectRelation says parent = Σ children.
type protectRelation struct {
	parent   int
	children []int
}

func newProtector(k int64) *protector { return &protector{k: k} }

// figure adds a published figure of n reports and returns its index;
// implicit marks one that is never published.
func (p *protector) figure(n int64, implicit bool) int {
	st := statePublished
	switch {
	case implicit:
		st = stateImplicit
	case n >= 1 && n < p.k:
		st = stateFewer
	}
	p.vals = append(p.vals, n)
	p.state = append(p.state, st)
	p.inRels = append(p.inRels, nil)
	return len(p.vals) - 1
}

// relate records parent = Σ children (the caller's figures must add up).
func (p *protector) relate(parent int, children ...int) {
	if len(children) == 0 {
		return
	}
	r := len(p.rels)
	p.rels = append(p.rels, protectRelation{parent: parent, children: children})
	p.inRels[parent] = append(p.inRels[parent], r)
	for _, c := range children {
		p.inRels[c] = append(p.inRels[c], r)
	}
}

// sensitive reports whether figure i counts a few reports and is not
// published: the public must never be able to work it out.
func (p *protector) sensitive(i int) bool {
	return p.state[i] != statePublished && p.vals[i] >= 1 && p.vals[i] < p.k
}

// bounds are what the public can know of each figure: its label's bounds,
// narrowed through the relations until nothing changes (the subtraction
// of published figures, and of bounds, an attacker can do by hand).
func (p *protector) bounds() (lo, hi []int64) {
	n := len(p.vals)
	lo, hi = make([]int64, n), make([]int64, n)
	for i, v := range p.vals {
		switch p.state[i] {
		case statePublished:
			lo[i], hi[i] = v, v
		case stateFewer:
			lo[i], hi[i] = 1, p.k-1
		case stateWithheld:
			lo[i], hi[i] = 1, unbounded
		case stateImplicit:
			lo[i], hi[i] = 0, unbounded
		}
	}
	for pass := 0; pass < 64; pass++ {
		changed := false
		narrow := func(i int, l, h int64) {
			if l > lo[i] {
				lo[i], changed = l, true
			}
			if h < hi[i] {
				hi[i], changed = h, true
			}
		}
		for _, r := range p.rels {
			var sumLo, sumHi int64
			open := 0 // children without an upper bound
			for _, c := range r.children {
				sumLo += lo[c]
				if hi[c] >= unbounded {
					open++
				} else {
					sumHi += hi[c]
				}
			}
			ph := unbounded
			if open == 0 {
				ph = sumHi
			}
			narrow(r.parent, sumLo, ph)
			for _, c := range r.children {
				l := int64(0)
				othersOpen := open
				othersHi := sumHi
				if hi[c] >= unbounded {
					othersOpen--
				} else {
					othersHi -= hi[c]
				}
				if othersOpen == 0 {
					l = lo[r.parent] - othersHi
				}
				h := unbounded
				if hi[r.parent] < unbounded {
					h = hi[r.parent] - (sumLo - lo[c])
				}
				narrow(c, l, h)
			}
		}
		if !changed {
			break
		}
	}
	return lo, hi
}

// run withholds figures until no small count can be worked out. Each
// round finds the figures the public could pin down and, for each,
// withholds one more figure near it: in the nearest relation that still
// shows something, the smallest published non-zero child is withheld, or
// else a "fewer than k" label becomes "withheld", or else the published
// parent is withheld. Figures only ever lose information, so the rounds
// end.
func (p *protector) run() {
	for {
		lo, hi := p.bounds()
		touched := map[int]bool{} // figures near a change of this round
		acted := false
		for i := range p.vals {
			if !p.sensitive(i) || lo[i] < hi[i] {
				continue
			}
			if p.withholdNear(i, touched) {
				acted = true
			}
		}
		if acted {
			continue
		}
		// Nothing one relation at a time: then combinations of several.
		for _, i := range p.linearlyPinned() {
			if p.withholdNear(i, touched) {
				acted = true
			}
		}
		if !acted {
			return
		}
	}
}

// withholdNear withholds one more figure in the relations nearest to
// figure i (breadth first through withheld figures), unless a figure of
// them is next to one changed this round. It reports whether it changed anything.
func (p *protector) withholdNear(i int, touched map[int]bool) bool {
	seenRel := map[int]bool{}
	seenFig := map[int]bool{i: true}
	level := []int{i}
	for len(level) > 0 {
		var rels []int
		for _, f := range level {
			for _, r := range p.inRels[f] {
				if !seenRel[r] {
					seenRel[r] = true
					rels = append(rels, r)
				}
			}
		}
		slices.Sort(rels)
		for _, r := range rels {
			for _, f := range p.members(r) {
				if touched[f] {
					return false // the next round sees that change
				}
			}
		}
		// First a published child (the smallest), then a label, then a
		// published parent, in these relations.
		child, relabel, parent := -1, -1, -1
		for _, r := range rels {
			rel := p.rels[r]
			for _, f := range rel.children {
				switch {
				case p.state[f] == statePublished && p.vals[f] > 0 && (child < 0 || p.vals[f] < p.vals[child]):
					child = f
				case p.state[f] == stateFewer && relabel < 0:
					relabel = f
				}
			}
			if f := rel.parent; p.state[f] == statePublished && p.vals[f] > 0 && parent < 0 {
				parent = f
			} else if p.state[f] == stateFewer && relabel < 0 {
				relabel = f
			}
		}
		pick := child
		if pick < 0 {
			pick = relabel
		}
		if pick < 0 {
			pick = parent
		}
		if pick >= 0 {
			p.state[pick] = stateWithheld
			for _, r := range p.inRels[pick] {
				for _, f := range p.members(r) {
					touched[f] = true
				}
			}
			return true
		}
		var next []int
		for _, r := range rels {
			for _, f := range p.members(r) {
				if !seenFig[f] {
					seenFig[f] = true
					next = append(next, f)
				}
			}
		}
		level = next
	}
	return false
}

// members are the figures of relation r, children first.
func (p *protector) members(r int) []int {
	rel := p.rels[r]
	return append(slices.Clone(rel.children), rel.parent)
}

// linearPrime is the modulus of linearlyPinned's arithmetic (2^61 − 1).
// The relations' coefficients are 0 and ±1; a combination that pins a
// figure over the rationals pins it modulo this prime too unless the
// prime divides one of its denominators, a minor of the relations — a
// chance of the order of 2^−61 per figure.
const linearPrime = uint64(1)<<61 - 1

func mulMod(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	_, rem := bits.Div64(hi, lo, linearPrime)
	return rem
}

func invMod(a uint64) uint64 {
	r, e := uint64(1), linearPrime-2
	for ; e > 0; e >>= 1 {
		if e&1 == 1 {
			r = mulMod(r, a)
		}
		a = mulMod(a, a)
	}
	return r
}

// linearlyPinned lists the sensitive figures the public can work out as a
// linear combination of published figures through several relations at
// once — the sums and differences across slices and measures that
// narrowing one relation at a time (bounds) does not find, as in a table
// whose hidden cells are joined by a single cell between two groups. The
// unknowns are the figures not published; each relation is an equation
// over them (the published members are constants). A figure is pinned
// when its unit vector lies in the span of the equations: in reduced row
// echelon form, its column is a pivot whose row has nothing else.
// Equations are solved per group of unknowns joined by relations.
func (p *protector) linearlyPinned() []int {
	col := make([]int, len(p.vals)) // figure → unknown's column, or −1
	var unknowns []int
	for i, st := range p.state {
		col[i] = -1
		if st != statePublished {
			col[i] = len(unknowns)
			unknowns = append(unknowns, i)
		}
	}
	// Group the unknowns joined by relations (union–find).
	parent := make([]int, len(unknowns))
	for i := range parent {
		parent[i] = i
	}
	find := func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	relCols := make([][]int, len(p.rels)) // the unknowns of each relation
	for r, rel := range p.rels {
		for _, f := range append([]int{rel.parent}, rel.children...) {
			if c := col[f]; c >= 0 {
				relCols[r] = append(relCols[r], c)
			}
		}
		for _, c := range relCols[r][min(1, len(relCols[r])):] {
			parent[find(c)] = find(relCols[r][0])
		}
	}
	groups := map[int][]int{} // root → relations
	sensitive := map[int]bool{}
	for r, cs := range relCols {
		if len(cs) > 0 {
			groups[find(cs[0])] = append(groups[find(cs[0])], r)
		}
	}
	for _, f := range unknowns {
		if p.sensitive(f) {
			sensitive[find(col[f])] = true
		}
	}
	var pinned []int
	for root, rels := range groups {
		if !sensitive[root] {
			continue
		}
		// The group's unknowns, numbered locally.
		local := map[int]int{}
		var figs []int
		for _, r := range rels {
			for _, c := range relCols[r] {
				if _, ok := local[c]; !ok {
					local[c] = len(figs)
					figs = append(figs, unknowns[c])
				}
			}
		}
		rows := make([][]uint64, 0, len(rels))
		for _, r := range rels {
			row := make([]uint64, len(figs))
			rel := p.rels[r]
			if c := col[rel.parent]; c >= 0 {
				row[local[c]] = 1
			}
			for _, f := range rel.children {
				if c := col[f]; c >= 0 {
					row[local[c]] = (row[local[c]] + linearPrime - 1) % linearPrime
				}
			}
			rows = append(rows, row)
		}
		// Reduced row echelon form.
		rank := 0
		pivotRow := make([]int, len(figs))
		for c := range figs {
			pivotRow[c] = -1
			sel := -1
			for r := rank; r < len(rows); r++ {
				if rows[r][c] != 0 {
					sel = r
					break
				}
			}
			if sel < 0 {
				continue
			}
			rows[rank], rows[sel] = rows[sel], rows[rank]
			pr := rows[rank]
			if inv := invMod(pr[c]); inv != 1 {
				for j := c; j < len(pr); j++ {
					if pr[j] != 0 {
						pr[j] = mulMod(pr[j], inv)
					}
				}
			}
			for r := range rows {
				if f := rows[r][c]; r != rank && f != 0 {
					row := rows[r]
					for j := c; j < len(row); j++ {
						if pr[j] != 0 {
							row[j] = (row[j] + linearPrime - mulMod(f, pr[j])) % linearPrime
						}
					}
				}
			}
			pivotRow[c] = rank
			rank++
		}
		for c, f := range figs {
			if r := pivotRow[c]; r >= 0 && p.sensitive(f) {
				alone := true
				for j, v := range rows[r] {
					if j != c && v != 0 {
						alone = false
						break
					}
				}
				if alone {
					pinned = append(pinned, f)
				}
			}
		}
	}
	slices.Sort(pinned)
	return pinned
}
