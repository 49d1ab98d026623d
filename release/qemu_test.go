//go:build qemu

package release

import (
	"bytes"
	"errors"
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
)

// emulators name the qemu-user binary that runs each foreign release
// binary. amd64 runs natively on this (x86-64) host; so does 386, through
// the kernel's 32-bit compat layer, because Debian's qemu-i386 (7.2) crashes
// every Go program at start-up, before main ("bad g in signal handler"), a
// Go-on-qemu-i386 limit unrelated to pidone.
var emulators = map[string]string{
	"amd64":   "",
	"386":     "",
	"arm64":   "qemu-aarch64-static",
	"armv7":   "qemu-arm-static",
	"ppc64le": "qemu-ppc64le-static",
	"s390x":   "qemu-s390x-static",
	"riscv64": "qemu-riscv64-static",
}

// fallbackEmulators run a binary this host is listed as running natively,
// on a kernel that cannot: one built without IA32 emulation, common on CI
// hosts, refuses every i386 program with "exec format error".
var fallbackEmulators = map[string]string{"386": "qemu-i386-static"}

// nativeOrEmulated returns "" when the kernel runs binary itself, else the
// fallback emulator if that can run it. When neither can, the platform's
// checks are skipped with the reason, so the summary shows what did not run.
func nativeOrEmulated(t *testing.T, name, binary string) string {
	err := exec.Command(binary, "--version").Run()
	if !errors.Is(err, syscall.ENOEXEC) {
		return ""
	}
	why := name + ": this kernel cannot run " + name + " programs (exec format error)"
	fallback, ok := fallbackEmulators[name]
	if !ok {
		t.Skip(why)
	}
	path, lookErr := exec.LookPath(fallback)
	if lookErr != nil {
		t.Skip(why + ", and " + fallback + " is not installed")
	}
	if out, err := exec.Command(path, binary, "--version").CombinedOutput(); err != nil {
		first, _, _ := strings.Cut(string(out), "\n")
		t.Skip(why + ", and " + fallback + " cannot run it either (" + first + ")")
	}
	// Debian's qemu-i386 has been seen to crash Go's 386 runtime in a
	// fraction of runs that supervise a child (a SIGSEGV inside the
	// scheduler): a fault of the emulator's, which the checks below would
	// report as pidone's. It must run pidone cleanly every time to stand in
	// for the kernel.
	const probes = 10
	for k := range probes {
		if out, err := exec.Command(path, binary, "--", "/bin/true").CombinedOutput(); err != nil {
			fault := "no message"
			for _, line := range strings.Split(string(out), "\n") {
				if strings.HasPrefix(line, "SIG") || strings.HasPrefix(line, "fatal") {
					fault = line
					break
				}
			}
			t.Skipf("%s, and %s cannot run it reliably (run %d of %d of pidone -- /bin/true: %v, %s)", why, fallback, k+1, probes, err, fault)
		}
	}
	return fallback
}

// Children are host (x86-64) programs: qemu-user passes a guest's execve to
// the host kernel, so they run natively, and /bin/busybox (busybox-static)
// needs no loader.
const busybox = "/bin/busybox"

// sleepMarker makes the sleeping child easy to find in /proc: its argv is
// exactly busybox sleep 4242 (pidone's own argv holds the same words, so
// only an exact match finds the child and not its parent).
const sleepMarker = "4242"

var sleepArgv = []byte(busybox + "\x00sleep\x00" + sleepMarker + "\x00")

func TestReleaseBinariesRunUnderQemu(t *testing.T) {
	dist, version := releaseDist(t)
	for _, p := range platforms {
		t.Run(p.name, func(t *testing.T) {
			emulator := emulators[p.name]
			if emulator == "" {
				emulator = nativeOrEmulated(t, p.name, p.binary(dist))
			}
			run := runner(t, p.binary(dist), emulator)

			t.Run("--version prints the stamped version", func(t *testing.T) {
				out, err := run("--version").Output()
				require.NoError(t, err)
				assert.Equal(t, "pidone "+version+"\n", string(out))
			})
			t.Run("-- /bin/true exits 0", func(t *testing.T) {
				assert.Equal(t, 0, exitCode(t, run("--", "/bin/true")))
			})
			t.Run("sh -c 'exit 7' exits 7", func(t *testing.T) {
				assert.Equal(t, 7, exitCode(t, run("--", busybox, "sh", "-c", "exit 7")))
			})
			t.Run("child killed by SIGKILL exits 137", func(t *testing.T) {
				assert.Equal(t, 137, exitCode(t, run("--", busybox, "sh", "-c", "kill -KILL $$")))
			})
			// A bare name pidone cannot find in PATH: pidone fails before it
			// forks. (A path that fails in execve is not tested here: under
			// qemu 7.2 the forked child, a copy of the multi-threaded qemu,
			// sometimes deadlocks on its way to _exit, a qemu-user limit.)
			t.Run("a command not in PATH exits 127", func(t *testing.T) {
				assert.Equal(t, 127, exitCode(t, run("--", "pidone-no-such-command")))
			})
			t.Run("SIGTERM is forwarded and the child's death exits 143", func(t *testing.T) {
				cmd := run("--", busybox, "sleep", sleepMarker)
				assert.Equal(t, 143, stopWith(t, cmd, syscall.SIGTERM))
			})
			// Negative control for the case above: the child lives in its own
			// process group, so the signal that ends it is the one pidone
			// sends, here rewritten to SIGINT.
			t.Run("with -r TERM:INT SIGTERM ends the child by SIGINT, exits 130", func(t *testing.T) {
				cmd := run("-r", "TERM:INT", "--", busybox, "sleep", sleepMarker)
				assert.Equal(t, 130, stopWith(t, cmd, syscall.SIGTERM))
			})
			t.Run("as PID 1 of a PID namespace SIGTERM ends the group, exits 143", func(t *testing.T) {
				cmd := run("--", busybox, "sh", "-c", busybox+" sleep "+sleepMarker+" & exec "+busybox+" sleep "+sleepMarker)
				// --kill-child: if the test kills unshare, the namespace goes too.
				cmd.Args = append([]string{"unshare", "--pid", "--fork", "--mount-proc", "--kill-child"}, cmd.Args...)
				cmd.Path = lookPath(t, "unshare")
				assert.Equal(t, 143, stopWith(t, cmd, syscall.SIGTERM))
			})
		})
	}
}

