package services

import (
	"time"
)

// This file is the deadline engine of docs/workflow.md ("Deadlines"): pure functions that turn
// a deadline policy, the holiday calendar and a case's dates into clocks with
// due instants. Nothing here reads the clock or storage; callers pass now.
//
// How periods are counted follows the Civil Code 2015 (Bộ luật Dân sự):
//
//   - Art. 147(1): a period counted in days starts on the day after the
//     event; the day of receipt or acceptance itself is not counted.
//   - Art. 148(3)-(4): a period ends at the end of its last day; when that
//     last day is a weekend or public holiday, the period ends at the end of
//     the next working day. AddCalendarDays applies this roll-forward;
//     working-day periods never end on a day off in the first place.
//   - Art. 148(5): the last day ends at 24:00. The portal reckons days in
//     Vietnam's time zone and represents 24:00 as 23:59:59.999 local time,
//     the last instant that a millisecond-precision store (MongoDB dates)
//     can hold, so a due instant survives a round trip unchanged.
//
// Working days are Monday to Friday, except the holidays of the Calendar.

// Calendar says which days are working days: Monday to Friday, except its
// holidays. Dates are reckoned in Vietnam time (VietnamTime). A nil
// *Calendar has no holidays.
type Calendar struct {
	holidays map[string]bool // YYYY-MM-DD
}

// NewCalendar returns the calendar of the given holidays. Entries whose Date
// is not a YYYY-MM-DD date never match a day.
func NewCalendar(holidays []Holiday) *Calendar {
	c := &Calendar{holidays: make(map[string]bool, len(holidays))}
	for _, h := range holidays {
		c.holidays[h.Date] = true
	}
	return c
}

// IsWorkingDay reports whether the Vietnam-time date of d is a working day:
// a Monday to Friday that is not a holiday.
func (c *Calendar) IsWorkingDay(d time.Time) bool {
	d = d.In(VietnamTime)
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	return c == nil || !c.holidays[d.Format(time.DateOnly)]
}

// dayOf returns midnight, Vietnam time, of the Vietnam-time date of t.
func dayOf(t time.Time) time.Time {
	y, m, d := t.In(VietnamTime).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, VietnamTime)
}

// nextDay returns midnight of the day after the day starting at day.
func nextDay(day time.Time) time.Time {
	y, m, d := day.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, VietnamTime)
}

// EndOfDay returns the due instant of the Vietnam-time date of t: 23:59:59.999
// that day in Vietnam time, in UTC. A clock is overdue when now is after it.
func EndOfDay(t time.Time) time.Time {
	y, m, d := t.In(VietnamTime).Date()
	return time.Date(y, m, d, 23, 59, 59, 999_000_000, VietnamTime).UTC()
}

// AddWorkingDays returns the due instant of a period of n working days
// starting at start: the end (EndOfDay) of the n-th working day after the
// Vietnam-time date of start. The start day does not count even when it is
// a working day, so a report filed on a Friday with one working day is due
// at the end of Monday, and one filed on a Saturday starts counting on
// Monday. n <= 0 gives the end of the start day.
func (c *Calendar) AddWorkingDays(start time.Time, n int) time.Time {
	day := dayOf(start)
	for n > 0 {
		day = nextDay(day)
		if c.IsWorkingDay(day) {
			n--
		}
	}
	return EndOfDay(day)
}

// AddCalendarDays returns the due instant of a period of n calendar days
// starting at start: the end of the day n days after the Vietnam-time date
// of start — or, when that day is a weekend or holiday, the end of the next
// working day (Civil Code 2015, Art. 148(4)). n <= 0 counts from the start
// day itself, rolled forward the same way.
func (c *Calendar) AddCalendarDays(start time.Time, n int) time.Time {
	y, m, d := dayOf(start).Date()
	day := time.Date(y, m, d+max(n, 0), 0, 0, 0, 0, VietnamTime)
	for !c.IsWorkingDay(day) {
		day = nextDay(day)
	}
	return EndOfDay(day)
}

// addDays counts n working or calendar days from start.
func (c *Calendar) addDays(start time.Time, n int, working bool) time.Time {
	if working {
		return c.AddWorkingDays(start, n)
	}
	return c.AddCalendarDays(start, n)
}

// The names of the clocks.
const (
	ClockAccept  = "accept"  // receipt → acceptance (thụ lý), or acknowledgement of feedback
	ClockNotify  = "notify"  // acceptance → notifying the parties (denunciations)
	ClockResolve = "resolve" // acceptance (feedback: receipt) → conclusion
)

// Clock is one deadline of a case.
type Clock struct {
	Name  string // ClockAccept, ClockNotify or ClockResolve
	Start time.Time
	Due   time.Time // the end of the due day in Vietnam time, in UTC
	// Stopped is when the clock stopped: zero while it runs.
	Stopped time.Time
	// Overdue says whether the step was late: Stopped (or, while the clock
	// runs, now) is after Due.
	Overdue bool
}

