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
	// The kernel writes a C int through the pointer: flag is 32 bits, so
	// the value lands right on big-endian machines too. The pointer turns
	// into a uintptr inside the call to RawSyscall, a function written in
	// assembly, for which Go keeps flag alive and in place until the call
	// returns (unsafe.Pointer rule 4). unix.Prctl is Go code and gives no
	// such promise for a pointer passed to it as a uintptr.
	var flag int32
	_, _, errno := unix.RawSyscall(unix.SYS_PRCTL, unix.PR_GET_CHILD_SUBREAPER, uintptr(unsafe.Pointer(&flag)), 0)
	if errno != 0 {
		return false, errno
	}
	return flag != 0, nil
}
