package services_test

import (
	"errors"
	"testing"
	"time"

	"minhbach/services"
)

// vn returns a Vietnam-time instant (UTC+7) written as "2006-01-02 15:04".
func vn(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse("2006-01-02 15:04 -0700", s+" +0700")
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// dueOn is the due instant of a Vietnam date: 23:59:59.999 at UTC+7, that is
// 16:59:59.999Z the same day. It is written in UTC on purpose, independently
// of the code under test.
func dueOn(t *testing.T, date string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		t.Fatal(err)
	}
	return d.Add(16*time.Hour + 59*time.Minute + 59*time.Second + 999*time.Millisecond)
}

func policyOf(t *testing.T, k services.Kind) services.DeadlinePolicy {
	t.Helper()
	for _, p := range services.DefaultDeadlinePolicies {
		if p.Kind == k {
			return p
		}
	}
	t.Fatalf("no default policy for %s", k)
	return services.DeadlinePolicy{}
}

func TestCalendarIsWorkingDay(t *testing.T) {
	cal := services.NewCalendar(services.DefaultHolidays)
	tests := []struct {
		name string
		at   time.Time
		want bool
	}{
		{"Friday", vn(t, "2026-03-06 10:00"), true},
		{"Saturday", vn(t, "2026-03-07 10:00"), false},
		{"Sunday", vn(t, "2026-03-08 10:00"), false},
		{"Monday", vn(t, "2026-03-09 00:00"), true},
		{"New Year 2026", vn(t, "2026-01-01 12:00"), false},
		{"Tết 2026 first day", vn(t, "2026-02-16 09:00"), false},
		{"Tết 2026 last day", vn(t, "2026-02-20 09:00"), false},
		{"after Tết 2026", vn(t, "2026-02-23 09:00"), true},
		{"Hùng Kings compensatory 2026", vn(t, "2026-04-27 09:00"), false},
		{"Reunification Day", vn(t, "2026-04-30 09:00"), false},
		{"National Day adjacent", vn(t, "2026-09-01 09:00"), false},
		{"New Year 2027", vn(t, "2027-01-01 09:00"), false},
		// Dates are Vietnam dates, whatever the zone of the instant.
		{"Friday 23:59 in Vietnam, 16:59Z", time.Date(2026, 3, 6, 16, 59, 0, 0, time.UTC), true},
		{"Saturday 00:00 in Vietnam, Friday 17:00Z", time.Date(2026, 3, 6, 17, 0, 0, 0, time.UTC), false},
		{"Monday 00:00 Tết in Vietnam, Sunday 17:00Z", time.Date(2026, 2, 15, 17, 0, 0, 0, time.UTC), false},
		{"Monday 00:00 in Vietnam, Sunday 17:00Z", time.Date(2026, 2, 22, 17, 0, 0, 0, time.UTC), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cal.IsWorkingDay(tt.at); got != tt.want {
				t.Errorf("IsWorkingDay(%v) = %v, want %v", tt.at, got, tt.want)
			}
		})
	}
	// Without holidays only weekends are days off; a nil calendar too.
	for _, c := range []*services.Calendar{services.NewCalendar(nil), nil} {
		if !c.IsWorkingDay(vn(t, "2026-02-17 09:00")) || c.IsWorkingDay(vn(t, "2026-02-21 09:00")) {
			t.Errorf("calendar %v without holidays: wrong working days around Tết", c)
		}
	}
}