// Extension is an approved extension of the resolution deadline. Its days
// are counted like the resolution period (working or calendar days).
type Extension struct {
	Days       int
	ApprovedAt time.Time // zero while pending: a pending extension does not move the deadline
	Reason     string
}

// CheckExtension decides whether requested may be granted on top of the
// extensions already granted: it is refused with a conflict when the kind
// allows no extensions or the existing ones reach policy.MaxExtensions, and
// as invalid (field "days") when its Days is not between 1 and
// policy.ExtensionDays.
func CheckExtension(policy DeadlinePolicy, existing []Extension, requested Extension) error {
	if policy.MaxExtensions <= 0 {
		return Errorf(ReasonExtensionNotAllowed, "The resolution deadline of this kind of case cannot be extended.")
	}
	if len(existing) >= policy.MaxExtensions {
		return Errorf(ReasonExtensionLimit, "The resolution deadline has already been extended %d times, the most allowed.", policy.MaxExtensions)
	}
	if requested.Days <= 0 || requested.Days > policy.ExtensionDays {
		f := FieldErrors{}
		f.Add("days", FieldInvalid)
		return f.Err()
	}
	return nil
}

// resolveDays picks the resolution period of a case: the longest of the
// policy's non-zero periods whose conditions the case meets. Since a policy
// variant is never shorter than the periods it refines (see
// DeadlinePolicy.Validate), this is the most specific variant that is set,
// and a variant left at zero falls back to the longest more general one —
// e.g. a complex denunciation has no ComplexResolveDays and gets
// ResolveDays (its extra time comes from extensions).
func resolveDays(p DeadlinePolicy, complex, remote, round2 bool) int {
	days := p.ResolveDays
	consider := func(ok bool, v int) {
		if ok {
			days = max(days, v)
		}
	}
	consider(complex, p.ComplexResolveDays)
	consider(remote, p.RemoteResolveDays)
	consider(remote && complex, p.RemoteComplexResolveDays)
	consider(round2, p.Round2ResolveDays)
	consider(round2 && complex, p.Round2ComplexResolveDays)
	consider(round2 && remote, p.RemoteRound2ResolveDays)
	consider(round2 && remote && complex, p.RemoteRound2ComplexResolveDays)
	return days
}

// firstSet returns the first non-zero time.
func firstSet(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// ClocksFor computes the clocks of a case of kind under policy, in the order
// accept, notify, resolve; a clock is left out when its policy days are zero
// or its start has not happened yet. Zero times mean "not yet".
//
//   - accept: from receivedAt, policy.AcceptDays; stopped at acceptedAt, or
//     at resolvedAt when the case was closed (rejected, transferred,
//     withdrawn, or feedback handled) without acceptance.
//   - notify (denunciations only): from acceptedAt, policy.NotifyDays;
//     stopped at resolvedAt. The portal does not record when the parties
//     were notified, so until resolution the clock keeps running.
//   - resolve: from acceptedAt — for feedback, which has no acceptance step
//     in law, from receivedAt — with the period chosen by complex, remote
//     and round2 (see resolveDays) plus the days of the approved extensions;
//     stopped at resolvedAt.
//
// Overdue is judged against Stopped when the clock stopped, else against now.
func ClocksFor(kind Kind, policy DeadlinePolicy, cal *Calendar, receivedAt, acceptedAt, resolvedAt time.Time,
	complex, remote, round2 bool, extensions []Extension, now time.Time) []Clock {
	var clocks []Clock
	add := func(name string, start time.Time, days int, working bool, stopped time.Time) {
		if start.IsZero() || days <= 0 {
			return
		}
		c := Clock{Name: name, Start: start, Due: cal.addDays(start, days, working), Stopped: stopped}
		c.Overdue = firstSet(stopped, now).After(c.Due)
		clocks = append(clocks, c)
	}
	add(ClockAccept, receivedAt, policy.AcceptDays, policy.AcceptWorkingDays, firstSet(acceptedAt, resolvedAt))
	if kind == KindDenunciation {
		add(ClockNotify, acceptedAt, policy.NotifyDays, policy.NotifyWorkingDays, resolvedAt)
	}
	resolveStart := acceptedAt
	if kind == KindFeedback {
		resolveStart = receivedAt
	}
	days := resolveDays(policy, complex, remote, round2)
	if days > 0 {
		for _, e := range extensions {
			if !e.ApprovedAt.IsZero() && e.Days > 0 {
				days += e.Days
			}
		}
	}
	add(ClockResolve, resolveStart, days, policy.ResolveWorkingDays, resolvedAt)
	return clocks
}

// VietnamTime is Asia/Ho_Chi_Minh, the zone in which dates and working days
// are reckoned.
var VietnamTime = mustLoadLocation("Asia/Ho_Chi_Minh")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // time/tzdata is embedded, so this cannot happen
	}
	return loc
}
