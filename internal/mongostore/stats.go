package mongostore

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minhbach/services"
)

// The statistics' collections (docs/statistics.md): one counter document
// per cell, one mark per report counted, and the folds' sequence.
const (
	colStatsCells = "statsCells"
	colStatsMarks = "statsMarks"
	colStatsState = "statsState"
)

// statsCountDoc is one cell's counts in a report's contribution. M lists
// the measures' names, in order: the embedded FerretDB compares documents
// by their values only, without their field names, and skips a $set whose
// value it finds equal to the stored one, so counts that differ only by a
// name ({accepted: 1} → {investigating: 1}) would not be written without
// it (docs/storage.md, subset point 8; TestStatsMarkTakesAChangeOfNamesOnly).
type statsCountDoc struct {
	K string           `bson:"k"`
	N map[string]int64 `bson:"n"`
	M string           `bson:"m"`
}

type statsPendingDoc struct {
	Seq int64           `bson:"seq"`
	V   int64           `bson:"v"`
	C   []statsCountDoc `bson:"c"`
	D   []statsCountDoc `bson:"d"`
}

type statsMarkDoc struct {
	ID string           `bson:"_id"`
	V  int64            `bson:"v"`
	C  []statsCountDoc  `bson:"c"`
	P  *statsPendingDoc `bson:"p,omitempty"`
}

// statsCellDoc is a counter document: the cell's fields (for the
// statistics' filters), its counts, and the last fold it took.
type statsCellDoc struct {
	ID       string           `bson:"_id"`
	Month    string           `bson:"month"`
	Unit     string           `bson:"unit"`
	Front    string           `bson:"front"`
	Area     string           `bson:"area"`
	Kind     string           `bson:"kind"`
	Category string           `bson:"category"`
	Channel  string           `bson:"channel"`
	Dim      string           `bson:"dim"`
	Value    string           `bson:"value"`
	N        map[string]int64 `bson:"n"`
	Seq      int64            `bson:"seq"`
}

func toCountDocs(ct services.Contribution) []statsCountDoc {
	out := []statsCountDoc{}
	for _, cell := range ct.Cells() {
		out = append(out, statsCountDoc{K: cell.Key(), N: ct[cell], M: strings.Join(sortedKeys(ct[cell]), "\x00")})
	}
	return out
}

func fromCountDocs(docs []statsCountDoc) (services.Contribution, error) {
	ct := services.Contribution{}
	for _, d := range docs {
		cell, err := services.ParseStatsKey(d.K)
		if err != nil {
			return nil, err
		}
		ct.Add(services.Contribution{cell: d.N})
	}
	return ct, nil
}

func (d statsMarkDoc) toMark() (services.StatsMark, error) {
	m := services.StatsMark{ReportID: d.ID, Version: d.V}
	var err error
	if m.Counts, err = fromCountDocs(d.C); err != nil {
		return m, err
	}
	if d.P != nil {
		p := &services.StatsPending{Seq: d.P.Seq, Version: d.P.V}
		if p.Counts, err = fromCountDocs(d.P.C); err != nil {
			return m, err
		}
		if p.Delta, err = fromCountDocs(d.P.D); err != nil {
			return m, err
		}
		m.Pending = p
	}
	return m, nil
}

// FindCasesByIDs reads the reports of ids (an id that names no report is
// left out).
func (s *Store) FindCasesByIDs(ctx context.Context, ids []string) ([]services.Case, error) {
	oids := make([]bson.ObjectID, 0, len(ids))
	for _, id := range ids {
		if oid, err := bson.ObjectIDFromHex(id); err == nil {
			oids = append(oids, oid)
		}
	}
	return s.casesByIDs(ctx, oids)
}

// FindStatsMarks reads the marks of the reports ids.
func (s *Store) FindStatsMarks(ctx context.Context, ids []string) (map[string]services.StatsMark, error) {
	return s.findStatsMarks(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}, options.Find())
}

// PendingStatsMarks lists the marks that carry a change, by its sequence.
func (s *Store) PendingStatsMarks(ctx context.Context) ([]services.StatsMark, error) {
	byID, err := s.findStatsMarks(ctx, pendingStatsFilter(), options.Find().SetSort(bson.D{{Key: "p.seq", Value: 1}}))
	if err != nil {
		return nil, err
	}
	out := make([]services.StatsMark, 0, len(byID))
	for _, m := range byID {
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b services.StatsMark) int {
		return cmp.Or(cmp.Compare(a.Pending.Seq, b.Pending.Seq), cmp.Compare(a.ReportID, b.ReportID))
	})
	return out, nil
}

// pendingStatsFilter selects the marks with a change being applied
// (served by the p.seq index).
func pendingStatsFilter() bson.D {
	return bson.D{{Key: "p.seq", Value: bson.D{{Key: "$gt", Value: int64(0)}}}}
}

