package services

import (
	"context"
	"strings"
	"time"
)

// NotificationKind names what a notification is about; the mailer words
// each kind from its own templates.
type NotificationKind string

// Notification kinds.
const (
	NotifyKindAssigned       NotificationKind = "assigned"
	NotifyKindDeadlineNear   NotificationKind = "deadline_near"
	NotifyKindOverdue        NotificationKind = "overdue"
	NotifyKindRecommendation NotificationKind = "recommendation"
	NotifyKindCitizenUpdate  NotificationKind = "citizen_update"
	NotifyKindProposal       NotificationKind = "proposal"
	NotifyKindExtension      NotificationKind = "extension"
	NotifyKindDigest         NotificationKind = "monitor_digest"
	NotifyKindStaffing       NotificationKind = "staffing"
)

// NotificationKinds lists every kind, so that renderers and their tests can
// check that each one has its wording.
func NotificationKinds() []NotificationKind {
	return []NotificationKind{NotifyKindAssigned, NotifyKindDeadlineNear, NotifyKindOverdue, NotifyKindRecommendation,
		NotifyKindCitizenUpdate, NotifyKindProposal, NotifyKindExtension, NotifyKindDigest, NotifyKindStaffing}
}

// StaffLanguage is the language of staff notifications: staff accounts
// have no language preference, and Vietnamese is the portal's default.
const StaffLanguage = "vi"

// Notification is one e-mail in the outbox: what happened (Kind), the
// language to word it in, and the few facts the wording names (Data). It
// never carries identity data or report content: staff mail names at most
// the tracking code, a deadline and counts, citizen mail nothing at all.
// The wording itself is the mailer's.
type Notification struct {
	ID       string
	To       string // e-mail address; empty for citizen mail, found at delivery
	Kind     NotificationKind
	Language string // "vi" or "en"
	CaseID   string
	Data     NotificationData
	// Legacy is the subject and body of a notification queued, already
	// worded, by a version that wrote mail in Go code; it is sent as
	// written. Nothing queues one any more: it keeps mail that was pending
	// at an upgrade deliverable.
	Legacy      *LegacyMail
	Attempts    int
	NextAttempt time.Time
	CreatedAt   time.Time
	SentAt      time.Time
	LastError   string
	// DedupKey, when set, makes the notification queued at most once
	// (e.g. "overdue:<caseId>:<clock>"); later enqueues are ignored.
	DedupKey string
}

// NotificationData holds what a notification's wording may name; each kind
// uses a few of the fields, and a citizen update none.
type NotificationData struct {
	TrackingCode string    // staff mail about one report
	Clock        string    // deadline_near, overdue: ClockAccept, ClockNotify or ClockResolve
	Due          time.Time // deadline_near: when the clock runs out
	// Day is the Vietnam-time day (YYYY-MM-DD) a monitor digest is for.
	Day string
	// OverdueReports and OverdueRecommendations are a monitor digest's
	// counts.
	OverdueReports         int
	OverdueRecommendations int
	// Account, Change and Until are a staffing change's: the staff
	// account changed (its e-mail), the kind of change (Staffing*) and
	// the end of its cooling period.
	Account string
	Change  string
	Until   time.Time
}

// LegacyMail is an e-mail worded before notifications were typed.
type LegacyMail struct {
	Subject string
	Body    string
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

// Mailer words notification n in n.Language and sends it to to.
type Mailer interface {
	Send(ctx context.Context, to string, n Notification) error
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

// NotifierOptions are a Notifier's dependencies.
type NotifierOptions struct {
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
	// Observer hears of each delivery attempt's result (nil: nobody).
	Observer Observer
}

// Notifier delivers due outbox notifications; run DeliverDue from a leased
// background job (internal/job) so that one process delivers at a time.
type Notifier struct {
	outbox      OutboxStore
	mailer      Mailer
	logf        func(msg string, args ...any)
	now         func() time.Time
	maxAttempts int
	vault       *IdentityVault
	observer    Observer
}

// NewNotifier returns a Notifier with o's dependencies and defaults.
func NewNotifier(o NotifierOptions) *Notifier {
	n := &Notifier{outbox: o.Outbox, mailer: o.Mailer, logf: o.Log, now: clockOrNow(o.Now), maxAttempts: o.MaxAttempts, vault: o.Vault,
		observer: observerOr(o.Observer)}
	if n.maxAttempts <= 0 {
		n.maxAttempts = DefaultNotifyMaxAttempts
	}
	return n
}

func (n *Notifier) log(msg string, args ...any) {
	if n.logf != nil {
		n.logf(msg, args...)
	}
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
		due, err := n.outbox.DueNotifications(ctx, n.now(), notifyBatch)
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
			n.observer.NotificationDelivered(m.Kind, DeliveryDropped)
			return true, n.outbox.MarkSent(ctx, m.ID, n.now())
		}
		m.To = to
	}
	if n.mailer == nil {
		n.log("notification not e-mailed (no mailer configured)", "kind", m.Kind, "caseId", m.CaseID)
		n.observer.NotificationDelivered(m.Kind, DeliverySent)
		return true, n.outbox.MarkSent(ctx, m.ID, n.now())
	}
	sendErr := n.mailer.Send(ctx, m.To, m)
	if sendErr == nil {
		n.observer.NotificationDelivered(m.Kind, DeliverySent)
		return true, n.outbox.MarkSent(ctx, m.ID, n.now())
	}
	if ctx.Err() != nil {
		// Cancelled mid-send: not the message's fault, so no attempt is
		// counted; it stays due.
		return false, ctx.Err()
	}
	attempts := m.Attempts + 1
	text := redact(sendErr.Error(), m.To)
	var next time.Time // zero: give up
	if attempts < n.maxAttempts {
		next = n.now().Add(NotifyBackoff(attempts))
	}
	result := DeliveryFailed
	if next.IsZero() {
		result = DeliveryAbandoned
	}
	n.observer.NotificationDelivered(m.Kind, result)
	n.log("notification send failed", "id", m.ID, "kind", m.Kind, "caseId", m.CaseID,
		"attempts", attempts, "givenUp", next.IsZero(), "err", text)
	return false, n.outbox.MarkFailed(ctx, m.ID, attempts, next, text)
}

