package supervisor

import (
	"strings"
	"syscall"
)

// Environ is pidone's environment exactly as the kernel handed it over, for
// the child to get unchanged but for pidone's own variables: every entry in
// order, a name given twice both times, an entry without "=" as it is.
// syscall.Environ will not do: it drops the later of two entries of one
// name. Without /proc, it is the fallback.
func Environ() []string {
	data := readSmallFile("/proc/self/environ")
	if len(data) == 0 {
		return syscall.Environ()
	}
	return strings.Split(strings.TrimSuffix(string(data), "\x00"), "\x00")
}
