//go:build integration

package integration

import (
	"os/exec"
	"strings"
	"testing"

	pt "github.com/pidone/pidone/integration/proctest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 7: PIDONE_STOP_DELAY holds docker stop's SIGTERM while other
// signals pass, then forwards it, and the container exits with the child's
// own code, well inside docker's grace period.
func TestStopDelayHoldsDockerStopsSIGTERM(t *testing.T) {
	t.Parallel()
	// The child writes "got TERM" to stderr, the stream pidone logs to:
	// docker copies stdout and stderr separately, so only lines of one
	// stream keep the order they were written in.
	script := `trap "echo got USR1" USR1; trap "echo got TERM >&2; exit 42" TERM; echo ready; while :; do sleep 0.1; done`

	t.Run("with PIDONE_STOP_DELAY the child sees SIGUSR1 sent during the delay before SIGTERM", func(t *testing.T) {
		t.Parallel()
		c := start(t, dockerFlags("-e", "PIDONE_STOP_DELAY=1h", "-e", "PIDONE_VERBOSE=1"), withPidone("--", "sh", "-c", script))
		c.WaitForLog("ready")
		stop := exec.Command("docker", "stop", "-t", "3600", c.Name)
		require.NoError(t, stop.Start())
		t.Cleanup(func() { _ = stop.Wait() })

		c.WaitForLog("[pidone] SIGTERM received: forwarding it in 3600s")
		c.Kill("USR1")
		c.WaitForLog("got USR1")
		assert.False(t, pt.HasLine(c.Logs(), "got TERM"), "SIGTERM is held for the whole delay")

		// A second SIGTERM cuts the delay short: the child exits its own way.
		c.Kill("TERM")
		assert.Equal(t, 42, c.ExitCode())
		assert.True(t, pt.HasLine(c.Logs(), "got TERM"))
	})
	t.Run("docker stop -t 10 with PIDONE_STOP_DELAY=2s: SIGTERM follows the delay's end", func(t *testing.T) {
		t.Parallel()
		c := start(t, dockerFlags("-e", "PIDONE_STOP_DELAY=2s", "-e", "PIDONE_VERBOSE=1"), withPidone("--", "sh", "-c", script))
		c.WaitForLog("ready")
		c.Stop(10)
		assert.Equal(t, 42, c.ExitCode(), "the child's own code, not docker's SIGKILL")
		logs := c.Logs()
		require.Contains(t, logs, "[pidone] stop delay over: forwarding SIGTERM")
		require.True(t, pt.HasLine(logs, "got TERM"))
		assert.Less(t, strings.Index(logs, "[pidone] stop delay over: forwarding SIGTERM"), strings.Index(logs, "\ngot TERM"))
		assert.NotContains(t, logs, "still running", "no SIGKILL was needed")
	})
	t.Run("without it SIGTERM goes through at once", func(t *testing.T) {
		t.Parallel()
		c := start(t, dockerFlags("-e", "PIDONE_VERBOSE=1"), withPidone("--", "sh", "-c", script))
		c.WaitForLog("ready")
		c.Stop(3600)
		assert.Equal(t, 42, c.ExitCode())
		assert.NotContains(t, c.Logs(), "forwarding it in")
	})
}
