package main

import (
	"strconv"
	"syscall"

	"github.com/pidone/pidone/internal/ascii"

	supervisor "github.com/pidone/pidone/init"
	"github.com/pidone/pidone/signals"
)

// tiniVersion is the tini release whose behaviour the tini personality
// follows; --version reports it, for scripts that check it, with pidone's.
const tiniVersion = "0.19.0"

// tiniPersonality is pidone installed as tini, tini-static or docker-init: the child in
// a process group of its own in pidone's session, signals to the child
// alone (-g or TINI_KILL_PROCESS_GROUP: to its group), no drain, and
// SIGTTIN and SIGTTOU not forwarded.
var tiniPersonality = personality{
	name:    "tini",
	options: tiniOptions,
	defaults: func() options {
		return options{config: supervisor.Config{
			Name:          "tini",
			Grace:         supervisor.DefaultGrace, // for a drain PIDONE_* variables ask for
			Session:       supervisor.OwnGroup,
			SingleChild:   true,
			AfterMainExit: supervisor.ExitAtOnce,
			// tini stays where it was started.
			KeepWorkingDirectory: true,
			StartFailureLine: func(command, strerror string) string {
				return "[FATAL tini (" + strconv.Itoa(syscall.Getpid()) + ")] exec " + command + " failed: " + strerror
			},
		}}
	},
	settle:      settleTini,
	plainGetopt: true,
	version:     func() string { return "tini version " + tiniVersion + " (pidone " + version + ")\n" },
	versionFd:   1,
	helpFd:      1,
	exitCodes: "Environment: TINI_SUBREAPER, TINI_VERBOSITY, TINI_KILL_PROCESS_GROUP.\n" +
		"Exit codes: the command's own (0 for those given to -e); 128+N if signal N killed it;\n" +
		"1 bad usage; 126 command cannot be executed; 127 command not found.\n",
}

var tiniOptions = []option{
	{short: 's', help: "register as a child subreaper (pidone always does when it is not PID 1)",
		apply: func(*options, string) error { return nil }},
	{short: 'p', arg: "SIGNAL", help: "have the kernel send SIGNAL to pidone when its parent dies, e.g. -p SIGKILL",
		apply: func(o *options, v string) error {
			sig, err := signals.Parse(v)
			if err != nil {
				return usagef("option -p: ", err.Error())
			}
			o.config.ParentDeathSignal = sig
			return nil
		}},
	{short: 'v', help: "log more; repeatable up to 3 times",
		apply: func(o *options, _ string) error { o.config.Verbosity++; return nil }},
	{short: 'w', help: "log every zombie reaped",
		apply: func(o *options, _ string) error { o.config.WarnOnReap = true; return nil }},
	{short: 'g', help: "send signals to the child's process group",
		apply: func(o *options, _ string) error { o.config.SingleChild = false; return nil }},
	{short: 'e', arg: "EXIT_CODE", help: "exit 0 when the child exits with EXIT_CODE (0 to 255); repeatable",
		apply: func(o *options, v string) error {
			code, ok := ascii.Atoi(v)
			if !ok || code < 0 || code > 255 {
				return usagef("option -e: ", ascii.Quote(v), " is not an exit code from 0 to 255")
			}
			o.config.SuccessCodes = append(o.config.SuccessCodes, code)
			return nil
		}},
	{short: 'l', help: "show the license and exit",
		apply: func(o *options, _ string) error { o.license = true; return nil }},
	{short: 'h', help: "show this help and exit",
		apply: func(o *options, _ string) error { o.help = true; return nil }},
	{long: "version", help: "show the version and exit",
		apply: func(o *options, _ string) error { o.version = true; return nil }},
}

// settleTini reads tini's environment variables. TINI_SUBREAPER needs
// nothing: pidone is a subreaper whenever it is not PID 1. TINI_VERBOSITY
// counts from tini's default of 1, which is pidone's quiet.
func settleTini(o *options) error {
	if _, ok := getenv("TINI_KILL_PROCESS_GROUP"); ok {
		o.config.SingleChild = false
	}
	if v, ok := getenv("TINI_VERBOSITY"); ok {
		level, _ := ascii.Atoi(v) // tini reads it with atoi: junk is 0
		o.config.Verbosity = max(level-1, 0)
	}
	dropJobControl(o, syscall.SIGTTIN, syscall.SIGTTOU)
	return nil
}
