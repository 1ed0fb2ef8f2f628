package media

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"strings"
	"unicode/utf8"

	"golang.org/x/image/webp"
)

// Sniff decides the type of a file from its first bytes: head is the first
// HeadSize bytes, or the whole file when it is shorter. The file name and the
// client's Content-Type are never consulted.
//
// For images Sniff also reads the dimensions from the header (never decoding
// pixels) and returns ErrTooManyPixels when width×height exceeds maxPixels
// (DefaultMaxPixels when maxPixels ≤ 0). A JPEG whose frame header does not
// start within head is refused, since its size cannot be checked.
//
// A ZIP container comes back as the provisional type ZIP with
// needsContainerCheck set: the caller must run CheckOffice on the whole file
// and use the type it returns. A PDF comes back as PDF with
// needsContainerCheck set: the caller must run CheckPDF on the whole file.
// No other type needs a second check.
//
// Errors wrap ErrUnsupported (not on the allowlist: executables, scripts,
// HTML, SVG and other XML, plain text, HEIC, QuickTime, anything unknown),
// ErrTooManyPixels, or ErrCorrupt (an allowed signature with a broken
// structure).
func Sniff(head []byte, maxPixels int64) (t Type, needsContainerCheck bool, err error) {
	if maxPixels <= 0 {
		maxPixels = DefaultMaxPixels
	}
	switch {
	case len(head) == 0:
		return Type{}, false, unsupported("empty file")
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return sniffJPEG(head, maxPixels)
	case bytes.HasPrefix(head, pngSignature):
		return sniffPNG(head, maxPixels)
	case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP":
		return sniffWebP(head, maxPixels)
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return sniffPDF(head)
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return ZIP, true, nil
	case len(head) >= 8 && string(head[4:8]) == "ftyp":
		return sniffFtyp(head)
	case bytes.HasPrefix(head, []byte("ID3")):
		return sniffID3(head)
	case len(head) >= 2 && head[0] == 0xFF && head[1]&0xE0 == 0xE0:
		if mpegFramesAt(head, 0) {
			return MP3, false, nil
		}
	}
	return Type{}, false, unsupported(describe(head))
}

func unsupported(why string) error { return fmt.Errorf("%w: %s", ErrUnsupported, why) }

func corruptf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrCorrupt}, args...)...)
}

func checkPixels(w, h, maxPixels int64) error {
	if w <= 0 || h <= 0 {
		return corruptf("image has no pixels (%d×%d)", w, h)
	}
	if w > maxPixels || h > maxPixels || w*h > maxPixels {
		return fmt.Errorf("%w: %d×%d", ErrTooManyPixels, w, h)
	}
	return nil
}

// sniffJPEG walks the marker segments in head up to the frame header.
func sniffJPEG(head []byte, maxPixels int64) (Type, bool, error) {
	pos := 2
	for {
		if pos >= len(head) {
			break
		}
		if head[pos] != 0xFF {
			return Type{}, false, corruptf("JPEG: expected a marker at %d", pos)
		}
		for pos < len(head) && head[pos] == 0xFF {
			pos++
		}
		if pos >= len(head) {
			break
		}
		m := head[pos]
		pos++
		switch {
		case isSOF(m):
			if pos+7 > len(head) {
				return truncatedJPEG(head)
			}
			l := int(binary.BigEndian.Uint16(head[pos:]))
			if l < 8 {
				return Type{}, false, corruptf("JPEG: short frame header")
			}
			h := int64(binary.BigEndian.Uint16(head[pos+3:]))
			w := int64(binary.BigEndian.Uint16(head[pos+5:]))
			if h == 0 {
				// The height would come later in a DNL segment, after the
				// first scan; too rare to be worth a way round the guard.
				return Type{}, false, unsupported("JPEG with height defined by DNL")
			}
			if err := checkPixels(w, h, maxPixels); err != nil {
				return Type{}, false, err
			}
			return JPEG, false, nil
		case m == 0x01 || (m >= 0xD0 && m <= 0xD7):
			// Stand-alone markers without a length.
		case m == 0x00 || m == 0xD8 || m == 0xD9 || m == 0xDA:
			return Type{}, false, corruptf("JPEG: marker 0x%02X before the frame header", m)
		default:
			if pos+2 > len(head) {
				return truncatedJPEG(head)
			}
			l := int(binary.BigEndian.Uint16(head[pos:]))
			if l < 2 {
				return Type{}, false, corruptf("JPEG: segment length %d", l)
			}
			pos += l
		}
	}
	return truncatedJPEG(head)
}

