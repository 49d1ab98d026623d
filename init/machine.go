package supervisor

import (
	"strconv"
	"strings"
	"syscall"

	"github.com/pidone/pidone/reaper"
	"github.com/pidone/pidone/signals"
)

// The supervisor's decisions, all in one place: a state, the events that
// move it, and the actions each move asks for. step is pure: it reads the
// Config and its own state and touches nothing else, so every rule below is
// unit-tested without a process (machine_test.go); the loop in
// supervisor.go carries out the actions.
//
//	state        event                         next         actions
//	──────────── ───────────────────────────── ──────────── ───────────────────────────────────────────
//	starting     started                       running      log
//	starting     started, Pause                paused       log
//	starting     start failed                  done         log, exit(start failure code)
//	any live     SIGCHLD                       same         reap
//	any live     signal pidone never forwards  same         log
//	any live     a signal pidone caused itself same         log (not forwarded): the hangup of a
//	                                                        released terminal, a log write's SIGPIPE
//	running      stop signal                   stopping     forward, timer(stop timeout)
//	running      stop signal, stop delay       stopDelayed  timer(stop delay), log
//	stopDelayed  stop signal again             stopping     forward, timer(stop timeout)
//	stopDelayed  stop delay over               stopping     forward, timer(stop timeout)
//	stopping     stop timeout, main running    killing      kill rest
//	(others)     stop delay over / timeout     same         log: its moment has passed
//	running ...  any other signal              same         forward (+ stop self, dumb-init's job control)
//	waiting      any other signal              waiting      forward to the main child's group
//	running      reaped, main exited, wait-all waiting      log: the rest may finish on their own
//	waiting      stop signal                   draining     kill rest(SIGTERM), timer(grace)
//	waiting      reaped, none left             done         exit(child's code)
//	running ...  reaped, main exited, drain    draining     kill rest(SIGTERM), timer(grace); after
//	                                                        the stop signal went to the group, its
//	                                                        members are spared the SIGTERM
//	running ...  reaped, main exited, drain,
//	             no grace or killing already   killing      kill rest(SIGKILL)
//	running ...  reaped, main exited, none left done        exit(child's code)
//	running ...  reaped, main exited, no drain done         [dumb-init: SIGTERM to group], exit
//	draining     grace over                    killing      kill rest(SIGKILL)
//	draining     reaped, none left             done         exit(child's code)
//	killing      reaped, main gone, some left  killing      kill rest(SIGKILL): orphans come late
//	killing      reaped, main gone, none left  done         exit(child's code)
//	paused       SIGINT or SIGTERM             done         exit(0)
//	paused       any other signal              paused       log (no one to forward it to)
//
// "running ..." is every state in which the main child still runs:
// running, stopDelayed, stopping, and killing after a stop timeout.

// state is where the supervisor is in the life of the container.
type state int

const (
	starting    state = iota // handlers installed, no child yet: a failure still ends pidone
	running                  // the main child runs; no stop signal yet
	stopDelayed              // the stop signal arrived and waits out the stop delay
	stopping                 // the stop signal went to the child; the stop timeout runs, if set
	waiting                  // the main child has exited, and the rest may run until they exit on their own (--wait-all)
	draining                 // the main child has exited: the rest had SIGTERM and have the grace period
	killing                  // SIGKILL went to the rest, and goes to every newcomer, until none is left
	paused                   // no command (catatonit -P): reap until SIGINT or SIGTERM
	done                     // pidone exits
)

var stateNames = [...]string{"starting", "running", "stop delayed", "stopping", "waiting", "draining", "killing", "paused", "done"}

func (s state) String() string { return stateNames[s] }

// timer names the three timers the machine starts.
type timer int

const (
	stopDelayTimer   timer = iota // the stop delay is over: forward the held stop signal
	stopTimeoutTimer              // the main child had its time to exit after the stop signal
	graceTimer                    // the rest had their grace period after SIGTERM
	timers                        // how many there are
)

// event is what happened: a signal, the end of a timer, or what a reap found.
type event struct {
	kind   eventKind
	sig    syscall.Signal // signalled
	timer  timer          // timerFired
	child  int            // started: the main child's pid
	failed *spawnError    // startFailed

	// reaped: how the main child ended, if it was among them, and whether
	// pidone has children left.
	mainExit   *reaper.Exit
	othersLeft bool
}

type eventKind int

