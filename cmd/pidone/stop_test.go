package main_test

import (
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pt "github.com/pidone/pidone/integration/proctest"
)

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

// count counts the lines of out that equal line.
func count(out []string, line string) int {
	n := 0
	for _, l := range out {
		if l == line {
			n++
		}
	}
	return n
}

func TestStopDelayHoldsTheStopSignal(t *testing.T) {
	child := pt.SigChild(t)
	t.Run("without a delay, SIGTERM reaches the child at once", func(t *testing.T) {
		p := startPID1(t, way{}, child, "-exit-on", "USR1=0")
		p.WaitForLine("ready")
		p.Signal(syscall.SIGTERM)
		p.WaitForLine("signal SIGTERM")
		p.Signal(syscall.SIGUSR1)
		assert.Equal(t, 0, p.Wait())
	})
	for _, w := range bothWays("stop-delay=1h") {
		t.Run(w.name+", other signals go first and a second SIGTERM cuts the delay short", func(t *testing.T) {
			t.Parallel()
			p := startPID1(t, w, child, "-exit-on", "TERM=3")
			p.WaitForLine("ready")
			p.Signal(syscall.SIGTERM)
			p.WaitForStderr("[pidone] SIGTERM received: forwarding it in 3600s\n")
			p.Signal(syscall.SIGUSR1)
			p.WaitForLine("signal SIGUSR1")
			assert.NotContains(t, p.Stdout(), "signal SIGTERM", "SIGTERM is held for an hour")

			p.Signal(syscall.SIGTERM)
			assert.Equal(t, 3, p.Wait())
			assert.Contains(t, p.Stderr(), "[pidone] second SIGTERM: forwarding it now\n")
			assert.Equal(t, 1, count(p.Stdout(), "signal SIGTERM"), "the two SIGTERMs go out as one")
		})
	}
	for _, w := range bothWays("stop-delay=100ms") {
		t.Run(w.name+", the delay ends by itself", func(t *testing.T) {
			t.Parallel()
			p := startPID1(t, w, child, "-exit-on", "TERM=3")
			p.WaitForLine("ready")
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
	p := startPID1(t, way{flags: []string{"--stop-delay", "10s"}}, pt.SigChild(t), "-exit-on", "USR1=4")
	p.WaitForLine("ready")
	p.Signal(syscall.SIGTERM)
	p.WaitForStderr("SIGTERM received")
	p.Signal(syscall.SIGTERM)
	p.WaitForLine("signal SIGTERM")
	p.WaitForStderr("[pidone] stop delay over: nothing held any more\n")
	p.Signal(syscall.SIGUSR1)
	assert.Equal(t, 4, p.Wait())
	assert.Equal(t, 1, count(p.Stdout(), "signal SIGTERM"), "the timer must not forward SIGTERM again")
}

func TestChildExitingDuringTheDelayEndsPidoneAsUsual(t *testing.T) {
	t.Parallel()
	child := pt.SigChild(t)
	p := startPID1(t, way{flags: []string{"-c", "--stop-delay", "1h"}},
		"sh", "-c", "sleep 1000 & exec "+child+" -exit-on USR1=5")
	p.WaitForLine("ready")
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
			p := startPID1(t, w, child, "-exit-on", "INT=5")
			p.WaitForLine("ready")
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
	p := startPID1(t, way{flags: []string{"-r", "TERM:QUIT", "--stop-delay", "100ms"}}, pt.SigChild(t), "-exit-on", "QUIT=6")
	p.WaitForLine("ready")
	p.Signal(syscall.SIGTERM)
	assert.Equal(t, 6, p.Wait())
	assert.Contains(t, p.Stderr(), "[pidone] stop delay over: forwarding SIGTERM\n")
	assert.NotContains(t, p.Stdout(), "signal SIGTERM")
}

func TestStopTimeoutKillsAChildThatIgnoresTheStopSignal(t *testing.T) {
	child := pt.SigChild(t)
	t.Run("without a stop timeout, the child outlives SIGTERM", func(t *testing.T) {
		t.Parallel()
		p := startPID1(t, way{}, child, "-exit-on", "USR1=0")
		p.WaitForLine("ready")
		p.Signal(syscall.SIGTERM)
		p.WaitForLine("signal SIGTERM")
		p.Signal(syscall.SIGUSR1)
		assert.Equal(t, 0, p.Wait(), "the child was still there to get SIGUSR1")
	})
	for _, w := range bothWays("stop-timeout=1s") {
		t.Run(w.name+", as PID 1 every process gets SIGKILL: 137", func(t *testing.T) {
			t.Parallel()
			p := startPID1(t, w, "sh", "-c", "sleep 1000 & exec "+child)
			p.WaitForLine("ready")
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
