//go:build engines

package engines

import (
	"strconv"
	"strings"
	"testing"

	"github.com/pidone/pidone/integration/enginetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// engine is a container engine's client, as a user runs it: docker with
// the suite's daemon socket, podman with the suite's configuration.
type engine struct {
	enginetest.Client
	name string
	// unavailable is why the engine cannot run here, and broken why the
	// suite could not prepare it (its image did not build): the first
	// skips the engine's tests, the second fails them.
	unavailable string
	broken      string
	// withInit puts the engine's init, pidone, in front of a run's
	// flags, image and command.
	withInit func(args ...string) []string
	// initArgv0 is the path the engine runs its init as, and initVersion
	// what the tool of that name says to --version.
	initArgv0, initVersion string
}

// inBoth runs a test in each engine, with its init.
func inBoth(t *testing.T, test func(t *testing.T, e *engine)) {
	for _, e := range []*engine{docker, podman} {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			test(t, e)
		})
	}
}

// The control: the init the engine starts is this pidone, under the name
// the engine gives it, and it answers as the tool of that name would.
func TestInitIsPidone(t *testing.T) {
	inBoth(t, func(t *testing.T, e *engine) {
		argv0, versionLine := initOf(t, e, e.withInit())
		assert.Equal(t, e.initArgv0, argv0)
		assert.Equal(t, e.initVersion+" ("+version+")", versionLine)
	})
}

// initOf runs `sh` in a container with the given init flags and returns
// PID 1's argv[0], having checked that sh is its command, and what PID 1's
// file says to --version.
func initOf(t *testing.T, e *engine, initFlags []string) (argv0, versionLine string) {
	t.Helper()
	stdout, stderr, code := e.run(t, append(initFlags, image, "sh", "-c",
		`tr '\0' ' ' </proc/1/cmdline; echo; "$(tr '\0' '\n' </proc/1/cmdline | head -n 1)" --version`)...)
	require.Zero(t, code, stderr)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	require.Len(t, lines, 2, stdout)
	argv0, rest, _ := strings.Cut(lines[0], " ")
	assert.True(t, strings.HasPrefix(rest, "-- sh -c "), "PID 1 runs the command: %s", lines[0])
	return argv0, lines[1]
}

// docker stop or podman stop on `sleep 10000` ends with the SIGTERM
// pidone passes on (143), not with the engine's SIGKILL after the
// timeout (137).
func TestStopEndsSleepWith143(t *testing.T) {
	inBoth(t, func(t *testing.T, e *engine) {
		c := e.start(t, e.withInit(image, "sleep", "10000")...)
		c.WaitForProcess("sleep")
		c.Stop(30)
		assert.Equal(t, 143, c.ExitCode())
	})
}

func TestExitCodesPassThrough(t *testing.T) {
	inBoth(t, func(t *testing.T, e *engine) {
		for _, tc := range []struct {
			script string
			code   int
		}{
			{"exit 3", 3},
			{"kill -9 $$", 137},
			{"exit 0", 0},
		} {
			_, stderr, code := e.run(t, e.withInit(image, "sh", "-c", tc.script)...)
			assert.Equal(t, tc.code, code, "%s: %s", tc.script, stderr)
		}
	})
}

func TestOrphansAreReaped(t *testing.T) {
	inBoth(t, func(t *testing.T, e *engine) {
		c := e.start(t, e.withInit(append([]string{image}, orphanMaker...)...)...)
		releaseOrphans(t, c)
		c.Stop(30)
		assert.Equal(t, 143, c.ExitCode())
	})
}

// need skips a test whose engine cannot run here, and fails one whose
// engine the suite could not prepare.
func (e *engine) need(t *testing.T) {
	t.Helper()
	if e.unavailable != "" {
		t.Skip(e.name + ": " + e.unavailable)
	}
	if e.broken != "" {
		t.Fatal(e.name + ": " + e.broken)
	}
}

// run is a foreground `run --rm` without a network: the client's exit
// code is the container's.
func (e *engine) run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	e.need(t)
	return e.Try(append([]string{"run", "--rm", "--network", "none"}, args...)...)
}

// container is one detached container of a test, removed when it ends.
type container = enginetest.Container

// start runs a detached container without a network; args are run's
// flags, the image and the command.
func (e *engine) start(t *testing.T, args ...string) *container {
	t.Helper()
	e.need(t)
	return e.Start(t, args...)
}

// orphans is how many orphans the orphan maker leaves.
const orphans = 50

// orphanMaker starts orphans that each wait at a gate (a FIFO) and exit
// when it opens, long after their parent has gone; then it says so and
// becomes `sleep 10000`. The gate's one writer is an orphan too, a sleep
// that holds it open: each cat's open returns at once, and the cats read
// until the holder ends.
var orphanMaker = []string{"sh", "-c", `
	mkfifo /tmp/gate
	( (exec sleep 100000 3<>/tmp/gate) & echo $! >/tmp/gate-holder )
	i=0
	while [ $i -lt ` + strconv.Itoa(orphans) + ` ]; do (cat /tmp/gate >/dev/null &); i=$((i+1)); done
	echo orphans started
	exec sleep 10000`}

// releaseOrphans waits until every orphan has the gate open, ends its
// holder, and waits until every orphan has exited and been reaped. A cat
// that had not opened the gate yet when the holder ended would wait for a
// writer for ever, so the test counts the open descriptors, not the cats.
func releaseOrphans(t *testing.T, c *container) {
	t.Helper()
	c.WaitForLog("orphans started")
	openAtGate := func() int {
		out := c.Exec("sh", "-c", `ls -l /proc/[0-9]*/fd/ 2>/dev/null | grep -c ' /tmp/gate$'; true`)
		n, _ := strconv.Atoi(strings.TrimSpace(out))
		return n
	}
	require.Eventually(t, func() bool { return openAtGate() == orphans+1 }, patience, poll,
		"not every orphan reached the gate: %d of %d open, processes %v", openAtGate()-1, orphans, c.Processes())
	c.Exec("sh", "-c", `kill "$(cat /tmp/gate-holder)"`)
	require.Eventually(t, func() bool {
		procs := c.Processes()
		return procs.Count("cat") == 0 && procs.Zombies() == 0
	}, patience, poll, "orphans left behind: %v", c.Processes())
}
