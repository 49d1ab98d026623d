package main

import (
	"syscall"

	"github.com/pidone/pidone/internal/ascii"

	supervisor "github.com/pidone/pidone/init"
	"github.com/pidone/pidone/signals"
)

// badValue is a value an option cannot take. The command line reports it
// as the option's ("option --grace: "soon" is not a duration ..."), the
// environment as the variable's (see envError).
type badValue struct {
	option string // the long name
	value  string
	reason string // what the value is not, as in "not a duration (...)"
}

func (e *badValue) Error() string {
	return "option --" + e.option + ": " + ascii.Quote(e.value) + " is " + e.reason
}

// setDuration reads the value of the option named long into field.
func setDuration(field *supervisor.Duration, long, value string) error {
	d, err := supervisor.ParseDuration(value)
	if err != nil {
		return &badValue{long, value, err.Error()}
	}
	*field = d
	return nil
}

// parseStopSignal reads --stop-signal: a signal pidone can both catch and
// forward, since it catches it to hold it and forwards it in the end.
func parseStopSignal(value string) (syscall.Signal, error) {
	parsed, err := signals.Parse(value)
	if err != nil {
		return 0, &badValue{"stop-signal", value, "not a signal (like TERM, SIGINT or 15)"}
	}
	for _, catchable := range signals.Catchable() {
		if parsed == catchable && signals.Forwardable(parsed) {
			return parsed, nil
		}
	}
	return 0, &badValue{"stop-signal", value, "not a signal pidone can catch and forward"}
}

// parseExitCode reads one --remap-exit code.
func parseExitCode(value string) (int, error) {
	code, ok := ascii.Atoi(value)
	if !ok || code < 0 || code > 255 {
		return 0, &badValue{"remap-exit", value, "not an exit code (0 to 255)"}
	}
	return code, nil
}