func truncatedJPEG(head []byte) (Type, bool, error) {
	if len(head) < HeadSize {
		return Type{}, false, corruptf("JPEG ends before its frame header")
	}
	return Type{}, false, unsupported("JPEG frame header not within the first HeadSize bytes")
}

// isSOF reports whether m is a start-of-frame marker (SOF0–SOF15 less DHT,
// JPG and DAC, which share the range).
func isSOF(m byte) bool {
	return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC
}

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// sniffPNG checks the IHDR chunk, which the format puts first.
func sniffPNG(head []byte, maxPixels int64) (Type, bool, error) {
	if len(head) < 33 {
		return Type{}, false, corruptf("PNG: too short for IHDR")
	}
	if binary.BigEndian.Uint32(head[8:]) != 13 || string(head[12:16]) != "IHDR" {
		return Type{}, false, corruptf("PNG: first chunk is not IHDR")
	}
	if crc32.ChecksumIEEE(head[12:29]) != binary.BigEndian.Uint32(head[29:]) {
		return Type{}, false, corruptf("PNG: IHDR checksum mismatch")
	}
	w := binary.BigEndian.Uint32(head[16:])
	h := binary.BigEndian.Uint32(head[20:])
	if w > 1<<31-1 || h > 1<<31-1 {
		return Type{}, false, corruptf("PNG: dimension out of range")
	}
	depth, ct := head[24], head[25]
	ok := false
	switch ct {
	case 0:
		ok = depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16
	case 3:
		ok = depth == 1 || depth == 2 || depth == 4 || depth == 8
	case 2, 4, 6:
		ok = depth == 8 || depth == 16
	}
	if !ok || head[26] != 0 || head[27] != 0 || head[28] > 1 {
		return Type{}, false, corruptf("PNG: invalid IHDR fields")
	}
	if err := checkPixels(int64(w), int64(h), maxPixels); err != nil {
		return Type{}, false, err
	}
	return PNG, false, nil
}

// sniffWebP reads the canvas size of an extended WebP itself (so that
// absurd sizes give ErrTooManyPixels) and leaves the simple lossy and
// lossless headers to x/image/webp.
func sniffWebP(head []byte, maxPixels int64) (Type, bool, error) {
	if len(head) < 20 {
		return Type{}, false, corruptf("WebP: too short")
	}
	if binary.LittleEndian.Uint32(head[4:]) < 12 {
		return Type{}, false, corruptf("WebP: RIFF size too small")
	}
	switch string(head[12:16]) {
	case "VP8X":
		if binary.LittleEndian.Uint32(head[16:]) != 10 || len(head) < 30 {
			return Type{}, false, corruptf("WebP: bad VP8X chunk")
		}
		w := int64(uint32(head[24])|uint32(head[25])<<8|uint32(head[26])<<16) + 1
		h := int64(uint32(head[27])|uint32(head[28])<<8|uint32(head[29])<<16) + 1
		if err := checkPixels(w, h, maxPixels); err != nil {
			return Type{}, false, err
		}
		return WebP, false, nil
	case "VP8 ", "VP8L":
		cfg, err := webp.DecodeConfig(bytes.NewReader(head))
		if err != nil {
			return Type{}, false, corruptf("WebP: %v", err)
		}
		if err := checkPixels(int64(cfg.Width), int64(cfg.Height), maxPixels); err != nil {
			return Type{}, false, err
		}
		return WebP, false, nil
	}
	return Type{}, false, corruptf("WebP: unknown first chunk %q", head[12:16])
}

