package main

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// exitWhileSignalled runs the child many times, each time exiting with its
// own code after a random moment while signals keep arriving at pidone;
// pidone must exit with that code every time.
func exitWhileSignalled(c config) (string, bool) {
	mix := stormMix()
	wrong, failures := 0, []string{}
	for run := range c.races {
		want := 1 + run%120
		spin := rand.IntN(3000)
		p, err := c.under("exitsoon", strconv.Itoa(want), strconv.Itoa(spin))
		if err != nil {
			return "races: " + err.Error(), false
		}
		if err := p.Expect("ready"); err != nil {
			p.Kill()
			return "races: " + err.Error(), false
		}
		done := make(chan struct{})
		go func() {
			// Process.Signal goes through a pidfd: it cannot reach a
			// recycled pid once pidone has been waited for.
			for i := 0; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				if p.Process.Signal(mix[i%len(mix)]) != nil {
					return
				}
				// A pause between signals: sent back to back, they keep
				// the child in its handlers for ever (each forward
				// reaches it while it still runs the last handler), and
				// it would never get to exit.
				time.Sleep(20 * time.Microsecond)
			}
		}()
		got, err := p.Wait()
		close(done)
		if got != want || err != nil {
			wrong++
			if len(failures) < 5 {
				failures = append(failures, fmt.Sprintf("run %d exit %d want %d %v", run, got, want, err))
			}
		}
	}
	verdict := fmt.Sprintf("races: %d runs where the child exits while signals arrive: wrong exit codes %d", c.races, wrong)
	if len(failures) > 0 {
		verdict += " (" + strings.Join(failures, "; ") + ")"
	}
	return verdict, wrong == 0
}
