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
	Mine       bool   // only reports assigned to the actor (overrides AssigneeID)
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

// QueueSortKey names what a queue is sorted by.
type QueueSortKey string

// The queue's sort keys (docs/workflow.md, "The queue"). Each sorts in the
// database on a key the keyset cursor continues after, ties by id.
const (
	// SortDue is by the next due date of a running clock (reports with no
	// running clock last when ascending).
	SortDue QueueSortKey = "due"
	// SortSubmitted is by filing time.
	SortSubmitted QueueSortKey = "submitted"
	// SortStatus is by the stage of work (StatusRank), then by due date.
	SortStatus QueueSortKey = "status"
)

// QueueSort is a queue's order: a key and a direction.
type QueueSort struct {
	Key  QueueSortKey
	Desc bool
}

// String is the sort as the sort query parameter spells it: the key,
// prefixed by "-" when descending.
func (s QueueSort) String() string {
	if s.Desc {
		return "-" + string(s.Key)
	}
	return string(s.Key)
}

// ParseQueueSort reads the sort query parameter: "due", "submitted" or
// "status", prefixed by "-" for descending; "" is the default, nearest due
// date first.
func ParseQueueSort(s string) (QueueSort, error) {
	if s == "" {
		return QueueSort{Key: SortDue}, nil
	}
	out := QueueSort{}
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		out.Desc, s = true, rest
	}
	switch k := QueueSortKey(s); k {
	case SortDue, SortSubmitted, SortStatus:
		out.Key = k
		return out, nil
	}
	return QueueSort{}, &Error{Code: CodeInvalid, Reason: ReasonFieldsInvalid, Message: "The queue cannot be sorted that way.", Fields: map[string]string{"sort": FieldInvalid}}
}

// statusRanks orders the statuses by stage of work: the ones still being
// handled first, in the order they come, then the finished ones.
var statusRanks = map[Status]int{
	StatusReceived: 1, StatusAccepted: 2, StatusInvestigating: 3, StatusConcluded: 4, StatusAppealed: 5,
	StatusTransferred: 6, StatusRejected: 7, StatusWithdrawn: 8, StatusClosed: 9,
}

// StatusRank is a status's place in the queue's status order (0 for an
// unknown status). Stores keep it next to the status so the database can
// sort by it.
func StatusRank(s Status) int { return statusRanks[s] }

// maxStatusRank bounds the rank a cursor may carry.
const maxStatusRank = 99

// QueueCursor is where the next page starts: after the last report of the
// page in the page's sort, (Rank, At, ID) with Rank used by SortStatus
// only, and At the due date (SortDue, SortStatus) or the filing time
// (SortSubmitted). A cursor is valid only with the sort it was made for.
type QueueCursor struct {
	Sort QueueSort
	Rank int
	At   time.Time
	ID   string
}

// cursorOf is the cursor after c in sort.
func cursorOf(sort QueueSort, c Case) *QueueCursor {
	cur := &QueueCursor{Sort: sort, At: c.DueAt, ID: c.ID}
	switch sort.Key {
	case SortSubmitted:
		cur.At = c.CreatedAt
	case SortStatus:
		cur.Rank = StatusRank(c.Status)
	}
	return cur
}

// Encode makes the cursor an opaque string for clients.
func (c QueueCursor) Encode() string {
	key, dir := c.Sort.Key, "a"
	if key == "" {
		key = SortDue
	}
	if c.Sort.Desc {
		dir = "d"
	}
	return base64.RawURLEncoding.EncodeToString([]byte(string(key) + "." + dir + "." + strconv.Itoa(c.Rank) + "." +
		strconv.FormatInt(c.At.UnixMilli(), 10) + "." + c.ID))
}

// DecodeQueueCursor parses what Encode made; "" is the first page. A
// cursor of the earlier form (due date and id only) continues the default
// sort.
func DecodeQueueCursor(s string) (*QueueCursor, error) {
	if s == "" {
		return nil, nil
	}
	bad := &Error{Code: CodeInvalid, Reason: ReasonCursorInvalid, Message: "The page cursor is invalid.", Fields: map[string]string{"cursor": FieldInvalid}}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, bad
	}
	parts := strings.Split(string(b), ".")
	c := QueueCursor{Sort: QueueSort{Key: SortDue}}
	switch len(parts) {
	case 2: // the earlier form: "ms.id"
	case 5:
		sort, err := ParseQueueSort(parts[0])
		if err != nil || parts[0] == "" || strings.HasPrefix(parts[0], "-") || (parts[1] != "a" && parts[1] != "d") {
			return nil, bad
		}
		sort.Desc = parts[1] == "d"
		rank, err := strconv.Atoi(parts[2])
		if err != nil || rank < 0 || rank > maxStatusRank || (rank != 0 && sort.Key != SortStatus) {
			return nil, bad
		}
		c.Sort, c.Rank, parts = sort, rank, parts[3:]
	default:
		return nil, bad
	}
	ms, id := parts[0], parts[1]
	n, err := strconv.ParseInt(ms, 10, 64)
	if err != nil || len(id) != 24 || strings.Trim(id, "0123456789abcdef") != "" {
		return nil, bad
	}
	c.At, c.ID = time.UnixMilli(n).UTC(), id
	return &c, nil
}

