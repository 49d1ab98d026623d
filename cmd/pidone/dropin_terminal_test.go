package main_test

import (
	"slices"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	pt "github.com/pidone/pidone/integration/proctest"
)

// terminalState is how the child and the init share a terminal the init
// was started on as a session leader, as under docker run -t.
type terminalState struct {
	ChildLeadsSession bool
	ChildHasTerminal  bool
	InitKeepsTerminal bool
	ChildInForeground bool
	ChildSawHangup    bool // SIGHUP or SIGCONT, before any signal was sent
}

func TestDropInTerminal(t *testing.T) {
	child := pt.SigChild(t)
	scenario := func(t *testing.T, bin string) terminalState {
		master, slave := pt.OpenPTY(t)
		p := pt.Start(t, pt.Options{PID1: true, Terminal: true, Stdin: slave}, bin, "--", child, "-exit-on", "TERM=0")
		ready := p.WaitForLine("ready")
		childPid := 0
		require.Eventually(t, func() bool {
			for pid := range pt.ProcessTree(p.Pid()) {
				if pid != p.Pid() {
					childPid = pid
				}
			}
			return childPid != 0
		}, pt.Patience, pt.Poll)
		got := terminalState{
			ChildLeadsSession: pt.Field(ready, "pid") == pt.Field(ready, "sid"),
			ChildHasTerminal:  controllingTTY(t, childPid) != 0,
			InitKeepsTerminal: controllingTTY(t, p.Pid()) != 0,
			ChildInForeground: pt.ForegroundGroup(master) == childPid,
		}
		p.Signal(syscall.SIGUSR1)
		p.WaitForLine("signal SIGUSR1")
		got.ChildSawHangup = slices.Contains(p.Stdout(), "signal SIGHUP") || slices.Contains(p.Stdout(), "signal SIGCONT")
		p.Signal(syscall.SIGTERM)
		p.Wait()
		return got
	}
	t.Run("dumb-init hands the terminal to the child's session and keeps the SIGHUP that causes", func(t *testing.T) {
		sameAsAnchor(t, "dumb-init", terminalState{true, true, false, true, false}, scenario)
	})
	t.Run("tini keeps the terminal and gives the child's group its foreground", func(t *testing.T) {
		sameAsAnchor(t, "tini", terminalState{false, true, true, true, false}, scenario)
	})
	t.Run("catatonit keeps the terminal and gives the child's group its foreground", func(t *testing.T) {
		sameAsAnchor(t, "catatonit", terminalState{false, true, true, true, false}, scenario)
	})
}
