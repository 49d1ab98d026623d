//go:build linux && (386 || amd64 || arm || arm64 || ppc64le || riscv64 || s390x)

package supervisor

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/pidone/pidone/signals"
)

// This file holds the one kernel interface golang.org/x/sys/unix does not
// describe: it has no wrapper for rt_sigaction and no type for the struct
// it fills, so the struct and SIG_IGN are spelled out here, and nowhere
// else in pidone. The build constraint lists the architectures whose
// layout kernelSigaction follows: a build for any other (mips, whose
// struct starts with the flags) stops at "undefined: kernelSigaction"
// rather than read the wrong field. sigaction_test.go checks the layout
// against a running kernel; it passes on all seven (amd64 and 386 on an
// amd64 kernel, the other five under qemu-user).

// kernelSigaction is the kernel's struct sigaction as the Go runtime
// declares it for each of these architectures (sigactiont in
// runtime/defs_linux_*.go): the handler, the flags, the restorer, the
// mask. riscv64's kernel has no restorer, so there the struct is a word
// longer than the kernel writes, never shorter.
type kernelSigaction struct {
	handler  uintptr
	flags    uintptr
	restorer uintptr
	mask     uint64
}

// sigDfl and sigIgn are SIG_DFL and SIG_IGN as handler values.
const (
	sigDfl = 0
	sigIgn = 1
)

// sigsetBytes is the size of the kernel's sigset_t, which rt_sigaction
// insists on: one bit per signal.
const sigsetBytes = signals.Max / 8

// readSigaction reads the disposition of sig into old without changing it.
// The pointer becomes a uintptr inside the call to RawSyscall6, a function
// written in assembly, so Go keeps old alive and in place until the call
// returns (unsafe.Pointer rule 4).
func readSigaction(sig syscall.Signal, old *kernelSigaction) error {
	_, _, errno := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), 0,
		uintptr(unsafe.Pointer(old)), sigsetBytes, 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}

// ignoreSignal sets the disposition of sig to SIG_IGN, as rule 4 allows for
// readSigaction.
func ignoreSignal(sig syscall.Signal) error {
	ignore := kernelSigaction{handler: sigIgn}
	_, _, errno := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig),
		uintptr(unsafe.Pointer(&ignore)), 0, sigsetBytes, 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}
