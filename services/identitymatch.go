package services

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The public-summary identity check (docs/privacy.md, "Public outcomes").
// IdentityMatches finds, in a text a lead wants to publish, the words that
// show the complainant's identity or look like contact or ID data, so that
// the refusal can name them. It errs on the side of refusing, with one
// deliberate exception: a Vietnamese given name is very often an ordinary
// word ("Minh", "Bình", "An", "Tâm", "Đức"…), so a given name standing
// alone is flagged only when it is distinctive (not in ordinaryNameWords)
// or when its context makes it a name (an honorific before it, or a capital
// letter mid-sentence with no capitalized neighbour — which would make it
// part of a place name such as "Thủ Đức").

// idToken is one word of a text: a run of letters, digits and combining
// marks.
type idToken struct {
	start, end int    // byte offsets in the NFC text
	lower      string // lower case, diacritics kept
	fold       string // lower case, no diacritics, đ → d
	upper      bool   // starts with an upper-case letter
	sentence   bool   // first word of a sentence (or of the text)
	ascii      bool   // written without diacritics
}

func tokenizeIdentity(s string) []idToken {
	var toks []idToken
	start := -1
	sentence := true
	flush := func(end int) {
		w := s[start:end]
		r, _ := utf8.DecodeRuneInString(w)
		lower := strings.ToLower(w)
		f := foldText(w)
		toks = append(toks, idToken{start: start, end: end, lower: lower, fold: f, upper: unicode.IsUpper(r),
			sentence: sentence, ascii: lower == f})
		sentence = false
		start = -1
	}
	for i, r := range s {
		word := unicode.IsLetter(r) || unicode.IsDigit(r) || (start >= 0 && unicode.Is(unicode.Mn, r))
		switch {
		case word && start < 0:
			start = i
		case !word && start >= 0:
			flush(i)
		}
		if !word && strings.ContainsRune(".!?\n…", r) {
			sentence = true
		}
	}
	if start >= 0 {
		flush(len(s))
	}
	return toks
}

// ordinaryNameWords are given names (and family or middle names) that are
// also everyday Vietnamese words, numbers or place-name syllables: alone,
// they are flagged only in a context that makes them a name.
var ordinaryNameWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`an anh ái ba bảy bắc bảo bé bích bình ca cao cầm châu chi chín chính chung công cúc
		cường danh dân diệp duy dương đại danh đào đạt điệp định đoàn đông đức giang giàu hà hạ hai hải hạnh hào hậu hiền
		hiệp hiếu hòa hoà hoa hoàn hoàng hồ hồng hợp huệ huy hùng hưng hương hữu khải khang khánh khoa khôi kiên kim kiều
		lam lâm lan lành lân lê lễ lệ liên linh loan lộc lợi long lục lực lương lý mai mạnh minh mơ mận một mười mỹ nam năm
		nga ngà ngân nghĩa ngọc nguyên nhân nhất nhật nhì nhi như ninh oanh phát phong phú phúc phụng phương phượng quang
		quân quế quốc quý quy quyết sang sáng sáu sen sinh sơn sương tài tâm tân tám tây thái thanh thành thắng thảo thật
		thi thiện thịnh thọ thơ thư thu thuận thủy thuỷ thực tiến tiền tín tình toàn trang trâm trí trinh trọng trúc
		trung trực trường tú tuệ tùng tư tươi tường út uyên văn vân việt vinh vĩnh vọng vui vũ vượng xuân yên yến thị
		đình bá khắc trần phan võ vương đinh tô tạ ngô bùi đỗ đặng lạc ân`) {
		m[w] = true
	}
	return m
}()

// honorifics are words before a person's name.
var honorifics = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`ông bà anh chị cô chú bác em cụ cháu dì thím mợ cậu dượng tên mr mrs ms miss
		sir madam chí dân`) {
		m[w] = true
	}
	return m
}()

// honorificsASCII are honorifics written without diacritics ("ong Duc").
var honorificsASCII = func() map[string]bool {
	m := map[string]bool{}
	for w := range honorifics {
		m[foldText(w)] = true
	}
	delete(m, "ba") // "ba" is three; "bà" with its accent is kept above
	delete(m, "co") // "có" is "has"
	return m
}()

// honorific reports whether t is a word put before a person's name.
func honorific(t idToken) bool {
	return honorifics[t.lower] || t.ascii && honorificsASCII[t.fold]
}

