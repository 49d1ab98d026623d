//go:build torture

package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The lost-wakeup loop: an idle init whose child keeps every CPU busy, then
// one event, and the init must act on it. Each run is one of three: a
// SIGTERM to the init (forwarded, it ends the child, so the init exits
// 143), the child's exit (0), or both at once (either).
//
// The load runs in the child's session, as an application's would, and
// not in the test: that is what exposed the lost wakeups pidone was
// suspected of while it read the runtime's queue itself. Where the kernel
// groups processes by session for scheduling (kernel.sched_autogroup_
// enabled, on by default, for processes outside any cpu cgroup), an init
// that starts its child in a new session sits in a group of its own,
// idle, beside the busy one; measured on this project's machine, a thread
// of that group woken by the event could wait on the run queue for tens
// of seconds before it ran. That is the scheduler withholding the CPU,
// not a wakeup lost by the init: the thread was runnable all along, and
// no init can act before it runs.
//
// So a run that has not ended within tortureWakeupPatience is watched. The
// wakeup was lost if the init is seen asleep with the event not acted on:
// alive, none of its threads runnable, and neither running nor waiting for
// a CPU across tortureAsleepLooks looks in a row. The run was delayed by
// the scheduler if one of the init's threads is seen runnable but not
// running across tortureHeldLooks looks (it is then killed, as such a hold
// can last a minute), or if the run ends late without being seen either
// way (the test shares the init's session, and can be held as well). A
// lost run fails pidone's test; delayed runs are counted and reported. The
// same loop against tini and dumb-init is the control, reported beside it:
// tini keeps its child in its own session, dumb-init does not.

// tortureWakeupPatience is how long a run may take before it is watched:
// far more than the milliseconds it takes on an idle machine.
const tortureWakeupPatience = 2 * time.Second

// An init is asleep with work undone once it has been seen idle in this
// many looks in a row, tortureLookEvery apart (5 s at least); the scheduler
// holds it once it has been seen runnable and not running in
// tortureHeldLooks looks in a row (1 s at least).
const (
	tortureAsleepLooks = 50
	tortureHeldLooks   = 10
	tortureLookEvery   = 100 * time.Millisecond
)

// tortureEnding is how an init ended.
type tortureEnding struct {
	code int
	err  error
}

func TestTortureWakeups(t *testing.T) {
	t.Logf("runs of one signal, one exit or both, the child keeping %d CPUs busy", runtime.NumCPU())
	for _, in := range []Init{tortured(), {Name: "tini", Path: "/usr/bin/tini"}, {Name: "dumb-init", Path: "/usr/bin/dumb-init"}} {
		t.Run(in.Name, func(t *testing.T) {
			if in.Path == *pidoneBinary {
				lost, verdict := tortureWakeupLoop(t, in, *tortureWakeups)
				tortureVerdict(t, lost == 0, "%s", verdict)
				return
			}
			if _, err := os.Stat(in.Path); err != nil {
				t.Skipf("no control: %s is not installed (make setup installs it)", in.Name)
			}
			if *tortureWakeupControls == 0 {
				t.Skip("no control: -wakeup-controls 0")
			}
			_, verdict := tortureWakeupLoop(t, in, *tortureWakeupControls)
			t.Log("control: " + verdict)
		})
	}
}

// tortureWakeupLoop runs the loop against one init and returns how many
// runs it lost, and what became of them all.
func tortureWakeupLoop(t *testing.T, in Init, runs int) (lost int, verdict string) {
	delayed, longest := 0, time.Duration(0)
	var failures []string
	for run := range runs {
		kind := []string{"signal", "exit", "both"}[run%3]
		// The init idles beside the load long enough for the kernel to
		// count its group as idle (the load it tracks halves every 32 ms),
		// and varied, so that the event finds the init's threads parked in
		// every way they park.
		idle := time.Duration(100+run%7*100) * time.Millisecond
		why, late, took := tortureWakeupOnce(t, in, kind, idle)
		switch {
		case why != "":
			if lost++; lost <= 3 {
				failures = append(failures, fmt.Sprintf("run %d (%s): %s", run, kind, why))
			}
		case late:
			delayed++
			longest = max(longest, took)
		}
	}
	verdict = fmt.Sprintf("%s lost %d of %d", in.Name, lost, runs)
	if delayed > 0 {
		verdict += fmt.Sprintf(" (%d delayed by the scheduler, up to %.1fs)", delayed, longest.Seconds())
	}
	if len(failures) > 0 {
		verdict += " [" + strings.Join(failures, "; ") + "]"
	}
	return lost, verdict
}

