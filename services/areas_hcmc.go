package services

// HCMCAreas is a sample of Ho Chi Minh City's area tree after the 2025
// reorganisation (effective 1 July 2025: the city absorbed Bình Dương and
// Bà Rịa – Vũng Tàu, districts were abolished and 168 wards, communes and
// one special zone now sit directly under the city). It is demonstration
// data, not the official register:
//
//   - The first entries repeat DefaultAreas exactly, codes included, because
//     databases seeded with DefaultAreas already hold them and reports refer
//     to them.
//   - The other codes come from an unofficial public compilation of the new
//     wards and were not checked against the official list of codes
//     (Decision 19/2025/QĐ-TTg). Entries whose code in that compilation
//     collides with a DefaultAreas code are left out. An admin replaces or
//     corrects them from the official list before production use.
//
// Wards (phường) and communes (xã) are both at the "commune" level.
var HCMCAreas = []Area{
	// DefaultAreas, unchanged.
	{Code: "79", Level: AreaProvince, Name: Text{VI: "Thành phố Hồ Chí Minh", EN: "Ho Chi Minh City"}},
	{Code: "26734", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Tân Định", EN: "Tan Dinh Ward"}},
	{Code: "26740", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Sài Gòn", EN: "Sai Gon Ward"}},
	{Code: "26743", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Bến Thành", EN: "Ben Thanh Ward"}},
	{Code: "26758", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Cầu Ông Lãnh", EN: "Cau Ong Lanh Ward"}},
	{Code: "27139", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Chợ Lớn", EN: "Cho Lon Ward"}},
	{Code: "26944", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Bình Thạnh", EN: "Binh Thanh Ward"}},
	{Code: "27595", Parent: "79", Level: AreaCommune, Name: Text{VI: "Xã Củ Chi", EN: "Cu Chi Commune"}},
	{Code: "27673", Parent: "79", Level: AreaCommune, Name: Text{VI: "Xã Cần Giờ", EN: "Can Gio Commune"}},

	// Former inner districts.
	{Code: "27154", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Bàn Cờ", EN: "Ban Co Ward"}},
	{Code: "27142", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Nhiêu Lộc", EN: "Nhieu Loc Ward"}},
	{Code: "27259", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Xóm Chiếu", EN: "Xom Chieu Ward"}},
	{Code: "27265", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Khánh Hội", EN: "Khanh Hoi Ward"}},
	{Code: "27286", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Vĩnh Hội", EN: "Vinh Hoi Ward"}},
	{Code: "27301", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Chợ Quán", EN: "Cho Quan Ward"}},
	{Code: "27316", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường An Đông", EN: "An Dong Ward"}},
	{Code: "27367", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Bình Tây", EN: "Binh Tay Ward"}},
	{Code: "27373", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Bình Tiên", EN: "Binh Tien Ward"}},
	{Code: "27349", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Phú Lâm", EN: "Phu Lam Ward"}},
	{Code: "27478", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Tân Thuận", EN: "Tan Thuan Ward"}},
	{Code: "27475", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Tân Hưng", EN: "Tan Hung Ward"}},
	{Code: "27418", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Chánh Hưng", EN: "Chanh Hung Ward"}},
	{Code: "27169", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Diên Hồng", EN: "Dien Hong Ward"}},
	{Code: "27190", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Vườn Lài", EN: "Vuon Lai Ward"}},
	{Code: "27163", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Hòa Hưng", EN: "Hoa Hung Ward"}},
	{Code: "27238", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Minh Phụng", EN: "Minh Phung Ward"}},
	{Code: "27226", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Phú Thọ", EN: "Phu Tho Ward"}},
	{Code: "26791", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Đông Hưng Thuận", EN: "Dong Hung Thuan Ward"}},
	{Code: "27460", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường An Lạc", EN: "An Lac Ward"}},
	{Code: "27442", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Bình Tân", EN: "Binh Tan Ward"}},
	{Code: "26905", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Bình Lợi Trung", EN: "Binh Loi Trung Ward"}},
	{Code: "26956", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Thạnh Mỹ Tây", EN: "Thanh My Tay Ward"}},
	{Code: "26890", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Hạnh Thông", EN: "Hanh Thong Ward"}},
	{Code: "26884", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Gò Vấp", EN: "Go Vap Ward"}},
	{Code: "26878", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường An Hội Đông", EN: "An Hoi Dong Ward"}},
	{Code: "27043", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Đức Nhuận", EN: "Duc Nhuan Ward"}},
	{Code: "27073", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Phú Nhuận", EN: "Phu Nhuan Ward"}},
	{Code: "26968", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Tân Sơn Nhất", EN: "Tan Son Nhat Ward"}},
	{Code: "27004", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Tân Bình", EN: "Tan Binh Ward"}},
	{Code: "27013", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Tây Thạnh", EN: "Tay Thanh Ward"}},
	{Code: "27031", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Tân Phú", EN: "Tan Phu Ward"}},

	// Former Thủ Đức City.
	{Code: "26809", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Hiệp Bình", EN: "Hiep Binh Ward"}},
	{Code: "26824", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Thủ Đức", EN: "Thu Duc Ward"}},
	{Code: "27094", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường An Khánh", EN: "An Khanh Ward"}},
	{Code: "27112", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Cát Lái", EN: "Cat Lai Ward"}},

	// Former suburban districts.
	{Code: "27601", Parent: "79", Level: AreaCommune, Name: Text{VI: "Xã Vĩnh Lộc", EN: "Vinh Loc Commune"}},
	{Code: "27637", Parent: "79", Level: AreaCommune, Name: Text{VI: "Xã Bình Chánh", EN: "Binh Chanh Commune"}},
	{Code: "27559", Parent: "79", Level: AreaCommune, Name: Text{VI: "Xã Hóc Môn", EN: "Hoc Mon Commune"}},
	{Code: "27655", Parent: "79", Level: AreaCommune, Name: Text{VI: "Xã Nhà Bè", EN: "Nha Be Commune"}},
	{Code: "27667", Parent: "79", Level: AreaCommune, Name: Text{VI: "Xã Bình Khánh", EN: "Binh Khanh Commune"}},
	{Code: "27676", Parent: "79", Level: AreaCommune, Name: Text{VI: "Xã Thạnh An", EN: "Thanh An Commune"}},

	// Former Bình Dương province.
	{Code: "25747", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Thủ Dầu Một", EN: "Thu Dau Mot Ward"}},
	{Code: "25942", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Dĩ An", EN: "Di An Ward"}},
	{Code: "25978", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Thuận An", EN: "Thuan An Ward"}},
	{Code: "25777", Parent: "79", Level: AreaCommune, Name: Text{VI: "Xã Dầu Tiếng", EN: "Dau Tieng Commune"}},

	// Former Bà Rịa – Vũng Tàu province.
	{Code: "26506", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Vũng Tàu", EN: "Vung Tau Ward"}},
	{Code: "26560", Parent: "79", Level: AreaCommune, Name: Text{VI: "Phường Bà Rịa", EN: "Ba Ria Ward"}},
	{Code: "26632", Parent: "79", Level: AreaCommune, Name: Text{VI: "Xã Xuyên Mộc", EN: "Xuyen Moc Commune"}},
	{Code: "26732", Parent: "79", Level: AreaCommune, Name: Text{VI: "Đặc khu Côn Đảo", EN: "Con Dao Special Zone"}},
}
