// Package periodreport renders the period review report (báo cáo sơ kết /
// tổng kết, docs/period-report.md) that services.PeriodReports computes: an
// XLSX workbook with real numbers, a CSV in sections, and a PDF in
// Vietnamese (with English where it helps). It holds the wording; every
// figure is the model's.
package periodreport

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"minhbach/services"
)

// Render writes r in format (services.PeriodFormat*): the bytes and their
// Content-Type.
func Render(r services.PeriodReport, format string) ([]byte, string, error) {
	switch format {
	case services.PeriodFormatXLSX:
		b, err := XLSX(r)
		return b, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", err
	case services.PeriodFormatCSV:
		return CSV(r), "text/csv; charset=utf-8", nil
	case services.PeriodFormatPDF:
		b, err := PDF(r)
		return b, "application/pdf", err
	}
	return nil, "", fmt.Errorf("periodreport: unknown format %q", format)
}

// FileName names the download: the scope (the unit's or committee's code)
// and the range, e.g. bao-cao-ky_unit-thanh-tra-q1_2026-01_2026-06.xlsx.
func FileName(r services.PeriodReport, format string) string {
	scope := "all"
	if r.Scope.Kind != services.PeriodScopeAll {
		code := r.ScopeCode
		if code == "" {
			code = r.Scope.ID
		}
		scope = r.Scope.Kind + "-" + safeName(code)
	}
	return "bao-cao-ky_" + scope + "_" + r.From + "_" + r.To + "." + format
}

// safeName keeps letters, digits and dashes of a code.
func safeName(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' {
			b.WriteRune(c)
		} else {
			b.WriteByte('-')
		}
	}
	return b.String()
}

// value is one figure: a count, a share (0 to 1) or a number of days;
// absent (nil in the model) when nothing counts towards it.
type value struct {
	n     float64
	ok    bool
	share bool
}

func count(n int64) value     { return value{n: float64(n), ok: true} }
func share(p *float64) value  { return ptr(p, true) }
func meanOf(p *float64) value { return ptr(p, false) }

func days(p *int) value {
	if p == nil {
		return value{}
	}
	return value{n: float64(*p), ok: true}
}

func ptr(p *float64, s bool) value {
	if p == nil {
		return value{share: s}
	}
	return value{n: *p, ok: true, share: s}
}

// text is the figure as the CSV writes it: a count as an integer, a share
// as a fraction with 4 decimals, a mean with 2, nothing when absent.
func (v value) text() string {
	switch {
	case !v.ok:
		return ""
	case v.share:
		return strconv.FormatFloat(v.n, 'f', 4, 64)
	case v.n == math.Trunc(v.n):
		return strconv.FormatInt(int64(v.n), 10)
	}
	return strconv.FormatFloat(v.n, 'f', 2, 64)
}

// words is the figure as a reader reads it, in lang: thousands separated,
// a share as a percentage with one decimal, "—" when absent.
func (v value) words(lang string) string {
	switch {
	case !v.ok:
		return "—"
	case v.share:
		return decimal(v.n*100, 1, lang) + "%"
	case v.n == math.Trunc(v.n):
		return thousands(int64(v.n), lang)
	}
	return decimal(v.n, 2, lang)
}

