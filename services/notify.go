package services

import (
	"context"
	"strings"
	"time"
)

// Notification kinds.
const (
	NotifyKindAssigned       = "assigned"
	NotifyKindDeadlineNear   = "deadline_near"
	NotifyKindOverdue        = "overdue"
	NotifyKindRecommendation = "recommendation"
	NotifyKindCitizenUpdate  = "citizen_update"
	NotifyKindProposal       = "proposal"
	NotifyKindExtension      = "extension"
	NotifyKindDigest         = "monitor_digest"
)

// Notification is one e-mail in the outbox. Its subject and body never
// carry identity data or report content: staff mail names at most the
// tracking code and the kind of event, citizen mail nothing at all.
type Notification struct {
	ID          string
	To          string // e-mail address
	Kind        string // one of the NotifyKind constants
	Subject     string
	Body        string
	CaseID      string
	Attempts    int
	NextAttempt time.Time
	CreatedAt   time.Time
	SentAt      time.Time
	LastError   string
	// DedupKey, when set, makes the notification queued at most once
	// (e.g. "overdue:<caseId>:<clock>"); later enqueues are ignored.
	DedupKey string
}

// OutboxStore keeps notifications until they are delivered.
//
// EnqueueNotification stores n (due at n.NextAttempt, or at once when it is
// zero) and reports false, with no error, when n.DedupKey was queued before.
// DueNotifications returns up to limit unsent, not abandoned notifications
// with NextAttempt <= now, oldest NextAttempt first. MarkFailed records a
// failed attempt and schedules the next one at next; a zero next abandons
// the notification (it is never due again and keeps errText).
type OutboxStore interface {
	EnqueueNotification(ctx context.Context, n Notification) (queued bool, err error)
	DueNotifications(ctx context.Context, now time.Time, limit int) ([]Notification, error)
	MarkSent(ctx context.Context, id string, at time.Time) error
	MarkFailed(ctx context.Context, id string, attempts int, next time.Time, errText string) error
}

// Mailer sends one plain-text e-mail.
type Mailer interface {
	Send(ctx context.Context, to, subject, body string) error
}

// Notification delivery defaults.
const (
	DefaultNotifyMaxAttempts = 8
	notifyBatch              = 100
	notifyMaxBatches         = 10
	notifyFirstBackoff       = time.Minute
	notifyMaxBackoff         = time.Hour
	notifyMaxErrorLen        = 500
)

// Notifier delivers due outbox notifications; run DeliverDue from a leased
// background job (internal/job) so that one process delivers at a time.
type Notifier struct {
	Outbox OutboxStore
	// Mailer sends the mail; nil means no SMTP is configured, and delivery
	// only logs the kind and case id (never the address or the content).
	Mailer Mailer
	// Log reports deliveries without a mailer and failures; nil discards.
	Log func(msg string, args ...any)
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// MaxAttempts is how many sends are tried before giving up; 0 means
	// DefaultNotifyMaxAttempts.
	MaxAttempts int
	// Vault gives citizen notifications their address at delivery (they
	// are queued without one); nil drops them unsent.
	Vault *IdentityVault
}

func (n *Notifier) now() time.Time {
	if n.Now != nil {
		return n.Now()
	}
	return time.Now()
}

func (n *Notifier) log(msg string, args ...any) {
	if n.Log != nil {
		n.Log(msg, args...)
	}
}

func (n *Notifier) maxAttempts() int {
	if n.MaxAttempts > 0 {
		return n.MaxAttempts
	}
	return DefaultNotifyMaxAttempts
}

// NotifyBackoff is the wait after the attempts-th failed attempt: 1 minute,
// doubling each time, capped at 1 hour.
func NotifyBackoff(attempts int) time.Duration {
	d := notifyFirstBackoff
	for i := 1; i < attempts && d < notifyMaxBackoff; i++ {
		d *= 2
	}
	return min(d, notifyMaxBackoff)
}

