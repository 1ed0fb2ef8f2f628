package periodreport

import (
	"fmt"
	"maps"
	"slices"

	"github.com/xuri/excelize/v2"

	"minhbach/services"
)

// Sheet names (at most 31 characters, as Excel allows).
const (
	SheetSummary   = "Tổng hợp"
	SheetKind      = "Theo loại đơn"
	SheetChannel   = "Theo kênh"
	SheetCategory  = "Theo lĩnh vực"
	SheetProvince  = "Theo tỉnh"
	SheetCommune   = "Theo xã, phường"
	SheetOffice    = "Theo cơ quan"
	SheetProcedure = "Theo thủ tục"
	SheetHotspots  = "Điểm nóng"
	SheetActions   = "Biện pháp xử lý"
)

// breakdownSheets names the sheet of each breakdown.
var breakdownSheets = map[string]string{"by_kind": SheetKind, "by_channel": SheetChannel, "by_category": SheetCategory,
	"by_province": SheetProvince, "by_commune": SheetCommune, "by_office": SheetOffice, "by_procedure": SheetProcedure}

// XLSX writes r as a workbook: a summary sheet (the headings, the summary
// in both languages and every figure, in column D as a number: counts as
// integers, shares as fractions shown as percentages), a sheet per
// breakdown, the hotspots and the actions.
func XLSX(r services.PeriodReport) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	w := &book{f: f}
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	pct, _ := f.NewStyle(&excelize.Style{NumFmt: 10})
	dec, _ := f.NewStyle(&excelize.Style{NumFmt: 2})
	wrap, _ := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})

	w.err = f.SetSheetName("Sheet1", SheetSummary)
	s := SheetSummary
	w.set(s, 1, 1, title.VI)
	w.set(s, 1, 2, title.EN)
	w.style(s, 1, 1, 1, 2, bold)
	w.row(s, 4, "Phạm vi / Scope", r.ScopeName.VI, r.ScopeName.EN, r.Scope.String())
	w.row(s, 5, "Kỳ báo cáo / Period", r.From, r.To, fmt.Sprintf("%d tháng / months", len(r.Months)))
	w.row(s, 6, "Lập lúc / Made at (UTC)", r.GeneratedAt.UTC().Format("2006-01-02 15:04:05"))
	w.row(s, 7, "Ghi chú / Note", wholeMonths.VI, wholeMonths.EN)
	w.row(s, 9, "Tóm tắt", Summary(r, "vi"))
	w.row(s, 10, "Summary", Summary(r, "en"))
	w.style(s, 2, 9, 2, 10, wrap)
	w.row(s, 12, "Mã / Key", "Chỉ tiêu", "Measure", "Số liệu / Value")
	w.style(s, 1, 12, 4, 12, bold)
	for i, m := range measures(r) {
		row := 13 + i
		w.row(s, row, m.key, m.vi, m.en)
		if m.v.ok {
			if m.v.n == float64(int64(m.v.n)) && !m.v.share {
				w.set(s, 4, row, int64(m.v.n))
			} else {
				w.set(s, 4, row, m.v.n)
			}
		}
		switch {
		case m.v.share:
			w.style(s, 4, row, 4, row, pct)
		case m.key == "mean_stars":
			w.style(s, 4, row, 4, row, dec)
		}
	}
	w.widths(s, map[string]float64{"A": 22, "B": 60, "C": 45, "D": 16})

	for _, bd := range breakdowns(r) {
		s := breakdownSheets[bd.key]
		w.sheet(s)
		head := []any{"Mã / Key", "Tên", "Name", "Thuộc / Parent"}
		for _, c := range rowColumns {
			head = append(head, c.vi+" / "+c.en)
		}
		w.row(s, 1, head...)
		w.style(s, 1, 1, len(head), 1, bold)
		for i, row := range bd.rows {
			vals := []any{row.Key, row.Name.VI, row.Name.EN, row.Parent}
			for _, n := range rowValues(row.Figures) {
				vals = append(vals, n)
			}
			w.row(s, 2+i, vals...)
		}
		w.widths(s, map[string]float64{"B": 34, "C": 30})
	}
	for _, nl := range nameLists(r) {
		s := breakdownSheets[nl.key]
		w.sheet(s)
		w.row(s, 1, "Tên (đã chuẩn hoá) / Name (folded)", "Tiếp nhận / Received", "Đã giải quyết / Concluded", "Có cơ sở / Substantiated")
		w.style(s, 1, 1, 4, 1, bold)
		for i, h := range nl.list {
			w.row(s, 2+i, h.Name, h.Received, h.Concluded, h.Substantiated)
		}
		if nl.cut {
			w.row(s, 3+len(nl.list), fmt.Sprintf("Chỉ %d tên được nêu nhiều nhất / The %d most reported names only", len(nl.list), len(nl.list)))
		}
		w.widths(s, map[string]float64{"A": 50})
	}
	w.sheet(SheetHotspots)
	w.row(SheetHotspots, 1, "Nơi được phản ánh nhiều (từ "+fmt.Sprint(r.HotspotMin)+" đơn) / Hotspots (at least "+fmt.Sprint(r.HotspotMin)+" reports)")
	w.row(SheetHotspots, 2, "Loại / Dimension", "Tên / Name", "Tiếp nhận / Received", "Đã giải quyết / Concluded", "Có cơ sở / Substantiated")
	w.style(SheetHotspots, 1, 1, 5, 2, bold)
	row := 3
	for _, dim := range services.HotspotDims {
		for _, h := range r.Hotspots[dim] {
			n := dimNames[dim]
			w.row(SheetHotspots, row, n.VI+" / "+n.EN, h.Name, h.Received, h.Concluded, h.Substantiated)
			row++
		}
	}
	w.widths(SheetHotspots, map[string]float64{"A": 28, "B": 50})

	s = SheetActions
	w.sheet(s)
	w.row(s, 1, "Ngày kết luận / Concluded on", "Loại đơn / Kind", "Lĩnh vực / Category", "Lần / Round", "Kết quả / Outcome", "Biện pháp xử lý / Actions taken")
	w.style(s, 1, 1, 6, 1, bold)
	for i, a := range r.Actions {
		k, c, o := kindName(a.Kind), categoryName(r, a.Category), outcomeName(a.Result)
		w.row(s, 2+i, a.ConcludedAt.In(services.VietnamTime).Format("2006-01-02"), k.VI, c.VI, a.Round, o.VI, a.Actions)
	}
	if r.ActionsCut {
		w.row(s, 3+len(r.Actions), actionsNote(r, "vi"), actionsNote(r, "en"))
	}
	w.widths(s, map[string]float64{"A": 16, "B": 20, "C": 26, "E": 22, "F": 80})
	if w.err != nil {
		return nil, w.err
	}
	created := r.GeneratedAt.UTC().Format("2006-01-02T15:04:05Z")
	if err := f.SetDocProps(&excelize.DocProperties{Title: title.VI, Subject: title.EN, Creator: "Minh Bạch", Created: created,
		Modified: created, Language: "vi-VN"}); err != nil {
		return nil, err
	}
	f.SetActiveSheet(0)
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// book writes cells, keeping the first error.
type book struct {
	f   *excelize.File
	err error
}

