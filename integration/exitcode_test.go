//go:build integration

package integration

import (
	"testing"

	pt "github.com/pidone/pidone/integration/proctest"
	"github.com/stretchr/testify/assert"
)

// Scenario 3: a child that handles SIGTERM decides the container's exit
// code: pidone passes the SIGTERM of `docker stop` on and then exits with
// whatever the child exited with.
func TestContainerExitsWithTheCodeOfAChildThatHandlesSIGTERM(t *testing.T) {
	t.Parallel()
	for _, code := range []string{"0", "3"} {
		t.Run("child exits "+code+" on SIGTERM", func(t *testing.T) {
			t.Parallel()
			script := "trap 'echo stopping; exit " + code + "' TERM; echo ready; while :; do sleep 1; done"
			c := start(t, withPidone("--", "sh", "-c", script))
			c.WaitForLog("ready")
			c.Stop(30)
			assert.Equal(t, code, itoa(c.ExitCode()))
			assert.True(t, pt.HasLine(c.Logs(), "stopping"), "the child's trap ran")
		})
	}
}

// The code a child exits with on its own passes through unchanged.
func TestContainerExitsWithTheCodeOfAChildThatEnds(t *testing.T) {
	t.Parallel()
	c := start(t, withPidone("--", "sh", "-c", "exit 7"))
	assert.Equal(t, 7, c.ExitCode())
}
