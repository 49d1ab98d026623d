package supervisor

import (
	"math/bits"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"

	"github.com/pidone/pidone/internal/ascii"
	"github.com/pidone/pidone/signals"
)

// The intake takes signals through os/signal, the path the Go project
// supports. Until f81bab3 pidone read the runtime's signal queue itself,
// through linknamed runtime functions, on a thread-locked main goroutine
// that timers woke with a self-sent SIGCHLD; under CPU load that
// combination sometimes left a delivered SIGTERM or SIGCHLD unread (the
// lost-wakeup hunt of the torture's wakeups loop). Nothing in Go promises
// that it works, so it is gone, and intake_test.go fails when a second
// reader appears: another package or file that imports os/signal, or a
// //go:linkname anywhere in the module.
//
// This file is also the one door to what pidone assumes of the Go runtime
// beyond its documentation. Each assumption, what Go does not promise, and
// how a change would show:
//
//   - The runtime installs its own handler for every signal before main;
//     until os/signal is asked for one, the runtime's default applies
//     (SIGTERM: exit 2, SIGQUIT: a stack dump). Documented as behaviour,
//     not the timing: pidone asks for the stop signals while the program is
//     still being initialised, and for the rest first thing in Run. A
//     change would show in the start-up window (make bench, "start-up
//     window").
//   - The runtime keeps SIGPROF and signals 32 to 34 for itself and never
//     hands them to os/signal; signal 34 stays at the kernel's default.
//     Not promised: signals.Catchable leaves them out, and a runtime that
//     delivered them would only make them forwardable.
//   - The runtime sends SIGURG to its own threads to preempt a goroutine
//     that runs too long, and passes it on to os/signal too. With
//     asyncpreemptoff=1 it sends none, so every SIGURG pidone receives
//     came from outside and is forwarded like any other. Go has no
//     //go:debug setting for it: the build sets the runtime's default
//     GODEBUG with the linker (release/build.env), which is what the go
//     command itself does for //go:debug lines; a runtime that stopped
//     taking it would fail proctest's preemption probe test and the
//     torture test TestTortureChildSignalState (the child must see only
//     the SIGURG sent).
//   - A write to fd 2 with syscall.Write that fails with EPIPE raises a
//     SIGPIPE that the runtime passes to os/signal like any other, and
//     does not end the program (only package os's own writes to fds 1
//     and 2 do that). log.go relies on it; cmd/pidone's test of a broken
//     stderr fails if that changes.
//   - A signal the caller ignored stays ignored until os/signal is asked
//     for it, so the child inherits SIG_IGN when pidone asks only after
//     the child has started. Documented in os/signal.
//
// Every signal comes in on one channel, which the supervisor's goroutine
// receives from and acts on: per signal, the runtime's handler wakes
// os/signal's goroutine, whose send wakes the supervisor, which calls
// kill(2). No goroutine sits between them, and nothing is allocated on the
// way (steadystate_test.go counts).
//
// os/signal hands a signal to the channel without blocking, and drops it
// when the channel is full, so what keeps the channel from filling is the
// whole of pidone's promise that no signal is lost. Three things do:
//
//   - The supervisor empties the channel into a set of pending signals
//     before it handles any of them, again between one signal and the
//     next, and after each process it reaps: the channel holds only what
//     arrived during one step, never a backlog.
//   - pidone runs on one processor (GOMAXPROCS 1, below), which os/signal's
//     goroutine and the supervisor share: while the supervisor works,
//     os/signal's goroutine waits for the processor, and what arrives in
//     the meantime waits in the runtime's own queue, where a signal that
//     is already pending is merged with itself, as the kernel merges it.
//     So one turn of os/signal's goroutine sends each signal about once.
//     The exception is a system call of the supervisor's (a kill, a
//     wait4) that the kernel holds for longer than the runtime waits
//     before it hands the processor on (tens of microseconds): then
//     os/signal's goroutine can take more than one turn meanwhile.
//   - The channel has room for every signal four times over, so it takes
//     a storm of several signals and a supervisor held for several turns
//     at once to fill it.
//
// And should the channel ever be found full, a SIGCHLD counts as pending:
// a reap costs one wait4 when nothing has ended, and a lost SIGCHLD is the
// one loss that would leave a zombie, or pidone waiting for a child that
// has exited.

// godebugDefault is the GODEBUG default the build gave the runtime, given
// to pidone too (release/build.env), so that pidone knows what it was told:
// the runtime keeps its own copy private.
var godebugDefault string

