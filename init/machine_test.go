package supervisor

import (
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/pidone/pidone/reaper"
	"github.com/pidone/pidone/signals"
)

// These tests drive every row of the machine's table (machine.go) without a
// process: an event in, the next state and the actions out.

const child = 42

// running is a machine whose main child, pid 42, has been started.
func runningMachine(cfg Config) *machine {
	m := newMachine(&cfg, true)
	m.step(event{kind: started, child: child})
	return m
}

func sig(s syscall.Signal) event { return event{kind: signalled, sig: s} }
func fire(t timer) event         { return event{kind: timerFired, timer: t} }

// mainExited is a reap that found the main child ended with status, and
// others still running or not.
func mainExited(status unix.WaitStatus, othersLeft bool) event {
	return event{kind: reaped, mainExit: &reaper.Exit{Pid: child, Status: status}, othersLeft: othersLeft}
}

// rewriting is a Rewrite with one rule.
func rewriting(from, to syscall.Signal) (r signals.Rewrite) {
	r.Set(from, to)
	return r
}

func othersReaped(othersLeft bool) event { return event{kind: reaped, othersLeft: othersLeft} }

// exited and killedBy are wait statuses.
func exited(code int) unix.WaitStatus           { return unix.WaitStatus(code << 8) }
func killedBy(s syscall.Signal) unix.WaitStatus { return unix.WaitStatus(s) }
func toGroup(s syscall.Signal) action           { return action{verb: forwardToGroup, sig: s, pid: child} }
func toChild(s syscall.Signal) action           { return action{verb: forwardToChild, sig: s, pid: child} }
func toRest(s syscall.Signal) action            { return action{verb: killRest, sig: s} }
func timerFor(t timer, d Duration) action       { return action{verb: startTimer, timer: t, after: d} }
func exitWith(code int) action                  { return action{verb: exit, code: code} }
func withoutLogs(actions []action) (kept []action) {
	for _, a := range actions {
		if a.verb != writeLog {
			kept = append(kept, a)
		}
	}
	return kept
}

// do steps m with e and returns the actions but the log lines.
func do(m *machine, e event) []action { return withoutLogs(m.step(e)) }

func TestStartingAChild(t *testing.T) {
	t.Run("a started child is running", func(t *testing.T) {
		m := newMachine(&Config{Command: []string{"sleep", "1"}}, true)
		assert.Empty(t, do(m, event{kind: started, child: child}))
		assert.Equal(t, running, m.state)
		assert.True(t, m.mainRunning)
	})
	t.Run("pause mode has no child and pauses", func(t *testing.T) {
		m := newMachine(&Config{Pause: true}, true)
		assert.Empty(t, do(m, event{kind: started}))
		assert.Equal(t, paused, m.state)
	})
	t.Run("a command that cannot start ends pidone with 127 or 126, as a shell", func(t *testing.T) {
		for _, tc := range []struct {
			err  error
			code int
		}{{errNotFound, 127}, {syscall.ENOENT, 127}, {syscall.ENOTDIR, 127}, {syscall.EACCES, 126}, {syscall.ENOEXEC, 126}} {
			m := newMachine(&Config{}, true)
			actions := m.step(event{kind: startFailed, failed: &spawnError{"x", tc.err}})
			assert.Equal(t, exitWith(tc.code), actions[len(actions)-1], "%v", tc.err)
			assert.Equal(t, done, m.state)
		}
	})
	t.Run("the personality's start-failure code replaces both", func(t *testing.T) {
		m := newMachine(&Config{ExecFailureCode: 2}, true)
		assert.Equal(t, []action{exitWith(2)}, do(m, event{kind: startFailed, failed: &spawnError{"x", errNotFound}}))
	})
	t.Run("the start failure is logged even when quiet", func(t *testing.T) {
		m := newMachine(&Config{}, true)
		actions := m.step(event{kind: startFailed, failed: &spawnError{"nope", errNotFound}})
		require.Len(t, actions, 2)
		assert.Equal(t, []string{"cannot run nope: command not found"}, actions[0].words)
	})
}

