//go:build engines

package engines

import (
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pt "github.com/pidone/pidone/integration/proctest"
)

// waitAll is pidone as PID 1 of a namespace, supervising a main child that
// leaves a background process waiting at the rest gate, then waits at the
// main gate and exits 5. The background process writes the done file when
// it ends on its own.
type waitAll struct {
	*sandbox
	main, rest *gate
	done       string
	mainPid    int
}

// startWaitAll starts initPath (pidone under some name) with its flags and
// env, and waits until both processes wait at their gates.
func startWaitAll(t *testing.T, initPath string, env []string, flags ...string) *waitAll {
	t.Helper()
	w := &waitAll{main: newGate(t), rest: newGate(t), done: filepath.Join(t.TempDir(), "done")}
	argv := append(append([]string{initPath}, flags...), "--", "/bin/sh", "-c",
		`(cat "$1" >/dev/null; echo finished >"$2") & cat "$3" >/dev/null; exit 5`,
		"sh", w.rest.path, w.done, w.main.path)
	w.sandbox = newSandbox(t, env, argv...)
	require.Eventually(t, func() bool {
		for pid, p := range w.children() {
			if p == "sh S" && count(w.descendants(pid), "cat") == 2 {
				w.mainPid, _ = strconv.Atoi(pid)
				return true
			}
		}
		return false
	}, patience, poll, "the main child and its background process never waited: %v", w.children())
	return w
}

// descendants lists the children of pid and theirs, each "name state".
func (w *waitAll) descendants(pid string) map[string]string {
	n, _ := strconv.Atoi(pid)
	procs := map[string]string{}
	for p, state := range pt.ProcessTree(n) {
		if p != n {
			if st := pt.Status(p); st != nil {
				procs[strconv.Itoa(p)] = st["Name"] + " " + state
			}
		}
	}
	return procs
}

// endMain lets the main child exit, and waits until pidone has reaped it.
func (w *waitAll) endMain(t *testing.T) {
	t.Helper()
	w.main.open(t, 1)
	require.Eventually(t, func() bool { return pt.Status(w.mainPid) == nil }, patience, poll,
		"the main child %d was never reaped", w.mainPid)
}

func (w *waitAll) finishedOnItsOwn() bool {
	_, err := os.Stat(w.done)
	return err == nil
}

func TestWaitAll(t *testing.T) {
	t.Parallel()
	t.Run("pidone exits after the last process, with the main child's code", func(t *testing.T) {
		t.Parallel()
		w := startWaitAll(t, pidone, nil, "--wait-all")
		w.endMain(t)
		assert.False(t, w.unshare.Exited(), "pidone waits for the rest")
		w.rest.open(t, 1)
		assert.Equal(t, 5, w.exitCode(), w.unshare.Stderr())
		assert.True(t, w.finishedOnItsOwn(), "the background process ended on its own")
	})
	t.Run("PIDONE_WAIT_ALL under docker-init's name", func(t *testing.T) {
		t.Parallel()
		w := startWaitAll(t, installedAs(t, "docker-init"), []string{"PIDONE_WAIT_ALL=1"})
		w.endMain(t)
		assert.False(t, w.unshare.Exited(), "docker-init waits for the rest")
		w.rest.open(t, 1)
		assert.Equal(t, 5, w.exitCode(), w.unshare.Stderr())
		assert.True(t, w.finishedOnItsOwn())
	})
	t.Run("a SIGTERM during the wait drains the rest", func(t *testing.T) {
		t.Parallel()
		w := startWaitAll(t, pidone, nil, "--wait-all")
		w.endMain(t)
		w.signal(syscall.SIGTERM)
		assert.Equal(t, 5, w.exitCode(), w.unshare.Stderr())
		assert.False(t, w.finishedOnItsOwn(), "the drain ended the background process")
	})
	t.Run("without it the rest is drained when the main child exits", func(t *testing.T) {
		t.Parallel()
		w := startWaitAll(t, pidone, nil)
		w.main.open(t, 1)
		assert.Equal(t, 5, w.exitCode(), w.unshare.Stderr())
		assert.False(t, w.finishedOnItsOwn())
	})
}
