package blobstore_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"
	"testing"

	"minhbach/internal/testenv"
	"minhbach/services"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestPutGetStatDeleteList(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	body := []byte("bằng chứng: biên nhận hồ sơ số 123")
	info, err := env.Blob.Put(ctx, "staging/a/one.txt", bytes.NewReader(body), int64(len(body)), "text/plain", sha(body))
	if err != nil {
		t.Fatalf("put: %v", err)
	}
	if info.SHA256 != sha(body) || info.Size != int64(len(body)) {
		t.Fatalf("put info = %+v", info)
	}
	st, err := env.Blob.Stat(ctx, "staging/a/one.txt")
	if err != nil {
		t.Fatalf("stat: %v", err)
	}
	if st.SHA256 != sha(body) || st.Size != int64(len(body)) || st.ContentType != "text/plain" {
		t.Fatalf("stat = %+v", st)
	}
	rc, gi, err := env.Blob.Get(ctx, "staging/a/one.txt")
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, body) || gi.SHA256 != sha(body) {
		t.Fatalf("get returned %q (%+v)", got, gi)
	}
	if _, err := env.Blob.Put(ctx, "staging/b/two.txt", strings.NewReader("two"), 3, "", ""); err != nil {
		t.Fatalf("put two: %v", err)
	}
	if _, err := env.Blob.Put(ctx, "sealed/three.txt", strings.NewReader("three"), 5, "", ""); err != nil {
		t.Fatalf("put three: %v", err)
	}
	list, err := env.Blob.List(ctx, "staging/")
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	if len(list) != 2 || list[0].Key != "staging/a/one.txt" || list[1].Key != "staging/b/two.txt" {
		t.Fatalf("list staging/ = %+v", list)
	}
	if err := env.Blob.Delete(ctx, "staging/a/one.txt"); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, err := env.Blob.Stat(ctx, "staging/a/one.txt"); !services.IsCode(err, services.CodeNotFound) {
		t.Fatalf("stat after delete: %v, want not_found", err)
	}
	if _, _, err := env.Blob.Get(ctx, "staging/a/one.txt"); !services.IsCode(err, services.CodeNotFound) {
		t.Fatalf("get after delete: %v, want not_found", err)
	}
	if err := env.Blob.Delete(ctx, "staging/a/one.txt"); err != nil {
		t.Fatalf("deleting a missing key: %v", err)
	}
}

func TestPutIsWriteOnce(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	if _, err := env.Blob.Put(ctx, "sealed/x", strings.NewReader("first"), 5, "", ""); err != nil {
		t.Fatal(err)
	}
	_, err := env.Blob.Put(ctx, "sealed/x", strings.NewReader("other"), 5, "", "")
	if !services.IsCode(err, services.CodeConflict) {
		t.Fatalf("second put: %v, want conflict", err)
	}
	rc, _, err := env.Blob.Get(ctx, "sealed/x")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if b, _ := io.ReadAll(rc); string(b) != "first" {
		t.Fatalf("object was overwritten: %q", b)
	}
}

// TestPutIsWriteOnceStreamed covers uploads of unknown size, which go up in
// parts: the existing object survives a second upload to its key.
func TestPutIsWriteOnceStreamed(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	first := bytes.Repeat([]byte("1"), 9<<20)
	if info, err := env.Blob.Put(ctx, "sealed/big", bytes.NewReader(first), -1, "", ""); err != nil || info.Size != int64(len(first)) {
		t.Fatalf("first: %v %+v", err, info)
	}
	_, err := env.Blob.Put(ctx, "sealed/big", bytes.NewReader(bytes.Repeat([]byte("2"), 9<<20)), -1, "", "")
	if !services.IsCode(err, services.CodeConflict) {
		t.Fatalf("second streamed put: %v, want conflict", err)
	}
	rc, _, err := env.Blob.Get(ctx, "sealed/big")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if b, _ := io.ReadAll(rc); !bytes.Equal(b, first) {
		t.Fatal("a streamed upload overwrote the object")
	}
}

func TestPutRejectsHashMismatchAndShortBody(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	body := []byte("real content")
	wrong := sha([]byte("something else"))
	if _, err := env.Blob.Put(ctx, "k/mismatch", bytes.NewReader(body), int64(len(body)), "", wrong); !services.IsCode(err, services.CodeInvalid) {
		t.Fatalf("mismatch: %v, want invalid", err)
	}
	if _, err := env.Blob.Stat(ctx, "k/mismatch"); !services.IsCode(err, services.CodeNotFound) {
		t.Fatalf("a mismatched upload was left behind: %v", err)
	}
	if _, err := env.Blob.Put(ctx, "k/short", bytes.NewReader(body), int64(len(body))+10, "", ""); err == nil {
		t.Fatal("a body shorter than its announced size was accepted")
	}
	if _, err := env.Blob.Stat(ctx, "k/short"); !services.IsCode(err, services.CodeNotFound) {
		t.Fatalf("a short upload was left behind: %v", err)
	}
}

func TestInvalidKeysRefused(t *testing.T) {
	env := testenv.New(t)
	for _, k := range []string{"", "/abs", "a/../b", "a\\b", "nul\x00"} {
		if _, err := env.Blob.Put(context.Background(), k, strings.NewReader("x"), 1, "", ""); !services.IsCode(err, services.CodeInvalid) {
			t.Errorf("key %q: %v, want invalid", k, err)
		}
	}
}

// countingReader produces n pseudo-random bytes without holding them all.
type countingReader struct {
	remaining int64
	src       io.Reader
}

func (c *countingReader) Read(p []byte) (int, error) {
	if c.remaining <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > c.remaining {
		p = p[:c.remaining]
	}
	n, err := c.src.Read(p)
	c.remaining -= int64(n)
	return n, err
}

func TestLargeObject20MB(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	const size = 20 << 20
	h := sha256.New()
	src := io.TeeReader(&countingReader{remaining: size, src: rand.Reader}, h)
	info, err := env.Blob.Put(ctx, "sealed/large.bin", src, size, "application/octet-stream", "")
	if err != nil {
		t.Fatalf("put 20 MB: %v", err)
	}
	want := hex.EncodeToString(h.Sum(nil))
	if info.SHA256 != want || info.Size != size {
		t.Fatalf("info = %+v, want sha %s", info, want)
	}
	rc, gi, err := env.Blob.Get(ctx, "sealed/large.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	rh := sha256.New()
	n, err := io.Copy(rh, rc)
	if err != nil || n != size || gi.Size != size {
		t.Fatalf("read back %d bytes (%v), info %+v", n, err, gi)
	}
	if got := hex.EncodeToString(rh.Sum(nil)); got != want {
		t.Fatalf("read back sha %s, want %s", got, want)
	}
}

func TestReady(t *testing.T) {
	env := testenv.New(t)
	if err := env.Blob.Ready(context.Background()); err != nil {
		t.Fatalf("ready: %v", err)
	}
	if err := env.Blob.RemoveBucket(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := env.Blob.Ready(context.Background()); !services.IsCode(err, services.CodeUnavailable) {
		t.Fatalf("ready without bucket: %v, want unavailable", err)
	}
	if err := env.Blob.EnsureBucket(context.Background()); err != nil { // so cleanup finds it
		t.Fatal(err)
	}
}
