package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"testing"
)

const testMaxPixels = 40_000_000

func TestSniffAllowed(t *testing.T) {
	progressive, err := os.ReadFile("testdata/progressive.jpg")
	if err != nil {
		t.Fatal(err)
	}
	lossy, err := os.ReadFile("testdata/lossy-exif.webp")
	if err != nil {
		t.Fatal(err)
	}
	jpg := makeJPEG(t, 64, 48)
	tests := []struct {
		name string
		in   []byte
		want Type
	}{
		{"jpeg", jpg, JPEG},
		{"jpeg with metadata", insertAfterSOI(jpg, segJFIFThumb, segExif, segXMP, segICC, segCOM), JPEG},
		{"progressive jpeg", progressive, JPEG},
		{"png", makePNG(t, 64, 48), PNG},
		{"webp lossless", makeWebP(16, 8), WebP},
		{"webp extended", makeWebPWithMetadata(16, 8), WebP},
		{"webp lossy", lossy, WebP},
		{"pdf", []byte(minimalPDF), PDF},
		{"pdf 2.0", []byte("%PDF-2.0\n%\xe2\xe3\xcf\xd3\n"), PDF},
		{"mp3 with id3v2", append(id3Tag(), mp3Frames(3)...), MP3},
		{"mp3 with id3v2 and junk before the first frame", append(append(id3Tag(), 0, 0, 0x55), mp3Frames(3)...), MP3},
		{"mp3 bare frames", mp3Frames(4), MP3},
		{"m4a", isoFile("M4A ", "M4A ", "mp42", "isom"), M4A},
		{"m4a with generic major brand", isoFile("mp42", "isom", "M4A "), M4A},
		{"mp4 isom", isoFile("isom", "isom", "iso2", "avc1", "mp41"), MP4},
		{"mp4 mp42", isoFile("mp42", "isom", "mp42"), MP4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, needsCheck, err := Sniff(tt.in, testMaxPixels)
			if err != nil {
				t.Fatalf("Sniff: %v", err)
			}
			// A PDF is checked whole by CheckPDF after it is stored.
			if got != tt.want || needsCheck != (tt.want == PDF) {
				t.Errorf("Sniff = %+v, %v; want %+v, %v", got, needsCheck, tt.want, tt.want == PDF)
			}
		})
	}
}

func TestSniffZipNeedsContainerCheck(t *testing.T) {
	for name, entries := range map[string][]zipEntry{
		"docx":  docxEntries(),
		"xlsx":  xlsxEntries(),
		"other": {{"readme.txt", "hello"}},
	} {
		got, needsCheck, err := Sniff(makeZip(t, entries...), testMaxPixels)
		if err != nil || got != ZIP || !needsCheck {
			t.Errorf("%s: Sniff = %+v, %v, %v; want ZIP, true, nil", name, got, needsCheck, err)
		}
		if got.Class != "container" {
			t.Errorf("%s: provisional type has class %q", name, got.Class)
		}
	}
}

func TestSniffRefused(t *testing.T) {
	pe := make([]byte, 256)
	copy(pe, "MZ\x90\x00")
	binary.LittleEndian.PutUint32(pe[0x3c:], 0x80)
	copy(pe[0x80:], "PE\x00\x00\x4c\x01")
	elf := append([]byte("\x7fELF\x02\x01\x01\x00"), make([]byte, 56)...)
	machO := append([]byte{0xCF, 0xFA, 0xED, 0xFE, 0x07, 0x00, 0x00, 0x01}, make([]byte, 24)...)
	tests := []struct {
		name string
		in   []byte
		why  string // what describe should say, when it matters
	}{
		{"empty", nil, "empty file"},
		{"pe", pe, "Windows executable"},
		{"elf", elf, "ELF executable"},
		{"mach-o", machO, "Mach-O executable"},
		{"shell script", []byte("#!/bin/sh\nrm -rf /\n"), "script"},
		{"html doctype", []byte("<!doctype html><html><body>hi</body></html>"), "HTML"},
		{"html indented", []byte("  <html>\n<script>alert(1)</script></html>"), "HTML"},
		{"html with bom", []byte("\xEF\xBB\xBF<HTML><BODY onload=alert(1)>"), "HTML"},
		{"html upper case doctype", []byte("\r\n<!DOCTYPE HTML PUBLIC>"), "HTML"},
		{"svg with script", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "XML or SVG"},
		{"xml", []byte(`<?xml version="1.0"?><root/>`), "XML or SVG"},
		{"plain text", []byte("Kính gửi thanh tra huyện,\nTôi xin phản ánh...\n"), "text"},
		{"csv", []byte("a,b,c\n1,2,3\n"), "text"},
		{"empty zip", []byte("PK\x05\x06" + string(make([]byte, 18))), "empty or spanned ZIP"},
		{"gif", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), ""},
		{"heic", isoFile("heic", "mif1", "heic"), "HEIF/AVIF image"},
		{"avif", isoFile("avif", "avif", "mif1"), "HEIF/AVIF image"},
		{"quicktime", isoFile("qt  ", "qt  "), "QuickTime movie"},
		{"3gp", isoFile("3gp4", "3gp4", "isom"), "3GP movie"},
		{"wav", []byte("RIFF\x24\x00\x00\x00WAVEfmt "), ""},
		{"id3 without audio", id3Tag(), "ID3 tag without audio"},
		{"id3 followed by html", append(id3Tag(), "<html><script>alert(1)</script></html>"...), "ID3 tag without MPEG audio frames"},
		{"mpeg layer II", bytes.Repeat(append([]byte{0xFF, 0xFD, 0x90, 0x64}, make([]byte, 413)...), 3), ""},
		{"random", []byte{0x00, 0x01, 0x02, 0x03, 0xFF, 0xFE, 0x00, 0x00}, "unknown content"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, needsCheck, err := Sniff(tt.in, testMaxPixels)
			if !errors.Is(err, ErrUnsupported) {
				t.Fatalf("Sniff = %+v, %v, %v; want ErrUnsupported", got, needsCheck, err)
			}
			if got != (Type{}) || needsCheck {
				t.Errorf("refused file still got %+v, %v", got, needsCheck)
			}
			if tt.why != "" && err.Error() != ErrUnsupported.Error()+": "+tt.why {
				t.Errorf("error %q, want reason %q", err, tt.why)
			}
		})
	}
}

