//go:build integration

package integration

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Scenario 1, the negative control for everything else: `sleep 10000` as
// PID 1 has no SIGTERM handler, so the kernel drops the SIGTERM of
// `docker stop`, which waits out its grace period and sends SIGKILL.
func TestWithoutPidoneDockerStopEndsInSIGKILL(t *testing.T) {
	t.Parallel()
	c := start(t, withoutPidone("sleep", "10000"))
	c.Stop(2)
	assert.Equal(t, 137, c.ExitCode(), "128+SIGKILL: the SIGTERM was ignored")
}

// Scenario 2: with pidone as PID 1 the same SIGTERM reaches sleep, which
// dies of it, and the container exits with sleep's status, 128+SIGTERM.
func TestWithPidoneDockerStopEndsInSIGTERM(t *testing.T) {
	t.Parallel()
	c := start(t, withPidone("--", "sleep", "10000"))
	c.WaitForProcess("sleep")
	// A generous grace period: only a SIGKILL from docker can give 137.
	c.Stop(30)
	assert.Equal(t, 143, c.ExitCode(), "128+SIGTERM: sleep died of the forwarded SIGTERM")
}
