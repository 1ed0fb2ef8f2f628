package services_test

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"minhbach/services"
)

func TestFoldNameGroupsTheSameName(t *testing.T) {
	groups := [][]string{
		{"Chị Lan – bộ phận một cửa", "chi lan (Bo phan mot cua)", "  CHỊ   LAN, Bộ Phận Một Cửa ", "lan - bo phan mot cua"},
		{"Cán bộ Nguyễn Văn Đức", "can bo nguyen van duc", "Nguyễn Văn Đức", "đ/c Nguyễn Văn Đức"},
		{"Ông Trần Hùng", "ong tran hung", "Trần   Hùng"},
		{"UBND phường Bến Thành", "ubnd phuong ben thanh", "UBND Phường Bến Thành."},
	}
	for _, g := range groups {
		want := services.FoldName(g[0])
		if want == "" {
			t.Fatalf("FoldName(%q) is empty", g[0])
		}
		for _, s := range g[1:] {
			if got := services.FoldName(s); got != want {
				t.Errorf("FoldName(%q) = %q, want %q (as %q)", s, got, want, g[0])
			}
		}
	}
	// Names that begin with a word that is also a title keep it.
	for s, want := range map[string]string{
		"Chi cục Thuế quận 1": "chi cuc thue quan 1",
		"Cơ quan đăng ký":     "co quan dang ky",
		"Quận Ba Đình":        "quan ba dinh",
		"Ba Đình":             "ba dinh",
		"Anh":                 "anh", // a title alone is the name
		"":                    "",
		"— ; ()":              "",
	} {
		if got := services.FoldName(s); got != want {
			t.Errorf("FoldName(%q) = %q, want %q", s, got, want)
		}
	}
	// Different people stay apart.
	if services.FoldName("Chị Lan") == services.FoldName("Chị Lân") && services.FoldName("Lan") == services.FoldName("Lâm") {
		t.Error("different names fold together")
	}
}

