//go:build engines

package engines

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pidone/pidone/integration/enginetest"
	pt "github.com/pidone/pidone/integration/proctest"
)

// The suite's own Docker daemon, beside the host's: every path below is
// set in testdata/daemon.json, which also names pidone as the init-path.
const (
	dockerSocket   = "/run/pidone-test-docker.sock"
	dockerPidfile  = "/run/pidone-test-docker.pid"
	dockerDataRoot = "/var/lib/pidone-test-docker"
	dockerExecRoot = "/run/pidone-test-docker-exec"
	dockerInitDir  = "/run/pidone-test-docker-init"
	// dockerStartLimit is how long dockerd may take to answer: it is
	// seconds here, but the machine is shared.
	dockerStartLimit = 120 * time.Second
)

var docker = &engine{name: "docker", Client: enginetest.Client{Argv: []string{"docker", "-H", "unix://" + dockerSocket}, Prefix: "pidone-engines"},
	withInit:  withInit,
	initArgv0: "/sbin/docker-init", initVersion: "tini version 0.19.0"}

// startDocker starts the suite's dockerd and builds the image in it; it
// returns what stops the daemon and removes its state. Where dockerd
// cannot start, docker.unavailable says why in one line.
func startDocker(work, context string) (stop func()) {
	stop = func() {}
	for _, tool := range []string{"docker", "dockerd"} {
		if _, err := exec.LookPath(tool); err != nil {
			docker.unavailable = tool + " is not installed (make setup installs docker.io)"
			return stop
		}
	}
	// A daemon a killed run left behind, or one still coming up: its
	// init-path may name a binary of a run that is gone.
	stopDockerd(pidfileProcess())

	if err := os.MkdirAll(dockerInitDir, 0o755); err != nil {
		docker.unavailable = "cannot make " + dockerInitDir + ": " + err.Error()
		return stop
	}
	if err := copyFile(pidone, filepath.Join(dockerInitDir, "pidone")); err != nil {
		docker.unavailable = "cannot install pidone as the init: " + err.Error()
		return stop
	}
	logPath := filepath.Join(work, "dockerd.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		docker.unavailable = err.Error()
		return stop
	}
	defer logFile.Close()
	// --config-file in place of /etc/docker/daemon.json: the host's
	// configuration names the host's data root.
	daemon := exec.Command("dockerd", "--config-file", filepath.Join(testdata, "daemon.json"))
	daemon.Stdout, daemon.Stderr = logFile, logFile
	daemon.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := daemon.Start(); err != nil {
		docker.unavailable = "cannot start dockerd: " + err.Error()
		return stop
	}
	exited := make(chan struct{})
	go func() { daemon.Wait(); close(exited) }()
	stop = func() {
		if _, _, code := docker.Try("info"); code == 0 {
			if ids, _, _ := docker.Try("ps", "-aq"); strings.TrimSpace(ids) != "" {
				docker.Try(append([]string{"rm", "-f", "-v"}, strings.Fields(ids)...)...)
			}
		}
		stopDockerd(daemon.Process.Pid)
		<-exited
		removeAll(dockerDataRoot)
		removeAll(dockerExecRoot)
		removeAll(dockerInitDir)
		os.Remove(dockerPidfile)
		os.Remove(dockerSocket)
	}

	deadline := time.Now().Add(dockerStartLimit)
	for {
		if _, _, code := docker.Try("version"); code == 0 {
			break
		}
		select {
		case <-exited:
			docker.unavailable = "dockerd exited at start: " + lastLogLine(logPath)
			return stop
		case <-time.After(250 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			docker.unavailable = fmt.Sprintf("dockerd did not answer within %v: %s", dockerStartLimit, lastLogLine(logPath))
			return stop
		}
	}
	build := docker.Command("build", "--quiet", "--network", "none", "-t", image, "-f", filepath.Join(context, "Containerfile"), context)
	// Debian's docker.io has no buildx for BuildKit; the classic builder
	// needs nothing more.
	if exec.Command("docker", "buildx", "version").Run() != nil {
		build.Env = append(build.Env, "DOCKER_BUILDKIT=0")
	}
	if out, err := build.CombinedOutput(); err != nil {
		docker.broken = "docker build of the test image: " + err.Error() + ": " + strings.TrimSpace(string(out))
	}
	return stop
}

// pidfileProcess is the pid in the suite's dockerd pidfile when it names a
// dockerd that still runs, else 0. The host's dockerd has a pidfile of its
// own, so this is never it.
func pidfileProcess() int {
	data, err := os.ReadFile(dockerPidfile)
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || pid <= 1 {
		return 0
	}
	comm, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
	if err != nil || strings.TrimSpace(string(comm)) != "dockerd" {
		return 0
	}
	return pid
}

// stopDockerd ends the suite's dockerd: SIGTERM, which makes it stop its
// containerd and unmount its store, and SIGKILL if it has not gone within
// a minute.
func stopDockerd(pid int) {
	if pid <= 1 {
		return
	}
	syscall.Kill(pid, syscall.SIGTERM)
	deadline := time.Now().Add(time.Minute)
	for pt.Alive(pid) {
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL)
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// lastLogLine is the last error or fatal line of dockerd's log, or its
// last line.
func lastLogLine(path string) string {
	data, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.Contains(lines[i], "level=error") || strings.Contains(lines[i], "level=fatal") {
			return lines[i]
		}
	}
	return lines[len(lines)-1]
}

// withInit is `docker run --init` on the suite's image: the daemon's
// init-path, pidone, runs as /sbin/docker-init -- COMMAND.
func withInit(args ...string) []string {
	return append([]string{"--init"}, args...)
}

// PIDONE_STOP_TIMEOUT works under the name docker-init too: a child that
// ignores SIGTERM is killed by pidone after the timeout, long before
// Docker's own (-t 60) would.
func TestDockerStopTimeoutUnderDockerInit(t *testing.T) {
	t.Parallel()
	c := docker.start(t, withInit("-e", "PIDONE_STOP_TIMEOUT=1s",
		image, "sh", "-c", `trap "" TERM; echo ready; while :; do sleep 1; done`)...)
	c.WaitForLog("ready")
	c.Stop(60)
	assert.Equal(t, 137, c.ExitCode())
	assert.Equal(t, []string{"15"}, c.KillEvents(), "the SIGKILL was pidone's, not Docker's")
	assert.Contains(t, c.Logs(), "[tini] ", "pidone said why, in one line under tini's name")
}

// A pids limit with no room for pidone's threads and the command is one
// line naming the limit and exit 1 (docs/behaviour.md), not the runtime's
// stack trace. At 3 the runtime fails to start a thread before any of
// pidone's code runs, and at 4 now and then, which the same page
// documents.
func TestDockerPidsLimitTooTight(t *testing.T) {
	t.Parallel()
	for _, limit := range []string{"6", "9"} {
		_, stderr, code := docker.run(t, withInit("--pids-limit", limit, image, "true")...)
		assert.Equal(t, 1, code, stderr)
		assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %s", stderr)
		assert.Contains(t, stderr, "pids limit of "+limit+" ")
		assert.NotContains(t, stderr, "goroutine")
	}
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
	c.WaitForProcess("sleep")
	c.Stop(30)
	assert.Equal(t, 143, c.ExitCode())
}

// With -t the command has the terminal, and docker stop still reaches it.
func TestDockerTerminal(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := docker.run(t, withInit("-t", image, "sh", "-c",
		`test -t 0 && test -t 1 && echo on a terminal; exit 4`)...)
	assert.Equal(t, 4, code, stderr)
	assert.True(t, pt.HasLine(stdout, "on a terminal"), stdout)

	c := docker.start(t, withInit("-t", image, "sleep", "10000")...)
	c.WaitForProcess("sleep")
	c.Stop(30)
	assert.Equal(t, 143, c.ExitCode())
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
			for _, line := range strings.Split(c.Logs(), "\n") {
				if pid, ok := strings.CutPrefix(line, "main "); ok {
					mainPid = pid
				}
			}
			return mainPid != ""
		}, patience, poll, "the main child never started: %s", c.Logs())
		// Until its parent, pidone, has reaped it, the main child stays in
		// the table as a zombie.
		require.Eventually(t, func() bool { _, ok := c.Processes()[mainPid]; return !ok }, patience, poll,
			"the main child %s was never reaped: %v", mainPid, c.Processes())
		return c
	}
	t.Run("the container ends when the rest does", func(t *testing.T) {
		c := waitingContainer(t, "-e", "PIDONE_WAIT_ALL=1")
		assert.Equal(t, 1, c.Processes().Count("cat"), "the background process runs on")
		c.Exec("sh", "-c", "echo open > /tmp/gate")
		assert.Equal(t, 5, c.ExitCode())
		assert.True(t, pt.HasLine(c.Logs(), "background finished"), c.Logs())
	})
	t.Run("docker stop during the wait drains", func(t *testing.T) {
		c := waitingContainer(t, "-e", "PIDONE_WAIT_ALL=1")
		c.Stop(30)
		assert.Equal(t, 5, c.ExitCode())
		assert.False(t, pt.HasLine(c.Logs(), "background finished"), c.Logs())
	})
	t.Run("without it the rest is drained at once", func(t *testing.T) {
		c := docker.start(t, withInit(image, "sh", "-c", waitAllScript)...)
		assert.Equal(t, 5, c.ExitCode())
		assert.False(t, pt.HasLine(c.Logs(), "background finished"), c.Logs())
	})
}
