package supervisor

import (
	"syscall"
	"time"

	"github.com/pidone/pidone/signals"
)

// The stop signal is the one a runtime sends to end the container: SIGTERM,
// unless Config.StopSignal names another. Two settings shape what follows it:
//
//   - The stop delay holds it for a while before it is forwarded, so that a
//     load balancer stops sending new requests before the server stops
//     taking them: what a Kubernetes preStop sleep is for, without a sleep
//     binary in the image. Other signals are forwarded at once meanwhile,
//     and a second stop signal cuts the delay short.
//   - The stop timeout, once the stop signal is forwarded, bounds how long
//     the main child may take to exit. Then every process gets SIGKILL, so
//     that the container ends on pidone's terms, with a line in the log,
//     before the runtime's own SIGKILL.
//
// A timer that an event overtakes (a second stop signal, the child's exit)
// still fires. Its handler sees that its moment has passed and does nothing.

// stopPhase is where the stop signal is.
type stopPhase int

const (
	stopAwaited   stopPhase = iota // no stop signal yet
	stopHeld                       // the stop signal arrived and waits out the delay
	stopForwarded                  // the stop signal went to the child; the stop timeout runs, if set
)

// stopping is the state of the stop signal's delay and timeout.
type stopping struct {
	phase     stopPhase
	delayOver <-chan time.Time // fires when the delay ends; nil when no delay runs
	timedOut  <-chan time.Time // fires when the stop timeout ends; nil when none runs
}

// stopSignal is the configured stop signal, SIGTERM by default.
func (c *Config) stopSignal() syscall.Signal {
	if c.StopSignal == 0 {
		return syscall.SIGTERM
	}
	return c.StopSignal
}

// onStopSignal holds the stop signal for the delay, or forwards it.
func (s *supervisor) onStopSignal(sig syscall.Signal) {
	switch {
	case s.state != running || s.stop.phase == stopForwarded:
		// Draining, or the child has been asked already: nothing to hold.
		s.forward(sig)
	case s.stop.phase == stopHeld:
		s.log.log(lifecycle, "second", signals.Name(sig)+": forwarding it now")
		s.forwardStop()
	case s.cfg.StopDelay > 0:
		s.stop.phase = stopHeld
		s.stop.delayOver = time.After(time.Duration(s.cfg.StopDelay))
		s.log.log(lifecycle, signals.Name(sig), "received: forwarding it in", s.cfg.StopDelay.String())
	default:
		s.forwardStop()
	}
}

// onStopDelayOver forwards the held stop signal, unless a second stop
// signal or the child's exit came first.
func (s *supervisor) onStopDelayOver() {
	s.stop.delayOver = nil
	if s.state != running || s.stop.phase != stopHeld {
		s.log.log(detail, "stop delay over: nothing held any more")
		return
	}
	s.log.log(lifecycle, "stop delay over: forwarding", signals.Name(s.cfg.stopSignal()))
	s.forwardStop()
}

// forwardStop forwards the stop signal and starts the stop timeout. A stop
// signal that a rewrite rule drops starts no timeout: the child was not
// asked to stop.
func (s *supervisor) forwardStop() {
	s.stop.phase = stopForwarded
	sig := s.cfg.stopSignal()
	s.forward(sig)
	if _, sent := s.cfg.Rewrite.Apply(sig); sent && s.cfg.StopTimeout > 0 {
		s.stop.timedOut = time.After(time.Duration(s.cfg.StopTimeout))
		s.log.log(lifecycle, "main child has", s.cfg.StopTimeout.String(), "to exit before SIGKILL")
	}
}

// onStopTimeout kills every process if the main child still runs. It reaps
// first, so that a child that exited just now, its SIGCHLD not yet read,
// counts as exited.
func (s *supervisor) onStopTimeout() {
	s.stop.timedOut = nil
	s.onChildEvent()
	if s.state != running {
		s.log.log(detail, "stop timeout over: the main child has exited already")
		return
	}
	target := "its process group"
	if s.isPID1 {
		target = "every process"
	}
	s.log.error("main child still running", s.cfg.StopTimeout.String(), "after",
		signals.Name(s.cfg.stopSignal())+": sending SIGKILL to", target)
	s.killRest()
}
