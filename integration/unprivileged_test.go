//go:build integration

package integration

import (
	"testing"

	pt "github.com/pidone/pidone/integration/proctest"
	"github.com/stretchr/testify/assert"
)

// unprivileged runs the container as nobody, on a read-only root.
var unprivileged = dockerFlags("--user", "65534:65534", "--read-only")

// Scenario 8: pidone needs no root and writes nothing.
func TestRunsAsNonRootOnAReadOnlyRoot(t *testing.T) {
	t.Parallel()

	t.Run("the child runs as the user docker chose", func(t *testing.T) {
		t.Parallel()
		c := start(t, unprivileged, withPidone("--", "sh", "-c", `echo "uid=$(id -u) gid=$(id -g)"; exit 4`))
		assert.Equal(t, 4, c.ExitCode())
		assert.True(t, pt.HasLine(c.Logs(), "uid=65534 gid=65534"), c.Logs())
	})

	t.Run("docker stop ends it with SIGTERM", func(t *testing.T) {
		t.Parallel()
		c := start(t, unprivileged, withPidone("--", "sleep", "10000"))
		c.WaitForProcess("sleep")
		c.Stop(30)
		assert.Equal(t, 143, c.ExitCode())
	})

	t.Run("a file without the execute bit exits 126", func(t *testing.T) {
		t.Parallel()
		c := start(t, unprivileged, withPidone("--", "/not-executable"))
		assert.Equal(t, 126, c.ExitCode())
		assert.False(t, pt.HasLine(c.Logs(), "this must not run"))
		assert.Contains(t, c.Logs(), "[pidone] cannot run /not-executable")
	})

	t.Run("a missing command exits 127", func(t *testing.T) {
		t.Parallel()
		c := start(t, unprivileged, withPidone("--", "no-such-command"))
		assert.Equal(t, 127, c.ExitCode())
		assert.Contains(t, c.Logs(), "[pidone] cannot run no-such-command")
	})
}
