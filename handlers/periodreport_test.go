package handlers_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"mime"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"minhbach/internal/pdftext"
	"minhbach/internal/periodreport"
	"minhbach/services"
)

// periodActions are the conclusions' actions the test's reports are
// concluded with; the report lists them.
const (
	periodActionsA = "Kiểm điểm cán bộ tiếp nhận hồ sơ; hoàn trả 2.000.000 đồng cho công dân."
	periodActionsB = "Chấn chỉnh quy trình tại bộ phận một cửa."
	periodActionsC = "Giữ nguyên kết luận lần đầu."
)

// periodWorld files a handful of reports in the story's unit and moves
// them through the API: a complaint concluded substantiated and appealed,
// its second round concluded unsubstantiated; a complaint rejected; a
// denunciation investigated with a Front recommendation answered; a
// feedback concluded partly substantiated and rated 5 stars; a feedback
// left received. It returns the reports' tracking codes.
func periodWorld(t *testing.T, f *fixture, st storyStaff) []string {
	t.Helper()
	ctx := context.Background()
	var codes []string
	var ids []string
	var tokens []string
	for _, kind := range []string{"complaint", "complaint", "denunciation", "feedback", "feedback"} {
		r := f.fileNamed(t, kind)
		c, err := f.env.Store.FindCaseByTrackingCode(ctx, r.TrackingCode)
		if err != nil {
			t.Fatal(err)
		}
		codes, ids, tokens = append(codes, r.TrackingCode), append(ids, c.ID), append(tokens, r.Token)
	}
	move := func(id, body string) {
		t.Helper()
		f.call(t, st.lead.access, http.MethodPost, "/api/v1/cases/"+id+"/transitions", body, http.StatusOK, nil)
	}
	conclude := func(id, outcome, actions string) {
		t.Helper()
		move(id, `{"to":"accepted"}`)
		move(id, `{"to":"investigating"}`)
		move(id, `{"to":"concluded","outcome":"`+outcome+`","actions":"`+actions+`","reply":"Kết quả giải quyết."}`)
	}
	conclude(ids[0], services.OutcomeSubstantiated, periodActionsA)
	move(ids[1], `{"to":"rejected","reason":"Không thuộc thẩm quyền"}`)
	move(ids[2], `{"to":"accepted"}`)
	move(ids[2], `{"to":"investigating"}`)
	answerBy := f.clock.Now().AddDate(0, 0, 3).In(services.VietnamTime).Format("2006-01-02")
	var rec struct{ ID string }
	f.call(t, st.monitor.access, http.MethodPost, "/api/v1/cases/"+ids[2]+"/recommendations", `{"text":"Đề nghị xác minh","answerBy":"`+answerBy+`"}`, http.StatusCreated, &rec)
	f.call(t, st.inspector.access, http.MethodPost, "/api/v1/cases/"+ids[2]+"/recommendations/"+rec.ID+"/answer", `{"answer":"Đã xác minh"}`, http.StatusOK, nil)
	conclude(ids[3], services.OutcomePartly, periodActionsB)
	f.call(t, tokens[3], http.MethodPost, "/api/v1/track/rating", `{"rating":5}`, http.StatusOK, nil)
	// The complaint's appeal: a second-round report, concluded too.
	var appeal createdReport
	f.call(t, tokens[0], http.MethodPost, "/api/v1/track/appeal", `{"reason":"Tôi chưa đồng ý"}`, http.StatusCreated, &appeal)
	c, err := f.env.Store.FindCaseByTrackingCode(ctx, appeal.TrackingCode)
	if err != nil {
		t.Fatal(err)
	}
	codes = append(codes, appeal.TrackingCode)
	conclude(c.ID, services.OutcomeUnsubstantiated, periodActionsC)
	if err := f.Stats.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	return codes
}