func TestCalendarAddWorkingDays(t *testing.T) {
	cal := services.NewCalendar(services.DefaultHolidays)
	tests := []struct {
		name  string
		start time.Time
		n     int
		want  string
	}{
		{"weekday + 1", vn(t, "2026-03-04 10:00"), 1, "2026-03-05"},
		{"Friday + 1 = Monday", vn(t, "2026-03-06 10:00"), 1, "2026-03-09"},
		{"Saturday + 1 = Monday", vn(t, "2026-03-07 10:00"), 1, "2026-03-09"},
		{"Sunday + 1 = Monday", vn(t, "2026-03-08 23:00"), 1, "2026-03-09"},
		{"Friday + 5 = next Friday", vn(t, "2026-03-06 08:00"), 5, "2026-03-13"},
		{"zero days = end of the start day", vn(t, "2026-03-06 08:00"), 0, "2026-03-06"},
		{"Tết: 13 Feb + 2 skips 14–22 Feb", vn(t, "2026-02-13 10:00"), 2, "2026-02-24"},
		{"filed during Tết", vn(t, "2026-02-18 10:00"), 1, "2026-02-23"},
		{"Hùng Kings: Fri 24 Apr + 1 skips compensatory Mon 27", vn(t, "2026-04-24 10:00"), 1, "2026-04-28"},
		{"30 Apr and 1 May: Wed 29 Apr + 1", vn(t, "2026-04-29 10:00"), 1, "2026-05-04"},
		{"year end: 29 Dec 2026 + 5 skips 1 Jan 2027", vn(t, "2026-12-29 10:00"), 5, "2027-01-06"},
		{"denunciation accept across National Day", vn(t, "2026-08-28 10:00"), 7, "2026-09-10"},
		// The start day is the Vietnam date: 16:30Z is 23:30 Thursday,
		// 17:30Z is 00:30 Friday.
		{"Thursday 23:30 in Vietnam", time.Date(2026, 3, 5, 16, 30, 0, 0, time.UTC), 1, "2026-03-06"},
		{"Friday 00:30 in Vietnam", time.Date(2026, 3, 5, 17, 30, 0, 0, time.UTC), 1, "2026-03-09"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cal.AddWorkingDays(tt.start, tt.n)
			if want := dueOn(t, tt.want); !got.Equal(want) {
				t.Errorf("AddWorkingDays(%v, %d) = %v, want %v", tt.start, tt.n, got, want)
			}
			if got.Location() != time.UTC {
				t.Errorf("due %v is not in UTC", got)
			}
		})
	}
	// Without the holiday calendar, Tết would not be skipped.
	if got, want := services.NewCalendar(nil).AddWorkingDays(vn(t, "2026-02-13 10:00"), 2), dueOn(t, "2026-02-17"); !got.Equal(want) {
		t.Errorf("no holidays: got %v, want %v", got, want)
	}
}

func TestCalendarAddCalendarDays(t *testing.T) {
	cal := services.NewCalendar(services.DefaultHolidays)
	tests := []struct {
		name  string
		start time.Time
		n     int
		want  string
	}{
		{"ends on a weekday", vn(t, "2026-03-02 10:00"), 10, "2026-03-12"},
		{"weekends inside the period count", vn(t, "2026-03-06 10:00"), 3, "2026-03-09"},
		{"ends Saturday → Monday", vn(t, "2026-03-04 10:00"), 10, "2026-03-16"},
		{"ends Sunday → Monday", vn(t, "2026-03-05 10:00"), 10, "2026-03-16"},
		{"ends on Tết → first working day after", vn(t, "2026-01-17 10:00"), 30, "2026-02-23"},
		{"ends 30 Apr → past 1 May and the weekend", vn(t, "2026-04-20 10:00"), 10, "2026-05-04"},
		{"ends 1 Jan 2027 → Monday 4 Jan", vn(t, "2026-12-22 10:00"), 10, "2027-01-04"},
		{"start day not counted, late evening", vn(t, "2026-03-02 23:59"), 1, "2026-03-03"},
		{"Vietnam date of a UTC instant", time.Date(2026, 3, 1, 17, 0, 0, 0, time.UTC), 1, "2026-03-03"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := cal.AddCalendarDays(tt.start, tt.n), dueOn(t, tt.want); !got.Equal(want) {
				t.Errorf("AddCalendarDays(%v, %d) = %v, want %v", tt.start, tt.n, got, want)
			}
		})
	}
}

