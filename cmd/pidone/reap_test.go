package main_test

import (
	"os"
	"path/filepath"
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

// pidsCgroup makes a cgroup of its own with the pids limit given, or skips
// the test saying why it cannot: it needs cgroup v1's pids hierarchy,
// writable (root, and not inside a container that hides it).
func pidsCgroup(t *testing.T, limit int) string {
	root := "/sys/fs/cgroup/pids"
	if _, err := os.Stat(filepath.Join(root, "cgroup.procs")); err != nil {
		t.Skip("no cgroup v1 pids hierarchy at " + root + " to set a pids limit in")
	}
	dir, err := os.MkdirTemp(root, "pidone-test-")
	if err != nil {
		t.Skip("cannot make a pids cgroup: " + err.Error())
	}
	t.Cleanup(func() { os.Remove(dir) })
	require.NoError(t, os.WriteFile(filepath.Join(dir, "pids.max"), []byte(strconv.Itoa(limit)), 0o644))
	return dir
}

// underPidsLimit runs pidone -- args as the first task of a cgroup limited
// to limit tasks, and returns its exit code and stderr.
func underPidsLimit(t *testing.T, limit int, args ...string) (int, string) {
	dir := pidsCgroup(t, limit)
	p := pt.Start(t, pt.Options{}, append([]string{"/bin/sh", "-c", `echo $$ >"$1/cgroup.procs" && shift && exec "$@"`,
		"sh", dir, pt.Pidone(t), "--"}, args...)...)
	return p.Wait(), p.Stderr()
}

func TestPidsLimits(t *testing.T) {
	t.Run("ten tasks hold pidone's threads and a command", func(t *testing.T) {
		for range 10 {
			code, stderr := underPidsLimit(t, 10, "true")
			require.Equal(t, 0, code, stderr)
		}
	})
	t.Run("a tighter limit is one line and exit 1, not the runtime's trace", func(t *testing.T) {
		for _, limit := range []int{5, 9} {
			code, stderr := underPidsLimit(t, limit, "true")
			assert.Equal(t, 1, code)
			assert.Equal(t, 1, strings.Count(stderr, "\n"), stderr)
			assert.True(t, strings.HasPrefix(stderr, "[pidone] cannot run: the pids limit of "+strconv.Itoa(limit)+" leaves room for "), stderr)
		}
	})
}
