// Command go-floor is the least a Go init can be, the floor pidone-bench
// measures pidone against: it asks the runtime for every catchable signal,
// starts its command in a new session, forwards each signal to the
// command's process group, reaps every child, and exits with the command's
// code. It has no options, no log, no drain, no timers and no checks.
//
// It reads signals the way pidone does (the runtime's queue, read on the
// main thread, an idle thread parked in the poller), the cheapest way
// measured (bench/FINDINGS.md). So what it costs is the price of the Go
// runtime, and whatever pidone costs above it is pidone's own.
//
//	go-floor -- command [args...]
package main

import (
	"runtime"
	"syscall"
	_ "unsafe" // for go:linkname

	"github.com/pidone/pidone/signals"
)

//go:linkname signalEnable os/signal.signal_enable
func signalEnable(sig uint32)

//go:linkname signalRecv os/signal.signal_recv
func signalRecv() uint32

//go:linkname runtimeSleep time.Sleep
func runtimeSleep(ns int64)

//go:linkname runtimeArgs os.runtime_args
func runtimeArgs() []string

func init() {
	runtime.LockOSThread()
}

func main() {
	args := runtimeArgs()
	switch {
	case len(args) == 2 && args[1] == "--version":
		syscall.Write(1, []byte("go-floor (bench/floor), "+runtime.Version()+"\n"))
		return
	case len(args) < 3 || args[1] != "--":
		syscall.Write(2, []byte("usage: go-floor -- command [args...]\n"))
		syscall.Exit(2)
	}
	argv := args[2:]
	enabled := make(chan struct{})
	go func() {
		for _, sig := range signals.Catchable() {
			signalEnable(uint32(sig))
		}
		close(enabled)
	}()
	<-enabled
	go runtimeSleep(1<<63 - 1)

	child, err := syscall.ForkExec(argv[0], argv, &syscall.ProcAttr{
		Env:   syscall.Environ(),
		Files: []uintptr{0, 1, 2},
		Sys:   &syscall.SysProcAttr{Setsid: true},
	})
	if err != nil {
		syscall.Exit(127)
	}
	for {
		sig := syscall.Signal(signalRecv())
		if sig != syscall.SIGCHLD {
			syscall.Kill(-child, sig)
			continue
		}
		for {
			var status syscall.WaitStatus
			pid, err := syscall.Wait4(-1, &status, syscall.WNOHANG, nil)
			if err == syscall.EINTR {
				continue
			}
			if err != nil || pid == 0 {
				break
			}
			if pid == child {
				if status.Signaled() {
					syscall.Exit(128 + int(status.Signal()))
				}
				syscall.Exit(status.ExitStatus())
			}
		}
	}
}
