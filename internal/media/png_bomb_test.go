package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image/png"
	"strings"
	"testing"

	"minhbach/services"
)

// rawPNG is a PNG whose IDAT holds raw (n zero bytes, deflated): all rows
// with filter None and black pixels when n is what the header needs. Extra
// chunks go before the IDAT; the data is split over IDATs of 64 KiB.
func rawPNG(t testing.TB, w, h uint32, depth, colorType, interlace byte, n int64, extra ...[]byte) []byte {
	t.Helper()
	d := binary.BigEndian.AppendUint32(nil, w)
	d = binary.BigEndian.AppendUint32(d, h)
	d = append(d, depth, colorType, 0, 0, interlace)
	out := append(append([]byte(nil), pngSignature...), pngChunk("IHDR", d)...)
	for _, c := range extra {
		out = append(out, c...)
	}
	z := deflated(t, make([]byte, n))
	for len(z) > 0 {
		k := min(len(z), 64<<10)
		out = append(out, pngChunk("IDAT", z[:k])...)
		z = z[k:]
	}
	return append(out, pngChunk("IEND", nil)...)
}

func sanitizeErr(b []byte) error {
	r, _, err := Sanitize(PNG, bytes.NewReader(b), int64(len(b)))
	if err == nil {
		_, err = r.Read(make([]byte, 1))
		if err != nil {
			return err
		}
	}
	return err
}

// The header's size and format fix how many bytes the image data inflates
// to: the check must agree with a real decoder, interlaced or not.
func TestSanitizePNGImageDataSize(t *testing.T) {
	for _, tt := range []struct {
		name              string
		w, h              uint32
		depth, ct, interl byte
		want              int64
	}{
		{"rgb8", 100, 60, 8, 2, 0, 60 * (1 + 300)},
		{"rgba16", 7, 5, 16, 6, 0, 5 * (1 + 56)},
		{"gray1", 13, 3, 1, 0, 0, 3 * (1 + 2)},
		{"palette4 interlaced", 13, 11, 4, 3, 1, 0},
		{"rgb8 interlaced", 33, 17, 8, 2, 1, 0},
		{"1×1 interlaced", 1, 1, 8, 6, 1, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := binary.BigEndian.AppendUint32(nil, tt.w)
			d = binary.BigEndian.AppendUint32(d, tt.h)
			n, err := pngRawSize(append(d, tt.depth, tt.ct, 0, 0, tt.interl))
			if err != nil {
				t.Fatal(err)
			}
			if tt.want != 0 && int64(n) != tt.want {
				t.Fatalf("raw size %d, want %d", n, tt.want)
			}
			var plte [][]byte
			if tt.ct == 3 {
				plte = append(plte, pngChunk("PLTE", make([]byte, 3*16)))
			}
			exact := rawPNG(t, tt.w, tt.h, tt.depth, tt.ct, tt.interl, int64(n), plte...)
			if _, err := png.Decode(bytes.NewReader(exact)); err != nil {
				t.Fatalf("Go's decoder refuses the exact-size sample: %v", err)
			}
			if err := sanitizeErr(exact); err != nil {
				t.Fatalf("Sanitize refused image data of the right size: %v", err)
			}
			over := rawPNG(t, tt.w, tt.h, tt.depth, tt.ct, tt.interl, int64(n)+1, plte...)
			if err := sanitizeErr(over); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Sanitize with one byte too many: %v, want ErrCorrupt", err)
			}
		})
	}
}

// A 100×100 PNG whose image data inflates to 16 MiB, 550 times what its
// header needs (BenchmarkSanitizePNGBomb: 1 GiB).
func TestPNGDecompressionBombIsRefused(t *testing.T) {
	b := rawPNG(t, 100, 100, 8, 2, 0, 16<<20)
	t.Logf("%d-byte PNG inflating to 16 MiB", len(b))
	var err error
	alloc := allocDuring(func() { err = sanitizeErr(b) })
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "inflates beyond") {
		t.Fatalf("Sanitize: %v, want the bomb refused", err)
	}
	t.Logf("allocated %d KiB while refusing it", alloc>>10)
	if alloc > memoryBound {
		t.Errorf("allocated %d bytes", alloc)
	}
	var c Checker
	if _, _, err := c.Sanitize(fileType(PNG), bytes.NewReader(b), int64(len(b))); !errors.Is(err, services.ErrFileCorrupt) {
		t.Fatalf("Checker.Sanitize: %v, want ErrFileCorrupt", err)
	}
}

// Compressed ancillary chunks are bombs too, whether the copy keeps them
// (iCCP) or drops them (zTXt, iTXt): the original is kept and served to
// custody holders.
func TestPNGCompressedChunkBombIsRefused(t *testing.T) {
	bomb := deflated(t, make([]byte, maxPNGChunkInflated+1<<20))
	for name, chunk := range map[string][]byte{
		"iCCP": pngChunk("iCCP", append([]byte("sRGB\x00\x00"), bomb...)),
		"zTXt": pngChunk("zTXt", append([]byte("Comment\x00\x00"), bomb...)),
		"iTXt": pngChunk("iTXt", append([]byte("Comment\x00\x01\x00vi\x00Chú thích\x00"), bomb...)),
	} {
		t.Run(name, func(t *testing.T) {
			b := rawPNG(t, 4, 4, 8, 2, 0, 4*(1+12), chunk)
			if err := sanitizeErr(b); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "inflating beyond") {
				t.Fatalf("Sanitize: %v, want the chunk refused", err)
			}
		})
	}
	small := pngChunk("iCCP", append([]byte("sRGB\x00\x00"), deflated(t, make([]byte, 3000))...))
	if err := sanitizeErr(rawPNG(t, 4, 4, 8, 2, 0, 4*(1+12), small)); err != nil {
		t.Fatalf("Sanitize refused a normal colour profile: %v", err)
	}
}
