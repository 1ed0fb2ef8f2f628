package services

import "context"

// reports is how every service reads and changes reports: one rule for
// "a report this actor may see" and one optimistic-version retry for
// writing a change (docs/architecture.md, "Reading and changing a report").
type reports struct {
	store CaseStore
}

// errNoCase hides reports the actor may not see: no existence oracle.
var errNoCase = Errorf(ReasonReportNotFound, "No such report.")

// errTooBusy ends a change that kept losing the version race.
var errTooBusy = Errorf(ReasonBusyRetry, "The report is changing too often; please try again.")

// maxChangeAttempts bounds how often a change is rebuilt after losing the
// version race to a concurrent one.
const maxChangeAttempts = 10

// byID reads a report without an actor: for the citizen's own report (the
// citizen token names it) and for the portal's background work.
func (r reports) byID(ctx context.Context, id string) (Case, error) {
	return r.store.FindCaseByID(ctx, id)
}

// visible returns a report the actor may see (Actor.CanSeeCase). Anyone
// signed out is unauthorized; a report outside the actor's unit or
// committee, like one that does not exist, is not found.
func (r reports) visible(ctx context.Context, actor Actor, id string) (Case, error) {
	if !actor.IsStaff() {
		return Case{}, Errorf(ReasonSignInFirst, "Sign in first.")
	}
	c, err := r.store.FindCaseByID(ctx, id)
	if IsCode(err, CodeNotFound) || (err == nil && !actor.CanSeeCase(c)) {
		return Case{}, errNoCase
	}
	return c, err
}

// handling returns a report for an inspector or lead of its unit: not
// found when the actor may not see it, forbidden for a monitor who may.
func (r reports) handling(ctx context.Context, actor Actor, id string) (Case, error) {
	c, err := r.visible(ctx, actor, id)
	if err != nil {
		return Case{}, err
	}
	if err := mayHandle(actor, c); err != nil {
		return Case{}, err
	}
	return c, nil
}

// apply writes the change that build makes of report c. When a concurrent
// change wins the version race, the report is read again and build runs
// again on it, so a change that depends on the report's state is checked
// against the state it is written over. build's own error ends the attempt.
func (r reports) apply(ctx context.Context, c Case, build func(Case) (CaseChange, error)) (Case, error) {
	for range maxChangeAttempts {
		ch, err := build(c)
		if err != nil {
			return Case{}, err
		}
		updated, err := r.store.UpdateCase(ctx, c.ID, c.Version, ch)
		if !IsCode(err, CodeConflict) {
			return updated, err
		}
		if c, err = r.store.FindCaseByID(ctx, c.ID); err != nil {
			return Case{}, err
		}
	}
	return Case{}, errTooBusy
}

// add writes a change that does not depend on the report's state (a note,
// a message, an event), whatever else has changed meanwhile.
func (r reports) add(ctx context.Context, c Case, ch CaseChange) (Case, error) {
	return r.apply(ctx, c, func(Case) (CaseChange, error) { return ch, nil })
}

// codeOf is the tracking code of report id, or "" when there is none (no
// id, or a report that cannot be read).
func (r reports) codeOf(ctx context.Context, id string) string {
	if id == "" {
		return ""
	}
	c, err := r.store.FindCaseByID(ctx, id)
	if err != nil {
		return ""
	}
	return c.TrackingCode
}
