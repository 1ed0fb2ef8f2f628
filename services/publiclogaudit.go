package services

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"

	"minhbach/internal/translog"
)

// Binding the reports to the public log (docs/transparency-log.md, "What the
// verifiers check"): `portal audit verify` reads the whole log from the
// bucket, checks it against its signed checkpoint (and a witness's, when
// given), and then, report by report, that every public event of its audit
// chain has its entry under the report's commitment, that every entry has
// its event, that the report's document says what its chain and the log
// say (status, outcome, timeline, content hash), and that every entry of
// the log belongs to a report or an admin change. The same pass, with
// Repair, queues the entries of events that have none (a report filed
// before the log existed, a queue insert lost to a crash).

// LogReconcileOptions configure ReconcileLog.
type LogReconcileOptions struct {
	Store    LogStore
	Blobs    BlobStore
	Cases    CaseStore
	Audit    AuditStore
	Admin    AdminAuditStore
	Reports  func(ctx context.Context, fn func(id string) error) error // every report id
	Origin   string
	Verifier note.Verifier // the log's key
	// Witness is a witness's cosigned checkpoint (optional): the log must
	// extend it.
	Witness []byte
	// Repair queues the entries of events that have none.
	Repair bool
	Now    func() time.Time
}

// LogProblem is one inconsistency between the reports, the admin log and
// the public log.
type LogProblem struct {
	Subject string // "log", "report <id>", "entry <n>", "admin event <id>"
	Problem string
}

// LogReconciliation is what ReconcileLog found.
type LogReconciliation struct {
	Size     int64
	Reports  int
	Admin    int
	Entries  int
	Pending  int // events whose entries are queued, not yet integrated
	Queued   int // entries queued by Repair
	Problems []LogProblem
}

func (r *LogReconciliation) problem(subject, format string, args ...any) {
	r.Problems = append(r.Problems, LogProblem{Subject: subject, Problem: fmt.Sprintf(format, args...)})
}

// logInFlight is how recent an event may be and have no entry, queued or
// integrated, without that being a problem: its own queue insert may still
// be on its way. Repairing it sooner could log it twice.
const logInFlight = 10 * time.Minute

// logEntryAt is an entry of the log with its index.
type logEntryAt struct {
	index int64
	entry translog.Entry
	used  bool
}

// ReconcileLog checks the reports and the admin log against the public log.
func ReconcileLog(ctx context.Context, o LogReconcileOptions) (LogReconciliation, error) {
	var out LogReconciliation
	now := clockOrNow(o.Now)
	// The queue first, then the log: an entry integrated in between is
	// then in one or the other, never in neither.
	pendingDocs, err := o.Store.PendingLogEntries(ctx, 10_000_000)
	if err != nil {
		return out, err
	}
	st, err := o.Store.LogState(ctx)
	if err != nil {
		return out, err
	}
	out.Size = st.Size
	byCom, ok, err := readWholeLog(ctx, o, st, &out)
	if err != nil || !ok {
		return out, err
	}
	pending := map[string]bool{}
	for _, p := range pendingDocs {
		pending[p.ID] = true
	}
	out.Pending = len(pending)
	var queue []LogPending

	if err := o.Reports(ctx, func(id string) error {
		c, err := o.Cases.FindCaseByID(ctx, id)
		if IsCode(err, CodeNotFound) {
			return nil // deleted since it was listed; its entries are reported as left over
		}
		if err != nil {
			return err
		}
		out.Reports++
		events, err := o.Audit.ListAuditEvents(ctx, id, auditVerifyLimit)
		if err != nil {
			return err
		}
		q, err := reconcileReport(ctx, o, &c, events, byCom, pending, now(), &out)
		queue = append(queue, q...)
		return err
	}); err != nil {
		return out, err
	}
	if err := o.Admin.EachAdminEvent(ctx, func(e AdminEvent) error {
		out.Admin++
		com := translog.AdminCommitment(CanonicalAdminEvent(e))
		entries := byCom[com]
		want := AdminLogEvent(e.Action)
		for _, en := range entries {
			if !en.used && en.entry.Event == want && en.entry.Date == translog.Day(e.At, VietnamTime) {
				en.used = true
				return nil
			}
		}
		if pending["admin:"+e.ID] || now().Sub(e.At) < logInFlight {
			return nil
		}
		if o.Repair {
			p, err := adminLogEntry(e, now())
			if err != nil {
				return err
			}
			queue = append(queue, p)
			return nil
		}
		out.problem("admin event "+e.ID, "%s of %s on %s is not in the public log", e.Action, e.Target, translog.Day(e.At, VietnamTime))
		return nil
	}); err != nil {
		return out, err
	}
	for _, entries := range byCom {
		for _, en := range entries {
			if !en.used {
				out.problem(fmt.Sprintf("entry %d", en.index), "%s on %s: no report or admin change has its commitment, or its event is gone (deleted, or its document edited)", en.entry.Event, en.entry.Date)
			}
		}
	}
	if len(queue) > 0 {
		if err := o.Store.QueueLogEntries(ctx, queue); err != nil {
			return out, err
		}
		out.Queued = len(queue)
	}
	return out, nil
}

