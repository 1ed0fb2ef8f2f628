package mongostore

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"hash/maphash"
	"regexp"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minhbach/services"
)

// The queue index (docs/storage.md, "The queue index"): on the embedded
// default, where this process alone owns the data directory, the unit
// queue, its status counts and the overdue counts are answered from memory
// instead of by two scans of every decoded report. The index holds one
// small entry per report — the fields the queue filters, sorts and shows
// (queueDoc) — built at start-up by one streaming read and kept current by
// the store itself: every write to the reports goes through casewrite.go,
// which hands the index the report as stored after the write. The index
// answers exactly what queueQuery answers in the
// database, and TestQueueIndexOneTruth holds it to that.
//
// It is never used on MongoDB: other processes may write the same
// database there, and MongoDB answers the queue from its indexes anyway.

// queueDoc is the projection of a report the queue reads: what it filters
// on, sorts by and shows. The database path (FindQueue without the index)
// decodes the same projection, and both turn it into a Case with
// queueCase, so both answer the same values.
type queueDoc struct {
	ID            bson.ObjectID `bson:"_id"`
	TrackingCode  string        `bson:"trackingCode"`
	Kind          string        `bson:"kind"`
	Category      string        `bson:"category"`
	Title         string        `bson:"title"`
	Office        string        `bson:"office"`
	Procedure     string        `bson:"procedure"`
	DossierNumber string        `bson:"dossierNumber"`
	AreaCode      string        `bson:"areaCode"`
	Channel       string        `bson:"channel"`
	Status        string        `bson:"status"`
	// StatusRank is nil for a report stored before the rank existed and not
	// yet ranked (RankReports): such a report sorts as MongoDB sorts a
	// missing field (null, before every number) and never satisfies a
	// comparison with a number.
	StatusRank  *int      `bson:"statusRank"`
	UnitID      string    `bson:"unitId"`
	FrontUnitID string    `bson:"frontUnitId"`
	AssigneeID  string    `bson:"assigneeId"`
	DueAt       time.Time `bson:"dueAt"`
	CreatedAt   time.Time `bson:"createdAt"`
	UpdatedAt   time.Time `bson:"updatedAt"`
	Version     int64     `bson:"version"`
	// The sweep's marks and the conclusion time: what the sweep selects
	// reports by (dueCasesFilter, concludedBeforeFilter).
	OverdueFlagged bool          `bson:"overdueFlagged"`
	NearNotified   bool          `bson:"nearNotified"`
	Outcome        *queueOutcome `bson:"outcome"`
	// Recommendations is read by the index only (indexProjection), to know
	// whether the report carries any (recommendedCasesQuery); the entry
	// keeps that, not them.
	Recommendations []bson.Raw `bson:"recommendations,omitempty"`
	// PlaceKeys are what the related reports are found by
	// (relatedCasesQuery).
	PlaceKeys []string `bson:"placeKeys,omitempty"`
}

// queueOutcome is the part of a report's outcome the sweep selects by.
type queueOutcome struct {
	ConcludedAt *time.Time `bson:"concludedAt"`
}

// queueProjection selects queueDoc's fields.
var queueProjection = func() bson.D {
	p := bson.D{}
	for _, f := range []string{"trackingCode", "kind", "category", "title", "office", "procedure", "dossierNumber", "areaCode",
		"channel", "status", "statusRank", "unitId", "frontUnitId", "assigneeId", "dueAt", "createdAt", "updatedAt", "version",
		"overdueFlagged", "nearNotified", "outcome.concludedAt", "placeKeys"} {
		p = append(p, bson.E{Key: f, Value: 1})
	}
	return p
}()

// indexProjection is what the queue index reads of a report: the queue's
// fields and the recommendations (whether there are any).
var indexProjection = append(slices.Clone(queueProjection), bson.E{Key: "recommendations", Value: 1})