func TestSniffCorrupt(t *testing.T) {
	p := makePNG(t, 8, 8)
	badCRC := append([]byte(nil), p...)
	badCRC[30] ^= 1
	j := makeJPEG(t, 8, 8)
	tests := map[string][]byte{
		"png bad IHDR crc":        badCRC,
		"png truncated":           p[:20],
		"png bad colour type":     pngIHDR(8, 8, 8, 5),
		"png zero width":          pngIHDR(0, 8, 8, 2),
		"jpeg truncated":          j[:10],
		"jpeg bad segment length": {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01, 0x00},
		"jpeg sos before sof":     {0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02},
		"jpeg not a marker":       {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, 0x12, 0x34},
		"webp bad first chunk":    makeRIFF(riffChunk("EXIF", []byte("abcd")), riffChunk("VP8L", makeVP8L(2, 2, checker))),
		"webp bad vp8l":           makeRIFF(riffChunk("VP8L", []byte{0x00, 0x01, 0x02, 0x03, 0x04})),
		"pdf bad version":         []byte("%PDF-x.y\n"),
		"ftyp too small":          append([]byte{0, 0, 0, 8}, "ftypisom"...),
		"ftyp truncated":          isoFile("isom", "isom")[:18],
		"id3 bad size":            []byte("ID3\x03\x00\x00\x80\x00\x00\x00"),
		"id3 longer than file":    append([]byte("ID3\x03\x00\x00\x00\x00\x10\x00"), mp3Frames(1)...),
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			if _, _, err := Sniff(in, testMaxPixels); !errors.Is(err, ErrCorrupt) {
				t.Errorf("Sniff: %v, want ErrCorrupt", err)
			}
		})
	}
}

func TestSniffPixelFlood(t *testing.T) {
	// Only a header: a decoder would have to allocate 60 MP (240 MB RGBA)
	// before finding out that no pixel data follows.
	pngHeader := pngIHDR(10000, 6000, 8, 6)
	if len(pngHeader) != 33 {
		t.Fatalf("PNG header is %d bytes", len(pngHeader))
	}
	sof := jpegSegment(0xC0, []byte{8, 0xEA, 0x60, 0xEA, 0x60, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1}) // 60000×60000
	hugeJPEG := append(append([]byte{0xFF, 0xD8}, segExif...), sof...)
	vp8x := makeRIFF(vp8xChunk(0, 1<<24, 1<<24), riffChunk("VP8L", makeVP8L(2, 2, checker)))
	hdr := &bitWriter{}
	hdr.write(0x2f, 8)
	hdr.write(16000-1, 14)
	hdr.write(16000-1, 14)
	hdr.write(0, 4)
	hugeVP8L := makeRIFF(riffChunk("VP8L", append(hdr.b, 0, 0, 0)))
	for name, in := range map[string][]byte{
		"png 10000x6000":         pngHeader,
		"jpeg 60000x60000":       hugeJPEG,
		"webp vp8x 2^24 squared": vp8x,
		"webp vp8l 16000x16000":  hugeVP8L,
	} {
		t.Run(name, func(t *testing.T) {
			if _, _, err := Sniff(in, testMaxPixels); !errors.Is(err, ErrTooManyPixels) {
				t.Errorf("Sniff: %v, want ErrTooManyPixels", err)
			}
		})
	}
	// The same header under the limit is fine, so the guard is the limit.
	if _, _, err := Sniff(pngIHDR(10000, 6000, 8, 6), 60_000_000); err != nil {
		t.Errorf("10000×6000 with a 60 MP limit: %v", err)
	}
	// A limit ≤ 0 means DefaultMaxPixels, not "no limit".
	if _, _, err := Sniff(pngIHDR(10000, 6000, 8, 6), 0); !errors.Is(err, ErrTooManyPixels) {
		t.Errorf("limit 0: %v, want ErrTooManyPixels", err)
	}
}

func TestSniffJPEGFrameHeaderBeyondHead(t *testing.T) {
	// Metadata before the frame header larger than the head: the size
	// cannot be checked, so the file is refused rather than let through.
	j := makeJPEG(t, 8, 8)
	var segs [][]byte
	for range HeadSize/65000 + 1 {
		segs = append(segs, jpegSegment(0xE1, make([]byte, 64990)))
	}
	big := insertAfterSOI(j, segs...)
	if _, _, err := Sniff(big[:HeadSize], testMaxPixels); !errors.Is(err, ErrUnsupported) {
		t.Errorf("Sniff: %v, want ErrUnsupported", err)
	}
	// With the whole (short) file the frame header is found.
	if got, _, err := Sniff(insertAfterSOI(j, segs[0]), testMaxPixels); err != nil || got != JPEG {
		t.Errorf("Sniff = %v, %v", got, err)
	}
}

func TestTypeByMIME(t *testing.T) {
	for _, want := range Types() {
		if got, ok := TypeByMIME(want.MIME); !ok || got != want {
			t.Errorf("TypeByMIME(%q) = %+v, %v", want.MIME, got, ok)
		}
	}
	if _, ok := TypeByMIME(ZIP.MIME); ok {
		t.Error("ZIP is not a final type")
	}
}
