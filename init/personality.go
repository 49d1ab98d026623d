package supervisor

import (
	"strconv"
	"syscall"

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

// startFailureCode is the exit code for a child that could not be started.
func (c *Config) startFailureCode(code int) int {
	if c.ExecFailureCode != 0 {
		return c.ExecFailureCode
	}
	return code
}

// askForParentDeathSignal has the kernel send pidone sig when pidone's
// parent dies; pidone then handles it as any signal it receives.
func (s *supervisor) askForParentDeathSignal() {
	if s.cfg.ParentDeathSignal == 0 {
		return
	}
	const prSetPdeathsig = 1
	_, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetPdeathsig, uintptr(s.cfg.ParentDeathSignal), 0)
	if errno != 0 {
		s.log.error("cannot ask for", signals.Name(s.cfg.ParentDeathSignal), "on the death of the parent:", errno.Error())
	}
}

// onMainExitUndrained ends supervision without a drain: the personality
// leaves the rest to the kernel, after one SIGTERM to the child's group for
// dumb-init.
func (s *supervisor) onMainExitUndrained() {
	if s.cfg.AfterMainExit == TermGroupThenExit && s.cfg.Session != SameGroup {
		if sig, ok := s.cfg.Rewrite.Apply(syscall.SIGTERM); ok {
			s.log.log(detail, "main child gone, sending", signals.Name(sig), "to group", strconv.Itoa(s.child))
			signals.ToGroup(s.child, sig) // ESRCH: nobody is left in the group
		}
	}
	s.state = done
}

// isJobControl reports whether sig is one a terminal sends to stop a job.
func isJobControl(sig syscall.Signal) bool {
	return sig == syscall.SIGTSTP || sig == syscall.SIGTTIN || sig == syscall.SIGTTOU
}

// followJobControl stops pidone itself after it forwarded a signal that
// stops a job, so that the shell that started pidone sees its job stop, as
// with the child alone; SIGCONT from the shell's fg then wakes pidone, which
// passes it on.
func (s *supervisor) followJobControl(sig syscall.Signal) {
	if s.cfg.StopWithChild && isJobControl(sig) {
		s.log.log(detail, "stopping with the child after", signals.Name(sig))
		syscall.Kill(syscall.Getpid(), syscall.SIGSTOP)
	}
}

// reapLevel is the log level of a reaped process other than the main child.
func (s *supervisor) reapLevel() int {
	if s.cfg.WarnOnReap {
		return quiet
	}
	return detail
}
