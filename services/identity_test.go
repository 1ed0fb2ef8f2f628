package services

import "testing"

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