// queueCase is the report a queue page lists: the queue's fields only
// (services.QueueStore.FindQueue).
func (d *queueDoc) queueCase() services.Case {
	return services.Case{ID: d.ID.Hex(), TrackingCode: d.TrackingCode, Kind: services.Kind(d.Kind), Category: d.Category,
		Title: d.Title, Office: d.Office, Procedure: d.Procedure, DossierNumber: d.DossierNumber, AreaCode: d.AreaCode,
		Channel: d.Channel, Status: services.Status(d.Status), UnitID: d.UnitID, FrontUnitID: d.FrontUnitID, AssigneeID: d.AssigneeID,
		DueAt: d.DueAt.UTC(), CreatedAt: d.CreatedAt.UTC(), Version: d.Version}
}

// queueDocOf is the queue's projection of a whole stored report.
func queueDocOf(d *caseDoc) queueDoc {
	rank := d.StatusRank
	q := queueDoc{ID: d.ID, TrackingCode: d.TrackingCode, Kind: d.Kind, Category: d.Category, Title: d.Title,
		Office: d.Office, Procedure: d.Procedure, DossierNumber: d.DossierNumber, AreaCode: d.AreaCode, Channel: d.Channel, Status: d.Status,
		StatusRank: &rank, UnitID: d.UnitID, FrontUnitID: d.FrontUnitID, AssigneeID: d.AssigneeID,
		DueAt: asStored(d.DueAt), CreatedAt: asStored(d.CreatedAt), UpdatedAt: asStored(d.UpdatedAt), Version: d.Version,
		OverdueFlagged: d.OverdueFlagged, NearNotified: d.NearNotified, PlaceKeys: d.PlaceKeys}
	if d.Outcome != nil {
		at := asStored(d.Outcome.ConcludedAt)
		q.Outcome = &queueOutcome{ConcludedAt: &at}
	}
	return q
}

// asStored is t as reading it back from the database gives it: the
// milliseconds of its BSON date, in UTC.
func asStored(t time.Time) time.Time { return time.UnixMilli(bsonMillis(t)).UTC() }

// queueEntry is a report in the index, with its sort keys as the database
// compares them (BSON dates are milliseconds).
type queueEntry struct {
	doc      queueDoc
	dueMs    int64
	createMs int64
	// concludedMs is the outcome's conclusion time, when it has one
	// (concluded).
	concludedMs int64
	concluded   bool
	// recommended: the report carries at least one recommendation.
	recommended bool
	// at is the entry's place in its unit's list, its committee's, and
	// (concluded) its conclusion day's lists (queueIndex.days: the
	// portal's, the unit's, the committee's).
	at [5]int
}

// The places of queueEntry.at.
const (
	atUnit = iota
	atFront
	atDayAll
	atDayUnit
	atDayFront
)

func newQueueEntry(d queueDoc) *queueEntry {
	e := &queueEntry{doc: d, dueMs: bsonMillis(d.DueAt), createMs: bsonMillis(d.CreatedAt), recommended: len(d.Recommendations) > 0}
	e.doc.Recommendations = nil
	if d.Outcome != nil && d.Outcome.ConcludedAt != nil {
		e.concludedMs, e.concluded = bsonMillis(*d.Outcome.ConcludedAt), true
	}
	return e
}

// bsonMillis is t as a BSON date holds it (the driver's encoding).
func bsonMillis(t time.Time) int64 {
	return t.Unix()*1000 + int64(t.Nanosecond()/1e6)
}

// queueIndex is the in-memory queue of every unit and committee.
type queueIndex struct {
	mu      sync.RWMutex
	entries map[bson.ObjectID]*queueEntry
	// units and fronts list the entries by unitId and by frontUnitId, in
	// no order (a slice scans faster than a map; queueEntry.at says where
	// each entry is, for removal).
	units  map[string][]*queueEntry
	fronts map[string][]*queueEntry
	// days lists the concluded entries by the UTC day of their conclusion,
	// for the whole portal, per unit and per committee, in no order: the
	// period report's newest conclusions are read day by day from the end
	// of its range, so what it costs does not grow with the number of
	// reports concluded before that (concludedIn).
	days map[dayKey][]*queueEntry
	// stale holds reports written whose state after the write could not be
	// read: they are read again before every answer, and while that fails
	// the database answers instead. A mark stays until a read succeeds at
	// or after its time: zero after a failed read (the next read is later
	// than the write), doubtfulFor ahead after a write that failed in a way
	// that may still take effect (a timeout, a cut connection).
	stale map[bson.ObjectID]time.Time
	// locks serialise, per report, reading it after a write and applying
	// what was read, so that a slower, older read never overwrites a newer
	// one.
	locks [64]sync.Mutex
	seed  maphash.Seed
	// answers and fallbacks count the queries answered from memory and
	// those the database answered because an entry could not be refreshed.
	answers, fallbacks atomic.Int64
}