// DeliverDue sends every due notification once. A failed send is retried
// later with exponential backoff, until MaxAttempts attempts have failed;
// then the notification is abandoned with its last error. sent and failed
// count this call's outcomes; err is a store error (or ctx's), which stops
// the run.
func (n *Notifier) DeliverDue(ctx context.Context) (sent, failed int, err error) {
	for range notifyMaxBatches {
		due, err := n.Outbox.DueNotifications(ctx, n.now(), notifyBatch)
		if err != nil {
			return sent, failed, err
		}
		for _, m := range due {
			if err := ctx.Err(); err != nil {
				return sent, failed, err
			}
			ok, err := n.deliver(ctx, m)
			if err != nil {
				return sent, failed, err
			}
			if ok {
				sent++
			} else {
				failed++
			}
		}
		// Sent and failed ones are no longer due, so a short batch means
		// the outbox is drained.
		if len(due) < notifyBatch {
			break
		}
	}
	return sent, failed, nil
}

// deliver sends m and records the outcome; ok reports a successful send,
// err a store failure.
func (n *Notifier) deliver(ctx context.Context, m Notification) (ok bool, err error) {
	if m.Kind == NotifyKindCitizenUpdate && m.To == "" {
		to, err := n.citizenAddress(ctx, m.CaseID)
		if err != nil {
			return false, err
		}
		if to == "" {
			// The identity is gone (or has no address): nothing to send.
			n.log("citizen notification dropped (no address)", "kind", m.Kind, "caseId", m.CaseID)
			return true, n.Outbox.MarkSent(ctx, m.ID, n.now())
		}
		m.To = to
	}
	if n.Mailer == nil {
		n.log("notification not e-mailed (no mailer configured)", "kind", m.Kind, "caseId", m.CaseID)
		return true, n.Outbox.MarkSent(ctx, m.ID, n.now())
	}
	sendErr := n.Mailer.Send(ctx, m.To, m.Subject, m.Body)
	if sendErr == nil {
		return true, n.Outbox.MarkSent(ctx, m.ID, n.now())
	}
	if ctx.Err() != nil {
		// Cancelled mid-send: not the message's fault, so no attempt is
		// counted; it stays due.
		return false, ctx.Err()
	}
	attempts := m.Attempts + 1
	text := redact(sendErr.Error(), m.To)
	var next time.Time // zero: give up
	if attempts < n.maxAttempts() {
		next = n.now().Add(NotifyBackoff(attempts))
	}
	n.log("notification send failed", "id", m.ID, "kind", m.Kind, "caseId", m.CaseID,
		"attempts", attempts, "givenUp", next.IsZero(), "err", text)
	return false, n.Outbox.MarkFailed(ctx, m.ID, attempts, next, text)
}

// citizenAddress opens the report's sealed identity for its e-mail address
// ("" when there is none).
func (n *Notifier) citizenAddress(ctx context.Context, caseID string) (string, error) {
	if n.Vault == nil || caseID == "" {
		return "", nil
	}
	id, ok, err := n.Vault.Open(ctx, caseID)
	if err != nil && !IsCode(err, CodeInternal) {
		return "", err // the database: try again later
	}
	if err != nil || !ok {
		return "", nil
	}
	return strings.TrimSpace(id.Email), nil
}

// redact removes the recipient's address from an SMTP error (servers often
// echo it) and bounds its length, since the text is logged and stored.
func redact(text, to string) string {
	if to != "" {
		text = strings.ReplaceAll(text, to, "<recipient>")
	}
	if len(text) > notifyMaxErrorLen {
		text = strings.ToValidUTF8(text[:notifyMaxErrorLen], "")
	}
	return text
}

