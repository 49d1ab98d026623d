package main

import (
	"strings"
	"syscall"

	supervisor "github.com/pidone/pidone/init"
)

// pauseVersion is the release of Kubernetes' pause whose behaviour the
// pause personality follows.
const pauseVersion = "3.10"

// pausePersonality is pidone installed as Kubernetes' pause, the process
// that holds a pod's namespaces: it runs no command, reaps what a shared
// PID namespace leaves to it, and exits 0 on SIGINT or SIGTERM. pause reads
// no options but -v, in any case and anywhere on the command line, and
// passes over every other argument, so a sandbox whose runtime adds some
// still starts. Unlike pause, which leaves other signals at their default
// action, pidone ignores them: as PID 1, where pause runs, the kernel drops
// them anyway.
var pausePersonality = personality{
	name:      "pause",
	configure: configurePause,
	version:   func() string { return "pause.c v" + pauseVersion + " (pidone " + version + ")\n" },
	versionFd: 1,
	helpFd:    1,
}

func configurePause(args []string) (options, error) {
	o := options{config: supervisor.Config{Name: "pause", Pause: true, KeepWorkingDirectory: true}}
	for _, arg := range args {
		if strings.EqualFold(arg, "-v") {
			o.version = true
			return o, nil
		}
	}
	if syscall.Getpid() != 1 {
		// Not an error: a pause outside a pod's sandbox still reaps, as a
		// subreaper.
		o.warnings = append(o.warnings, "not PID 1: reaping only what is orphaned below it")
	}
	return o, applyPidoneExtras(&o, supervisor.Environ())
}
