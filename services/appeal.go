package services

import (
	"context"
	"strings"
	"time"
)

// Event types of appeals.
const (
	// EventAppealed is on the round-1 report; its Ref is the round-2 report.
	EventAppealed EventType = "appealed"
	// EventAppealFailed undoes an appeal whose round-2 report could not be
	// stored (never public).
	EventAppealFailed EventType = "appeal_failed"
	// EventAppealOpened is the round-2 report's first event after filing;
	// its Ref is the round-1 report.
	EventAppealOpened EventType = "appeal_opened"
)

// MaxAppealChars bounds an appeal's grounds.
const MaxAppealChars = 2000

// CanAppeal reports whether a report's citizen may appeal it now: a
// concluded or closed complaint or denunciation (feedback has no second
// round in law), not yet appealed.
func CanAppeal(c Case) bool {
	return (c.Kind == KindComplaint || c.Kind == KindDenunciation) && c.AppealID == "" && c.RoundOf() == 1 &&
		(c.Status == StatusConcluded || c.Status == StatusClosed)
}

// Appeal opens the round-2 report of a concluded complaint (a second-round
// complaint) or denunciation (a re-denunciation): a new, linked report with
// its own tracking code, receipt and clocks, routed like the first, carrying
// the same sealed identity. The round-1 report moves to appealed.
//
// The round-1 report is claimed first (one conditional update, so two
// concurrent appeals open one report); if the round-2 report then cannot be
// stored, the claim is undone, and recorded as undone.
func (s *Intake) Appeal(ctx context.Context, caseID, reason string) (SubmitResult, error) {
	reason = strings.TrimSpace(reason)
	f := FieldErrors{}
	checkText(f, "reason", reason, MaxAppealChars, true)
	if err := f.Err(); err != nil {
		return SubmitResult{}, err
	}
	parent, err := s.cases.FindCaseByID(ctx, caseID)
	if err != nil {
		return SubmitResult{}, err
	}
	if parent, err = s.releaseLostClaim(ctx, parent); err != nil {
		return SubmitResult{}, err
	}
	if err := CheckTransition(parent.Status, PartyCitizen, TransitionInput{To: StatusAppealed}); err != nil {
		return SubmitResult{}, err
	}
	if !CanAppeal(parent) {
		return SubmitResult{}, &Error{Code: CodeConflict, Reason: ReasonAppealNotAllowed, Allowed: []string{},
			Message: "Only a concluded complaint or denunciation can be appealed, once. Feedback has no second round: file a new report instead."}
	}
	var id Identity
	if parent.HasIdentity {
		var ok bool
		if id, ok, err = s.vault.Open(ctx, parent.ID); err != nil {
			return SubmitResult{}, err
		}
		if !ok {
			return SubmitResult{}, Errorf(ReasonAppealIdentityGone, "The identity of this report is no longer kept, so it cannot be appealed; file a new report.")
		}
	}
	receipt, err := NewReceipt()
	if err != nil {
		return SubmitResult{}, Wrap(err, ReasonInternal, "Could not create a receipt.")
	}
	receiptHash, err := hashSecret(ctx, s.hasher, receipt)
	if err != nil {
		return SubmitResult{}, err
	}
	unitID, frontID := parent.UnitID, parent.FrontUnitID
	if s.router != nil {
		if unitID, frontID, err = s.router.RouteReport(ctx, parent.Category, parent.AreaCode); err != nil {
			return SubmitResult{}, err
		}
	}
	now := stamp(s.now)
	childID := s.cases.NewID()
	claim := CaseChange{FromStatus: []Status{parent.Status}, Status: StatusAppealed, AppealID: &childID, At: now,
		Events: []Event{{Type: EventAppealed, At: now, Actor: string(PartyCitizen), Status: StatusAppealed, Public: true, Ref: childID}}}
	claimed, err := s.cases.UpdateCase(ctx, parent.ID, parent.Version, claim)
	if err != nil && !definiteRefusal(err) {
		// The claim may have been applied before the database went away:
		// if it was, go on with the appeal. (A claim applied after this
		// gave up is released by a later try: releaseLostClaim.)
		if p, found, _ := s.awaitCase(ctx, appealSettleWait, parent.ID); found && p.AppealID == childID {
			claimed, err = p, nil
		}
	}
	if err != nil {
		return SubmitResult{}, err
	}

	vn := now.In(VietnamTime)
	title := parent.Title
	if parent.Language == "en" {
		title = "Appeal: " + title
	} else {
		title = "Khiếu nại/tố cáo tiếp: " + title
	}
	if r := []rune(title); s.limits.MaxTitleChars > 0 && len(r) > s.limits.MaxTitleChars {
		title = string(r[:s.limits.MaxTitleChars])
	}
	c := &Case{
		ID: childID, UnitID: unitID, FrontUnitID: frontID, ReceiptHash: receiptHash, Kind: parent.Kind,
		Category: parent.Category, Title: title, Description: reason, IncidentDate: parent.IncidentDate,
		AreaCode: parent.AreaCode, Place: parent.Place, Office: parent.Office, Counter: parent.Counter, Procedure: parent.Procedure,
		DossierNumber: parent.DossierNumber, Officials: parent.Officials, Language: parent.Language,
		Anonymous: parent.Anonymous, HasIdentity: parent.HasIdentity, Status: StatusReceived, Version: 1,
		Round: 2, AppealOf: parent.ID,
		CreatedAt: now, UpdatedAt: now, CreatedDay: vn.Format("2006-01-02"), CreatedMonth: vn.Format("2006-01"),
		Timeline: []Event{{Type: EventSubmitted, At: now, Actor: string(PartyCitizen), Status: StatusReceived, Public: true},
			{Type: EventAppealOpened, At: now, Actor: string(PartyCitizen), Public: true, Ref: parent.ID}},
	}
	c.ContentHash = ContentHash(c)
	filed := SubmitResult{ID: c.ID, TrackingCode: c.TrackingCode, Receipt: receipt, Kind: c.Kind, SubmittedAt: now, ContentHash: c.ContentHash}
	if err := s.storeAppeal(ctx, c, id); err != nil {
		if !definiteRefusal(err) {
			// The round-2 report may have been stored before the database
			// went away: find out before undoing anything, so that a stored
			// appeal never loses its identity or its claim.
			if _, stored, known := s.awaitCase(ctx, appealSettleWait, c.ID); !known {
				// Still unknown: leave the identity and the claim as they
				// are; if the report never appears, a later try releases
				// the claim.
				return SubmitResult{}, err
			} else if stored {
				s.counted(c)
				filed.TrackingCode = c.TrackingCode
				return s.signIn(filed)
			}
		}
		if c.HasIdentity {
			s.vault.Discard(ctx, c.ID)
		}
		s.undoAppeal(ctx, claimed, parent.Status)
		return SubmitResult{}, err
	}
	s.counted(c)
	filed.TrackingCode = c.TrackingCode // chosen by the insert
	return s.signIn(filed)
}

