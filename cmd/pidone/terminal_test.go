package main_test

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pt "github.com/pidone/pidone/integration/proctest"
)

// controllingTTY reads tty_nr, the controlling terminal, from
// /proc/PID/stat: 0 means none.
func controllingTTY(t *testing.T, pid int) int {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	require.NoError(t, err)
	fields := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+2:]))
	tty, _ := strconv.Atoi(fields[4]) // state ppid pgrp session tty_nr
	return tty
}

func TestTheChildTakesTheTerminal(t *testing.T) {
	child := pt.SigChild(t)

	t.Run("as PID 1 leading the terminal's session, pidone hands it to the child's session", func(t *testing.T) {
		master, slave := pt.OpenPTY(t)
		p := pt.Start(t, pt.Options{PID1: true, Terminal: true, Stdin: slave}, pt.Pidone(t), "--", child)
		ready := p.WaitForLine("ready")
		assert.Equal(t, pt.Field(ready, "pid"), pt.Field(ready, "sid"), "the child leads a session of its own")

		childPid := 0
		for pid := range pt.ProcessTree(p.Pid()) {
			if pid != p.Pid() {
				childPid = pid
			}
		}
		require.NotZero(t, childPid)
		assert.NotZero(t, controllingTTY(t, childPid), "the child has a controlling terminal")
		assert.Zero(t, controllingTTY(t, p.Pid()), "pidone let go of it")
		assert.Equal(t, childPid, pt.ForegroundGroup(master), "the child's group is in the foreground")

		// Letting go of the terminal makes the kernel send SIGHUP and
		// SIGCONT to pidone's group: they are not the child's (dumb-init #136).
		p.Signal(syscall.SIGUSR1)
		p.WaitForLine("signal SIGUSR1")
		assert.NotContains(t, p.Stdout(), "signal SIGHUP")
		assert.NotContains(t, p.Stdout(), "signal SIGCONT")

		t.Run("and later ones are forwarded as usual", func(t *testing.T) {
			p.Signal(syscall.SIGHUP)
			p.WaitForLine("signal SIGHUP")
		})
	})
	t.Run("without a terminal nothing fails and the child has none", func(t *testing.T) {
		p := pt.Start(t, pt.Options{PID1: true}, pt.Pidone(t), "--", child, "-exit-on", "USR1=0")
		ready := p.WaitForLine("ready")
		assert.Equal(t, pt.Field(ready, "pid"), pt.Field(ready, "sid"))
		for pid := range pt.ProcessTree(p.Pid()) {
			assert.Zero(t, controllingTTY(t, pid))
		}
		p.Signal(syscall.SIGUSR1)
		assert.Equal(t, 0, p.Wait())
	})
}
