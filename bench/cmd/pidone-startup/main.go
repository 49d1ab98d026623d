// Command pidone-startup measures the start-up window of an init: how it
// ends when SIGTERM reaches it within its first milliseconds, as PID 1 of a
// fresh PID namespace with `sleep 1000` to run. A drop-in ends 143, the
// child's death by the forwarded SIGTERM; a Go init that has not asked for
// SIGTERM yet takes the runtime's default and exits 2; an init that lost
// the signal is still running at the limit ("lost").
//
//	pidone-startup -runs 300 -delay 0-5ms bin/pidone /usr/bin/tini
//
// Every init gets the same sequence of delays, and the runs of the inits
// alternate, so the machine's load falls on all of them alike. It prints
// one line per init: the count of each outcome.
package main

import (
	"flag"
	"fmt"
	"math/rand"
	"os"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	runs := flag.Int("runs", 300, "runs per init")
	delay := flag.String("delay", "0-5ms", "when SIGTERM is sent after the start: a duration, or MIN-MAX for a uniform draw")
	limit := flag.Duration("limit", 10*time.Second, "how long an init may take to end before its run counts as lost")
	flag.Parse()
	inits := flag.Args()
	if len(inits) == 0 {
		fmt.Fprintln(os.Stderr, "usage: pidone-startup [-runs N] [-delay D|MIN-MAX] INIT...")
		os.Exit(2)
	}
	low, high, err := parseDelay(*delay)
	if err != nil {
		fmt.Fprintln(os.Stderr, "pidone-startup: -delay:", err)
		os.Exit(2)
	}
	random := rand.New(rand.NewSource(1))
	outcomes := make([]map[string]int, len(inits))
	for i := range outcomes {
		outcomes[i] = map[string]int{}
	}
	for range *runs {
		after := low + time.Duration(random.Int63n(int64(high-low)+1))
		for i, init := range inits {
			outcome, err := once(init, after, *limit)
			if err != nil {
				fmt.Fprintln(os.Stderr, "pidone-startup:", err)
				os.Exit(1)
			}
			outcomes[i][outcome]++
		}
	}
	for i, init := range inits {
		fmt.Printf("%-24s SIGTERM at %s, %d runs: %s\n", init, *delay, *runs, summary(outcomes[i]))
	}
}

// once starts init as PID 1 of a new PID namespace, sends it SIGTERM after
// the delay, and says how it ended: its exit code, or "lost".
func once(init string, after time.Duration, limit time.Duration) (string, error) {
	devnull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return "", err
	}
	defer devnull.Close()
	proc, err := os.StartProcess(init, []string{init, "--", "sleep", "1000"}, &os.ProcAttr{
		Files: []*os.File{devnull, devnull, devnull},
		Sys:   &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWPID, Pdeathsig: syscall.SIGKILL},
	})
	if err != nil {
		return "", fmt.Errorf("start %s: %w", init, err)
	}
	time.Sleep(after)
	proc.Signal(syscall.SIGTERM)
	ended := make(chan *os.ProcessState, 1)
	go func() { state, _ := proc.Wait(); ended <- state }()
	select {
	case state := <-ended:
		if status, ok := state.Sys().(syscall.WaitStatus); ok && status.Signaled() {
			return "killed by " + status.Signal().String(), nil
		}
		return strconv.Itoa(state.ExitCode()), nil
	case <-time.After(limit):
		proc.Kill() // PID 1 of its namespace: the namespace goes with it
		<-ended
		return "lost", nil
	}
}

func parseDelay(s string) (low, high time.Duration, err error) {
	lowText, highText, isRange := strings.Cut(s, "-")
	if low, err = time.ParseDuration(lowText); err != nil && isRange {
		low, err = time.ParseDuration(lowText + strings.TrimLeft(highText, "0123456789."))
	}
	if err != nil {
		return 0, 0, err
	}
	if !isRange {
		return low, low, nil
	}
	high, err = time.ParseDuration(highText)
	return low, high, err
}

func summary(counts map[string]int) string {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s ×%d", k, counts[k]))
	}
	return strings.Join(parts, ", ")
}
