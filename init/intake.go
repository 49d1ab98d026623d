package supervisor

import (
	"runtime"
	"syscall"
	_ "unsafe" // for go:linkname
)

// The signal intake reads the Go runtime's signal queue itself, through the
// same two runtime functions os/signal is built on, rather than through
// os/signal: os/signal brings in package os, which alone makes pidone a
// fifth larger. The queue is the only sound path in Go: the runtime unblocks
// the signals it needs in every thread it starts, so signalfd and sigwait
// would lose them to its handler.
//
// The runtime keeps one queue per process and assumes one reader, so
// pidone must not use os/signal too. The reader is the supervisor's main
// loop itself, on the process's main thread; bench/FINDINGS.md has the
// measurements behind each choice here.

//go:linkname signalEnable os/signal.signal_enable
func signalEnable(sig uint32)

//go:linkname signalRecv os/signal.signal_recv
func signalRecv() uint32

// runtimeSleep is time.Sleep, which the runtime implements: pidone's timers
// are the runtime's own, without package time and its 110 KB.
//
//go:linkname runtimeSleep time.Sleep
func runtimeSleep(ns int64)

// The kernel hands a signal sent to the process to its main thread first.
// Keeping the main goroutine, which reads the queue, on the main thread lets
// the runtime's handler wake the reader on the thread it already runs on,
// rather than waking a second thread for every signal.
func init() {
	runtime.LockOSThread()
}

// enableSignals asks the runtime to queue sigs for nextSignal rather than
// act on them. Each request is a round trip to the runtime's signal-mask
// thread, and made from a goroutine locked to its thread they cost far more
// (a prototype took 7.4 ms from start to exit that way, 4.4 ms asking from
// a goroutine of its own), so a goroutine of its own makes them while the
// caller waits.
func enableSignals(sigs []syscall.Signal) {
	if len(sigs) == 0 {
		return
	}
	enabled := make(chan struct{})
	go func() {
		for _, sig := range sigs {
			signalEnable(uint32(sig))
		}
		close(enabled)
	}()
	<-enabled
}

// nextSignal waits for the next signal in the queue. Like the kernel's
// pending set, the queue holds each signal once: repeats that arrive before
// it is read merge into one.
func nextSignal() syscall.Signal {
	return syscall.Signal(signalRecv())
}

// wakeIntake makes nextSignal return, for a timer that has run out: it sends
// pidone a SIGCHLD, the one signal that is never forwarded and whose
// handling, reaping whatever has ended, is always safe to repeat.
func wakeIntake() {
	syscall.Kill(syscall.Getpid(), syscall.SIGCHLD)
}

// after returns a channel that is closed once d has passed, and wakes the
// intake then.
func after(d Duration) <-chan struct{} {
	expired := make(chan struct{})
	go func() {
		runtimeSleep(int64(d))
		close(expired)
		wakeIntake()
	}()
	return expired
}

// expired reports whether a channel from after has been closed. A nil
// channel, no timer, never is.
func expired(timer <-chan struct{}) bool {
	select {
	case <-timer:
		return true
	default:
		return false
	}
}

// parkIdleThread keeps a runtime timer pending for as long as pidone runs.
// While one is, the scheduler parks an idle thread in epoll_wait until it
// is due; with none, each time pidone goes back to waiting the scheduler
// wakes a thread to look for network work, which finds none and sleeps
// again, two context switches for every signal and every orphan.
func parkIdleThread() {
	go runtimeSleep(1<<63 - 1)
}
