package main_test

import (
	"path/filepath"
	"slices"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	pt "github.com/pidone/pidone/integration/proctest"
)

// A neighbour is a second sigchild in the main child's process group,
// started in the background by the shell that then becomes the main child.
// It writes to a file of its own, so its signals are told from the child's.
// To know whether a signal reached it without waiting for nothing to
// happen, the test then sends it SIGWINCH directly and reads what came
// before: a signal the init forwarded earlier is pending first.

type neighbour struct {
	t    *testing.T
	file string
	pid  int
}

// withNeighbour returns the command that starts a neighbour and then runs
// main, and the neighbour's handle once it is ready. The neighbour's output
// does not go to the init's pipes, which would keep them open after the
// init exits.
func withNeighbour(t *testing.T, main func(file string) string) (script string, ready func() *neighbour) {
	file := filepath.Join(t.TempDir(), "neighbour")
	script = pt.SigChild(t) + " >" + file + " 2>/dev/null & " + main(file)
	return script, func() *neighbour {
		n := &neighbour{t: t, file: file, pid: pt.Field(readyInFile(t, file), "pid")}
		killAtEnd(t, n.pid)
		return n
	}
}

// signalsSoFar reports the signals the neighbour has received.
func (n *neighbour) signalsSoFar() []string {
	require.NoError(n.t, syscall.Kill(n.pid, syscall.SIGWINCH))
	return signalLines(waitForFileLine(n.t, n.file, "signal SIGWINCH"))
}

// reach is who a signal sent to the init reached.
type reach struct {
	Child     bool
	Neighbour bool
}

func TestDropInSignalsTheAnchorsTarget(t *testing.T) {
	child := pt.SigChild(t)
	for _, tc := range []struct {
		name string
		tool string
		env  []string
		args []string
		want reach
	}{
		{"tini: the child alone", "tini", nil, []string{"-s"}, reach{true, false}},
		{"tini -g: the group", "tini", nil, []string{"-s", "-g"}, reach{true, true}},
		{"tini with TINI_KILL_PROCESS_GROUP: the group", "tini", []string{"TINI_KILL_PROCESS_GROUP=1"}, []string{"-s"}, reach{true, true}},
		{"tini with TINI_KILL_PROCESS_GROUP empty: the group too", "tini", []string{"TINI_KILL_PROCESS_GROUP="}, []string{"-s"}, reach{true, true}},
		{"dumb-init: the group", "dumb-init", nil, nil, reach{true, true}},
		{"dumb-init with DUMB_INIT_SETSID=no: the group (only 0 turns it off)", "dumb-init", []string{"DUMB_INIT_SETSID=no"}, nil, reach{true, true}},
		{"dumb-init -c: the child alone", "dumb-init", nil, []string{"-c"}, reach{true, false}},
		{"dumb-init with DUMB_INIT_SETSID=0: the child alone", "dumb-init", []string{"DUMB_INIT_SETSID=0"}, nil, reach{true, false}},
		{"catatonit: the child alone", "catatonit", nil, nil, reach{true, false}},
		{"catatonit -g: the group", "catatonit", nil, []string{"-g"}, reach{true, true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sameAsAnchor(t, tc.tool, tc.want, func(t *testing.T, bin string) reach {
				script, ready := withNeighbour(t, func(string) string { return "exec " + child + " -exit-on TERM=0" })
				argv := append(append([]string{bin}, tc.args...), "--", "sh", "-c", script)
				p := pt.Start(t, pt.Options{Env: tc.env}, argv...)
				p.WaitForLine("ready")
				n := ready()
				p.Signal(syscall.SIGUSR1)
				p.Signal(syscall.SIGUSR2)
				got := reach{Child: p.WaitForLine("signal SIGUSR2") != ""}
				got.Child = got.Child && slices.Contains(p.Stdout(), "signal SIGUSR1")
				got.Neighbour = slices.Contains(n.signalsSoFar(), "SIGUSR1")
				p.Signal(syscall.SIGTERM)
				p.Wait()
				return got
			})
		})
	}
}

func TestDropInLeavesTheGroupAsTheAnchorDoes(t *testing.T) {
	// When the main child exits, dumb-init sends its group one SIGTERM and
	// exits; tini and catatonit just exit. Not PID 1 here, so that what
	// is left keeps running and can tell.
	for _, tc := range []struct {
		name     string
		tool     string
		args     []string
		wantTERM bool
	}{
		{"tini leaves it alone", "tini", []string{"-s"}, false},
		{"dumb-init sends it SIGTERM", "dumb-init", nil, true},
		{"dumb-init -c leaves it alone", "dumb-init", []string{"-c"}, false},
		{"dumb-init -r 15:10 sends it SIGUSR1 instead", "dumb-init", []string{"-r", "15:10"}, false},
		{"catatonit leaves it alone", "catatonit", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sameAsAnchor(t, tc.tool, tc.wantTERM, func(t *testing.T, bin string) bool {
				script, ready := withNeighbour(t, func(file string) string {
					// The main child exits once the neighbour is ready.
					return "until grep -q ready " + file + "; do sleep 0.01; done; exit 5"
				})
				argv := append(append([]string{bin}, tc.args...), "--", "sh", "-c", script)
				p := pt.Start(t, pt.Options{}, argv...)
				n := ready()
				require.Equal(t, 5, p.Wait())
				return slices.Contains(n.signalsSoFar(), "SIGTERM")
			})
		})
	}
}
