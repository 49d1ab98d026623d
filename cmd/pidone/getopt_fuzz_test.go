package main

import (
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/pidone/pidone/signals"
)

// FuzzParseArgs holds the argv parser to its contract on any command line
// (the fuzzer's string, split at NUL bytes as argv is): it never panics,
// a refusal is one non-empty line, and what it accepts means the same
// when written out again in pidone's canonical spelling and read back.
func FuzzParseArgs(f *testing.F) {
	for _, seed := range []string{
		"--\x00sh\x00-c\x00x", "-vv\x00-c\x00sleep", "-r15:3\x00-r\x00HUP:0\x00cmd", "--rewrite=TERM:QUIT\x00--grace\x001m30s\x00cmd",
		"--gr=0\x00--sing\x00--\x00-v", "-r", "--grace", "--grace=-1s", "--nope", "-x", "--verbose=2", "--s",
		"-hV", "-", "", "-c\x00--\x00--\x00-c", "-r\x00KILL:TERM\x00x", "--grace=1.5h\x00x", "--grace=\x00x",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Split(line, "\x00")
		got, err := parseArgs(args, pidoneOptions, defaultOptions())
		if err != nil {
			msg := err.Error()
			if msg == "" || strings.ContainsAny(msg, "\n\r") {
				t.Fatalf("parseArgs(%q) refused with %q: want one non-empty line", args, msg)
			}
			return
		}
		canonical := canonicalArgs(got)
		again, err := parseArgs(canonical, pidoneOptions, defaultOptions())
		if err != nil {
			t.Fatalf("parseArgs(%q) accepted, but its canonical form %q is refused: %v", args, canonical, err)
		}
		if diff := sameOptions(got, again); diff != "" {
			t.Fatalf("parseArgs(%q) and its canonical form %q differ in %s", args, canonical, diff)
		}
	})
}

// canonicalArgs writes o as one spelling of each flag, numbers for
// signals and nanoseconds for the grace period, then "--" and the command.
func canonicalArgs(o options) []string {
	var args []string
	if o.config.SingleChild {
		args = append(args, "--single-child")
	}
	for sig := 1; sig <= signals.Max; sig++ {
		s := syscall.Signal(sig)
		if o.config.Rewrite.Has(s) {
			to, _ := o.config.Rewrite.Apply(s)
			args = append(args, "-r", strconv.Itoa(sig)+":"+strconv.Itoa(int(to)))
		}
	}
	args = append(args, "--grace="+strconv.FormatInt(int64(o.config.Grace), 10)+"ns")
	for range o.config.Verbosity {
		args = append(args, "-v")
	}
	if o.help {
		args = append(args, "-h")
	}
	if o.version {
		args = append(args, "--version")
	}
	return append(append(args, "--"), o.config.Command...)
}

// sameOptions names the first field in which a and b differ, or "".
// Durations above 2^53 ns pass through a float64 and may move by its
// precision.
func sameOptions(a, b options) string {
	ga, gb := int64(a.config.Grace), int64(b.config.Grace)
	switch {
	case a.config.SingleChild != b.config.SingleChild:
		return "single-child"
	case a.config.Rewrite != b.config.Rewrite:
		return "rewrite"
	case ga-gb > ga>>50 || gb-ga > ga>>50:
		return "grace (" + strconv.FormatInt(ga, 10) + " vs " + strconv.FormatInt(gb, 10) + ")"
	case a.config.Verbosity != b.config.Verbosity:
		return "verbosity"
	case a.help != b.help || a.version != b.version:
		return "help/version"
	case strings.Join(a.config.Command, "\x00") != strings.Join(b.config.Command, "\x00") ||
		len(a.config.Command) != len(b.config.Command):
		return "command"
	}
	return ""
}
