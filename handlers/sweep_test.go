package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"minhbach/internal/mailer"
	"minhbach/internal/mongostore"
	"minhbach/services"
)

// outboxFor lists the queued, unsent notifications about one report.
func (f *fixture) outboxFor(t *testing.T, caseID string) []services.Notification {
	t.Helper()
	all, err := f.env.Store.DueNotifications(context.Background(), f.clock.Now().Add(24*time.Hour), 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []services.Notification
	for _, n := range all {
		if n.CaseID == caseID {
			out = append(out, n)
		}
	}
	return out
}

// TestOverdueSweep: with the clock moved on, a report passes its due date;
// the sweep flags it once, the monitor's overdue list shows it, the unit's
// lead is told once, and the monitor gets one digest a day.
// It runs with the database answering the sweep's selections (MongoDB) and
// with the queue index (the embedded default).
func TestOverdueSweep(t *testing.T) {
	bothSweepPaths(t, testOverdueSweep)
}

// bothSweepPaths runs test on a fixture without and with a queue index.
func bothSweepPaths(t *testing.T, test func(*testing.T, *fixture)) {
	for _, indexed := range []bool{false, true} {
		t.Run(map[bool]string{false: "database", true: "queue-index"}[indexed], func(t *testing.T) {
			test(t, newFixture(t, func(o *fixtureOptions) { o.queueIndex = indexed }))
		})
	}
}

func testOverdueSweep(t *testing.T, f *fixture) {
	st := f.storyStaff(t)
	ctx := context.Background()
	r, c := f.fileCase(t, "complaint")
	var overdue struct {
		Items []struct{ TrackingCode string }
	}
	f.call(t, st.monitor.access, http.MethodGet, "/api/v1/cases?overdue=true", "", http.StatusOK, &overdue)
	if len(overdue.Items) != 0 {
		t.Fatalf("overdue before its time: %+v", overdue.Items)
	}
	// Nothing is due yet: the sweep does nothing.
	if res, err := f.Sweeper.Sweep(ctx); err != nil || res.Overdue != 0 {
		t.Fatalf("early sweep: %+v %v", res, err)
	}
	// A day before the acceptance deadline (10 days), staff are warned.
	f.clock.set(time.Until(c.DueAt) - 24*time.Hour)
	if res, err := f.Sweeper.Sweep(ctx); err != nil || res.Near != 1 || res.Overdue != 0 {
		t.Fatalf("near sweep: %+v %v", res, err)
	}
	// Past it, the sweep flags the report once.
	f.clock.set(time.Until(c.DueAt) + time.Hour)
	for i, want := range []int{1, 0} {
		res, err := f.Sweeper.Sweep(ctx)
		if err != nil || res.Overdue != want {
			t.Fatalf("sweep %d: %+v %v", i, res, err)
		}
	}
	st.monitor = f.staffLogin(t, "monitor@story.test", "") // the clock moved past the old token
	f.call(t, st.monitor.access, http.MethodGet, "/api/v1/cases?overdue=true", "", http.StatusOK, &overdue)
	if len(overdue.Items) != 1 || overdue.Items[0].TrackingCode != r.TrackingCode {
		t.Fatalf("the monitor's overdue list: %+v", overdue.Items)
	}
	var kinds []string
	for _, n := range f.outboxFor(t, c.ID) {
		kinds = append(kinds, string(n.Kind)+" "+n.To)
	}
	want := []string{"deadline_near lead@story.test", "overdue lead@story.test"}
	if strings.Join(kinds, ",") != strings.Join(want, ",") {
		t.Fatalf("queued: %v, want %v", kinds, want)
	}
	after, _ := f.env.Store.FindCaseByID(ctx, c.ID)
	n := 0
	for _, e := range after.Timeline {
		if e.Type == services.EventOverdue {
			n++
		}
	}
	if n != 1 || !after.OverdueFlagged {
		t.Fatalf("overdue events %d, flagged %v", n, after.OverdueFlagged)
	}
	// The monitor's digest: one a day, from 07:00 Vietnam time.
	digests := func() int {
		all, _ := f.env.Store.DueNotifications(ctx, f.clock.Now().Add(48*time.Hour), 1000)
		k := 0
		for _, n := range all {
			if n.Kind == services.NotifyKindDigest && n.To == "monitor@story.test" {
				k++
				if m, err := mailer.Render(n); err != nil || !strings.Contains(m.Text, "1 ") || n.Data.OverdueReports != 1 {
					t.Errorf("digest: %+v %q %v", n.Data, m.Text, err)
				}
			}
		}
		return k
	}
	vn := f.clock.Now().In(services.VietnamTime)
	f.clock.advance(time.Date(vn.Year(), vn.Month(), vn.Day()+1, 8, 0, 0, 0, services.VietnamTime).Sub(vn))
	for range 2 {
		if _, err := f.Sweeper.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got := digests(); got != 1 {
		t.Fatalf("digests: %d, want 1", got)
	}
	// Accepting the report stops the overdue acceptance clock; the new
	// (resolution) due date is watched afresh.
	st.inspector = f.staffLogin(t, "inspector@story.test", "")
	f.call(t, st.inspector.access, http.MethodPost, "/api/v1/cases/"+c.ID+"/transitions", `{"to":"accepted"}`, http.StatusOK, nil)
	accepted, _ := f.env.Store.FindCaseByID(ctx, c.ID)
	if accepted.OverdueFlagged || accepted.NearNotified || !accepted.DueAt.After(f.clock.Now()) {
		t.Fatalf("after acceptance: flagged %v near %v due %v", accepted.OverdueFlagged, accepted.NearNotified, accepted.DueAt)
	}
}

// TestAutoClose: a concluded report nobody rates closes after 30 days.
func TestAutoClose(t *testing.T) {
	bothSweepPaths(t, testAutoClose)
}

func testAutoClose(t *testing.T, f *fixture) {
	st := f.storyStaff(t)
	ctx := context.Background()
	r, c := f.fileCase(t, "complaint")
	base := "/api/v1/cases/" + c.ID
	for _, to := range []string{"accepted", "investigating"} {
		f.call(t, st.lead.access, http.MethodPost, base+"/transitions", `{"to":"`+to+`"}`, http.StatusOK, nil)
	}
	f.call(t, st.lead.access, http.MethodPost, base+"/transitions", `{"to":"concluded","outcome":"unsubstantiated","actions":"Xác minh, không có vi phạm"}`, http.StatusOK, nil)
	f.clock.set(29 * 24 * time.Hour)
	if res, _ := f.Sweeper.Sweep(ctx); res.Closed != 0 {
		t.Fatalf("closed early: %+v", res)
	}
	f.clock.set(31 * 24 * time.Hour)
	if res, _ := f.Sweeper.Sweep(ctx); res.Closed != 1 {
		t.Fatalf("not closed: %+v", res)
	}
	var sess struct{ Token string }
	f.call(t, "", http.MethodPost, "/api/v1/track/session", `{"trackingCode":"`+r.TrackingCode+`","receipt":"`+r.Receipt+`"}`, http.StatusOK, &sess)
	var tv struct{ Status string }
	f.call(t, sess.Token, http.MethodGet, "/api/v1/track", "", http.StatusOK, &tv)
	if tv.Status != "closed" {
		t.Fatalf("status %s", tv.Status)
	}
	// A finished report is no longer assigned.
	st.lead = f.staffLogin(t, "lead@story.test", "")
	f.call(t, st.lead.access, http.MethodPost, base+"/assign", `{"assigneeId":"`+st.inspector.user.ID+`"}`, http.StatusConflict, nil)
	var c2 storyCase
	f.call(t, st.lead.access, http.MethodGet, base, "", http.StatusOK, &c2)
	if len(c2.Assignable) != 0 {
		t.Fatalf("assignable on a closed report: %+v", c2.Assignable)
	}
}

// TestCitizenUpdateWindow: a burst of changes within a quarter hour is one
// content-free e-mail, sent at the end of that quarter hour; a later change
// is another.
func TestCitizenUpdateWindow(t *testing.T) {
	f := newFixture(t)
	st := f.storyStaff(t)
	_, c := f.fileCase(t, "complaint")
	now := time.Now()
	start := now.Truncate(services.CitizenUpdateWindow).Add(services.CitizenUpdateWindow + time.Minute)
	f.clock.set(start.Sub(now))
	st.inspector = f.staffLogin(t, "inspector@story.test", "")
	citizenMail := func() []services.Notification {
		var out []services.Notification
		for _, n := range f.outboxFor(t, c.ID) {
			if n.Kind == services.NotifyKindCitizenUpdate {
				out = append(out, n)
			}
		}
		return out
	}
	for _, text := range []string{"Một", "Hai", "Ba"} {
		f.call(t, st.inspector.access, http.MethodPost, "/api/v1/cases/"+c.ID+"/messages", `{"text":"`+text+`"}`, http.StatusCreated, nil)
	}
	mail := citizenMail()
	if len(mail) != 1 || mail[0].To != "" || !mail[0].NextAttempt.Equal(start.Truncate(services.CitizenUpdateWindow).Add(services.CitizenUpdateWindow)) {
		t.Fatalf("one e-mail, no address stored, due at the end of the quarter: %+v", mail)
	}
	f.clock.advance(services.CitizenUpdateWindow)
	st.inspector = f.staffLogin(t, "inspector@story.test", "")
	f.call(t, st.inspector.access, http.MethodPost, "/api/v1/cases/"+c.ID+"/messages", `{"text":"Bốn"}`, http.StatusCreated, nil)
	if got := len(citizenMail()); got != 2 {
		t.Fatalf("a later change: %d e-mails queued, want 2", got)
	}
}

// TestSweepOnQueueIndexReadsReportsByID: on the embedded default (with the
// queue index) a sweep, its daily digest included, reads reports only by
// _id, whatever the archive holds. A two-core soak found the digest's count
// of a committee's reports carrying recommendations read every report in
// one query: from 07:00 Vietnam time every sweep (a committee with nothing
// overdue gets no digest, so each sweep counted again) held the embedded
// database's one connection for 12 s at 13,500 reports, and requests
// waiting for it failed with 503 after 10 s.
func TestSweepOnQueueIndexReadsReportsByID(t *testing.T) {
	rec := &cmdRecorder{}
	f := newFixture(t, func(o *fixtureOptions) { o.queueIndex, o.monitor = true, rec.monitor() })
	f.mkUser(t, "mon@a.test", services.RoleMonitor, "front-a")
	f.mkUser(t, "lead@a.test", services.RoleLead, "unit-a")
	sm := f.staffLogin(t, "mon@a.test", "")
	for range 3 {
		f.routedReport(t, "unit-a", "front-a")
	}
	_, caseID := f.routedReport(t, "unit-a", "front-a")
	answerBy := f.clock.Now().In(services.VietnamTime).AddDate(0, 0, 3).Format("2006-01-02")
	if w := f.do(http.MethodPost, "/api/v1/cases/"+caseID+"/recommendations", "application/json",
		strings.NewReader(`{"text":"Đề nghị đơn vị làm rõ thời hạn giải quyết","answerBy":"`+answerBy+`"}`), "Authorization", "Bearer "+sm.access); w.Code != http.StatusCreated {
		t.Fatalf("recommend: %d %s", w.Code, w.Body)
	}
	// 08:00 in Vietnam, the next day: the digest is due, and the
	// recommendation not yet overdue, so the committee gets none and every
	// sweep of the day looks again.
	vn := f.clock.Now().In(services.VietnamTime)
	f.clock.advance(time.Date(vn.Year(), vn.Month(), vn.Day()+1, 8, 0, 0, 0, services.VietnamTime).Sub(vn))
	for i := range 2 {
		var res services.SweepResult
		var err error
		cmds := rec.record(func() { res, err = f.Sweeper.Sweep(context.Background()) })
		if err != nil || res.Digests != 0 {
			t.Fatalf("sweep %d: %+v %v", i, res, err)
		}
		for _, c := range cmds {
			for _, s := range mongostore.QueryShapes(c.name, c.cmd) {
				if strings.HasPrefix(s, "cases ") && !strings.HasPrefix(s, "cases filter={_id:") {
					t.Errorf("sweep %d: %s reads reports by %s", i, c.name, s)
				}
			}
		}
	}
	// Once the recommendation is overdue, the digest counts it.
	f.clock.advance(4 * 24 * time.Hour)
	res, err := f.Sweeper.Sweep(context.Background())
	if err != nil || res.Digests != 1 {
		t.Fatalf("sweep with an overdue recommendation: %+v %v", res, err)
	}
	due, err := f.env.Store.DueNotifications(context.Background(), f.clock.Now().Add(time.Minute), 100)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, n := range due {
		if n.Kind == services.NotifyKindDigest && n.To == "mon@a.test" {
			found = n.Data.OverdueRecommendations == 1
		}
	}
	if !found {
		t.Fatalf("no digest with one overdue recommendation: %+v", due)
	}
}

// TestOutboxPassReadsNotificationsByID: the outbox job (every 30 s) finds
// what is due without reading the delivered history. The outbox keeps
// every notification (their _ids are the dedup keys), and on the embedded
// server "pending ones due by now, earliest first" was one scan of all of
// them: 3.7 s at 20,000 delivered notifications on the database's one
// connection, every 30 s. It must read them by _id only, from a
// collection of what is still due.
func TestOutboxPassReadsNotificationsByID(t *testing.T) {
	rec := &cmdRecorder{}
	f := newFixture(t, func(o *fixtureOptions) { o.monitor = rec.monitor() })
	ctx := context.Background()
	now := f.clock.Now()
	for i := range 5 {
		n := services.NotifyOverdue("lead@a.test", fmt.Sprintf("case-%d", i), "MB-TEST-0001", services.ClockResolve)
		n.DedupKey += fmt.Sprintf(":%d", i)
		n.CreatedAt, n.NextAttempt = now, now
		if ok, err := f.env.Store.EnqueueNotification(ctx, n); err != nil || !ok {
			t.Fatalf("enqueue %d: %v %v", i, ok, err)
		}
	}
	var sent int
	var err error
	cmds := rec.record(func() { sent, _, err = f.Notifier.DeliverDue(ctx) })
	if err != nil || sent != 5 {
		t.Fatalf("delivered %d: %v", sent, err)
	}
	for _, c := range cmds {
		for _, s := range mongostore.QueryShapes(c.name, c.cmd) {
			if strings.HasPrefix(s, "outbox ") && !strings.HasPrefix(s, "outbox filter={_id:") {
				t.Errorf("%s reads the outbox by %s", c.name, s)
			}
		}
	}
	if again, _, err := f.Notifier.DeliverDue(ctx); err != nil || again != 0 {
		t.Fatalf("a second pass delivered %d: %v", again, err)
	}
}
