package mongostore

import (
	"cmp"
	"context"
	"slices"

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

// statsCountDoc is one cell's counts in a report's contribution.
type statsCountDoc struct {
	K string           `bson:"k"`
	N map[string]int64 `bson:"n"`
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
		out = append(out, statsCountDoc{K: cell.Key(), N: ct[cell]})
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

// PutStatsPending records the change m.Pending on the report's mark.
func (s *Store) PutStatsPending(ctx context.Context, m services.StatsMark) error {
	p := m.Pending
	_, err := s.db.Collection(colStatsMarks).UpdateOne(ctx, bson.D{{Key: "_id", Value: m.ReportID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "p", Value: statsPendingDoc{Seq: p.Seq, V: p.Version, C: toCountDocs(p.Counts), D: toCountDocs(p.Delta)}}}},
			{Key: "$setOnInsert", Value: bson.D{{Key: "v", Value: int64(0)}, {Key: "c", Value: []statsCountDoc{}}}}},
		options.UpdateOne().SetUpsert(true))
	return translate(err, "statistics")
}

// ApplyStatsDelta adds d to the counters. Each cell's update matches only
// while the cell's last fold is before seq; when it has taken seq already,
// the upsert's insert meets the existing _id and is refused as a
// duplicate, which means "done".
func (s *Store) ApplyStatsDelta(ctx context.Context, seq int64, d services.Contribution) error {
	for _, cell := range d.Cells() {
		inc := bson.D{}
		for _, k := range sortedKeys(d[cell]) {
			inc = append(inc, bson.E{Key: "n." + k, Value: d[cell][k]})
		}
		if len(inc) == 0 {
			continue
		}
		_, err := s.db.Collection(colStatsCells).UpdateOne(ctx,
			bson.D{{Key: "_id", Value: cell.Key()}, {Key: "seq", Value: bson.D{{Key: "$lt", Value: seq}}}},
			bson.D{{Key: "$inc", Value: inc}, {Key: "$set", Value: bson.D{{Key: "seq", Value: seq}}},
				{Key: "$setOnInsert", Value: bson.D{{Key: "month", Value: cell.Month}, {Key: "unit", Value: cell.Unit},
					{Key: "front", Value: cell.Front}, {Key: "area", Value: cell.Area}, {Key: "kind", Value: string(cell.Kind)},
					{Key: "category", Value: cell.Category}, {Key: "channel", Value: cell.Channel}, {Key: "dim", Value: cell.Dim},
					{Key: "value", Value: cell.Value}}}},
			options.UpdateOne().SetUpsert(true))
		if err != nil && !mongo.IsDuplicateKeyError(err) {
			return translate(err, "statistics")
		}
	}
	return nil
}

// SettleStatsMark makes the mark's pending change its counted state, if
// the mark still carries that change.
func (s *Store) SettleStatsMark(ctx context.Context, m services.StatsMark) error {
	p := m.Pending
	_, err := s.db.Collection(colStatsMarks).UpdateOne(ctx, bson.D{{Key: "_id", Value: m.ReportID}, {Key: "p.seq", Value: p.Seq}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "v", Value: p.Version}, {Key: "c", Value: toCountDocs(p.Counts)}}},
			{Key: "$unset", Value: bson.D{{Key: "p", Value: ""}}}})
	return translate(err, "statistics")
}

// StatsCells reads every counter document, as a contribution (for the
// rebuild's comparison and the tests).
func (s *Store) StatsCells(ctx context.Context) (services.Contribution, error) {
	cur, err := s.db.Collection(colStatsCells).Find(ctx, bson.D{})
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
