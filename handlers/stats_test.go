package handlers_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"minhbach/services"
)

// statsReport is a report of the statistics workload, with what its
// citizen and staff need to move it.
type statsReport struct {
	r      createdReport
	id     string
	kind   string
	status string
	recs   []string // recommendations not yet answered
}

// TestStatsCountersEqualTheRebuild runs a random workload through the API
// (hundreds of reports; every move of the status machine by its staff or
// citizen; assignments, extensions, Front recommendations and their
// answers, appeals, the sweep's overdue flags; some moves sent twice, some
// at once) while the statistics feed folds the writes in the background
// as the portal does, and then finds the counters exactly equal to those a
// rebuild computes from the reports (docs/statistics.md).
func TestStatsCountersEqualTheRebuild(t *testing.T) {
	f := newFixture(t)
	st := f.storyStaff(t)
	ctx, cancel := context.WithCancel(context.Background())
	var serving sync.WaitGroup
	serveErrs := make(chan error, 1000)
	serving.Go(func() {
		for ctx.Err() == nil {
			if err := f.Stats.Serve(ctx, time.Second); err != nil && ctx.Err() == nil {
				serveErrs <- err
			}
		}
	})
	rng := rand.New(rand.NewPCG(13, 5))
	kinds := []string{"feedback", "complaint", "denunciation"}
	var reports []*statsReport
	file := func() {
		kind := kinds[rng.IntN(3)]
		r := f.fileNamed(t, kind)
		c, err := f.env.Store.FindCaseByTrackingCode(context.Background(), r.TrackingCode)
		if err != nil {
			t.Fatal(err)
		}
		reports = append(reports, &statsReport{r: r, id: c.ID, kind: kind, status: "received"})
	}
	// send makes one request and tells its status (a repeated or refused
	// move is part of the workload, not a failure).
	send := func(token, method, path, body string) int {
		return f.do(method, path, "application/json", strings.NewReader(body), "Authorization", "Bearer "+token).Code
	}
	citizen := func(p *statsReport) string {
		var sess struct{ Token string }
		f.call(t, "", http.MethodPost, "/api/v1/track/session", `{"trackingCode":"`+p.r.TrackingCode+`","receipt":"`+p.r.Receipt+`"}`, http.StatusOK, &sess)
		return sess.Token
	}
	move := func(p *statsReport) {
		base := "/api/v1/cases/" + p.id
		staff := func(token, body, to string) {
			if send(token, http.MethodPost, base+"/transitions", body) == http.StatusOK {
				p.status = to
			}
		}
		switch x := rng.IntN(100); p.status {
		case "received":
			switch {
			case x < 45:
				staff(st.inspector.access, `{"to":"accepted"}`, "accepted")
			case x < 55:
				staff(st.inspector.access, `{"to":"rejected","reason":"Không thuộc thẩm quyền"}`, "rejected")
			case x < 65:
				staff(st.lead.access, `{"to":"transferred","transferTo":"UBND quận 1"}`, "transferred")
			case x < 75:
				if send(citizen(p), http.MethodPost, "/api/v1/track/withdraw", `{"reason":"Đã được giải quyết"}`) == http.StatusOK {
					p.status = "withdrawn"
				}
			default:
				send(st.lead.access, http.MethodPost, base+"/assign", `{"assigneeId":"`+st.inspector.user.ID+`"}`)
			}
		case "accepted":
			switch {
			case x < 60:
				staff(st.inspector.access, `{"to":"investigating"}`, "investigating")
			case x < 85:
				var ext struct{ ID string }
				w := f.do(http.MethodPost, base+"/extensions", "application/json", strings.NewReader(`{"days":10,"reason":"Phức tạp"}`), "Authorization", "Bearer "+st.inspector.access)
				if w.Code == http.StatusCreated {
					decodeJSON(t, w.Body.Bytes(), &ext)
					send(st.lead.access, http.MethodPost, base+"/extensions/"+ext.ID+"/decision", fmt.Sprintf(`{"approve":%v}`, rng.IntN(3) > 0))
				}
			default:
				if send(citizen(p), http.MethodPost, "/api/v1/track/withdraw", `{"reason":"Không cần nữa"}`) == http.StatusOK {
					p.status = "withdrawn"
				}
			}
		case "investigating":
			switch {
			case x < 25:
				answerBy := f.clock.Now().AddDate(0, 0, 1+rng.IntN(5)).In(services.VietnamTime).Format("2006-01-02")
				var rec struct{ ID string }
				w := f.do(http.MethodPost, base+"/recommendations", "application/json", strings.NewReader(`{"text":"Đề nghị xác minh","answerBy":"`+answerBy+`"}`), "Authorization", "Bearer "+st.monitor.access)
				if w.Code == http.StatusCreated {
					decodeJSON(t, w.Body.Bytes(), &rec)
					p.recs = append(p.recs, rec.ID)
				}
			case x < 45 && len(p.recs) > 0:
				if send(st.inspector.access, http.MethodPost, base+"/recommendations/"+p.recs[0]+"/answer", `{"answer":"Đã xác minh"}`) == http.StatusOK {
					p.recs = p.recs[1:]
				}
			default:
				outcome := []string{"substantiated", "partly_substantiated", "unsubstantiated"}[rng.IntN(3)]
				staff(st.lead.access, `{"to":"concluded","outcome":"`+outcome+`","actions":"Đã xử lý","reply":"Kết quả"}`, "concluded")
			}
		case "concluded":
			switch {
			case x < 50:
				if send(citizen(p), http.MethodPost, "/api/v1/track/rating", fmt.Sprintf(`{"rating":%d}`, 1+rng.IntN(5))) == http.StatusOK {
					p.status = "closed"
				}
			case x < 75 && p.kind != "feedback":
				var created createdReport
				w := f.do(http.MethodPost, "/api/v1/track/appeal", "application/json", strings.NewReader(`{"reason":"Chưa đồng ý"}`), "Authorization", "Bearer "+citizen(p))
				if w.Code == http.StatusCreated {
					decodeJSON(t, w.Body.Bytes(), &created)
					p.status = "appealed"
					c, err := f.env.Store.FindCaseByTrackingCode(context.Background(), created.TrackingCode)
					if err != nil {
						t.Fatal(err)
					}
					reports = append(reports, &statsReport{r: created, id: c.ID, kind: p.kind, status: "received"})
				}
			}
		}
	}

	for range 120 {
		file()
	}
	for step := range 500 {
		switch {
		case step%25 == 24:
			// Days pass: the months, the on-time rate and the sweep's
			// overdue flags move.
			f.clock.advance(time.Duration(1+rng.IntN(9)) * 24 * time.Hour)
			if _, err := f.Sweeper.Sweep(context.Background()); err != nil {
				t.Fatal(err)
			}
			// The staff sign in again (their sessions ended meanwhile).
			st.inspector = f.staffLogin(t, "inspector@story.test", "")
			st.lead = f.staffLogin(t, "lead@story.test", "")
			st.monitor = f.staffLogin(t, "monitor@story.test", "")
		case step%10 == 9:
			file()
		case step%50 == 7:
			// Moves of different reports at once.
			var wg sync.WaitGroup
			for _, p := range distinctReports(rng, reports, 4) {
				wg.Go(func() { sendOnce(f, st, p) })
			}
			wg.Wait()
		default:
			p := reports[rng.IntN(len(reports))]
			move(p)
			if rng.IntN(10) == 0 {
				move(p) // the same report again at once
			}
		}
	}
	cancel()
	serving.Wait()
	close(serveErrs)
	for err := range serveErrs {
		t.Errorf("statistics feed: %v", err)
	}
	// What the feed had not folded yet, and a catch-up, as the next term
	// of the lease would.
	bg := context.Background()
	if err := f.Stats.Flush(bg); err != nil {
		t.Fatal(err)
	}
	if err := f.Stats.CatchUp(bg); err != nil {
		t.Fatal(err)
	}
	counted, err := f.env.Store.StatsCells(bg)
	if err != nil {
		t.Fatal(err)
	}
	rebuilt, differ, err := services.RebuildStats(bg, f.env.Store, f.StatsLate, f.clock.Now, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range differ {
		t.Errorf("cell %s: counted %v, rebuilt %v", c.Key(), counted[c], rebuilt[c])
	}
	if len(differ) > 0 {
		var ids []string
		for _, p := range reports {
			ids = append(ids, p.id)
		}
		marks, _ := f.env.Store.FindStatsMarks(bg, ids)
		cases, _ := f.env.Store.FindCasesByIDs(bg, ids)
		for _, c := range cases {
			m := marks[c.ID]
			for cell, ms := range m.Counts {
				if cell.Month == services.NowMonth {
					for k := range ms {
						if strings.HasPrefix(k, "status:") && k != "status:"+string(c.Status) {
							var tl []string
							for _, e := range c.Timeline {
								tl = append(tl, string(e.Type)+"/"+string(e.Status))
							}
							t.Logf("DEBUG %s v%d mark v%d %s; status %s; timeline %v", c.ID, c.Version, m.Version, k, c.Status, tl)
						}
					}
				}
			}
		}
	}
	statuses := map[string]int{}
	for _, p := range reports {
		statuses[p.status]++
	}
	var received int64
	for cell, m := range rebuilt {
		if cell.Dim == "" {
			received += m[services.MeasureReceived]
		}
	}
	if received != int64(len(reports)) || len(statuses) < 7 {
		t.Errorf("the workload: %d reports received (counted %d), ending in %v", len(reports), received, statuses)
	}
	t.Logf("%d reports ending in %v; %d cells", len(reports), statuses, len(rebuilt))

	// The rebuild writes the same counters.
	if _, _, err := services.RebuildStats(bg, f.env.Store, f.StatsLate, f.clock.Now, true); err != nil {
		t.Fatal(err)
	}
	again, err := f.env.Store.StatsCells(bg)
	if err != nil {
		t.Fatal(err)
	}
	if d := again.Minus(counted); len(d) != 0 {
		t.Errorf("the rebuild wrote other counters: %v", d)
	}
}

// sendOnce accepts a received report or moves an accepted one on (a move
// sent from several goroutines at once).
func sendOnce(f *fixture, st storyStaff, p *statsReport) {
	to := map[string]string{"received": "accepted", "accepted": "investigating"}[p.status]
	if to == "" {
		return
	}
	w := f.do(http.MethodPost, "/api/v1/cases/"+p.id+"/transitions", "application/json", strings.NewReader(`{"to":"`+to+`"}`),
		"Authorization", "Bearer "+st.inspector.access)
	if w.Code == http.StatusOK {
		p.status = to
	}
}

func distinctReports(rng *rand.Rand, all []*statsReport, n int) []*statsReport {
	var out []*statsReport
	for _, i := range rng.Perm(len(all))[:min(n, len(all))] {
		out = append(out, all[i])
	}
	return out
}

func decodeJSON(t *testing.T, b []byte, out any) {
	t.Helper()
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
}

// TestStaffStatsScope: GET /api/v1/stats answers exact figures within the
// caller's scope — an inspector's or lead's unit, a monitor's committee,
// the whole portal for an administrator — and refuses another unit's or
// committee's; a bad range is a 400 naming the field.
func TestStaffStatsScope(t *testing.T) {
	f := newFixture(t)
	st := f.storyStaff(t)
	ctx := context.Background()
	other := f.unit(t, "unit-other")
	otherFront := f.unit(t, "front-other")
	f.mkUser(t, "inspector@other.test", services.RoleInspector, "unit-other")
	f.mkUser(t, "monitor@other.test", services.RoleMonitor, "front-other")
	f.mkUser(t, "admin@stats.test", services.RoleAdmin, "")
	otherInspector := f.staffLogin(t, "inspector@other.test", "")
	otherMonitor := f.staffLogin(t, "monitor@other.test", "")
	admin := f.staffLogin(t, "admin@stats.test", "")

	var ids []string
	for _, kind := range []string{"complaint", "complaint", "denunciation", "feedback"} {
		r := f.fileNamed(t, kind)
		c, err := f.env.Store.FindCaseByTrackingCode(ctx, r.TrackingCode)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	f.conclude(t, st.lead, ids[0])
	f.call(t, st.inspector.access, http.MethodPost, "/api/v1/cases/"+ids[1]+"/transitions", `{"to":"rejected","reason":"Không thuộc thẩm quyền"}`, http.StatusOK, nil)
	if err := f.Stats.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	type answer struct {
		Unit, Front string
		Rows        []struct{ Month string }
		Total       services.Figures
	}
	get := func(s session, query string, want int) answer {
		t.Helper()
		var a answer
		f.call(t, s.access, http.MethodGet, "/api/v1/stats"+query, "", want, &a)
		return a
	}
	for name, s := range map[string]session{"inspector": st.inspector, "lead": st.lead, "monitor": st.monitor, "admin": admin} {
		a := get(s, "", http.StatusOK)
		tot := a.Total
		if tot.Received != 4 || tot.Concluded != 1 || tot.Rejected != 1 || tot.ByOutcome[services.OutcomeUnsubstantiated] != 1 ||
			tot.Open != 2 || tot.OnTime+tot.Late != 1 || tot.MedianDays == nil {
			t.Errorf("%s: %+v", name, a)
		}
		k := get(s, "?kind=complaint&monthly=true", http.StatusOK)
		if k.Total.Received != 2 || len(k.Rows) != 12 {
			t.Errorf("%s, complaints by month: %+v", name, k)
		}
	}
	// By area: the commune, its province, another commune.
	for query, want := range map[string]int64{"?area=26743": 4, "?area=79": 4, "?area=26734": 0, "?category=bribe": 4, "?category=fee": 0} {
		if a := get(st.lead, query, http.StatusOK); a.Total.Received != want {
			t.Errorf("%s: %d received, want %d", query, a.Total.Received, want)
		}
	}
	if a := get(st.inspector, "", http.StatusOK); a.Unit != st.unitID {
		t.Errorf("an inspector's scope: %+v", a)
	}
	if a := get(st.monitor, "", http.StatusOK); a.Front != st.frontID {
		t.Errorf("a monitor's scope: %+v", a)
	}
	// Another unit's staff and another committee's monitors see their own
	// (empty) figures, and are refused this unit's and committee's.
	for name, s := range map[string]session{"inspector/other": otherInspector, "monitor/other": otherMonitor} {
		if a := get(s, "", http.StatusOK); a.Total.Received != 0 || a.Total.Open != 0 {
			t.Errorf("%s sees %+v", name, a)
		}
	}
	for _, c := range []struct {
		s     session
		query string
	}{{otherInspector, "?unit=" + st.unitID}, {st.inspector, "?unit=" + other}, {otherMonitor, "?front=" + st.frontID}, {st.monitor, "?front=" + otherFront}} {
		w := f.do(http.MethodGet, "/api/v1/stats"+c.query, "", nil, "Authorization", "Bearer "+c.s.access)
		if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), `"reason":"stats_out_of_scope"`) {
			t.Errorf("%s: %d %s", c.query, w.Code, w.Body)
		}
	}
	// An administrator may narrow to any unit or committee.
	if a := get(admin, "?unit="+other, http.StatusOK); a.Total.Received != 0 {
		t.Errorf("admin, other unit: %+v", a)
	}
	if a := get(admin, "?front="+st.frontID, http.StatusOK); a.Total.Received != 4 {
		t.Errorf("admin, the committee: %+v", a)
	}
	// Bad requests name their field; nobody signed in gets 401.
	for query, field := range map[string]string{"?from=2026-13": "from", "?to=soon": "to", "?from=2020-01&to=2026-12": "from",
		"?from=2026-12&to=2026-01": "from", "?monthly=maybe": "monthly", "?area=99999": "area"} {
		w := f.do(http.MethodGet, "/api/v1/stats"+query, "", nil, "Authorization", "Bearer "+st.lead.access)
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `"`+field+`"`) {
			t.Errorf("%s: %d %s", query, w.Code, w.Body)
		}
	}
	if w := f.do(http.MethodGet, "/api/v1/stats", "", nil); w.Code != http.StatusUnauthorized {
		t.Errorf("anonymous: %d", w.Code)
	}
}

