package main

import (
	"fmt"
	"html"
	"strings"

	"github.com/pidone/pidone/bench/internal/pid1"
)

// Layout of the chart: a grid of panels, one per figure, each a horizontal
// bar per init with the min–max of the rounds drawn as a line over it.
const (
	panelW   = 460
	labelW   = 90
	valueW   = 80
	rowH     = 20
	titleH   = 34
	columns  = 2
	gap      = 16
	barColor = "#8da9c4"
	ownColor = "#e07a1f" // pidone's bars
)

func chart(metrics []metric, inits []pid1.Init) string {
	type panel struct {
		metric string
		f      *figure
		rows   []string
	}
	var panels []panel
	for _, m := range metrics {
		for _, f := range m.figures {
			if rows := rowsOf(metric{figures: []*figure{f}}, inits); len(rows) > 0 {
				number, _, _ := strings.Cut(m.title, " ")
				panels = append(panels, panel{number, f, rows})
			}
		}
	}
	maxRows := 0
	for _, p := range panels {
		maxRows = max(maxRows, len(p.rows))
	}
	panelH := titleH + maxRows*rowH + 8
	width := columns*panelW + (columns+1)*gap
	height := (len(panels)+columns-1)/columns*(panelH+gap) + gap + 24

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">`+"\n", width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="%d" y="20" font-size="14" font-weight="bold">pidone (orange) against tini, dumb-init and catatonit: median of rounds, line = min–max; shorter is better</text>`+"\n", gap)
	for i, p := range panels {
		x := gap + i%columns*(panelW+gap)
		y := 24 + gap + i/columns*(panelH+gap)
		drawPanel(&b, x, y, p.metric, p.f, p.rows)
	}
	b.WriteString("</svg>\n")
	return b.String()
}

func drawPanel(b *strings.Builder, x, y int, number string, f *figure, rows []string) {
	unit := ""
	if f.unit != "" {
		unit = " (" + f.unit + ")"
	}
	fmt.Fprintf(b, `<text x="%d" y="%d" font-weight="bold">%s</text>`+"\n", x, y+14, html.EscapeString(number+" "+f.name+unit))
	top := 0.0
	for _, name := range rows {
		s, _ := f.summary(name)
		top = max(top, s.max, s.median)
	}
	if top <= 0 {
		top = 1
	}
	barMax := float64(panelW - labelW - valueW)
	for k, name := range rows {
		s, _ := f.summary(name)
		ry := y + titleH + k*rowH
		color := barColor
		if name == "pidone" {
			color = ownColor
		}
		w := max(0, s.median) / top * barMax
		fmt.Fprintf(b, `<text x="%d" y="%d">%s</text>`+"\n", x, ry+12, html.EscapeString(name))
		fmt.Fprintf(b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>`+"\n", x+labelW, ry, w, rowH-6, color)
		if s.n > 1 {
			x0 := float64(x+labelW) + max(0, s.min)/top*barMax
			x1 := float64(x+labelW) + max(0, s.max)/top*barMax
			fmt.Fprintf(b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#333" stroke-width="1.5"/>`+"\n", x0, ry+7, x1, ry+7)
		}
		label := format(s.median, f.digits) + " " + ratioText(f.ratio(name))
		fmt.Fprintf(b, `<text x="%.1f" y="%d" fill="#333">%s</text>`+"\n", float64(x+labelW)+barMax+4, ry+12, html.EscapeString(label))
	}
}
