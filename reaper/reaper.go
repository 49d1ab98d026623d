// Package reaper collects the exit status of finished children, and of the
// orphans the kernel hands to PID 1 or to a child subreaper, so that none of
// them stays a zombie.
//
// The rule for a program that uses it: there is one reaper. Reap waits for
// any child, so any other wait on a child (os/exec's Cmd.Wait,
// os.Process.Wait, a second Reap loop) races it, and one of the two loses the
// status. Start children with syscall.ForkExec or os.StartProcess, call
// Process.Release on an os.Process, and learn how each child ended from what
// Reap passes on.
package reaper

import "golang.org/x/sys/unix"

// Exit is how one reaped process ended.
type Exit struct {
	Pid    int
	Status unix.WaitStatus
}

// signalExitOffset is the shell's convention: a process killed by signal N
// exits with 128+N.
const signalExitOffset = 128

// Code is the exit code a shell would report for the process: its own exit
// status, or 128+N when signal N killed it.
func (e Exit) Code() int {
	if e.Status.Signaled() {
		return signalExitOffset + int(e.Status.Signal())
	}
	return e.Status.ExitStatus()
}

// Reap waits for every child that has ended, without blocking, and passes
// each to reaped in the order the kernel gives them. running reports whether
// children remain that have not ended: false means this process has no
// child left. Nothing is kept per process, so a burst of thousands of
// orphans costs no memory.
func Reap(reaped func(Exit)) (running bool) {
	for {
		var status unix.WaitStatus
		pid, err := unix.Wait4(-1, &status, unix.WNOHANG, nil)
		switch {
		case err == unix.EINTR:
			// wait4 does not restart by itself when a signal handler runs,
			// and the Go runtime's handler runs often.
			continue
		case err != nil:
			// ECHILD: nothing left to wait for. Any other error means the
			// call itself is broken; there is nothing left we can reap.
			return false
		case pid == 0:
			return true
		}
		reaped(Exit{Pid: pid, Status: status})
	}
}
