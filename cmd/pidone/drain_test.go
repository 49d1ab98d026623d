package main_test

import (
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pt "github.com/pidone/pidone/integration/proctest"
)

// ignoringTERM makes the next background command of a shell script ignore
// SIGTERM from its first instant, which a trap inside it could not: the
// drain may reach it before it runs a single command.
const ignoringTERM = `trap "" TERM; `

func TestDrainsWhatTheChildLeavesBehind(t *testing.T) {
	pidone := pt.Pidone(t)

	t.Run("a process that ignores SIGTERM is killed after the grace period", func(t *testing.T) {
		p := pt.Start(t, pt.Options{PID1: true}, pidone, "-v", "--grace", "1s", "--",
			"sh", "-c", ignoringTERM+`sleep 1000 & trap - TERM; exit 5`)
		assert.Equal(t, 5, p.Wait(), "pidone exits with the main child's code")
		assert.Contains(t, p.Stderr(), "grace period over, sending SIGKILL")
	})
	t.Run("a process that exits on SIGTERM ends the drain at once", func(t *testing.T) {
		// The grace period is far longer than the test waits: only an
		// early end of the drain lets Wait return.
		p := pt.Start(t, pt.Options{PID1: true}, pidone, "-v", "--grace", "1h", "--",
			"sh", "-c", `sleep 1000 & exit 5`)
		assert.Equal(t, 5, p.Wait())
		assert.NotContains(t, p.Stderr(), "grace period over")
	})
	t.Run("grace 0 kills at once", func(t *testing.T) {
		p := pt.Start(t, pt.Options{PID1: true}, pidone, "-v", "--grace", "0", "--",
			"sh", "-c", ignoringTERM+`sleep 1000 & trap - TERM; exit 5`)
		assert.Equal(t, 5, p.Wait())
		assert.Contains(t, p.Stderr(), "killing what is left")
	})
	t.Run("nothing left: no drain at all", func(t *testing.T) {
		p := pt.Start(t, pt.Options{PID1: true}, pidone, "-v", "--", "true")
		assert.Equal(t, 0, p.Wait())
		assert.NotContains(t, p.Stderr(), "main child gone")
	})
	t.Run("not PID 1: a daemon that left the session is killed too", func(t *testing.T) {
		p := pt.Start(t, pt.Options{}, pidone, "--grace", "1s", "--",
			"sh", "-c", `setsid sh -c 'trap "" TERM; echo daemon $$; exec sleep 1000' & sleep 1000 & wait`)
		daemon, _ := strconv.Atoi(p.WaitForLine("daemon")[len("daemon "):])
		assert.True(t, pt.Alive(daemon))
		p.Signal(15)
		assert.Equal(t, 143, p.Wait())
		assert.False(t, pt.Alive(daemon), "the daemon should be gone with pidone")
	})
}

func TestTheDrainSendsNoSecondSIGTERM(t *testing.T) {
	// A wrapper shell exits on SIGTERM; its server, in the same group,
	// counts each SIGTERM and keeps cleaning up until the daemon, which left
	// the group and never had the stop signal, has had its first. After the wrapper's exit, the
	// server must get no second SIGTERM, the daemon its first. The wrapper
	// sends pidone the stop signal itself once both are ready, and exits
	// only once the server has handled it, so that a second SIGTERM cannot
	// merge with the first.
	script := func(log string) string {
		return `server() { trap 'echo server TERM >>` + log + `' TERM; echo ready >>` + log + `; until grep -q daemon ` + log + `; do sleep 0.01; done; }
daemon() { trap 'echo daemon TERM >>` + log + `; exit 0' TERM; echo ready >>` + log + `; while :; do sleep 0.01; done; }
server & export -f daemon; setsid bash -c daemon &
trap 'until grep -q "server TERM" ` + log + `; do sleep 0.01; done; exit 0' TERM
until [ "$(grep -c ready ` + log + `)" = 2 ]; do sleep 0.01; done
kill -TERM $PPID
while :; do sleep 0.01; done`
	}
	for _, tc := range []struct {
		name string
		// init runs pidone: as PID 1 of a PID namespace with its own
		// /proc, which sparing the group reads, or as a plain process.
		init []string
	}{
		{"as PID 1", []string{"unshare", "--pid", "--fork", "--mount-proc"}},
		{"not PID 1", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log := filepath.Join(t.TempDir(), "log")
			argv := append(tc.init, pt.Pidone(t), "--grace", "10m", "--", "bash", "-c", script(log))
			if tc.init != nil {
				path, err := exec.LookPath(argv[0])
				require.NoError(t, err)
				argv[0] = path
			}
			p := pt.Start(t, pt.Options{}, argv...)
			assert.Equal(t, 0, p.Wait())
			assert.ElementsMatch(t, []string{"ready", "ready", "server TERM", "daemon TERM"}, fileLines(log),
				"one SIGTERM each: the server's from the stop signal, the daemon's from the drain")
		})
	}
}
