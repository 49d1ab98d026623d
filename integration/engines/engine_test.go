//go:build engines

package engines

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	pt "github.com/pidone/pidone/integration/proctest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// engine is a container engine's client, as a user runs it: docker with
// the suite's daemon socket, podman with the suite's configuration.
type engine struct {
	name string
	argv []string // the client and its global flags
	env  []string // added to the client's environment
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
		waitForProcess(t, c, "sleep")
		c.stop(30)
		assert.Equal(t, 143, c.exitCode())
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
		c.stop(30)
		assert.Equal(t, 143, c.exitCode())
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

func (e *engine) command(args ...string) *exec.Cmd {
	cmd := exec.Command(e.argv[0], append(append([]string{}, e.argv[1:]...), args...)...)
	cmd.Env = append(os.Environ(), e.env...)
	return cmd
}

// try runs a client command and returns its stdout, stderr and exit code.
func (e *engine) try(args ...string) (stdout, stderr string, code int) {
	var out, errs bytes.Buffer
	cmd := e.command(args...)
	cmd.Stdout, cmd.Stderr = &out, &errs
	err := cmd.Run()
	code = 0
	if err != nil {
		code = -1
		if exit, ok := err.(*exec.ExitError); ok {
			code = exit.ExitCode()
		}
	}
	return out.String(), errs.String(), code
}

// must runs a client command that must succeed, and returns its stdout.
func (e *engine) must(t *testing.T, args ...string) string {
	t.Helper()
	stdout, stderr, code := e.try(args...)
	require.Zero(t, code, "%s %s: %s", e.name, strings.Join(args, " "), stderr)
	return stdout
}

// run is a foreground `run --rm` without a network: the client's exit
// code is the container's.
func (e *engine) run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	e.need(t)
	return e.try(append([]string{"run", "--rm", "--network", "none"}, args...)...)
}

var containers atomic.Int64

// uniqueName names a container or pod after its test, unique on the machine.
func uniqueName(t *testing.T) string {
	base := strings.ToLower(regexp.MustCompile(`[^a-zA-Z0-9_.-]+`).ReplaceAllString(t.Name(), "-"))
	if len(base) > 60 {
		base = base[:60]
	}
	return fmt.Sprintf("pidone-engines-%s-%d-%d", base, os.Getpid(), containers.Add(1))
}

// container is one detached container of a test, removed when it ends.
type container struct {
	t    *testing.T
	e    *engine
	name string
}

// start runs a detached container without a network; args are run's
// flags, the image and the command.
func (e *engine) start(t *testing.T, args ...string) *container {
	t.Helper()
	e.need(t)
	c := &container{t: t, e: e, name: uniqueName(t)}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("%s logs %s:\n%s", e.name, c.name, c.logs())
		}
		e.try("rm", "-f", c.name)
	})
	e.must(t, append([]string{"run", "-d", "--network", "none", "--name", c.name}, args...)...)
	return c
}

// logs is everything the container wrote, stdout and stderr together.
func (c *container) logs() string {
	out, _ := c.e.command("logs", c.name).CombinedOutput()
	return string(out)
}

func (c *container) waitForLog(line string) {
	c.t.Helper()
	require.Eventually(c.t, func() bool { return pt.HasLine(c.logs(), line) }, patience, poll,
		"%s never wrote %q; it wrote:\n%s", c.name, line, c.logs())
}

func (c *container) inspect(format string) string {
	c.t.Helper()
	return strings.TrimSpace(c.e.must(c.t, "inspect", "-f", format, c.name))
}

// exitCode waits until the container has exited and returns its code.
func (c *container) exitCode() int {
	c.t.Helper()
	require.Eventually(c.t, func() bool { return c.inspect("{{.State.Status}}") == "exited" }, patience, poll,
		"%s did not exit; it wrote:\n%s", c.name, c.logs())
	code, err := strconv.Atoi(c.inspect("{{.State.ExitCode}}"))
	require.NoError(c.t, err)
	return code
}

// stop is `stop -t grace`: the stop signal, and SIGKILL after grace
// seconds if the container still runs. It returns when the container has
// stopped.
func (c *container) stop(grace int) {
	c.t.Helper()
	c.e.must(c.t, "stop", "-t", strconv.Itoa(grace), c.name)
}

// exec runs a command in the running container and returns its stdout.
func (c *container) exec(command ...string) string {
	c.t.Helper()
	return c.e.must(c.t, append([]string{"exec", c.name}, command...)...)
}

// processes is the container's process table, read from inside it: each
// process's command name and state letter ("cat Z"), by pid.
func (c *container) processes() map[string]string {
	c.t.Helper()
	// One grep over every stat file: it lists itself, but no cat, and no
	// zombie. A process that ends between the glob and the read is not
	// listed, which is no failure of the listing.
	out := c.exec("sh", "-c", `grep -h "" /proc/[0-9]*/stat 2>/dev/null; true`)
	return parseStat(out)
}

// parseStat reads lines of /proc/PID/stat into name and state by pid.
func parseStat(out string) map[string]string {
	procs := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		open, end := strings.IndexByte(line, '('), strings.LastIndexByte(line, ')')
		if open < 0 || end < open || end+3 > len(line) {
			continue
		}
		procs[strings.TrimSpace(line[:open])] = line[open+1:end] + " " + line[end+2:end+3]
	}
	return procs
}

// waitForProcess waits until a process named name runs in the container,
// so that a stop signal finds the command started.
func waitForProcess(t *testing.T, c *container, name string) {
	t.Helper()
	require.Eventually(t, func() bool { return count(c.processes(), name) > 0 }, patience, poll,
		"no %s in %v", name, c.processes())
}

// count is how many processes are named name (any state), and zombies how
// many are zombies.
func count(procs map[string]string, name string) int {
	n := 0
	for _, p := range procs {
		if strings.HasPrefix(p, name+" ") {
			n++
		}
	}
	return n
}

func zombies(procs map[string]string) int {
	n := 0
	for _, p := range procs {
		if strings.HasSuffix(p, " Z") {
			n++
		}
	}
	return n
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
	c.waitForLog("orphans started")
	openAtGate := func() int {
		out := c.exec("sh", "-c", `ls -l /proc/[0-9]*/fd/ 2>/dev/null | grep -c ' /tmp/gate$'; true`)
		n, _ := strconv.Atoi(strings.TrimSpace(out))
		return n
	}
	require.Eventually(t, func() bool { return openAtGate() == orphans+1 }, patience, poll,
		"not every orphan reached the gate: %d of %d open, processes %v", openAtGate()-1, orphans, c.processes())
	c.exec("sh", "-c", `kill "$(cat /tmp/gate-holder)"`)
	require.Eventually(t, func() bool {
		procs := c.processes()
		return count(procs, "cat") == 0 && zombies(procs) == 0
	}, patience, poll, "orphans left behind: %v", c.processes())
}
