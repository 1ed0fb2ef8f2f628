package services

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"hash"
	"io"
	"regexp"
	"time"
)

// Idempotency record states.
const (
	IdemPending = "pending"
	IdemDone    = "done"
)

// IdempotencyTTL is how long a key is remembered.
const IdempotencyTTL = 24 * time.Hour

// A pending key's request marks it every idemBeat while it runs; a pending
// key not marked for idemStale belongs to a request that ended without
// settling it (its process died) and may be taken over (docs/storage.md,
// "Faults").
const (
	idemBeat  = 5 * time.Second
	idemStale = 20 * time.Second
)

// IdempotencyRecord is what the portal remembers of a keyed submission. The
// answer it replays holds the receipt, so it is kept sealed.
type IdempotencyRecord struct {
	Key         string
	State       string
	Fingerprint string
	Sealed      []byte
	CreatedAt   time.Time
	ExpiresAt   time.Time
	// BeatAt is when the pending request last said it was still running.
	BeatAt time.Time
	// CaseID is the report a pending request is inserting; Fingerprint and
	// Sealed then hold its answer, prepared before the insert.
	CaseID string
}

// lastSign is when the record's request last showed it was running.
func (r IdempotencyRecord) lastSign() time.Time {
	if r.BeatAt.After(r.CreatedAt) {
		return r.BeatAt
	}
	return r.CreatedAt
}

// IdempotencyStore keeps idempotency records.
type IdempotencyStore interface {
	// ClaimIdempotencyKey inserts a pending record for key. When a record
	// exists it returns it with claimed false.
	ClaimIdempotencyKey(ctx context.Context, rec IdempotencyRecord) (existing IdempotencyRecord, claimed bool, err error)
	CompleteIdempotencyKey(ctx context.Context, key, fingerprint string, sealed []byte) error
	// ReleaseIdempotencyKey deletes key's record if it is still pending
	// and was created at createdAt (so a takeover is not undone).
	ReleaseIdempotencyKey(ctx context.Context, key string, createdAt time.Time) error
	// BeatIdempotencyKey marks key's pending record made at createdAt as
	// still being worked on, at at.
	BeatIdempotencyKey(ctx context.Context, key string, createdAt, at time.Time) error
	// PrepareIdempotencyKey keeps on key's pending record made at
	// createdAt the report about to be inserted and its sealed answer (a
	// conflict when the record is no longer that request's).
	PrepareIdempotencyKey(ctx context.Context, key string, createdAt time.Time, caseID, fingerprint string, sealed []byte) error
	FindIdempotencyKey(ctx context.Context, key string) (IdempotencyRecord, error)
	DeleteExpiredIdempotencyKeys(ctx context.Context, now time.Time) (int64, error)
}

// CodeMismatch is an idempotency key reused with a different request (422).
const CodeMismatch Code = "idempotency_mismatch"

var idemKeyPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{8,128}$`)

// fingerprinter computes a keyed hash of a submission: its normalized input
// and, for each file, its name, size and SHA-256. It is keyed so that the
// stored value says nothing about the content to someone without the key.
type fingerprinter struct {
	mac hash.Hash
}

func newFingerprinter(key []byte, in SubmitInput) *fingerprinter {
	f := &fingerprinter{mac: hmac.New(sha256.New, key)}
	b, _ := json.Marshal(in)
	f.field(b)
	return f
}

func (f *fingerprinter) field(b []byte) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(b)))
	f.mac.Write(n[:])
	f.mac.Write(b)
}

func (f *fingerprinter) sum() string { return hex.EncodeToString(f.mac.Sum(nil)) }

// fingerprintSource passes files through while adding each one's name,
// size and hash to the fingerprint.
type fingerprintSource struct {
	src  FileSource
	fp   *fingerprinter
	cur  *countingHash
	name string
}

type countingHash struct {
	h hash.Hash
	n int64
}

func (c *countingHash) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return c.h.Write(p)
}

func (s *fingerprintSource) flush() {
	if s.cur != nil {
		s.fp.field([]byte(s.name))
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(s.cur.n))
		s.fp.field(n[:])
		s.fp.field(s.cur.h.Sum(nil))
		s.cur = nil
	}
}

func (s *fingerprintSource) Next() (FilePart, error) {
	s.flush()
	p, err := s.src.Next()
	if err != nil {
		return p, err
	}
	s.cur, s.name = &countingHash{h: sha256.New()}, p.Name
	p.Body = io.TeeReader(p.Body, s.cur)
	return p, nil
}

// drain reads every remaining file, completing the fingerprint.
func (s *fingerprintSource) drain() error {
	for {
		p, err := s.Next()
		if errors.Is(err, io.EOF) {
			s.flush()
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := io.Copy(io.Discard, p.Body); err != nil {
			return readError(err)
		}
	}
}

// filed reports whether report id is stored (false also when that cannot
// be told now: the key then waits).
func (s *Intake) filed(ctx context.Context, id string) bool {
	_, err := s.cases.FindCaseByID(ctx, id)
	return err == nil
}

// beat marks key's claim as worked on every idemBeat until stop is called.
func (s *Intake) beat(ctx context.Context, key string, createdAt time.Time) (stop func()) {
	done := make(chan struct{})
	ctx = context.WithoutCancel(ctx)
	go func() {
		t := time.NewTicker(idemBeat)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				_ = s.idempotency.BeatIdempotencyKey(ctx, key, createdAt, s.now().UTC().Truncate(time.Millisecond))
			}
		}
	}()
	return func() { close(done) }
}

// completeKey records the answer of a filed report under key. The report is
// filed whatever happens here; while the database is away the write is
// tried again in the background (within settleWindow), because a key left
// pending would turn the citizen's retries away and, once abandoned, let a
// retry file a second report.
func (s *Intake) completeKey(ctx context.Context, key string, src *fingerprintSource, res SubmitResult) {
	src.flush()
	plain, _ := json.Marshal(res)
	sealed, err := s.sealer.Seal(plain, []byte("idempotency:"+key))
	if err != nil {
		return
	}
	fp := src.fp.sum()
	s.persist(ctx, func(ctx context.Context) error { return s.idempotency.CompleteIdempotencyKey(ctx, key, fp, sealed) })
}

// releaseKey forgets a pending key whose request filed nothing, so that a
// retry files the report; tried again in the background like completeKey.
func (s *Intake) releaseKey(ctx context.Context, key string, createdAt time.Time) {
	s.persist(ctx, func(ctx context.Context) error { return s.idempotency.ReleaseIdempotencyKey(ctx, key, createdAt) })
}

// persist runs write now and, when the database is unavailable, again in
// the background with backoff until it succeeds or settleWindow passes.
func (s *Intake) persist(ctx context.Context, write func(context.Context) error) {
	ctx = context.WithoutCancel(ctx)
	if err := write(ctx); err == nil || !IsCode(err, CodeUnavailable) {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(ctx, settleWindow)
		defer cancel()
		for wait := 100 * time.Millisecond; ; wait = min(2*wait, 3*time.Second) {
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
			if err := write(ctx); err == nil || !IsCode(err, CodeUnavailable) {
				return
			}
		}
	}()
}

type emptySource struct{}

func (emptySource) Next() (FilePart, error) { return FilePart{}, io.EOF }

// submitOnce runs a keyed submission at most once: the first request with a
// key files the report; a retry with the same key and the same request gets
// the same answer; the same key with a different request is refused; a
// concurrent request with the key waits for the first to finish.
func (s *Intake) submitOnce(ctx context.Context, key string, in SubmitInput, files FileSource) (SubmitResult, error) {
	if !idemKeyPattern.MatchString(key) {
		return SubmitResult{}, &Error{Code: CodeInvalid, Reason: ReasonIdemKeyMalformed, Message: "The Idempotency-Key header is malformed.",
			Fields: map[string]string{"Idempotency-Key": FieldInvalid}}
	}
	if files == nil {
		files = emptySource{}
	}
	in.Normalize()
	src := &fingerprintSource{src: files, fp: newFingerprinter(s.fingerprintKey, in)}
	deadline := s.now().Add(60 * time.Second)
	wait := 50 * time.Millisecond
	for {
		now := s.now().UTC().Truncate(time.Millisecond)
		rec, claimed, err := s.idempotency.ClaimIdempotencyKey(ctx, IdempotencyRecord{Key: key, State: IdemPending,
			CreatedAt: now, ExpiresAt: now.Add(IdempotencyTTL)})
		if err != nil {
			if IsCode(err, CodeUnavailable) {
				// The claim may have been stored before the database went
				// away: a claim left behind would turn the retries away.
				s.releaseKey(ctx, key, now)
			}
			return SubmitResult{}, err
		}
		if claimed {
			// When the report's insert had an unknown outcome, the key is
			// settled with it: completed if the report was stored (a retry
			// then gets its answer), released if not (a retry files it).
			settled := func(filed bool, res SubmitResult) {
				if filed {
					s.completeKey(ctx, key, src, res)
				} else {
					s.releaseKey(ctx, key, now)
				}
			}
			// The answer is kept on the claim before the report is
			// inserted, so that a retry after a crash between the insert
			// and completeKey replays it instead of filing again.
			prepare := func(res SubmitResult) error {
				src.flush()
				plain, _ := json.Marshal(res)
				sealed, err := s.sealer.Seal(plain, []byte("idempotency:"+key))
				if err != nil {
					return Wrap(err, ReasonInternal, "Could not keep the answer.")
				}
				return s.idempotency.PrepareIdempotencyKey(ctx, key, now, res.ID, src.fp.sum(), sealed)
			}
			stop := s.beat(ctx, key, now)
			res, err := s.submit(ctx, in, src, settled, prepare)
			stop()
			var pending errSettling
			if errors.As(err, &pending) {
				return SubmitResult{}, pending.error
			}
			if err != nil {
				s.releaseKey(ctx, key, now)
				return SubmitResult{}, err
			}
			s.completeKey(ctx, key, src, res)
			return res, nil
		}
		switch {
		case rec.State == IdemDone:
			if err := src.drain(); err != nil {
				return SubmitResult{}, err
			}
			if !hmac.Equal([]byte(rec.Fingerprint), []byte(src.fp.sum())) {
				return SubmitResult{}, Errorf(ReasonIdemMismatch, "This Idempotency-Key was already used for a different report.")
			}
			plain, err := s.sealer.Open(rec.Sealed, []byte("idempotency:"+key))
			if err != nil {
				return SubmitResult{}, Wrap(err, ReasonInternal, "The earlier answer could not be read.")
			}
			var res SubmitResult
			if err := json.Unmarshal(plain, &res); err != nil {
				return SubmitResult{}, Wrap(err, ReasonInternal, "The earlier answer could not be read.")
			}
			res.Replayed = true
			return res, nil
		case rec.CaseID != "" && s.filed(ctx, rec.CaseID):
			// The report was stored and its answer prepared: complete the
			// key with it (its request may have died before doing so) and
			// replay it on the next turn.
			if err := s.idempotency.CompleteIdempotencyKey(ctx, key, rec.Fingerprint, rec.Sealed); err != nil {
				return SubmitResult{}, err
			}
		case rec.lastSign().Before(now.Add(-idemStale)):
			_ = s.idempotency.ReleaseIdempotencyKey(ctx, key, rec.CreatedAt)
		case now.After(deadline):
			return SubmitResult{}, Errorf(ReasonIdemBusy, "A request with this Idempotency-Key is still being processed.")
		default:
			// Waiting costs the database a claim and a read a turn: wait
			// longer each turn (with one connection on the embedded
			// default, many waiting retries would starve other requests).
			select {
			case <-ctx.Done():
				return SubmitResult{}, Wrap(ctx.Err(), ReasonCancelled, "The request was cancelled.")
			case <-time.After(wait):
			}
			wait = min(2*wait, time.Second)
		}
	}
}
