package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"minhbach/services"
)

type auditView struct {
	Valid  bool
	Events []struct {
		Seq      int64
		At       *time.Time
		Actor    string
		Type     string
		Data     map[string]string
		PrevHash string
		Hash     string
		Redacted bool
	}
}

// TestMonitorAuditHidesInternalNotes: a monitor's audit view follows the
// monitor's case view. An internal note shows neither its type, author,
// time nor the SHA-256 of its text (which would confirm a guessed text);
// only a redacted link (seq, previous hash, hash) stays so that the monitor
// can still check that the chain holds together. The unit sees it all;
// everyone else sees nothing. One check per role.
func TestMonitorAuditHidesInternalNotes(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	r, caseID := f.routedReport(t, "unit-a", "front-a")
	insp := f.mkUser(t, "insp@a.test", services.RoleInspector, "unit-a")
	f.mkUser(t, "lead@a.test", services.RoleLead, "unit-a")
	f.mkUser(t, "mon@front-a.test", services.RoleMonitor, "front-a")
	f.mkUser(t, "insp@b.test", services.RoleInspector, "unit-b")
	f.mkUser(t, "mon@front-b.test", services.RoleMonitor, "front-b")
	f.mkUser(t, "admin@portal.test", services.RoleAdmin, "")
	const note = "Nghi ngờ người phản ánh là cán bộ Lê Văn Tám ở phòng tài vụ"
	ia := services.Actor{UserID: insp.ID, Role: services.RoleInspector, UnitID: insp.UnitID}
	if _, err := f.Workflow.AddNote(ctx, ia, caseID, note); err != nil {
		t.Fatal(err)
	}
	noteSum := hexSHA([]byte(note))
	get := func(email string) (*http.Response, auditView, string) {
		s := f.staffLogin(t, email, "")
		w := f.staffGet(s.access, "/api/v1/cases/"+caseID+"/audit")
		var v auditView
		if w.Code == http.StatusOK {
			if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
				t.Fatal(err)
			}
		}
		return w.Result(), v, w.Body.String()
	}
	full := map[int64]string{} // seq → hash as the unit sees it
	for _, email := range []string{"insp@a.test", "lead@a.test"} {
		res, v, _ := get(email)
		if res.StatusCode != http.StatusOK || !v.Valid {
			t.Fatalf("%s: %d valid=%v", email, res.StatusCode, v.Valid)
		}
		seen := false
		for _, e := range v.Events {
			full[e.Seq] = e.Hash
			if e.Type == "note" {
				seen = e.Actor == insp.ID && e.Data["noteSha256"] == noteSum && len(e.Data["salt"]) == 32
			}
		}
		if !seen {
			t.Fatalf("%s does not see the salted note event: %+v", email, v.Events)
		}
	}
	res, v, body := get("mon@front-a.test")
	if res.StatusCode != http.StatusOK || !v.Valid {
		t.Fatalf("monitor: %d valid=%v", res.StatusCode, v.Valid)
	}
	if strings.Contains(body, noteSum) || strings.Contains(body, `"note"`) || strings.Contains(body, insp.ID) {
		t.Fatalf("the monitor's audit view shows the note, its hash or its author: %s", body)
	}
	redacted, prev := 0, ""
	for i, e := range v.Events {
		if int64(i+1) != e.Seq || e.PrevHash != prev || e.Hash != full[e.Seq] {
			t.Fatalf("monitor's chain does not link at %d: %+v", i, e)
		}
		prev = e.Hash
		if e.Redacted {
			redacted++
			if e.Type != "redacted" || e.Actor != "" || e.At != nil || len(e.Data) != 0 {
				t.Fatalf("a redacted link carries content: %+v", e)
			}
			continue
		}
		// A visible link's hash recomputes from what the monitor sees.
		ev := services.AuditEvent{CaseID: caseID, Seq: e.Seq, At: *e.At, Actor: e.Actor, Type: e.Type, Data: e.Data, PrevHash: e.PrevHash}
		if services.ComputeAuditHash(e.PrevHash, ev) != e.Hash {
			t.Fatalf("monitor cannot recompute link %d", e.Seq)
		}
	}
	if redacted != 1 || len(v.Events) != len(full) {
		t.Fatalf("monitor sees %d redacted of %d events (unit: %d)", redacted, len(v.Events), len(full))
	}
	for _, email := range []string{"insp@b.test", "mon@front-b.test", "admin@portal.test"} {
		if res, _, _ := get(email); res.StatusCode != http.StatusNotFound {
			t.Fatalf("%s reads the audit of another unit's report: %d", email, res.StatusCode)
		}
	}
	w := f.do(http.MethodGet, "/api/v1/cases/"+caseID+"/audit", "", nil, "Authorization", "Bearer "+r.Token)
	if w.Code != http.StatusUnauthorized {
		t.Fatalf("citizen reads the audit: %d", w.Code)
	}
}
