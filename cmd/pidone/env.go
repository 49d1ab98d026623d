package main

import (
	"strconv"
	"strings"

	"github.com/pidone/pidone/internal/ascii"
)

// Every option in pidone's table, but for help and version, can be set by a
// variable too: PIDONE_ and the long name in upper case, dashes as
// underscores (--stop-delay is PIDONE_STOP_DELAY). A Kubernetes manifest or
// a Dockerfile's ENV can then configure pidone without restating its
// ENTRYPOINT. A flag on the command line beats its variable, and the
// variables are pidone's own: the child does not see them.
//
// The names come from the option table, so an option and its variable
// cannot drift apart. A variable's value is read as the flag's value, or,
// for an option given more than once (many), as a comma-separated list; a
// flag without a value takes a boolean (1, true, yes; 0, false, no), or a
// count when it adds up (-vv is PIDONE_VERBOSE=2). An empty variable counts
// as unset.

// maxCount bounds a count, so that PIDONE_VERBOSE=999999999 is refused
// rather than looped over.
const maxCount = 9

// configure reads pidone's options from its command line, then from the
// variables in environ for the options the command line leaves out.
func configure(args, environ []string) (options, error) {
	given := map[string]bool{}
	opts, err := parseArgs(args, noting(pidoneOptions, given), defaultOptions())
	if err != nil || opts.help || opts.version {
		return opts, err
	}
	return opts, applyEnvironment(&opts, pidoneOptions, given, environ)
}

// envName is the variable that sets opt.
func envName(opt option) string {
	return "PIDONE_" + ascii.Upper(strings.ReplaceAll(opt.long, "-", "_"))
}

// hasVariable reports whether opt can be set by a variable.
func hasVariable(opt option) bool { return opt.long != "" && !opt.commandLineOnly }

// noting returns a copy of table whose options, when the command line sets
// them, record their long name in given, so that their variables yield.
func noting(table []option, given map[string]bool) []option {
	noted := make([]option, len(table))
	for i, opt := range table {
		apply := opt.apply
		opt.apply = func(o *options, value string) error {
			given[opt.long] = true
			return apply(o, value)
		}
		noted[i] = opt
	}
	return noted
}

// envError is a variable with a value its option cannot take.
type envError struct {
	name, value string
	err         error
}

func (e *envError) Error() string {
	msg := e.name + "=" + ascii.Quote(e.value) + ": "
	bad, ok := e.err.(*badValue)
	switch {
	case !ok:
		return msg + e.err.Error()
	case bad.value != e.value:
		// One item of a list: say which.
		return msg + ascii.Quote(bad.value) + " is " + bad.reason
	}
	return msg + bad.reason
}

// applyEnvironment sets, from environ, each option of table that the
// command line did not (given), and passes the child environ without the
// table's variables.
func applyEnvironment(o *options, table []option, given map[string]bool, environ []string) error {
	values := map[string]string{}
	for _, entry := range environ {
		name, value, _ := strings.Cut(entry, "=")
		if _, seen := values[name]; !seen { // the first wins, as in getenv
			values[name] = value
		}
	}
	ours := map[string]bool{}
	for _, opt := range table {
		if !hasVariable(opt) {
			continue
		}
		name := envName(opt)
		ours[name] = true
		if value := values[name]; value != "" && !given[opt.long] {
			if err := applyVariable(o, opt, value); err != nil {
				return &envError{name, value, err}
			}
		}
	}
	o.config.Env = []string{}
	for _, entry := range environ {
		if name, _, _ := strings.Cut(entry, "="); !ours[name] {
			o.config.Env = append(o.config.Env, entry)
		}
	}
	return nil
}

// applyVariable applies a variable's value to its option.
func applyVariable(o *options, opt option, value string) error {
	switch {
	case opt.arg != "" && opt.many:
		for _, item := range strings.Split(value, ",") {
			if err := opt.apply(o, strings.Trim(item, " \t")); err != nil {
				return err
			}
		}
		return nil
	case opt.arg != "":
		return opt.apply(o, value)
	}
	times := 0
	if opt.many {
		n, ok := ascii.Atoi(value)
		if !ok || n < 0 || n > maxCount {
			return &badValue{opt.long, value, "not a count (0 to " + strconv.Itoa(maxCount) + ")"}
		}
		times = n
	} else {
		switch ascii.Lower(value) {
		case "1", "true", "yes":
			times = 1
		case "0", "false", "no":
		default:
			return &badValue{opt.long, value, "not a boolean (1, true, yes; 0, false, no)"}
		}
	}
	for range times {
		if err := opt.apply(o, ""); err != nil {
			return err
		}
	}
	return nil
}

// environmentHelp lists the variables of table for the help text.
func environmentHelp(table []option) string {
	var b strings.Builder
	b.WriteString("\nEach option can be set by a variable instead (a flag wins): PIDONE_ and\n")
	b.WriteString("its long name in upper case, lists comma-separated, flags 1 or 0.\n")
	line := " "
	for _, opt := range table {
		if !hasVariable(opt) {
			continue
		}
		if len(line)+1+len(envName(opt)) > 72 {
			b.WriteString(line + "\n")
			line = " "
		}
		line += " " + envName(opt)
	}
	b.WriteString(line + "\n")
	return b.String()
}
