package e2e

import (
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"minhbach/internal/devstack"
	"minhbach/internal/translog"
)

// The public log on the real binary (docs/transparency-log.md): the
// portal's sequencer publishes the log, a witness built from the same
// binary cosigns it and the portal serves the cosignatures; then the log's
// objects are edited, its checkpoints deleted and an old backup restored,
// and the witness refuses each time, with `portal log verify` and `portal
// audit verify` failing where the issue asks.

type logInfo struct {
	Origin      string `json:"origin"`
	VerifierKey string `json:"verifierKey"`
	Size        int64  `json:"size"`
	Witnesses   []struct {
		Name     string `json:"name"`
		Cosigned *struct {
			Size int64 `json:"size"`
		} `json:"cosigned"`
		Refused *struct {
			Reason string `json:"reason"`
		} `json:"refused"`
		Alarm bool `json:"alarm"`
	} `json:"witnesses"`
}

func getLogInfo(t *testing.T, base string) logInfo {
	t.Helper()
	resp, err := httpClient.Get(base + "/api/v1/log")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var info logInfo
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&info) != nil {
		t.Fatalf("GET /api/v1/log: %d", resp.StatusCode)
	}
	return info
}

// waitLogSize waits until the sequencer has integrated at least size
// entries (it runs every few seconds).
func waitLogSize(t *testing.T, base string, size int64) logInfo {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		info := getLogInfo(t, base)
		if info.Size >= size {
			return info
		}
		if time.Now().After(deadline) {
			t.Fatalf("the log has %d entries after 60 s, want %d", info.Size, size)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// copyTree copies a directory (a data directory while its portal is
// stopped, or a witness's directory).
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	if out, err := exec.Command("cp", "-a", src+"/.", dst).CombinedOutput(); err != nil {
		t.Fatalf("cp %s %s: %v %s", src, dst, err, out)
	}
}

// objectFiles returns the files of the embedded object store holding the
// objects whose keys start with log/<prefix>.
func objectFiles(t *testing.T, dataDir, prefix string) []string {
	t.Helper()
	var out []string
	root := filepath.Join(dataDir, "s3")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.Contains(filepath.ToSlash(p), "/log/"+prefix) {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPublicLogWitnessEndToEnd(t *testing.T) {
	dataDir, run := seededDataDir(t)
	wdir := t.TempDir()
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	out, code := runPortal(t, portalBin, env, nil, "witness", "init", "--dir", wdir, "--name", "mttq.test/witness")
	if code != 0 {
		t.Fatalf("witness init: %d %s", code, out)
	}
	var keys []string
	for _, line := range strings.Split(out, "\n") {
		for _, p := range []string{"cosignature key: ", "refusal key:     "} {
			if k, ok := strings.CutPrefix(line, p); ok {
				keys = append(keys, strings.TrimSpace(k))
			}
		}
	}
	if len(keys) != 2 {
		t.Fatalf("witness init printed no keys:\n%s", out)
	}
	witnessEnv := "PORTAL_LOG_WITNESSES=" + strings.Join(keys, " ")
	p := startPortal(t, dataDir, witnessEnv)
	// The demo's reports and admin changes were queued by `seed demo`; the
	// server's sequencer integrates them.
	info := waitLogSize(t, p.base, 3)
	if len(info.Witnesses) != 1 || info.Witnesses[0].Cosigned != nil {
		t.Fatalf("witnesses before any cosignature: %+v", info.Witnesses)
	}
	witness := func(dir, base string) (string, int) {
		t.Helper()
		return runPortal(t, portalBin, env, nil, "witness", "run", "--once", "--dir", dir, "--log-url", base+"/log",
			"--log-key", info.VerifierKey, "--portal-url", base)
	}
	if out, code := witness(wdir, p.base); code != 0 || !strings.Contains(out, "cosigned") {
		t.Fatalf("first cosignature: %d %s", code, out)
	}
	got := getLogInfo(t, p.base)
	if got.Witnesses[0].Cosigned == nil || got.Witnesses[0].Cosigned.Size != got.Size || got.Witnesses[0].Alarm {
		t.Fatalf("the portal does not show the cosignature: %+v", got.Witnesses)
	}
	if !strings.Contains(getText(t, p.base+"/log/checkpoint"), "— mttq.test/witness ") {
		t.Fatal("the latest checkpoint is served without the witness's cosignature")
	}

	// Keep a backup of the data directory at this size.
	p.stop(t)
	backup := t.TempDir()
	copyTree(t, dataDir, backup)
	p = startPortal(t, dataDir, witnessEnv)

	// The log grows; the witness checks the consistency and cosigns again.
	if code, _ := submit(t, p.base, strings.NewReader(report)); code != http.StatusCreated {
		t.Fatalf("filing: %d", code)
	}
	grown := waitLogSize(t, p.base, got.Size+1)
	if out, code := witness(wdir, p.base); code != 0 || !strings.Contains(out, "cosigned") {
		t.Fatalf("cosignature after growth: %d %s", code, out)
	}
	witnessed := filepath.Join(wdir, "latest")
	if out, code := run("log", "verify", "--url", p.base+"/log", "--key", info.VerifierKey, "--witness", witnessed); code != 0 {
		t.Fatalf("log verify of the intact log: %d %s", code, out)
	}

	// 1. A tile edited in the object store: the witness recomputes the
	// consistency proof from the tiles and refuses.
	fresh := func() string {
		d := t.TempDir()
		copyTree(t, wdir, d)
		return d
	}
	tiles := objectFiles(t, dataDir, "tile/0/")
	if len(tiles) == 0 {
		t.Fatal("no hash tiles in the object store")
	}
	// The newest partial tile of level 0 (the largest width).
	var tile string
	for _, f := range tiles {
		if tile == "" || len(f) > len(tile) || f > tile {
			tile = f
		}
	}
	orig, err := os.ReadFile(tile)
	if err != nil {
		t.Fatal(err)
	}
	bad := append([]byte(nil), orig...)
	bad[0] ^= 0xff
	if err := os.WriteFile(tile, bad, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, code := witness(fresh(), p.base); code != 1 || !strings.Contains(out, "REFUSED") {
		t.Fatalf("tile edited: the witness did not refuse: %d %s", code, out)
	}
	if out, code := run("log", "verify", "--url", p.base+"/log", "--key", info.VerifierKey); code != 1 || !strings.Contains(out, "inconsistent") {
		t.Fatalf("tile edited: log verify: %d %s", code, out)
	}
	if err := os.WriteFile(tile, orig, 0o600); err != nil {
		t.Fatal(err)
	}

	// 2. The log's checkpoints deleted from the object store.
	cps := objectFiles(t, dataDir, "checkpoints/")
	saved := map[string][]byte{}
	for _, f := range cps {
		b, _ := os.ReadFile(f)
		saved[f] = b
		if err := os.Remove(f); err != nil {
			t.Fatal(err)
		}
	}
	if out, code := witness(fresh(), p.base); code != 1 || !strings.Contains(out, "REFUSED (unavailable)") {
		t.Fatalf("checkpoints deleted: the witness did not refuse: %d %s", code, out)
	}
	if out, code := run("log", "verify", "--url", p.base+"/log", "--key", info.VerifierKey, "--witness", witnessed); code != 1 {
		t.Fatalf("checkpoints deleted: log verify: %d %s", code, out)
	}
	for f, b := range saved {
		if err := os.WriteFile(f, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}

	// 3. The database edited: the log's state given another tree of the
	// same size, signed with the log's own key (which the operator holds),
	// as an operator forking the log would.
	p.stop(t)
	forkLogState(t, dataDir, info.Origin)
	p = startPortal(t, dataDir, witnessEnv)
	if out, code := witness(fresh(), p.base); code != 1 || !strings.Contains(out, "REFUSED (fork)") {
		t.Fatalf("database edited (fork): the witness did not refuse: %d %s", code, out)
	}
	p.stop(t)
	restoreLogState(t, dataDir)

	// 4. An old backup restored (the database and the object store as they
	// were): the log is back at the smaller size.
	if out, code := run("audit", "verify", "--witness", witnessed); code != 0 {
		t.Fatalf("audit verify of the intact portal (the fork undone): %d %s", code, out)
	}
	if err := os.RemoveAll(dataDir); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		t.Fatal(err)
	}
	copyTree(t, backup, dataDir)
	out, code = run("audit", "verify", "--witness", witnessed)
	if code != 1 || !strings.Contains(out, "fewer than the") {
		t.Fatalf("old backup: audit verify: %d %s", code, out)
	}
	if out, code := run("log", "verify", "--witness", witnessed); code != 1 {
		t.Fatalf("old backup: log verify: %d %s", code, out)
	}
	p = startPortal(t, dataDir, witnessEnv)
	if got := getLogInfo(t, p.base); got.Size >= grown.Size {
		t.Fatalf("the restored log has %d entries, want fewer than %d", got.Size, grown.Size)
	}
	if out, code := witness(wdir, p.base); code != 1 || !strings.Contains(out, "REFUSED (rollback)") {
		t.Fatalf("old backup: the witness did not refuse: %d %s", code, out)
	}
	// Monitors see the refusal.
	got = getLogInfo(t, p.base)
	if w := got.Witnesses[0]; w.Refused == nil || w.Refused.Reason != "rollback" || !w.Alarm {
		t.Fatalf("the portal does not show the refusal: %+v", got.Witnesses)
	}
	// The refusal is sticky.
	if out, code := witness(wdir, p.base); code != 1 || !strings.Contains(out, "REFUSING since an earlier refusal") {
		t.Fatalf("sticky refusal: %d %s", code, out)
	}
}

func getText(t *testing.T, url string) string {
	t.Helper()
	resp, err := httpClient.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestTwoPortalsOneSequencer runs two portal processes on one database and
// bucket, files reports through both, and checks that they never
// sequenced the same entries (each batch's range, from their logs, is
// disjoint from every other and together they cover the log) and that the
// log they published verifies.
func TestTwoPortalsOneSequencer(t *testing.T) {
	s := newFaultStack(t)
	debug := append(append([]string{}, s.serveEnv...), "PORTAL_LOG_LEVEL=debug")
	a := startBinary(t, portalBin, debug...)
	b := startBinary(t, portalBin, debug...)
	// Rounds of filings through both, a sequencing period apart, so that
	// both processes contend for the lease many times; then A stops and B
	// alone goes on, so B certainly sequences too.
	reports := 0
	file := func(base string) {
		t.Helper()
		if code, out := submit(t, base, strings.NewReader(report)); code != http.StatusCreated {
			t.Fatalf("filing %d: %d %v", reports, code, out)
		}
		reports++
	}
	for range 5 {
		for range 2 {
			file(a.base)
			file(b.base)
		}
		time.Sleep(3500 * time.Millisecond)
	}
	waitLogSize(t, b.base, int64(reports))
	a.stop(t)
	for range 3 {
		file(b.base)
	}
	info := waitLogSize(t, b.base, int64(reports))
	// Let B log the batch it just ran.
	time.Sleep(500 * time.Millisecond)
	b.stop(t)

	type batch struct{ from, to int64 }
	var batches []batch
	perProcess := map[string]int{}
	for name, p := range map[string]*portal{"a": a, "b": b} {
		for _, line := range strings.Split(p.Logs(), "\n") {
			var rec struct {
				Msg      string
				From, To int64
			}
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "public log: batch integrated" {
				batches = append(batches, batch{rec.From, rec.To})
				perProcess[name]++
			}
		}
	}
	covered := make([]int, info.Size)
	for _, bt := range batches {
		for i := bt.from; i < bt.to && i < info.Size; i++ {
			covered[i]++
		}
	}
	for i, n := range covered {
		if n != 1 {
			t.Fatalf("entry %d was integrated %d times (batches %+v, per process %v)", i, n, batches, perProcess)
		}
	}
	if perProcess["b"] == 0 {
		t.Fatalf("B never sequenced: %v", perProcess)
	}
	if out, code := s.cli(t, "log", "verify"); code != 0 || !strings.Contains(out, "log verified") {
		t.Fatalf("log verify: %d %s", code, out)
	}
	if out, code := s.cli(t, "audit", "verify"); code != 0 {
		t.Fatalf("audit verify: %d %s", code, out)
	}
	t.Logf("%d entries in %d batches, per process %v", info.Size, len(batches), perProcess)
}

// savedLogState is the log's state before forkLogState changed it.
var savedLogState bson.M

// forkLogState replaces, in a stopped portal's database, the log's latest
// checkpoint by one of the same size with another root, signed with the
// portal's own log key from its data directory.
func forkLogState(t *testing.T, dataDir, origin string) {
	t.Helper()
	seed, err := devstack.LoadOrCreateKey(filepath.Join(dataDir, "log.key"), 32)
	if err != nil {
		t.Fatal(err)
	}
	signer, _, err := translog.Ed25519Key(origin, seed)
	if err != nil {
		t.Fatal(err)
	}
	ctx, client, done := openStoppedDB(t, dataDir)
	defer done()
	col := client.Database("minhbach").Collection("logState")
	savedLogState = bson.M{}
	if err := col.FindOne(ctx, bson.M{"_id": "log"}).Decode(&savedLogState); err != nil {
		t.Fatal(err)
	}
	size, _ := savedLogState["size"].(int64)
	other := translog.LeafHash([]byte("another history"))
	forged, err := translog.SignCheckpoint(translog.Checkpoint{Origin: origin, Size: size, Root: other}, signer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := col.UpdateOne(ctx, bson.M{"_id": "log"}, bson.M{"$set": bson.M{"root": other[:], "checkpoint": forged}}); err != nil {
		t.Fatal(err)
	}
}

// restoreLogState puts back what forkLogState changed.
func restoreLogState(t *testing.T, dataDir string) {
	t.Helper()
	ctx, client, done := openStoppedDB(t, dataDir)
	defer done()
	if _, err := client.Database("minhbach").Collection("logState").ReplaceOne(ctx, bson.M{"_id": "log"}, savedLogState); err != nil {
		t.Fatal(err)
	}
}