// TestPublicStatsProtectAOneReportWard is the subtraction attack through
// the API: a province with seven reports, six in one ward and one in
// another. The public must not learn the lone ward's count, neither
// directly nor as the province's total less the other ward's; staff see
// it exactly (docs/statistics.md, "Public figures").
func TestPublicStatsProtectAOneReportWard(t *testing.T) {
	f := newFixture(t)
	f.storyStaff(t)
	ctx := context.Background()
	for i := range 7 {
		body := strings.Replace(validFeedback, `"anonymous":true`, storyIdentity, 1)
		if i == 6 {
			body = strings.Replace(body, `"areaCode":"26743"`, `"areaCode":"26734"`, 1)
		}
		f.call(t, "", http.MethodPost, "/api/v1/complaints", body, http.StatusCreated, nil)
	}
	if err := f.Stats.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	type figures struct {
		Received *int64
		Open     *int64
		Withheld map[string]string
	}
	type answer struct {
		K     int64
		Slice struct{ Dim, Key string }
		Rows  []struct {
			Month string
			figures
		}
		Groups []struct {
			Dim, Key string
			figures
		}
		Total figures
	}
	get := func(query string) answer {
		t.Helper()
		var a answer
		f.call(t, "", http.MethodGet, "/api/v1/stats/public"+query, "", http.StatusOK, &a)
		return a
	}
	all := get("?monthly=true")
	if all.K != 5 || all.Total.Received == nil || *all.Total.Received != 7 || len(all.Rows) != 12 {
		t.Fatalf("every report: %+v", all)
	}
	lone := get("?area=26734")
	if lone.Slice.Dim != "commune" || lone.Total.Received != nil || lone.Total.Withheld["received"] != services.WithheldOther {
		t.Errorf("the lone ward over twelve months: %+v", lone)
	}
	month := get("?area=26734&from=" + all.Rows[11].Month + "&to=" + all.Rows[11].Month)
	if month.Total.Received != nil || month.Total.Withheld["received"] != services.WithheldFewer ||
		month.Total.Open != nil || month.Total.Withheld["open"] != services.WithheldFewer {
		t.Errorf("the lone ward this month: %+v", month)
	}
	// The attack: the province less every published ward.
	prov := get("?area=79&by=commune")
	if prov.Total.Received != nil {
		left := *prov.Total.Received
		hidden := 0
		for _, g := range prov.Groups {
			if g.Received != nil {
				left -= *g.Received
			} else {
				hidden++
			}
		}
		if hidden < 2 {
			t.Errorf("the province shows %d and hides only %d ward: %d is the lone ward's count; %+v", *prov.Total.Received, hidden, left, prov.Groups)
		}
	}
	// Staff see the exact figure (the lone report went to the unit the
	// routing rules name for its ward; an administrator sees every unit).
	f.mkUser(t, "admin@public.test", services.RoleAdmin, "")
	admin := f.staffLogin(t, "admin@public.test", "")
	var exact struct{ Total services.Figures }
	f.call(t, admin.access, http.MethodGet, "/api/v1/stats?area=26734", "", http.StatusOK, &exact)
	if exact.Total.Received != 1 {
		t.Errorf("the admin sees %d in the ward", exact.Total.Received)
	}
	// The open data download says the same.
	w := f.do(http.MethodGet, "/api/v1/stats/public?area=79&by=commune&format=csv", "", nil)
	csv := w.Body.String()
	if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/csv") ||
		!strings.HasPrefix(csv, "from,to,month,dim,key,name_vi,name_en,received,") || !strings.Contains(csv, ",withheld,") ||
		strings.Count(csv, "\n") != 1+len(prov.Groups)+1 {
		t.Errorf("CSV: %d %s\n%s", w.Code, w.Header(), csv)
	}
	// The charts draw the same protected figures: the lone ward is marked,
	// never drawn as a bar.
	for query, want := range map[string][]string{
		"?chart=flow":                                               {"Reports received and concluded by month", "Received"},
		"?chart=ontime&lang=vi":                                     {"Tỷ lệ kết luận đúng hạn theo tháng"},
		"?chart=slices&area=79&by=commune":                          {"Reports received by commune", "withheld"},
		"?chart=slices&by=kind&lang=vi":                             {"theo loại"},
		"?chart=flow&area=26734&lang=en&from=" + all.Rows[11].Month: {"&lt;5"},
	} {
		if !strings.Contains(query, "lang=") {
			query += "&lang=en"
		}
		w := f.do(http.MethodGet, "/api/v1/stats/public/chart.svg"+query, "", nil)
		svg := w.Body.String()
		if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "image/svg+xml; charset=utf-8" {
			t.Errorf("%s: %d %s", query, w.Code, svg)
			continue
		}
		d := xml.NewDecoder(strings.NewReader(svg))
		bars := 0
		for {
			tok, err := d.Token()
			if err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("%s: not XML: %v\n%s", query, err, svg)
			}
			if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "rect" {
				bars++
			}
		}
		for _, s := range want {
			if !strings.Contains(svg, s) {
				t.Errorf("%s lacks %q:\n%s", query, s, svg)
			}
		}
		if bars < 2 || strings.Contains(query, "26734") && strings.Contains(svg, "Received: ") {
			t.Errorf("%s: %d bars, or a withheld count drawn as one:\n%s", query, bars, svg)
		}
	}
	for _, query := range []string{"", "?chart=pie", "?chart=slices", "?chart=flow&lang=fr", "?chart=flow&area=1"} {
		if w := f.do(http.MethodGet, "/api/v1/stats/public/chart.svg"+query, "", nil); w.Code != http.StatusBadRequest {
			t.Errorf("chart %s: %d %s", query, w.Code, w.Body)
		}
	}
	// Refused: two filters (a cross table), communes of no province, an
	// unknown area, a bad range.
	for query, field := range map[string]string{"?kind=complaint&category=bribe": "category", "?by=commune": "by",
		"?area=26743&by=commune": "by", "?kind=complaint&by=unit": "by", "?area=99999": "area", "?from=2026-13": "from",
		"?by=office": "by", "?format=xlsx": "format", "?monthly=yes": "monthly"} {
		w := f.do(http.MethodGet, "/api/v1/stats/public"+query, "", nil)
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `"`+field+`"`) {
			t.Errorf("%s: %d %s", query, w.Code, w.Body)
		}
	}
}

