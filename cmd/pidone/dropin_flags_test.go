package main_test

import (
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	pt "github.com/pidone/pidone/integration/proctest"
)

// adoptsOrphans reports whether an orphan the child leaves behind is
// reparented to the init, rather than to whatever is above it: the init
// is then a child subreaper.
func adoptsOrphans(t *testing.T, bin string, env []string, args ...string) bool {
	argv := commandLine(bin, args, pt.SigChild(t), "-orphans", "1", "-orphan-cmd", "exec sleep 1000", "-exit-on", "TERM=0")
	p := pt.Start(t, pt.Options{Env: env}, argv...)
	orphan, err := strconv.Atoi(strings.Fields(p.WaitForLine("orphans"))[1])
	require.NoError(t, err)
	killAtEnd(t, orphan)
	// The orphan's first parent is the shell that started it, which exits.
	var parent int
	require.Eventually(t, func() bool {
		parent, _ = strconv.Atoi(pt.Status(orphan)["PPid"])
		comm := string(readFile("/proc/" + strconv.Itoa(parent) + "/comm"))
		return parent != 0 && strings.TrimSpace(comm) != "sh"
	}, pt.Patience, pt.Poll)
	p.Signal(syscall.SIGTERM)
	p.Wait()
	return parent == p.Pid()
}

func TestDropInSubreaper(t *testing.T) {
	t.Run("tini -s adopts orphans", func(t *testing.T) {
		sameAsAnchor(t, "tini", true, func(t *testing.T, bin string) bool { return adoptsOrphans(t, bin, nil, "-s") })
	})
	t.Run("tini with TINI_SUBREAPER adopts orphans", func(t *testing.T) {
		sameAsAnchor(t, "tini", true, func(t *testing.T, bin string) bool {
			return adoptsOrphans(t, bin, []string{"TINI_SUBREAPER=1"})
		})
	})
	t.Run("tini without -s does not adopt orphans; pidone always does", func(t *testing.T) {
		// tini then warns that zombies will pile up, the warning its users
		// report most; pidone reaps them instead, and says nothing.
		betterThanAnchor(t, "tini", false, true, "pidone is a subreaper whenever it is not PID 1",
			func(t *testing.T, bin string) bool { return adoptsOrphans(t, bin, nil) })
	})
	t.Run("catatonit adopts orphans when it is not PID 1", func(t *testing.T) {
		sameAsAnchor(t, "catatonit", true, func(t *testing.T, bin string) bool { return adoptsOrphans(t, bin, nil) })
	})
}

func TestDropInTiniParentDeathSignal(t *testing.T) {
	// The init's parent is a shell that then becomes sleep; when it is
	// killed, -p has the kernel send the init SIGUSR1, which it forwards.
	child := pt.SigChild(t)
	sameAsAnchor(t, "tini", "signal SIGUSR1", func(t *testing.T, bin string) string {
		p := pt.Start(t, pt.Options{}, "/bin/sh", "-c", bin+" -s -p SIGUSR1 -- "+child+" -exit-on USR1=0 & exec sleep 1000")
		ready := p.WaitForLine("ready")
		killAtEnd(t, pt.Field(ready, "pid"))
		killAtEnd(t, pt.Field(ready, "ppid"))
		p.Signal(syscall.SIGKILL)
		return p.WaitForLine("signal")
	})
}

func TestDropInTiniWarnsOnReaping(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode: waits for orphans that sleep, under tini and pidone")
	}
	for _, tc := range []struct {
		name string
		args []string
		want bool
	}{
		{"-w logs each zombie it reaps", []string{"-s", "-w"}, true},
		{"without -w it does not", []string{"-s"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sameAsAnchor(t, "tini", tc.want, func(t *testing.T, bin string) bool {
				argv := commandLine(bin, tc.args, pt.SigChild(t), "-orphans", "1", "-orphan-cmd", "exec sleep 1", "-exit-on", "TERM=0")
				p := pt.Start(t, pt.Options{}, argv...)
				orphan := strings.Fields(p.WaitForLine("orphans"))[1]
				// Once the orphan has gone, its reaper has reaped it.
				require.Eventually(t, func() bool { return readFile("/proc/"+orphan+"/status") == nil }, pt.Patience, pt.Poll)
				p.Signal(syscall.SIGTERM)
				p.Wait()
				out := p.Stderr() + strings.Join(p.Stdout(), "\n")
				return strings.Contains(out, "pid="+orphan) || strings.Contains(out, "pid "+orphan)
			})
		})
	}
}

func TestDropInReapsOrphansWhileTheChildRuns(t *testing.T) {
	for _, tc := range []struct {
		tool string
		args []string
	}{
		{"tini", nil},
		{"dumb-init", nil},
		{"catatonit", nil},
	} {
		t.Run(tc.tool, func(t *testing.T) {
			t.Parallel()
			sameAsAnchor(t, tc.tool, 0, func(t *testing.T, bin string) int {
				argv := commandLine(bin, tc.args, pt.SigChild(t), "-orphans", "20", "-exit-on", "TERM=0")
				p := pt.Start(t, pt.Options{PID1: true}, argv...)
				p.WaitForLine("orphans")
				// The orphans exit at once; as PID 1 the init inherits each.
				require.Eventually(t, func() bool {
					return len(pt.ProcessTree(p.Pid())) == 2 && pt.Zombies(pt.ProcessTree(p.Pid())) == 0
				}, pt.Patience, pt.Poll, "zombies left: %v", pt.ProcessTree(p.Pid()))
				p.Signal(syscall.SIGTERM)
				return p.Wait()
			})
		})
	}
}
