//go:build integration

package integration

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// orphans is how many orphans the child leaves behind.
const orphans = 500

// orphanMaker starts orphans that each wait at a gate (a FIFO) and exit
// when it opens, after their parent is long gone; then it becomes
// `sleep 10000` and keeps running. Without pidone that sleep is PID 1, the
// parent of every orphan, and never waits for them.
var orphanMaker = []string{"sh", "-c", `
	mkfifo /tmp/gate
	i=0
	while [ $i -lt ` + itoa(orphans) + ` ]; do (cat /tmp/gate >/dev/null &); i=$((i+1)); done
	echo orphans started
	exec sleep 10000`}

// Scenario 4: pidone reaps every orphan that ends in its container.
func TestOrphansAreReaped(t *testing.T) {
	t.Parallel()
	c := start(t, withPidone(append([]string{"--"}, orphanMaker...)...))
	releaseOrphans(t, c)
	require.Eventually(t, func() bool {
		procs := c.processes()
		return procs.count("cat") == 0 && procs.zombies() == 0
	}, patience, poll, "orphans left behind: %v", c.processes())
	assert.Equal(t, "running", c.state(), "the child keeps running")
}

// The negative control: with `sleep` as PID 1, nobody reaps the orphans,
// and every one of them stays a zombie.
func TestWithoutPidoneOrphansStayZombies(t *testing.T) {
	t.Parallel()
	c := start(t, withoutPidone(orphanMaker...))
	releaseOrphans(t, c)
	require.Eventually(t, func() bool { return c.processes().zombies() == orphans }, patience, poll,
		"expected %d zombies: %v", orphans, c.processes())
}

// releaseOrphans waits until every orphan waits at the gate, then opens it.
func releaseOrphans(t *testing.T, c *container) {
	t.Helper()
	c.waitForLog("orphans started")
	require.Eventually(t, func() bool { return c.processes().count("cat") == orphans }, patience, poll,
		"not every orphan started: %v", c.processes())
	c.exec("sh", "-c", "echo open > /tmp/gate")
}

// processTable maps each process in the container to its command name and
// state letter, as /proc/PID/stat shows them: "cat Z".
type processTable map[string]string

// processes reads the container's process table from inside it.
func (c *container) processes() processTable {
	c.t.Helper()
	// One grep over every stat file: it lists itself, but no cat of its own,
	// and it is no zombie; busybox's read builtin, one byte a system call,
	// would take seconds over the orphans' hundreds of files. A process that
	// ends between the glob and the read is simply not listed, and grep's
	// status for that is no failure of the listing.
	out := c.exec("sh", "-c", `grep -h "" /proc/[0-9]*/stat 2>/dev/null; true`)
	procs := processTable{}
	for _, line := range strings.Split(out, "\n") {
		open, end := strings.IndexByte(line, '('), strings.LastIndexByte(line, ')')
		if open < 0 || end < open || end+3 > len(line) {
			continue
		}
		pid := strings.TrimSpace(line[:open])
		procs[pid] = line[open+1:end] + " " + line[end+2:end+3]
	}
	return procs
}

// waitForProcess waits until command runs in the container: a docker stop
// before that would land in pidone's start-up window, which make
// bench-startup measures, not the test that waits.
func (c *container) waitForProcess(command string) {
	c.t.Helper()
	require.Eventually(c.t, func() bool { return c.processes().count(command) > 0 }, patience, poll,
		"%s never ran in the container", command)
}

func (p processTable) count(command string) int {
	n := 0
	for _, proc := range p {
		if strings.HasPrefix(proc, command+" ") {
			n++
		}
	}
	return n
}

func (p processTable) zombies() int {
	n := 0
	for _, proc := range p {
		if strings.HasSuffix(proc, " Z") {
			n++
		}
	}
	return n
}

func (p processTable) String() string {
	states := map[string]int{}
	for _, proc := range p {
		states[proc]++
	}
	var parts []string
	for proc, n := range states {
		parts = append(parts, proc+" ×"+itoa(n))
	}
	return strings.Join(parts, ", ")
}