func TestEndOfDayBoundary(t *testing.T) {
	// Any instant of Monday 9 Mar 2026 in Vietnam, including its first and
	// last millisecond, ends at 16:59:59.999Z.
	want := time.Date(2026, 3, 9, 16, 59, 59, 999_000_000, time.UTC)
	for _, at := range []time.Time{
		time.Date(2026, 3, 8, 17, 0, 0, 0, time.UTC),
		vn(t, "2026-03-09 12:00"),
		want,
	} {
		if got := services.EndOfDay(at); !got.Equal(want) {
			t.Errorf("EndOfDay(%v) = %v, want %v", at, got, want)
		}
	}
	if got := services.EndOfDay(want.Add(time.Millisecond)); !got.Equal(want.Add(24 * time.Hour)) {
		t.Errorf("EndOfDay(17:00Z) = %v, want the next day's end", got)
	}
}

// clock returns the clock named name, failing when it is missing.
func clock(t *testing.T, clocks []services.Clock, name string) services.Clock {
	t.Helper()
	for _, c := range clocks {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no %s clock in %+v", name, clocks)
	return services.Clock{}
}

func names(clocks []services.Clock) []string {
	var n []string
	for _, c := range clocks {
		n = append(n, c.Name)
	}
	return n
}

func TestClockOverdueBoundary(t *testing.T) {
	cal := services.NewCalendar(services.DefaultHolidays)
	p := policyOf(t, services.KindFeedback)
	// Received Thursday 23:30 in Vietnam: day 1 is Friday, day 2 Monday.
	received := time.Date(2026, 3, 5, 16, 30, 0, 0, time.UTC)
	due := time.Date(2026, 3, 9, 16, 59, 59, 999_000_000, time.UTC)
	tests := []struct {
		name string
		now  time.Time
		want bool
	}{
		{"one millisecond before", due.Add(-time.Millisecond), false},
		{"at the due instant", due, false},
		{"one millisecond after", due.Add(time.Millisecond), true},
		{"next day 00:00 in Vietnam", vn(t, "2026-03-10 00:00"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := clock(t, services.ClocksFor(services.KindFeedback, p, cal, received, time.Time{}, time.Time{}, false, false, false, nil, tt.now), services.ClockAccept)
			if !c.Due.Equal(due) {
				t.Fatalf("due %v, want %v", c.Due, due)
			}
			if c.Overdue != tt.want {
				t.Errorf("now %v: overdue %v, want %v", tt.now, c.Overdue, tt.want)
			}
			if !c.Stopped.IsZero() {
				t.Errorf("running clock has Stopped %v", c.Stopped)
			}
		})
	}
}

func TestClocksStopped(t *testing.T) {
	cal := services.NewCalendar(services.DefaultHolidays)
	p := policyOf(t, services.KindFeedback)
	received := vn(t, "2026-03-02 10:00") // resolve due 16 Mar (10 working days)
	later := vn(t, "2026-06-01 10:00")
	tests := []struct {
		name     string
		resolved time.Time
		now      time.Time
		want     bool
	}{
		{"resolved before due, now later", vn(t, "2026-03-16 23:59"), later, false},
		{"resolved after due, checked later", vn(t, "2026-03-17 00:00"), later, true},
		// A stopped clock is judged by Stopped, not by now.
		{"resolved after due, now before due", vn(t, "2026-03-17 08:00"), vn(t, "2026-03-03 08:00"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := clock(t, services.ClocksFor(services.KindFeedback, p, cal, received, time.Time{}, tt.resolved, false, false, false, nil, tt.now), services.ClockResolve)
			if !c.Stopped.Equal(tt.resolved) || c.Overdue != tt.want {
				t.Errorf("stopped %v overdue %v, want %v %v", c.Stopped, c.Overdue, tt.resolved, tt.want)
			}
		})
	}
	// A running clock past due is overdue.
	c := clock(t, services.ClocksFor(services.KindFeedback, p, cal, received, time.Time{}, time.Time{}, false, false, false, nil, later), services.ClockResolve)
	if !c.Overdue || !c.Stopped.IsZero() {
		t.Errorf("running clock past due: %+v", c)
	}
}

func TestClocksForDefaultDeadlinePolicies(t *testing.T) {
	cal := services.NewCalendar(services.DefaultHolidays)
	received := vn(t, "2026-03-02 10:00") // a Monday
	approved := vn(t, "2026-04-01 09:00")
	ext30 := services.Extension{Days: 30, ApprovedAt: approved, Reason: "complex"}
	pending := services.Extension{Days: 30, Reason: "awaiting approval"}
	tests := []struct {
		name                    string
		kind                    services.Kind
		accepted                time.Time
		complex, remote, round2 bool
		ext                     []services.Extension
		want                    map[string]string // clock → due date
		order                   []string
	}{
		{name: "feedback: 2 and 10 working days from receipt", kind: services.KindFeedback,
			want: map[string]string{"accept": "2026-03-04", "resolve": "2026-03-16"}, order: []string{"accept", "resolve"}},
		{name: "feedback acknowledged: resolve still from receipt", kind: services.KindFeedback, accepted: vn(t, "2026-03-03 09:00"),
			want: map[string]string{"accept": "2026-03-04", "resolve": "2026-03-16"}, order: []string{"accept", "resolve"}},
		{name: "complaint not yet accepted: accept clock only", kind: services.KindComplaint,
			want: map[string]string{"accept": "2026-03-12"}, order: []string{"accept"}},
		{name: "complaint: 10 then 30 days", kind: services.KindComplaint, accepted: vn(t, "2026-03-10 14:00"),
			want: map[string]string{"accept": "2026-03-12", "resolve": "2026-04-09"}, order: []string{"accept", "resolve"}},
		{name: "complaint complex: 45", kind: services.KindComplaint, accepted: vn(t, "2026-03-10 14:00"), complex: true,
			want: map[string]string{"resolve": "2026-04-24"}, order: []string{"accept", "resolve"}},
		{name: "complaint remote: 45", kind: services.KindComplaint, accepted: vn(t, "2026-03-10 14:00"), remote: true,
			want: map[string]string{"resolve": "2026-04-24"}, order: []string{"accept", "resolve"}},
		{name: "complaint remote complex: 60 ends Saturday → Monday", kind: services.KindComplaint, accepted: vn(t, "2026-03-10 14:00"), remote: true, complex: true,
			want: map[string]string{"resolve": "2026-05-11"}, order: []string{"accept", "resolve"}},
		{name: "complaint round 2: 45", kind: services.KindComplaint, accepted: vn(t, "2026-03-10 14:00"), round2: true,
			want: map[string]string{"resolve": "2026-04-24"}, order: []string{"accept", "resolve"}},
		{name: "complaint round 2 complex: 60", kind: services.KindComplaint, accepted: vn(t, "2026-03-10 14:00"), round2: true, complex: true,
			want: map[string]string{"resolve": "2026-05-11"}, order: []string{"accept", "resolve"}},
		{name: "complaint round 2 remote: 60", kind: services.KindComplaint, accepted: vn(t, "2026-03-10 14:00"), round2: true, remote: true,
			want: map[string]string{"resolve": "2026-05-11"}, order: []string{"accept", "resolve"}},
		{name: "complaint round 2 remote complex: 70", kind: services.KindComplaint, accepted: vn(t, "2026-03-10 14:00"), round2: true, remote: true, complex: true,
			want: map[string]string{"resolve": "2026-05-19"}, order: []string{"accept", "resolve"}},
		{name: "denunciation not yet accepted", kind: services.KindDenunciation,
			want: map[string]string{"accept": "2026-03-11"}, order: []string{"accept"}},
		{name: "denunciation: 7 wd, notify 5 wd, resolve 30", kind: services.KindDenunciation, accepted: vn(t, "2026-03-11 15:00"),
			want: map[string]string{"accept": "2026-03-11", "notify": "2026-03-18", "resolve": "2026-04-10"}, order: []string{"accept", "notify", "resolve"}},
		{name: "denunciation complex without extension: still 30", kind: services.KindDenunciation, accepted: vn(t, "2026-03-11 15:00"), complex: true, round2: true,
			want: map[string]string{"resolve": "2026-04-10"}, order: []string{"accept", "notify", "resolve"}},
		{name: "denunciation + 1 extension: 60 ends Sunday → Monday", kind: services.KindDenunciation, accepted: vn(t, "2026-03-11 15:00"),
			ext: []services.Extension{ext30}, want: map[string]string{"resolve": "2026-05-11"}, order: []string{"accept", "notify", "resolve"}},
		{name: "denunciation + 2 extensions: 90", kind: services.KindDenunciation, accepted: vn(t, "2026-03-11 15:00"),
			ext: []services.Extension{ext30, ext30}, want: map[string]string{"resolve": "2026-06-09"}, order: []string{"accept", "notify", "resolve"}},
		{name: "pending extension does not count", kind: services.KindDenunciation, accepted: vn(t, "2026-03-11 15:00"),
			ext: []services.Extension{pending}, want: map[string]string{"resolve": "2026-04-10"}, order: []string{"accept", "notify", "resolve"}},
	}
	now := vn(t, "2026-03-11 16:00")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := policyOf(t, tt.kind)
			clocks := services.ClocksFor(tt.kind, p, cal, received, tt.accepted, time.Time{}, tt.complex, tt.remote, tt.round2, tt.ext, now)
			if got := names(clocks); len(got) != len(tt.order) {
				t.Fatalf("clocks %v, want %v", got, tt.order)
			} else {
				for i := range got {
					if got[i] != tt.order[i] {
						t.Fatalf("clocks %v, want %v", got, tt.order)
					}
				}
			}
			for name, date := range tt.want {
				c := clock(t, clocks, name)
				if want := dueOn(t, date); !c.Due.Equal(want) {
					t.Errorf("%s due %v, want %v", name, c.Due, want)
				}
			}
			for _, c := range clocks {
				wantStart := tt.accepted
				if c.Name == services.ClockAccept || tt.kind == services.KindFeedback {
					wantStart = received
				}
				if !c.Start.Equal(wantStart) {
					t.Errorf("%s starts %v, want %v", c.Name, c.Start, wantStart)
				}
				wantStopped := time.Time{}
				if c.Name == services.ClockAccept {
					wantStopped = tt.accepted
				}
				if !c.Stopped.Equal(wantStopped) {
					t.Errorf("%s stopped %v, want %v", c.Name, c.Stopped, wantStopped)
				}
			}
		})
	}
}

