package services

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// QueueFilter narrows a unit's queue.
type QueueFilter struct {
	Status     Status
	Kind       Kind
	Category   string
	AreaCode   string
	AssigneeID string
	Office     string // in the office named (case-insensitive)
	Overdue    bool   // only reports past a running clock's due date
	Text       string // in title, office, procedure or dossier number (case-insensitive)
}

// Validate refuses filters that are too long, and text that is not valid
// UTF-8 or holds control characters (a NUL byte cannot even be sent to the
// database in a regular expression), naming the query parameter.
func (f QueueFilter) Validate() error {
	for _, p := range []struct{ param, value string }{{"q", f.Text}, {"office", f.Office}} {
		if utf8.RuneCountInString(p.value) > 200 {
			return &Error{Code: CodeInvalid, Reason: ReasonFieldsInvalid, Message: "The search text is too long.", Fields: map[string]string{p.param: FieldTooLong}}
		}
	}
	bad := FieldErrors{}
	for _, p := range []struct{ param, value string }{{"q", f.Text}, {"office", f.Office}, {"status", string(f.Status)},
		{"kind", string(f.Kind)}, {"category", f.Category}, {"area", f.AreaCode}, {"assignee", f.AssigneeID}} {
		if !utf8.ValidString(p.value) || strings.IndexFunc(p.value, unicode.IsControl) >= 0 {
			bad.Add(p.param, FieldInvalid)
		}
	}
	if err := bad.Err(); err != nil {
		return &Error{Code: CodeInvalid, Reason: ReasonFieldsInvalid, Message: "The search holds characters that are not text.", Fields: err.(*Error).Fields}
	}
	return nil
}

// QueueCursor is where the next page starts: after (DueAt, ID).
type QueueCursor struct {
	DueAt time.Time
	ID    string
}

// Encode makes the cursor an opaque string for clients.
func (c QueueCursor) Encode() string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(c.DueAt.UnixMilli(), 10) + "." + c.ID))
}

// DecodeQueueCursor parses what Encode made; "" is the first page.
func DecodeQueueCursor(s string) (*QueueCursor, error) {
	if s == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	ms, id, ok := strings.Cut(string(b), ".")
	n, perr := strconv.ParseInt(ms, 10, 64)
	if err != nil || !ok || perr != nil || len(id) != 24 || strings.Trim(id, "0123456789abcdef") != "" {
		return nil, &Error{Code: CodeInvalid, Reason: ReasonCursorInvalid, Message: "The page cursor is invalid.", Fields: map[string]string{"cursor": FieldInvalid}}
	}
	return &QueueCursor{DueAt: time.UnixMilli(n).UTC(), ID: id}, nil
}

// QueueQuery is one page request.
type QueueQuery struct {
	UnitID string
	Front  bool // UnitID is a Front committee (monitors)
	Filter QueueFilter
	After  *QueueCursor
	Limit  int
	Now    time.Time
}

// QueueStore lists reports for a unit.
type QueueStore interface {
	// FindUnitCases returns up to limit reports handled (inspection) or
	// supervised (front) by unitID, newest first.
	FindUnitCases(ctx context.Context, unitID string, front bool, limit int) ([]Case, error)
	// FindRecommendedCases is FindUnitCases restricted to reports with at
	// least one recommendation.
	FindRecommendedCases(ctx context.Context, unitID string, front bool, limit int) ([]Case, error)
	// CountQueue counts the reports matching a queue query's filter.
	CountQueue(ctx context.Context, q QueueQuery) (int, error)
	// FindQueue returns a page of a unit's reports, nearest due date
	// first (ties by id), matching the filter.
	FindQueue(ctx context.Context, q QueueQuery) ([]Case, error)
	// CountByStatus counts a unit's reports per status.
	CountByStatus(ctx context.Context, unitID string, front bool) (map[Status]int, error)
}

// Queue is a unit's list of reports.
type Queue struct {
	store QueueStore
	now   func() time.Time
}

// NewQueue lists the reports in store; now is the clock (time.Now when nil).
func NewQueue(store QueueStore, now func() time.Time) *Queue {
	return &Queue{store: store, now: clockOrNow(now)}
}

// QueuePage is one page of a queue.
type QueuePage struct {
	Items  []QueueEntry
	Next   *QueueCursor
	Counts map[Status]int
}

// QueueEntry is a report in a queue with its next due date (zero when no
// clock runs) and whether that date has passed.
type QueueEntry struct {
	Case
	Due     time.Time
	Overdue bool
}

// MaxQueuePage caps a page.
const MaxQueuePage = 100

// List returns a page of the reports the actor's unit handles or supervises,
// nearest due date first, with counts per status.
func (q *Queue) List(ctx context.Context, actor Actor, f QueueFilter, after *QueueCursor, limit int) (QueuePage, error) {
	switch {
	case !actor.IsStaff():
		return QueuePage{}, Errorf(ReasonSignInFirst, "Sign in first.")
	case actor.Role == RoleAdmin:
		return QueuePage{}, Errorf(ReasonAdminNoCasework, "Administrators do not handle reports.")
	}
	if limit <= 0 || limit > MaxQueuePage {
		limit = 50
	}
	var page QueuePage
	f.Text, f.Office = strings.TrimSpace(f.Text), strings.TrimSpace(f.Office)
	if err := f.Validate(); err != nil {
		return QueuePage{}, err
	}
	now := q.now()
	front := actor.Role == RoleMonitor
	items, err := q.store.FindQueue(ctx, QueueQuery{UnitID: actor.UnitID, Front: front, Filter: f, After: after, Limit: limit + 1, Now: now})
	if err != nil {
		return QueuePage{}, err
	}
	if len(items) > limit {
		items = items[:limit]
		last := items[limit-1]
		page.Next = &QueueCursor{DueAt: last.DueAt, ID: last.ID}
	}
	page.Items = make([]QueueEntry, len(items))
	for i, c := range items {
		page.Items[i] = QueueEntry{Case: c}
		if !c.DueAt.IsZero() && c.DueAt.Before(NoDue) {
			page.Items[i].Due, page.Items[i].Overdue = c.DueAt, c.DueAt.Before(now)
		}
	}
	page.Counts, err = q.store.CountByStatus(ctx, actor.UnitID, front)
	return page, err
}
