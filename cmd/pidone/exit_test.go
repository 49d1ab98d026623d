package main_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pt "github.com/pidone/pidone/integration/proctest"
)

func TestExitsWithChildStatus(t *testing.T) {
	pidone := pt.Pidone(t)
	for _, tc := range []struct {
		name   string
		script string
		want   int
	}{
		{"exit 0 exits 0", "exit 0", 0},
		{"exit 7 exits 7", "exit 7", 7},
		{"killed by SIGKILL exits 137", "kill -KILL $$", 137},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := pt.Start(t, pt.Options{PID1: true}, pidone, "--", "sh", "-c", tc.script)
			assert.Equal(t, tc.want, p.Wait())
		})
	}
}

func TestSIGTERMToPID1(t *testing.T) {
	pidone, child := pt.Pidone(t), pt.SigChild(t)

	t.Run("without pidone, PID 1 with no handler ignores SIGTERM", func(t *testing.T) {
		// The negative control: the kernel drops a default-action signal
		// sent to PID 1 from inside its namespace... and from its parent
		// namespace too, unless it is SIGKILL or SIGSTOP.
		p := pt.Start(t, pt.Options{PID1: true}, "/bin/sleep", "1000")
		require.Eventually(t, func() bool { return pt.Alive(p.Pid()) }, pt.Patience, pt.Poll)
		p.Signal(syscall.SIGTERM)
		p.Signal(syscall.SIGKILL)
		assert.Equal(t, 137, p.Wait(), "SIGTERM should have been dropped, SIGKILL ends it")
	})
	t.Run("a child that does not handle it dies of it: 143", func(t *testing.T) {
		p := pt.Start(t, pt.Options{PID1: true}, pidone, "--", "sleep", "1000")
		require.Eventually(t, func() bool { return len(pt.ProcessTree(p.Pid())) == 2 }, pt.Patience, pt.Poll)
		p.Signal(syscall.SIGTERM)
		assert.Equal(t, 143, p.Wait())
	})
	t.Run("a child that handles it exits with its own code", func(t *testing.T) {
		p := pt.Start(t, pt.Options{PID1: true}, pidone, "--", child, "-exit-on", "TERM=3")
		p.WaitForLine("ready")
		p.Signal(syscall.SIGTERM)
		assert.Equal(t, 3, p.Wait())
		assert.Contains(t, p.Stdout(), "signal SIGTERM")
	})
}

func TestStartFailures(t *testing.T) {
	pidone := pt.Pidone(t)
	notExecutable := filepath.Join(t.TempDir(), "script")
	require.NoError(t, os.WriteFile(notExecutable, []byte("#!/bin/sh\n"), 0o644))
	for _, tc := range []struct {
		name    string
		argv    []string
		code    int
		message string
	}{
		{"missing command exits 127", []string{"no-such-command"}, 127, "[pidone] cannot run no-such-command: command not found\n"},
		{"missing path exits 127", []string{"/no/such/file"}, 127, "[pidone] cannot run /no/such/file: no such file or directory\n"},
		{"file without execute permission exits 126", []string{notExecutable}, 126, "[pidone] cannot run " + notExecutable + ": permission denied\n"},
		{"directory exits 126", []string{"/"}, 126, "[pidone] cannot run /: permission denied\n"},
		{"unknown flag exits 1", []string{"-x", "true"}, 1, "[pidone] unknown option -x (see pidone -h)\n"},
		{"bad rewrite exits 1", []string{"-r", "TERM:NOPE", "true"}, 1, "[pidone] rewrite rule \"TERM:NOPE\": unknown signal \"NOPE\" (see pidone -h)\n"},
		{"bad grace exits 1", []string{"--grace", "soon", "true"}, 1, "[pidone] option --grace: \"soon\" is not a duration (like 500ms, 5s, 1m30s, or plain seconds) (see pidone -h)\n"},
		{"no command exits 1", []string{}, 1, "[pidone] no command given (see pidone -h)\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := pt.Start(t, pt.Options{}, append([]string{pidone}, tc.argv...)...)
			assert.Equal(t, tc.code, p.Wait())
			assert.Equal(t, tc.message, p.Stderr())
		})
	}
}