// download gets the period report and checks its headers.
func (f *fixture) periodDownload(t *testing.T, s session, query string, wantType string) []byte {
	t.Helper()
	w := f.do(http.MethodGet, "/api/v1/reports/period"+query, "", nil, "Authorization", "Bearer "+s.access)
	if w.Code != http.StatusOK {
		t.Fatalf("%s: %d %s", query, w.Code, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, wantType) {
		t.Errorf("%s: Content-Type %q, want %q", query, ct, wantType)
	}
	_, params, err := mime.ParseMediaType(w.Header().Get("Content-Disposition"))
	if err != nil || !strings.HasPrefix(w.Header().Get("Content-Disposition"), "attachment;") || !strings.HasPrefix(params["filename"], "bao-cao-ky_") {
		t.Errorf("%s: Content-Disposition %q", query, w.Header().Get("Content-Disposition"))
	}
	return w.Body.Bytes()
}

// TestPeriodReportMatchesTheCounters moves a handful of reports through
// the API, downloads the unit's period report in every format and finds in
// each the figures GET /api/v1/stats answers for the same scope and range:
// the XLSX's as numbers, the CSV's parsed, the PDF's as the text it draws
// (Vietnamese headings with their diacritics); the actions of the
// conclusions are listed, and no format carries a tracking code or any
// part of the complainant's identity. Each download is in the admin log.
func TestPeriodReportMatchesTheCounters(t *testing.T) {
	f := newFixture(t)
	st := f.storyStaff(t)
	codes := periodWorld(t, f, st)
	now := f.clock.Now().In(services.VietnamTime)
	from, to := now.AddDate(0, -2, 0).Format("2006-01"), now.Format("2006-01")
	var stats struct{ Total services.Figures }
	f.call(t, st.lead.access, http.MethodGet, "/api/v1/stats?from="+from+"&to="+to, "", http.StatusOK, &stats)
	tot := stats.Total
	if tot.Received != 6 || tot.Concluded != 3 || tot.Rejected != 1 || tot.Appeals != 1 || tot.Rated != 1 || tot.RecAnswered != 1 ||
		tot.AppealsByOutcome[services.OutcomeUnsubstantiated] != 1 || tot.Open != 2 {
		t.Fatalf("the counters: %+v", tot)
	}
	// The figures every format must state, by the CSV's measure keys.
	want := map[string]float64{"received": 6, "appeals": 1, "accepted": float64(tot.Accepted), "rejected": 1, "transferred": 0,
		"withdrawn": 0, "open": float64(tot.Open), "overdue": float64(tot.Overdue), "concluded": 3, "on_time": float64(tot.OnTime),
		"late": float64(tot.Late), "concluded:substantiated": 1, "concluded:partly_substantiated": 1, "concluded:unsubstantiated": 1,
		"median_days": float64(*tot.MedianDays), "p90_days": float64(*tot.P90Days), "extended": float64(tot.Extended), "appealed": 1,
		"appeal:unsubstantiated": 1, "appeal:substantiated": 0, "rec_filed": 1, "rec_answered": 1, "rec_on_time": float64(tot.RecOnTime),
		"rated": 1, "mean_stars": 5, "satisfied": 1, "satisfied_share": 1, "on_time_rate": *tot.OnTimeRate}
	forbidden := append(append([]string{}, codes...), "Trần Thị Bích", "0912345678", "bich.tran@example.org", "079188004455", "Tran Thi Bich")
	query := "?scope=unit:" + st.unitID + "&from=" + from + "&to=" + to + "&format="

	// CSV.
	csvBody := f.periodDownload(t, st.lead, query+"csv", "text/csv; charset=utf-8")
	rd := csv.NewReader(bytes.NewReader(csvBody))
	rd.FieldsPerRecord = -1
	records, err := rd.ReadAll()
	if err != nil {
		t.Fatalf("CSV: %v\n%s", err, csvBody)
	}
	sections := map[string][][]string{}
	for _, rec := range records {
		sections[rec[0]] = append(sections[rec[0]], rec)
	}
	got := map[string]float64{}
	for _, rec := range sections["figures"][1:] {
		if rec[4] != "" {
			v, err := strconv.ParseFloat(rec[4], 64)
			if err != nil {
				t.Fatalf("CSV figure %v", rec)
			}
			got[rec[1]] = v
		}
	}
	for k, v := range want {
		if diff := got[k] - v; diff > 0.0001 || diff < -0.0001 {
			t.Errorf("CSV %s = %v, want %v", k, got[k], v)
		}
	}
	if h := sections["by_kind"][0]; strings.Join(h[:6], ",") != "by_kind,key,name_vi,name_en,parent,received" {
		t.Errorf("CSV by_kind header %v", h)
	}
	kinds := map[string]string{}
	for _, rec := range sections["by_kind"][1:] {
		kinds[rec[1]] = rec[5]
	}
	if kinds["complaint"] != "3" || kinds["denunciation"] != "1" || kinds["feedback"] != "2" {
		t.Errorf("CSV by kind: %v", kinds)
	}
	if n := len(sections["actions"]) - 1; n != 3 {
		t.Errorf("CSV: %d actions, want 3: %v", n, sections["actions"])
	}
	if !strings.Contains(string(csvBody), periodActionsA) || !strings.Contains(string(csvBody), "Trong kỳ từ tháng") {
		t.Errorf("CSV lacks the actions or the summary:\n%s", csvBody)
	}

	// XLSX: the numbers read back as numbers.
	xlsxBody := f.periodDownload(t, st.lead, query+"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	book, err := excelize.OpenReader(bytes.NewReader(xlsxBody))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := book.GetRows(periodreport.SheetSummary)
	if err != nil {
		t.Fatal(err)
	}
	got = map[string]float64{}
	for i := 12; i < len(rows); i++ {
		cell := "D" + strconv.Itoa(i+1)
		raw, err := book.GetCellValue(periodreport.SheetSummary, cell, excelize.Options{RawCellValue: true})
		if err != nil || raw == "" {
			continue
		}
		typ, _ := book.GetCellType(periodreport.SheetSummary, cell)
		if typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
			t.Errorf("XLSX %s (%s) is text: %q", cell, rows[i][0], raw)
		}
		v, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			t.Errorf("XLSX %s: %q is not a number", cell, raw)
		}
		got[rows[i][0]] = v
	}
	for k, v := range want {
		if diff := got[k] - v; diff > 0.0001 || diff < -0.0001 {
			t.Errorf("XLSX %s = %v, want %v", k, got[k], v)
		}
	}
	kindRows, _ := book.GetRows(periodreport.SheetKind)
	for i, row := range kindRows[1:] {
		raw, _ := book.GetCellValue(periodreport.SheetKind, "E"+strconv.Itoa(i+2), excelize.Options{RawCellValue: true})
		if row[0] == "complaint" && raw != "3" {
			t.Errorf("XLSX complaints received %q", raw)
		}
	}
	actionRows, _ := book.GetRows(periodreport.SheetActions)
	if len(actionRows) != 4 || actionRows[1][5] == "" {
		t.Errorf("XLSX actions: %v", actionRows)
	}
	var xlsxText strings.Builder
	zr, err := zip.NewReader(bytes.NewReader(xlsxBody), int64(len(xlsxBody)))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		xlsxText.Write(b)
	}

	// PDF: the text it draws.
	pdfBody := f.periodDownload(t, st.lead, query+"pdf", "application/pdf")
	// PERIOD_DUMP=<dir> keeps the three files and the PDF's text, to look at.
	if d := os.Getenv("PERIOD_DUMP"); d != "" {
		_ = os.WriteFile(d+"/r.pdf", pdfBody, 0o644)
		_ = os.WriteFile(d+"/r.csv", csvBody, 0o644)
		_ = os.WriteFile(d+"/r.xlsx", xlsxBody, 0o644)
		if p, err := pdftext.Pages(pdfBody); err == nil {
			_ = os.WriteFile(d+"/r.txt", []byte(strings.Join(p, "\n=====PAGE=====\n")), 0o644)
		}
	}
	pages, err := pdftext.Pages(pdfBody)
	if err != nil {
		t.Fatal(err)
	}
	pdfText := strings.Join(pages, "\n")
	flat := strings.Join(strings.Fields(pdfText), " ")
	for _, s := range []string{"BÁO CÁO SƠ KẾT TIẾP NHẬN, GIẢI QUYẾT PHẢN ÁNH, KIẾN NGHỊ, KHIẾU NẠI, TỐ CÁO", "Tóm tắt", "1. Số liệu tổng hợp",
		"Theo loại đơn", "Theo kênh tiếp nhận", "Theo lĩnh vực", "Theo xã, phường", "Theo cơ quan", "Theo thủ tục hành chính",
		"Nơi được phản ánh nhiều", "Các biện pháp xử lý theo kết luận", "Giải quyết đúng hạn", "Kiến nghị của Mặt trận",
		"đã tiếp nhận 6 phản ánh, kiến nghị, khiếu nại, tố cáo", "đã giải quyết 3", "Đúng một phần", "Chấn chỉnh quy trình tại bộ phận một cửa.",
		"Kiểm điểm cán bộ tiếp nhận hồ sơ", "Period review report"} {
		if !strings.Contains(flat, s) {
			t.Errorf("PDF lacks %q:\n%s", s, pdfText)
		}
	}
	// Each figure of the table: its label's line, then its value.
	lines := strings.Split(pdfText, "\n")
	pdfFigure := func(label string) string {
		for i, l := range lines {
			if strings.TrimSpace(l) == label && i+2 < len(lines) {
				return strings.TrimSpace(lines[i+2])
			}
		}
		return "?"
	}
	for label, v := range map[string]string{"Số đơn tiếp nhận": "6", "Đã giải quyết (có kết luận)": "3", "Không thụ lý": "1",
		"Kiến nghị của Mặt trận": "1", "Đánh giá hài lòng (4–5 sao)": "1", "Đang giải quyết (hiện tại)": strconv.FormatInt(tot.Open, 10),
		"Kết quả lần hai: Sai (không có cơ sở)": "1"} {
		if g := pdfFigure(label); g != v {
			t.Errorf("PDF %s: %q, want %q", label, g, v)
		}
	}

	for _, s := range forbidden {
		for name, body := range map[string]string{"CSV": string(csvBody), "XLSX": xlsxText.String(), "PDF": pdfText} {
			if strings.Contains(body, s) {
				t.Errorf("the %s carries %q", name, s)
			}
		}
	}

	// The three downloads are in the admin audit log.
	events, err := f.env.Store.ListAdminEvents(context.Background(), 50)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range events {
		if e.Action == services.PeriodReportAction && e.ActorID == st.lead.user.ID && e.Target == "unit:"+st.unitID &&
			strings.Contains(e.Summary, "from="+from+" to="+to) {
			seen[e.Summary[strings.LastIndex(e.Summary, "=")+1:]] = true
		}
	}
	if !seen["csv"] || !seen["xlsx"] || !seen["pdf"] {
		t.Errorf("admin log: %v in %+v", seen, events)
	}
}

