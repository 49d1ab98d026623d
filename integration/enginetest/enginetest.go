// Package enginetest drives a container engine's client as a user types it
// (docker, docker on a daemon of a suite's own, podman), for the suites
// that run pidone in containers: a test's containers are removed when it ends.
package enginetest

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
	"time"

	"github.com/stretchr/testify/require"

	pt "github.com/pidone/pidone/integration/proctest"
)

// Client is an engine's command line.
type Client struct {
	Argv   []string // the client and its global flags
	Env    []string // added to the environment of every client command
	Prefix string   // begins every container's name, to tell a suite's own
}

// Command is a client command, not yet started.
func (e *Client) Command(args ...string) *exec.Cmd {
	cmd := exec.Command(e.Argv[0], append(append([]string{}, e.Argv[1:]...), args...)...)
	cmd.Env = append(os.Environ(), e.Env...)
	return cmd
}

// Try runs a client command and returns its stdout, stderr and exit code
// (-1 when it could not run at all).
func (e *Client) Try(args ...string) (stdout, stderr string, code int) {
	var out, errs bytes.Buffer
	cmd := e.Command(args...)
	cmd.Stdout, cmd.Stderr = &out, &errs
	if err := cmd.Run(); err != nil {
		code = -1
		if exit, ok := err.(*exec.ExitError); ok {
			code = exit.ExitCode()
		}
	}
	return out.String(), errs.String(), code
}

// Must runs a client command that must succeed, and returns its stdout.
func (e *Client) Must(t testing.TB, args ...string) string {
	t.Helper()
	stdout, stderr, code := e.Try(args...)
	require.Zero(t, code, "%s %s: %s", e.Argv[0], strings.Join(args, " "), stderr)
	return stdout
}

// poll is how often a wait asks the engine again, each time a client command.
const poll = 50 * time.Millisecond

var containers atomic.Int64

// UniqueName names a container after its test, unique on the machine.
func (e *Client) UniqueName(t testing.TB) string {
	base := strings.ToLower(regexp.MustCompile(`[^a-zA-Z0-9_.-]+`).ReplaceAllString(t.Name(), "-"))
	return fmt.Sprintf("%s-%s-%d-%d", e.Prefix, base[:min(len(base), 60)], os.Getpid(), containers.Add(1))
}

// Container is one container of a test.
type Container struct {
	T       *testing.T
	Client  *Client
	Name    string
	Started time.Time
}

// Start runs a detached container without a network; args are run's
// flags, the image and the command.
func (e *Client) Start(t *testing.T, args ...string) *Container {
	t.Helper()
	c := e.Named(t)
	e.Must(t, append([]string{"run", "-d", "--network", "none", "--name", c.Name}, args...)...)
	return c
}

// Named is a container name for a run the test starts itself: the
// container is removed when the test ends, its logs shown if it failed.
func (e *Client) Named(t *testing.T) *Container {
	c := &Container{T: t, Client: e, Name: e.UniqueName(t), Started: time.Now()}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("%s logs %s:\n%s", e.Argv[0], c.Name, c.Logs())
		}
		e.Try("rm", "-f", "-v", c.Name)
	})
	return c
}

// Logs is everything the container wrote, stdout and stderr together.
func (c *Container) Logs() string {
	out, _ := c.Client.Command("logs", c.Name).CombinedOutput()
	return string(out)
}

// WaitForLog waits until the container has written line.
func (c *Container) WaitForLog(line string) {
	c.T.Helper()
	require.Eventually(c.T, func() bool { return pt.HasLine(c.Logs(), line) }, pt.Patience, poll,
		"container %s never wrote %q; it wrote:\n%s", c.Name, line, c.Logs())
}

// Inspect is the engine's view of the container, in a Go template.
func (c *Container) Inspect(format string) string {
	c.T.Helper()
	return strings.TrimSpace(c.Client.Must(c.T, "inspect", "-f", format, c.Name))
}

// State is the container's state: running, exited, ...
func (c *Container) State() string { return c.Inspect("{{.State.Status}}") }

