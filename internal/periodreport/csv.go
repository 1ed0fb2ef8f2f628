package periodreport

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"time"

	"minhbach/services"
)

// CSV writes r as sections (UTF-8): each line opens with its section's
// name, and each section with a header line naming its columns; a blank
// line separates the sections. Counts are integers, shares fractions of 1
// with 4 decimals; an absent figure is empty.
func CSV(r services.PeriodReport) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	section := func(header []string, rows [][]string) {
		_ = w.Write(header)
		for _, row := range rows {
			_ = w.Write(append([]string{header[0]}, row...))
		}
		w.Flush()
		b.WriteString("\n")
	}
	section([]string{"report", "scope", "scope_code", "scope_name_vi", "scope_name_en", "from", "to", "months", "generated_at", "note_vi", "note_en"},
		[][]string{{r.Scope.String(), r.ScopeCode, r.ScopeName.VI, r.ScopeName.EN, r.From, r.To, strconv.Itoa(len(r.Months)),
			r.GeneratedAt.UTC().Format(time.RFC3339), wholeMonths.VI, wholeMonths.EN}})
	section([]string{"summary_text", "lang", "text"}, [][]string{{"vi", Summary(r, "vi")}, {"en", Summary(r, "en")}})
	var rows [][]string
	for _, m := range measures(r) {
		rows = append(rows, []string{m.key, m.vi, m.en, m.v.text()})
	}
	section([]string{"figures", "measure", "label_vi", "label_en", "value"}, rows)
	for _, bd := range breakdowns(r) {
		header := []string{bd.key, "key", "name_vi", "name_en", "parent"}
		for _, c := range rowColumns {
			header = append(header, c.key)
		}
		rows = nil
		for _, row := range bd.rows {
			line := []string{row.Key, row.Name.VI, row.Name.EN, row.Parent}
			for _, n := range rowValues(row.Figures) {
				line = append(line, strconv.FormatInt(n, 10))
			}
			rows = append(rows, line)
		}
		section(header, rows)
	}
	for _, nl := range nameLists(r) {
		rows = nil
		for _, h := range nl.list {
			rows = append(rows, []string{h.Name, strconv.FormatInt(h.Received, 10), strconv.FormatInt(h.Concluded, 10), strconv.FormatInt(h.Substantiated, 10)})
		}
		section([]string{nl.key, "name", "received", "concluded", "substantiated"}, rows)
	}
	rows = nil
	for _, dim := range services.HotspotDims {
		for _, h := range r.Hotspots[dim] {
			rows = append(rows, []string{dim, h.Name, strconv.FormatInt(h.Received, 10), strconv.FormatInt(h.Concluded, 10), strconv.FormatInt(h.Substantiated, 10)})
		}
	}
	section([]string{"hotspots", "dim", "name", "received", "concluded", "substantiated"}, rows)
	rows = nil
	for _, a := range r.Actions {
		rows = append(rows, []string{a.ConcludedAt.In(services.VietnamTime).Format("2006-01-02"), string(a.Kind), a.Category,
			strconv.Itoa(a.Round), a.Result, inert(a.Actions)})
	}
	section([]string{"actions", "concluded_on", "kind", "category", "round", "outcome", "actions"}, rows)
	section([]string{"actions_listed", "count", "cut", "limit"},
		[][]string{{strconv.Itoa(len(r.Actions)), strconv.FormatBool(r.ActionsCut), strconv.Itoa(services.MaxPeriodActions)}})
	return b.Bytes()
}

// inert keeps a spreadsheet from reading free text as a formula: text
// opening with =, +, -, @ or a control character gets a leading
// apostrophe (CSV injection).
func inert(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
