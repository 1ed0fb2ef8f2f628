package media

import (
	"bytes"
	"testing"
)

func BenchmarkCheckOffice(b *testing.B) {
	z := makeZip(b, docxEntries()...)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := CheckOffice(bytes.NewReader(z), int64(len(z))); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSniffJPEG(b *testing.B) {
	j := insertAfterSOI(makeJPEG(b, 64, 64), segExif, segXMP)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Sniff(j, testMaxPixels); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSanitizeJPEG(b *testing.B) {
	j := insertAfterSOI(makeJPEG(b, 256, 256), segExif, segXMP, segCOM)
	b.ReportAllocs()
	b.SetBytes(int64(len(j)))
	var buf [32 << 10]byte
	for b.Loop() {
		r, _, err := Sanitize(JPEG, bytes.NewReader(j), int64(len(j)))
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := r.Read(buf[:]); err != nil {
				break
			}
		}
	}
}
