package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/pidone/pidone/bench/internal/pid1"
)

// The lost-wakeup loop: an idle init whose child keeps every
// CPU busy, then one event, and the init must act on it. Each run is one
// of three: a SIGTERM to the init (forwarded, it ends the child, so the
// init exits 143), the child's exit (0), or both at once (either).
//
// The load runs in the child's session, as an application's would, and
// not in the harness: that is what exposed the lost wakeups pidone was
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
// So a run that has not ended within wakeupPatience is watched. The wakeup
// was lost if the init is seen asleep with the event not acted on: alive,
// none of its threads runnable, and neither running nor waiting for a CPU
// across wakeupStuckLooks looks in a row. The run was delayed by the
// scheduler if one of the init's threads is seen runnable but not running
// across wakeupHeldLooks looks (it is then killed, as such a hold can last
// a minute), or if the run ends late without being seen either way (the
// harness shares the init's session, and can be held as well). A lost run
// fails the check; delayed runs are counted and reported. The same loop
// against tini and dumb-init is the control: tini keeps its child in its
// own session, dumb-init does not.

// wakeupIdle is how long the init idles beside the load before the event,
// run by run: long enough for the kernel to count its group as idle (the
// load it tracks halves every 32 ms), and varied, so that the event finds
// the init's threads parked in every way they park.
func wakeupIdle(run int) time.Duration { return time.Duration(100+run%7*100) * time.Millisecond }

// wakeupPatience is how long a run may take before it is watched: far
// more than the milliseconds it takes on an idle machine.
const wakeupPatience = 2 * time.Second

// An init is asleep with work undone once it has been seen idle in this
// many looks in a row, wakeupLookEvery apart (5 s at least); the scheduler
// holds it once it has been seen runnable and not running in
// wakeupHeldLooks looks in a row (1 s at least).
const (
	wakeupStuckLooks = 50
	wakeupHeldLooks  = 10
	wakeupLookEvery  = 100 * time.Millisecond
)

// ending is how an init ended.
type ending struct {
	code int
	err  error
}

// wakeupRun is what became of one run.
type wakeupRun int

const (
	wakeupOK      wakeupRun = iota
	wakeupDelayed           // ended late, never seen asleep
	wakeupLost              // seen asleep with the event not acted on, or the wrong exit code
)

func idleWakeups(c config) (string, bool) {
	inits := []pid1.Init{{Name: "pidone", Path: c.pidone}}
	for _, control := range []pid1.Init{{Name: "tini", Path: "/usr/bin/tini"}, {Name: "dumb-init", Path: "/usr/bin/dumb-init"}} {
		if _, err := os.Stat(control.Path); err == nil && c.controls > 0 {
			inits = append(inits, control)
		}
	}
	var verdicts []string
	pidoneLost := -1
	for _, in := range inits {
		runs := c.wakeups
		if in.Path != c.pidone {
			runs = c.controls
		}
		verdict, lost, err := wakeupLoop(c, in, runs)
		if err != nil {
			return "wakeups: " + in.Name + ": " + err.Error(), false
		}
		verdicts = append(verdicts, verdict)
		if in.Path == c.pidone {
			pidoneLost = lost
		}
	}
	if len(inits) < 3 && c.controls > 0 {
		verdicts = append(verdicts, "no control: tini or dumb-init is not installed (make setup installs them)")
	}
	return fmt.Sprintf("wakeups, runs of one signal, one exit or both, the child keeping %d CPUs busy: %s",
		runtime.NumCPU(), strings.Join(verdicts, "; ")), pidoneLost == 0
}