const (
	started eventKind = iota
	startFailed
	signalled
	timerFired
	reaped
)

// action is what the loop must do.
type action struct {
	verb verb
	sig  syscall.Signal
	pid  int // forwardToChild, forwardToGroup, signalGroup
	// spareGroup, for killRest, is a process group left out: it had the
	// stop signal already. 0 spares none.
	spareGroup int
	timer      timer    // startTimer
	after      Duration // startTimer
	level      int      // log
	words      []string // log
	verbatim   bool     // log: words[0] is the whole line, in a tool's format, without pidone's prefix
	code       int      // exit
}

type verb int

const (
	forwardToChild verb = iota // sig to the main child alone
	forwardToGroup             // sig to the main child's group; to the child alone if it left its group
	signalGroup                // sig to the main child's group, if any is left
	killRest                   // sig to every process the drain is for (shutdown.go)
	reap                       // reap every ended child; the loop steps the machine with what it found
	startTimer                 // start timer, to fire after the duration
	writeLog                   // one log line
	stopSelf                   // SIGSTOP to pidone, after the child's job stopped
	exit                       // pidone exits with code
)

// machine is the supervisor's state, and the rules that change it.
type machine struct {
	cfg    *Config
	isPID1 bool
	state  state
	child  int // the main child's pid, which is also its process group

	mainRunning bool        // the main child has been started and not yet reaped
	childExit   reaper.Exit // how the main child ended

	// stopReachedGroup: the stop signal went to the child's whole group,
	// so the drain owes its members the grace period, not a second SIGTERM:
	// many servers read a second one as "stop now, skip the cleanup".
	stopReachedGroup bool

	// unasked counts signals the kernel sends pidone itself as a side
	// effect of what pidone did, which the child must not see.
	unasked [signals.Max + 1]int

	actions []action // what the current step asks for
}

func newMachine(cfg *Config, isPID1 bool) *machine {
	return &machine{cfg: cfg, isPID1: isPID1}
}

// expectUnasked notes that the kernel is about to send sig to pidone on
// its own account.
func (m *machine) expectUnasked(sig syscall.Signal) { m.unasked[sig]++ }

// step moves the machine by one event and returns the actions it asks for,
// in order. The slice is reused by the next step.
func (m *machine) step(e event) []action {
	m.actions = m.actions[:0]
	switch e.kind {
	case started:
		m.onStarted(e.child)
	case startFailed:
		if m.cfg.StartFailureLine != nil {
			m.do(action{verb: writeLog, level: quiet, verbatim: true,
				words: []string{m.cfg.StartFailureLine(e.failed.command, e.failed.strerror())}})
		} else {
			m.log(quiet, e.failed.Error())
		}
		m.finish(exitCode(m.cfg, outcome{startFailure: e.failed}))
	case signalled:
		m.onSignal(e.sig)
	case timerFired:
		m.onTimer(e.timer)
	case reaped:
		m.onReaped(e.mainExit, e.othersLeft)
	}
	return m.actions
}

func (m *machine) onStarted(child int) {
	if m.cfg.Pause {
		m.state = paused
		m.log(lifecycle, "pausing until SIGINT or SIGTERM")
		return
	}
	m.state, m.child, m.mainRunning = running, child, true
	if m.logs(lifecycle) {
		m.log(lifecycle, "started pid", strconv.Itoa(child)+":", strings.Join(m.cfg.Command, " "))
	}
}

func (m *machine) onSignal(sig syscall.Signal) {
	switch {
	case m.state == done || m.state == starting:
		// Nothing to do: before the child, the signal waits in the intake.
	case sig == syscall.SIGCHLD:
		m.do(action{verb: reap})
	case m.state == paused:
		m.onSignalPaused(sig)
	case !signals.Forwardable(sig):
		m.logDetail("not forwarding", signals.Name(sig))
	case m.unasked[sig] > 0:
		m.unasked[sig]--
		m.logDetail("not forwarding", signals.Name(sig)+": pidone caused it itself")
	case sig == m.cfg.stopSignal():
		m.onStopSignal(sig)
	default:
		m.forward(sig)
		if m.cfg.StopWithChild && isJobControl(sig) {
			m.logDetail("stopping with the child after", signals.Name(sig))
			m.do(action{verb: stopSelf})
		}
	}
}