func newQueueIndex() *queueIndex {
	return &queueIndex{entries: map[bson.ObjectID]*queueEntry{}, units: map[string][]*queueEntry{},
		fronts: map[string][]*queueEntry{}, days: map[dayKey][]*queueEntry{}, stale: map[bson.ObjectID]time.Time{}, seed: maphash.MakeSeed()}
}

func (x *queueIndex) lock(id bson.ObjectID) *sync.Mutex {
	return &x.locks[maphash.Bytes(x.seed, id[:])%uint64(len(x.locks))]
}

// put makes d the entry of its report (build: only when the report has
// none yet, since a write since the build began has put a newer state).
func (x *queueIndex) put(d queueDoc, build bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	old := x.entries[d.ID]
	if old != nil && build {
		return
	}
	if old != nil {
		x.unlink(old)
	}
	e := newQueueEntry(d)
	x.entries[d.ID] = e
	if d.UnitID != "" {
		link(x.units, d.UnitID, e, atUnit)
	}
	if d.FrontUnitID != "" {
		link(x.fronts, d.FrontUnitID, e, atFront)
	}
	if e.concluded {
		day := dayOf(e.concludedMs)
		link(x.days, dayKey{day: day}, e, atDayAll)
		if d.UnitID != "" {
			link(x.days, dayKey{scope: scopeUnit, id: d.UnitID, day: day}, e, atDayUnit)
		}
		if d.FrontUnitID != "" {
			link(x.days, dayKey{scope: scopeFront, id: d.FrontUnitID, day: day}, e, atDayFront)
		}
	}
}

// remove forgets a report that is no longer stored.
func (x *queueIndex) remove(id bson.ObjectID) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if old := x.entries[id]; old != nil {
		x.unlink(old)
		delete(x.entries, id)
	}
}

func (x *queueIndex) unlink(e *queueEntry) {
	if e.doc.UnitID != "" {
		unlinkFrom(x.units, e.doc.UnitID, e, atUnit)
	}
	if e.doc.FrontUnitID != "" {
		unlinkFrom(x.fronts, e.doc.FrontUnitID, e, atFront)
	}
	if e.concluded {
		day := dayOf(e.concludedMs)
		unlinkFrom(x.days, dayKey{day: day}, e, atDayAll)
		if e.doc.UnitID != "" {
			unlinkFrom(x.days, dayKey{scope: scopeUnit, id: e.doc.UnitID, day: day}, e, atDayUnit)
		}
		if e.doc.FrontUnitID != "" {
			unlinkFrom(x.days, dayKey{scope: scopeFront, id: e.doc.FrontUnitID, day: day}, e, atDayFront)
		}
	}
}

// dayKey names a list of queueIndex.days: a scope (the portal, a unit, a
// committee) and a UTC day, counted from the epoch.
type dayKey struct {
	scope byte
	id    string
	day   int64
}

// The scopes of a dayKey.
const (
	scopeAll byte = iota
	scopeUnit
	scopeFront
)

// msPerDay is a day in milliseconds.
const msPerDay = 24 * 60 * 60 * 1000

// dayOf is the UTC day of a BSON date's milliseconds.
func dayOf(ms int64) int64 {
	d := ms / msPerDay
	if ms%msPerDay < 0 {
		d--
	}
	return d
}

// link appends e to m[k] and notes its place in e.at[side].
func link[K comparable](m map[K][]*queueEntry, k K, e *queueEntry, side int) {
	e.at[side] = len(m[k])
	m[k] = append(m[k], e)
}

