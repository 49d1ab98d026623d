package main_test

import (
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	pt "github.com/pidone/pidone/integration/proctest"
)

// stopped reports whether pid is stopped (State T).
func stopped(pid int) bool { return strings.HasPrefix(pt.Status(pid)["State"], "T") }

// jobControl is what a stop signal sent to the init did.
type jobControl struct {
	ChildSaw     []string // what the child reported, up to SIGWINCH, the marker
	ChildStopped bool
	InitStopped  bool
}

func TestDropInJobControl(t *testing.T) {
	child := pt.SigChild(t)
	for _, tc := range []struct {
		name string
		tool string
		args []string
		send []syscall.Signal
		want jobControl
	}{
		{"dumb-init forwards SIGTSTP as SIGSTOP and stops itself", "dumb-init", nil,
			[]syscall.Signal{syscall.SIGTSTP}, jobControl{[]string{"SIGCONT", "SIGWINCH"}, true, true}},
		{"dumb-init forwards SIGTTIN as SIGSTOP and stops itself", "dumb-init", nil,
			[]syscall.Signal{syscall.SIGTTIN}, jobControl{[]string{"SIGCONT", "SIGWINCH"}, true, true}},
		{"dumb-init -r 20:10 forwards SIGTSTP as SIGUSR1 and still stops itself", "dumb-init", []string{"-r", "20:10"},
			[]syscall.Signal{syscall.SIGTSTP}, jobControl{[]string{"SIGUSR1", "SIGCONT", "SIGWINCH"}, false, true}},
		{"dumb-init -c forwards SIGTSTP as it is and stops itself", "dumb-init", []string{"-c"},
			[]syscall.Signal{syscall.SIGTSTP}, jobControl{[]string{"SIGTSTP", "SIGCONT", "SIGWINCH"}, false, true}},
		{"tini forwards SIGTSTP but not SIGTTIN and SIGTTOU", "tini", []string{"-s"},
			[]syscall.Signal{syscall.SIGTTIN, syscall.SIGTTOU, syscall.SIGTSTP}, jobControl{[]string{"SIGTSTP", "SIGWINCH"}, false, false}},
		{"catatonit forwards none of SIGTSTP, SIGTTIN, SIGTTOU", "catatonit", nil,
			[]syscall.Signal{syscall.SIGTTIN, syscall.SIGTTOU, syscall.SIGTSTP}, jobControl{[]string{"SIGWINCH"}, false, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sameAsAnchor(t, tc.tool, tc.want, func(t *testing.T, bin string) jobControl {
				argv := append(append([]string{bin}, tc.args...), "--", child, "-exit-on", "TERM=0")
				p := pt.Start(t, pt.Options{}, argv...)
				childPid := pt.Field(p.WaitForLine("ready"), "pid")
				var got jobControl
				for _, sig := range tc.send {
					p.Signal(sig)
				}
				if tc.want.InitStopped {
					// Wait for the stop, then wake the init as a shell's fg
					// would; it passes SIGCONT on.
					require.Eventually(t, func() bool { return stopped(p.Pid()) }, pt.Patience, pt.Poll, "the init did not stop")
					got.InitStopped = true
					got.ChildStopped = stopped(childPid)
					p.Signal(syscall.SIGCONT)
				} else {
					got.ChildStopped = stopped(childPid)
					got.InitStopped = stopped(p.Pid())
				}
				p.Signal(syscall.SIGWINCH)
				p.WaitForLine("signal SIGWINCH")
				got.ChildSaw = signalLines(p.Stdout())
				if i := slices.Index(got.ChildSaw, "SIGWINCH"); i >= 0 {
					got.ChildSaw = got.ChildSaw[:i+1]
				}
				p.Signal(syscall.SIGTERM)
				p.Wait()
				return got
			})
		})
	}
}