func TestSignalsWhileTheChildRuns(t *testing.T) {
	t.Run("SIGCHLD asks for a reap", func(t *testing.T) {
		assert.Equal(t, []action{{verb: reap}}, do(runningMachine(Config{}), sig(syscall.SIGCHLD)))
	})
	t.Run("a signal goes to the child's group", func(t *testing.T) {
		assert.Equal(t, []action{toGroup(syscall.SIGHUP)}, do(runningMachine(Config{}), sig(syscall.SIGHUP)))
	})
	t.Run("with SingleChild it goes to the child alone", func(t *testing.T) {
		assert.Equal(t, []action{toChild(syscall.SIGHUP)}, do(runningMachine(Config{SingleChild: true}), sig(syscall.SIGHUP)))
	})
	t.Run("a rewrite rule changes it", func(t *testing.T) {
		rewrite := rewriting(syscall.SIGTERM, syscall.SIGINT)
		assert.Equal(t, []action{toGroup(syscall.SIGINT)}, do(runningMachine(Config{Rewrite: rewrite}), sig(syscall.SIGTERM)))
	})
	t.Run("a rewrite rule to 0 drops it", func(t *testing.T) {
		rewrite := rewriting(syscall.SIGHUP, signals.Drop)
		assert.Empty(t, do(runningMachine(Config{Rewrite: rewrite}), sig(syscall.SIGHUP)))
	})
	t.Run("the Go runtime's profiling signal is not forwarded", func(t *testing.T) {
		assert.Empty(t, do(runningMachine(Config{}), sig(syscall.SIGPROF)))
	})
	t.Run("SIGURG is forwarded like any other", func(t *testing.T) {
		assert.Equal(t, []action{toGroup(syscall.SIGURG)}, do(runningMachine(Config{}), sig(syscall.SIGURG)))
	})
	t.Run("a signal pidone caused itself is not forwarded, once", func(t *testing.T) {
		m := runningMachine(Config{})
		m.expectUnasked(syscall.SIGHUP)
		assert.Empty(t, do(m, sig(syscall.SIGHUP)), "the hangup from releasing the terminal")
		assert.Equal(t, []action{toGroup(syscall.SIGHUP)}, do(m, sig(syscall.SIGHUP)), "a later one is the caller's")
	})
	t.Run("dumb-init's job control: pidone stops itself after a stop signal", func(t *testing.T) {
		m := runningMachine(Config{StopWithChild: true})
		for _, s := range []syscall.Signal{syscall.SIGTSTP, syscall.SIGTTIN, syscall.SIGTTOU} {
			assert.Equal(t, []action{toGroup(s), {verb: stopSelf}}, do(m, sig(s)), "%v", s)
		}
		assert.Equal(t, []action{toGroup(syscall.SIGCONT)}, do(m, sig(syscall.SIGCONT)))
	})
}