func TestClocksAcceptStoppedByRejection(t *testing.T) {
	cal := services.NewCalendar(services.DefaultHolidays)
	p := policyOf(t, services.KindComplaint)
	received := vn(t, "2026-03-02 10:00") // accept due 12 Mar
	rejected := vn(t, "2026-03-13 09:00")
	clocks := services.ClocksFor(services.KindComplaint, p, cal, received, time.Time{}, rejected, false, false, false, nil, vn(t, "2026-03-05 10:00"))
	if len(clocks) != 1 {
		t.Fatalf("clocks %v, want only accept", names(clocks))
	}
	if c := clocks[0]; c.Name != services.ClockAccept || !c.Stopped.Equal(rejected) || !c.Overdue {
		t.Errorf("accept clock %+v: want stopped at the late rejection and overdue", c)
	}
	// Accepted and resolved: the accept clock stops at acceptance.
	accepted := vn(t, "2026-03-12 23:00")
	clocks = services.ClocksFor(services.KindComplaint, p, cal, received, accepted, vn(t, "2026-03-20 10:00"), false, false, false, nil, vn(t, "2026-12-01 10:00"))
	if c := clock(t, clocks, services.ClockAccept); !c.Stopped.Equal(accepted) || c.Overdue {
		t.Errorf("accept clock %+v: want stopped at acceptance, on time", c)
	}
	if c := clock(t, clocks, services.ClockResolve); c.Overdue || c.Stopped.IsZero() {
		t.Errorf("resolve clock %+v: want stopped, on time", c)
	}
}

