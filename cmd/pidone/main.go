// Command pidone is a minimal init for containers. Run as PID 1, it starts
// the real command as its only child, forwards the signals it receives to
// the child's process group, reaps every zombie, and exits with the child's
// exit code, after giving what the child left behind a grace period to end.
//
//	ENTRYPOINT ["/pidone", "--"]
//
// This package reads the command line; the supervisor does the rest.
package main

import (
	"os"
	"syscall"

	supervisor "github.com/pidone/pidone/init"
)

// version is set at build time from git.
var version = "dev"

func main() {
	syscall.Exit(run(os.Args))
}

func run(argv []string) int {
	if argv[0] == supervisor.ListenStage {
		return supervisor.RunListenStage(argv[1:])
	}
	p := personalityOf(argv[0])
	name := p.name
	opts, err := p.parse(argv[1:])
	switch {
	case err != nil:
		writeTo(2, usageLine(p, argv[0], err))
		return supervisor.ExitUsage
	case opts.help:
		writeTo(p.helpFd, p.help())
		return 0
	case opts.version:
		writeTo(p.versionFd, p.version())
		return 0
	case opts.license:
		writeTo(1, licenseText(name))
		return 0
	case len(opts.config.Command) == 0 && !opts.config.Pause:
		writeTo(2, "["+name+"] no command given (see "+name+" -h)\n")
		return supervisor.ExitUsage
	}
	for _, warning := range opts.warnings {
		writeTo(2, "["+name+"] "+warning+"\n")
	}
	return supervisor.Run(opts.config)
}

// usageLine is the one line that reports a mistake on the command line.
// Under a tool's name, a mistake getopt_long catches is reported as the C
// library does, after the name the tool was called by.
func usageLine(p *personality, argv0 string, err error) string {
	if mistake, ok := err.(*usageError); ok && p != &pidonePersonality && mistake.getopt != "" {
		return argv0 + ": " + mistake.getopt + "\n"
	}
	return "[" + p.name + "] " + err.Error() + " (see " + p.name + " -h)\n"
}

// writeTo writes one message to fd in a single write.
func writeTo(fd int, msg string) {
	syscall.Write(fd, []byte(msg))
}
