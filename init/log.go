package supervisor

import "syscall"

// Verbosity levels of the log.
const (
	quiet     = 0 // errors only
	lifecycle = 1 // -v: start, exit, drain
	detail    = 2 // -vv: every signal and every reaped process
)

// logger writes one line per event to stderr. It builds lines by hand, not
// with fmt, to keep pidone small: this is the only output it has.
//
// A log line must never cost the child anything. When stderr is a pipe
// whose reader has gone, the write fails with EPIPE and the kernel sends
// pidone SIGPIPE, which pidone catches like any signal: brokenPipe is told,
// so that this SIGPIPE is not forwarded, and the logger falls silent, so
// that no second one follows. Lost lines are the only cost.
type logger struct {
	verbosity int
	name      string // "" is "pidone"
	silenced  bool   // stderr is a broken pipe
	// brokenPipe is called once, when a write has just raised SIGPIPE.
	brokenPipe func()
}

func (l *logger) enabled(level int) bool { return l.verbosity >= level && !l.silenced }

// log writes the words as one line if level is enabled. Each line is one
// write, so lines from pidone and its child do not interleave mid-line.
func (l *logger) log(level int, words ...string) {
	if !l.enabled(level) {
		return
	}
	name := l.name
	if name == "" {
		name = "pidone"
	}
	line := "[" + name + "]"
	for _, w := range words {
		line += " " + w
	}
	l.write(line)
}

// line writes text as a whole line, with no prefix, if level is enabled.
func (l *logger) line(level int, text string) {
	if l.enabled(level) {
		l.write(text)
	}
}

func (l *logger) write(line string) {
	if _, err := syscall.Write(2, []byte(line+"\n")); err == syscall.EPIPE {
		l.silenced = true
		if l.brokenPipe != nil {
			l.brokenPipe()
		}
	}
}

func (l *logger) error(words ...string) { l.log(quiet, words...) }