func (s *Store) findStatsMarks(ctx context.Context, filter bson.D, opts *options.FindOptionsBuilder) (map[string]services.StatsMark, error) {
	cur, err := s.db.Collection(colStatsMarks).Find(ctx, filter, opts)
	if err != nil {
		return nil, translate(err, "statistics")
	}
	var docs []statsMarkDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "statistics")
	}
	out := make(map[string]services.StatsMark, len(docs))
	for _, d := range docs {
		m, err := d.toMark()
		if err != nil {
			return nil, services.Wrap(err, services.ReasonInternal, "A statistics mark is malformed.")
		}
		out[m.ReportID] = m
	}
	return out, nil
}

// NextStatsSeq returns the next fold's sequence number.
func (s *Store) NextStatsSeq(ctx context.Context) (int64, error) {
	var st struct {
		Seq int64 `bson:"seq"`
	}
	err := s.db.Collection(colStatsState).FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: "fold"}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "seq", Value: int64(1)}}}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&st)
	if err != nil {
		return 0, translate(err, "statistics")
	}
	return st.Seq, nil
}

// PutStatsPending records each mark's pending change, in one command.
func (s *Store) PutStatsPending(ctx context.Context, marks []services.StatsMark) error {
	models := make([]mongo.WriteModel, len(marks))
	for i, m := range marks {
		p := m.Pending
		models[i] = mongo.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: m.ReportID}}).
			SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: "p", Value: statsPendingDoc{Seq: p.Seq, V: p.Version, C: toCountDocs(p.Counts), D: toCountDocs(p.Delta)}}}},
				{Key: "$setOnInsert", Value: bson.D{{Key: "v", Value: int64(0)}, {Key: "c", Value: []statsCountDoc{}}}}}).SetUpsert(true)
	}
	return s.bulkStats(ctx, colStatsMarks, models, false)
}

// bulkChunk bounds the statements of one bulk command. The embedded
// FerretDB keeps each update statement's query open until the whole
// command ends, one SQLite connection each, and waits forever for a
// connection once its pool of 100 is spent: a command of more statements
// than that never ends (TestStatsFoldOfManyReportsEnds). MongoDB has no
// such limit.
const bulkChunk = 50

// bulkStats sends models in order, in commands of at most bulkChunk
// statements; with dupOK a statement refused as a duplicate key counts as
// done and the statements after it are sent again (the embedded database
// stops at the first error even when asked not to).
func (s *Store) bulkStats(ctx context.Context, coll string, models []mongo.WriteModel, dupOK bool) error {
	for len(models) > 0 {
		chunk := models[:min(len(models), bulkChunk)]
		_, err := s.db.Collection(coll).BulkWrite(ctx, chunk, options.BulkWrite().SetOrdered(true))
		var bwe mongo.BulkWriteException
		switch {
		case err == nil:
			models = models[len(chunk):]
		case dupOK && errors.As(err, &bwe) && bwe.WriteConcernError == nil && len(bwe.WriteErrors) == 1 &&
			mongo.IsDuplicateKeyError(bwe.WriteErrors[0]):
			models = models[bwe.WriteErrors[0].Index+1:]
		default:
			return translate(err, "statistics")
		}
	}
	return nil
}

// ApplyStatsDelta adds d to the counters, in one command. Each cell's
// update matches only while the cell's last fold is before seq; when it
// has taken seq already, the upsert's insert meets the existing _id and is
// refused as a duplicate, which means "done".
func (s *Store) ApplyStatsDelta(ctx context.Context, seq int64, d services.Contribution) error {
	var models []mongo.WriteModel
	// The cache takes what the database holds of these cells, whether
	// the write went through, failed or was cut half-way.
	defer func() {
		keys := make([]string, 0, len(d))
		for cell := range d {
			keys = append(keys, cell.Key())
		}
		s.refreshStatsCells(context.WithoutCancel(ctx), keys)
	}()
	for _, cell := range d.Cells() {
		inc := bson.D{}
		for _, k := range sortedKeys(d[cell]) {
			inc = append(inc, bson.E{Key: "n." + k, Value: d[cell][k]})
		}
		if len(inc) == 0 {
			continue
		}
		models = append(models, mongo.NewUpdateOneModel().
			SetFilter(bson.D{{Key: "_id", Value: cell.Key()}, {Key: "seq", Value: bson.D{{Key: "$lt", Value: seq}}}}).
			SetUpdate(bson.D{{Key: "$inc", Value: inc}, {Key: "$set", Value: bson.D{{Key: "seq", Value: seq}}},
				{Key: "$setOnInsert", Value: bson.D{{Key: "month", Value: cell.Month}, {Key: "unit", Value: cell.Unit},
					{Key: "front", Value: cell.Front}, {Key: "area", Value: cell.Area}, {Key: "kind", Value: string(cell.Kind)},
					{Key: "category", Value: cell.Category}, {Key: "channel", Value: cell.Channel}, {Key: "dim", Value: cell.Dim},
					{Key: "value", Value: cell.Value}}}}).SetUpsert(true))
	}
	return s.bulkStats(ctx, colStatsCells, models, true)
}

