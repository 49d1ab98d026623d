package main_test

import (
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pt "github.com/pidone/pidone/integration/proctest"
)

// signalState runs argv and reads the SigBlk and SigIgn lines that
// `cat /proc/self/status`, at the end of argv, prints.
func signalState(t *testing.T, argv ...string) (blocked, ignored []int) {
	t.Helper()
	p := pt.Start(t, pt.Options{}, append(argv, "cat", "/proc/self/status")...)
	require.Equal(t, 0, p.Wait())
	for _, line := range p.Stdout() {
		if v, ok := strings.CutPrefix(line, "SigBlk:"); ok {
			blocked = pt.SignalSet(strings.TrimSpace(v))
		}
		if v, ok := strings.CutPrefix(line, "SigIgn:"); ok {
			ignored = pt.SignalSet(strings.TrimSpace(v))
		}
	}
	return blocked, ignored
}

// withSignalState runs the rest of argv with signals blocked and ignored,
// using perl, which the Debian base system has.
func withSignalState(block, ignore string) []string {
	return []string{"perl", "-MPOSIX", "-e",
		`sigprocmask(SIG_BLOCK, POSIX::SigSet->new(` + block + `)) or die;` +
			`$SIG{$_} = "IGNORE" for (` + ignore + `);` +
			`exec @ARGV or die "exec: $!"`, "--"}
}

func TestChildStartsWithTheCallersSignalState(t *testing.T) {
	pidone := pt.Pidone(t)

	t.Run("what a direct child of the caller gets, pidone's child gets", func(t *testing.T) {
		// The test's own children are the control: from a clean parent
		// they have nothing blocked or ignored, but make, for one, starts
		// its recipes with signals 32 and 33 ignored.
		controlBlocked, controlIgnored := signalState(t)
		blocked, ignored := signalState(t, pidone, "--")
		assert.Equal(t, controlBlocked, blocked)
		assert.Equal(t, controlIgnored, ignored)
		for _, sig := range append(blocked, ignored...) {
			assert.Greater(t, sig, 31, "no standard signal is blocked or ignored from a clean parent")
		}
	})
	t.Run("under nohup SIGHUP stays ignored", func(t *testing.T) {
		_, control := signalState(t, "nohup")
		require.Equal(t, []int{int(syscall.SIGHUP)}, control, "nohup itself ignores SIGHUP")
		_, ignored := signalState(t, "nohup", pidone, "--")
		assert.Equal(t, []int{int(syscall.SIGHUP)}, ignored)
	})
	t.Run("blocked and ignored signals the Go runtime lets pidone keep pass through", func(t *testing.T) {
		caller := withSignalState("10, 12, 28", `"INT", "TSTP", "TTOU"`) // SIGUSR1, SIGUSR2, SIGWINCH
		wantBlocked := []int{int(syscall.SIGUSR1), int(syscall.SIGUSR2), int(syscall.SIGWINCH)}
		wantIgnored := []int{int(syscall.SIGINT), int(syscall.SIGTSTP), int(syscall.SIGTTOU)}

		controlBlocked, controlIgnored := signalState(t, caller...)
		require.Equal(t, wantBlocked, controlBlocked, "the caller's own state")
		require.Equal(t, wantIgnored, controlIgnored)

		blocked, ignored := signalState(t, append(caller, pidone, "--")...)
		assert.Equal(t, wantBlocked, blocked)
		assert.Equal(t, wantIgnored, ignored)
	})
}
