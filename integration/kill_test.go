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
	c.waitForLog("ready")
	for _, sig := range commonSignals {
		c.kill(sig)
		c.waitForLog("got " + sig)
	}
	assert.Equal(t, "running", c.state(), "the child handled every signal and runs on")
	assert.Equal(t, len(commonSignals), strings.Count(c.logs(), "\ngot "), "each signal arrived once:\n%s", c.logs())
}

// With -r FROM:TO the child gets TO instead, and TO 0 drops the signal.
func TestDockerKillIsRewritten(t *testing.T) {
	t.Parallel()
	c := start(t, withPidone(append([]string{"-vv", "-r", "USR1:HUP", "-r", "WINCH:0", "--"}, signalPrinter()...)...))
	c.waitForLog("ready")
	c.kill("USR1")
	c.waitForLog("got HUP")
	c.kill("WINCH")
	c.waitForLog("[pidone] dropping SIGWINCH")
	assert.False(t, pt.HasLine(c.logs(), "got USR1"), "USR1 was rewritten:\n%s", c.logs())
	assert.False(t, pt.HasLine(c.logs(), "got WINCH"), "WINCH was dropped:\n%s", c.logs())
}