func TestCheckExtension(t *testing.T) {
	den := policyOf(t, services.KindDenunciation)
	one := []services.Extension{{Days: 30, ApprovedAt: vn(t, "2026-04-01 09:00")}}
	two := append(one, services.Extension{Days: 30, ApprovedAt: vn(t, "2026-05-01 09:00")})
	tests := []struct {
		name     string
		policy   services.DeadlinePolicy
		existing []services.Extension
		days     int
		want     services.Code // "" for no error
	}{
		{"first, full length", den, nil, 30, ""},
		{"first, shorter", den, nil, 1, ""},
		{"second", den, one, 30, ""},
		{"third refused", den, two, 30, services.CodeConflict},
		{"third refused even when short", den, two, 1, services.CodeConflict},
		{"too long", den, nil, 31, services.CodeInvalid},
		{"zero days", den, nil, 0, services.CodeInvalid},
		{"negative days", den, one, -5, services.CodeInvalid},
		{"complaint: no extensions", policyOf(t, services.KindComplaint), nil, 10, services.CodeConflict},
		{"feedback: no extensions", policyOf(t, services.KindFeedback), nil, 1, services.CodeConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := services.CheckExtension(tt.policy, tt.existing, services.Extension{Days: tt.days, Reason: "r"})
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("unexpected error %v", err)
			case tt.want != "" && !services.IsCode(err, tt.want):
				t.Errorf("error %v, want code %s", err, tt.want)
			}
		})
	}
	err := services.CheckExtension(den, nil, services.Extension{Days: 31})
	var e *services.Error
	if !errors.As(err, &e) || e.Fields["days"] != services.FieldInvalid {
		t.Errorf("too long: error %v, want field days invalid", err)
	}
}

