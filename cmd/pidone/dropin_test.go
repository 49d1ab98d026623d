package main_test

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pt "github.com/pidone/pidone/integration/proctest"
)

// The differential tests run one scenario twice: under the real tool, as
// Debian installs it, and under pidone installed under the tool's name. A
// scenario returns what a container could observe; both runs must observe
// what the test wants, so pidone is a drop-in exactly where the anchor is.

// realTool is the anchor's binary.
func realTool(t *testing.T, tool string) string {
	path := "/usr/bin/" + tool
	_, err := os.Stat(path)
	require.NoError(t, err, "the differential tests need the real %s (apt-get install tini dumb-init catatonit)", tool)
	return path
}

// commandLine is bin with flags, then "--" and the command it supervises.
func commandLine(bin string, flags []string, command ...string) []string {
	return append(append([]string{bin}, flags...), append([]string{"--"}, command...)...)
}

// sameAsAnchor runs scenario under the real tool and under pidone as tool,
// and asserts that each observes want.
func sameAsAnchor[T any](t *testing.T, tool string, want T, scenario func(t *testing.T, bin string) T) {
	t.Helper()
	t.Run("real "+tool, func(t *testing.T) {
		assert.Equal(t, want, scenario(t, realTool(t, tool)), "the anchor itself")
	})
	t.Run("pidone as "+tool, func(t *testing.T) {
		assert.Equal(t, want, scenario(t, pt.PidoneAs(t, tool)))
	})
}

// betterThanAnchor is for the differences left on purpose: the anchor
// observes anchorHas (so the test shows the anchor still behaves so), pidone
// observes want, and why says why pidone differs.
func betterThanAnchor[T any](t *testing.T, tool string, anchorHas, want T, why string, scenario func(t *testing.T, bin string) T) {
	t.Helper()
	t.Run("real "+tool, func(t *testing.T) {
		assert.Equal(t, anchorHas, scenario(t, realTool(t, tool)), "the anchor no longer shows the difference: "+why)
	})
	t.Run("pidone as "+tool, func(t *testing.T) {
		assert.Equal(t, want, scenario(t, pt.PidoneAs(t, tool)), why)
	})
}

// readyInFile waits for the ready line of a sigchild that writes to a file.
func readyInFile(t *testing.T, path string) string {
	t.Helper()
	var line string
	require.Eventually(t, func() bool {
		line = firstLine(fileLines(path), "ready")
		return line != ""
	}, pt.Patience, pt.Poll, "no ready line in %s", path)
	return line
}

func fileLines(path string) []string {
	data, _ := os.ReadFile(path)
	return strings.Split(strings.TrimSpace(string(data)), "\n")
}

func firstLine(lines []string, prefix string) string {
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}

// countOf counts the lines that equal line.
func countOf(lines []string, line string) (n int) {
	for _, l := range lines {
		if l == line {
			n++
		}
	}
	return n
}

// signalLines keeps the "signal SIGxxx" lines of sigchild's output.
func signalLines(lines []string) []string {
	var sigs []string
	for _, l := range lines {
		if name, ok := strings.CutPrefix(l, "signal "); ok {
			sigs = append(sigs, name)
		}
	}
	return sigs
}

// waitForSignals waits until the process has reported each of want, in
// whatever order, and returns the set of signals it has reported.
func waitForSignals(t *testing.T, p *pt.Process, want ...string) []string {
	t.Helper()
	var got []string
	require.Eventually(t, func() bool {
		got = sortedSet(signalLines(p.Stdout()))
		return len(intersect(got, want)) == len(sortedSet(want))
	}, pt.Patience, pt.Poll, "not all of %v reported on stdout:\n%s", want, strings.Join(p.Stdout(), "\n"))
	return got
}

// sortedSet is the set of names, sorted, nil when empty.
func sortedSet(names []string) []string {
	var set []string
	for _, n := range names {
		if !slices.Contains(set, n) {
			set = append(set, n)
		}
	}
	slices.Sort(set)
	return set
}

