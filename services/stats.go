package services

import (
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// The statistics are counters (docs/statistics.md): each report contributes
// counts to a few cells, as a pure function of its current state, and the
// counters are the sum of every report's contribution. A write of a report
// moves the counters by the difference between its contribution after and
// before; a rebuild sums the contributions afresh. Both read only
// Contribute, so they cannot disagree on what a report counts for.

// StatsCell names one counter document: a month (Vietnam time) and the
// report's dimensions, or one dimension's value (Dim, Value) for the
// breakdowns by office and procedure. The "now" cells (Month NowMonth)
// hold what is true at present (open, overdue) per unit.
type StatsCell struct {
	Month    string `json:"month"` // "2026-11", or NowMonth
	Unit     string `json:"unit"`
	Front    string `json:"front"`
	Area     string `json:"area"` // the commune's code ("" when not given)
	Kind     Kind   `json:"kind"`
	Category string `json:"category"`
	Channel  string `json:"channel"`
	// Dim is "" for a base cell, or StatsDimOffice / StatsDimProcedure
	// with Value the folded name (FoldName).
	Dim   string `json:"dim,omitempty"`
	Value string `json:"value,omitempty"`
}

// NowMonth is the month of the cells that count what is true now.
const NowMonth = "now"

// Dimensions counted beside the base cells: where the reported
// harassment happened (the staff's hotspots, docs/statistics.md).
const (
	StatsDimOffice    = "office"
	StatsDimProcedure = "procedure"
	// StatsDimCounter is a counter within its office ("office · counter").
	StatsDimCounter = "counter"
	// StatsDimOfficial is one named official (OfficialNames).
	StatsDimOfficial = "official"
)

// maxOfficialNames bounds the officials one report counts for.
const maxOfficialNames = 10

// officialSeparators split a report's officials field into names: commas,
// semicolons, new lines, and "và" / "and" between two names.
var officialSeparators = regexp.MustCompile(`(?i)[,;\n\r]+|\s+(và|va|and|&)\s+`)

// OfficialNames is the folded names (FoldName) of the officials a report
// names, each once, at most maxOfficialNames.
func OfficialNames(s string) []string {
	var out []string
	for _, part := range officialSeparators.Split(s, -1) {
		if n := FoldName(part); n != "" && !slices.Contains(out, n) && len(out) < maxOfficialNames {
			out = append(out, n)
		}
	}
	return out
}

// PlaceKeys are what a report is about, as the store indexes it to find
// the other reports about the same office or official (docs/statistics.md,
// "Hotspots"): "office:<folded office>" and "official:<folded name>" for
// each official named.
func PlaceKeys(office, officials string) []string {
	keys := []string{}
	if o := FoldName(office); o != "" {
		keys = append(keys, PlaceKeyOffice+o)
	}
	for _, n := range OfficialNames(officials) {
		keys = append(keys, PlaceKeyOfficial+n)
	}
	return keys
}

// The prefixes of PlaceKeys.
const (
	PlaceKeyOffice   = "office:"
	PlaceKeyOfficial = "official:"
)

// counterName is the folded name of a counter within its office.
func counterName(office, counter string) string {
	c := FoldName(counter)
	if c == "" {
		return ""
	}
	if o := FoldName(office); o != "" {
		return o + " · " + c
	}
	return c
}

// Measures: the names of the counts in a cell. Concluded reports also
// count in MeasureConcludedPrefix+result, and their days to resolve in the
// cell's histogram under MeasureDaysPrefix+days.
const (
	MeasureReceived        = "received"
	MeasureAccepted        = "accepted"
	MeasureRejected        = "rejected"
	MeasureTransferred     = "transferred"
	MeasureWithdrawn       = "withdrawn"
	MeasureConcluded       = "concluded"
	MeasureConcludedPrefix = "concluded:"
	MeasureOnTime          = "onTime"
	MeasureLate            = "late"
	MeasureDaysPrefix      = "days:"
	MeasureRated           = "rated"
	MeasureStars           = "stars" // the sum of the ratings' stars
	MeasureStarsPrefix     = "stars:"
	MeasureAppealed        = "appealed"
	MeasureAppeals         = "appeals" // round-2 reports received
	MeasureExtended        = "extended"
	MeasureRecFiled        = "recFiled"
	MeasureRecAnswered     = "recAnswered"
	MeasureRecOnTime       = "recOnTime"
	// MeasureAppealConcludedPrefix counts the second-round reports
	// (appeals) concluded, by outcome: the appeals' results.
	MeasureAppealConcludedPrefix = "appealConcluded:"
	MeasureOpen                  = "open"
	// MeasureStatusPrefix counts the reports in each status now (the
	// staff queue's counts): "status:received".
	MeasureStatusPrefix = "status:"
	MeasureOverdue      = "overdue"
)

// Contribution is what one report counts for: per cell, per measure.
type Contribution map[StatsCell]map[string]int64

func (ct Contribution) add(cell StatsCell, measure string, n int64) {
	if n == 0 {
		return
	}
	m := ct[cell]
	if m == nil {
		m = map[string]int64{}
		ct[cell] = m
	}
	m[measure] += n
	if m[measure] == 0 {
		delete(m, measure)
		if len(m) == 0 {
			delete(ct, cell)
		}
	}
}

// Add adds o into ct.
func (ct Contribution) Add(o Contribution) {
	for cell, m := range o {
		for k, n := range m {
			ct.add(cell, k, n)
		}
	}
}

// Minus is ct − o: what moving a report from contribution o to ct changes.
func (ct Contribution) Minus(o Contribution) Contribution {
	d := Contribution{}
	d.Add(ct)
	for cell, m := range o {
		for k, n := range m {
			d.add(cell, k, -n)
		}
	}
	return d
}

// Cells lists ct's cells in a fixed order (by their key).
func (ct Contribution) Cells() []StatsCell {
	cells := slices.Collect(maps.Keys(ct))
	slices.SortFunc(cells, func(a, b StatsCell) int { return strings.Compare(a.Key(), b.Key()) })
	return cells
}

// Key is the cell's stable identity, used as its counter document's _id:
// its fields joined by "|" (a "|" or "%" within a field escaped as in a
// URL); ParseStatsKey reads it back.
func (c StatsCell) Key() string {
	p := []string{c.Month, c.Unit, c.Front, c.Area, string(c.Kind), c.Category, c.Channel, c.Dim, c.Value}
	for i := range p {
		p[i] = keyEscaper.Replace(p[i])
	}
	return strings.Join(p, "|")
}

var keyEscaper = strings.NewReplacer("%", "%25", "|", "%7C")

// vnMonth is t's month in Vietnam time.
func vnMonth(t time.Time) string { return t.In(VietnamTime).Format("2006-01") }

// vnDay is t's calendar day in Vietnam time.
func vnDay(t time.Time) time.Time {
	y, m, d := t.In(VietnamTime).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// DaysToResolve is the number of calendar days (Vietnam time) from a
// report's filing to its conclusion.
func DaysToResolve(filed, concluded time.Time) int {
	return max(0, int(vnDay(concluded).Sub(vnDay(filed)).Hours()/24))
}

// StatsDefinition numbers the definition of what a report counts for
// (Contribute). Change it whenever Contribute changes: a catch-up that
// finds counters folded under another definition folds every report again
// (each report's mark holds what it counted for, so the fold moves the
// counters by the difference), then records this one.
const StatsDefinition = 4

// Contribute is what report c counts for. resolveLate says whether its
// resolution clock ran past its due date (including approved extensions)
// when it was concluded; the caller reads it from the report's clocks
// (ResolveLate), so that this function stays pure.
func Contribute(c Case, resolveLate bool) Contribution {
	ct := Contribution{}
	if c.ID == "" || c.CreatedAt.IsZero() {
		return ct
	}
	base := StatsCell{Unit: c.UnitID, Front: c.FrontUnitID, Area: c.AreaCode, Kind: c.Kind, Category: c.Category, Channel: ChannelOf(c)}
	at := func(t time.Time) StatsCell {
		cell := base
		cell.Month = vnMonth(t)
		return cell
	}
	places := []struct{ dim, v string }{{StatsDimOffice, FoldName(c.Office)}, {StatsDimProcedure, FoldName(c.Procedure)},
		{StatsDimCounter, counterName(c.Office, c.Counter)}}
	for _, n := range OfficialNames(c.Officials) {
		places = append(places, struct{ dim, v string }{StatsDimOfficial, n})
	}
	dims := func(t time.Time) []StatsCell {
		var out []StatsCell
		for _, d := range places {
			if d.v != "" {
				cell := at(t)
				cell.Dim, cell.Value = d.dim, d.v
				out = append(out, cell)
			}
		}
		return out
	}
	received := at(c.CreatedAt)
	ct.add(received, MeasureReceived, 1)
	if c.RoundOf() == 2 {
		ct.add(received, MeasureAppeals, 1)
	}
	for _, d := range dims(c.CreatedAt) {
		ct.add(d, MeasureReceived, 1)
	}
	// The first time the report entered each of these statuses.
	seen := map[Status]bool{}
	for _, e := range c.Timeline {
		switch {
		case e.Type == EventAppealed:
			ct.add(at(e.At), MeasureAppealed, 1)
		case e.Type == EventDeadlineExtended:
			ct.add(at(e.At), MeasureExtended, 1)
		}
		if e.Status == "" || seen[e.Status] {
			continue
		}
		seen[e.Status] = true
		switch e.Status {
		case StatusAccepted:
			ct.add(at(e.At), MeasureAccepted, 1)
		case StatusRejected:
			ct.add(at(e.At), MeasureRejected, 1)
		case StatusTransferred:
			ct.add(at(e.At), MeasureTransferred, 1)
		case StatusWithdrawn:
			ct.add(at(e.At), MeasureWithdrawn, 1)
		}
	}
	if o := c.Outcome; o != nil && !o.ConcludedAt.IsZero() {
		days := MeasureDaysPrefix + strconv.Itoa(DaysToResolve(c.CreatedAt, o.ConcludedAt))
		timely := MeasureOnTime
		if resolveLate {
			timely = MeasureLate
		}
		for _, cell := range append([]StatsCell{at(o.ConcludedAt)}, dims(o.ConcludedAt)...) {
			ct.add(cell, MeasureConcluded, 1)
			ct.add(cell, MeasureConcludedPrefix+o.Result, 1)
			if c.RoundOf() == 2 {
				ct.add(cell, MeasureAppealConcludedPrefix+o.Result, 1)
			}
			ct.add(cell, timely, 1)
			ct.add(cell, days, 1)
		}
	}
	if r := c.Rating; r != nil && r.Stars > 0 {
		cell := at(r.At)
		ct.add(cell, MeasureRated, 1)
		ct.add(cell, MeasureStars, int64(r.Stars))
		ct.add(cell, MeasureStarsPrefix+strconv.Itoa(r.Stars), 1)
	}
	for _, r := range c.Recommendations {
		ct.add(at(r.CreatedAt), MeasureRecFiled, 1)
		if r.Answer == "" || r.AnsweredAt.IsZero() {
			continue
		}
		answered := at(r.AnsweredAt)
		ct.add(answered, MeasureRecAnswered, 1)
		if r.AnsweredOnTime() {
			ct.add(answered, MeasureRecOnTime, 1)
		}
	}
	now := base
	now.Month = NowMonth
	ct.add(now, MeasureStatusPrefix+string(c.Status), 1)
	if c.Status.Open() {
		ct.add(now, MeasureOpen, 1)
		if c.OverdueFlagged {
			ct.add(now, MeasureOverdue, 1)
		}
	}
	return ct
}

// ResolveLate reads from a report's clocks whether its resolution ran past
// its due date.
func ResolveLate(clocks []Clock) bool {
	for _, k := range clocks {
		if k.Name == ClockResolve {
			return k.Overdue
		}
	}
	return false
}

// nameTitles are the words of address and titles that FoldName drops at
// the start of a name, so that "Chị Lan – bộ phận một cửa" and "chi lan
// (Bo phan mot cua)" group together; notTitles are names that begin with
// such a word ("Chi cục Thuế", "Cơ quan", "Ba Đình").
var (
	nameTitles = map[string]bool{"anh": true, "chi": true, "ong": true, "ba": true, "co": true, "chu": true, "bac": true,
		"can bo": true, "cb": true, "dong chi": true, "d c": true, "dc": true}
	notTitles = map[string]bool{"chi cuc": true, "chi nhanh": true, "chi bo": true, "chi hoi": true, "chi doan": true,
		"co quan": true, "co so": true, "ba dinh": true, "ba ria": true, "ba vi": true, "ba chieu": true, "ba to": true}
)

// FoldName folds a free-text name (an office, a procedure, an official)
// for grouping: lower case, Vietnamese diacritics removed (đ as d), every
// run of other characters one space, and the words of address and titles
// ("anh", "chị", "ông", "bà", "cán bộ", "đồng chí") dropped where they
// open a part of the name (the text between punctuation). Folding a
// folded name changes nothing.
func FoldName(s string) string {
	var parts []string
	for _, seg := range strings.FieldsFunc(norm.NFD.String(strings.ToLower(s)), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsSpace(r) && !unicode.Is(unicode.Mn, r) && r != '/'
	}) {
		var b strings.Builder
		for _, r := range seg {
			switch {
			case unicode.Is(unicode.Mn, r):
			case r == 'đ':
				b.WriteRune('d')
			case unicode.IsLetter(r) || unicode.IsDigit(r):
				b.WriteRune(r)
			default:
				b.WriteRune(' ')
			}
		}
		parts = append(parts, dropTitles(strings.Fields(b.String()))...)
	}
	// Once more over the whole, so that folding the result again (one
	// part now) finds nothing more to drop.
	return strings.Join(dropTitles(parts), " ")
}

// dropTitles drops the words of address and titles that open words.
func dropTitles(words []string) []string {
	for {
		switch {
		case len(words) >= 3 && nameTitles[words[0]+" "+words[1]]:
			words = words[2:]
		case len(words) >= 2 && nameTitles[words[0]] && !notTitles[words[0]+" "+words[1]]:
			words = words[1:]
		default:
			return words
		}
	}
}