// thousands writes n with the thousands separated as lang does ("1.234"
// in Vietnamese, "1,234" in English).
func thousands(n int64, lang string) string {
	sep := ","
	if lang == "vi" {
		sep = "."
	}
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// decimal writes x with prec decimals and lang's decimal mark.
func decimal(x float64, prec int, lang string) string {
	s := strconv.FormatFloat(x, 'f', prec, 64)
	if lang == "vi" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// measure is one line of the summary figures.
type measure struct {
	key    string
	vi, en string
	v      value
}

// outcomes are the conclusions' results, in the order shown.
var outcomes = []string{services.OutcomeSubstantiated, services.OutcomePartly, services.OutcomeUnsubstantiated}

// outcomeNames name the results.
var outcomeNames = map[string]services.Text{
	services.OutcomeSubstantiated:   {VI: "Đúng (có cơ sở)", EN: "Substantiated"},
	services.OutcomePartly:          {VI: "Đúng một phần", EN: "Partly substantiated"},
	services.OutcomeUnsubstantiated: {VI: "Sai (không có cơ sở)", EN: "Unsubstantiated"},
}

func outcomeName(o string) services.Text {
	if t, ok := outcomeNames[o]; ok {
		return t
	}
	return services.Text{VI: o, EN: o}
}

// measures are the summary figures of r, in the order shown.
func measures(r services.PeriodReport) []measure {
	t := r.Total
	ms := []measure{
		{"received", "Số đơn tiếp nhận", "Received", count(t.Received)},
		{"appeals", "Trong đó: đơn lần hai (khiếu nại, tố cáo tiếp)", "Of which second-round reports (appeals)", count(t.Appeals)},
		{"accepted", "Đã thụ lý", "Accepted", count(t.Accepted)},
		{"rejected", "Không thụ lý", "Rejected", count(t.Rejected)},
		{"transferred", "Chuyển cơ quan có thẩm quyền", "Transferred", count(t.Transferred)},
		{"withdrawn", "Công dân rút đơn", "Withdrawn", count(t.Withdrawn)},
		{"open", "Đang giải quyết (hiện tại)", "In progress (now)", count(t.Open)},
		{"overdue", "Quá hạn chưa giải quyết (hiện tại)", "Overdue (now)", count(t.Overdue)},
		{"concluded", "Đã giải quyết (có kết luận)", "Concluded", count(t.Concluded)},
	}
	for _, o := range outcomes {
		n := outcomeName(o)
		ms = append(ms, measure{"concluded:" + o, "Kết luận: " + n.VI, "Concluded: " + strings.ToLower(n.EN), count(t.ByOutcome[o])})
	}
	ms = append(ms,
		measure{"on_time", "Giải quyết đúng hạn", "Concluded on time", count(t.OnTime)},
		measure{"late", "Giải quyết quá hạn", "Concluded late", count(t.Late)},
		measure{"on_time_rate", "Tỷ lệ giải quyết đúng hạn", "On-time rate", share(t.OnTimeRate)},
		measure{"median_days", "Số ngày giải quyết (trung vị)", "Days to resolve (median)", days(t.MedianDays)},
		measure{"p90_days", "Số ngày giải quyết (90% số đơn không quá)", "Days to resolve (90th percentile)", days(t.P90Days)},
		measure{"extended", "Số lần gia hạn giải quyết", "Extensions", count(t.Extended)},
		measure{"appealed", "Số đơn bị khiếu nại, tố cáo tiếp", "Appeals made against conclusions", count(t.Appealed)},
	)
	var appealsConcluded int64
	for _, n := range t.AppealsByOutcome {
		appealsConcluded += n
	}
	ms = append(ms, measure{"appeals_concluded", "Đơn lần hai đã giải quyết", "Second-round reports concluded", count(appealsConcluded)})
	for _, o := range outcomes {
		n := outcomeName(o)
		ms = append(ms, measure{"appeal:" + o, "Kết quả lần hai: " + n.VI, "Second round: " + strings.ToLower(n.EN), count(t.AppealsByOutcome[o])})
	}
	ms = append(ms,
		measure{"rec_filed", "Kiến nghị của Mặt trận", "Front recommendations filed", count(t.RecFiled)},
		measure{"rec_answered", "Kiến nghị đã được trả lời", "Recommendations answered", count(t.RecAnswered)},
		measure{"rec_on_time", "Kiến nghị được trả lời đúng hạn", "Recommendations answered on time", count(t.RecOnTime)},
		measure{"rec_on_time_rate", "Tỷ lệ kiến nghị được trả lời đúng hạn", "Share answered on time", share(r.RecOnTimeShare)},
		measure{"rated", "Số lượt đánh giá của công dân", "Ratings", count(t.Rated)},
		measure{"mean_stars", "Điểm hài lòng trung bình (1–5 sao)", "Mean rating (1–5 stars)", meanOf(t.MeanStars)},
		measure{"satisfied", "Đánh giá hài lòng (4–5 sao)", "Satisfied ratings (4–5 stars)", count(r.Total.Satisfied)},
		measure{"satisfied_share", "Tỷ lệ hài lòng", "Share satisfied", share(r.SatisfiedShare)},
	)
	return ms
}

// rowColumns are the figures of a breakdown's row, in the order shown.
var rowColumns = []struct{ key, vi, en string }{
	{"received", "Tiếp nhận", "Received"}, {"accepted", "Thụ lý", "Accepted"}, {"rejected", "Không thụ lý", "Rejected"},
	{"transferred", "Chuyển", "Transferred"}, {"withdrawn", "Rút đơn", "Withdrawn"}, {"concluded", "Đã giải quyết", "Concluded"},
	{"on_time", "Đúng hạn", "On time"}, {"late", "Quá hạn", "Late"}, {"open", "Đang giải quyết", "Open now"},
	{"overdue", "Quá hạn hiện tại", "Overdue now"},
}

func rowValues(f services.Figures) []int64 {
	return []int64{f.Received, f.Accepted, f.Rejected, f.Transferred, f.Withdrawn, f.Concluded, f.OnTime, f.Late, f.Open, f.Overdue}
}

// breakdown is one table of rows.
type breakdown struct {
	key, vi, en string
	rows        []services.PeriodRow
}

func breakdowns(r services.PeriodReport) []breakdown {
	return []breakdown{
		{"by_kind", "Theo loại đơn", "By kind", r.ByKind},
		{"by_channel", "Theo kênh tiếp nhận", "By channel", r.ByChannel},
		{"by_category", "Theo lĩnh vực", "By category", r.ByCategory},
		{"by_province", "Theo tỉnh, thành phố", "By province", r.ByProvince},
		{"by_commune", "Theo xã, phường", "By commune", r.ByCommune},
	}
}

// nameList is a table of folded names.
type nameList struct {
	key, vi, en string
	list        []services.Hotspot
	cut         bool
}

var dimNames = map[string]services.Text{
	services.StatsDimOffice:    {VI: "Cơ quan", EN: "Office"},
	services.StatsDimCounter:   {VI: "Quầy, bộ phận", EN: "Counter"},
	services.StatsDimProcedure: {VI: "Thủ tục", EN: "Procedure"},
	services.StatsDimOfficial:  {VI: "Cán bộ được nêu tên", EN: "Named official"},
}

func nameLists(r services.PeriodReport) []nameList {
	return []nameList{
		{"by_office", "Theo cơ quan", "By office", r.ByOffice, r.OfficesCut},
		{"by_procedure", "Theo thủ tục hành chính", "By procedure", r.ByProcedure, r.ProcedureCut},
	}
}

// monthWords is a month YYYY-MM as lang writes it: "tháng 01/2026",
// "January 2026".
func monthWords(m, lang string) string {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return m
	}
	if lang == "vi" {
		return "tháng " + t.Format("01/2006")
	}
	return t.Format("January 2006")
}

// categoryName names a category code from the report's rows.
func categoryName(r services.PeriodReport, code string) services.Text {
	for _, row := range r.ByCategory {
		if row.Key == code {
			return row.Name
		}
	}
	return services.Text{VI: code, EN: code}
}

func kindName(k services.Kind) services.Text {
	if t, ok := services.KindNames[k]; ok {
		return t
	}
	return services.Text{VI: string(k), EN: string(k)}
}

// vnDate is t's day in Vietnam time, as dd/mm/yyyy.
func vnDate(t time.Time) string { return t.In(services.VietnamTime).Format("02/01/2006") }

// Summary is the report's headline figures in words, in lang ("vi" or
// "en"), as a district's report states them.
func Summary(r services.PeriodReport, lang string) string {
	t := r.Total
	w := func(n int64) string { return thousands(n, lang) }
	if lang == "vi" {
		var b strings.Builder
		period := "Trong kỳ từ " + monthWords(r.From, "vi") + " đến " + monthWords(r.To, "vi")
		if r.From == r.To {
			period = "Trong " + monthWords(r.From, "vi")
		}
		fmt.Fprintf(&b, "%s, %s đã tiếp nhận %s phản ánh, kiến nghị, khiếu nại, tố cáo", period, r.ScopeName.VI, w(t.Received))
		if t.Appeals > 0 {
			fmt.Fprintf(&b, " (trong đó %s đơn lần hai)", w(t.Appeals))
		}
		fmt.Fprintf(&b, "; đã thụ lý %s, không thụ lý %s, chuyển cơ quan có thẩm quyền %s, công dân rút %s", w(t.Accepted), w(t.Rejected), w(t.Transferred), w(t.Withdrawn))
		fmt.Fprintf(&b, "; đã giải quyết %s, trong đó %s đúng hạn", w(t.Concluded), w(t.OnTime))
		if t.OnTimeRate != nil {
			fmt.Fprintf(&b, " (%s)", share(t.OnTimeRate).words("vi"))
		}
		fmt.Fprintf(&b, " và %s quá hạn", w(t.Late))
		if t.Concluded > 0 {
			fmt.Fprintf(&b, "; kết luận đúng %s, đúng một phần %s, sai %s", w(t.ByOutcome[services.OutcomeSubstantiated]),
				w(t.ByOutcome[services.OutcomePartly]), w(t.ByOutcome[services.OutcomeUnsubstantiated]))
		}
		if t.MedianDays != nil && t.P90Days != nil {
			fmt.Fprintf(&b, "; thời gian giải quyết trung vị %d ngày, 90%% số đơn được giải quyết trong %d ngày", *t.MedianDays, *t.P90Days)
		}
		fmt.Fprintf(&b, ". Hiện còn %s đơn đang giải quyết, trong đó %s đơn quá hạn.", w(t.Open), w(t.Overdue))
		if t.RecFiled > 0 || t.RecAnswered > 0 {
			fmt.Fprintf(&b, " Mặt trận Tổ quốc đã có %s kiến nghị; %s kiến nghị đã được trả lời, trong đó %s đúng hạn.", w(t.RecFiled), w(t.RecAnswered), w(t.RecOnTime))
		}
		if t.Rated > 0 {
			fmt.Fprintf(&b, " Công dân đã đánh giá %s lượt, điểm trung bình %s/5, %s lượt hài lòng (%s).", w(t.Rated),
				meanOf(t.MeanStars).words("vi"), w(r.Total.Satisfied), share(r.SatisfiedShare).words("vi"))
		}
		if t.Appealed > 0 {
			fmt.Fprintf(&b, " Có %s kết luận bị khiếu nại, tố cáo tiếp.", w(t.Appealed))
		}
		return b.String()
	}
	var b strings.Builder
	period := "From " + monthWords(r.From, "en") + " to " + monthWords(r.To, "en")
	if r.From == r.To {
		period = "In " + monthWords(r.From, "en")
	}
	fmt.Fprintf(&b, "%s, %s received %s (feedback, complaints and denunciations)", period, r.ScopeName.EN, pl(t.Received, "report", "reports"))
	if t.Appeals > 0 {
		fmt.Fprintf(&b, ", %s of them second-round", w(t.Appeals))
	}
	fmt.Fprintf(&b, "; it accepted %s, rejected %s and transferred %s, and citizens withdrew %s", w(t.Accepted), w(t.Rejected), w(t.Transferred), w(t.Withdrawn))
	fmt.Fprintf(&b, "; it concluded %s, %s on time", w(t.Concluded), w(t.OnTime))
	if t.OnTimeRate != nil {
		fmt.Fprintf(&b, " (%s)", share(t.OnTimeRate).words("en"))
	}
	fmt.Fprintf(&b, " and %s late", w(t.Late))
	if t.Concluded > 0 {
		fmt.Fprintf(&b, "; %s found substantiated, %s partly substantiated and %s unsubstantiated", w(t.ByOutcome[services.OutcomeSubstantiated]),
			w(t.ByOutcome[services.OutcomePartly]), w(t.ByOutcome[services.OutcomeUnsubstantiated]))
	}
	if t.MedianDays != nil && t.P90Days != nil {
		fmt.Fprintf(&b, "; the median time to resolve was %d days, and 90%% were resolved within %d days", *t.MedianDays, *t.P90Days)
	}
	fmt.Fprintf(&b, ". %s in progress now, %s of them overdue.", pl(t.Open, "report is", "reports are"), w(t.Overdue))
	if t.RecFiled > 0 || t.RecAnswered > 0 {
		fmt.Fprintf(&b, " The Fatherland Front filed %s; %s answered, %s of them on time.", pl(t.RecFiled, "recommendation", "recommendations"), w(t.RecAnswered), w(t.RecOnTime))
	}
	if t.Rated > 0 {
		fmt.Fprintf(&b, " Citizens gave %s, %s of 5 stars on average; %s (%s) gave 4 or 5 stars.", pl(t.Rated, "rating", "ratings"),
			meanOf(t.MeanStars).words("en"), w(r.Total.Satisfied), share(r.SatisfiedShare).words("en"))
	}
	if t.Appealed > 0 {
		fmt.Fprintf(&b, " %s.", pl(t.Appealed, "conclusion was appealed", "conclusions were appealed"))
	}
	return b.String()
}

// pl is n and the English noun (phrase) in its number.
func pl(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return thousands(n, "en") + " " + many
}

// wholeMonths is the note that the range is whole months.
var wholeMonths = services.Text{
	VI: "Số liệu tính theo tháng trọn vẹn (giờ Việt Nam), từ bộ đếm thống kê; số đang giải quyết và quá hạn là tại thời điểm lập báo cáo.",
	EN: "Figures cover whole months (Vietnam time), from the statistics' counters; in progress and overdue are as of the report's making.",
}

// title is the report's heading.
var title = services.Text{
	VI: "BÁO CÁO SƠ KẾT TIẾP NHẬN, GIẢI QUYẾT PHẢN ÁNH, KIẾN NGHỊ, KHIẾU NẠI, TỐ CÁO",
	EN: "Period review report: reports received and resolved",
}

// actionsNote says how the actions list is bounded.
func actionsNote(r services.PeriodReport, lang string) string {
	if !r.ActionsCut {
		return ""
	}
	if lang == "vi" {
		return fmt.Sprintf("Danh sách chỉ gồm %d kết luận mới nhất của kỳ.", services.MaxPeriodActions)
	}
	return fmt.Sprintf("The list holds the newest %d conclusions of the period only.", services.MaxPeriodActions)
}

// roundName is "lần 1" / "lần 2".
func roundName(n int, lang string) string {
	if lang == "vi" {
		return "Lần " + strconv.Itoa(n)
	}
	return "Round " + strconv.Itoa(n)
}
