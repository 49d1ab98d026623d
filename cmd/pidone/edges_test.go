package main_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	pt "github.com/pidone/pidone/integration/proctest"
	"github.com/pidone/pidone/signals"
)

// The edges: what the anchors do with inputs pidone's users
// meet in the wild, and pidone must do the same.

// runWithEnv starts argv with exactly env, duplicates and odd entries
// included (os/exec would drop them), and returns its exit code and stdout.
func runWithEnv(t *testing.T, env []string, argv ...string) (int, string) {
	t.Helper()
	r, w, err := os.Pipe()
	require.NoError(t, err)
	devnull, err := os.Open(os.DevNull)
	require.NoError(t, err)
	defer devnull.Close()
	proc, err := os.StartProcess(argv[0], argv, &os.ProcAttr{Env: env, Files: []*os.File{devnull, w, os.Stderr}})
	w.Close()
	require.NoError(t, err, "start %v", argv)
	var out bytes.Buffer
	copied := make(chan struct{})
	go func() { out.ReadFrom(r); close(copied) }()
	done := make(chan *os.ProcessState, 1)
	go func() { state, _ := proc.Wait(); done <- state }()
	select {
	case state := <-done:
		<-copied
		return state.ExitCode(), out.String()
	case <-time.After(pt.Patience):
		proc.Kill()
		t.Fatalf("%v did not exit", argv)
		return -1, ""
	}
}

func TestTheChildGetsTheEnvironmentVerbatim(t *testing.T) {
	env := []string{"DUP=first", "PATH=/usr/bin:/bin", "DUP=second", "NO_EQUALS_SIGN", "EMPTY=", "=value-without-name"}
	for _, tool := range []string{"tini", "dumb-init", "catatonit"} {
		t.Run(tool, func(t *testing.T) {
			sameAsAnchor(t, tool, env, func(t *testing.T, bin string) []string {
				code, out := runWithEnv(t, env, bin, "--", "/usr/bin/env")
				require.Equal(t, 0, code)
				return strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			})
		})
	}
	t.Run("pidone removes its own variables and nothing else", func(t *testing.T) {
		code, out := runWithEnv(t, append([]string{"PIDONE_GRACE=1s"}, env...), pt.Pidone(t), "--", "/usr/bin/env")
		require.Equal(t, 0, code)
		assert.Equal(t, env, strings.Split(strings.TrimSuffix(out, "\n"), "\n"))
	})
}

func TestAScriptWithoutAShebangRunsWithTheShell(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "entrypoint.sh")
	require.NoError(t, os.WriteFile(script, []byte("echo \"ran with $# args: $*\"\nexit 5\n"), 0o755))
	// The exit code and what the script printed.
	want := "5: ran with 2 args: a b\n"
	run := func(t *testing.T, bin, command string) string {
		code, out := runWithEnv(t, []string{"PATH=" + dir + ":/usr/bin:/bin"}, bin, "--", command, "a", "b")
		return strconv.Itoa(code) + ": " + out
	}
	for _, tool := range []string{"tini", "dumb-init", "catatonit"} {
		t.Run(tool, func(t *testing.T) {
			sameAsAnchor(t, tool, want, func(t *testing.T, bin string) string { return run(t, bin, "entrypoint.sh") })
		})
	}
	t.Run("pidone, found in PATH", func(t *testing.T) { assert.Equal(t, want, run(t, pt.Pidone(t), "entrypoint.sh")) })
	t.Run("pidone, given its path", func(t *testing.T) { assert.Equal(t, want, run(t, pt.Pidone(t), script)) })
}

func TestALogLineToABrokenStderrCostsTheChildNothing(t *testing.T) {
	dir := t.TempDir()
	ready, got := filepath.Join(dir, "ready"), filepath.Join(dir, "got")
	// stderr is a pipe whose reader has gone: every log line pidone writes
	// fails with EPIPE and raises SIGPIPE in pidone.
	r, brokenStderr, err := os.Pipe()
	require.NoError(t, err)
	r.Close()
	defer brokenStderr.Close()
	// The child's own stderr is /dev/null: the shell reports on stderr a
	// sleep killed by the forwarded SIGTERM, which on the broken pipe would
	// raise a SIGPIPE of its own.
	child := `exec 2>/dev/null; trap 'echo PIPE >>` + got + `' PIPE; trap 'echo TERM >>` + got + `; exit 7' TERM; touch ` + ready + `; while :; do sleep 0.01; done`
	for _, bin := range []struct{ name, path string }{{"pidone -vv", pt.Pidone(t)}, {"pidone as tini -vvv", pt.PidoneAs(t, "tini")}} {
		t.Run(bin.name, func(t *testing.T) {
			os.Remove(ready)
			os.Remove(got)
			args := []string{bin.path, "-vv", "--", "/bin/sh", "-c", child}
			if strings.Contains(bin.name, "tini") {
				args[1] = "-vvv"
			}
			proc, err := os.StartProcess(args[0], args, &os.ProcAttr{Env: os.Environ(), Files: []*os.File{nil, nil, brokenStderr}})
			require.NoError(t, err)
			done := make(chan int, 1)
			go func() { state, _ := proc.Wait(); done <- state.ExitCode() }()
			require.Eventually(t, func() bool { _, err := os.Stat(ready); return err == nil }, pt.Patience, pt.Poll)
			require.NoError(t, proc.Signal(syscall.SIGTERM))
			select {
			case code := <-done:
				assert.Equal(t, 7, code, "the child's own exit code")
			case <-time.After(pt.Patience):
				proc.Kill()
				t.Fatal("pidone did not exit")
			}
			assert.Equal(t, []string{"TERM"}, fileLines(got), "the child saw only the SIGTERM sent to pidone, no SIGPIPE of pidone's own")
		})
	}
}

