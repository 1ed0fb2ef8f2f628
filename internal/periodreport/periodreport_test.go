package periodreport_test

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"minhbach/internal/pdftext"
	"minhbach/internal/periodreport"
	"minhbach/services"
)

func ptr[T any](v T) *T { return &v }

// sample is a report as services.PeriodReports builds it, with more
// actions than the list keeps and an action text that looks like a
// spreadsheet formula.
func sample() services.PeriodReport {
	r := services.PeriodReport{Scope: services.PeriodScope{Kind: services.PeriodScopeUnit, ID: "u1"}, ScopeCode: "thanh-tra-q1",
		ScopeName: services.Text{VI: "Thanh tra Quận 1", EN: "District 1 Inspectorate"}, From: "2026-01", To: "2026-06",
		Months: []string{"2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"}, GeneratedAt: time.Date(2026, 7, 1, 2, 3, 4, 0, time.UTC),
		Total: services.Figures{Received: 1234, Accepted: 1000, Rejected: 100, Transferred: 50, Withdrawn: 20, Concluded: 900,
			ByOutcome: map[string]int64{services.OutcomeSubstantiated: 300, services.OutcomePartly: 200, services.OutcomeUnsubstantiated: 400},
			OnTime:    800, Late: 100, OnTimeRate: ptr(800.0 / 900), MedianDays: ptr(21), P90Days: ptr(44), Rated: 300, MeanStars: ptr(3.9),
			Appealed: 12, Appeals: 10, AppealsByOutcome: map[string]int64{services.OutcomeUnsubstantiated: 6}, Extended: 7, RecFiled: 9,
			RecAnswered: 8, RecOnTime: 6, Open: 164, Overdue: 13, Satisfied: 200},
		SatisfiedShare: ptr(200.0 / 300), RecOnTimeShare: ptr(6.0 / 8), HotspotMin: 3,
		ByKind:    []services.PeriodRow{{Key: "complaint", Name: services.KindNames[services.KindComplaint], Figures: services.Figures{Received: 1234, Open: 164}}},
		ByCommune: []services.PeriodRow{{Key: "26743", Name: services.Text{VI: "Phường Bến Thành", EN: "Ben Thanh Ward"}, Parent: "79", Figures: services.Figures{Received: 1234}}},
		ByOffice:  []services.Hotspot{{Name: "ubnd phuong ben thanh", Received: 40, Concluded: 30, Substantiated: 12}},
		Hotspots:  map[string][]services.Hotspot{services.StatsDimOfficial: {{Name: "n v a", Received: 5}}},
	}
	for i := range services.MaxPeriodActions {
		r.Actions = append(r.Actions, services.ConcludedAction{ConcludedAt: time.Date(2026, 6, 30, 10, 0, 0, 0, time.UTC).Add(-time.Duration(i) * time.Hour),
			Kind: services.KindComplaint, Category: "bribe", Round: 1, Result: services.OutcomeSubstantiated, Actions: "Xử lý kỷ luật " + strconv.Itoa(i)})
	}
	r.Actions[0].Actions = "=HYPERLINK(\"http://example.org\")"
	r.ActionsCut = true
	return r
}

