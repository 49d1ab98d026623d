//go:build engines

package engines

import (
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
			require.Eventually(t, func() bool { return count(s.children(), "cat") == orphans }, patience, poll,
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
