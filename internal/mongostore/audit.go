package mongostore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minhbach/services"
)

// The audit chains (docs/storage.md, "Audit chains"):
//
//   - colAuditEvents holds one document per event, under the deterministic
//     _id auditEventID(caseId, seq). The unique index on (caseId, seq) keeps
//     a second event at a seq out whatever its _id (events written before
//     this layout have ObjectID _ids).
//   - colAuditHeads holds one document per chain, _id = caseId: a hint of
//     the chain's last event, and the _ids of its events written before the
//     deterministic layout. The events are the truth: a head left behind (a
//     crash between the event's insert and the head's write, or two
//     processes writing heads out of order) is repaired by looking forward
//     by _id.
//
// Every query on the append and listing paths is a lookup by _id alone,
// the one filter the embedded FerretDB answers without decoding the whole
// collection (README, "Capacity of the embedded default").
const (
	colAuditEvents = "auditEvents"
	colAuditHeads  = "auditHeads"
)

// AuditHeadsMigrationName names the start-up migration that records the
// heads of chains written before the head documents existed.
const AuditHeadsMigrationName = "audit-chain-heads"

// maxAuditList caps every audit list query.
const maxAuditList = 100_001

var _ services.AuditStore = (*Store)(nil)

type auditEventDoc struct {
	ID       any               `bson:"_id"` // auditEventID, or an ObjectID for events written before it
	CaseID   string            `bson:"caseId"`
	Seq      int64             `bson:"seq"`
	At       time.Time         `bson:"at"`
	Actor    string            `bson:"actor"`
	Type     string            `bson:"type"`
	Data     map[string]string `bson:"data"`
	PrevHash string            `bson:"prevHash"`
	Hash     string            `bson:"hash"`
}

// auditHeadDoc is a chain's head hint.
type auditHeadDoc struct {
	ID  string `bson:"_id"` // caseId
	Seq int64  `bson:"seq"`
	// KeyedFrom is the first seq stored under auditEventID; the events
	// before it have the ObjectIDs in LegacyIDs (by seq ascending).
	KeyedFrom int64           `bson:"keyedFrom"`
	LegacyIDs []bson.ObjectID `bson:"legacyIds,omitempty"`
	Event     auditEventDoc   `bson:"event"`
}

// auditEventID is the _id of a report's event seq: the report id, ":" and
// seq in 10 digits. The fixed width keeps ids of different (caseId, seq)
// apart whatever the report id holds, and sorts a chain's ids by seq.
func auditEventID(caseID string, seq int64) string {
	return fmt.Sprintf("%s:%010d", caseID, seq)
}

// auditByID is the filter of every point lookup: _id alone.
func auditByID(id any) bson.D { return bson.D{{Key: "_id", Value: id}} }

// auditChainFilter is the query on (caseId, seq) for a chain that has no
// head document yet (written before the head documents, and not migrated
// yet): served by the unique index on MongoDB, a full scan on the embedded
// server.
func auditChainFilter(caseID string) (filter, sort bson.D) {
	return bson.D{{Key: "caseId", Value: caseID}}, bson.D{{Key: "seq", Value: 1}}
}

func newAuditEventDoc(e services.AuditEvent) auditEventDoc {
	data := e.Data
	if data == nil {
		data = map[string]string{}
	}
	return auditEventDoc{ID: auditEventID(e.CaseID, e.Seq), CaseID: e.CaseID, Seq: e.Seq, At: e.At, Actor: e.Actor, Type: e.Type,
		Data: data, PrevHash: e.PrevHash, Hash: e.Hash}
}

func (d auditEventDoc) toAuditEvent() services.AuditEvent {
	e := services.AuditEvent{CaseID: d.CaseID, Seq: d.Seq, At: d.At.UTC(), Actor: d.Actor, Type: d.Type,
		PrevHash: d.PrevHash, Hash: d.Hash}
	if len(d.Data) > 0 {
		e.Data = d.Data
	}
	return e
}

func auditLimit(limit int) int64 {
	if limit <= 0 || limit > maxAuditList {
		return maxAuditList
	}
	return int64(limit)
}

// AppendAuditEvents inserts events (consecutive seqs of one report) in
// order under their deterministic _ids, stopping at the first failure, and
// returns how many it inserted; an event whose seq the report already has
// is a conflict. It then records the last one inserted as the chain's head:
// a chain's first events create the head document (no read at all), later
// ones update it by _id. The head is a hint, so failing to write it does
// not fail the append.
func (s *Store) AppendAuditEvents(ctx context.Context, events []services.AuditEvent) (int, error) {
	col := s.db.Collection(colAuditEvents)
	n := 0
	var err error
	for _, e := range events {
		if _, err = col.InsertOne(ctx, newAuditEventDoc(e)); err != nil {
			err = translate(err, "audit event")
			break
		}
		n++
	}
	if n > 0 {
		s.recordAuditHead(ctx, events[:n])
	}
	return n, err
}

