package services_test

import (
	"strings"
	"testing"
	"time"

	"minhbach/services"
)

func TestHolidayValidate(t *testing.T) {
	name := services.Text{VI: "Ngày Văn hóa Việt Nam", EN: "Vietnam Culture Day"}
	tests := []struct {
		date string
		name services.Text
		want map[string]string
	}{
		{"2026-11-24", name, nil},
		{"2028-02-29", name, nil},
		{"", name, map[string]string{"date": "required"}},
		{"2027-02-29", name, map[string]string{"date": "invalid"}},
		{"2026-13-01", name, map[string]string{"date": "invalid"}},
		{"24/11/2026", name, map[string]string{"date": "invalid"}},
		{"2026-1-1", name, map[string]string{"date": "invalid"}},
		{"1999-12-31", name, map[string]string{"date": "invalid"}},
		{"2101-01-01", name, map[string]string{"date": "invalid"}},
		{"2026-11-24", services.Text{VI: "Ngày Văn hóa"}, map[string]string{"name.en": "required"}},
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			assertFields(t, services.Holiday{Date: tt.date, Name: tt.name}.Validate(), tt.want)
		})
	}
}

func TestDefaultHolidays(t *testing.T) {
	dates := map[string]services.Holiday{}
	for i, h := range services.DefaultHolidays {
		if err := h.Validate(); err != nil {
			t.Errorf("%s: %v", h.Date, err)
		}
		if _, dup := dates[h.Date]; dup {
			t.Errorf("%s listed twice", h.Date)
		}
		if i > 0 && h.Date <= services.DefaultHolidays[i-1].Date {
			t.Errorf("%s is out of order", h.Date)
		}
		dates[h.Date] = h
	}
	// The statutory days and the compensatory days of both years.
	for _, d := range []string{
		"2026-01-01", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-04-26", "2026-04-27",
		"2026-04-30", "2026-05-01", "2026-09-01", "2026-09-02",
		"2027-01-01", "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11",
		"2027-04-16", "2027-04-30", "2027-05-01", "2027-05-03", "2027-09-02", "2027-09-03",
	} {
		if _, ok := dates[d]; !ok {
			t.Errorf("%s missing", d)
		}
	}
	if len(dates) != 26 {
		t.Errorf("%d holidays, want 26", len(dates))
	}
	// A compensatory day off is a weekday, given for a holiday on a weekend.
	weekend := 0
	for d, h := range dates {
		day, _ := time.Parse("2006-01-02", d)
		isWeekend := day.Weekday() == time.Saturday || day.Weekday() == time.Sunday
		if isWeekend {
			weekend++
		}
		if strings.HasPrefix(h.Name.VI, "Nghỉ bù") && isWeekend {
			t.Errorf("compensatory day %s falls on a weekend", d)
		}
	}
	compensatory := 0
	for _, h := range dates {
		if strings.HasPrefix(h.Name.VI, "Nghỉ bù") {
			compensatory++
		}
	}
	if compensatory != weekend {
		t.Errorf("%d holidays fall on a weekend but %d compensatory days are given", weekend, compensatory)
	}
}
