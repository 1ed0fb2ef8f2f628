package services_test

import (
	"bytes"
	"crypto/ed25519"
	"strings"
	"testing"
	"time"

	"minhbach/services"
)

func cpKey(seed byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
}

// TestCheckpointCanonicalEncoding pins the payload bytes and the root; the
// root was computed outside Go (Python hashlib) over the heads array.
func TestCheckpointCanonicalEncoding(t *testing.T) {
	heads := []services.CheckpointHead{{CaseID: "a1", Seq: 3, Hash: strings.Repeat("ab", 32)}, {CaseID: "b2", Seq: 1, Hash: strings.Repeat("cd", 32)}}
	const root = "b6440e3077aa8b81e1c2d53d9187e8b6c422f8a8f14b5fa0b4d14f0273efa1a0"
	if got := services.CheckpointRoot(heads); got != root {
		t.Fatalf("root = %s, want %s", got, root)
	}
	if got := services.CheckpointRoot(nil); got != "4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945" {
		t.Fatalf("root of no heads = %s (want SHA-256 of \"[]\")", got)
	}
	ict := time.FixedZone("ICT", 7*3600)
	cp := services.Checkpoint{Version: 1, CreatedAt: time.Date(2026, 11, 27, 10, 4, 5, 6_000_000, ict), KeyID: "ed25519-0a1b2c3d",
		Count: 2, Root: root, Heads: heads}
	want := `{"version":1,"createdAt":"2026-11-27T03:04:05.006Z","keyId":"ed25519-0a1b2c3d","count":2,"root":"` + root +
		`","heads":[{"caseId":"a1","seq":3,"hash":"` + heads[0].Hash + `"},{"caseId":"b2","seq":1,"hash":"` + heads[1].Hash + `"}]}`
	if got := string(services.CanonicalCheckpoint(cp)); got != want {
		t.Fatalf("canonical:\n got %s\nwant %s", got, want)
	}
	empty := services.Checkpoint{Version: 1, CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), KeyID: "k"}
	if got := string(services.CanonicalCheckpoint(empty)); !strings.HasSuffix(got, `"createdAt":"2026-01-02T03:04:05Z","keyId":"k","count":0,"root":"","heads":[]}`) {
		t.Fatalf("empty canonical: %s", got)
	}
	if got := services.CheckpointKey(cp.CreatedAt); got != "audit/checkpoints/2026/11/27/2026-11-27T03-04-05.006Z.json" {
		t.Fatalf("key = %s", got)
	}
}

