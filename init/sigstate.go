package supervisor

import (
	"syscall"

	"github.com/pidone/pidone/signals"
)

// The child must start with the signal state pidone's caller gave pidone:
// under nohup, SIGHUP ignored; in a container, nothing ignored and nothing
// blocked. Go makes that take care:
//
//   - Blocked signals: the child starts with the mask of the thread that
//     forks it, and the Go runtime keeps the inherited mask on its threads
//     for every signal it does not need itself. The ones it needs (SIGHUP,
//     SIGINT, SIGTERM, SIGQUIT, SIGCHLD, SIGPROF and the synchronous ones) it
//     unblocks before main runs, so a caller's block on those is gone before
//     pidone could read it: no Go program can pass it on.
//   - Ignored signals: once os/signal installs a handler for a signal, the
//     child starts with the default action for it, not the caller's SIG_IGN.
//     So pidone looks at each disposition before asking for the signal, and
//     asks for the ignored ones only after the child has started: the fork
//     then copies SIG_IGN into the child. The Go runtime honours an inherited
//     SIG_IGN for SIGHUP, SIGINT and the job-control signals, which covers
//     nohup, a shell's background job, and `trap '' INT`.
//     dumb-init works the other way: it catches every standard signal, so
//     its child starts with their default actions, and scripts run under
//     it rely on that (a SIGHUP ends them even under nohup). With
//     DefaultDispositions pidone asks for the standard signals at once,
//     and keeps the caller's ignores only for the real-time ones, which
//     dumb-init leaves alone.

// ignoredAtStart returns the signals among sigs whose disposition is SIG_IGN.
func ignoredAtStart(sigs []syscall.Signal) []syscall.Signal {
	var ignored []syscall.Signal
	for _, sig := range sigs {
		var old kernelSigaction
		if readSigaction(sig, &old) == nil && old.handler == sigIgn {
			ignored = append(ignored, sig)
		}
	}
	return ignored
}

// realtimeOnly returns the real-time signals among sigs.
func realtimeOnly(sigs []syscall.Signal) []syscall.Signal {
	var realtime []syscall.Signal
	for _, sig := range sigs {
		if sig > lastStandardSignal {
			realtime = append(realtime, sig)
		}
	}
	return realtime
}

// ignoreUncatchable sets SIG_IGN for every signal still at the kernel's
// default once the child has started: the ones the Go runtime keeps from
// os/signal and leaves alone (32 and 34), whose default is to end pidone,
// leaving the child an orphan. They cannot be forwarded, so they are
// dropped on purpose. Before the child has started they would still end
// pidone: setting SIG_IGN sooner would give the child SIG_IGN too.
func ignoreUncatchable() (ignored []syscall.Signal) {
	for sig := syscall.Signal(1); sig <= signals.Max; sig++ {
		if sig == syscall.SIGKILL || sig == syscall.SIGSTOP {
			continue
		}
		var old kernelSigaction
		if readSigaction(sig, &old) == nil && old.handler == sigDfl && ignoreSignal(sig) == nil {
			ignored = append(ignored, sig)
		}
	}
	return ignored
}

// without returns the signals of all that are not in some.
func without(all, some []syscall.Signal) []syscall.Signal {
	var rest []syscall.Signal
	for _, sig := range all {
		if !contains(some, sig) {
			rest = append(rest, sig)
		}
	}
	return rest
}
