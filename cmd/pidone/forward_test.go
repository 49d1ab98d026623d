package main_test

import (
	"strconv"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pt "github.com/pidone/pidone/integration/proctest"
)

// startPair runs, under pidone with flags, a shell that starts a sigchild
// tagged "bg" in the background, in the child's process group, and then
// becomes a sigchild tagged "main"; both exit 0 on SIGTERM. It returns
// pidone and the pids of both.
func startPair(t *testing.T, flags ...string) (p *pt.Process, mainPid, bgPid int) {
	child := pt.SigChild(t)
	argv := append([]string{pt.Pidone(t)}, flags...)
	argv = append(argv, "--", "sh", "-c", child+" -tag bg -exit-on TERM=0 & exec "+child+" -tag main -exit-on TERM=0")
	p = pt.Start(t, pt.Options{}, argv...)
	mainPid = pt.Field(p.WaitForLine("main ready"), "pid")
	bgPid = pt.Field(p.WaitForLine("bg ready"), "pid")
	return p, mainPid, bgPid
}

// seenBefore reports whether line appears in out before barrier does.
func seenBefore(out []string, line, barrier string) bool {
	for _, l := range out {
		switch l {
		case line:
			return true
		case barrier:
			return false
		}
	}
	return false
}

func TestForwardsSignalsToTheChildsProcessGroup(t *testing.T) {
	p, _, _ := startPair(t)
	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGUSR1,
		syscall.SIGUSR2, syscall.SIGWINCH, syscall.SIGCONT, syscall.SIGALRM, syscall.Signal(40)} {
		p.Signal(sig)
		name := signalName(sig)
		p.WaitForLine("main signal " + name)
		p.WaitForLine("bg signal " + name)
	}
	p.Signal(syscall.SIGTERM)
	p.WaitForLine("bg signal SIGTERM")
	assert.Equal(t, 0, p.Wait(), "the main child exits 0 on SIGTERM")
}

func TestSingleChildForwardsToTheChildAlone(t *testing.T) {
	p, _, bgPid := startPair(t, "-c")
	p.Signal(syscall.SIGUSR1)
	p.WaitForLine("main signal SIGUSR1")

	// A signal sent to the background process directly is the barrier:
	// had pidone sent it SIGUSR1, it would have said so first.
	require.NoError(t, syscall.Kill(bgPid, syscall.SIGUSR2))
	p.WaitForLine("bg signal SIGUSR2")
	assert.False(t, seenBefore(p.Stdout(), "bg signal SIGUSR1", "bg signal SIGUSR2"),
		"with -c the rest of the group must not get forwarded signals")
}

func TestRewritesSignalsBeforeForwarding(t *testing.T) {
	child := pt.SigChild(t)
	p := pt.Start(t, pt.Options{}, pt.Pidone(t), "-r", "USR1:USR2", "--rewrite=HUP:0", "-r", "28:TERM", "--", child, "-exit-on", "TERM=0")
	p.WaitForLine("ready")

	p.Signal(syscall.SIGUSR1)
	p.WaitForLine("signal SIGUSR2")
	p.Signal(syscall.SIGHUP)
	p.Signal(syscall.SIGINT) // the barrier for the dropped SIGHUP
	p.WaitForLine("signal SIGINT")
	p.Signal(syscall.SIGWINCH)
	assert.Equal(t, 0, p.Wait(), "SIGWINCH (28) rewritten to SIGTERM makes the child exit 0")

	assert.NotContains(t, p.Stdout(), "signal SIGUSR1", "USR1 is forwarded as USR2")
	assert.NotContains(t, p.Stdout(), "signal SIGHUP", "HUP:0 drops SIGHUP")
	assert.NotContains(t, p.Stdout(), "signal SIGWINCH")
}

func TestForwardsEverySIGURGSentToPidone(t *testing.T) {
	// pidone's runtime has its asynchronous preemption off, so a SIGURG
	// pidone receives is never its runtime's own, and goes on like any
	// other signal: dumb-init's and tini's children wait for it.
	p := pt.Start(t, pt.Options{}, pt.Pidone(t), "--", pt.SigChild(t))
	p.WaitForLine("ready")
	const sent = 20
	for n := 1; n <= sent; n++ {
		p.Signal(syscall.SIGURG)
		waitForSignalCount(t, p, "SIGURG", n)
	}
	p.Signal(syscall.SIGUSR1)
	p.WaitForLine("signal SIGUSR1")
	assert.Equal(t, sent, countOf(p.Stdout(), "signal SIGURG"), "one SIGURG for each sent")
}

func TestTheShippedBuildsRuntimeSendsItselfNoSIGURG(t *testing.T) {
	// The probe is a Go program built as pidone ships, which reports
	// every signal it receives while it keeps a CPU busy. If the build's
	// GODEBUG default stopped reaching the runtime, pidone would forward
	// its runtime's preemption SIGURGs to the child.
	probe := func(env ...string) []string {
		p := pt.Start(t, pt.Options{Env: env}, pt.SigChild(t), "-spin", "1s")
		p.WaitForLine("ready")
		p.Signal(syscall.SIGUSR1) // a barrier: every signal before it has been reported
		p.WaitForLine("signal SIGUSR1")
		return p.Stdout()
	}
	t.Run("control: with preemption turned back on, the runtime sends itself SIGURGs", func(t *testing.T) {
		assert.Contains(t, probe("GODEBUG=asyncpreemptoff=0"), "signal SIGURG",
			"the probe cannot see the runtime's SIGURGs, so the check below would prove nothing")
	})
	t.Run("as built, it sends none", func(t *testing.T) {
		assert.NotContains(t, probe(), "signal SIGURG")
	})
}

func signalName(sig syscall.Signal) string {
	names := map[syscall.Signal]string{syscall.SIGHUP: "SIGHUP", syscall.SIGINT: "SIGINT", syscall.SIGQUIT: "SIGQUIT",
		syscall.SIGUSR1: "SIGUSR1", syscall.SIGUSR2: "SIGUSR2", syscall.SIGWINCH: "SIGWINCH", syscall.SIGCONT: "SIGCONT",
		syscall.SIGALRM: "SIGALRM"}
	if name, ok := names[sig]; ok {
		return name
	}
	return "SIGRTMIN+" + strconv.Itoa(int(sig)-34)
}
