package supervisor

import (
	"errors"
	"syscall"

	"github.com/pidone/pidone/reaper"
)

// outcome is how supervision ended: the command could not be started, or
// the main child ran and ended.
type outcome struct {
	startFailure *spawnError // nil when the child was started
	child        reaper.Exit
}

// exitCode is the one place that decides pidone's exit code once the
// command line has been read (cmd/pidone answers a bad one with ExitUsage):
//
//   - a command that cannot be started: 127 when it does not exist, 126
//     when it cannot be executed, as a shell says, unless the personality
//     has a code of its own for both (dumb-init 2, catatonit 1);
//   - a child that ran: its exit status, or 128+N when signal N killed it;
//   - except that a code listed in SuccessCodes (tini -e) is 0.
func exitCode(cfg *Config, o outcome) int {
	if o.startFailure != nil {
		if cfg.ExecFailureCode != 0 {
			return cfg.ExecFailureCode
		}
		return o.startFailure.exitCode()
	}
	code := o.child.Code()
	for _, success := range cfg.SuccessCodes {
		if code == success {
			return 0
		}
	}
	return code
}

// exitCode follows the shell: 127 when the command does not exist, 126 when
// it exists but cannot be executed (permission, format, a directory).
func (e *spawnError) exitCode() int {
	if errors.Is(e.err, errNotFound) || errors.Is(e.err, syscall.ENOENT) || errors.Is(e.err, syscall.ENOTDIR) {
		return ExitNotFound
	}
	return ExitCannotExecute
}
