package mongostore

import (
	"context"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minhbach/internal/translog"
	"minhbach/services"
)

// The public log's sequencing state (docs/transparency-log.md, "Where the
// log lives"). Every hot path is a lookup by _id; the queue is read whole
// (it is drained every few seconds), and the witnesses' documents are few.
//
//	logPending       {_id: event id, entry, needsCase, queuedAt}
//	logState         {_id: "log", size, root, checkpoint, version, batch}
//	logIndex         {_id: commitment hex, entries: [{i, id}]} (one writer: the sequencer)
//	logCosignatures  {_id: "<size, 20 digits>:<witness>", size, witness, line, at}
//	logWitnesses     {_id: witness, cosigned: {...}, refused: {...}}
const (
	colLogPending      = "logPending"
	colLogState        = "logState"
	colLogIndex        = "logIndex"
	colLogCosignatures = "logCosignatures"
	colLogWitnesses    = "logWitnesses"
)

var _ services.LogStore = (*Store)(nil)

type logPendingDoc struct {
	ID        string    `bson:"_id"`
	Entry     []byte    `bson:"entry"`
	NeedsCase string    `bson:"needsCase,omitempty"`
	QueuedAt  time.Time `bson:"queuedAt"`
}

// QueueLogEntries inserts the entries; one already queued is left as it is.
func (s *Store) QueueLogEntries(ctx context.Context, ps []services.LogPending) error {
	for _, p := range ps {
		_, err := s.db.Collection(colLogPending).InsertOne(ctx, logPendingDoc{ID: p.ID, Entry: p.Entry, NeedsCase: p.NeedsCase,
			QueuedAt: p.QueuedAt.UTC().Truncate(time.Millisecond)})
		if err != nil && !mongo.IsDuplicateKeyError(err) {
			return translate(err, "log entry")
		}
	}
	return nil
}

// PendingLogEntries returns the oldest queued entries, by queue time then id
// (a report's events in the order of their seqs).
func (s *Store) PendingLogEntries(ctx context.Context, limit int) ([]services.LogPending, error) {
	cur, err := s.db.Collection(colLogPending).Find(ctx, bson.D{},
		options.Find().SetSort(bson.D{{Key: "queuedAt", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, translate(err, "log entry")
	}
	var docs []logPendingDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "log entry")
	}
	out := make([]services.LogPending, len(docs))
	for i, d := range docs {
		out[i] = services.LogPending{ID: d.ID, Entry: d.Entry, NeedsCase: d.NeedsCase, QueuedAt: d.QueuedAt.UTC()}
	}
	return out, nil
}

// DeleteLogPending removes integrated entries from the queue.
func (s *Store) DeleteLogPending(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := s.db.Collection(colLogPending).DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
	return translate(err, "log entry")
}

type logBatchDoc struct {
	From    int64    `bson:"from"`
	IDs     []string `bson:"ids"`
	Entries [][]byte `bson:"entries"`
}

type logStateDoc struct {
	ID         string       `bson:"_id"`
	Size       int64        `bson:"size"`
	Root       []byte       `bson:"root"`
	Checkpoint []byte       `bson:"checkpoint"`
	Version    int64        `bson:"version"`
	Batch      *logBatchDoc `bson:"batch"`
	Done       []string     `bson:"done"`
}

const logStateID = "log"

// LogState returns the sequencer's state; size 0 and version 0 when the log
// has never been written.
func (s *Store) LogState(ctx context.Context) (services.LogState, error) {
	var d logStateDoc
	err := s.db.Collection(colLogState).FindOne(ctx, bson.D{{Key: "_id", Value: logStateID}}).Decode(&d)
	if err == mongo.ErrNoDocuments {
		return services.LogState{Root: translog.EmptyRoot()}, nil
	}
	if err != nil {
		return services.LogState{}, translate(err, "log state")
	}
	st := services.LogState{Size: d.Size, Checkpoint: d.Checkpoint, Version: d.Version, Done: d.Done}
	if len(d.Root) != translog.HashSize {
		return services.LogState{}, services.Errorf(services.ReasonInternal, "The log's state holds a malformed root.")
	}
	copy(st.Root[:], d.Root)
	if d.Batch != nil {
		st.Batch = &services.LogBatch{From: d.Batch.From, IDs: d.Batch.IDs, Entries: d.Batch.Entries}
	}
	return st, nil
}

// SetLogState replaces the state if it is still at version (0: none yet).
func (s *Store) SetLogState(ctx context.Context, version int64, st services.LogState) error {
	d := logStateDoc{ID: logStateID, Size: st.Size, Root: st.Root[:], Checkpoint: st.Checkpoint, Version: version + 1, Done: st.Done}
	if st.Batch != nil {
		d.Batch = &logBatchDoc{From: st.Batch.From, IDs: st.Batch.IDs, Entries: st.Batch.Entries}
	}
	col := s.db.Collection(colLogState)
	if version == 0 {
		_, err := col.InsertOne(ctx, d)
		if mongo.IsDuplicateKeyError(err) {
			return services.Errorf(services.ReasonChangedElsewhere, "The log's state changed meanwhile.")
		}
		return translate(err, "log state")
	}
	res, err := col.ReplaceOne(ctx, bson.D{{Key: "_id", Value: logStateID}, {Key: "version", Value: version}}, d)
	if err != nil {
		return translate(err, "log state")
	}
	if res.MatchedCount == 0 {
		return services.Errorf(services.ReasonChangedElsewhere, "The log's state changed meanwhile.")
	}
	return nil
}

type logRefDoc struct {
	Index int64  `bson:"i"`
	ID    string `bson:"id"`
}

type logIndexDoc struct {
	ID      string      `bson:"_id"`
	Entries []logRefDoc `bson:"entries"`
}

// IndexLogEntries merges refs into each commitment's document. Only the
// sequencer writes here, under its lease, so a read and a replace suffice;
// a replayed batch finds its references already there.
func (s *Store) IndexLogEntries(ctx context.Context, refs map[translog.Hash][]services.LogEntryRef) error {
	col := s.db.Collection(colLogIndex)
	for c, add := range refs {
		id := hex.EncodeToString(c[:])
		old, err := s.LogEntriesOf(ctx, c)
		if err != nil {
			return err
		}
		merged := old
		for _, r := range add {
			if !slices.ContainsFunc(merged, func(o services.LogEntryRef) bool { return o.Index == r.Index }) {
				merged = append(merged, r)
			}
		}
		if len(merged) == len(old) {
			continue
		}
		slices.SortFunc(merged, func(a, b services.LogEntryRef) int { return int(min(max(a.Index-b.Index, -1), 1)) })
		d := logIndexDoc{ID: id}
		for _, r := range merged {
			d.Entries = append(d.Entries, logRefDoc{Index: r.Index, ID: r.ID})
		}
		if _, err := col.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}}, d, options.Replace().SetUpsert(true)); err != nil {
			return translate(err, "log index")
		}
	}
	return nil
}