// intersect is the set of names in both a and b, sorted, nil when empty.
func intersect(a, b []string) []string {
	var both []string
	for _, n := range a {
		if slices.Contains(b, n) {
			both = append(both, n)
		}
	}
	return sortedSet(both)
}

// killAtEnd makes sure a process the test left running ends with the test.
func killAtEnd(t *testing.T, pid int) {
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGKILL) })
}

// readFile returns a file's contents, or nil when it cannot be read.
func readFile(path string) []byte {
	data, _ := os.ReadFile(path)
	return data
}

// Behaviours the anchors' own test suites check (make compat), each also
// checked here against the real tool.

// directories is where the child started and where the init itself is.
type directories struct{ Child, Init string }

// directoriesUnder starts bin with its command in dir and reports both,
// once the init is past its start: it has forwarded a signal.
func directoriesUnder(t *testing.T, dir, bin string) directories {
	where, forwarded := filepath.Join(dir, "child-started-in"), filepath.Join(dir, "forwarded")
	os.Remove(where)
	os.Remove(forwarded)
	p := pt.Start(t, pt.Options{}, "/bin/sh", "-c",
		`cd "$1" && exec "$2" -- sh -c 'trap "echo >\"$1\"" USR1; pwd >"$0"; while :; do sleep 0.05; done' "$3" "$4"`,
		"sh", dir, bin, where, forwarded)
	require.Eventually(t, func() bool {
		if _, err := os.Stat(where); err == nil {
			p.Signal(syscall.SIGUSR1)
		}
		_, err := os.Stat(forwarded)
		return err == nil
	}, pt.Patience, pt.Poll, "the init never forwarded SIGUSR1 to its child")
	data, err := os.ReadFile(where)
	require.NoError(t, err)
	initDir, err := os.Readlink("/proc/" + strconv.Itoa(p.Pid()) + "/cwd")
	require.NoError(t, err)
	return directories{Child: strings.TrimSpace(string(data)), Init: initDir}
}

func TestTheInitLeavesItsDirectoryOnceTheChildHasStartedThere(t *testing.T) {
	dir := t.TempDir()
	t.Run("dumb-init", func(t *testing.T) {
		sameAsAnchor(t, "dumb-init", directories{Child: dir, Init: "/"}, func(t *testing.T, bin string) directories {
			return directoriesUnder(t, dir, bin)
		})
	})
	for _, tool := range []string{"tini", "catatonit"} {
		t.Run(tool+" stays", func(t *testing.T) {
			sameAsAnchor(t, tool, directories{Child: dir, Init: dir}, func(t *testing.T, bin string) directories {
				return directoriesUnder(t, dir, bin)
			})
		})
	}
	t.Run("pidone", func(t *testing.T) {
		assert.Equal(t, directories{Child: dir, Init: "/"}, directoriesUnder(t, dir, pt.Pidone(t)))
	})
	t.Run("pidone started in a removed directory still starts the child there", func(t *testing.T) {
		gone := filepath.Join(t.TempDir(), "gone")
		require.NoError(t, os.Mkdir(gone, 0o755))
		p := pt.Start(t, pt.Options{}, "/bin/sh", "-c",
			`cd "$1" && rmdir "$1" && exec "$2" -- sh -c 'readlink /proc/self/cwd'`, "sh", gone, pt.Pidone(t))
		require.Equal(t, 0, p.Wait(), p.Stderr())
		assert.Equal(t, []string{gone + " (deleted)"}, p.Stdout())
	})
	// dumb-init's own suite has the child read its init's directory as its
	// first command: pidone has left before the child exists, so no run,
	// however the machine schedules it, finds the init still there.
	for _, bin := range []string{"pidone", "dumb-init"} {
		t.Run(bin+" has left before the child can look", func(t *testing.T) {
			init := pt.PidoneAs(t, bin)
			for range 20 {
				p := pt.Start(t, pt.Options{}, "/bin/sh", "-c",
					`cd "$1" && exec "$2" -- sh -c 'readlink /proc/$PPID/cwd; pwd'`, "sh", dir, init)
				require.Equal(t, 0, p.Wait())
				require.Equal(t, []string{"/", dir}, p.Stdout())
			}
		})
	}
}

