package e2e

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"minhbach/internal/pow"
)

// mp4Box is an ISO BMFF box.
func mp4Box(typ string, payload []byte) []byte {
	return append(binary.BigEndian.AppendUint32(nil, uint32(8+len(payload))), append([]byte(typ), payload...)...)
}

// videoBody is the multipart body of a phone recording of size bytes (an
// MP4 whose samples are streamed, never held) after an optional JSON part,
// and its length.
func videoBody(jsonPart, jsonText string, size int64) (io.Reader, string, int64) {
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	if jsonPart != "" {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q`, jsonPart))
		h.Set("Content-Type", "application/json")
		w, _ := mw.CreatePart(h)
		io.WriteString(w, jsonText)
	}
	mw.CreateFormFile("files", "quay-lai-buoi-tiep-dan.mp4")
	head.Write(mp4Box("ftyp", []byte("isom\x00\x00\x02\x00isommp41")))
	head.Write(mp4Box("moov", mp4Box("udta", []byte("recorded on a phone"))))
	samples := size - int64(head.Len())
	head.Write(binary.BigEndian.AppendUint32(nil, uint32(8+samples)))
	head.WriteString("mdat")
	tailBytes := []byte("\r\n--" + mw.Boundary() + "--\r\n")
	n := int64(head.Len()) + samples + int64(len(tailBytes))
	return io.MultiReader(bytes.NewReader(head.Bytes()), io.LimitReader(zeros{}, samples), bytes.NewReader(tailBytes)), mw.FormDataContentType(), n
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// challenge is solvedChallenge without a test to fail, for goroutines.
func challenge(base string) (string, error) {
	resp, err := httpClient.Post(base+"/api/v1/challenges", "", nil)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var ch struct {
		Challenge string
		Bits      int
	}
	if err := json.NewDecoder(resp.Body).Decode(&ch); err != nil || resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("challenge: %d %v", resp.StatusCode, err)
	}
	if ch.Challenge == "" {
		return "", nil
	}
	return ch.Challenge + ":" + pow.Solve(ch.Challenge, ch.Bits), nil
}

// uploadStats counts what the uploaders were told before they got in.
type uploadStats struct {
	busy, dropped atomic.Int64
}

// uploadUntilFiled sends one upload, again after each 503 (after its
// Retry-After) or dropped connection, as a citizen retrying would, until it
// is filed or a minute has passed.
func uploadUntilFiled(base, path, jsonPart, jsonText, token, client string, size int64, st *uploadStats) error {
	deadline := time.Now().Add(5 * time.Minute)
	for time.Now().Before(deadline) {
		body, ct, n := videoBody(jsonPart, jsonText, size)
		req, _ := http.NewRequest(http.MethodPost, base+path, body)
		req.ContentLength = n
		req.Header.Set("Content-Type", ct)
		req.Header.Set("X-Forwarded-For", client)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		} else {
			sol, err := challenge(base)
			if err != nil {
				return err
			}
			req.Header.Set("X-Portal-PoW", sol)
		}
		resp, err := httpClient.Do(req)
		if err != nil {
			// The portal answered 503 before reading the body and closed
			// the connection while the body was still being sent.
			st.dropped.Add(1)
			time.Sleep(time.Second)
			continue
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch resp.StatusCode {
		case http.StatusCreated:
			return nil
		case http.StatusServiceUnavailable:
			st.busy.Add(1)
			wait, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
			time.Sleep(time.Duration(max(wait, 1)) * time.Second)
		default:
			return fmt.Errorf("%s: %d %s", path, resp.StatusCode, msg)
		}
	}
	return fmt.Errorf("%s: not filed within five minutes", path)
}

// BenchmarkConcurrentUploadPeakMemory (issue 12): 64 people send a 20 MB
// recording at once to the real portal binary on its default memory
// settings (argon2id included): half file a report with it, half add it to
// a report filed before. Each retries after a 503 as the web form tells
// them to, until all 64 are stored. It reports the peak resident memory
// above idle (goal ≤ 256 MB), how many answers were 503 and how long all
// took. 16 people unless PORTAL_BENCH_LARGE is set (so that `make bench`
// stays short); PORTAL_BENCH_UPLOADS and PORTAL_BENCH_UPLOAD_MB change the
// number and size; PORTAL_BENCH_UPLOAD_MEMORY sets PORTAL_UPLOAD_MEMORY.
func BenchmarkConcurrentUploadPeakMemory(b *testing.B) {
	uploads, sizeMB := 16, 20
	if os.Getenv("PORTAL_BENCH_LARGE") != "" {
		uploads = 64
	}
	if v, err := strconv.Atoi(os.Getenv("PORTAL_BENCH_UPLOADS")); err == nil && v > 0 {
		uploads = v
	}
	if v, err := strconv.Atoi(os.Getenv("PORTAL_BENCH_UPLOAD_MB")); err == nil && v > 0 {
		sizeMB = v
	}
	env := []string{
		// The defaults, not the light argon2id of the other e2e tests.
		"PORTAL_ARGON2_MEMORY_KIB=19456", "PORTAL_ARGON2_ITERATIONS=2",
		// Every uploader is its own client (X-Forwarded-For), none limited
		// by the rate per address: this measures memory, not the rate limit.
		"PORTAL_TRUSTED_PROXIES=127.0.0.1", "PORTAL_ANON_WRITES_PER_MINUTE=0",
		"PORTAL_MAX_FILE_BYTES=" + strconv.Itoa((sizeMB+1)<<20), "PORTAL_MAX_REPORT_BYTES=" + strconv.Itoa(4*(sizeMB+1)<<20),
	}
	if v := os.Getenv("PORTAL_BENCH_UPLOAD_MEMORY"); v != "" {
		env = append(env, "PORTAL_UPLOAD_MEMORY="+v)
	}
	p := startPortal(b, b.TempDir(), env...)
	defer p.stop(b)
	pid := p.cmd.Process.Pid
	size := int64(sizeMB) << 20

	var worst, busy, dropped int64
	var took time.Duration
	for b.Loop() {
		// The reports that get evidence added, filed beforehand.
		tokens := make([]string, uploads/2)
		for i := range tokens {
			req, _ := http.NewRequest(http.MethodPost, p.base+"/api/v1/complaints", strings.NewReader(report))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Portal-PoW", solvedChallenge(b, p.base))
			req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.1.%d.%d", i/250, i%250+1))
			resp, err := httpClient.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			var out struct{ Token string }
			err = json.NewDecoder(resp.Body).Decode(&out)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusCreated {
				b.Fatalf("filing: %d %v", resp.StatusCode, err)
			}
			tokens[i] = out.Token
		}
		idle, err := settledRSS(pid)
		if err != nil {
			b.Fatal(err)
		}
		if err := resetPeak(pid); err != nil {
			b.Fatal(err)
		}
		var st uploadStats
		var wg sync.WaitGroup
		errs := make(chan error, uploads)
		start := time.Now()
		for i := range uploads {
			client := fmt.Sprintf("10.2.%d.%d", i/250, i%250+1)
			wg.Go(func() {
				if i%2 == 0 {
					errs <- uploadUntilFiled(p.base, "/api/v1/complaints", "complaint", report, "", client, size, &st)
				} else {
					errs <- uploadUntilFiled(p.base, "/api/v1/track/attachments", "", "", tokens[i/2], client, size, &st)
				}
			})
		}
		wg.Wait()
		took = time.Since(start)
		close(errs)
		for err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}
		_, peak, err := rssKiB(pid)
		if err != nil {
			b.Fatal(err)
		}
		worst = max(worst, peak-idle)
		busy, dropped = st.busy.Load(), st.dropped.Load()
	}
	b.ReportMetric(float64(worst)/1024, "peak-MB-above-idle")
	b.ReportMetric(float64(busy), "answers-503")
	b.ReportMetric(float64(dropped), "dropped-connections")
	b.ReportMetric(took.Seconds(), "s-all-stored")
}