// LogEntriesOf returns a commitment's entries by index; none when the log
// has none yet.
func (s *Store) LogEntriesOf(ctx context.Context, c translog.Hash) ([]services.LogEntryRef, error) {
	var d logIndexDoc
	err := s.db.Collection(colLogIndex).FindOne(ctx, bson.D{{Key: "_id", Value: hex.EncodeToString(c[:])}}).Decode(&d)
	if err == mongo.ErrNoDocuments {
		return nil, nil
	}
	if err != nil {
		return nil, translate(err, "log index")
	}
	out := make([]services.LogEntryRef, len(d.Entries))
	for i, r := range d.Entries {
		out[i] = services.LogEntryRef{Index: r.Index, ID: r.ID}
	}
	return out, nil
}

type logCosigDoc struct {
	ID      string    `bson:"_id,omitempty"`
	Size    int64     `bson:"size"`
	Witness string    `bson:"witness"`
	Line    string    `bson:"line,omitempty"`
	Refusal string    `bson:"refusal,omitempty"`
	Reason  string    `bson:"reason,omitempty"`
	At      time.Time `bson:"at"`
}

func logCosigID(size int64, witness string) string { return fmt.Sprintf("%020d:%s", size, witness) }

func (d logCosigDoc) out() services.LogCosignature {
	return services.LogCosignature{Witness: d.Witness, Size: d.Size, Line: d.Line, Refusal: d.Refusal, Reason: d.Reason, At: d.At.UTC()}
}

// AddLogCosignature records a cosignature (one per witness and size; the
// first kept) or a refusal, and updates the witness's latest of either.
func (s *Store) AddLogCosignature(ctx context.Context, c services.LogCosignature) error {
	d := logCosigDoc{Size: c.Size, Witness: c.Witness, Line: c.Line, Refusal: c.Refusal, Reason: c.Reason, At: c.At.UTC().Truncate(time.Millisecond)}
	field := "refused"
	if c.Refusal == "" {
		field = "cosigned"
		d.ID = logCosigID(c.Size, c.Witness)
		// The first cosignature of a size is kept; a witness cosigning an
		// idle log again still moves its latest cosignature on.
		if _, err := s.db.Collection(colLogCosignatures).InsertOne(ctx, d); err != nil && !mongo.IsDuplicateKeyError(err) {
			return translate(err, "cosignature")
		}
	}
	d.ID = ""
	_, err := s.db.Collection(colLogWitnesses).UpdateOne(ctx, bson.D{{Key: "_id", Value: c.Witness}},
		bson.D{{Key: "$set", Value: bson.D{{Key: field, Value: d}}}}, options.UpdateOne().SetUpsert(true))
	return translate(err, "witness")
}

// LogCosignatures returns the cosignatures of the checkpoint of size.
func (s *Store) LogCosignatures(ctx context.Context, size int64) ([]services.LogCosignature, error) {
	lo, hi := fmt.Sprintf("%020d:", size), fmt.Sprintf("%020d;", size)
	cur, err := s.db.Collection(colLogCosignatures).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: lo}, {Key: "$lt", Value: hi}}}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, translate(err, "cosignature")
	}
	var docs []logCosigDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "cosignature")
	}
	out := make([]services.LogCosignature, len(docs))
	for i, d := range docs {
		out[i] = d.out()
	}
	return out, nil
}

type logWitnessDoc struct {
	ID       string       `bson:"_id"`
	Cosigned *logCosigDoc `bson:"cosigned"`
	Refused  *logCosigDoc `bson:"refused"`
}

// LatestLogWitnessing returns each witness's latest cosignature and refusal.
func (s *Store) LatestLogWitnessing(ctx context.Context) (map[string]services.LogCosignature, map[string]services.LogCosignature, error) {
	cur, err := s.db.Collection(colLogWitnesses).Find(ctx, bson.D{}, options.Find().SetLimit(maxOrgItems))
	if err != nil {
		return nil, nil, translate(err, "witness")
	}
	var docs []logWitnessDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, nil, translate(err, "witness")
	}
	cos, ref := map[string]services.LogCosignature{}, map[string]services.LogCosignature{}
	for _, d := range docs {
		if d.Cosigned != nil {
			cos[d.ID] = d.Cosigned.out()
		}
		if d.Refused != nil {
			ref[d.ID] = d.Refused.out()
		}
	}
	return cos, ref, nil
}
