package supervisor

import (
	"strconv"
	"strings"
	"syscall"

	"github.com/pidone/pidone/internal/ascii"
)

// Every thread of pidone counts against a container's pids limit (docker
// run --pids-limit, a pod's pid limit) like a process of the application.
// The Go runtime makes its threads as it needs them, and when the kernel
// refuses one it ends the program with a fatal error and a stack trace of
// every goroutine, which is no way to tell a user what went wrong. So
// before pidone asks for anything that starts threads, it looks at the
// limit of its cgroup: when what is left cannot hold pidone's threads and
// the command, it says so in one line and exits 1. A limit so tight that
// the runtime cannot even reach pidone's code still ends in the runtime's
// trace (README, "Pid limits").

// threadsAtMost is how many threads pidone may run, with one processor: 7
// while it supervises (make bench, "threads"), and for a moment while it
// starts the child one more with Go 1.26, two more with Go 1.27, as the
// runtime starts threads for goroutines that became runnable while the
// fork blocked (measured under pids limits: with Go 1.26 a limit of 8
// failed 17 runs of 60 and 9 none; with Go 1.27, 9 failed now and then).
const threadsAtMost = 9

// pidsLimitProblem returns a line saying why pidone cannot run within its
// cgroup's pids limit, or "" when it can, or when there is no limit or none
// can be read.
func pidsLimitProblem() string {
	dir, root := pidsCgroupDir(string(readSmallFile("/proc/self/cgroup")))
	if dir == "" {
		return ""
	}
	limitText := readSmallFile(dir + "/pids.max")
	if limitText == nil {
		// Docker on cgroup v1 mounts the container's own cgroup at the
		// root of each hierarchy, while /proc/self/cgroup still names its
		// path on the host, which the container cannot see.
		dir = root
		limitText = readSmallFile(dir + "/pids.max")
	}
	limit, ok := ascii.Atoi(strings.TrimSpace(string(limitText)))
	if !ok {
		return "" // "max", or nothing to read
	}
	used, ok := ascii.Atoi(strings.TrimSpace(string(readSmallFile(dir + "/pids.current"))))
	if !ok {
		return ""
	}
	return noRoom(limit, used, threadsNow())
}

// noRoom is the line for a limit with used tasks taken, threads of them
// pidone's, when what is left cannot hold pidone's threads still to come
// and the command; "" when it can.
func noRoom(limit, used, threads int) string {
	needed := max(threadsAtMost-threads, 0) + 1
	if limit-used >= needed {
		return ""
	}
	return "the pids limit of " + strconv.Itoa(limit) + " leaves room for " + strconv.Itoa(max(limit-used, 0)) +
		" more tasks, and pidone needs " + strconv.Itoa(needed) + " (its own threads, and the command)"
}

// pidsCgroupDir finds the directory of this process's pids cgroup, given
// /proc/self/cgroup: the pids controller's own hierarchy (cgroup v1), or
// the unified one (v2); and root, where that hierarchy is mounted.
func pidsCgroupDir(cgroups string) (dir, root string) {
	unified := ""
	for _, line := range strings.Split(cgroups, "\n") {
		fields := strings.SplitN(line, ":", 3)
		if len(fields) != 3 {
			continue
		}
		switch {
		case fields[1] == "":
			unified = "/sys/fs/cgroup" + strings.TrimSuffix(fields[2], "/")
		case strings.Contains(","+fields[1]+",", ",pids,"):
			return "/sys/fs/cgroup/pids" + strings.TrimSuffix(fields[2], "/"), "/sys/fs/cgroup/pids"
		}
	}
	if unified == "" {
		return "", ""
	}
	return unified, "/sys/fs/cgroup"
}

// threadsNow counts this process's threads.
func threadsNow() int {
	for _, line := range strings.Split(string(readSmallFile("/proc/self/status")), "\n") {
		if value, ok := strings.CutPrefix(line, "Threads:"); ok {
			n, _ := ascii.Atoi(strings.TrimSpace(value))
			return n
		}
	}
	return 1
}

// exitIfNoRoom is the check of this file, first thing in the program.
func exitIfNoRoom() {
	if problem := pidsLimitProblem(); problem != "" {
		syscall.Write(2, []byte("[pidone] cannot run: "+problem+"\n"))
		syscall.Exit(1)
	}
}