// CitizenUpdate builds the e-mail telling a citizen that their report
// changed. It is content-free on purpose: no tracking code, no status, no
// report text, so a mailbox read by someone else reveals nothing but that a
// report exists. caseLanguage "en" gives English, anything else Vietnamese.
func CitizenUpdate(to, caseLanguage string) Notification {
	n := Notification{To: to, Kind: NotifyKindCitizenUpdate}
	if caseLanguage == "en" {
		n.Subject = "Your report has changed"
		n.Body = "Your report has changed: sign in with your tracking code to see it.\n\n" +
			"This message was sent automatically by the Minh Bạch portal; please do not reply.\n"
	} else {
		n.Subject = "Phản ánh của bạn đã có cập nhật"
		n.Body = "Phản ánh của bạn đã có thay đổi: hãy đăng nhập bằng mã theo dõi để xem.\n\n" +
			"Thư này được cổng Minh Bạch gửi tự động; vui lòng không trả lời.\n"
	}
	return n
}

// staffNotification builds a bilingual staff e-mail naming only the
// tracking code and the event.
func staffNotification(to, kind, caseID, trackingCode, viEvent, enEvent string) Notification {
	return Notification{
		To: to, Kind: kind, CaseID: caseID,
		Subject: "[Minh Bạch] " + trackingCode + ": " + viEvent + " / " + enEvent,
		Body: "Hồ sơ " + trackingCode + ": " + viEvent + ".\nVui lòng đăng nhập cổng Minh Bạch để xử lý.\n\n" +
			"Case " + trackingCode + ": " + enEvent + ".\nPlease sign in to the Minh Bạch portal to act on it.\n",
	}
}

// NotifyAssigned builds the e-mail to a staff member a case was assigned to.
func NotifyAssigned(to, caseID, trackingCode string) Notification {
	return staffNotification(to, NotifyKindAssigned, caseID, trackingCode, "được giao cho bạn", "assigned to you")
}

// NotifyRecommendation builds the e-mail about a new recommendation on a case.
func NotifyRecommendation(to, caseID, trackingCode string) Notification {
	return staffNotification(to, NotifyKindRecommendation, caseID, trackingCode, "có kiến nghị mới", "new recommendation")
}

// NotifyDeadlineNear builds the e-mail warning that a clock of a case is
// due soon; it is queued once per case, clock and recipient.
func NotifyDeadlineNear(to, caseID, trackingCode, clock string, due time.Time) Notification {
	day := due.In(VietnamTime).Format("02/01/2006")
	n := staffNotification(to, NotifyKindDeadlineNear, caseID, trackingCode,
		"sắp đến hạn "+clockVI(clock)+" ("+day+")", clock+" deadline near ("+day+")")
	n.DedupKey = NotifyKindDeadlineNear + ":" + caseID + ":" + clock + ":" + to
	return n
}

// NotifyOverdue builds the e-mail saying that a clock of a case is overdue;
// it is queued once per case, clock and recipient.
func NotifyOverdue(to, caseID, trackingCode, clock string) Notification {
	n := staffNotification(to, NotifyKindOverdue, caseID, trackingCode,
		"quá hạn "+clockVI(clock), clock+" deadline passed")
	n.DedupKey = NotifyKindOverdue + ":" + caseID + ":" + clock + ":" + to
	return n
}

func clockVI(clock string) string {
	switch clock {
	case ClockAccept:
		return "thụ lý"
	case ClockNotify:
		return "thông báo"
	case ClockResolve:
		return "giải quyết"
	}
	return clock
}

// NotifyProposal builds the e-mail telling a lead that a conclusion awaits
// their approval.
func NotifyProposal(to, caseID, trackingCode string) Notification {
	return staffNotification(to, NotifyKindProposal, caseID, trackingCode, "có đề xuất kết luận chờ duyệt", "conclusion proposed, awaiting approval")
}

// NotifyExtension builds the e-mail telling a lead that an extension of the
// resolution deadline awaits their decision.
func NotifyExtension(to, caseID, trackingCode string) Notification {
	return staffNotification(to, NotifyKindExtension, caseID, trackingCode, "có đề nghị gia hạn chờ duyệt", "extension requested, awaiting decision")
}
