//go:build bench

package bench

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/pidone/pidone/integration/proctest"
)

var (
	benchStartRuns = flag.Int("start-runs", 20, "start-and-exit runs per init in each round")
	benchIdle      = flag.Duration("idle", time.Minute, "the idle window (-idle 10m for a long one)")
	benchZombies   = flag.Int("zombies", 20000, "orphans handed to PID 1 at once")
	benchStorm     = flag.Int("storm-orphans", 2000, "orphans made one after another")
	benchSignals   = flag.Int("signals", 10000, "signal round trips per init in each round, after a tenth as many to warm up")
	benchPinCPU    = flag.Int("pin-cpu", 1, "the CPU the signal round trips are pinned to")
)

// BenchmarkSize is the init's file on disk. tini and dumb-init are
// dynamic: an image needs their loader and libc too (about 2 MB with glibc).
func BenchmarkSize(b *testing.B) {
	benchEach(b, benchInits(b), func(b *testing.B, in Init) {
		st, err := os.Stat(in.Path)
		if err != nil {
			b.Fatal(err)
		}
		benchReport(b, map[string]float64{"B-size": float64(st.Size())})
	})
}

// BenchmarkStart is `INIT /bin/true` as PID 1 of a fresh PID namespace,
// from fork to wait4 returning, the median of -start-runs; the overhead is
// that minus the median of /bin/true alone as PID 1, whose runs alternate
// with the init's. init=none is /bin/true alone, against itself.
func BenchmarkStart(b *testing.B) {
	benchEach(b, append(benchInits(b), None), func(b *testing.B, in Init) {
		var with, alone []float64
		for range b.N * *benchStartRuns {
			with = append(with, benchStartAndExit(b, in))
			alone = append(alone, benchStartAndExit(b, None))
		}
		median := benchPercentile(with, 50)
		benchReport(b, map[string]float64{"sec/start": median, "sec-overhead/start": median - benchPercentile(alone, 50)})
	})
}

func benchStartAndExit(b *testing.B, in Init) float64 {
	start := time.Now()
	p, err := Start(in.Argv("/bin/true"), benchLimit)
	if err != nil {
		b.Fatal(err)
	}
	if code, err := p.Wait(); code != 0 || err != nil {
		b.Fatalf("%s /bin/true: exit %d %v", in.Name, code, err)
	}
	return time.Since(start).Seconds()
}

// BenchmarkMemory is the init's memory while it supervises an idle child,
// from /proc/PID/status (VmRSS, VmHWM) and /proc/PID/smaps_rollup (Pss,
// Anonymous) once the child has said it is ready.
func BenchmarkMemory(b *testing.B) {
	benchEach(b, benchInits(b), func(b *testing.B, in Init) {
		figures := map[string]float64{}
		for range b.N {
			p, err := Start(in.Argv(*kidBinary, "idle"), benchLimit)
			if err != nil {
				b.Fatal(err)
			}
			if err := p.Expect("ready"); err != nil {
				p.Kill()
				b.Fatal(err)
			}
			rss, hwm, err := Memory(p.Pid)
			roll, err2 := Rollup(p.Pid)
			p.Wait()
			if err != nil || err2 != nil {
				b.Fatalf("memory: %v %v", err, err2)
			}
			for unit, kib := range map[string]int64{"B-rss": rss, "B-hwm": hwm, "B-pss": roll["Pss"], "B-anon": roll["Anonymous"]} {
				figures[unit] += float64(kib*1024) / float64(b.N)
			}
		}
		benchReport(b, figures)
	})
}

// BenchmarkIdle is every init supervising an idle child at once, over
// one window of -idle: the context switches of all the init's threads
// (/proc/PID/task/*/status, voluntary and not) and their CPU
// (/proc/PID/task/*/schedstat), per minute, and its threads at the end.
// Its one window is long, so it runs in the first round only.
func BenchmarkIdle(b *testing.B) {
	if *benchRound != 1 {
		b.Skip("one window per make bench, in its first round")
	}
	inits := benchInits(b)
	procs := make([]*Proc, len(inits))
	for i, in := range inits {
		p, err := Start(in.Argv(*kidBinary, "idle"), *benchIdle+benchLimit)
		if err != nil {
			b.Fatal(err)
		}
		defer p.Wait()
		if err := p.Expect("ready"); err != nil {
			b.Fatalf("%s: %v", in.Name, err)
		}
		procs[i] = p
	}
	wakeups, cpu := make([]int64, len(procs)), make([]time.Duration, len(procs))
	for i, p := range procs {
		wakeups[i], _ = Wakeups(p.Pid)
		cpu[i], _ = CPU(p.Pid)
	}
	time.Sleep(*benchIdle)
	perMinute := float64(time.Minute) / float64(*benchIdle)
	for i, p := range procs {
		w, err := Wakeups(p.Pid)
		c, err2 := CPU(p.Pid)
		if err != nil || err2 != nil {
			b.Fatalf("%s idle: %v %v", inits[i].Name, err, err2)
		}
		figures := map[string]float64{
			"wakeups/min": float64(w-wakeups[i]) * perMinute,
			"sec-cpu/min": (c - cpu[i]).Seconds() * perMinute,
			"threads":     float64(Threads(p.Pid)),
		}
		b.Run("init="+inits[i].Name, func(b *testing.B) { benchReport(b, figures) })
	}
}