// readWholeLog reads every entry from the bucket's bundles, rebuilds the
// tree, and checks it against the state's signed checkpoint and a
// witness's. ok is false when the log cannot be read far enough to go on.
func readWholeLog(ctx context.Context, o LogReconcileOptions, st LogState, out *LogReconciliation) (map[translog.Hash][]*logEntryAt, bool, error) {
	byCom := map[translog.Hash][]*logEntryAt{}
	var cp translog.Checkpoint
	if st.Size > 0 {
		var err error
		if cp, _, err = translog.OpenCheckpoint(st.Checkpoint, o.Origin, o.Verifier); err != nil {
			out.problem("log", "the latest checkpoint does not verify with the log's key: %v", err)
			return nil, false, nil
		}
		if cp.Size != st.Size || cp.Root != st.Root {
			out.problem("log", "the latest checkpoint (size %d) is not the state's (size %d)", cp.Size, st.Size)
			return nil, false, nil
		}
		stored, err := ReadLogObject(ctx, o.Blobs, translog.CheckpointPath(st.Size))
		switch {
		case IsCode(err, CodeNotFound):
			out.problem("log", "the latest checkpoint's object checkpoints/%d is missing from the bucket", st.Size)
		case err != nil:
			return nil, false, err
		case string(stored) != string(st.Checkpoint):
			out.problem("log", "the object checkpoints/%d is not the latest checkpoint", st.Size)
		}
	}
	var mem translog.MemoryHashes
	for n := int64(0); n*translog.TileWidth < st.Size; n++ {
		w := int(min(translog.TileWidth, st.Size-n*translog.TileWidth))
		t := translog.Tile{Entries: true, N: n, W: w}
		data, err := ReadLogObject(ctx, o.Blobs, t.Path())
		if IsCode(err, CodeNotFound) {
			out.problem("log", "the entry bundle %s is missing", t.Path())
			return nil, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		es, err := translog.ParseBundle(data, w)
		if err != nil {
			out.problem("log", "the entry bundle %s is malformed: %v", t.Path(), err)
			return nil, false, nil
		}
		for i, b := range es {
			idx := n*translog.TileWidth + int64(i)
			en, err := translog.ParseEntry(b)
			if err != nil {
				out.problem(fmt.Sprintf("entry %d", idx), "malformed: %v", err)
				return nil, false, nil
			}
			if mem, err = mem.Append(b); err != nil {
				return nil, false, err
			}
			byCom[en.Commitment] = append(byCom[en.Commitment], &logEntryAt{index: idx, entry: en})
			out.Entries++
		}
	}
	root, err := translog.TreeHash(st.Size, mem)
	if err != nil {
		return nil, false, err
	}
	if st.Size > 0 && root != cp.Root {
		out.problem("log", "the entries in the bucket do not hash to the latest checkpoint's root: the log was edited")
		return nil, false, nil
	}
	if len(o.Witness) > 0 {
		wcp, _, err := translog.OpenCheckpoint(o.Witness, o.Origin, o.Verifier)
		switch {
		case err != nil:
			out.problem("log", "the witness's checkpoint does not verify with the log's key: %v", err)
		case wcp.Size > st.Size:
			out.problem("log", "the log has %d entries, fewer than the %d of the checkpoint the witness cosigned: checkpoints deleted or an old backup restored", st.Size, wcp.Size)
		default:
			if r, _ := translog.TreeHash(wcp.Size, mem); r != wcp.Root {
				out.problem("log", "the log does not extend the checkpoint of size %d the witness cosigned: its history was rewritten", wcp.Size)
			}
		}
	}
	return byCom, true, nil
}

// chainLogEvent is the public log event a chained event is, with its day.
// A conclusion is "concluded" here; its outcome is the report's.
func chainLogEvent(e AuditEvent, c *Case) (translog.Event, string) {
	ev := logEventOf(Event{Type: EventType(e.Type)}, c)
	if e.Type == string(StatusEvent(StatusConcluded)) && ev == "" {
		ev = "concluded"
	}
	return ev, translog.Day(parseChainTime(e), VietnamTime)
}

// reconcileReport checks one report against its chain and the log, and
// returns the entries Repair queues for it.
func reconcileReport(ctx context.Context, o LogReconcileOptions, c *Case, events []AuditEvent, byCom map[translog.Hash][]*logEntryAt,
	pending map[string]bool, now time.Time, out *LogReconciliation) ([]LogPending, error) {
	subject := "report " + c.ID
	if h := ContentHash(c); h != c.ContentHash {
		out.problem(subject, "its document no longer hashes to the content hash it was filed with (its text, files or filing time were edited)")
	}
	com, err := LogCommitment(c)
	if err != nil {
		out.problem(subject, "its tracking code or content hash is malformed")
		return nil, nil
	}
	refs, err := o.Store.LogEntriesOf(ctx, com)
	if err != nil {
		return nil, err
	}
	idOf := map[int64]string{}
	for _, r := range refs {
		idOf[r.Index] = r.ID
	}
	entries := byCom[com]
	var queue []LogPending
	var lastStatus Status
	var lastConcluded *logEntryAt
	for _, e := range events {
		if s := Status(e.Data["status"]); s != "" {
			lastStatus = s
		}
		ev, day := chainLogEvent(e, c)
		if ev == "" {
			continue
		}
		id := logEventID(c.ID, e.Seq)
		var found *logEntryAt
		for _, en := range entries {
			if idOf[en.index] == id {
				found = en
				break
			}
		}
		if found == nil && (pending[id] || now.Sub(e.At) < logInFlight) {
			continue
		}
		if found == nil {
			if o.Repair {
				ps, err := reportLogEntries(c, []Event{{Type: EventType(e.Type), At: parseChainTime(e), Ref: e.Data["ref"]}}, []AuditEvent{e}, now)
				if err != nil {
					return nil, err
				}
				queue = append(queue, ps...)
				continue
			}
			out.problem(subject, "its event %d (%s on %s) is not in the public log", e.Seq, e.Type, day)
			continue
		}
		found.used = true
		switch {
		case ev == "concluded" && !strings.HasPrefix(string(found.entry.Event), "concluded_"),
			ev != "concluded" && found.entry.Event != ev:
			out.problem(subject, "its event %d is %s, but the log's entry %d says %s", e.Seq, e.Type, found.index, found.entry.Event)
		case found.entry.Date != day:
			out.problem(subject, "its event %d is dated %s, but the log's entry %d says %s", e.Seq, day, found.index, found.entry.Date)
		}
		if strings.HasPrefix(string(found.entry.Event), "concluded_") {
			lastConcluded = found
		}
	}
	if lastStatus != "" && c.Status != lastStatus {
		out.problem(subject, "its document says %s, but its audit chain's last status is %s", c.Status, lastStatus)
	}
	if lastConcluded != nil {
		if c.Outcome == nil || "concluded_"+c.Outcome.Result != string(lastConcluded.entry.Event) {
			doc := "none"
			if c.Outcome != nil {
				doc = c.Outcome.Result
			}
			out.problem(subject, "its document's outcome is %s, but the log's entry %d says %s", doc, lastConcluded.index, lastConcluded.entry.Event)
		}
	}
	if why := timelineDiffers(c.Timeline, events); why != "" {
		out.problem(subject, "its document's timeline differs from its audit chain: %s", why)
	}
	return queue, nil
}

// parseChainTime is the time of the report's event a chained event
// records (its data's "at", as AuditedCases.chain writes it), or the
// append's time when it has none.
func parseChainTime(e AuditEvent) time.Time {
	at, err := time.Parse(chainTimeLayout, e.Data["at"])
	if err != nil {
		return e.At
	}
	return at
}

// timelineDiffers compares a report's timeline with its chain event by
// event (what AuditedCases.chain records of each) and says where they
// first differ, or "".
func timelineDiffers(tl []Event, chain []AuditEvent) string {
	if len(tl) != len(chain) {
		return fmt.Sprintf("%d events in the document, %d in the chain", len(tl), len(chain))
	}
	for i, e := range tl {
		a := chain[i]
		note := ""
		if e.Note != "" {
			sum := sha256.Sum256([]byte(e.Note))
			note = hex.EncodeToString(sum[:])
		}
		switch {
		case string(e.Type) != a.Type, e.Actor != a.Actor:
			return fmt.Sprintf("event %d is %s by %s in the document, %s by %s in the chain", i+1, e.Type, e.Actor, a.Type, a.Actor)
		case e.At.UTC().Format(chainTimeLayout) != a.Data["at"]:
			return fmt.Sprintf("event %d has another time", i+1)
		case string(e.Status) != a.Data["status"], e.Ref != a.Data["ref"], note != a.Data["noteSha256"], e.Public != (a.Data["public"] == "true"):
			return fmt.Sprintf("event %d (%s) has another status, reference, text or visibility", i+1, e.Type)
		}
	}
	return ""
}