func TestDumbInitReadsARewriteRuleAsDumbInitDoes(t *testing.T) {
	// dumb-init reads the two numbers at the start of a rule and ignores
	// what follows them; pidone under its name does the same, and says
	// what it ignored.
	for _, rule := range []string{"10:12:3", "10:12,3:4", " 10:12"} {
		t.Run(rule, func(t *testing.T) {
			sameAsAnchor(t, "dumb-init", "signal SIGUSR2", func(t *testing.T, bin string) string {
				p := pt.Start(t, pt.Options{}, bin, "-r", rule, "--", pt.SigChild(t))
				p.WaitForLine("ready")
				p.Signal(syscall.SIGUSR1)
				return p.WaitForLine("signal ")
			})
		})
	}
	t.Run("the warning", func(t *testing.T) {
		p := pt.Start(t, pt.Options{}, pt.PidoneAs(t, "dumb-init"), "-r", "10:12:3", "--", "true")
		assert.Equal(t, 0, p.Wait())
		assert.Equal(t, "[dumb-init] rewrite rule \"10:12:3\": read as 10:12, as dumb-init reads it; ignoring \":3\"\n", p.Stderr())
	})
	t.Run("a rule dumb-init refuses is refused", func(t *testing.T) {
		for _, rule := range []string{"0:1", "x:1", "10"} {
			sameAsAnchor(t, "dumb-init", 1, func(t *testing.T, bin string) int {
				return pt.Start(t, pt.Options{}, bin, "-r", rule, "--", "true").Wait()
			})
		}
	})
}

// activation is what a socket-activated service under the init sees.
type activation struct {
	ListenPIDIsOwn bool
	Sockets        string // which of descriptors 3 and 4 it holds
	ListenFDs      string
}

// activatedUnder runs bin the way a socket-activating manager would: with
// descriptors 3 and 4 open and LISTEN_PID naming bin's process.
func activatedUnder(t *testing.T, bin string) activation {
	p := pt.Start(t, pt.Options{}, "/bin/sh", "-c", `exec 3</dev/null 4</dev/null; LISTEN_FDS=2 LISTEN_PID=$$ exec "$1" -- sh -c '
		[ "$LISTEN_PID" = $$ ] && echo own || echo other
		for fd in 3 4; do [ -e /proc/$$/fd/$fd ] && printf "%s " $fd; done; echo
		echo "$LISTEN_FDS"'`, "sh", bin)
	require.Equal(t, 0, p.Wait(), "stderr: %s", p.Stderr())
	out := p.Stdout()
	require.Len(t, out, 3, "stdout: %q", out)
	return activation{ListenPIDIsOwn: out[0] == "own", Sockets: strings.TrimSpace(out[1]), ListenFDs: out[2]}
}

func TestCatatonitHandsSocketsOnWithTheChildsPid(t *testing.T) {
	sameAsAnchor(t, "catatonit", activation{ListenPIDIsOwn: true, Sockets: "3 4", ListenFDs: "2"}, activatedUnder)
	t.Run("sockets for another process are left as they are", func(t *testing.T) {
		sameAsAnchor(t, "catatonit", "LISTEN_PID=1", func(t *testing.T, bin string) string {
			p := pt.Start(t, pt.Options{Env: []string{"LISTEN_FDS=1", "LISTEN_PID=1"}}, bin, "--", "sh", "-c", `echo LISTEN_PID=$LISTEN_PID`)
			require.Equal(t, 0, p.Wait())
			return strings.Join(p.Stdout(), "")
		})
	})
	t.Run("a command that cannot start through the stage is reported as ever", func(t *testing.T) {
		p := pt.Start(t, pt.Options{}, "/bin/sh", "-c", `LISTEN_FDS=1 LISTEN_PID=$$ exec "$1" -- /no/such/file`, "sh", pt.PidoneAs(t, "catatonit"))
		assert.Equal(t, 1, p.Wait())
		assert.Contains(t, p.Stderr(), "failed to exec pid1: No such file or directory")
	})
}
