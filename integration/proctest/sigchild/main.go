// Command sigchild is the child the process tests run under pidone. It
// reports what a supervised process sees, one line at a time on stdout:
//
//	ready pid=P pgid=G sid=S ppid=Q   once its handlers are installed
//	signal SIGUSR1                   for every signal it receives
//	orphans P1 P2 ...                after -orphans N
//
// With -tag T, every line starts with "T ".
//
// proctest builds it as pidone ships, with the Go runtime's asynchronous
// preemption off (release/build.env): then the runtime sends it no SIGURG
// of its own, and any SIGURG it reports came from outside. With -spin D it
// keeps a CPU busy for D before it is ready, long enough for a runtime with
// preemption on to preempt it with SIGURGs of its own, which it reports.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/pidone/pidone/signals"
	"golang.org/x/sys/unix"
)

func main() {
	var exitOn, orphanCmd string
	var orphans int
	var tag string
	flag.StringVar(&tag, "tag", "", "start every line with this word, to tell several sigchilds apart")
	flag.StringVar(&exitOn, "exit-on", "", "SIG=CODE,...: exit with CODE after receiving SIG")
	flag.IntVar(&orphans, "orphans", 0, "leave this many short-lived orphans behind (they exit at once)")
	flag.StringVar(&orphanCmd, "orphan-cmd", "true", "what each orphan runs (a shell command)")
	spin := flag.Duration("spin", 0, "run on the CPU this long before ready, reporting signals meanwhile")
	flag.Parse()

	exits := map[syscall.Signal]int{}
	for _, rule := range strings.Split(exitOn, ",") {
		if rule == "" {
			continue
		}
		name, code, _ := strings.Cut(rule, "=")
		sig, err := signals.Parse(name)
		must(err)
		n, err := strconv.Atoi(code)
		must(err)
		exits[sig] = n
	}

	incoming := make(chan os.Signal, 128)
	var all []os.Signal
	for _, sig := range signals.Catchable() {
		if sig != syscall.SIGCHLD {
			all = append(all, sig)
		}
	}
	signal.Notify(incoming, all...)
	go func() {
		for s := range incoming {
			sig := s.(syscall.Signal)
			say("signal " + signals.Name(sig))
			if code, ok := exits[sig]; ok {
				os.Exit(code)
			}
		}
	}()
	for end := time.Now().Add(*spin); time.Now().Before(end); {
	}

	pgid, _ := syscall.Getpgid(0)
	sid, _ := unix.Getsid(0)
	if tag != "" {
		say = func(line string) { fmt.Println(tag + " " + line) }
	}
	say(fmt.Sprintf("ready pid=%d pgid=%d sid=%d ppid=%d", os.Getpid(), pgid, sid, os.Getppid()))

	if orphans > 0 {
		say("orphans " + leaveOrphans(orphans, orphanCmd))
	}
	select {} // the reporting goroutine exits on an -exit-on signal
}

// leaveOrphans has a shell start n processes running cmd, each from a
// subshell that exits at once, so that each is orphaned whether or not it
// has finished, and returns their pids. The shell is this process's own
// child, so this process waits for it; the orphans are the supervisor's.
func leaveOrphans(n int, cmd string) string {
	script := `i=0; while [ $i -lt ` + strconv.Itoa(n) + ` ]; do (` + cmd + ` >/dev/null 2>&1 & echo $!); i=$((i+1)); done`
	out, err := exec.Command("/bin/sh", "-c", script).Output()
	must(err)
	return strings.Join(strings.Fields(string(out)), " ")
}

// say writes one line of the report.
var say = func(line string) { fmt.Println(line) }

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "sigchild:", err)
		os.Exit(2)
	}
}
