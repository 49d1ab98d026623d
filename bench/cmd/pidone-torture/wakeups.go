package main

import (
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
)

// idleWakeups is the lost-wakeup loop of issue 15: an idle init, both CPUs
// kept busy beside it, then one event, and the init must notice it. Each
// run is one of three: a SIGTERM to the init (the idle child dies of it,
// so the init must exit 143), the child's exit (0), or both at once (either
// code). A run whose init does not exit within the limit lost its wakeup.
func idleWakeups(c config) (string, bool) {
	stop := hogCPUs(runtime.NumCPU())
	defer stop()

	lost, failures := 0, []string{}
	for run := range c.wakeups {
		kind := []string{"signal", "exit", "both"}[run%3]
		p, err := c.under("idle")
		if err != nil {
			return "wakeups: " + err.Error(), false
		}
		if err := p.Expect("ready"); err != nil {
			p.Kill()
			return "wakeups: " + err.Error(), false
		}
		if kind != "exit" {
			p.Process.Signal(syscall.SIGTERM)
		}
		if kind != "signal" {
			p.CloseInput()
		}
		got, err := p.WaitKeepInput()
		ok := err == nil && (got == 143 && kind != "exit" || got == 0 && kind != "signal")
		if !ok {
			lost++
			if len(failures) < 5 {
				failures = append(failures, fmt.Sprintf("run %d (%s): exit %d %v", run, kind, got, err))
			}
		}
	}
	verdict := fmt.Sprintf("wakeups: %d runs of one signal, one exit or both beside %d CPU hogs: lost %d",
		c.wakeups, runtime.NumCPU(), lost)
	if len(failures) > 0 {
		verdict += " (" + strings.Join(failures, "; ") + ")"
	}
	return verdict, lost == 0
}

// hogCPUs keeps n goroutines spinning until the returned function is called.
func hogCPUs(n int) (stop func()) {
	var done atomic.Bool
	for range n {
		go func() {
			for !done.Load() {
			}
		}()
	}
	return func() { done.Store(true) }
}
