//go:build integration

package integration

import (
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
		procs := c.Processes()
		return procs.Count("cat") == 0 && procs.Zombies() == 0
	}, patience, poll, "orphans left behind: %v", c.Processes())
	assert.Equal(t, "running", c.State(), "the child keeps running")
}

// The negative control: with `sleep` as PID 1, nobody reaps the orphans,
// and every one of them stays a zombie.
func TestWithoutPidoneOrphansStayZombies(t *testing.T) {
	t.Parallel()
	c := start(t, withoutPidone(orphanMaker...))
	releaseOrphans(t, c)
	require.Eventually(t, func() bool { return c.Processes().Zombies() == orphans }, patience, poll,
		"expected %d zombies: %v", orphans, c.Processes())
}

// releaseOrphans waits until every orphan waits at the gate, then opens it.
func releaseOrphans(t *testing.T, c *container) {
	t.Helper()
	c.WaitForLog("orphans started")
	require.Eventually(t, func() bool { return c.Processes().Count("cat") == orphans }, patience, poll,
		"not every orphan started: %v", c.Processes())
	c.Exec("sh", "-c", "echo open > /tmp/gate")
}
