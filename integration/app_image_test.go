//go:build integration

package integration

import (
	"os/exec"
	"sort"
	"strings"
	"testing"

	pt "github.com/pidone/pidone/integration/proctest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Scenario 9: an application image takes pidone from the release image
// with COPY --from= and sets it as its entrypoint
// (integration/testdata/app.Dockerfile); it runs and stops cleanly.
func TestAppImageBuiltWithCopyFromRunsAndStops(t *testing.T) {
	t.Parallel()
	assert.Equal(t, `["/pidone","--"]`, strings.TrimSpace(docker(t, "inspect", "-f", "{{json .Config.Entrypoint}}", appImage)))

	c := start(t, []string{appImage})
	c.WaitForLog("app ready")
	c.Stop(30)
	assert.Equal(t, 0, c.ExitCode(), "the app's SIGTERM trap decided the code")
	assert.True(t, pt.HasLine(c.Logs(), "app stopping"), c.Logs())
}

// The release image holds pidone and its license, and nothing else.
func TestReleaseImageHoldsOnlyPidone(t *testing.T) {
	t.Parallel()
	requireEngine(t)
	name := machineDocker.Named(t).Name
	// A scratch image needs a command to be created, never to be run.
	docker(t, "create", "--network", "none", "--name", name, releaseImage, "/pidone")
	listing, err := exec.Command("sh", "-c", "docker export "+name+" | tar -t").Output()
	require.NoError(t, err)

	var files []string
	for _, entry := range strings.Fields(string(listing)) {
		// The engine adds these mount points to every container.
		if !strings.HasPrefix(entry, "dev/") && !strings.HasPrefix(entry, "proc/") &&
			!strings.HasPrefix(entry, "sys/") && !strings.HasPrefix(entry, "etc/") && entry != ".dockerenv" {
			files = append(files, entry)
		}
	}
	sort.Strings(files)
	assert.Equal(t, []string{"LICENSE", "pidone"}, files)
}
