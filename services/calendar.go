package services

import (
	"context"
	"time"
)

// Holiday is a public holiday or compensatory day off: a day that is not a
// working day although it is a weekday.
type Holiday struct {
	Date string // YYYY-MM-DD, unique
	Name Text
}

// Validate checks a holiday: a real calendar date between 2000 and 2100 and
// a name in both languages.
func (h Holiday) Validate() error {
	f := FieldErrors{}
	if h.Date == "" {
		f.Add("date", FieldRequired)
	} else if d, err := time.Parse("2006-01-02", h.Date); !datePattern.MatchString(h.Date) || err != nil || d.Year() < 2000 || d.Year() > 2100 {
		f.Add("date", FieldInvalid)
	}
	checkName(f, "name", h.Name)
	return f.Err()
}

// DefaultHolidays are Vietnam's public holidays of 2026 and 2027, for the
// working-day clocks. The statutory days (Labour Code 2019, Art. 112) are:
// New Year's Day (1 Jan), five days of Tết Nguyên đán, the Hùng Kings'
// Commemoration (10th day of the 3rd lunar month), Reunification Day
// (30 Apr), Labour Day (1 May) and National Day (2 Sep plus the day before
// or after). Entries marked "nghỉ bù" are compensatory days off for a
// holiday falling on a weekend (Art. 111(3)), computed here as the next
// working days. Each year the government publishes the actual schedule
// (which Tết days, which adjacent National Day, any swapped or extra days):
// admins adjust this calendar then — the list is a starting point, not law.
//
// 2026: Tết Bính Ngọ is 17 Feb; the official break is 14–22 Feb, whose
// weekdays are exactly the five statutory days 16–20 Feb listed here.
// 2027: Tết Đinh Mùi is 6 Feb (a Saturday); the statutory days are 5–9 Feb.
var DefaultHolidays = []Holiday{
	{Date: "2026-01-01", Name: Text{VI: "Tết Dương lịch", EN: "New Year's Day"}},
	{Date: "2026-02-16", Name: Text{VI: "Tết Nguyên đán (ngày cuối năm Ất Tỵ)", EN: "Lunar New Year (New Year's Eve)"}},
	{Date: "2026-02-17", Name: Text{VI: "Tết Nguyên đán (mùng 1)", EN: "Lunar New Year (day 1)"}},
	{Date: "2026-02-18", Name: Text{VI: "Tết Nguyên đán (mùng 2)", EN: "Lunar New Year (day 2)"}},
	{Date: "2026-02-19", Name: Text{VI: "Tết Nguyên đán (mùng 3)", EN: "Lunar New Year (day 3)"}},
	{Date: "2026-02-20", Name: Text{VI: "Tết Nguyên đán (mùng 4)", EN: "Lunar New Year (day 4)"}},
	{Date: "2026-04-26", Name: Text{VI: "Giỗ Tổ Hùng Vương (10/3 âm lịch)", EN: "Hung Kings' Commemoration Day"}},
	{Date: "2026-04-27", Name: Text{VI: "Nghỉ bù Giỗ Tổ Hùng Vương", EN: "Hung Kings' Commemoration (compensatory day off)"}},
	{Date: "2026-04-30", Name: Text{VI: "Ngày Chiến thắng", EN: "Reunification Day"}},
	{Date: "2026-05-01", Name: Text{VI: "Ngày Quốc tế Lao động", EN: "International Labour Day"}},
	{Date: "2026-09-01", Name: Text{VI: "Quốc khánh (ngày liền kề)", EN: "National Day (adjacent day)"}},
	{Date: "2026-09-02", Name: Text{VI: "Quốc khánh", EN: "National Day"}},

	{Date: "2027-01-01", Name: Text{VI: "Tết Dương lịch", EN: "New Year's Day"}},
	{Date: "2027-02-05", Name: Text{VI: "Tết Nguyên đán (ngày cuối năm Bính Ngọ)", EN: "Lunar New Year (New Year's Eve)"}},
	{Date: "2027-02-06", Name: Text{VI: "Tết Nguyên đán (mùng 1)", EN: "Lunar New Year (day 1)"}},
	{Date: "2027-02-07", Name: Text{VI: "Tết Nguyên đán (mùng 2)", EN: "Lunar New Year (day 2)"}},
	{Date: "2027-02-08", Name: Text{VI: "Tết Nguyên đán (mùng 3)", EN: "Lunar New Year (day 3)"}},
	{Date: "2027-02-09", Name: Text{VI: "Tết Nguyên đán (mùng 4)", EN: "Lunar New Year (day 4)"}},
	{Date: "2027-02-10", Name: Text{VI: "Nghỉ bù Tết Nguyên đán", EN: "Lunar New Year (compensatory day off)"}},
	{Date: "2027-02-11", Name: Text{VI: "Nghỉ bù Tết Nguyên đán", EN: "Lunar New Year (compensatory day off)"}},
	{Date: "2027-04-16", Name: Text{VI: "Giỗ Tổ Hùng Vương (10/3 âm lịch)", EN: "Hung Kings' Commemoration Day"}},
	{Date: "2027-04-30", Name: Text{VI: "Ngày Chiến thắng", EN: "Reunification Day"}},
	{Date: "2027-05-01", Name: Text{VI: "Ngày Quốc tế Lao động", EN: "International Labour Day"}},
	{Date: "2027-05-03", Name: Text{VI: "Nghỉ bù Ngày Quốc tế Lao động", EN: "International Labour Day (compensatory day off)"}},
	{Date: "2027-09-02", Name: Text{VI: "Quốc khánh", EN: "National Day"}},
	{Date: "2027-09-03", Name: Text{VI: "Quốc khánh (ngày liền kề)", EN: "National Day (adjacent day)"}},
}

// ListHolidays returns the holiday calendar by date.
func (o *Org) ListHolidays(ctx context.Context, actor Actor) ([]Holiday, error) {
	if err := actor.RequireAdmin(); err != nil {
		return nil, err
	}
	return o.store.FindHolidays(ctx)
}

// CreateHoliday adds a day off to the calendar.
func (o *Org) CreateHoliday(ctx context.Context, actor Actor, in Holiday) (Holiday, error) {
	if err := actor.RequireAdmin(); err != nil {
		return Holiday{}, err
	}
	h := Holiday{Date: in.Date, Name: trimText(in.Name)}
	if err := h.Validate(); err != nil {
		return Holiday{}, err
	}
	if err := o.store.InsertHoliday(ctx, h); err != nil {
		return Holiday{}, err
	}
	return h, o.record(ctx, actor, "holiday.create", h.Date, h.Name.VI)
}

// DeleteHoliday removes a day from the calendar.
func (o *Org) DeleteHoliday(ctx context.Context, actor Actor, date string) error {
	if err := actor.RequireAdmin(); err != nil {
		return err
	}
	if err := o.store.DeleteHoliday(ctx, date); err != nil {
		return err
	}
	return o.record(ctx, actor, "holiday.delete", date, "")
}

// seedHolidays inserts DefaultHolidays per year, and only for a year that
// has no holiday yet, so an admin's deletion of a default day survives
// restarts.
func (o *Org) seedHolidays(ctx context.Context) error {
	have, err := o.store.FindHolidays(ctx)
	if err != nil {
		return err
	}
	years := map[string]bool{}
	for _, h := range have {
		years[h.Date[:min(4, len(h.Date))]] = true
	}
	var missing []Holiday
	for _, h := range DefaultHolidays {
		if !years[h.Date[:4]] {
			missing = append(missing, h)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return o.store.SeedHolidays(ctx, missing)
}
