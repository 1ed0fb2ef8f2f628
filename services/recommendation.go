package services

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Recommendation is a Front committee's supervisory recommendation (kiến
// nghị) on a report, which the handling unit must answer by a date.
type Recommendation struct {
	ID         string
	AuthorID   string
	Text       string
	AnswerBy   string // YYYY-MM-DD, Vietnam time
	CreatedAt  time.Time
	Answer     string
	AnsweredBy string
	AnsweredAt time.Time
}

// Overdue reports whether the recommendation is unanswered after the end
// of its answer-by day (Vietnam time).
func (r Recommendation) Overdue(now time.Time) bool {
	if r.Answer != "" {
		return false
	}
	d, err := time.ParseInLocation("2006-01-02", r.AnswerBy, VietnamTime)
	if err != nil {
		return false
	}
	return !now.Before(d.AddDate(0, 0, 1))
}

// Event types of supervision.
const (
	EventRecommendation = "recommendation"
	EventRecAnswered    = "recommendation_answered"
)

// Recommend files a recommendation; only monitors of the report's committee.
func (w *Workflow) Recommend(ctx context.Context, actor Actor, caseID, text, answerBy string) (Recommendation, error) {
	c, err := w.visible(ctx, actor, caseID)
	if err != nil {
		return Recommendation{}, err
	}
	if actor.Role != RoleMonitor {
		return Recommendation{}, Errorf(CodeForbidden, "Only monitors of the Front committee file recommendations.")
	}
	text = strings.TrimSpace(text)
	f := FieldErrors{}
	checkText(f, "text", text, MaxNoteChars, true)
	now := w.Now().UTC().Truncate(time.Millisecond)
	if d, err := time.ParseInLocation("2006-01-02", answerBy, VietnamTime); err != nil || !datePattern.MatchString(answerBy) {
		f.Add("answerBy", FieldInvalid)
	} else if d.Before(now.In(VietnamTime).Truncate(24*time.Hour).AddDate(0, 0, -1)) {
		f.Add("answerBy", "past")
	}
	if err := f.Err(); err != nil {
		return Recommendation{}, err
	}
	r := Recommendation{ID: newMessageID(), AuthorID: actor.UserID, Text: text, AnswerBy: answerBy, CreatedAt: now}
	_, err = w.appendTo(ctx, c, CaseChange{At: now, Recommendations: []Recommendation{r},
		Events: []Event{{Type: EventRecommendation, At: now, Actor: actor.UserID, Note: text, Ref: r.ID}}})
	if err == nil {
		w.notifyUnitLeads(ctx, c.UnitID, func(to string) Notification { return NotifyRecommendation(to, c.ID, c.TrackingCode) })
	}
	return r, err
}

// AnswerRecommendation records the unit's answer, once.
func (w *Workflow) AnswerRecommendation(ctx context.Context, actor Actor, caseID, recID, answer string) (Recommendation, error) {
	c, err := w.unitStaff(ctx, actor, caseID)
	if err != nil {
		return Recommendation{}, err
	}
	answer = strings.TrimSpace(answer)
	f := FieldErrors{}
	checkText(f, "answer", answer, MaxNoteChars, true)
	if err := f.Err(); err != nil {
		return Recommendation{}, err
	}
	for range 10 {
		recs := append([]Recommendation(nil), c.Recommendations...)
		i := -1
		for k, r := range recs {
			if r.ID == recID {
				i = k
			}
		}
		if i < 0 {
			return Recommendation{}, Errorf(CodeNotFound, "No such recommendation.")
		}
		if recs[i].Answer != "" {
			return Recommendation{}, Errorf(CodeConflict, "This recommendation has already been answered.")
		}
		now := w.Now().UTC().Truncate(time.Millisecond)
		recs[i].Answer, recs[i].AnsweredBy, recs[i].AnsweredAt = answer, actor.UserID, now
		// The embedded server has no positional update: the whole list is
		// written, guarded by the report's version.
		_, err := w.Cases.UpdateCase(ctx, c.ID, c.Version, CaseChange{At: now, ReplaceRecommendations: recs,
			Events: []Event{{Type: EventRecAnswered, At: now, Actor: actor.UserID, Note: answer, Ref: recID}}})
		if err == nil {
			return recs[i], nil
		}
		if !IsCode(err, CodeConflict) {
			return Recommendation{}, err
		}
		if c, err = w.Cases.FindCaseByID(ctx, c.ID); err != nil {
			return Recommendation{}, err
		}
	}
	return Recommendation{}, Errorf(CodeConflict, "The report is changing too often; please try again.")
}

// CaseRecommendation is a recommendation with the report it is on.
type CaseRecommendation struct {
	CaseID       string
	TrackingCode string
	Recommendation
}

// MaxRecommendedCases bounds the reports a recommendation list reads.
const MaxRecommendedCases = 10000

// Recommendation states for listing.
const (
	RecStateAll      = "all"
	RecStateOpen     = "open"     // not answered yet
	RecStateAnswered = "answered" // answered
	RecStateOverdue  = "overdue"  // not answered and past the answer-by date
)

// OverdueRecommendations lists the committee's unanswered recommendations
// past their answer-by date (monitors), or the unit's (inspectors, leads).
func (w *Workflow) OverdueRecommendations(ctx context.Context, actor Actor, store QueueStore) ([]CaseRecommendation, error) {
	return w.ListRecommendations(ctx, actor, store, RecStateOverdue)
}

// ListRecommendations lists the recommendations on the reports the actor's
// committee supervises (monitors) or unit handles (inspectors, leads), in
// one state, answer-by date first.
func (w *Workflow) ListRecommendations(ctx context.Context, actor Actor, store QueueStore, state string) ([]CaseRecommendation, error) {
	if !actor.IsStaff() {
		return nil, Errorf(CodeUnauthorized, "Sign in first.")
	}
	if actor.Role == RoleAdmin {
		return nil, Errorf(CodeForbidden, "Administrators do not handle reports.")
	}
	switch state {
	case "":
		state = RecStateAll
	case RecStateAll, RecStateOpen, RecStateAnswered, RecStateOverdue:
	default:
		return nil, &Error{Code: CodeInvalid, Message: "Unknown recommendation state.", Fields: map[string]string{"state": FieldInvalid}}
	}
	cases, err := store.FindRecommendedCases(ctx, actor.UnitID, actor.Role == RoleMonitor, MaxRecommendedCases)
	if err != nil {
		return nil, err
	}
	now := w.Now()
	out := []CaseRecommendation{}
	for _, c := range cases {
		for _, r := range c.Recommendations {
			keep := state == RecStateAll ||
				(state == RecStateOpen && r.Answer == "") ||
				(state == RecStateAnswered && r.Answer != "") ||
				(state == RecStateOverdue && r.Overdue(now))
			if keep {
				out = append(out, CaseRecommendation{CaseID: c.ID, TrackingCode: c.TrackingCode, Recommendation: r})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b CaseRecommendation) int { return strings.Compare(a.AnswerBy, b.AnswerBy) })
	return out, nil
}
