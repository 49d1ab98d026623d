package supervisor

import (
	"math/bits"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/pidone/pidone/internal/ascii"
	"github.com/pidone/pidone/signals"
)

// The intake takes signals through os/signal, the path the Go project
// supports. Until f81bab3 pidone read the runtime's signal queue itself,
// through linknamed runtime functions, on a thread-locked main goroutine
// that timers woke with a self-sent SIGCHLD; under CPU load that
// combination sometimes left a delivered SIGTERM or SIGCHLD unread (issue
// 15). Nothing in Go promises that it works, so it is gone, and
// intake_test.go fails when a second reader appears: another package or
// file that imports os/signal, or a //go:linkname anywhere in the module.
//
// This file is also the one door to what pidone assumes of the Go runtime
// beyond its documentation. Each assumption, what Go does not promise, and
// how a change would show:
//
//   - The runtime installs its own handler for every signal before main;
//     until os/signal is asked for one, the runtime's default applies
//     (SIGTERM: exit 2, SIGQUIT: a stack dump). Documented as behaviour,
//     not the timing: pidone asks for every signal first thing in Run. A
//     change would show in the start-up window (bench, issue 14).
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
//     torture check sigstate (the child must see only the SIGURG sent).
//   - A write to fd 2 with syscall.Write that fails with EPIPE raises a
//     SIGPIPE that the runtime passes to os/signal like any other, and
//     does not end the program (only package os's own writes to fds 1
//     and 2 do that). log.go relies on it; cmd/pidone's test of a broken
//     stderr fails if that changes.
//   - A signal the caller ignored stays ignored until os/signal is asked
//     for it, so the child inherits SIG_IGN when pidone asks only after
//     the child has started. Documented in os/signal.
//
// os/signal hands each signal to a channel without blocking, and drops it
// when the channel is full. With one shared channel, a storm of one signal
// could fill it and make a different signal that follows be dropped. So
// each signal has a channel of its own with room for one: a signal is
// dropped only when the same signal is already waiting there, which is the
// merge the kernel itself makes for a pending signal. A relay goroutine per
// signal moves its arrival into a pending set and wakes the supervisor.

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

// intake collects the signals that have arrived and not yet been taken.
type intake struct {
	pending  atomic.Uint64 // bit N set: signal N arrived since the last take
	wake     chan struct{} // holds one token while pending may be non-empty
	listened uint64        // bit N set: signal N is asked for
}

// earlyArrivals are the channels of the signals asked for while the program
// is being initialised, before main: the ones that stop a container or a
// terminal's job. Until a signal is asked for, the runtime's default applies
// to it, and for SIGTERM that is to exit 2, for SIGQUIT a stack dump; the
// sooner pidone asks, the shorter that window (issue 14). The first intake
// to listen takes them over.
var earlyArrivals [signals.Max + 1]chan os.Signal

func init() {
	exitIfNoRoom()
	// One processor is all pidone needs, and each one more costs a thread,
	// which counts against a container's pid limit (docker run
	// --pids-limit) like a process of the application's: 7 threads at
	// most with one processor, 8 with two.
	runtime.GOMAXPROCS(1)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGHUP} {
		// One the caller ignored stays ignored until the child has
		// inherited it (sigstate.go).
		var old kernelSigaction
		if readSigaction(sig, &old) != nil || old.handler == sigIgn {
			continue
		}
		earlyArrivals[sig] = make(chan os.Signal, 1)
		signal.Notify(earlyArrivals[sig], sig)
	}
}

func newIntake() *intake {
	return &intake{wake: make(chan struct{}, 1)}
}

// listen asks for sigs: from here on each of them is caught and queued for
// take, rather than acted on by the runtime's default.
func (in *intake) listen(sigs []syscall.Signal) {
	for _, sig := range sigs {
		in.listened |= 1 << (uint(sig) - 1)
		arrived := earlyArrivals[sig]
		earlyArrivals[sig] = nil
		if arrived == nil {
			arrived = make(chan os.Signal, 1)
			signal.Notify(arrived, sig)
		}
		go in.relay(sig, arrived)
	}
}

// asked reports whether sig is listened for.
func (in *intake) asked(sig syscall.Signal) bool { return in.listened&(1<<(uint(sig)-1)) != 0 }

// relay marks sig pending each time it arrives. The bit is set before the
// wake token is offered, and take clears the bits after the token is taken,
// so an arrival is either in the bits take reads, or followed by a token
// that wakes the supervisor again.
func (in *intake) relay(sig syscall.Signal, arrived <-chan os.Signal) {
	bit := uint64(1) << (uint(sig) - 1)
	for range arrived {
		in.pending.Or(bit)
		select {
		case in.wake <- struct{}{}:
		default: // a token is already there: the supervisor will look
		}
	}
}

// take returns the signals that have arrived since the last take, each
// once however often it arrived: the same merge the kernel makes while a
// signal is pending. It allocates nothing: it runs for every wake.
func (in *intake) take() signalSet { return signalSet(in.pending.Swap(0)) }

// signalSet holds signal N as bit N-1.
type signalSet uint64

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
