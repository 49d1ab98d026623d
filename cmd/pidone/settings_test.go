package main_test

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pt "github.com/pidone/pidone/integration/proctest"
)

func TestVariablesAreNotPassedToTheChild(t *testing.T) {
	options := []string{"PIDONE_GRACE=1s", "PIDONE_VERBOSE=0", "PIDONE_SINGLE_CHILD=1", "PIDONE_STOP_DELAY=",
		"PIDONE_REMAP_EXIT=3"}
	env := append([]string{"PIDONE_NOT_AN_OPTION=kept", "KEEP_ME=1"}, options...)
	p := pt.Start(t, pt.Options{PID1: true, Env: env}, pt.Pidone(t), "--", "env")
	require.Equal(t, 0, p.Wait())
	out := p.Stdout()
	assert.Contains(t, out, "KEEP_ME=1", "the child gets the rest of the environment")
	assert.Contains(t, out, "PIDONE_NOT_AN_OPTION=kept", "a variable no option reads is not pidone's")
	for _, option := range options {
		name, _, _ := strings.Cut(option, "=")
		for _, line := range out {
			assert.False(t, strings.HasPrefix(line, name+"="), "child sees %s", line)
		}
	}
}

func TestMalformedSettingsStopPidoneBeforeTheChild(t *testing.T) {
	pidone := pt.Pidone(t)
	for _, tc := range []struct {
		name    string
		env     string
		flags   []string
		message string
	}{
		{"grace variable", "PIDONE_GRACE=soon", nil, `PIDONE_GRACE="soon": not a duration (like 500ms, 5s, 1m30s, or plain seconds)`},
		{"stop-delay variable", "PIDONE_STOP_DELAY=5 s", nil, `PIDONE_STOP_DELAY="5 s": not a duration (like 500ms, 5s, 1m30s, or plain seconds)`},
		{"stop-delay flag", "", []string{"--stop-delay", "soon"}, `option --stop-delay: "soon" is not a duration (like 500ms, 5s, 1m30s, or plain seconds)`},
		{"stop-timeout variable", "PIDONE_STOP_TIMEOUT=-1", nil, `PIDONE_STOP_TIMEOUT="-1": not a duration (like 500ms, 5s, 1m30s, or plain seconds)`},
		{"stop-timeout flag", "", []string{"--stop-timeout=1x"}, `option --stop-timeout: "1x" is not a duration (like 500ms, 5s, 1m30s, or plain seconds)`},
		{"stop-signal variable", "PIDONE_STOP_SIGNAL=NOPE", nil, `PIDONE_STOP_SIGNAL="NOPE": not a signal (like TERM, SIGINT or 15)`},
		{"stop-signal flag", "", []string{"--stop-signal", "KILL"}, `option --stop-signal: "KILL" is not a signal pidone can catch and forward`},
		{"remap-exit variable", "PIDONE_REMAP_EXIT=143,abc", nil, `PIDONE_REMAP_EXIT="143,abc": "abc" is not an exit code (0 to 255)`},
		{"remap-exit flag", "", []string{"--remap-exit", "256"}, `option --remap-exit: "256" is not an exit code (0 to 255)`},
		{"rewrite variable", "PIDONE_REWRITE=15:3,TERM:NOPE", nil, `PIDONE_REWRITE="15:3,TERM:NOPE": rewrite rule "TERM:NOPE": unknown signal "NOPE"`},
		{"verbose variable", "PIDONE_VERBOSE=loud", nil, `PIDONE_VERBOSE="loud": not a count (0 to 9)`},
		{"single-child variable", "PIDONE_SINGLE_CHILD=maybe", nil, `PIDONE_SINGLE_CHILD="maybe": not a boolean (1, true, yes; 0, false, no)`},
	} {
		t.Run(tc.name+" exits 1", func(t *testing.T) {
			t.Parallel()
			started := filepath.Join(t.TempDir(), "started")
			var env []string
			if tc.env != "" {
				env = []string{tc.env}
			}
			argv := append(append([]string{pidone}, tc.flags...), "--", "touch", started)
			p := pt.Start(t, pt.Options{PID1: true, Env: env}, argv...)
			assert.Equal(t, 1, p.Wait())
			assert.Equal(t, "[pidone] "+tc.message+" (see pidone -h)\n", p.Stderr())
			assert.NoFileExists(t, started, "the child must not start")
		})
	}
}

