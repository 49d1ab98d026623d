package reaper

import (
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

func TestExitCodeFollowsTheShell(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status unix.WaitStatus
		want   int
	}{
		{"exit 0", 0 << 8, 0},
		{"exit 7", 7 << 8, 7},
		{"exit 255", 255 << 8, 255},
		{"killed by SIGTERM", unix.WaitStatus(unix.SIGTERM), 143},
		{"killed by SIGKILL", unix.WaitStatus(unix.SIGKILL), 137},
		{"killed by SIGSEGV with a core dump", unix.WaitStatus(unix.SIGSEGV) | 0x80, 139},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Exit{Status: tc.status}.Code())
		})
	}
}

// The tests below run in a child of the test binary, so that Reap owns
// every child of the process it runs in.
func TestMain(m *testing.M) {
	if os.Getenv("REAPER_TEST_HELPER") == "1" {
		os.Exit(helper())
	}
	os.Exit(m.Run())
}

func helper() int {
	// The negative control: a fresh process is no subreaper.
	if on, err := IsSubreaper(); err != nil || on {
		return 9
	}
	if err := BecomeSubreaper(); err != nil {
		return 10
	}
	if on, err := IsSubreaper(); err != nil || !on {
		return 11
	}
	// Three grandchildren, orphaned as sh exits: one exits 3, one 4, and
	// one is killed by SIGTERM.
	sh := exec.Command("sh", "-c", "(exit 3) & (exit 4) & sh -c 'kill -TERM $$' & exit 0")
	if err := sh.Start(); err != nil {
		return 12
	}
	seen := map[int]bool{}
	for {
		running := Reap(func(e Exit) { seen[e.Code()] = true })
		if !running {
			break
		}
		var ts = syscall.Timespec{Nsec: 1e6}
		syscall.Nanosleep(&ts, nil)
	}
	if !seen[0] || !seen[3] || !seen[4] || !seen[143] {
		return 13
	}
	return 0
}

func TestReapCollectsOrphansAsASubreaper(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "REAPER_TEST_HELPER=1")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "helper failed: %s", out)
}

func TestReapWithNoChildrenReportsNoneRunning(t *testing.T) {
	var exited []Exit
	running := Reap(func(e Exit) { exited = append(exited, e) })
	assert.Empty(t, exited)
	assert.False(t, running)
}