// SettleStatsMarks makes each mark's pending change its counted state, if
// the mark still carries that change, in one command.
func (s *Store) SettleStatsMarks(ctx context.Context, marks []services.StatsMark) error {
	models := make([]mongo.WriteModel, len(marks))
	for i, m := range marks {
		p := m.Pending
		models[i] = mongo.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: m.ReportID}, {Key: "p.seq", Value: p.Seq}}).
			SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: "v", Value: p.Version}, {Key: "c", Value: toCountDocs(p.Counts)}}},
				{Key: "$unset", Value: bson.D{{Key: "p", Value: ""}}}})
	}
	return s.bulkStats(ctx, colStatsMarks, models, false)
}

// statsCellsFilter selects the base cells of months, of the unit and the
// committee when given (served by the unit_month, front_month and month
// indexes).
func statsCellsFilter(months []string, unit, front string) bson.D {
	f := bson.D{}
	if unit != "" {
		f = append(f, bson.E{Key: "unit", Value: unit})
	}
	if front != "" {
		f = append(f, bson.E{Key: "front", Value: front})
	}
	return append(f, bson.E{Key: "month", Value: bson.D{{Key: "$in", Value: months}}}, bson.E{Key: "dim", Value: ""})
}

// statsDimsFilter selects the cells of dim over months, of the unit and
// the committee when given (the same indexes as statsCellsFilter).
func statsDimsFilter(months []string, unit, front, dim string) bson.D {
	f := statsCellsFilter(months, unit, front)
	f[len(f)-1] = bson.E{Key: "dim", Value: dim}
	return f
}

// FindStatsDims reads the cells of one breakdown dimension (office,
// counter, procedure, official) over months, of the unit and the
// committee when given.
func (s *Store) FindStatsDims(ctx context.Context, months []string, unit, front, dim string) (services.Contribution, error) {
	if c := s.cachedStats(ctx); c != nil {
		return c.match(months, unit, front, dim), nil
	}
	return s.readStatsCells(ctx, statsDimsFilter(months, unit, front, dim))
}

// FindStatsCells reads the base cells of months, of the unit and the
// committee when given.
func (s *Store) FindStatsCells(ctx context.Context, months []string, unit, front string) (services.Contribution, error) {
	if c := s.cachedStats(ctx); c != nil {
		return c.match(months, unit, front, ""), nil
	}
	return s.readStatsCells(ctx, statsCellsFilter(months, unit, front))
}

// StatsCells reads every counter document, as a contribution (for the
// rebuild's comparison and the tests).
func (s *Store) StatsCells(ctx context.Context) (services.Contribution, error) {
	return s.readStatsCells(ctx, bson.D{})
}

func (s *Store) readStatsCells(ctx context.Context, filter bson.D) (services.Contribution, error) {
	cur, err := s.db.Collection(colStatsCells).Find(ctx, filter)
	if err != nil {
		return nil, translate(err, "statistics")
	}
	var docs []statsCellDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "statistics")
	}
	ct := services.Contribution{}
	for _, d := range docs {
		cell, err := services.ParseStatsKey(d.ID)
		if err != nil {
			return nil, services.Wrap(err, services.ReasonInternal, "A statistics cell is malformed.")
		}
		ct.Add(services.Contribution{cell: d.N})
	}
	return ct, nil
}

func sortedKeys(m map[string]int64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// changedSinceFilter selects the reports last written at or after t
// (served by the updatedAt index).
func changedSinceFilter(t time.Time) bson.D {
	return bson.D{{Key: "updatedAt", Value: bson.D{{Key: "$gte", Value: t}}}}
}

// CasesChangedSince lists the ids and versions of up to limit reports last
// written at or after t (in no order): from the queue index when there is one
// (the embedded database would read every report for it), else by the
// updatedAt index.
func (s *Store) CasesChangedSince(ctx context.Context, t time.Time, limit int) ([]services.CaseVersion, error) {
	var out []services.CaseVersion
	if x := s.qi.Load(); x != nil && x.ready(ctx, s) {
		ids := x.changedSince(t, limit)
		x.mu.RLock()
		for _, id := range ids {
			if e := x.entries[id]; e != nil {
				out = append(out, services.CaseVersion{ID: id.Hex(), Version: e.doc.Version})
			}
		}
		x.mu.RUnlock()
	} else {
		type doc struct {
			ID      bson.ObjectID `bson:"_id"`
			Version int64         `bson:"version"`
		}
		opts := options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}, {Key: "version", Value: 1}})
		if limit > 0 {
			opts.SetLimit(int64(limit))
		}
		cur, err := s.db.Collection(colCases).Find(ctx, changedSinceFilter(t), opts)
		if err != nil {
			return nil, translate(err, "report")
		}
		var docs []doc
		if err := cur.All(ctx, &docs); err != nil {
			return nil, translate(err, "report")
		}
		for _, d := range docs {
			out = append(out, services.CaseVersion{ID: d.ID.Hex(), Version: d.Version})
		}
	}
	return out, nil
}

