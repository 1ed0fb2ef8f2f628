package e2e

import (
	"bufio"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// rssKiB reads a process's current (VmRSS) and peak (VmHWM) resident memory.
func rssKiB(pid int) (cur, peak int64, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		switch fields[0] {
		case "VmRSS:":
			cur, _ = strconv.ParseInt(fields[1], 10, 64)
		case "VmHWM:":
			peak, _ = strconv.ParseInt(fields[1], 10, 64)
		}
	}
	return cur, peak, sc.Err()
}

// settledRSS waits until the process's resident memory stops changing (two
// readings 100 ms apart within 1 MiB of each other), for at most 10 s, and
// returns it.
func settledRSS(pid int) (int64, error) {
	prev, _, err := rssKiB(pid)
	deadline := time.Now().Add(10 * time.Second)
	for err == nil {
		time.Sleep(100 * time.Millisecond)
		var cur int64
		if cur, _, err = rssKiB(pid); err != nil {
			break
		}
		if d := cur - prev; d > -1024 && d < 1024 {
			return cur, nil
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("resident memory still changing after 10s (%d KiB, then %d KiB)", prev, cur)
		}
		prev = cur
	}
	return 0, err
}

// resetPeak clears VmHWM so that the next peak is measured from now.
func resetPeak(pid int) error {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0)
}

// pdfStream produces a PDF-looking stream of n bytes without holding it.
type pdfStream struct{ n, off int64 }

func (p *pdfStream) Read(b []byte) (int, error) {
	if p.off >= p.n {
		return 0, io.EOF
	}
	head := []byte("%PDF-1.4\n")
	k := 0
	for k < len(b) && p.off < p.n {
		if p.off < int64(len(head)) {
			b[k] = head[p.off]
		} else {
			b[k] = byte('a' + p.off%26)
		}
		k++
		p.off++
	}
	return k, nil
}

// BenchmarkUploadPeakMemory uploads one 100 MB file to the real portal
// binary and reports its peak resident memory above idle (target < 64 MB).
func BenchmarkUploadPeakMemory(b *testing.B) {
	dataDir := b.TempDir()
	p := startPortal(b, dataDir, "PORTAL_MAX_FILE_BYTES=115343360", "PORTAL_MAX_REPORT_BYTES=115343360")
	defer p.stop(b)
	pid := p.cmd.Process.Pid
	const size = 100 << 20
	var worst int64
	for b.Loop() {
		idle, err := settledRSS(pid)
		if err != nil {
			b.Fatal(err)
		}
		if err := resetPeak(pid); err != nil {
			b.Fatal(err)
		}
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		go func() {
			h := textproto.MIMEHeader{}
			h.Set("Content-Disposition", `form-data; name="complaint"`)
			h.Set("Content-Type", "application/json")
			w, _ := mw.CreatePart(h)
			io.WriteString(w, report)
			fw, _ := mw.CreateFormFile("files", "ghi-âm-cuộc-họp.pdf")
			io.Copy(fw, &pdfStream{n: size})
			mw.Close()
			pw.Close()
		}()
		req, _ := http.NewRequest(http.MethodPost, p.base+"/api/v1/complaints", pr)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("X-Portal-PoW", solvedChallenge(b, p.base))
		resp, err := httpClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			b.Fatalf("upload: %d %s", resp.StatusCode, body)
		}
		_, peak, err := rssKiB(pid)
		if err != nil {
			b.Fatal(err)
		}
		worst = max(worst, peak-idle)
	}
	b.ReportMetric(float64(worst)/1024, "peak-MB-above-idle")
}
