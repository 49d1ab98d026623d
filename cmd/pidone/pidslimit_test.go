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
