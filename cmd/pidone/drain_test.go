package main_test

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"

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
