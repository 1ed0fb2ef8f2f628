package services_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"minhbach/services"
)

// The expected bytes and hashes below were written by hand and hashed
// outside Go (Python hashlib): h1 = sha256(c1), h2 = sha256(unhex(h1) ‖ c2).
const (
	vecC1 = `{"v":1,"caseId":"6747a1b2c3d4e5f60718293a","seq":1,"at":"2026-11-27T03:04:05.006Z","actor":"system","type":"submitted","data":{},"prevHash":""}`
	vecH1 = "44d0eb129cc33ee19540013f023c574f88d6b2c5139a4a620f08fafd5b4d5d2b"
	vecC2 = `{"v":1,"caseId":"6747a1b2c3d4e5f60718293a","seq":2,"at":"2026-11-27T10:00:00Z","actor":"u1","type":"status_changed","data":{"a":"x\u003cy","from":"received","to":"accepted"},"prevHash":"` + vecH1 + `"}`
	vecH2 = "8287a26a1ab6c41343cd4ae623e661cecd69a8d2b5faecb1f1f5d8f517c45566"
)

func vectorEvents() (services.AuditEvent, services.AuditEvent) {
	e1 := services.AuditEvent{CaseID: "6747a1b2c3d4e5f60718293a", Seq: 1,
		At: time.Date(2026, 11, 27, 3, 4, 5, 6_000_000, time.UTC), Actor: "system", Type: "submitted"}
	ict := time.FixedZone("ICT", 7*3600)
	e2 := services.AuditEvent{CaseID: "6747a1b2c3d4e5f60718293a", Seq: 2,
		At: time.Date(2026, 11, 27, 17, 0, 0, 0, ict), Actor: "u1", Type: "status_changed",
		Data: map[string]string{"to": "accepted", "from": "received", "a": "x<y"}, PrevHash: vecH1}
	return e1, e2
}

func TestAuditCanonicalEncodingIsStable(t *testing.T) {
	e1, e2 := vectorEvents()
	// Map iteration order is random; repeat so an unsorted encoding would show.
	for i := 0; i < 50; i++ {
		if got := string(services.CanonicalAuditEvent(e1)); got != vecC1 {
			t.Fatalf("canonical e1:\n got %s\nwant %s", got, vecC1)
		}
		if got := string(services.CanonicalAuditEvent(e2)); got != vecC2 {
			t.Fatalf("canonical e2:\n got %s\nwant %s", got, vecC2)
		}
	}
	// Hash is not covered, nil and empty Data are the same, the zone is not.
	e1.Hash = "ff"
	e1.Data = map[string]string{}
	e1.At = e1.At.In(time.FixedZone("X", -5*3600))
	if got := string(services.CanonicalAuditEvent(e1)); got != vecC1 {
		t.Fatalf("canonical with Hash, empty Data, other zone:\n got %s\nwant %s", got, vecC1)
	}
}

func TestAuditHashVector(t *testing.T) {
	e1, e2 := vectorEvents()
	if got := services.ComputeAuditHash("", e1); got != vecH1 {
		t.Fatalf("h1 = %s, want %s", got, vecH1)
	}
	if got := services.ComputeAuditHash(vecH1, e2); got != vecH2 {
		t.Fatalf("h2 = %s, want %s", got, vecH2)
	}
}

func TestAuditHashCoversEveryField(t *testing.T) {
	_, base := vectorEvents()
	want := services.ComputeAuditHash(base.PrevHash, base)
	muts := map[string]func(e *services.AuditEvent){
		"caseId": func(e *services.AuditEvent) { e.CaseID += "x" },
		"seq":    func(e *services.AuditEvent) { e.Seq++ },
		"at":     func(e *services.AuditEvent) { e.At = e.At.Add(time.Millisecond) },
		"actor":  func(e *services.AuditEvent) { e.Actor = "u2" },
		"type":   func(e *services.AuditEvent) { e.Type = "message" },
		"dataValue": func(e *services.AuditEvent) {
			e.Data = map[string]string{"to": "rejected", "from": "received", "a": "x<y"}
		},
		"dataKey": func(e *services.AuditEvent) {
			e.Data = map[string]string{"to": "accepted", "from": "received", "b": "x<y"}
		},
		"dataExtra": func(e *services.AuditEvent) {
			e.Data = map[string]string{"to": "accepted", "from": "received", "a": "x<y", "c": ""}
		},
		"prevHash": func(e *services.AuditEvent) { e.PrevHash = strings.Repeat("0", 64) },
	}
	for name, mut := range muts {
		e := base
		mut(&e)
		if got := services.ComputeAuditHash(e.PrevHash, e); got == want {
			t.Errorf("%s: changing it left the hash unchanged", name)
		}
	}
}

