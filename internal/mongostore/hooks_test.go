package mongostore

import (
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// SetRankBatch makes RankReports read n reports at a time, until the
// returned function restores the batch size.
func SetRankBatch(n int) func() {
	old := rankBatch
	rankBatch = n
	return func() { rankBatch = old }
}

// MarkQueueStale marks report id as written but not read again since, as
// a write whose read after it failed leaves it (doubtful: as a write that
// failed in a way that may still take effect leaves it).
func MarkQueueStale(s *Store, id string, doubtful bool) {
	oid, _ := bson.ObjectIDFromHex(id)
	until := time.Time{}
	if doubtful {
		until = time.Now().Add(doubtfulFor)
	}
	if x := s.writes.Load(); x != nil {
		x.markStale(until, oid)
	}
}

// SetQueueBuildBatch makes the queue index's build read n reports per
// round trip, until the returned function restores the size.
func SetQueueBuildBatch(n int32) func() {
	old := queueBuildBatch
	queueBuildBatch = n
	return func() { queueBuildBatch = old }
}

// SweepSelection is what the queue index of s selects for the sweep
// before the reports are read ("overdue", "near" or "concluded" before t),
// as hex ids; nil without an index.
func SweepSelection(s *Store, which string, t time.Time, limit int) []string {
	x := s.qi.Load()
	if x == nil {
		return nil
	}
	var oids []bson.ObjectID
	if which == "concluded" {
		oids = x.concludedBefore(t, limit)
	} else {
		oids = x.due(t, which == "overdue", limit)
	}
	out := []string{}
	for _, id := range oids {
		out = append(out, id.Hex())
	}
	return out
}
