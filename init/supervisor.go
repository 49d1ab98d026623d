package supervisor

import (
	"strconv"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/pidone/pidone/reaper"
	"github.com/pidone/pidone/signals"
)

// supervisor carries out what the machine (machine.go) decides: it feeds
// it the signals, timers and reaps as they come, and does what each step
// asks. Every decision is the machine's; what is here is the system calls.
type supervisor struct {
	cfg     Config
	log     *logger
	machine *machine
	intake  *intake // the signals that have arrived and not yet been handled

	// Each timer runs as a goroutine that sleeps and then sends its timer
	// on fired, with the round it was started in; a round that a restart
	// of the same timer overtook is ignored. A sleep, not package time's
	// timers: those bring its calendar and time zones into the binary.
	fired  chan firing
	rounds [timers]uint32

	// mainExit is how the main child ended, once a reap has found it.
	mainExit reaper.Exit
}

// firing is a timer's end, sent by the goroutine that slept for it.
type firing struct {
	timer timer
	round uint32
}

// Run supervises cfg.Command as pidone's only child and returns the exit
// code pidone should exit with: the child's, or one of the Exit codes when
// the child could not be started.
func Run(cfg Config) int {
	s := newSupervisor(cfg)
	// Ask for signals before anything can send one: before the child
	// exists, a SIGTERM to PID 1 with no handler would be dropped, and a
	// SIGCHLD missed here would leave the child a zombie. One that arrives
	// now waits in the intake until the child has started.
	ignored := s.listen()
	return s.run(ignored)
}

func newSupervisor(cfg Config) *supervisor {
	s := &supervisor{
		cfg:    cfg,
		log:    &logger{verbosity: cfg.Verbosity, name: cfg.Name},
		intake: newIntake(),
		fired:  make(chan firing),
	}
	s.machine = newMachine(&s.cfg, syscall.Getpid() == 1)
	s.log.brokenPipe = func() {
		// Only a SIGPIPE pidone listens for reaches the intake: one the
		// caller ignored is not asked for until the child has started.
		if s.intake.asked(syscall.SIGPIPE) {
			s.machine.expectUnasked(syscall.SIGPIPE)
		}
	}
	return s
}

// listen asks for every signal but those the caller ignored, which it
// returns: they are asked for once the child has inherited SIG_IGN.
func (s *supervisor) listen() (ignored []syscall.Signal) {
	catchable := signals.Catchable()
	if godebug, _ := syscall.Getenv("GODEBUG"); runtimePreempts(godebug) {
		// A SIGURG could be the runtime's own, which the child must not see.
		catchable = without(catchable, []syscall.Signal{syscall.SIGURG})
	}
	ignored = ignoredAtStart(catchable)
	if s.cfg.DefaultDispositions {
		ignored = realtimeOnly(ignored)
	}
	s.intake.listen(without(catchable, ignored))
	return ignored
}

// run starts the child and supervises it.
func (s *supervisor) run(ignored []syscall.Signal) int {
	child, err := s.start(ignored)
	if err != nil {
		code, _ := s.apply(s.machine.step(event{kind: startFailed, failed: err}))
		return code
	}
	s.intake.listen(ignored)
	for _, sig := range ignoreUncatchable() {
		s.log.log(detail, "ignoring", signals.Name(sig)+": the Go runtime cannot catch it, so it is not forwarded")
	}
	if !s.intake.asked(syscall.SIGURG) {
		s.log.log(detail, "not forwarding SIGURG: the Go runtime's preemption is on (GODEBUG, or a build without release/build.env), so it could be the runtime's own")
	}
	if !s.cfg.KeepWorkingDirectory {
		// pidone itself needs no directory, and one on a mount would keep
		// the mount busy. Mostly it left before the child started (spawn);
		// in pause mode, or where no path led back, it leaves now.
		syscall.Chdir("/")
	}
	s.apply(s.machine.step(event{kind: started, child: child}))
	return s.supervise()
}

// start does everything that may still fail, and starts the child. In
// pause mode there is no child, and its pid is 0.
func (s *supervisor) start(ignored []syscall.Signal) (int, *spawnError) {
	s.askForParentDeathSignal()
	if !s.machine.isPID1 {
		// Orphans go to the nearest subreaper, so pidone can reap them
		// without being PID 1.
		if err := reaper.BecomeSubreaper(); err != nil {
			s.log.error("cannot become a child subreaper, orphans will not be reaped:", err.Error())
		} else {
			s.log.log(lifecycle, "not PID 1: reaping orphans as a child subreaper")
		}
	}

	if s.cfg.Pause {
		return 0, nil
	}

	term := probeTerminal()
	if term == ownTerminal && s.cfg.Session == NewSession {
		hangupSent, err := releaseTerminal()
		switch {
		case err != nil:
			s.log.error("cannot pass the terminal to the child:", err.Error())
			term = noTerminal
		case hangupSent:
			// Not for signals pidone is not listening to yet: those the
			// caller ignored, which the kernel drops.
			for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGCONT} {
				if !contains(ignored, sig) {
					s.machine.expectUnasked(sig)
				}
			}
		}
	}

	return spawn(s.cfg.Command, s.cfg.Env, childAttributesFor(s.cfg.Session, term), s.cfg.KeepWorkingDirectory)
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

