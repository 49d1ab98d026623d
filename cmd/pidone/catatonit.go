package main

import (
	"strconv"
	"syscall"

	supervisor "github.com/pidone/pidone/init"
)

// catatonitVersion is the catatonit release whose behaviour the catatonit
// personality follows. catatonit reports it in tini's words, which scripts
// may have learnt to read, so the personality does too.
const catatonitVersion = "0.1.7"

// catatonitPersonality is pidone installed as catatonit: the child in a
// process group of its own in pidone's session, signals to the child alone
// (-g: its group), SIGTSTP, SIGTTIN and SIGTTOU not forwarded, no drain,
// exit code 1 when the command cannot be started, and a pause mode (-P).
// Unlike catatonit, pidone does not leave those three signals blocked in
// the child.
var catatonitPersonality = personality{
	name:    "catatonit",
	options: catatonitOptions,
	defaults: func() options {
		return options{config: supervisor.Config{
			Name:            "catatonit",
			Grace:           supervisor.DefaultGrace, // for a drain PIDONE_* variables ask for
			Session:         supervisor.OwnGroup,
			SingleChild:     true,
			AfterMainExit:   supervisor.ExitAtOnce,
			ExecFailureCode: 1,
			// catatonit stays where it was started, even with -P.
			KeepWorkingDirectory: true,
			StartFailureLine: func(_, strerror string) string {
				return "ERROR (catatonit:" + strconv.Itoa(syscall.Getpid()) + "): failed to exec pid1: " + strerror
			},
		}}
	},
	settle:    settleCatatonit,
	version:   func() string { return "tini version " + catatonitVersion + "_catatonit (pidone " + version + ")\n" },
	versionFd: 1,
	helpFd:    2,
	exitCodes: "Environment: CATATONIT_DEBUG logs every event.\n" +
		"Exit codes: the command's own; 128+N if signal N killed it;\n" +
		"1 bad usage or command cannot be started; with -P, 0 on SIGINT or SIGTERM.\n",
}

var catatonitOptions = []option{
	{short: 'g', help: "send signals to the child's process group",
		apply: func(o *options, _ string) error { o.config.SingleChild = false; return nil }},
	{short: 'h', help: "show this help and exit",
		apply: func(o *options, _ string) error { o.help = true; return nil }},
	{short: 'L', help: "show the license and exit",
		apply: func(o *options, _ string) error { o.license = true; return nil }},
	{short: 'P', help: "pause: run no command, reap, and exit 0 on SIGINT or SIGTERM",
		apply: func(o *options, _ string) error { o.config.Pause = true; return nil }},
	{short: 'V', long: "version", help: "show the version and exit",
		apply: func(o *options, _ string) error { o.version = true; return nil }},
}

// settleCatatonit reads catatonit's environment variables.
func settleCatatonit(o *options) error {
	if _, ok := getenv("CATATONIT_LOG"); ok {
		return usagef("CATATONIT_LOG is reserved for future use")
	}
	if _, ok := getenv("CATATONIT_DEBUG"); ok {
		o.config.Verbosity = 2
	}
	dropJobControl(o, syscall.SIGTSTP, syscall.SIGTTIN, syscall.SIGTTOU)
	return nil
}
