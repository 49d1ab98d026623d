//go:build engines

package engines

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Podman's state for the suite, as testdata/containers.conf and
// storage.conf name it.
const (
	podmanLib = "/var/lib/pidone-test-podman"
	podmanRun = "/run/pidone-test-podman"
	// podmanInitPath is containers.conf's init_path.
	podmanInitPath = podmanLib + "/bin/pidone"
)

var podman = &engine{name: "podman", argv: []string{"podman"}}

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
	podman.env = []string{
		"CONTAINERS_CONF=" + filepath.Join(testdata, "containers.conf"),
		"CONTAINERS_STORAGE_CONF=" + filepath.Join(testdata, "storage.conf"),
	}
	stop = func() {
		podman.try("pod", "rm", "-a", "-f")
		podman.try("rm", "-a", "-f", "-v")
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
	if _, stderr, code := podman.try("info"); code != 0 {
		podman.unavailable = "podman info: " + firstLine(stderr)
		return stop
	}
	if out, err := podman.command("build", "--quiet", "--network", "none", "-t", image,
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

// The control: the init of `podman run --init` is this pidone, given on
// the command line or by containers.conf's init_path, and it answers as
// catatonit would.
func TestPodmanInitIsPidone(t *testing.T) {
	t.Parallel()
	script := `tr '\0' ' ' </proc/1/cmdline; echo; /run/podman-init --version`
	for name, flags := range map[string][]string{
		"--init-path":                 withInitPath(),
		"containers.conf's init_path": {"--init"},
	} {
		t.Run(name, func(t *testing.T) {
			stdout, stderr, code := podman.run(t, append(flags, image, "sh", "-c", script)...)
			require.Zero(t, code, stderr)
			lines := strings.Split(strings.TrimSpace(stdout), "\n")
			require.Len(t, lines, 2, stdout)
			assert.True(t, strings.HasPrefix(lines[0], "/run/podman-init -- sh -c "), lines[0])
			assert.Equal(t, "tini version 0.1.7_catatonit ("+version+")", lines[1])
		})
	}
}

func TestPodmanStopEndsSleepWith143(t *testing.T) {
	t.Parallel()
	c := podman.start(t, withInitPath(image, "sleep", "10000")...)
	waitForProcess(t, c, "sleep")
	c.stop(30)
	assert.Equal(t, 143, c.exitCode())
}

func TestPodmanExitCodesPassThrough(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		script string
		code   int
	}{
		{"exit 3", 3},
		{"kill -9 $$", 137},
		{"exit 0", 0},
	} {
		_, stderr, code := podman.run(t, withInitPath(image, "sh", "-c", tc.script)...)
		assert.Equal(t, tc.code, code, "%s: %s", tc.script, stderr)
	}
}

func TestPodmanOrphansAreReaped(t *testing.T) {
	t.Parallel()
	c := podman.start(t, withInitPath(append([]string{image}, orphanMaker...)...)...)
	releaseOrphans(t, c)
	c.stop(30)
	assert.Equal(t, 143, c.exitCode())
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
			pod := uniqueName(t)
			t.Cleanup(func() { podman.try("pod", "rm", "-f", pod) })
			podman.must(t, "pod", "create", "--name", pod, "--share", "pid,ipc,uts",
				"--infra-image", image, "--infra-command", tc.command)
			podman.must(t, "pod", "start", pod)
			infra := strings.TrimSpace(podman.must(t, "pod", "inspect", "-f", "{{.InfraContainerID}}", pod))

			c := podman.start(t, append([]string{"--pod", pod, image}, orphanMaker...)...)
			assert.Equal(t, tc.cmdline, c.exec("sh", "-c", `tr '\0' ' ' </proc/1/cmdline`), "PID 1 of the pod")
			releaseOrphans(t, c)

			podman.must(t, "pod", "stop", "-t", "30", pod)
			infraContainer := &container{t: t, e: podman, name: infra}
			assert.Equal(t, 0, infraContainer.exitCode(), "the infra container's exit code")
		})
	}
}
