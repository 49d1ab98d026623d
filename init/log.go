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
type logger struct {
	verbosity int
	name      string // "" is "pidone"
}

func (l logger) enabled(level int) bool { return l.verbosity >= level }

// log writes the words as one line if level is enabled. Each line is one
// write, so lines from pidone and its child do not interleave mid-line.
func (l logger) log(level int, words ...string) {
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
	syscall.Write(2, []byte(line+"\n"))
}

func (l logger) error(words ...string) { l.log(quiet, words...) }
