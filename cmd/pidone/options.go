package main

import (
	"strings"

	supervisor "github.com/pidone/pidone/init"
	"github.com/pidone/pidone/signals"
)

// options is everything the command line says.
type options struct {
	config  supervisor.Config
	help    bool
	version bool
	license bool // tini -l, catatonit -L
	// warnings are lines for stderr about input read leniently, as the
	// tool being stood in for reads it, written before the child starts.
	warnings []string
}

// pidoneOptions is pidone's own flag table.
var pidoneOptions = []option{
	{short: 'c', long: "single-child", help: "forward signals to the child alone, not to its process group",
		apply: func(o *options, _ string) error { o.config.SingleChild = true; return nil }},
	{short: 'r', long: "rewrite", arg: "FROM:TO", many: true, help: "forward signal FROM as TO (names or numbers); TO 0 drops FROM; repeatable",
		apply: func(o *options, v string) error {
			from, to, err := signals.ParseRule(v)
			if err != nil {
				return usagef(err.Error())
			}
			o.config.Rewrite.Set(from, to)
			return nil
		}},
	{long: "grace", arg: "DURATION", help: "after the child exits, how long the rest get between SIGTERM and SIGKILL (default 2s; 0 kills at once)",
		apply: func(o *options, v string) error { return setDuration(&o.config.Grace, "grace", v) }},
	{long: "stop-signal", arg: "SIG", help: "the signal that asks the child to stop (default SIGTERM)",
		apply: func(o *options, v string) error {
			sig, err := parseStopSignal(v)
			if err == nil {
				o.config.StopSignal = sig
			}
			return err
		}},
	{long: "stop-delay", arg: "DURATION", help: "hold the stop signal this long before forwarding it; a second one forwards it at once",
		apply: func(o *options, v string) error { return setDuration(&o.config.StopDelay, "stop-delay", v) }},
	{long: "stop-timeout", arg: "DURATION", help: "SIGKILL everything if the child still runs this long after the stop signal went out",
		apply: func(o *options, v string) error { return setDuration(&o.config.StopTimeout, "stop-timeout", v) }},
	{long: "wait-all", help: "when the child exits, let the rest run until they exit on their own; a stop signal drains them",
		apply: func(o *options, _ string) error { o.config.AfterMainExit = supervisor.WaitForRest; return nil }},
	{short: 'P', long: "pause", help: "run no command: reap what comes until SIGINT or SIGTERM, then exit 0 (a pod's infra container)",
		apply: func(o *options, _ string) error { o.config.Pause = true; return nil }},
	{long: "remap-exit", arg: "CODE", many: true, help: "exit 0 when the child exits with CODE; repeatable",
		apply: func(o *options, v string) error {
			code, err := parseExitCode(v)
			if err == nil {
				o.config.SuccessCodes = append(o.config.SuccessCodes, code)
			}
			return err
		}},
	{short: 'v', long: "verbose", many: true, help: "log lifecycle events to stderr; twice, every signal and reaped process too",
		apply: func(o *options, _ string) error { o.config.Verbosity++; return nil }},
	{short: 'h', long: "help", commandLineOnly: true, help: "show this help and exit",
		apply: func(o *options, _ string) error { o.help = true; return nil }},
	{short: 'V', long: "version", commandLineOnly: true, help: "show the version and exit",
		apply: func(o *options, _ string) error { o.version = true; return nil }},
}

// defaultOptions are pidone's options before the command line is read.
func defaultOptions() options {
	return options{config: supervisor.Config{Grace: supervisor.DefaultGrace}}
}

// helpText lists the flags of a table.
func helpText(name string, table []option) string {
	var b strings.Builder
	b.WriteString("Usage: " + name + " [OPTION]... [--] COMMAND [ARG]...\n")
	b.WriteString("Run COMMAND as the only child of a minimal init: forward signals to it,\n")
	b.WriteString("reap zombies, and exit with its exit code.\n\nOptions:\n")
	for _, opt := range table {
		flag := "    "
		if opt.short != 0 {
			flag = "-" + string(opt.short)
			switch {
			case opt.long != "":
				flag += ", "
			case opt.arg == "":
				flag += "  " // line up with the long forms
			}
		}
		if opt.long != "" {
			flag += "--" + opt.long
		}
		if opt.arg != "" {
			flag += " " + opt.arg
		}
		b.WriteString("  " + flag + strings.Repeat(" ", max(2, 29-len(flag))) + opt.help + "\n")
	}
	b.WriteString("\nExit codes: the command's own; 128+N if signal N killed it;\n")
	b.WriteString("1 bad usage; 126 command cannot be executed; 127 command not found.\n")
	return b.String()
}
