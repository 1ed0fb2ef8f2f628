package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestReportPeriodCommand runs `portal report period` on a seeded data
// directory: it writes each format (the CSV with the seeded reports
// counted), refuses bad arguments with exit 2, and writes the bytes the
// route GET /api/v1/reports/period answers for the same scope and range
// (but the time of making). Both downloads are in the admin audit log.
func TestReportPeriodCommand(t *testing.T) {
	dataDir, run := seededDataDir(t)
	vn := time.FixedZone("ICT", 7*3600)
	now := time.Now().In(vn)
	from, to := now.AddDate(0, -11, 0).Format("2006-01"), now.Format("2006-01")
	dir := t.TempDir()
	files := map[string]string{}
	for _, format := range []string{"csv", "xlsx", "pdf"} {
		files[format] = filepath.Join(dir, "report."+format)
		out, code := run("report", "period", "--scope", "all", "--from", from, "--to", to, "--format", format, "--out", files[format])
		if code != 0 || !strings.Contains(out, "period report written: ") {
			t.Fatalf("report %s: exit %d\n%s", format, code, out)
		}
	}
	read := func(format string) []byte {
		b, err := os.ReadFile(files[format])
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if b := read("pdf"); !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Errorf("the PDF starts %q", b[:min(8, len(b))])
	}
	if b := read("xlsx"); !bytes.HasPrefix(b, []byte("PK")) {
		t.Errorf("the XLSX starts %q", b[:min(8, len(b))])
	}
	cliCSV := string(read("csv"))
	if !strings.Contains(cliCSV, "\nfigures,received,Số đơn tiếp nhận,Received,3\n") {
		t.Errorf("the CSV does not count the 3 seeded reports:\n%s", cliCSV)
	}
	for _, args := range [][]string{{"report"}, {"report", "nonsense"}, {"report", "period", "--scope", "all"},
		{"report", "period", "--scope", "all", "--from", from, "--to", to, "--format", "doc"},
		{"report", "period", "--scope", "nowhere", "--from", from, "--to", to, "--format", "csv"}} {
		if out, code := run(args...); code != 2 || !strings.Contains(out, "usage: portal report period") {
			t.Errorf("%v: exit %d\n%s", args, code, out)
		}
	}

	p := startPortal(t, dataDir)
	defer p.stop(t)
	body, _ := json.Marshal(map[string]string{"email": "admin@demo.minhbach.vn", "password": "Demo-Minh-Bach-2026"})
	resp, err := httpClient.Post(p.base+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var login struct{ AccessToken string }
	_ = json.NewDecoder(resp.Body).Decode(&login)
	resp.Body.Close()
	get := func(path string) []byte {
		req, _ := http.NewRequest(http.MethodGet, p.base+path, nil)
		req.Header.Set("Authorization", "Bearer "+login.AccessToken)
		resp, err := httpClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, b)
		}
		return b
	}
	routeCSV := string(get("/api/v1/reports/period?scope=all&from=" + from + "&to=" + to + "&format=csv"))
	made := regexp.MustCompile(`,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ,`)
	if a, b := made.ReplaceAllString(cliCSV, ",T,"), made.ReplaceAllString(routeCSV, ",T,"); a != b {
		t.Errorf("the command and the route differ:\n%s\n---\n%s", a, b)
	}
	var audit struct {
		Items []struct{ Action, ActorID, Target, Summary string }
	}
	if err := json.Unmarshal(get("/api/v1/admin/audit"), &audit); err != nil {
		t.Fatal(err)
	}
	byActor := map[string]int{}
	for _, e := range audit.Items {
		if e.Action == "report.period" && e.Target == "all" && strings.Contains(e.Summary, "from="+from+" to="+to) {
			byActor[e.ActorID]++
		}
	}
	if byActor["system"] != 3 || len(byActor) != 2 {
		t.Errorf("admin audit log: %v", byActor)
	}
}