// Street-type words of an address that carry no identity by themselves.
var streetWords = map[string]bool{"duong": true, "pho": true, "ngo": true, "hem": true, "kiet": true, "so": true,
	"ngach": true, "to": true, "ap": true, "thon": true, "xom": true, "nha": true, "dia": true, "chi": true}

var (
	// Dates and money are numbers too, but not contact data: they are
	// masked before digit runs are measured.
	dateLike  = regexp.MustCompile(`\b(?:0?[1-9]|[12]\d|3[01])[/.\-](?:0?[1-9]|1[0-2])[/.\-](?:19|20)\d\d\b|\b(?:0?[1-9]|1[0-2])/(?:19|20)\d\d\b`)
	moneyLike = regexp.MustCompile(`^[1-9]\d{0,2}(?:[.,]\d{3})+$`)
	yearLike  = regexp.MustCompile(`^(?:19|20)\d\d$`)

	// An e-mail address, also written with "at"/"dot" (in brackets or as
	// words), "a còng"/"chấm", full-width signs or spaces around the signs.
	emailAt  = `(?:\s*[@＠]\s*|\s*[\[\(\{<]\s*(?:at|a còng|a cong|@)\s*[\]\)\}>]\s*|\s+(?:at|a còng|a cong|acong)\s+)`
	emailDot = `(?:\s*[.．。]\s*|\s*[\[\(\{<]\s*(?:dot|chấm|cham|\.)\s*[\]\)\}>]\s*|\s+(?:dot|chấm|cham)\s+)`
	emailTLD = `(?:com|net|org|edu|gov|info|biz|io|me|co|vn|uk|us|de|fr|jp|kr|cn|au|ca|sg|asia|online|xyz|app|dev|email|mail)`
	emailObf = regexp.MustCompile(`(?i)[\p{L}\p{N}_%+\-]+(?:` + emailDot + `[\p{L}\p{N}_%+\-]+)*` + emailAt +
		`[\p{L}\p{N}\-]+(?:` + emailDot + `[\p{L}\p{N}\-]+)*` + emailDot + emailTLD + `\b`)
	mailProviders = map[string]bool{"gmail": true, "yahoo": true, "hotmail": true, "outlook": true, "icloud": true,
		"protonmail": true, "proton": true, "zoho": true, "yandex": true}
)

// identitySpans collects the byte ranges of a text that are flagged.
type identitySpans struct {
	text  string
	spans [][2]int
}

func (s *identitySpans) add(start, end int) { s.spans = append(s.spans, [2]int{start, end}) }

func (s *identitySpans) addTokens(toks []idToken, from, to int) {
	s.add(toks[from].start, toks[to].end)
}

