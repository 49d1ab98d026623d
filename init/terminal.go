package supervisor

import "golang.org/x/sys/unix"

// terminal is how the child relates to the terminal on pidone's stdin.
type terminal int

const (
	noTerminal       terminal = iota // stdin is not pidone's controlling terminal: nothing to take
	ownTerminal                      // pidone leads the terminal's session (docker run -t): it lets go, the child's session takes it
	sharedForeground                 // a shell's terminal, pidone in the foreground: the child's group takes the foreground
	sharedBackground                 // a shell's terminal, pidone in the background: the child stays in the background
)

// probeTerminal looks at stdin before the child is started, because Go's
// Setctty and Foreground make the start fail when stdin is not a terminal,
// where pidone must carry on without one.
func probeTerminal() terminal {
	// TIOCGPGRP succeeds only on our own controlling terminal.
	foreground, err := ioctlGetPid(0, unix.TIOCGPGRP)
	if err != nil {
		return noTerminal
	}
	if session, err := ioctlGetPid(0, unix.TIOCGSID); err == nil && session == unix.Getpid() {
		return ownTerminal
	}
	if foreground == unix.Getpgrp() {
		return sharedForeground
	}
	return sharedBackground
}

// releaseTerminal gives up pidone's controlling terminal so that the child's
// new session can take it. As the session leader pidone makes the kernel
// send SIGHUP and SIGCONT to the terminal's foreground group, which is
// pidone's own group when it is there: the caller must not forward those two
// (dumb-init issue #136). It reports whether they are on their way.
func releaseTerminal() (hangupSent bool, err error) {
	foreground, _ := ioctlGetPid(0, unix.TIOCGPGRP)
	if err := unix.IoctlSetInt(0, unix.TIOCNOTTY, 0); err != nil {
		return false, err
	}
	return foreground == unix.Getpgrp(), nil
}

// ioctlGetPid reads the pid_t that TIOCGPGRP and TIOCGSID write. The
// kernel writes 32 bits: unix.IoctlGetInt would read them into a 64-bit
// int, which on a big-endian machine such as s390x puts the pid in the
// upper half (golang/go#60429). unix.IoctlGetUint32 reads exactly 32.
func ioctlGetPid(fd int, req uint) (int, error) {
	pid, err := unix.IoctlGetUint32(fd, req)
	return int(int32(pid)), err
}
