package main

import (
	"math"
	"testing"
)

func TestMedianIsTheMiddleOfTheSortedSamples(t *testing.T) {
	for _, tt := range []struct {
		name    string
		samples []float64
		want    float64
	}{
		{"odd count", []float64{5, 1, 3}, 3},
		{"even count averages the middle two", []float64{4, 1, 3, 2}, 2.5},
		{"one sample", []float64{7}, 7},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := median(tt.samples); got != tt.want {
				t.Errorf("median(%v) = %v, want %v", tt.samples, got, tt.want)
			}
		})
	}
}

func TestPercentileIsTheNearestRank(t *testing.T) {
	sorted := make([]float64, 100)
	for i := range sorted {
		sorted[i] = float64(i + 1)
	}
	for p, want := range map[float64]float64{50: 50, 90: 90, 99: 99, 100: 100, 0: 1} {
		if got := percentile(sorted, p); got != want {
			t.Errorf("percentile(1..100, %v) = %v, want %v", p, got, want)
		}
	}
	if !math.IsNaN(percentile(nil, 50)) {
		t.Error("percentile of no samples is a number, want NaN")
	}
}

func TestRatioDividesByTiniInTheSameRun(t *testing.T) {
	f := newFigure("x", "µs", 0)
	for _, v := range []float64{10, 20, 30} {
		f.add(reference, v)
		f.add("pidone", 2*v)
	}
	if got := f.ratio("pidone"); got != 2 {
		t.Errorf("ratio = %v, want 2", got)
	}
	if got := f.ratio("absent"); !math.IsNaN(got) {
		t.Errorf("ratio of an init with no samples = %v, want NaN", got)
	}
}