func TestTheStopSignal(t *testing.T) {
	t.Run("without delay or timeout it is forwarded at once", func(t *testing.T) {
		m := runningMachine(Config{})
		assert.Equal(t, []action{toGroup(syscall.SIGTERM)}, do(m, sig(syscall.SIGTERM)))
		assert.Equal(t, stopping, m.state)
	})
	t.Run("the configured stop signal is the one held", func(t *testing.T) {
		m := runningMachine(Config{StopSignal: syscall.SIGQUIT, StopDelay: Second})
		assert.Equal(t, []action{toGroup(syscall.SIGTERM)}, do(m, sig(syscall.SIGTERM)))
		assert.Equal(t, []action{timerFor(stopDelayTimer, Second)}, do(m, sig(syscall.SIGQUIT)))
	})
	t.Run("the stop delay holds it, and forwards it when over", func(t *testing.T) {
		m := runningMachine(Config{StopDelay: 5 * Second})
		assert.Equal(t, []action{timerFor(stopDelayTimer, 5*Second)}, do(m, sig(syscall.SIGTERM)))
		assert.Equal(t, stopDelayed, m.state)
		assert.Equal(t, []action{toGroup(syscall.SIGHUP)}, do(m, sig(syscall.SIGHUP)), "other signals pass meanwhile")
		assert.Equal(t, []action{toGroup(syscall.SIGTERM)}, do(m, fire(stopDelayTimer)))
		assert.Equal(t, stopping, m.state)
	})
	t.Run("a second stop signal cuts the delay short, and the delay's end does nothing more", func(t *testing.T) {
		m := runningMachine(Config{StopDelay: 5 * Second})
		do(m, sig(syscall.SIGTERM))
		assert.Equal(t, []action{toGroup(syscall.SIGTERM)}, do(m, sig(syscall.SIGTERM)))
		assert.Empty(t, do(m, fire(stopDelayTimer)))
	})
	t.Run("once forwarded, another stop signal is forwarded too", func(t *testing.T) {
		m := runningMachine(Config{})
		do(m, sig(syscall.SIGTERM))
		assert.Equal(t, []action{toGroup(syscall.SIGTERM)}, do(m, sig(syscall.SIGTERM)))
	})
	t.Run("the stop timeout starts when it is forwarded, and kills every process if the child still runs", func(t *testing.T) {
		m := runningMachine(Config{StopTimeout: 3 * Second})
		assert.Equal(t, []action{toGroup(syscall.SIGTERM), timerFor(stopTimeoutTimer, 3*Second)}, do(m, sig(syscall.SIGTERM)))
		assert.Equal(t, []action{toRest(syscall.SIGKILL)}, do(m, fire(stopTimeoutTimer)))
		assert.Equal(t, killing, m.state)
		assert.True(t, m.mainRunning)
	})
	t.Run("the stop timeout is logged even when quiet, naming who is killed", func(t *testing.T) {
		for _, pid1 := range []bool{true, false} {
			m := newMachine(&Config{StopTimeout: Second}, pid1)
			m.step(event{kind: started, child: child})
			m.step(sig(syscall.SIGTERM))
			actions := m.step(fire(stopTimeoutTimer))
			require.Equal(t, writeLog, actions[0].verb)
			want := map[bool]string{true: "every process", false: "its process group"}[pid1]
			assert.Equal(t, want, actions[0].words[len(actions[0].words)-1])
		}
	})
	t.Run("a stop signal dropped by a rewrite starts no timeout", func(t *testing.T) {
		rewrite := rewriting(syscall.SIGTERM, signals.Drop)
		assert.Empty(t, do(runningMachine(Config{Rewrite: rewrite, StopTimeout: Second}), sig(syscall.SIGTERM)))
	})
	t.Run("a timer whose moment has passed does nothing", func(t *testing.T) {
		m := runningMachine(Config{StopTimeout: Second})
		do(m, sig(syscall.SIGTERM))
		do(m, mainExited(exited(0), true))
		assert.Empty(t, do(m, fire(stopTimeoutTimer)), "the child exited before the timeout")
		assert.Empty(t, do(m, fire(stopDelayTimer)), "no delay was held")
	})
}

