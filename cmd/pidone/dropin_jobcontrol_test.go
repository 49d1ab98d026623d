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
	ChildSaw     []string // what the child reported before the last marker, sorted
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
			[]syscall.Signal{syscall.SIGTSTP}, jobControl{[]string{"SIGCONT", "SIGUSR1", "SIGWINCH"}, false, true}},
		{"dumb-init -c forwards SIGTSTP as it is and stops itself", "dumb-init", []string{"-c"},
			[]syscall.Signal{syscall.SIGTSTP}, jobControl{[]string{"SIGCONT", "SIGTSTP", "SIGWINCH"}, false, true}},
		{"tini forwards SIGTSTP but not SIGTTIN and SIGTTOU", "tini", []string{"-s"},
			[]syscall.Signal{syscall.SIGTTIN, syscall.SIGTTOU, syscall.SIGTSTP}, jobControl{[]string{"SIGTSTP", "SIGWINCH"}, false, false}},
		{"catatonit forwards none of SIGTSTP, SIGTTIN, SIGTTOU", "catatonit", nil,
			[]syscall.Signal{syscall.SIGTTIN, syscall.SIGTTOU, syscall.SIGTSTP}, jobControl{[]string{"SIGWINCH"}, false, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sameAsAnchor(t, tc.tool, tc.want, func(t *testing.T, bin string) jobControl {
				argv := commandLine(bin, tc.args, child, "-exit-on", "TERM=0")
				p := pt.Start(t, pt.Options{}, argv...)
				childPid := pt.Field(p.WaitForLine("ready"), "pid")
				var got jobControl
				for _, sig := range tc.send {
					p.Signal(sig)
				}
				if tc.want.InitStopped {
					// Wait for the stops, then wake the init as a shell's fg
					// would; it passes SIGCONT on. Signals sent together may
					// be handled in any order, so the marker waits for it.
					require.Eventually(t, func() bool { return stopped(p.Pid()) }, pt.Patience, pt.Poll, "the init did not stop")
					got.InitStopped = true
					if tc.want.ChildStopped {
						require.Eventually(t, func() bool { return stopped(childPid) }, pt.Patience, pt.Poll, "the child did not stop")
					}
					got.ChildStopped = stopped(childPid)
					// SIGCONT throws away a stop signal still pending in
					// the child (signal(7)), real dumb-init's too, so what
					// the init forwarded must have reached the child first.
					for _, forwarded := range tc.want.ChildSaw {
						if forwarded != "SIGCONT" && forwarded != "SIGWINCH" {
							p.WaitForLine("signal " + forwarded)
						}
					}
					p.Signal(syscall.SIGCONT)
					p.WaitForLine("signal SIGCONT")
				} else {
					got.ChildStopped = stopped(childPid)
					got.InitStopped = stopped(p.Pid())
				}
				// Two markers, one after the other: whatever the init
				// forwarded before the first reached the child before the
				// second. Signals sent together are handled in any order,
				// so what the child saw is compared as a set.
				p.Signal(syscall.SIGWINCH)
				p.WaitForLine("signal SIGWINCH")
				p.Signal(syscall.SIGUSR2)
				p.WaitForLine("signal SIGUSR2")
				got.ChildSaw = signalLines(p.Stdout())
				got.ChildSaw = got.ChildSaw[:slices.Index(got.ChildSaw, "SIGUSR2")]
				slices.Sort(got.ChildSaw)
				p.Signal(syscall.SIGTERM)
				p.Wait()
				return got
			})
		})
	}
}