// sniffPDF accepts "%PDF-1.x" or "%PDF-2.x" at offset 0 only: readers that
// tolerate leading junk are what PDF polyglots rely on. What follows the
// header line must be a comment or an object, and no HTML tag may appear in
// the first KiB, where browsers and mail scanners look for one: a "PDF"
// that is HTML after its header is refused. The rest of the file is checked
// by CheckPDF (needsContainerCheck).
func sniffPDF(head []byte) (Type, bool, error) {
	if len(head) < 8 || (head[5] != '1' && head[5] != '2') || head[6] != '.' || head[7] < '0' || head[7] > '9' {
		return Type{}, false, corruptf("PDF: bad version in header")
	}
	rest := head[8:]
	if i := bytes.IndexAny(rest, "\r\n"); i >= 0 {
		if line := bytes.Trim(rest[:i], " \t\f\x00"); len(line) > 0 && line[0] != '%' {
			return Type{}, false, unsupported("PDF with text after its header")
		}
		rest = bytes.TrimLeft(rest[i:], " \t\r\n\f\x00")
		if len(rest) > 0 && rest[0] != '%' && (rest[0] < '0' || rest[0] > '9') {
			return Type{}, false, unsupported("PDF with something else than an object after its header")
		}
	} else if len(head) >= HeadSize {
		return Type{}, false, unsupported("PDF header line too long")
	}
	if htmlTag(head[:min(len(head), 1024)]) != "" {
		return Type{}, false, unsupported("PDF with HTML in its first KiB")
	}
	return PDF, true, nil
}

// sniffFtyp classifies an ISO base media file by its ftyp box. The major
// brand decides; an "M4A " brand anywhere makes an audio file. Audio-only
// MP4s written with a generic brand (isom, mp42) come out as MP4, which
// browsers play all the same.
func sniffFtyp(head []byte) (Type, bool, error) {
	size := binary.BigEndian.Uint32(head)
	if size < 16 || size > 4096 || size%4 != 0 {
		return Type{}, false, corruptf("MP4: bad ftyp box size %d", size)
	}
	if int(size) > len(head) {
		return Type{}, false, corruptf("MP4: truncated ftyp box")
	}
	major := string(head[8:12])
	audio := major == "M4A " || major == "M4B "
	for i := 16; i+4 <= int(size); i += 4 {
		if string(head[i:i+4]) == "M4A " {
			audio = true
		}
	}
	switch major {
	case "heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "mif2", "msf1", "avif", "avis":
		return Type{}, false, unsupported("HEIF/AVIF image")
	case "qt  ":
		return Type{}, false, unsupported("QuickTime movie")
	case "M4P ":
		return Type{}, false, unsupported("DRM-protected audio")
	case "M4A ", "M4B ":
		return M4A, false, nil
	case "isom", "iso2", "iso3", "iso4", "iso5", "iso6", "iso7", "iso8", "iso9",
		"mp41", "mp42", "avc1", "M4V ", "M4VH", "M4VP", "dash", "mmp4", "MSNV", "XAVC":
		if audio {
			return M4A, false, nil
		}
		return MP4, false, nil
	}
	if strings.HasPrefix(major, "3gp") || strings.HasPrefix(major, "3g2") {
		return Type{}, false, unsupported("3GP movie")
	}
	return Type{}, false, unsupported(fmt.Sprintf("ISO media with brand %q", major))
}

// sniffID3 skips ID3v2 tags and looks for MPEG audio frames after them. A
// tag that runs past a full head (large cover art) cannot be looked past and
// is accepted as MP3 on its own.
func sniffID3(head []byte) (Type, bool, error) {
	whole := len(head) < HeadSize // head is the whole file
	pos := 0
	for tags := 0; pos+3 <= len(head) && string(head[pos:pos+3]) == "ID3"; tags++ {
		if tags == 8 {
			return Type{}, false, corruptf("MP3: too many ID3 tags")
		}
		if pos+10 > len(head) {
			if whole {
				return Type{}, false, corruptf("MP3: truncated ID3 header")
			}
			return MP3, false, nil
		}
		h := head[pos:]
		if h[3] < 2 || h[3] > 4 || h[4] == 0xFF || h[6]|h[7]|h[8]|h[9] >= 0x80 {
			return Type{}, false, corruptf("MP3: bad ID3v2 header")
		}
		n := 10 + (int(h[6])<<21 | int(h[7])<<14 | int(h[8])<<7 | int(h[9]))
		if h[5]&0x10 != 0 {
			n += 10 // footer
		}
		pos += n
	}
	if pos >= len(head) {
		if !whole {
			return MP3, false, nil
		}
		if pos > len(head) {
			return Type{}, false, corruptf("MP3: ID3 tag longer than the file")
		}
		return Type{}, false, unsupported("ID3 tag without audio")
	}
	// Encoders leave padding or junk between the tag and the first frame;
	// look a little way for two consecutive frame headers.
	end := min(len(head), pos+64<<10)
	for i := pos; i+4 <= end; i++ {
		if head[i] == 0xFF && mpegFramesAt(head, i) {
			return MP3, false, nil
		}
	}
	if end == len(head) && !whole {
		return MP3, false, nil // the frames may start past head
	}
	return Type{}, false, unsupported("ID3 tag without MPEG audio frames")
}