func TestFlagBeatsItsVariableInTheRealBinary(t *testing.T) {
	child := pt.SigChild(t)
	t.Run("--stop-delay 0 beats PIDONE_STOP_DELAY=1h", func(t *testing.T) {
		t.Parallel()
		p := pt.Start(t, pt.Options{PID1: true, Env: []string{"PIDONE_STOP_DELAY=1h"}},
			pt.Pidone(t), "--stop-delay", "0", "--", child, "-exit-on", "TERM=3")
		p.WaitForLine("ready")
		p.Signal(syscall.SIGTERM)
		assert.Equal(t, 3, p.Wait())
	})
	t.Run("--grace 1s beats a malformed PIDONE_GRACE", func(t *testing.T) {
		t.Parallel()
		p := pt.Start(t, pt.Options{PID1: true, Env: []string{"PIDONE_GRACE=soon"}}, pt.Pidone(t), "--grace", "1s", "--", "true")
		assert.Equal(t, 0, p.Wait())
		assert.Empty(t, p.Stderr())
	})
}

// startWithBackground runs, under pidone (not PID 1, so that pids match
// the test's), a shell that starts a background shell reporting the
// SIGUSR1 and SIGUSR2 it gets, then becomes a sigchild. It returns pidone
// and the background shell's pid.
func startWithBackground(t *testing.T, env []string) (*pt.Process, int) {
	bg := `trap "echo bg USR1" USR1; trap "echo bg USR2" USR2; echo bg=$$; while :; do sleep 0.1; done`
	p := pt.Start(t, pt.Options{Env: env}, pt.Pidone(t), "--",
		"sh", "-c", "sh -c '"+bg+"' & exec "+pt.SigChild(t)+" -exit-on TERM=0")
	bgPid := pt.Field(p.WaitForLine("bg="), "bg")
	p.WaitForLine("ready")
	return p, bgPid
}

func TestSingleChildAndVerboseVariables(t *testing.T) {
	for _, tc := range []struct {
		name        string
		env         []string
		groupGetsIt bool
	}{
		{"without PIDONE_SINGLE_CHILD the group gets SIGUSR1", nil, true},
		{"PIDONE_SINGLE_CHILD=1 sends it to the child alone", []string{"PIDONE_SINGLE_CHILD=1", "PIDONE_VERBOSE=2"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, bgPid := startWithBackground(t, tc.env)
			p.Signal(syscall.SIGUSR1)
			p.WaitForLine("signal SIGUSR1")
			// A signal sent to the background shell directly is the
			// barrier: had pidone sent it SIGUSR1, it would say so first.
			require.NoError(t, syscall.Kill(bgPid, syscall.SIGUSR2))
			p.WaitForLine("bg USR2")
			assert.Equal(t, tc.groupGetsIt, seenBefore(p.Stdout(), "bg USR1", "bg USR2"))
			p.Signal(syscall.SIGTERM)
			assert.Equal(t, 0, p.Wait())
			if tc.env != nil {
				assert.Contains(t, p.Stderr(), "[pidone] forwarding SIGUSR1 to pid", "PIDONE_VERBOSE=2 logs every signal")
			} else {
				assert.NotContains(t, p.Stderr(), "[pidone]", "quiet by default")
			}
		})
	}
}

func TestRewriteAndGraceVariables(t *testing.T) {
	t.Parallel()
	env := []string{"PIDONE_REWRITE=USR1:USR2, HUP:0", "PIDONE_GRACE=0", "PIDONE_VERBOSE=1"}
	// The background process ignores what the group is sent, so that it
	// is still there for the drain when the child exits; the signals wait
	// until it says so.
	p := pt.Start(t, pt.Options{PID1: true, Env: env}, pt.Pidone(t), "--",
		"sh", "-c", `sh -c 'trap "" TERM INT USR2; echo ignoring; exec sleep 1000' & exec `+pt.SigChild(t)+" -exit-on USR2=0")
	p.WaitForLine("ready")
	p.WaitForLine("ignoring")
	p.Signal(syscall.SIGHUP)
	p.Signal(syscall.SIGINT) // the barrier for the dropped SIGHUP
	p.WaitForLine("signal SIGINT")
	assert.NotContains(t, p.Stdout(), "signal SIGHUP", "HUP:0 dropped it")
	p.Signal(syscall.SIGUSR1)
	assert.Equal(t, 0, p.Wait(), "USR1 went out as USR2")
	assert.Contains(t, p.Stderr(), "[pidone] main child gone, killing what is left\n",
		"PIDONE_GRACE=0 kills what ignores SIGTERM at once")
}

// way is one way to give pidone its settings: as flags or as variables.
type way struct {
	name  string
	flags []string
	env   []string
}

// bothWays returns settings such as "stop-delay=1h" as flags and as PIDONE_
// variables, so that a test can run each case both ways.
func bothWays(settings ...string) []way {
	byFlag, byVariable := way{name: "by flag"}, way{name: "by variable"}
	for _, s := range settings {
		name, value, _ := strings.Cut(s, "=")
		byFlag.flags = append(byFlag.flags, "--"+name+"="+value)
		byVariable.env = append(byVariable.env, "PIDONE_"+strings.ToUpper(strings.ReplaceAll(name, "-", "_"))+"="+value)
	}
	return []way{byFlag, byVariable}
}

