package supervisor

import (
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/pidone/pidone/internal/ascii"
)

// Socket activation hands a service its listening sockets as descriptors
// 3 and up, with LISTEN_FDS saying how many and LISTEN_PID naming the
// process they are for; a service ignores them unless LISTEN_PID is its own
// pid. catatonit, given sockets addressed to itself, passes them on to its
// child with LISTEN_PID set to the child's pid, which only the child can
// know before its exec; so does pidone, under every name (tini and
// dumb-init leave LISTEN_PID naming themselves, and the child then ignores
// the sockets). Go runs nothing between fork and exec, so pidone starts
// the child through a stage: pidone itself,
// run again as ListenStage, which puts its own pid in LISTEN_PID and execs
// the command, keeping the pid. pidone waits for that exec before the child
// counts as started, so a signal in between is held for the child like any
// that arrives before it exists.

// ListenStage is argv[0] of pidone run as the stage; cmd/pidone hands such
// a run to RunListenStage.
const ListenStage = "pidone (listen-pid stage)"

// socketsForUs reports whether env passes sockets to this process.
func socketsForUs(env []string) bool {
	fds, pid := "", ""
	for _, entry := range env {
		switch key, value, _ := strings.Cut(entry, "="); key {
		case "LISTEN_FDS":
			fds = value
		case "LISTEN_PID":
			pid = value
		}
	}
	own, ok := ascii.Atoi(pid)
	return fds != "" && ok && own == syscall.Getpid()
}

// spawnThroughStage starts the stage, which execs path with argv, and waits
// until it has. The stage reports through a pipe closed on exec: nothing
// before the end of the pipe is success, an errno is the exec's failure.
func spawnThroughStage(path string, argv []string, attr *syscall.ProcAttr) (int, *spawnError) {
	var ends [2]int
	if err := unix.Pipe2(ends[:], unix.O_CLOEXEC); err != nil {
		return 0, &spawnError{argv[0], err}
	}
	report, stageEnd := ends[0], ends[1]
	defer unix.Close(report)
	// The stage's end stays open across the exec of the stage, at its own
	// number: moving it to 3 would take the place of the first socket.
	if _, err := unix.FcntlInt(uintptr(stageEnd), unix.F_SETFD, 0); err != nil {
		unix.Close(stageEnd)
		return 0, &spawnError{argv[0], err}
	}
	stageArgv := append([]string{ListenStage, strconv.Itoa(stageEnd), path}, argv...)
	pid, err := syscall.ForkExec("/proc/self/exe", stageArgv, attr)
	unix.Close(stageEnd)
	if err != nil {
		return 0, &spawnError{argv[0], err}
	}
	var errno [4]byte
	n, _ := readFull(report, errno[:])
	if n == len(errno) {
		code := syscall.Errno(uint32(errno[0]) | uint32(errno[1])<<8 | uint32(errno[2])<<16 | uint32(errno[3])<<24)
		return 0, &spawnError{argv[0], code}
	}
	return pid, nil
}

// readFull reads until b is full or the end of fd.
func readFull(fd int, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		k, err := unix.Read(fd, b[n:])
		if err == unix.EINTR {
			continue
		}
		if k <= 0 || err != nil {
			return n, err
		}
		n += k
	}
	return n, nil
}

// RunListenStage is the stage: args are the report descriptor, the path to
// exec, and the command's argv. It returns only when the exec failed,
// after reporting why, with the code the stage exits with.
func RunListenStage(args []string) int {
	if len(args) < 3 {
		return ExitUsage
	}
	report, ok := ascii.Atoi(args[0])
	if !ok {
		return ExitUsage
	}
	unix.CloseOnExec(report)
	path, argv := args[1], args[2:]
	env := Environ()
	for k, entry := range env {
		if strings.HasPrefix(entry, "LISTEN_PID=") {
			env[k] = "LISTEN_PID=" + strconv.Itoa(syscall.Getpid())
		}
	}
	err := syscall.Exec(path, argv, env)
	if err == syscall.ENOEXEC {
		// As spawn does: a file without "#!" runs with the shell.
		if syscall.Exec(shell, append([]string{shell, path}, argv[1:]...), env) != nil {
			err = syscall.ENOEXEC
		}
	}
	errno, _ := err.(syscall.Errno)
	unix.Write(report, []byte{byte(errno), byte(errno >> 8), byte(errno >> 16), byte(errno >> 24)})
	return 1
}
