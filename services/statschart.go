package services

import (
	"bytes"
	"fmt"
	"html"
	"math"
	"strconv"
)

// Charts of the public figures, rendered as SVG on the server (docs/
// statistics.md, "Charts"): a picture of the same protected figures the
// JSON gives, so a withheld count is never drawn as a bar, only marked.
// The transparency page shows each chart beside a table of its figures.

// The charts.
const (
	ChartFlow   = "flow"   // received and concluded by month
	ChartOnTime = "ontime" // the on-time rate by month
	ChartSlices = "slices" // received by slice (needs By)
)

// chartText is the words of the charts, in Vietnamese and English.
var chartText = map[string]Text{
	"flow.title":   {VI: "Phản ánh, khiếu nại, tố cáo nhận được và đã kết luận theo tháng", EN: "Reports received and concluded by month"},
	"ontime.title": {VI: "Tỷ lệ kết luận đúng hạn theo tháng", EN: "Share concluded on time, by month"},
	"slices.title": {VI: "Phản ánh, khiếu nại, tố cáo nhận được theo ", EN: "Reports received by "},
	"received":     {VI: "Nhận được", EN: "Received"},
	"concluded":    {VI: "Đã kết luận", EN: "Concluded"},
	"onTime":       {VI: "Đúng hạn", EN: "On time"},
	"withheld":     {VI: "ẩn", EN: "withheld"},
	"none":         {VI: "không có số liệu", EN: "no figure"},
	"note":         {VI: "Số nhỏ hơn %d được ẩn để bảo vệ người phản ánh.", EN: "Counts under %d are hidden to protect complainants."},
	"province":     {VI: "tỉnh, thành phố", EN: "province"},
	"commune":      {VI: "xã, phường", EN: "commune"},
	"unit":         {VI: "đơn vị", EN: "unit"},
	"kind":         {VI: "loại", EN: "kind"},
	"category":     {VI: "lĩnh vực", EN: "category"},
}

func chartWord(key, lang string) string {
	t := chartText[key]
	if lang == "en" {
		return t.EN
	}
	return t.VI
}

// chartBar is one value of a chart: nil when not published, with its
// label then.
type chartBar struct {
	label string
	v     *float64
	hint  string // "<5" or "withheld" when v is nil
}

// PublicStatsChart draws chart over ans in lang ("vi" or "en"). The
// answer must hold what the chart needs: the months for flow and ontime,
// the slices for slices.
func PublicStatsChart(ans PublicStatsAnswer, chart, lang string) ([]byte, error) {
	if lang != "en" {
		lang = "vi"
	}
	hint := func(f PublicFigures, name string) string {
		switch f.Withheld[name] {
		case WithheldFewer:
			return "<" + strconv.FormatInt(ans.K, 10)
		case WithheldOther:
			return chartWord("withheld", lang)
		}
		return chartWord("none", lang)
	}
	count := func(f PublicFigures, name string, v *int64) chartBar {
		if v == nil {
			return chartBar{hint: hint(f, name)}
		}
		x := float64(*v)
		return chartBar{v: &x}
	}
	month := func(m string) string {
		if len(m) == 7 {
			return m[5:] + "/" + m[2:4]
		}
		return m
	}
	var c svgChart
	c.lang, c.note = lang, fmt.Sprintf(chartWord("note", lang), ans.K)
	switch chart {
	case ChartFlow:
		c.title = chartWord("flow.title", lang)
		c.series = []string{chartWord("received", lang), chartWord("concluded", lang)}
		for _, r := range ans.Rows {
			c.labels = append(c.labels, month(r.Month))
			c.bars = append(c.bars, []chartBar{count(r.PublicFigures, "received", r.Received), count(r.PublicFigures, "concluded", r.Concluded)})
		}
		return c.columns(), nil
	case ChartOnTime:
		c.title = chartWord("ontime.title", lang)
		c.series = []string{chartWord("onTime", lang)}
		c.percent = true
		for _, r := range ans.Rows {
			c.labels = append(c.labels, month(r.Month))
			b := chartBar{hint: chartWord("none", lang)}
			if r.OnTimeRate != nil {
				x := *r.OnTimeRate * 100
				b = chartBar{v: &x}
			} else if r.OnTime == nil || r.Late == nil {
				b.hint = chartWord("withheld", lang)
			}
			c.bars = append(c.bars, []chartBar{b})
		}
		return c.columns(), nil
	case ChartSlices:
		if len(ans.Groups) == 0 && ans.Slice.Dim == "" {
			break
		}
		dim := ""
		if len(ans.Groups) > 0 {
			dim = ans.Groups[0].Dim
		}
		c.title = chartWord("slices.title", lang) + chartWord(dim, lang)
		c.series = []string{chartWord("received", lang)}
		for _, g := range ans.Groups {
			name := g.Name.VI
			if lang == "en" {
				name = g.Name.EN
			}
			c.labels = append(c.labels, name)
			c.bars = append(c.bars, []chartBar{count(g.PublicFigures, "received", g.Received)})
		}
		return c.rows(), nil
	}
	return nil, &Error{Code: CodeInvalid, Reason: ReasonFieldsInvalid, Message: "Unknown chart, or slices without by.",
		Fields: map[string]string{"chart": FieldInvalid}}
}

