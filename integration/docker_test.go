//go:build integration

package integration

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	pt "github.com/pidone/pidone/integration/proctest"
	"github.com/stretchr/testify/require"
)

const (
	testImage    = "pidone-test:latest"     // busybox and /pidone, no entrypoint
	appImage     = "pidone-test-app:latest" // busybox, /pidone taken with COPY --from=, pidone as entrypoint
	releaseImage = "pidone-release:latest"  // only /pidone and LICENSE (Dockerfile)

	// patience is how long a test waits for something that normally takes
	// milliseconds: the machine is shared and may stall for seconds.
	patience = 60 * time.Second
	poll     = 50 * time.Millisecond
)

// noEngine is why this host has no Docker engine, or "". make setup starts
// one where it can; where it could not, each test that needs one is
// skipped with this reason, and the summary of make test shows it.
var noEngine string

// requireEngine skips a test that needs Docker on a host without it.
func requireEngine(t *testing.T) {
	if noEngine != "" {
		t.Skip(noEngine)
	}
}

// TestMain builds the images from the current bin/pidone, so that the suite
// never tests a stale binary.
func TestMain(m *testing.M) {
	if out, err := exec.Command("docker", "info").CombinedOutput(); err != nil {
		noEngine = "no Docker engine answers (make engine could not start one): " + firstLine(err.Error()+": "+string(out))
		os.Exit(m.Run())
	}
	root, err := filepath.Abs("..")
	if err == nil {
		cmd := exec.Command("make", "-s", "-C", root, "images")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		err = cmd.Run()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "integration: cannot build the images: %v\n", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// withPidone is a container that runs /pidone as its entrypoint; args are
// pidone's own, so they hold a "--" before the command.
func withPidone(args ...string) []string {
	return append([]string{"--entrypoint", "/pidone", testImage}, args...)
}

// withoutPidone is the same container with the command itself as PID 1.
func withoutPidone(command ...string) []string {
	return append([]string{testImage}, command...)
}

// dockerFlags are `docker run` options, placed before the image.
func dockerFlags(flags ...string) []string { return flags }

var containerCount atomic.Int64

// uniqueName names a container after its test, and unique on the machine.
func uniqueName(t *testing.T) string {
	requireEngine(t)
	base := regexp.MustCompile(`[^a-zA-Z0-9_.-]+`).ReplaceAllString(t.Name(), "-")
	if len(base) > 60 {
		base = base[:60]
	}
	return fmt.Sprintf("pidone-it-%s-%d-%d", strings.ToLower(base), os.Getpid(), containerCount.Add(1))
}

// container is one detached container of a test.
type container struct {
	t       *testing.T
	name    string
	started time.Time
}

// start runs a detached container without a network, and removes it when
// the test ends, whether it passed or not.
func start(t *testing.T, parts ...[]string) *container {
	t.Helper()
	c := &container{t: t, name: uniqueName(t), started: time.Now()}
	t.Cleanup(func() { removeContainer(c.name) })
	args := []string{"run", "-d", "--network", "none", "--name", c.name}
	for _, part := range parts {
		args = append(args, part...)
	}
	docker(t, args...)
	return c
}

func removeContainer(name string) {
	exec.Command("docker", "rm", "-f", "-v", name).Run()
}

// docker runs a docker command that must succeed and returns its stdout.
func docker(t *testing.T, args ...string) string {
	t.Helper()
	requireEngine(t)
	var stdout, stderr bytes.Buffer
	cmd := exec.Command("docker", args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "docker %s: %s", strings.Join(args, " "), stderr.String())
	return stdout.String()
}

// logs is everything the container wrote, stdout and stderr together.
func (c *container) logs() string {
	out, _ := exec.Command("docker", "logs", c.name).CombinedOutput()
	return string(out)
}

// waitForLog waits until the container has written line.
func (c *container) waitForLog(line string) {
	c.t.Helper()
	require.Eventually(c.t, func() bool { return pt.HasLine(c.logs(), line) }, patience, poll,
		"container %s never wrote %q; it wrote:\n%s", c.name, line, c.logs())
}

// state is the engine's view of the container: running, exited, ...
func (c *container) state() string {
	return strings.TrimSpace(docker(c.t, "inspect", "-f", "{{.State.Status}}", c.name))
}

// exitCode waits until the container has exited and returns its code.
func (c *container) exitCode() int {
	c.t.Helper()
	require.Eventually(c.t, func() bool { return c.state() == "exited" }, patience, poll,
		"container %s did not exit; it wrote:\n%s", c.name, c.logs())
	code, err := strconv.Atoi(strings.TrimSpace(docker(c.t, "inspect", "-f", "{{.State.ExitCode}}", c.name)))
	require.NoError(c.t, err)
	return code
}

// stop is `docker stop -t graceSeconds`: SIGTERM, and SIGKILL after the
// grace period if the container still runs.
func (c *container) stop(graceSeconds int) {
	c.t.Helper()
	docker(c.t, "stop", "-t", strconv.Itoa(graceSeconds), c.name)
}

// kill is `docker kill -s sig`: the engine sends sig to PID 1.
func (c *container) kill(sig string) {
	c.t.Helper()
	docker(c.t, "kill", "-s", sig, c.name)
}

// exec runs a command inside the running container and returns its stdout.
func (c *container) exec(command ...string) string {
	c.t.Helper()
	return docker(c.t, append([]string{"exec", c.name}, command...)...)
}

// killEvents lists the signals the engine has sent the container so far,
// as numbers, for example "15" for each `docker kill -s TERM`.
func (c *container) killEvents() []string {
	c.t.Helper()
	out := docker(c.t, "events",
		"--since", unixSeconds(c.started.Add(-time.Second)), "--until", unixSeconds(time.Now()),
		"--filter", "container="+c.name, "--filter", "event=kill",
		"--format", "{{.Actor.Attributes.signal}}")
	return strings.Fields(out)
}

func unixSeconds(at time.Time) string {
	return fmt.Sprintf("%d.%09d", at.Unix(), at.Nanosecond())
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

func itoa(n int) string { return strconv.Itoa(n) }
