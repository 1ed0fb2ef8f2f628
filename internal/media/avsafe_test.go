package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"testing"
)

func sanitizeAll(t *testing.T, typ Type, b []byte) []byte {
	t.Helper()
	r, n, err := Sanitize(typ, bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("Sanitize: %v", err)
	}
	out, err := io.ReadAll(r)
	if err != nil || int64(len(out)) != n {
		t.Fatalf("read %d of %d bytes: %v", len(out), n, err)
	}
	return out
}

// id3v24 is an ID3v2.4 tag with an extended header and a footer.
func id3v24() []byte {
	ext := []byte{0, 0, 0, 6, 1, 0}
	frame := append([]byte("TPE1\x00\x00\x00\x0d\x00\x00\x03"), "Nguyen Van A"...)
	body := append(ext, frame...)
	n := len(body)
	size := []byte{byte(n >> 21 & 0x7f), byte(n >> 14 & 0x7f), byte(n >> 7 & 0x7f), byte(n & 0x7f)}
	tag := append(append([]byte{'I', 'D', '3', 4, 0, 0x50}, size...), body...)
	return append(tag, append([]byte{'3', 'D', 'I', 4, 0, 0x50}, size...)...)
}

func apeTag() []byte {
	item := append([]byte{12, 0, 0, 0, 0, 0, 0, 0}, "Artist\x00Nguyen Van A"...)
	footer := func(flags uint32) []byte {
		f := []byte("APETAGEX")
		f = binary.LittleEndian.AppendUint32(f, 2000)
		f = binary.LittleEndian.AppendUint32(f, uint32(len(item)+32))
		f = binary.LittleEndian.AppendUint32(f, 1)
		f = binary.LittleEndian.AppendUint32(f, flags)
		return append(f, make([]byte, 8)...)
	}
	return append(append(footer(1<<31|1<<29), item...), footer(1<<31)...)
}

func id3v1() []byte {
	t := make([]byte, 128)
	copy(t, "TAG")
	copy(t[3:], "Ghi am")
	copy(t[33:], "Nguyen Van A")
	return t
}

func TestSanitizeMP3DropsTags(t *testing.T) {
	frames := mp3Frames(3)
	lyrics := append([]byte("LYRICSBEGININDNguyen Van A"), "000026LYRICS200"...)
	for name, in := range map[string][]byte{
		"id3v2.3 and id3v1":   concat(id3Tag(), frames, id3v1()),
		"id3v2.4 with footer": concat(id3v24(), frames),
		"two leading tags":    concat(id3Tag(), id3v24(), frames),
		"ape then id3v1":      concat(frames, apeTag(), id3v1()),
		"appended id3v2.4":    concat(frames, id3v24()),
		"lyrics3 then id3v1":  concat(id3Tag(), frames, lyrics, id3v1()),
		"enhanced id3v1":      concat(frames, append([]byte("TAG+Nguyen Van A"), make([]byte, 227-16)...), id3v1()),
		"no tags":             frames,
	} {
		t.Run(name, func(t *testing.T) {
			out := sanitizeAll(t, MP3, in)
			if !bytes.Equal(out, frames) {
				t.Fatalf("copy of %d bytes, want the %d bytes of frames", len(out), len(frames))
			}
			if typ, _, err := Sniff(out, 0); err != nil || typ != MP3 {
				t.Fatalf("the copy sniffs as %v, %v", typ, err)
			}
		})
	}
	for name, in := range map[string][]byte{
		"only a tag":       id3Tag(),
		"tag longer":       concat([]byte{'I', 'D', '3', 3, 0, 0, 0, 0, 0x7f, 0x7f}, frames),
		"bad ape size":     concat(frames, []byte("APETAGEX\xd0\x07\x00\x00\xff\xff\xff\x7f"), make([]byte, 16)),
		"junk, not frames": concat(id3Tag(), []byte("not audio at all")),
	} {
		t.Run(name, func(t *testing.T) {
			if _, _, err := Sanitize(MP3, bytes.NewReader(in), int64(len(in))); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Sanitize: %v, want ErrCorrupt", err)
			}
		})
	}
}

func concat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func box(typ string, payload ...[]byte) []byte {
	body := concat(payload...)
	return append(binary.BigEndian.AppendUint32(nil, uint32(8+len(body))), append([]byte(typ), body...)...)
}

// timedBox is an mvhd/tkhd/mdhd of the given version with its creation and
// modification times set to 0x11.. and the rest to 0x22.
func timedBox(typ string, version byte, rest int) []byte {
	tn := 8
	if version == 1 {
		tn = 16
	}
	return box(typ, []byte{version, 0, 0, 1}, bytes.Repeat([]byte{0x11}, tn), bytes.Repeat([]byte{0x22}, rest))
}

