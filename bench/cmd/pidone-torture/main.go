// Command pidone-torture runs pidone as PID 1 of fresh PID namespaces
// through bounded loops of what an init must never get wrong: zombies
// left, signals lost, exit codes changed, signal state leaked to the child.
// It prints what go test -v prints, one test per check with its verdict,
// so that make test reads it through go tool test2json, and exits 1 if any
// check failed.
//
//	pidone-torture -pidone bin/pidone -kid bin/benchkid
//
// The counts are flags, so that make test runs a small version and make
// torture the full one. Every check has a time limit; a check that hits it
// fails.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/pidone/pidone/bench/internal/pid1"
	"github.com/pidone/pidone/internal/hostcheck"
)

type config struct {
	pidone, kid string
	orphans     int // orphans in total, handed over in bursts
	burst       int // orphans per burst
	acked       int // signals sent one at a time, each waiting for its ack
	storm       int // signals sent without waiting while the child churns
	races       int // runs in which the child exits while signals arrive
	urgs        int // rounds of 20 other signals before the one SIGURG the child must see
	wakeups     int // runs of one signal or one exit to an idle init beside CPU hogs
	controls    int // runs of the same against tini and dumb-init
	limit       time.Duration
}

// check is one torture loop: it returns its verdict without PASS/FAIL
// and whether it passed.
type check struct {
	name string
	run  func(c config) (string, bool)
}

var checks = []check{
	{"orphans", orphansInBursts},
	{"orphans-control", orphansWithoutInit},
	{"acked", ackedSignals},
	{"storm", signalStorm},
	{"races", exitWhileSignalled},
	{"sigstate", childSignalState},
	{"sigurg-control", sigurgWithoutInit},
	{"wakeups", idleWakeups},
}

func main() {
	var c config
	flag.StringVar(&c.pidone, "pidone", "bin/pidone", "the pidone binary")
	flag.StringVar(&c.kid, "kid", "bin/benchkid", "the benchkid helper (bench/kid/benchkid.c)")
	flag.IntVar(&c.orphans, "orphans", 20000, "orphans in total")
	flag.IntVar(&c.burst, "burst", 1000, "orphans per burst")
	flag.IntVar(&c.acked, "acked", 10000, "acked signals")
	flag.IntVar(&c.storm, "storm", 100000, "signals in the unacked storm")
	flag.IntVar(&c.races, "races", 1000, "runs in which the child exits while signals arrive")
	flag.IntVar(&c.urgs, "urgs", 1000, "rounds of 20 other signals sent to pidone before one SIGURG (sigstate)")
	flag.IntVar(&c.wakeups, "wakeups", 1000, "runs of the lost-wakeup loop")
	flag.IntVar(&c.controls, "wakeup-controls", 300, "runs of the lost-wakeup loop against each of tini and dumb-init")
	flag.DurationVar(&c.limit, "limit", 5*time.Minute, "time limit of each check")
	only := flag.String("only", "", "run only the check with this name")
	flag.Parse()

	failed := 0
	for _, ch := range checks {
		if *only != "" && ch.name != *only {
			continue
		}
		fmt.Printf("=== RUN   %s\n", ch.name)
		// Every check runs its init as PID 1 of a namespace of its own.
		if why := hostcheck.NoPIDNamespace(); why != "" {
			fmt.Printf("    %s\n--- SKIP: %s (0.00s)\n", why, ch.name)
			continue
		}
		start := time.Now()
		verdict, ok := ch.run(c)
		result := "PASS"
		if !ok {
			result, failed = "FAIL", failed+1
		}
		fmt.Printf("    torture: %s\n--- %s: %s (%.2fs)\n", verdict, result, ch.name, time.Since(start).Seconds())
	}
	if failed > 0 {
		fmt.Printf("torture: %d check(s) failed\nFAIL\n", failed)
		os.Exit(1)
	}
	fmt.Println("PASS")
}

// under runs the kid with args under pidone.
func (c config) under(args ...string) (*pid1.Proc, error) {
	init := pid1.Init{Name: "pidone", Path: c.pidone}
	return pid1.Start(init.Argv(append([]string{c.kid}, args...)...), c.limit)
}

// alone runs the kid with args as PID 1 itself: the negative controls.
func (c config) alone(args ...string) (*pid1.Proc, error) {
	return pid1.Start(pid1.None.Argv(append([]string{c.kid}, args...)...), c.limit)
}
