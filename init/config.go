package supervisor

import (
	"syscall"

	"github.com/pidone/pidone/signals"
)

// Config says what to run and how to supervise it. The zero value of every
// field but Command is a sound default, except Grace: see DefaultGrace.
type Config struct {
	// Command is the child's argv; Command[0] is looked up in PATH.
	Command []string
	// SingleChild forwards signals to the child alone rather than to its
	// process group.
	SingleChild bool
	// Rewrite is applied to every signal before it is forwarded.
	Rewrite signals.Rewrite
	// Grace is how long the processes left after the main child exits get
	// between SIGTERM and SIGKILL. Zero kills them at once.
	Grace Duration
	// Verbosity: 0 logs only errors, 1 adds lifecycle events, 2 adds every
	// signal and every reaped process.
	Verbosity int
	// StopSignal is the signal that asks the child to stop, the one
	// StopDelay holds and StopTimeout times. Zero means SIGTERM.
	StopSignal syscall.Signal
	// StopDelay is how long the stop signal is held before it is forwarded,
	// so that traffic can drain away from the child first. Zero forwards it
	// at once.
	StopDelay Duration
	// StopTimeout is how long the main child may run after the stop signal
	// was forwarded before every process gets SIGKILL. Zero waits for ever.
	StopTimeout Duration
	// SuccessCodes are child exit codes that pidone reports as 0 (tini -e, PIDONE_REMAP_EXIT).
	SuccessCodes []int
	// Env is the child's environment, as NAME=value strings. Nil passes
	// pidone's own.
	Env []string

	// The fields below let pidone stand in for tini, dumb-init and
	// catatonit (cmd/pidone says which sets which); their zero values are pidone's own
	// behaviour.

	// Session is where the child is started: a new session (the zero
	// value), a group of its own in pidone's session, or pidone's group.
	Session Session
	// AfterMainExit is what happens to the rest when the main child has
	// exited: the drain (the zero value), one SIGTERM, or nothing.
	AfterMainExit Aftermath
	// StopWithChild makes pidone stop itself after forwarding SIGTSTP,
	// SIGTTIN or SIGTTOU, so that Ctrl-Z suspends the whole job (dumb-init).
	StopWithChild bool
	// ExecFailureCode, when not 0, is the exit code for a command that
	// cannot be started, in place of 126 and 127 (dumb-init 2, catatonit 1).
	ExecFailureCode int
	// StartFailureLine, when set, is the line that reports a command that
	// cannot be started, in the tool's own format, which log scrapers and
	// alert rules match: it is given the command as named and the C
	// library's text for the error. Unset, pidone says it in its own words.
	StartFailureLine func(command, strerror string) string
	// ParentDeathSignal, when not 0, is sent to pidone by the kernel when
	// pidone's parent dies (tini -p).
	ParentDeathSignal syscall.Signal
	// WarnOnReap logs every reaped process but the main child even when
	// quiet (tini -w).
	WarnOnReap bool
	// Pause runs no command: pidone reaps what comes until SIGINT or
	// SIGTERM, then exits 0 (catatonit -P).
	Pause bool
	// DefaultDispositions starts the child with the default action for
	// every standard signal (1 to 31), even one the caller ignored, as
	// dumb-init does: it catches them all, and exec resets a caught signal
	// to its default. Real-time signals the caller ignored stay ignored.
	// Otherwise the child ignores what pidone's caller ignored (tini).
	DefaultDispositions bool
	// KeepWorkingDirectory keeps pidone in the directory it was started
	// in (tini, catatonit). Otherwise the child starts there and pidone
	// moves to /, as dumb-init does, so that a volume mounted at that
	// directory is not kept busy by the init for as long as it runs.
	KeepWorkingDirectory bool
	// Name is what pidone calls itself in its logs; "" is "pidone".
	Name string
}

// DefaultGrace is the grace period of the drain when none is given: long
// enough for a well-behaved process to finish, short enough that the
// container ends well before a runtime's own SIGKILL (10s in Docker, 30s in
// Kubernetes).
const DefaultGrace = 2 * Second

// Exit codes pidone uses for its own failures, before the child runs. Once
// the child has run, pidone exits with the child's code.
const (
	ExitUsage         = 1   // bad flag, bad value, or no command
	ExitCannotExecute = 126 // the command exists but could not be executed
	ExitNotFound      = 127 // the command was not found
)

// stopSignal is the configured stop signal, SIGTERM by default.
func (c *Config) stopSignal() syscall.Signal {
	if c.StopSignal == 0 {
		return syscall.SIGTERM
	}
	return c.StopSignal
}

// lastStandardSignal is SIGSYS, the last signal below the real-time ones.
const lastStandardSignal = syscall.SIGSYS

// What the personalities change. pidone installed as tini, dumb-init or
// catatonit takes that tool's habits, so that swapping the binary changes
// nothing a container can see. Each habit is one Config field; the command
// line package says which personality sets which.

// Session says where the child is started relative to pidone.
type Session int

const (
	NewSession Session = iota // a session and process group of its own, with the terminal pidone lets go of (pidone, dumb-init)
	OwnGroup                  // a process group of its own in pidone's session, in the terminal's foreground (tini, catatonit)
	SameGroup                 // pidone's own process group and session (dumb-init -c, DUMB_INIT_SETSID=0)
)

// Aftermath says what happens to the other processes when the main child
// has exited.
type Aftermath int

const (
	DrainRest         Aftermath = iota // SIGTERM, the grace period, SIGKILL, then exit (pidone)
	TermGroupThenExit                  // one SIGTERM, rewritten, to the child's group, then exit at once (dumb-init)
	ExitAtOnce                         // exit at once; as PID 1 the kernel then kills the rest (tini, catatonit)
	WaitForRest                        // keep reaping and forwarding until the rest have exited on their own; a stop signal starts the drain (--wait-all)
)
