package main

import (
	"fmt"
	"math/rand"
	"syscall"
	"time"

	"github.com/pidone/pidone/bench/internal/pid1"
)

// windowLimit is how long an init may take to end after the SIGTERM of the
// start-up window before the run counts as lost. A forwarded SIGTERM ends
// the run within milliseconds; most lost runs are signals the kernel
// dropped, and each costs the whole limit, so it is short.
const windowLimit = 500 * time.Millisecond

// measureStartupWindow is metric 8: SIGTERM reaches the init within its
// first milliseconds as PID 1, with `sleep 1000` to run. A drop-in ends
// 143, the child's death by the forwarded signal. A Go init that has not
// yet asked os/signal for SIGTERM takes the runtime's default and exits 2.
// A signal sent before the init has any handler at all is dropped by the
// kernel, which gives PID 1 of a namespace only the signals it handles:
// the init is still running at the limit, "lost", whichever init it is.
// Every init gets the same delays, drawn uniformly from 0 to windowMax.
func measureStartupWindow(c config, inits []pid1.Init) (metric, error) {
	defaulted := newFigure("exit 2 (the runtime's default), of the SIGTERMs that reached the init", "%", 1)
	lost := newFigure("lost (sent before any handler), of all runs", "%", 1)
	random := rand.New(rand.NewSource(1))
	for r := range c.rounds {
		exit2, dropped := map[string]int{}, map[string]int{}
		for range c.windowRuns {
			after := time.Duration(random.Int63n(int64(c.windowMax) + 1))
			for _, in := range rotated(inits, r) {
				code, ended, err := startThenTerm(in, after)
				switch {
				case err != nil:
					return metric{}, err
				case !ended:
					dropped[in.Name]++
				case code == 2:
					exit2[in.Name]++
				}
			}
		}
		for _, in := range inits {
			reached := c.windowRuns - dropped[in.Name]
			if reached > 0 {
				defaulted.add(in.Name, 100*float64(exit2[in.Name])/float64(reached))
			}
			lost.add(in.Name, 100*float64(dropped[in.Name])/float64(c.windowRuns))
		}
	}
	return metric{
		title:   fmt.Sprintf("8. Start-up window: SIGTERM within the first %s as PID 1", c.windowMax),
		figures: []*figure{defaulted, lost},
		notes: []string{fmt.Sprintf("Each round sends SIGTERM %d times per init, after a delay drawn from 0 to %s, the same delays for every init, and waits %s for the init to end.", c.windowRuns, c.windowMax, windowLimit),
			"A SIGTERM that reached the init and did not take the runtime's default ended the run 143: forwarded to the child, or (tini) acted on before the child existed. `make bench-startup` runs the same check with more runs."},
	}, nil
}

// startThenTerm starts the init as PID 1 with `sleep 1000`, sends it
// SIGTERM after the delay, and returns its exit code, or ended false when
// it was still running at the limit.
func startThenTerm(in pid1.Init, after time.Duration) (code int, ended bool, err error) {
	p, err := pid1.Start(in.Argv("/bin/sleep", "1000"), windowLimit+after)
	if err != nil {
		return 0, false, err
	}
	time.Sleep(after)
	syscall.Kill(p.Pid, syscall.SIGTERM)
	code, err = p.WaitKeepInput()
	if err != nil {
		return 0, false, nil // the limit passed, and the init was killed
	}
	return code, true, nil
}