// releaseDist is the dist directory `make qemu-test` built and the version
// it stamped, or, when the test runs on its own, a fresh build of the
// working tree.
func releaseDist(t *testing.T) (dist, version string) {
	if dist := os.Getenv("PIDONE_DIST"); dist != "" {
		return dist, os.Getenv("PIDONE_VERSION")
	}
	dist = filepath.Join(t.TempDir(), "dist")
	build := exec.Command("./release/build.sh", "--binaries", dist, "qemu-test")
	build.Dir = repoRoot(t)
	out, err := build.CombinedOutput()
	require.NoError(t, err, "release build: %s", out)
	return dist, "qemu-test"
}

// runner returns a function that builds the command line running binary,
// under emulator unless it is empty.
func runner(t *testing.T, binary, emulator string) func(args ...string) *exec.Cmd {
	if emulator == "" {
		return func(args ...string) *exec.Cmd { return exec.Command(binary, args...) }
	}
	path := lookPath(t, emulator)
	return func(args ...string) *exec.Cmd {
		return exec.Command(path, append([]string{binary}, args...)...)
	}
}

func lookPath(t *testing.T, name string) string {
	path, err := exec.LookPath(name)
	require.NoError(t, err, "%s is missing: apt-get install qemu-user-static util-linux (.ci/run does)", name)
	return path
}

// exitCode runs cmd to its end, with a generous limit, and returns its exit
// code.
func exitCode(t *testing.T, cmd *exec.Cmd) int {
	t.Helper()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	return waitExit(t, cmd, &stderr)
}

// stopWith starts cmd, waits until the sleeping child runs under it, sends
// sig to the process cmd started (pidone, or qemu running pidone, or
// unshare's child) and returns the exit code.
func stopWith(t *testing.T, cmd *exec.Cmd, sig syscall.Signal) int {
	t.Helper()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	var target int
	require.Eventually(t, func() bool {
		child, ok := findDescendant(cmd.Process.Pid, sleepArgv)
		if ok {
			target = parentOf(child)
		}
		return ok
	}, 30*time.Second, 20*time.Millisecond, "the sleeping child never started: %s", &stderr)
	if filepath.Base(cmd.Path) == "unshare" {
		target = childOf(cmd.Process.Pid)
	}
	// Whatever happens next, nothing outlives the test.
	t.Cleanup(func() { _ = syscall.Kill(target, syscall.SIGKILL) })
	require.NoError(t, syscall.Kill(target, sig))
	return waitExit(t, cmd, &stderr)
}

func waitExit(t *testing.T, cmd *exec.Cmd, stderr *bytes.Buffer) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			t.Logf("stderr: %s", stderr)
			return exit.ExitCode()
		}
		require.NoError(t, err)
		return 0
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("%s did not exit within 60s; stderr: %s", cmd.Args, stderr)
		return -1
	}
}

// findDescendant looks in /proc for a descendant of root whose command line
// is argv (NUL-separated, as in /proc/PID/cmdline).
func findDescendant(root int, argv []byte) (int, bool) {
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == root {
			continue
		}
		cmdline, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil || !bytes.Equal(cmdline, argv) {
			continue
		}
		for p := parentOf(pid); p > 1; p = parentOf(p) {
			if p == root {
				return pid, true
			}
		}
	}
	return 0, false
}

// parentOf reads the parent pid from /proc/PID/stat, or 0.
func parentOf(pid int) int {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// The command name may hold spaces and parentheses: skip past the last ')'.
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	if len(fields) < 2 {
		return 0
	}
	ppid, _ := strconv.Atoi(fields[1])
	return ppid
}

// childOf returns a child of pid (unshare --fork has exactly one).
func childOf(pid int) int {
	children, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/task/" + strconv.Itoa(pid) + "/children")
	first, _, _ := strings.Cut(strings.TrimSpace(string(children)), " ")
	child, _ := strconv.Atoi(first)
	return child
}