// auditChain builds a valid chain of n events for one report.
func auditChain(n int) []services.AuditEvent {
	var out []services.AuditEvent
	prev := ""
	at := time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC)
	for i := 1; i <= n; i++ {
		e := services.AuditEvent{CaseID: "c1", Seq: int64(i), At: at.Add(time.Duration(i) * time.Minute),
			Actor: "u1", Type: "note", Data: map[string]string{"i": strings.Repeat("x", i)}, PrevHash: prev}
		e.Hash = services.ComputeAuditHash(prev, e)
		prev = e.Hash
		out = append(out, e)
	}
	return out
}

func TestAuditVerifyChain(t *testing.T) {
	tests := []struct {
		name     string
		tamper   func([]services.AuditEvent) []services.AuditEvent
		brokenAt int64
		reason   string
	}{
		{"intact", func(c []services.AuditEvent) []services.AuditEvent { return c }, 0, ""},
		{"empty", func(c []services.AuditEvent) []services.AuditEvent { return nil }, 0, ""},
		{"data edited", func(c []services.AuditEvent) []services.AuditEvent {
			c[2].Data = map[string]string{"i": "edited"}
			return c
		}, 3, services.AuditHashMismatch},
		{"actor edited", func(c []services.AuditEvent) []services.AuditEvent { c[4].Actor = "u9"; return c }, 5, services.AuditHashMismatch},
		{"hash edited", func(c []services.AuditEvent) []services.AuditEvent {
			c[5].Hash = strings.Repeat("a", 64)
			return c
		}, 6, services.AuditHashMismatch},
		{"edited and rehashed", func(c []services.AuditEvent) []services.AuditEvent {
			c[2].Type = "forged"
			c[2].Hash = services.ComputeAuditHash(c[2].PrevHash, c[2])
			return c
		}, 4, services.AuditPrevHashMismatch},
		{"middle deleted", func(c []services.AuditEvent) []services.AuditEvent {
			return append(c[:3:3], c[4:]...)
		}, 5, services.AuditSequenceGap},
		{"first deleted", func(c []services.AuditEvent) []services.AuditEvent { return c[1:] }, 2, services.AuditSequenceGap},
		{"seqs swapped", func(c []services.AuditEvent) []services.AuditEvent {
			c[1].Seq, c[2].Seq = 3, 2
			c[1], c[2] = c[2], c[1] // the store returns them by seq
			return c
		}, 2, services.AuditPrevHashMismatch},
		{"prevHash changed", func(c []services.AuditEvent) []services.AuditEvent {
			c[6].PrevHash = c[1].Hash
			return c
		}, 7, services.AuditPrevHashMismatch},
		{"duplicate seq", func(c []services.AuditEvent) []services.AuditEvent {
			dup := c[3]
			return append(c[:4:4], append([]services.AuditEvent{dup}, c[4:]...)...)
		}, 4, services.AuditDuplicateSeq},
		{"first has prevHash", func(c []services.AuditEvent) []services.AuditEvent {
			c[0].PrevHash = strings.Repeat("0", 64)
			c[0].Hash = services.ComputeAuditHash(c[0].PrevHash, c[0])
			return c
		}, 1, services.AuditPrevHashMismatch},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			chain := tc.tamper(auditChain(8))
			got := services.VerifyAuditChain(chain)
			want := services.VerifyResult{Valid: tc.reason == "", Events: len(chain), BrokenAt: tc.brokenAt, Reason: tc.reason}
			if got != want {
				t.Fatalf("got %+v, want %+v", got, want)
			}
		})
	}
}

func TestAuditAppendRefusesBadInput(t *testing.T) {
	// No store: a call reaching it would panic, so this also proves invalid
	// input is refused before any read or write.
	l := &services.AuditLog{}
	ok := map[string]string{"to": "accepted"}
	tests := []struct {
		name, caseID, actor, typ string
		data                     map[string]string
		field                    string
	}{
		{"no case", "", "u1", "t", ok, "caseId"},
		{"no actor", "c1", "", "t", ok, "actor"},
		{"no type", "c1", "u1", "", ok, "type"},
		{"long type", "c1", "u1", strings.Repeat("t", 129), ok, "type"},
		{"dotted key", "c1", "u1", "t", map[string]string{"a.b": "x"}, "data"},
		{"dollar key", "c1", "u1", "t", map[string]string{"$set": "x"}, "data"},
		{"bad utf8", "c1", "u1", "t", map[string]string{"a": "\xff"}, "data"},
		{"long value", "c1", "u1", "t", map[string]string{"a": strings.Repeat("x", 1025)}, "data"},
	}
	for _, tc := range tests {
		_, err := l.Append(context.Background(), tc.caseID, tc.actor, tc.typ, tc.data)
		var e *services.Error
		if !services.IsCode(err, services.CodeInvalid) || !asError(err, &e) || e.Fields[tc.field] == "" {
			t.Errorf("%s: %v, want invalid on %s", tc.name, err, tc.field)
		}
	}
}

func asError(err error, target **services.Error) bool {
	e, ok := err.(*services.Error)
	if ok {
		*target = e
	}
	return ok
}
