package services

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestContainsIdentity(t *testing.T) {
	id := Identity{Name: "Nguyễn Văn Đức", Phone: "0912 345 678", Email: "duc.nv@example.org",
		Address: "12 Lê Lợi, Bến Thành", NationalID: "079188004455"}
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"Cán bộ tại quầy số 3 đã bị kỷ luật khiển trách.", false},
		{"Phản ánh được xác minh trong 30 ngày, hoàn trả 2.000.000 đồng.", false},
		{"Ông Nguyễn Văn Đức phản ánh đúng.", true},
		{"ông nguyen van duc phan anh dung", true}, // no diacritics, lower case
		{"NGUYỄN  VĂN   ĐỨC", true},
		{"Nguyễn Văn Đứcs", false}, // a different word
		{"Liên hệ 0912.345.678", true},
		{"số 0912345678", true},
		{"CCCD 079188004455", true},
		{"Gửi tới duc.nv@example.org", true},
		{"any@address.vn", true},       // anything that looks like an e-mail
		{"Hotline 1900 1234 56", true}, // 9+ digits: phone-like
		{"Tại 12 Lê Lợi, Bến Thành", true},
		{"Năm 2026, quý 4", false},
	} {
		if got := ContainsIdentity(tc.text, id); got != tc.want {
			t.Errorf("ContainsIdentity(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
	// An anonymous report: only the patterns apply.
	if ContainsIdentity("Ông Nguyễn Văn Đức", Identity{}) {
		t.Error("a name matched without an identity")
	}
}

func FuzzContainsIdentity(f *testing.F) {
	f.Add("Ông Nguyễn Văn Đức 0912345678", "Nguyễn Văn Đức", "0912345678")
	f.Fuzz(func(t *testing.T, text, name, phone string) {
		id := Identity{Name: name, Phone: phone}
		ContainsIdentity(text, id) // never panics
		// Adding the name (3+ letters after folding) to any text must be caught.
		if f := foldText(name); len([]rune(f)) >= 3 && !ContainsIdentity(text+" "+name+" ", id) {
			t.Fatalf("name %q appended to %q not caught", name, text)
		}
	})
}

// The identities the disguise tables are checked against: a distinctive
// given name (Thoa), an ordinary one (Minh: "văn minh", "minh bạch"), and
// the name of the brief's example.
var (
	idThoa = Identity{Name: "Phạm Thị Thoa", Phone: "0912 345 678", Email: "thoa.pham84@gmail.com",
		Address: "27/4 Nguyễn Đình Chiểu, phường Đa Kao, quận 1", NationalID: "079184001234"}
	idMinh  = Identity{Name: "Nguyễn Văn Minh", Phone: "0987654321", Address: "12 Lê Lợi, Bến Thành"}
	idDtest = Identity{Name: "Trần Văn Dtest", Phone: "0903111222"}
)

// TestPublicSummaryDisguisesRefused: every way the complainant's identity
// or contact data reached the public feed — reordered or partial names,
// house number with street, numbers in any separators, obfuscated e-mail
// addresses — is refused, and the refusal names the words, which are
// always parts of the summary itself.
func TestPublicSummaryDisguisesRefused(t *testing.T) {
	for _, tc := range []struct {
		id   Identity
		text string
		word string // one of the flagged words
	}{
		// Names.
		{idThoa, "Bà Thoa phản ánh đúng.", "Bà Thoa"},
		{idThoa, "bà thoa phản ánh đúng", "bà thoa"},
		{idThoa, "ba thoa phan anh dung", "thoa"},
		{idThoa, "THOA đã được xin lỗi.", "THOA"},
		{idThoa, "Người phản ánh, Thoa, đã được trả lời.", "Thoa"},
		{idThoa, "Chị Thoa (Phạm Thị) được hoàn tiền.", "Thoa (Phạm Thị"},
		{idThoa, "Phạm Thoa được hoàn tiền.", "Phạm Thoa"},
		{idThoa, "Thoa Phạm được hoàn tiền.", "Thoa Phạm"},
		{idThoa, "Thị Thoa được hoàn tiền.", "Thị Thoa"},
		{idThoa, "Phạm-Thị-Thoa được hoàn tiền.", "Phạm-Thị-Thoa"},
		{idThoa, "Pham_Thi_Thoa duoc hoan tien", "Pham_Thi_Thoa"},
		{idThoa, "Pha\u0323m Thi\u0323 Thoa (decomposed)", "Phạm Thị Thoa"},
		{idMinh, "Ông Minh phản ánh đúng.", "Ông Minh"},
		{idMinh, "Đã xin lỗi anh Minh.", "anh Minh"},
		{idMinh, "Cán bộ đã gọi điện cho Minh để xin lỗi.", "Minh"},
		{idMinh, "Minh Nguyễn đã nhận lại tiền.", "Minh Nguyễn"},
		{idMinh, "nguyen van minh", "nguyen van minh"},
		{idMinh, "Trả lời Văn Minh về việc thu phí.", "Văn Minh"},
		{idMinh, "Minh, Nguyễn Văn: đã trả lời.", "Minh, Nguyễn Văn"},
		{idMinh, "Công dân Minh được hướng dẫn.", "dân Minh"},
		{idDtest, "Ông Dtest (Trần Văn) đã được trả lời.", "Dtest (Trần Văn"},
		{idDtest, "dtest", "dtest"},
		{idDtest, "Ông Trần Văn đã được trả lời.", "Trần Văn"},
		// House number with street.
		{idThoa, "Tại 27/4 Nguyễn Đình Chiểu có trạm thu phí.", "27/4 Nguyễn Đình"},
		{idThoa, "nhà số 27/4 đường Nguyễn Đình Chiểu", "27/4 đường Nguyễn Đình"},
		{idThoa, "nha 27/4 Nguyen Dinh Chieu", "27/4 Nguyen Dinh"},
		{idThoa, "đường Nguyễn Đình Chiểu số 27/4", "Nguyễn Đình Chiểu số 27/4"},
		{idThoa, "27 / 4 Nguyễn Đình Chiểu", "27 / 4 Nguyễn Đình"},
		{idMinh, "Tại 12 Lê Lợi, Bến Thành", "12 Lê Lợi"},
		{idMinh, "Lê Lợi 12", "Lê Lợi 12"},
		// Phones.
		{idThoa, "Liên hệ 0912 345 678", "0912 345 678"},
		{idThoa, "Liên hệ 0912/345/678", "0912/345/678"},
		{idThoa, "Liên hệ 0912-345-678", "0912-345-678"},
		{idThoa, "Liên hệ (0912) 345.678", "0912) 345.678"},
		{idThoa, "Liên hệ +84 912 345 678", "84 912 345 678"},
		{idThoa, "Liên hệ 84912345678", "84912345678"},
		{idThoa, "Liên hệ 0 9 1 2 3 4 5 6 7 8", "0 9 1 2 3 4 5 6 7 8"},
		{idThoa, "Liên hệ 0912 . 345 . 678", "0912 . 345 . 678"},
		{idThoa, "Liên hệ 0912_345_678", "0912_345_678"},
		{idThoa, "Số đuôi 345678", "345678"},
		{idThoa, "Số 0912 345 ***", "0912 345"},
		{idThoa, "Gọi 0912 rồi 345 rồi 678", "0912"},
		{idMinh, "liên hệ 0987/654/321 hoặc 0909.888.777", "0909.888.777"},
		// ID numbers.
		{idThoa, "CCCD 079184001234", "079184001234"},
		{idThoa, "CCCD 079 184 001 234", "079 184 001 234"},
		{idThoa, "CCCD 079.184.001.234", "079.184.001.234"},
		{idThoa, "CCCD 0791-8400-1234", "0791-8400-1234"},
		{idMinh, "CMND 123456789", "123456789"},
		// E-mail addresses.
		{idThoa, "Gửi thoa.pham84@gmail.com", "thoa.pham84@gmail.com"},
		{idThoa, "Gửi thoa.pham84 [at] gmail [dot] com", "thoa.pham84 [at] gmail [dot] com"},
		{idThoa, "Gửi thoa.pham84(at)gmail(dot)com", "thoa.pham84(at)gmail(dot)com"},
		{idThoa, "Gửi thoa.pham84 at gmail dot com", "thoa.pham84 at gmail dot com"},
		{idThoa, "Gửi thoa.pham84 @ gmail . com", "thoa.pham84 @ gmail . com"},
		{idThoa, "Gửi thoa.pham84＠gmail．com", "thoa.pham84＠gmail．com"},
		{idThoa, "Gửi thoa.pham84 a còng gmail chấm com", "thoa.pham84 a còng gmail chấm com"},
		{idThoa, "Gửi thoa pham84 gmail com", "thoa pham84"},
		{idThoa, "THOA.PHAM84 [AT] GMAIL [DOT] COM", "THOA.PHAM84 [AT] GMAIL [DOT] COM"},
		{idMinh, "someone{at}example{dot}org", "someone{at}example{dot}org"},
		{idMinh, "x <at> y <dot> vn", "x <at> y <dot> vn"},
	} {
		words := IdentityMatches(tc.text, tc.id)
		if len(words) == 0 {
			t.Errorf("%q passed the identity check", tc.text)
			continue
		}
		if !slices.Contains(words, tc.word) {
			t.Errorf("%q: flagged %q, want %q among them", tc.text, words, tc.word)
		}
		for _, w := range words {
			if !strings.Contains(norm.NFC.String(tc.text), w) {
				t.Errorf("%q: flagged %q, which is not in the text", tc.text, w)
			}
		}
	}
}

// TestPublicSummaryOrdinaryTextPasses: ordinary summaries pass, including
// everyday words that equal the complainant's given name ("văn minh",
// "minh bạch"), place names that contain it ("Thủ Đức"), money, dates,
// years and small numbers.
func TestPublicSummaryOrdinaryTextPasses(t *testing.T) {
	idDuc := Identity{Name: "Lê Văn Đức", Phone: "0911222333", Address: "5 Trần Hưng Đạo, Phạm Ngũ Lão"}
	for _, tc := range []struct {
		id   Identity
		text string
	}{
		{idMinh, "Cán bộ phường đã ứng xử văn minh hơn sau khi bị nhắc nhở."},
		{idMinh, "Quy trình thu phí được công khai, minh bạch."},
		{idMinh, "Minh bạch là yêu cầu bắt buộc của thủ tục này."},
		{idMinh, "Văn minh đô thị được cải thiện."},
		{idMinh, "Đường Lê Lợi đã được sửa chữa."},
		{idMinh, "Có 12 cán bộ ở phường Bến Thành được tập huấn."},
		{idMinh, "Cán bộ Thành và Tâm đã bị kiểm điểm."},
		{idMinh, "Ông Trưởng phòng Tài nguyên đã bị kỷ luật."},
		{idDuc, "UBND thành phố Thủ Đức đã xin lỗi người dân."},
		{idDuc, "Cán bộ thiếu đạo đức công vụ đã bị kỷ luật."},
		{idDuc, "Văn bản trả lời đã được gửi."},
		{idDuc, "Đường Trần Hưng Đạo số nhà chẵn được lắp đèn."},
		{idThoa, "Hoàn trả 1.500.000.000 đồng cho người dân."},
		{idThoa, "Hoàn trả 2.000.000 đồng, phạt 15.000.000 đồng."},
		{idThoa, "Từ 01/01/2026 đến 31/03/2026 đã xử lý 12 trường hợp."},
		{idThoa, "Kỳ 01/01/2026-31/03/2026 đã xử lý xong."},
		{idThoa, "Trong các năm 2023, 2024, 2025 không có vi phạm."},
		{idThoa, "Giai đoạn 2024-2025, quý 4."},
		{idThoa, "Quận 1 đã tiếp thu; tổng đài 1022 hỗ trợ."},
		{idThoa, "Cán bộ tại quầy số 3 đã bị kỷ luật khiển trách."},
		{idThoa, "Kết quả: chấm dứt hành vi sách nhiễu tại bộ phận một cửa."},
		{idThoa, "The officer at the ward office apologised. Then the fee was refunded."},
		{idThoa, "Phản ánh đúng một phần; công an phường đã tiếp nhận hồ sơ."},
		{idThoa, "Người dân được hướng dẫn nộp hồ sơ trực tuyến."},
		{Identity{}, "Ông Nguyễn Văn Đức phản ánh đúng."}, // anonymous: only the patterns apply
	} {
		if words := IdentityMatches(tc.text, tc.id); len(words) != 0 {
			t.Errorf("%q refused for %q", tc.text, words)
		}
	}
}
