// Package signals is pidone's vocabulary for signals: their names and
// numbers, the rewrite table, the signals that are never forwarded and why,
// and delivery to a process or a process group. It starts nothing and waits
// for nothing; the supervisor decides when to use it.
package signals

import (
	"errors"
	"strconv"
	"strings"
	"syscall"

	"github.com/pidone/pidone/internal/ascii"
)

// Max is the highest signal number Linux has (SIGRTMAX).
const Max = 64

// names holds the standard signals by number. Real-time signals are named
// RTMIN+n on output and accepted as numbers or RTMIN+n / RTMAX-n on input.
var names = [32]string{
	1: "HUP", 2: "INT", 3: "QUIT", 4: "ILL", 5: "TRAP", 6: "ABRT", 7: "BUS",
	8: "FPE", 9: "KILL", 10: "USR1", 11: "SEGV", 12: "USR2", 13: "PIPE",
	14: "ALRM", 15: "TERM", 16: "STKFLT", 17: "CHLD", 18: "CONT", 19: "STOP",
	20: "TSTP", 21: "TTIN", 22: "TTOU", 23: "URG", 24: "XCPU", 25: "XFSZ",
	26: "VTALRM", 27: "PROF", 28: "WINCH", 29: "IO", 30: "PWR", 31: "SYS",
}

// aliases are the other names the C library and shells accept.
var aliases = map[string]syscall.Signal{"IOT": 6, "CLD": 17, "POLL": 29}

// rtmin is the first real-time signal a program may use: glibc keeps 32 and
// 33 for its threads, and so SIGRTMIN reads 34 everywhere a user looks.
const rtmin = 34

// ErrUnknown is wrapped by every error Parse returns.
var ErrUnknown = errors.New("unknown signal")

// Parse reads a signal as a user writes it: a name with or without the SIG
// prefix in any case ("TERM", "SIGTERM", "sigterm"), a number ("15"), or a
// real-time signal ("RTMIN+2", "SIGRTMAX-1").
func Parse(s string) (syscall.Signal, error) {
	if n, ok := ascii.Atoi(s); ok {
		if n < 1 || n > Max {
			return 0, parseError(s, "out of range 1-"+strconv.Itoa(Max))
		}
		return syscall.Signal(n), nil
	}
	name := strings.TrimPrefix(ascii.Upper(s), "SIG")
	for n, known := range names {
		if known != "" && known == name {
			return syscall.Signal(n), nil
		}
	}
	if sig, ok := aliases[name]; ok {
		return sig, nil
	}
	if sig, ok := parseRealtime(name); ok {
		return sig, nil
	}
	return 0, parseError(s, "")
}

func parseRealtime(name string) (syscall.Signal, bool) {
	base, sign := rtmin, 1
	switch {
	case strings.HasPrefix(name, "RTMIN"):
		name = name[len("RTMIN"):]
	case strings.HasPrefix(name, "RTMAX"):
		base, sign, name = Max, -1, name[len("RTMAX"):]
	default:
		return 0, false
	}
	offset := 0
	if name != "" {
		want := "+"
		if sign < 0 {
			want = "-"
		}
		if name[:1] != want {
			return 0, false
		}
		n, ok := ascii.Atoi(name[1:])
		if !ok || n < 0 {
			return 0, false
		}
		offset = n
	}
	n := base + sign*offset
	if n < rtmin || n > Max {
		return 0, false
	}
	return syscall.Signal(n), true
}

func parseError(s, why string) error {
	msg := ascii.Quote(s)
	if why != "" {
		msg += " (" + why + ")"
	}
	return &parsedError{msg: msg}
}

type parsedError struct{ msg string }

func (e *parsedError) Error() string { return ErrUnknown.Error() + " " + e.msg }
func (e *parsedError) Unwrap() error { return ErrUnknown }

// Name returns the conventional name of sig with its SIG prefix
// ("SIGTERM", "SIGRTMIN+2"), or its number for a signal Linux does not have.
func Name(sig syscall.Signal) string {
	n := int(sig)
	switch {
	case n > 0 && n < len(names) && names[n] != "":
		return "SIG" + names[n]
	case n == rtmin:
		return "SIGRTMIN"
	case n > rtmin && n <= Max:
		return "SIGRTMIN+" + strconv.Itoa(n-rtmin)
	}
	return "signal " + strconv.Itoa(n)
}