// identifyingMP4 is an MP4 whose movie carries a location and an author in
// udta and meta, an XMP uuid box, times in its headers, and a chunk offset
// pointing into mdat. It returns the file and mdat's payload offset.
func identifyingMP4() ([]byte, int) {
	ftyp := box("ftyp", []byte("isom\x00\x00\x02\x00isommp41"))
	xmp := box("uuid", []byte("\xbe\x7a\xcf\xcb\x97\xa9\x42\xe8\x9c\x71\x99\x94\x91\xe3\xaf\xac"), []byte("<dc:creator>Nguyen Van A</dc:creator>"))
	udta := box("udta", box("\xa9xyz", []byte("\x00\x12\x15\xc7+21.0285+105.8542/")), box("\xa9aut", []byte("Nguyen Van A")))
	meta := box("meta", []byte{0, 0, 0, 0}, box("hdlr", make([]byte, 20), []byte("mdta")),
		box("ilst", []byte("com.apple.quicktime.location.ISO6709 +21.0285+105.8542")))
	payload := []byte("AUDIO-AND-VIDEO-SAMPLES")
	build := func(chunkOffset uint32) []byte {
		stco := box("stco", []byte{0, 0, 0, 0, 0, 0, 0, 1}, binary.BigEndian.AppendUint32(nil, chunkOffset))
		trak := box("trak", timedBox("tkhd", 1, 60), box("mdia", timedBox("mdhd", 0, 8), box("minf", box("stbl", stco))),
			box("udta", box("name", []byte("Camera of Nguyen Van A"))))
		moov := box("moov", timedBox("mvhd", 0, 80), trak, udta, meta)
		return concat(ftyp, moov, xmp, box("free", []byte("leftover Nguyen Van A")), box("mdat", payload))
	}
	first := build(0)
	off := len(first) - len(payload)
	return build(uint32(off)), off
}

func TestSanitizeMP4FreesMetadataInPlace(t *testing.T) {
	in, mdat := identifyingMP4()
	for _, s := range []string{"Nguyen Van A", "+21.0285", "\x11\x11\x11\x11"} {
		if !bytes.Contains(in, []byte(s)) {
			t.Fatalf("the sample lacks %q", s)
		}
	}
	for _, typ := range []Type{MP4, M4A} {
		out := sanitizeAll(t, typ, in)
		if len(out) != len(in) {
			t.Fatalf("copy of %d bytes, want %d: offsets would move", len(out), len(in))
		}
		for _, s := range []string{"Nguyen Van A", "+21.0285", "\x11\x11\x11\x11", "udta", "meta", "uuid", "ilst"} {
			if bytes.Contains(out, []byte(s)) {
				t.Errorf("the copy still holds %q", s)
			}
		}
		if !bytes.Equal(out[mdat:], in[mdat:]) || !bytes.HasPrefix(out, in[:32]) {
			t.Error("the samples or ftyp changed")
		}
		stco := bytes.Index(out, []byte("stco"))
		if stco < 0 || int(binary.BigEndian.Uint32(out[stco+12:])) != mdat {
			t.Error("the chunk offset no longer points at the samples")
		}
		for _, b := range []string{"mvhd", "tkhd", "mdhd"} {
			i := bytes.Index(out, []byte(b))
			if i < 0 || !bytes.Contains(out[i+4:i+30], bytes.Repeat([]byte{0x22}, 4)) {
				t.Errorf("%s lost its other fields", b)
			}
		}
		// Every box still parses, and the freed ones are free boxes.
		if n := strings.Count(string(out), "free"); n != 5 {
			t.Errorf("%d free boxes, want 5", n)
		}
		if typ2, _, err := Sniff(out, 0); err != nil || typ2 != MP4 {
			t.Errorf("the copy sniffs as %v, %v", typ2, err)
		}
	}
}

func TestSanitizeMP4LargeSizeAndBadBoxes(t *testing.T) {
	ftyp := box("ftyp", []byte("isom\x00\x00\x02\x00isom"))
	large := append(binary.BigEndian.AppendUint32(nil, 1), "udta"...)
	large = binary.BigEndian.AppendUint64(large, 16+12)
	large = append(large, "Nguyen Van A"...)
	out := sanitizeAll(t, MP4, concat(ftyp, box("moov", large), box("mdat", []byte("x"))))
	if bytes.Contains(out, []byte("Nguyen")) || !bytes.Contains(out, []byte("\x00\x00\x00\x01free")) {
		t.Error("a box with a 64-bit size was not freed")
	}
	deep := box("udta")
	for range maxISODepth + 2 {
		deep = box("moov", deep)
	}
	for name, in := range map[string][]byte{
		"longer than parent": concat(ftyp, box("moov", []byte{0, 0, 0, 200, 'u', 'd', 't', 'a'})),
		"size below header":  concat(ftyp, []byte{0, 0, 0, 4, 'm', 'o', 'o', 'v'}),
		"short mvhd":         concat(ftyp, box("moov", box("mvhd", []byte{1, 0, 0, 0, 1}))),
		"nested too deep":    concat(ftyp, deep),
		"no ftyp":            box("moov"),
	} {
		t.Run(name, func(t *testing.T) {
			if _, _, err := Sanitize(MP4, bytes.NewReader(in), int64(len(in))); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Sanitize: %v, want ErrCorrupt", err)
			}
		})
	}
}
