//go:build integration

package integration

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pidone/pidone/integration/enginetest"
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

// machineDocker is the machine's docker, whose engine make setup started.
var machineDocker = &enginetest.Client{Argv: []string{"docker"}, Prefix: "pidone-it"}

// container is one container of a test.
type container = enginetest.Container

// start runs a detached container without a network, and removes it when
// the test ends, whether it passed or not.
func start(t *testing.T, parts ...[]string) *container {
	t.Helper()
	requireEngine(t)
	var args []string
	for _, part := range parts {
		args = append(args, part...)
	}
	return machineDocker.Start(t, args...)
}

// docker runs a docker command that must succeed and returns its stdout.
func docker(t *testing.T, args ...string) string {
	t.Helper()
	requireEngine(t)
	return machineDocker.Must(t, args...)
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

func itoa(n int) string { return strconv.Itoa(n) }
