package supervisor

import (
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/pidone/pidone/reaper"
	"github.com/pidone/pidone/signals"
)

// state is where the supervisor is in the life of the container.
type state int

const (
	starting state = iota // handlers installed, no child yet: a failure still ends pidone
	running               // the main child runs: signals are forwarded, zombies reaped
	draining              // the main child has exited: the rest get SIGTERM, then SIGKILL
	done                  // nothing is left: pidone exits with the main child's code
)

type supervisor struct {
	cfg    Config
	log    logger
	state  state
	isPID1 bool

	intake       *intake          // the signals that have arrived and not yet been handled
	graceExpired <-chan time.Time // nil until the drain starts a grace period
	killing      bool             // the drain has sent SIGKILL
	stop         stopping         // the stop signal's delay and timeout (stopsignal.go)

	child     int         // the main child's pid, which is also its process group
	childExit reaper.Exit // how the main child ended

	// unasked counts signals the kernel sends pidone itself as a side
	// effect of what pidone did, which the child must not see.
	unasked [signals.Max + 1]int
}

// Run supervises cfg.Command as pidone's only child and returns the exit
// code pidone should exit with: the child's, or one of the Exit codes when
// the child could not be started.
func Run(cfg Config) int {
	s := &supervisor{
		cfg:    cfg,
		log:    logger{verbosity: cfg.Verbosity, name: cfg.Name},
		isPID1: syscall.Getpid() == 1,
		intake: newIntake(),
	}

	// Ask for signals before anything can send one: before the child
	// exists, a SIGTERM to PID 1 with no handler would be dropped, and a
	// SIGCHLD missed here would leave the child a zombie. The signals the
	// caller ignored are asked for once the child has inherited SIG_IGN.
	catchable := signals.Catchable()
	ignored := ignoredAtStart(catchable)
	s.intake.listen(without(catchable, ignored))

	if err := s.start(ignored); err != nil {
		s.log.error(err.Error())
		return cfg.startFailureCode(err.exitCode())
	}
	s.intake.listen(ignored)
	if cfg.Pause {
		return s.pause()
	}

	return s.supervise()
}

// start does everything that may still fail, and starts the child.
func (s *supervisor) start(ignored []syscall.Signal) *spawnError {
	s.askForParentDeathSignal()
	if !s.isPID1 {
		// Orphans go to the nearest subreaper, so pidone can reap them
		// without being PID 1.
		if err := reaper.BecomeSubreaper(); err != nil {
			s.log.error("cannot become a child subreaper, orphans will not be reaped:", err.Error())
		} else {
			s.log.log(lifecycle, "not PID 1: reaping orphans as a child subreaper")
		}
	}

	if s.cfg.Pause {
		return nil
	}

	term := probeTerminal()
	if term == ownTerminal && s.cfg.Session == NewSession {
		hangupSent, err := releaseTerminal()
		switch {
		case err != nil:
			s.log.error("cannot pass the terminal to the child:", err.Error())
			term = noTerminal
		case hangupSent:
			s.expectUnasked(syscall.SIGHUP, ignored)
			s.expectUnasked(syscall.SIGCONT, ignored)
		}
	}

	pid, err := spawn(s.cfg.Command, s.cfg.Env, childAttributesFor(s.cfg.Session, term))
	if err != nil {
		return err
	}
	s.child, s.state = pid, running
	s.log.log(lifecycle, "started pid", strconv.Itoa(pid)+":", strings.Join(s.cfg.Command, " "))
	return nil
}

// expectUnasked notes that the kernel is sending sig to pidone on its own
// account, unless pidone is not listening for it yet.
func (s *supervisor) expectUnasked(sig syscall.Signal, ignored []syscall.Signal) {
	for _, ign := range ignored {
		if ign == sig {
			return
		}
	}
	s.unasked[sig]++
}

