//go:build engines

package engines

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pt "github.com/pidone/pidone/integration/proctest"
)

// Under dumb-init's name the child starts with signals 1 to 31 at their
// default action, as dumb-init, which catches them all, leaves them;
// under pidone's own name it keeps what its caller ignored. The caller
// here ignores SIGHUP and SIGINT, as nohup and a shell's background job do.
func TestDumbInitChildGetsDefaultDispositions(t *testing.T) {
	t.Parallel()
	ignored := func(t *testing.T, init string) []int {
		out := output(t, "/bin/sh", "-c", `trap "" HUP INT; exec "$0" -- grep SigIgn /proc/self/status`, init)
		mask, ok := strings.CutPrefix(strings.TrimSpace(out), "SigIgn:")
		require.True(t, ok, out)
		return pt.SignalSet(strings.TrimSpace(mask))
	}
	t.Run("dumb-init", func(t *testing.T) {
		assert.NotContains(t, ignored(t, installedAs(t, "dumb-init")), 1, "SIGHUP")
		assert.NotContains(t, ignored(t, installedAs(t, "dumb-init")), 2, "SIGINT")
	})
	t.Run("pidone", func(t *testing.T) {
		assert.Subset(t, ignored(t, pidone), []int{1, 2})
	})
}
