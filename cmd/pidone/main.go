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

	supervisor "github.com/pidone/pidone/init"
)

// version is set at build time from git.
var version = "dev"

func main() {
	os.Exit(run(os.Args))
}

func run(argv []string) int {
	name := "pidone"
	opts, err := parseArgs(argv[1:], pidoneOptions, defaultOptions())
	switch {
	case err != nil:
		os.Stderr.WriteString("[" + name + "] " + err.Error() + " (see " + name + " -h)\n")
		return supervisor.ExitUsage
	case opts.help:
		os.Stdout.WriteString(helpText(name, pidoneOptions))
		return 0
	case opts.version:
		os.Stdout.WriteString(name + " " + version + "\n")
		return 0
	case len(opts.config.Command) == 0:
		os.Stderr.WriteString("[" + name + "] no command given (see " + name + " -h)\n")
		return supervisor.ExitUsage
	}
	return supervisor.Run(opts.config)
}
