package supervisor

import (
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// Once the child runs, pidone allocates nothing per signal and nothing per
// reaped process: what it allocates, it keeps, and a storm of either would
// grow its memory for good.

// runningSupervisor is a supervisor whose main child is a sleep in a
// process group of its own, with an intake that os/signal does not feed:
// the test hands it its signals.
func runningSupervisor(t *testing.T) *supervisor {
	t.Helper()
	child := exec.Command("sleep", "1000")
	child.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	require.NoError(t, child.Start())
	pid := child.Process.Pid
	require.NoError(t, child.Process.Release())
	t.Cleanup(func() {
		syscall.Kill(pid, syscall.SIGKILL)
		var status unix.WaitStatus
		unix.Wait4(pid, &status, 0, nil)
	})
	s := newSupervisor(Config{Command: child.Args})
	s.intake = &intake{arrived: make(chan os.Signal, intakeRoom)}
	s.apply(s.machine.step(event{kind: started, child: pid}))
	return s
}

func TestForwardingASignalAllocatesNothing(t *testing.T) {
	s := runningSupervisor(t)
	allocs := testing.AllocsPerRun(1000, func() {
		// SIGWINCH: sleep's default for it is to ignore it.
		s.intake.arrived <- syscall.SIGWINCH
		if _, exited := s.handleSignals(); exited {
			t.Fatal("pidone exited on a SIGWINCH")
		}
	})
	assert.Zero(t, allocs, "allocations per forwarded signal")
}

func TestReapingAProcessAllocatesNothing(t *testing.T) {
	s := runningSupervisor(t)
	const runs = 50
	// Each run ends one child: a head that reads one byte of the pipe and
	// exits. AllocsPerRun runs once more to warm up.
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	defer w.Close()
	for range runs + 1 {
		head := exec.Command("head", "-c", "1")
		head.Stdin = r
		require.NoError(t, head.Start())
		require.NoError(t, head.Process.Release())
	}
	wfd := int(w.Fd())
	one := []byte{'x'}
	allocs := testing.AllocsPerRun(runs, func() {
		if _, err := unix.Write(wfd, one); err != nil {
			t.Fatal("write to the heads' pipe:", err)
		}
		// Wait until a child has ended, without reaping it: that is the
		// supervisor's to do.
		var info unix.Siginfo
		for {
			err := unix.Waitid(unix.P_ALL, 0, &info, unix.WEXITED|unix.WNOWAIT, nil)
			if err != unix.EINTR {
				break
			}
		}
		s.intake.arrived <- syscall.SIGCHLD
		if _, exited := s.handleSignals(); exited {
			t.Fatal("pidone exited while its main child runs")
		}
	})
	assert.Zero(t, allocs, "allocations per reaped process")
	assert.True(t, s.machine.mainRunning, "the main child is still running")
}
