//go:build engines

package engines

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/pidone/pidone/integration/enginetest"
	pt "github.com/pidone/pidone/integration/proctest"
	"github.com/pidone/pidone/internal/hostcheck"
)

// sandbox is a PID namespace as a pod's sandbox makes one, made here with
// `unshare --pid --fork --mount-proc`: the init given is its PID 1, and
// other processes join it with nsenter.
type sandbox struct {
	t       *testing.T
	unshare *pt.Process
	init    int // PID 1 of the namespace, as this test sees it
}

// newSandbox starts argv as PID 1 of a new PID namespace, with env added
// to its environment.
func newSandbox(t *testing.T, env []string, argv ...string) *sandbox {
	t.Helper()
	if why := hostcheck.NoPIDNamespace(); why != "" {
		t.Skip(why)
	}
	for _, tool := range []string{"unshare", "nsenter"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skip(tool + " is not installed (util-linux)")
		}
	}
	s := &sandbox{t: t, unshare: pt.Start(t, pt.Options{Env: env},
		append([]string{"unshare", "--pid", "--fork", "--mount-proc", "--"}, argv...)...)}
	require.Eventually(t, func() bool {
		for _, p := range pt.Children(s.unshare.Pid()) {
			if args := cmdline(p); len(args) > 0 && args[0] == argv[0] {
				s.init = p
				return true
			}
		}
		return false
	}, patience, poll, "%v never started under unshare: %s", argv, s.unshare.Stderr())
	require.Equal(t, "1", lastField(pt.Status(s.init)["NSpid"]), "%v is PID 1 of its namespace", argv)
	return s
}

// enter runs a shell script in the namespace, from outside, as nsenter
// does for a container joining a pod, and waits for it. Its output goes
// to a file, not a pipe: the processes it leaves behind inherit the
// descriptors, and a pipe would stay open, and the wait with it, until the
// last of them ends.
func (s *sandbox) enter(script string, args ...string) {
	s.t.Helper()
	log, err := os.CreateTemp(s.t.TempDir(), "nsenter-")
	require.NoError(s.t, err)
	defer log.Close()
	cmd := exec.Command("nsenter", append([]string{"-t", strconv.Itoa(s.init), "-p", "-m", "--",
		"/bin/sh", "-c", script, "sh"}, args...)...)
	cmd.Stdout, cmd.Stderr = log, log
	err = cmd.Run()
	out, _ := os.ReadFile(log.Name())
	require.NoError(s.t, err, "nsenter: %s", out)
}

// signal sends sig to the namespace's PID 1 from outside it.
func (s *sandbox) signal(sig syscall.Signal) {
	s.t.Helper()
	require.NoError(s.t, syscall.Kill(s.init, sig))
}

// exitCode waits for PID 1 to exit and returns its code, which unshare
// passes on.
func (s *sandbox) exitCode() int {
	s.t.Helper()
	return s.unshare.Wait()
}

// children lists PID 1's children by pid, each as "name state".
func (s *sandbox) children() enginetest.Processes {
	procs := enginetest.Processes{}
	for _, p := range pt.Children(s.init) {
		if st := pt.Status(p); st != nil {
			procs[strconv.Itoa(p)] = st["Name"] + " " + st["State"][:1]
		}
	}
	return procs
}

func cmdline(pid int) []string {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil || len(data) == 0 {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(data), "\x00"), "\x00")
}

func lastField(s string) string {
	fields := strings.Fields(s)
	if len(fields) == 0 {
		return ""
	}
	return fields[len(fields)-1]
}

// gate is a FIFO that processes wait at with `cat GATE`. The test holds
// its one writer from the start, so each waiter's open returns at once
// and its read waits; open ends the writer, and every waiter reads the end
// of the file together.
type gate struct {
	path   string
	writer *os.File
}

func newGate(t *testing.T) *gate {
	t.Helper()
	path := filepath.Join(t.TempDir(), "gate")
	require.NoError(t, unix.Mkfifo(path, 0o600))
	// Read and write: an open for writing alone would wait for a reader.
	writer, err := os.OpenFile(path, os.O_RDWR, 0)
	require.NoError(t, err)
	g := &gate{path: path, writer: writer}
	t.Cleanup(func() { g.writer.Close() })
	return g
}

// open waits until waiters processes have the gate open, then lets them
// all go. A waiter that opened it later would wait for a writer for ever,
// so the test counts the open descriptors, not the processes.
func (g *gate) open(t *testing.T, waiters int) {
	t.Helper()
	require.Eventually(t, func() bool { return len(g.holders()) == waiters }, patience, poll,
		"%d processes waited at %s, not %d", len(g.holders()), g.path, waiters)
	require.NoError(t, g.writer.Close())
}

// holders lists the processes other than this test that have the gate open.
func (g *gate) holders() []int {
	var pids []int
	fds, _ := filepath.Glob("/proc/[0-9]*/fd/*")
	for _, fd := range fds {
		if target, err := os.Readlink(fd); err == nil && target == g.path {
			pid, _ := strconv.Atoi(strings.Split(fd, "/")[2])
			if pid != os.Getpid() {
				pids = append(pids, pid)
			}
		}
	}
	return pids
}

// installedAs copies this run's pidone into a directory of the test's
// under name, which chooses its personality.
func installedAs(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, copyFile(pidone, path))
	return path
}

// output runs a command and returns its stdout, failing the test when it
// fails.
func output(t *testing.T, argv ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "%v: %s", argv, stderr.String())
	return stdout.String()
}

// pidone as a pod's pause, PID 1 of a PID namespace the pod's containers
// share: it needs no command, reaps the orphans that processes joining the
// namespace leave, and exits 0 on SIGTERM (a pod's stop) or SIGINT.
func TestPauseHoldsASharedPIDNamespace(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		argv func(t *testing.T) []string
		stop syscall.Signal
	}{
		{"pause, stopped by SIGTERM", func(t *testing.T) []string { return []string{installedAs(t, "pause")} }, syscall.SIGTERM},
		{"pause, stopped by SIGINT", func(t *testing.T) []string { return []string{installedAs(t, "pause")} }, syscall.SIGINT},
		{"pidone -P, stopped by SIGTERM", func(t *testing.T) []string { return []string{pidone, "-P"} }, syscall.SIGTERM},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newSandbox(t, nil, tc.argv(t)...)
			g := newGate(t)
			// A container's process leaves orphans behind: each subshell
			// ends at once, and its cat, waiting at the gate, is PID 1's.
			s.enter(`i=0; while [ $i -lt `+strconv.Itoa(orphans)+` ]; do (cat "$1" >/dev/null &); i=$((i+1)); done`, g.path)
			require.Eventually(t, func() bool { return s.children().Count("cat") == orphans }, patience, poll,
				"not every orphan became PID 1's: %v", s.children())
			g.open(t, orphans)
			require.Eventually(t, func() bool { return len(s.children()) == 0 }, patience, poll,
				"PID 1 left children, zombies among them: %v", s.children())
			s.signal(tc.stop)
			assert.Equal(t, 0, s.exitCode(), s.unshare.Stderr())
		})
	}
}

// pause -v prints pause's version and pidone's.
func TestPauseVersion(t *testing.T) {
	t.Parallel()
	out := output(t, installedAs(t, "pause"), "-v")
	assert.True(t, strings.HasSuffix(strings.TrimSpace(out), "("+version+")"), out)
	assert.True(t, strings.HasPrefix(out, "pause"), out)
}
