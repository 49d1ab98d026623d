package proctest

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"syscall"
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

// ProcessTree lists pid and all its descendants, zombies included, with
// the first letter of their state (R, S, Z...). For the PID 1 of a
// namespace, that is every process in the namespace (but those that
// entered it from outside, as docker exec does).
func ProcessTree(pid int) map[int]string {
	tree := map[int]string{}
	for _, p := range append(descendants(pid, true), pid) {
		if st := Status(p); st != nil {
			tree[p] = st["State"][:1]
		}
	}
	return tree
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

// pids lists the processes /proc shows now, zombies included.
func pids() []int {
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if pid, err := strconv.Atoi(e.Name()); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}

// Children lists the processes whose parent is pid, zombies included.
func Children(pid int) []int {
	var children []int
	for _, n := range pids() {
		if st := Status(n); st != nil && st["PPid"] == strconv.Itoa(pid) {
			children = append(children, n)
		}
	}
	return children
}

// killTree sends SIGKILL to pid and all its descendants, until none is left.
func killTree(pid int) {
	for round := 0; round < 10; round++ {
		tree := descendants(pid, false)
		if Status(pid) != nil && !strings.HasPrefix(Status(pid)["State"], "Z") {
			tree = append(tree, pid)
		}
		if len(tree) == 0 {
			return
		}
		for _, p := range tree {
			_ = syscall.Kill(p, syscall.SIGKILL)
		}
	}
}

// descendants lists the descendants of pid, with or without zombies.
func descendants(pid int, zombies bool) []int {
	children := map[int][]int{}
	for _, n := range pids() {
		st := Status(n)
		if st == nil || (!zombies && strings.HasPrefix(st["State"], "Z")) {
			continue
		}
		ppid, _ := strconv.Atoi(st["PPid"])
		children[ppid] = append(children[ppid], n)
	}
	var out []int
	queue := children[pid]
	for len(queue) > 0 {
		n := queue[0]
		queue = append(queue[1:], children[n]...)
		out = append(out, n)
	}
	return out
}

// killMarked sends SIGKILL to every process whose environment holds mark
// ("NAME=value"), as many times as new ones turn up.
func killMarked(mark string) {
	want := []byte(mark + "\x00")
	for round := 0; round < 10; round++ {
		found := false
		for _, pid := range pids() {
			if pid == os.Getpid() {
				continue
			}
			env, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
			if err == nil && bytes.Contains(append([]byte{0}, env...), append([]byte{0}, want...)) {
				_ = syscall.Kill(pid, syscall.SIGKILL)
				found = true
			}
		}
		if !found {
			return
		}
	}
}
