package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
)

// The pixel budget is checked by Sniff on the first frame header; a file
// with a second, larger one must not reach viewers through the sanitized copy.

func TestJPEGSecondFrameHeaderIsRefused(t *testing.T) {
	jpg := makeJPEG(t, 8, 8)
	i := bytes.Index(jpg, []byte{0xFF, 0xC0})
	if i < 0 {
		t.Fatal("no SOF0 in the sample")
	}
	end := i + 2 + int(binary.BigEndian.Uint16(jpg[i+2:]))
	big := append([]byte(nil), jpg[i:end]...)
	binary.BigEndian.PutUint16(big[5:], 65535) // height
	binary.BigEndian.PutUint16(big[7:], 65535) // width
	b := append(append(append([]byte(nil), jpg[:end]...), big...), jpg[end:]...)
	if _, _, err := Sniff(b, 0); err != nil {
		t.Fatalf("Sniff: %v (the first frame header is small)", err)
	}
	if _, _, err := Sanitize(JPEG, bytes.NewReader(b), int64(len(b))); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Sanitize: %v, want ErrCorrupt", err)
	}
}

// vp8lHeader is the 5-byte start of a VP8L bitstream claiming w×h.
func vp8lHeader(w, h int) []byte {
	v := uint32(w-1) | uint32(h-1)<<14
	return append([]byte{0x2f}, binary.LittleEndian.AppendUint32(nil, v)...)
}

func TestWebPImageLargerThanItsCanvasIsRefused(t *testing.T) {
	anmf := make([]byte, 16)
	anmf[6], anmf[7] = 0xFF, 0x3F // frame width 16384
	for name, b := range map[string][]byte{
		"image beyond the canvas": makeRIFF(vp8xChunk(0, 4, 4), riffChunk("VP8L", makeVP8L(64, 64, checker))),
		"second image in a simple file": makeRIFF(riffChunk("VP8L", makeVP8L(4, 4, checker)),
			riffChunk("VP8L", append(vp8lHeader(16384, 16384), 0, 0, 0))),
		"animation frame beyond the canvas": makeRIFF(vp8xChunk(0x02, 4, 4), riffChunk("ANIM", make([]byte, 6)),
			riffChunk("ANMF", anmf)),
	} {
		t.Run(name, func(t *testing.T) {
			if _, _, err := Sniff(b, 0); err != nil {
				t.Fatalf("Sniff: %v (the canvas or first image is small)", err)
			}
			if _, _, err := Sanitize(WebP, bytes.NewReader(b), int64(len(b))); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Sanitize: %v, want ErrCorrupt", err)
			}
		})
	}
}
