package main

import (
	"debug/elf"
	"fmt"
	"os"
	"slices"
	"syscall"
	"time"

	"github.com/pidone/pidone/bench/internal/pid1"
)

// runLimit bounds every single run of an init; a run that hits it fails
// the bench rather than hanging it.
const runLimit = 2 * time.Minute

// measureSize is metric 1: the file's size and whether it needs a dynamic
// loader.
func measureSize(c config, inits []pid1.Init) (metric, error) {
	size := newFigure("size", "KB", 0)
	linking := textColumn{name: "linking", value: map[string]string{}}
	for _, in := range inits {
		st, err := os.Stat(in.Path)
		if err != nil {
			return metric{}, err
		}
		size.add(in.Name, float64(st.Size())/1000)
		linking.value[in.Name] = linkingOf(in.Path)
	}
	return metric{
		title:   "1. Binary size on disk",
		figures: []*figure{size},
		text:    []textColumn{linking},
		notes:   []string{"KB = 1000 bytes. A dynamic binary also needs its loader and libc in the image (about 2 MB more with glibc)."},
	}, nil
}

func linkingOf(path string) string {
	f, err := elf.Open(path)
	if err != nil {
		return "?"
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return "dynamic"
		}
	}
	return "static"
}

// measureStartExit is metric 2: "INIT /bin/true" as PID 1 of a fresh PID
// namespace, start to reaped, minus /bin/true alone as PID 1, in the same
// round.
func measureStartExit(c config, inits []pid1.Init) (metric, error) {
	total := newFigure("start and exit", "µs", 0)
	overhead := newFigure("overhead over /bin/true alone", "µs", 0)
	all := append([]pid1.Init{pid1.None}, inits...)
	for r := range c.rounds {
		times := map[string][]float64{}
		for range c.startRuns {
			for _, in := range rotated(all, r) {
				start := time.Now()
				p, err := pid1.Start(in.Argv("/bin/true"), runLimit)
				if err != nil {
					return metric{}, err
				}
				if code, err := p.Wait(); code != 0 || err != nil {
					return metric{}, fmt.Errorf("%s /bin/true: exit %d %v", in.Name, code, err)
				}
				times[in.Name] = append(times[in.Name], float64(time.Since(start).Microseconds()))
			}
		}
		alone := median(times[pid1.None.Name])
		total.add(pid1.None.Name, alone)
		for _, in := range inits {
			m := median(times[in.Name])
			total.add(in.Name, m)
			overhead.add(in.Name, m-alone)
		}
	}
	return metric{
		title:   "2. Start and exit: INIT /bin/true as PID 1 of a fresh PID namespace",
		figures: []*figure{total, overhead},
		notes: []string{fmt.Sprintf("Each round runs every init and /bin/true alone %d times, taking turns; a round's figure is the median of its runs, and the overhead is that minus /bin/true alone in the same round.", c.startRuns),
			"Timed from fork (with CLONE_NEWPID) to wait4 returning, in the Go harness."},
	}, nil
}

// measureMemory is metric 3: the init's memory while its child idles.
func measureMemory(c config, inits []pid1.Init) (metric, error) {
	rss := newFigure("VmRSS", "KiB", 0)
	hwm := newFigure("VmHWM", "KiB", 0)
	pss := newFigure("Pss", "KiB", 0)
	anon := newFigure("Anonymous", "KiB", 0)
	for r := range c.rounds {
		for _, in := range rotated(inits, r) {
			p, err := pid1.Start(in.Argv(c.kid, "idle"), runLimit)
			if err != nil {
				return metric{}, err
			}
			if err := p.Expect("ready"); err != nil {
				p.Kill()
				return metric{}, fmt.Errorf("%s: %w", in.Name, err)
			}
			vmrss, vmhwm, err := pid1.Memory(p.Pid)
			roll, err2 := pid1.Rollup(p.Pid)
			p.Wait()
			if err != nil || err2 != nil {
				return metric{}, fmt.Errorf("%s memory: %v %v", in.Name, err, err2)
			}
			rss.add(in.Name, float64(vmrss))
			hwm.add(in.Name, float64(vmhwm))
			pss.add(in.Name, float64(roll["Pss"]))
			anon.add(in.Name, float64(roll["Anonymous"]))
		}
	}
	return metric{
		title:   "3. Memory of the init while it supervises an idle child",
		figures: []*figure{rss, hwm, pss, anon},
		notes:   []string{"From /proc/PID/status and /proc/PID/smaps_rollup once the child has said it is ready."},
	}, nil
}

