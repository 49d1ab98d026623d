package reaper

import (
	"syscall"
	"unsafe"
)

// prctl options, the same on every Linux architecture. They are spelled
// out here because package syscall lacks them on some architectures, and
// golang.org/x/sys/unix would more than double the size of this package's
// users for two numbers.
const (
	prSetChildSubreaper = 36
	prGetChildSubreaper = 37
)

// BecomeSubreaper makes this process a child subreaper: orphans among its
// descendants are reparented to it rather than to PID 1, so a supervisor
// that is not PID 1 can still reap them.
func BecomeSubreaper() error {
	return prctl(prSetChildSubreaper, 1)
}

// IsSubreaper reports whether this process is a child subreaper.
func IsSubreaper() (bool, error) {
	var flag int32
	err := prctl(prGetChildSubreaper, uintptr(unsafe.Pointer(&flag)))
	return flag != 0, err
}

func prctl(option int, arg uintptr) error {
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, uintptr(option), arg, 0); errno != 0 {
		return errno
	}
	return nil
}