// startPID1 runs argv under pidone -vv, given settings w, as PID 1.
func startPID1(t *testing.T, w way, argv ...string) *pt.Process {
	args := append(append([]string{pt.Pidone(t), "-vv"}, w.flags...), "--")
	return pt.Start(t, pt.Options{PID1: true, Env: w.env}, append(args, argv...)...)
}

// readyPID1 is startPID1 for a sigchild, once the sigchild is ready.
func readyPID1(t *testing.T, w way, argv ...string) *pt.Process {
	p := startPID1(t, w, argv...)
	p.WaitForLine("ready")
	return p
}

func TestStopDelayHoldsTheStopSignal(t *testing.T) {
	child := pt.SigChild(t)
	t.Run("without a delay, SIGTERM reaches the child at once", func(t *testing.T) {
		p := readyPID1(t, way{}, child, "-exit-on", "USR1=0")
		p.Signal(syscall.SIGTERM)
		p.WaitForLine("signal SIGTERM")
		p.Signal(syscall.SIGUSR1)
		assert.Equal(t, 0, p.Wait())
	})
	for _, w := range bothWays("stop-delay=1h") {
		t.Run(w.name+", other signals go first and a second SIGTERM cuts the delay short", func(t *testing.T) {
			t.Parallel()
			p := readyPID1(t, w, child, "-exit-on", "TERM=3")
			p.Signal(syscall.SIGTERM)
			p.WaitForStderr("[pidone] SIGTERM received: forwarding it in 3600s\n")
			p.Signal(syscall.SIGUSR1)
			p.WaitForLine("signal SIGUSR1")
			assert.NotContains(t, p.Stdout(), "signal SIGTERM", "SIGTERM is held for an hour")

			p.Signal(syscall.SIGTERM)
			assert.Equal(t, 3, p.Wait())
			assert.Contains(t, p.Stderr(), "[pidone] second SIGTERM: forwarding it now\n")
			assert.Equal(t, 1, countOf(p.Stdout(), "signal SIGTERM"), "the two SIGTERMs go out as one")
		})
	}
	for _, w := range bothWays("stop-delay=100ms") {
		t.Run(w.name+", the delay ends by itself", func(t *testing.T) {
			t.Parallel()
			p := readyPID1(t, w, child, "-exit-on", "TERM=3")
			p.Signal(syscall.SIGTERM)
			assert.Equal(t, 3, p.Wait())
			assert.Contains(t, p.Stderr(), "[pidone] stop delay over: forwarding SIGTERM\n")
		})
	}
}

func TestStopDelayTimerOvertakenDoesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode: waits out a 10 s stop delay")
	}
	t.Parallel()
	// Long enough that the second SIGTERM comes first even on a machine
	// that stalls for seconds; the test waits for the timer to fire.
	p := readyPID1(t, way{flags: []string{"--stop-delay", "10s"}}, pt.SigChild(t), "-exit-on", "USR1=4")
	p.Signal(syscall.SIGTERM)
	p.WaitForStderr("SIGTERM received")
	p.Signal(syscall.SIGTERM)
	p.WaitForLine("signal SIGTERM")
	p.WaitForStderr("[pidone] stop delay over: nothing held any more\n")
	p.Signal(syscall.SIGUSR1)
	assert.Equal(t, 4, p.Wait())
	assert.Equal(t, 1, countOf(p.Stdout(), "signal SIGTERM"), "the timer must not forward SIGTERM again")
}

func TestChildExitingDuringTheDelayEndsPidoneAsUsual(t *testing.T) {
	t.Parallel()
	child := pt.SigChild(t)
	p := readyPID1(t, way{flags: []string{"-c", "--stop-delay", "1h"}},
		"sh", "-c", "sleep 1000 & exec "+child+" -exit-on USR1=5")
	p.Signal(syscall.SIGTERM)
	p.WaitForStderr("SIGTERM received")
	p.Signal(syscall.SIGUSR1)
	assert.Equal(t, 5, p.Wait(), "the child's own code, not an hour later")
	assert.Contains(t, p.Stderr(), "[pidone] main child gone, sending SIGTERM to what is left", "the drain runs")
	assert.NotContains(t, p.Stdout(), "signal SIGTERM", "the held SIGTERM is not sent after the child exited")
}