// TestPeriodReportScope: the period report follows the figures' scope —
// inspectors and leads their unit, monitors their committee, admins any
// unit, committee or the whole portal; another scope is 403
// stats_out_of_scope, scope=all is refused to everyone but admins, nobody
// signed in and citizens get 401, bad input a 400 naming the field. Each
// download, and only a download, is an event of the admin log.
func TestPeriodReportScope(t *testing.T) {
	f := newFixture(t)
	st := f.storyStaff(t)
	ctx := context.Background()
	other := f.unit(t, "unit-other")
	otherFront := f.unit(t, "front-other")
	f.mkUser(t, "inspector@other.test", services.RoleInspector, "unit-other")
	f.mkUser(t, "monitor@other.test", services.RoleMonitor, "front-other")
	f.mkUser(t, "admin@period.test", services.RoleAdmin, "")
	otherInspector := f.staffLogin(t, "inspector@other.test", "")
	otherMonitor := f.staffLogin(t, "monitor@other.test", "")
	admin := f.staffLogin(t, "admin@period.test", "")
	r := f.fileNamed(t, "complaint")
	if err := f.Stats.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	month := f.clock.Now().In(services.VietnamTime).Format("2006-01")
	rng := "&from=" + month + "&to=" + month + "&format=csv"
	get := func(token, scope string) (int, string) {
		var hdr []string
		if token != "" {
			hdr = []string{"Authorization", "Bearer " + token}
		}
		w := f.do(http.MethodGet, "/api/v1/reports/period?scope="+scope+rng, "", nil, hdr...)
		return w.Code, w.Body.String()
	}
	unit, front := "unit:"+st.unitID, "front:"+st.frontID
	ok := 0
	for _, c := range []struct {
		who   string
		token string
		scope string
		want  int
		n     int // reports received in the scope
	}{
		{"anonymous", "", unit, http.StatusUnauthorized, 0},
		{"citizen", r.Token, unit, http.StatusUnauthorized, 0},
		{"inspector", st.inspector.access, unit, http.StatusOK, 1},
		{"inspector", st.inspector.access, front, http.StatusForbidden, 0},
		{"inspector", st.inspector.access, "unit:" + other, http.StatusForbidden, 0},
		{"inspector", st.inspector.access, "all", http.StatusForbidden, 0},
		{"lead", st.lead.access, unit, http.StatusOK, 1},
		{"lead", st.lead.access, "all", http.StatusForbidden, 0},
		{"monitor", st.monitor.access, front, http.StatusOK, 1},
		{"monitor", st.monitor.access, unit, http.StatusForbidden, 0},
		{"monitor", st.monitor.access, "front:" + otherFront, http.StatusForbidden, 0},
		{"monitor", st.monitor.access, "all", http.StatusForbidden, 0},
		{"inspector/other", otherInspector.access, "unit:" + other, http.StatusOK, 0},
		{"inspector/other", otherInspector.access, unit, http.StatusForbidden, 0},
		{"monitor/other", otherMonitor.access, "front:" + otherFront, http.StatusOK, 0},
		{"monitor/other", otherMonitor.access, front, http.StatusForbidden, 0},
		{"admin", admin.access, unit, http.StatusOK, 1},
		{"admin", admin.access, front, http.StatusOK, 1},
		{"admin", admin.access, "unit:" + other, http.StatusOK, 0},
		{"admin", admin.access, "all", http.StatusOK, 1},
	} {
		code, body := get(c.token, c.scope)
		if code != c.want {
			t.Errorf("%s, %s: %d, want %d: %s", c.who, c.scope, code, c.want, body)
			continue
		}
		switch code {
		case http.StatusForbidden:
			if !strings.Contains(body, `"reason":"stats_out_of_scope"`) {
				t.Errorf("%s, %s: %s", c.who, c.scope, body)
			}
		case http.StatusOK:
			ok++
			if !strings.Contains(body, "\nfigures,received,Số đơn tiếp nhận,Received,"+strconv.Itoa(c.n)+"\n") {
				t.Errorf("%s, %s: not %d received:\n%s", c.who, c.scope, c.n, body)
			}
		}
	}
	// Bad input names its field.
	for query, field := range map[string]string{
		"?from=" + month + "&to=" + month + "&format=csv":                               "scope",
		"?scope=everything&from=" + month + "&to=" + month + "&format=csv":              "scope",
		"?scope=unit:&from=" + month + "&to=" + month + "&format=csv":                   "scope",
		"?scope=unit:nope&from=" + month + "&to=" + month + "&format=csv":               "scope",
		"?scope=front:" + st.unitID + "&from=" + month + "&to=" + month + "&format=csv": "scope",
		"?scope=all&from=2026-13&to=" + month + "&format=csv":                           "from",
		"?scope=all&from=" + month + "&format=csv":                                      "to",
		"?scope=all&from=2026-12&to=2026-01&format=csv":                                 "from",
		"?scope=all&from=2020-01&to=2026-12&format=csv":                                 "from",
		"?scope=all&from=" + month + "&to=" + month + "&format=docx":                    "format",
		"?scope=all&from=" + month + "&to=" + month:                                     "format",
	} {
		w := f.do(http.MethodGet, "/api/v1/reports/period"+query, "", nil, "Authorization", "Bearer "+admin.access)
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `"`+field+`"`) {
			t.Errorf("%s: %d %s", query, w.Code, w.Body)
		}
	}
	events, err := f.env.Store.ListAdminEvents(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range events {
		if e.Action == services.PeriodReportAction {
			n++
			if !strings.Contains(e.Summary, "format=csv") || !strings.Contains(e.Summary, "from="+month) || e.ActorID == "" {
				t.Errorf("admin log event %+v", e)
			}
		}
	}
	if n != ok {
		t.Errorf("%d downloads, %d events in the admin log", ok, n)
	}
}
