package proctest

import (
	"os"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/pidone/pidone/internal/hostcheck"
)

// OpenPTY opens a new pseudo-terminal and returns its master and slave
// ends, closed when the test ends.
func OpenPTY(t testing.TB) (master, slave *os.File) {
	t.Helper()
	if why := hostcheck.NoTerminal(); why != "" {
		t.Skip(why)
	}
	fd, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	require.NoError(t, err, "open /dev/ptmx")
	master = os.NewFile(uintptr(fd), "/dev/ptmx")
	require.NoError(t, unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0), "unlock pty")
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	require.NoError(t, err, "pty number")
	slave, err = os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	require.NoError(t, err, "open pty slave")
	t.Cleanup(func() {
		master.Close()
		slave.Close()
	})
	return master, slave
}

// ForegroundGroup is the foreground process group of the terminal whose
// master end is master.
func ForegroundGroup(master *os.File) int {
	pgrp, err := unix.IoctlGetInt(int(master.Fd()), unix.TIOCGPGRP)
	if err != nil {
		return -1
	}
	return pgrp
}