// TestHotspotsWithinScope files reports about one office, counter and
// official spelled in different ways, and finds them grouped for the
// unit's staff and the committee's monitors, while another unit's staff
// and another committee's monitors see none of them and are refused them.
func TestHotspotsWithinScope(t *testing.T) {
	f := newFixture(t)
	st := f.storyStaff(t)
	ctx := context.Background()
	f.unit(t, "unit-other")
	f.unit(t, "front-other")
	f.mkUser(t, "inspector@other.test", services.RoleInspector, "unit-other")
	f.mkUser(t, "monitor@other.test", services.RoleMonitor, "front-other")
	f.mkUser(t, "admin@hot.test", services.RoleAdmin, "")
	otherInspector := f.staffLogin(t, "inspector@other.test", "")
	otherMonitor := f.staffLogin(t, "monitor@other.test", "")
	admin := f.staffLogin(t, "admin@hot.test", "")
	spellings := []struct{ office, counter, officials string }{
		{"UBND phường Bến Thành", "Quầy số 3", "Chị Lan – bộ phận một cửa, Ông Trần Hùng"},
		{"ubnd phuong ben thanh", "quầy SỐ 3", "chi lan (Bo phan mot cua); ong tran hung"},
		{"UBND Phường Bến Thành.", "Quay so 3", "  CHỊ   LAN - Bộ Phận Một Cửa và cán bộ Nguyễn Văn Đức"},
	}
	for _, s := range spellings {
		body := strings.Replace(validFeedback, `"anonymous":true`, storyIdentity, 1)
		body = strings.Replace(body, `"office":"UBND phường Bến Thành"`, `"office":"`+s.office+`"`, 1)
		body = strings.Replace(body, `"counter":"Quầy số 3"`, `"counter":"`+s.counter+`"`, 1)
		body = strings.Replace(body, `"officials":"Ông N.V.A"`, `"officials":"`+s.officials+`"`, 1)
		f.call(t, "", http.MethodPost, "/api/v1/complaints", body, http.StatusCreated, nil)
	}
	if err := f.Stats.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	type answer struct {
		Min  int
		Dims map[string][]services.Hotspot
	}
	get := func(s session, query string, want int) answer {
		t.Helper()
		var a answer
		f.call(t, s.access, http.MethodGet, "/api/v1/stats/hotspots"+query, "", want, &a)
		return a
	}
	names := func(hs []services.Hotspot) map[string]int64 {
		out := map[string]int64{}
		for _, h := range hs {
			out[h.Name] = h.Received
		}
		return out
	}
	for who, s := range map[string]session{"inspector": st.inspector, "lead": st.lead, "monitor": st.monitor, "admin": admin} {
		a := get(s, "", http.StatusOK)
		if a.Min != services.DefaultHotspotMin {
			t.Errorf("%s: min %d", who, a.Min)
		}
		office := services.FoldName("UBND phường Bến Thành")
		want := map[string]map[string]int64{
			services.StatsDimOffice:    {office: 3},
			services.StatsDimCounter:   {office + " · " + services.FoldName("Quầy số 3"): 3},
			services.StatsDimProcedure: {services.FoldName("Cấp giấy phép xây dựng"): 3},
			services.StatsDimOfficial:  {services.FoldName("Chị Lan – bộ phận một cửa"): 3},
		}
		for dim, w := range want {
			if got := names(a.Dims[dim]); !maps.Equal(got, w) {
				t.Errorf("%s, %s: %v, want %v", who, dim, got, w)
			}
		}
		// min=1 lists the officials named fewer times too.
		if got := names(get(s, "?min=1", http.StatusOK).Dims[services.StatsDimOfficial]); got[services.FoldName("Ông Trần Hùng")] != 2 ||
			got[services.FoldName("cán bộ Nguyễn Văn Đức")] != 1 || len(got) != 3 {
			t.Errorf("%s, officials at min 1: %v", who, got)
		}
	}
	for who, s := range map[string]session{"inspector/other": otherInspector, "monitor/other": otherMonitor} {
		for dim, hs := range get(s, "?min=1", http.StatusOK).Dims {
			if len(hs) != 0 {
				t.Errorf("%s sees %s %v", who, dim, hs)
			}
		}
	}
	for _, c := range []struct {
		s     session
		query string
	}{{otherInspector, "?unit=" + st.unitID}, {otherMonitor, "?front=" + st.frontID}, {st.inspector, "?front=" + st.frontID}, {st.monitor, "?unit=" + st.unitID}} {
		w := f.do(http.MethodGet, "/api/v1/stats/hotspots"+c.query, "", nil, "Authorization", "Bearer "+c.s.access)
		if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), `"reason":"stats_out_of_scope"`) {
			t.Errorf("%s: %d %s", c.query, w.Code, w.Body)
		}
	}
	for _, q := range []string{"?min=0", "?min=x", "?min=1001", "?from=2026-13"} {
		if w := f.do(http.MethodGet, "/api/v1/stats/hotspots"+q, "", nil, "Authorization", "Bearer "+st.lead.access); w.Code != http.StatusBadRequest {
			t.Errorf("%s: %d %s", q, w.Code, w.Body)
		}
	}
	// Never public: the public figures carry no office, counter, procedure
	// or official.
	w := f.do(http.MethodGet, "/api/v1/stats/public?by=unit", "", nil)
	if body := strings.ToLower(w.Body.String()); strings.Contains(body, "ben thanh") || strings.Contains(body, "lan") && strings.Contains(body, "mot cua") {
		t.Errorf("the public figures name a place or person: %s", w.Body)
	}
}

