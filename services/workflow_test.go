package services_test

import (
	"slices"
	"testing"

	"minhbach/services"
)

// TestTransitionTable checks every (state, target, party) against the
// table of docs/workflow.md: what is listed there is allowed; a party that
// may make no move at all (a monitor, an administrator) is forbidden;
// everything else is refused with a conflict that lists what is allowed.
func TestTransitionTable(t *testing.T) {
	statuses := []services.Status{services.StatusReceived, services.StatusAccepted, services.StatusRejected,
		services.StatusTransferred, services.StatusInvestigating, services.StatusConcluded, services.StatusClosed,
		services.StatusAppealed, services.StatusWithdrawn}
	parties := []services.Party{"inspector", "lead", "monitor", "admin", "citizen", "system"}
	// The table of docs/workflow.md, written out independently of services.Transitions.
	design := map[[2]services.Status][]services.Party{
		{"received", "accepted"}:       {"inspector", "lead"},
		{"received", "rejected"}:       {"inspector", "lead"},
		{"received", "transferred"}:    {"inspector", "lead"},
		{"accepted", "investigating"}:  {"inspector", "lead"},
		{"investigating", "concluded"}: {"lead"},
		{"concluded", "closed"}:        {"system", "citizen"},
		{"concluded", "appealed"}:      {"citizen"},
		{"closed", "appealed"}:         {"citizen"},
		{"received", "withdrawn"}:      {"citizen"},
		{"accepted", "withdrawn"}:      {"citizen"},
		{"investigating", "withdrawn"}: {"citizen"},
	}
	complete := services.TransitionInput{Reason: "Không thuộc thẩm quyền", TransferTo: "Thanh tra Sở Xây dựng",
		Outcome: services.OutcomePartly, Actions: "Đã kiểm điểm cán bộ"}
	n := 0
	for _, from := range statuses {
		for _, to := range statuses {
			for _, who := range parties {
				in := complete
				in.To = to
				err := services.CheckTransition(from, who, in)
				want := slices.Contains(design[[2]services.Status{from, to}], who)
				if want && err != nil {
					t.Errorf("%s → %s by %s refused: %v", from, to, who, err)
				}
				if !want && (who == "monitor" || who == "admin") {
					if !services.IsCode(err, services.CodeForbidden) {
						t.Errorf("%s → %s by %s: %v, want forbidden", from, to, who, err)
					}
				} else if !want {
					var e *services.Error
					if !services.IsCode(err, services.CodeConflict) {
						t.Errorf("%s → %s by %s: %v, want conflict", from, to, who, err)
					} else if e = err.(*services.Error); !slices.Equal(e.Allowed, statusNames(services.AllowedTransitions(from, who))) {
						t.Errorf("%s → %s by %s lists %v", from, to, who, e.Allowed)
					}
				}
				n++
			}
		}
	}
	if n != 9*9*6 {
		t.Fatalf("checked %d combinations", n)
	}
	if got := services.AllowedTransitions(services.StatusReceived, "inspector"); !slices.Equal(statusNames(got), []string{"accepted", "rejected", "transferred"}) {
		t.Fatalf("allowed from received for an inspector: %v", got)
	}
}

func statusNames(ss []services.Status) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}

func TestTransitionRequiredFields(t *testing.T) {
	cases := []struct {
		from  services.Status
		who   services.Party
		in    services.TransitionInput
		field string
	}{
		{"received", "inspector", services.TransitionInput{To: "rejected"}, "reason"},
		{"received", "lead", services.TransitionInput{To: "transferred", Reason: "x"}, "transferTo"},
		{"investigating", "lead", services.TransitionInput{To: "concluded", Actions: "x"}, "outcome"},
		{"investigating", "lead", services.TransitionInput{To: "concluded", Outcome: "maybe", Actions: "x"}, "outcome"},
		{"investigating", "lead", services.TransitionInput{To: "concluded", Outcome: services.OutcomeSubstantiated}, "actions"},
	}
	for _, c := range cases {
		err := services.CheckTransition(c.from, c.who, c.in)
		if !services.IsCode(err, services.CodeInvalid) || err.(*services.Error).Fields[c.field] == "" {
			t.Errorf("%s → %s without %s: %v", c.from, c.in.To, c.field, err)
		}
	}
}
