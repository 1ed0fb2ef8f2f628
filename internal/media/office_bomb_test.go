package media

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// zipWithZeros is a DOCX plus parts of the given names holding n zero bytes
// each, deflated: a few hundred bytes per MiB.
func zipWithZeros(t testing.TB, n int64, names ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range docxEntries() {
		w, err := zw.Create(e.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(e.body))
	}
	zeros := make([]byte, 1<<20)
	for _, name := range names {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		for left := n; left > 0; left -= int64(len(zeros)) {
			if _, err := w.Write(zeros[:min(left, int64(len(zeros)))]); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A DOCX whose part inflates to hundreds of MB takes down the viewer of
// whoever opens it; the checker must stop reading at its bound. (The test
// uses an 8 MiB bound to stay quick under the race detector;
// BenchmarkCheckOfficeBomb runs the real one.)
func TestOfficeZipBombPartIsRefused(t *testing.T) {
	if maxPartInflated != 100<<20 || maxOfficeInflated != 200<<20 || maxPartRatio != 200 {
		t.Fatal("the bounds differ from docs/privacy.md")
	}
	lim := defaultOfficeLimits
	lim.part, lim.ratio = 8<<20, 1<<20
	b := zipWithZeros(t, 9<<20, "word/media/image1.bin")
	t.Logf("%d-byte DOCX with a part of 9 MiB", len(b))
	var err error
	alloc := allocDuring(func() { _, err = checkOfficeLimits(bytes.NewReader(b), int64(len(b)), lim) })
	if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "inflating beyond") {
		t.Fatalf("CheckOffice: %v, want the part refused", err)
	}
	t.Logf("allocated %d KiB while refusing it", alloc>>10)
	if alloc > memoryBound {
		t.Errorf("allocated %d bytes", alloc)
	}
}

// Headers that understate a part's size must not let it through: the
// data, not the header, is counted.
func TestOfficeZipBombWithLyingSizesIsRefused(t *testing.T) {
	b := zipWithZeros(t, 2<<20, "word/media/image1.bin")
	// Claim 100 bytes in the local and the central header of the last part.
	name := []byte("word/media/image1.bin")
	for _, sig := range []string{"PK\x03\x04", "PK\x01\x02"} {
		i := bytes.LastIndex(b, []byte(sig))
		if i < 0 || !bytes.Contains(b[i:i+64+len(name)], name) {
			t.Fatalf("no %q header for the part", sig)
		}
		off := 22 // uncompressed size in a local header
		if sig == "PK\x01\x02" {
			off = 24
		}
		binary.LittleEndian.PutUint32(b[i+off:], 100)
	}
	if _, err := checkOffice(b); err == nil {
		t.Fatal("CheckOffice accepted a part larger than its headers say")
	}
}

// A part far more compressed than any document (about 1000:1 here) is a
// bomb even under the size bound.
func TestOfficeZipBombRatioIsRefused(t *testing.T) {
	_, err := checkOffice(zipWithZeros(t, 2<<20, "xl/worksheets/sheet2.xml"))
	if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "times its size") {
		t.Fatalf("CheckOffice: %v, want the ratio refused", err)
	}
}

// Many parts, each under the bound, together beyond the total.
func TestOfficeZipBombTotalIsRefused(t *testing.T) {
	lim := officeLimits{part: 4 << 20, total: 10 << 20, ratio: 1 << 20, floor: 1 << 20}
	var names []string
	for i := range 4 {
		names = append(names, fmt.Sprintf("word/media/p%d.bin", i))
	}
	b := zipWithZeros(t, 3<<20, names...)
	_, err := checkOfficeLimits(bytes.NewReader(b), int64(len(b)), lim)
	if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "parts inflate beyond") {
		t.Fatalf("CheckOffice: %v, want the total refused", err)
	}
	lim.total = 13 << 20
	if _, err := checkOfficeLimits(bytes.NewReader(b), int64(len(b)), lim); err != nil {
		t.Fatalf("CheckOffice under the total: %v", err)
	}
}
