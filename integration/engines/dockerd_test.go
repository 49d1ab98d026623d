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
	"time"
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

var docker = &engine{name: "docker", argv: []string{"docker", "-H", "unix://" + dockerSocket}}

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
		if _, _, code := docker.try("info"); code == 0 {
			if ids, _, _ := docker.try("ps", "-aq"); strings.TrimSpace(ids) != "" {
				docker.try(append([]string{"rm", "-f", "-v"}, strings.Fields(ids)...)...)
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
		if _, _, code := docker.try("version"); code == 0 {
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
	build := docker.command("build", "--quiet", "--network", "none", "-t", image, "-f", filepath.Join(context, "Containerfile"), context)
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
	for syscall.Kill(pid, 0) == nil && !isZombie(pid) {
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL)
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func isZombie(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(stat)
	end := strings.LastIndexByte(s, ')')
	return end > 0 && end+2 < len(s) && s[end+2] == 'Z'
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