// runtimePreempts reports whether the runtime may send pidone SIGURGs of
// its own, given the GODEBUG pidone was started with: the runtime reads its
// build's default and then the variable, the later of two settings winning,
// and ignores a value that is not a number.
func runtimePreempts(environ string) bool {
	off := 0
	for _, settings := range []string{godebugDefault, environ} {
		for settings != "" {
			var setting string
			setting, settings, _ = strings.Cut(settings, ",")
			key, value, _ := strings.Cut(setting, "=")
			if n, ok := ascii.Atoi(value); key == "asyncpreemptoff" && ok {
				off = n
			}
		}
	}
	return off == 0
}

// intakeRoom is how many signals the channel holds: every signal four
// times over, in 4 KiB.
const intakeRoom = 4 * signals.Max

// intake is the one channel every signal comes in on, and what has been
// taken from it and not yet handled. Only the supervisor's goroutine uses
// it.
type intake struct {
	arrived  chan os.Signal // filled by os/signal's goroutine, emptied by collect
	pending  signalSet      // taken from arrived, not yet handled
	listened signalSet      // asked for
}

// earlyArrivals is the channel of the signals asked for while the program
// is being initialised, before main: the ones that stop a container or a
// terminal's job. Until a signal is asked for, the runtime's default
// applies to it, and for SIGTERM that is to exit 2, for SIGQUIT a stack
// dump; the sooner pidone asks, the shorter that window (make bench,
// "start-up window"). The first intake takes the channel over, with what
// has arrived on it.
var earlyArrivals chan os.Signal

func init() {
	exitIfNoRoom()
	// One processor is all pidone needs, and each one more costs a thread,
	// which counts against a container's pid limit (docker run
	// --pids-limit) like a process of the application's. It is also what
	// keeps os/signal's goroutine from filling the channel while the
	// supervisor works (above).
	runtime.GOMAXPROCS(1)
	earlyArrivals = make(chan os.Signal, intakeRoom)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGHUP} {
		// One the caller ignored stays ignored until the child has
		// inherited it (sigstate.go).
		var old kernelSigaction
		if readSigaction(sig, &old) != nil || old.handler == sigIgn {
			continue
		}
		signal.Notify(earlyArrivals, sig)
	}
}

func newIntake() *intake {
	arrived := earlyArrivals
	earlyArrivals = nil
	if arrived == nil {
		arrived = make(chan os.Signal, intakeRoom)
	}
	return &intake{arrived: arrived}
}

// listen asks for sigs: from here on each of them is caught and comes in
// on the channel, rather than acted on by the runtime's default.
func (in *intake) listen(sigs []syscall.Signal) {
	if len(sigs) == 0 {
		return // to signal.Notify, no signal at all means every signal
	}
	for _, sig := range sigs {
		in.listened.add(sig)
	}
	signal.Notify(in.arrived, signalsOf(sigs)...)
}

// signalsOf is sigs as os.Signal values, which signal.Notify takes.
func signalsOf(sigs []syscall.Signal) []os.Signal {
	out := make([]os.Signal, len(sigs))
	for i, sig := range sigs {
		out[i] = sig
	}
	return out
}

// asked reports whether sig is listened for.
func (in *intake) asked(sig syscall.Signal) bool { return in.listened.has(sig) }

// note adds a signal received from the channel to the pending ones.
func (in *intake) note(sig os.Signal) {
	if n, ok := sig.(syscall.Signal); ok && n >= 1 && n <= signals.Max {
		in.pending.add(n)
	}
}

// collect empties the channel into the pending signals, without waiting.
// It allocates nothing: it runs for every signal and every reaped process.
func (in *intake) collect() {
	if len(in.arrived) == cap(in.arrived) {
		// os/signal may have dropped one: see the top of this file.
		in.pending.add(syscall.SIGCHLD)
	}
	for {
		select {
		case sig := <-in.arrived:
			in.note(sig)
		default:
			return
		}
	}
}

// next takes the lowest pending signal, after collecting what has arrived;
// 0 when none is pending. Each signal is taken once however often it
// arrived since it was last taken: the merge the kernel makes while a
// signal is pending.
func (in *intake) next() syscall.Signal {
	in.collect()
	return in.pending.pop()
}

// signalSet holds signal N as bit N-1.
type signalSet uint64

func (set *signalSet) add(sig syscall.Signal) { *set |= 1 << (uint(sig) - 1) }

func (set signalSet) has(sig syscall.Signal) bool { return set&(1<<(uint(sig)-1)) != 0 }

// pop removes the lowest signal from the set and returns it; 0 when the set
// is empty.
func (set *signalSet) pop() syscall.Signal {
	if *set == 0 {
		return 0
	}
	n := bits.TrailingZeros64(uint64(*set))
	*set &^= 1 << n
	return syscall.Signal(n + 1)
}
