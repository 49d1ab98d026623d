package signals

import (
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// FuzzParseRule holds ParseRule to its contract on any input: it never
// panics, it refuses with one non-empty line, and what it accepts names a
// catchable FROM and a real TO (or the drop) that read back the same when
// written out again by name and by number.
func FuzzParseRule(f *testing.F) {
	for _, seed := range []string{
		"TERM:QUIT", "15:3", "SIGRTMIN+2:0", "rtmax-1:hup", "KILL:TERM", "", ":", "TERM:",
		":TERM", "1:65", "TERM:QUIT:HUP", "0:0", "-1:2", "\n:\n", "RTMIN+99:1", "IOT:CLD",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		from, to, err := ParseRule(spec)
		if err != nil {
			msg := err.Error()
			if msg == "" || strings.ContainsAny(msg, "\n\r") {
				t.Fatalf("ParseRule(%q) refused with %q: want one non-empty line", spec, msg)
			}
			return
		}
		if from < 1 || from > Max || from == syscall.SIGKILL || from == syscall.SIGSTOP {
			t.Fatalf("ParseRule(%q) accepted FROM %d, which cannot be caught", spec, from)
		}
		if to < 0 || to > Max {
			t.Fatalf("ParseRule(%q) accepted TO %d, out of range", spec, to)
		}
		for _, again := range []string{
			written(from) + ":" + written(to),
			strconv.Itoa(int(from)) + ":" + strconv.Itoa(int(to)),
		} {
			from2, to2, err := ParseRule(again)
			if err != nil || from2 != from || to2 != to {
				t.Fatalf("ParseRule(%q) = %d:%d, but written back as %q it reads %d:%d (%v)",
					spec, from, to, again, from2, to2, err)
			}
		}
	})
}

// written spells sig as Name does when Name has a name for it, and as its
// number otherwise (Name writes 32 and 33, which the C library keeps, as
// "signal 32", which is not meant to be read back).
func written(sig syscall.Signal) string {
	if name := Name(sig); sig != Drop && strings.HasPrefix(name, "SIG") {
		return name
	}
	return strconv.Itoa(int(sig))
}
