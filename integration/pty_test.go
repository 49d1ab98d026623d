//go:build integration

package integration

import (
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"

	pt "github.com/pidone/pidone/integration/proctest"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// terminalSession is an attached `docker run -it` whose stdin, stdout and
// stderr are a pseudo-terminal the test holds the other side of, as a
// terminal emulator would.
type terminalSession struct {
	*client
	master      *os.File
	promptsUsed int // how many shell prompts the test has typed at
}

// attachTerminal starts `docker run -it` in a session of its own, with a
// new pseudo-terminal as its controlling terminal.
func attachTerminal(t *testing.T, parts ...[]string) *terminalSession {
	t.Helper()
	master, terminal := openPseudoTerminal(t)
	t.Cleanup(func() { master.Close() }) // after the client's own clean-up, which runs first
	s := &terminalSession{master: master}
	s.client = runClient(t, []string{"-i", "-t"}, func(cmd *exec.Cmd, _ *pt.Output) {
		cmd.Stdin, cmd.Stdout, cmd.Stderr = terminal, terminal, terminal
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	}, parts)
	terminal.Close() // the client holds it now; the master reads EIO once the client is gone
	go io.Copy(s.output, master)
	return s
}

// typeIn sends keystrokes, as a user types them.
func (s *terminalSession) typeIn(keys string) {
	s.T.Helper()
	_, err := s.master.Write([]byte(keys))
	require.NoError(s.T, err)
}

// waitForScreenLine waits until the terminal shows line, once the
// terminal's own echo of ^C and its escape sequences are taken out.
func (s *terminalSession) waitForScreenLine(line string) {
	s.T.Helper()
	require.Eventually(s.T, func() bool { return pt.HasLine(screen(s.output.String()), line) }, patience, poll,
		"the terminal never showed %q; it showed:\n%s", line, s.output.String())
}

// shellPrompt is what busybox sh shows when it waits for a command line.
const shellPrompt = "/ # "

// typeCommand waits for the next prompt of the shell, then types line and
// Enter. A shell may discard what was typed before it prompts, when it sets
// the terminal up for line editing.
func (s *terminalSession) typeCommand(line string) {
	s.T.Helper()
	require.Eventually(s.T, func() bool {
		shown := screen(s.output.String())
		return strings.Count(shown, shellPrompt) > s.promptsUsed && strings.HasSuffix(shown, shellPrompt)
	}, patience, poll, "the shell never prompted for %q; it showed:\n%s", line, s.output.String())
	s.promptsUsed++
	s.typeIn(line + "\r")
}

// waitForForegroundJob waits until a process running cmdline is in the
// foreground process group of its terminal, and not stopped: then the
// interrupt and suspend characters reach it.
func (s *terminalSession) waitForForegroundJob(cmdline string) {
	s.T.Helper()
	script := `for d in /proc/[0-9]*; do [ "$(tr '\0' ' ' < $d/cmdline)" = "` + cmdline + ` " ] && cat $d/stat; done`
	require.Eventually(s.T, func() bool {
		stat := s.Exec("sh", "-c", script+"; true")
		end := strings.LastIndexByte(stat, ')')
		if end < 0 {
			return false
		}
		// After the command name: state, ppid, pgrp, session, tty_nr, tpgid.
		f := strings.Fields(stat[end+1:])
		return len(f) > 5 && f[0] != "T" && f[2] == f[5]
	}, patience, poll, "%q never ran in the foreground", cmdline)
}

var escapeSequence = regexp.MustCompile(`\x1b\[[0-9;?]*[a-zA-Z]`)

func screen(output string) string {
	return strings.ReplaceAll(escapeSequence.ReplaceAllString(output, ""), "^C", "")
}

// openPseudoTerminal opens a new pseudo-terminal pair: the master, which
// the test reads and types into, and the terminal the client uses.
func openPseudoTerminal(t *testing.T) (master, terminal *os.File) {
	t.Helper()
	master, terminal = pt.OpenPTY(t)
	// Wide enough that no command line the test types wraps.
	require.NoError(t, unix.IoctlSetWinsize(int(terminal.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 40, Col: 250}))
	return master, terminal
}