func TestTheDrain(t *testing.T) {
	t.Run("the main child's exit with nobody left ends pidone with its code", func(t *testing.T) {
		m := runningMachine(Config{})
		assert.Equal(t, []action{exitWith(7)}, do(m, mainExited(exited(7), false)))
		assert.Equal(t, done, m.state)
	})
	t.Run("a child killed by signal N gives 128+N", func(t *testing.T) {
		assert.Equal(t, []action{exitWith(143)}, do(runningMachine(Config{}), mainExited(killedBy(syscall.SIGTERM), false)))
	})
	t.Run("with others left, they get SIGTERM and the grace period", func(t *testing.T) {
		m := runningMachine(Config{Grace: 2 * Second})
		assert.Equal(t, []action{toRest(syscall.SIGTERM), timerFor(graceTimer, 2*Second)}, do(m, mainExited(exited(3), true)))
		assert.Equal(t, draining, m.state)
		assert.Empty(t, do(m, othersReaped(true)), "one of them ended, others remain")
		assert.Equal(t, []action{exitWith(3)}, do(m, othersReaped(false)), "the last one ended")
	})
	t.Run("after the stop signal went to the group, the drain spares its members a second SIGTERM", func(t *testing.T) {
		m := runningMachine(Config{Grace: 2 * Second})
		do(m, sig(syscall.SIGTERM))
		assert.Equal(t, []action{{verb: killRest, sig: syscall.SIGTERM, spareGroup: child}, timerFor(graceTimer, 2*Second)},
			do(m, mainExited(exited(0), true)))
		assert.Equal(t, []action{toRest(syscall.SIGKILL)}, do(m, fire(graceTimer)), "SIGKILL spares nobody")
	})
	t.Run("after the stop signal went to the child alone, the group still gets SIGTERM", func(t *testing.T) {
		m := runningMachine(Config{Grace: 2 * Second, SingleChild: true})
		do(m, sig(syscall.SIGTERM))
		assert.Equal(t, []action{toRest(syscall.SIGTERM), timerFor(graceTimer, 2*Second)}, do(m, mainExited(exited(0), true)))
	})
	t.Run("a stop signal that a rule dropped spares nobody", func(t *testing.T) {
		m := runningMachine(Config{Grace: 2 * Second, Rewrite: rewriting(syscall.SIGTERM, signals.Drop)})
		do(m, sig(syscall.SIGTERM))
		assert.Equal(t, []action{toRest(syscall.SIGTERM), timerFor(graceTimer, 2*Second)}, do(m, mainExited(exited(0), true)))
	})
	t.Run("when the grace period is over, SIGKILL, and again for every late orphan", func(t *testing.T) {
		m := runningMachine(Config{Grace: Second})
		do(m, mainExited(exited(0), true))
		assert.Equal(t, []action{toRest(syscall.SIGKILL)}, do(m, fire(graceTimer)))
		assert.Equal(t, killing, m.state)
		assert.Equal(t, []action{toRest(syscall.SIGKILL)}, do(m, othersReaped(true)))
		assert.Equal(t, []action{exitWith(0)}, do(m, othersReaped(false)))
	})
	t.Run("no grace period kills at once", func(t *testing.T) {
		m := runningMachine(Config{Grace: 0})
		assert.Equal(t, []action{toRest(syscall.SIGKILL)}, do(m, mainExited(exited(0), true)))
	})
	t.Run("after the stop timeout's SIGKILL there is no grace left", func(t *testing.T) {
		m := runningMachine(Config{Grace: Second, StopTimeout: Second})
		do(m, sig(syscall.SIGTERM))
		do(m, fire(stopTimeoutTimer))
		assert.Equal(t, []action{toRest(syscall.SIGKILL)}, do(m, mainExited(killedBy(syscall.SIGKILL), true)))
		assert.Equal(t, []action{exitWith(137)}, do(m, othersReaped(false)))
	})
	t.Run("a reap of others while the child runs changes nothing", func(t *testing.T) {
		m := runningMachine(Config{})
		assert.Empty(t, do(m, othersReaped(true)))
		assert.Empty(t, do(m, othersReaped(false)))
		assert.Equal(t, running, m.state)
	})
	t.Run("signals in the drain go to the group, the child being gone", func(t *testing.T) {
		m := runningMachine(Config{SingleChild: true, Grace: Second})
		do(m, mainExited(exited(0), true))
		assert.Equal(t, []action{toGroup(syscall.SIGHUP)}, do(m, sig(syscall.SIGHUP)))
		assert.Equal(t, []action{toGroup(syscall.SIGTERM)}, do(m, sig(syscall.SIGTERM)))
	})
	t.Run("the grace timer after the drain has ended does nothing", func(t *testing.T) {
		m := runningMachine(Config{Grace: Second})
		do(m, mainExited(exited(0), true))
		do(m, fire(graceTimer))
		assert.Empty(t, do(m, fire(graceTimer)))
	})
}

