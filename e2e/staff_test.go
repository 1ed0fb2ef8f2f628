package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestCreateUserCommand bootstraps the first admin with `portal admin
// create-user` (password on stdin), starts the portal and signs in.
func TestCreateUserCommand(t *testing.T) {
	dataDir := t.TempDir()
	env := []string{"PORTAL_DATA_DIR=" + dataDir, "PORTAL_LOG_FORMAT=json", "PORTAL_ARGON2_MEMORY_KIB=8192", "PORTAL_ARGON2_ITERATIONS=1"}
	create := func(password string, args ...string) (string, int) {
		return runPortal(t, portalBin, env, strings.NewReader(password+"\n"), append([]string{"admin", "create-user"}, args...)...)
	}
	if out, code := create("short", "--email", "root@e2e.test", "--role", "admin"); code == 0 {
		t.Fatalf("a short password was accepted: %s", out)
	}
	if out, code := create("", "--role", "admin"); code == 0 || !strings.Contains(out, "--email") {
		t.Fatalf("missing --email: exit %d %s", code, out)
	}
	const password = "Quản-trị-viên-2026!"
	if out, code := create(password, "--email", "root@e2e.test", "--role", "admin", "--name", "Quản trị"); code != 0 || !strings.Contains(out, "created admin account root@e2e.test") {
		t.Fatalf("create-user: exit %d %s", code, out)
	}
	if out, code := create(password, "--email", "root@e2e.test", "--role", "admin"); code == 0 || !strings.Contains(out, "already exists") {
		t.Fatalf("a second account with one e-mail: exit %d %s", code, out)
	}
	p := startPortal(t, dataDir)
	body, _ := json.Marshal(map[string]string{"email": "root@e2e.test", "password": password})
	resp, err := httpClient.Post(p.base+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		AccessToken string
		User        struct{ Role, Name string }
	}
	json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode != http.StatusOK || out.AccessToken == "" || out.User.Role != "admin" || out.User.Name != "Quản trị" {
		t.Fatalf("login: %d %+v", resp.StatusCode, out)
	}
	if strings.Contains(p.Logs(), password) {
		t.Fatal("the password was logged")
	}
	p.stop(t)
}

// TestSeedDemo loads the demo twice (idempotent), then the demo inspector
// and monitor see the sample reports of their units.
func TestSeedDemo(t *testing.T) {
	dataDir := t.TempDir()
	env := []string{"PORTAL_DATA_DIR=" + dataDir, "PORTAL_LOG_FORMAT=json", "PORTAL_DEMO_PASSWORD=Demo-Minh-Bach-2026",
		"PORTAL_ARGON2_MEMORY_KIB=8192", "PORTAL_ARGON2_ITERATIONS=1"}
	for i, want := range []string{"created  inspector@demo.minhbach.vn", "exists   inspector@demo.minhbach.vn"} {
		if out, code := runPortal(t, portalBin, env, nil, "seed", "demo"); code != 0 || !strings.Contains(out, want) {
			t.Fatalf("seed run %d: exit %d %s", i+1, code, out)
		}
	}
	if out, code := runPortal(t, portalBin, env, nil, "audit", "verify"); code != 0 || !strings.Contains(out, "3 audit chains checked, 0 broken") {
		t.Fatalf("audit verify: exit %d %s", code, out)
	}
	p := startPortal(t, dataDir)
	defer p.stop(t)
	// The embedded portal builds its queue index from the stored reports
	// (docs/storage.md, "The queue index").
	p.waitFor(t, "the queue index", startTimeout, func() bool {
		return strings.Contains(p.logs.String(), `"msg":"queue index built","reports":3,`)
	})
	queue := func(email string) (int, int) {
		body, _ := json.Marshal(map[string]string{"email": email, "password": "Demo-Minh-Bach-2026"})
		resp, err := httpClient.Post(p.base+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		var login struct{ AccessToken string }
		json.NewDecoder(resp.Body).Decode(&login)
		resp.Body.Close()
		req, _ := http.NewRequest(http.MethodGet, p.base+"/api/v1/cases", nil)
		req.Header.Set("Authorization", "Bearer "+login.AccessToken)
		resp, err = httpClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var q struct{ Items []any }
		json.NewDecoder(resp.Body).Decode(&q)
		return resp.StatusCode, len(q.Items)
	}
	for email, want := range map[string][2]int{
		"inspector@demo.minhbach.vn": {200, 3}, "lead@demo.minhbach.vn": {200, 3},
		"monitor@demo.minhbach.vn": {200, 3}, "admin@demo.minhbach.vn": {403, 0},
	} {
		if status, n := queue(email); status != want[0] || n != want[1] {
			t.Errorf("%s: %d with %d reports, want %d with %d", email, status, n, want[0], want[1])
		}
	}
	// One demo report was concluded with a published summary.
	resp, err := httpClient.Get(p.base + "/api/v1/outcomes")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var outcomes struct {
		Items []struct{ Result, Summary string }
	}
	json.NewDecoder(resp.Body).Decode(&outcomes)
	if len(outcomes.Items) != 1 || outcomes.Items[0].Result != "substantiated" || outcomes.Items[0].Summary == "" {
		t.Errorf("published outcomes after seeding: %+v", outcomes.Items)
	}
}