// onSignalPaused: with no command there is no one to forward to, and only
// the two signals a runtime stops a pod with end the pause.
func (m *machine) onSignalPaused(sig syscall.Signal) {
	if sig == syscall.SIGINT || sig == syscall.SIGTERM {
		m.log(lifecycle, "ending the pause on", signals.Name(sig))
		m.finish(0)
		return
	}
	m.logDetail("ignoring", signals.Name(sig), "in pause mode")
}

// onStopSignal holds the stop signal for the stop delay, or forwards it.
// Once the child has been asked, or has exited, a stop signal is forwarded
// like any other.
func (m *machine) onStopSignal(sig syscall.Signal) {
	switch {
	case m.state == stopDelayed:
		m.log(lifecycle, "second", signals.Name(sig)+": forwarding it now")
		m.forwardStop()
	case m.state == waiting:
		// The main child is gone and the container is asked to stop: the
		// rest no longer get to finish on their own time.
		m.log(lifecycle, signals.Name(sig), "received while waiting for the rest")
		m.drain()
	case m.state != running:
		m.forward(sig)
	case m.cfg.StopDelay > 0:
		m.state = stopDelayed
		m.do(action{verb: startTimer, timer: stopDelayTimer, after: m.cfg.StopDelay})
		m.log(lifecycle, signals.Name(sig), "received: forwarding it in", m.cfg.StopDelay.String())
	default:
		m.forwardStop()
	}
}

// forwardStop forwards the stop signal and starts the stop timeout. A stop
// signal that a rewrite rule drops starts no timeout: the child was not
// asked to stop.
func (m *machine) forwardStop() {
	m.state = stopping
	sig := m.cfg.stopSignal()
	m.stopReachedGroup = m.forward(sig) == forwardToGroup
	if _, sent := m.cfg.Rewrite.Apply(sig); sent && m.cfg.StopTimeout > 0 {
		m.do(action{verb: startTimer, timer: stopTimeoutTimer, after: m.cfg.StopTimeout})
		m.log(lifecycle, "main child has", m.cfg.StopTimeout.String(), "to exit before SIGKILL")
	}
}

// forward passes sig on, rewritten, to the child's group, or with -c to the
// child alone while it runs, and says which it did.
func (m *machine) forward(sig syscall.Signal) (how verb) {
	out, ok := m.cfg.Rewrite.Apply(sig)
	switch {
	case !ok:
		m.logDetail("dropping", signals.Name(sig))
		return writeLog
	case m.cfg.SingleChild && m.mainRunning:
		if m.logs(detail) { // the words cost more than the kill
			m.log(detail, "forwarding", signals.Name(out), "to pid", strconv.Itoa(m.child))
		}
		m.do(action{verb: forwardToChild, sig: out, pid: m.child})
		return forwardToChild
	default:
		if m.logs(detail) {
			m.log(detail, "forwarding", signals.Name(out), "to group", strconv.Itoa(m.child))
		}
		m.do(action{verb: forwardToGroup, sig: out, pid: m.child})
		return forwardToGroup
	}
}

// onTimer handles a timer's end. A timer that an event overtook (a second
// stop signal, the child's exit) still fires; its moment has passed, and
// it does nothing. The loop reaps before it steps a timer, so that a child
// that exited just now counts as exited.
func (m *machine) onTimer(t timer) {
	switch {
	case t == stopDelayTimer && m.state == stopDelayed:
		m.log(lifecycle, "stop delay over: forwarding", signals.Name(m.cfg.stopSignal()))
		m.forwardStop()
	case t == stopDelayTimer:
		m.logDetail("stop delay over: nothing held any more")
	case t == stopTimeoutTimer && m.state == stopping:
		target := "its process group"
		if m.isPID1 {
			target = "every process"
		}
		m.log(quiet, "main child still running", m.cfg.StopTimeout.String(), "after",
			signals.Name(m.cfg.stopSignal())+": sending SIGKILL to", target)
		m.killRest()
	case t == stopTimeoutTimer:
		m.logDetail("stop timeout over: the main child has exited already")
	case t == graceTimer && m.state == draining:
		m.log(lifecycle, "grace period over, sending SIGKILL to what is left")
		m.killRest()
	}
}