// unlinkFrom removes e from m[k] by its place e.at[side]: the last entry
// takes it, and an emptied list is dropped.
func unlinkFrom[K comparable](m map[K][]*queueEntry, k K, e *queueEntry, side int) {
	list := m[k]
	if len(list) == 0 {
		return
	}
	i, last := e.at[side], len(list)-1
	list[i] = list[last]
	list[i].at[side] = i
	list[last] = nil
	if last == 0 {
		delete(m, k)
	} else {
		m[k] = list[:last]
	}
}

// doubtfulFor is how long a report whose write failed in a way that may
// still take effect is read again before every answer.
const doubtfulFor = time.Minute

// markStale marks reports to be read again before every answer until a
// read at or after until succeeds (a failed read marks under the report's
// lock, so no read taken before it can clear the mark).
func (x *queueIndex) markStale(until time.Time, ids ...bson.ObjectID) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, id := range ids {
		if old, ok := x.stale[id]; !ok || old.Before(until) {
			x.stale[id] = until
		}
	}
}

// readAt records a successful read of report id taken at t.
func (x *queueIndex) readAt(id bson.ObjectID, t time.Time) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if until, ok := x.stale[id]; ok && !t.Before(until) {
		delete(x.stale, id)
	}
}

func (x *queueIndex) staleIDs() []bson.ObjectID {
	x.mu.RLock()
	defer x.mu.RUnlock()
	out := make([]bson.ObjectID, 0, len(x.stale))
	for id := range x.stale {
		out = append(out, id)
	}
	return out
}

// UseQueueIndex builds the queue index from one streaming read of the
// reports and has the queue, its status counts and CountQueue answered from
// it from then on. Only for a database this process alone writes: the
// embedded default, whose data directory it has locked (docs/storage.md,
// "The queue index").
func (s *Store) UseQueueIndex(ctx context.Context) (QueueIndexStats, error) {
	if s.writes.Load() != nil {
		return s.QueueIndexStats(), nil
	}
	x := newQueueIndex()
	// Writes from now on reach the index (casewrite.go); the build fills
	// only the reports no write has put since it began. Queries keep going
	// to the database until the build has finished.
	s.writes.Store(x)
	if err := x.build(ctx, s); err != nil {
		s.writes.Store(nil)
		return QueueIndexStats{}, err
	}
	s.qi.Store(x)
	return s.QueueIndexStats(), nil
}

// queueBuildBatch is how many reports each round trip of the build reads
// (a variable for the test of writes during a build).
var queueBuildBatch int32 = 1000

// build puts every stored report, read once in one streaming query of the
// queue's projection.
func (x *queueIndex) build(ctx context.Context, s *Store) error {
	cur, err := s.db.Collection(colCases).Find(ctx, bson.D{}, options.Find().SetProjection(indexProjection).SetBatchSize(queueBuildBatch))
	if err != nil {
		return translate(err, "report")
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d queueDoc
		if err := cur.Decode(&d); err != nil {
			return translate(err, "report")
		}
		d.DueAt, d.CreatedAt = d.DueAt.UTC(), d.CreatedAt.UTC()
		x.put(d, true)
	}
	return translate(cur.Err(), "report")
}

// QueueIndexStats describes the queue index.
type QueueIndexStats struct {
	Enabled bool
	// Entries is how many reports it holds; Stale how many wait to be read
	// again.
	Entries, Stale int
	// Answers counts the queue queries it answered, Fallbacks those the
	// database answered because a stale entry could not be read again.
	Answers, Fallbacks int64
}

