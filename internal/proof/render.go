package proof

import (
	"bytes"
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/text/unicode/norm"
)

// DejaVu Sans covers Vietnamese; Go's own fonts do not. See fonts/README.md.
var (
	//go:embed fonts/DejaVuSans.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	fontBold []byte
)

const fontFamily = "dejavu"

// vietnam is the time zone the page states times in. Vietnam has kept UTC+7 without daylight
// saving since 1975, so the fixed zone is exact when the system lacks time-zone data.
var vietnam = sync.OnceValue(func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Ho_Chi_Minh"); err == nil {
		return loc
	}
	return time.FixedZone("ICT", 7*60*60)
})

// words is the human-readable text of a proof in one language.
type words struct {
	lang        string // the PDF's /Lang
	title       string
	intro       string
	code        string
	kind        string
	kinds       map[string]string
	anonymous   string
	submitted   string
	timeSuffix  string
	contentHash string
	attachments string
	none        string
	signature   string
	keyID       string
	algorithm   string
	sigText     string
	howTo       string
	howToOpen   string // before the verification page's address
	howToOnly   string // after it
	page        string
	decimal     string
	thousands   string
	bytes       string
}

var vocabulary = map[string]words{
	"vi": {
		lang:  "vi-VN",
		title: "Giấy xác nhận đã gửi phản ánh",
		intro: "Cổng Minh Bạch xác nhận đã nhận phản ánh có các thông tin dưới đây. " +
			"Giấy này không chứa thông tin nhận dạng người gửi và không chứa mã bí mật (mã này chỉ hiển thị cho người gửi một lần, khi gửi đơn).",
		code: "Mã theo dõi",
		kind: "Loại",
		kinds: map[string]string{
			KindFeedback:     "Phản ánh, kiến nghị",
			KindComplaint:    "Khiếu nại",
			KindDenunciation: "Tố cáo",
		},
		anonymous:   "Phản ánh, kiến nghị (tố cáo nặc danh, được xử lý như phản ánh)",
		submitted:   "Thời điểm gửi",
		timeSuffix:  "(giờ Việt Nam)",
		contentHash: "Mã băm SHA-256 của nội dung đã gửi",
		attachments: "Tệp đính kèm",
		none:        "Không có",
		signature:   "Chữ ký số",
		keyID:       "Mã khóa ký",
		algorithm:   "Thuật toán",
		sigText:     "Chữ ký (base64)",
		howTo:       "Cách kiểm tra",
		howToOpen:   "Để kiểm tra giấy này là thật và chưa bị sửa, mở trang dưới đây và chọn (hoặc kéo thả) nguyên tệp PDF này:",
		howToOnly:   "Chỉ tệp gốc được xác nhận: tệp bị sửa dù chỉ một byte, hoặc bản in, sẽ không được xác nhận.",
		page:        "Trang",
		decimal:     ",",
		thousands:   ".",
		bytes:       "byte",
	},
	"en": {
		lang:  "en",
		title: "Proof of filing",
		intro: "The Minh Bạch portal confirms that it received the report described below. " +
			"This document contains no information identifying the sender nor the secret code (shown to the sender only once, when filing).",
		code: "Tracking code",
		kind: "Kind",
		kinds: map[string]string{
			KindFeedback:     "Feedback",
			KindComplaint:    "Complaint",
			KindDenunciation: "Denunciation",
		},
		anonymous:   "Feedback (anonymous denunciation, handled as feedback)",
		submitted:   "Submitted at",
		timeSuffix:  "(Vietnam time)",
		contentHash: "SHA-256 of the submitted content",
		attachments: "Attachments",
		none:        "None",
		signature:   "Digital signature",
		keyID:       "Key id",
		algorithm:   "Algorithm",
		sigText:     "Signature (base64)",
		howTo:       "How to verify",
		howToOpen:   "To check that this document is genuine and unaltered, open the page below and choose (or drop) this PDF file there, unchanged:",
		howToOnly:   "Only the original file verifies: a file changed by even one byte, or a printout, does not.",
		page:        "Page",
		decimal:     ".",
		thousands:   ",",
		bytes:       "bytes",
	},
}

func otherLanguage(lang string) string {
	if lang == "en" {
		return "vi"
	}
	return "en"
}

