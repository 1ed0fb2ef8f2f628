package translog

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// An entry of the portal's log is one line of ASCII text, without a newline:
//
//	minhbach-log/1 <event> <date> <commitment>
//
// separated by single spaces, where <event> is one of the Event names below,
// <date> the day of the event as YYYY-MM-DD, and <commitment> 64 lower-case
// hexadecimal digits (ReportCommitment or AdminCommitment). Nothing else goes
// into an entry: no unit, area, category, id, time of day or text
// (docs/transparency-log.md, "What an entry holds"). Each entry has exactly
// one encoding, so its leaf hash is fixed by its content.
const entryTag = "minhbach-log/1"

// Event is the kind of public fact an entry records.
type Event string

// The events of a report's life that go into the log, and the two kinds of
// admin-log change. A concluded report's event names its outcome.
const (
	EventFiled                        Event = "filed"
	EventAccepted                     Event = "accepted"
	EventRejected                     Event = "rejected"
	EventTransferred                  Event = "transferred"
	EventConcludedSubstantiated       Event = "concluded_substantiated"
	EventConcludedPartlySubstantiated Event = "concluded_partly_substantiated"
	EventConcludedUnsubstantiated     Event = "concluded_unsubstantiated"
	EventClosed                       Event = "closed"
	EventWithdrawn                    Event = "withdrawn"
	EventAppealed                     Event = "appealed"
	EventExtended                     Event = "extended"
	EventStaffing                     Event = "staffing"
	EventConfiguration                Event = "configuration"
)

// Events lists every event an entry may carry, in a fixed order.
func Events() []Event {
	return []Event{EventFiled, EventAccepted, EventRejected, EventTransferred,
		EventConcludedSubstantiated, EventConcludedPartlySubstantiated, EventConcludedUnsubstantiated,
		EventClosed, EventWithdrawn, EventAppealed, EventExtended, EventStaffing, EventConfiguration}
}

func knownEvent(e Event) bool {
	for _, k := range Events() {
		if e == k {
			return true
		}
	}
	return false
}

// Admin reports whether e records an admin-log change rather than a report's
// event; its commitment is then an AdminCommitment.
func (e Event) Admin() bool { return e == EventStaffing || e == EventConfiguration }

// Entry is one entry of the portal's log.
type Entry struct {
	Event Event
	// Date is the day of the event, YYYY-MM-DD (see Day).
	Date string
	// Commitment binds the entry to one report (or one admin-log change)
	// without naming it.
	Commitment Hash
}

// ErrEntry is returned for an entry that is malformed.
var ErrEntry = errors.New("translog: malformed log entry")

// maxEntryLen bounds an encoded entry: the tag, the longest event, a date
// and a commitment, with their spaces.
var maxEntryLen = func() int {
	n := 0
	for _, e := range Events() {
		n = max(n, len(e))
	}
	return len(entryTag) + 1 + n + 1 + len("2006-01-02") + 1 + 2*HashSize
}()

const dateLayout = "2006-01-02"

// Day returns the date of t in loc as an entry writes it. The portal gives
// the time zone it shows citizens its dates in, so that an entry's date is
// the date on the citizen's page.
func Day(t time.Time, loc *time.Location) string { return t.In(loc).Format(dateLayout) }

func validDate(s string) bool {
	t, err := time.Parse(dateLayout, s)
	return err == nil && t.Format(dateLayout) == s && t.Year() >= 2000
}

// Marshal returns the entry's one encoding.
func (e Entry) Marshal() ([]byte, error) {
	if !knownEvent(e.Event) {
		return nil, fmt.Errorf("%w: event %q", ErrEntry, e.Event)
	}
	if !validDate(e.Date) {
		return nil, fmt.Errorf("%w: date %q", ErrEntry, e.Date)
	}
	return []byte(entryTag + " " + string(e.Event) + " " + e.Date + " " + hex.EncodeToString(e.Commitment[:])), nil
}

var lowerHex64 = regexp.MustCompile(`^[0-9a-f]{64}$`)

// ParseEntry parses an entry and refuses anything but the one encoding
// Marshal writes: another version, an unknown event, a date that is not a
// real day, upper-case or short hex, extra spaces, fields or bytes.
func ParseEntry(b []byte) (Entry, error) {
	if len(b) > maxEntryLen {
		return Entry{}, fmt.Errorf("%w: %d bytes", ErrEntry, len(b))
	}
	f := strings.Split(string(b), " ")
	if len(f) != 4 {
		return Entry{}, fmt.Errorf("%w: want 4 fields separated by single spaces", ErrEntry)
	}
	if f[0] != entryTag {
		return Entry{}, fmt.Errorf("%w: not a %s entry", ErrEntry, entryTag)
	}
	e := Entry{Event: Event(f[1]), Date: f[2]}
	if !knownEvent(e.Event) {
		return Entry{}, fmt.Errorf("%w: event %q", ErrEntry, f[1])
	}
	if !validDate(e.Date) {
		return Entry{}, fmt.Errorf("%w: date %q", ErrEntry, f[2])
	}
	if !lowerHex64.MatchString(f[3]) {
		return Entry{}, fmt.Errorf("%w: commitment %q", ErrEntry, f[3])
	}
	_, _ = hex.Decode(e.Commitment[:], []byte(f[3])) // checked above
	return e, nil
}

// Domain tags keep a commitment from being read as any other SHA-256 the
// portal computes (a content hash, an audit-chain link, a leaf).
const (
	reportCommitmentTag = "minhbach-log/1 report\x00"
	adminCommitmentTag  = "minhbach-log/1 admin\x00"
)

var trackingCodePattern = regexp.MustCompile(`^[A-Z0-9]+(-[A-Z0-9]+)*$`)

// ReportCommitment is the commitment of every entry of one report: SHA-256
// of the domain tag, the tracking code as the proof of filing prints it
// (for example MB-7K3M-9QX2), a zero byte, and the 32 bytes of the proof's
// content hash (given as 64 hexadecimal digits, either case). Whoever holds
// the proof of filing can recompute it; the tracking code alone, or the
// report's unit, area or category, cannot.
func ReportCommitment(trackingCode, contentSHA256 string) (Hash, error) {
	if len(trackingCode) > 32 || !trackingCodePattern.MatchString(trackingCode) {
		return Hash{}, fmt.Errorf("translog: tracking code %q", trackingCode)
	}
	content, err := hex.DecodeString(contentSHA256)
	if err != nil || len(content) != sha256.Size {
		return Hash{}, errors.New("translog: content hash: want 64 hexadecimal digits")
	}
	h := sha256.New()
	h.Write([]byte(reportCommitmentTag))
	h.Write([]byte(trackingCode))
	h.Write([]byte{0})
	h.Write(content)
	var out Hash
	h.Sum(out[:0])
	return out, nil
}

// AdminCommitment is the commitment of an admin-log entry: SHA-256 of the
// domain tag and the admin event's canonical bytes, which the caller
// defines (docs/transparency-log.md). Whoever may read the admin log can
// recompute it.
func AdminCommitment(record []byte) Hash {
	h := sha256.New()
	h.Write([]byte(adminCommitmentTag))
	h.Write(record)
	var out Hash
	h.Sum(out[:0])
	return out
}