type statsStateDoc struct {
	ID    string    `bson:"_id"`
	Seq   int64     `bson:"seq"`
	UpTo  time.Time `bson:"upTo"`
	Built bool      `bson:"built"`
	// Definition is the services.StatsDefinition folded under (0 before
	// definitions were numbered).
	Definition int `bson:"definition"`
}

// StatsState reads the folds' state: the last sequence number, the time
// before which every report's writes are folded, and whether the counters
// were ever built (zero values before the first fold).
func (s *Store) StatsState(ctx context.Context) (services.StatsState, error) {
	var d statsStateDoc
	err := s.db.Collection(colStatsState).FindOne(ctx, bson.D{{Key: "_id", Value: "fold"}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return services.StatsState{}, nil
	}
	if err != nil {
		return services.StatsState{}, translate(err, "statistics")
	}
	return services.StatsState{Seq: d.Seq, UpTo: d.UpTo, Built: d.Built, Definition: d.Definition}, nil
}

// SetStatsUpTo records that every report's writes before t are folded,
// under the definition.
func (s *Store) SetStatsUpTo(ctx context.Context, t time.Time, definition int) error {
	_, err := s.db.Collection(colStatsState).UpdateOne(ctx, bson.D{{Key: "_id", Value: "fold"}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "upTo", Value: t}, {Key: "built", Value: true}, {Key: "definition", Value: definition}}}}, options.UpdateOne().SetUpsert(true))
	return translate(err, "statistics")
}

// BeginStatsRebuild marks the counters not built and removes every
// counter and mark (`portal stats rebuild`). A rebuild cut off leaves them
// marked not built, and is run again.
func (s *Store) BeginStatsRebuild(ctx context.Context) error {
	defer s.dropStatsCache()
	if _, err := s.db.Collection(colStatsState).UpdateOne(ctx, bson.D{{Key: "_id", Value: "fold"}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "built", Value: false}}}}, options.UpdateOne().SetUpsert(true)); err != nil {
		return translate(err, "statistics")
	}
	for _, c := range []string{colStatsCells, colStatsMarks} {
		if _, err := s.db.Collection(c).DeleteMany(ctx, bson.D{}); err != nil {
			return translate(err, "statistics")
		}
	}
	return nil
}

// PutStatsMarks inserts the rebuild's marks.
func (s *Store) PutStatsMarks(ctx context.Context, marks []services.StatsMark) error {
	docs := make([]any, len(marks))
	for i, m := range marks {
		docs[i] = statsMarkDoc{ID: m.ReportID, V: m.Version, C: toCountDocs(m.Counts)}
	}
	_, err := s.db.Collection(colStatsMarks).InsertMany(ctx, docs)
	return translate(err, "statistics")
}

// FinishStatsRebuild writes the rebuilt counters, each as of fold seq, and
// records upTo and that the counters are built.
func (s *Store) FinishStatsRebuild(ctx context.Context, cells services.Contribution, seq int64, upTo time.Time) error {
	defer s.dropStatsCache()
	const batch = 500
	var docs []any
	for i, cell := range cells.Cells() {
		docs = append(docs, statsCellDoc{ID: cell.Key(), Month: cell.Month, Unit: cell.Unit, Front: cell.Front, Area: cell.Area,
			Kind: string(cell.Kind), Category: cell.Category, Channel: cell.Channel, Dim: cell.Dim, Value: cell.Value, N: cells[cell], Seq: seq})
		if len(docs) == batch || i == len(cells)-1 {
			if _, err := s.db.Collection(colStatsCells).InsertMany(ctx, docs); err != nil {
				return translate(err, "statistics")
			}
			docs = docs[:0]
		}
	}
	_, err := s.db.Collection(colStatsState).UpdateOne(ctx, bson.D{{Key: "_id", Value: "fold"}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "upTo", Value: upTo}, {Key: "built", Value: true}, {Key: "definition", Value: services.StatsDefinition}}},
			{Key: "$max", Value: bson.D{{Key: "seq", Value: seq}}}}, options.UpdateOne().SetUpsert(true))
	return translate(err, "statistics")
}
