package main

import (
	"fmt"
	"strconv"

	"github.com/pidone/pidone/bench/internal/pid1"
)

// orphansInBursts hands pidone its orphans in bursts: the child forks a
// parent that forks a burst of children which exit at once, and the parent
// exits, so all of them become pidone's zombies in one moment. The child
// counts the ones still there when the burst should be drained, and the
// harness counts pidone's zombie children from outside at the end.
func orphansInBursts(c config) (string, bool) {
	bursts := max(1, c.orphans/c.burst)
	p, err := c.under("orphans", strconv.Itoa(c.burst), "0")
	if err != nil {
		return "orphans: " + err.Error(), false
	}
	defer p.Kill()
	if err := p.Expect("ready"); err != nil {
		return "orphans: " + err.Error(), false
	}
	left := 0
	for range bursts {
		n, err := orphanBurst(p)
		if err != nil {
			return "orphans: " + err.Error(), false
		}
		left += n
	}
	outside := pid1.Zombies(p.Pid)
	code, err := p.Wait()
	ok := left == 0 && outside == 0 && code == 0 && err == nil
	return fmt.Sprintf("orphans %d in %d bursts: zombies left %d, seen from outside %d, exit %d (want 0)",
		bursts*c.burst, bursts, left, outside, code), ok
}

// orphanBurst asks the child for one burst and returns how many of its
// orphans were not reaped in time.
func orphanBurst(p *pid1.Proc) (left int, err error) {
	if err := p.Send("b"); err != nil {
		return 0, err
	}
	line, err := p.ReadLine()
	if err != nil {
		return 0, err
	}
	var ns int64
	if _, err := fmt.Sscan(line, &ns, &left); err != nil {
		return 0, fmt.Errorf("child said %q: %w", line, err)
	}
	return left, nil
}

// orphansWithoutInit is the negative control of orphansInBursts: with the
// child itself as PID 1 nobody reaps, and the same count must see every
// orphan left.
func orphansWithoutInit(c config) (string, bool) {
	const n = 100
	p, err := c.alone("orphans", strconv.Itoa(n), "0", "300")
	if err != nil {
		return "orphans without an init: " + err.Error(), false
	}
	defer p.Kill()
	if err := p.Expect("ready"); err != nil {
		return "orphans without an init: " + err.Error(), false
	}
	left, err := orphanBurst(p)
	if err != nil {
		return "orphans without an init: " + err.Error(), false
	}
	return fmt.Sprintf("negative control: orphans %d with no init: zombies left %d (want %d)", n, left, n), left == n
}
