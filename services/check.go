package services

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"sort"
	"strings"
	"time"
)

// Storage check (`portal check`, docs/storage.md "Checking the evidence"):
// every evidence object a report records must be in the object store with
// the SHA-256 recorded for it, and every object under evidence/ must be
// referenced by a report — except the objects of an upload still in
// flight, which the reaper leaves alone too.

// EvidenceIndex lists what the reports record of their evidence.
type EvidenceIndex interface {
	// EachCaseAttachments calls fn once per report, with its attachments,
	// reading the reports once; it stops at fn's first error.
	EachCaseAttachments(ctx context.Context, fn func(caseID string, atts []Attachment) error) error
}

// BlobWalker lists objects one by one (so a listing of the whole store is
// never held in memory at once).
type BlobWalker interface {
	Walk(ctx context.Context, prefix string, fn func(BlobInfo) error) error
}

// Check problems.
const (
	CheckMissing      = "missing"       // a recorded object is not in the store
	CheckAltered      = "altered"       // its bytes no longer have the recorded SHA-256 (or size)
	CheckUnreferenced = "unreferenced"  // an object no report references
	CheckUnreadable   = "unreadable"    // the object could not be read to the end
	checkCopyOriginal = "original"      // which copy of an attachment
	checkCopySafe     = "sanitized"     // the safe copy
	checkNoCase       = "(no report)"   // an unreferenced object's report id when it has none
	checkIntentGrace  = 5 * time.Minute // see CheckOptions.InFlightAge
)

// CheckProblem is one finding: report and attachment ids, which copy, the
// object key — never a tracking code or anything of the citizen.
type CheckProblem struct {
	Problem      string
	CaseID       string
	AttachmentID string
	Copy         string
	Key          string
}

// CheckResult is what a storage check found.
type CheckResult struct {
	Reports  int
	Objects  int // recorded objects hashed
	Problems []CheckProblem
}

// Checker checks that stored evidence matches what the reports record.
type Checker struct {
	index   EvidenceIndex
	blobs   BlobStore
	walker  BlobWalker
	uploads UploadStore
	now     func() time.Time
}

// CheckOptions are what a Checker needs.
type CheckOptions struct {
	Index   EvidenceIndex
	Blobs   BlobStore
	Walker  BlobWalker
	Uploads UploadStore
	Now     func() time.Time // time.Now when nil
}

// NewChecker makes a storage checker.
func NewChecker(o CheckOptions) *Checker {
	return &Checker{index: o.Index, blobs: o.Blobs, walker: o.Walker, uploads: o.Uploads, now: clockOrNow(o.Now)}
}

// Check reads every report once and hashes every object it records,
// streaming each (memory does not grow with a file's size), then walks the
// objects under evidence/ for those no report references. Unreferenced
// objects of a report with an upload intent younger than inFlightAge (the
// reaper's age) belong to an upload in flight and are not reported.
func (k *Checker) Check(ctx context.Context, inFlightAge time.Duration) (CheckResult, error) {
	var res CheckResult
	referenced := map[string]bool{}
	err := k.index.EachCaseAttachments(ctx, func(caseID string, atts []Attachment) error {
		res.Reports++
		for _, a := range atts {
			for _, o := range []struct{ copy, key, sum string }{
				{checkCopyOriginal, a.OriginalKey, a.SHA256},
				{checkCopySafe, a.SanitizedKey, a.SanitizedSHA256},
			} {
				if o.key == "" {
					continue
				}
				referenced[o.key] = true
				res.Objects++
				problem, err := k.hashMatches(ctx, o.key, o.sum)
				if err != nil {
					return err
				}
				if problem != "" {
					res.Problems = append(res.Problems, CheckProblem{Problem: problem, CaseID: caseID, AttachmentID: a.ID, Copy: o.copy, Key: o.key})
				}
			}
		}
		return nil
	})
	if err != nil {
		return res, err
	}
	// Reports with an upload in flight: intents younger than the reaper's
	// age (a little more, for clocks).
	inFlight := map[string]bool{}
	cut := k.now().Add(-inFlightAge - checkIntentGrace)
	intents, err := k.uploads.FindStaleUploadIntents(ctx, k.now().Add(time.Hour), 1<<20)
	if err != nil {
		return res, err
	}
	for _, in := range intents {
		if in.CreatedAt.After(cut) {
			inFlight[in.CaseID] = true
		}
	}
	err = k.walker.Walk(ctx, "evidence/", func(o BlobInfo) error {
		if referenced[o.Key] {
			return nil
		}
		caseID := caseOfKey(o.Key)
		if inFlight[caseID] && o.LastModified.After(cut) {
			return nil
		}
		if caseID == "" {
			caseID = checkNoCase
		}
		attID, _, _ := strings.Cut(strings.TrimPrefix(o.Key, EvidenceKeyPrefix(caseOfKey(o.Key))), "/")
		res.Problems = append(res.Problems, CheckProblem{Problem: CheckUnreferenced, CaseID: caseID, AttachmentID: attID, Key: o.Key})
		return nil
	})
	sort.SliceStable(res.Problems, func(i, j int) bool { return res.Problems[i].CaseID < res.Problems[j].CaseID })
	return res, err
}

// hashMatches streams key through SHA-256 and compares it with want.
func (k *Checker) hashMatches(ctx context.Context, key, want string) (string, error) {
	r, _, err := k.blobs.Get(ctx, key)
	if IsCode(err, CodeNotFound) {
		return CheckMissing, nil
	}
	if err != nil {
		return "", err
	}
	defer r.Close()
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		if IsCode(err, CodeNotFound) {
			return CheckMissing, nil
		}
		return CheckUnreadable, nil
	}
	if want != "" && hex.EncodeToString(h.Sum(nil)) != want {
		return CheckAltered, nil
	}
	return "", nil
}
