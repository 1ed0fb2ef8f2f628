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

// AnsweredOnTime reports whether the recommendation was answered by the
// end of its answer-by day (Vietnam time).
func (r Recommendation) AnsweredOnTime() bool {
	if r.Answer == "" || r.AnsweredAt.IsZero() {
		return false
	}
	d, err := time.ParseInLocation("2006-01-02", r.AnswerBy, VietnamTime)
	return err == nil && r.AnsweredAt.Before(d.AddDate(0, 0, 1))
}

// Event types of supervision.
const (
	EventRecommendation EventType = "recommendation"
	EventRecAnswered    EventType = "recommendation_answered"
)

// Recommend files a recommendation; only monitors of the report's committee.
func (w *Workflow) Recommend(ctx context.Context, actor Actor, caseID, text, answerBy string) (Recommendation, error) {
	c, err := w.reports.visible(ctx, actor, caseID)
	if err != nil {
		return Recommendation{}, err
	}
	if err := mayRecommend(actor, c); err != nil {
		return Recommendation{}, err
	}
	text = strings.TrimSpace(text)
	f := FieldErrors{}
	checkText(f, "text", text, MaxNoteChars, true)
	now := stamp(w.now)
	if d, err := time.ParseInLocation("2006-01-02", answerBy, VietnamTime); err != nil || !datePattern.MatchString(answerBy) {
		f.Add("answerBy", FieldInvalid)
	} else if d.Before(now.In(VietnamTime).Truncate(24*time.Hour).AddDate(0, 0, -1)) {
		f.Add("answerBy", "past")
	}
	if err := f.Err(); err != nil {
		return Recommendation{}, err
	}
	r := Recommendation{ID: newMessageID(), AuthorID: actor.UserID, Text: text, AnswerBy: answerBy, CreatedAt: now}
	_, err = w.reports.add(ctx, c, CaseChange{At: now, Recommendations: []Recommendation{r},
		Events: []Event{{Type: EventRecommendation, At: now, Actor: actor.UserID, Note: text, Ref: r.ID}}})
	if err == nil {
		w.notifyUnitLeads(ctx, c.UnitID, func(to string) Notification { return NotifyRecommendation(to, c.ID, c.TrackingCode) })
	}
	return r, err
}

// AnswerRecommendation records the unit's answer, once.
func (w *Workflow) AnswerRecommendation(ctx context.Context, actor Actor, caseID, recID, answer string) (Recommendation, error) {
	c, err := w.reports.handling(ctx, actor, caseID)
	if err != nil {
		return Recommendation{}, err
	}
	answer = strings.TrimSpace(answer)
	f := FieldErrors{}
	checkText(f, "answer", answer, MaxNoteChars, true)
	if err := f.Err(); err != nil {
		return Recommendation{}, err
	}
	now := stamp(w.now)
	var answered Recommendation
	_, err = w.reports.apply(ctx, c, func(c Case) (CaseChange, error) {
		recs := append([]Recommendation(nil), c.Recommendations...)
		i := slices.IndexFunc(recs, func(r Recommendation) bool { return r.ID == recID })
		if i < 0 {
			return CaseChange{}, Errorf(ReasonRecommendationNotFound, "No such recommendation.")
		}
		if recs[i].Answer != "" {
			return CaseChange{}, Errorf(ReasonRecommendationAnswered, "This recommendation has already been answered.")
		}
		recs[i].Answer, recs[i].AnsweredBy, recs[i].AnsweredAt = answer, actor.UserID, now
		answered = recs[i]
		// The embedded server has no positional update: the whole list is
		// written, guarded by the report's version.
		return CaseChange{At: now, ReplaceRecommendations: recs,
			Events: []Event{{Type: EventRecAnswered, At: now, Actor: actor.UserID, Note: answer, Ref: recID}}}, nil
	})
	if err != nil {
		return Recommendation{}, err
	}
	return answered, nil
}

// CaseRecommendation is a recommendation with the report it is on.
type CaseRecommendation struct {
	CaseID       string
	TrackingCode string
	Recommendation
	// Overdue is Recommendation.Overdue when the list was made.
	Overdue bool
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
func (w *Workflow) OverdueRecommendations(ctx context.Context, actor Actor) ([]CaseRecommendation, error) {
	return w.ListRecommendations(ctx, actor, RecStateOverdue)
}

// ListRecommendations lists the recommendations on the reports the actor's
// committee supervises (monitors) or unit handles (inspectors, leads), in
// one state, answer-by date first.
func (w *Workflow) ListRecommendations(ctx context.Context, actor Actor, state string) ([]CaseRecommendation, error) {
	if !actor.IsStaff() {
		return nil, Errorf(ReasonSignInFirst, "Sign in first.")
	}
	if actor.Role == RoleAdmin {
		return nil, Errorf(ReasonAdminNoCasework, "Administrators do not handle reports.")
	}
	switch state {
	case "":
		state = RecStateAll
	case RecStateAll, RecStateOpen, RecStateAnswered, RecStateOverdue:
	default:
		return nil, &Error{Code: CodeInvalid, Reason: ReasonFieldsInvalid, Message: "Unknown recommendation state.", Fields: map[string]string{"state": FieldInvalid}}
	}
	if w.queue == nil {
		return nil, Errorf(ReasonNotConfigured, "Recommendation lists are not available.")
	}
	cases, err := w.queue.FindRecommendedCases(ctx, actor.UnitID, actor.Role == RoleMonitor, MaxRecommendedCases)
	if err != nil {
		return nil, err
	}
	now := w.now()
	out := []CaseRecommendation{}
	for _, c := range cases {
		for _, r := range c.Recommendations {
			keep := state == RecStateAll ||
				(state == RecStateOpen && r.Answer == "") ||
				(state == RecStateAnswered && r.Answer != "") ||
				(state == RecStateOverdue && r.Overdue(now))
			if keep {
				out = append(out, CaseRecommendation{CaseID: c.ID, TrackingCode: c.TrackingCode, Recommendation: r, Overdue: r.Overdue(now)})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b CaseRecommendation) int { return strings.Compare(a.AnswerBy, b.AnswerBy) })
	return out, nil
}
