package supervisor

import (
	"syscall"
	"unsafe"
)

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
	foreground, err := ioctlGetInt(0, syscall.TIOCGPGRP)
	if err != nil {
		return noTerminal
	}
	if session, err := ioctlGetInt(0, syscall.TIOCGSID); err == nil && session == syscall.Getpid() {
		return ownTerminal
	}
	if foreground == syscall.Getpgrp() {
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
	foreground, _ := ioctlGetInt(0, syscall.TIOCGPGRP)
	if err := ioctl(0, syscall.TIOCNOTTY, 0); err != nil {
		return false, err
	}
	return foreground == syscall.Getpgrp(), nil
}

// ioctlGetInt and ioctl are the two terminal calls pidone makes, written
// against package syscall: golang.org/x/sys/unix would pull in package time
// and reflect, 120 KB, for them.
func ioctlGetInt(fd int, req uintptr) (int, error) {
	var value int32
	err := ioctl(fd, req, uintptr(unsafe.Pointer(&value)))
	return int(value), err
}

func ioctl(fd int, req, arg uintptr) error {
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), req, arg); errno != 0 {
		return errno
	}
	return nil
}
