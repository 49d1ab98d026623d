//go:build integration

package integration

import (
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// clientSignals are the signals a user sends an attached `docker run`:
// kill (TERM) and Ctrl-C in its terminal (INT).
var clientSignals = []struct {
	name string
	sig  syscall.Signal
	code int // 128+sig: what sleep, and so the container, exits with
}{
	{"TERM", syscall.SIGTERM, 143},
	{"INT", syscall.SIGINT, 130},
}

// Scenario 6: the attached `docker run` client proxies SIGTERM and SIGINT
// to the container, where they reach PID 1.
func TestSignallingTheAttachedClient(t *testing.T) {
	t.Parallel()
	for _, s := range clientSignals {
		t.Run("without pidone SIG"+s.name+" reaches sleep as PID 1, which ignores it: client and container keep running", func(t *testing.T) {
			t.Parallel()
			c := attach(t, withoutPidone("sh", "-c", "echo ready; exec sleep 10000"))
			c.waitForOutput("ready")
			c.signal(s.sig)
			waitForKillEvent(t, c.container, s.sig)
			assert.True(t, c.running(), "docker run is still attached")
			assert.Equal(t, "running", c.State())
		})

		t.Run("with pidone SIG"+s.name+" stops the container and the client exits "+itoa(s.code), func(t *testing.T) {
			t.Parallel()
			c := attach(t, withPidone("--", "sh", "-c", "echo ready; exec sleep 10000"))
			c.waitForOutput("ready")
			c.signal(s.sig)
			assert.Equal(t, s.code, c.exitCode(), "docker run exits with the container's code")
			assert.Equal(t, s.code, c.container.ExitCode())
		})
	}

	// This client (Docker CLI 28) keeps SIGTERM and SIGINT for itself with
	// --sig-proxy=false: it ends only at the third one, with code 1, and
	// leaves the container running.
	t.Run("with --sig-proxy=false nothing reaches the container", func(t *testing.T) {
		t.Parallel()
		c := attach(t, dockerFlags("--sig-proxy=false"), withPidone("--", "sh", "-c", "echo ready; exec sleep 10000"))
		c.waitForOutput("ready")
		sent := 0
		require.Eventually(t, func() bool {
			if !c.running() {
				return true
			}
			c.signal(syscall.SIGTERM)
			sent++
			return false
		}, patience, 200*time.Millisecond, "the client ends after enough SIGTERMs")
		assert.Equal(t, 1, c.exitCode())
		assert.GreaterOrEqual(t, sent, 3)
		assert.Empty(t, c.container.KillEvents(), "the engine sent the container no signal")
		assert.Equal(t, "running", c.State())
	})
}

// waitForKillEvent waits until the engine reports having sent sig to the
// container: then the proxied signal has been delivered.
func waitForKillEvent(t *testing.T, c *container, sig syscall.Signal) {
	t.Helper()
	require.Eventually(t, func() bool {
		for _, got := range c.KillEvents() {
			if got == itoa(int(sig)) {
				return true
			}
		}
		return false
	}, patience, poll, "the engine never sent signal %d to the container", int(sig))
}
