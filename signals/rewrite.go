package signals

import (
	"strings"
	"syscall"

	"github.com/pidone/pidone/internal/ascii"
)

// Drop is the rewrite target that means "do not forward this signal".
const Drop syscall.Signal = 0

// Rewrite maps each incoming signal to the one that is forwarded instead.
// The zero value forwards every signal unchanged.
type Rewrite struct {
	to  [Max + 1]syscall.Signal
	set [Max + 1]bool
}

// Set makes from forward as to; Drop (0) for to drops it.
func (r *Rewrite) Set(from, to syscall.Signal) {
	r.to[from], r.set[from] = to, true
}

// Apply returns the signal to forward for sig, and false when the rule for
// sig drops it.
func (r *Rewrite) Apply(sig syscall.Signal) (syscall.Signal, bool) {
	if sig < 1 || sig > Max || !r.set[sig] {
		return sig, true
	}
	return r.to[sig], r.to[sig] != Drop
}

// Has reports whether a rule names sig, so that a default rule can yield to
// one the user wrote.
func (r *Rewrite) Has(sig syscall.Signal) bool {
	return sig >= 1 && sig <= Max && r.set[sig]
}

// ParseRule reads one FROM:TO rule, each side a name or a number; TO may be
// 0 to drop FROM. SIGKILL and SIGSTOP cannot be caught, so they cannot be
// the FROM of a rule.
func ParseRule(spec string) (from, to syscall.Signal, err error) {
	left, right, ok := strings.Cut(spec, ":")
	if !ok || left == "" || right == "" {
		return 0, 0, ruleError(spec, "want FROM:TO, as in TERM:QUIT or 15:3")
	}
	if from, err = Parse(left); err != nil {
		return 0, 0, ruleError(spec, err.Error())
	}
	if from == syscall.SIGKILL || from == syscall.SIGSTOP {
		return 0, 0, ruleError(spec, Name(from)+" cannot be caught, so it cannot be rewritten")
	}
	if right == "0" {
		return from, Drop, nil
	}
	if to, err = Parse(right); err != nil {
		return 0, 0, ruleError(spec, err.Error())
	}
	return from, to, nil
}

func ruleError(spec, why string) error {
	return &ruleErr{"rewrite rule " + ascii.Quote(spec) + ": " + why}
}

type ruleErr struct{ msg string }

func (e *ruleErr) Error() string { return e.msg }