// TestRenderingsAgree: the three formats state the same figures, in
// words the way each language writes them; the same report gives the same
// bytes; a cut list of actions says so; free text never becomes a
// formula.
func TestRenderingsAgree(t *testing.T) {
	r := sample()
	vi, en := periodreport.Summary(r, "vi"), periodreport.Summary(r, "en")
	for _, s := range []string{"Trong kỳ từ tháng 01/2026 đến tháng 06/2026, Thanh tra Quận 1 đã tiếp nhận 1.234 phản ánh, kiến nghị, khiếu nại, tố cáo",
		"đã giải quyết 900, trong đó 800 đúng hạn (88,9%)", "trung vị 21 ngày", "Hiện còn 164 đơn đang giải quyết, trong đó 13 đơn quá hạn",
		"9 kiến nghị", "điểm trung bình 3,90/5"} {
		if !strings.Contains(vi, s) {
			t.Errorf("the summary lacks %q:\n%s", s, vi)
		}
	}
	for _, s := range []string{"From January 2026 to June 2026, District 1 Inspectorate received 1,234 reports", "800 on time (88.9%)", "164 reports are in progress now"} {
		if !strings.Contains(en, s) {
			t.Errorf("the English summary lacks %q:\n%s", s, en)
		}
	}
	if got := periodreport.FileName(r, "xlsx"); got != "bao-cao-ky_unit-thanh-tra-q1_2026-01_2026-06.xlsx" {
		t.Errorf("file name %q", got)
	}
	for _, format := range []string{"xlsx", "csv", "pdf"} {
		a, _, err := periodreport.Render(r, format)
		if err != nil {
			t.Fatal(err)
		}
		b, _, _ := periodreport.Render(r, format)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two renderings of one report differ", format)
		}
	}

	b, _, _ := periodreport.Render(r, "csv")
	rd := csv.NewReader(bytes.NewReader(b))
	rd.FieldsPerRecord = -1
	recs, err := rd.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var actions int
	for _, rec := range recs {
		switch {
		case rec[0] == "figures" && rec[1] == "on_time_rate" && rec[4] != "0.8889":
			t.Errorf("CSV on-time rate %v", rec)
		case rec[0] == "actions" && rec[1] != "concluded_on":
			actions++
			if strings.HasPrefix(rec[6], "=") {
				t.Errorf("CSV action is a formula: %v", rec)
			}
		case rec[0] == "actions_listed" && rec[1] != "count" && (rec[1] != strconv.Itoa(services.MaxPeriodActions) || rec[2] != "true"):
			t.Errorf("CSV actions listed %v", rec)
		}
	}
	if actions != services.MaxPeriodActions {
		t.Errorf("CSV: %d actions", actions)
	}

	b, _, _ = periodreport.Render(r, "xlsx")
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if got := x.GetSheetList(); len(got) != 10 || got[0] != periodreport.SheetSummary {
		t.Errorf("sheets %v", got)
	}
	rows, _ := x.GetRows(periodreport.SheetSummary)
	for i, row := range rows {
		if len(row) > 0 && row[0] == "on_time_rate" {
			raw, _ := x.GetCellValue(periodreport.SheetSummary, "D"+strconv.Itoa(i+1), excelize.Options{RawCellValue: true})
			shown, _ := x.GetCellValue(periodreport.SheetSummary, "D"+strconv.Itoa(i+1))
			if v, err := strconv.ParseFloat(raw, 64); err != nil || v < 0.888 || v > 0.889 || shown != "88.89%" {
				t.Errorf("XLSX on-time rate %q shown %q", raw, shown)
			}
		}
	}
	acts, _ := x.GetRows(periodreport.SheetActions)
	if len(acts) != 1+services.MaxPeriodActions+2 || !strings.Contains(acts[len(acts)-1][0], strconv.Itoa(services.MaxPeriodActions)) {
		t.Errorf("XLSX actions: %d rows, last %v", len(acts), acts[len(acts)-1])
	}
	if f, _ := x.GetCellFormula(periodreport.SheetActions, "F2"); f != "" {
		t.Errorf("XLSX action is a formula: %q", f)
	}

	b, _, _ = periodreport.Render(r, "pdf")
	pages, err := pdftext.Pages(b)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(pages, "\n")
	for _, s := range []string{"BÁO CÁO SƠ KẾT", "Thanh tra Quận 1", "Số đơn tiếp nhận", "1.234", "88,9%", "Theo xã, phường", "Phường Bến Thành",
		"ubnd phuong ben thanh", "Xử lý kỷ luật " + strconv.Itoa(services.MaxPeriodActions-1),
		"chỉ gồm " + strconv.Itoa(services.MaxPeriodActions) + " kết luận mới nhất", "Trang 1/"} {
		if !strings.Contains(text, s) {
			t.Errorf("PDF lacks %q", s)
		}
	}
}

// TestEmptyReport: a scope without any report renders in every format.
func TestEmptyReport(t *testing.T) {
	r := services.PeriodReport{Scope: services.PeriodScope{Kind: services.PeriodScopeAll}, ScopeName: services.Text{VI: "Toàn cổng", EN: "All"},
		From: "2026-01", To: "2026-01", Months: []string{"2026-01"}, Actions: []services.ConcludedAction{}}
	for _, format := range []string{"xlsx", "csv", "pdf"} {
		if b, _, err := periodreport.Render(r, format); err != nil || len(b) == 0 {
			t.Errorf("%s: %v", format, err)
		}
	}
	if s := periodreport.Summary(r, "vi"); !strings.HasPrefix(s, "Trong tháng 01/2026, Toàn cổng đã tiếp nhận 0 phản ánh") {
		t.Errorf("summary %q", s)
	}
	if got := periodreport.FileName(r, "pdf"); got != "bao-cao-ky_all_2026-01_2026-01.pdf" {
		t.Errorf("file name %q", got)
	}
	if _, _, err := periodreport.Render(r, "docx"); err == nil {
		t.Error("docx rendered")
	}
}
