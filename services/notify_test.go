package services_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"minhbach/services"
)

// memOutbox is a tiny in-memory OutboxStore with the store's contract.
type memOutbox struct {
	mu   sync.Mutex
	next int
	msgs map[string]*services.Notification
	dead map[string]bool
	keys map[string]bool
}

func newMemOutbox() *memOutbox {
	return &memOutbox{msgs: map[string]*services.Notification{}, dead: map[string]bool{}, keys: map[string]bool{}}
}

func (o *memOutbox) EnqueueNotification(_ context.Context, n services.Notification) (bool, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if n.DedupKey != "" {
		if o.keys[n.DedupKey] {
			return false, nil
		}
		o.keys[n.DedupKey] = true
	}
	o.next++
	n.ID = fmt.Sprintf("n%03d", o.next)
	o.msgs[n.ID] = &n
	return true, nil
}

func (o *memOutbox) DueNotifications(_ context.Context, now time.Time, limit int) ([]services.Notification, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []services.Notification
	for id, n := range o.msgs {
		if n.SentAt.IsZero() && !o.dead[id] && !n.NextAttempt.After(now) {
			out = append(out, *n)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func (o *memOutbox) MarkSent(_ context.Context, id string, at time.Time) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	n, ok := o.msgs[id]
	if !ok {
		return services.Errorf(services.ReasonNotFound, "Not found.")
	}
	n.SentAt = at
	return nil
}

func (o *memOutbox) MarkFailed(_ context.Context, id string, attempts int, next time.Time, errText string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	n, ok := o.msgs[id]
	if !ok {
		return services.Errorf(services.ReasonNotFound, "Not found.")
	}
	n.Attempts, n.NextAttempt, n.LastError = attempts, next, errText
	if next.IsZero() {
		o.dead[id] = true
	}
	return nil
}

func (o *memOutbox) get(id string) services.Notification {
	o.mu.Lock()
	defer o.mu.Unlock()
	return *o.msgs[id]
}

// flakyMailer fails the first failures sends, then succeeds; it records
// what it was asked to send as "to|kind|language|tracking code".
type flakyMailer struct {
	failures int
	calls    int
	sent     []string
}

func (m *flakyMailer) Send(_ context.Context, to string, n services.Notification) error {
	m.calls++
	if m.calls <= m.failures {
		return errors.New("550 mailbox " + to + " unavailable")
	}
	m.sent = append(m.sent, to+"|"+string(n.Kind)+"|"+n.Language+"|"+n.Data.TrackingCode)
	return nil
}

func TestNotifyBackoff(t *testing.T) {
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute,
		32 * time.Minute, time.Hour, time.Hour, time.Hour}
	for i, w := range want {
		if got := services.NotifyBackoff(i + 1); got != w {
			t.Errorf("NotifyBackoff(%d) = %v, want %v", i+1, got, w)
		}
	}
	if got := services.NotifyBackoff(1000); got != time.Hour {
		t.Errorf("NotifyBackoff(1000) = %v, want 1h", got)
	}
}

// TestNotifierRetriesWithBackoffThenGivesUp drives a permanently failing
// mailer through the whole schedule on a fake clock.
func TestNotifierRetriesWithBackoffThenGivesUp(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	out := newMemOutbox()
	mailer := &flakyMailer{failures: 1 << 30}
	var logs []string
	seen := &deliveryCounts{}
	nf := services.NewNotifier(services.NotifierOptions{Outbox: out, Mailer: mailer, Now: func() time.Time { return now }, MaxAttempts: 4,
		Log: func(msg string, args ...any) { logs = append(logs, fmt.Sprint(append([]any{msg}, args...)...)) }, Observer: seen})
	n := services.NotifyAssigned("staff@example.org", "c1", "MB-2345-6789")
	n.NextAttempt = now
	if ok, err := out.EnqueueNotification(ctx, n); !ok || err != nil {
		t.Fatal(ok, err)
	}
	for attempt, wait := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute} {
		sent, failed, err := nf.DeliverDue(ctx)
		if err != nil || sent != 0 || failed != 1 {
			t.Fatalf("attempt %d: sent=%d failed=%d err=%v", attempt+1, sent, failed, err)
		}
		got := out.get("n001")
		if got.Attempts != attempt+1 || !got.NextAttempt.Equal(now.Add(wait)) {
			t.Fatalf("attempt %d: attempts=%d next=%v, want %d at %v", attempt+1, got.Attempts, got.NextAttempt, attempt+1, now.Add(wait))
		}
		// Not due before its time.
		now = now.Add(wait - time.Second)
		if sent, failed, err := nf.DeliverDue(ctx); sent+failed != 0 || err != nil {
			t.Fatalf("delivered before its time: %d %d %v", sent, failed, err)
		}
		now = now.Add(time.Second)
	}
	// Fourth attempt = MaxAttempts: given up.
	if _, failed, err := nf.DeliverDue(ctx); failed != 1 || err != nil {
		t.Fatalf("last attempt: failed=%d err=%v", failed, err)
	}
	got := out.get("n001")
	if got.Attempts != 4 || !got.NextAttempt.IsZero() || !got.SentAt.IsZero() {
		t.Fatalf("after giving up: %+v", got)
	}
	if !strings.Contains(got.LastError, "550") || strings.Contains(got.LastError, "staff@example.org") {
		t.Errorf("LastError = %q: want the SMTP error without the address", got.LastError)
	}
	now = now.Add(24 * time.Hour)
	if sent, failed, err := nf.DeliverDue(ctx); sent+failed != 0 || err != nil || mailer.calls != 4 {
		t.Fatalf("given-up notification tried again: %d %d %v calls=%d", sent, failed, err, mailer.calls)
	}
	for _, l := range logs {
		if strings.Contains(l, "staff@example.org") {
			t.Errorf("log names the recipient: %s", l)
		}
	}
	// The metrics heard three failures and the giving up, by kind.
	if want := map[string]int{"assigned failed": 3, "assigned abandoned": 1}; !reflect.DeepEqual(seen.n, want) {
		t.Errorf("deliveries observed: %v, want %v", seen.n, want)
	}
}

