package services

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// DeadlinePolicy holds the clocks of one kind of report, in days. Each
// "WorkingDays" flag says whether its clock counts working days (skipping
// weekends and holidays) or calendar days. Zero means the clock does not
// apply to the kind.
type DeadlinePolicy struct {
	Kind Kind
	// AcceptDays: from receipt to acceptance (thụ lý) or, for feedback, to
	// acknowledgement.
	AcceptDays        int
	AcceptWorkingDays bool
	// ResolveDays: from acceptance to conclusion; the variants apply to
	// complex cases, remote areas (vùng sâu, vùng xa) and second rounds.
	ResolveDays                    int
	ResolveWorkingDays             bool
	ComplexResolveDays             int
	RemoteResolveDays              int
	RemoteComplexResolveDays       int
	Round2ResolveDays              int
	Round2ComplexResolveDays       int
	RemoteRound2ResolveDays        int
	RemoteRound2ComplexResolveDays int
	// NotifyDays: from acceptance to notifying the parties.
	NotifyDays        int
	NotifyWorkingDays bool
	// MaxExtensions of ExtensionDays each may be granted on the resolution
	// deadline.
	MaxExtensions int
	ExtensionDays int
	UpdatedAt     time.Time
}

// Bounds of a policy's clocks.
const (
	maxPolicyDays    = 365
	maxPolicyExtends = 5
)

// Validate checks that the clocks are positive where they must be, within a
// year, and that each variant is at least as long as the clock it extends.
func (p DeadlinePolicy) Validate() error {
	f := FieldErrors{}
	if !p.Kind.Valid() {
		f.Add("kind", FieldInvalid)
	}
	days := func(field string, v int, required bool) {
		switch {
		case v == 0 && required:
			f.Add(field, FieldRequired)
		case v < 0 || v > maxPolicyDays:
			f.Add(field, FieldInvalid)
		}
	}
	// atLeast requires v, when set, to be no shorter than each base that is set.
	atLeast := func(field string, v int, bases ...int) {
		for _, b := range bases {
			if v != 0 && b != 0 && v < b {
				f.Add(field, FieldInvalid)
			}
		}
	}
	days("acceptDays", p.AcceptDays, true)
	days("resolveDays", p.ResolveDays, true)
	days("notifyDays", p.NotifyDays, false)
	days("complexResolveDays", p.ComplexResolveDays, false)
	days("remoteResolveDays", p.RemoteResolveDays, false)
	days("remoteComplexResolveDays", p.RemoteComplexResolveDays, false)
	days("round2ResolveDays", p.Round2ResolveDays, false)
	days("round2ComplexResolveDays", p.Round2ComplexResolveDays, false)
	days("remoteRound2ResolveDays", p.RemoteRound2ResolveDays, false)
	days("remoteRound2ComplexResolveDays", p.RemoteRound2ComplexResolveDays, false)
	atLeast("complexResolveDays", p.ComplexResolveDays, p.ResolveDays)
	atLeast("remoteResolveDays", p.RemoteResolveDays, p.ResolveDays)
	atLeast("remoteComplexResolveDays", p.RemoteComplexResolveDays, p.RemoteResolveDays, p.ComplexResolveDays)
	atLeast("round2ComplexResolveDays", p.Round2ComplexResolveDays, p.Round2ResolveDays)
	atLeast("remoteRound2ResolveDays", p.RemoteRound2ResolveDays, p.Round2ResolveDays)
	atLeast("remoteRound2ComplexResolveDays", p.RemoteRound2ComplexResolveDays, p.RemoteRound2ResolveDays, p.Round2ComplexResolveDays)
	if p.Round2ComplexResolveDays != 0 && p.Round2ResolveDays == 0 {
		f.Add("round2ResolveDays", FieldRequired)
	}
	switch {
	case p.MaxExtensions < 0 || p.MaxExtensions > maxPolicyExtends:
		f.Add("maxExtensions", FieldInvalid)
	case p.MaxExtensions > 0 && p.ExtensionDays == 0:
		f.Add("extensionDays", FieldRequired)
	case p.MaxExtensions == 0 && p.ExtensionDays != 0:
		f.Add("extensionDays", FieldNotAllowed)
	}
	days("extensionDays", p.ExtensionDays, false)
	return f.Err()
}

