package reaper

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// BecomeSubreaper makes this process a child subreaper: orphans among its
// descendants are reparented to it rather than to PID 1, so a supervisor
// that is not PID 1 can still reap them.
func BecomeSubreaper() error {
	return unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
}

// IsSubreaper reports whether this process is a child subreaper.
func IsSubreaper() (bool, error) {
	var flag int32
	err := unix.Prctl(unix.PR_GET_CHILD_SUBREAPER, uintptr(unsafe.Pointer(&flag)), 0, 0, 0)
	return flag != 0, err
}
