// Command go-floor is the least a Go init can be with the APIs Go
// supports, the floor make bench measures pidone against: it asks
// os/signal for every catchable signal on one channel, starts its command
// in a new session, forwards each signal to the command's process group,
// reaps every child with wait4 and WNOHANG, and exits with the command's
// code. It has no options, no log, no drain, no timers and no checks.
//
// It runs on one processor, as pidone does: a supported setting that
// costs a Go init nothing and saves it a thread (bench/FINDINGS.md). So
// what it costs is the price of the Go runtime and of os/signal, and
// whatever pidone costs above it is pidone's own.
//
//	go-floor -- command [args...]
package main

import (
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/pidone/pidone/signals"
)

func main() {
	runtime.GOMAXPROCS(1)
	args := os.Args
	switch {
	case len(args) == 2 && args[1] == "--version":
		unix.Write(1, []byte("go-floor (bench/floor), "+runtime.Version()+"\n"))
		return
	case len(args) < 3 || args[1] != "--":
		unix.Write(2, []byte("usage: go-floor -- command [args...]\n"))
		unix.Exit(2)
	}
	argv := args[2:]

	// Room for every signal several times over: os/signal drops a signal
	// when the channel is full.
	arrived := make(chan os.Signal, 4*signals.Max)
	for _, sig := range signals.Catchable() {
		signal.Notify(arrived, sig)
	}
	child, err := syscall.ForkExec(argv[0], argv, &syscall.ProcAttr{
		Env:   os.Environ(),
		Files: []uintptr{0, 1, 2},
		Sys:   &syscall.SysProcAttr{Setsid: true},
	})
	if err != nil {
		unix.Exit(127)
	}
	for sig := range arrived {
		if sig != syscall.SIGCHLD {
			unix.Kill(-child, sig.(syscall.Signal))
			continue
		}
		for {
			var status unix.WaitStatus
			pid, err := unix.Wait4(-1, &status, unix.WNOHANG, nil)
			if err == unix.EINTR {
				continue
			}
			if err != nil || pid == 0 {
				break
			}
			if pid == child {
				if status.Signaled() {
					unix.Exit(128 + int(status.Signal()))
				}
				unix.Exit(status.ExitStatus())
			}
		}
	}
}
