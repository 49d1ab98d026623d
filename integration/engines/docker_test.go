//go:build engines

package engines

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// withInit is `docker run --init` on the suite's image: the daemon's
// init-path, pidone, runs as /sbin/docker-init -- COMMAND.
func withInit(args ...string) []string {
	return append([]string{"--init"}, args...)
}

// The control: the init of `docker run --init` is this pidone, under the
// name Docker gives it, and it says so as tini would.
func TestDockerInitIsPidone(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := docker.run(t, withInit(image, "sh", "-c",
		`tr '\0' ' ' </proc/1/cmdline; echo; /sbin/docker-init --version`)...)
	require.Zero(t, code, stderr)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	require.Len(t, lines, 2, stdout)
	assert.True(t, strings.HasPrefix(lines[0], "/sbin/docker-init -- sh -c "), lines[0])
	assert.Equal(t, "tini version 0.19.0 ("+version+")", lines[1])
}

// docker stop on `sleep 10000` ends with the SIGTERM pidone passes on,
// not with Docker's SIGKILL after the timeout.
func TestDockerStopEndsSleepWith143(t *testing.T) {
	t.Parallel()
	c := docker.start(t, withInit(image, "sleep", "10000")...)
	waitForProcess(t, c, "sleep")
	c.stop(30)
	assert.Equal(t, 143, c.exitCode())
	assert.Equal(t, []string{"15"}, killSignals(t, c), "Docker sent only the stop signal")
}

func TestDockerExitCodesPassThrough(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		script string
		code   int
	}{
		{"exit 3", 3},
		{"kill -9 $$", 137},
		{"exit 0", 0},
	} {
		_, stderr, code := docker.run(t, withInit(image, "sh", "-c", tc.script)...)
		assert.Equal(t, tc.code, code, "%s: %s", tc.script, stderr)
	}
}

func TestDockerOrphansAreReaped(t *testing.T) {
	t.Parallel()
	c := docker.start(t, withInit(append([]string{image}, orphanMaker...)...)...)
	releaseOrphans(t, c)
	c.stop(30)
	assert.Equal(t, 143, c.exitCode())
}

// PIDONE_STOP_TIMEOUT works under the name docker-init too: a child that
// ignores SIGTERM is killed by pidone after the timeout, long before
// Docker's own (-t 60) would.
func TestDockerStopTimeoutUnderDockerInit(t *testing.T) {
	t.Parallel()
	c := docker.start(t, withInit("-e", "PIDONE_STOP_TIMEOUT=1s",
		image, "sh", "-c", `trap "" TERM; echo ready; while :; do sleep 1; done`)...)
	c.waitForLog("ready")
	c.stop(60)
	assert.Equal(t, 137, c.exitCode())
	assert.Equal(t, []string{"15"}, killSignals(t, c), "the SIGKILL was pidone's, not Docker's")
	assert.Contains(t, c.logs(), "[tini] ", "pidone said why, in one line under tini's name")
}

// Under a pids limit with room for pidone's threads and the command, the
// command runs as without a limit.
func TestDockerPidsLimitWithRoom(t *testing.T) {
	t.Parallel()
	_, stderr, code := docker.run(t, withInit("--pids-limit", "16", image, "sh", "-c", "exit 3")...)
	assert.Equal(t, 3, code, stderr)
	assert.Empty(t, stderr)
}

func TestDockerReadOnlyNonRoot(t *testing.T) {
	t.Parallel()
	flags := []string{"--read-only", "--user", "65534:65534"}
	stdout, stderr, code := docker.run(t, withInit(append(flags,
		image, "sh", "-c", `id -u; touch /x 2>/dev/null || echo read-only; exit 6`)...)...)
	assert.Equal(t, 6, code, stderr)
	assert.Equal(t, "65534\nread-only\n", stdout)

	c := docker.start(t, withInit(append(flags, image, "sleep", "10000")...)...)
	waitForProcess(t, c, "sleep")
	c.stop(30)
	assert.Equal(t, 143, c.exitCode())
}

