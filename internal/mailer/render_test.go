package mailer_test

import (
	"context"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"slices"
	"strings"
	"testing"
	"time"

	"minhbach/internal/mailer"
	"minhbach/internal/testenv"
	"minhbach/services"
)

const code = "MB-2345-6789"

// sample returns a notification of kind with every datum its wording may
// name, the way services builds it.
func sample(kind services.NotificationKind, lang string) services.Notification {
	due := time.Date(2026, 11, 30, 16, 59, 59, 0, time.UTC) // 23:59:59 in Vietnam
	var n services.Notification
	switch kind {
	case services.NotifyKindAssigned:
		n = services.NotifyAssigned("s@example.org", "c1", code)
	case services.NotifyKindRecommendation:
		n = services.NotifyRecommendation("s@example.org", "c1", code)
	case services.NotifyKindProposal:
		n = services.NotifyProposal("s@example.org", "c1", code)
	case services.NotifyKindExtension:
		n = services.NotifyExtension("s@example.org", "c1", code)
	case services.NotifyKindDeadlineNear:
		n = services.NotifyDeadlineNear("s@example.org", "c1", code, services.ClockResolve, due)
	case services.NotifyKindOverdue:
		n = services.NotifyOverdue("s@example.org", "c1", code, services.ClockAccept)
	case services.NotifyKindDigest:
		n = services.NotifyDigest("m@example.org", 3, 1, "2026-11-27")
	case services.NotifyKindCitizenUpdate:
		n = services.CitizenUpdate("", lang)
		n.CaseID = "c1"
	case services.NotifyKindStaffing:
		n = services.NotifyStaffing("l@example.org", &services.StaffingEvent{ID: "e1", Kind: services.StaffingPasswordReset,
			Email: "lead@a.test", CoolingUntil: due})
	default:
		n = services.Notification{Kind: kind}
	}
	n.Language = lang
	return n
}

// TestMailRenderEveryKindAndLanguage: every kind has its wording in every
// language, with nothing left unfilled; staff mail names the tracking code,
// the citizen's names nothing.
func TestMailRenderEveryKindAndLanguage(t *testing.T) {
	for _, kind := range services.NotificationKinds() {
		subjects := map[string]string{}
		for _, lang := range mailer.Languages() {
			n := sample(kind, lang)
			if kind == services.NotifyKindCitizenUpdate {
				n.Data.TrackingCode = code // queued by mistake: still not named
			}
			m, err := mailer.Render(n)
			if err != nil {
				t.Errorf("%s/%s: %v", kind, lang, err)
				continue
			}
			subjects[lang] = m.Subject
			all := m.Subject + "\n" + m.Text + "\n" + m.HTML
			if m.Subject == "" || strings.ContainsAny(m.Subject, "\r\n") || strings.TrimSpace(m.Text) == "" || !strings.HasSuffix(m.Text, "\n") {
				t.Errorf("%s/%s: subject %q text %q", kind, lang, m.Subject, m.Text)
			}
			for _, bad := range []string{"<no value>", "{{", "}}", "%!", "0001"} {
				if strings.Contains(all, bad) {
					t.Errorf("%s/%s: %q in\n%s", kind, lang, bad, all)
				}
			}
			switch kind {
			case services.NotifyKindCitizenUpdate:
				for _, leak := range []string{code, "MB-", "@", "c1"} {
					if strings.Contains(all, leak) {
						t.Errorf("%s/%s: citizen mail carries %q: %s", kind, lang, leak, all)
					}
				}
			case services.NotifyKindDigest:
				if !strings.Contains(m.Text, "3 ") || !strings.Contains(m.Text, "1 ") || !strings.Contains(m.Subject, "2026") {
					t.Errorf("%s/%s: counts or day missing: %q %q", kind, lang, m.Subject, m.Text)
				}
				if !strings.Contains(m.HTML, "<strong>3</strong>") || !strings.Contains(m.HTML, `lang="`+lang+`"`) {
					t.Errorf("%s/%s: HTML alternative: %s", kind, lang, m.HTML)
				}
			case services.NotifyKindStaffing:
				if !strings.Contains(m.Subject, "lead@a.test") || !strings.Contains(m.Text, "lead@a.test") || !strings.Contains(m.Text, "23:59") {
					t.Errorf("%s/%s: account or cooling end missing: %q %q", kind, lang, m.Subject, m.Text)
				}
			default:
				if !strings.Contains(m.Subject, code) || !strings.Contains(m.Text, code) {
					t.Errorf("%s/%s: tracking code missing: %q %q", kind, lang, m.Subject, m.Text)
				}
			}
		}
		if subjects["vi"] == subjects["en"] {
			t.Errorf("%s: the same subject in both languages: %q", kind, subjects["vi"])
		}
	}
}