// deliveryCounts is an Observer counting deliveries by kind and result.
type deliveryCounts struct{ n map[string]int }

func (d *deliveryCounts) ReportFiled(services.Kind, string, int64) {}
func (d *deliveryCounts) FileKept(string, string, string, int64)   {}
func (d *deliveryCounts) NotificationDelivered(k services.NotificationKind, result string) {
	if d.n == nil {
		d.n = map[string]int{}
	}
	d.n[string(k)+" "+result]++
}

func TestNotifierDefaultMaxAttemptsIsEight(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	out := newMemOutbox()
	mailer := &flakyMailer{failures: 1 << 30}
	nf := services.NewNotifier(services.NotifierOptions{Outbox: out, Mailer: mailer, Now: func() time.Time { return now }})
	_, _ = out.EnqueueNotification(ctx, services.NotifyRecommendation("a@example.org", "c1", "MB-1"))
	for range 20 {
		if _, _, err := nf.DeliverDue(ctx); err != nil {
			t.Fatal(err)
		}
		now = now.Add(2 * time.Hour)
	}
	if mailer.calls != 8 {
		t.Fatalf("calls = %d, want 8", mailer.calls)
	}
	if got := out.get("n001"); got.Attempts != 8 || !got.NextAttempt.IsZero() {
		t.Fatalf("%+v", got)
	}
}

func TestNotifierSucceedsAfterFailure(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	out := newMemOutbox()
	mailer := &flakyMailer{failures: 1}
	nf := services.NewNotifier(services.NotifierOptions{Outbox: out, Mailer: mailer, Now: func() time.Time { return now }})
	_, _ = out.EnqueueNotification(ctx, services.CitizenUpdate("citizen@example.org", "en"))
	_, _ = out.EnqueueNotification(ctx, services.NotifyAssigned("b@example.org", "c2", "MB-2"))
	sent, failed, err := nf.DeliverDue(ctx)
	if err != nil || sent != 1 || failed != 1 {
		t.Fatalf("first run: sent=%d failed=%d err=%v", sent, failed, err)
	}
	now = now.Add(time.Minute)
	sent, failed, err = nf.DeliverDue(ctx)
	if err != nil || sent != 1 || failed != 0 {
		t.Fatalf("retry: sent=%d failed=%d err=%v", sent, failed, err)
	}
	got := out.get("n001")
	if !got.SentAt.Equal(now) || got.Attempts != 1 {
		t.Fatalf("after retry: %+v", got)
	}
	if want := []string{"b@example.org|assigned|vi|MB-2", "citizen@example.org|citizen_update|en|"}; !slices.Equal(mailer.sent, want) {
		t.Fatalf("sent: %q", mailer.sent)
	}
}

func TestNotifierWithoutMailerLogsNoContent(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	out := newMemOutbox()
	var logs []string
	nf := services.NewNotifier(services.NotifierOptions{Outbox: out, Now: func() time.Time { return now },
		Log: func(msg string, args ...any) { logs = append(logs, fmt.Sprint(append([]any{msg}, args...)...)) }})
	n := services.NotifyOverdue("lead@example.org", "case-42", "MB-2345-6789", services.ClockResolve)
	_, _ = out.EnqueueNotification(ctx, n)
	sent, failed, err := nf.DeliverDue(ctx)
	if err != nil || sent != 1 || failed != 0 {
		t.Fatalf("sent=%d failed=%d err=%v", sent, failed, err)
	}
	if got := out.get("n001"); !got.SentAt.Equal(now) {
		t.Fatalf("not marked sent: %+v", got)
	}
	if len(logs) != 1 || !strings.Contains(logs[0], "overdue") || !strings.Contains(logs[0], "case-42") {
		t.Fatalf("logs = %q, want one line with kind and case id", logs)
	}
	for _, secret := range []string{n.To, "MB-2345-6789", n.Data.Clock} {
		if strings.Contains(logs[0], secret) {
			t.Errorf("log contains %q: %s", secret, logs[0])
		}
	}
}

