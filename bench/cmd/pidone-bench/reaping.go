package main

import (
	"fmt"
	"strconv"
	"time"

	"github.com/pidone/pidone/bench/internal/pid1"
)

// measureReaping is metric 5: the child hands PID 1 a burst of zombies at
// once (time until none is left, init CPU per zombie), then makes orphans
// one after another (init CPU per orphan). How far the init's peak memory
// rises over both shows whether it keeps anything per process it reaps.
func measureReaping(c config, inits []pid1.Init) (metric, error) {
	drain := newFigure(fmt.Sprintf("%d-zombie burst: drained in", c.zombies), "ms", 1)
	perZombie := newFigure("init CPU per zombie", "µs", 2)
	perOrphan := newFigure(fmt.Sprintf("storm of %d: init CPU per orphan", c.storm), "µs", 2)
	stormTime := newFigure("storm: time per orphan", "µs", 1)
	growth := newFigure("VmHWM growth over burst and storm", "KiB", 0)
	for r := range c.rounds {
		for _, in := range rotated(inits, r) {
			run, err := reapingRun(c, in)
			if err != nil {
				return metric{}, fmt.Errorf("%s: %w", in.Name, err)
			}
			drain.add(in.Name, float64(run.burstNs)/1e6)
			perZombie.add(in.Name, float64(run.burstCPU.Nanoseconds())/1000/float64(c.zombies))
			perOrphan.add(in.Name, float64(run.stormCPU.Nanoseconds())/1000/float64(c.storm))
			stormTime.add(in.Name, float64(run.stormNs)/1000/float64(c.storm))
			growth.add(in.Name, float64(run.hwmGrowth))
		}
	}
	return metric{
		title:   "5. Reaping",
		figures: []*figure{drain, perZombie, perOrphan, stormTime, growth},
		notes: []string{
			fmt.Sprintf("Burst: a parent forks %d children that exit at once, then exits itself, so PID 1 inherits %d zombies in one moment; \"drained\" is from the parent's exit until kill(pid, 0) fails for the last of them.", c.zombies, c.zombies),
			"Storm: the child forks a child that forks a grandchild and exits; the grandchild exits at once. CPU is the init's own (all threads, /proc/PID/task/*/schedstat) over the burst or the storm.",
			"VmHWM growth: the init's peak resident set (/proc/PID/status) after the storm minus before the burst; an init that keeps nothing per reaped process stays at 0.",
		},
	}, nil
}

// reaping is what one init did in one round of metric 5.
type reaping struct {
	burstNs, stormNs   int64
	burstCPU, stormCPU time.Duration
	hwmGrowth          int64 // KiB
}

// reapingRun runs one init through a burst and a storm; on any failure the
// init is killed, so no round leaves a process behind.
func reapingRun(c config, in pid1.Init) (run reaping, err error) {
	p, err := pid1.Start(in.Argv(c.kid, "orphans", strconv.Itoa(c.zombies), strconv.Itoa(c.storm)), runLimit)
	if err != nil {
		return run, err
	}
	defer func() {
		if err != nil {
			p.Kill()
		}
	}()
	if err = p.Expect("ready"); err != nil {
		return run, err
	}
	_, hwmBefore, err := pid1.Memory(p.Pid)
	if err != nil {
		return run, err
	}
	if run.burstNs, run.burstCPU, err = orphanRun(p, "b"); err != nil {
		return run, fmt.Errorf("burst: %w", err)
	}
	if run.stormNs, run.stormCPU, err = orphanRun(p, "s"); err != nil {
		return run, fmt.Errorf("storm: %w", err)
	}
	_, hwmAfter, err := pid1.Memory(p.Pid)
	if err != nil {
		return run, err
	}
	run.hwmGrowth = hwmAfter - hwmBefore
	p.Wait()
	return run, nil
}

// orphanRun gives the child one orphan command and returns the time it
// reported and the init's CPU meanwhile.
func orphanRun(p *pid1.Proc, cmd string) (ns int64, cpu time.Duration, err error) {
	cpu0, err := pid1.CPU(p.Pid)
	if err != nil {
		return 0, 0, err
	}
	if err := p.Send(cmd); err != nil {
		return 0, 0, err
	}
	line, err := p.ReadLine()
	if err != nil {
		return 0, 0, err
	}
	cpu1, err := pid1.CPU(p.Pid)
	if err != nil {
		return 0, 0, err
	}
	var left int
	if _, err := fmt.Sscan(line, &ns, &left); err != nil {
		return 0, 0, fmt.Errorf("child said %q", line)
	}
	if left != 0 {
		return 0, 0, fmt.Errorf("%d zombies left", left)
	}
	return ns, cpu1 - cpu0, nil
}
