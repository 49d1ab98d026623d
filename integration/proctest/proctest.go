// Package proctest runs the real pidone binary for tests, as PID 1 of a new
// PID namespace or as an ordinary process, and lets a test watch what the
// supervised processes see: their output line by line, their /proc state,
// and pidone's exit code. Tests wait for conditions with generous limits,
// never for a fixed time, so a slow machine cannot fail them.
package proctest

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pidone/pidone/internal/hostcheck"
)

// Patience is how long a test waits for something that should happen at
// once. It is long because the kernel here can stall a process for seconds.
const Patience = 60 * time.Second

// Poll is how often a waiting test looks again.
const Poll = 5 * time.Millisecond

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// Pidone returns the path of a freshly built pidone binary.
func Pidone(t testing.TB) string { return built(t, "pidone") }

// PidoneAs returns pidone linked under name, in a directory of its own:
// the name pidone is started under selects its personality.
func PidoneAs(t testing.TB, name string) string {
	link := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.Symlink(Pidone(t), link))
	return link
}

// SigChild returns the path of the sigchild test program.
func SigChild(t testing.TB) string { return built(t, "sigchild") }

func built(t testing.TB, name string) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "proctest-")
		if buildErr != nil {
			return
		}
		for pkg, out := range map[string]string{
			"github.com/pidone/pidone/cmd/pidone":                    "pidone",
			"github.com/pidone/pidone/integration/proctest/sigchild": "sigchild",
		} {
			var env []string
			var ldflags string
			env, ldflags, buildErr = shippedBuild()
			if buildErr != nil {
				return
			}
			cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w -buildid= "+ldflags, "-o", filepath.Join(binDir, out), pkg)
			cmd.Env = env
			if msg, err := cmd.CombinedOutput(); err != nil {
				buildErr = errors.New("go build " + pkg + ": " + err.Error() + "\n" + string(msg))
				return
			}
		}
	})
	require.NoError(t, buildErr)
	return filepath.Join(binDir, name)
}

// shippedBuild is the environment and linker flags for go build that
// build pidone as it ships (release/build.env), whether the tests run from
// make or from a plain go test: build.env's GOEXPERIMENT and GOFLAGS first,
// the caller's own after them, as the Makefile does, and the runtime's
// GODEBUG default with pidone's copy of it.
func shippedBuild() (env []string, ldflags string, err error) {
	root, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return nil, "", errors.New("go env GOMOD: " + err.Error())
	}
	settings, err := os.ReadFile(filepath.Join(filepath.Dir(strings.TrimSpace(string(root))), "release", "build.env"))
	if err != nil {
		return nil, "", err
	}
	env = append(os.Environ(), "CGO_ENABLED=0")
	for _, line := range strings.Split(string(settings), "\n") {
		key, value, ok := strings.Cut(line, "=")
		switch {
		case !ok || strings.HasPrefix(line, "#"):
			continue
		case key == "GODEBUG_DEFAULT":
			ldflags = "-X runtime.godebugDefault=" + value + " -X github.com/pidone/pidone/init.godebugDefault=" + value
			continue
		}
		separator := " "
		if key == "GOEXPERIMENT" {
			separator = ","
		}
		if caller := os.Getenv(key); caller != "" && !strings.Contains(caller, value) {
			value += separator + caller
		}
		env = append(env, key+"="+value)
	}
	return env, ldflags, nil
}

// markerVariable marks every process a test starts, and their
// descendants, which inherit it, so that the test can end them all.
const markerVariable = "PROCTEST_MARK"

// started counts the processes started, for unique marks.
var started atomic.Int64

// Options say how to start a process.
type Options struct {
	// PID1 starts the process as PID 1 of a new PID namespace.
	PID1 bool
	// Env is added to the test's environment.
	Env []string
	// Stdin is the process's standard input; nil is /dev/null.
	Stdin *os.File
	// Terminal starts the process in a session of its own with Stdin, a
	// terminal, as its controlling terminal, as docker run -t does.
	Terminal bool
}

// Process is a started process and what it has written.
type Process struct {
	t      testing.TB
	cmd    *exec.Cmd
	stdout *Output
	stderr *Output
	exited chan struct{}
	code   int
}