func (b *book) sheet(name string) {
	if b.err == nil {
		_, b.err = b.f.NewSheet(name)
	}
}

func (b *book) set(sheet string, col, row int, v any) {
	if b.err != nil {
		return
	}
	cell, err := excelize.CoordinatesToCellName(col, row)
	if err == nil {
		err = b.f.SetCellValue(sheet, cell, v)
	}
	b.err = err
}

func (b *book) row(sheet string, row int, vals ...any) {
	for i, v := range vals {
		b.set(sheet, i+1, row, v)
	}
}

func (b *book) style(sheet string, c1, r1, c2, r2, style int) {
	if b.err != nil {
		return
	}
	from, err := excelize.CoordinatesToCellName(c1, r1)
	if err != nil {
		b.err = err
		return
	}
	to, err := excelize.CoordinatesToCellName(c2, r2)
	if err != nil {
		b.err = err
		return
	}
	b.err = b.f.SetCellStyle(sheet, from, to, style)
}

// widths sets column widths, in the columns' order (the same bytes every
// time).
func (b *book) widths(sheet string, w map[string]float64) {
	for _, col := range slices.Sorted(maps.Keys(w)) {
		if b.err == nil {
			b.err = b.f.SetColWidth(sheet, col, col, w[col])
		}
	}
}
