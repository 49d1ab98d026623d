// Package hostcheck tells the tests which features of the host they need
// are missing, and why, so that a test that cannot run here is skipped with
// a reason the summary of make test shows, instead of failing or passing
// unseen. Each answer is found once per process: the host does not change
// under a test run.
package hostcheck

import (
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// NoPIDNamespace is why a new PID namespace cannot be had here (an
// unprivileged container, a kernel without them), or "" when it can.
var NoPIDNamespace = sync.OnceValue(func() string {
	cmd := exec.Command("true")
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: unix.CLONE_NEWPID}
	if err := cmd.Start(); err != nil {
		return "no PID namespace here: clone(CLONE_NEWPID): " + err.Error()
	}
	cmd.Wait()
	return ""
})

// NoTerminal is why no pseudo-terminal can be opened here (no /dev/ptmx,
// no devpts mounted), or "" when one can.
var NoTerminal = sync.OnceValue(func() string {
	fd, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return "no pseudo-terminal here: open /dev/ptmx: " + err.Error()
	}
	defer unix.Close(fd)
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		return "no pseudo-terminal here: unlock: " + err.Error()
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		return "no pseudo-terminal here: TIOCGPTN: " + err.Error()
	}
	if _, err := os.Stat("/dev/pts/" + strconv.Itoa(n)); err != nil {
		return "no pseudo-terminal here: " + err.Error()
	}
	return ""
})