// wakeupLoop runs the loop against one init and returns its verdict and
// how many runs it lost.
func wakeupLoop(c config, in pid1.Init, runs int) (verdict string, lost int, err error) {
	delayed, longest := 0, time.Duration(0)
	var failures []string
	for run := range runs {
		kind := []string{"signal", "exit", "both"}[run%3]
		result, took, why, err := wakeupOnce(c, in, kind, wakeupIdle(run))
		if err != nil {
			return "", 0, err
		}
		switch result {
		case wakeupDelayed:
			delayed++
			longest = max(longest, took)
		case wakeupLost:
			lost++
			if len(failures) < 3 {
				failures = append(failures, fmt.Sprintf("run %d (%s): %s", run, kind, why))
			}
		}
	}
	verdict = fmt.Sprintf("%s lost %d of %d", in.Name, lost, runs)
	if delayed > 0 {
		verdict += fmt.Sprintf(" (%d delayed by the scheduler, up to %.1fs)", delayed, longest.Seconds())
	}
	if len(failures) > 0 {
		verdict += " [" + strings.Join(failures, "; ") + "]"
	}
	return verdict, lost, nil
}

// wakeupOnce is one run: the init with its busy child, one event, and the
// wait for its end.
func wakeupOnce(c config, in pid1.Init, kind string, idle time.Duration) (result wakeupRun, took time.Duration, why string, err error) {
	p, err := pid1.Start(in.Argv(c.kid, "hogs", strconv.Itoa(runtime.NumCPU())), c.limit)
	if err != nil {
		return 0, 0, "", err
	}
	if err := p.Expect("ready"); err != nil {
		p.Kill()
		return 0, 0, "", err
	}
	time.Sleep(idle)
	start := time.Now()
	if kind != "exit" {
		p.Process.Signal(syscall.SIGTERM)
	}
	if kind != "signal" {
		p.CloseInput()
	}
	ended := make(chan ending, 1)
	go func() {
		code, err := p.WaitKeepInput()
		ended <- ending{code, err}
	}()

	late := false
	var e ending
	select {
	case e = <-ended:
	case <-time.After(wakeupPatience):
		var killed wakeupRun
		e, killed = watchLateInit(p.Pid, ended)
		took = time.Since(start)
		switch killed {
		case wakeupLost:
			return wakeupLost, took, fmt.Sprintf("alive and asleep %.1fs after the event, none of its threads running or runnable", took.Seconds()), nil
		case wakeupDelayed:
			return wakeupDelayed, took, "", nil
		}
		late = true
	}
	took = time.Since(start)

	rightCode := e.err == nil && (e.code == 143 && kind != "exit" || e.code == 0 && kind != "signal")
	switch {
	case e.err != nil:
		return wakeupLost, took, e.err.Error(), nil
	case !rightCode:
		return wakeupLost, took, fmt.Sprintf("exit %d", e.code), nil
	case late:
		return wakeupDelayed, took, "", nil
	}
	return wakeupOK, took, "", nil
}

// watchLateInit looks at a late init until it ends or its fate is clear,
// and reports what became of it. Seen asleep with its work undone, it lost
// the wakeup; seen runnable and not running, the scheduler is holding it,
// which needs no more waiting (it can last a minute). Either way it is killed, and the
// result says which; wakeupOK means it ended by itself, with e.
func watchLateInit(pid int, ended <-chan ending) (e ending, killed wakeupRun) {
	idleLooks, heldLooks := 0, 0
	lastCPU, lastActive := time.Duration(-1), time.Duration(-1)
	for {
		select {
		case e = <-ended:
			return e, wakeupOK
		case <-time.After(wakeupLookEvery):
		}
		busy, onCPU, active, ok := initActivity(pid)
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
		if idleLooks >= wakeupStuckLooks || heldLooks >= wakeupHeldLooks {
			syscall.Kill(pid, syscall.SIGKILL)
			e = <-ended
			if heldLooks >= wakeupHeldLooks {
				return e, wakeupDelayed
			}
			return e, wakeupLost
		}
	}
}

// initActivity reads what the kernel says of pid's threads: whether one of
// them is running or runnable, their time on a CPU, and their time on a CPU
// and waiting for one together, which stays the same only while all of
// them sleep. ok is false once pid is gone or a zombie.
func initActivity(pid int) (busy bool, onCPU, active time.Duration, ok bool) {
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
	onCPU, queued, err := pid1.Schedstat(pid)
	if err != nil {
		return false, 0, 0, false
	}
	return busy, onCPU, onCPU + queued, true
}