func TestContributeCountsEachFactInItsMonth(t *testing.T) {
	vn := services.VietnamTime
	filed := time.Date(2026, 10, 31, 23, 30, 0, 0, vn) // October in Vietnam, already November in no zone
	accepted := time.Date(2026, 11, 2, 9, 0, 0, 0, vn)
	concluded := time.Date(2026, 12, 10, 16, 0, 0, 0, vn)
	rated := time.Date(2027, 1, 3, 8, 0, 0, 0, vn)
	c := services.Case{ID: "r1", Kind: services.KindComplaint, Category: "fee", AreaCode: "26743", UnitID: "u1", FrontUnitID: "f1",
		Office: "Chị Lan – bộ phận một cửa", Procedure: "Cấp giấy chứng nhận quyền sử dụng đất",
		Status: services.StatusClosed, CreatedAt: filed.UTC(),
		Timeline: []services.Event{
			{Type: services.EventSubmitted, At: filed, Status: services.StatusReceived},
			{Type: "status", At: accepted, Status: services.StatusAccepted},
			{Type: "status", At: accepted.Add(time.Hour), Status: services.StatusInvestigating},
			{Type: services.EventDeadlineExtended, At: accepted.AddDate(0, 0, 20)},
			{Type: "status", At: concluded, Status: services.StatusConcluded},
			{Type: services.EventRated, At: rated, Status: services.StatusClosed},
		},
		Outcome:         &services.Outcome{Result: services.OutcomePartly, ConcludedAt: concluded},
		Rating:          &services.Rating{Stars: 4, At: rated},
		Recommendations: []services.Recommendation{{CreatedAt: accepted, AnswerBy: "2026-11-10", Answer: "done", AnsweredAt: time.Date(2026, 11, 10, 20, 0, 0, 0, vn)}, {CreatedAt: accepted, AnswerBy: "2026-11-10", Answer: "late", AnsweredAt: time.Date(2026, 11, 11, 8, 0, 0, 0, vn)}, {CreatedAt: accepted, AnswerBy: "2026-11-10"}},
	}
	base := services.StatsCell{Unit: "u1", Front: "f1", Area: "26743", Kind: services.KindComplaint, Category: "fee", Channel: services.ChannelWeb}
	in := func(month string) services.StatsCell { b := base; b.Month = month; return b }
	dim := func(month, d, v string) services.StatsCell { b := in(month); b.Dim, b.Value = d, v; return b }
	office, proc := services.FoldName(c.Office), services.FoldName(c.Procedure)
	days := services.MeasureDaysPrefix + "40" // 31 Oct → 10 Dec
	want := services.Contribution{
		in("2026-10"): {services.MeasureReceived: 1},
		dim("2026-10", services.StatsDimOffice, office):  {services.MeasureReceived: 1},
		dim("2026-10", services.StatsDimProcedure, proc): {services.MeasureReceived: 1},
		in("2026-11"): {services.MeasureAccepted: 1, services.MeasureExtended: 1, services.MeasureRecFiled: 3, services.MeasureRecAnswered: 2, services.MeasureRecOnTime: 1},
		in("2026-12"): {services.MeasureConcluded: 1, services.MeasureConcludedPrefix + services.OutcomePartly: 1, services.MeasureLate: 1, days: 1},
		dim("2026-12", services.StatsDimOffice, office):  {services.MeasureConcluded: 1, services.MeasureConcludedPrefix + services.OutcomePartly: 1, services.MeasureLate: 1, days: 1},
		dim("2026-12", services.StatsDimProcedure, proc): {services.MeasureConcluded: 1, services.MeasureConcludedPrefix + services.OutcomePartly: 1, services.MeasureLate: 1, days: 1},
		in("2027-01"): {services.MeasureRated: 1, services.MeasureStars: 4, services.MeasureStarsPrefix + "4": 1},
		// Every report counts in its status now (the queue's counts).
		in(services.NowMonth): {services.MeasureStatusPrefix + "closed": 1},
	}
	got := services.Contribute(c, true)
	assertContribution(t, got, want)

	// An open, flagged report counts now; on time instead of late.
	open := c
	open.Status, open.OverdueFlagged, open.Outcome, open.Rating, open.Recommendations = services.StatusInvestigating, true, nil, nil, nil
	open.Timeline = open.Timeline[:3]
	want = services.Contribution{
		in("2026-10"): {services.MeasureReceived: 1},
		dim("2026-10", services.StatsDimOffice, office):  {services.MeasureReceived: 1},
		dim("2026-10", services.StatsDimProcedure, proc): {services.MeasureReceived: 1},
		in("2026-11"):         {services.MeasureAccepted: 1},
		in(services.NowMonth): {services.MeasureOpen: 1, services.MeasureOverdue: 1, services.MeasureStatusPrefix + "investigating": 1},
	}
	assertContribution(t, services.Contribute(open, false), want)
}

func TestContributeStatusesCountOnce(t *testing.T) {
	at := time.Date(2026, 11, 5, 9, 0, 0, 0, services.VietnamTime)
	for _, tc := range []struct {
		status  services.Status
		measure string
	}{
		{services.StatusRejected, services.MeasureRejected},
		{services.StatusTransferred, services.MeasureTransferred},
		{services.StatusWithdrawn, services.MeasureWithdrawn},
		{services.StatusAccepted, services.MeasureAccepted},
	} {
		c := services.Case{ID: "r", Kind: services.KindFeedback, Status: tc.status, CreatedAt: at,
			Timeline: []services.Event{{At: at, Status: services.StatusReceived}, {At: at, Status: tc.status}, {At: at.AddDate(0, 1, 0), Status: tc.status}}}
		got := services.Contribute(c, false)
		cell := services.StatsCell{Month: "2026-11", Kind: services.KindFeedback, Channel: services.ChannelWeb}
		if n := got[cell][tc.measure]; n != 1 {
			t.Errorf("%s: %s counted %d times in its first month (%v)", tc.status, tc.measure, n, got)
		}
		now := cell
		now.Month = services.NowMonth
		if len(got) != 2 || got[now][services.MeasureStatusPrefix+string(tc.status)] != 1 || got[now][services.MeasureOpen] != int64(btoi(tc.status.Open())) {
			t.Errorf("%s: cells %v", tc.status, got)
		}
	}
	// An appeal (round 2) counts as an appeal received; the round-1 report
	// counts the appeal in the month it was made.
	c := services.Case{ID: "r2", Kind: services.KindComplaint, Round: 2, Status: services.StatusReceived, CreatedAt: at}
	if n := services.Contribute(c, false)[services.StatsCell{Month: "2026-11", Kind: services.KindComplaint, Channel: services.ChannelWeb}][services.MeasureAppeals]; n != 1 {
		t.Errorf("an appeal counts %d appeals", n)
	}
	// Nothing for a report without an id or a filing time.
	if got := services.Contribute(services.Case{}, false); len(got) != 0 {
		t.Errorf("an empty report counts %v", got)
	}
}

