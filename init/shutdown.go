package supervisor

import (
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

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
func (s *supervisor) signalRest(sig syscall.Signal, spareGroup int) {
	if spareGroup != 0 {
		s.signalRestBut(sig, spareGroup)
		return
	}
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

// signalRestBut is signalRest for all but the members of the process group
// spared: they had the stop signal already (machine.go). kill(-1) cannot
// leave a group out, so as PID 1 each process in /proc is signalled on its
// own; one forked in the meantime is not, and SIGKILL after the grace
// period ends it like the rest. A /proc of another PID namespace (unshare
// --pid without --mount-proc) would name other processes: then all get
// sig, as before there was sparing.
func (s *supervisor) signalRestBut(sig syscall.Signal, spared int) {
	var pids []int
	if s.machine.isPID1 {
		self := make([]byte, 8)
		if n, err := unix.Readlink("/proc/self", self); err != nil || string(self[:n]) != "1" {
			s.log.log(detail, "/proc is not this PID namespace's: sending", signals.Name(sig), "to the child's group too")
			s.signalRest(sig, 0)
			return
		}
		for _, name := range readDirNames("/proc") {
			if pid, ok := ascii.Atoi(name); ok && pid != 1 {
				pids = append(pids, pid)
			}
		}
	} else {
		pids = childrenOfSelf()
	}
	for _, pid := range pids {
		if group, err := unix.Getpgid(pid); err == nil && group != spared {
			signals.ToProcess(pid, sig)
		}
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
	_, _, names := syscall.ParseDirent(readWhole(dir, syscall.O_DIRECTORY), -1, nil)
	return names
}

func readSmallFile(path string) []byte { return readWhole(path, 0) }

// readWhole returns all that reading path yields, a directory's entries as
// the kernel writes them when flags hold O_DIRECTORY, until the end or the
// first error: a file that cannot be read is one pidone has nothing to
// learn from.
func readWhole(path string, flags int) []byte {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC|flags, 0)
	if err != nil {
		return nil
	}
	defer syscall.Close(fd)
	read := syscall.Read
	if flags&syscall.O_DIRECTORY != 0 {
		read = syscall.ReadDirent
	}
	var data []byte
	buf := make([]byte, 4096)
	for {
		n, err := read(fd, buf)
		if err != nil || n <= 0 {
			return data
		}
		data = append(data, buf[:n]...)
	}
}
