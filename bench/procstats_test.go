//go:build bench || torture

package bench

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// CPU is the time all of pid's threads have spent on a CPU, summed from
// /proc/PID/task/*/schedstat: nanoseconds, where /proc/PID/stat counts
// in 10 ms ticks, too coarse for one signal. (A thread that has already
// exited is not counted; an idle init's threads do not exit.)
func CPU(pid int) (time.Duration, error) {
	onCPU, _, err := Schedstat(pid)
	return onCPU, err
}

// Schedstat sums the first two fields of each of pid's threads'
// schedstat: the time they spent on a CPU, and the time they spent
// runnable but waiting for one.
func Schedstat(pid int) (onCPU, queued time.Duration, err error) {
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	if err != nil || len(tasks) == 0 {
		return 0, 0, fmt.Errorf("schedstat of pid %d: no tasks", pid)
	}
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			return 0, 0, fmt.Errorf("schedstat of pid %d: %w", pid, err)
		}
		fields := strings.Fields(string(b))
		if len(fields) < 2 {
			continue
		}
		run, _ := strconv.ParseInt(fields[0], 10, 64)
		wait, _ := strconv.ParseInt(fields[1], 10, 64)
		onCPU += time.Duration(run)
		queued += time.Duration(wait)
	}
	return onCPU, queued, nil
}

// Wakeups counts the context switches of all of pid's threads, voluntary
// and not: each is a time the process ran.
func Wakeups(pid int) (int64, error) {
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/status", pid))
	if err != nil || len(tasks) == 0 {
		return 0, fmt.Errorf("wakeups of pid %d: no tasks", pid)
	}
	var total int64
	for _, t := range tasks {
		fields, err := statusFields(t)
		if err != nil {
			return 0, err
		}
		total += fields["voluntary_ctxt_switches"] + fields["nonvoluntary_ctxt_switches"]
	}
	return total, nil
}

// Threads is how many threads pid has.
func Threads(pid int) int {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*", pid))
	return len(tasks)
}

// Memory is pid's resident set now and at its peak, in KiB.
func Memory(pid int) (rss, hwm int64, err error) {
	fields, err := statusFields(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	return fields["VmRSS"], fields["VmHWM"], nil
}

// Rollup is /proc/PID/smaps_rollup, in KiB: where the resident memory is
// (Rss, Pss, Anonymous, Private_Dirty...).
func Rollup(pid int) (map[string]int64, error) {
	return statusFields(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
}

// statusFields reads "Name: number [kB]" lines.
func statusFields(path string) (map[string]int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fields := map[string]int64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		words := strings.Fields(rest)
		if len(words) == 0 {
			continue
		}
		if n, err := strconv.ParseInt(words[0], 10, 64); err == nil {
			fields[name] = n
		}
	}
	return fields, sc.Err()
}

// Zombies counts pid's children that are zombies, seen from outside the
// namespace: every task whose parent is pid and whose state is Z.
func Zombies(pid int) int {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	n := 0
	for _, s := range stats {
		b, err := os.ReadFile(s)
		if err != nil {
			continue
		}
		// The command name is in parentheses and may hold spaces.
		rest := string(b[strings.LastIndexByte(string(b), ')')+1:])
		f := strings.Fields(rest)
		if len(f) > 1 && f[0] == "Z" && f[1] == strconv.Itoa(pid) {
			n++
		}
	}
	return n
}