// ExitCode waits until the container has exited and returns its code.
func (c *Container) ExitCode() int {
	c.T.Helper()
	require.Eventually(c.T, func() bool { return c.State() == "exited" }, pt.Patience, poll,
		"container %s did not exit; it wrote:\n%s", c.Name, c.Logs())
	code, err := strconv.Atoi(c.Inspect("{{.State.ExitCode}}"))
	require.NoError(c.T, err)
	return code
}

// Stop is `stop -t grace`: the stop signal, and SIGKILL after grace seconds
// if the container still runs. It returns when the container has stopped.
func (c *Container) Stop(grace int) {
	c.T.Helper()
	c.Client.Must(c.T, "stop", "-t", strconv.Itoa(grace), c.Name)
}

// Kill is `kill -s sig`: the engine sends sig to the container's PID 1.
func (c *Container) Kill(sig string) {
	c.T.Helper()
	c.Client.Must(c.T, "kill", "-s", sig, c.Name)
}

// Exec runs a command in the running container and returns its stdout.
func (c *Container) Exec(command ...string) string {
	c.T.Helper()
	return c.Client.Must(c.T, append([]string{"exec", c.Name}, command...)...)
}

// KillEvents lists the signals the engine has sent the container so far,
// as numbers, for example "15" for each `kill -s TERM`.
func (c *Container) KillEvents() []string {
	c.T.Helper()
	out := c.Client.Must(c.T, "events",
		"--since", unixSeconds(c.Started.Add(-time.Second)), "--until", unixSeconds(time.Now()),
		"--filter", "container="+c.Name, "--filter", "event=kill",
		"--format", "{{.Actor.Attributes.signal}}")
	return strings.Fields(out)
}

func unixSeconds(at time.Time) string {
	return fmt.Sprintf("%d.%09d", at.Unix(), at.Nanosecond())
}

// Processes is a process table: each process's command name and state
// letter ("cat Z"), by pid.
type Processes map[string]string

// Processes reads the container's process table from inside it.
func (c *Container) Processes() Processes {
	c.T.Helper()
	// One grep over every stat file (busybox's read builtin, one byte a
	// system call, would take seconds): it lists itself, but no zombie. A
	// process that ends between the glob and the read is not listed.
	out := c.Exec("sh", "-c", `grep -h "" /proc/[0-9]*/stat 2>/dev/null; true`)
	procs := Processes{}
	for _, line := range strings.Split(out, "\n") {
		open, end := strings.IndexByte(line, '('), strings.LastIndexByte(line, ')')
		if open < 0 || end < open || end+3 > len(line) {
			continue
		}
		procs[strings.TrimSpace(line[:open])] = line[open+1:end] + " " + line[end+2:end+3]
	}
	return procs
}

// WaitForProcess waits until a process named name runs in the container:
// a stop before that would land in pidone's start-up window, which make
// bench-startup measures, not the test that waits.
func (c *Container) WaitForProcess(name string) {
	c.T.Helper()
	require.Eventually(c.T, func() bool { return c.Processes().Count(name) > 0 }, pt.Patience, poll,
		"%s never ran in container %s: %v", name, c.Name, c.Processes())
}

// Count is how many processes are named name, in any state.
func (p Processes) Count(name string) int {
	n := 0
	for _, proc := range p {
		if strings.HasPrefix(proc, name+" ") {
			n++
		}
	}
	return n
}

// Zombies is how many processes are zombies.
func (p Processes) Zombies() int {
	n := 0
	for _, proc := range p {
		if strings.HasSuffix(proc, " Z") {
			n++
		}
	}
	return n
}

// String tells how many processes are in each name and state.
func (p Processes) String() string {
	states := map[string]int{}
	for _, proc := range p {
		states[proc]++
	}
	var parts []string
	for proc, n := range states {
		parts = append(parts, proc+" ×"+strconv.Itoa(n))
	}
	return strings.Join(parts, ", ")
}