// mpegFramesAt reports whether an MPEG audio Layer III frame header is at
// b[i] and, when b is long enough, a matching one right after that frame.
func mpegFramesAt(b []byte, i int) bool {
	n, ok := mpegFrame(b, i)
	if !ok {
		return false
	}
	if i+n+4 > len(b) {
		return true
	}
	m, ok := mpegFrame(b, i+n)
	return ok && m > 0 && b[i+1] == b[i+n+1] && (b[i+2]^b[i+n+2])&0x0C == 0
}

var (
	mpeg1L3Kbps = [16]int{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0}
	mpeg2L3Kbps = [16]int{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0}
	mpegRates   = [4][3]int{{11025, 12000, 8000}, {}, {22050, 24000, 16000}, {44100, 48000, 32000}}
)

// mpegFrame parses a Layer III frame header at b[i] and returns the frame's
// length. Free-format bitrates are refused: their frames have no length.
func mpegFrame(b []byte, i int) (int, bool) {
	if i < 0 || i+4 > len(b) || b[i] != 0xFF || b[i+1]&0xE0 != 0xE0 {
		return 0, false
	}
	version := (b[i+1] >> 3) & 3 // 0: MPEG 2.5, 1: reserved, 2: MPEG 2, 3: MPEG 1
	layer := (b[i+1] >> 1) & 3   // 1: Layer III
	bitrate := b[i+2] >> 4
	rate := (b[i+2] >> 2) & 3
	pad := int((b[i+2] >> 1) & 1)
	if version == 1 || layer != 1 || bitrate == 0 || bitrate == 15 || rate == 3 || b[i+3]&3 == 2 {
		return 0, false
	}
	sr := mpegRates[version][rate]
	if version == 3 {
		return 144000*mpeg1L3Kbps[bitrate]/sr + pad, true
	}
	return 72000*mpeg2L3Kbps[bitrate]/sr + pad, true
}

// describe names what a refused file looks like, for logs.
func describe(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("MZ")):
		return "Windows executable"
	case bytes.HasPrefix(head, []byte("\x7fELF")):
		return "ELF executable"
	case bytes.HasPrefix(head, []byte{0xFE, 0xED, 0xFA, 0xCE}), bytes.HasPrefix(head, []byte{0xFE, 0xED, 0xFA, 0xCF}),
		bytes.HasPrefix(head, []byte{0xCE, 0xFA, 0xED, 0xFE}), bytes.HasPrefix(head, []byte{0xCF, 0xFA, 0xED, 0xFE}):
		return "Mach-O executable"
	case bytes.HasPrefix(head, []byte{0xCA, 0xFE, 0xBA, 0xBE}):
		return "Mach-O universal binary or Java class"
	case bytes.HasPrefix(head, []byte("#!")):
		return "script"
	case bytes.HasPrefix(head, []byte("PK")):
		return "empty or spanned ZIP"
	}
	text := bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF"))
	text = bytes.TrimLeft(text, " \t\r\n\f")
	if len(text) > 0 && text[0] == '<' {
		lower := bytes.ToLower(text[:min(len(text), 64)])
		for _, p := range []string{"<!doctype html", "<html", "<head", "<body", "<script", "<iframe", "<!--"} {
			if bytes.HasPrefix(lower, []byte(p)) {
				return "HTML"
			}
		}
		if bytes.HasPrefix(lower, []byte("<?xml")) || bytes.HasPrefix(lower, []byte("<svg")) {
			return "XML or SVG"
		}
		return "markup"
	}
	if bytes.HasPrefix(head, []byte("\xFE\xFF")) || bytes.HasPrefix(head, []byte("\xFF\xFE")) {
		return "UTF-16 text"
	}
	if utf8.Valid(head[:max(0, len(head)-utf8.UTFMax)]) && bytes.IndexByte(head, 0) < 0 {
		return "text"
	}
	return "unknown content"
}