// recordAuditHead records the last of the events just inserted as the
// chain's head (best effort: the head is a hint).
func (s *Store) recordAuditHead(ctx context.Context, inserted []services.AuditEvent) {
	last := newAuditEventDoc(inserted[len(inserted)-1])
	heads := s.db.Collection(colAuditHeads)
	if inserted[0].Seq == 1 {
		// A new chain: every event is under auditEventID.
		_, err := heads.InsertOne(ctx, auditHeadDoc{ID: last.CaseID, Seq: last.Seq, KeyedFrom: 1, Event: last})
		if err == nil || !mongo.IsDuplicateKeyError(err) {
			return
		}
	}
	res, err := heads.UpdateOne(ctx, auditByID(last.CaseID),
		bson.D{{Key: "$set", Value: bson.D{{Key: "seq", Value: last.Seq}, {Key: "event", Value: last}}}})
	if err == nil && res.MatchedCount == 0 {
		// A chain written before the head documents, not migrated yet.
		_, _ = s.buildAuditHead(ctx, last.CaseID)
	}
}

// buildAuditHead reads a chain that has no head document with the
// (caseId, seq) query and records its head; found is false when the chain
// has no event.
func (s *Store) buildAuditHead(ctx context.Context, caseID string) (auditHeadDoc, error) {
	filter, sort := auditChainFilter(caseID)
	cur, err := s.db.Collection(colAuditEvents).Find(ctx, filter, options.Find().SetSort(sort).SetLimit(maxAuditList))
	if err != nil {
		return auditHeadDoc{}, translate(err, "audit event")
	}
	var docs []auditEventDoc
	if err := cur.All(ctx, &docs); err != nil {
		return auditHeadDoc{}, translate(err, "audit event")
	}
	if len(docs) == 0 {
		return auditHeadDoc{}, services.Errorf(services.ReasonNotFound, "Not found.")
	}
	h := headOf(caseID, docs)
	if _, err := s.db.Collection(colAuditHeads).InsertOne(ctx, h); err != nil && !mongo.IsDuplicateKeyError(err) {
		return auditHeadDoc{}, translate(err, "audit head")
	}
	return h, nil
}

// headOf is the head document of a chain's events (sorted by seq).
func headOf(caseID string, docs []auditEventDoc) auditHeadDoc {
	h := auditHeadDoc{ID: caseID, KeyedFrom: 1}
	for _, d := range docs {
		if oid, ok := d.ID.(bson.ObjectID); ok {
			h.LegacyIDs = append(h.LegacyIDs, oid)
			h.KeyedFrom = max(h.KeyedFrom, d.Seq+1)
		}
	}
	last := docs[len(docs)-1]
	h.Seq, h.Event = last.Seq, last
	return h
}

// auditHead returns a chain's head document, building it when the chain
// has none yet; not_found when the chain has no event.
func (s *Store) auditHead(ctx context.Context, caseID string) (auditHeadDoc, error) {
	var h auditHeadDoc
	err := s.db.Collection(colAuditHeads).FindOne(ctx, auditByID(caseID)).Decode(&h)
	switch {
	case err == nil:
		return h, nil
	case !errors.Is(err, mongo.ErrNoDocuments):
		return auditHeadDoc{}, translate(err, "audit head")
	}
	return s.buildAuditHead(ctx, caseID)
}

// findAuditEvent looks one event up by _id; ok is false when there is none.
func (s *Store) findAuditEvent(ctx context.Context, id any) (auditEventDoc, bool, error) {
	var d auditEventDoc
	err := s.db.Collection(colAuditEvents).FindOne(ctx, auditByID(id)).Decode(&d)
	switch {
	case err == nil:
		return d, true, nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return auditEventDoc{}, false, nil
	}
	return auditEventDoc{}, false, translate(err, "audit event")
}

// AuditHead returns the recorded head of a report's chain, which may be
// behind its last event; not_found when the chain has no event.
func (s *Store) AuditHead(ctx context.Context, caseID string) (services.AuditEvent, error) {
	h, err := s.auditHead(ctx, caseID)
	if err != nil {
		return services.AuditEvent{}, err
	}
	return h.Event.toAuditEvent(), nil
}

// LastAuditEvent returns the report's event with the highest seq: the
// recorded head, then lookups by _id past it until one misses.
func (s *Store) LastAuditEvent(ctx context.Context, caseID string) (services.AuditEvent, error) {
	h, err := s.auditHead(ctx, caseID)
	if err != nil {
		return services.AuditEvent{}, err
	}
	last := h.Event
	for {
		d, ok, err := s.findAuditEvent(ctx, auditEventID(caseID, last.Seq+1))
		if err != nil {
			return services.AuditEvent{}, err
		}
		if !ok {
			return last.toAuditEvent(), nil
		}
		last = d
	}
}

