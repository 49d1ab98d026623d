//go:build bench

// Package bench compares pidone with Debian's tini, dumb-init and
// catatonit, and with the go floor (bench/floor), as Go benchmarks: one
// Benchmark per figure, one sub-benchmark per init (init=NAME), each
// figure a metric whose unit names it, for `benchstat -col /init`. Every
// run is the init as PID 1 of a fresh PID namespace with benchkid
// (bench/kid) as its child. The same package holds the torture loops
// (torture_*_test.go, build tag torture), which share its process helpers.
//
// An op is one round of a figure, and ns/op is left out: a round's
// length says nothing. make bench runs the binary once per round (-round)
// rather than with -count, which would run each init's rounds in a row:
// on a shared, noisy machine the inits take turns instead, in an order
// that rotates with the round, so a slow moment is shared out.
//
//	go test -tags bench -run '^$' -bench . -benchtime 1x ./bench -args -pidone $PWD/bin/pidone ...
package bench

import (
	"flag"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

var (
	benchFloor  = flag.String("floor", "../bin/go-floor", "the least a Go init can be (bench/floor), to tell Go's price from pidone's")
	benchBefore = flag.String("before", "", "an earlier pidone to measure beside this one, as NAME=PATH; it is init=pidone-NAME")
	benchRound  = flag.Int("round", 1, "which round of make bench this run is, from 1: the inits' order rotates with it")
)

// benchLimit bounds every single run of an init; a run that hits it fails
// the benchmark rather than hanging it.
const benchLimit = 2 * time.Minute

// benchInits are the inits compared, in this round's order.
func benchInits(b *testing.B) []Init {
	inits := []Init{
		{Name: "floor", Path: *benchFloor},
		{Name: "pidone", Path: *pidoneBinary},
		{Name: "tini", Path: "/usr/bin/tini"},
		{Name: "tini-static", Path: "/usr/bin/tini-static"},
		{Name: "dumb-init", Path: "/usr/bin/dumb-init"},
		{Name: "catatonit", Path: "/usr/bin/catatonit"},
	}
	if *benchBefore != "" {
		name, path, ok := strings.Cut(*benchBefore, "=")
		if !ok || name == "" || path == "" {
			b.Fatalf("-before wants NAME=PATH, not %q", *benchBefore)
		}
		inits = append(inits, Init{Name: "pidone-" + name, Path: path})
	}
	for _, in := range inits {
		if _, err := os.Stat(in.Path); err != nil {
			b.Fatalf("%s: %v", in.Name, err)
		}
	}
	r := max(*benchRound-1, 0) % len(inits)
	return slices.Concat(inits[r:], inits[:r])
}

// benchEach measures each init as the sub-benchmark init=NAME.
func benchEach(b *testing.B, inits []Init, measure func(b *testing.B, in Init)) {
	for _, in := range inits {
		b.Run("init="+in.Name, func(b *testing.B) { measure(b, in) })
	}
}

// benchReport reports one init's figures, unit by unit, in place of ns/op.
// Times are in seconds, "sec/...", which benchstat scales as it shows
// them: it would turn "ns/..." into seconds too, but not a 0.
func benchReport(b *testing.B, figures map[string]float64) {
	b.ReportMetric(0, "ns/op")
	for unit, v := range figures {
		b.ReportMetric(v, unit)
	}
}

// benchPercentile is the p-th percentile (0-100) of the samples, by
// nearest rank.
func benchPercentile(samples []float64, p float64) float64 {
	sorted := slices.Sorted(slices.Values(samples))
	k := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[max(0, min(k, len(sorted)-1))]
}

func TestBenchPercentileIsTheNearestRank(t *testing.T) {
	samples := make([]float64, 100)
	for i := range samples {
		samples[i] = float64(100 - i)
	}
	for p, want := range map[float64]float64{50: 50, 90: 90, 99: 99, 100: 100, 0: 1} {
		if got := benchPercentile(samples, p); got != want {
			t.Errorf("percentile %v of 1..100 = %v, want %v", p, got, want)
		}
	}
	if got := benchPercentile([]float64{7}, 50); got != 7 {
		t.Errorf("percentile 50 of one sample 7 = %v, want 7", got)
	}
}
