package handlers_test

import (
	"net/http"
	"testing"

	"minhbach/services"
)

// TestFileOnBehalfProofForFiler: a citizen at one unit's reception day may
// report a matter that the routing sends to another unit. The staff member
// who took it still prints the slip's proof of filing (it holds no secret),
// though the report is not theirs to see; their colleagues may not.
func TestFileOnBehalfProofForFiler(t *testing.T) {
	f := newFixture(t)
	f.storyStaff(t)
	f.unit(t, "unit-reception")
	f.mkUser(t, "inspector@reception.test", services.RoleInspector, "unit-reception")
	f.mkUser(t, "colleague@reception.test", services.RoleInspector, "unit-reception")
	filer := f.staffLogin(t, "inspector@reception.test", "")
	colleague := f.staffLogin(t, "colleague@reception.test", "")

	// Routed to the story unit (bribe in ward 26743), filed by another unit's inspector.
	var r filedOnBehalf
	f.call(t, filer.access, http.MethodPost, "/api/v1/cases", onBehalf("reception"), http.StatusCreated, &r)
	if w := f.staffGet(filer.access, "/api/v1/cases/"+r.ID); w.Code != http.StatusNotFound {
		t.Fatalf("the filer sees another unit's report: %d", w.Code)
	}
	w := f.staffGet(filer.access, r.ProofURL)
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/pdf" {
		t.Fatalf("the filer's proof: %d %s", w.Code, w.Body)
	}
	if w := f.staffGet(colleague.access, r.ProofURL); w.Code != http.StatusNotFound {
		t.Fatalf("a colleague of the filer gets the proof: %d", w.Code)
	}
}