// QueueIndexStats tells whether the queue index is in use and what it holds.
func (s *Store) QueueIndexStats() QueueIndexStats {
	x := s.qi.Load()
	if x == nil {
		return QueueIndexStats{}
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	return QueueIndexStats{Enabled: true, Entries: len(x.entries), Stale: len(x.stale), Answers: x.answers.Load(), Fallbacks: x.fallbacks.Load()}
}

// refreshTimeout bounds reading a report again after a write.
const refreshTimeout = 10 * time.Second

// refreshQueue reads the reports again by _id and puts what is stored in
// the index (or removes what is not), each under its report's lock; a
// report that cannot be read stays stale. The read is not cut short by the
// caller's cancellation: the write it follows has happened.
func (s *Store) refreshQueue(ctx context.Context, ids ...bson.ObjectID) error {
	x := s.writes.Load()
	if x == nil {
		return nil
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), refreshTimeout)
	defer cancel()
	var errs []error
	for _, id := range ids {
		mu := x.lock(id)
		mu.Lock()
		var d queueDoc
		at := time.Now()
		err := s.db.Collection(colCases).FindOne(rctx, caseByIDFilter(id), options.FindOne().SetProjection(indexProjection)).Decode(&d)
		switch {
		case err == nil:
			d.DueAt, d.CreatedAt = d.DueAt.UTC(), d.CreatedAt.UTC()
			x.put(d, false)
			x.readAt(id, at)
		case errors.Is(err, mongo.ErrNoDocuments):
			x.remove(id)
			x.readAt(id, at)
		default:
			x.markStale(time.Time{}, id)
			errs = append(errs, err)
		}
		mu.Unlock()
	}
	return errors.Join(errs...)
}

// ready reads the stale entries again; false when one still cannot be
// read, and the database must answer.
func (x *queueIndex) ready(ctx context.Context, s *Store) bool {
	ids := x.staleIDs()
	if len(ids) == 0 {
		return true
	}
	if err := s.refreshQueue(ctx, ids...); err != nil {
		x.fallbacks.Add(1)
		return false
	}
	return true
}

// queueMatcher is a queue query's filter, evaluated as the database
// evaluates queueQuery's filter: plain equality, the embedded server's
// case-insensitive regular expression on the escaped text (Go's regexp
// with "(?i)", as FerretDB compiles it), dates compared in milliseconds.
type queueMatcher struct {
	q         services.QueueQuery
	office    *regexp.Regexp
	text      *regexp.Regexp
	nowMs     int64
	after     bool
	afterRank int
	afterMs   int64
	afterID   bson.ObjectID
	desc      bool
	key       services.QueueSortKey
}

func newQueueMatcher(q services.QueueQuery) (*queueMatcher, error) {
	m := &queueMatcher{q: q, nowMs: bsonMillis(q.Now), desc: q.Sort.Desc, key: q.Sort.Key}
	if m.key == "" {
		m.key = services.SortDue
	}
	var err error
	if q.Filter.Office != "" {
		if m.office, err = regexp.Compile("(?i)" + regexp.QuoteMeta(q.Filter.Office)); err != nil {
			return nil, services.Errorf(services.ReasonFieldsInvalid, "The search is invalid.")
		}
	}
	if q.Filter.Text != "" {
		if m.text, err = regexp.Compile("(?i)" + regexp.QuoteMeta(q.Filter.Text)); err != nil {
			return nil, services.Errorf(services.ReasonFieldsInvalid, "The search is invalid.")
		}
	}
	if q.After != nil {
		if q.After.Sort.Key != m.key || q.After.Sort.Desc != q.Sort.Desc {
			return nil, services.Errorf(services.ReasonCursorInvalid, "The page cursor is invalid.")
		}
		oid, err := bson.ObjectIDFromHex(q.After.ID)
		if err != nil {
			return nil, services.Errorf(services.ReasonCursorInvalid, "The page cursor is invalid.")
		}
		m.after, m.afterRank, m.afterMs, m.afterID = true, q.After.Rank, bsonMillis(q.After.At), oid
	}
	return m, nil
}

// match is the query's filter without the cursor.
func (m *queueMatcher) match(e *queueEntry) bool {
	d, f := &e.doc, &m.q.Filter
	switch {
	case f.Status != "" && d.Status != string(f.Status),
		f.Kind != "" && d.Kind != string(f.Kind),
		f.Category != "" && d.Category != f.Category,
		f.AreaCode != "" && d.AreaCode != f.AreaCode,
		f.AssigneeID != "" && d.AssigneeID != f.AssigneeID,
		m.office != nil && !m.office.MatchString(d.Office),
		f.Overdue && !(e.dueMs < m.nowMs):
		return false
	}
	if m.text != nil && !m.text.MatchString(d.Title) && !m.text.MatchString(d.Office) &&
		!m.text.MatchString(d.Procedure) && !m.text.MatchString(d.DossierNumber) {
		return false
	}
	return true
}