func (w words) kindWords(f Filing) string {
	if f.AnonymousDenunciation {
		return w.anonymous
	}
	return w.kinds[f.Kind]
}

// vietnamTime formats t as "27/11/2026 20:37 (giờ Việt Nam)".
func (w words) vietnamTime(t time.Time) string {
	return t.In(vietnam()).Format("02/01/2006 15:04") + " " + w.timeSuffix
}

// size formats n as "1,2 MB (1.234.567 byte)" in the language's conventions (decimal units).
func (w words) size(n int64) string {
	exact := w.group(n) + " " + w.bytes
	if n < 1000 {
		return exact
	}
	units := []string{"kB", "MB", "GB", "TB", "PB", "EB"}
	v, u := float64(n)/1000, 0
	for v >= 999.95 && u < len(units)-1 {
		v /= 1000
		u++
	}
	short := strings.Replace(strconv.FormatFloat(v, 'f', 1, 64), ".", w.decimal, 1)
	return short + " " + units[u] + " (" + exact + ")"
}

func (w words) group(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(w.thousands)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// printable makes s safe to draw: NFC (file names from macOS arrive decomposed, and fpdf places
// combining marks badly), and U+FFFD for control characters and for characters outside the
// Basic Multilingual Plane, which fpdf refuses. The signed payload keeps the original string.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r > 0xFFFF {
			return unicode.ReplacementChar
		}
		return r
	}, norm.NFC.String(s))
}

// Page geometry, in millimetres (A4).
const (
	marginLeft   = 18.0
	marginTop    = 16.0
	marginBottom = 18.0
	contentWidth = 210 - 2*marginLeft
	indent       = 4.0
)

// sheet wraps fpdf with the few styles a proof uses.
type sheet struct {
	*fpdf.Fpdf
}

func (s sheet) style(bold bool, size float64, gray int) {
	st := ""
	if bold {
		st = "B"
	}
	s.SetFont(fontFamily, st, size)
	s.SetTextColor(gray, gray, gray)
}

// label draws "Mã theo dõi · Tracking code": the first language in bold, the other in gray.
func (s sheet) label(first, second string) {
	s.Ln(2.2)
	s.SetX(marginLeft)
	s.style(true, 9.5, 40)
	w := s.GetStringWidth(first)
	s.CellFormat(w, 5.2, first, "", 0, "L", false, 0, "")
	s.style(false, 8.5, 110)
	s.CellFormat(0, 5.2, " · "+second, "", 1, "L", false, 0, "")
}

// line draws one unwrapped line, indented under its label.
func (s sheet) line(text string, bold bool, size float64, gray int, h float64) {
	s.SetX(marginLeft + indent)
	s.style(bold, size, gray)
	s.CellFormat(0, h, text, "", 1, "L", false, 0, "")
}

// para draws wrapped text, indented under its label.
func (s sheet) para(text string, bold bool, size float64, gray int, h float64) {
	s.SetX(marginLeft + indent)
	s.style(bold, size, gray)
	s.MultiCell(contentWidth-indent, h, text, "", "L", false)
}

