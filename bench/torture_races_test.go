//go:build torture

package bench

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

// TestTortureExitWhileSignalled runs the child many times, each time exiting
// with its own code after a random moment while signals keep arriving at
// pidone; pidone must exit with that code every time.
func TestTortureExitWhileSignalled(t *testing.T) {
	mix := tortureStormMix()
	wrong := 0
	for run := range *tortureRaces {
		want := 1 + run%120
		p := tortureStart(t, tortured(), "exitsoon", strconv.Itoa(want), strconv.Itoa(rand.IntN(3000)))
		tortureReady(t, p)
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
			if wrong++; wrong <= 5 {
				t.Errorf("run %d: exit %d, want %d (error %v)", run, got, want, err)
			}
		}
	}
	tortureVerdict(t, wrong == 0, "%d runs where the child exits while signals arrive: wrong exit codes %d",
		*tortureRaces, wrong)
}
