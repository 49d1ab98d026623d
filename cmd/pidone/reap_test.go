package main_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pt "github.com/pidone/pidone/integration/proctest"
)

const orphanCount = 200

// orphanPids reads the pids from sigchild's "orphans" line.
func orphanPids(line string) []int {
	var pids []int
	for _, f := range strings.Fields(strings.TrimPrefix(line, "orphans")) {
		n, _ := strconv.Atoi(f)
		pids = append(pids, n)
	}
	return pids
}

func TestReapsOrphansAsPID1(t *testing.T) {
	child := pt.SigChild(t)

	t.Run("without pidone, orphans of a PID 1 that never waits stay zombies", func(t *testing.T) {
		p := pt.Start(t, pt.Options{PID1: true}, child, "-orphans", strconv.Itoa(orphanCount))
		p.WaitForLine("orphans")
		// The shells reap some orphans themselves, as many as the race
		// gives them; the rest exit and stay zombies of PID 1.
		require.Eventually(t, func() bool {
			procs := pt.ProcessTree(p.Pid())
			return pt.Zombies(procs) == len(procs)-1
		}, pt.Patience, pt.Poll, "every orphan should exit")
		assert.NotZero(t, pt.Zombies(pt.ProcessTree(p.Pid())))
	})
	t.Run("with pidone, none is left", func(t *testing.T) {
		p := pt.Start(t, pt.Options{PID1: true}, pt.Pidone(t), "--", child, "-orphans", strconv.Itoa(orphanCount))
		assert.Len(t, orphanPids(p.WaitForLine("orphans")), orphanCount)
		require.Eventually(t, func() bool {
			procs := pt.ProcessTree(p.Pid())
			return len(procs) == 2 && pt.Zombies(procs) == 0 // pidone and sigchild
		}, pt.Patience, pt.Poll, "every orphan should be reaped: %v", pt.ProcessTree(p.Pid()))
	})
}

func TestReapsOrphansAsSubreaperWhenNotPID1(t *testing.T) {
	p := pt.Start(t, pt.Options{}, pt.Pidone(t), "-v", "--", pt.SigChild(t), "-orphans", "1", "-orphan-cmd", "exec sleep 1000")
	orphan := orphanPids(p.WaitForLine("orphans"))[0]
	require.Eventually(t, func() bool {
		return pt.Status(orphan)["PPid"] == strconv.Itoa(p.Pid())
	}, pt.Patience, pt.Poll, "the orphan should be reparented to pidone")
	assert.Contains(t, p.Stderr(), "[pidone] not PID 1: reaping orphans as a child subreaper\n")
}

func TestQuietByDefault(t *testing.T) {
	t.Run("as PID 1", func(t *testing.T) {
		p := pt.Start(t, pt.Options{PID1: true}, pt.Pidone(t), "--", "sh", "-c", "sleep 0 & true")
		assert.Equal(t, 0, p.Wait())
		assert.Empty(t, p.Stderr())
	})
	t.Run("not PID 1, where it says so only at -v", func(t *testing.T) {
		p := pt.Start(t, pt.Options{}, pt.Pidone(t), "--", "true")
		assert.Equal(t, 0, p.Wait())
		assert.Empty(t, p.Stderr())
	})
}
