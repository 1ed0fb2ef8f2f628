package services

import (
	"bytes"
	"encoding/csv"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Open data: the public figures as CSV (docs/open-data.md describes the
// fields and the licence). A count not published is written as "<k" when
// it counts fewer than k reports and as "withheld" otherwise; a rate or
// median not published is empty.

// publicOutcomes are the outcome columns every file has, others following
// when they appear.
var publicOutcomes = []string{OutcomeSubstantiated, OutcomePartly, OutcomeUnsubstantiated}

// PublicStatsFileName names a download of ans.
func PublicStatsFileName(ans PublicStatsAnswer) string {
	name := "minhbach-stats-" + ans.From + "-" + ans.To
	if ans.Slice.Dim != "" {
		name += "-" + ans.Slice.Dim + "-" + ans.Slice.Key
	}
	return name + ".csv"
}

// PublicStatsCSV writes ans as CSV: a line per slice when it lists
// slices, else a line per month when monthly, then a line for the whole
// range.
func PublicStatsCSV(ans PublicStatsAnswer) []byte {
	outcomes := slices.Clone(publicOutcomes)
	all := []PublicFigures{ans.Total}
	for _, r := range ans.Rows {
		all = append(all, r.PublicFigures)
	}
	for _, g := range ans.Groups {
		all = append(all, g.PublicFigures)
	}
	extra := map[string]bool{}
	for _, f := range all {
		for o := range f.ByOutcome {
			if !slices.Contains(outcomes, o) {
				extra[o] = true
			}
		}
	}
	outcomes = append(outcomes, slices.Sorted(maps.Keys(extra))...)

	head := []string{"from", "to", "month", "dim", "key", "name_vi", "name_en", "received", "appeals", "accepted", "rejected",
		"transferred", "withdrawn", "concluded"}
	for _, o := range outcomes {
		head = append(head, "concluded_"+o)
	}
	head = append(head, "on_time", "late", "on_time_rate", "median_days", "p90_days", "rated", "satisfied", "satisfied_rate",
		"appealed", "extended", "rec_filed", "rec_answered", "rec_on_time", "rec_on_time_rate", "open_now", "overdue_now")
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(head)
	line := func(month string, s PublicSlice, f PublicFigures) {
		count := func(name string, v *int64) string {
			switch {
			case v != nil:
				return strconv.FormatInt(*v, 10)
			case f.Withheld[name] == WithheldFewer:
				return "<" + strconv.FormatInt(ans.K, 10)
			default:
				return "withheld"
			}
		}
		rate := func(v *float64) string {
			if v == nil {
				return ""
			}
			return strconv.FormatFloat(*v, 'f', 4, 64)
		}
		days := func(v *int) string {
			if v == nil {
				return ""
			}
			return strconv.Itoa(*v)
		}
		rec := []string{ans.From, ans.To, month, s.Dim, csvText(s.Key), csvText(s.Name.VI), csvText(s.Name.EN),
			count("received", f.Received), count("appeals", f.Appeals), count("accepted", f.Accepted),
			count("rejected", f.Rejected), count("transferred", f.Transferred), count("withdrawn", f.Withdrawn),
			count("concluded", f.Concluded)}
		for _, o := range outcomes {
			v, ok := f.ByOutcome[o]
			if !ok {
				if _, hidden := f.Withheld["byOutcome."+o]; !hidden {
					zero := int64(0)
					v = &zero
				}
			}
			rec = append(rec, count("byOutcome."+o, v))
		}
		rec = append(rec, count("onTime", f.OnTime), count("late", f.Late), rate(f.OnTimeRate), days(f.MedianDays),
			days(f.P90Days), count("rated", f.Rated), count("satisfied", f.Satisfied), rate(f.SatisfiedRate),
			count("appealed", f.Appealed), count("extended", f.Extended), count("recFiled", f.RecFiled),
			count("recAnswered", f.RecAnswered), count("recOnTime", f.RecOnTime), rate(f.RecOnTimeRate),
			count("open", f.Open), count("overdue", f.Overdue))
		_ = w.Write(rec)
	}
	switch {
	case len(ans.Groups) > 0:
		for _, g := range ans.Groups {
			line("", g.PublicSlice, g.PublicFigures)
		}
	case len(ans.Rows) > 0:
		for _, r := range ans.Rows {
			line(r.Month, ans.Slice, r.PublicFigures)
		}
	}
	line("", ans.Slice, ans.Total)
	w.Flush()
	return buf.Bytes()
}

// csvText keeps a spreadsheet from reading a name as a formula.
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