// layout draws the proof and returns the PDF, with the seal still to be written in its XMP.
// verifyURL is the verification page's address, printed in the how-to-verify text.
func layout(f Filing, keyID, verifyURL string, sig, xmp []byte, compress bool) ([]byte, error) {
	w, o := vocabulary[f.Language], vocabulary[otherLanguage(f.Language)]

	doc := fpdf.New("P", "mm", "A4", "")
	doc.SetCompression(compress)
	doc.SetCatalogSort(true) // deterministic output
	doc.SetCreationDate(f.SubmittedAt)
	doc.SetModificationDate(f.SubmittedAt)
	doc.SetTitle(w.title+" "+f.TrackingCode, true)
	doc.SetSubject(o.title+" "+f.TrackingCode, true)
	doc.SetAuthor("Minh Bạch", true)
	doc.SetCreator("Minh Bạch", true)
	doc.SetProducer("Minh Bạch", true)
	doc.SetLang(w.lang)
	doc.SetXmpMetadata(xmp)
	doc.AliasNbPages("")
	doc.AddUTF8FontFromBytes(fontFamily, "", fontRegular)
	doc.AddUTF8FontFromBytes(fontFamily, "B", fontBold)
	doc.SetMargins(marginLeft, marginTop, marginLeft)
	doc.SetAutoPageBreak(true, marginBottom)
	s := sheet{doc}
	doc.SetFooterFunc(func() {
		doc.SetY(-13)
		s.style(false, 7.5, 120)
		doc.CellFormat(contentWidth/2, 5, "Minh Bạch · "+f.TrackingCode, "", 0, "L", false, 0, "")
		doc.CellFormat(contentWidth/2, 5, fmt.Sprintf("%s %d/{nb}", w.page, doc.PageNo()), "", 0, "R", false, 0, "")
	})
	doc.AddPage()

	// Heading.
	s.style(true, 9, 120)
	doc.CellFormat(0, 5, "MINH BẠCH", "", 1, "L", false, 0, "")
	s.style(true, 19, 20)
	doc.MultiCell(0, 9, w.title, "", "L", false)
	s.style(false, 12, 110)
	doc.CellFormat(0, 6.5, o.title, "", 1, "L", false, 0, "")
	doc.SetDrawColor(170, 40, 40)
	doc.SetLineWidth(0.6)
	doc.Line(marginLeft+1, doc.GetY()+2, marginLeft+contentWidth-1, doc.GetY()+2) // 1 mm: the cells' text margin
	doc.Ln(5)
	s.style(false, 9.5, 30)
	doc.MultiCell(0, 4.8, w.intro, "", "L", false)
	s.style(false, 8.5, 110)
	doc.MultiCell(0, 4.3, o.intro, "", "L", false)
	doc.Ln(1)

	s.label(w.code, o.code)
	s.line(f.TrackingCode, true, 17, 20, 8.5)

	s.label(w.kind, o.kind)
	s.line(w.kindWords(f), false, 10.5, 20, 5.5)
	s.line(o.kindWords(f), false, 8.5, 110, 4.5)

	s.label(w.submitted, o.submitted)
	s.line(w.vietnamTime(f.SubmittedAt), false, 10.5, 20, 5.5)
	s.line(o.vietnamTime(f.SubmittedAt)+" · UTC "+f.SubmittedAt.Format(time.RFC3339), false, 8.5, 110, 4.5)

	s.label(w.contentHash, o.contentHash)
	s.line(f.ContentHash, false, 9, 20, 5.5)

	s.label(fmt.Sprintf("%s (%d)", w.attachments, len(f.Attachments)), fmt.Sprintf("%s (%d)", o.attachments, len(f.Attachments)))
	if len(f.Attachments) == 0 {
		s.line(w.none+" · "+o.none, false, 10, 20, 5.5)
	}
	for i, a := range f.Attachments {
		s.para(fmt.Sprintf("%d. %s", i+1, printable(a.Name)), false, 10, 20, 5.2)
		s.line("    "+w.size(a.Size), false, 8.5, 60, 4.4)
		s.line("    SHA-256: "+a.SHA256, false, 8.5, 60, 4.4)
		doc.Ln(0.8)
	}

	s.label(w.signature, o.signature)
	s.line(fmt.Sprintf("%s · %s: %s     %s · %s: Ed25519", w.keyID, o.keyID, keyID, w.algorithm, o.algorithm), false, 9, 40, 5)
	s.line(w.sigText+" · "+o.sigText+":", false, 9, 40, 5)
	text := b64.EncodeToString(sig)
	s.line(text[:len(text)/2], false, 9, 20, 4.6)
	s.line(text[len(text)/2:], false, 9, 20, 4.6)

	s.label(w.howTo, o.howTo)
	s.para(w.howToOpen, false, 9.5, 30, 4.8)
	s.line(verifyURL, true, 10.5, 20, 6)
	s.para(w.howToOnly, false, 9.5, 30, 4.8)
	doc.Ln(1)
	s.para(o.howToOpen, false, 8.5, 110, 4.3)
	s.line(verifyURL, false, 8.5, 110, 4.6)
	s.para(o.howToOnly, false, 8.5, 110, 4.3)

	var buf bytes.Buffer
	if err := doc.Output(&buf); err != nil {
		return nil, fmt.Errorf("proof: render PDF: %w", err)
	}
	return buf.Bytes(), nil
}