func (s *Intake) storeAppeal(ctx context.Context, c *Case, id Identity) error {
	if c.HasIdentity {
		if err := s.vault.Seal(ctx, c.ID, id); err != nil {
			return err // the report is not stored: Appeal finds that, and removes the identity
		}
	}
	return s.insertWithFreshCode(ctx, c, func() error { return nil })
}

// appealSettleWait bounds how long an appeal waits, within its request, for
// the database to say whether a write whose answer was lost took effect.
const appealSettleWait = 15 * time.Second

// appealGrace is how long a round-1 report claimed for an appeal whose
// round-2 report is not stored is taken for an appeal still on its way.
const appealGrace = settleWindow

// releaseLostClaim puts back a round-1 report claimed for an appeal whose
// round-2 report was never stored (the database went away between the two
// for longer than the appeal could wait, or the undo failed), once the
// claim is older than appealGrace, so that the citizen can appeal again;
// before that the appeal may still be on its way, and the citizen is asked
// to try again shortly. Any other report is returned as it is.
func (s *Intake) releaseLostClaim(ctx context.Context, parent Case) (Case, error) {
	if parent.Status != StatusAppealed || parent.AppealID == "" {
		return parent, nil
	}
	if _, err := s.cases.FindCaseByID(ctx, parent.AppealID); !IsCode(err, CodeNotFound) {
		return parent, err // the appeal exists (and cannot be made again), or the store failed
	}
	claimedAt, was := appealClaim(parent)
	now := stamp(s.now)
	if now.Sub(claimedAt) < appealGrace {
		return parent, Errorf(ReasonAppealSettling, "Your appeal is still being recorded; please try again in a few minutes.")
	}
	none := ""
	return s.cases.UpdateCase(ctx, parent.ID, parent.Version, CaseChange{FromStatus: []Status{StatusAppealed}, Status: was,
		AppealID: &none, At: now, Events: []Event{{Type: EventAppealFailed, At: now, Actor: string(PartySystem), Status: was}}})
}

// appealClaim finds when a report was claimed for its appeal and the
// status it had before.
func appealClaim(c Case) (at time.Time, was Status) {
	was = StatusConcluded
	for i := len(c.Timeline) - 1; i >= 0; i-- {
		if e := c.Timeline[i]; e.Type == EventAppealed && e.Ref == c.AppealID {
			at = e.At
			for j := i - 1; j >= 0; j-- {
				if st := c.Timeline[j].Status; st != "" {
					return at, st
				}
			}
			return at, was
		}
	}
	return at, was
}

// undoAppeal puts the round-1 report back where it was.
func (s *Intake) undoAppeal(ctx context.Context, claimed Case, was Status) {
	cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	now := stamp(s.now)
	none := ""
	_, _ = s.cases.UpdateCase(cleanup, claimed.ID, claimed.Version, CaseChange{FromStatus: []Status{StatusAppealed}, Status: was,
		AppealID: &none, At: now, Events: []Event{{Type: EventAppealFailed, At: now, Actor: string(PartySystem), Status: was}}})
}
