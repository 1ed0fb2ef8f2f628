package services

import (
	"slices"
	"strconv"
	"strings"
)

// Figures are the statistics of a set of cells (docs/statistics.md,
// "Figures"): counts, and what is read from them (rates, the median and
// 90th percentile of the days to resolve, the mean rating). A rate or a
// percentile is nil when nothing counts towards it.
type Figures struct {
	Received    int64            `json:"received"`
	Accepted    int64            `json:"accepted"`
	Rejected    int64            `json:"rejected"`
	Transferred int64            `json:"transferred"`
	Withdrawn   int64            `json:"withdrawn"`
	Concluded   int64            `json:"concluded"`
	ByOutcome   map[string]int64 `json:"byOutcome"`
	OnTime      int64            `json:"onTime"`
	Late        int64            `json:"late"`
	OnTimeRate  *float64         `json:"onTimeRate"`
	MedianDays  *int             `json:"medianDays"`
	P90Days     *int             `json:"p90Days"`
	Rated       int64            `json:"rated"`
	MeanStars   *float64         `json:"meanStars"`
	// Satisfied counts the ratings of 4 or 5 stars.
	Satisfied int64 `json:"satisfied"`
	Appealed  int64 `json:"appealed"` // appeals made against these reports
	Appeals   int64 `json:"appeals"`  // second-round reports received
	// AppealsByOutcome are the second-round reports concluded, by outcome.
	AppealsByOutcome map[string]int64 `json:"appealsByOutcome"`
	Extended         int64            `json:"extended"`
	RecFiled         int64            `json:"recFiled"`
	RecAnswered      int64            `json:"recAnswered"`
	RecOnTime        int64            `json:"recOnTime"`
	// Open and Overdue are true now (the "now" cells), whatever the months.
	Open    int64 `json:"open"`
	Overdue int64 `json:"overdue"`
}

// SumFigures sums the base cells of cells that keep accepts (the "now"
// cells included, for Open and Overdue; the office and procedure
// breakdowns left out, since they count the same reports again) into
// figures.
func SumFigures(cells Contribution, keep func(StatsCell) bool) Figures {
	f := Figures{ByOutcome: map[string]int64{}, AppealsByOutcome: map[string]int64{}}
	days := map[int]int64{}
	var stars int64
	// sums names the field each summed measure adds to.
	sums := map[string]*int64{MeasureReceived: &f.Received, MeasureAccepted: &f.Accepted, MeasureRejected: &f.Rejected,
		MeasureTransferred: &f.Transferred, MeasureWithdrawn: &f.Withdrawn, MeasureConcluded: &f.Concluded, MeasureOnTime: &f.OnTime,
		MeasureLate: &f.Late, MeasureRated: &f.Rated, MeasureStars: &stars, MeasureAppealed: &f.Appealed, MeasureAppeals: &f.Appeals,
		MeasureExtended: &f.Extended, MeasureRecFiled: &f.RecFiled, MeasureRecAnswered: &f.RecAnswered, MeasureRecOnTime: &f.RecOnTime}
	for cell, m := range cells {
		if cell.Dim != "" || !keep(cell) {
			continue
		}
		if cell.Month == NowMonth {
			f.Open += m[MeasureOpen]
			f.Overdue += m[MeasureOverdue]
			continue
		}
		f.Satisfied += m[MeasureStarsPrefix+"4"] + m[MeasureStarsPrefix+"5"]
		for k, n := range m {
			switch {
			case strings.HasPrefix(k, MeasureConcludedPrefix):
				f.ByOutcome[strings.TrimPrefix(k, MeasureConcludedPrefix)] += n
			case strings.HasPrefix(k, MeasureAppealConcludedPrefix):
				f.AppealsByOutcome[strings.TrimPrefix(k, MeasureAppealConcludedPrefix)] += n
			case strings.HasPrefix(k, MeasureDaysPrefix):
				if d, err := strconv.Atoi(strings.TrimPrefix(k, MeasureDaysPrefix)); err == nil {
					days[d] += n
				}
			}
		}
		for k, p := range sums {
			*p += m[k]
		}
	}
	if t := f.OnTime + f.Late; t > 0 {
		r := float64(f.OnTime) / float64(t)
		f.OnTimeRate = &r
	}
	if f.Rated > 0 {
		r := float64(stars) / float64(f.Rated)
		f.MeanStars = &r
	}
	f.MedianDays, f.P90Days = nearestRank(days, 50), nearestRank(days, 90)
	return f
}

// nearestRank is the p-th percentile of a histogram of whole days by the
// nearest-rank method: the smallest value with at least p% of the counts
// at or below it (nil for an empty histogram).
func nearestRank(hist map[int]int64, p int64) *int {
	var total int64
	keys := make([]int, 0, len(hist))
	for d, n := range hist {
		if n > 0 {
			keys = append(keys, d)
			total += n
		}
	}
	if total == 0 {
		return nil
	}
	slices.Sort(keys)
	rank := (p*total + 99) / 100 // ⌈p·total/100⌉
	var seen int64
	for _, d := range keys {
		if seen += hist[d]; seen >= rank {
			return &d
		}
	}
	return &keys[len(keys)-1]
}