// onReaped moves on from what a reap found: the main child's end starts the
// drain (or, for tini and catatonit, ends pidone); in the drain, the last
// process's end finishes it.
func (m *machine) onReaped(mainExit *reaper.Exit, othersLeft bool) {
	if mainExit != nil && m.mainRunning {
		m.mainRunning, m.childExit = false, *mainExit
		m.log(lifecycle, "main child", strconv.Itoa(mainExit.Pid), "exited with code", strconv.Itoa(mainExit.Code()))
		m.onMainExit(othersLeft)
		return
	}
	switch {
	case m.mainRunning || m.state == paused || m.state == done:
	case !othersLeft:
		m.finishWithChild()
	case m.state == killing:
		// An orphan reparented after the last SIGKILL, from a parent that
		// died of it: it gets one too.
		m.do(action{verb: killRest, sig: syscall.SIGKILL})
	}
}

// onMainExit starts the drain, or ends supervision where the personality
// leaves the rest to the kernel (after one SIGTERM to the child's group,
// for dumb-init).
func (m *machine) onMainExit(othersLeft bool) {
	switch {
	case m.cfg.AfterMainExit == TermGroupThenExit && m.cfg.Session != SameGroup:
		if sig, ok := m.cfg.Rewrite.Apply(syscall.SIGTERM); ok {
			if m.logs(detail) {
				m.log(detail, "main child gone, sending", signals.Name(sig), "to group", strconv.Itoa(m.child))
			}
			m.do(action{verb: signalGroup, sig: sig, pid: m.child})
		}
		m.finishWithChild()
	case m.cfg.AfterMainExit == WaitForRest && othersLeft && m.state == running:
		// Only while nobody asked the container to stop: after a stop
		// signal, what is left is drained as usual.
		m.state = waiting
		m.log(lifecycle, "main child gone, waiting for the rest to exit on their own")
	case m.cfg.AfterMainExit == TermGroupThenExit || m.cfg.AfterMainExit == ExitAtOnce || !othersLeft:
		m.finishWithChild()
	default:
		m.drain()
	}
}

// drain gives what is left SIGTERM and the grace period, then SIGKILL.
func (m *machine) drain() {
	switch {
	case m.cfg.Grace <= 0 || m.state == killing:
		// After the stop timeout's SIGKILL there is no grace left to give.
		m.log(lifecycle, "main child gone, killing what is left")
		m.killRest()
	case m.stopReachedGroup:
		m.state = draining
		m.log(lifecycle, "main child gone, sending SIGTERM to what is left outside its group, SIGKILL to all in", m.cfg.Grace.String())
		m.do(action{verb: killRest, sig: syscall.SIGTERM, spareGroup: m.child})
		m.do(action{verb: startTimer, timer: graceTimer, after: m.cfg.Grace})
	default:
		m.state = draining
		m.log(lifecycle, "main child gone, sending SIGTERM to what is left, SIGKILL in", m.cfg.Grace.String())
		m.do(action{verb: killRest, sig: syscall.SIGTERM})
		m.do(action{verb: startTimer, timer: graceTimer, after: m.cfg.Grace})
	}
}

// killRest sends SIGKILL to what is left, and keeps doing so for processes
// that become pidone's children later: an orphan is reparented to pidone
// only when its parent dies, possibly after this round of SIGKILL.
func (m *machine) killRest() {
	m.state = killing
	m.do(action{verb: killRest, sig: syscall.SIGKILL})
}

// finish ends supervision with code.
func (m *machine) finish(code int) {
	m.state = done
	m.do(action{verb: exit, code: code})
}

// finishWithChild ends supervision with the main child's code.
func (m *machine) finishWithChild() {
	code := exitCode(m.cfg, outcome{child: m.childExit})
	if code != m.childExit.Code() {
		m.log(lifecycle, "main child's exit code", strconv.Itoa(m.childExit.Code()), "counts as success")
	}
	m.log(lifecycle, "exiting with code", strconv.Itoa(code))
	m.finish(code)
}

func (m *machine) do(a action) { m.actions = append(m.actions, a) }

func (m *machine) logs(level int) bool { return m.cfg.Verbosity >= level }

func (m *machine) log(level int, words ...string) {
	if m.logs(level) {
		m.do(action{verb: writeLog, level: level, words: words})
	}
}

// logDetail logs at the detail level (-vv); callers format numbers only
// once m.logs(detail) says the line will be written.
func (m *machine) logDetail(words ...string) { m.log(detail, words...) }

// isJobControl reports whether sig is one a terminal sends to stop a job.
func isJobControl(sig syscall.Signal) bool {
	return sig == syscall.SIGTSTP || sig == syscall.SIGTTIN || sig == syscall.SIGTTOU
}