// svgChart is a chart being drawn.
type svgChart struct {
	lang, title, note string
	series            []string
	labels            []string
	bars              [][]chartBar // per label, one per series
	percent           bool
}

// The colours of the series (contrast ≥ 3:1 on white) and of the text.
var chartColours = []string{"#1f5fa8", "#b35900"}

const chartInk = "#1d232a"

// scale is a round top for the axis and its step.
func (c *svgChart) scale() (top, step float64) {
	if c.percent {
		return 100, 25
	}
	var most float64
	for _, bs := range c.bars {
		for _, b := range bs {
			if b.v != nil {
				most = max(most, *b.v)
			}
		}
	}
	if most <= 0 {
		return 4, 1
	}
	step = math.Pow(10, math.Floor(math.Log10(most)))
	for _, m := range []float64{1, 2, 5, 10} {
		if most/(step*m) <= 5 {
			step *= m
			break
		}
	}
	return math.Ceil(most/step) * step, step
}

func (c *svgChart) head(b *bytes.Buffer, w, h int) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-labelledby="t d" font-family="sans-serif" font-size="12" fill="%s">`, w, h, w, h, chartInk)
	fmt.Fprintf(b, `<title id="t">%s</title><desc id="d">%s</desc>`, esc(c.title), esc(c.note))
	fmt.Fprintf(b, `<rect width="%d" height="%d" fill="#ffffff"/>`, w, h)
	fmt.Fprintf(b, `<text x="12" y="20" font-size="14" font-weight="bold">%s</text>`, esc(c.title))
	x := 12
	for i, s := range c.series {
		fmt.Fprintf(b, `<rect x="%d" y="30" width="12" height="12" fill="%s"/><text x="%d" y="40">%s</text>`, x, chartColours[i%2], x+16, esc(s))
		x += 28 + 7*len([]rune(s))
	}
	fmt.Fprintf(b, `<text x="12" y="%d" font-size="11">%s</text>`, h-8, esc(c.note))
}

// columns draws vertical bars, a group per label.
func (c *svgChart) columns() []byte {
	const w, h, left, top, bottom = 720, 360, 52, 56, 318
	var b bytes.Buffer
	c.head(&b, w, h)
	ymax, step := c.scale()
	y := func(v float64) float64 { return bottom - v/ymax*(bottom-top) }
	for v := 0.0; v <= ymax+step/2; v += step {
		label := strconv.FormatFloat(v, 'f', -1, 64)
		if c.percent {
			label += "%"
		}
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#c9ced4"/><text x="%d" y="%.1f" text-anchor="end">%s</text>`,
			left, w-8, y(v), y(v), left-6, y(v)+4, label)
	}
	n := max(len(c.labels), 1)
	slot := float64(w-8-left) / float64(n)
	bw := slot * 0.8 / float64(len(c.series))
	for i, label := range c.labels {
		x0 := float64(left) + slot*float64(i) + slot*0.1
		for j, bar := range c.bars[i] {
			x := x0 + bw*float64(j)
			if bar.v == nil {
				fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="10" text-anchor="middle" transform="rotate(-90 %.1f %d)">%s</text>`,
					x+bw/2, bottom-4, x+bw/2, bottom-4, esc(bar.hint))
				continue
			}
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %s: %s</title></rect>`,
				x, y(*bar.v), bw, bottom-y(*bar.v), chartColours[j%2], esc(label), esc(c.series[j]), c.value(*bar.v))
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" font-size="11">%s</text>`, x0+slot*0.4, bottom+14, esc(label))
	}
	fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="%s"/></svg>`, left, w-8, bottom, bottom, chartInk)
	return b.Bytes()
}

// rows draws horizontal bars, one per label.
func (c *svgChart) rows() []byte {
	const w, left, top, rowH = 720, 230, 56, 22
	h := top + rowH*max(len(c.labels), 1) + 34
	var b bytes.Buffer
	c.head(&b, w, h)
	xmax, _ := c.scale()
	for i, label := range c.labels {
		y := top + rowH*i
		name := []rune(label)
		if len(name) > 34 {
			name = append(name[:33], '…')
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`, left-8, y+15, esc(string(name)))
		bar := c.bars[i][0]
		if bar.v == nil {
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11">%s</text>`, left+4, y+15, esc(bar.hint))
			continue
		}
		bw := *bar.v / xmax * float64(w-left-70)
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="16" fill="%s"><title>%s: %s</title></rect><text x="%.1f" y="%d">%s</text>`,
			left, y+2, bw, chartColours[0], esc(label), c.value(*bar.v), float64(left)+bw+6, y+15, c.value(*bar.v))
	}
	b.WriteString(`</svg>`)
	return b.Bytes()
}

func (c *svgChart) value(v float64) string {
	if c.percent {
		return strconv.FormatFloat(v, 'f', 0, 64) + "%"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func esc(s string) string { return html.EscapeString(s) }