// TestCheckpointSignAndCheck covers the document checks without storage;
// writing and verifying checkpoints on real stores is tested in
// internal/mongostore/checkpoint_test.go.
func TestCheckpointSignAndCheck(t *testing.T) {
	c := services.NewCheckpointer(services.CheckpointerOptions{KeyID: "ed25519-test", Key: cpKey(1)})
	heads := []services.CheckpointHead{{CaseID: "a", Seq: 2, Hash: strings.Repeat("0f", 32)}, {CaseID: "b", Seq: 1, Hash: strings.Repeat("f0", 32)}}
	cp := services.Checkpoint{Version: 1, CreatedAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), KeyID: "ed25519-test",
		Count: 2, Root: services.CheckpointRoot(heads), Heads: heads}
	doc, err := c.Sign(cp)
	if err != nil {
		t.Fatal(err)
	}
	if got, reason := c.Check(doc); reason != "" || got.Root != cp.Root || len(got.Heads) != 2 {
		t.Fatalf("own document: %q %+v", reason, got)
	}
	// Signed with a key of the right length under its id, but not ours.
	other := services.NewCheckpointer(services.CheckpointerOptions{KeyID: "ed25519-test", Key: cpKey(2)})
	forged, _ := other.Sign(cp)
	resign := func(mut func(*services.Checkpoint)) []byte {
		x := cp
		x.Heads = append([]services.CheckpointHead(nil), cp.Heads...)
		mut(&x)
		d, err := c.Sign(x)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	replace := func(old, new string) []byte {
		if !bytes.Contains(doc, []byte(old)) {
			t.Fatalf("%q not in %s", old, doc)
		}
		return bytes.Replace(doc, []byte(old), []byte(new), 1)
	}
	tests := []struct {
		name string
		doc  []byte
		want string
	}{
		{"seq edited", replace(`"seq":2`, `"seq":1`), services.CheckpointBadSignature},
		{"head dropped", replace(`{"caseId":"b","seq":1,"hash":"`+heads[1].Hash+`"}`, `{"caseId":"a","seq":2,"hash":"`+heads[0].Hash+`"}`), services.CheckpointBadSignature},
		{"whitespace added", replace(`"count":2`, `"count": 2`), services.CheckpointBadSignature},
		{"forged signature", forged, services.CheckpointBadSignature},
		{"unknown key id", replace(`"keyId":"ed25519-test"`, `"keyId":"ed25519-gone"`), services.CheckpointUnknownKey},
		{"alg changed", replace(`"alg":"Ed25519"`, `"alg":"none"`), services.CheckpointMalformed},
		{"signature cut", replace(`"signature":"`, `"signature":"AAAA`), services.CheckpointMalformed},
		{"trailing data", append(bytes.Clone(doc), `{}`...), services.CheckpointMalformed},
		{"not json", []byte("not json"), services.CheckpointMalformed},
		{"count wrong", resign(func(x *services.Checkpoint) { x.Count = 3 }), services.CheckpointCountMismatch},
		{"root wrong", resign(func(x *services.Checkpoint) { x.Root = strings.Repeat("00", 32) }), services.CheckpointRootMismatch},
		{"version 2", resign(func(x *services.Checkpoint) { x.Version = 2 }), services.CheckpointBadVersion},
		{"unsorted heads", resign(func(x *services.Checkpoint) {
			x.Heads[0], x.Heads[1] = x.Heads[1], x.Heads[0]
			x.Root = services.CheckpointRoot(x.Heads)
		}), services.CheckpointBadHeads},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, reason := c.Check(tc.doc); reason != tc.want {
				t.Fatalf("Check = %q, want %q\n%s", reason, tc.want, tc.doc)
			}
		})
	}
	// A checkpoint signed with an earlier key verifies once that key is trusted.
	old := services.NewCheckpointer(services.CheckpointerOptions{KeyID: "ed25519-old", Key: cpKey(3)})
	cpOld := cp
	cpOld.KeyID = "ed25519-old"
	docOld, _ := old.Sign(cpOld)
	if _, reason := c.Check(docOld); reason != services.CheckpointUnknownKey {
		t.Fatalf("untrusted earlier key: %q", reason)
	}
	c = services.NewCheckpointer(services.CheckpointerOptions{KeyID: "ed25519-test", Key: cpKey(1),
		Trusted: map[string]ed25519.PublicKey{"ed25519-old": cpKey(3).Public().(ed25519.PublicKey)}})
	if _, reason := c.Check(docOld); reason != "" {
		t.Fatalf("trusted earlier key: %q", reason)
	}
}

// FuzzCheckpointCheck feeds arbitrary documents to the checkpoint check:
// it never panics, and whatever it accepts is a checkpoint this key signed.
func FuzzCheckpointCheck(f *testing.F) {
	c := services.NewCheckpointer(services.CheckpointerOptions{KeyID: "ed25519-test", Key: cpKey(1)})
	heads := []services.CheckpointHead{{CaseID: "a", Seq: 2, Hash: strings.Repeat("0f", 32)}}
	cp := services.Checkpoint{Version: 1, CreatedAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), KeyID: "ed25519-test",
		Count: 1, Root: services.CheckpointRoot(heads), Heads: heads}
	doc, err := c.Sign(cp)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(doc)
	f.Add([]byte(`{"payload":{},"alg":"Ed25519","signature":""}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		got, reason := c.Check(doc)
		if reason != "" {
			return
		}
		again, err := c.Sign(got)
		if err != nil {
			t.Fatal(err)
		}
		if _, r := c.Check(again); r != "" {
			t.Fatalf("accepted %q, but its own re-signing is %s", doc, r)
		}
	})
}