// QueueQuery is one page request.
type QueueQuery struct {
	UnitID string
	Front  bool // UnitID is a Front committee (monitors)
	Filter QueueFilter
	Sort   QueueSort
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
	// FindQueue returns a page of a unit's reports matching the filter, in
	// the query's sort (ties by id), after its cursor. Each report carries
	// the fields a queue filters, sorts and shows only: ID, TrackingCode,
	// Kind, Category, Title, Office, Procedure, DossierNumber, AreaCode,
	// Status, UnitID, FrontUnitID, AssigneeID, DueAt, CreatedAt, Version.
	FindQueue(ctx context.Context, q QueueQuery) ([]Case, error)
	// FindRelatedCases returns up to limit reports of unitID (or, front,
	// the committee) other than exclude with one of keys (PlaceKeys),
	// newest first.
	FindRelatedCases(ctx context.Context, unitID string, front bool, keys []string, exclude string, limit int) ([]Case, error)
}

// Queue is a unit's list of reports.
type Queue struct {
	store QueueStore
	users StaffDirectory
	now   func() time.Time
	// counts counts the reports per status: the statistics' counters
	// (docs/statistics.md, "The queue's counts"), never a count of the
	// reports per page view.
	counts StatusCounter
}

// StatusCounter counts a unit's or a committee's reports per status now.
type StatusCounter interface {
	StatusCounts(ctx context.Context, unitID string, front bool) (map[Status]int, error)
}

// StaffDirectory finds staff accounts, to name assignees.
type StaffDirectory interface {
	FindUserByID(ctx context.Context, id string) (User, error)
}

// NewQueue lists the reports in store, naming assignees from users (no
// names when nil); now is the clock (time.Now when nil).
// counts gives the per-status counts (the statistics' counters: a
// StatsView).
func NewQueue(store QueueStore, users StaffDirectory, counts StatusCounter, now func() time.Time) *Queue {
	return &Queue{store: store, users: users, counts: counts, now: clockOrNow(now)}
}

// QueuePage is one page of a queue.
type QueuePage struct {
	Items  []QueueEntry
	Next   *QueueCursor
	Sort   QueueSort
	Counts map[Status]int
}

// QueueEntry is a report in a queue with its next due date (zero when no
// clock runs), whether that date has passed or is within NearDeadline, and
// its assignee's display name ("" when unassigned or the account is gone).
type QueueEntry struct {
	Case
	Due          time.Time
	Overdue      bool
	DueSoon      bool
	AssigneeName string
}

// MaxQueuePage caps a page.
const MaxQueuePage = 100

// List returns a page of the reports the actor's unit handles or supervises
// (the reports Actor.CanSeeCase lets it see), in the sort asked for (nearest
// due date first by default), with the counts per status of all those
// reports. A cursor continues only the sort it was made in.
func (q *Queue) List(ctx context.Context, actor Actor, f QueueFilter, sort QueueSort, after *QueueCursor, limit int) (QueuePage, error) {
	switch {
	case !actor.IsStaff():
		return QueuePage{}, Errorf(ReasonSignInFirst, "Sign in first.")
	case actor.Role == RoleAdmin:
		return QueuePage{}, Errorf(ReasonAdminNoCasework, "Administrators do not handle reports.")
	}
	if limit <= 0 || limit > MaxQueuePage {
		limit = 50
	}
	if sort.Key == "" {
		sort.Key = SortDue
	}
	if after != nil && after.Sort != sort {
		return QueuePage{}, &Error{Code: CodeInvalid, Reason: ReasonCursorInvalid, Message: "The page cursor belongs to another sort order: start again from the first page.",
			Fields: map[string]string{"cursor": FieldInvalid}}
	}
	page := QueuePage{Sort: sort}
	f.Text, f.Office = strings.TrimSpace(f.Text), strings.TrimSpace(f.Office)
	if err := f.Validate(); err != nil {
		return QueuePage{}, err
	}
	if f.Mine {
		f.AssigneeID, f.Mine = actor.UserID, false
	}
	now := q.now()
	front := actor.Role == RoleMonitor
	items, err := q.store.FindQueue(ctx, QueueQuery{UnitID: actor.UnitID, Front: front, Filter: f, Sort: sort, After: after, Limit: limit + 1, Now: now})
	if err != nil {
		return QueuePage{}, err
	}
	if len(items) > limit {
		items = items[:limit]
		page.Next = cursorOf(sort, items[limit-1])
	}
	names := map[string]string{}
	page.Items = make([]QueueEntry, len(items))
	for i, c := range items {
		// Defence in depth: the store's unit filter is the rule of
		// Actor.CanSeeCase; a report it lets through by mistake is not shown.
		if !actor.CanSeeCase(c) {
			return QueuePage{}, Errorf(ReasonInternal, "The queue could not be read.")
		}
		e := QueueEntry{Case: c}
		if !c.DueAt.IsZero() && c.DueAt.Before(NoDue) {
			e.Due, e.Overdue = c.DueAt, c.DueAt.Before(now)
			e.DueSoon = !e.Overdue && c.DueAt.Before(now.Add(NearDeadline))
		}
		if e.AssigneeName, err = q.assigneeName(ctx, names, c.AssigneeID); err != nil {
			return QueuePage{}, err
		}
		page.Items[i] = e
	}
	if q.counts == nil {
		return QueuePage{}, Errorf(ReasonInternal, "The queue's counts are not wired.")
	}
	page.Counts, err = q.counts.StatusCounts(ctx, actor.UnitID, front)
	return page, err
}

// assigneeName is the display name of the account id, looked up once per
// page (names caches it).
func (q *Queue) assigneeName(ctx context.Context, names map[string]string, id string) (string, error) {
	if id == "" || q.users == nil {
		return "", nil
	}
	if n, ok := names[id]; ok {
		return n, nil
	}
	u, err := q.users.FindUserByID(ctx, id)
	if err != nil && !IsCode(err, CodeNotFound) {
		return "", err
	}
	names[id] = u.Name
	return u.Name, nil
}