// beyond is queueAfter: the entry comes after the cursor in the sort. A
// report with no rank (null) satisfies no comparison with the cursor's
// rank, as in the database.
func (m *queueMatcher) beyond(e *queueEntry) bool {
	if !m.after {
		return true
	}
	var n int
	switch m.key {
	case services.SortSubmitted:
		n = cmp.Or(cmp.Compare(e.createMs, m.afterMs), bytes.Compare(e.doc.ID[:], m.afterID[:]))
	case services.SortStatus:
		if e.doc.StatusRank == nil {
			return false
		}
		n = cmp.Or(cmp.Compare(*e.doc.StatusRank, m.afterRank), cmp.Compare(e.dueMs, m.afterMs), bytes.Compare(e.doc.ID[:], m.afterID[:]))
	default:
		n = cmp.Or(cmp.Compare(e.dueMs, m.afterMs), bytes.Compare(e.doc.ID[:], m.afterID[:]))
	}
	if m.desc {
		return n < 0
	}
	return n > 0
}

// less is the sort's order (queueSort): its keys in its direction, ties by
// id; a missing rank (null) before every number.
func (m *queueMatcher) less(a, b *queueEntry) bool {
	var n int
	switch m.key {
	case services.SortSubmitted:
		n = cmp.Compare(a.createMs, b.createMs)
	case services.SortStatus:
		n = cmp.Or(compareRank(a.doc.StatusRank, b.doc.StatusRank), cmp.Compare(a.dueMs, b.dueMs))
	default:
		n = cmp.Compare(a.dueMs, b.dueMs)
	}
	n = cmp.Or(n, bytes.Compare(a.doc.ID[:], b.doc.ID[:]))
	if m.desc {
		return n > 0
	}
	return n < 0
}

func compareRank(a, b *int) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return cmp.Compare(*a, *b)
}

// set is the unit's (or committee's) entries.
func (x *queueIndex) set(unitID string, front bool) []*queueEntry {
	if front {
		return x.fronts[unitID]
	}
	return x.units[unitID]
}

// page answers FindQueue: the first limit entries after the cursor in the
// sort, kept in a sorted window of at most limit entries.
func (x *queueIndex) page(q services.QueueQuery) ([]services.Case, error) {
	m, err := newQueueMatcher(q)
	if err != nil {
		return nil, err
	}
	limit := q.Limit
	x.mu.RLock()
	defer x.mu.RUnlock()
	var best []*queueEntry
	for _, e := range x.set(q.UnitID, q.Front) {
		if limit > 0 && len(best) == limit && !m.less(e, best[limit-1]) {
			continue
		}
		if !m.match(e) || !m.beyond(e) {
			continue
		}
		i, _ := slices.BinarySearchFunc(best, e, func(a, b *queueEntry) int {
			if m.less(a, b) {
				return -1
			}
			return 1
		})
		best = slices.Insert(best, i, e)
		if limit > 0 && len(best) > limit {
			best = best[:limit]
		}
	}
	out := make([]services.Case, len(best))
	for i, e := range best {
		out[i] = e.doc.queueCase()
	}
	x.answers.Add(1)
	return out, nil
}