// BenchmarkReaping is the child handing PID 1 a burst of -zombies at once
// (a parent forks them, they exit, it exits: drained is from then until
// kill(pid, 0) fails for the last), then a storm of -storm orphans one
// after another (each a child that forks a grandchild and exits), with the
// init's CPU over each (all threads, schedstat) and how far its peak
// resident set (VmHWM) grew over both: an init that keeps nothing per
// reaped process stays at 0.
func BenchmarkReaping(b *testing.B) {
	benchEach(b, benchInits(b), func(b *testing.B, in Init) {
		figures := map[string]float64{}
		for range b.N {
			p, err := Start(in.Argv(*kidBinary, "orphans", strconv.Itoa(*benchZombies), strconv.Itoa(*benchStorm)), benchLimit)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(p.Kill) // after a failure; harmless after Wait
			if err := p.Expect("ready"); err != nil {
				b.Fatal(err)
			}
			_, hwmBefore, err := Memory(p.Pid)
			if err != nil {
				b.Fatal(err)
			}
			burst, burstCPU := benchOrphans(b, p, "b")
			storm, stormCPU := benchOrphans(b, p, "s")
			_, hwmAfter, err := Memory(p.Pid)
			if err != nil {
				b.Fatal(err)
			}
			p.Wait()
			for unit, v := range map[string]float64{
				"sec/burst-drained": burst,
				"sec-cpu/zombie":    burstCPU / float64(*benchZombies),
				"sec-cpu/orphan":    stormCPU / float64(*benchStorm),
				"sec/orphan":        storm / float64(*benchStorm),
				"B-hwm-growth":      float64((hwmAfter - hwmBefore) * 1024),
			} {
				figures[unit] += v / float64(b.N)
			}
		}
		benchReport(b, figures)
	})
}

// benchOrphans gives the child one orphan command and returns the time
// the child reported and the init's CPU meanwhile, in seconds.
func benchOrphans(b *testing.B, p *Proc, cmd string) (took, cpu float64) {
	cpu0, err := CPU(p.Pid)
	if err != nil {
		b.Fatal(err)
	}
	if err := p.Send(cmd); err != nil {
		b.Fatal(err)
	}
	line, err := p.ReadLine()
	if err != nil {
		b.Fatal(err)
	}
	cpu1, err := CPU(p.Pid)
	if err != nil {
		b.Fatal(err)
	}
	var ns int64
	var left int
	if _, err := fmt.Sscan(line, &ns, &left); err != nil || left != 0 {
		b.Fatalf("orphans %q: the child said %q", cmd, line)
	}
	return float64(ns) / 1e9, (cpu1 - cpu0).Seconds()
}

// BenchmarkSignal is the round trip of SIGUSR1, init → child → ack
// through a pipe, -signals of them one after another, with the harness
// thread, the init and the child pinned to one CPU, and the init's CPU
// per signal. The child is benchkid (C) waiting in sigwaitinfo.
func BenchmarkSignal(b *testing.B) {
	benchEach(b, benchInits(b), func(b *testing.B, in Init) {
		var rtt []float64
		var cpu time.Duration
		for range b.N {
			// The pin is the thread's, so the round runs in a goroutine of
			// its own, whose thread is thrown away when it ends.
			done := make(chan error, 1)
			go func() { done <- benchRoundTrips(in, &rtt, &cpu) }()
			if err := <-done; err != nil {
				b.Fatal(err)
			}
		}
		benchReport(b, map[string]float64{
			"sec/rtt-p50":    benchPercentile(rtt, 50),
			"sec/rtt-p90":    benchPercentile(rtt, 90),
			"sec/rtt-p99":    benchPercentile(rtt, 99),
			"sec-cpu/signal": cpu.Seconds() / float64(len(rtt)),
		})
	})
}

func benchRoundTrips(in Init, rtt *[]float64, cpu *time.Duration) error {
	if err := PinThread(*benchPinCPU); err != nil {
		return err
	}
	p, err := Start(in.Argv(*kidBinary, "acks"), benchLimit)
	if err != nil {
		return err
	}
	defer p.Wait()
	if err := p.Expect("ready"); err != nil {
		return err
	}
	if cpus := proctest.Status(p.Pid)["Cpus_allowed_list"]; cpus != strconv.Itoa(*benchPinCPU) {
		return fmt.Errorf("the init runs on CPUs %q, not pinned to %d", cpus, *benchPinCPU)
	}
	warmUp := *benchSignals / 10
	var cpu0 time.Duration
	for i := range warmUp + *benchSignals {
		if i == warmUp {
			cpu0, _ = CPU(p.Pid)
		}
		start := time.Now()
		if err := syscall.Kill(p.Pid, syscall.SIGUSR1); err != nil {
			return err
		}
		if _, err := p.ReadByte(); err != nil {
			return err
		}
		if i >= warmUp {
			*rtt = append(*rtt, time.Since(start).Seconds())
		}
	}
	cpu1, err := CPU(p.Pid)
	if err != nil {
		return err
	}
	*cpu += cpu1 - cpu0
	return syscall.Kill(p.Pid, syscall.SIGTERM)
}
