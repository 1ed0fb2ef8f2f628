package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os/exec"
	"strings"
	"testing"
)

// TestCreateUserCommand bootstraps the first admin with `portal admin
// create-user` (password on stdin), starts the portal and signs in.
func TestCreateUserCommand(t *testing.T) {
	dataDir := t.TempDir()
	env := []string{"PORTAL_DATA_DIR=" + dataDir, "PORTAL_LOG_FORMAT=json", "PORTAL_ARGON2_MEMORY_KIB=8192", "PORTAL_ARGON2_ITERATIONS=1"}
	create := func(password string, args ...string) (string, error) {
		cmd := exec.Command(portalBin, append([]string{"admin", "create-user"}, args...)...)
		cmd.Env = env
		cmd.Stdin = strings.NewReader(password + "\n")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := create("short", "--email", "root@e2e.test", "--role", "admin"); err == nil {
		t.Fatalf("a short password was accepted: %s", out)
	}
	if out, err := create("", "--role", "admin"); err == nil || !strings.Contains(out, "--email") {
		t.Fatalf("missing --email: %v %s", err, out)
	}
	const password = "Quản-trị-viên-2026!"
	if out, err := create(password, "--email", "root@e2e.test", "--role", "admin", "--name", "Quản trị"); err != nil || !strings.Contains(out, "created admin account root@e2e.test") {
		t.Fatalf("create-user: %v %s", err, out)
	}
	if out, err := create(password, "--email", "root@e2e.test", "--role", "admin"); err == nil || !strings.Contains(out, "already exists") {
		t.Fatalf("a second account with one e-mail: %v %s", err, out)
	}
	p := startPortal(t, dataDir)
	body, _ := json.Marshal(map[string]string{"email": "root@e2e.test", "password": password})
	resp, err := http.Post(p.base+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
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