func TestMailRenderStaffWording(t *testing.T) {
	near := sample(services.NotifyKindDeadlineNear, "vi")
	for lang, want := range map[string][]string{
		"vi": {"30/11/2026", "giải quyết", "Vui lòng đăng nhập cổng Minh Bạch"},
		"en": {"30 November 2026", "resolution", "Please sign in to the Minh Bạch portal"},
	} {
		near.Language = lang
		m, err := mailer.Render(near)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !strings.Contains(m.Text, w) {
				t.Errorf("%s deadline text lacks %q (the day in Vietnam time): %q", lang, w, m.Text)
			}
		}
	}
	over, err := mailer.Render(sample(services.NotifyKindOverdue, "vi"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(strings.Fields(over.Subject), "hạn") || !strings.Contains(over.Subject, "thụ lý") {
		t.Errorf("overdue subject: %q", over.Subject)
	}
	// Staff mail is Vietnamese unless asked otherwise.
	assigned, err := mailer.Render(services.NotifyAssigned("s@example.org", "c1", code))
	if err != nil || !strings.Contains(assigned.Text, "được giao cho bạn") || assigned.HTML != "" {
		t.Errorf("assigned: %+v %v", assigned, err)
	}
	// English plurals.
	one := services.NotifyDigest("m@example.org", 1, 2, "2026-11-27")
	one.Language = "en"
	if m, err := mailer.Render(one); err != nil || !strings.Contains(m.Text, "1 overdue report and 2 overdue unanswered recommendations") {
		t.Errorf("digest: %q %v", m.Text, err)
	}
}

func TestMailRenderCitizenUpdateIsContentFree(t *testing.T) {
	for _, tc := range []struct{ lang, subject, want string }{
		{"vi", "Phản ánh của bạn đã có cập nhật", "đăng nhập bằng mã theo dõi"},
		{"", "Phản ánh của bạn đã có cập nhật", "đăng nhập bằng mã theo dõi"},
		{"fr", "Phản ánh của bạn đã có cập nhật", "đăng nhập bằng mã theo dõi"},
		{"en", "Your report has changed", "Your report has changed: sign in with your tracking code to see it"},
	} {
		n := services.CitizenUpdate("c@example.org", tc.lang)
		if n.Kind != services.NotifyKindCitizenUpdate || n.To != "c@example.org" || n.CaseID != "" || n.Data != (services.NotificationData{}) {
			t.Errorf("%q: %+v", tc.lang, n)
		}
		m, err := mailer.Render(n)
		if err != nil {
			t.Fatal(err)
		}
		if m.Subject != tc.subject || !strings.Contains(m.Text, tc.want) || m.HTML != "" {
			t.Errorf("%q: %+v lacks %q", tc.lang, m, tc.want)
		}
		if strings.Contains(m.Text+m.Subject, "MB-") || strings.Contains(m.Text+m.Subject, "@") {
			t.Errorf("%q: citizen mail carries a code or address: %+v", tc.lang, m)
		}
	}
}

func TestMailRenderRefusesIncompleteNotifications(t *testing.T) {
	noCode := services.NotifyAssigned("s@example.org", "c1", "")
	badClock := services.NotifyOverdue("s@example.org", "c1", code, "lunch")
	noDue := services.NotifyDeadlineNear("s@example.org", "c1", code, services.ClockResolve, time.Time{})
	badDay := services.NotifyDigest("m@example.org", 1, 0, "27/11/2026")
	noDay := services.NotifyDigest("m@example.org", 1, 0, "")
	unknown := services.Notification{Kind: "birthday", Language: "vi", Data: services.NotificationData{TrackingCode: code}}
	for name, n := range map[string]services.Notification{"no code": noCode, "bad clock": badClock, "no due date": noDue,
		"bad day": badDay, "no day": noDay, "unknown kind": unknown} {
		if m, err := mailer.Render(n); err == nil {
			t.Errorf("%s: rendered %+v", name, m)
		}
	}
}

// TestMailRenderLegacy: a notification queued with its wording by an earlier
// version is sent as written.
func TestMailRenderLegacy(t *testing.T) {
	n := services.Notification{Kind: services.NotifyKindAssigned, CaseID: "c1",
		Legacy: &services.LegacyMail{Subject: "[Minh Bạch] MB-1: cũ\r\nBcc: x@example.org", Body: "Nội dung cũ\n"}}
	m, err := mailer.Render(n)
	if err != nil || m.Subject != "[Minh Bạch] MB-1: cũ Bcc: x@example.org" || m.Text != "Nội dung cũ\n" || m.HTML != "" {
		t.Fatalf("%+v %v", m, err)
	}
}

// TestMailerSendsNotification delivers a plain-text notification and the
// digest, with its HTML alternative, to a real SMTP server.
func TestMailerSendsNotification(t *testing.T) {
	srv := testenv.StartSMTP(t, &testenv.SMTPServer{}, nil)
	m := newMailer(t, "smtp://127.0.0.1:"+srv.Port()+"?from=portal@example.org")
	ctx := context.Background()
	if err := m.Send(ctx, "lead@example.org", services.NotifyProposal("lead@example.org", "c1", code)); err != nil {
		t.Fatal(err)
	}
	digest := services.NotifyDigest("monitor@example.org", 4, 2, "2026-11-27")
	if err := m.Send(ctx, "monitor@example.org", digest); err != nil {
		t.Fatal(err)
	}
	// A notification that cannot be worded is not sent.
	if err := m.Send(ctx, "lead@example.org", services.NotifyProposal("lead@example.org", "c1", "")); err == nil {
		t.Fatal("an incomplete notification was sent")
	}
	msgs := srv.Messages()
	if len(msgs) != 2 {
		t.Fatalf("server got %d messages", len(msgs))
	}
	want, _ := mailer.Render(services.NotifyProposal("lead@example.org", "c1", code))
	if _, s, b := parse(t, msgs[0].Data); s != want.Subject || b != want.Text || !strings.Contains(b, code) {
		t.Errorf("proposal: subject %q body %q, want %+v", s, b, want)
	}

	msg, subject := parseHeader(t, msgs[1].Data)
	want, _ = mailer.Render(digest)
	if subject != want.Subject || !strings.Contains(subject, "27/11/2026") {
		t.Errorf("digest subject %q, want %q", subject, want.Subject)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" || params["boundary"] == "" {
		t.Fatalf("Content-Type %q: %v", msg.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	var types, bodies []string
	for {
		p, err := mr.NextRawPart() // NextPart would decode quoted-printable itself
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if p.Header.Get("Content-Transfer-Encoding") != "quoted-printable" {
			t.Errorf("part encoding %q", p.Header.Get("Content-Transfer-Encoding"))
		}
		b, err := io.ReadAll(quotedprintable.NewReader(p))
		if err != nil {
			t.Fatal(err)
		}
		types = append(types, p.Header.Get("Content-Type"))
		bodies = append(bodies, string(b))
	}
	if !slices.Equal(types, []string{"text/plain; charset=UTF-8", "text/html; charset=UTF-8"}) {
		t.Fatalf("parts: %q", types)
	}
	if bodies[0] != want.Text || bodies[1] != want.HTML || !strings.Contains(bodies[1], "<strong>4</strong>") {
		t.Errorf("digest parts:\n%q\n%q\nwant %+v", bodies[0], bodies[1], want)
	}
}

// TestMailStaffingAccountDisabledOrEnabled: an administrator disabling a
// lead, or enabling an account again, is mailed like any staffing change
// (docs/privacy.md, "Separation of duties"); a disabled account has no
// cooling period to name.
func TestMailStaffingAccountDisabledOrEnabled(t *testing.T) {
	until := time.Date(2026, 11, 30, 16, 59, 0, 0, time.UTC)
	for _, tc := range []struct {
		kind  string
		until time.Time
		want  map[string][]string
	}{
		{services.StaffingAccountDisabled, time.Time{}, map[string][]string{"vi": {"vô hiệu hoá", "lead@a.test"}, "en": {"disabled", "lead@a.test"}}},
		{services.StaffingAccountEnabled, until, map[string][]string{"vi": {"bật lại", "23:59"}, "en": {"enabled again", "23:59"}}},
	} {
		for lang, want := range tc.want {
			n := services.NotifyStaffing("m@example.org", &services.StaffingEvent{ID: "e1", Kind: tc.kind, Email: "lead@a.test", CoolingUntil: tc.until})
			n.Language = lang
			m, err := mailer.Render(n)
			if err != nil {
				t.Fatalf("%s/%s: %v", tc.kind, lang, err)
			}
			for _, w := range want {
				if !strings.Contains(m.Text, w) {
					t.Errorf("%s/%s lacks %q: %s", tc.kind, lang, w, m.Text)
				}
			}
			if strings.Contains(m.Text, "0001") || (tc.until.IsZero() && (strings.Contains(m.Text, "Vietnam time") || strings.Contains(m.Text, "giờ Việt Nam"))) {
				t.Errorf("%s/%s names a cooling period it does not have: %s", tc.kind, lang, m.Text)
			}
		}
	}
}