// With -t the command has the terminal, and docker stop still reaches it.
func TestDockerTerminal(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := docker.run(t, withInit("-t", image, "sh", "-c",
		`test -t 0 && test -t 1 && echo on a terminal; exit 4`)...)
	assert.Equal(t, 4, code, stderr)
	assert.True(t, hasLine(stdout, "on a terminal"), stdout)

	c := docker.start(t, withInit("-t", image, "sleep", "10000")...)
	waitForProcess(t, c, "sleep")
	c.stop(30)
	assert.Equal(t, 143, c.exitCode())
}

// waitAllScript is a main child that leaves a background process waiting
// at a gate and exits 5; the background process says so when it ends on
// its own. The main child prints its pid first.
const waitAllScript = `mkfifo /tmp/gate
(cat /tmp/gate >/dev/null; echo background finished) &
echo main $$
exit 5`

// PIDONE_WAIT_ALL under docker-init: the container runs on after the main
// child exits, until the background process ends by itself, and exits
// with the main child's code; docker stop meanwhile drains what is left.
func TestDockerWaitAll(t *testing.T) {
	t.Parallel()
	waitingContainer := func(t *testing.T, env ...string) *container {
		c := docker.start(t, withInit(append(env, image, "sh", "-c", waitAllScript)...)...)
		mainPid := ""
		require.Eventually(t, func() bool {
			for _, line := range strings.Split(c.logs(), "\n") {
				if pid, ok := strings.CutPrefix(line, "main "); ok {
					mainPid = pid
				}
			}
			return mainPid != ""
		}, patience, poll, "the main child never started: %s", c.logs())
		// Until its parent, pidone, has reaped it, the main child stays in
		// the table as a zombie.
		require.Eventually(t, func() bool { _, ok := c.processes()[mainPid]; return !ok }, patience, poll,
			"the main child %s was never reaped: %v", mainPid, c.processes())
		return c
	}
	t.Run("the container ends when the rest does", func(t *testing.T) {
		c := waitingContainer(t, "-e", "PIDONE_WAIT_ALL=1")
		assert.Equal(t, 1, count(c.processes(), "cat"), "the background process runs on")
		c.exec("sh", "-c", "echo open > /tmp/gate")
		assert.Equal(t, 5, c.exitCode())
		assert.True(t, hasLine(c.logs(), "background finished"), c.logs())
	})
	t.Run("docker stop during the wait drains", func(t *testing.T) {
		c := waitingContainer(t, "-e", "PIDONE_WAIT_ALL=1")
		c.stop(30)
		assert.Equal(t, 5, c.exitCode())
		assert.False(t, hasLine(c.logs(), "background finished"), c.logs())
	})
	t.Run("without it the rest is drained at once", func(t *testing.T) {
		c := docker.start(t, withInit(image, "sh", "-c", waitAllScript)...)
		assert.Equal(t, 5, c.exitCode())
		assert.False(t, hasLine(c.logs(), "background finished"), c.logs())
	})
}

// waitForProcess waits until a process named name runs in the container,
// so that a stop signal finds the command started.
func waitForProcess(t *testing.T, c *container, name string) {
	t.Helper()
	require.Eventually(t, func() bool { return count(c.processes(), name) > 0 }, patience, poll,
		"no %s in %v", name, c.processes())
}

// killSignals lists the signals the daemon has sent the container so far,
// as numbers, from its events.
func killSignals(t *testing.T, c *container) []string {
	t.Helper()
	now := time.Now()
	out := c.e.must(t, "events", "--since", "10m", "--until", fmt.Sprintf("%d.%09d", now.Unix(), now.Nanosecond()),
		"--filter", "container="+c.name, "--filter", "event=kill", "--format", "{{.Actor.Attributes.signal}}")
	return strings.Fields(out)
}