// words returns the flagged parts of the text, in order, overlapping ones
// merged, each once.
func (s *identitySpans) words() []string {
	slices.SortFunc(s.spans, func(a, b [2]int) int { return a[0] - b[0] })
	var out []string
	for i := 0; i < len(s.spans); {
		start, end := s.spans[i][0], s.spans[i][1]
		for i++; i < len(s.spans) && s.spans[i][0] <= end; i++ {
			end = max(end, s.spans[i][1])
		}
		w := strings.TrimSpace(s.text[start:end])
		if w != "" && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// findSeq returns the start indexes where the folded words seq occur
// contiguously in toks.
func findSeq(toks []idToken, seq []string) []int {
	var at []int
	if len(seq) == 0 {
		return nil
	}
	for i := 0; i+len(seq) <= len(toks); i++ {
		ok := true
		for j, w := range seq {
			if toks[i+j].fold != w {
				ok = false
				break
			}
		}
		if ok {
			at = append(at, i)
		}
	}
	return at
}

func foldWords(s string) []string {
	var out []string
	for _, t := range tokenizeIdentity(norm.NFC.String(s)) {
		out = append(out, t.fold)
	}
	return out
}

// IdentityMatches returns the words of text that show any value of id
// (name, phone, e-mail, address, national ID) or anything that looks like
// an e-mail address, a phone or an ID number; none when the text is clean.
// Names match by their words in any order, with or without diacritics or
// capitals (see the rule for a given name alone above); addresses by the
// house number with its street; numbers by their digits whatever separates
// them; e-mail addresses also when written with "[at]"/"[dot]" and the
// like. The words returned are parts of text, never values of id.
func IdentityMatches(text string, id Identity) []string {
	text = norm.NFC.String(text)
	s := &identitySpans{text: text}
	toks := tokenizeIdentity(text)
	matchEmails(s, text, toks, id)
	matchDigits(s, text, id)
	matchName(s, toks, id.Name)
	matchAddress(s, toks, id.Address)
	// Any value as a whole, folded (this also covers values made of
	// symbols, which are not words).
	folded := " " + foldText(text) + " "
	for _, v := range []string{id.Name, id.Email, id.Address} {
		if f := foldText(v); len([]rune(f)) >= 3 && strings.Contains(folded, " "+f+" ") {
			if len(s.spans) == 0 {
				return []string{f}
			}
		}
	}
	return s.words()
}

// ContainsIdentity reports whether IdentityMatches finds anything.
func ContainsIdentity(text string, id Identity) bool { return len(IdentityMatches(text, id)) > 0 }

func matchEmails(s *identitySpans, text string, toks []idToken, id Identity) {
	for _, m := range emailLike.FindAllStringIndex(text, -1) {
		s.add(m[0], m[1])
	}
	for _, m := range emailObf.FindAllStringIndex(text, -1) {
		s.add(m[0], m[1])
	}
	// A mail provider's name with its domain ("gmail com").
	for i, t := range toks {
		if mailProviders[t.fold] && i+1 < len(toks) && (toks[i+1].fold == "com" || toks[i+1].fold == "vn") {
			s.addTokens(toks, i, i+1)
		}
	}
	// The local part of the complainant's address, however separated.
	if local, _, ok := strings.Cut(id.Email, "@"); ok {
		if w := foldWords(local); len(strings.Join(w, "")) >= 4 {
			for _, i := range findSeq(toks, w) {
				s.addTokens(toks, i, i+len(w)-1)
			}
		}
	}
}

// digitRun is a run of digits with separators between them (no letters,
// no ", ").
type digitRun struct {
	start, end int
	digits     string
}

func digitRuns(masked string) []digitRun {
	var runs []digitRun
	cur := digitRun{start: -1}
	gap := 0 // bytes of separator since the last digit
	end := func() {
		if cur.start >= 0 {
			runs = append(runs, cur)
		}
		cur, gap = digitRun{start: -1}, 0
	}
	for i, r := range masked {
		switch {
		case r >= '0' && r <= '9':
			if cur.start < 0 {
				cur.start = i
			}
			cur.digits += string(r)
			cur.end, gap = i+1, 0
		case unicode.IsLetter(r) || r == '\n' || r == ',' && strings.HasPrefix(masked[i+1:], " "):
			end()
		case cur.start >= 0:
			if gap++; gap > 3 {
				end()
			}
		}
	}
	end()
	return runs
}

// nationalDigits drops a phone number's country or trunk prefix.
func nationalDigits(d string) string {
	switch {
	case strings.HasPrefix(d, "84") && len(d) >= 11:
		return d[2:]
	case strings.HasPrefix(d, "0"):
		return d[1:]
	}
	return d
}

func matchDigits(s *identitySpans, text string, id Identity) {
	masked := dateLike.ReplaceAllStringFunc(text, func(m string) string { return strings.Repeat("x", len(m)) })
	runs := digitRuns(masked)
	var values []string
	for _, v := range []string{id.Phone, id.NationalID} {
		if d := digitsOnly(v); len(d) >= 6 {
			values = append(values, d, nationalDigits(d))
		}
	}
	for _, r := range runs {
		raw := strings.TrimSpace(text[r.start:r.end])
		generic := len(r.digits) >= 9 && !moneyLike.MatchString(raw) && !allYears(raw)
		own := false
		for _, d := range values {
			own = own || len(r.digits) >= 6 && strings.Contains(d, r.digits) || len(r.digits) >= len(d) && strings.Contains(r.digits, d)
		}
		if generic || own {
			s.add(r.start, r.end)
		}
	}
	// The complainant's numbers spread over several runs (words between
	// the groups): every run that is part of one is flagged.
	all := digitsOnly(text)
	for _, d := range values {
		if len(d) < 8 || !strings.Contains(all, d) {
			continue
		}
		for _, r := range runs {
			if strings.Contains(d, r.digits) {
				s.add(r.start, r.end)
			}
		}
	}
}

// allYears reports whether a run is only years ("2024-2025").
func allYears(raw string) bool {
	n := 0
	for _, g := range strings.FieldsFunc(raw, func(r rune) bool { return r < '0' || r > '9' }) {
		if !yearLike.MatchString(g) {
			return false
		}
		n++
	}
	return n > 0
}

func matchName(s *identitySpans, toks []idToken, name string) {
	parts := foldWords(name)
	if len(parts) == 0 {
		return
	}
	lowerParts := strings.Fields(strings.ToLower(norm.NFC.String(name)))
	given := parts[len(parts)-1]
	givenLower := ""
	if len(lowerParts) > 0 {
		givenLower = lowerParts[len(lowerParts)-1]
	}
	distinctive := !ordinaryNameWords[givenLower] && !ordinaryNameWords[given]
	others := map[string]bool{}
	for _, p := range parts[:len(parts)-1] {
		others[p] = true
	}
	// Two or more of the name's words in their order: three or more; or
	// the given name with the word before it, when one of them is not an
	// ordinary word ("van dtest") or both are capitalized ("Văn Minh", but
	// not "văn minh", civilized); or family and middle names capitalized
	// after an honorific ("ông Trần Văn": "Nguyễn Văn" alone is shared by
	// millions).
	ordinary := make([]bool, len(parts))
	for k := range parts {
		ordinary[k] = ordinaryNameWords[parts[k]] || k < len(lowerParts) && ordinaryNameWords[lowerParts[k]]
	}
	for n := len(parts); n >= 2; n-- {
		for k := 0; k+n <= len(parts); k++ {
			for _, i := range findSeq(toks, parts[k:k+n]) {
				capital, plain := true, true
				for j := 0; j < n; j++ {
					capital = capital && toks[i+j].upper
					plain = plain && ordinary[k+j]
				}
				withGiven := k+n == len(parts)
				if n >= 3 || withGiven && (!plain || capital) || capital && i > 0 && honorific(toks[i-1]) {
					s.addTokens(toks, i, i+n-1)
				}
			}
		}
	}
	if len([]rune(given)) < 2 {
		return
	}
	for i, t := range toks {
		if t.fold != given {
			continue
		}
		// With another of the name's words near it, in any order ("Dtest
		// (Trần Văn)"): written with a capital, or the name is distinctive.
		near := false
		for j := max(0, i-3); j <= min(len(toks)-1, i+3); j++ {
			if j != i && others[toks[j].fold] && (toks[j].upper && !toks[j].sentence || distinctive || !ordinaryNameWords[toks[j].lower]) {
				s.addTokens(toks, min(i, j), max(i, j))
				near = true
			}
		}
		if near {
			continue
		}
		// Alone.
		exact := t.lower == givenLower || t.ascii
		honored := i > 0 && honorific(toks[i-1])
		properNoun := t.upper && !t.sentence && (i == 0 || !toks[i-1].upper || toks[i-1].sentence) &&
			(i+1 >= len(toks) || !toks[i+1].upper || toks[i+1].sentence)
		if (distinctive && exact) || honored || (properNoun && exact) {
			if honored {
				s.addTokens(toks, i-1, i)
			} else {
				s.addTokens(toks, i, i)
			}
		}
	}
}

func matchAddress(s *identitySpans, toks []idToken, address string) {
	addr := tokenizeIdentity(norm.NFC.String(address))
	// The house number: the first run of words with digits ("12", "12/3",
	// "12A"), and the street: the words after it up to the next comma.
	first := slices.IndexFunc(addr, func(t idToken) bool { return strings.ContainsAny(t.fold, "0123456789") })
	if first < 0 {
		return
	}
	var number, street []string
	i := first
	for ; i < len(addr) && strings.ContainsAny(addr[i].fold, "0123456789"); i++ {
		number = append(number, addr[i].fold)
	}
	nfc := norm.NFC.String(address)
	for ; i < len(addr); i++ {
		if i > 0 && strings.Contains(nfc[addr[i-1].end:addr[i].start], ",") && len(street) > 0 {
			break
		}
		if !streetWords[addr[i].fold] {
			street = append(street, addr[i].fold)
		}
	}
	if len(street) == 0 {
		return
	}
	if len(street) > 2 {
		street = street[:2]
	}
	streetAt := findSeq(toks, street)
	for _, n := range findSeq(toks, number) {
		for _, st := range streetAt {
			// The street within four words after the number, or before it.
			after := st > n && st-(n+len(number)) <= 4
			before := st < n && n-(st+len(street)) <= 4
			if after || before {
				s.addTokens(toks, min(n, st), max(n+len(number)-1, st+len(street)-1))
			}
		}
	}
}
