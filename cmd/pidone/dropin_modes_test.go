package main_test

import (
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	pt "github.com/pidone/pidone/integration/proctest"
)

func TestDropInCatatonitPauseMode(t *testing.T) {
	// catatonit -P is a pod's infrastructure container: no command, and it
	// lives until SIGINT or SIGTERM, which end it with 0. Other signals
	// have no one to go to and are ignored.
	for _, tc := range []struct {
		name string
		end  syscall.Signal
	}{
		{"ignores SIGUSR1 and SIGHUP, exits 0 on SIGTERM", syscall.SIGTERM},
		{"ignores SIGUSR1 and SIGHUP, exits 0 on SIGINT", syscall.SIGINT},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sameAsAnchor(t, "catatonit", 0, func(t *testing.T, bin string) int {
				// Wait until each listens: catatonit once it blocks every
				// signal for its signalfd, pidone once it says so (the Go
				// runtime catches every signal from the start, before
				// pidone asks for them).
				p := pt.Start(t, pt.Options{PID1: true, Env: []string{"CATATONIT_DEBUG=1"}}, bin, "-P")
				if strings.HasPrefix(bin, "/usr/bin/") {
					require.Eventually(t, func() bool {
						st := pt.Status(p.Pid())
						return st != nil && st["SigBlk"] != "0000000000000000"
					}, pt.Patience, pt.Poll)
				} else {
					p.WaitForStderr("pausing until SIGINT or SIGTERM")
				}
				p.Signal(syscall.SIGUSR1)
				p.Signal(syscall.SIGHUP)
				p.Signal(tc.end)
				return p.Wait()
			})
		})
	}
}

// logs is where an init's log lines went.
type logs struct {
	Stdout bool
	Stderr bool
}

func TestDropInVerbosity(t *testing.T) {
	run := func(env []string, args ...string) func(t *testing.T, bin string) logs {
		return func(t *testing.T, bin string) logs {
			p := pt.Start(t, pt.Options{PID1: true, Env: env}, commandLine(bin, args, "true")...)
			require.Equal(t, 0, p.Wait())
			return logs{Stdout: len(p.Stdout()) > 0, Stderr: p.Stderr() != ""}
		}
	}
	quiet, toStderr := logs{}, logs{Stderr: true}
	for _, tc := range []struct {
		name string
		tool string
		env  []string
		args []string
		want logs
	}{
		{"tini is quiet by default", "tini", nil, nil, quiet},
		{"tini with TINI_VERBOSITY=0 -vvv is quiet: the variable wins", "tini", []string{"TINI_VERBOSITY=0"}, []string{"-vvv"}, quiet},
		{"tini with TINI_VERBOSITY=abc -vvv is quiet: junk reads as 0", "tini", []string{"TINI_VERBOSITY=abc"}, []string{"-vvv"}, quiet},
		{"dumb-init is quiet by default", "dumb-init", nil, nil, quiet},
		{"dumb-init -v logs to stderr", "dumb-init", nil, []string{"-v"}, toStderr},
		{"dumb-init with DUMB_INIT_DEBUG=1 logs to stderr", "dumb-init", []string{"DUMB_INIT_DEBUG=1"}, nil, toStderr},
		{"dumb-init with DUMB_INIT_DEBUG=0 is quiet", "dumb-init", []string{"DUMB_INIT_DEBUG=0"}, nil, quiet},
		{"catatonit is quiet by default", "catatonit", nil, nil, quiet},
		{"catatonit with CATATONIT_DEBUG logs to stderr", "catatonit", []string{"CATATONIT_DEBUG=1"}, nil, toStderr},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sameAsAnchor(t, tc.tool, tc.want, run(tc.env, tc.args...))
		})
	}
	t.Run("tini -vv logs its lifecycle to stdout; pidone to stderr", func(t *testing.T) {
		// tini writes its INFO and DEBUG lines to stdout, into the
		// output of the command it runs; pidone keeps stdout the child's.
		betterThanAnchor(t, "tini", logs{Stdout: true}, toStderr, "stdout belongs to the child", run(nil, "-vv"))
	})
	t.Run("dumb-init's log lines start with [dumb-init]", func(t *testing.T) {
		sameAsAnchor(t, "dumb-init", true, func(t *testing.T, bin string) bool {
			p := pt.Start(t, pt.Options{PID1: true}, bin, "-v", "true")
			p.Wait()
			for _, line := range strings.Split(strings.TrimSpace(p.Stderr()), "\n") {
				if !strings.HasPrefix(line, "[dumb-init] ") {
					return false
				}
			}
			return true
		})
	})
}
