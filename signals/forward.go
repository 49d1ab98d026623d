package signals

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// neverForwarded names the signals pidone catches, or could be sent, but
// must not pass on, each with the reason.
var neverForwarded = map[syscall.Signal]string{
	// SIGCHLD tells pidone that a child changed state; it is pidone's own
	// cue to reap, and the child's children are none of the child's business.
	syscall.SIGCHLD: "pidone's cue to reap",
	// The Go runtime's handler keeps every SIGPROF for its profiler, and
	// never hands signal 34 (musl's SIGSYNCCALL) to os/signal: neither ever
	// reaches pidone, so neither can be forwarded. 34 the runtime leaves at
	// the kernel's default; pidone ignores it once the child runs
	// (init/sigstate.go).
	syscall.SIGPROF: "the Go runtime's profiling signal",
	rtmin:           "kept by the Go runtime (musl's SIGSYNCCALL)",
}

// Forwardable reports whether a signal pidone receives may be passed on.
func Forwardable(sig syscall.Signal) bool {
	_, never := neverForwarded[sig]
	return !never
}

// Catchable lists every signal pidone asks to receive: all that can be
// caught and reach pidone, which leaves out SIGKILL and SIGSTOP, the two the
// C library keeps for its threads (32 and 33), and the never-forwarded ones
// but SIGCHLD, on which pidone reaps.
func Catchable() []syscall.Signal {
	sigs := make([]syscall.Signal, 0, Max)
	for n := syscall.Signal(1); n <= Max; n++ {
		switch {
		case n == syscall.SIGKILL, n == syscall.SIGSTOP, n == 32, n == 33:
		case !Forwardable(n) && n != syscall.SIGCHLD:
		default:
			sigs = append(sigs, n)
		}
	}
	return sigs
}

// ToProcess sends sig to one process.
func ToProcess(pid int, sig syscall.Signal) error {
	return unix.Kill(pid, sig)
}

// ToGroup sends sig to every process in the process group pgid.
func ToGroup(pgid int, sig syscall.Signal) error {
	return unix.Kill(-pgid, sig)
}

// ToAll sends sig to every process this process may signal except itself:
// for PID 1, every other process in its PID namespace.
func ToAll(sig syscall.Signal) error {
	return unix.Kill(-1, sig)
}
