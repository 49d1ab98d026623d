package supervisor

import (
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/pidone/pidone/signals"
)

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
)

// childAttributesFor is childAttributes for the session the personality
// asks for.
func childAttributesFor(session Session, term terminal) *syscall.SysProcAttr {
	switch session {
	case SameGroup:
		// Nothing: the child shares pidone's group, session and terminal.
		return &syscall.SysProcAttr{}
	case OwnGroup:
		if term == ownTerminal || term == sharedForeground {
			// The child's group takes the terminal's foreground from
			// inside the child, with signals blocked, so that no SIGTTOU
			// stops it; pidone stays the session leader in the background.
			return &syscall.SysProcAttr{Setpgid: true, Foreground: true, Ctty: 0}
		}
		return &syscall.SysProcAttr{Setpgid: true}
	}
	return childAttributes(term)
}

// askForParentDeathSignal has the kernel send pidone sig when pidone's
// parent dies; pidone then handles it as any signal it receives.
func (s *supervisor) askForParentDeathSignal() {
	if s.cfg.ParentDeathSignal == 0 {
		return
	}
	if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(s.cfg.ParentDeathSignal), 0, 0, 0); err != nil {
		s.log.error("cannot ask for", signals.Name(s.cfg.ParentDeathSignal), "on the death of the parent:", err.Error())
	}
}