func TestWhatThePersonalitiesDoWhenTheMainChildExits(t *testing.T) {
	t.Run("tini and catatonit exit at once", func(t *testing.T) {
		m := runningMachine(Config{AfterMainExit: ExitAtOnce})
		assert.Equal(t, []action{exitWith(5)}, do(m, mainExited(exited(5), true)))
	})
	t.Run("dumb-init sends SIGTERM, rewritten, to the group, then exits", func(t *testing.T) {
		rewrite := rewriting(syscall.SIGTERM, syscall.SIGUSR1)
		m := runningMachine(Config{AfterMainExit: TermGroupThenExit, Rewrite: rewrite})
		assert.Equal(t, []action{{verb: signalGroup, sig: syscall.SIGUSR1, pid: child}, exitWith(0)},
			do(m, mainExited(exited(0), false)))
	})
	t.Run("dumb-init in pidone's own group sends nothing", func(t *testing.T) {
		m := runningMachine(Config{AfterMainExit: TermGroupThenExit, Session: SameGroup})
		assert.Equal(t, []action{exitWith(0)}, do(m, mainExited(exited(0), true)))
	})
	t.Run("tini -e: a listed code counts as success", func(t *testing.T) {
		m := runningMachine(Config{SuccessCodes: []int{143}, Verbosity: lifecycle})
		actions := m.step(mainExited(killedBy(syscall.SIGTERM), false))
		assert.Equal(t, exitWith(0), actions[len(actions)-1])
		assert.Contains(t, logLines(actions), "main child's exit code 143 counts as success")
	})
}

func TestWaitingForTheRest(t *testing.T) {
	cfg := Config{AfterMainExit: WaitForRest, Grace: 2 * Second}
	t.Run("the main child's exit leaves the rest running", func(t *testing.T) {
		m := runningMachine(cfg)
		assert.Empty(t, do(m, mainExited(exited(3), true)))
		assert.Equal(t, waiting, m.state)
	})
	t.Run("signals still reach the main child's group", func(t *testing.T) {
		m := runningMachine(cfg)
		do(m, mainExited(exited(3), true))
		assert.Equal(t, []action{toGroup(syscall.SIGHUP)}, do(m, sig(syscall.SIGHUP)))
		assert.Equal(t, waiting, m.state)
	})
	t.Run("the last one's own exit ends pidone with the main child's code", func(t *testing.T) {
		m := runningMachine(cfg)
		do(m, mainExited(exited(3), true))
		assert.Equal(t, []action{{verb: reap}}, do(m, sig(syscall.SIGCHLD)))
		assert.Empty(t, do(m, othersReaped(true)), "one of the rest ended, others run on")
		assert.Equal(t, []action{exitWith(3)}, do(m, othersReaped(false)))
	})
	t.Run("a stop signal while waiting starts the drain", func(t *testing.T) {
		m := runningMachine(cfg)
		do(m, mainExited(exited(3), true))
		assert.Equal(t, []action{toRest(syscall.SIGTERM), timerFor(graceTimer, 2*Second)}, do(m, sig(syscall.SIGTERM)))
		assert.Equal(t, draining, m.state)
		assert.Equal(t, []action{toRest(syscall.SIGKILL)}, do(m, fire(graceTimer)))
		assert.Equal(t, []action{exitWith(3)}, do(m, othersReaped(false)))
	})
	t.Run("after a stop signal, the main child's exit drains at once", func(t *testing.T) {
		m := runningMachine(cfg)
		do(m, sig(syscall.SIGTERM))
		spareStopped := action{verb: killRest, sig: syscall.SIGTERM, spareGroup: child}
		assert.Equal(t, []action{spareStopped, timerFor(graceTimer, 2*Second)},
			do(m, mainExited(killedBy(syscall.SIGTERM), true)))
		assert.Equal(t, draining, m.state)
	})
	t.Run("with nothing left, the main child's exit ends pidone", func(t *testing.T) {
		m := runningMachine(cfg)
		assert.Equal(t, []action{exitWith(3)}, do(m, mainExited(exited(3), false)))
	})
}