// measureIdle is metric 4: every init supervises an idle child at the same
// time, for the same window; their context switches (all threads) and CPU
// over the window.
func measureIdle(c config, inits []pid1.Init) (metric, error) {
	wakeups := newFigure("wakeups per minute", "", 1)
	cpu := newFigure("CPU per minute", "µs", 0)
	threads := textColumn{name: "threads", value: map[string]string{}}
	procs := make([]*pid1.Proc, len(inits))
	for i, in := range inits {
		p, err := pid1.Start(in.Argv(c.kid, "idle"), c.idle+runLimit)
		if err != nil {
			return metric{}, err
		}
		defer p.Wait()
		if err := p.Expect("ready"); err != nil {
			return metric{}, fmt.Errorf("%s: %w", in.Name, err)
		}
		procs[i] = p
	}
	w0, c0 := make([]int64, len(inits)), make([]time.Duration, len(inits))
	for i, p := range procs {
		w0[i], _ = pid1.Wakeups(p.Pid)
		c0[i], _ = pid1.CPU(p.Pid)
	}
	time.Sleep(c.idle)
	perMinute := float64(time.Minute) / float64(c.idle)
	for i, p := range procs {
		w1, err := pid1.Wakeups(p.Pid)
		c1, err2 := pid1.CPU(p.Pid)
		if err != nil || err2 != nil {
			return metric{}, fmt.Errorf("%s idle: %v %v", inits[i].Name, err, err2)
		}
		wakeups.add(inits[i].Name, float64(w1-w0[i])*perMinute)
		cpu.add(inits[i].Name, float64((c1-c0[i]).Microseconds())*perMinute)
		threads.value[inits[i].Name] = fmt.Sprint(pid1.Threads(p.Pid))
	}
	return metric{
		title:   fmt.Sprintf("4. Idle: wakeups and CPU while the child sleeps (one window of %s, all inits at once)", c.idle),
		figures: []*figure{wakeups, cpu},
		text:    []textColumn{threads},
		notes: []string{"Wakeups are voluntary + involuntary context switches of all the init's threads (/proc/PID/task/*/status); CPU is the sum of /proc/PID/task/*/schedstat.",
			"One window, so min = max = median. `-idle 10m` measures the issue's ten minutes."},
	}, nil
}

// pinned runs f in a goroutine locked to a thread on one CPU, so that the
// processes f starts inherit the pin, and waits for it.
func pinned(cpu int, f func() error) error {
	done := make(chan error, 1)
	go func() {
		if err := pid1.PinThread(cpu); err != nil {
			done <- err
			return
		}
		done <- f()
	}()
	return <-done
}

// measureSignals is metric 6: with the harness thread, the init and the
// child on one CPU, send the init SIGUSR1 and wait for the child's ack
// before sending the next.
func measureSignals(c config, inits []pid1.Init) (metric, error) {
	p50 := newFigure("round trip p50", "µs", 1)
	p90 := newFigure("round trip p90", "µs", 1)
	p99 := newFigure("round trip p99", "µs", 1)
	cpu := newFigure("init CPU per signal", "µs", 2)
	for r := range c.rounds {
		for _, in := range rotated(inits, r) {
			err := pinned(c.cpu, func() error {
				p, err := pid1.Start(in.Argv(c.kid, "acks"), runLimit)
				if err != nil {
					return err
				}
				defer p.Wait()
				if err := p.Expect("ready"); err != nil {
					return err
				}
				if cpus := pid1.AllowedCPUs(p.Pid); cpus != fmt.Sprint(c.cpu) {
					return fmt.Errorf("the init runs on CPUs %q, not pinned to %d", cpus, c.cpu)
				}
				lat := make([]float64, 0, c.signals)
				var cpu0 time.Duration
				for i := range c.signals + c.signals/10 {
					if i == c.signals/10 { // the first tenth warms up
						cpu0, _ = pid1.CPU(p.Pid)
					}
					start := time.Now()
					if err := syscall.Kill(p.Pid, syscall.SIGUSR1); err != nil {
						return err
					}
					if _, err := p.ReadByte(); err != nil {
						return err
					}
					if i >= c.signals/10 {
						lat = append(lat, float64(time.Since(start).Nanoseconds())/1000)
					}
				}
				cpu1, err := pid1.CPU(p.Pid)
				if err != nil {
					return err
				}
				syscall.Kill(p.Pid, syscall.SIGTERM)
				slices.Sort(lat)
				p50.add(in.Name, percentile(lat, 50))
				p90.add(in.Name, percentile(lat, 90))
				p99.add(in.Name, percentile(lat, 99))
				cpu.add(in.Name, float64((cpu1-cpu0).Nanoseconds())/1000/float64(c.signals))
				return nil
			})
			if err != nil {
				return metric{}, fmt.Errorf("%s signals: %w", in.Name, err)
			}
		}
	}
	return metric{
		title:   fmt.Sprintf("6. Signals: round trip of SIGUSR1, init → child → ack through a pipe, all on CPU %d", c.cpu),
		figures: []*figure{p50, p90, p99, cpu},
		notes: []string{fmt.Sprintf("%d round trips per init per round after %d to warm up; the percentiles are per round, the table shows their median over rounds.", c.signals, c.signals/10),
			"The child is benchkid (C) waiting in sigwaitinfo; the harness thread, the init and the child are pinned to one CPU, inherited from the harness thread."},
	}, nil
}