// ListAuditEvents returns up to limit events of a report, seq ascending:
// lookups by _id of seq 1 up to the recorded head, then past it until one
// misses. A missing event is skipped (verification reports the gap); the
// events are ordered by the seq they hold, as a (caseId, seq) query would.
func (s *Store) ListAuditEvents(ctx context.Context, caseID string, limit int) ([]services.AuditEvent, error) {
	n := auditLimit(limit)
	h, err := s.auditHead(ctx, caseID)
	if services.IsCode(err, services.CodeNotFound) {
		return []services.AuditEvent{}, nil
	}
	if err != nil {
		return nil, err
	}
	var docs []auditEventDoc
	fetch := func(id any) (bool, error) {
		d, ok, err := s.findAuditEvent(ctx, id)
		if ok {
			docs = append(docs, d)
		}
		return ok, err
	}
	for i, oid := range h.LegacyIDs {
		if int64(i) >= n {
			break
		}
		if _, err := fetch(oid); err != nil {
			return nil, err
		}
	}
	for seq := h.KeyedFrom; seq <= min(h.Seq, n); seq++ {
		if _, err := fetch(auditEventID(caseID, seq)); err != nil {
			return nil, err
		}
	}
	for seq := max(h.Seq, h.KeyedFrom-1) + 1; seq <= n; seq++ {
		ok, err := fetch(auditEventID(caseID, seq))
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
	}
	slices.SortStableFunc(docs, func(a, b auditEventDoc) int { return int(min(max(a.Seq-b.Seq, -1), 1)) })
	if int64(len(docs)) > n {
		docs = docs[:n]
	}
	out := make([]services.AuditEvent, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.toAuditEvent())
	}
	return out, nil
}

// auditHeadsQuery lists the head documents, newest reports first (report
// ids are ObjectIDs): the _id index on MongoDB; on the embedded server a
// read of the heads collection, one small document per report.
func auditHeadsQuery() (filter, sort bson.D) {
	return bson.D{}, bson.D{{Key: "_id", Value: -1}}
}

// ListAuditHeads returns the recorded head of up to limit reports, by
// caseId descending. It reads the head documents only, never the events,
// so a head left behind by a crash between an event and its head stays
// behind here until the report's next append or `portal audit verify`
// (which repairs it) — a checkpoint of it is still true, of a shorter
// chain.
func (s *Store) ListAuditHeads(ctx context.Context, limit int) ([]services.AuditEvent, error) {
	filter, sort := auditHeadsQuery()
	cur, err := s.db.Collection(colAuditHeads).Find(ctx, filter, options.Find().SetSort(sort).SetLimit(auditLimit(limit)))
	if err != nil {
		return nil, translate(err, "audit head")
	}
	defer func() { _ = cur.Close(context.Background()) }()
	var heads []services.AuditEvent
	for cur.Next(ctx) {
		var h auditHeadDoc
		if err := cur.Decode(&h); err != nil {
			return nil, translate(err, "audit head")
		}
		heads = append(heads, h.Event.toAuditEvent())
	}
	if err := cur.Err(); err != nil {
		return nil, translate(err, "audit head")
	}
	return heads, nil
}

// EachAuditEvent calls fn with every event of every chain, in no
// particular order, reading the collection once without sorting it (a sort
// on the embedded server would hold every event in memory at once).
func (s *Store) EachAuditEvent(ctx context.Context, fn func(services.AuditEvent) error) error {
	return s.eachAuditEventDoc(ctx, func(d auditEventDoc) error { return fn(d.toAuditEvent()) })
}

func (s *Store) eachAuditEventDoc(ctx context.Context, fn func(auditEventDoc) error) error {
	cur, err := s.db.Collection(colAuditEvents).Find(ctx, bson.D{}, options.Find().SetBatchSize(1000))
	if err != nil {
		return translate(err, "audit event")
	}
	defer func() { _ = cur.Close(context.Background()) }()
	for cur.Next(ctx) {
		var d auditEventDoc
		if err := cur.Decode(&d); err != nil {
			return translate(err, "audit event")
		}
		if err := fn(d); err != nil {
			return err
		}
	}
	return translate(cur.Err(), "audit event")
}

