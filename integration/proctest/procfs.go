package proctest

import (
	"os"
	"strconv"
	"strings"
)

// Status returns the fields of /proc/PID/status, or nil when the process is
// gone.
func Status(pid int) map[string]string {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return nil
	}
	fields := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			fields[k] = strings.TrimSpace(v)
		}
	}
	return fields
}

// Alive reports whether pid exists and is not a zombie.
func Alive(pid int) bool {
	st := Status(pid)
	return st != nil && !strings.HasPrefix(st["State"], "Z")
}

// InNamespaceOf lists the processes in the PID namespace of pid, pid
// included, with the first letter of their state (R, S, Z...).
func InNamespaceOf(pid int) map[int]string {
	target, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/ns/pid")
	if err != nil {
		return nil
	}
	entries, _ := os.ReadDir("/proc")
	procs := map[int]string{}
	for _, e := range entries {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if ns, err := os.Readlink("/proc/" + e.Name() + "/ns/pid"); err != nil || ns != target {
			continue
		}
		if st := Status(n); st != nil {
			procs[n] = st["State"][:1]
		}
	}
	return procs
}

// Zombies counts the zombies among procs.
func Zombies(procs map[int]string) int {
	n := 0
	for _, state := range procs {
		if state == "Z" {
			n++
		}
	}
	return n
}

// SignalSet reads a SigBlk/SigIgn/SigCgt mask such as "0000000000000001"
// into the signal numbers it holds.
func SignalSet(mask string) []int {
	bits, err := strconv.ParseUint(mask, 16, 64)
	if err != nil {
		return nil
	}
	var sigs []int
	for n := 1; n <= 64; n++ {
		if bits&(1<<(n-1)) != 0 {
			sigs = append(sigs, n)
		}
	}
	return sigs
}