func TestNotifierStopsOnStoreError(t *testing.T) {
	ctx := context.Background()
	out := &brokenOutbox{memOutbox: newMemOutbox()}
	_, _ = out.EnqueueNotification(ctx, services.NotifyAssigned("a@example.org", "c1", "MB-1"))
	nf := services.NewNotifier(services.NotifierOptions{Outbox: out, Mailer: &flakyMailer{}})
	if _, _, err := nf.DeliverDue(ctx); !services.IsCode(err, services.CodeUnavailable) {
		t.Fatalf("err = %v, want unavailable", err)
	}
}

type brokenOutbox struct{ *memOutbox }

func (b *brokenOutbox) MarkSent(context.Context, string, time.Time) error {
	return services.Errorf(services.ReasonUnavailable, "down")
}

// TestNotifyCitizenUpdateIsContentFree: the citizen's notification
// carries its kind and the report's language, nothing else (the mailer's
// tests check the wording).
func TestNotifyCitizenUpdateIsContentFree(t *testing.T) {
	for lang, want := range map[string]string{"vi": "vi", "": "vi", "fr": "vi", "en": "en"} {
		n := services.CitizenUpdate("c@example.org", lang)
		if n.Kind != services.NotifyKindCitizenUpdate || n.Language != want || n.To != "c@example.org" || n.CaseID != "" ||
			n.Data != (services.NotificationData{}) || n.Legacy != nil {
			t.Errorf("%q: %+v", lang, n)
		}
	}
}

func TestNotifyStaffBuilders(t *testing.T) {
	due := time.Date(2026, 11, 30, 16, 59, 59, 0, time.UTC) // 23:59:59 in Vietnam
	ns := []services.Notification{
		services.NotifyAssigned("s@example.org", "c1", "MB-2345-6789"),
		services.NotifyRecommendation("s@example.org", "c1", "MB-2345-6789"),
		services.NotifyDeadlineNear("s@example.org", "c1", "MB-2345-6789", services.ClockResolve, due),
		services.NotifyOverdue("s@example.org", "c1", "MB-2345-6789", services.ClockResolve),
		services.NotifyProposal("s@example.org", "c1", "MB-2345-6789"),
		services.NotifyExtension("s@example.org", "c1", "MB-2345-6789"),
	}
	kinds := []services.NotificationKind{services.NotifyKindAssigned, services.NotifyKindRecommendation, services.NotifyKindDeadlineNear,
		services.NotifyKindOverdue, services.NotifyKindProposal, services.NotifyKindExtension}
	for i, n := range ns {
		if n.Kind != kinds[i] || n.To != "s@example.org" || n.CaseID != "c1" || n.Data.TrackingCode != "MB-2345-6789" ||
			n.Language != services.StaffLanguage || n.Legacy != nil {
			t.Errorf("%d: %+v", i, n)
		}
	}
	if d := ns[2].Data; d.Clock != services.ClockResolve || !d.Due.Equal(due) || ns[3].Data.Clock != services.ClockResolve || !ns[3].Data.Due.IsZero() {
		t.Errorf("deadline data: %+v %+v", ns[2].Data, ns[3].Data)
	}
	if ns[0].DedupKey != "" || ns[3].DedupKey != "overdue:c1:resolve:s@example.org" ||
		ns[2].DedupKey != "deadline_near:c1:resolve:s@example.org" {
		t.Errorf("dedup keys: %q %q %q", ns[0].DedupKey, ns[2].DedupKey, ns[3].DedupKey)
	}
	// The digest names counts and the day, no report.
	d := services.NotifyDigest("m@example.org", 3, 1, "2026-11-27")
	if d.Kind != services.NotifyKindDigest || d.To != "m@example.org" || d.CaseID != "" || d.Language != services.StaffLanguage ||
		d.Data != (services.NotificationData{Day: "2026-11-27", OverdueReports: 3, OverdueRecommendations: 1}) {
		t.Errorf("digest: %+v", d)
	}
	// A staffing change names the account, the change and the end of its
	// cooling period, once per change and recipient.
	until := due.Add(72 * time.Hour)
	st := services.NotifyStaffing("l@example.org", &services.StaffingEvent{ID: "e1", Kind: services.StaffingPasswordReset, Email: "lead@a.test", CoolingUntil: until})
	if st.Kind != services.NotifyKindStaffing || st.To != "l@example.org" || st.Language != services.StaffLanguage || st.CaseID != "" ||
		st.Data != (services.NotificationData{Account: "lead@a.test", Change: services.StaffingPasswordReset, Until: until}) || st.DedupKey != "staffing:e1:l@example.org" {
		t.Errorf("staffing: %+v", st)
	}
	if len(services.NotificationKinds()) != 9 || !slices.Contains(services.NotificationKinds(), services.NotifyKindDigest) ||
		!slices.Contains(services.NotificationKinds(), services.NotifyKindStaffing) {
		t.Errorf("kinds: %v", services.NotificationKinds())
	}
}
