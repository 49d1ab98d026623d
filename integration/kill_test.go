//go:build integration

package integration

import (
	"strings"
	"testing"

	pt "github.com/pidone/pidone/integration/proctest"
	"github.com/stretchr/testify/assert"
)

// commonSignals are the signals people send containers with docker kill -s.
var commonSignals = []string{"TERM", "INT", "HUP", "QUIT", "USR1", "USR2", "WINCH"}

// signalPrinter is a child that traps every common signal, prints "got X"
// for each one it receives, and keeps running.
func signalPrinter() []string {
	var script strings.Builder
	for _, sig := range commonSignals {
		script.WriteString("trap 'echo got " + sig + "' " + sig + "; ")
	}
	script.WriteString("echo ready; while :; do sleep 1; done")
	return []string{"sh", "-c", script.String()}
}

// Scenario 6, docker kill: the engine signals PID 1, pidone, which passes
// each signal to the child exactly as it was sent.
func TestDockerKillReachesTheChild(t *testing.T) {
	t.Parallel()
	c := start(t, withPidone(append([]string{"--"}, signalPrinter()...)...))
	c.WaitForLog("ready")
	for _, sig := range commonSignals {
		c.Kill(sig)
		c.WaitForLog("got " + sig)
	}
	assert.Equal(t, "running", c.State(), "the child handled every signal and runs on")
	assert.Equal(t, len(commonSignals), strings.Count(c.Logs(), "\ngot "), "each signal arrived once:\n%s", c.Logs())
}

// With -r FROM:TO the child gets TO instead, and TO 0 drops the signal.
func TestDockerKillIsRewritten(t *testing.T) {
	t.Parallel()
	c := start(t, withPidone(append([]string{"-vv", "-r", "USR1:HUP", "-r", "WINCH:0", "--"}, signalPrinter()...)...))
	c.WaitForLog("ready")
	c.Kill("USR1")
	c.WaitForLog("got HUP")
	c.Kill("WINCH")
	c.WaitForLog("[pidone] dropping SIGWINCH")
	assert.False(t, pt.HasLine(c.Logs(), "got USR1"), "USR1 was rewritten:\n%s", c.Logs())
	assert.False(t, pt.HasLine(c.Logs(), "got WINCH"), "WINCH was dropped:\n%s", c.Logs())
}
