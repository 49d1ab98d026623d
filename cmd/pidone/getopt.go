package main

import (
	"strings"

	"github.com/pidone/pidone/internal/ascii"
)

// option is one flag in a getopt-style table.
type option struct {
	short byte   // the one-letter form, or 0
	long  string // the long form without its dashes, or ""
	arg   string // what the value is called in help; "" for a flag without one
	help  string
	apply func(o *options, value string) error
	// many: the option may be given more than once (-vv, -r A -r B). Its
	// variable (env.go) then holds a count, or a comma-separated list.
	many bool
	// commandLineOnly: the option has no variable, because it acts rather
	// than configures (help, version).
	commandLineOnly bool
}

// usageError is a mistake on the command line: one line for the user, and
// exit code 1. A mistake getopt_long itself catches also carries the line
// the C library prints for it after the program's name, which scripts may
// match: under a tool's name, pidone prints that one (main.go).
type usageError struct{ msg, getopt string }

func (e *usageError) Error() string { return e.msg }

func usagef(parts ...string) error { return &usageError{msg: strings.Join(parts, "")} }

// getoptError is a mistake getopt_long catches: own in pidone's words,
// getopt in the C library's format.
func getoptError(own, getopt string) error { return &usageError{msg: own, getopt: getopt} }

// parseArgs reads args (argv without argv[0]) as getopt_long does in
// POSIX mode, starting from the defaults in o: short flags combine (-vv, -cv), a short flag's value may be
// attached (-r15:3) or follow (-r 15:3), a long flag's value may follow "="
// or come next, a long flag may be shortened to any unique prefix, and
// options end at "--" or at the first argument that is not one, so the
// command's own flags are never read as pidone's.
func parseArgs(args []string, table []option, o options) (options, error) {
	i := 0
	for ; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			i++
			break
		}
		if len(arg) < 2 || arg[0] != '-' {
			break
		}
		var err error
		if strings.HasPrefix(arg, "--") {
			i, err = parseLong(args, i, table, &o)
		} else {
			i, err = parseShorts(args, i, table, &o)
		}
		if err != nil {
			return options{}, err
		}
	}
	o.config.Command = args[i:]
	return o, nil
}

// parseLong reads the long option at args[i] and returns the index of the
// last argument it used.
func parseLong(args []string, i int, table []option, o *options) (int, error) {
	name, value, hasValue := strings.Cut(args[i][2:], "=")
	opt, err := findLong(args[i][2:], name, table)
	if err != nil {
		return i, err
	}
	switch {
	case opt.arg == "" && hasValue:
		return i, getoptError("option --"+opt.long+" takes no value", "option '--"+opt.long+"' doesn't allow an argument")
	case opt.arg != "" && !hasValue:
		if i+1 >= len(args) {
			return i, getoptError("option --"+opt.long+" needs a value", "option '--"+opt.long+"' requires an argument")
		}
		i++
		value = args[i]
	}
	return i, opt.apply(o, value)
}

// findLong finds a long option by its name or by a prefix of exactly one.
// arg is the argument as given, after its dashes, for the error.
func findLong(arg, name string, table []option) (*option, error) {
	var matches []*option
	for k := range table {
		opt := &table[k]
		if opt.long == "" || !strings.HasPrefix(opt.long, name) {
			continue
		}
		if opt.long == name {
			return opt, nil
		}
		matches = append(matches, opt)
	}
	switch {
	case len(matches) == 1 && name != "":
		return matches[0], nil
	case len(matches) > 1 && name != "":
		names := make([]string, len(matches))
		possibilities := ""
		for k, m := range matches {
			names[k] = "--" + m.long
			possibilities += " '--" + m.long + "'"
		}
		return nil, getoptError("option --"+name+" is ambiguous: "+strings.Join(names, ", "),
			"option '--"+arg+"' is ambiguous; possibilities:"+possibilities)
	}
	return nil, getoptError("unknown option --"+printable(name), "unrecognized option '--"+arg+"'")
}

// parseShorts reads the cluster of short options at args[i] and returns the
// index of the last argument it used.
func parseShorts(args []string, i int, table []option, o *options) (int, error) {
	cluster := args[i][1:]
	for k := 0; k < len(cluster); k++ {
		opt := findShort(cluster[k], table)
		if opt == nil {
			return i, getoptError("unknown option -"+printable(cluster[k:k+1]), "invalid option -- '"+cluster[k:k+1]+"'")
		}
		if opt.arg == "" {
			if err := opt.apply(o, ""); err != nil {
				return i, err
			}
			continue
		}
		value := cluster[k+1:]
		if value == "" {
			if i+1 >= len(args) {
				return i, getoptError("option -"+cluster[k:k+1]+" needs a value", "option requires an argument -- '"+cluster[k:k+1]+"'")
			}
			i++
			value = args[i]
		}
		return i, opt.apply(o, value)
	}
	return i, nil
}

// printable shows what the user typed as typed, or quoted when it holds a
// byte that would break the one-line error (a newline, an escape code).
func printable(s string) string {
	for k := 0; k < len(s); k++ {
		if s[k] < ' ' || s[k] > '~' {
			return ascii.Quote(s)
		}
	}
	return s
}

func findShort(c byte, table []option) *option {
	for k := range table {
		if table[k].short == c {
			return &table[k]
		}
	}
	return nil
}
