package proof

// FontFamily is the family name under which AddFonts registers DejaVu Sans.
const FontFamily = fontFamily

// FontAdder is the part of an fpdf document AddFonts needs.
type FontAdder interface {
	AddUTF8FontFromBytes(familyStr, styleStr string, utf8Bytes []byte)
}

// AddFonts registers the embedded DejaVu Sans, regular ("") and bold
// ("B"), under FontFamily: the fonts with Vietnamese glyphs, for the other
// PDFs the portal makes (the period report) without a second copy of them.
func AddFonts(doc FontAdder) {
	doc.AddUTF8FontFromBytes(fontFamily, "", fontRegular)
	doc.AddUTF8FontFromBytes(fontFamily, "B", fontBold)
}