func TestStopSignalChoosesWhichSignalIsHeld(t *testing.T) {
	child := pt.SigChild(t)
	for _, w := range bothWays("stop-signal=INT", "stop-delay=1h") {
		t.Run(w.name, func(t *testing.T) {
			t.Parallel()
			p := readyPID1(t, w, child, "-exit-on", "INT=5")
			p.Signal(syscall.SIGTERM)
			p.WaitForLine("signal SIGTERM") // not the stop signal: forwarded at once
			p.Signal(syscall.SIGINT)
			p.WaitForStderr("[pidone] SIGINT received: forwarding it in 3600s\n")
			p.Signal(syscall.SIGUSR1)
			p.WaitForLine("signal SIGUSR1")
			assert.NotContains(t, p.Stdout(), "signal SIGINT")
			p.Signal(syscall.SIGINT)
			assert.Equal(t, 5, p.Wait())
		})
	}
}

func TestHeldStopSignalIsRewrittenWhenForwarded(t *testing.T) {
	t.Parallel()
	p := readyPID1(t, way{flags: []string{"-r", "TERM:QUIT", "--stop-delay", "100ms"}}, pt.SigChild(t), "-exit-on", "QUIT=6")
	p.Signal(syscall.SIGTERM)
	assert.Equal(t, 6, p.Wait())
	assert.Contains(t, p.Stderr(), "[pidone] stop delay over: forwarding SIGTERM\n")
	assert.NotContains(t, p.Stdout(), "signal SIGTERM")
}

func TestStopTimeoutKillsAChildThatIgnoresTheStopSignal(t *testing.T) {
	child := pt.SigChild(t)
	t.Run("without a stop timeout, the child outlives SIGTERM", func(t *testing.T) {
		t.Parallel()
		p := readyPID1(t, way{}, child, "-exit-on", "USR1=0")
		p.Signal(syscall.SIGTERM)
		p.WaitForLine("signal SIGTERM")
		p.Signal(syscall.SIGUSR1)
		assert.Equal(t, 0, p.Wait(), "the child was still there to get SIGUSR1")
	})
	for _, w := range bothWays("stop-timeout=1s") {
		t.Run(w.name+", as PID 1 every process gets SIGKILL: 137", func(t *testing.T) {
			t.Parallel()
			p := readyPID1(t, w, "sh", "-c", "sleep 1000 & exec "+child)
			p.Signal(syscall.SIGTERM)
			p.WaitForLine("signal SIGTERM")
			assert.Equal(t, 137, p.Wait())
			assert.Contains(t, p.Stderr(), "[pidone] main child still running 1s after SIGTERM: sending SIGKILL to every process\n")
		})
	}
	t.Run("not PID 1, its process group gets SIGKILL and nothing is left", func(t *testing.T) {
		t.Parallel()
		p := pt.Start(t, pt.Options{}, pt.Pidone(t), "--stop-timeout", "1s", "--",
			"sh", "-c", "sleep 1000 & echo bg=$!; exec "+child)
		bgPid := pt.Field(p.WaitForLine("bg="), "bg")
		p.WaitForLine("ready")
		require.True(t, pt.Alive(bgPid))
		p.Signal(syscall.SIGTERM)
		assert.Equal(t, 137, p.Wait())
		assert.Equal(t, "[pidone] main child still running 1s after SIGTERM: sending SIGKILL to its process group\n", p.Stderr())
		assert.False(t, pt.Alive(bgPid), "the background process is gone with the child")
	})
}

func TestStopTimeoutOvertakenByTheChildsExitDoesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode: waits out a 5 s stop timeout")
	}
	t.Parallel()
	// The background process ignores SIGTERM, so the drain waits out its
	// hour of grace while the stop timeout fires; the test then kills it.
	p := pt.Start(t, pt.Options{}, pt.Pidone(t), "-vv", "--grace", "1h", "--stop-timeout", "5s", "--",
		"sh", "-c", `sh -c 'trap "" TERM; echo bg=$$; exec sleep 1000' & exec `+pt.SigChild(t)+" -exit-on TERM=3")
	bgPid := pt.Field(p.WaitForLine("bg="), "bg")
	p.WaitForLine("ready")
	p.Signal(syscall.SIGTERM)
	p.WaitForStderr("main child gone")
	p.WaitForStderr("[pidone] stop timeout over: the main child has exited already\n")
	require.NoError(t, syscall.Kill(bgPid, syscall.SIGKILL))
	assert.Equal(t, 3, p.Wait())
	assert.NotContains(t, p.Stderr(), "still running")
}

func TestRemapExitReportsACodeAsSuccess(t *testing.T) {
	for _, w := range append(bothWays("remap-exit=143"), way{name: "without it"}) {
		t.Run(w.name, func(t *testing.T) {
			t.Parallel()
			p := startPID1(t, w, "sleep", "1000")
			require.Eventually(t, func() bool { return len(pt.ProcessTree(p.Pid())) == 2 }, pt.Patience, pt.Poll)
			p.Signal(syscall.SIGTERM)
			want := 0
			if w.flags == nil && w.env == nil {
				want = 143
			}
			assert.Equal(t, want, p.Wait())
		})
	}
}