// Start starts argv (argv[0] a path) and stops it when the test ends.
func Start(t testing.TB, opts Options, argv ...string) *Process {
	t.Helper()
	if why := hostcheck.NoPIDNamespace(); opts.PID1 && why != "" {
		t.Skip(why)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = os.Environ()
	token := markerVariable + "=" + strconv.Itoa(os.Getpid()) + "-" + strconv.FormatInt(started.Add(1), 10)
	cmd.Env = append(cmd.Env, token)
	cmd.Env = append(cmd.Env, opts.Env...)
	if opts.Stdin != nil {
		// A nil *os.File in the interface would give the child a closed
		// fd 0, not /dev/null.
		cmd.Stdin = opts.Stdin
	}
	p := &Process{t: t, cmd: cmd, stdout: &Output{}, stderr: &Output{}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.stdout, p.stderr
	// Processes pidone left running would hold the output pipes open, and
	// Wait would wait for them too.
	cmd.WaitDelay = time.Second
	cmd.SysProcAttr = &syscall.SysProcAttr{}
	if opts.PID1 {
		cmd.SysProcAttr.Cloneflags = syscall.CLONE_NEWPID
	}
	if opts.Terminal {
		cmd.SysProcAttr.Setsid, cmd.SysProcAttr.Setctty, cmd.SysProcAttr.Ctty = true, true, 0
	}
	require.NoError(t, cmd.Start(), "start %v", argv)
	go func() {
		err := cmd.Wait()
		p.code = exitCode(cmd.ProcessState, err)
		close(p.exited)
	}()
	t.Cleanup(func() {
		// Whatever the test left running goes, pidone's descendants first
		// (as PID 1 pidone takes its namespace with it, but not otherwise).
		killTree(cmd.Process.Pid)
		<-p.exited
		// What an init left behind when it exited (tini and catatonit do
		// not drain) was reparented away from it: its environment still
		// carries the mark of this start.
		killMarked(token)
		if t.Failed() {
			t.Logf("stdout of %v:\n%s", argv, p.stdout.String())
			t.Logf("stderr of %v:\n%s", argv, p.stderr.String())
		}
	})
	return p
}

func exitCode(state *os.ProcessState, err error) int {
	if state == nil {
		return -1
	}
	if ws, ok := state.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return state.ExitCode()
}

// Pid is the process's pid as this test sees it.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Signal sends sig to the process.
func (p *Process) Signal(sig syscall.Signal) {
	p.t.Helper()
	require.NoError(p.t, syscall.Kill(p.Pid(), sig), "send %v", sig)
}

// Wait waits for the process to exit and returns its exit code (128+N when
// signal N killed it).
func (p *Process) Wait() int {
	p.t.Helper()
	select {
	case <-p.exited:
		return p.code
	case <-time.After(Patience):
		require.FailNow(p.t, "process did not exit", "stdout:\n%s\nstderr:\n%s", p.stdout, p.stderr)
		return -1
	}
}

// Exited reports whether the process has exited.
func (p *Process) Exited() bool {
	select {
	case <-p.exited:
		return true
	default:
		return false
	}
}

// WaitForLine waits until a line of stdout starts with prefix and returns it.
func (p *Process) WaitForLine(prefix string) string {
	p.t.Helper()
	var found string
	require.Eventually(p.t, func() bool {
		found = p.stdout.first(prefix)
		return found != ""
	}, Patience, Poll, "no line %q on stdout:\n%s\nstderr:\n%s", prefix, p.stdout, p.stderr)
	return found
}

// WaitForStderr waits until pidone's stderr has a line containing text.
func (p *Process) WaitForStderr(text string) {
	p.t.Helper()
	require.Eventually(p.t, func() bool { return strings.Contains(p.stderr.String(), text) },
		Patience, Poll, "no %q on stderr:\n%s", text, p.stderr)
}

// Stdout returns every line written to stdout so far.
func (p *Process) Stdout() []string { return p.stdout.all() }

// Stderr returns everything written to stderr so far.
func (p *Process) Stderr() string { return p.stderr.String() }

// Field reads key=value from a line such as sigchild's ready line.
func Field(line, key string) int {
	for _, word := range strings.Fields(line) {
		if v, ok := strings.CutPrefix(word, key+"="); ok {
			n, _ := strconv.Atoi(v)
			return n
		}
	}
	return 0
}

// HasLine reports whether output holds line as one whole line; a
// terminal's carriage return at its end does not count.
func HasLine(output, line string) bool {
	for _, l := range strings.Split(output, "\n") {
		if strings.TrimRight(l, "\r") == line {
			return true
		}
	}
	return false
}

// Output collects what a process writes, safe to read while it writes,
// and splits it into lines.
type Output struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *Output) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(b)
}

func (l *Output) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *Output) all() []string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(l.String()))
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}

func (l *Output) first(prefix string) string {
	for _, line := range l.all() {
		if strings.HasPrefix(line, prefix) {
			return line
		}
	}
	return ""
}
