//go:build integration

package integration

import (
	"testing"

	pt "github.com/pidone/pidone/integration/proctest"
	"github.com/stretchr/testify/assert"
)

// Scenario 5: when the main child exits, pidone ends what it left behind,
// even a daemon that escaped into its own session, and the container exits
// on its own with the child's code.
func TestDrainEndsAnEscapedDaemon(t *testing.T) {
	t.Parallel()

	t.Run("a daemon that ignores SIGTERM is killed when the grace period ends", func(t *testing.T) {
		t.Parallel()
		c := start(t, withPidone("-v", "--grace", "2s", "--", "sh", "-c", daemonThenExit7("trap '' TERM")))
		assert.Equal(t, 7, c.ExitCode(), "the main child's code, not the daemon's")
		assert.True(t, pt.HasLine(c.Logs(), "daemon up"), "the daemon ran:\n%s", c.Logs())
		assert.True(t, pt.HasLine(c.Logs(), "[pidone] grace period over, sending SIGKILL to what is left"), "pidone, not docker, killed it:\n%s", c.Logs())
	})

	t.Run("a daemon that ends on SIGTERM ends the drain at once", func(t *testing.T) {
		t.Parallel()
		c := start(t, withPidone("-v", "--grace", "1000s", "--", "sh", "-c", daemonThenExit7("trap 'echo daemon got SIGTERM; exit 0' TERM")))
		assert.Equal(t, 7, c.ExitCode(), "the main child's code, not the daemon's")
		assert.True(t, pt.HasLine(c.Logs(), "daemon got SIGTERM"), "the drain sent it SIGTERM:\n%s", c.Logs())
		assert.NotContains(t, c.Logs(), "grace period over")
	})
}

// daemonThenExit7 is a main child that starts a daemon in a session of its
// own, with trap as its SIGTERM disposition, waits until it runs, and
// exits 7.
func daemonThenExit7(trap string) string {
	daemon := trap + "; echo daemon up; touch /tmp/daemon-up; while :; do sleep 1; done"
	return "setsid sh -c \"" + daemon + "\" & " +
		"while [ ! -e /tmp/daemon-up ]; do sleep 0.1; done; exit 7"
}
