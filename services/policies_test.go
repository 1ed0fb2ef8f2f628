package services_test

import (
	"reflect"
	"testing"

	"minhbach/services"
)

func defaultPolicy(kind services.Kind) services.DeadlinePolicy {
	for _, p := range services.DefaultDeadlinePolicies {
		if p.Kind == kind {
			return p
		}
	}
	panic("no default policy for " + kind)
}

func TestDeadlinePolicyValidate(t *testing.T) {
	tests := []struct {
		name string
		kind services.Kind
		edit func(*services.DeadlinePolicy)
		want map[string]string
	}{
		{"complaint default", services.KindComplaint, func(*services.DeadlinePolicy) {}, nil},
		{"denunciation default", services.KindDenunciation, func(*services.DeadlinePolicy) {}, nil},
		{"feedback default", services.KindFeedback, func(*services.DeadlinePolicy) {}, nil},
		{"unknown kind", services.KindFeedback, func(p *services.DeadlinePolicy) { p.Kind = "petition" }, map[string]string{"kind": "invalid"}},
		{"no accept clock", services.KindFeedback, func(p *services.DeadlinePolicy) { p.AcceptDays = 0 }, map[string]string{"acceptDays": "required"}},
		{"no resolve clock", services.KindFeedback, func(p *services.DeadlinePolicy) { p.ResolveDays = 0 }, map[string]string{"resolveDays": "required"}},
		{"negative days", services.KindFeedback, func(p *services.DeadlinePolicy) { p.AcceptDays = -2 }, map[string]string{"acceptDays": "invalid"}},
		{"over a year", services.KindComplaint, func(p *services.DeadlinePolicy) { p.AcceptDays = 366 }, map[string]string{"acceptDays": "invalid"}},
		{"resolve over a year", services.KindFeedback, func(p *services.DeadlinePolicy) { p.ResolveDays = 366 }, map[string]string{"resolveDays": "invalid"}},
		{"negative notify", services.KindFeedback, func(p *services.DeadlinePolicy) { p.NotifyDays = -1 }, map[string]string{"notifyDays": "invalid"}},
		{"complex shorter than ordinary", services.KindComplaint, func(p *services.DeadlinePolicy) { p.ComplexResolveDays = 20 },
			map[string]string{"complexResolveDays": "invalid"}},
		{"remote shorter than ordinary", services.KindComplaint, func(p *services.DeadlinePolicy) { p.RemoteResolveDays = 29 },
			map[string]string{"remoteResolveDays": "invalid"}},
		{"remote complex shorter than complex", services.KindComplaint, func(p *services.DeadlinePolicy) { p.RemoteComplexResolveDays = 44 },
			map[string]string{"remoteComplexResolveDays": "invalid"}},
		{"round 2 complex shorter than round 2", services.KindComplaint, func(p *services.DeadlinePolicy) { p.Round2ComplexResolveDays = 40 },
			map[string]string{"round2ComplexResolveDays": "invalid"}},
		{"round 2 complex without round 2", services.KindComplaint, func(p *services.DeadlinePolicy) {
			p.Round2ResolveDays, p.RemoteRound2ResolveDays = 0, 0
		}, map[string]string{"round2ResolveDays": "required"}},
		{"remote round 2 complex shorter than round 2 complex", services.KindComplaint, func(p *services.DeadlinePolicy) { p.RemoteRound2ComplexResolveDays = 59 },
			map[string]string{"remoteRound2ComplexResolveDays": "invalid"}},
		{"too many extensions", services.KindDenunciation, func(p *services.DeadlinePolicy) { p.MaxExtensions = 6 }, map[string]string{"maxExtensions": "invalid"}},
		{"negative extensions", services.KindDenunciation, func(p *services.DeadlinePolicy) { p.MaxExtensions = -1 }, map[string]string{"maxExtensions": "invalid"}},
		{"extensions without length", services.KindDenunciation, func(p *services.DeadlinePolicy) { p.ExtensionDays = 0 }, map[string]string{"extensionDays": "required"}},
		{"extension length without extensions", services.KindFeedback, func(p *services.DeadlinePolicy) { p.ExtensionDays = 10 }, map[string]string{"extensionDays": "not_allowed"}},
		{"extension over a year", services.KindDenunciation, func(p *services.DeadlinePolicy) { p.ExtensionDays = 400 }, map[string]string{"extensionDays": "invalid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := defaultPolicy(tt.kind)
			tt.edit(&p)
			assertFields(t, p.Validate(), tt.want)
		})
	}
}

// TestDefaultDeadlinePolicies pins the defaults to the statutory clocks.
func TestDefaultDeadlinePolicies(t *testing.T) {
	if len(services.DefaultDeadlinePolicies) != len(services.Kinds) {
		t.Fatalf("%d default policies for %d kinds", len(services.DefaultDeadlinePolicies), len(services.Kinds))
	}
	want := map[services.Kind]services.DeadlinePolicy{
		services.KindFeedback: {Kind: services.KindFeedback, AcceptDays: 2, AcceptWorkingDays: true, ResolveDays: 10, ResolveWorkingDays: true},
		services.KindComplaint: {Kind: services.KindComplaint, AcceptDays: 10, ResolveDays: 30, ComplexResolveDays: 45,
			RemoteResolveDays: 45, RemoteComplexResolveDays: 60, Round2ResolveDays: 45, Round2ComplexResolveDays: 60,
			RemoteRound2ResolveDays: 60, RemoteRound2ComplexResolveDays: 70},
		services.KindDenunciation: {Kind: services.KindDenunciation, AcceptDays: 7, AcceptWorkingDays: true, NotifyDays: 5,
			NotifyWorkingDays: true, ResolveDays: 30, MaxExtensions: 2, ExtensionDays: 30},
	}
	for _, p := range services.DefaultDeadlinePolicies {
		if err := p.Validate(); err != nil {
			t.Errorf("%s: %v", p.Kind, err)
		}
		if !reflect.DeepEqual(p, want[p.Kind]) {
			t.Errorf("%s:\n got %+v\nwant %+v", p.Kind, p, want[p.Kind])
		}
	}
}
