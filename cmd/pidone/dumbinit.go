package main

import (
	"syscall"

	supervisor "github.com/pidone/pidone/init"
)

// dumbInitVersion is the dumb-init release whose behaviour the dumb-init
// personality follows.
const dumbInitVersion = "1.2.5"

// dumbInitPersonality is pidone installed as dumb-init: the child in a new
// session, signals to its group, one SIGTERM to the group when the child
// exits and no drain, exit code 2 when the command cannot be started, and
// job control: SIGTSTP, SIGTTIN and SIGTTOU forwarded as SIGSTOP (unless -r
// says otherwise), after which pidone stops itself.
var dumbInitPersonality = personality{
	name:    "dumb-init",
	options: dumbInitOptions,
	defaults: func() options {
		return options{config: supervisor.Config{
			Name:            "dumb-init",
			AfterMainExit:   supervisor.TermGroupThenExit,
			StopWithChild:   true,
			ExecFailureCode: 2,
		}}
	},
	settle:    settleDumbInit,
	version:   func() string { return "dumb-init v" + dumbInitVersion + " (pidone " + version + ")\n" },
	versionFd: 2,
	helpFd:    2,
	exitCodes: "Environment: DUMB_INIT_SETSID=0 is -c; DUMB_INIT_DEBUG=1 is -v.\n" +
		"Exit codes: the command's own; 128+N if signal N killed it;\n" +
		"1 bad usage; 2 command cannot be started.\n",
}

var dumbInitOptions = []option{
	// -c means what dumb-init means by it: no new session either, so the
	// child stays in pidone's process group.
	{short: 'c', long: "single-child", help: "no new session: signals go to the child alone",
		apply: func(o *options, _ string) error { singleChildDumbInit(o); return nil }},
	pidoneOption("rewrite"), // -r FROM:TO, pidone's own
	{short: 'v', long: "verbose", help: "log every signal and reaped process to stderr",
		apply: func(o *options, _ string) error { o.config.Verbosity = 2; return nil }},
	{short: 'h', long: "help", help: "show this help and exit",
		apply: func(o *options, _ string) error { o.help = true; return nil }},
	{short: 'V', long: "version", help: "show the version and exit",
		apply: func(o *options, _ string) error { o.version = true; return nil }},
}

func singleChildDumbInit(o *options) {
	o.config.SingleChild = true
	o.config.Session = supervisor.SameGroup
}

// settleDumbInit reads dumb-init's environment variables, then gives the
// job-control signals their setsid-mode default: the child leads its own
// session, where no terminal would stop it, so it gets SIGSTOP.
func settleDumbInit(o *options) error {
	if v, _ := getenv("DUMB_INIT_DEBUG"); v == "1" {
		o.config.Verbosity = 2
	}
	if v, _ := getenv("DUMB_INIT_SETSID"); v == "0" {
		singleChildDumbInit(o)
	}
	if o.config.Session == supervisor.NewSession {
		for _, sig := range []syscall.Signal{syscall.SIGTSTP, syscall.SIGTTIN, syscall.SIGTTOU} {
			setDefault(o, sig, syscall.SIGSTOP)
		}
	}
	return nil
}
