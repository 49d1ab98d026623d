package main_test

import (
	"os"
	"path/filepath"
	"slices"
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

// pidoneAs is pidone linked under the name tool, which selects its personality.
func pidoneAs(t *testing.T, tool string) string {
	link := filepath.Join(t.TempDir(), tool)
	require.NoError(t, os.Symlink(pt.Pidone(t), link))
	return link
}

// sameAsAnchor runs scenario under the real tool and under pidone as tool,
// and asserts that each observes want.
func sameAsAnchor[T any](t *testing.T, tool string, want T, scenario func(t *testing.T, bin string) T) {
	t.Helper()
	t.Run("real "+tool, func(t *testing.T) {
		assert.Equal(t, want, scenario(t, realTool(t, tool)), "the anchor itself")
	})
	t.Run("pidone as "+tool, func(t *testing.T) {
		assert.Equal(t, want, scenario(t, pidoneAs(t, tool)))
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
		assert.Equal(t, want, scenario(t, pidoneAs(t, tool)), why)
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