// citizenAddress opens the report's sealed identity for its e-mail address
// ("" when there is none).
func (n *Notifier) citizenAddress(ctx context.Context, caseID string) (string, error) {
	if n.vault == nil || caseID == "" {
		return "", nil
	}
	id, ok, err := n.vault.Open(ctx, caseID)
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

// CitizenUpdate builds the notification telling a citizen that their
// report changed, in the report's language. It is content-free on purpose:
// it carries nothing but its kind (no tracking code, no status, no report
// text), so a mailbox read by someone else reveals nothing but that a
// report exists. caseLanguage "en" gives English, anything else Vietnamese.
func CitizenUpdate(to, caseLanguage string) Notification {
	lang := "vi"
	if caseLanguage == "en" {
		lang = "en"
	}
	return Notification{To: to, Kind: NotifyKindCitizenUpdate, Language: lang}
}

// staffNotification builds a staff notification naming the tracking code.
func staffNotification(to string, kind NotificationKind, caseID, trackingCode string) Notification {
	return Notification{To: to, Kind: kind, Language: StaffLanguage, CaseID: caseID,
		Data: NotificationData{TrackingCode: trackingCode}}
}

// NotifyAssigned builds the notification to a staff member a case was
// assigned to.
func NotifyAssigned(to, caseID, trackingCode string) Notification {
	return staffNotification(to, NotifyKindAssigned, caseID, trackingCode)
}

// NotifyRecommendation builds the notification about a new recommendation
// on a case.
func NotifyRecommendation(to, caseID, trackingCode string) Notification {
	return staffNotification(to, NotifyKindRecommendation, caseID, trackingCode)
}

// NotifyDeadlineNear builds the notification warning that a clock of a case
// is due soon; it is queued once per case, clock and recipient.
func NotifyDeadlineNear(to, caseID, trackingCode, clock string, due time.Time) Notification {
	n := staffNotification(to, NotifyKindDeadlineNear, caseID, trackingCode)
	n.Data.Clock, n.Data.Due = clock, due.UTC()
	n.DedupKey = string(NotifyKindDeadlineNear) + ":" + caseID + ":" + clock + ":" + to
	return n
}

// NotifyOverdue builds the notification saying that a clock of a case is
// overdue; it is queued once per case, clock and recipient.
func NotifyOverdue(to, caseID, trackingCode, clock string) Notification {
	n := staffNotification(to, NotifyKindOverdue, caseID, trackingCode)
	n.Data.Clock = clock
	n.DedupKey = string(NotifyKindOverdue) + ":" + caseID + ":" + clock + ":" + to
	return n
}

// NotifyProposal builds the notification telling a lead that a conclusion
// awaits their approval.
func NotifyProposal(to, caseID, trackingCode string) Notification {
	return staffNotification(to, NotifyKindProposal, caseID, trackingCode)
}

// NotifyExtension builds the notification telling a lead that an extension
// of the resolution deadline awaits their decision.
func NotifyExtension(to, caseID, trackingCode string) Notification {
	return staffNotification(to, NotifyKindExtension, caseID, trackingCode)
}

// NotifyDigest builds a monitor's daily overdue digest for day (Vietnam
// time, YYYY-MM-DD): counts only.
func NotifyDigest(to string, reports, recs int, day string) Notification {
	return Notification{To: to, Kind: NotifyKindDigest, Language: StaffLanguage,
		Data: NotificationData{Day: day, OverdueReports: reports, OverdueRecommendations: recs}}
}

// NotifyStaffing builds the notification telling a lead or monitor of a
// staffing change in a unit they watch (docs/privacy.md, "Separation of
// duties"); it is queued once per change and recipient.
func NotifyStaffing(to string, e *StaffingEvent) Notification {
	return Notification{To: to, Kind: NotifyKindStaffing, Language: StaffLanguage,
		Data:     NotificationData{Account: e.Email, Change: e.Kind, Until: e.CoolingUntil.UTC()},
		DedupKey: string(NotifyKindStaffing) + ":" + e.ID + ":" + to}
}
