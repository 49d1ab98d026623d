package main_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pt "github.com/pidone/pidone/integration/proctest"
)

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
		p := pt.Start(t, pt.Options{}, pidoneAs(t, "dumb-init"), "-r", "10:12:3", "--", "true")
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