// RepairAuditHeads makes every chain's head document match its events:
// it reads the events once and the heads once, records the heads of chains
// that have none (chains written before the head documents, with the _ids
// of their events) and moves forward the heads left behind. It returns how
// many heads it wrote. Appends running meanwhile are safe: a head is only
// created where none exists, and only moved forward.
func (s *Store) RepairAuditHeads(ctx context.Context) (int, error) {
	type chain struct {
		last      auditEventDoc
		legacy    []auditEventDoc // ObjectID _ids only: id and seq
		keyedFrom int64
	}
	chains := map[string]*chain{}
	err := s.eachAuditEventDoc(ctx, func(d auditEventDoc) error {
		c := chains[d.CaseID]
		if c == nil {
			c = &chain{keyedFrom: 1}
			chains[d.CaseID] = c
		}
		if d.Seq >= c.last.Seq {
			c.last = d
		}
		if _, ok := d.ID.(bson.ObjectID); ok {
			c.legacy = append(c.legacy, auditEventDoc{ID: d.ID, Seq: d.Seq})
			c.keyedFrom = max(c.keyedFrom, d.Seq+1)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	recorded := map[string]int64{}
	cur, err := s.db.Collection(colAuditHeads).Find(ctx, bson.D{}, options.Find().SetProjection(bson.D{{Key: "seq", Value: 1}}))
	if err != nil {
		return 0, translate(err, "audit head")
	}
	for cur.Next(ctx) {
		var h struct {
			ID  string `bson:"_id"`
			Seq int64  `bson:"seq"`
		}
		if err := cur.Decode(&h); err != nil {
			_ = cur.Close(ctx)
			return 0, translate(err, "audit head")
		}
		recorded[h.ID] = h.Seq
	}
	if err := cur.Err(); err != nil {
		return 0, translate(err, "audit head")
	}
	_ = cur.Close(ctx)
	heads := s.db.Collection(colAuditHeads)
	wrote := 0
	for id, c := range chains {
		seq, ok := recorded[id]
		switch {
		case !ok:
			slices.SortFunc(c.legacy, func(a, b auditEventDoc) int { return int(min(max(a.Seq-b.Seq, -1), 1)) })
			h := auditHeadDoc{ID: id, Seq: c.last.Seq, KeyedFrom: c.keyedFrom, Event: c.last}
			for _, d := range c.legacy {
				h.LegacyIDs = append(h.LegacyIDs, d.ID.(bson.ObjectID))
			}
			_, err := heads.InsertOne(ctx, h)
			if err != nil && !mongo.IsDuplicateKeyError(err) {
				return wrote, translate(err, "audit head")
			}
			if err == nil {
				wrote++
			}
		case seq < c.last.Seq:
			res, err := heads.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "seq", Value: bson.D{{Key: "$lt", Value: c.last.Seq}}}},
				bson.D{{Key: "$set", Value: bson.D{{Key: "seq", Value: c.last.Seq}, {Key: "event", Value: c.last}}}})
			if err != nil {
				return wrote, translate(err, "audit head")
			}
			wrote += int(res.ModifiedCount)
		}
	}
	return wrote, nil
}

// MigrateAuditHeads is the start-up migration AuditHeadsMigrationName:
// RepairAuditHeads once, then the record that it ran.
func (s *Store) MigrateAuditHeads(ctx context.Context) (int, error) {
	if done, err := s.MigrationDone(ctx, AuditHeadsMigrationName); err != nil || done {
		return 0, err
	}
	n, err := s.RepairAuditHeads(ctx)
	if err != nil {
		return n, err
	}
	return n, s.MarkMigrationDone(ctx, AuditHeadsMigrationName, time.Now().UTC())
}

// BulkInsertAuditChains stores whole chains at once (imports, benchmarks):
// each chain's events, consecutive from seq 1, under their deterministic
// _ids, and its head, in unordered bulk writes of up to 1,000 documents.
func (s *Store) BulkInsertAuditChains(ctx context.Context, chains [][]services.AuditEvent) error {
	var events, heads []any
	flush := func(force bool) error {
		if len(events) >= 1000 || (force && len(events) > 0) {
			if _, err := s.db.Collection(colAuditEvents).InsertMany(ctx, events, options.InsertMany().SetOrdered(false)); err != nil {
				return translate(err, "audit event")
			}
			events = events[:0]
		}
		if len(heads) >= 1000 || (force && len(heads) > 0) {
			if _, err := s.db.Collection(colAuditHeads).InsertMany(ctx, heads, options.InsertMany().SetOrdered(false)); err != nil {
				return translate(err, "audit head")
			}
			heads = heads[:0]
		}
		return nil
	}
	for _, chain := range chains {
		if len(chain) == 0 {
			continue
		}
		for _, e := range chain {
			events = append(events, newAuditEventDoc(e))
		}
		last := newAuditEventDoc(chain[len(chain)-1])
		heads = append(heads, auditHeadDoc{ID: last.CaseID, Seq: last.Seq, KeyedFrom: 1, Event: last})
		if err := flush(false); err != nil {
			return err
		}
	}
	return flush(true)
}