// TestRelatedReportsWithinScope: on a report's page, the other reports
// about the same office (spelled otherwise) or the same official, of the
// caller's unit or committee only; a report re-routed to another unit
// leaves the list of this unit's staff and joins that unit's.
func TestRelatedReportsWithinScope(t *testing.T) {
	f := newFixture(t)
	st := f.storyStaff(t)
	ctx := context.Background()
	other := f.unit(t, "unit-other")
	f.mkUser(t, "inspector@other.test", services.RoleInspector, "unit-other")
	otherInspector := f.staffLogin(t, "inspector@other.test", "")
	file := func(office, officials string) string {
		body := strings.Replace(validFeedback, `"anonymous":true`, storyIdentity, 1)
		body = strings.Replace(body, `"office":"UBND phường Bến Thành"`, `"office":"`+office+`"`, 1)
		body = strings.Replace(body, `"officials":"Ông N.V.A"`, `"officials":"`+officials+`"`, 1)
		var created createdReport
		f.call(t, "", http.MethodPost, "/api/v1/complaints", body, http.StatusCreated, &created)
		c, err := f.env.Store.FindCaseByTrackingCode(ctx, created.TrackingCode)
		if err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	this := file("UBND phường Bến Thành", "Chị Lan – bộ phận một cửa")
	sameOffice := file("ubnd phuong ben thanh", "")
	sameOfficial := file("Công an phường 3", "chi lan (Bo phan mot cua), anh Hùng")
	elsewhere := file("Công an phường 3", "Ông Tuấn")
	moved := file("UBND Phường Bến Thành.", "")
	f.call(t, st.lead.access, http.MethodPost, "/api/v1/cases/"+moved+"/route", `{"unitId":"`+other+`","reason":"Đúng thẩm quyền"}`, http.StatusOK, nil)
	type related struct {
		Items []services.RelatedReport
	}
	get := func(s session, id string) related {
		t.Helper()
		var r related
		f.call(t, s.access, http.MethodGet, "/api/v1/cases/"+id+"/related", "", http.StatusOK, &r)
		return r
	}
	ids := func(r related) []string {
		var out []string
		for _, it := range r.Items {
			out = append(out, it.ID)
		}
		return out
	}
	for who, s := range map[string]session{"inspector": st.inspector, "lead": st.lead} {
		r := get(s, this)
		if got := ids(r); !slices.Equal(got, []string{sameOfficial, sameOffice}) {
			t.Fatalf("%s: %v, want %v (elsewhere %s, moved %s)", who, got, []string{sameOfficial, sameOffice}, elsewhere, moved)
		}
		if it := r.Items[0]; it.Office || !slices.Equal(it.Officials, []string{services.FoldName("chị Lan – bộ phận một cửa")}) || it.Status != services.StatusReceived {
			t.Errorf("%s: the official's match %+v", who, it)
		}
		if it := r.Items[1]; !it.Office || len(it.Officials) != 0 {
			t.Errorf("%s: the office's match %+v", who, it)
		}
	}
	// The committee supervises all five (the re-routed one too, whichever
	// committee its area names).
	if got := ids(get(st.monitor, this)); !slices.Contains(got, sameOffice) || !slices.Contains(got, sameOfficial) || slices.Contains(got, this) || slices.Contains(got, elsewhere) {
		t.Errorf("monitor: %v", got)
	}
	// The other unit's inspector sees the moved report's relatives in
	// their unit only (none), and not this unit's report at all.
	if got := ids(get(otherInspector, moved)); len(got) != 0 {
		t.Errorf("the other unit sees %v", got)
	}
	if w := f.do(http.MethodGet, "/api/v1/cases/"+this+"/related", "", nil, "Authorization", "Bearer "+otherInspector.access); w.Code != http.StatusNotFound {
		t.Errorf("another unit's inspector: %d %s", w.Code, w.Body)
	}
}

// TestPublicStatsKeepTheCatalogueNames: the public figures read the names
// of their slices from a kept copy of the catalogue (not on every
// answer), and an administrator's change is seen at once.
func TestPublicStatsKeepTheCatalogueNames(t *testing.T) {
	f := newFixture(t, func(o *fixtureOptions) { o.cacheTTL = time.Hour })
	ctx := context.Background()
	name := func() string {
		t.Helper()
		var a struct{ Slice services.PublicSlice }
		f.call(t, "", http.MethodGet, "/api/v1/stats/public?area=79", "", http.StatusOK, &a)
		return a.Slice.Name.VI
	}
	first := name()
	if first == "" {
		t.Fatal("the province has no name")
	}
	// A change behind the portal's back (another process) is read after
	// the TTL, not on the next answer.
	old, err := f.env.Store.FindArea(ctx, "79")
	if err != nil {
		t.Fatal(err)
	}
	renamed := old
	renamed.Name = services.Text{VI: "Tỉnh đổi tên ngầm", EN: "Quietly renamed"}
	if err := f.env.Store.UpdateArea(ctx, old, renamed); err != nil {
		t.Fatal(err)
	}
	if got := name(); got != first {
		t.Fatalf("the catalogue was read again for an answer within the TTL: %q", got)
	}
	// An administrator's change through the portal is seen at once.
	f.mkUser(t, "admin@names.test", services.RoleAdmin, "")
	admin := f.staffLogin(t, "admin@names.test", "")
	f.call(t, admin.access, http.MethodPatch, "/api/v1/admin/areas/79", `{"name":{"vi":"Thành phố Hồ Chí Minh (mới)","en":"Ho Chi Minh City (new)"}}`,
		http.StatusOK, nil)
	if got := name(); got != "Thành phố Hồ Chí Minh (mới)" {
		t.Fatalf("after the administrator's change: %q", got)
	}
}

// TestPublicStatsFollowTheCounters: the protected tables the public
// figures keep (a month's, while its counters and names are unchanged)
// give way to new ones as soon as a report is counted.
func TestPublicStatsFollowTheCounters(t *testing.T) {
	f := newFixture(t, func(o *fixtureOptions) { o.cacheTTL = time.Hour })
	f.storyStaff(t)
	ctx := context.Background()
	received := func() int64 {
		t.Helper()
		var a struct {
			Total struct{ Received *int64 }
		}
		f.call(t, "", http.MethodGet, "/api/v1/stats/public", "", http.StatusOK, &a)
		if a.Total.Received == nil {
			return -1
		}
		return *a.Total.Received
	}
	for i := range 7 {
		f.call(t, "", http.MethodPost, "/api/v1/complaints", validFeedback, http.StatusCreated, nil)
		if err := f.Stats.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		want := int64(i + 1)
		if want < 5 {
			want = -1 // fewer than k
		}
		if got := received(); got != want || received() != want {
			t.Fatalf("after %d reports: %d received, want %d", i+1, got, want)
		}
	}
}