// tortureWakeupOnce is one run: the init with its busy child, one event,
// and the wait for its end. It returns why the run was lost, or "" and
// whether the scheduler delayed it.
func tortureWakeupOnce(t *testing.T, in Init, kind string, idle time.Duration) (lost string, delayed bool, took time.Duration) {
	p := tortureStart(t, in, "hogs", strconv.Itoa(runtime.NumCPU()))
	tortureReady(t, p)
	time.Sleep(idle)
	start := time.Now()
	if kind != "exit" {
		p.Process.Signal(syscall.SIGTERM)
	}
	if kind != "signal" {
		p.CloseInput()
	}
	ended := make(chan tortureEnding, 1)
	go func() {
		code, err := p.WaitKeepInput()
		ended <- tortureEnding{code, err}
	}()

	var e tortureEnding
	select {
	case e = <-ended:
	case <-time.After(tortureWakeupPatience):
		var held, asleep bool
		e, held, asleep = tortureWatchLate(p.Pid, ended)
		took = time.Since(start)
		switch {
		case asleep:
			return fmt.Sprintf("alive and asleep %.1fs after the event, none of its threads running or runnable", took.Seconds()), false, took
		case held:
			return "", true, took
		}
		delayed = true
	}
	took = time.Since(start)
	switch {
	case e.err != nil:
		return e.err.Error(), false, took
	case !(e.code == 143 && kind != "exit" || e.code == 0 && kind != "signal"):
		return fmt.Sprintf("exit %d", e.code), false, took
	}
	return "", delayed, took
}

// tortureWatchLate looks at a late init until it ends or its fate is clear.
// Seen asleep with its work undone, it lost the wakeup; seen runnable and
// not running, the scheduler is holding it, which needs no more waiting (it
// can last a minute). Either way it is killed, and held or asleep says
// which; neither means it ended by itself, with e.
func tortureWatchLate(pid int, ended <-chan tortureEnding) (e tortureEnding, held, asleep bool) {
	idleLooks, heldLooks := 0, 0
	lastCPU, lastActive := time.Duration(-1), time.Duration(-1)
	for idleLooks < tortureAsleepLooks && heldLooks < tortureHeldLooks {
		select {
		case e = <-ended:
			return e, false, false
		case <-time.After(tortureLookEvery):
		}
		busy, onCPU, active, ok := tortureActivity(pid)
		// The kernel adds to a thread's waiting time only once it runs, so
		// a held thread shows as runnable, its CPU time standing still.
		switch {
		case !ok:
			idleLooks, heldLooks = 0, 0
		case busy && onCPU == lastCPU:
			idleLooks, heldLooks = 0, heldLooks+1
		case !busy && active == lastActive:
			idleLooks, heldLooks = idleLooks+1, 0
		default:
			idleLooks, heldLooks = 0, 0
		}
		lastCPU, lastActive = onCPU, active
	}
	syscall.Kill(pid, syscall.SIGKILL)
	held = heldLooks >= tortureHeldLooks
	return <-ended, held, !held
}

// tortureActivity reads what the kernel says of pid's threads: whether one
// of them is running or runnable, their time on a CPU, and their time on a
// CPU and waiting for one together, which stays the same only while all of
// them sleep. ok is false once pid is gone or a zombie.
func tortureActivity(pid int) (busy bool, onCPU, active time.Duration, ok bool) {
	stats, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/stat", pid))
	if len(stats) == 0 {
		return false, 0, 0, false
	}
	for _, stat := range stats {
		b, err := os.ReadFile(stat)
		if err != nil {
			return false, 0, 0, false
		}
		// The state follows the command name, which is in parentheses.
		state := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if len(state) == 0 || state[0] == "Z" {
			return false, 0, 0, false
		}
		busy = busy || state[0] == "R"
	}
	onCPU, queued, err := Schedstat(pid)
	if err != nil {
		return false, 0, 0, false
	}
	return busy, onCPU, onCPU + queued, true
}
