package supervisor

import (
	"syscall"

	"github.com/pidone/pidone/reaper"
	"github.com/pidone/pidone/signals"
)

// pause is the life of a pod's infrastructure container (catatonit -P):
// there is no command. pidone holds the PID namespace open, reaps whatever
// is reparented to it, and ends with 0 on SIGINT or SIGTERM; every other
// signal is ignored, as there is no one to forward it to.
func (s *supervisor) pause() int {
	// Nothing runs from here, and a working directory on a mount would keep
	// the mount busy for as long as the pod lives.
	syscall.Chdir("/")
	s.log.log(lifecycle, "pausing until SIGINT or SIGTERM")
	for range s.intake.wake {
		for _, sig := range s.intake.take() {
			switch sig {
			case syscall.SIGCHLD:
				reaper.Reap(s.logReaped)
			case syscall.SIGINT, syscall.SIGTERM:
				s.log.log(lifecycle, "ending the pause on", signals.Name(sig))
				return 0
			default:
				s.log.log(detail, "ignoring", signals.Name(sig), "in pause mode")
			}
		}
	}
	return 0 // not reached: the wake channel is never closed
}
