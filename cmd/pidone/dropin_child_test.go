package main_test

import (
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	pt "github.com/pidone/pidone/integration/proctest"
)

// placement is where the child lives, from sigchild's ready line.
type placement string

const (
	ownSession placement = "leads its own session and group"
	ownGroup   placement = "leads its own group in the init's session"
	initsGroup placement = "stays in the init's group"
)

func placementOf(ready string) placement {
	pid, pgid, sid := pt.Field(ready, "pid"), pt.Field(ready, "pgid"), pt.Field(ready, "sid")
	switch {
	case sid == pid:
		return ownSession
	case pgid == pid:
		return ownGroup
	}
	return initsGroup
}

func TestDropInPlacesTheChildAsTheAnchorDoes(t *testing.T) {
	child := pt.SigChild(t)
	for _, tc := range []struct {
		name string
		tool string
		env  []string
		args []string
		want placement
	}{
		{"tini", "tini", nil, nil, ownGroup},
		{"tini -g", "tini", nil, []string{"-g"}, ownGroup},
		{"dumb-init", "dumb-init", nil, nil, ownSession},
		{"dumb-init -c", "dumb-init", nil, []string{"-c"}, initsGroup},
		{"dumb-init with DUMB_INIT_SETSID=0", "dumb-init", []string{"DUMB_INIT_SETSID=0"}, nil, initsGroup},
		{"dumb-init with DUMB_INIT_SETSID=1", "dumb-init", []string{"DUMB_INIT_SETSID=1"}, nil, ownSession},
		{"catatonit", "catatonit", nil, nil, ownGroup},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sameAsAnchor(t, tc.tool, tc.want, func(t *testing.T, bin string) placement {
				argv := commandLine(bin, tc.args, child, "-exit-on", "TERM=0")
				p := pt.Start(t, pt.Options{PID1: true, Env: tc.env}, argv...)
				where := placementOf(p.WaitForLine("ready"))
				p.Signal(syscall.SIGTERM)
				p.Wait()
				return where
			})
		})
	}
}

// childSignalState is the child's blocked and ignored signals.
type childSignalState struct {
	Blocked []int
	Ignored []int
}

func TestDropInChildSignalState(t *testing.T) {
	statusOf := func(t *testing.T, argv ...string) childSignalState {
		p := pt.Start(t, pt.Options{PID1: true}, append(argv, "/bin/cat", "/proc/self/status")...)
		p.Wait()
		var st childSignalState
		for _, line := range p.Stdout() {
			if v, ok := strings.CutPrefix(line, "SigBlk:"); ok {
				st.Blocked = pt.SignalSet(strings.TrimSpace(v))
			}
			if v, ok := strings.CutPrefix(line, "SigIgn:"); ok {
				st.Ignored = pt.SignalSet(strings.TrimSpace(v))
			}
		}
		return st
	}
	underInit := func(t *testing.T, bin string) childSignalState { return statusOf(t, bin, "--") }
	// What the child would start with if the test ran it itself: the
	// state every init is started with here (clean in a container; under
	// make, for one, an ignored signal 32 comes down from above; under
	// nohup, an ignored SIGHUP).
	given := statusOf(t)
	t.Run("tini passes on the signal state it was given", func(t *testing.T) {
		sameAsAnchor(t, "tini", given, underInit)
	})
	// dumb-init catches each of the signals 1 to 31 so as to wait for
	// them, and exec puts a caught signal back to its default: its child
	// ignores none of them, whatever its caller ignored. Scripts under it
	// rely on that: under nohup, a SIGHUP still ends them.
	t.Run("dumb-init passes on the signal state it was given, but for the standard signals ignored", func(t *testing.T) {
		sameAsAnchor(t, "dumb-init", withoutStandardIgnored(given), underInit)
	})
	t.Run("under nohup dumb-init's child no longer ignores SIGHUP", func(t *testing.T) {
		underNohup := statusOf(t, "nohup")
		require.Contains(t, underNohup.Ignored, int(syscall.SIGHUP), "nohup itself ignores SIGHUP")
		sameAsAnchor(t, "dumb-init", withoutStandardIgnored(underNohup),
			func(t *testing.T, bin string) childSignalState { return statusOf(t, "nohup", bin, "--") })
	})
	t.Run("a child of dumb-init that sends itself SIGHUP under trap '' HUP dies of it", func(t *testing.T) {
		sameAsAnchor(t, "dumb-init", 128+int(syscall.SIGHUP), func(t *testing.T, bin string) int {
			p := pt.Start(t, pt.Options{}, "sh", "-c", `trap '' HUP; exec "$1" sh -c 'kill -HUP $$; exit 0'`, "sh", bin)
			return p.Wait()
		})
	})
	t.Run("catatonit leaves its child SIGTSTP, SIGTTIN and SIGTTOU blocked; pidone does not", func(t *testing.T) {
		// catatonit blocks the terminal's stop signals in the child before
		// it execs (so that the child cannot be stopped while taking the
		// terminal) and never unblocks them: the command then cannot be
		// stopped with Ctrl-Z, and passes the block on to everything it
		// starts. pidone takes the terminal without that side effect.
		buggy := childSignalState{Blocked: slices.Clone(given.Blocked), Ignored: given.Ignored}
		for _, sig := range []syscall.Signal{syscall.SIGTSTP, syscall.SIGTTIN, syscall.SIGTTOU} {
			if !slices.Contains(buggy.Blocked, int(sig)) {
				buggy.Blocked = append(buggy.Blocked, int(sig))
			}
		}
		slices.Sort(buggy.Blocked)
		betterThanAnchor(t, "catatonit", buggy, given, "the child must start with the caller's signal state", underInit)
	})
}

// withoutStandardIgnored is st with no signal from 1 to 31 ignored.
func withoutStandardIgnored(st childSignalState) childSignalState {
	out := childSignalState{Blocked: st.Blocked}
	for _, sig := range st.Ignored {
		if sig > 31 {
			out.Ignored = append(out.Ignored, sig)
		}
	}
	return out
}