func TestContributionMinusIsTheChange(t *testing.T) {
	at := time.Date(2026, 11, 5, 9, 0, 0, 0, services.VietnamTime)
	before := services.Case{ID: "r", Kind: services.KindFeedback, Category: "fee", UnitID: "u1", Status: services.StatusReceived, CreatedAt: at,
		Timeline: []services.Event{{At: at, Status: services.StatusReceived}}}
	after := before
	after.UnitID = "u2" // rerouted: everything moves to the new unit
	after.Status = services.StatusRejected
	after.Timeline = append(after.Timeline, services.Event{At: at, Status: services.StatusRejected})
	d := services.Contribute(after, false).Minus(services.Contribute(before, false))
	sum := services.Contribute(before, false)
	sum.Add(d)
	assertContribution(t, sum, services.Contribute(after, false))
	// The change names both units: the old loses, the new gains.
	var lost, gained int64
	for cell, m := range d {
		switch cell.Unit {
		case "u1":
			lost += m[services.MeasureReceived] + m[services.MeasureOpen]
		case "u2":
			gained += m[services.MeasureReceived] + m[services.MeasureRejected]
		}
	}
	if lost != -2 || gained != 2 {
		t.Errorf("change %v: u1 %d, u2 %d", d, lost, gained)
	}
	if d := services.Contribute(after, false).Minus(services.Contribute(after, false)); len(d) != 0 {
		t.Errorf("no change gives %v", d)
	}
}

