package main

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

func TestEveryInstalledNameSelectsItsPersonality(t *testing.T) {
	for _, row := range installedAs {
		for _, argv0 := range []string{row.name, "/sbin/" + row.name, "/run/" + row.name} {
			assert.Same(t, row.personality, personalityOf(argv0), argv0)
		}
	}
	for _, other := range []string{"/usr/bin/tini.old", "/opt/dumb-init/init", "init", "", "/"} {
		assert.Same(t, &pidonePersonality, personalityOf(other), "%q gets pidone's own behaviour", other)
	}
}

// The behaviour an engine relies on, for every row of installedAs: the
// engine picks the name, and pidone's extras must work under each.
func TestEveryInstalledNameInAnInitSlot(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode: every name waits out its stop timeout and its grace period")
	}
	// The cases run side by side: most wait out a timer or a sleep.
	child := pt.SigChild(t)
	for _, row := range installedAs {
		bin := pt.PidoneAs(t, row.name)
		if row.personality == &pausePersonality {
			t.Run(row.name+": pauses without a command, reaps, exits 0 on SIGTERM", func(t *testing.T) {
				t.Parallel()
				pauses(t, bin)
			})
			continue
		}
		t.Run(row.name+": exits with the child's code", func(t *testing.T) {
			t.Parallel()
			p := pt.Start(t, pt.Options{PID1: true}, bin, "--", "sh", "-c", "exit 3")
			assert.Equal(t, 3, p.Wait())
		})
		t.Run(row.name+": PIDONE_STOP_TIMEOUT kills a child that ignores SIGTERM", func(t *testing.T) {
			t.Parallel()
			p := pt.Start(t, pt.Options{PID1: true, Env: []string{"PIDONE_STOP_TIMEOUT=1s"}}, bin, "--", child)
			p.WaitForLine("ready")
			p.Signal(syscall.SIGTERM)
			p.WaitForLine("signal SIGTERM")
			assert.Equal(t, 128+int(syscall.SIGKILL), p.Wait())
		})
		t.Run(row.name+": PIDONE_WAIT_ALL waits for what the child left running", func(t *testing.T) {
			t.Parallel()
			done := filepath.Join(t.TempDir(), "done")
			p := pt.Start(t, pt.Options{PID1: true, Env: []string{"PIDONE_WAIT_ALL=1", "DONE=" + done}},
				bin, "--", "sh", "-c", `(sleep 1; echo finished >"$DONE") & exit 3`)
			assert.Equal(t, 3, p.Wait(), "the main child's code")
			out, err := os.ReadFile(done)
			require.NoError(t, err, "the background job was not allowed to finish")
			assert.Equal(t, "finished\n", string(out))
		})
		t.Run(row.name+": the child's variables are its own", func(t *testing.T) {
			t.Parallel()
			p := pt.Start(t, pt.Options{Env: []string{"PIDONE_GRACE=3s", "KEEP=1"}}, bin, "--", "sh", "-c", `echo "${PIDONE_GRACE-unset} ${KEEP-unset}"`)
			require.Equal(t, 0, p.Wait())
			assert.Equal(t, []string{"unset 1"}, p.Stdout(), "PIDONE_* are pidone's, the rest the child's")
		})
		t.Run(row.name+": hands socket-activated descriptors on with LISTEN_PID naming the child", func(t *testing.T) {
			t.Parallel()
			p := pt.Start(t, pt.Options{}, "/bin/sh", "-c", `exec 3</dev/null; LISTEN_FDS=1 LISTEN_PID=$$ exec "$1" -- sh -c '
				[ "$LISTEN_PID" = $$ ] && [ -e /proc/$$/fd/3 ] && echo own || echo other'`, "sh", bin)
			require.Equal(t, 0, p.Wait(), "stderr: %s", p.Stderr())
			assert.Equal(t, []string{"own"}, p.Stdout())
		})
	}
	t.Run("pidone -P pauses as catatonit -P does", func(t *testing.T) {
		t.Parallel()
		pauses(t, pt.PidoneAs(t, "pidone"), "-P")
	})
}

// pauses checks bin as a pod's sandbox: PID 1 of a namespace that other
// processes join, it runs no command, reaps the orphans that come to it,
// and exits 0 on SIGTERM.
func pauses(t *testing.T, bin string, args ...string) {
	p := pt.Start(t, pt.Options{PID1: true, Env: []string{"PIDONE_VERBOSE=1"}}, append([]string{bin}, args...)...)
	p.WaitForStderr("pausing until SIGINT or SIGTERM")
	// An orphan in the sandbox's namespace: a shell that nsenter starts
	// there leaves a sleep behind, which goes to the namespace's PID 1.
	joined := pt.Start(t, pt.Options{}, "nsenter", "--target", strconv.Itoa(p.Pid()), "--pid", "--", "sh", "-c", "sleep 2 &")
	require.Equal(t, 0, joined.Wait(), "stderr: %s", joined.Stderr())
	require.Eventually(t, func() bool { return len(pt.ProcessTree(p.Pid())) == 2 },
		pt.Patience, pt.Poll, "the orphan comes to the sandbox")
	require.Eventually(t, func() bool { return len(pt.ProcessTree(p.Pid())) == 1 },
		pt.Patience, pt.Poll, "the orphan ends and is reaped, leaving no zombie")
	p.Signal(syscall.SIGUSR1)
	p.Signal(syscall.SIGTERM)
	assert.Equal(t, 0, p.Wait())
}