// supervise is the main loop: it waits for a signal or a timer, steps the
// machine with it, and carries out what the machine asks, until it asks
// pidone to exit.
func (s *supervisor) supervise() int {
	for {
		// Signals that arrived before the child started, or while the last
		// step ran, are pending already.
		if code, exited := s.handleSignals(); exited {
			return code
		}
		select {
		case sig := <-s.intake.arrived:
			s.intake.note(sig)
		case f := <-s.fired:
			if f.round != s.rounds[f.timer] {
				continue // restarted since: that round's end is not this one's
			}
			if code, exited := s.timerFired(f.timer); exited {
				return code
			}
		}
	}
}

// handleSignals steps the machine with each pending signal in turn, lowest
// first, until none is left.
func (s *supervisor) handleSignals() (code int, exited bool) {
	for sig := s.intake.next(); sig != 0; sig = s.intake.next() {
		if code, exited := s.apply(s.machine.step(event{kind: signalled, sig: sig})); exited {
			return code, true
		}
	}
	return 0, false
}

// timerFired steps the machine with the end of timer t, after a reap: a
// child that exited just now, its SIGCHLD not yet read, counts as exited.
func (s *supervisor) timerFired(t timer) (code int, exited bool) {
	if code, exited := s.apply(s.machine.step(event{kind: signalled, sig: syscall.SIGCHLD})); exited {
		return code, true
	}
	return s.apply(s.machine.step(event{kind: timerFired, timer: t}))
}

// startTimer starts timer t, to fire after d; a run of t that is still
// sleeping no longer counts.
func (s *supervisor) startTimer(t timer, d Duration) {
	s.rounds[t]++
	go sleepThenSend(s.fired, firing{timer: t, round: s.rounds[t]}, time.Duration(d))
}

func sleepThenSend(fired chan<- firing, f firing, d time.Duration) {
	time.Sleep(d)
	fired <- f
}

// apply carries out actions in order, and reports the exit code when one of
// them is to exit. A reap steps the machine again with what it found.
func (s *supervisor) apply(actions []action) (code int, exited bool) {
	// The machine reuses its slice on the next step, which a reap takes.
	for len(actions) > 0 {
		a := actions[0]
		actions = actions[1:]
		switch a.verb {
		case forwardToChild:
			signals.ToProcess(a.pid, a.sig)
		case forwardToGroup:
			if err := signals.ToGroup(a.pid, a.sig); err == syscall.ESRCH && s.machine.mainRunning {
				// The child left the group it was started in: it still gets it.
				signals.ToProcess(a.pid, a.sig)
			}
		case signalGroup:
			signals.ToGroup(a.pid, a.sig) // ESRCH: nobody is left in the group
		case killRest:
			s.signalRest(a.sig, a.spareGroup)
		case startTimer:
			s.startTimer(a.timer, a.after)
		case writeLog:
			if a.verbatim {
				s.log.line(a.level, a.words[0])
			} else {
				s.log.log(a.level, a.words...)
			}
		case stopSelf:
			// So that the shell that started pidone sees its job stop, as
			// with the child alone; its SIGCONT wakes pidone, which passes
			// it on.
			syscall.Kill(syscall.Getpid(), syscall.SIGSTOP)
		case exit:
			return a.code, true
		case reap:
			rest := append([]action(nil), actions...)
			if code, exited := s.apply(s.machine.step(s.reap())); exited {
				return code, true
			}
			actions = rest
		}
	}
	return 0, false
}

// reap collects every child that has ended, logs those that are not the
// main child, and says what the machine needs to know of them. It
// allocates nothing per process: a storm of orphans costs no memory.
func (s *supervisor) reap() event {
	e := event{kind: reaped}
	e.othersLeft = reaper.Reap(func(exit reaper.Exit) {
		// A reap can take long; meanwhile the signal channel must not fill.
		s.intake.collect()
		if exit.Pid == s.machine.child && s.machine.mainRunning {
			s.mainExit = exit
			e.mainExit = &s.mainExit
			return
		}
		s.logReaped(exit)
	})
	return e
}

// logReaped logs a reaped process other than the main child: at -vv, or
// always with tini -w.
func (s *supervisor) logReaped(e reaper.Exit) {
	level := detail
	if s.cfg.WarnOnReap {
		level = quiet
	}
	if s.log.enabled(level) { // the words cost more than the reaping
		s.log.log(level, "reaped pid", strconv.Itoa(e.Pid), "exit code", strconv.Itoa(e.Code()))
	}
}

func contains(sigs []syscall.Signal, sig syscall.Signal) bool {
	for _, s := range sigs {
		if s == sig {
			return true
		}
	}
	return false
}
