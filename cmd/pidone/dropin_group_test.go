package main_test

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	pt "github.com/pidone/pidone/integration/proctest"
	"github.com/pidone/pidone/signals"
)

// A neighbour is a second process in the main child's process group,
// started in the background by the shell that then becomes the main child.
// It blocks every signal it can and handles none, so what the init sends it
// stays pending: /proc shows exactly the set it was sent. A process that
// reports signals as they arrive cannot tell that: a multi-threaded one may
// report a later signal before an earlier one, so no marker sent after them
// proves that nothing more is on its way.

type neighbour struct {
	t   *testing.T
	pid int
}

// withNeighbour returns the command that starts a neighbour and then runs
// main, and the neighbour's handle once it is ready. The neighbour writes its
// ready line, once its signals are blocked, to a file of its own: on the
// init's pipes it would keep them open after the init exits. It is perl, as
// in withSignalState, because sh and Go both unblock signals at start.
func withNeighbour(t *testing.T, main func(file string) string) (script string, ready func() *neighbour) {
	file := filepath.Join(t.TempDir(), "neighbour")
	hold := `perl -MPOSIX -e '` +
		`my $all = POSIX::SigSet->new; $all->fillset; sigprocmask(SIG_BLOCK, $all) or die "sigprocmask: $!";` +
		`$| = 1; print "ready pid=$$\n"; sleep'`
	script = hold + " >" + file + " 2>&1 & " + main(file)
	return script, func() *neighbour {
		n := &neighbour{t: t, pid: pt.Field(readyInFile(t, file), "pid")}
		killAtEnd(t, n.pid)
		return n
	}
}

// held is the set of signals sent to the neighbour so far, by name.
func (n *neighbour) held() []string {
	n.t.Helper()
	st := pt.Status(n.pid)
	require.NotNil(n.t, st, "the neighbour %d is gone", n.pid)
	require.False(n.t, strings.HasPrefix(st["State"], "Z"), "the neighbour %d died", n.pid)
	var names []string
	for _, sig := range append(pt.SignalSet(st["ShdPnd"]), pt.SignalSet(st["SigPnd"])...) {
		names = append(names, signals.Name(syscall.Signal(sig)))
	}
	return sortedSet(names)
}

// reach is what the signals sent to the init reached: those the child
// received and those the neighbour was sent.
type reach struct {
	Child     []string
	Neighbour []string
}

func TestDropInSignalsTheAnchorsTarget(t *testing.T) {
	child := pt.SigChild(t)
	both := []string{"SIGUSR1", "SIGUSR2"}
	alone, group := reach{both, nil}, reach{both, both}
	for _, tc := range []struct {
		name string
		tool string
		env  []string
		args []string
		want reach
	}{
		{"tini: the child alone", "tini", nil, []string{"-s"}, alone},
		{"tini -g: the group", "tini", nil, []string{"-s", "-g"}, group},
		{"tini with TINI_KILL_PROCESS_GROUP: the group", "tini", []string{"TINI_KILL_PROCESS_GROUP=1"}, []string{"-s"}, group},
		{"tini with TINI_KILL_PROCESS_GROUP empty: the group too", "tini", []string{"TINI_KILL_PROCESS_GROUP="}, []string{"-s"}, group},
		{"dumb-init: the group", "dumb-init", nil, nil, group},
		{"dumb-init with DUMB_INIT_SETSID=no: the group (only 0 turns it off)", "dumb-init", []string{"DUMB_INIT_SETSID=no"}, nil, group},
		{"dumb-init -c: the child alone", "dumb-init", nil, []string{"-c"}, alone},
		{"dumb-init with DUMB_INIT_SETSID=0: the child alone", "dumb-init", []string{"DUMB_INIT_SETSID=0"}, nil, alone},
		{"catatonit: the child alone", "catatonit", nil, nil, alone},
		{"catatonit -g: the group", "catatonit", nil, []string{"-g"}, group},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sameAsAnchor(t, tc.tool, tc.want, func(t *testing.T, bin string) reach {
				script, ready := withNeighbour(t, func(string) string { return "exec " + child + " -exit-on TERM=0" })
				argv := commandLine(bin, tc.args, "sh", "-c", script)
				p := pt.Start(t, pt.Options{Env: tc.env}, argv...)
				p.WaitForLine("ready")
				n := ready()
				p.Signal(syscall.SIGUSR1)
				p.Signal(syscall.SIGUSR2)
				got := reach{Child: waitForSignals(t, p, both...)}
				p.Signal(syscall.SIGTERM)
				p.Wait()
				// Only an init that has exited has sent all it will send.
				got.Neighbour = intersect(n.held(), both)
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
		name string
		tool string
		args []string
		want []string // what the group is sent
	}{
		{"tini leaves it alone", "tini", []string{"-s"}, nil},
		{"dumb-init sends it SIGTERM", "dumb-init", nil, []string{"SIGTERM"}},
		{"dumb-init -c leaves it alone", "dumb-init", []string{"-c"}, nil},
		{"dumb-init -r 15:10 sends it SIGUSR1 instead", "dumb-init", []string{"-r", "15:10"}, []string{"SIGUSR1"}},
		{"catatonit leaves it alone", "catatonit", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sameAsAnchor(t, tc.tool, tc.want, func(t *testing.T, bin string) []string {
				script, ready := withNeighbour(t, func(file string) string {
					// The main child exits once the neighbour is ready.
					return "until grep -q ready " + file + "; do sleep 0.01; done; exit 5"
				})
				argv := commandLine(bin, tc.args, "sh", "-c", script)
				p := pt.Start(t, pt.Options{}, argv...)
				n := ready()
				require.Equal(t, 5, p.Wait())
				return n.held()
			})
		})
	}
}
