//go:build torture

package bench

import (
	"fmt"
	"strconv"
	"testing"
)

// TestTortureOrphansInBursts hands pidone its orphans in bursts: the child
// forks a parent that forks a burst of children which exit at once, and the
// parent exits, so all of them become pidone's zombies in one moment. The
// child counts the ones still there when the burst should be drained, and
// the test counts pidone's zombie children from outside at the end.
func TestTortureOrphansInBursts(t *testing.T) {
	burst := *tortureBurst
	bursts := max(1, *tortureOrphans/burst)
	p := tortureStart(t, tortured(), "orphans", strconv.Itoa(burst), "0")
	tortureReady(t, p)
	left := 0
	for range bursts {
		left += tortureOrphanBurst(t, p)
	}
	outside := Zombies(p.Pid)
	code, err := p.Wait()
	tortureVerdict(t, left == 0 && outside == 0 && code == 0 && err == nil,
		"orphans %d in %d bursts: zombies left %d, seen from outside %d, exit %d (want 0, error %v)",
		bursts*burst, bursts, left, outside, code, err)
}

// TestTortureOrphansWithoutInit is the negative control of the bursts: with
// the child itself as PID 1 nobody reaps, and the same count must see every
// orphan left.
func TestTortureOrphansWithoutInit(t *testing.T) {
	const n = 100
	p := tortureStart(t, None, "orphans", strconv.Itoa(n), "0", "300")
	tortureReady(t, p)
	left := tortureOrphanBurst(t, p)
	tortureVerdict(t, left == n, "orphans %d with no init: zombies left %d (want %d)", n, left, n)
}

// tortureOrphanBurst asks the child for one burst and returns how many of
// its orphans were not reaped in time.
func tortureOrphanBurst(t *testing.T, p *Proc) (left int) {
	t.Helper()
	if err := p.Send("b"); err != nil {
		t.Fatal(err)
	}
	line := tortureLine(t, p)
	var ns int64
	if _, err := fmt.Sscan(line, &ns, &left); err != nil {
		t.Fatalf("child said %q: %v", line, err)
	}
	return left
}