// supervise is the main loop: it waits for signals or a timer, handles
// what came, and goes on until nothing is left. A timer that is not running
// is a nil channel, which select never picks.
func (s *supervisor) supervise() int {
	for s.state != done {
		select {
		case <-s.intake.wake:
			for _, sig := range s.intake.take() {
				if s.state != done {
					s.onSignal(sig)
				}
			}
		case <-s.graceExpired:
			s.onGraceExpired()
		case <-s.stop.delayOver:
			s.onStopDelayOver()
		case <-s.stop.timedOut:
			s.onStopTimeout()
		}
	}
	code := s.exitCode()
	s.log.log(lifecycle, "exiting with code", strconv.Itoa(code))
	return code
}

// exitCode is the main child's exit code, or 0 when cfg.SuccessCodes lists it.
func (s *supervisor) exitCode() int {
	code := s.childExit.Code()
	for _, success := range s.cfg.SuccessCodes {
		if code == success {
			s.log.log(lifecycle, "main child's exit code", strconv.Itoa(code), "counts as success")
			return 0
		}
	}
	return code
}

func (s *supervisor) onSignal(sig syscall.Signal) {
	switch {
	case sig == syscall.SIGCHLD:
		s.onChildEvent()
	case !signals.Forwardable(sig):
		s.log.log(detail, "not forwarding", signals.Name(sig))
	case s.unasked[sig] > 0:
		s.unasked[sig]--
		s.log.log(detail, "not forwarding", signals.Name(sig), "caused by releasing the terminal")
	case sig == s.cfg.stopSignal():
		s.onStopSignal(sig)
	default:
		s.forward(sig)
		s.followJobControl(sig)
	}
}

// onChildEvent reaps every process that has ended. The main child's end
// starts the drain; in the drain, the last process's end finishes it.
func (s *supervisor) onChildEvent() {
	mainExited := false
	othersLeft := reaper.Reap(func(e reaper.Exit) {
		if e.Pid == s.child && s.state == running {
			s.childExit, mainExited = e, true
			s.log.log(lifecycle, "main child", strconv.Itoa(e.Pid), "exited with code", strconv.Itoa(e.Code()))
			return
		}
		s.logReaped(e)
	})
	switch {
	case mainExited && s.cfg.AfterMainExit != DrainRest:
		s.onMainExitUndrained()
	case mainExited:
		s.startDrain(othersLeft)
	case s.state == draining && !othersLeft:
		s.state = done
	case s.state == draining && s.killing:
		s.signalRest(syscall.SIGKILL)
	}
}

// logReaped logs a reaped process other than the main child.
func (s *supervisor) logReaped(e reaper.Exit) {
	if level := s.reapLevel(); s.log.enabled(level) { // the words cost more than the reaping
		s.log.log(level, "reaped pid", strconv.Itoa(e.Pid), "exit code", strconv.Itoa(e.Code()))
	}
}

// toChildAlone reports whether forward sends to the child rather than its
// group: with -c, while the child runs.
func (s *supervisor) toChildAlone() bool {
	return s.cfg.SingleChild && s.state == running
}

// forward passes sig on, rewritten, to the child's group or the child alone.
func (s *supervisor) forward(sig syscall.Signal) {
	out, ok := s.cfg.Rewrite.Apply(sig)
	if !ok {
		s.log.log(detail, "dropping", signals.Name(sig))
		return
	}
	if s.toChildAlone() {
		if s.log.enabled(detail) { // the words cost more than the kill
			s.log.log(detail, "forwarding", signals.Name(out), "to pid", strconv.Itoa(s.child))
		}
		signals.ToProcess(s.child, out)
		return
	}
	if s.log.enabled(detail) {
		s.log.log(detail, "forwarding", signals.Name(out), "to group", strconv.Itoa(s.child))
	}
	if err := signals.ToGroup(s.child, out); err == syscall.ESRCH && s.state == running {
		// The child left the group it was started in: it still gets it.
		signals.ToProcess(s.child, out)
	}
}
