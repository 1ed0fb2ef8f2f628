package services

import (
	"cmp"
	"context"
	"slices"
)

// Hotspots: where the reported harassment concentrates, for staff within
// their scope only (docs/statistics.md, "Hotspots"). They read the office,
// counter, procedure and official cells the counters keep beside the base
// cells, whose names are folded (FoldName) so that spellings of one name
// group together. Nothing here is ever public.

// StatsDimStore reads the breakdown cells of one dimension.
type StatsDimStore interface {
	// FindStatsDims reads the cells of dim over months, of the unit and
	// the committee when given.
	FindStatsDims(ctx context.Context, months []string, unit, front, dim string) (Contribution, error)
}

// HotspotDims are the dimensions of the hotspots, in the order shown.
var HotspotDims = []string{StatsDimOffice, StatsDimCounter, StatsDimProcedure, StatsDimOfficial}

// DefaultHotspotMin is how many reports in the range make a hotspot.
const DefaultHotspotMin = 3

// maxHotspots bounds the names listed per dimension.
const maxHotspots = 100

// HotspotQuery asks for the names of each dimension with at least Min
// (1 to 1000; the API's default is DefaultHotspotMin) reports received in
// the months From to To, within a unit or committee.
type HotspotQuery struct {
	From, To    string
	Unit, Front string
	Min         int
}

// Hotspot is one folded name and what was reported about it.
type Hotspot struct {
	Name     string `json:"name"`
	Received int64  `json:"received"`
	// Concluded of them in the range, and how many of those found the
	// report substantiated (wholly or partly).
	Concluded     int64 `json:"concluded"`
	Substantiated int64 `json:"substantiated"`
}

// HotspotAnswer lists, per dimension, the names with at least Min
// reports, most reported first.
type HotspotAnswer struct {
	From  string               `json:"from"`
	To    string               `json:"to"`
	Unit  string               `json:"unit,omitempty"`
	Front string               `json:"front,omitempty"`
	Min   int                  `json:"min"`
	Dims  map[string][]Hotspot `json:"dims"`
}

// Hotspots answers the hotspots within the caller's scope (as
// StaffFigures).
func (v *StatsView) Hotspots(ctx context.Context, actor Actor, q HotspotQuery) (HotspotAnswer, error) {
	if err := staffScope(actor, &q.Unit, &q.Front); err != nil {
		return HotspotAnswer{}, err
	}
	if q.Min < 1 || q.Min > 1000 {
		return HotspotAnswer{}, &Error{Code: CodeInvalid, Reason: ReasonFieldsInvalid, Message: "min is 1 to 1000.",
			Fields: map[string]string{"min": FieldInvalid}}
	}
	sq := StatsQuery{From: q.From, To: q.To}
	months, err := v.months(&sq)
	if err != nil {
		return HotspotAnswer{}, err
	}
	ans := HotspotAnswer{From: sq.From, To: sq.To, Unit: q.Unit, Front: q.Front, Min: q.Min, Dims: map[string][]Hotspot{}}
	for _, dim := range HotspotDims {
		cells, err := v.dims.FindStatsDims(ctx, months, q.Unit, q.Front, dim)
		if err != nil {
			return HotspotAnswer{}, err
		}
		byName := map[string]*Hotspot{}
		for cell, m := range cells {
			if cell.Dim != dim || (q.Unit != "" && cell.Unit != q.Unit) || (q.Front != "" && cell.Front != q.Front) {
				continue
			}
			h := byName[cell.Value]
			if h == nil {
				h = &Hotspot{Name: cell.Value}
				byName[cell.Value] = h
			}
			h.Received += m[MeasureReceived]
			h.Concluded += m[MeasureConcluded]
			h.Substantiated += m[MeasureConcludedPrefix+OutcomeSubstantiated] + m[MeasureConcludedPrefix+OutcomePartly]
		}
		list := []Hotspot{}
		for _, h := range byName {
			if h.Received >= int64(q.Min) {
				list = append(list, *h)
			}
		}
		slices.SortFunc(list, func(a, b Hotspot) int {
			return cmp.Or(cmp.Compare(b.Received, a.Received), cmp.Compare(a.Name, b.Name))
		})
		ans.Dims[dim] = list[:min(len(list), maxHotspots)]
	}
	return ans, nil
}
