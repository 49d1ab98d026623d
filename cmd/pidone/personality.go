package main

import (
	"strings"
	"syscall"

	supervisor "github.com/pidone/pidone/init"
	"github.com/pidone/pidone/signals"
)

// A personality is what pidone is when it is installed under another init's
// name: that tool's flags, environment variables, defaults and output
// forms, so that replacing the tool's binary with pidone changes nothing an
// image relies on. Everything a personality changes is in its entry here
// and in the supervisor.Config fields its defaults set; the README's table
// says the same for users.
type personality struct {
	name     string // the name pidone logs and reports under
	options  []option
	defaults func() options
	// settle reads the tool's environment variables and draws the
	// conclusions that need the whole command line, after parsing.
	settle    func(o *options) error
	version   func() string // what --version prints
	versionFd int           // where --version prints it (dumb-init: stderr)
	helpFd    int           // where -h prints (dumb-init, catatonit: stderr)
	exitCodes string        // the help's last line
	// configure, when set, replaces the parsing above: pidone's own
	// options come from the command line and PIDONE_* variables.
	configure func(args []string) (options, error)
	// fullHelp, when set, replaces the help built from options.
	fullHelp func() string
	// plainGetopt: the tool reads its options with getopt, which knows no
	// long ones, and looks for an exact --version by hand first (tini).
	// Any other --word is then the invalid option '-'.
	plainGetopt bool
}

// pidonePersonality is pidone under its own name, or any name not above.
var pidonePersonality = personality{
	name:      "pidone",
	options:   pidoneOptions,
	defaults:  defaultOptions,
	version:   func() string { return "pidone " + version + "\n" },
	versionFd: 1,
	helpFd:    1,
	configure: func(args []string) (options, error) { return configure(args, supervisor.Environ()) },
	fullHelp:  func() string { return helpText("pidone", pidoneOptions) + environmentHelp(pidoneOptions) },
}

// parse reads the options from the command line and the environment.
func (p *personality) parse(args []string) (options, error) {
	if p.configure != nil {
		return p.configure(args)
	}
	if p.plainGetopt {
		if err := refuseLongOptions(args, p.options); err != nil {
			return options{}, err
		}
	}
	opts, err := parseArgs(args, p.options, p.defaults())
	if err == nil && p.settle != nil {
		err = p.settle(&opts)
	}
	if err == nil && !opts.help && !opts.version && !opts.license {
		err = applyPidoneExtras(&opts, supervisor.Environ())
	}
	return opts, err
}

// applyPidoneExtras reads pidone's own PIDONE_* variables under a tool's
// name, so that pidone's extras reach the init slot of an engine, which
// chose the name: docker run --init -e PIDONE_STOP_TIMEOUT=8s. The tools
// never read these variables, so an image that swaps its init for pidone
// sets none of them and sees no change. What the tool's own command line
// and variables said stands, but for what happens after the main child's
// exit: a grace period asks for pidone's drain, PIDONE_WAIT_ALL for the
// wait.
func applyPidoneExtras(o *options, environ []string) error {
	if err := applyEnvironment(o, pidoneOptions, nil, environ); err != nil {
		return err
	}
	if v, _ := getenv("PIDONE_GRACE"); v != "" && o.config.AfterMainExit != supervisor.WaitForRest {
		o.config.AfterMainExit = supervisor.DrainRest
	}
	return nil
}

// refuseLongOptions finds, among the options before the command, a long
// one plain getopt would stumble on: anything but --version.
func refuseLongOptions(args []string, table []option) error {
	for i := 0; i < len(args); i++ {
		arg := args[i]
		switch {
		case arg == "--" || len(arg) < 2 || arg[0] != '-':
			return nil
		case strings.HasPrefix(arg, "--") && arg != "--version":
			return getoptError("unknown option "+printable(arg), "invalid option -- '-'")
		default:
			// Step over a short option's value when it is the next argument.
			for k := 1; k < len(arg); k++ {
				if opt := findShort(arg[k], table); opt == nil || opt.arg != "" {
					if opt != nil && k == len(arg)-1 {
						i++
					}
					break
				}
			}
		}
	}
	return nil
}

// help is the -h text: the flags of the personality's table.
func (p *personality) help() string {
	if p.fullHelp != nil {
		return p.fullHelp()
	}
	text, _, _ := strings.Cut(helpText(p.name, p.options), "\nExit codes:")
	return text + "\n" + p.exitCodes + "pidone's own PIDONE_* variables are read too (see pidone -h).\n"
}

// licenseText is what tini -l and catatonit -L print under pidone.
func licenseText(name string) string {
	return name + " is pidone " + version + ", a drop-in replacement; see the license of the pidone project.\n"
}

// getenv returns an environment variable and whether it is set.
func getenv(key string) (string, bool) { return syscall.Getenv(key) }

// setDefault makes sig forward as to unless the command line said otherwise.
func setDefault(o *options, sig, to syscall.Signal) {
	if !o.config.Rewrite.Has(sig) {
		o.config.Rewrite.Set(sig, to)
	}
}

// dropJobControl keeps the terminal's stop signals from being forwarded:
// tini and catatonit let the terminal stop the child's foreground group
// itself, and would only stop the child when pidone is sent them.
func dropJobControl(o *options, sigs ...syscall.Signal) {
	for _, sig := range sigs {
		setDefault(o, sig, signals.Drop)
	}
}
