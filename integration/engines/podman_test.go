//go:build engines

package engines

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pidone/pidone/integration/enginetest"
	"github.com/stretchr/testify/assert"
)

// Podman's state for the suite, as testdata/containers.conf and
// storage.conf name it.
const (
	podmanLib = "/var/lib/pidone-test-podman"
	podmanRun = "/run/pidone-test-podman"
	// podmanInitPath is containers.conf's init_path.
	podmanInitPath = podmanLib + "/bin/pidone"
)

var podman = &engine{name: "podman", Client: enginetest.Client{Argv: []string{"podman"}, Prefix: "pidone-engines"},
	withInit:  withInitPath,
	initArgv0: "/run/podman-init", initVersion: "tini version 0.1.7_catatonit"}

// startPodman points podman at the suite's configuration and store and
// builds the image there; it returns what removes them again.
func startPodman(context string) (stop func()) {
	stop = func() {}
	for _, tool := range []string{"podman", "runc"} {
		if _, err := exec.LookPath(tool); err != nil {
			podman.unavailable = tool + " is not installed (make setup installs podman and runc)"
			return stop
		}
	}
	podman.Env = []string{
		"CONTAINERS_CONF=" + filepath.Join(testdata, "containers.conf"),
		"CONTAINERS_STORAGE_CONF=" + filepath.Join(testdata, "storage.conf"),
	}
	stop = func() {
		podman.Try("pod", "rm", "-a", "-f")
		podman.Try("rm", "-a", "-f", "-v")
		removeAll(podmanRun)
		removeAll(podmanLib)
	}
	// What a killed run left.
	stop()

	if err := os.MkdirAll(filepath.Dir(podmanInitPath), 0o755); err != nil {
		podman.unavailable = err.Error()
		return stop
	}
	if err := copyFile(pidone, podmanInitPath); err != nil {
		podman.unavailable = "cannot install pidone as init_path: " + err.Error()
		return stop
	}
	if _, stderr, code := podman.Try("info"); code != 0 {
		podman.unavailable = "podman info: " + firstLine(stderr)
		return stop
	}
	if out, err := podman.Command("build", "--quiet", "--network", "none", "-t", image,
		"-f", filepath.Join(context, "Containerfile"), context).CombinedOutput(); err != nil {
		podman.broken = "podman build of the test image: " + err.Error() + ": " + strings.TrimSpace(string(out))
	}
	return stop
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

// withInitPath is `podman run --init --init-path PIDONE`: Podman mounts
// the file as /run/podman-init and runs /run/podman-init -- COMMAND.
func withInitPath(args ...string) []string {
	return append([]string{"--init", "--init-path", pidone}, args...)
}

// containers.conf's init_path gives `podman run --init` the same pidone
// as --init-path does.
func TestPodmanInitPathFromContainersConf(t *testing.T) {
	t.Parallel()
	argv0, versionLine := initOf(t, podman, []string{"--init"})
	assert.Equal(t, podman.initArgv0, argv0)
	assert.Equal(t, podman.initVersion+" ("+version+")", versionLine)
}

// A pod whose infra container is pidone in pause mode, holding a PID
// namespace its containers share: the infra is PID 1 of the pod, reaps the
// orphans the other containers leave, and exits 0 when the pod stops.
func TestPodInfraIsPidonePaused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, command, cmdline string }{
		{"as /pause", "/pause", "/pause "},
		{"as pidone -P", "/pidone -P", "/pidone -P "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			podman.need(t)
			pod := podman.UniqueName(t)
			t.Cleanup(func() { podman.Try("pod", "rm", "-f", pod) })
			podman.Must(t, "pod", "create", "--name", pod, "--share", "pid,ipc,uts",
				"--infra-image", image, "--infra-command", tc.command)
			podman.Must(t, "pod", "start", pod)
			infra := strings.TrimSpace(podman.Must(t, "pod", "inspect", "-f", "{{.InfraContainerID}}", pod))

			c := podman.start(t, append([]string{"--pod", pod, image}, orphanMaker...)...)
			assert.Equal(t, tc.cmdline, c.Exec("sh", "-c", `tr '\0' ' ' </proc/1/cmdline`), "PID 1 of the pod")
			releaseOrphans(t, c)

			podman.Must(t, "pod", "stop", "-t", "30", pod)
			infraContainer := &container{T: t, Client: &podman.Client, Name: infra}
			assert.Equal(t, 0, infraContainer.ExitCode(), "the infra container's exit code")
		})
	}
}