func TestClocksNotifyOnlyForDenunciations(t *testing.T) {
	// Even if an admin sets NotifyDays on another kind, only a denunciation
	// has parties to notify.
	cal := services.NewCalendar(services.DefaultHolidays)
	received, accepted, now := vn(t, "2026-03-02 10:00"), vn(t, "2026-03-03 10:00"), vn(t, "2026-03-04 10:00")
	for _, k := range []services.Kind{services.KindFeedback, services.KindComplaint} {
		p := policyOf(t, k)
		p.NotifyDays, p.NotifyWorkingDays = 5, true
		for _, c := range services.ClocksFor(k, p, cal, received, accepted, time.Time{}, false, false, false, nil, now) {
			if c.Name == services.ClockNotify {
				t.Errorf("%s has a notify clock", k)
			}
		}
	}
	p := policyOf(t, services.KindDenunciation)
	p.NotifyDays = 0
	if got := names(services.ClocksFor(services.KindDenunciation, p, cal, received, accepted, time.Time{}, false, false, false, nil, now)); len(got) != 2 {
		t.Errorf("denunciation with NotifyDays 0: clocks %v, want accept and resolve", got)
	}
}

func TestRemoteAreas(t *testing.T) {
	areas := []services.Area{
		{Code: "79", Level: services.AreaProvince}, {Code: "26743", Parent: "79", Level: services.AreaCommune},
		{Code: "01", Level: services.AreaProvince}, {Code: "00004", Parent: "01", Level: services.AreaCommune, Remote: true},
		{Code: "00007", Parent: "01", Level: services.AreaCommune},
	}
	if got := services.RemoteAreas(areas); len(got) != 1 || !got["00004"] {
		t.Fatalf("one remote commune: %v", got)
	}
	areas[0].Remote = true
	got := services.RemoteAreas(areas)
	if !got["79"] || !got["26743"] || !got["00004"] || got["01"] || got["00007"] {
		t.Fatalf("a remote province covers its communes: %v", got)
	}
}
