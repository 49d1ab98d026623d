package main

import (
	"strconv"
	"strings"
	"syscall"

	"github.com/pidone/pidone/internal/ascii"
	"github.com/pidone/pidone/signals"

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
			Name:          "dumb-init",
			Grace:         supervisor.DefaultGrace, // for a drain PIDONE_* variables ask for
			AfterMainExit: supervisor.TermGroupThenExit,
			StopWithChild: true,
			// dumb-init catches every standard signal, so exec hands its
			// child their default actions, whatever its caller ignored.
			DefaultDispositions: true,
			ExecFailureCode:     2,
			StartFailureLine: func(command, strerror string) string {
				return "[dumb-init] " + command + ": " + strerror
			},
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
	{short: 'r', long: "rewrite", arg: "FROM:TO", many: true, help: "forward signal FROM as TO (names or numbers); TO 0 drops FROM; repeatable",
		apply: rewriteDumbInit},
	{short: 'v', long: "verbose", help: "log every signal and reaped process to stderr",
		apply: func(o *options, _ string) error { o.config.Verbosity = 2; return nil }},
	{short: 'h', long: "help", help: "show this help and exit",
		apply: func(o *options, _ string) error { o.help = true; return nil }},
	{short: 'V', long: "version", help: "show the version and exit",
		apply: func(o *options, _ string) error { o.version = true; return nil }},
}

// rewriteDumbInit reads -r as pidone does, and failing that as dumb-init
// does: two numbers from 1 to 31 (the second may be 0) around a colon, as
// C's sscanf("%d:%d") finds them at the start, whatever follows. An image
// whose -r dumb-init ran must run the same; what is ignored is said.
func rewriteDumbInit(o *options, rule string) error {
	from, to, err := signals.ParseRule(rule)
	if err == nil {
		o.config.Rewrite.Set(from, to)
		return nil
	}
	from, to, rest, ok := scanRule(rule)
	if !ok {
		return usagef(err.Error())
	}
	o.config.Rewrite.Set(from, to)
	if rest != "" {
		o.warnings = append(o.warnings, "rewrite rule "+ascii.Quote(rule)+": read as "+
			strconv.Itoa(int(from))+":"+strconv.Itoa(int(to))+", as dumb-init reads it; ignoring "+ascii.Quote(rest))
	}
	return nil
}

// scanRule reads a rule the way dumb-init does, returning what follows it.
func scanRule(rule string) (from, to syscall.Signal, rest string, ok bool) {
	n, rest, ok := scanInt(rule)
	if !ok || n < 1 || n > 31 || !strings.HasPrefix(rest, ":") {
		return 0, 0, "", false
	}
	m, rest, ok := scanInt(rest[1:])
	if !ok || m < 0 || m > 31 {
		return 0, 0, "", false
	}
	return syscall.Signal(n), syscall.Signal(m), rest, true
}

// scanInt reads a decimal number at the start of s as sscanf's %d does:
// after any white space, with an optional sign.
func scanInt(s string) (n int, rest string, ok bool) {
	for s != "" && strings.IndexByte(" \t\n\v\f\r", s[0]) >= 0 {
		s = s[1:]
	}
	digits := 0
	if digits < len(s) && (s[digits] == '+' || s[digits] == '-') {
		digits++
	}
	start := digits
	for digits < len(s) && '0' <= s[digits] && s[digits] <= '9' && digits-start < 10 {
		digits++
	}
	if digits == start {
		return 0, s, false
	}
	n, ok = ascii.Atoi(s[:digits])
	return n, s[digits:], ok
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
