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
	require.Eventually(c.t, func() bool { return hasLine(c.logs(), line) }, patience, poll,
		"%s never wrote %q; it wrote:\n%s", c.name, line, c.logs())
}

func hasLine(output, line string) bool {
	for _, l := range strings.Split(output, "\n") {
		if strings.TrimRight(l, "\r") == line {
			return true
		}
	}
	return false
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
	// The read builtin, not cat: no process of the reader's own but the
	// shell. The loop ends in true because the last read may fail on a
	// process that ended meanwhile.
	out := c.exec("sh", "-c", `for f in /proc/[0-9]*/stat; do read -r l < $f && echo "$l"; done 2>/dev/null; true`)
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
