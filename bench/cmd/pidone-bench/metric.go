package main

import (
	"math"
	"slices"
)

// metric is one of the numbered metrics: some figures, each with
// samples per init, and notes.
type metric struct {
	title   string
	figures []*figure
	text    []textColumn // per-init words, such as "static"
	notes   []string
}

// figure is one measured quantity: one sample per round for each init.
type figure struct {
	name    string
	unit    string
	digits  int // decimals shown
	samples map[string][]float64
}

type textColumn struct {
	name  string
	value map[string]string
}

func newFigure(name, unit string, digits int) *figure {
	return &figure{name: name, unit: unit, digits: digits, samples: map[string][]float64{}}
}

func (f *figure) add(init string, v float64) { f.samples[init] = append(f.samples[init], v) }

// summary is the median with the min and max of an init's samples.
type summary struct {
	median, min, max float64
	n                int
}

func (f *figure) summary(init string) (summary, bool) {
	s := f.samples[init]
	if len(s) == 0 {
		return summary{}, false
	}
	return summary{median: median(s), min: slices.Min(s), max: slices.Max(s), n: len(s)}, true
}

// ratio is an init's median over the reference's, or NaN.
func (f *figure) ratio(init string) float64 {
	a, ok1 := f.summary(init)
	b, ok2 := f.summary(reference)
	if !ok1 || !ok2 || b.median == 0 {
		return math.NaN()
	}
	return a.median / b.median
}

func median(s []float64) float64 {
	c := slices.Clone(s)
	slices.Sort(c)
	n := len(c)
	if n%2 == 1 {
		return c[n/2]
	}
	return (c[n/2-1] + c[n/2]) / 2
}

// percentile is the p-th percentile (0-100) of sorted s, nearest rank.
func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	k := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[max(0, min(k, len(sorted)-1))]
}
