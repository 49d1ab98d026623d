package supervisor

import (
	"strings"
	"syscall"

	"github.com/pidone/pidone/internal/ascii"

	"github.com/pidone/pidone/signals"
)

// The drain: once the main child has exited, whatever it left behind gets
// SIGTERM, the grace period to finish, and then SIGKILL, so that nothing
// outlives pidone and the container stops on pidone's terms, well before a
// runtime's own SIGKILL. The machine decides when; this is who gets it.

// signalRest sends sig to every process the drain is for. As PID 1 that is
// every other process in the namespace, which reaches daemons that left the
// child's session. Anywhere else kill(-1) would reach the whole machine, so
// it is the child's process group and every child of pidone's: as a child
// subreaper pidone inherits the orphans that left the group.
func (s *supervisor) signalRest(sig syscall.Signal) {
	if s.machine.isPID1 {
		if err := signals.ToAll(sig); err != nil && err != syscall.ESRCH {
			s.log.error("cannot send", signals.Name(sig), "to all processes:", err.Error())
		}
		return
	}
	signals.ToGroup(s.machine.child, sig) // ESRCH: the group is empty already
	for _, pid := range childrenOfSelf() {
		signals.ToProcess(pid, sig)
	}
}

// childrenOfSelf lists pidone's children. The kernel lists them per thread,
// and a reparented orphan may land on any of the Go runtime's threads. It
// reads /proc with plain system calls: os.ReadDir alone would add a tenth to
// the size of pidone.
func childrenOfSelf() []int {
	var pids []int
	for _, thread := range readDirNames("/proc/self/task") {
		data := readSmallFile("/proc/self/task/" + thread + "/children")
		for _, field := range strings.Split(strings.Trim(string(data), " \n"), " ") {
			if pid, ok := ascii.Atoi(field); ok {
				pids = append(pids, pid)
			}
		}
	}
	return pids
}

func readDirNames(dir string) []string {
	fd, err := syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil
	}
	defer syscall.Close(fd)
	var names []string
	buf := make([]byte, 4096)
	for {
		n, err := syscall.ReadDirent(fd, buf)
		if err != nil || n <= 0 {
			return names
		}
		_, _, names = syscall.ParseDirent(buf[:n], -1, names)
	}
}

func readSmallFile(path string) []byte {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil
	}
	defer syscall.Close(fd)
	var data []byte
	buf := make([]byte, 4096)
	for {
		n, err := syscall.Read(fd, buf)
		if err != nil || n <= 0 {
			return data
		}
		data = append(data, buf[:n]...)
	}
}