// count answers CountQueue.
func (x *queueIndex) count(q services.QueueQuery) (int, error) {
	q.After = nil
	m, err := newQueueMatcher(q)
	if err != nil {
		return 0, err
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	n := 0
	for _, e := range x.set(q.UnitID, q.Front) {
		if m.match(e) {
			n++
		}
	}
	x.answers.Add(1)
	return n, nil
}

// due answers dueCasesFilter: the ids of up to limit reports due before t
// whose mark is not set, nearest due first (ties, which the database
// leaves in no order, by id).
func (x *queueIndex) due(t time.Time, overdue bool, limit int) []bson.ObjectID {
	tMs := bsonMillis(t)
	x.mu.RLock()
	var hits []*queueEntry
	for _, e := range x.entries {
		mark := e.doc.NearNotified
		if overdue {
			mark = e.doc.OverdueFlagged
		}
		if e.dueMs < tMs && !mark {
			hits = append(hits, e)
		}
	}
	x.mu.RUnlock()
	slices.SortFunc(hits, func(a, b *queueEntry) int {
		return cmp.Or(cmp.Compare(a.dueMs, b.dueMs), bytes.Compare(a.doc.ID[:], b.doc.ID[:]))
	})
	return entryIDs(hits, limit)
}

// changedSince answers changedSinceFilter: the ids of up to limit reports
// last written at or after t, by id.
func (x *queueIndex) changedSince(t time.Time, limit int) []bson.ObjectID {
	tMs := bsonMillis(t)
	x.mu.RLock()
	var hits []*queueEntry
	for _, e := range x.entries {
		if bsonMillis(e.doc.UpdatedAt) >= tMs {
			hits = append(hits, e)
		}
	}
	x.mu.RUnlock()
	slices.SortFunc(hits, func(a, b *queueEntry) int { return bytes.Compare(a.doc.ID[:], b.doc.ID[:]) })
	return entryIDs(hits, limit)
}

// concludedBefore answers concludedBeforeFilter: the ids of up to limit
// concluded reports concluded before t (the database gives them in no
// order; here by id).
func (x *queueIndex) concludedBefore(t time.Time, limit int) []bson.ObjectID {
	tMs := bsonMillis(t)
	x.mu.RLock()
	var hits []*queueEntry
	for _, e := range x.entries {
		if e.doc.Status == string(services.StatusConcluded) && e.concluded && e.concludedMs < tMs {
			hits = append(hits, e)
		}
	}
	x.mu.RUnlock()
	slices.SortFunc(hits, func(a, b *queueEntry) int { return bytes.Compare(a.doc.ID[:], b.doc.ID[:]) })
	return entryIDs(hits, limit)
}

// recommended answers recommendedCasesQuery: the ids of up to limit
// reports of a unit (or committee) carrying a recommendation, newest
// first (ties, which the database leaves in no order, by id, highest
// first).
func (x *queueIndex) recommended(unitID string, front bool, limit int) []bson.ObjectID {
	x.mu.RLock()
	var hits []*queueEntry
	for _, e := range x.set(unitID, front) {
		if e.recommended {
			hits = append(hits, e)
		}
	}
	x.mu.RUnlock()
	slices.SortFunc(hits, func(a, b *queueEntry) int {
		return cmp.Or(cmp.Compare(b.createMs, a.createMs), bytes.Compare(b.doc.ID[:], a.doc.ID[:]))
	})
	x.answers.Add(1)
	return entryIDs(hits, limit)
}

// related answers relatedCasesQuery: the ids of up to limit reports of a
// unit (or committee) other than exclude with one of keys, newest first
// (ties by id, newest first).
func (x *queueIndex) related(unitID string, front bool, keys []string, exclude bson.ObjectID, limit int) []bson.ObjectID {
	x.mu.RLock()
	var hits []*queueEntry
	for _, e := range x.set(unitID, front) {
		if e.doc.ID != exclude && slices.ContainsFunc(e.doc.PlaceKeys, func(k string) bool { return slices.Contains(keys, k) }) {
			hits = append(hits, e)
		}
	}
	x.mu.RUnlock()
	slices.SortFunc(hits, func(a, b *queueEntry) int {
		return cmp.Or(cmp.Compare(b.createMs, a.createMs), bytes.Compare(b.doc.ID[:], a.doc.ID[:]))
	})
	x.answers.Add(1)
	return entryIDs(hits, limit)
}

// entryIDs is the ids of the first limit entries (all when limit <= 0).
func entryIDs(es []*queueEntry, limit int) []bson.ObjectID {
	if limit > 0 && len(es) > limit {
		es = es[:limit]
	}
	out := make([]bson.ObjectID, len(es))
	for i, e := range es {
		out[i] = e.doc.ID
	}
	return out
}