func TestEverySignalIsSurvivedAndForwardedOrDroppedOnPurpose(t *testing.T) {
	// Not PID 1, where the kernel would drop a signal pidone has no
	// handler for; here such a signal would end pidone and orphan the
	// child. Each signal in turn: pidone must be alive after it, and the
	// child must have seen it, unless pidone never forwards it.
	p := pt.Start(t, pt.Options{}, pt.Pidone(t), "--", pt.SigChild(t))
	p.WaitForLine("ready")
	neverForwarded := map[syscall.Signal]string{
		syscall.SIGCHLD: "pidone's cue to reap",
		syscall.SIGPROF: "the Go runtime's profiling signal",
		32:              "kept from os/signal by the Go runtime",
		33:              "kept from os/signal by the Go runtime",
		34:              "kept from os/signal by the Go runtime",
	}
	for sig := syscall.Signal(1); sig <= signals.Max; sig++ {
		if sig == syscall.SIGKILL || sig == syscall.SIGSTOP {
			continue
		}
		p.Signal(sig)
		if _, dropped := neverForwarded[sig]; dropped {
			// A forwarded signal after it shows pidone has handled it.
			winches := countOf(p.Stdout(), "signal SIGWINCH")
			p.Signal(syscall.SIGWINCH)
			waitForSignalCount(t, p, "SIGWINCH", winches+1)
		} else {
			waitForSignalCount(t, p, signals.Name(sig), 1)
		}
		require.False(t, p.Exited(), "pidone ended on %s", signals.Name(sig))
	}
}

// waitForSignalCount waits until the child has reported name at least n
// times.
func waitForSignalCount(t *testing.T, p *pt.Process, name string, n int) {
	t.Helper()
	require.Eventually(t, func() bool { return countOf(p.Stdout(), "signal "+name) >= n || p.Exited() },
		pt.Patience, pt.Poll, "the child never reported %s", name)
}

func TestAStopSignalInTheFirstInstantIsCaughtNotTheRuntimesDefault(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode: strace holds pidone at a system call for 10 s")
	}
	t.Parallel() // the 10 s hold is idle time
	// Until pidone asks for SIGTERM, the Go runtime's default applies: exit
	// 2, or death. pidone asks for the stop signals while its packages are
	// initialised, before main, whose first system call is getpid. strace
	// holds pidone's main thread at that call while the test sends SIGTERM
	// to another of its threads, which handles it at once: pidone must have
	// caught it, and hand it to the child once the child runs.
	strace, err := exec.LookPath("strace")
	if err != nil {
		t.Skip("needs strace to hold pidone at a system call (make setup installs it)")
	}
	p := pt.Start(t, pt.Options{}, strace, "-f", "-qq", "--seccomp-bpf", "-o", "/dev/null",
		"-e", "trace=getpid", "-e", "inject=getpid:delay_enter=10s:when=1",
		pt.Pidone(t), "-vv", "--", "sleep", "1000")
	var pid, held int
	require.Eventually(t, func() bool {
		pid, held = threadStoppedAt(pt.ProcessTree(p.Pid()), unix.SYS_GETPID)
		return held != 0 || p.Exited()
	}, pt.Patience, pt.Poll, "pidone never stopped at getpid")
	if held == 0 {
		t.Skip("strace could not hold pidone (is ptrace allowed here?): " + p.Stderr())
	}
	other := 0
	tasks, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/task")
	require.NoError(t, err)
	for _, task := range tasks {
		if tid, _ := strconv.Atoi(task.Name()); tid != held {
			other = tid
			break
		}
	}
	require.NotZero(t, other, "pidone has only the thread strace holds")
	require.NoError(t, unix.Tgkill(pid, other, syscall.SIGTERM))
	assert.Equal(t, 143, p.Wait(), "the child died of the SIGTERM pidone held for it")
	assert.Contains(t, p.Stderr(), "forwarding SIGTERM", "pidone caught it; the runtime's default would have ended pidone")
}

// threadStoppedAt finds, among procs, a thread stopped by its tracer on
// entering system call nr: its process and its thread id, or zeros.
func threadStoppedAt(procs map[int]string, nr int) (pid, tid int) {
	for pid := range procs {
		tasks, _ := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/task")
		for _, task := range tasks {
			dir := "/proc/" + strconv.Itoa(pid) + "/task/" + task.Name()
			status, _ := os.ReadFile(dir + "/status")
			call, _ := os.ReadFile(dir + "/syscall")
			fields := strings.Fields(string(call))
			if strings.Contains(string(status), "State:\tt (tracing stop)") && len(fields) > 0 && fields[0] == strconv.Itoa(nr) {
				tid, _ := strconv.Atoi(task.Name())
				return pid, tid
			}
		}
	}
	return 0, 0
}