// DefaultDeadlinePolicies are the statutory clocks (docs/workflow.md
// describes the deadlines), from Vietnamese law; Seed inserts them where
// missing and admins adjust them.
var DefaultDeadlinePolicies = []DeadlinePolicy{
	// Phản ánh, kiến nghị: acknowledge within 2 working days, resolve within
	// 10 working days.
	{Kind: KindFeedback, AcceptDays: 2, AcceptWorkingDays: true, ResolveDays: 10, ResolveWorkingDays: true},
	// Law on Complaints 2011: accept within 10 days (Art. 27); resolve within
	// 30 days of acceptance, 45 if complex, 45/60 in remote areas (Art. 28);
	// second round 45/60, remote 60/70 (Art. 37).
	{Kind: KindComplaint, AcceptDays: 10, ResolveDays: 30, ComplexResolveDays: 45,
		RemoteResolveDays: 45, RemoteComplexResolveDays: 60, Round2ResolveDays: 45, Round2ComplexResolveDays: 60,
		RemoteRound2ResolveDays: 60, RemoteRound2ComplexResolveDays: 70},
	// Law on Denunciations 2018: accept within 7 working days (Art. 29),
	// notify within 5 working days of acceptance, resolve within 30 days,
	// extendable once (complex) or twice (especially complex) by 30 days
	// (Art. 30).
	{Kind: KindDenunciation, AcceptDays: 7, AcceptWorkingDays: true, NotifyDays: 5, NotifyWorkingDays: true,
		ResolveDays: 30, MaxExtensions: 2, ExtensionDays: 30},
}

// ListDeadlinePolicies returns the policy of every kind that has one, in
// the order of Kinds.
func (o *Org) ListDeadlinePolicies(ctx context.Context, actor Actor) ([]DeadlinePolicy, error) {
	if err := actor.RequireAdmin(); err != nil {
		return nil, err
	}
	ps, err := o.store.FindDeadlinePolicies(ctx)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(ps, func(a, b DeadlinePolicy) int { return slices.Index(Kinds, a.Kind) - slices.Index(Kinds, b.Kind) })
	return ps, nil
}

// PutDeadlinePolicy replaces the policy of p.Kind. New clocks apply to
// deadlines computed from now on.
func (o *Org) PutDeadlinePolicy(ctx context.Context, actor Actor, p DeadlinePolicy) (DeadlinePolicy, error) {
	if err := actor.RequireAdmin(); err != nil {
		return DeadlinePolicy{}, err
	}
	if !p.Kind.Valid() {
		return DeadlinePolicy{}, Errorf(ReasonReportKindNotFound, "No such kind of report.")
	}
	if err := p.Validate(); err != nil {
		return DeadlinePolicy{}, err
	}
	p.UpdatedAt = o.now()
	if err := o.store.PutDeadlinePolicy(ctx, p); err != nil {
		return DeadlinePolicy{}, err
	}
	return p, o.record(ctx, actor, "deadlinePolicy.update", string(p.Kind), policySummary(p))
}

func policySummary(p DeadlinePolicy) string {
	unit := func(working bool) string {
		if working {
			return "wd"
		}
		return "d"
	}
	return fmt.Sprintf("accept=%d%s resolve=%d%s complex=%d remote=%d/%d round2=%d/%d remoteRound2=%d/%d notify=%d%s extensions=%dx%d",
		p.AcceptDays, unit(p.AcceptWorkingDays), p.ResolveDays, unit(p.ResolveWorkingDays), p.ComplexResolveDays,
		p.RemoteResolveDays, p.RemoteComplexResolveDays, p.Round2ResolveDays, p.Round2ComplexResolveDays,
		p.RemoteRound2ResolveDays, p.RemoteRound2ComplexResolveDays, p.NotifyDays, unit(p.NotifyWorkingDays),
		p.MaxExtensions, p.ExtensionDays)
}

// seedDeadlinePolicies inserts the DefaultDeadlinePolicies of the kinds
// that have none; admins' policies are left as they are.
func (o *Org) seedDeadlinePolicies(ctx context.Context) error {
	now := o.now()
	ps := make([]DeadlinePolicy, len(DefaultDeadlinePolicies))
	for i, p := range DefaultDeadlinePolicies {
		p.UpdatedAt = now
		ps[i] = p
	}
	return o.store.SeedDeadlinePolicies(ctx, ps)
}
