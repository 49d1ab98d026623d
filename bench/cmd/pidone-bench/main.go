// Command pidone-bench measures pidone against Debian's tini, dumb-init
// and catatonit in one run, and writes bench/RESULTS.md and
// bench/results.svg. Every init runs as PID 1 of a fresh PID namespace
// with benchkid (bench/kid) as its child. The machine is shared and noisy,
// so each metric runs the inits interleaved, round by round, in a rotating
// order, and reports the median over rounds with the min and max.
//
//	go run ./bench/cmd/pidone-bench -pidone bin/pidone -kid bin/benchkid
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/pidone/pidone/bench/internal/pid1"
)

type config struct {
	kid          string
	rounds       int           // rounds of each metric
	startRuns    int           // start-and-exit runs per init per round
	idle         time.Duration // the idle window of metric 4
	zombies      int           // the orphan burst of metric 5
	storm        int           // orphans one after another in metric 5
	signals      int           // round trips per init per round in metric 6
	cpu          int           // the CPU the signal round trip is pinned to
	dockerRounds int
	windowRuns   int           // start-up window runs per init per round in metric 8
	windowMax    time.Duration // the latest SIGTERM of metric 8
	out          string        // where RESULTS.md and results.svg go
}

// reference is the init every figure is divided by.
const reference = "tini"

func main() {
	var c config
	pidone := flag.String("pidone", "bin/pidone", "the pidone binary")
	floor := flag.String("floor", "bin/go-floor", "the least a Go init can be (bench/floor), to tell Go's price from pidone's")
	before := flag.String("before", "", "an earlier pidone to measure beside this one, as NAME=PATH (make bench BEFORE=<git revision>)")
	flag.StringVar(&c.kid, "kid", "bin/benchkid", "the benchkid helper")
	flag.IntVar(&c.rounds, "rounds", 5, "rounds of each metric (the inits take turns in each)")
	flag.IntVar(&c.startRuns, "start-runs", 20, "start-and-exit runs per init in each round")
	flag.DurationVar(&c.idle, "idle", time.Minute, "idle window of the wakeup metric (the issue's target is for 10m)")
	flag.IntVar(&c.zombies, "zombies", 20000, "orphans handed to PID 1 at once")
	flag.IntVar(&c.storm, "storm", 2000, "orphans made one after another")
	flag.IntVar(&c.signals, "signals", 10000, "signal round trips per init in each round")
	flag.IntVar(&c.cpu, "cpu", 1, "CPU the signal round trip is pinned to")
	flag.IntVar(&c.dockerRounds, "docker-rounds", 3, "docker stop runs per init")
	flag.IntVar(&c.windowRuns, "window-runs", 40, "start-up window runs per init in each round")
	flag.DurationVar(&c.windowMax, "window", 10*time.Millisecond, "SIGTERM of the start-up window comes at most this long after the start")
	flag.StringVar(&c.out, "out", "bench", "directory for RESULTS.md and results.svg")
	only := flag.String("only", "", "measure only the metric with this name (size, start, memory, idle, reaping, signals, docker, window)")
	flag.Parse()

	inits := []pid1.Init{
		{Name: "tini", Path: "/usr/bin/tini"},
		{Name: "tini-static", Path: "/usr/bin/tini-static"},
		{Name: "dumb-init", Path: "/usr/bin/dumb-init"},
		{Name: "catatonit", Path: "/usr/bin/catatonit"},
		{Name: "pidone", Path: *pidone},
		{Name: "go floor", Path: *floor},
	}
	if *before != "" {
		name, path, ok := strings.Cut(*before, "=")
		if !ok || name == "" || path == "" {
			fmt.Fprintf(os.Stderr, "pidone-bench: -before wants NAME=PATH, not %q\n", *before)
			os.Exit(2)
		}
		inits = append(inits, pid1.Init{Name: "pidone " + name, Path: path})
	}
	var present []pid1.Init
	for _, in := range inits {
		if _, err := os.Stat(in.Path); err != nil {
			fmt.Fprintf(os.Stderr, "pidone-bench: skipping %s: %v\n", in.Name, err)
			continue
		}
		present = append(present, in)
	}

	started := time.Now()
	var metrics []metric
	for _, m := range []struct {
		name string
		run  func(config, []pid1.Init) (metric, error)
	}{
		{"size", measureSize},
		{"start", measureStartExit},
		{"memory", measureMemory},
		{"idle", measureIdle},
		{"reaping", measureReaping},
		{"signals", measureSignals},
		{"docker", measureDockerStop},
		{"window", measureStartupWindow},
	} {
		if *only != "" && m.name != *only {
			continue
		}
		t := time.Now()
		fmt.Fprintf(os.Stderr, "pidone-bench: %s...\n", m.name)
		got, err := m.run(c, present)
		if err != nil {
			fmt.Fprintf(os.Stderr, "pidone-bench: %s: %v\n", m.name, err)
			os.Exit(1)
		}
		fmt.Fprintf(os.Stderr, "pidone-bench: %s done in %.1fs\n", m.name, time.Since(t).Seconds())
		metrics = append(metrics, got)
	}
	if err := writeResults(c, present, metrics, time.Since(started)); err != nil {
		fmt.Fprintln(os.Stderr, "pidone-bench:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "pidone-bench: wrote %s/RESULTS.md and %s/results.svg in %.0fs\n",
		c.out, c.out, time.Since(started).Seconds())
}

// rotated returns the inits in the order of round r: each takes each place
// in turn, so a slow moment of the machine is shared out.
func rotated[T any](items []T, r int) []T {
	out := make([]T, 0, len(items))
	for i := range items {
		out = append(out, items[(i+r)%len(items)])
	}
	return out
}