func TestPauseMode(t *testing.T) {
	for _, s := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		m := newMachine(&Config{Pause: true}, true)
		m.step(event{kind: started})
		assert.Equal(t, []action{exitWith(0)}, do(m, sig(s)), "%v ends the pause", s)
	}
	m := newMachine(&Config{Pause: true}, true)
	m.step(event{kind: started})
	assert.Empty(t, do(m, sig(syscall.SIGHUP)), "no one to forward to")
	assert.Equal(t, []action{{verb: reap}}, do(m, sig(syscall.SIGCHLD)), "orphans are reaped")
	assert.Empty(t, do(m, othersReaped(false)), "and their end changes nothing")
	assert.Equal(t, paused, m.state)
}

func TestNothingHappensOnceDone(t *testing.T) {
	m := runningMachine(Config{})
	do(m, mainExited(exited(0), false))
	assert.Empty(t, m.step(sig(syscall.SIGTERM)))
	assert.Empty(t, m.step(sig(syscall.SIGCHLD)))
}

func TestTheLog(t *testing.T) {
	t.Run("quiet by default", func(t *testing.T) {
		m := runningMachine(Config{Grace: Second})
		for _, e := range []event{sig(syscall.SIGHUP), sig(syscall.SIGTERM), mainExited(exited(0), true), fire(graceTimer), othersReaped(false)} {
			assert.Empty(t, logLines(m.step(e)))
		}
	})
	t.Run("-v tells the life of the container", func(t *testing.T) {
		m := newMachine(&Config{Command: []string{"sleep", "9"}, Grace: Second, StopDelay: Second, Verbosity: lifecycle}, true)
		var lines []string
		for _, e := range []event{{kind: started, child: child}, sig(syscall.SIGTERM), fire(stopDelayTimer),
			mainExited(exited(0), true), fire(graceTimer), othersReaped(false)} {
			lines = append(lines, logLines(m.step(e))...)
		}
		assert.Equal(t, []string{
			"started pid 42: sleep 9",
			"SIGTERM received: forwarding it in 1s",
			"stop delay over: forwarding SIGTERM",
			"main child 42 exited with code 0",
			"main child gone, sending SIGTERM to what is left outside its group, SIGKILL to all in 1s",
			"grace period over, sending SIGKILL to what is left",
			"exiting with code 0",
		}, lines)
	})
	t.Run("-vv adds every signal", func(t *testing.T) {
		m := runningMachine(Config{Verbosity: detail, SingleChild: true})
		assert.Equal(t, []string{"forwarding SIGHUP to pid 42"}, logLines(m.step(sig(syscall.SIGHUP))))
		m = runningMachine(Config{Verbosity: detail})
		assert.Equal(t, []string{"forwarding SIGHUP to group 42"}, logLines(m.step(sig(syscall.SIGHUP))))
	})
}

func logLines(actions []action) (lines []string) {
	for _, a := range actions {
		if a.verb == writeLog {
			lines = append(lines, strings.Join(a.words, " "))
		}
	}
	return lines
}

func TestStateNames(t *testing.T) {
	assert.Equal(t, "stop delayed", stopDelayed.String())
	assert.Equal(t, len(stateNames), int(done)+1, "every state has a name")
}