func TestDaysToResolveCountsVietnamDays(t *testing.T) {
	vn := services.VietnamTime
	for _, tc := range []struct {
		filed, concluded time.Time
		want             int
	}{
		{time.Date(2026, 11, 1, 23, 59, 0, 0, vn), time.Date(2026, 11, 2, 0, 1, 0, 0, vn), 1},
		{time.Date(2026, 11, 1, 8, 0, 0, 0, vn), time.Date(2026, 11, 1, 17, 0, 0, 0, vn), 0},
		{time.Date(2026, 12, 31, 8, 0, 0, 0, vn), time.Date(2027, 3, 1, 8, 0, 0, 0, vn), 60},
		{time.Date(2026, 11, 2, 8, 0, 0, 0, vn), time.Date(2026, 11, 1, 8, 0, 0, 0, vn), 0},
	} {
		if got := services.DaysToResolve(tc.filed.UTC(), tc.concluded.UTC()); got != tc.want {
			t.Errorf("DaysToResolve(%v, %v) = %d, want %d", tc.filed, tc.concluded, got, tc.want)
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func assertContribution(t *testing.T, got, want services.Contribution) {
	t.Helper()
	for cell, m := range want {
		if !maps.Equal(got[cell], m) {
			t.Errorf("cell %s: got %v, want %v", cell.Key(), got[cell], m)
		}
	}
	for cell, m := range got {
		if _, ok := want[cell]; !ok {
			t.Errorf("unexpected cell %s: %v", cell.Key(), m)
		}
	}
}

// FuzzFoldName: any text folds to lower-case words separated by single
// spaces, with no mark left, and folding it again changes nothing.
func FuzzFoldName(f *testing.F) {
	for _, s := range []string{"Chị Lan – bộ phận một cửa", "chi lan (Bo phan mot cua)", "Cán bộ Đức", "Anh chị cán bộ Ba Đình", "đ/c X", "", "   ", "ǅ Ⅻ ﬁ ẞ", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := services.FoldName(s)
		if again := services.FoldName(got); again != got {
			t.Fatalf("FoldName(%q) = %q, and again %q", s, got, again)
		}
		if strings.TrimSpace(got) != got || strings.Contains(got, "  ") {
			t.Fatalf("FoldName(%q) = %q: spaces", s, got)
		}
		for _, r := range got {
			if unicode.Is(unicode.Mn, r) || r == 'đ' || r == '|' {
				t.Fatalf("FoldName(%q) = %q holds %q", s, got, r)
			}
		}
	})
}

func TestSumFiguresReadsRatesAndPercentiles(t *testing.T) {
	cell := func(month, unit string) services.StatsCell {
		return services.StatsCell{Month: month, Unit: unit, Kind: services.KindComplaint, Category: "fee", Channel: services.ChannelWeb}
	}
	office := cell("2026-11", "u1")
	office.Dim, office.Value = services.StatsDimOffice, "mot cua"
	days := func(d int) string { return services.MeasureDaysPrefix + strconv.Itoa(d) }
	cells := services.Contribution{
		cell("2026-11", "u1"): {services.MeasureReceived: 10, services.MeasureConcluded: 5, services.MeasureConcludedPrefix + services.OutcomePartly: 2,
			services.MeasureConcludedPrefix + services.OutcomeSubstantiated: 3, services.MeasureOnTime: 4, services.MeasureLate: 1,
			days(3): 2, days(10): 2, days(40): 1, services.MeasureRated: 2, services.MeasureStars: 7, services.MeasureStarsPrefix + "3": 1,
			services.MeasureStarsPrefix + "4": 1, services.MeasureRecFiled: 2,
			services.MeasureRecAnswered: 1, services.MeasureRecOnTime: 1},
		cell("2026-12", "u1"):         {services.MeasureReceived: 4, services.MeasureConcluded: 5, services.MeasureOnTime: 5, days(10): 5},
		cell("2026-12", "u2"):         {services.MeasureReceived: 100, days(1): 100, services.MeasureStarsPrefix + "5": 3},
		cell(services.NowMonth, "u1"): {services.MeasureOpen: 6, services.MeasureOverdue: 2},
		office:                        {services.MeasureReceived: 10},
	}
	f := services.SumFigures(cells, func(c services.StatsCell) bool { return c.Unit == "u1" })
	if f.Received != 14 || f.Concluded != 10 || f.OnTime != 9 || f.Late != 1 || f.Open != 6 || f.Overdue != 2 || f.Rated != 2 ||
		f.ByOutcome[services.OutcomePartly] != 2 || f.ByOutcome[services.OutcomeSubstantiated] != 3 || f.RecOnTime != 1 || f.Satisfied != 1 {
		t.Fatalf("figures %+v", f)
	}
	// 10 resolutions: 3,3,10,10,10,10,10,10,10,40 → median (5th) 10, p90 (9th) 10.
	if f.OnTimeRate == nil || *f.OnTimeRate != 0.9 || f.MeanStars == nil || *f.MeanStars != 3.5 ||
		f.MedianDays == nil || *f.MedianDays != 10 || f.P90Days == nil || *f.P90Days != 10 {
		t.Fatalf("rates %+v", f)
	}
	// The histogram's edges: one value; the nearest rank at 90 of 10.
	one := services.SumFigures(services.Contribution{cell("2026-11", "u"): {days(7): 1}}, func(services.StatsCell) bool { return true })
	if *one.MedianDays != 7 || *one.P90Days != 7 {
		t.Fatalf("one resolution: %v %v", *one.MedianDays, *one.P90Days)
	}
	ten := services.Contribution{cell("2026-11", "u"): {}}
	for d := 1; d <= 10; d++ {
		ten[cell("2026-11", "u")][days(d)] = 1
	}
	if tf := services.SumFigures(ten, func(services.StatsCell) bool { return true }); *tf.MedianDays != 5 || *tf.P90Days != 9 {
		t.Fatalf("1..10: median %d, p90 %d", *tf.MedianDays, *tf.P90Days)
	}
	if none := services.SumFigures(cells, func(services.StatsCell) bool { return false }); none.OnTimeRate != nil || none.MedianDays != nil || none.MeanStars != nil {
		t.Fatalf("nothing kept: %+v", none)
	}
}

func TestOfficialNamesSplitsAndFolds(t *testing.T) {
	for in, want := range map[string][]string{
		"Ông Nguyễn Văn A, bà Trần Thị B":                 {"nguyen van a", "tran thi b"},
		"Chị Lan – bộ phận một cửa; anh Hùng\ncán bộ Đức": {"lan bo phan mot cua", "hung", "duc"},
		"ông Tuấn và bà Hoa":                              {"tuan", "hoa"},
		"Ông Tuấn, ông TUẤN, ong tuan":                    {"tuan"},
		"":                                                nil,
		" , ; ":                                           nil,
		"a,b,c,d,e,f,g,h,i,j,k,l":                         {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"},
		"Phòng Tài nguyên và Môi trường":                  {"phong tai nguyen", "moi truong"}, // "và" separates: names, not offices, go here
	} {
		if got := services.OfficialNames(in); !slices.Equal(got, want) {
			t.Errorf("OfficialNames(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzOfficialNames feeds a report's officials field (from anyone) to the
// split: it never panics, and each name is folded, non-empty, once, and at
// most ten.
func FuzzOfficialNames(f *testing.F) {
	f.Add("Ông Nguyễn Văn A (cán bộ tiếp nhận), bà Trần Thị B (phó phòng)")
	f.Add("chi lan (Bo phan mot cua); ong tran hung và cán bộ Đức")
	f.Add(",,,;;\n\r và and &")
	f.Fuzz(func(t *testing.T, s string) {
		names := services.OfficialNames(s)
		if len(names) > 10 {
			t.Fatalf("%d names", len(names))
		}
		for i, n := range names {
			if n == "" || services.FoldName(n) != n || slices.Contains(names[:i], n) {
				t.Fatalf("name %q of %q (%q)", n, s, names)
			}
		}
	})
}

func TestContributeCountsAnAppealsResult(t *testing.T) {
	at := time.Date(2026, 11, 5, 9, 0, 0, 0, services.VietnamTime)
	c := services.Case{ID: "r2", Kind: services.KindComplaint, Round: 2, Status: services.StatusConcluded, CreatedAt: at,
		Outcome: &services.Outcome{Result: services.OutcomeUnsubstantiated, ConcludedAt: at.AddDate(0, 0, 3)}}
	cell := services.StatsCell{Month: "2026-11", Kind: services.KindComplaint, Channel: services.ChannelWeb}
	got := services.Contribute(c, false)[cell]
	if got[services.MeasureAppealConcludedPrefix+services.OutcomeUnsubstantiated] != 1 || got[services.MeasureAppeals] != 1 {
		t.Errorf("round 2: %v", got)
	}
	c.Round = 1
	if n := services.Contribute(c, false)[cell][services.MeasureAppealConcludedPrefix+services.OutcomeUnsubstantiated]; n != 0 {
		t.Errorf("round 1 counted as an appeal's result")
	}
	f := services.SumFigures(services.Contribute(services.Case{ID: "r3", Kind: services.KindComplaint, Round: 2, Status: services.StatusConcluded,
		CreatedAt: at, Outcome: &services.Outcome{Result: services.OutcomePartly, ConcludedAt: at}}, false), func(services.StatsCell) bool { return true })
	if f.AppealsByOutcome[services.OutcomePartly] != 1 {
		t.Errorf("figures: %+v", f.AppealsByOutcome)
	}
}
