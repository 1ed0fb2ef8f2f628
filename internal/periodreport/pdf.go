package periodreport

import (
	"bytes"
	"fmt"
	"strings"

	"codeberg.org/go-pdf/fpdf"

	"minhbach/internal/proof"
	"minhbach/services"
)

// Page geometry (A4 portrait, mm).
const (
	pageMargin   = 12.0
	pageWidth    = 210.0
	contentWidth = pageWidth - 2*pageMargin
	lineHeight   = 5.0
)

// PDF writes r as an A4 document in Vietnamese, with English where it
// helps: the heading, scope and period, the summary in both languages, the
// table of figures, the breakdowns, the offices and procedures, the
// hotspots and the actions. It draws with DejaVu Sans (internal/proof's
// embedded fonts), so every Vietnamese letter shows. The same report gives
// the same bytes.
func PDF(r services.PeriodReport) ([]byte, error) {
	doc := fpdf.New("P", "mm", "A4", "")
	doc.SetCatalogSort(true)
	doc.SetCreationDate(r.GeneratedAt)
	doc.SetModificationDate(r.GeneratedAt)
	doc.SetTitle(title.VI, true)
	doc.SetSubject(title.EN, true)
	doc.SetAuthor("Minh Bạch", true)
	doc.SetCreator("Minh Bạch", true)
	doc.SetProducer("Minh Bạch", true)
	doc.SetLang("vi")
	doc.AliasNbPages("")
	proof.AddFonts(doc)
	doc.SetMargins(pageMargin, pageMargin, pageMargin)
	doc.SetAutoPageBreak(true, 15)
	p := &pdfPage{doc: doc}
	doc.SetFooterFunc(func() {
		doc.SetY(-11)
		p.font(false, 7)
		doc.CellFormat(contentWidth/2, 4, "Minh Bạch · "+r.ScopeName.VI+" · "+r.From+" – "+r.To, "", 0, "L", false, 0, "")
		doc.CellFormat(contentWidth/2, 4, fmt.Sprintf("Trang %d/{nb}", doc.PageNo()), "", 0, "R", false, 0, "")
	})
	doc.AddPage()

	p.font(true, 12)
	doc.MultiCell(contentWidth, 6, title.VI, "", "C", false)
	p.font(false, 10)
	doc.MultiCell(contentWidth, 5, title.EN, "", "C", false)
	doc.Ln(2)
	p.font(false, 9)
	p.pair("Đơn vị / Scope:", r.ScopeName.VI+" ("+r.ScopeName.EN+")")
	p.pair("Kỳ báo cáo / Period:", "Từ "+monthWords(r.From, "vi")+" đến "+monthWords(r.To, "vi")+" ("+monthWords(r.From, "en")+" – "+monthWords(r.To, "en")+")")
	p.pair("Lập lúc / Made at:", r.GeneratedAt.In(services.VietnamTime).Format("02/01/2006 15:04")+" (giờ Việt Nam)")
	p.font(false, 8)
	doc.MultiCell(contentWidth, 4, wholeMonths.VI+" "+wholeMonths.EN, "", "L", false)

	p.heading("Tóm tắt", "Summary")
	p.font(false, 9.5)
	doc.MultiCell(contentWidth, lineHeight, Summary(r, "vi"), "", "J", false)
	doc.Ln(1.5)
	p.font(false, 8.5)
	doc.SetTextColor(70, 70, 70)
	doc.MultiCell(contentWidth, 4.4, Summary(r, "en"), "", "J", false)
	doc.SetTextColor(0, 0, 0)

	p.heading("1. Số liệu tổng hợp", "Summary figures")
	p.font(false, 8.5)
	for i, m := range measures(r) {
		fill := i%2 == 0
		doc.SetFillColor(242, 242, 242)
		doc.CellFormat(100, 5, m.vi, "", 0, "L", fill, 0, "")
		p.font(false, 7.5)
		doc.SetTextColor(90, 90, 90)
		doc.CellFormat(56, 5, m.en, "", 0, "L", fill, 0, "")
		doc.SetTextColor(0, 0, 0)
		p.font(true, 8.5)
		doc.CellFormat(contentWidth-156, 5, m.v.words("vi"), "", 1, "R", fill, 0, "")
		p.font(false, 8.5)
	}

	legend := make([]string, len(rowColumns))
	for i, c := range rowColumns {
		legend[i] = c.vi + " = " + c.en
	}
	for i, bd := range breakdowns(r) {
		p.heading(fmt.Sprintf("%d. %s", i+2, bd.vi), bd.en)
		p.rowsTable(bd.rows)
		if i == 0 {
			p.font(false, 6.5)
			doc.SetTextColor(90, 90, 90)
			doc.MultiCell(contentWidth, 3.2, strings.Join(legend, "; "), "", "L", false)
			doc.SetTextColor(0, 0, 0)
		}
	}
	n := len(breakdowns(r)) + 2
	for _, nl := range nameLists(r) {
		p.heading(fmt.Sprintf("%d. %s", n, nl.vi), nl.en)
		n++
		p.namesTable(nl.list)
		if nl.cut {
			p.note(fmt.Sprintf("Chỉ %d tên được nêu nhiều nhất. / The %d most reported names only.", len(nl.list), len(nl.list)))
		}
	}
	p.heading(fmt.Sprintf("%d. Nơi được phản ánh nhiều (từ %d đơn)", n, r.HotspotMin), fmt.Sprintf("Hotspots (at least %d reports)", r.HotspotMin))
	n++
	for _, dim := range services.HotspotDims {
		if doc.GetY() > 260 {
			doc.AddPage()
		}
		p.font(true, 8.5)
		dn := dimNames[dim]
		doc.CellFormat(contentWidth, 5.5, dn.VI+" / "+dn.EN, "", 1, "L", false, 0, "")
		p.namesTable(r.Hotspots[dim])
	}

	p.heading(fmt.Sprintf("%d. Các biện pháp xử lý theo kết luận", n), "Actions taken on the conclusions")
	if len(r.Actions) == 0 {
		p.note("Không có kết luận nào trong kỳ. / No conclusion in the period.")
	}
	for _, a := range r.Actions {
		k, c, o := kindName(a.Kind), categoryName(r, a.Category), outcomeName(a.Result)
		p.font(true, 8.5)
		doc.MultiCell(contentWidth, 4.6, strings.Join([]string{vnDate(a.ConcludedAt), k.VI, c.VI, roundName(a.Round, "vi"), o.VI}, " · "), "", "L", false)
		p.font(false, 8.5)
		doc.SetX(pageMargin + 4)
		doc.MultiCell(contentWidth-4, 4.4, a.Actions, "", "L", false)
		doc.Ln(1)
	}
	if r.ActionsCut {
		p.note(actionsNote(r, "vi") + " " + actionsNote(r, "en"))
	}
	var b bytes.Buffer
	if err := doc.Output(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// pdfPage draws the report's parts.
type pdfPage struct{ doc *fpdf.Fpdf }

func (p *pdfPage) font(bold bool, size float64) {
	style := ""
	if bold {
		style = "B"
	}
	p.doc.SetFont(proof.FontFamily, style, size)
}

// heading starts a section: the Vietnamese heading, the English after it.
func (p *pdfPage) heading(vi, en string) {
	d := p.doc
	if d.GetY() > 255 {
		d.AddPage()
	}
	d.Ln(3)
	p.font(true, 10.5)
	d.CellFormat(d.GetStringWidth(vi)+2, 6.5, vi, "", 0, "L", false, 0, "")
	p.font(false, 8.5)
	d.SetTextColor(90, 90, 90)
	d.CellFormat(0, 6.5, "("+en+")", "", 1, "L", false, 0, "")
	d.SetTextColor(0, 0, 0)
	d.SetDrawColor(160, 160, 160)
	d.Line(pageMargin, d.GetY(), pageWidth-pageMargin, d.GetY())
	d.Ln(1)
}

func (p *pdfPage) pair(label, v string) {
	p.font(true, 9)
	p.doc.CellFormat(42, 5, label, "", 0, "L", false, 0, "")
	p.font(false, 9)
	p.doc.MultiCell(contentWidth-42, 5, v, "", "L", false)
}

func (p *pdfPage) note(s string) {
	p.font(false, 7.5)
	p.doc.SetTextColor(90, 90, 90)
	p.doc.MultiCell(contentWidth, 4, s, "", "L", false)
	p.doc.SetTextColor(0, 0, 0)
}

// fit shortens s to width w (mm) in the current font.
func (p *pdfPage) fit(s string, w float64) string {
	if p.doc.GetStringWidth(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 1 && p.doc.GetStringWidth(string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// rowsTable draws a breakdown: the name and the figures of rowColumns.
func (p *pdfPage) rowsTable(rows []services.PeriodRow) {
	d := p.doc
	const nameW = 46.0
	colW := (contentWidth - nameW) / float64(len(rowColumns))
	widths, labels := []float64{nameW}, []string{"Tên"}
	for _, c := range rowColumns {
		widths, labels = append(widths, colW), append(labels, c.vi)
	}
	p.header(widths, labels)
	p.font(false, 7.5)
	if len(rows) == 0 {
		d.CellFormat(contentWidth, 5, "Không có số liệu / No figures", "1", 1, "L", false, 0, "")
	}
	for _, row := range rows {
		d.CellFormat(nameW, 5, p.fit(row.Name.VI, nameW-1.5), "1", 0, "L", false, 0, "")
		for _, n := range rowValues(row.Figures) {
			d.CellFormat(colW, 5, thousands(n, "vi"), "1", 0, "R", false, 0, "")
		}
		d.Ln(-1)
	}
}

// namesTable draws folded names with what was reported about them.
func (p *pdfPage) namesTable(list []services.Hotspot) {
	d := p.doc
	const numW = 30.0
	nameW := contentWidth - 3*numW
	p.header([]float64{nameW, numW, numW, numW},
		[]string{"Tên (đã chuẩn hoá) / Name (folded)", "Tiếp nhận / Received", "Đã giải quyết / Concluded", "Có cơ sở / Substantiated"})
	p.font(false, 7.5)
	if len(list) == 0 {
		d.CellFormat(contentWidth, 5, "Không có / None", "1", 1, "L", false, 0, "")
	}
	for _, h := range list {
		d.CellFormat(nameW, 5, p.fit(h.Name, nameW-1.5), "1", 0, "L", false, 0, "")
		for _, n := range []int64{h.Received, h.Concluded, h.Substantiated} {
			d.CellFormat(numW, 5, thousands(n, "vi"), "1", 0, "R", false, 0, "")
		}
		d.Ln(-1)
	}
}

// header draws a table's header row: each label wrapped within its column
// (at most three lines), on a grey ground.
func (p *pdfPage) header(widths []float64, labels []string) {
	d := p.doc
	const lh, h = 3.1, 10.0
	if d.GetY()+h+5 > 282 {
		d.AddPage()
	}
	p.font(true, 6.5)
	d.SetFillColor(225, 225, 225)
	x, y := d.GetX(), d.GetY()
	for i, w := range widths {
		d.Rect(x, y, w, h, "FD")
		lines := d.SplitText(labels[i], w-1.5)
		if len(lines) > 3 {
			lines = append(lines[:2], p.fit(strings.Join(lines[2:], " "), w-1.5))
		}
		top := y + (h-lh*float64(len(lines)))/2
		for j, l := range lines {
			d.SetXY(x+0.75, top+lh*float64(j))
			align := "C"
			if i == 0 {
				align = "L"
			}
			d.CellFormat(w-1.5, lh, l, "", 0, align, false, 0, "")
		}
		x += w
	}
	d.SetXY(pageMargin, y+h)
}
